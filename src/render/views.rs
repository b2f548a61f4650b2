//! Typed view models: the complete, documented contract between gongkai and
//! a theme's templates. Every variable a template can use is a field here.

use super::tables::{FormTable, NumberStyle, form_table};
use crate::config::{Owner, Settings};
use crate::report::narrative::Part;
use crate::report::num::Num;
use crate::report::schema::{Format, SECTIONS, TableId};
use crate::report::{Headline, Report};
use crate::site::report_dir;
use serde::Serialize;

/// Site-wide values, available to every template as `site`.
#[derive(Clone, Debug, Serialize)]
pub struct SiteView {
    /// 网站名称
    pub title: String,
    /// `zh-CN`
    pub language: String,
    /// Public address, with a trailing `/`; may be empty.
    pub base_url: String,
    /// Path part of `base_url` (`/xxgk/`), for pages served at any depth (404).
    pub base_path: String,
    /// Host of `base_url`, for the SiteDomain meta tag.
    pub domain: String,
    /// 主办单位, 联系方式, 网站标识码, ICP备案号, 公安机关备案号.
    pub owner: Owner,
    /// `gongkai 0.1.0`
    pub generator: String,
}

impl SiteView {
    pub fn new(settings: &Settings) -> SiteView {
        let site = &settings.site;
        let domain = site
            .base_url
            .split_once("://")
            .map(|(_, rest)| rest.split('/').next().unwrap_or("").to_string())
            .unwrap_or_default();
        SiteView {
            title: site.title.clone(),
            language: site.language.clone(),
            base_url: site.base_url.clone(),
            base_path: site.base_path(),
            domain,
            owner: site.owner.clone(),
            generator: format!("gongkai {}", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// The meta tags government sites carry, as `page`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PageMeta {
    /// `<title>` and ArticleTitle.
    pub title: String,
    /// ColumnName: the 栏目.
    pub column: String,
    /// PubDate, `YYYY-MM-DD`; empty on listing pages.
    pub pub_date: String,
    /// ContentSource: the agency.
    pub source: String,
    pub keywords: String,
    pub description: String,
    /// Absolute address of the page when `base_url` is set.
    pub canonical: String,
    /// Prefix from this page to the site root: `./`, `../../`.
    pub root: String,
}

pub const COLUMN_NAME: &str = "政府信息公开工作年度报告";

/// A report in a listing.
#[derive(Clone, Debug, Serialize)]
pub struct ReportLink {
    pub agency: String,
    pub year: i64,
    pub title: String,
    /// Address relative to the page that lists it.
    pub url: String,
    pub published: String,
    pub headline: HeadlineView,
}

/// The key figures, as text (`—` when the report has no such table).
#[derive(Clone, Debug, Serialize)]
pub struct HeadlineView {
    /// 本年新收政府信息公开申请
    pub received: String,
    /// 行政处罚
    pub punishment: String,
    /// 行政复议
    pub reviews: String,
    /// 行政诉讼
    pub litigation: String,
}

impl From<&Headline> for HeadlineView {
    fn from(h: &Headline) -> HeadlineView {
        let t = |n: Option<Num>| n.map_or_else(|| "—".to_string(), |n| n.to_string());
        HeadlineView {
            received: t(h.received),
            punishment: t(h.punishment),
            reviews: t(h.reviews),
            litigation: t(h.litigation),
        }
    }
}

pub fn report_link(report: &Report, root: &str) -> ReportLink {
    ReportLink {
        agency: report.meta.agency.clone(),
        year: report.meta.year,
        title: report.meta.title.clone(),
        url: format!("{root}{}", url_path(&report_dir(report))),
        published: report
            .meta
            .published
            .map(|d| d.to_string())
            .unwrap_or_default(),
        headline: HeadlineView::from(&report.headline()),
    }
}

/// Percent-encodes what a URL path cannot hold; CJK stays readable.
pub fn url_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            ' ' | '"' | '#' | '%' | '<' | '>' | '?' | '\\' | '^' | '`' | '{' | '|' | '}' | '\'' => {
                out.push_str(&format!("%{:02X}", c as u32));
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// An agency with its reports, newest first.
#[derive(Clone, Debug, Serialize)]
pub struct AgencyView {
    pub name: String,
    /// Group from `site.toml` (`区政府部门`), empty when none.
    pub group: String,
    pub reports: Vec<ReportLink>,
}

/// `index.html`
#[derive(Debug, Serialize)]
pub struct IndexPage {
    pub site: SiteView,
    pub page: PageMeta,
    pub agencies: Vec<AgencyView>,
    pub report_count: usize,
}

/// `404.html`
#[derive(Debug, Serialize)]
pub struct NotFoundPage {
    pub site: SiteView,
    pub page: PageMeta,
}

/// A report page.
#[derive(Debug, Serialize)]
pub struct ReportPage {
    pub site: SiteView,
    pub page: PageMeta,
    pub report: ReportView,
    /// Text before the first section heading.
    pub preamble: Vec<PartView>,
    /// The six sections, in the official order.
    pub sections: Vec<SectionView>,
    /// `report.json` and the CSV files, relative to the page.
    pub data_files: Vec<DataLink>,
}

#[derive(Debug, Serialize)]
pub struct ReportView {
    pub title: String,
    pub agency: String,
    pub year: i64,
    /// `YYYY-MM-DD`, empty when unknown.
    pub published: String,
    /// `2022年1月20日`, empty when unknown.
    pub published_chinese: String,
    /// `2021年版格式（国办公开办函〔2021〕30号）`, empty before 2019.
    pub format: String,
    /// The source file, e.g. `content/西工区司法局/2021.md`.
    pub source: String,
}

#[derive(Debug, Serialize)]
pub struct SectionView {
    /// 1–6
    pub number: usize,
    /// `section-1` …
    pub id: String,
    /// The official title, e.g. `一、总体情况`.
    pub title: String,
    /// The report's narrative for the section (HTML), empty when none.
    pub html: String,
    /// Other headed parts that follow the section in the body.
    pub extras: Vec<PartView>,
    /// Sections 二, 三, 四: the official table.
    pub table: Option<FormTable>,
    /// True when the report has neither text nor a table for the section.
    pub missing: bool,
}

#[derive(Debug, Serialize)]
pub struct PartView {
    pub heading: String,
    pub id: String,
    pub html: String,
}

#[derive(Debug, Serialize)]
pub struct DataLink {
    pub label: String,
    pub url: String,
}

pub fn report_page(settings: &Settings, site: SiteView, report: &Report) -> ReportPage {
    let dir = report_dir(report);
    let depth = dir.matches('/').count();
    let root = "../".repeat(depth);
    let style = NumberStyle {
        fee_decimals: settings.site.overlay.fee_decimals(),
        fee_label: Some(settings.site.overlay.fee_label()),
    };
    let meta = &report.meta;
    let format = meta.format.unwrap_or(Format::V2021);
    let mut preamble = Vec::new();
    let mut extras: Vec<Vec<PartView>> = (0..=6).map(|_| Vec::new()).collect();
    let mut current = 0;
    for (i, part) in report.narrative.parts.iter().enumerate() {
        match part.section {
            Some(n) => current = n,
            None => {
                let view = part_view(part, i);
                if current == 0 {
                    preamble.push(view)
                } else {
                    extras[current].push(view)
                }
            }
        }
    }
    let sections = (1..=6)
        .map(|n| {
            let html = report
                .narrative
                .section(n)
                .map(|p| p.html.clone())
                .unwrap_or_default();
            let table = match n {
                2 => report.table(TableId::Active),
                3 => report.table(TableId::Applications),
                4 => report.table(TableId::Reviews),
                _ => None,
            }
            .map(|t| form_table(t, format, style));
            SectionView {
                number: n,
                id: format!("section-{n}"),
                title: SECTIONS[n - 1].to_string(),
                missing: html.trim().is_empty() && table.is_none() && extras[n].is_empty(),
                html,
                extras: std::mem::take(&mut extras[n]),
                table,
            }
        })
        .collect();
    let data_files = std::iter::once(DataLink {
        label: "全部数据（JSON）".into(),
        url: super::data::JSON_NAME.into(),
    })
    .chain(report.tables.iter().flatten().map(|t| DataLink {
        label: format!("{}（CSV）", t.spec.title),
        url: super::data::csv_name(t.spec.id).into(),
    }))
    .collect();
    let headline = report.headline();
    let description = format!(
        "{}。本年新收政府信息公开申请{}件，行政处罚{}件，行政复议{}件，行政诉讼{}件。",
        meta.title,
        HeadlineView::from(&headline).received,
        HeadlineView::from(&headline).punishment,
        HeadlineView::from(&headline).reviews,
        HeadlineView::from(&headline).litigation,
    );
    ReportPage {
        page: PageMeta {
            title: meta.title.clone(),
            column: COLUMN_NAME.into(),
            pub_date: meta.published.map(|d| d.to_string()).unwrap_or_default(),
            source: meta.agency.clone(),
            keywords: format!("{},{}年,政府信息公开,年度报告", meta.agency, meta.year),
            description,
            canonical: canonical(&site, &dir),
            root,
        },
        site,
        report: ReportView {
            title: meta.title.clone(),
            agency: meta.agency.clone(),
            year: meta.year,
            published: meta.published.map(|d| d.to_string()).unwrap_or_default(),
            published_chinese: meta.published.map(|d| d.chinese()).unwrap_or_default(),
            format: meta
                .format
                .map(|f| format!("{}年版格式（{}）", f.key(), f.document()))
                .unwrap_or_default(),
            source: report.source.rel.clone(),
        },
        preamble,
        sections,
        data_files,
    }
}

fn part_view(part: &Part, index: usize) -> PartView {
    PartView {
        heading: part.heading.clone(),
        id: format!("part-{index}"),
        html: part.html.clone(),
    }
}

pub fn canonical(site: &SiteView, dir: &str) -> String {
    if site.base_url.is_empty() {
        String::new()
    } else {
        format!("{}{}", site.base_url, url_path(dir))
    }
}
