//! The portal around the reports: agency and year pages, charts whose
//! numbers are the tables', open data that round-trips to the front matter,
//! feed and sitemap, and full-text search.

mod common;
use common::Site;
use scraper::{ElementRef, Html, Selector};
use serde_json::Value;
use std::collections::BTreeMap;

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

fn json(site: &Site, rel: &str) -> Value {
    serde_json::from_str(&site.read(&format!("public/{rel}"))).unwrap()
}

/// Every cell of a report.json, as (table id, row key, column key) → value text.
fn cells(report: &Value) -> BTreeMap<(String, String, String), String> {
    let mut out = BTreeMap::new();
    for t in report["tables"].as_array().unwrap() {
        for r in t["rows"].as_array().unwrap() {
            for c in r["cells"].as_array().unwrap() {
                let v = match c["state"].as_str().unwrap() {
                    "number" => c["value"].to_string(),
                    "not_applicable" => "/".into(),
                    _ => String::new(),
                };
                out.insert(
                    (
                        t["id"].as_str().unwrap().into(),
                        r["key"].as_str().unwrap().into(),
                        c["column_key"].as_str().unwrap().into(),
                    ),
                    v,
                );
            }
        }
    }
    out
}

#[test]
fn the_agency_page_shows_five_years_newest_first_with_charts() {
    let site = built();
    let html = page(&site, "示例区示例局/index.html");
    assert_eq!(
        text(html.select(&sel("h1")).next().unwrap()),
        "示例区示例局"
    );
    let years: Vec<_> = html.select(&sel("table.yoy tbody th")).map(text).collect();
    assert_eq!(years, ["2023", "2022", "2021", "2020", "2019"]);
    let row2021: Vec<_> = html
        .select(&sel("table.yoy tbody tr"))
        .nth(2)
        .unwrap()
        .select(&sel("td"))
        .map(text)
        .collect();
    // 新收 55, 上年结转 2, 办结 53, 予以公开 22, 结转 4.
    assert_eq!(&row2021[1..6], ["55", "2", "53", "22", "4"]);
    assert_eq!(html.select(&sel("figure.chart svg[role=img]")).count(), 3);
    // The index and every report link to the agency page.
    let links = |rel: &str| {
        page(&site, rel)
            .select(&sel("a[href]"))
            .map(|a| a.value().attr("href").unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert!(links("index.html").contains(&"./示例区示例局/".to_string()));
    assert!(links("示例区示例局/2021/index.html").contains(&"../../示例区示例局/".to_string()));
}

#[test]
fn chart_bars_carry_the_tables_numbers() {
    let site = built();
    let html = page(&site, "示例区示例局/index.html");
    let svg = html
        .select(&sel("figure#agency-applications svg"))
        .next()
        .unwrap();
    let mut by_year: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
    for rect in svg.select(&sel("rect[data-value]")) {
        let v = rect.value();
        by_year
            .entry(v.attr("data-category").unwrap().into())
            .or_default()
            .insert(
                v.attr("data-series").unwrap().into(),
                v.attr("data-value").unwrap().parse().unwrap(),
            );
    }
    for year in 2019..=2023 {
        let report = json(&site, &format!("示例区示例局/{year}/report.json"));
        let bars = &by_year[&format!("{year}年")];
        let outcomes = report["figures"]["outcomes"].as_array().unwrap();
        for (i, name) in [
            "予以公开",
            "部分公开",
            "不予公开",
            "无法提供",
            "不予处理",
            "其他处理",
        ]
        .iter()
        .enumerate()
        {
            assert_eq!(bars[*name], outcomes[i].as_f64().unwrap(), "{year} {name}");
        }
        let total: f64 = bars.values().sum();
        assert_eq!(
            total,
            report["figures"]["done"].as_f64().unwrap(),
            "{year}: the stack is 办结"
        );
    }
    let cases = html.select(&sel("figure#agency-cases svg")).next().unwrap();
    let upheld2022: f64 = cases
        .select(&sel(
            "rect[data-category='2022年'][data-series='行政复议 · 结果维持']",
        ))
        .map(|r| {
            r.value()
                .attr("data-value")
                .unwrap()
                .parse::<f64>()
                .unwrap()
        })
        .sum();
    let r2022 = json(&site, "示例区示例局/2022/report.json");
    assert_eq!(
        upheld2022,
        r2022["figures"]["review_outcomes"][0].as_f64().unwrap()
    );
}

#[test]
fn the_year_page_sums_the_years_reports_and_lists_every_agency() {
    let site = built();
    let html = page(&site, "years/2021/index.html");
    let agencies: Vec<_> = html.select(&sel("table.yoy tbody th")).map(text).collect();
    assert_eq!(agencies, ["西工区司法局", "示例区示例局"]);
    // 表三 一、本年新收 总计: 0 (西工区司法局) + 55 (示例区示例局).
    let t3 = html.select(&sel("table#t3")).next().unwrap();
    assert!(text(t3.select(&sel("caption")).next().unwrap()).contains("2 份报告之和"));
    let first_row: Vec<_> = t3
        .select(&sel("tbody tr"))
        .next()
        .unwrap()
        .select(&sel("td"))
        .map(text)
        .collect();
    assert_eq!(first_row, ["39", "6", "1", "1", "5", "3", "55"]);
    // 行政处罚: 31 + 53.
    let t2 = html.select(&sel("table#t2")).next().unwrap();
    let penalties = t2
        .select(&sel("tr"))
        .find(|tr| tr.select(&sel("th")).any(|th| text(th) == "行政处罚"))
        .unwrap();
    assert_eq!(text(penalties.select(&sel("td")).next().unwrap()), "84");
    assert!(
        html.select(&sel("p.note"))
            .any(|p| text(p).contains("不是官方汇总报告"))
    );
}

#[test]
fn open_data_round_trips_to_the_front_matter() {
    let site = built();
    let all = json(&site, "data/reports.json");
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 6);
    let mut csv_rows = 0;
    for r in all {
        let url = r["url"].as_str().unwrap();
        let own = json(&site, &format!("{url}report.json"));
        assert_eq!(cells(r), cells(&own), "{url}");
        csv_rows += cells(r).len();
    }
    // data/cells.csv: one row per cell of every report, with a BOM for Excel.
    let csv = std::fs::read(site.path().join("public/data/cells.csv")).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"));
    let mut reader = csv::Reader::from_reader(&csv[3..]);
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "机关");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), csv_rows);
    let penalty = rows
        .iter()
        .find(|r| &r[0] == "西工区司法局" && &r[4] == "punishment")
        .unwrap();
    assert_eq!((&penalty[6], &penalty[9]), ("行政处罚", "31"));
    // The fee keeps its four written decimals.
    let fee = rows
        .iter()
        .find(|r| &r[0] == "示例区示例局" && &r[1] == "2021" && &r[4] == "fees")
        .unwrap();
    assert_eq!(&fee[9], "1.2350");
    let schema: Value = serde_json::from_str(&site.read("public/data/report.schema.json")).unwrap();
    for key in schema["required"].as_array().unwrap() {
        assert!(
            all[0].get(key.as_str().unwrap()).is_some(),
            "{key} in report.json"
        );
    }
}

