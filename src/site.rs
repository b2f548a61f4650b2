//! All reports of a portal, and the rules that need more than one report.
//!
//! Loading is per file ([`load_file`]: read → parse → narrative → single-report
//! rules) so that a watcher can reload one file; [`Site::assemble`] then adds
//! the cross-report rules and orders the reports.

use crate::config::{Settings, SiteConfig};
use crate::content::{self, SourcePath};
use crate::diag::{self, Finding};
use crate::report::Report;
use crate::report::narrative::{self, MarkdownOptions};
use crate::report::parse::parse_report;
use crate::report::rules::{RuleContext, check_report};
use rayon::prelude::*;
use std::collections::BTreeMap;

/// One source file after the single-report stages.
#[derive(Clone, Debug)]
pub struct LoadedFile {
    pub source: SourcePath,
    /// `None` when the file could not be read as a report at all.
    pub report: Option<Report>,
    /// Findings of this file alone.
    pub findings: Vec<Finding>,
}

/// Reads, parses and checks one report file.
pub fn load_file(settings: &Settings, source: &SourcePath) -> LoadedFile {
    let text = match content::read_text(source) {
        Ok(t) => t,
        Err(f) => {
            return LoadedFile {
                source: source.clone(),
                report: None,
                findings: vec![f],
            };
        }
    };
    let parsed = parse_report(source, &text);
    let mut findings = parsed.findings;
    let report = parsed.report.map(|mut report| {
        let opts = MarkdownOptions {
            allow_raw_html: settings.site.allow_raw_html,
        };
        let (narrative, lints) =
            narrative::render(&report.body, report.body_line, &source.rel, opts);
        report.narrative = narrative;
        findings.extend(lints);
        let agency = settings.site.agencies.get(&report.meta.agency);
        let ctx = RuleContext {
            fee_decimals: settings.site.overlay.fee_decimals(),
            level: agency.and_then(|a| a.level),
        };
        findings.extend(check_report(&report, &ctx));
        report.fingerprint = crate::report::rules::cross::fingerprint(&report.body);
        report
    });
    LoadedFile {
        source: source.clone(),
        report,
        findings,
    }
}

/// Loads every report under `content/`, in parallel.
pub fn load_all(settings: &Settings) -> std::io::Result<Vec<LoadedFile>> {
    let sources = content::discover(&settings.root, &settings.content_dir)?;
    Ok(sources.par_iter().map(|s| load_file(settings, s)).collect())
}

/// The whole portal: every readable report and every finding.
#[derive(Clone, Debug, Default)]
pub struct Site {
    /// Reports ordered by agency, then year, newest first.
    pub reports: Vec<Report>,
    /// All findings, sorted by file and line.
    pub findings: Vec<Finding>,
    /// Index into `reports` by source path.
    by_source: std::collections::HashMap<String, usize>,
}

impl Site {
    /// Orders the reports and runs the cross-report rules.
    pub fn assemble(files: Vec<LoadedFile>, config: &SiteConfig) -> Site {
        let mut findings = Vec::new();
        let mut reports = Vec::new();
        for f in files {
            findings.extend(f.findings);
            reports.extend(f.report);
        }
        reports.sort_by(|a, b| {
            (
                &a.meta.agency,
                std::cmp::Reverse(a.meta.year),
                &a.source.rel,
            )
                .cmp(&(
                    &b.meta.agency,
                    std::cmp::Reverse(b.meta.year),
                    &b.source.rel,
                ))
        });
        findings.extend(crate::report::rules::cross::check_portal(&reports, config));
        unique_page_addresses(&reports, &mut findings);
        diag::sort(&mut findings);
        let by_source = reports
            .iter()
            .enumerate()
            .map(|(i, r)| (r.source.rel.clone(), i))
            .collect();
        Site {
            reports,
            findings,
            by_source,
        }
    }

    /// The report read from `rel` (`content/…/2021.md`).
    pub fn report(&self, rel: &str) -> Option<&Report> {
        self.by_source.get(rel).map(|&i| &self.reports[i])
    }

    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(Finding::is_error)
    }

    /// Reports grouped by agency, agencies in name order, each newest first.
    pub fn by_agency(&self) -> BTreeMap<&str, Vec<&Report>> {
        let mut out: BTreeMap<&str, Vec<&Report>> = BTreeMap::new();
        for r in &self.reports {
            out.entry(r.meta.agency.as_str()).or_default().push(r);
        }
        out
    }
}

/// The page address of a report, relative to the site root: `西工区司法局/2021/`.
pub fn report_dir(report: &Report) -> String {
    match report.source.stem.rsplit_once('/') {
        Some((folder, _)) => format!("{folder}/{}/", report.meta.slug),
        None => format!("{}/", report.meta.slug),
    }
}

/// Two reports that would be published at the same address.
fn unique_page_addresses(reports: &[Report], out: &mut Vec<Finding>) {
    let mut seen: BTreeMap<String, &Report> = BTreeMap::new();
    let mut by_path: Vec<&Report> = reports.iter().collect();
    by_path.sort_by(|a, b| a.source.rel.cmp(&b.source.rel));
    for r in by_path {
        let dir = report_dir(r);
        match seen.get(&dir) {
            Some(first) => out.push(Finding::error(
                &r.source.rel,
                crate::content::yaml::Pos::new(1, 1),
                crate::diag::codes::METADATA,
                format!(
                    "与 {} 生成同一个网页地址 /{dir}：请修改其中一份的 slug",
                    first.source.rel
                ),
            )),
            None => {
                seen.insert(dir, r);
            }
        }
    }
}
