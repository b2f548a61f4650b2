//! `gongkai import`: each published shape of report-formats.md (PDF text with
//! broken labels and vertical headers, Word pages with rowspans, 2021 pages
//! with page chrome, blank / "/" / noted cells, wrong published totals) is
//! imported with the real binary, and the written report file is read back
//! through the library and compared cell by cell.

mod common;
use common::Site;
use gongkai::content::SourcePath;
use gongkai::report::parse::parse_report;
use gongkai::report::{Report, Value};
use std::path::{Path, PathBuf};

fn input(name: &str) -> PathBuf {
    common::fixture("import").join(name)
}

/// An empty site to import into.
fn empty_site() -> Site {
    Site {
        dir: tempfile::tempdir().expect("tempdir"),
    }
}

fn import(site: &Site, args: &[&str]) -> common::Run {
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    site.run(&all)
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// A fixture written into the site's folder in GB18030 (GBK and its
/// superset, which also holds the Kangxi radicals of PDF text), as such
/// files are published: Word pages declare gb2312, text files carry no mark.
fn gbk_copy(site: &Site, name: &str) -> PathBuf {
    let text = std::fs::read_to_string(input(name)).unwrap();
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(&text);
    assert!(!unmappable, "{name} has characters GB18030 lacks");
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "{name} must not be UTF-8 any more"
    );
    let path = site.path().join(name);
    std::fs::write(&path, &bytes).unwrap();
    path
}

/// Parses a report file through the library.
fn parse(text: &str) -> Report {
    let src = SourcePath {
        path: "x.md".into(),
        rel: "content/x/x.md".into(),
        stem: "x/x".into(),
    };
    let parsed = parse_report(&src, text);
    assert!(parsed.findings.is_empty(), "{:#?}", parsed.findings);
    parsed.report.expect("a report")
}

/// Every row of every table: (`applications.outcomes.total`, cells as
/// published: `0`, `~`, `/`, `22（其中修订16件）`).
fn cells(report: &Report) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for table in report.tables.iter().flatten() {
        for (r, (spec, row)) in table.spec.rows.iter().zip(&table.rows).enumerate() {
            let shown = row
                .cells
                .iter()
                .enumerate()
                .map(|(col, c)| match (&c.value, table.note(r, col)) {
                    (Value::Blank, _) => "~".to_string(),
                    (Value::NotApplicable, _) => "/".to_string(),
                    (Value::Number(n), None) => n.to_string(),
                    (Value::Number(n), Some(note)) => format!("{n}（{note}）"),
                    (Value::Invalid, _) => "INVALID".to_string(),
                })
                .collect();
            out.push((format!("{}.{}", table.spec.key, spec.key()), shown));
        }
    }
    out
}

