//! The view of one report page: the six sections in the official order.

use super::tables::{FormTable, NumberStyle, form_table};
use super::views::{COLUMN_NAME, FiguresView, PageMeta, SiteView, canonical, root_of, url_path};
use crate::config::Settings;
use crate::report::Report;
use crate::report::narrative::Part;
use crate::report::schema::{Format, SECTIONS, TableId};
use crate::site::{Site, report_dir};
use serde::Serialize;

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
    /// The agency's page and the year's page, for the breadcrumb.
    pub agency_url: String,
    pub year_url: String,
    /// Inconsistencies the publisher acknowledges (the report stays as published).
    pub acknowledged: Vec<AcknowledgedView>,
}

/// An acknowledged inconsistency, shown in a note on the page.
#[derive(Debug, Serialize)]
pub struct AcknowledgedView {
    /// Rule id, e.g. `T3.1`.
    pub rule: &'static str,
    /// `表三 · 法律服务机构列`
    pub place: String,
    pub message: String,
    pub reason: String,
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

pub fn report_page(
    settings: &Settings,
    site: SiteView,
    portal: &Site,
    report: &Report,
) -> ReportPage {
    let dir = report_dir(report);
    let root = root_of(&dir);
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
    .chain(meta.format.map(|_| DataLink {
        label: "三张表格（Excel，官方表样）".into(),
        url: super::data::XLSX_NAME.into(),
    }))
    .collect();
    let agency_url = portal
        .agencies
        .get(&meta.agency)
        .and_then(|a| a.dir.as_ref())
        .map(|d| format!("{root}{}", url_path(d)))
        .unwrap_or_default();
    let year_url = format!("{root}{}", url_path(&super::pages::year_dir(meta.year)));
    let figures = FiguresView::from(report.figures());
    let description = format!(
        "{}。本年新收政府信息公开申请{}件，行政处罚{}件，行政复议{}件，行政诉讼{}件。",
        meta.title, figures.received, figures.punishment, figures.reviews, figures.litigation,
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
        agency_url,
        year_url,
        acknowledged: portal
            .findings
            .iter()
            .filter(|f| f.file == report.source.rel)
            .filter_map(|f| {
                Some(AcknowledgedView {
                    rule: f.rule,
                    place: f.place.clone(),
                    message: f.message.clone(),
                    reason: f.acknowledged.clone()?,
                })
            })
            .collect(),
    }
}

fn part_view(part: &Part, index: usize) -> PartView {
    PartView {
        heading: part.heading.clone(),
        id: format!("part-{index}"),
        html: part.html.clone(),
    }
}
