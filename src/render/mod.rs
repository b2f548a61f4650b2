//! Rendering: from the checked [`Site`] to the files of the portal.
//!
//! The output is a list of jobs (the index, one per report, the 404 page, the
//! static files); each job hands its files to an [`Emit`] as soon as they
//! exist, and writes the portal-wide data files piece by piece, so that a
//! large portal is never held in memory.

pub mod charts;
pub mod data;
pub mod feeds;
pub mod pages;
pub mod report_page;
pub mod search;
pub mod search_memo;
pub mod tables;
pub mod theme;
pub mod views;
pub mod xlsx;

use crate::config::Settings;
use crate::diag::Finding;
use crate::report::Report;
use crate::site::{Site, report_dir};
use rayon::prelude::*;
use serde::Serialize;
use std::io::Write;
use theme::Theme;
use views::SiteView;

/// One file of the output, with its path relative to the output root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// `西工区司法局/2021/index.html`
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Where rendered files go, as soon as each exists.
pub trait Emit: Sync {
    /// A file rendered whole.
    fn file(&self, job: &Job, file: OutputFile) -> std::io::Result<()>;
    /// A large file, written piece by piece into the writer `write` is given.
    fn stream(
        &self,
        job: &Job,
        path: &str,
        write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> std::io::Result<()>;
}

/// Renders and throws away: `check` renders one page of each kind to find
/// template errors without writing anything.
pub struct Discard;

impl Emit for Discard {
    fn file(&self, _job: &Job, _file: OutputFile) -> std::io::Result<()> {
        Ok(())
    }

    fn stream(
        &self,
        _job: &Job,
        _path: &str,
        write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        write(&mut std::io::sink())
    }
}

/// Why rendering stopped: a template problem (shown like a finding) or I/O.
#[derive(Debug)]
pub enum RenderError {
    Template(Finding),
    Io(std::io::Error),
}

impl From<std::io::Error> for RenderError {
    fn from(e: std::io::Error) -> Self {
        RenderError::Io(e)
    }
}

/// A unit of rendering work. Incremental rebuilds re-run the jobs whose
/// inputs changed (see [`crate::pipeline`]).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Job {
    /// `index.html`: every report's listing data and the portal-wide charts.
    Index,
    /// `404.html`
    NotFound,
    /// The theme's static files.
    Statics,
    /// One report's page and data files, by its source path (`content/…/2021.md`).
    Report(String),
    /// An agency's page, by name.
    Agency(String),
    /// A year's page.
    Year(i64),
    /// `data/reports.json`: every report's `report.json` in one array.
    PortalJson,
    /// `data/cells.csv`: every cell of every report, one per line.
    PortalCsv,
    /// `feed.xml`, `sitemap.xml`, `robots.txt`.
    Feeds,
    /// `search/`: the page and the static full-text index.
    Search,
}

impl Job {
    /// The job's key in the build manifest: its kind, then its name as
    /// written (`Report content/西工区司法局/2021.md`). Not `Debug`, which
    /// escapes every Chinese character one by one (10,000 keys, three
    /// times a build).
    pub fn key(&self) -> String {
        match self {
            Job::Index => "Index".into(),
            Job::NotFound => "NotFound".into(),
            Job::Statics => "Statics".into(),
            Job::Report(rel) => format!("Report {rel}"),
            Job::Agency(name) => format!("Agency {name}"),
            Job::Year(y) => format!("Year {y}"),
            Job::PortalJson => "PortalJson".into(),
            Job::PortalCsv => "PortalCsv".into(),
            Job::Feeds => "Feeds".into(),
            Job::Search => "Search".into(),
        }
    }
}

/// Renders pages with one theme for one site.
pub struct Renderer<'a> {
    pub settings: &'a Settings,
    pub theme: &'a Theme,
    pub site: &'a Site,
    site_view: SiteView,
    /// Where `build` keeps the search index's postings between builds.
    pub search_memo: Option<search_memo::MemoPath>,
}

