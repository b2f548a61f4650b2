//! Discovery: an Atom feed of the reports, `sitemap.xml` and `robots.txt`.
//! Addresses are absolute from `base_url` (a sub-path such as
//! `https://example.gov.cn/xxgk/` works); without `base_url` the feed uses
//! relative links and no sitemap is written (a sitemap needs absolute URLs).

use super::OutputFile;
use super::charts::xml;
use super::pages::year_dir;
use crate::config::Settings;
use crate::report::{Date, Report};
use crate::site::{Site, report_dir};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

/// The newest reports the feed carries.
pub const FEED_ENTRIES: usize = 100;

/// What to escape in a URL path (every non-ASCII byte is escaped too).
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\'');

/// An absolute, fully escaped URL of a page at `dir`.
pub fn absolute(base_url: &str, dir: &str) -> String {
    format!("{base_url}{}", utf8_percent_encode(dir, PATH))
}

pub fn files(settings: &Settings, site: &Site) -> Vec<OutputFile> {
    let base = settings.site.base_url.as_str();
    let mut out = vec![OutputFile {
        path: "feed.xml".into(),
        bytes: atom(settings, site).into_bytes(),
    }];
    let mut robots = String::from("User-agent: *\nAllow: /\n");
    if !base.is_empty() {
        out.extend(sitemaps(base, &sitemap_entries(base, site), SITEMAP_URLS));
        robots.push_str(&format!("Sitemap: {}\n", absolute(base, "sitemap.xml")));
    }
    out.push(OutputFile {
        path: "robots.txt".into(),
        bytes: robots.into_bytes(),
    });
    out
}

/// When a report counts as published: its date, or the end of its legal deadline month.
fn when(r: &Report) -> Date {
    r.meta.published.unwrap_or(Date {
        year: r.meta.year as i32 + 1,
        month: 1,
        day: 31,
    })
}

fn timestamp(d: Date) -> String {
    format!("{d}T00:00:00+08:00")
}

fn atom(settings: &Settings, site: &Site) -> String {
    let base = settings.site.base_url.as_str();
    let link = |dir: &str| {
        if base.is_empty() {
            utf8_percent_encode(dir, PATH).to_string()
        } else {
            absolute(base, dir)
        }
    };
    let mut reports: Vec<&Report> = site.reports.iter().map(|r| &**r).collect();
    reports.sort_by(|a, b| (when(b), &a.source.rel).cmp(&(when(a), &b.source.rel)));
    reports.truncate(FEED_ENTRIES);
    let updated = reports.first().map(|r| when(r)).unwrap_or(Date {
        year: 1970,
        month: 1,
        day: 1,
    });
    let feed_id = if base.is_empty() {
        "urn:gongkai:feed".to_string()
    } else {
        absolute(base, "feed.xml")
    };
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n",
    );
    x.push_str(&format!(
        "  <title>{}</title>\n  <id>{}</id>\n  <updated>{}</updated>\n",
        xml(&settings.site.title),
        xml(&feed_id),
        timestamp(updated)
    ));
    x.push_str(&format!("  <link rel=\"self\" href=\"{}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n", xml(&link("feed.xml")), xml(&link(""))));
    let author = if settings.site.owner.name.is_empty() {
        settings.site.title.as_str()
    } else {
        settings.site.owner.name.as_str()
    };
    x.push_str(&format!(
        "  <author><name>{}</name></author>\n  <generator>gongkai</generator>\n",
        xml(author)
    ));
    for r in reports {
        let dir = report_dir(r);
        let id = if base.is_empty() {
            format!(
                "urn:gongkai:{}:{}",
                utf8_percent_encode(&r.meta.agency, PATH),
                r.meta.year
            )
        } else {
            absolute(base, &dir)
        };
        let f = r.figures();
        let summary = format!(
            "{}{}年度政府信息公开工作年度报告：本年新收政府信息公开申请{}件，行政复议{}件，行政诉讼{}件。",
            r.meta.agency,
            r.meta.year,
            super::views::shown(f.received),
            super::views::shown(f.reviews),
            super::views::shown(f.litigation)
        );
        x.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n    <published>{}</published>\n    <updated>{}</updated>\n    <author><name>{}</name></author>\n    <summary>{}</summary>\n  </entry>\n",
            xml(&r.meta.title),
            xml(&id),
            xml(&link(&dir)),
            timestamp(when(r)),
            timestamp(when(r)),
            xml(&r.meta.agency),
            xml(&summary)
        ));
    }
    x.push_str("</feed>\n");
    x
}

