//! Placeholders: prose that quotes the tables cannot contradict them.
//!
//! In the body, `{{新收申请}}` is replaced by the figure from table 三, and
//! `{{予以公开 / 办结}}` by the share as a percentage (`46.2%`; `%2` after the
//! names gives two decimals, `%0` none). Names are the official terms below,
//! or a front-matter key path with a column: `{{applications.received.natural_person}}`,
//! `{{active_disclosure.punishment}}`, `{{reviews_and_litigation.review.upheld}}`.
//! `\{{` writes `{{` literally.

use super::num::Num;
use super::rules::text::{Facts, percent};
use super::schema::TableId;
use super::{Report, Value};
use crate::content::yaml::Pos;
use crate::diag::{Finding, codes};

/// The names an officer may use, with what they mean.
pub const NAMES: [(&str, &str); 22] = [
    ("新收申请", "表三 一、本年新收政府信息公开申请数量 · 总计"),
    ("上年结转", "表三 二、上年结转政府信息公开申请数量 · 总计"),
    ("办结", "表三 （七）总计 · 总计"),
    ("结转下年度", "表三 四、结转下年度继续办理 · 总计"),
    ("予以公开", "表三 （一）予以公开 · 总计"),
    ("部分公开", "表三 （二）部分公开 · 总计"),
    ("不予公开", "表三 （三）不予公开 各项之和"),
    ("无法提供", "表三 （四）无法提供 各项之和"),
    ("不予处理", "表三 （五）不予处理 各项之和"),
    ("其他处理", "表三 （六）其他处理 各项之和"),
    ("自然人申请", "表三 一、本年新收 · 自然人"),
    (
        "法人或其他组织申请",
        "表三 一、本年新收 · 五类法人或其他组织之和",
    ),
    ("行政复议", "表四 行政复议 · 总计"),
    ("行政诉讼", "表四 行政诉讼（直接起诉＋复议后起诉）· 总计"),
    ("行政许可", "表二 行政许可 · 处理决定数量"),
    ("行政处罚", "表二 行政处罚 · 处理决定数量"),
    ("行政强制", "表二 行政强制 · 处理决定数量"),
    ("收费金额", "表二 行政事业性收费 · 本年收费金额（万元）"),
    (
        "规章制发",
        "表二 规章 · 本年制发件数（2019年格式：本年新制作数量）",
    ),
    (
        "行政规范性文件制发",
        "表二 行政规范性文件 · 本年制发件数（2019年格式：本年新制作数量）",
    ),
    ("年度", "报告年度"),
    ("机关", "机关名称"),
];

/// Replaces every placeholder of `body` (which starts on line `first_line`).
pub fn expand(report: &Report, body: &str, first_line: u32) -> (String, Vec<Finding>) {
    let mut out = String::with_capacity(body.len());
    let mut findings = Vec::new();
    let facts = Facts::of(report);
    let mut rest = body;
    let mut offset = 0;
    while let Some(start) = rest.find("{{") {
        if rest[..start].ends_with('\\') {
            out.push_str(&rest[..start - 1]);
            out.push_str("{{");
            rest = &rest[start + 2..];
            offset += start + 2;
            continue;
        }
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find("}}") else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let expr = &rest[start + 2..start + len];
        match evaluate(report, &facts, expr) {
            Ok(text) => out.push_str(&text),
            // The table's own error already says why the figure is missing.
            Err(msg) if msg.ends_with(NO_DATA) && tables_are_broken(report) => {
                out.push_str(&rest[start..start + len + 2]);
            }
            Err(msg) => {
                let pos = position(body, offset + start, first_line);
                findings.push(
                    Finding::error(&report.source.rel, pos, codes::PLACEHOLDER, msg).hint(
                        "可用的名称：".to_string()
                            + &NAMES.iter().map(|(n, _)| *n).collect::<Vec<_>>().join("、"),
                    ),
                );
                out.push_str(&rest[start..start + len + 2]);
            }
        }
        rest = &rest[start + len + 2..];
        offset += start + len + 2;
    }
    out.push_str(rest);
    (out, findings)
}

