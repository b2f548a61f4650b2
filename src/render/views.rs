//! Typed view models: the complete, documented contract between gongkai and
//! a theme's templates. Every variable a template can use is a field here.

use crate::config::{Owner, Settings};
use crate::report::Report;
use crate::report::figures::KeyFigures;
use crate::report::num::Num;
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

/// The key figures of a report as text (`—` where the report has no such table).
#[derive(Clone, Debug, Default, Serialize)]
pub struct FiguresView {
    /// 本年新收政府信息公开申请
    pub received: String,
    /// 上年结转
    pub carried_over: String,
    /// 办结（（七）总计）
    pub done: String,
    /// 予以公开
    pub disclosed: String,
    /// 结转下年度继续办理
    pub carried_forward: String,
    /// 行政许可（处理决定数量）
    pub licensing: String,
    /// 行政处罚
    pub punishment: String,
    /// 行政强制
    pub coercion: String,
    /// 行政复议
    pub reviews: String,
    /// 行政诉讼
    pub litigation: String,
}

/// A number for display: `—` when unknown.
pub fn shown(n: Option<Num>) -> String {
    n.map_or_else(|| "—".to_string(), |n| n.to_string())
}

impl From<&KeyFigures> for FiguresView {
    fn from(f: &KeyFigures) -> FiguresView {
        FiguresView {
            received: shown(f.received),
            carried_over: shown(f.carried_over),
            done: shown(f.done),
            disclosed: shown(f.outcomes[0]),
            carried_forward: shown(f.carried_forward),
            licensing: shown(f.licensing),
            punishment: shown(f.punishment),
            coercion: shown(f.coercion),
            reviews: shown(f.reviews),
            litigation: shown(f.litigation),
        }
    }
}

/// A report in a listing.
#[derive(Clone, Debug, Serialize)]
pub struct ReportLink {
    pub agency: String,
    pub year: i64,
    pub title: String,
    /// Address relative to the page that lists it.
    pub url: String,
    /// `YYYY-MM-DD`, empty when unknown.
    pub published: String,
    pub figures: FiguresView,
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
        figures: FiguresView::from(report.figures()),
    }
}

/// A link to another page.
#[derive(Clone, Debug, Serialize)]
pub struct Link {
    pub label: String,
    /// Relative to the page that shows it.
    pub url: String,
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

/// `../../` for a page at `a/b/index.html`.
pub fn root_of(dir: &str) -> String {
    let depth = dir.matches('/').count();
    if depth == 0 {
        "./".into()
    } else {
        "../".repeat(depth)
    }
}

pub fn canonical(site: &SiteView, dir: &str) -> String {
    if site.base_url.is_empty() {
        String::new()
    } else {
        format!("{}{}", site.base_url, url_path(dir))
    }
}

/// Page metadata for a listing page at `dir`.
pub fn listing_meta(site: &SiteView, dir: &str, title: String, description: String) -> PageMeta {
    PageMeta {
        keywords: "政府信息公开,年度报告".into(),
        column: COLUMN_NAME.into(),
        canonical: canonical(site, dir),
        root: root_of(dir),
        title,
        description,
        ..PageMeta::default()
    }
}
