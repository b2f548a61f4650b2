//! The build as a stateful pipeline, for rebuilding only what changed.
//!
//! A [`Pipeline`] keeps what the last run loaded (every report file, the
//! assembled [`Site`], the theme) and what it wrote (every output file with
//! the job that made it and a hash of its bytes). [`Pipeline::apply`] takes
//! the source changes a watcher saw, reloads and re-checks only the changed
//! reports, works out from the **dependency map** ([`Input`] → [`Job`]) which
//! jobs must run again, and writes only the outputs whose bytes changed. The
//! result is always the tree a full build of the same sources writes.

use crate::config::Settings;
use crate::content::{self, SourcePath};
use crate::diag::Finding;
use crate::output::Seen;
use crate::render::theme::Theme;
use crate::render::{Job, OutputFile, RenderError, Renderer};
use crate::report::Report;
use crate::site::{LoadedFile, Site, load_file, report_dir};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A change in the sources, as the watcher classifies it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// A report file was created, modified or removed.
    Report(PathBuf),
    /// A folder under `content/` appeared, moved or went: re-read every report.
    Rescan,
    /// `site.toml` changed: everything is rebuilt.
    Config,
    /// A file of the active theme changed: everything is re-rendered.
    Theme,
}

/// What a job reads. The dependency map is [`job_inputs`]: a job must run
/// again when one of its inputs changed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Input {
    /// `site.toml`
    Config,
    /// The theme's templates and static files.
    Theme,
    /// One report (its tables, narrative and metadata), by source path.
    Report(String),
    /// Any report: its cells, metadata or text (the search index).
    AnyReport,
    /// Any report's metadata and cells, not its text (`data/reports.json`,
    /// `data/cells.csv`): see [`data_print`].
    AnyReportData,
    /// What listings show of each report: agency, year, title, date, address,
    /// key figures; and which reports exist.
    Listings,
    /// The listing data of one agency's reports.
    AgencyListing(String),
    /// The listing data of one year's reports.
    YearListing(i64),
    /// The metadata and cells of one year's reports, not their text: a
    /// year page sums their cells (see [`data_print`]).
    YearData(i64),
}

/// The inputs of a job: the dependency map from sources to outputs.
pub fn job_inputs(job: &Job) -> Vec<Input> {
    let mut inputs = vec![Input::Config, Input::Theme];
    match job {
        Job::Index | Job::Feeds => inputs.push(Input::Listings),
        Job::NotFound | Job::Statics => {}
        Job::Report(rel) => inputs.push(Input::Report(rel.clone())),
        Job::Agency(name) => inputs.push(Input::AgencyListing(name.clone())),
        // The year page sums every cell of the year's reports, and shows
        // nothing of their text: a narrative edit leaves it as it is.
        Job::Year(y) => inputs.extend([Input::YearListing(*y), Input::YearData(*y)]),
        Job::PortalJson | Job::PortalCsv => inputs.push(Input::AnyReportData),
        Job::Search => inputs.push(Input::AnyReport),
    }
    inputs
}

/// The jobs whose inputs intersect `changed`, out of `jobs`: what
/// [`job_inputs`] says.
pub fn dependents(changed: &BTreeSet<Input>, jobs: &[Job]) -> Vec<Job> {
    if changed.contains(&Input::Config) || changed.contains(&Input::Theme) {
        return jobs.to_vec();
    }
    let has = |i: Input| changed.contains(&i);
    jobs.iter()
        .filter(|job| match job {
            Job::Index | Job::Feeds => has(Input::Listings),
            Job::NotFound | Job::Statics => false,
            Job::Report(rel) => has(Input::Report(rel.clone())),
            Job::Agency(name) => has(Input::AgencyListing(name.clone())),
            Job::Year(y) => has(Input::YearListing(*y)) || has(Input::YearData(*y)),
            Job::PortalJson | Job::PortalCsv => has(Input::AnyReportData),
            Job::Search => has(Input::AnyReport),
        })
        .cloned()
        .collect()
}

/// Hashes of every [`Input`], for a build that starts from the manifest of
/// the previous build instead of from the changes a watcher saw: a job's
/// fingerprint is the hash of its inputs' hashes (see [`job_fingerprints`]).
struct InputPrints<'a> {
    site: &'a Site,
    config: Hash,
    theme: Hash,
    /// By source path: the file's text, its agency's address and the
    /// acknowledged findings shown on its page.
    report: rustc_hash::FxHashMap<&'a str, Hash>,
    /// By index into `site.reports`: the report's [`ListingKey`].
    listing: Vec<Hash>,
    /// By index into `site.reports`: the report's [`data_print`].
    data: Vec<Hash>,
    /// Which agencies (with their addresses) and years exist.
    shape: Hash,
}