fn row(report: &Report, key: &str) -> Vec<String> {
    cells(report)
        .into_iter()
        .find(|(k, _)| k == key)
        .unwrap_or_else(|| panic!("no row {key}"))
        .1
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

const ZEROS7: [&str; 7] = ["0"; 7];

/// The Markdown body of a report file.
fn body(text: &str) -> &str {
    let after_first = text.split_once("---\n").map_or("", |(_, r)| r);
    after_first.split_once("\n---\n").map_or("", |(_, b)| b)
}

#[test]
fn the_sample_imports_to_the_hand_transcription_cell_by_cell() {
    let site = empty_site();
    let run = import(&site, &[path_str(&input("xigong-sifaju-2021.txt"))]);
    assert_eq!(run.code(), 0, "{}{}", run.stdout(), run.stderr());
    assert!(run.stdout().contains("已导入"), "{}", run.stdout());
    let imported = site.read("content/西工区司法局/2021.md");
    let transcribed =
        std::fs::read_to_string(common::repo().join("content/西工区司法局/2021.md")).unwrap();
    let (mine, theirs) = (parse(&imported), parse(&transcribed));
    assert_eq!(cells(&mine), cells(&theirs));
    assert_eq!(cells(&mine).len(), 6 + 25 + 3);
    assert_eq!(mine.meta.agency, "西工区司法局");
    assert_eq!(mine.meta.year, 2021);
    assert_eq!(mine.meta.declared_format, theirs.meta.declared_format);
    // The narrative: N1 applied, full-width punctuation kept, PDF line breaks joined.
    assert_eq!(body(&imported), body(&transcribed));
    assert!(body(&imported).contains("《中华人民共和国政府信息公开条例》，落实工作机制"));
    assert!(!imported.contains('⼈') && !imported.contains('⺠'));
    assert!(body(&imported).contains("未出现影响或者可能影响社会稳定"));
}

#[test]
fn a_word_page_in_gbk_with_rowspans_imports_the_2019_tables() {
    let site = empty_site();
    let page = gbk_copy(&site, "word-2020.html");
    let run = import(&site, &[path_str(&page)]);
    assert_eq!(run.code(), 0, "{}{}", run.stdout(), run.stderr());
    let text = site.read("content/黄陂区示例局/2020.md");
    let r = parse(&text);
    assert_eq!(
        (r.meta.year, r.meta.declared_format.map(|f| f.key())),
        (2020, Some("2019"))
    );
    let expected_t2: [(&str, &[&str]); 8] = [
        ("rules", &["0", "0", "0"]),
        ("normative_documents", &["3", "3", "22（其中修订1件）"]),
        ("licensing", &["56", "19", "1203"]),
        ("other_services", &["8", "-2", "~"]),
        ("punishment", &["12", "0", "35"]),
        ("coercion", &["3", "0", "4"]),
        ("fees", &["2", "0"]),
        ("procurement", &["5", "251000（元）"]),
    ];
    for (key, want) in expected_t2 {
        assert_eq!(
            row(&r, &format!("active_disclosure.{key}")),
            strs(want),
            "{key}"
        );
    }
    assert_eq!(
        row(&r, "applications.received"),
        strs(&["10", "2", "0", "0", "1", "0", "13"])
    );
    assert_eq!(row(&r, "applications.carried_over"), strs(&["~"; 7]));
    assert_eq!(
        row(&r, "applications.outcomes.withheld.third_party_rights"),
        strs(&["1", "0", "0", "0", "0", "0", "1"])
    );
    assert_eq!(
        row(&r, "applications.outcomes.unable_to_provide.not_held"),
        strs(&["2", "1", "0", "0", "0", "0", "3"])
    );
    assert_eq!(
        row(&r, "applications.outcomes.other_handling"),
        strs(&ZEROS7)
    );
    assert_eq!(
        row(&r, "applications.outcomes.total"),
        strs(&["9", "2", "0", "0", "1", "0", "12"])
    );
    assert_eq!(
        row(&r, "applications.carried_forward"),
        strs(&["1", "0", "0", "0", "0", "0", "1"])
    );
    assert_eq!(
        row(&r, "reviews_and_litigation.review"),
        strs(&["1", "0", "0", "1", "2"])
    );
    assert_eq!(
        row(&r, "reviews_and_litigation.litigation_direct"),
        strs(&["0"; 5])
    );
}

#[test]
fn a_word_page_keeps_its_provincial_variants_and_gets_the_official_headings() {
    let site = empty_site();
    let page = gbk_copy(&site, "word-2020.html");
    let run = import(&site, &[path_str(&page)]);
    assert_eq!(run.code(), 0, "{}{}", run.stdout(), run.stderr());
    let text = site.read("content/黄陂区示例局/2020.md");
    // The province's extra row is kept in the text of section 二, not in the table.
    let b = body(&text);
    assert!(b.contains("## 二、主动公开政府信息情况"), "{b}");
    assert!(
        b.contains("其他主动公开文件(指本单位制发的其他主动公开文件)"),
        "{b}"
    );
    assert!(
        b.contains("本年新制作数量 12，本年新公开数量 12，对外公开总数量 40"),
        "{b}"
    );
    assert!(run.stdout().contains("表二多出一行"), "{}", run.stdout());
    // Annotated labels and column notes are recognised and reported.
    assert!(
        text.contains("（原表行名：规章（设区的市、自治州人民政府应提供相关数据））"),
        "{text}"
    );
    assert!(
        text.contains("“上一年项目数量”列原表写作“上一年项目数量（指2019年事项数）”"),
        "{text}"
    );
    // Aliased section titles get the official headings.
    assert!(
        b.contains("## 五、存在的主要问题及改进情况\n\n一是公开内容不够全面"),
        "{b}"
    );
    assert!(b.contains("## 六、其他需要报告的事项\n\n无。"), "{b}");
    assert!(!b.contains("## 四"), "{b}");
    assert!(b.contains("### （一）主动公开"), "{b}");
    assert!(b.contains("我局认真贯彻落实《条例》，扎实做好"), "{b}");
}

#[test]
fn pdf_text_in_gbk_with_vertical_headers_in_table_four() {
    let site = empty_site();
    let file = gbk_copy(&site, "vertical-2022.txt");
    let run = import(&site, &[path_str(&file)]);
    assert_eq!(run.code(), 0, "{}{}", run.stdout(), run.stderr());
    assert!(!run.stdout().contains("错误["), "{}", run.stdout());
    let text = site.read("content/示例县自然资源局/2022.md");
    let r = parse(&text);
    assert_eq!(
        row(&r, "reviews_and_litigation.review"),
        strs(&["1", "0", "0", "0", "1"])
    );
    assert_eq!(
        row(&r, "reviews_and_litigation.litigation_direct"),
        strs(&["0", "0", "0", "1", "1"])
    );
    assert_eq!(
        row(&r, "reviews_and_litigation.litigation_after_review"),
        strs(&["0"; 5])
    );
    // Numbers on their own lines, labels broken over lines, a page break inside the table.
    assert_eq!(
        row(&r, "applications.received"),
        strs(&["3", "1", "0", "0", "1", "0", "5"])
    );
    assert_eq!(
        row(&r, "applications.outcomes.unable_to_provide.not_held"),
        strs(&["1", "0", "0", "0", "1", "0", "2"])
    );
    assert_eq!(
        row(&r, "applications.outcomes.other_handling.no_correction"),
        strs(&ZEROS7)
    );
    assert_eq!(
        row(&r, "applications.outcomes.total"),
        strs(&["4", "1", "0", "0", "1", "0", "6"])
    );
    assert_eq!(
        row(&r, "active_disclosure.normative_documents"),
        strs(&["2", "1", "9"])
    );
    assert_eq!(row(&r, "active_disclosure.fees"), strs(&["12.5"]));
    let b = body(&text);
    assert!(
        !b.contains("- 1 -") && !b.contains("年度报告"),
        "page numbers and running titles stay out: {b}"
    );
    assert!(
        b.contains("统计期限自2022年1月1日起至2022年12月31日止。"),
        "{b}"
    );
    assert!(b.contains("围绕自然资源管理中心工作"), "{b}");
    assert!(!text.chars().any(|c| ('\u{2F00}'..='\u{2FD5}').contains(&c)));
}

#[test]
fn pdftotext_layout_output_with_labels_wrapped_around_their_numbers() {
    let site = empty_site();
    let run = import(&site, &[path_str(&input("layout-2021.txt"))]);
    assert_eq!(run.code(), 0, "{}{}", run.stdout(), run.stderr());
    let text = site.read("content/示例区民政局/2021.md");
    let r = parse(&text);
    let mut expected: Vec<(String, Vec<String>)> = Vec::new();
    for (key, got) in cells(&r) {
        let want = match key.as_str() {
            "active_disclosure.rules" => strs(&["0"; 3]),
            "active_disclosure.normative_documents" => strs(&["1", "0", "4"]),
            "active_disclosure.licensing" => strs(&["36"]),
            k if k.starts_with("active_disclosure.") => strs(&["0"]),
            "applications.received" | "applications.outcomes.total" => {
                strs(&["6", "1", "0", "0", "0", "0", "7"])
            }
            "applications.outcomes.disclosed" => strs(&["4", "1", "0", "0", "0", "0", "5"]),
            "applications.outcomes.unable_to_provide.not_held" => {
                strs(&["2", "0", "0", "0", "0", "0", "2"])
            }
            k if k.starts_with("applications.") => strs(&ZEROS7),
            _ => strs(&["0"; 5]),
        };
        assert_eq!(got, want, "{key}");
        expected.push((key, want));
    }
    assert_eq!(expected.len(), 6 + 25 + 3);
    assert!(
        body(&text).contains("各项工作取得了新的进展。"),
        "{}",
        body(&text)
    );
}

/// `pdftotext -layout` puts a wrapped label's numbers on its first line
/// when the cell is top-aligned: "（二）部分公开（区分处理的，只计  1 0 0 0 0 0 1"
/// then "这一情形，不计其他情形）" — less than 60% of the label, but the start
/// of no other row's.
#[test]
fn pdftotext_layout_output_with_numbers_on_the_first_line_of_wrapped_labels() {
    let site = empty_site();
    let run = import(&site, &[path_str(&input("layout-first-line-2022.txt"))]);
    assert_eq!(run.code(), 0, "{}{}", run.stdout(), run.stderr());
    let r = parse(&site.read("content/洛阳市瀍河回族区住房和城乡建设局/2022.md"));
    let seven = |v: [&str; 7]| strs(&v);
    for (key, want) in [
        ("received", seven(["22", "2", "0", "0", "1", "0", "25"])),
        ("carried_over", seven(["1", "1", "0", "0", "0", "0", "2"])),
        (
            "outcomes.disclosed",
            seven(["9", "2", "0", "0", "0", "0", "11"]),
        ),
        (
            "outcomes.partially_disclosed",
            seven(["1", "0", "0", "0", "0", "0", "1"]),
        ),
        ("outcomes.other_handling.no_correction", seven(ZEROS7)),
        ("outcomes.other_handling.fee_unpaid", seven(ZEROS7)),
        (
            "outcomes.other_handling.other",
            seven(["1", "0", "0", "0", "0", "0", "1"]),
        ),
        (
            "outcomes.total",
            seven(["21", "3", "0", "0", "1", "0", "25"]),
        ),
        (
            "carried_forward",
            seven(["2", "0", "0", "0", "0", "0", "2"]),
        ),
    ] {
        assert_eq!(row(&r, &format!("applications.{key}")), want, "{key}");
    }
}

#[test]
fn blank_not_applicable_and_notes_are_kept_as_published() {
    let site = empty_site();
    let run = import(&site, &[path_str(&input("cells-2019.txt"))]);
    assert_eq!(run.code(), 0, "{}{}", run.stdout(), run.stderr());
    let text = site.read("content/某某镇人民政府/2019.md");
    let r = parse(&text);
    assert_eq!(row(&r, "active_disclosure.rules"), strs(&["/", "/", "/"]));
    assert_eq!(
        row(&r, "active_disclosure.normative_documents"),
        strs(&["2", "2", "22（其中修订16件）"])
    );
    assert_eq!(
        row(&r, "active_disclosure.licensing"),
        strs(&["3", "19", "~"])
    );
    assert_eq!(
        row(&r, "active_disclosure.other_services"),
        strs(&["~", "~", "~"])
    );
    assert_eq!(
        row(&r, "active_disclosure.punishment"),
        strs(&["1", "-1", "0"])
    );
    assert_eq!(
        row(&r, "active_disclosure.procurement"),
        strs(&["2", "251000（元）"])
    );
    assert_eq!(
        row(&r, "applications.received"),
        strs(&["2", "~", "~", "~", "~", "~", "2"])
    );
    assert_eq!(row(&r, "applications.carried_over"), strs(&["~"; 7]));
    assert_eq!(
        row(&r, "applications.outcomes.other_handling"),
        strs(&ZEROS7)
    );
    assert_eq!(row(&r, "reviews_and_litigation.review"), strs(&["/"; 5]));
    assert!(
        text.contains("normative_documents: [2, 2, { value: 22, note: \"其中修订16件\" }]"),
        "{text}"
    );
    assert!(text.contains("licensing: [3, 19, ~]"), "{text}");
    // The checks run at once: blank cells are warnings, not silently zeros.
    assert!(run.stdout().contains("警告[T3.5]"), "{}", run.stdout());
}

#[test]
fn a_2021_page_keeps_its_tables_and_the_prose_beside_them() {
    let site = empty_site();
    let run = import(&site, &[path_str(&input("page-2021.html"))]);
    assert_eq!(run.code(), 0, "{}{}", run.stdout(), run.stderr());
    let text = site.read("content/示例市科学技术委员会/2021.md");
    let r = parse(&text);
    assert_eq!(
        r.meta.published.map(|d| d.to_string()),
        Some("2022-01-28".into())
    );
    assert_eq!(row(&r, "active_disclosure.rules"), strs(&["/", "/", "/"]));
    assert_eq!(
        row(&r, "active_disclosure.normative_documents"),
        strs(&["22（其中修订16件）", "3", "55（含自然失效29件）"])
    );
    assert_eq!(row(&r, "active_disclosure.coercion"), strs(&["~"]));
    assert_eq!(row(&r, "active_disclosure.fees"), strs(&["0.35"]));
    assert_eq!(
        row(
            &r,
            "applications.outcomes.not_processed.petition_or_complaint"
        ),
        strs(&["1", "0", "0", "0", "0", "0", "~"])
    );
    assert_eq!(
        row(&r, "applications.outcomes.other_handling.fee_unpaid"),
        strs(&ZEROS7)
    );
    assert_eq!(
        row(&r, "applications.outcomes.total"),
        strs(&["20", "4", "0", "1", "2", "1", "28"])
    );
    assert_eq!(
        row(&r, "reviews_and_litigation.litigation_direct"),
        strs(&["1", "0", "0", "0", "1"])
    );
    let b = body(&text);
    assert!(
        b.contains(
            "## 二、主动公开政府信息情况\n\n本年度通过门户网站主动公开科技政策文件，详见下表。"
        ),
        "{b}"
    );
    assert!(b.contains("## 四、政府信息公开行政复议、行政诉讼情况\n\n注：行政复议、行政诉讼数量含上年度结转数量。"), "{b}");
    assert!(!b.contains("## 三"), "{b}");
    for chrome in ["首页", "字号", "打印", "网站标识码", "ICP"] {
        assert!(!b.contains(chrome), "{chrome} in {b}");
    }
    let out = run.stdout();
    assert!(out.contains("原表行名为“规范性文件”"), "{out}");
    assert!(
        out.contains("“现行有效件数”列原表写作“现行有效件数（历史累计）”"),
        "{out}"
    );
}

#[test]
fn a_page_date_before_the_year_ended_is_left_out_with_a_note() {
    // Found by the import fuzz target: a page whose date comes before the end
    // of the report's year (a CMS's creation date, a copied page) gave a file
    // that its own check warned about (FM5).
    let site = empty_site();
    let page = std::fs::read_to_string(input("page-2021.html"))
        .unwrap()
        .replace("2022-01-28 10:30", "2021-06-01 10:30");
    let file = site.path().join("page.html");
    std::fs::write(&file, page).unwrap();
    let run = import(&site, &[path_str(&file)]);
    assert_eq!(run.code(), 0, "{}{}", run.stdout(), run.stderr());
    let text = site.read("content/示例市科学技术委员会/2021.md");
    assert!(!text.contains("published:"), "{text}");
    assert_eq!(parse(&text).meta.published, None);
    let out = run.stdout();
    assert!(
        out.contains("网页标注的发布日期 2021-06-01 在 2021 年度结束之前"),
        "{out}"
    );
    assert!(!out.contains("FM5"), "{out}");
}

#[test]
fn another_table_before_the_official_one_stays_text() {
    let site = empty_site();
    let page = std::fs::read_to_string(input("page-2021.html")).unwrap();
    let extra = "<table border=\"1\"><tr><th>信息类别</th><th>条数</th></tr>\
        <tr><td>通知公告</td><td>35</td></tr><tr><td>政策文件</td><td>12</td></tr></table>\n";
    let at = page.find("<table class=\"data\"").unwrap();
    let page = format!("{}{extra}{}", &page[..at], &page[at..]);
    let file = site.path().join("page.html");
    std::fs::write(&file, page).unwrap();
    let run = import(&site, &[path_str(&file)]);
    assert_eq!(run.code(), 0, "{}{}", run.stdout(), run.stderr());
    let text = site.read("content/示例市科学技术委员会/2021.md");
    assert_eq!(
        row(&parse(&text), "active_disclosure.punishment"),
        strs(&["2"])
    );
    assert!(body(&text).contains("通知公告 35"), "{}", body(&text));
}

#[test]
fn a_wrong_published_total_is_kept_and_the_check_names_its_line() {
    let site = empty_site();
    let run = import(&site, &[path_str(&input("wrong-total-2023.txt"))]);
    let rel = "content/某某区统计局/2023.md";
    let text = site.read(rel);
    assert!(text.contains("received: [3, 1, 0, 0, 0, 0, 5]"), "{text}");
    let line = site.line_of(rel, "received:");
    let out = run.stdout();
    assert!(
        out.contains(&format!("{rel}:{line}:32 错误[T3.3]")),
        "{out}"
    );
    assert_eq!(run.code(), 1, "errors in the imported report: exit code 1");
}

/// Nothing written under the site, and no panic.
fn assert_refused(site: &Site, run: &common::Run, name: &str, says: &str) {
    assert_eq!(run.code(), 1, "{name}: {}{}", run.stdout(), run.stderr());
    let err = run.stderr();
    assert!(err.contains(name), "{name}: {err}");
    assert!(err.contains(says), "{name}: {err}");
    assert!(err.contains("未写入"), "{name}: {err}");
    assert!(
        !site.path().join("content").exists(),
        "{name}: a file was written"
    );
}

#[test]
fn garbage_in_gives_a_clear_message_and_writes_nothing() {
    let cases = [
        ("unrelated.html", "这不是政府信息公开工作年度报告"),
        ("empty.txt", "文件是空的"),
        ("truncated-2021.txt", "找不到表四"),
    ];
    for (name, says) in cases {
        let site = empty_site();
        let run = import(&site, &[path_str(&input(name))]);
        assert_refused(&site, &run, name, says);
    }
    let binaries: [(&str, &[u8], &str); 3] = [
        (
            "report.bin",
            b"\x01\x02\x00\x00\xff\xfe\x00binary\x00\x00",
            "二进制",
        ),
        ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        ("report.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "图片"),
    ];
    for (name, bytes, says) in binaries {
        let site = empty_site();
        let file = site.path().join(name);
        std::fs::write(&file, bytes).unwrap();
        let run = import(&site, &[path_str(&file)]);
        assert_refused(&site, &run, name, says);
    }
}

#[test]
fn a_truncated_report_names_the_rows_it_lacks_after_the_last_row_read() {
    let site = empty_site();
    let run = import(&site, &[path_str(&input("truncated-2021.txt"))]);
    let err = run.stderr();
    let line = std::fs::read_to_string(input("truncated-2021.txt"))
        .unwrap()
        .lines()
        .position(|l| l.starts_with("3.要求提供公开出版物"))
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!(
            "truncated-2021.txt:{line}：表三 · （五）不予处理 · 4.无正当理由大量反复申请：找不到这一行"
        )),
        "{err}"
    );
    assert!(
        err.contains("表三 · 四、结转下年度继续办理：找不到这一行"),
        "{err}"
    );
}

