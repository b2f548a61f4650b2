//! All reports of a portal, and the rules that need more than one report.
//!
//! Loading is per file ([`load_file`]: read → parse → narrative → single-report
//! rules) so that a watcher can reload one file; [`Site::assemble`] then adds
//! the cross-report rules and orders the reports.

use crate::config::{Settings, SiteConfig};
use crate::content::{self, SourcePath};
use crate::diag::{self, Finding};
use crate::load_cache::{self, LoadCache};
use crate::report::Report;
use crate::report::narrative::{self, MarkdownOptions};
use crate::report::parse::parse_report;
use crate::report::rules::{RuleContext, check_report};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// One source file after the single-report stages.
#[derive(Clone, Debug)]
pub struct LoadedFile {
    pub source: SourcePath,
    /// `None` when the file could not be read as a report at all. Shared
    /// with the [`Site`] (a watcher re-assembles the site after each edit
    /// without copying every report).
    pub report: Option<Arc<Report>>,
    /// Findings of this file alone.
    pub findings: Vec<Finding>,
}

/// Reads, parses and checks one report file.
pub fn load_file(settings: &Settings, source: &SourcePath) -> LoadedFile {
    load_file_cached(settings, source, None, false).0
}

/// [`load_file`], taking the report from the load cache when the file's
/// bytes are the ones cached, and with `keep`, telling whether the report
/// is worth keeping in the cache.
pub fn load_file_cached(
    settings: &Settings,
    source: &SourcePath,
    cache: Option<&LoadCache>,
    keep: bool,
) -> (LoadedFile, load_cache::Use) {
    let failed = |f: Finding| {
        let file = LoadedFile {
            source: source.clone(),
            report: None,
            findings: vec![f],
        };
        (file, load_cache::Use::None)
    };
    let cached = |mut report: Report, bytes_hash, stamp, t| {
        report.source = source.clone();
        crate::timing::add("load: from the load cache", t);
        let file = LoadedFile {
            source: source.clone(),
            report: Some(Arc::new(report)),
            findings: Vec::new(),
        };
        (file, load_cache::Use::Hit(bytes_hash, stamp))
    };
    let meta = std::fs::symlink_metadata(&source.path).ok();
    if let Some(f) = content::refusal(source, meta.as_ref()) {
        return failed(f);
    }
    // Taken before the bytes are read: a write after it changes the stamp.
    let stamp = cache.and(meta.as_ref()).and_then(load_cache::Stamp::of);
    let t = std::time::Instant::now();
    // A file as the cache last saw it: its bytes need not even be read.
    if let Some((report, bytes_hash)) = cache.and_then(|c| c.get_by_stamp(&source.rel, stamp)) {
        crate::timing::add("load: file not read (stamp as recorded)", t);
        return cached(report, bytes_hash, stamp, t);
    }
    let bytes = match content::read_bytes(source) {
        Ok(bytes) => bytes,
        Err(f) => return failed(f),
    };
    // Nothing to look up and nothing to keep: no need to hash the bytes.
    let Some(cache) = cache.filter(|c| keep || !c.is_empty()) else {
        return match content::decode_text(source, &bytes) {
            Ok(text) => (load_text(settings, source, &text), load_cache::Use::None),
            Err(f) => failed(f),
        };
    };
    let bytes_hash = crate::pipeline::hash(&bytes);
    let t = std::time::Instant::now();
    if let Some(report) = cache.get(&source.rel, bytes_hash) {
        return cached(report, bytes_hash, stamp, t);
    }
    let text = match content::decode_text(source, &bytes) {
        Ok(text) => text,
        Err(f) => return failed(f),
    };
    let file = load_text(settings, source, &text);
    let keep = match &file.report {
        Some(_) if keep && file.findings.is_empty() => load_cache::Use::Fresh(bytes_hash, stamp),
        _ => load_cache::Use::None,
    };
    (file, keep)
}