/// Feeds length-prefixed parts to one hash.
#[derive(Default)]
pub(crate) struct Hasher(xxhash_rust::xxh3::Xxh3);

impl Hasher {
    pub(crate) fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.0.update(&(b.len() as u64).to_le_bytes());
        self.0.update(b);
        self
    }

    fn hash(&mut self, h: Hash) -> &mut Self {
        self.0.update(&h.to_le_bytes());
        self
    }

    pub(crate) fn finish(&self) -> Hash {
        self.0.digest128()
    }
}

impl<'a> InputPrints<'a> {
    fn new(settings: &Settings, theme: &Theme, site: &'a Site) -> InputPrints<'a> {
        let config = Hasher::default()
            .bytes(format!("{:?}", settings.site).as_bytes())
            .bytes(&[settings.minify as u8])
            .finish();
        let mut acknowledged: BTreeMap<&str, Hasher> = BTreeMap::new();
        for f in site.findings.iter().filter(|f| f.acknowledged.is_some()) {
            acknowledged
                .entry(f.file.as_str())
                .or_default()
                .bytes(f.to_text().as_bytes());
        }
        let dir = |agency: &str| {
            site.agencies
                .get(agency)
                .and_then(|a| a.dir.clone())
                .unwrap_or_default()
        };
        use rayon::prelude::*;
        let report = site
            .reports
            .par_iter()
            .map(|r| {
                let rel = r.source.rel.as_str();
                let mut h = Hasher::default();
                h.hash(r.source_hash).bytes(dir(&r.meta.agency).as_bytes());
                if let Some(a) = acknowledged.get(rel) {
                    h.hash(a.finish());
                }
                (rel, h.finish())
            })
            .collect();
        let listing = site.reports.iter().map(|r| r.listing_print).collect();
        let data = site.reports.iter().map(|r| r.data_print).collect();
        let mut shape = Hasher::default();
        for (name, a) in &site.agencies {
            shape
                .bytes(name.as_bytes())
                .bytes(a.dir.as_deref().unwrap_or("").as_bytes());
        }
        for y in site.years.keys() {
            shape.bytes(&y.to_le_bytes());
        }
        InputPrints {
            site,
            config,
            theme: theme.fingerprint,
            report,
            listing,
            data,
            shape: shape.finish(),
        }
    }

    fn of(&self, input: &Input) -> Hash {
        let mut h = Hasher::default();
        match input {
            Input::Config => return self.config,
            Input::Theme => return self.theme,
            Input::Report(rel) => return self.report.get(rel.as_str()).copied().unwrap_or(0),
            Input::AnyReport => {
                for r in &self.site.reports {
                    h.hash(self.report[r.source.rel.as_str()]);
                }
            }
            Input::AnyReportData => {
                for d in &self.data {
                    h.hash(*d);
                }
            }
            Input::Listings => {
                h.hash(self.shape);
                for l in &self.listing {
                    h.hash(*l);
                }
            }
            Input::AgencyListing(name) => {
                h.hash(self.shape);
                for &i in self
                    .site
                    .agencies
                    .get(name)
                    .map(|a| &a.reports[..])
                    .unwrap_or(&[])
                {
                    h.hash(self.listing[i]);
                }
            }
            Input::YearListing(y) => {
                // A year page links to the years before and after it.
                h.hash(self.shape);
                for &i in self.site.years.get(y).map(|v| &v[..]).unwrap_or(&[]) {
                    h.hash(self.listing[i]);
                }
            }
            Input::YearData(y) => {
                for &i in self.site.years.get(y).map(|v| &v[..]).unwrap_or(&[]) {
                    h.hash(self.data[i]);
                }
            }
        }
        h.finish()
    }
}

/// The fingerprint of each of `jobs`: a hash of everything the job reads
/// (its [`job_inputs`]) and of `version` (the gongkai that renders). A job
/// whose fingerprint is the one recorded by the previous build would write
/// the same files.
pub fn job_fingerprints(
    jobs: &[Job],
    settings: &Settings,
    theme: &Theme,
    site: &Site,
    version: &str,
) -> Vec<Hash> {
    use rayon::prelude::*;
    let prints = InputPrints::new(settings, theme, site);
    jobs.par_iter()
        .map(|job| {
            let mut h = Hasher::default();
            h.bytes(version.as_bytes());
            for input in job_inputs(job) {
                h.hash(prints.of(&input));
            }
            h.finish()
        })
        .collect()
}

/// What listings show of a report (for comparing one report before and
/// after an edit; [`listing_print`] hashes the same).
#[derive(PartialEq)]
struct ListingKey {
    agency: String,
    year: i64,
    title: String,
    published: Option<crate::report::Date>,
    dir: String,
    figures: crate::report::figures::KeyFigures,
}

fn listing_key(r: &Report) -> ListingKey {
    ListingKey {
        agency: r.meta.agency.clone(),
        year: r.meta.year,
        title: r.meta.title.clone(),
        published: r.meta.published,
        dir: report_dir(r),
        figures: r.figures().clone(),
    }
}

/// A hash of what listings show of a report (agency, year, title, date,
/// address, key figures): when it changes, listings are re-rendered.
pub fn listing_print(r: &Report) -> Hash {
    let ListingKey {
        agency,
        year,
        title,
        published,
        dir,
        figures,
    } = listing_key(r);
    let mut h = Hasher::default();
    h.bytes(agency.as_bytes())
        .bytes(&year.to_le_bytes())
        .bytes(title.as_bytes())
        .bytes(
            published
                .map(|d| d.to_string())
                .unwrap_or_default()
                .as_bytes(),
        )
        .bytes(dir.as_bytes());
    for figure in figures.each() {
        match figure {
            Some(n) => h.bytes(&n.exact_bytes()),
            None => h.bytes(b"-"),
        };
    }
    h.finish()
}

/// A hash of what the portal-wide data files show of a report: its metadata,
/// address and cells, not its narrative (`render::data::report_data` and the
/// rows of `data/cells.csv` read nothing else). A narrative edit, the most
/// common one, leaves the two largest files of the portal as they are.
pub fn data_print(r: &Report) -> Hash {
    use crate::report::Value;
    let m = &r.meta;
    let mut h = Hasher::default();
    h.bytes(m.agency.as_bytes())
        .bytes(&m.year.to_le_bytes())
        .bytes(m.title.as_bytes())
        .bytes(m.format.map_or("-", |f| f.key()).as_bytes())
        .bytes(
            m.published
                .map(|d| d.to_string())
                .unwrap_or_default()
                .as_bytes(),
        )
        .bytes(r.source.rel.as_bytes())
        .bytes(report_dir(r).as_bytes());
    for t in &r.tables {
        let Some(t) = t else {
            h.bytes(b"-");
            continue;
        };
        h.bytes(t.spec.key.as_bytes());
        for row in &t.rows {
            h.bytes(&[row.state as u8]);
            for c in &row.cells {
                let (tag, (mantissa, scale)) = match c.value {
                    Value::Blank => (0u8, (0, 0)),
                    Value::NotApplicable => (1, (0, 0)),
                    Value::Number(n) => (2, n.parts()),
                    Value::Invalid => (3, (0, 0)),
                };
                h.0.update(&[tag, scale, c.origin as u8]);
                h.0.update(&mantissa.to_le_bytes());
            }
        }
        for n in &t.notes {
            h.hash(u128::from(n.row) << 16 | u128::from(n.col))
                .bytes(n.text.as_bytes());
        }
    }
    h.finish()
}

/// A hash of an output file's bytes (XXH3, 128 bits): equal hashes, equal files.
pub type Hash = u128;

pub fn hash(bytes: &[u8]) -> Hash {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// A writer that hashes what goes through it.
pub struct HashWriter<W> {
    pub inner: W,
    state: xxhash_rust::xxh3::Xxh3,
}

impl<W: Write> HashWriter<W> {
    pub fn new(inner: W) -> HashWriter<W> {
        HashWriter {
            inner,
            state: xxhash_rust::xxh3::Xxh3::new(),
        }
    }

    pub fn hash(&self) -> Hash {
        self.state.digest128()
    }
}

impl<W: Write> Write for HashWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.state.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The writer of a streamed file.
pub type Producer<'a> = &'a mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>;

/// Where a pipeline writes.
pub trait Sink: Sync {
    /// Writes a file whose bytes changed; returns the file as written when
    /// the sink knows it (for the manifest).
    fn write(&self, file: &OutputFile) -> std::io::Result<Option<Seen>>;
    /// Writes a file piece by piece, unless its hash turns out to be
    /// `previous`. Returns the hash and whether the file was written
    /// (as it then is, when the sink knows).
    fn stream(
        &self,
        path: &str,
        previous: Option<Hash>,
        write: Producer,
    ) -> std::io::Result<(Hash, Written)>;
    /// Removes a file no job makes any more.
    fn remove(&self, path: &str) -> std::io::Result<()>;
}

/// Writes into a folder, each file atomically (a reader never sees half a file).
pub struct DirSink {
    pub root: PathBuf,
}

impl Sink for DirSink {
    fn write(&self, file: &OutputFile) -> std::io::Result<Option<Seen>> {
        let tmp = format!("{}.gongkai-tmp", file.path);
        crate::output::write_bytes(&self.root, &tmp, &file.bytes)?;
        std::fs::rename(self.root.join(&tmp), self.root.join(&file.path))?;
        Ok(None)
    }

    fn stream(
        &self,
        path: &str,
        previous: Option<Hash>,
        write: Producer,
    ) -> std::io::Result<(Hash, Written)> {
        let tmp = format!("{path}.gongkai-tmp");
        let (hash, _) = crate::output::write_stream(&self.root, &tmp, write)?;
        if previous == Some(hash) {
            std::fs::remove_file(self.root.join(&tmp))?;
            return Ok((hash, Written::No));
        }
        std::fs::rename(self.root.join(&tmp), self.root.join(path))?;
        Ok((hash, Written::Yes(None)))
    }

    fn remove(&self, path: &str) -> std::io::Result<()> {
        let full = self.root.join(path);
        match std::fs::remove_file(&full) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        // Remove folders left empty, up to the root.
        let mut dir = full.parent();
        while let Some(d) = dir {
            if d == self.root || std::fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
        Ok(())
    }
}

/// Why a run wrote nothing.
#[derive(Debug)]
pub enum Stop {
    /// Errors in the sources (reports, `site.toml`, theme): the last good
    /// output stays. All findings, warnings included.
    Findings(Vec<Finding>),
    /// Could not write.
    Io(std::io::Error),
}

/// What a successful run did.
#[derive(Debug, Default)]
pub struct Applied {
    /// Output paths written or removed because their bytes changed.
    pub changed: Vec<String>,
    /// The findings of the whole site (warnings only).
    pub findings: Vec<Finding>,
    /// Number of jobs that ran.
    pub jobs: usize,
}

/// The state kept between runs.
pub struct Pipeline {
    pub root: PathBuf,
    output: Option<PathBuf>,
    minify: bool,
    pub settings: Settings,
    theme: Option<Theme>,
    files: BTreeMap<String, LoadedFile>,
    pub site: Site,
    /// Every output file as written: its job and a hash of its bytes.
    outputs: BTreeMap<String, (Job, Hash)>,
    /// Inputs changed since the last successful run.
    pending: BTreeSet<Input>,
    /// Jobs [`Pipeline::run_first`] left for [`Pipeline::run_deferred`].
    deferred: Vec<Job>,
    /// The acknowledged findings of each file: shown on its page, they may
    /// change through another report (a cross-report rule).
    acknowledged: BTreeMap<String, Vec<String>>,
    /// Whether `site` was assembled from `files` as they are.
    site_current: bool,
}

/// One output of a run.
pub struct Produced {
    pub job: Job,
    pub path: String,
    pub hash: Hash,
    /// False when the file already held these bytes.
    pub written: bool,
    /// The file as written, when the sink told.
    pub seen: Option<Seen>,
}

/// Whether a streamed file was written, and as what when the sink knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Written {
    /// The file already held these bytes.
    No,
    Yes(Option<Seen>),
}

/// Hands each file of a run to the sink when its bytes changed, and notes it.
struct Recorder<'a> {
    sink: &'a dyn Sink,
    previous: &'a BTreeMap<String, (Job, Hash)>,
    produced: Mutex<Vec<Produced>>,
    /// Told the path of each file produced (a progress bar).
    on_file: Option<&'a (dyn Fn(&str) + Sync)>,
}

impl Recorder<'_> {
    fn previous(&self, path: &str) -> Option<Hash> {
        self.previous.get(path).map(|(_, h)| *h)
    }

