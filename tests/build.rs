//! `gongkai build` on the bundled portal: the pages, the data files, the
//! official table layout, atomic and deterministic output.

mod common;
use common::{Site, tree};
use scraper::{ElementRef, Html, Selector};

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn text(e: ElementRef) -> String {
    e.text().collect::<String>().trim().to_string()
}

fn built() -> Site {
    let site = Site::bundled();
    let run = site.run(&["build"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    site
}

fn page(site: &Site, rel: &str) -> Html {
    Html::parse_document(&site.read(&format!("public/{rel}")))
}

#[test]
fn the_sample_report_shows_31_penalties_in_their_cell_and_zero_elsewhere() {
    let site = built();
    let html = page(&site, "西工区司法局/2021/index.html");
    let mut seen_penalty = false;
    let mut data_cells = 0;
    for table in html.select(&sel("table.form-table")) {
        for row in table.select(&sel("tr")) {
            let label = row
                .select(&sel("th[scope=row]"))
                .last()
                .map(text)
                .unwrap_or_default();
            for td in row.select(&sel("td")) {
                data_cells += 1;
                let value: f64 = text(td)
                    .parse()
                    .unwrap_or_else(|_| panic!("not a number: {:?}", text(td)));
                if label == "行政处罚" {
                    assert_eq!(text(td), "31");
                    seen_penalty = true;
                } else {
                    assert_eq!(value, 0.0, "{label}: {}", text(td));
                }
            }
        }
    }
    assert!(seen_penalty);
    // 二: 规章 3 + 行政规范性文件 3 + 许可, 处罚, 强制, 收费 1 each; 三: 25 × 7; 四: 15.
    assert_eq!(data_cells, 10 + 25 * 7 + 15);
    // The Henan overlay: the fee with 4 decimals under the provincial header.
    let doc = site.read("public/西工区司法局/2021/index.html");
    assert!(doc.contains("本年收费金额（单位：万元，保留4位小数）"));
    assert!(doc.contains(">0.0000<"));
}

#[test]
fn table_three_has_the_official_structure_in_both_formats() {
    let site = built();
    for (year, rows, results_span) in [(2021, 25, 22), (2019, 23, 20)] {
        let html = page(&site, &format!("示例区示例局/{year}/index.html"));
        let t3 = html.select(&sel("table#t3")).next().expect("table 三");
        assert_eq!(t3.select(&sel("thead tr")).count(), 3);
        let body: Vec<_> = t3.select(&sel("tbody tr")).collect();
        assert_eq!(body.len(), rows, "{year}");
        for tr in &body {
            assert_eq!(
                tr.select(&sel("td")).count(),
                7,
                "{year}: 7 data columns in every row"
            );
        }
        let note = text(t3.select(&sel("thead th")).next().unwrap());
        assert_eq!(
            note,
            "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
        );
        let span = |label: &str| {
            t3.select(&sel("tbody th"))
                .find(|th| text(*th) == label)
                .unwrap_or_else(|| panic!("{label}"))
                .value()
                .attr("rowspan")
                .map(|s| s.parse::<usize>().unwrap())
                .filter(|n| *n > 1)
        };
        assert_eq!(span("三、本年度办理结果"), Some(results_span));
        assert_eq!(span("（三）不予公开"), Some(8));
        assert_eq!(span("（四）无法提供"), Some(3));
        assert_eq!(span("（五）不予处理"), Some(5));
        assert_eq!(
            span("（六）其他处理"),
            if year == 2021 { Some(3) } else { None }
        );
        let leaf = t3.select(&sel("thead tr")).nth(2).unwrap();
        let labels: Vec<_> = leaf.select(&sel("th")).map(text).collect();
        assert_eq!(
            labels,
            [
                "商业企业",
                "科研机构",
                "社会公益组织",
                "法律服务机构",
                "其他"
            ]
        );
        // Every data cell is named by its headers.
        for td in t3.select(&sel("td")) {
            let headers = td.value().attr("headers").unwrap();
            for id in headers.split(' ') {
                assert!(
                    t3.select(&sel(&format!("th[id='{id}']"))).next().is_some(),
                    "{id}"
                );
            }
        }
    }
}

#[test]
fn table_four_has_fifteen_columns_under_the_merged_headers() {
    let site = built();
    let html = page(&site, "示例区示例局/2023/index.html");
    let t4 = html.select(&sel("table#t4")).next().unwrap();
    assert_eq!(t4.select(&sel("tbody td")).count(), 15);
    let top: Vec<_> = t4
        .select(&sel("thead tr"))
        .next()
        .unwrap()
        .select(&sel("th"))
        .map(|t| (text(t), t.value().attr("colspan").map(String::from)))
        .collect();
    assert_eq!(
        top,
        [
            ("行政复议".to_string(), Some("5".to_string())),
            ("行政诉讼".to_string(), Some("10".to_string()))
        ]
    );
}

#[test]
fn every_page_is_chinese_with_the_government_meta_tags() {
    let site = built();
    let html = page(&site, "示例区示例局/2022/index.html");
    assert_eq!(
        html.select(&sel("html"))
            .next()
            .unwrap()
            .value()
            .attr("lang"),
        Some("zh-CN")
    );
    for name in [
        "SiteName",
        "SiteDomain",
        "SiteIDCode",
        "ColumnName",
        "ArticleTitle",
        "PubDate",
        "ContentSource",
        "Keywords",
        "Description",
    ] {
        assert!(
            html.select(&sel(&format!("meta[name={name}]")))
                .next()
                .is_some(),
            "{name}"
        );
    }
    let date = html
        .select(&sel("meta[name=PubDate]"))
        .next()
        .unwrap()
        .value()
        .attr("content")
        .unwrap()
        .to_string();
    assert_eq!(date, "2023-01-18");
    assert!(text(html.select(&sel(".report-meta")).next().unwrap()).contains("2023年1月18日"));
    let footer = text(html.select(&sel("footer")).next().unwrap());
    for field in ["主办单位", "网站标识码", "ICP备", "公网安备"] {
        assert!(footer.contains(field), "{field}: {footer}");
    }
    let csp = html
        .select(&sel("meta[http-equiv=Content-Security-Policy]"))
        .next()
        .unwrap();
    assert!(
        csp.value()
            .attr("content")
            .unwrap()
            .contains("script-src 'self'")
    );
    // The six sections, in order.
    let titles: Vec<_> = html
        .select(&sel(".report-section > h2"))
        .map(text)
        .collect();
    assert_eq!(
        titles,
        [
            "一、总体情况",
            "二、主动公开政府信息情况",
            "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况",
            "五、存在的主要问题及改进情况",
            "六、其他需要报告的事项"
        ]
    );
}

#[test]
fn the_index_lists_each_agency_newest_first_with_headline_figures() {
    let site = built();
    let html = page(&site, "index.html");
    let agencies: Vec<_> = html
        .select(&sel("section.agency .agency-title"))
        .map(text)
        .collect();
    assert_eq!(agencies, ["西工区司法局", "示例区示例局"]);
    let demo = html
        .select(&sel("section.agency"))
        .find(|s| text(*s).contains("示例区示例局"))
        .unwrap();
    let years: Vec<_> = demo.select(&sel("tbody th")).map(text).collect();
    assert_eq!(years, ["2023", "2022", "2021", "2020", "2019"]);
    let first: Vec<_> = demo
        .select(&sel("tbody tr"))
        .next()
        .unwrap()
        .select(&sel("td"))
        .map(text)
        .collect();
    // 2023: 新收 56, 办结 53, 行政复议 3, 行政诉讼 1 + 1.
    assert_eq!(
        (
            first[2].as_str(),
            first[3].as_str(),
            first[5].as_str(),
            first[6].as_str()
        ),
        ("56", "53", "3", "2")
    );
    // Groups from site.toml head their agencies.
    let groups: Vec<_> = html.select(&sel(".group-title")).map(text).collect();
    assert_eq!(groups, ["区政府部门", "区政府部门（示例）"]);
    assert!(site.read("public/404.html").contains("页面不存在"));
}

#[test]
fn data_files_sit_beside_each_page() {
    let site = built();
    let csv = std::fs::read(
        site.path()
            .join("public/示例区示例局/2021/applications.csv"),
    )
    .unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    let lines: Vec<_> = text.lines().collect();
    assert_eq!(lines.len(), 26);
    assert!(lines[0].starts_with("项目,分项,细项,自然人,商业企业"));
    assert!(
        lines[1].starts_with("一、本年新收政府信息公开申请数量,,,39,6,1,1,5,3,55"),
        "{}",
        lines[1]
    );
    let json: serde_json::Value =
        serde_json::from_str(&site.read("public/示例区示例局/2021/report.json")).unwrap();
    assert_eq!(json["agency"], "示例区示例局");
    assert_eq!(json["format"], "2021");
    let t2 = &json["tables"][0];
    let fees = t2["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "fees")
        .unwrap();
    assert_eq!(fees["cells"][0]["value"], serde_json::json!(1.235));
    assert_eq!(fees["label"], "行政事业性收费");
    let t3 = &json["tables"][1];
    assert_eq!(t3["rows"][0]["cells"][6]["column"], "总计");
    assert_eq!(t3["rows"][0]["cells"][6]["value"], 55);
}

#[test]
fn a_failed_build_leaves_the_previous_output_byte_identical() {
    let site = built();
    let before = tree(&site.path().join("public"));
    site.edit(
        "content/示例区示例局/2021.md",
        "received:     [39, 6, 1, 1, 5, 3, 55]",
        "received:     [39, 6, 1, 1, 6, 3, 55]",
    );
    let run = site.run(&["build"]);
    assert_eq!(run.code(), 1);
    assert!(run.stderr().contains("T3.3"), "{}", run.stderr());
    assert!(run.stderr().contains("保持不变"), "{}", run.stderr());
    assert_eq!(tree(&site.path().join("public")), before);
    let leftovers: Vec<_> = std::fs::read_dir(site.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("gongkai-"))
        // The manifest, and the load cache of the reports that loaded.
        .filter(|n| n != ".public.gongkai-manifest" && n != ".gongkai-cache")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn two_builds_of_the_same_input_are_identical() {
    let site = built();
    let run = site.run(&[
        "build",
        "--output",
        site.path().join("again").to_str().unwrap(),
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let a = tree(&site.path().join("public"));
    let b = tree(&site.path().join("again"));
    assert!(a.len() > 30);
    assert_eq!(a, b);
}

#[test]
fn build_output_has_no_live_reload_and_no_inline_script() {
    let site = built();
    for (path, bytes) in tree(&site.path().join("public")) {
        if path.ends_with(".html") {
            let html = String::from_utf8(bytes).unwrap();
            assert!(!html.contains("__gongkai"), "{path}");
            let doc = Html::parse_document(&html);
            for s in doc.select(&sel("script")) {
                assert!(s.value().attr("src").is_some(), "{path}: inline script");
            }
            assert!(
                !html.contains("style=\""),
                "{path}: inline style breaks the CSP"
            );
        }
    }
}

#[test]
fn a_new_portal_from_init_builds_and_git_ignores_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("portal");
    let gongkai = || assert_cmd::Command::cargo_bin("gongkai").unwrap();
    let ok = |out: std::process::Output| {
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{text}");
        text
    };
    ok(gongkai().arg("init").arg(&root).output().unwrap());
    ok(gongkai()
        .arg("--root")
        .arg(&root)
        .args(["new", "某某区某某局", "2023"])
        .output()
        .unwrap());
    let built = ok(gongkai()
        .arg("--root")
        .arg(&root)
        .arg("build")
        .output()
        .unwrap());
    assert!(built.contains("已生成 1 份报告"), "{built}");
    assert!(root.join("public/index.html").is_file());
    assert!(root.join(".public.gongkai-manifest").is_file());
    // Only the sources are for version control.
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .current_dir(&root)
            .args(args)
            .output()
            .expect("git");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    git(&["init", "-q", "."]);
    let status = git(&[
        "-c",
        "core.quotepath=false",
        "status",
        "--porcelain",
        "--untracked-files=all",
    ]);
    let mut listed: Vec<&str> = status.lines().collect();
    listed.sort();
    assert_eq!(
        listed,
        [
            "?? .gitignore",
            "?? content/某某区某某局/2023.md",
            "?? site.toml"
        ],
        "{status}"
    );
    // A second init changes nothing; an existing .gitignore is the owner's.
    assert!(
        !gongkai()
            .arg("init")
            .arg(&root)
            .output()
            .unwrap()
            .status
            .success()
    );
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join(".gitignore"), "# mine\n").unwrap();
    ok(gongkai().arg("init").arg(&other).output().unwrap());
    assert_eq!(
        std::fs::read_to_string(other.join(".gitignore")).unwrap(),
        "# mine\n"
    );
}