/// The sitemap protocol's limit of URLs in one file.
const SITEMAP_URLS: usize = 50_000;

/// One `<url>` element per page: the index, the years, the agencies, the reports.
fn sitemap_entries(base: &str, site: &Site) -> Vec<String> {
    let mut out = Vec::new();
    let mut add = |dir: &str, lastmod: Option<Date>| {
        let mut x = format!("  <url><loc>{}</loc>", xml(&absolute(base, dir)));
        if let Some(d) = lastmod {
            x.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        x.push_str("</url>\n");
        out.push(x);
    };
    add("", None);
    for y in site.years.keys() {
        add(&year_dir(*y), None);
    }
    for a in site.agencies.values() {
        if let Some(dir) = &a.dir {
            add(dir, None);
        }
    }
    for r in &site.reports {
        add(&report_dir(r), r.meta.published);
    }
    out
}

/// `sitemap.xml`; above `limit` URLs, `sitemap-1.xml`, `sitemap-2.xml`…
/// of `limit` URLs each and `sitemap.xml` as their index.
fn sitemaps(base: &str, entries: &[String], limit: usize) -> Vec<OutputFile> {
    let urlset = |entries: &[String]| {
        let mut x = String::from(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for e in entries {
            x.push_str(e);
        }
        x.push_str("</urlset>\n");
        x.into_bytes()
    };
    if entries.len() <= limit {
        return vec![OutputFile {
            path: "sitemap.xml".into(),
            bytes: urlset(entries),
        }];
    }
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut out = Vec::new();
    for (i, chunk) in entries.chunks(limit).enumerate() {
        let path = format!("sitemap-{}.xml", i + 1);
        index.push_str(&format!(
            "  <sitemap><loc>{}</loc></sitemap>\n",
            xml(&absolute(base, &path))
        ));
        out.push(OutputFile {
            path,
            bytes: urlset(chunk),
        });
    }
    index.push_str("</sitemapindex>\n");
    out.push(OutputFile {
        path: "sitemap.xml".into(),
        bytes: index.into_bytes(),
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_absolute_and_escaped_under_a_sub_path() {
        assert_eq!(
            absolute("https://a.gov.cn/xxgk/", "西工区司法局/2021/"),
            "https://a.gov.cn/xxgk/%E8%A5%BF%E5%B7%A5%E5%8C%BA%E5%8F%B8%E6%B3%95%E5%B1%80/2021/"
        );
        assert_eq!(
            absolute("https://a.gov.cn/", "a b/"),
            "https://a.gov.cn/a%20b/"
        );
    }

    #[test]
    fn a_sitemap_above_the_protocol_limit_becomes_an_index_of_sitemaps() {
        let entries: Vec<String> = (0..7)
            .map(|i| format!("  <url><loc>https://a.gov.cn/{i}/</loc></url>\n"))
            .collect();
        let one = sitemaps("https://a.gov.cn/", &entries, 7);
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].path, "sitemap.xml");
        let text = String::from_utf8(one[0].bytes.clone()).unwrap();
        assert_eq!(text.matches("<url>").count(), 7);

        let split = sitemaps("https://a.gov.cn/", &entries, 3);
        let paths: Vec<&str> = split.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml",
                "sitemap.xml"
            ]
        );
        let counts: Vec<usize> = split[..3]
            .iter()
            .map(|f| String::from_utf8_lossy(&f.bytes).matches("<url>").count())
            .collect();
        assert_eq!(counts, [3, 3, 1]);
        let index = String::from_utf8(split[3].bytes.clone()).unwrap();
        assert!(index.contains("<sitemapindex"), "{index}");
        assert!(
            index.contains("<loc>https://a.gov.cn/sitemap-3.xml</loc>"),
            "{index}"
        );
        assert!(!index.contains("<url>"));
    }
}