#[test]
fn partial_writes_what_it_could_and_marks_the_rest() {
    let site = empty_site();
    let run = import(
        &site,
        &["--partial", path_str(&input("truncated-2021.txt"))],
    );
    let text = site.read("content/西工区司法局/2021.md");
    assert!(
        text.contains("publications: [0, 0, 0, 0, 0, 0, 0]"),
        "{text}"
    );
    let missing = "excessive: [~, ~, ~, ~, ~, ~, ~]";
    let line = text
        .lines()
        .find(|l| l.contains(missing))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.ends_with("# 4.无正当理由大量反复申请 导入时未能读取"),
        "{line}"
    );
    assert!(text.contains("review: [~, ~, ~, ~, ~]"), "{text}");
    assert!(text.contains("total: [~, ~, ~, ~, ~, ~, ~]"), "{text}");
    let out = run.stdout();
    assert!(out.contains("以下 7 处未能读取"), "{out}");
    assert!(out.contains("找不到表四"), "{out}");
    // The file is a report the checker reads; the empty table 四 is an error.
    assert!(out.contains("错误[F1]"), "{out}");
    assert_eq!(run.code(), 1);
}

#[test]
fn an_unplaceable_row_fails_with_the_line_it_is_on() {
    let site = empty_site();
    let sample = std::fs::read_to_string(input("xigong-sifaju-2021.txt")).unwrap();
    let broken = sample.replacen("2.重复申请 0 0 0 0 0 0 0", "2.重复申请 0 0 0 0 0 0", 1);
    let file = site.path().join("broken.txt");
    std::fs::write(&file, &broken).unwrap();
    let line = broken
        .lines()
        .position(|l| l.starts_with("2.重复申请"))
        .unwrap()
        + 1;
    let run = import(&site, &[path_str(&file)]);
    let err = run.stderr();
    assert!(
        err.contains(&format!(
            "broken.txt:{line}：表三 · （五）不予处理 · 2.重复申请：读到 6 个数"
        )),
        "{err}"
    );
    assert_refused(&site, &run, "broken.txt", "有 1 处无法确定");
}

