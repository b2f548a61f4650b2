//! The listing pages of the portal: the index, one page per agency (all its
//! years, a year-over-year table and charts), one page per year (every
//! agency's report, the portal-wide sum, who is missing or late), and 404.

use super::charts::{self, Chart};
use super::tables::{FormTable, NumberStyle, form_table};
use super::views::{Link, PageMeta, ReportLink, SiteView, listing_meta, report_link, url_path};
use crate::config::{AgencyConfig, Settings};
use crate::report::figures::KeyFigures;
use crate::report::num::Num;
use crate::report::rules::cross::deadline;
use crate::report::schema::{CellKind, Format, TableId};
use crate::report::{Cell, Origin, Report, Row, RowState, Table, Value};
use crate::site::Site;
use serde::Serialize;
use std::collections::BTreeMap;

/// Where the portal-wide pages live.
pub const YEARS_DIR: &str = "years";

pub fn year_dir(year: i64) -> String {
    format!("{YEARS_DIR}/{year}/")
}

/// A year with a link to its page.
#[derive(Debug, Serialize)]
pub struct YearLink {
    pub year: i64,
    pub url: String,
    /// Reports published for the year.
    pub count: usize,
}

/// An agency in a listing.
#[derive(Debug, Serialize)]
pub struct AgencyListing {
    pub name: String,
    /// Its page, relative to the listing page; empty when it has none.
    pub url: String,
    pub reports: Vec<ReportLink>,
}

/// Agencies under a heading (`区政府部门`); the heading is empty for ungrouped ones.
#[derive(Debug, Serialize)]
pub struct AgencyGroup {
    pub name: String,
    /// Heading level of the agencies under it: 3 without a group heading, 4 under one.
    pub agency_heading: u8,
    pub agencies: Vec<AgencyListing>,
}

/// `index.html`
#[derive(Debug, Serialize)]
pub struct IndexPage {
    pub site: SiteView,
    pub page: PageMeta,
    pub report_count: usize,
    pub agency_count: usize,
    /// Newest first.
    pub years: Vec<YearLink>,
    pub groups: Vec<AgencyGroup>,
    /// Portal-wide trends: the sum of all published reports, by year.
    pub charts: Vec<Chart>,
    /// Open data and feeds.
    pub data: Vec<Link>,
    pub search_url: String,
}

/// An agency's page.
#[derive(Debug, Serialize)]
pub struct AgencyPage {
    pub site: SiteView,
    pub page: PageMeta,
    pub name: String,
    pub group: String,
    /// 县（区）级机关 …, empty when not declared.
    pub level: String,
    /// Agencies whose reports this consolidated report covers.
    pub members: Vec<String>,
    /// Introduction from `_index.md` (HTML).
    pub intro: String,
    /// Newest first, with their key figures: the year-over-year table.
    pub reports: Vec<ReportLink>,
    pub charts: Vec<Chart>,
}

/// A year's page.
#[derive(Debug, Serialize)]
pub struct YearPage {
    pub site: SiteView,
    pub page: PageMeta,
    pub year: i64,
    /// Every agency's report for the year, grouped like the index (ranking-free: by name).
    pub groups: Vec<AgencyGroup>,
    /// Tables 二、三、四 summed over the year's reports.
    pub sums: Vec<FormTable>,
    /// Agencies `site.toml` requires that have no report for the year.
    pub missing: Vec<String>,
    /// Reports published after the legal deadline.
    pub late: Vec<LateReport>,
    pub previous: Option<Link>,
    pub next: Option<Link>,
}

#[derive(Debug, Serialize)]
pub struct LateReport {
    pub agency: String,
    pub url: String,
    pub published: String,
    pub deadline: String,
}

/// `404.html`
#[derive(Debug, Serialize)]
pub struct NotFoundPage {
    pub site: SiteView,
    pub page: PageMeta,
}

/// Agencies grouped as `site.toml` orders the groups, ungrouped last.
fn grouped(
    settings: &Settings,
    site: &Site,
    names: Vec<&str>,
    root: &str,
    reports: impl Fn(&str) -> Vec<ReportLink>,
) -> Vec<AgencyGroup> {
    let mut by_group: BTreeMap<String, Vec<AgencyListing>> = BTreeMap::new();
    for name in names {
        let group = settings
            .site
            .agencies
            .get(name)
            .and_then(|a| a.group.clone())
            .unwrap_or_default();
        let url = site
            .agencies
            .get(name)
            .and_then(|a| a.dir.as_ref())
            .map(|d| format!("{root}{}", url_path(d)))
            .unwrap_or_default();
        by_group.entry(group).or_default().push(AgencyListing {
            name: name.to_string(),
            url,
            reports: reports(name),
        });
    }
    let order = |g: &String| {
        settings
            .site
            .groups
            .iter()
            .position(|x| x == g)
            .unwrap_or(usize::MAX - usize::from(g.is_empty()))
    };
    let mut groups: Vec<AgencyGroup> = by_group
        .into_iter()
        .map(|(name, agencies)| AgencyGroup {
            agency_heading: if name.is_empty() { 3 } else { 4 },
            name,
            agencies,
        })
        .collect();
    groups.sort_by_key(|g| (order(&g.name), g.name.clone()));
    groups
}