#[test]
fn the_excel_file_has_the_official_layout_and_the_cells() {
    use calamine::{Data, Reader, Xlsx};
    let site = built();
    let path = site.path().join("public/示例区示例局/2021/report.xlsx");
    let mut book: Xlsx<_> = calamine::open_workbook(&path).unwrap();
    assert_eq!(book.sheet_names(), ["表二", "表三", "表四"]);
    let t3 = book.worksheet_range("表三").unwrap();
    let find = |label: &str| {
        t3.rows()
            .position(|row| {
                row.iter()
                    .any(|c| matches!(c, Data::String(s) if s == label))
            })
            .unwrap_or_else(|| panic!("{label}"))
    };
    let received = find("一、本年新收政府信息公开申请数量");
    let nums: Vec<f64> = t3
        .rows()
        .nth(received)
        .unwrap()
        .iter()
        .filter_map(|c| match c {
            Data::Float(f) => Some(*f),
            Data::Int(i) => Some(*i as f64),
            _ => None,
        })
        .collect();
    assert_eq!(nums, [39.0, 6.0, 1.0, 1.0, 5.0, 3.0, 55.0]);
    assert!(t3.rows().any(|row| {
        row.iter()
            .any(|c| matches!(c, Data::String(s) if s.starts_with("（本列数据的勾稽关系为")))
    }));
    let merged = book.merge_cells_by_sheet_name("表三").unwrap();
    assert!(
        merged.iter().any(|m| m.end.0 - m.start.0 + 1 == 22),
        "三、本年度办理结果 spans 22 rows"
    );
    // Two builds give the same bytes.
    let again = site.path().join("again");
    assert_eq!(
        site.run(&["build", "--output", again.to_str().unwrap()])
            .code(),
        0
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        std::fs::read(again.join("示例区示例局/2021/report.xlsx")).unwrap()
    );
}

