//! `gongkai build`: check every report, then write the portal atomically.

use super::{EXIT_FINDINGS, EXIT_OK, interactive, print_findings, settings};
use crate::config::Settings;
use crate::manifest::{self, FileEntry, JobEntry, Manifest};
use crate::output::Staging;
use crate::pipeline::{Hash, Produced, Stop, job_fingerprints, render_into};
use crate::render::Job;
use crate::render::Renderer;
use crate::render::theme::Theme;
use crate::site::{CacheMode, Site, load_all_cached};
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

/// Options of `gongkai build`.
pub struct BuildOptions<'a> {
    pub output: Option<&'a Path>,
    pub minify: bool,
    pub quiet: bool,
    /// Render everything, ignoring the previous build's manifest.
    pub clean: bool,
}

pub fn run(root: &Path, options: BuildOptions) -> Result<ExitCode> {
    let BuildOptions {
        output,
        minify,
        quiet,
        clean,
    } = options;
    let started = Instant::now();
    // The spare of the last incremental build is listed on a thread of its
    // own, beside the load (see `output::list_spare`).
    let spare = (!clean).then(|| {
        let target = Settings::output_dir_for(root, output);
        std::thread::spawn(move || crate::output::list_spare(&target))
    });
    let (settings, listed) = match crate::timing::time("settings and the list of reports", || {
        settings(root, output, minify)
    })? {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let mode = match clean {
        true => CacheMode::Renew,
        false => CacheMode::ReadWrite,
    };
    let files = crate::timing::time("load (read, parse, check)", || {
        load_all_cached(&settings, mode, listed)
    })
    .with_context(|| format!("无法读取 {}", settings.content_dir.display()))?;
    let site = crate::timing::time("assemble (cross rules)", || {
        Site::assemble(files, &settings.site)
    });
    print_findings(&site.findings, true);
    if site.has_errors() {
        crate::timing::report();
        eprintln!("未生成网站：{} 保持不变。", settings.output_dir.display());
        return Ok(ExitCode::from(EXIT_FINDINGS));
    }
    let theme = match Theme::load(&settings.root, &settings.site.theme) {
        Ok(t) => t,
        Err(f) => {
            print_findings(&[f], true);
            return Ok(ExitCode::from(EXIT_FINDINGS));
        }
    };
    let built = crate::timing::time("render and write", || {
        let spare = spare.and_then(|listing| listing.join().ok().flatten());
        build_site(&settings, &theme, &site, interactive(quiet), clean, spare)
    });
    crate::timing::report();
    // The process ends now: the system takes its memory back at once,
    // instead of a free for each of the millions of values of the reports
    // (30-40 ms at 10,000 reports).
    let reports = site.reports.len();
    std::mem::forget(site);
    match built {
        Ok(Built { files, reused }) => {
            if !quiet {
                let reused = match reused {
                    0 => String::new(),
                    n => format!("，其中 {n} 个与上次相同，直接沿用"),
                };
                eprintln!(
                    "已生成 {reports} 份报告、{files} 个文件{reused} → {}（用时 {:.2} 秒）",
                    settings.output_dir.display(),
                    started.elapsed().as_secs_f64()
                );
            }
            Ok(ExitCode::from(EXIT_OK))
        }
        Err(BuildError::Template(f)) => {
            print_findings(&[f], true);
            eprintln!("未生成网站：{} 保持不变。", settings.output_dir.display());
            Ok(ExitCode::from(EXIT_FINDINGS))
        }
        Err(BuildError::Io(e)) => Err(e.context(format!(
            "未生成网站：{} 保持不变",
            settings.output_dir.display()
        ))),
    }
}

/// What a build wrote.
pub struct Built {
    /// Files in the output.
    pub files: usize,
    /// Of those, files carried over from the previous output unchanged.
    pub reused: usize,
}

/// Renders the site into a staging folder and swaps it in. Unless `clean`,
/// renders only the jobs whose inputs changed since the build recorded in
/// the manifest (see [`crate::manifest`]) and hard-links every other file
/// from the current output: the result is the tree a clean build writes.
/// The last step of a `build` process: the manifests it read and wrote are
/// left for the system to take back at exit, not freed.
pub fn build_site(
    settings: &Settings,
    theme: &Theme,
    site: &Site,
    progress: bool,
    clean: bool,
    spare: Option<crate::output::SpareListing>,
) -> Result<Built, BuildError> {
    let protected = [
        settings.content_dir.as_path(),
        &settings.root.join("themes"),
    ];
    let target = crate::output::absolute(&settings.output_dir).map_err(BuildError::Io)?;
    let mut renderer = Renderer::new(settings, theme, site);
    renderer.search_memo = Some(crate::render::search_memo::MemoPath {
        file: crate::load_cache::path(settings).join(crate::render::search_memo::FILE_NAME),
        read: !clean,
    });
    // Listing the spare, reading the manifest, and the jobs with their
    // fingerprints, side by side.
    let ((staging, previous), (jobs, prints, version)) = rayon::join(
        || {
            rayon::join(
                || {
                    crate::timing::time("staging begin", || {
                        Staging::begin_listed(&settings.output_dir, &protected, !clean, spare)
                    })
                },
                || match clean {
                    true => None,
                    false => crate::timing::time("manifest read", || Manifest::read(&target)),
                },
            )
        },
        || {
            let jobs = renderer.all_jobs();
            let version = manifest::version();
            let prints = crate::timing::time("fingerprints", || {
                job_fingerprints(&jobs, settings, theme, site, &version)
            });
            (jobs, prints, version)
        },
    );
    let staging = staging.map_err(BuildError::Io)?;
    if clean {
        Manifest::remove(&target);
    }
    let plan = crate::timing::time("plan (stat old output)", || {
        plan(&jobs, &prints, previous, &staging)
    });
    let bar = (progress && plan.run.len() > 100).then(|| {
        // Jobs that write an `index.html`.
        let pages = plan
            .run
            .iter()
            .filter(|j| {
                matches!(
                    j,
                    Job::Report(_) | Job::Agency(_) | Job::Year(_) | Job::Index | Job::Search
                )
            })
            .count();
        let bar = indicatif::ProgressBar::new(pages as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} 生成中 {bar:30} {pos}/{len}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let on_file = |path: &str| {
        if let Some(b) = &bar
            && path.ends_with("index.html")
        {
            b.inc(1);
        }
    };
    let (produced, result) = crate::timing::time("render all jobs (wall)", || {
        render_into(&renderer, &plan.run, &plan.same, &staging, Some(&on_file))
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if let Err(e) = result {
        staging.abort();
        return Err(match e {
            Stop::Findings(mut f) => BuildError::Template(f.remove(0)),
            Stop::Io(e) => BuildError::Io(
                anyhow::Error::new(e).context("写入输出文件失败（磁盘已满或没有写权限？）"),
            ),
        });
    }
    // Files whose bytes did not change keep their old file (and time).
    let mut carried: Vec<(&str, Option<u64>)> = plan
        .carried()
        .map(|f| (f.path.as_str(), Some(f.ino)))
        .collect();
    carried.extend(
        produced
            .iter()
            .filter(|p| !p.written)
            .map(|p| (p.path.as_str(), None)),
    );
    if let Err(e) = crate::timing::time("carry over", || staging.carry_over(&carried)) {
        // The old output changed under us: build everything.
        staging.abort();
        if clean {
            return Err(BuildError::Io(
                anyhow::Error::new(e).context("写入输出文件失败"),
            ));
        }
        return build_site(settings, theme, site, progress, true, None);
    }
    let reused = carried.len();
    // A reused staging folder (the spare) still holds files of an older output.
    let kept: rustc_hash::FxHashSet<&str> = plan
        .carried()
        .map(|f| f.path.as_str())
        .chain(produced.iter().map(|p| p.path.as_str()))
        .collect();
    if let Err(e) = crate::timing::time("remove others", || staging.remove_others(&kept)) {
        staging.abort();
        return Err(BuildError::Io(
            anyhow::Error::new(e).context("写入输出文件失败"),
        ));
    }
    drop(kept);
    let record = crate::timing::time("manifest entries", || {
        record(&jobs, &prints, plan, &produced, staging.dir(), version)
    })
    .map_err(|e| BuildError::Io(anyhow::Error::new(e).context("无法读取刚写入的文件")))?;
    let files = record.jobs.values().map(|j| j.files.len()).sum();
    // The replaced output is kept for the next build when it shares most of
    // its files with the new one (after a full build it would double the
    // disk space).
    let keep_spare = !clean && reused * 2 >= files;
    crate::timing::time("staging commit", || staging.commit(keep_spare)).map_err(BuildError::Io)?;
    if let Some(output) = manifest::folder_id(&target) {
        let record = Manifest { output, ..record };
        // Without a manifest the next build is a full one: nothing is lost.
        let _ = crate::timing::time("manifest write", || record.write(&target));
        // A build ends here: the system takes the memory back with the
        // process, instead of a free for each of the paths of both
        // manifests (20-25 ms at 10,000 reports, on one thread).
        std::mem::forget(record);
    }
    Ok(Built { files, reused })
}

/// Which jobs run and which files are carried over.
struct Plan {
    /// Jobs to render.
    run: Vec<Job>,
    /// The jobs carried whole, by key, as the manifest records them (their
    /// files still so on disk).
    carried_jobs: rustc_hash::FxHashMap<String, JobEntry>,
    /// The files of the jobs to render as they are in the old output: a
    /// file rendered to the same bytes is carried over instead of written.
    same: BTreeMap<String, (Job, Hash)>,
}

impl Plan {
    /// Every file carried over.
    fn carried(&self) -> impl Iterator<Item = &FileEntry> {
        self.carried_jobs.values().flat_map(|j| j.files.iter())
    }
}

/// A job's key, whether it is carried whole, and (when it is not) the
/// paths and hashes of its old files still in the output as recorded.
type Checked = (String, bool, Vec<(String, Hash)>);

/// Takes the entries of the carried jobs out of `previous` (moved, not
/// copied: at 10,000 reports they are some 60,000 paths); the rest of it is
/// left for the system to take back at exit, as `build_site` does.
fn plan(jobs: &[Job], prints: &[Hash], previous: Option<Manifest>, staging: &Staging) -> Plan {
    use rayon::prelude::*;
    let Some(mut previous) = previous else {
        return Plan {
            run: jobs.to_vec(),
            carried_jobs: Default::default(),
            same: BTreeMap::new(),
        };
    };
    // For each job: its key, whether all its old files are on disk as
    // recorded (and its inputs are unchanged): then it is carried; if not,
    // those of its old files that still are.
    let checked: Vec<Checked> = jobs
        .par_iter()
        .zip(prints)
        .map(|(job, print)| {
            let key = job.key();
            let Some(old) = previous.jobs.get(&key) else {
                return (key, false, Vec::new());
            };
            let in_output = |f: &&FileEntry| f.unchanged(&staging.target().join(&f.path));
            // A job carried whole: a file that the spare holds as the
            // recorded inode stays as it is (`Staging::carry_over`), so the
            // spare's listing says whether it is the file recorded; any
            // other file is carried from the output, and looked at there.
            let carry = old.fingerprint == *print
                && old.files.iter().all(|f| match staging.seen(&f.path) {
                    Some(seen) if seen.ino == f.ino => f.is(seen),
                    _ => in_output(&f),
                });
            if carry {
                return (key, true, Vec::new());
            }
            // A job run again: its files that come out the same are
            // carried from the output, so they are looked at there.
            let intact = old
                .files
                .iter()
                .filter(in_output)
                .map(|f| (f.path.clone(), f.hash))
                .collect();
            (key, false, intact)
        })
        .collect();
    let mut plan = Plan {
        run: Vec::new(),
        carried_jobs: Default::default(),
        same: BTreeMap::new(),
    };
    plan.carried_jobs.reserve(jobs.len());
    for (job, (key, carry, intact)) in jobs.iter().zip(checked) {
        if carry {
            let old = previous
                .jobs
                .remove(&key)
                .expect("carried jobs have an entry");
            plan.carried_jobs.insert(key, old);
        } else {
            plan.run.push(job.clone());
            for (path, hash) in intact {
                plan.same.insert(path, (job.clone(), hash));
            }
        }
    }
    std::mem::forget(previous);
    plan
}

/// The manifest of the new output (its folder id is set after the swap).
fn record(
    jobs: &[Job],
    prints: &[Hash],
    plan: Plan,
    produced: &[Produced],
    staging: &Path,
    version: String,
) -> std::io::Result<Manifest> {
    use rayon::prelude::*;
    let entries: Vec<(String, FileEntry)> = produced
        .par_iter()
        .map(|p| {
            // Written files as they were written; a file carried over
            // instead has the old file's size and time (a hard link, or a
            // copy), as it is now.
            let entry = match p.seen {
                Some(seen) => FileEntry::new(p.path.clone(), p.hash, seen),
                None => FileEntry::stat(p.path.clone(), p.hash, &staging.join(&p.path))?,
            };
            Ok((p.job.key(), entry))
        })
        .collect::<std::io::Result<_>>()?;
    let mut manifest = Manifest {
        version,
        output: String::new(),
        jobs: plan.carried_jobs,
    };
    for (job, print) in jobs.iter().zip(prints) {
        let key = job.key();
        manifest.jobs.entry(key).or_default().fingerprint = *print;
    }
    for (key, entry) in entries {
        manifest.jobs.entry(key).or_default().files.push(entry);
    }
    Ok(manifest)
}

/// Why writing the site failed.
pub enum BuildError {
    Template(crate::diag::Finding),
    Io(anyhow::Error),
}
