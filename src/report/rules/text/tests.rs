//! Real phrasings from published reports: for each of X1–X5, sentences that
//! must be compared with the tables (and are wrong here) and sentences that
//! must not be matched to any cell.

use super::*;
use crate::content::SourcePath;
use crate::report::narrative::{self, MarkdownOptions};
use crate::report::parse::parse_report;

/// A 2021 report with known tables: 新收 13 (自然人 10, 法人 3), 上年结转 1,
/// 办结 13 (予以公开 6, 部分公开 2, 不予公开 2, 无法提供 1, 不予处理 1,
/// 其他处理 1), 结转 1; 行政复议 2 (维持 1, 纠正 1), 行政诉讼 1 (维持).
fn report(body: &str) -> Report {
    let mut text = crate::report::skeleton::new_report("某局", 2021, None);
    let rows = [
        (
            "received: [0, 0, 0, 0, 0, 0, 0]",
            "received: [10, 2, 0, 0, 1, 0, 13]",
        ),
        (
            "carried_over: [0, 0, 0, 0, 0, 0, 0]",
            "carried_over: [1, 0, 0, 0, 0, 0, 1]",
        ),
        (
            "disclosed: [0, 0, 0, 0, 0, 0, 0]",
            "disclosed: [5, 1, 0, 0, 0, 0, 6]",
        ),
        (
            "partially_disclosed: [0, 0, 0, 0, 0, 0, 0]",
            "partially_disclosed: [2, 0, 0, 0, 0, 0, 2]",
        ),
        (
            "state_secret: [0, 0, 0, 0, 0, 0, 0]",
            "state_secret: [1, 0, 0, 0, 0, 0, 1]",
        ),
        (
            "third_party_rights: [0, 0, 0, 0, 0, 0, 0]",
            "third_party_rights: [0, 0, 0, 0, 1, 0, 1]",
        ),
        (
            "not_held: [0, 0, 0, 0, 0, 0, 0]",
            "not_held: [1, 0, 0, 0, 0, 0, 1]",
        ),
        (
            "repeated: [0, 0, 0, 0, 0, 0, 0]",
            "repeated: [1, 0, 0, 0, 0, 0, 1]",
        ),
        (
            "      other: [0, 0, 0, 0, 0, 0, 0]",
            "      other: [0, 1, 0, 0, 0, 0, 1]",
        ),
        (
            "total: [0, 0, 0, 0, 0, 0, 0]",
            "total: [10, 2, 0, 0, 1, 0, 13]",
        ),
        (
            "carried_forward: [0, 0, 0, 0, 0, 0, 0]",
            "carried_forward: [1, 0, 0, 0, 0, 0, 1]",
        ),
        ("review: [0, 0, 0, 0, 0]", "review: [1, 1, 0, 0, 2]"),
        (
            "litigation_direct: [0, 0, 0, 0, 0]",
            "litigation_direct: [1, 0, 0, 0, 1]",
        ),
    ];
    for (from, to) in rows {
        assert!(text.contains(from), "{from}");
        text = text.replacen(from, to, 1);
    }
    let front = text.split("\n---\n").next().unwrap();
    let full = format!("{front}\n---\n{body}");
    let src = SourcePath {
        path: "x.md".into(),
        rel: "content/某局/2021.md".into(),
        stem: "某局/2021".into(),
    };
    let parsed = parse_report(&src, &full);
    assert!(parsed.findings.is_empty(), "{:?}", parsed.findings);
    let mut r = parsed.report.unwrap();
    assert!(
        super::super::check_report(&r, &Default::default())
            .iter()
            .all(|f| !f.rule.starts_with('T')),
        "tables consistent"
    );
    let (n, _) = narrative::render(
        &r.body,
        r.body_line,
        &r.source.rel,
        MarkdownOptions::default(),
    );
    r.narrative = n;
    r
}

fn findings(sentence: &str) -> Vec<Finding> {
    let r = report(&format!("{sentence}\n"));
    let mut out = Vec::new();
    for s in sentences(&r.body, r.body_line, r.meta.year) {
        let f = Facts::of(&r);
        x1_stated_counts_equal_the_tables(&r, &f, &s, &mut out);
        x2_none_received_matches_the_table(&r, &f, &s, &mut out);
        x3_reviews_and_litigation_match_the_table(&r, &f, &s, &mut out);
        x4_percentages_match_the_tables(&r, &f, &s, &mut out);
        x5_years_are_the_report_year(&r, &s, &mut out);
    }
    out
}