#[test]
fn feed_sitemap_and_robots_are_valid_and_absolute_under_the_sub_path() {
    let site = built();
    let feed = site.read("public/feed.xml");
    let doc = roxmltree::Document::parse(&feed).expect("well-formed Atom");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "feed");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2005/Atom")
    );
    for required in ["title", "id", "updated"] {
        assert!(
            root.children().any(|c| c.tag_name().name() == required),
            "{required}"
        );
    }
    let entries: Vec<_> = root
        .children()
        .filter(|c| c.tag_name().name() == "entry")
        .collect();
    assert_eq!(entries.len(), 6);
    let first_title = entries[0]
        .children()
        .find(|c| c.tag_name().name() == "title")
        .unwrap()
        .text()
        .unwrap();
    assert!(
        first_title.contains("示例区示例局2023"),
        "newest first: {first_title}"
    );
    for e in &entries {
        for required in ["title", "id", "updated", "link"] {
            assert!(
                e.children().any(|c| c.tag_name().name() == required),
                "{required}"
            );
        }
    }
    let sitemap = site.read("public/sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).expect("well-formed sitemap");
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "loc")
        .filter_map(|n| n.text())
        .collect();
    assert!(
        locs.iter()
            .all(|l| l.starts_with("https://gongkai.example.gov.cn/xxgk/") && l.is_ascii()),
        "{locs:?}"
    );
    assert!(locs.contains(&"https://gongkai.example.gov.cn/xxgk/years/2021/"));
    // 6 reports, 2 agencies, 5 years and the index.
    assert_eq!(locs.len(), 6 + 2 + 5 + 1);
    assert!(
        site.read("public/robots.txt")
            .contains("Sitemap: https://gongkai.example.gov.cn/xxgk/sitemap.xml")
    );
    let canonical = page(&site, "示例区示例局/2021/index.html");
    let href = canonical
        .select(&sel("link[rel=canonical]"))
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    assert_eq!(
        href,
        "https://gongkai.example.gov.cn/xxgk/示例区示例局/2021/"
    );
}

#[test]
fn search_finds_a_report_by_a_chinese_phrase_from_its_narrative() {
    let site = built();
    let dir = site.path().join("public/search");
    let found = gongkai::render::search::query(&dir, "西工掌上12348").unwrap();
    assert_eq!(found, ["西工区司法局/2021/"]);
    let found = gongkai::render::search::query(&dir, "信息处理费").unwrap();
    assert!(
        found.len() >= 3 && found.iter().all(|u| u.starts_with("示例区示例局/")),
        "{found:?}"
    );
    assert!(
        gongkai::render::search::query(&dir, "量子计算机")
            .unwrap()
            .is_empty()
    );
    assert!(
        site.read("public/search/index.html")
            .contains("static/search.js")
    );
}