#[test]
fn a_word_in_an_html_cell_is_reported_with_its_table_and_row() {
    let site = empty_site();
    let page = std::fs::read_to_string(input("page-2021.html")).unwrap();
    let page = page.replacen(
        "<td>行政处罚</td><td colspan=\"3\">2</td>",
        "<td>行政处罚</td><td colspan=\"3\">无</td>",
        1,
    );
    let file = site.path().join("page.html");
    std::fs::write(&file, page).unwrap();
    let run = import(&site, &[path_str(&file)]);
    let err = run.stderr();
    assert!(
        err.contains("page.html（第1个表格第10行）：表二 · 行政处罚 · 本年处理决定数量：单元格写的是“无”，不是数"),
        "{err}"
    );
    assert_refused(&site, &run, "page.html", "无法确定");
}

#[test]
fn table_four_printed_as_three_labelled_rows_is_placed_by_its_labels() {
    let site = empty_site();
    let page = std::fs::read_to_string(input("page-2021.html")).unwrap();
    let start = page.find("<tr><th colspan=\"5\">行政复议</th>").unwrap();
    let end = start + page[start..].find("</table>").unwrap();
    let rows = "<tr><th>类别</th><th>结果维持</th><th>结果纠正</th><th>其他结果</th><th>尚未审结</th><th>总计</th></tr>\n\
        <tr><td>行政诉讼（复议后起诉）</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>\n\
        <tr><td>行政复议</td><td>2</td><td>0</td><td>0</td><td>1</td><td>3</td></tr>\n\
        <tr><td>行政诉讼（未经复议直接起诉）</td><td>1</td><td>0</td><td>0</td><td>0</td><td>1</td></tr>\n";
    let page = format!("{}{rows}{}", &page[..start], &page[end..]);
    let file = site.path().join("page.html");
    std::fs::write(&file, page).unwrap();
    let run = import(&site, &[path_str(&file)]);
    assert_eq!(run.code(), 0, "{}{}", run.stdout(), run.stderr());
    let r = parse(&site.read("content/示例市科学技术委员会/2021.md"));
    assert_eq!(
        row(&r, "reviews_and_litigation.review"),
        strs(&["2", "0", "0", "1", "3"])
    );
    assert_eq!(
        row(&r, "reviews_and_litigation.litigation_direct"),
        strs(&["1", "0", "0", "0", "1"])
    );
    assert_eq!(
        row(&r, "reviews_and_litigation.litigation_after_review"),
        strs(&["0"; 5])
    );
}