/// Figures summed per year over `reports`, oldest year first.
fn yearly(reports: &[&Report]) -> (Vec<i64>, Vec<KeyFigures>) {
    let mut by_year: BTreeMap<i64, KeyFigures> = BTreeMap::new();
    for r in reports {
        let f = r.figures();
        let e = by_year.entry(r.meta.year).or_insert_with(|| KeyFigures {
            received: Some(Num::int(0)),
            ..zero()
        });
        add_figures(e, f);
    }
    (
        by_year.keys().copied().collect(),
        by_year.into_values().collect(),
    )
}

fn zero() -> KeyFigures {
    let z = Some(Num::int(0));
    KeyFigures {
        received: z,
        received_natural: z,
        received_orgs: z,
        carried_over: z,
        done: z,
        carried_forward: z,
        outcomes: [z; 6],
        licensing: z,
        punishment: z,
        coercion: z,
        reviews: z,
        litigation: z,
        review_outcomes: [z; 4],
        litigation_outcomes: [z; 4],
        review_not_upheld: z,
        litigation_not_upheld: z,
    }
}

fn add_figures(acc: &mut KeyFigures, f: &KeyFigures) {
    let add = |a: &mut Option<Num>, b: Option<Num>| {
        *a = a.zip(b.or(Some(Num::int(0)))).map(|(x, y)| x + y)
    };
    add(&mut acc.received, f.received);
    add(&mut acc.carried_over, f.carried_over);
    add(&mut acc.done, f.done);
    add(&mut acc.carried_forward, f.carried_forward);
    add(&mut acc.licensing, f.licensing);
    add(&mut acc.punishment, f.punishment);
    add(&mut acc.coercion, f.coercion);
    add(&mut acc.reviews, f.reviews);
    add(&mut acc.litigation, f.litigation);
    for i in 0..6 {
        add(&mut acc.outcomes[i], f.outcomes[i]);
    }
    for i in 0..4 {
        add(&mut acc.review_outcomes[i], f.review_outcomes[i]);
        add(&mut acc.litigation_outcomes[i], f.litigation_outcomes[i]);
    }
}

pub fn index_page(settings: &Settings, site: &Site, view: SiteView) -> IndexPage {
    let root = "./";
    let names: Vec<&str> = site.agencies.keys().map(String::as_str).collect();
    let groups = grouped(settings, site, names, root, |name| {
        site.reports_of(name)
            .iter()
            .map(|r| report_link(r, root))
            .collect()
    });
    let all: Vec<&Report> = site.reports.iter().map(|r| &**r).collect();
    let (years, figures) = yearly(&all);
    let charts = if site.reports.is_empty() {
        Vec::new()
    } else {
        charts::trends("portal", &years, &figures, "全部机关")
    };
    let page = listing_meta(
        &view,
        "",
        view.title.clone(),
        format!(
            "{}：各机关政府信息公开工作年度报告、历年数据和统计图表",
            view.title
        ),
    );
    IndexPage {
        page,
        site: view,
        report_count: site.reports.len(),
        agency_count: site.agencies.len(),
        years: site
            .years
            .iter()
            .rev()
            .map(|(y, reports)| YearLink {
                year: *y,
                url: url_path(&year_dir(*y)),
                count: reports.len(),
            })
            .collect(),
        groups,
        charts,
        data: vec![
            Link {
                label: "全部报告的数据（JSON）".into(),
                url: "data/reports.json".into(),
            },
            Link {
                label: "全部单元格（CSV，每行一个单元格）".into(),
                url: "data/cells.csv".into(),
            },
            Link {
                label: "report.json 的数据格式说明（JSON Schema）".into(),
                url: "data/report.schema.json".into(),
            },
            Link {
                label: "订阅更新（Atom）".into(),
                url: "feed.xml".into(),
            },
        ],
        search_url: "search/".into(),
    }
}

pub fn agency_page(
    settings: &Settings,
    site: &Site,
    view: SiteView,
    name: &str,
    dir: &str,
) -> AgencyPage {
    let root = super::views::root_of(dir);
    let reports = site.reports_of(name);
    let config = settings
        .site
        .agencies
        .get(name)
        .cloned()
        .unwrap_or_default();
    let (years, figures) = yearly(&reports);
    let page = listing_meta(
        &view,
        dir,
        format!("{name} - {}", view.title),
        format!("{name}历年政府信息公开工作年度报告及主要数据"),
    );
    AgencyPage {
        page: PageMeta {
            source: name.to_string(),
            keywords: format!("{name},政府信息公开,年度报告"),
            ..page
        },
        site: view,
        name: name.to_string(),
        group: config.group.clone().unwrap_or_default(),
        level: config
            .level
            .map(|l| l.chinese().to_string())
            .unwrap_or_default(),
        members: config.members.clone(),
        intro: markdown(settings, &config),
        reports: reports.iter().map(|r| report_link(r, &root)).collect(),
        charts: charts::trends("agency", &years, &figures, ""),
    }
}