    fn note(&self, p: Produced) {
        if let Some(f) = self.on_file {
            f(&p.path);
        }
        self.produced
            .lock()
            .expect("no panics while locked")
            .push(p);
    }
}

impl crate::render::Emit for Recorder<'_> {
    fn file(&self, job: &Job, file: OutputFile) -> std::io::Result<()> {
        let hash = hash(&file.bytes);
        let written = self.previous(&file.path) != Some(hash);
        let seen = match written {
            true => self.sink.write(&file)?,
            false => None,
        };
        self.note(Produced {
            job: job.clone(),
            path: file.path,
            hash,
            written,
            seen,
        });
        Ok(())
    }

    fn stream(&self, job: &Job, path: &str, write: Producer) -> std::io::Result<()> {
        let (hash, written) = self.sink.stream(path, self.previous(path), write)?;
        let seen = match written {
            Written::Yes(seen) => seen,
            Written::No => None,
        };
        self.note(Produced {
            job: job.clone(),
            path: path.to_string(),
            hash,
            written: written != Written::No,
            seen,
        });
        Ok(())
    }
}

/// Renders `jobs` into `sink`, each file as soon as it exists, except files
/// whose bytes are those `previous` records for their path. Returns what was
/// produced, also when the run stopped half-way (what it wrote is on disk).
pub fn render_into(
    renderer: &Renderer,
    jobs: &[Job],
    previous: &BTreeMap<String, (Job, Hash)>,
    sink: &dyn Sink,
    on_file: Option<&(dyn Fn(&str) + Sync)>,
) -> (Vec<Produced>, Result<(), Stop>) {
    let recorder = Recorder {
        sink,
        previous,
        produced: Mutex::new(Vec::new()),
        on_file,
    };
    let result = renderer.render(jobs, &recorder).map_err(|e| match e {
        RenderError::Template(f) => Stop::Findings(vec![f]),
        RenderError::Io(e) => Stop::Io(e),
    });
    let produced = recorder
        .produced
        .into_inner()
        .expect("no panics while locked");
    (produced, result)
}