#[test]
fn refuses_to_overwrite_an_existing_report() {
    let site = empty_site();
    let sample = input("xigong-sifaju-2021.txt");
    assert_eq!(import(&site, &[path_str(&sample)]).code(), 0);
    site.edit(
        "content/西工区司法局/2021.md",
        "punishment: 31",
        "punishment: 32",
    );
    let again = import(&site, &[path_str(&sample)]);
    assert_eq!(again.code(), 1);
    assert!(
        again.stderr().contains("已存在，没有覆盖"),
        "{}",
        again.stderr()
    );
    assert!(
        site.read("content/西工区司法局/2021.md")
            .contains("punishment: 32")
    );
}

#[test]
fn flags_override_the_title_and_out_chooses_the_folder() {
    let site = empty_site();
    let out = site.path().join("导入");
    let run = import(
        &site,
        &[
            "--agency",
            "洛阳市西工区司法局",
            "--year",
            "2021",
            "--out",
            path_str(&out),
            path_str(&input("xigong-sifaju-2021.txt")),
        ],
    );
    assert_eq!(run.code(), 0, "{}{}", run.stdout(), run.stderr());
    let text = std::fs::read_to_string(out.join("2021.md")).unwrap();
    assert_eq!(parse(&text).meta.agency, "洛阳市西工区司法局");
    assert!(
        run.stdout()
            .contains("按 --agency 写为“洛阳市西工区司法局”"),
        "{}",
        run.stdout()
    );
}

#[test]
fn imports_several_files_in_one_run() {
    let site = empty_site();
    let run = import(
        &site,
        &[
            path_str(&input("cells-2019.txt")),
            path_str(&input("page-2021.html")),
            path_str(&input("empty.txt")),
        ],
    );
    assert_eq!(run.code(), 1, "one file could not be imported");
    assert!(site.path().join("content/某某镇人民政府/2019.md").exists());
    assert!(
        site.path()
            .join("content/示例市科学技术委员会/2021.md")
            .exists()
    );
}
