use super::*;
use crate::report::schema::TableId;

fn src() -> SourcePath {
    SourcePath {
        path: "content/局/2021.md".into(),
        rel: "content/局/2021.md".into(),
        stem: "局/2021".into(),
    }
}

/// A complete 2021 report with `replace` applied to its front matter.
fn report_2021(replace: &[(&str, &str)]) -> String {
    let mut text = crate::report::skeleton::new_report("某局", 2021, None);
    for (from, to) in replace {
        assert!(text.contains(from), "fixture lacks {from}");
        text = text.replacen(from, to, 1);
    }
    text
}

fn parse(text: &str) -> Parsed {
    parse_report(&src(), text)
}

/// The only finding of `rule` in `text`: a warning on the line of `at`.
fn the_one_warning(text: &str, rule: &str, at: &str) -> Finding {
    let p = parse(text);
    let f: Vec<&Finding> = p.findings.iter().filter(|f| f.rule == rule).collect();
    assert_eq!(f.len(), 1, "{:?}", p.findings);
    assert_eq!(f[0].severity, crate::diag::Severity::Warning);
    assert_eq!(f[0].line, line_of(text, at));
    f[0].clone()
}

fn line_of(text: &str, needle: &str) -> u32 {
    text.lines()
        .position(|l| l.contains(needle))
        .expect("needle") as u32
        + 1
}

#[test]
fn a_zeroed_report_parses_without_findings() {
    let p = parse(&report_2021(&[]));
    assert!(p.findings.is_empty(), "{:?}", p.findings);
    let r = p.report.unwrap();
    assert_eq!(r.meta.agency, "某局");
    assert_eq!(r.meta.title, "某局2021年政府信息公开工作年度报告");
    assert_eq!(r.table(TableId::Applications).unwrap().rows.len(), 25);
}

#[test]
fn suggests_the_key_for_a_typo_at_its_line_and_column() {
    let text = report_2021(&[("  punishment: 0", "  punishmnet: 0")]);
    let p = parse(&text);
    let f = p
        .findings
        .iter()
        .find(|f| f.rule == codes::UNKNOWN_KEY)
        .expect("unknown key");
    assert_eq!((f.line, f.column), (line_of(&text, "punishmnet"), 3));
    assert!(
        f.hint
            .as_deref()
            .unwrap()
            .contains("`punishment`（行政处罚）"),
        "{f:?}"
    );
    // The row is then missing, which is F1.
    assert!(
        p.findings
            .iter()
            .any(|f| f.rule == "F1" && f.message.contains("行政处罚"))
    );
}

#[test]
fn maps_a_chinese_label_used_as_key_to_its_key() {
    let text = report_2021(&[("  coercion: 0", "  行政强制: 0")]);
    let f = parse(&text)
        .findings
        .into_iter()
        .find(|f| f.rule == codes::UNKNOWN_KEY)
        .unwrap();
    assert!(f.hint.unwrap().contains("`coercion`"));
}

#[test]
fn a_2019_key_in_a_2021_report_is_f2() {
    let text = report_2021(&[(
        "  coercion: 0",
        "  coercion: 0\n  other_services: [0, 0, 0]",
    )]);
    let p = parse(&text);
    let f = p.findings.iter().find(|f| f.rule == "F2").expect("F2");
    assert_eq!(f.line, line_of(&text, "other_services"));
    assert!(f.message.contains("2019年格式"), "{}", f.message);
}

#[test]
fn a_2019_shaped_row_in_a_2021_report_is_f2() {
    let text = report_2021(&[("  licensing: 0", "  licensing: [5, 1, 6]")]);
    let f = parse(&text)
        .findings
        .into_iter()
        .find(|f| f.rule == "F2")
        .expect("F2");
    assert!(
        f.message.contains("行政许可") && f.message.contains("2019年格式"),
        "{}",
        f.message
    );
}

#[test]
fn a_short_row_names_the_expected_columns_and_counts() {
    let text = report_2021(&[(
        "received: [0, 0, 0, 0, 0, 0, 0]",
        "received: [0, 0, 0, 0, 0]",
    )]);
    let f = parse(&text)
        .findings
        .into_iter()
        .find(|f| f.rule == codes::ROW_LENGTH)
        .expect("FM6");
    assert_eq!(f.line, line_of(&text, "received:"));
    assert_eq!(
        (f.expected.as_deref(), f.found.as_deref()),
        (Some("7"), Some("5"))
    );
    assert!(
        f.message.contains("一、本年新收政府信息公开申请数量") && f.message.contains("自然人"),
        "{}",
        f.message
    );
}