impl Pipeline {
    /// Loads everything (nothing is written until [`Pipeline::run`]).
    pub fn new(root: &Path, output: Option<&Path>, minify: bool) -> Pipeline {
        // Placeholder until the first run reads site.toml (pending: Config).
        let settings = Settings::with_site(root, output, minify, Default::default());
        Pipeline {
            root: root.to_path_buf(),
            output: output.map(Path::to_path_buf),
            minify,
            settings,
            theme: None,
            files: BTreeMap::new(),
            site: Site::default(),
            outputs: BTreeMap::new(),
            pending: [Input::Config].into(),
            deferred: Vec::new(),
            acknowledged: BTreeMap::new(),
            site_current: false,
        }
    }

    /// Runs after `changes`: reloads what changed, re-renders what depends on
    /// it and writes the outputs whose bytes changed. With no previous run,
    /// builds everything.
    pub fn run(&mut self, changes: &[Change], sink: &dyn Sink) -> Result<Applied, Stop> {
        let mut applied = self.run_first(changes, sink)?;
        let rest = self.run_deferred(sink)?;
        applied.changed.extend(rest.changed);
        applied.changed.sort();
        applied.jobs += rest.jobs;
        Ok(applied)
    }

    /// Like [`Pipeline::run`], but renders only the pages of the changed
    /// reports (what an author is looking at); the listings, portal data and
    /// search index wait for [`Pipeline::run_deferred`]. `serve` tells the
    /// browser between the two.
    pub fn run_first(&mut self, changes: &[Change], sink: &dyn Sink) -> Result<Applied, Stop> {
        crate::timing::time("serve: reload", || self.reload(changes))?;
        let findings = self.site.findings.clone();
        if self.site.has_errors() {
            return Err(Stop::Findings(findings));
        }
        let theme = self.theme.as_ref().expect("reload loads the theme");
        let renderer = crate::timing::time("serve: renderer", || {
            Renderer::new(&self.settings, theme, &self.site)
        });
        let all = crate::timing::time("serve: all jobs", || renderer.all_jobs());
        let mut jobs = crate::timing::time("serve: plan", || self.plan(&all));
        jobs.append(&mut self.deferred);
        jobs.sort();
        jobs.dedup();
        let (first, rest): (Vec<Job>, Vec<Job>) = jobs
            .into_iter()
            .partition(|j| matches!(j, Job::Report(_) | Job::Statics | Job::NotFound));
        self.deferred = rest;
        let (produced, result) = crate::timing::time("serve: render", || {
            render_into(&renderer, &first, &self.outputs, sink, None)
        });
        let changed = crate::timing::time("serve: record", || {
            self.record(&first, produced, result.is_ok(), sink)
        });
        result?;
        let changed = changed?;
        self.pending.clear();
        Ok(Applied {
            changed,
            findings,
            jobs: first.len(),
        })
    }