fn position(body: &str, offset: usize, first_line: u32) -> Pos {
    let before = &body[..offset.min(body.len())];
    let line = first_line + before.matches('\n').count() as u32;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
    Pos::new(line, column)
}

/// `名称`, or `名称 / 名称 [%N]`.
fn evaluate(report: &Report, facts: &Facts, expr: &str) -> Result<String, String> {
    let expr = expr.trim();
    let Some((a, b)) = expr.split_once('/') else {
        return value(report, facts, expr).map(|v| v.text());
    };
    let (b, decimals) = match b.rsplit_once('%') {
        Some((b, d)) => (
            b,
            d.trim()
                .parse::<usize>()
                .map_err(|_| format!("“%{d}”应是小数位数，例如 %1"))?,
        ),
        None => (b, 1),
    };
    let (count, base) = (
        value(report, facts, a.trim())?,
        value(report, facts, b.trim())?,
    );
    let (Resolved::Number(count), Resolved::Number(base)) = (count, base) else {
        return Err(format!("“{expr}”：只有数字可以相除"));
    };
    Ok(percent(count, base, decimals.min(4), false)
        .map_or_else(|| "—".to_string(), |p| format!("{p}%")))
}

enum Resolved {
    Number(Num),
    Text(String),
}

impl Resolved {
    fn text(self) -> String {
        match self {
            Resolved::Number(n) => n.to_string(),
            Resolved::Text(t) => t,
        }
    }
}

fn value(report: &Report, f: &Facts, name: &str) -> Result<Resolved, String> {
    let outcome = |i: usize| f.outcomes[i];
    let num = match name {
        "年度" => return Ok(Resolved::Text(report.meta.year.to_string())),
        "机关" => return Ok(Resolved::Text(report.meta.agency.clone())),
        "新收申请" => f.received,
        "上年结转" => f.carried_over,
        "办结" => f.done,
        "结转下年度" => f.carried_forward,
        "予以公开" => outcome(0),
        "部分公开" => outcome(1),
        "不予公开" => outcome(2),
        "无法提供" => outcome(3),
        "不予处理" => outcome(4),
        "其他处理" => outcome(5),
        "自然人申请" => f.received_natural,
        "法人或其他组织申请" => f.received_orgs,
        "行政复议" => f.reviews,
        "行政诉讼" => f.litigation,
        "行政许可" => decisions(report, "licensing"),
        "行政处罚" => decisions(report, "punishment"),
        "行政强制" => decisions(report, "coercion"),
        "收费金额" => cell(report, TableId::Active, &["fees"], 0),
        "规章制发" => cell(report, TableId::Active, &["rules"], 0),
        "行政规范性文件制发" => cell(report, TableId::Active, &["normative_documents"], 0),
        path if path.contains('.') => return key_path(report, path).map(Resolved::Number),
        other => {
            let candidates: Vec<super::Candidate> = NAMES
                .iter()
                .map(|(n, l)| super::Candidate { key: n, label: l })
                .collect();
            let hint = super::did_you_mean(other, &candidates)
                .map(|h| format!("，是不是 {h}"))
                .unwrap_or_default();
            return Err(format!("不认识占位符“{{{{{other}}}}}”{hint}"));
        }
    };
    num.map(Resolved::Number)
        .ok_or_else(|| format!("“{name}”：{NO_DATA}"))
}

/// The end of the message for a known name without a figure.
const NO_DATA: &str = "本报告没有这项数据（表格缺失或有错误）";

/// A table is missing or has a row of the wrong shape: its figures are
/// unknown and that finding is already made (F1, FM4, FM6).
fn tables_are_broken(report: &Report) -> bool {
    report.meta.format.is_some()
        && report.tables.iter().any(|t| {
            t.as_ref().is_none_or(|t| {
                t.rows
                    .iter()
                    .any(|r| r.state == crate::report::RowState::Invalid)
                    || t.rows.iter().zip(t.spec.rows.iter()).any(|(r, spec)| {
                        r.state == crate::report::RowState::Missing
                            && spec.role != crate::report::schema::RowRole::OutcomeTotal
                    })
            })
        })
}