fn rules(sentence: &str) -> Vec<&'static str> {
    findings(sentence).iter().map(|f| f.rule).collect()
}

fn assert_matches(rule: &str, sentences: &[&str]) {
    for s in sentences {
        let r = rules(s);
        assert!(r.contains(&rule), "{rule} should match {s:?}, got {r:?}");
    }
}

fn assert_silent(sentences: &[&str]) {
    for s in sentences {
        let f = findings(s);
        assert!(f.is_empty(), "{s:?} should match nothing: {f:?}");
    }
}

#[test]
fn x1_matches_the_standard_phrasings() {
    assert_matches(
        "X1",
        &[
            "本年新收政府信息公开申请15件。",
            "全年共受理依申请公开事项14件。",
            "上年结转2件。",
            "办结政府信息公开申请12件。",
            "其中予以公开8件，部分公开2件。",
            "结转下年度继续办理3件。",
            "本年新收申请13件，其中自然人申请11件，法人或其他组织申请3件。",
            "不予公开三件。",
        ],
    );
}

#[test]
fn x1_leaves_other_subjects_alone() {
    assert_silent(&[
        "全年在微信公众号主动公开信息195条。",
        "本年度收取信息处理费200元。",
        "共受理群众信访事项25件。",
        "按时答复率100%。",
        "收到人大代表建议和政协提案12件。",
        "本年制发行政规范性文件3件。",
        "共收到政府信息公开申请14件（含上年结转1件）。",
        "本年新收政府信息公开申请13件，上年结转1件，办结13件，其中予以公开6件、部分公开2件、不予公开2件、无法提供1件、不予处理1件、其他处理1件，结转下年度继续办理1件。",
        "对申请人答复后，办理结果均已送达。",
    ]);
}

#[test]
fn x1_points_at_the_number_and_gives_both_figures() {
    let f = findings("本年新收政府信息公开申请15件。");
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].line, f[0].column), (findings_line(), 13));
    assert_eq!(
        (f[0].expected.as_deref(), f[0].found.as_deref()),
        (Some("13"), Some("15"))
    );
}

fn findings_line() -> u32 {
    report("x\n").body_line
}

#[test]
fn x2_says_none_received_only_when_none_were() {
    assert_matches(
        "X2",
        &[
            "一年来，我局未收到群众依申请公开事项。",
            "本年度未收到政府信息公开申请。",
            "本机关没有收到政府信息公开申请。",
            "未接到依申请公开政府信息的申请。",
            "全年未受理政府信息公开申请。",
        ],
    );
    assert_silent(&[
        "未收到申请人对答复的异议。",
        "未收到因政府信息公开引起的投诉。",
        "本年度收到政府信息公开申请13件。",
        "对不符合条件的申请，依法不予受理。",
        "申请人未收到补正通知的，视为未补正。",
    ]);
}

#[test]
fn x3_reviews_and_litigation() {
    assert_matches(
        "X3",
        &[
            "本年度未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。",
            "本年度没有被申请行政复议。",
            "因政府信息公开被申请行政复议3件。",
            "提起行政诉讼2件。",
            "行政复议2件，结果均获维持。",
            "行政复议和行政诉讼共4件。",
            "行政复议、行政诉讼各1件。",
        ],
    );
    assert_silent(&[
        "本年度发生政府信息公开行政复议2件、行政诉讼1件。",
        "行政诉讼1件，结果均获维持。",
        "组织学习《行政复议法》和《行政诉讼法》20次。",
        "依法做好行政复议、行政诉讼应诉工作。",
        "行政复议和行政诉讼共3件。",
        "行政复议2件，其中结果维持1件、结果纠正1件；行政诉讼1件，其中未经复议直接起诉1件，结果维持，复议后起诉0件。",
    ]);
}

#[test]
fn x4_percentages() {
    assert_matches(
        "X4",
        &[
            "予以公开率为46.1%。",
            "予以公开6件，占全部办结数的50%。",
            "部分公开2件，占20%。",
            "不予公开占比10.0%。",
            "予以公开率47%。",
        ],
    );
    let truncated = findings("予以公开率为46.1%。");
    assert!(truncated[0].message.contains("截断"), "{:?}", truncated[0]);
    assert_silent(&[
        "予以公开率46.2%。",
        "予以公开6件，占全部办结数的46.15%。",
        "办结率100%。",
        "信息发布量同比增长20%。",
        "予以公开6件，占全部申请的42.9%。",
        "部分公开占15.4%。",
    ]);
}