/// Parses and checks the text of one report file (the fuzz targets start here).
pub fn load_text(settings: &Settings, source: &SourcePath, text: &str) -> LoadedFile {
    let parsed = parse_report(source, text);
    let mut findings = parsed.findings;
    let report = parsed.report.map(|mut report| {
        // The body as published: placeholders replaced by the tables' figures.
        let (body, errors) =
            crate::report::placeholders::expand(&report, &report.body, report.body_line);
        report.body = body;
        findings.extend(errors);
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
        report.source_hash = crate::pipeline::hash(text.as_bytes());
        // Kept with the report (and in the load cache): an incremental
        // build compares them for every report.
        report.listing_print = crate::pipeline::listing_print(&report);
        report.data_print = crate::pipeline::data_print(&report);
        // Every later stage reads the rendered narrative, not the Markdown.
        report.body = String::new();
        Arc::new(report)
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

/// How [`load_all_cached`] uses the load cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheMode {
    /// Read it, and write what changed (`build`).
    ReadWrite,
    /// Read it, write nothing (`check`, `serve`).
    Read,
    /// Load every file anew and write a new cache (`build --clean`).
    Renew,
}

/// [`load_all`] through the load cache (see [`crate::load_cache`]), for the
/// report files `listed` by [`Settings::new_listed`].
pub fn load_all_cached(
    settings: &Settings,
    mode: CacheMode,
    listed: content::Listed,
) -> std::io::Result<Vec<LoadedFile>> {
    let sources = listed?;
    let cache = crate::timing::time("load: read the load cache", || match mode {
        CacheMode::Renew => LoadCache::empty(settings),
        CacheMode::ReadWrite | CacheMode::Read => LoadCache::read(settings),
    });
    // Shard by shard, each shard's bytes let go once its reports are
    // loaded: the encoded reports are never all in memory beside the
    // decoded ones (at 10,000 reports the cache is ~60 MB).
    let mut groups: Vec<Vec<usize>> = vec![Vec::new(); load_cache::SHARDS as usize];
    for (i, s) in sources.iter().enumerate() {
        groups[load_cache::shard_of(&s.rel)].push(i);
    }
    let keep = mode != CacheMode::Read;
    let mut loaded: Vec<(usize, LoadedFile, load_cache::Use)> = groups
        .par_iter()
        .enumerate()
        .flat_map_iter(|(shard, group)| {
            let out: Vec<_> = group
                .par_iter()
                .map(|&i| {
                    let (file, used) = load_file_cached(settings, &sources[i], Some(&cache), keep);
                    (i, file, used)
                })
                .collect();
            cache.release(shard);
            out
        })
        .collect();
    loaded.sort_unstable_by_key(|(i, ..)| *i);
    let (files, uses): (Vec<LoadedFile>, Vec<load_cache::Use>) = loaded
        .into_iter()
        .map(|(_, file, used)| (file, used))
        .unzip();
    if mode != CacheMode::Read {
        crate::timing::time("load: write the load cache", || {
            let uses: Vec<_> = files
                .iter()
                .zip(&uses)
                .map(|(f, u)| (f.source.rel.as_str(), u, f.report.as_deref()))
                .collect();
            cache.write(settings, &uses)
        });
    }
    Ok(files)
}

/// The whole portal: every readable report and every finding.
#[derive(Clone, Debug, Default)]
pub struct Site {
    /// Reports ordered by agency, then year, newest first.
    pub reports: Vec<Arc<Report>>,
    /// All findings, sorted by file and line.
    pub findings: Vec<Finding>,
    /// Index into `reports` by source path.
    by_source: std::collections::HashMap<String, usize>,
    /// Every agency: its page address and its reports (indexes into `reports`, newest first).
    pub agencies: BTreeMap<String, Agency>,
    /// Every year: its reports (indexes into `reports`, by agency).
    pub years: BTreeMap<i64, Vec<usize>>,
    /// The year-to-year findings of each agency, for the next assembly.
    pub(crate) cross: crate::report::rules::cross::CrossCache,
}

/// An agency of the portal.
#[derive(Clone, Debug, Default)]
pub struct Agency {
    /// Address of the agency page relative to the site root (`西工区司法局/`),
    /// `None` for a single-agency portal whose reports sit directly in `content/`.
    pub dir: Option<String>,
    /// Indexes into `Site::reports`, newest first.
    pub reports: Vec<usize>,
}

impl Site {
    /// Orders the reports and runs the cross-report rules.
    pub fn assemble(files: Vec<LoadedFile>, config: &SiteConfig) -> Site {
        Site::assemble_cached(files, config, Default::default())
    }

    /// [`Site::assemble`], reusing the year-to-year findings of agencies
    /// whose reports did not change since the site `cross` came from.
    pub fn assemble_cached(
        files: Vec<LoadedFile>,
        config: &SiteConfig,
        mut cross: crate::report::rules::cross::CrossCache,
    ) -> Site {
        let mut findings = Vec::new();
        let mut reports = Vec::new();
        for f in files {
            findings.extend(f.findings);
            reports.extend(f.report);
        }
        let t = std::time::Instant::now();
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
        crate::timing::add("assemble: sort", t);
        findings.extend(crate::timing::time("assemble: cross rules", || {
            crate::report::rules::cross::check_portal_cached(&reports, config, &mut cross)
        }));
        let t = std::time::Instant::now();
        apply_acknowledgements(&reports, &mut findings);
        crate::timing::add("assemble: acknowledgements", t);
        crate::timing::time("assemble: addresses", || {
            unique_page_addresses(&reports, &mut findings)
        });
        crate::timing::time("assemble: sort findings", || diag::sort(&mut findings));
        let t = std::time::Instant::now();
        let by_source = reports
            .iter()
            .enumerate()
            .map(|(i, r)| (r.source.rel.clone(), i))
            .collect();
        let agencies = agencies(&reports);
        let mut years: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
        for (i, r) in reports.iter().enumerate() {
            years.entry(r.meta.year).or_default().push(i);
        }
        crate::timing::add("assemble: maps", t);
        Site {
            reports,
            findings,
            by_source,
            agencies,
            years,
            cross,
        }
    }

    /// Takes in new versions of the reports at `edited` that kept their
    /// agency and year (so the order of reports, the agencies and the years
    /// stay as they are) and runs the rules across reports again. `files`
    /// are all the loaded files, the edited ones included. Returns false,
    /// changing nothing, when a report is not where it was: then assemble.
    pub fn replace(
        &mut self,
        files: &BTreeMap<String, LoadedFile>,
        edited: &[String],
        config: &SiteConfig,
    ) -> bool {
        let mut reports = self.reports.clone();
        for rel in edited {
            let (Some(&i), Some(new)) = (
                self.by_source.get(rel),
                files.get(rel).and_then(|f| f.report.as_ref()),
            ) else {
                return false;
            };
            let old = &reports[i];
            if (&old.meta.agency, old.meta.year) != (&new.meta.agency, new.meta.year) {
                return false;
            }
            reports[i] = Arc::clone(new);
        }
        let mut findings: Vec<Finding> = files
            .values()
            .flat_map(|f| f.findings.iter().cloned())
            .collect();
        findings.extend(crate::report::rules::cross::check_portal_cached(
            &reports,
            config,
            &mut self.cross,
        ));
        apply_acknowledgements(&reports, &mut findings);
        unique_page_addresses(&reports, &mut findings);
        diag::sort(&mut findings);
        self.reports = reports;
        self.findings = findings;
        true
    }

    /// The report read from `rel` (`content/…/2021.md`).
    pub fn report(&self, rel: &str) -> Option<&Report> {
        self.by_source.get(rel).map(|&i| &*self.reports[i])
    }

    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(Finding::is_error)
    }

    /// The reports of an agency, newest first.
    pub fn reports_of(&self, agency: &str) -> Vec<&Report> {
        self.agencies
            .get(agency)
            .map(|a| a.reports.iter().map(|&i| &*self.reports[i]).collect())
            .unwrap_or_default()
    }

    /// The reports of a year, by agency.
    pub fn reports_in(&self, year: i64) -> Vec<&Report> {
        self.years
            .get(&year)
            .map(|v| v.iter().map(|&i| &*self.reports[i]).collect())
            .unwrap_or_default()
    }
}

/// Agencies with their page address: the folder of their reports when the
/// folder holds only them, else `agencies/<名称>/`.
fn agencies(reports: &[Arc<Report>]) -> BTreeMap<String, Agency> {
    let folder = |r: &Report| r.source.stem.rsplit_once('/').map(|(f, _)| f.to_string());
    let mut by_folder: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for r in reports {
        if let Some(f) = folder(r) {
            by_folder.entry(f).or_default().insert(&r.meta.agency);
        }
    }
    let mut out: BTreeMap<String, Agency> = BTreeMap::new();
    for (i, r) in reports.iter().enumerate() {
        out.entry(r.meta.agency.clone())
            .or_default()
            .reports
            .push(i);
    }
    for (name, agency) in &mut out {
        let folders: BTreeSet<Option<String>> = agency
            .reports
            .iter()
            .map(|&i| folder(&reports[i]))
            .collect();
        agency.dir = match folders.into_iter().collect::<Vec<_>>().as_slice() {
            [Some(f)] if by_folder[f].len() == 1 => Some(format!("{f}/")),
            [None] if out_of_folders_single(reports) => None,
            _ => Some(format!("agencies/{name}/")),
        };
    }
    out
}

/// A portal whose reports all sit directly in `content/` and belong to one agency.
fn out_of_folders_single(reports: &[Arc<Report>]) -> bool {
    let names: BTreeSet<&str> = reports.iter().map(|r| r.meta.agency.as_str()).collect();
    names.len() == 1
}

/// The page address of a report, relative to the site root: `西工区司法局/2021/`.
pub fn report_dir(report: &Report) -> String {
    match report.source.stem.rsplit_once('/') {
        Some((folder, _)) => format!("{folder}/{}/", report.meta.slug),
        None => format!("{}/", report.meta.slug),
    }
}

/// Marks the findings a report acknowledges; an entry that covers nothing is
/// itself a warning, so that it cannot hide a new problem later.
fn apply_acknowledgements(reports: &[Arc<Report>], findings: &mut Vec<Finding>) {
    let mut stale = Vec::new();
    for r in reports.iter().filter(|r| !r.meta.acknowledged.is_empty()) {
        let mut used = vec![false; r.meta.acknowledged.len()];
        for f in findings
            .iter_mut()
            .filter(|f| f.file == r.source.rel && f.acknowledged.is_none())
        {
            if let Some(i) = r.meta.acknowledged.iter().position(|a| a.covers(f)) {
                f.acknowledged = Some(r.meta.acknowledged[i].reason.clone());
                used[i] = true;
            }
        }
        for (a, _) in r
            .meta
            .acknowledged
            .iter()
            .zip(used)
            .filter(|(_, used)| !used)
        {
            let what = match &a.place {
                Some(p) => format!("{} · {p}", a.rule),
                None => a.rule.clone(),
            };
            stale.push(
                Finding::warning(
                    &r.source.rel,
                    a.pos,
                    crate::diag::codes::STALE_ACKNOWLEDGEMENT,
                    format!("这条已确认的问题（{what}）已经不存在：可能已经改正"),
                )
                .hint("请删除这一项，以免它将来掩盖新的问题"),
            );
        }
    }
    findings.extend(stale);
}

/// Two reports that would be published at the same address.
fn unique_page_addresses(reports: &[Arc<Report>], out: &mut Vec<Finding>) {
    // By address; the first in path order keeps it.
    let mut by_dir: std::collections::HashMap<String, Vec<&Report>> =
        std::collections::HashMap::with_capacity(reports.len());
    for r in reports {
        by_dir.entry(report_dir(r)).or_default().push(r);
    }
    for (dir, mut same) in by_dir.into_iter().filter(|(_, v)| v.len() > 1) {
        same.sort_by(|a, b| a.source.rel.cmp(&b.source.rel));
        let first = same[0];
        for r in &same[1..] {
            out.push(Finding::error(
                &r.source.rel,
                crate::content::yaml::Pos::new(1, 1),
                crate::diag::codes::METADATA,
                format!(
                    "与 {} 生成同一个网页地址 /{dir}：请修改其中一份的 slug",
                    first.source.rel
                ),
            ));
        }
    }
}

/// Every report file of the repository (`content/`) and of the test
/// fixtures that can be read, with its text, for unit tests that check a
/// property of every real report.
#[cfg(test)]
pub fn repository_reports() -> Vec<(SourcePath, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in ["content", "tests/fixtures"] {
        for entry in walkdir::WalkDir::new(root.join(dir)) {
            let entry = entry.expect("walk the fixtures");
            if entry.path().extension().is_none_or(|e| e != "md") {
                continue;
            }
            let rel = entry.path().strip_prefix(root).expect("under the root");
            let source = SourcePath {
                path: entry.path().to_path_buf(),
                rel: rel.to_string_lossy().into_owned(),
                stem: rel.with_extension("").to_string_lossy().into_owned(),
            };
            if let Ok(text) = content::read_text(&source) {
                out.push((source, text));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(fixture: &str) -> (Settings, Vec<LoadedFile>) {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(fixture);
        let settings = Settings::new(&root, None, true).unwrap();
        let files = load_all(&settings).unwrap();
        (settings, files)
    }

    fn codes(site: &Site) -> Vec<String> {
        site.findings.iter().map(|f| f.to_text()).collect()
    }

    #[test]
    fn reassembling_with_the_cache_gives_the_findings_of_a_fresh_assembly() {
        let (settings, files) = load("y1");
        let fresh = Site::assemble(files.clone(), &settings.site);
        assert!(
            fresh.findings.iter().any(|f| f.rule == "Y1"),
            "{:?}",
            codes(&fresh)
        );
        // Same files: the cached findings.
        let again = Site::assemble_cached(files.clone(), &settings.site, fresh.cross.clone());
        assert_eq!(codes(&again), codes(&fresh));
        // One report gone: the agency's rules run again (no Y1 with one year).
        let fewer: Vec<LoadedFile> = files
            .iter()
            .filter(|f| !f.source.rel.ends_with("2021.md"))
            .cloned()
            .collect();
        let cached = Site::assemble_cached(fewer.clone(), &settings.site, again.cross.clone());
        assert_eq!(
            codes(&cached),
            codes(&Site::assemble(fewer, &settings.site))
        );
        assert!(!cached.findings.iter().any(|f| f.rule == "Y1"));
        // A report re-read (a new load of the same file): run again, same result.
        let reread: Vec<LoadedFile> = files
            .iter()
            .map(|f| load_file(&settings, &f.source))
            .collect();
        let cached = Site::assemble_cached(reread, &settings.site, cached.cross);
        assert_eq!(codes(&cached), codes(&fresh));
    }

    #[test]
    fn patching_an_edited_report_in_place_gives_the_assembled_site() {
        let (settings, files) = load("y1");
        let mut site = Site::assemble(files.clone(), &settings.site);
        let rel = "content/测试局/2022.md";
        let file = files.iter().find(|f| f.source.rel == rel).unwrap().clone();
        let original = std::fs::read_to_string(&file.source.path).unwrap();
        let mut files: BTreeMap<String, LoadedFile> = files
            .into_iter()
            .map(|f| (f.source.rel.clone(), f))
            .collect();
        let y1 = |site: &Site| codes(site).iter().any(|c| c.contains("[Y1]"));
        assert!(y1(&site));
        for (what, text) in [
            // Another figure: Y1 still fails.
            (
                "figure",
                original.replace("punishment: 64", "punishment: 65"),
            ),
            // Last year's carried-forward figures: Y1 holds, the sums of table 三 no longer do.
            (
                "carried over",
                original.replace(
                    "carried_over: [1, 1, 0, 0, 1, 0, 3]",
                    "carried_over: [1, 2, 0, 0, 1, 0, 4]",
                ),
            ),
        ] {
            assert_ne!(text, original, "{what}");
            files.insert(rel.into(), load_text(&settings, &file.source, &text));
            assert!(site.replace(&files, &[rel.to_string()], &settings.site));
            let assembled = Site::assemble(files.values().cloned().collect(), &settings.site);
            assert_eq!(codes(&site), codes(&assembled), "{what}");
            assert_eq!(y1(&site), what == "figure", "{what}: {:?}", codes(&site));
        }
        // A report that moved to another year cannot be patched in.
        let moved = original.replace("year: 2022", "year: 2023");
        files.insert(rel.into(), load_text(&settings, &file.source, &moved));
        assert!(!site.replace(&files, &[rel.to_string()], &settings.site));
    }
}
