//! One fixture site per rule (`tests/fixtures/<rule>/`): a report (or, for
//! the cross-report rules, a small portal) that breaks exactly that rule. Each test runs `gongkai check --format json` and asserts
//! the rule, the file:line:column of the offending cell, the numbers, and that
//! nothing else is reported.

mod common;
use common::Site;

/// (rule, severity, file:line:column, substrings of the message, expected, found)
struct Expect<'a> {
    at: (&'a str, &'a str),
    rule: &'a str,
    severity: &'a str,
    column: u32,
    says: &'a [&'a str],
    numbers: Option<(&'a str, &'a str)>,
}

fn check(fixture: &str, expected: &[Expect]) {
    let site = Site::fixture(fixture);
    let findings = site.findings();
    assert_eq!(findings.len(), expected.len(), "{fixture}: {findings:#?}");
    for (f, e) in findings.iter().zip(expected) {
        let file = if e.at.0.contains('/') || e.at.0 == "site.toml" {
            e.at.0.to_string()
        } else {
            format!("content/测试局/{}", e.at.0)
        };
        let line = site.line_of(&file, e.at.1);
        assert_eq!(f["rule"], e.rule, "{fixture}: {f:#}");
        assert_eq!(f["severity"], e.severity, "{fixture}: {f:#}");
        assert_eq!(f["file"], file.as_str(), "{fixture}: {f:#}");
        assert_eq!(
            (
                f["line"].as_u64().unwrap() as u32,
                f["column"].as_u64().unwrap() as u32
            ),
            (line, e.column),
            "{fixture}: {f:#}"
        );
        let text = format!(
            "{} {}",
            f["place"].as_str().unwrap_or(""),
            f["message"].as_str().unwrap()
        );
        for s in e.says {
            assert!(text.contains(s), "{fixture}: {text:?} lacks {s:?}");
        }
        if let Some((exp, found)) = e.numbers {
            assert_eq!(
                (
                    f["expected"].as_str().unwrap(),
                    f["found"].as_str().unwrap()
                ),
                (exp, found),
                "{fixture}"
            );
        }
    }
    let code = site.run(&["check"]).code();
    let errors = expected.iter().any(|e| e.severity == "error");
    assert_eq!(code, if errors { 1 } else { 0 }, "{fixture}: exit code");
}

fn one(fixture: &str, e: Expect) {
    check(fixture, &[e]);
}

#[test]
fn the_clean_fixtures_pass_every_rule() {
    check("ok-2021", &[]);
    check("ok-2019", &[]);
}

#[test]
fn t2_1_a_negative_count() {
    one(
        "t2.1",
        Expect {
            at: ("2021.md", "coercion:"),
            rule: "T2.1",
            severity: "error",
            column: 13,
            says: &["行政强制", "-2"],
            numbers: None,
        },
    );
}

#[test]
fn t2_1_a_fee_in_yuan_is_not_in_ten_thousand_yuan() {
    one(
        "t2.1-yuan",
        Expect {
            at: ("2021.md", "fees:"),
            rule: "T2.1",
            severity: "error",
            column: 9,
            says: &["行政事业性收费", "万元", "12350 元 = 1.235 万元"],
            numbers: Some(("1.235", "12350")),
        },
    );
}

#[test]
fn t2_2_the_henan_fee_has_four_decimals() {
    one(
        "t2.2",
        Expect {
            at: ("2021.md", "fees:"),
            rule: "T2.2",
            severity: "warning",
            column: 9,
            says: &["行政事业性收费", "4 位小数", "1.23456"],
            numbers: Some(("4 位小数", "1.23456")),
        },
    );
}

#[test]
fn t2_3_fewer_documents_in_force_than_issued() {
    one(
        "t2.3",
        Expect {
            at: ("2021.md", "normative_documents:"),
            rule: "T2.3",
            severity: "warning",
            column: 31,
            says: &["行政规范性文件", "现行有效件数 2", "本年制发件数 3"],
            numbers: Some(("≥ 3", "2")),
        },
    );
}

#[test]
fn t2_4_a_county_bureau_does_not_make_rules() {
    one(
        "t2.4",
        Expect {
            at: ("2021.md", "rules:"),
            rule: "T2.4",
            severity: "warning",
            column: 11,
            says: &["规章", "县（区）级"],
            numbers: Some(("0", "1")),
        },
    );
}