impl<'a> Renderer<'a> {
    pub fn new(settings: &'a Settings, theme: &'a Theme, site: &'a Site) -> Renderer<'a> {
        Renderer {
            settings,
            theme,
            site,
            site_view: SiteView::new(settings),
            search_memo: None,
        }
    }

    /// Every job of a full build.
    pub fn all_jobs(&self) -> Vec<Job> {
        // The long portal-wide jobs first, so that they start at once.
        let mut jobs = vec![
            Job::PortalCsv,
            Job::PortalJson,
            Job::Search,
            Job::Index,
            Job::NotFound,
            Job::Statics,
            Job::Feeds,
        ];
        jobs.extend(
            self.site
                .reports
                .iter()
                .map(|r| Job::Report(r.source.rel.clone())),
        );
        jobs.extend(
            self.site
                .agencies
                .iter()
                .filter(|(_, a)| a.dir.is_some())
                .map(|(n, _)| Job::Agency(n.clone())),
        );
        jobs.extend(self.site.years.keys().map(|y| Job::Year(*y)));
        jobs
    }

    /// One job of each kind that uses a template: enough to find a template
    /// error without rendering the whole portal.
    pub fn sample_jobs(&self) -> Vec<Job> {
        let all = self.all_jobs();
        let mut out: Vec<Job> = Vec::new();
        for job in all {
            let templated = !matches!(job, Job::PortalCsv | Job::PortalJson | Job::Search);
            let new_kind = !out
                .iter()
                .any(|j| std::mem::discriminant(j) == std::mem::discriminant(&job));
            if templated && new_kind {
                out.push(job);
            }
        }
        out
    }

    /// Runs `jobs` in parallel and hands every file to `emit`.
    pub fn render(&self, jobs: &[Job], emit: &dyn Emit) -> Result<(), RenderError> {
        jobs.par_iter().try_for_each(|job| self.job(job, emit))
    }

    /// Runs one job (a report that no longer exists has no files).
    pub fn job(&self, job: &Job, emit: &dyn Emit) -> Result<(), RenderError> {
        let kind = match job {
            Job::Index => "job index",
            Job::NotFound => "job 404",
            Job::Statics => "job statics",
            Job::Report(_) => "job report",
            Job::Agency(_) => "job agency",
            Job::Year(_) => "job year",
            Job::PortalJson => "job data/reports.json",
            Job::PortalCsv => "job data/cells.csv",
            Job::Feeds => "job feeds",
            Job::Search => "job search",
        };
        crate::timing::time(kind, || match job {
            Job::PortalJson => Ok(emit.stream(job, data::REPORTS_JSON, &mut |w| {
                data::write_reports_json(self.site, w)
            })?),
            Job::PortalCsv => Ok(emit.stream(job, data::CELLS_CSV, &mut |w| {
                data::write_cells_csv(self.site, w)
            })?),
            _ => {
                for file in self.run_job(job)? {
                    emit.file(job, file)?;
                }
                Ok(())
            }
        })
    }

    fn run_job(&self, job: &Job) -> Result<Vec<OutputFile>, RenderError> {
        let view = || self.site_view.clone();
        match job {
            Job::Index => Ok(vec![self.page(
                "index.html",
                "index.html".into(),
                &pages::index_page(self.settings, self.site, view()),
            )?]),
            Job::NotFound => Ok(vec![self.page(
                "404.html",
                "404.html".into(),
                &pages::not_found_page(view()),
            )?]),
            Job::Statics => Ok(self.statics()),
            Job::Report(rel) => match self.site.report(rel) {
                Some(r) => self.report(r),
                None => Ok(Vec::new()),
            },
            Job::Agency(name) => match self.site.agencies.get(name).and_then(|a| a.dir.clone()) {
                Some(dir) => {
                    let page = pages::agency_page(self.settings, self.site, view(), name, &dir);
                    Ok(vec![self.page(
                        "agency.html",
                        format!("{dir}index.html"),
                        &page,
                    )?])
                }
                None => Ok(Vec::new()),
            },
            Job::Year(y) if self.site.years.contains_key(y) => {
                let page = pages::year_page(self.settings, self.site, view(), *y);
                Ok(vec![self.page(
                    "year.html",
                    format!("{}index.html", pages::year_dir(*y)),
                    &page,
                )?])
            }
            Job::Year(_) => Ok(Vec::new()),
            Job::PortalJson | Job::PortalCsv => Ok(Vec::new()),
            Job::Feeds => Ok(feeds::files(self.settings, self.site)),
            Job::Search => {
                let mut files = search::index_files_memo(self.site, self.search_memo.as_ref());
                let page = search::search_page(view());
                files.push(self.page("search.html", "search/index.html".into(), &page)?);
                Ok(files)
            }
        }
    }

    fn page(
        &self,
        template: &str,
        path: String,
        view: &impl Serialize,
    ) -> Result<OutputFile, RenderError> {
        let context = crate::timing::time("page context", || tera::Context::from_serialize(view))
            .map_err(|e| RenderError::Template(self.theme.finding(&e)))?;
        // Minified templates give minified pages; errors are reported against
        // the templates as written.
        let tera = match (&self.theme.minified, self.settings.minify) {
            (Some(minified), true) => minified,
            _ => &self.theme.tera,
        };
        // Rendered into bytes: `render` would check the whole page is UTF-8
        // again (it is: templates and values are strings).
        let mut html = Vec::with_capacity(48 * 1024);
        crate::timing::time("page tera", || {
            tera.render_to(template, &context, &mut html)
        })
        .map_err(|e| {
            let e = self
                .theme
                .tera
                .render(template, &context)
                .err()
                .unwrap_or(e);
            RenderError::Template(self.theme.finding(&e))
        })?;
        let bytes = if self.settings.minify && self.theme.minified.is_none() {
            crate::timing::time("page minify", || minify(&html))
        } else {
            html
        };
        Ok(OutputFile { path, bytes })
    }

    /// The theme's static files, and the marker that says gongkai owns the folder.
    fn statics(&self) -> Vec<OutputFile> {
        let marker = OutputFile {
            path: crate::output::MARKER.into(),
            bytes: crate::output::MARKER_TEXT.as_bytes().to_vec(),
        };
        self.theme
            .statics
            .iter()
            .map(|(path, bytes)| OutputFile {
                path: format!("static/{path}"),
                bytes: bytes.clone(),
            })
            .chain([
                marker,
                OutputFile {
                    path: data::SCHEMA_PATH.into(),
                    bytes: data::SCHEMA.as_bytes().to_vec(),
                },
            ])
            .collect()
    }

    fn report(&self, report: &Report) -> Result<Vec<OutputFile>, RenderError> {
        let dir = report_dir(report);
        let view =
            report_page::report_page(self.settings, self.site_view.clone(), self.site, report);
        let mut files = vec![self.page("report.html", format!("{dir}index.html"), &view)?];
        files.push(OutputFile {
            path: format!("{dir}{}", data::JSON_NAME),
            bytes: crate::timing::time("report json", || data::report_json(report)),
        });
        for table in report.tables.iter().flatten() {
            files.push(OutputFile {
                path: format!("{dir}{}", data::csv_name(table.spec.id)),
                bytes: crate::timing::time("report csv", || data::table_csv(table)),
            });
        }
        if report.meta.format.is_some() {
            files.push(OutputFile {
                path: format!("{dir}{}", data::XLSX_NAME),
                bytes: crate::timing::time("report xlsx", || {
                    let drawn: Vec<&tables::FormTable> = view
                        .sections
                        .iter()
                        .filter_map(|s| s.table.as_ref())
                        .collect();
                    data::report_xlsx(report, &self.settings.site.overlay, &drawn)
                }),
            });
        }
        Ok(files)
    }
}

/// Minifies HTML (and its CSS); JavaScript is left alone.
pub fn minify(html: &[u8]) -> Vec<u8> {
    minify_html::minify(html, &minify_cfg())
}

/// minify-html's settings: CSS yes, JavaScript no (its JS minifier has a poor
/// record), closing tags and the html/head tags kept.
pub fn minify_cfg() -> minify_html::Cfg {
    let mut cfg = minify_html::Cfg::new();
    cfg.minify_css = true;
    cfg.minify_js = false;
    cfg.keep_closing_tags = true;
    cfg.keep_html_and_head_opening_tags = true;
    cfg
}