#[test]
fn percentages_round_half_up_or_truncate() {
    assert_eq!(
        percent(Num::int(6), Num::int(13), 1, false).unwrap(),
        "46.2"
    );
    assert_eq!(percent(Num::int(6), Num::int(13), 1, true).unwrap(), "46.1");
    assert_eq!(percent(Num::int(1), Num::int(8), 1, false).unwrap(), "12.5");
    assert_eq!(percent(Num::int(1), Num::int(3), 0, false).unwrap(), "33");
    assert_eq!(percent(Num::int(1), Num::int(0), 1, false), None);
}

#[test]
fn x5_years() {
    assert_matches(
        "X5",
        &[
            "2020年，我局认真贯彻落实条例。",
            "现将西工区司法局2020年政府信息公开工作年度报告公布如下。",
            "本报告数据统计期限为2020年1月1日至2020年12月31日。",
            "202021年，我局持续推进政务公开。",
            "2019年度，我局严格落实公开制度。",
        ],
    );
    assert_silent(&[
        "2021年，我局认真贯彻落实条例。",
        "2022年，我局将进一步加强政务公开工作。",
        "自2019年以来，我局持续推进公开工作。",
        "《条例》于2019年5月15日起施行。",
        "2019年以来，我局持续推进。",
        "全年在“西工掌上12348”微信公众号主动公开信息195条。",
        "本报告数据统计期限为2021年1月1日至2021年12月31日。",
        // An earlier report named on purpose (the 2021 format asks for it).
        "针对2020年政府信息公开工作年度报告中指出的问题，我局已全部整改到位。",
        "《某局2020年政府信息公开工作年度报告》中提出的问题已整改。",
    ]);
    // A later year is never an earlier report.
    assert_matches(
        "X5",
        &["针对2022年政府信息公开工作年度报告中指出的问题，我局已整改。"],
    );
}

#[test]
fn x1_leaves_a_part_of_the_total_alone() {
    assert_silent(&[
        "本年新收政府信息公开申请13件，其中通过互联网收到申请9件，通过信函收到申请4件。",
        "共受理依申请公开13件，其中涉及征地拆迁类申请收到5件。",
        "全年共收到政府信息公开申请13件，其中当面申请收到8件。",
        "较上年多收到申请10件。",
        "办结13件，其中当面答复4件。",
    ]);
    // The whole, even when the clause names the channels.
    assert_matches(
        "X1",
        &[
            "本年通过网上和信函共收到政府信息公开申请15件。",
            "本年新收政府信息公开申请15件，其中予以公开6件。",
        ],
    );
}

#[test]
fn chinese_numerals_and_thousands_are_read() {
    let n = |s: &str| number_at(&s.chars().collect::<Vec<_>>(), 0);
    assert_eq!(n("三件"), Some((3, 1)));
    assert_eq!(n("两件"), Some((2, 1)));
    assert_eq!(n("十二件"), Some((12, 2)));
    assert_eq!(n("二十件"), Some((20, 2)));
    assert_eq!(n("一百零五件"), Some((105, 4)));
    assert_eq!(n("1,234件"), Some((1234, 5)));
    assert_eq!(n("１２件"), Some((12, 2)));
    assert_eq!(n("41.5%"), None);
}

#[test]
fn x6_and_x7_look_at_the_sections() {
    let r = report(
        "## 一、总体情况\n\n正文。\n\n## 六、其他需要报告的事项\n\n无。\n\n## 五、存在的主要问题及改进情况\n\n无。\n",
    );
    let mut out = Vec::new();
    x6_sections_present_and_in_order(&r, &mut out);
    assert_eq!(out.len(), 1, "{out:?}");
    assert!(out[0].message.contains("五、存在的主要问题及改进情况"));
    let mut out = Vec::new();
    x7_processing_fee_stated(&r, &sentences(&r.body, r.body_line, r.meta.year), &mut out);
    assert_eq!(out.len(), 1);
    let r = report(
        "## 一、总体情况\n\n正文。\n\n## 五、存在的主要问题及改进情况\n\n无。\n\n## 六、其他需要报告的事项\n\n本年度未收取信息处理费。\n",
    );
    let mut out = Vec::new();
    x6_sections_present_and_in_order(&r, &mut out);
    x7_processing_fee_stated(&r, &sentences(&r.body, r.body_line, r.meta.year), &mut out);
    assert!(out.is_empty(), "{out:?}");
}