#[test]
fn t2_5_published_total_below_new_publications() {
    one(
        "t2.5",
        Expect {
            at: ("2019.md", "normative_documents:"),
            rule: "T2.5",
            severity: "warning",
            column: 31,
            says: &["规范性文件", "对外公开总数量 2", "本年新公开数量 3"],
            numbers: Some(("≥ 3", "2")),
        },
    );
}

#[test]
fn t2_6_item_count_below_zero() {
    one(
        "t2.6",
        Expect {
            at: ("2019.md", "coercion:"),
            rule: "T2.6",
            severity: "warning",
            column: 28,
            says: &["行政强制", "6", "-8", "-2"],
            numbers: Some(("≥ 0", "-2")),
        },
    );
}

#[test]
fn t2_7_procurement_amount_without_unit() {
    one(
        "t2.7",
        Expect {
            at: ("2019.md", "procurement:"),
            rule: "T2.7",
            severity: "warning",
            column: 28,
            says: &["采购总金额", "86.42", "单位"],
            numbers: None,
        },
    );
}

#[test]
fn t2_8_a_blank_cell_in_table_two() {
    one(
        "t2.8",
        Expect {
            at: ("2021.md", "licensing:"),
            rule: "T2.8",
            severity: "warning",
            column: 14,
            says: &["行政许可", "空白"],
            numbers: None,
        },
    );
}

#[test]
fn t3_1_columns_that_do_not_balance() {
    check(
        "t3.1",
        &[
            Expect {
                at: ("2021.md", "    total:"),
                rule: "T3.1",
                severity: "error",
                column: 27,
                says: &["自然人列", "40＋0 = 40", "38＋1 = 39"],
                numbers: Some(("40", "39")),
            },
            Expect {
                at: ("2021.md", "    total:"),
                rule: "T3.1",
                severity: "error",
                column: 46,
                says: &["总计列", "56＋2 = 58", "53＋4 = 57"],
                numbers: Some(("58", "57")),
            },
        ],
    );
}

#[test]
fn t3_2_total_row_not_the_sum_of_outcomes() {
    check(
        "t3.2",
        &[
            Expect {
                at: ("2021.md", "    total:"),
                rule: "T3.2",
                severity: "error",
                column: 27,
                says: &["（七）总计", "自然人列", "= 38", "39"],
                numbers: Some(("38", "39")),
            },
            Expect {
                at: ("2021.md", "    total:"),
                rule: "T3.2",
                severity: "error",
                column: 46,
                says: &["总计列", "= 53", "54"],
                numbers: Some(("53", "54")),
            },
        ],
    );
}

#[test]
fn t3_3_row_totals_not_the_sum_of_applicants() {
    check(
        "t3.3",
        &[
            Expect {
                at: ("2021.md", "disclosed:"),
                rule: "T3.3",
                severity: "error",
                column: 46,
                says: &["（一）予以公开", "= 22", "23"],
                numbers: Some(("22", "23")),
            },
            Expect {
                at: ("2021.md", "partially_disclosed:"),
                rule: "T3.3",
                severity: "error",
                column: 45,
                says: &["（二）部分公开", "= 7", "6"],
                numbers: Some(("7", "6")),
            },
        ],
    );
}

#[test]
fn t3_4_negative_applications() {
    check(
        "t3.4",
        &[
            Expect {
                at: ("2021.md", "state_secret:"),
                rule: "T3.4",
                severity: "error",
                column: 30,
                says: &["1.属于国家秘密", "自然人", "-1"],
                numbers: None,
            },
            Expect {
                at: ("2021.md", "prohibited_by_law:"),
                rule: "T3.4",
                severity: "error",
                column: 33,
                says: &["2.其他法律行政法规禁止公开", "商业企业", "-1"],
                numbers: None,
            },
        ],
    );
}

#[test]
fn t3_5_a_blank_cell_in_table_three() {
    one(
        "t3.5",
        Expect {
            at: ("2021.md", "state_secret:"),
            rule: "T3.5",
            severity: "warning",
            column: 33,
            says: &["1.属于国家秘密", "商业企业", "空白"],
            numbers: None,
        },
    );
}