fn markdown(settings: &Settings, config: &AgencyConfig) -> String {
    if config.intro.is_empty() {
        return String::new();
    }
    let opts = crate::report::narrative::MarkdownOptions {
        allow_raw_html: settings.site.allow_raw_html,
    };
    let (n, _) = crate::report::narrative::render(&config.intro, 1, "", opts);
    n.parts.into_iter().map(|p| p.html).collect()
}

pub fn year_page(settings: &Settings, site: &Site, view: SiteView, year: i64) -> YearPage {
    let dir = year_dir(year);
    let root = super::views::root_of(&dir);
    let reports = site.reports_in(year);
    let names: Vec<&str> = reports.iter().map(|r| r.meta.agency.as_str()).collect();
    // Each agency's reports of the year, in the year's order (looked up once
    // per agency: a year can have thousands of both).
    let mut of_agency: std::collections::HashMap<&str, Vec<&Report>> = Default::default();
    for r in &reports {
        of_agency
            .entry(r.meta.agency.as_str())
            .or_default()
            .push(*r);
    }
    let groups = grouped(settings, site, names, &root, |name| {
        of_agency
            .get(name)
            .into_iter()
            .flatten()
            .map(|r| report_link(r, &root))
            .collect()
    });
    let format = Format::for_year(year);
    let style = NumberStyle {
        fee_decimals: None,
        fee_label: Some(settings.site.overlay.fee_label()),
    };
    let sums = [TableId::Active, TableId::Applications, TableId::Reviews]
        .iter()
        .filter_map(|&id| sum_table(&reports, id))
        .map(|t| {
            let mut f = form_table(&t, format, style);
            f.caption = format!("{}（{}年度 {} 份报告之和）", f.caption, year, reports.len());
            f
        })
        .collect();
    let missing = settings
        .site
        .required_agencies
        .iter()
        .filter(|a| !reports.iter().any(|r| &r.meta.agency == *a))
        .cloned()
        .collect();
    let late = reports
        .iter()
        .filter_map(|r| {
            let published = r.meta.published?;
            let due = deadline(r, &settings.site.agencies);
            (published > due).then(|| LateReport {
                agency: r.meta.agency.clone(),
                url: report_link(r, &root).url,
                published: published.to_string(),
                deadline: due.to_string(),
            })
        })
        .collect();
    let link = |y: i64| {
        site.years.contains_key(&y).then(|| Link {
            label: format!("{y}年度"),
            url: format!("{root}{}", url_path(&year_dir(y))),
        })
    };
    YearPage {
        page: listing_meta(
            &view,
            &dir,
            format!("{year}年度政府信息公开工作年度报告 - {}", view.title),
            format!("{year}年度各机关政府信息公开工作年度报告、汇总数据和未按时发布的情况"),
        ),
        site: view,
        year,
        groups,
        sums,
        missing,
        late,
        previous: link(year - 1),
        next: link(year + 1),
    }
}

/// One official table whose every cell is the sum of the reports' cells.
/// Amounts whose unit the form does not fix (2019 采购总金额) are not summed.
fn sum_table(reports: &[&Report], id: TableId) -> Option<Table> {
    let tables: Vec<&Table> = reports.iter().filter_map(|r| r.table(id)).collect();
    let first = *tables.first()?;
    let same: Vec<&Table> = tables
        .into_iter()
        .filter(|t| std::ptr::eq(t.spec, first.spec))
        .collect();
    // Each report's table is read once, row by row (the cells of one
    // report lie together), rather than every report once per cell: the
    // same sums, added in the same order.
    let mut sums: Vec<Vec<Num>> = first
        .spec
        .rows
        .iter()
        .map(|spec| vec![Num::int(0); spec.columns.len()])
        .collect();
    for t in &same {
        for (r, row) in sums.iter_mut().enumerate() {
            for (c, sum) in row.iter_mut().enumerate() {
                *sum = *sum + t.effective(r, c).unwrap_or(Num::int(0));
            }
        }
    }
    let rows = first
        .spec
        .rows
        .iter()
        .zip(sums)
        .map(|(spec, sums)| Row {
            state: RowState::Present,
            pos: first.pos,
            cells: spec
                .columns
                .iter()
                .zip(sums)
                .map(|(col, sum)| {
                    let unknown_unit = col.kind == CellKind::Money && spec.key() == "procurement";
                    Cell {
                        value: if unknown_unit {
                            Value::NotApplicable
                        } else {
                            Value::Number(sum)
                        },
                        pos: first.pos,
                        origin: Origin::Written,
                    }
                })
                .collect(),
        })
        .collect();
    Some(Table {
        spec: first.spec,
        pos: first.pos,
        rows,
        notes: Vec::new(),
    })
}

pub fn not_found_page(view: SiteView) -> NotFoundPage {
    NotFoundPage {
        page: PageMeta {
            title: format!("页面不存在 - {}", view.title),
            column: super::views::COLUMN_NAME.into(),
            root: view.base_path.clone(),
            ..PageMeta::default()
        },
        site: view,
    }
}