    /// Runs the jobs [`Pipeline::run_first`] left.
    pub fn run_deferred(&mut self, sink: &dyn Sink) -> Result<Applied, Stop> {
        let jobs = std::mem::take(&mut self.deferred);
        if jobs.is_empty() {
            return Ok(Applied::default());
        }
        let theme = self.theme.as_ref().expect("run_first loaded the theme");
        let renderer = Renderer::new(&self.settings, theme, &self.site);
        let (produced, result) = render_into(&renderer, &jobs, &self.outputs, sink, None);
        let changed = self.record(&jobs, produced, result.is_ok(), sink);
        if let Err(stop) = result {
            self.deferred = jobs;
            return Err(stop);
        }
        let changed = changed?;
        Ok(Applied {
            changed,
            findings: Vec::new(),
            jobs: jobs.len(),
        })
    }

    /// The jobs to run: all after a config or theme change, else those whose
    /// inputs changed, plus the jobs of reports that are gone (to remove their files).
    fn plan(&self, all_jobs: &[Job]) -> Vec<Job> {
        let full = self.pending.contains(&Input::Config) || self.pending.contains(&Input::Theme);
        let mut jobs = if full {
            all_jobs.to_vec()
        } else {
            dependents(&self.pending, all_jobs)
        };
        // Jobs come and go only with reports, agencies and years, which
        // change the listings (or with site.toml and the theme).
        if !full && !self.pending.contains(&Input::Listings) {
            return jobs;
        }
        let live: std::collections::HashSet<&Job> = all_jobs.iter().collect();
        let gone: BTreeSet<Job> = self
            .outputs
            .values()
            .map(|(j, _)| j)
            .filter(|j| !live.contains(j))
            .cloned()
            .collect();
        jobs.extend(gone);
        jobs
    }