#[test]
fn text_and_odd_numbers_in_cells_are_explained() {
    let cases = [
        ("\"5\"", "加了引号"),
        ("五", "文字"),
        ("1e3", "科学计数法"),
        ("0012", "以 0 开头"),
        ("３", "全角"),
        (
            "\"22（其中修订16件）\"",
            "value: 22, note: \"其中修订16件\"",
        ),
        ("true", "true"),
        ("[1]", "列表"),
        ("18446744073709551616", "过大"),
        ("—", "不是数"),
        // Pasted or typed the way office software shows numbers.
        ("1,234", "写 1234"),
        ("3 1", "写 31"),
        ("31\u{200B}", "零宽空格"),
        ("31\u{00A0}", "不换行空格"),
        ("31%", "不要填比例"),
        ("1。25", "写 1.25"),
        ("～", "半角的 ~"),
        ("－1", "写 -1"),
        ("“31”", "写 31"),
        ("“/”", "\"/\""),
    ];
    for (cell, expect) in cases {
        let text = report_2021(&[("  punishment: 0", &format!("  punishment: {cell}"))]);
        let p = parse(&text);
        let f = p
            .findings
            .iter()
            .find(|f| f.rule == codes::TYPE)
            .unwrap_or_else(|| panic!("{cell}: {:?}", p.findings));
        let all = format!("{} {}", f.message, f.hint.clone().unwrap_or_default());
        assert!(all.contains(expect), "{cell}: {all}");
        assert_eq!(f.line, line_of(&text, "punishment:"));
        assert_eq!(f.column, 15, "{cell}");
    }
}

#[test]
fn a_fee_written_with_its_unit_is_explained_in_ten_thousand_yuan() {
    for (cell, expect) in [
        ("12500元", "只写数：1.25（12500 元 = 1.25 万元）"),
        ("1.2万元", "只写数：1.2"),
    ] {
        let text = report_2021(&[("  fees: 0", &format!("  fees: {cell}"))]);
        let p = parse(&text);
        let f = p
            .findings
            .iter()
            .find(|f| f.rule == codes::TYPE)
            .unwrap_or_else(|| panic!("{cell}: {:?}", p.findings));
        let hint = f.hint.clone().unwrap_or_default();
        assert!(hint.contains(expect), "{cell}: {} {hint}", f.message);
    }
}

#[test]
fn a_lone_dash_is_explained_although_yaml_reads_it_as_a_list() {
    let text = report_2021(&[("  punishment: 0", "  punishment: -")]);
    let f = &parse(&text).findings[0];
    assert_eq!(f.rule, codes::SYNTAX);
    assert!(f.message.contains("不适用请写"), "{}", f.message);
}

#[test]
fn blank_na_and_notes_are_kept_apart() {
    let text = report_2021(&[(
        "normative_documents: [0, 0, 0]",
        "normative_documents: [~, \"/\", { value: 22, note: \"（其中修订16件）\" }]",
    )]);
    let p = parse(&text);
    assert!(p.findings.is_empty(), "{:?}", p.findings);
    let r = p.report.unwrap();
    let t = r.table(TableId::Active).unwrap();
    let cells = &t.rows[1].cells;
    assert_eq!(cells[0].value, Value::Blank);
    assert_eq!(cells[1].value, Value::NotApplicable);
    assert_eq!(cells[2].display(), "22");
    assert_eq!(t.note(1, 2), Some("其中修订16件"));
    assert_eq!(t.note(1, 1), None);
    assert_eq!(t.notes.len(), 1);
}

#[test]
fn omitted_totals_are_computed_and_marked() {
    let text = report_2021(&[
        (
            "received: [0, 0, 0, 0, 0, 0, 0]",
            "received: [1, 2, 0, 0, 0, 4]",
        ),
        ("    total: [0, 0, 0, 0, 0, 0, 0]", ""),
    ]);
    let p = parse(&text);
    assert!(p.findings.is_empty(), "{:?}", p.findings);
    let r = p.report.unwrap();
    let t = r.table(TableId::Applications).unwrap();
    assert_eq!(t.rows[0].cells[6].value, Value::Number(Num::int(7)));
    assert_eq!(t.rows[0].cells[6].origin, Origin::Computed);
    let total = t.spec.row_index(RowRole::OutcomeTotal).unwrap();
    assert_eq!(t.rows[total].state, RowState::Missing);
    assert_eq!(t.rows[total].cells[0].origin, Origin::Computed);
}

#[test]
fn a_short_row_whose_last_figure_is_the_sum_of_the_others_is_a_warning() {
    let text = report_2021(&[("review: [0, 0, 0, 0, 0]", "review: [1, 0, 1, 2]")]);
    let f = the_one_warning(&text, "FM6", "review:");
    assert!(f.message.contains("漏写了一个数"), "{}", f.message);
    // Not when nothing suggests it: a short row of other figures.
    let text = report_2021(&[("review: [0, 0, 0, 0, 0]", "review: [1, 0, 1, 3]")]);
    assert!(parse(&text).findings.is_empty());
}

#[test]
fn a_blank_total_counts_as_the_sum_of_its_parts() {
    let text = report_2021(&[(
        "received: [0, 0, 0, 0, 0, 0, 0]",
        "received: [1, 2, 0, 0, 0, 3, ~]",
    )]);
    let r = parse(&text).report.unwrap();
    let t = r.table(TableId::Applications).unwrap();
    assert_eq!(t.rows[0].cells[6].value, Value::Blank);
    assert_eq!(t.effective(0, 6), Some(Num::int(6)));
}