#[test]
fn t3_5_not_applicable_in_table_three() {
    one(
        "t3.5-slash",
        Expect {
            at: ("2021.md", "prohibited_by_law:"),
            rule: "T3.5",
            severity: "warning",
            column: 30,
            says: &[
                "2.其他法律行政法规禁止公开",
                "“/”",
                "自然人、总计",
                "没有“不适用”",
            ],
            numbers: None,
        },
    );
}

#[test]
fn t4_1_review_outcomes_do_not_add_up() {
    one(
        "t4.1",
        Expect {
            at: ("2021.md", "  review:"),
            rule: "T4.1",
            severity: "error",
            column: 41,
            says: &["行政复议", "= 2", "3"],
            numbers: Some(("2", "3")),
        },
    );
}

#[test]
fn t4_2_a_negative_case_count() {
    one(
        "t4.2",
        Expect {
            at: ("2021.md", "  review:"),
            rule: "T4.2",
            severity: "error",
            column: 35,
            says: &["行政复议", "其他结果", "-1"],
            numbers: None,
        },
    );
}

#[test]
fn t4_3_a_blank_cell_in_table_four() {
    one(
        "t4.3",
        Expect {
            at: ("2021.md", "  review:"),
            rule: "T4.3",
            severity: "warning",
            column: 35,
            says: &["行政复议", "其他结果", "空白"],
            numbers: None,
        },
    );
}

#[test]
fn f1_a_row_left_out() {
    one(
        "f1",
        Expect {
            at: ("2021.md", "active_disclosure:"),
            rule: "F1",
            severity: "error",
            column: 1,
            says: &["表二", "行政强制", "coercion"],
            numbers: None,
        },
    );
}

#[test]
fn f2_format_that_does_not_fit_the_year() {
    one(
        "f2",
        Expect {
            at: ("2021.md", "format:"),
            rule: "F2",
            severity: "error",
            column: 9,
            says: &["2021年度", "2019"],
            numbers: Some(("2021", "2019")),
        },
    );
}

#[test]
fn f3_a_heading_of_the_reports_before_2019() {
    one(
        "f3",
        Expect {
            at: ("2021.md", "### 政府信息公开的收费及减免情况"),
            rule: "F3",
            severity: "warning",
            column: 12,
            says: &["“收费及减免”", "2019年以前"],
            numbers: None,
        },
    );
}

#[test]
fn fm5_last_years_file_copied_without_changing_the_year() {
    one(
        "fm5-file-year",
        Expect {
            at: ("2022.md", "year:"),
            rule: "FM5",
            severity: "error",
            column: 7,
            says: &["文件名是 2022.md", "写的是 2021"],
            numbers: Some(("2022", "2021")),
        },
    );
}

#[test]
fn fm5_an_agency_named_differently_from_its_folder_s_other_years() {
    one(
        "agency-folder",
        Expect {
            at: ("2022.md", "agency:"),
            rule: "FM5",
            severity: "warning",
            column: 9,
            says: &["“测试区测试局”", "“测试局”", "Y1–Y4"],
            numbers: None,
        },
    );
}

#[test]
fn c2_two_reports_for_one_agency_and_year() {
    one(
        "c2",
        Expect {
            at: ("2021.md", "year:"),
            rule: "C2",
            severity: "error",
            column: 7,
            says: &["测试局2021年度", "2021-更正.md"],
            numbers: None,
        },
    );
}

#[test]
fn y1_carry_over_between_two_years_names_both_files() {
    check(
        "y1",
        &[
            Expect {
                at: ("2022.md", "carried_over:"),
                rule: "Y1",
                severity: "error",
                column: 21,
                says: &[
                    "商业企业",
                    "上年结转 1",
                    "content/测试局/2021.md:44:24",
                    "是 2",
                ],
                numbers: Some(("2", "1")),
            },
            Expect {
                at: ("2022.md", "carried_over:"),
                rule: "Y1",
                severity: "error",
                column: 36,
                says: &["总计", "上年结转 3", "content/测试局/2021.md:44:39", "是 4"],
                numbers: Some(("4", "3")),
            },
        ],
    );
}

#[test]
fn y2_documents_in_force_do_not_follow_last_year() {
    one(
        "y2",
        Expect {
            at: ("2022.md", "normative_documents:"),
            rule: "Y2",
            severity: "warning",
            column: 31,
            says: &["行政规范性文件", "12", "近似", "content/测试局/2021.md"],
            numbers: Some(("13", "15")),
        },
    );
}