    /// Records what a run wrote and, when all its jobs ran (`complete`),
    /// removes the files the re-run jobs no longer make. Returns the paths
    /// that changed.
    fn record(
        &mut self,
        jobs: &[Job],
        produced: Vec<Produced>,
        complete: bool,
        sink: &dyn Sink,
    ) -> Result<Vec<String>, Stop> {
        let mut changed: Vec<String> = produced
            .iter()
            .filter(|p| p.written)
            .map(|p| p.path.clone())
            .collect();
        if !complete {
            for p in produced.into_iter().filter(|p| p.written) {
                self.outputs.insert(p.path, (p.job, p.hash));
            }
            return Ok(changed);
        }
        let rerun: BTreeSet<&Job> = jobs.iter().collect();
        let now: BTreeSet<&str> = produced.iter().map(|p| p.path.as_str()).collect();
        let stale: Vec<String> = self
            .outputs
            .iter()
            .filter(|(path, (job, _))| rerun.contains(job) && !now.contains(path.as_str()))
            .map(|(path, _)| path.clone())
            .collect();
        for path in stale {
            sink.remove(&path).map_err(Stop::Io)?;
            self.outputs.remove(&path);
            changed.push(path);
        }
        for p in produced {
            self.outputs.insert(p.path, (p.job, p.hash));
        }
        changed.sort();
        Ok(changed)
    }

