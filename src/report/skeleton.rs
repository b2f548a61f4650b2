//! The text of a new report file (`gongkai new`): every table of the year's
//! format with zeros, each line commented with its official label.

use super::num::Num;
use super::schema::{Format, RESULTS, RowRole, SECTIONS};

/// Writes a complete report file. `carried_over` pre-fills 二、上年结转 (7 cells)
/// from last year's 四、结转下年度继续办理.
pub fn new_report(agency: &str, year: i64, carried_over: Option<&[Num]>) -> String {
    let format = Format::for_year(year);
    let mut out = String::new();
    out.push_str("---\n");
    out.push_str(&format!(
        "agency: {}                # 机关名称\n",
        yaml_text(agency)
    ));
    out.push_str(&format!(
        "year: {year}                  # 报告年度（统计期为 {year}年1月1日至12月31日）\n"
    ));
    out.push_str(&format!(
        "format: \"{}\"                # {}\n",
        format.key(),
        format.document()
    ));
    out.push_str(&format!(
        "# published: {}-01-20      # 发布日期：发布时去掉行首的 # 并改为实际日期\n",
        year + 1
    ));
    for table in format.tables() {
        out.push_str(&format!(
            "{}:{}# {}\n",
            table.key,
            pad(table.key.len() + 1, 30),
            table.title
        ));
        let mut open: Vec<&str> = Vec::new();
        for row in table.rows {
            let parents = &row.path[..row.path.len() - 1];
            while !parents.starts_with(&open) {
                open.pop();
            }
            while open.len() < parents.len() {
                let key = parents[open.len()];
                let label = if open.is_empty() && row.section == Some(RESULTS) {
                    RESULTS
                } else {
                    row.group.unwrap_or(RESULTS)
                };
                let indent = "  ".repeat(open.len() + 1);
                out.push_str(&format!(
                    "{indent}{key}:{}# {label}\n",
                    pad(indent.len() + key.len() + 1, 30)
                ));
                open.push(key);
            }
            let indent = "  ".repeat(row.path.len());
            let key = row.path[row.path.len() - 1];
            let value = if row.scalar {
                "0".to_string()
            } else if row.role == RowRole::CarriedOver && carried_over.is_some() {
                let cells = carried_over.unwrap_or_default();
                format!(
                    "[{}]",
                    cells
                        .iter()
                        .map(|n| n.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            } else {
                format!("[{}]", vec!["0"; row.columns.len()].join(", "))
            };
            let line = format!("{indent}{key}: {value}");
            let cols = if row.columns.len() > 1 && table.key == "active_disclosure" {
                format!(
                    "：{}",
                    row.columns
                        .iter()
                        .map(|c| c.label)
                        .collect::<Vec<_>>()
                        .join("、")
                )
            } else if row.scalar {
                format!("：{}", row.columns[0].label)
            } else {
                String::new()
            };
            let note = if row.role == RowRole::CarriedOver && carried_over.is_some() {
                "（已按上年度报告的结转下年度继续办理填入）"
            } else {
                ""
            };
            out.push_str(&format!(
                "{line}{}# {}{cols}{note}\n",
                pad(line.chars().count(), 44),
                row.label
            ));
        }
    }
    out.push_str("# 表三每行 7 个数依次为：自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他、总计（总计可省略，自动计算）\n");
    out.push_str(
        "# 表四每行 5 个数依次为：结果维持、结果纠正、其他结果、尚未审结、总计（总计可省略）\n",
    );
    out.push_str(
        "# 空白单元格写 ~，不适用写 \"/\"，带说明写 { value: 22, note: \"其中修订16件\" }\n",
    );
    out.push_str("---\n");
    out.push_str(&body(format));
    out
}

/// The text to fill in: the six sections' headings and the standard
/// sentences, whose figures are placeholders taken from the tables.
fn body(format: Format) -> String {
    let mut out = format!("\n## {}\n\n{TODO}\n\n", SECTIONS[0]);
    let subsections = [
        "（一）主动公开",
        "（二）依申请公开",
        "（三）政府信息管理",
        "（四）平台建设",
        "（五）监督保障",
    ];
    for sub in subsections {
        out.push_str(&format!("### {sub}\n\n"));
        match sub {
            "（二）依申请公开" => out.push_str(
                "本年新收政府信息公开申请{{新收申请}}件，上年结转{{上年结转}}件，办结{{办结}}件，其中予以公开{{予以公开}}件、部分公开{{部分公开}}件、不予公开{{不予公开}}件、无法提供{{无法提供}}件、不予处理{{不予处理}}件、其他处理{{其他处理}}件，予以公开率{{予以公开 / 办结}}；结转下年度继续办理{{结转下年度}}件。\n\n",
            ),
            "（五）监督保障" => out.push_str(
                "本年度因政府信息公开工作被申请行政复议{{行政复议}}件，被提起行政诉讼{{行政诉讼}}件。\n\n",
            ),
            _ => out.push_str(&format!("{TODO}\n\n")),
        }
    }
    out.push_str(&format!(
        "## {}\n\n{TODO}\n\n## {}\n\n",
        SECTIONS[4], SECTIONS[5]
    ));
    out.push_str(match format {
        Format::V2021 => "本年度未收取信息处理费。\n",
        Format::V2019 => "无。\n",
    });
    out
}

/// Text `gongkai new` leaves for the author; a report still containing it gets a warning.
pub const TODO: &str = "（请填写）";

fn pad(len: usize, to: usize) -> String {
    " ".repeat(to.saturating_sub(len).max(1))
}

/// A YAML scalar for a name: plain when safe, quoted otherwise.
fn yaml_text(s: &str) -> String {
    let plain = !s.is_empty()
        && !s.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@` ".contains(c))
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with(' ');
    if plain {
        s.to_string()
    } else {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::SourcePath;
    use crate::report::parse::parse_report;
    use crate::report::rules::{RuleContext, check_report};

    fn parse(text: &str) -> crate::report::parse::Parsed {
        let src = SourcePath {
            path: "x.md".into(),
            rel: "content/a/x.md".into(),
            stem: "a/x".into(),
        };
        parse_report(&src, text)
    }

    #[test]
    fn a_new_report_of_either_format_parses_and_passes_every_table_rule() {
        for year in [2020, 2024] {
            let text = new_report("示例局", year, None);
            let parsed = parse(&text);
            assert!(parsed.findings.is_empty(), "{year}: {:?}", parsed.findings);
            let mut report = parsed.report.unwrap();
            assert_eq!(report.meta.format, Some(Format::for_year(year)));
            let (body, errors) =
                crate::report::placeholders::expand(&report, &report.body, report.body_line);
            assert!(errors.is_empty(), "{errors:?}");
            assert!(body.contains("本年新收政府信息公开申请0件"), "{body}");
            let opts = crate::report::narrative::MarkdownOptions::default();
            report.narrative =
                crate::report::narrative::render(&body, report.body_line, "x", opts).0;
            let findings = check_report(&report, &RuleContext::default());
            // Only the reminders to fill in the text remain.
            assert!(
                findings
                    .iter()
                    .all(|f| f.rule == crate::diag::codes::UNFINISHED),
                "{year}: {findings:?}"
            );
            assert!(!findings.is_empty());
        }
    }

    #[test]
    fn carries_last_years_figures_into_carried_over() {
        let prev: Vec<Num> = (1..=7).map(Num::int).collect();
        let text = new_report("示例局", 2024, Some(&prev));
        assert!(
            text.contains("carried_over: [1, 2, 3, 4, 5, 6, 7]"),
            "{text}"
        );
        assert!(parse(&text).findings.is_empty());
    }

    #[test]
    fn quotes_names_yaml_would_misread() {
        assert_eq!(yaml_text("西工区司法局"), "西工区司法局");
        assert_eq!(yaml_text("a: b"), "\"a: b\"");
        assert_eq!(yaml_text("*局"), "\"*局\"");
    }
}
