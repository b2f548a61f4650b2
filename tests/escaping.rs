//! Escaping and safety: XSS payloads in every field an author or an operator
//! writes (site.toml, front matter, cell notes, the Markdown body, an
//! agency's _index.md) reach the pages, feeds, data and SVG charts only as
//! text: no script runs, no attribute or element is injected, no
//! `javascript:` link survives.

mod common;

use common::Site;
use scraper::{Html, Selector};
use std::path::Path;

const PAYLOADS: [&str; 8] = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(2)>",
    "' onmouseover='alert(3)' x='",
    "</title><script>alert(4)</script>",
    "</script><script>alert(5)</script>",
    "]]></title><script>alert(6)</script>",
    "<svg onload=alert(7)>",
    "<a href=\"javascript:alert(8)\">x</a>",
];

/// YAML double-quoted string.
fn yaml(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// TOML basic string.
fn toml(s: &str) -> String {
    yaml(s)
}

fn with_payload(p: &str) -> Site {
    let site = Site::fixture("ok-2021");
    site.write(
        "site.toml",
        &format!(
            "title = {}\n\n[owner]\nname = {}\ncontact = {}\nicp = {}\n",
            toml(&format!("门户{p}")),
            toml(p),
            toml(p),
            toml(p)
        ),
    );
    let rel = "content/测试局/2021.md";
    site.edit(
        rel,
        "published: 2022-01-26\n",
        &format!(
            "published: 2022-01-26\ntitle: {}\n",
            yaml(&format!("报告{p}"))
        ),
    );
    site.edit(
        rel,
        "  punishment: 53 ",
        &format!("  punishment: {{ value: 53, note: {} }} ", yaml(p)),
    );
    let text = site.read(rel);
    let escaped_md = p.replace('[', "\\[");
    site.write(
        rel,
        &format!(
            "{text}\n## 附：{escaped_md}\n\n{p}\n\n[链接](javascript:alert(9)) [链接二](JaVaScRiPt:alert(10)) \
             [链接三](java\tscript:alert(11)) ![图](javascript:alert(12))\n\n<p onclick=\"alert(13)\">段落</p>\n"
        ),
    );
    site.write(
        "content/测试局/_index.md",
        &format!("---\nlevel: 县级\n---\n\n简介：{p}\n"),
    );
    site
}

/// Every attribute of every element of an HTML page, and the inline scripts.
fn check_html(rel: &str, html: &str) {
    let doc = Html::parse_document(html);
    let all = Selector::parse("*").unwrap();
    for el in doc.select(&all) {
        let name = el.value().name();
        if name == "script" {
            let src = el.value().attr("src").unwrap_or("");
            assert!(
                !src.is_empty() && !src.contains(':') && !src.contains("alert"),
                "{rel}: a script that is not the theme's: {}",
                el.html()
            );
            assert!(
                el.text().all(|t| t.trim().is_empty()),
                "{rel}: inline script: {}",
                el.html()
            );
        }
        assert!(
            !(name == "img" && el.value().attr("src") == Some("x")),
            "{rel}: injected element {}",
            el.html()
        );
        for (attr, value) in el.value().attrs() {
            assert!(
                !attr.starts_with("on"),
                "{rel}: event handler attribute on <{name}>: {}",
                el.html()
            );
            let v: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            assert!(
                !v.starts_with("javascript:") && !v.starts_with("vbscript:"),
                "{rel}: {attr}=\"{value}\" on <{name}>"
            );
        }
    }
}

fn check_output(out: &Path, payload: &str) -> usize {
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(out)
            .unwrap()
            .display()
            .to_string();
        let bytes = std::fs::read(entry.path()).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        match entry.path().extension().and_then(|e| e.to_str()) {
            Some("html") => {
                check_html(&rel, &text);
                pages += 1;
            }
            Some("xml") => {
                let doc = roxmltree::Document::parse(&text)
                    .unwrap_or_else(|e| panic!("{rel}: not well-formed XML: {e}"));
                assert!(
                    !doc.descendants().any(|n| n.has_tag_name("script")),
                    "{rel}: {payload}"
                );
            }
            Some("json") => {
                serde_json::from_str::<serde_json::Value>(&text)
                    .unwrap_or_else(|e| panic!("{rel}: not valid JSON: {e}"));
            }
            Some("svg") => {
                let doc = roxmltree::Document::parse(&text)
                    .unwrap_or_else(|e| panic!("{rel}: not well-formed SVG: {e}"));
                assert!(
                    !doc.descendants().any(|n| n.has_tag_name("script")
                        || n.attributes().any(|a| a.name().starts_with("on"))),
                    "{rel}: {payload}"
                );
            }
            _ => {}
        }
    }
    pages
}

#[test]
fn payloads_in_every_field_are_shown_as_text_and_never_run() {
    for payload in PAYLOADS {
        let site = with_payload(payload);
        let run = site.run(&["build", "--quiet"]);
        assert_eq!(run.code(), 0, "{payload}\n{}", run.stderr());
        let out = site.path().join("public");
        let pages = check_output(&out, payload);
        assert!(pages >= 5, "{payload}: {pages} pages");

        // The payload did reach the pages, as text.
        let page = site.read("public/测试局/2021/index.html");
        let doc = Html::parse_document(&page);
        let text: String = doc.root_element().text().collect();
        for (field, shown) in [
            ("title", format!("报告{payload}")),
            ("note", payload.to_string()),
            ("site title", format!("门户{payload}")),
        ] {
            assert!(
                text.contains(&shown) || page.contains(&shown),
                "{payload}: the {field} is not on the page as text"
            );
        }
        let title = doc
            .select(&Selector::parse("title").unwrap())
            .next()
            .unwrap()
            .text()
            .collect::<String>();
        assert!(title.contains(&format!("报告{payload}")), "{title}");
        let agency: String = Html::parse_document(&site.read("public/测试局/index.html"))
            .root_element()
            .text()
            .collect();
        assert!(
            agency.contains(&format!("简介：{payload}")),
            "{payload}: intro"
        );
    }
}

#[test]
fn an_agency_name_with_markup_is_refused_before_it_becomes_a_folder() {
    let site = Site::fixture("ok-2021");
    site.edit(
        "content/测试局/2021.md",
        "agency: 测试局",
        "agency: \"测试<script>局\"",
    );
    assert_eq!(site.run(&["check"]).code(), 1);
    let findings = site.findings();
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "FM5" && f["message"].as_str().unwrap().contains('<')),
        "{findings:?}"
    );
}

#[test]
fn raw_html_is_kept_only_when_site_toml_allows_it() {
    let site = Site::fixture("ok-2021");
    let rel = "content/测试局/2021.md";
    let text = site.read(rel);
    site.write(rel, &format!("{text}\n<span class=\"hl\">标记</span>\n"));
    assert_eq!(site.run(&["build", "--quiet"]).code(), 0);
    let page = site.read("public/测试局/2021/index.html");
    assert!(page.contains("&lt;span class=") && !page.contains("<span class=\"hl\">"));

    let toml = site.read("site.toml");
    site.write("site.toml", &format!("allow_raw_html = true\n{toml}"));
    assert_eq!(site.run(&["build", "--quiet"]).code(), 0);
    let page = site.read("public/测试局/2021/index.html");
    assert!(
        page.contains("<span class=hl>标记</span>")
            || page.contains("<span class=\"hl\">标记</span>")
    );
}