/// 处理决定数量: the only column in 2021, the third in 2019.
fn decisions(report: &Report, key: &str) -> Option<Num> {
    let t = report.table(TableId::Active)?;
    let (_, spec) = t.spec.row(&[key])?;
    cell(report, TableId::Active, &[key], spec.columns.len() - 1)
}

fn cell(report: &Report, id: TableId, path: &[&str], col: usize) -> Option<Num> {
    let t = report.table(id)?;
    let (r, _) = t.spec.row(path)?;
    match t.rows[r].cells.get(col)?.value {
        Value::Number(_) | Value::Blank | Value::NotApplicable => t.effective(r, col),
        Value::Invalid => None,
    }
}

/// `applications.received.natural_person`, `active_disclosure.punishment`.
fn key_path(report: &Report, path: &str) -> Result<Num, String> {
    let parts: Vec<&str> = path.split('.').map(str::trim).collect();
    let table = report
        .tables
        .iter()
        .flatten()
        .find(|t| t.spec.key == parts[0])
        .ok_or_else(|| format!("“{path}”：没有“{}”这张表", parts[0]))?;
    let rest = &parts[1..];
    // A row path, then a column key (optional for one-column rows).
    for split in (1..=rest.len()).rev() {
        let Some((r, spec)) = table.spec.row(&rest[..split]) else {
            continue;
        };
        let col = match rest.get(split) {
            None if spec.columns.len() == 1 => 0,
            None => spec.columns.len() - 1,
            Some(key) => spec
                .columns
                .iter()
                .position(|c| c.key == *key)
                .ok_or_else(|| format!("“{path}”：这一行没有“{key}”列"))?,
        };
        return table
            .effective(r, col)
            .ok_or_else(|| format!("“{path}”：这个单元格有错误"));
    }
    Err(format!("“{path}”：找不到这一行"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::SourcePath;
    use crate::report::parse::parse_report;

    fn report() -> Report {
        let text = crate::report::skeleton::new_report("某局", 2021, None)
            .replacen(
                "received: [0, 0, 0, 0, 0, 0, 0]",
                "received: [5, 1, 0, 0, 0, 0, 6]",
                1,
            )
            .replacen(
                "disclosed: [0, 0, 0, 0, 0, 0, 0]",
                "disclosed: [4, 0, 0, 0, 0, 0, 4]",
                1,
            )
            .replacen(
                "partially_disclosed: [0, 0, 0, 0, 0, 0, 0]",
                "partially_disclosed: [1, 1, 0, 0, 0, 0, 2]",
                1,
            )
            .replacen(
                "total: [0, 0, 0, 0, 0, 0, 0]",
                "total: [5, 1, 0, 0, 0, 0, 6]",
                1,
            )
            .replacen("punishment: 0", "punishment: 31", 1);
        let src = SourcePath {
            path: "x".into(),
            rel: "content/a/2021.md".into(),
            stem: "a/2021".into(),
        };
        parse_report(&src, &text).report.unwrap()
    }

    #[test]
    fn quotes_figures_and_shares_from_the_tables() {
        let r = report();
        let (text, findings) = expand(
            &r,
            "{{机关}}{{年度}}年新收申请{{新收申请}}件，予以公开率{{予以公开 / 办结}}，部分公开{{ 部分公开 / 办结 %0 }}；处罚{{行政处罚}}件；{{applications.received.natural_person}}。",
            10,
        );
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(
            text,
            "某局2021年新收申请6件，予以公开率66.7%，部分公开33%；处罚31件；5。"
        );
    }

    #[test]
    fn an_unknown_name_is_an_error_at_its_position_with_a_suggestion() {
        let (text, findings) = expand(
            &report(),
            "第一行\n共{{新收}}件，{{applications.nope}}\n\\{{保留}}",
            10,
        );
        assert_eq!(findings.len(), 2, "{findings:?}");
        assert_eq!((findings[0].line, findings[0].column), (11, 2));
        assert!(
            findings[0].message.contains("新收申请"),
            "{}",
            findings[0].message
        );
        assert!(text.ends_with("{{保留}}"), "{text}");
    }

    #[test]
    fn a_share_of_nothing_is_a_dash() {
        assert_eq!(expand(&report(), "{{行政复议 / 行政诉讼}}", 1).0, "—");
    }
}