    /// Brings the loaded state up to date with `changes` and records which inputs changed.
    fn reload(&mut self, changes: &[Change]) -> Result<(), Stop> {
        // Edits that leave every report in its place (agency, year, file)
        // patch the site instead of assembling it again.
        let mut in_place = self.site_current
            && !self.pending.contains(&Input::Config)
            && changes.iter().all(|c| matches!(c, Change::Report(_)));
        let mut edited = Vec::new();
        self.site_current = false;
        if changes.contains(&Change::Config) {
            self.pending.insert(Input::Config);
        }
        if changes.contains(&Change::Theme) {
            self.pending.insert(Input::Theme);
        }
        if self.pending.contains(&Input::Config) {
            let (settings, listed) =
                Settings::new_listed(&self.root, self.output.as_deref(), self.minify)
                    .map_err(|f| Stop::Findings(vec![f]))?;
            self.settings = settings;
            let files =
                crate::site::load_all_cached(&self.settings, crate::site::CacheMode::Read, listed)
                    .map_err(Stop::Io)?;
            self.files = files
                .into_iter()
                .map(|f| (f.source.rel.clone(), f))
                .collect();
            self.theme = None;
        } else {
            for change in changes {
                match change {
                    Change::Report(path) => {
                        let (rel, same_place) = self.reload_report(path);
                        in_place &= same_place;
                        edited.push(rel);
                    }
                    Change::Rescan => {
                        let found =
                            content::discover(&self.settings.root, &self.settings.content_dir)
                                .map_err(Stop::Io)?;
                        let mut paths: BTreeSet<PathBuf> =
                            self.files.values().map(|f| f.source.path.clone()).collect();
                        paths.extend(found.into_iter().map(|s| s.path));
                        for path in paths {
                            self.reload_report(&path);
                        }
                    }
                    Change::Config | Change::Theme => {}
                }
            }
        }
        if self.theme.is_none() || self.pending.contains(&Input::Theme) {
            self.theme = None;
            self.theme = Some(
                Theme::load(&self.settings.root, &self.settings.site.theme)
                    .map_err(|f| Stop::Findings(vec![f]))?,
            );
        }
        let years: BTreeSet<i64> = self.site.years.keys().copied().collect();
        let patched = in_place
            && crate::timing::time("serve: patch site", || {
                self.site.replace(&self.files, &edited, &self.settings.site)
            });
        if !patched {
            let cross = std::mem::take(&mut self.site).cross;
            self.site = crate::timing::time("serve: assemble", || {
                Site::assemble_cached(
                    self.files.values().cloned().collect(),
                    &self.settings.site,
                    cross,
                )
            });
        }
        self.site_current = true;
        // A year page links to the years before and after it: when a year
        // appears or goes, its neighbours change.
        let now: BTreeSet<i64> = self.site.years.keys().copied().collect();
        for y in years.symmetric_difference(&now) {
            self.pending.insert(Input::YearListing(y - 1));
            self.pending.insert(Input::YearListing(y + 1));
        }
        let mut acknowledged: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for f in self
            .site
            .findings
            .iter()
            .filter(|f| f.acknowledged.is_some())
        {
            acknowledged
                .entry(f.file.clone())
                .or_default()
                .push(f.to_text());
        }
        for rel in acknowledged.keys().chain(self.acknowledged.keys()) {
            if acknowledged.get(rel) != self.acknowledged.get(rel) {
                self.pending.insert(Input::Report(rel.clone()));
            }
        }
        self.acknowledged = acknowledged;
        Ok(())
    }

    /// Re-reads one report file (or forgets it when it is gone). Returns its
    /// source path and whether the report was and still is readable with
    /// the same agency and year (its place in the site is the same).
    fn reload_report(&mut self, path: &Path) -> (String, bool) {
        let source = content::source_path(&self.settings.root, &self.settings.content_dir, path);
        let old = self.files.remove(&source.rel);
        let new = (path.is_file() && content::is_report_file(path))
            .then(|| load_file(&self.settings, &source));
        let old_key = old
            .as_ref()
            .and_then(|f| f.report.as_ref())
            .map(|r| listing_key(r));
        let new_key = new
            .as_ref()
            .and_then(|f| f.report.as_ref())
            .map(|r| listing_key(r));
        if old_key != new_key {
            self.pending.insert(Input::Listings);
            for key in old_key.iter().chain(new_key.iter()) {
                self.pending
                    .insert(Input::AgencyListing(key.agency.clone()));
                self.pending.insert(Input::YearListing(key.year));
            }
        }
        self.pending.insert(Input::Report(source.rel.clone()));
        self.pending.insert(Input::AnyReport);
        let data = |f: &Option<LoadedFile>| {
            f.as_ref()
                .and_then(|f| f.report.as_deref())
                .map(|r| r.data_print)
        };
        if data(&old) != data(&new) {
            self.pending.insert(Input::AnyReportData);
            for key in old_key.iter().chain(new_key.iter()) {
                self.pending.insert(Input::YearData(key.year));
            }
        }
        let same_place = match (&old_key, &new_key) {
            (Some(a), Some(b)) => a.agency == b.agency && a.year == b.year,
            _ => false,
        };
        if let Some(f) = new {
            self.files.insert(source.rel.clone(), f);
        }
        (source.rel, same_place)
    }