/// Real phrasings that are not the tables' figures (each was a false error
/// or warning): other kinds of applications, parts of a total, manners of
/// answering, other years, documents, members of a consolidated report.
#[test]
fn text_rules_leave_other_figures_alone() {
    assert_silent(&[
        "全年共受理各类行政许可申请3256件，办结3256件。",
        "全年共受理法律援助申请312件，办结298件。",
        "全年共收到行政复议申请86件，受理78件。",
        "我局收到行政复议申请2件。",
        "均在法定期限内答复，其中当场答复5件，延期答复3件。",
        "书面答复41件。",
        "本报告根据《中华人民共和国政府信息公开条例》（2019年修订，以下简称《条例》）第五十条规定编制，统计期限为2021年1月1日至2021年12月31日。",
        "本报告所列数据的统计期限自2021年1月1日起至2021年12月31日止，数据截至2022年1月10日。",
        "按时编制并发布2020年政府信息公开工作年度报告。",
        "予以公开和部分公开共8件。",
        "予以公开（含部分公开）8件。",
        "予以公开、部分公开共8件。",
        "在办结的申请中，予以公开和部分公开共8件，占61.5%。",
        "某街道办事处未收到申请。",
        "县政府办公室收到政府信息公开申请12件，其中予以公开8件，部分公开1件。",
        "区局机关收到政府信息公开申请10件，其中予以公开5件，无法提供2件。",
        "西工市场监管所收到政府信息公开申请3件，均予以公开3件。",
        "自然人申请中，予以公开5件。",
        "均为自然人申请，未收到法人或其他组织提出的申请。",
        "全年未收到通过信函方式提交的申请。",
        "本年度未受理涉及第三方权益的申请。",
        "比2020年多收到8件。",
        "与2020年相比有所增加，2020年收到政府信息公开申请47件。",
        "全年共制发公文156件，其中主动公开98件，依申请公开30件，不予公开28件。",
        "全年经保密审查不予公开的文件共5件。",
        "区教育局收到政府信息公开申请55件，区卫生健康委员会收到政府信息公开申请55件。",
        "其中区教育局被申请行政复议5件。",
        "办结政府信息公开申请13件，其中办结上年结转申请1件。",
        "自然人申请中予以公开5件，法人或其他组织申请中予以公开1件。",
        "全年收到“一件事一次办”申请1200件。",
        "答复前由法律顾问一起把关。",
        "也没有因答复不及时被申请行政复议的情况。",
        "2020年，我局制定了审查办法，2021年进一步修订完善。",
        "其他处理1件，按时答复率100%。",
        "公开率（含部分公开）为61.5%。",
        "其中予以公开6件，同比增长10%。",
        "予以公开率为46.2%，较2020年的41.7%基本持平。",
    ]);
}

#[test]
fn text_rules_catch_more_ways_of_saying_none_and_upheld() {
    assert_matches("X2", &["本年度无政府信息公开申请。"]);
    assert_matches("X1", &["其中予以公开6件、部分公开3件。"]);
    // 6 + 2 of 13 done is 61.5%.
    assert_matches("X4", &["予以公开和部分公开的共8件，占办结总数的75%。"]);
    // 10 of 13 new applications is 76.9%.
    assert_matches("X4", &["自然人申请10件，占95%。"]);
    assert_silent(&[
        "自然人申请10件，占76.9%。",
        "法人或其他组织申请3件，占23.1%。",
    ]);
    assert_matches(
        "X3",
        &[
            "本年度无因政府信息公开引起的行政复议和行政诉讼。",
            "因政府信息公开引起的行政复议、行政诉讼案件均未发生。",
            "行政复议结果均为维持。",
        ],
    );
    // Each kind by itself: only the review is denied here, and wrongly.
    let f = findings("本年度未发生政府信息公开行政复议案件，被提起行政诉讼1件。");
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].message.contains("没有行政复议"), "{f:?}");
}