#[test]
fn metadata_problems_are_reported_together() {
    let text = "---\nyear: twenty\npublished: 2022-02-30\nformat: 2020\n---\n";
    let p = parse(text);
    assert!(p.report.is_none());
    let msgs: Vec<_> = p
        .findings
        .iter()
        .map(|f| (f.line, f.message.clone()))
        .collect();
    assert!(
        msgs.iter()
            .any(|(l, m)| *l == 2 && m.contains("缺少 agency")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|(l, m)| *l == 2 && m.contains("year（年度）")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|(l, m)| *l == 3 && m.contains("不是有效日期")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter().any(|(l, m)| *l == 4 && m.contains("只能是")),
        "{msgs:?}"
    );
}

#[test]
fn yaml_syntax_errors_point_into_the_md_file() {
    let text = report_2021(&[("  licensing: 0", "  licensing: [0, 0")]);
    let p = parse(&text);
    assert!(p.report.is_none());
    assert_eq!(p.findings.len(), 1);
    assert_eq!(p.findings[0].rule, codes::SYNTAX);
    assert!(
        p.findings[0].line >= line_of(&text, "licensing"),
        "{:?}",
        p.findings
    );
}

/// The officer's syntax slips, each named in Chinese at the line to fix.
#[test]
fn common_yaml_slips_are_explained_at_their_line() {
    let cases = [
        (
            "  punishment: 0",
            "  punishment:0",
            "punishment",
            "少了一个空格",
        ),
        (
            "      third_party_rights: [0, 0, 0, 0, 0, 0, 0]",
            "    third_party_rights: [0, 0, 0, 0, 0, 0, 0]",
            "third_party_rights",
            "缩进",
        ),
        (
            "      third_party_rights: [0, 0, 0, 0, 0, 0, 0]",
            "        third_party_rights: [0, 0, 0, 0, 0, 0, 0]",
            "third_party_rights",
            "缩进",
        ),
        (
            "  punishment: 0",
            "\u{00A0} punishment: 0",
            "punishment",
            "不换行空格",
        ),
    ];
    for (from, to, at, says) in cases {
        let text = report_2021(&[(from, to)]);
        let p = parse(&text);
        assert_eq!(p.findings.len(), 1, "{to}: {:?}", p.findings);
        let f = &p.findings[0];
        assert_eq!(f.rule, codes::SYNTAX, "{to}");
        assert_eq!(f.line, line_of(&text, at), "{to}: {}", f.message);
        assert!(f.message.contains(says), "{to}: {}", f.message);
    }
}

#[test]
fn numbers_separated_otherwise_than_by_commas_are_named() {
    for (row, says) in [
        ("[1，0，0，0，0，0，1]", "中文逗号"),
        ("[1、0、0、0、0、0、1]", "顿号"),
        ("[1\t0\t0\t0\t0\t0\t1]", "制表符"),
        ("[1,234, 0, 0, 0, 0, 0, 1,234]", "千位分隔符"),
    ] {
        let text = report_2021(&[(
            "received: [0, 0, 0, 0, 0, 0, 0]",
            &format!("received: {row}"),
        )]);
        let p = parse(&text);
        let f = p
            .findings
            .iter()
            .find(|f| f.rule == codes::ROW_LENGTH)
            .unwrap_or_else(|| panic!("{row}: {:?}", p.findings));
        let hint = f.hint.clone().unwrap_or_default();
        assert!(hint.contains(says), "{row}: {hint}");
    }
}

#[test]
fn a_missing_table_is_f1() {
    let text = "---\nagency: 某局\nyear: 2021\n---\n正文\n";
    let p = parse(text);
    let f1: Vec<_> = p.findings.iter().filter(|f| f.rule == "F1").collect();
    assert_eq!(f1.len(), 3, "{:?}", p.findings);
}

#[test]
fn reports_before_2019_are_narrative_only() {
    let src = SourcePath {
        path: "content/局/2017.md".into(),
        rel: "content/局/2017.md".into(),
        stem: "局/2017".into(),
    };
    let p = parse_report(&src, "---\nagency: 某局\nyear: 2017\n---\n正文\n");
    assert!(p.findings.is_empty(), "{:?}", p.findings);
    assert!(p.report.unwrap().meta.format.is_none());
}

#[test]
fn a_publication_date_before_the_year_ended_is_a_warning() {
    let text = report_2021(&[("year: 2021", "year: 2021\npublished: 2021-01-20")]);
    the_one_warning(&text, "FM5", "published:");
    let text = report_2021(&[("year: 2021", "year: 2021\npublished: 2022-01-20")]);
    assert!(parse(&text).findings.is_empty());
}

#[test]
fn a_file_named_for_another_year_is_an_error_at_the_year() {
    let p = parse("---\nagency: 某局\nyear: 2020\n---\n正文\n");
    let f: Vec<_> = p.findings.iter().filter(|f| f.rule == "FM5").collect();
    assert_eq!(f.len(), 1, "{:?}", p.findings);
    assert_eq!((f[0].line, f[0].column), (3, 7));
    assert!(
        f[0].message.contains("文件名是 2021.md"),
        "{}",
        f[0].message
    );
}