    /// The source files currently loaded.
    pub fn sources(&self) -> impl Iterator<Item = &SourcePath> {
        self.files.values().map(|f| &f.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The listing print follows every key figure, and nothing else of the tables.
    #[test]
    fn the_listing_print_changes_with_a_key_figure() {
        let source = SourcePath {
            path: "content/a/2021.md".into(),
            rel: "content/a/2021.md".into(),
            stem: "a/2021".into(),
        };
        let skeleton = crate::report::skeleton::new_report("a", 2021, None);
        let print = |text: &str| {
            let report = crate::report::parse::parse_report(&source, text)
                .report
                .expect("a report");
            assert_eq!(report.figures().each().count(), 27);
            listing_print(&report)
        };
        let base = print(&skeleton);
        assert_eq!(print(&skeleton), base);
        // 一、本年新收: received and received_natural change.
        let received = skeleton.replacen("[0, 0, 0, 0, 0, 0, 0]", "[1, 0, 0, 0, 0, 0, 1]", 1);
        assert_ne!(print(&received), base);
        // 行政复议 · 结果维持 (the last table): review_outcomes[0].
        let review = skeleton.replacen("review: [0, 0, 0, 0, 0]", "review: [1, 0, 0, 0, 1]", 1);
        assert_ne!(review, skeleton);
        assert_ne!(print(&review), base);
        assert_ne!(print(&review), print(&received));
    }

    #[test]
    fn a_report_change_reruns_only_the_jobs_that_read_it() {
        let jobs: Vec<Job> = {
            let mut j = vec![
                Job::Index,
                Job::NotFound,
                Job::Statics,
                Job::PortalJson,
                Job::PortalCsv,
                Job::Feeds,
                Job::Search,
            ];
            j.extend(
                [
                    "content/a/2021.md",
                    "content/a/2022.md",
                    "content/b/2021.md",
                ]
                .map(|r| Job::Report(r.into())),
            );
            j.extend([
                Job::Agency("a".into()),
                Job::Agency("b".into()),
                Job::Year(2021),
                Job::Year(2022),
            ]);
            j
        };
        let report = |r: &str| Input::Report(r.into());
        let text_edit = vec![report("content/a/2021.md"), Input::AnyReport];
        let cell_edit = [
            text_edit.clone(),
            vec![Input::AnyReportData, Input::YearData(2021)],
        ]
        .concat();
        let figure_edit = [
            cell_edit.clone(),
            vec![
                Input::Listings,
                Input::AgencyListing("a".into()),
                Input::YearListing(2021),
            ],
        ]
        .concat();
        let cases: Vec<(Vec<Input>, Vec<Job>)> = vec![
            // The year page shows nothing of a report's text.
            (
                text_edit,
                vec![Job::Search, Job::Report("content/a/2021.md".into())],
            ),
            (
                cell_edit,
                vec![
                    Job::PortalJson,
                    Job::PortalCsv,
                    Job::Search,
                    Job::Report("content/a/2021.md".into()),
                    Job::Year(2021),
                ],
            ),
            (
                figure_edit,
                vec![
                    Job::Index,
                    Job::PortalJson,
                    Job::PortalCsv,
                    Job::Feeds,
                    Job::Search,
                    Job::Report("content/a/2021.md".into()),
                    Job::Agency("a".into()),
                    Job::Year(2021),
                ],
            ),
            (vec![Input::Listings], vec![Job::Index, Job::Feeds]),
            (vec![Input::Theme], jobs.clone()),
            (vec![Input::Config], jobs.clone()),
            (vec![], vec![]),
        ];
        for (changed, expected) in cases {
            let changed: BTreeSet<Input> = changed.into_iter().collect();
            assert_eq!(dependents(&changed, &jobs), expected, "{changed:?}");
            // The same as reading the dependency map job by job.
            let by_map: Vec<Job> = jobs
                .iter()
                .filter(|job| job_inputs(job).iter().any(|i| changed.contains(i)))
                .cloned()
                .collect();
            assert_eq!(by_map, expected, "{changed:?}");
        }
    }
}