#[test]
fn y3_item_counts_do_not_follow_last_year() {
    one(
        "y3",
        Expect {
            at: ("2020.md", "coercion:"),
            rule: "Y3",
            severity: "warning",
            column: 25,
            says: &["行政强制", "content/测试局/2019.md"],
            numbers: Some(("6", "9")),
        },
    );
}

#[test]
fn y4_a_narrative_copied_from_last_year() {
    one(
        "y4",
        Expect {
            at: ("2022.md", "## 一、总体情况"),
            rule: "Y4",
            severity: "warning",
            column: 1,
            says: &["相似度为 100%", "content/测试局/2021.md"],
            numbers: None,
        },
    );
}

#[test]
fn c1_a_consolidated_report_off_by_one_and_one_member_short() {
    check(
        "c1",
        &[
            Expect {
                at: ("content/测试区人民政府/2021.md", "  review:"),
                rule: "C1",
                severity: "error",
                column: 29,
                says: &["行政复议", "结果维持", "测试局、另一局", "相加是 1"],
                numbers: Some(("1", "2")),
            },
            Expect {
                at: ("content/测试区人民政府/2021.md", "  review:"),
                rule: "C1",
                severity: "error",
                column: 38,
                says: &["尚未审结", "相加是 1"],
                numbers: Some(("1", "0")),
            },
            Expect {
                at: ("content/测试区人民政府/2022.md", "agency:"),
                rule: "C1",
                severity: "warning",
                column: 9,
                says: &["没有2022年度报告", "另一局"],
                numbers: None,
            },
        ],
    );
}

#[test]
fn c3_a_required_agency_without_a_report() {
    one(
        "c3",
        Expect {
            at: ("site.toml", "title"),
            rule: "C3",
            severity: "warning",
            column: 1,
            says: &["缺失局", "2021"],
            numbers: None,
        },
    );
}

#[test]
fn c4_published_after_the_deadline() {
    one(
        "c4",
        Expect {
            at: ("2021.md", "published:"),
            rule: "C4",
            severity: "warning",
            column: 12,
            says: &["2022-02-15", "2022-01-31", "政府部门"],
            numbers: Some(("≤ 2022-01-31", "2022-02-15")),
        },
    );
}

#[test]
fn acknowledged_findings_no_longer_fail_but_stay_visible_and_stale_ones_warn() {
    let site = Site::fixture("acknowledged");
    let findings = site.findings();
    let rules: Vec<(&str, bool)> = findings
        .iter()
        .map(|f| (f["rule"].as_str().unwrap(), f.get("acknowledged").is_some()))
        .collect();
    assert_eq!(
        rules,
        [("FM7", false), ("T3.3", true), ("T3.3", true)],
        "{findings:#?}"
    );
    assert_eq!(
        findings[1]["acknowledged"],
        "原文如此，已于2022年3月1日发布更正说明"
    );
    assert_eq!(findings[1]["severity"], "error");
    let stale = &findings[0];
    assert_eq!(
        stale["line"].as_u64().unwrap() as u32,
        site.line_of("content/测试局/2021.md", "- rule: T4.1")
    );
    // The build succeeds and the page says what was acknowledged.
    let run = site.run(&["build"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(
        run.stderr().contains("错误（已确认）[T3.3]"),
        "{}",
        run.stderr()
    );
    let page = scraper::Html::parse_document(&site.read("public/测试局/2021/index.html"));
    let note = page
        .select(&scraper::Selector::parse("aside.acknowledged[role=note]").unwrap())
        .next()
        .expect("the note");
    let text: String = note.text().collect();
    assert!(
        text.contains("（一）予以公开")
            && text.contains("已于2022年3月1日发布更正说明")
            && text.contains("部分公开"),
        "{text}"
    );
    // Without the acknowledgement the same report fails.
    let text = site.read("content/测试局/2021.md");
    let start = text.find("acknowledged:").unwrap();
    let end = text
        .find("format: \"2021\"")
        .unwrap_or(start)
        .max(text.find("    reason: 已改正\n").unwrap() + "    reason: 已改正\n".len());
    site.write(
        "content/测试局/2021.md",
        &format!("{}{}", &text[..start], &text[end..]),
    );
    assert_eq!(site.run(&["check"]).code(), 1);
}
