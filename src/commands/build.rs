//! `gongkai build`: check every report, then write the portal atomically.

use super::{EXIT_FINDINGS, EXIT_OK, interactive, print_findings, settings};
use crate::config::Settings;
use crate::output::Staging;
use crate::pipeline::{Producer, Sink};
use crate::render::theme::Theme;
use crate::render::{Emit, Job, OutputFile};
use crate::render::{RenderError, Renderer};
use crate::site::{Site, load_all};
use anyhow::{Context, Result};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

pub fn run(root: &Path, output: Option<&Path>, minify: bool, quiet: bool) -> Result<ExitCode> {
    let started = Instant::now();
    let settings = match settings(root, output, minify)? {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let files = crate::timing::time("load (read, parse, check)", || load_all(&settings))
        .with_context(|| format!("无法读取 {}", settings.content_dir.display()))?;
    let site = crate::timing::time("assemble (cross rules)", || {
        Site::assemble(files, &settings.site)
    });
    print_findings(&site.findings, true);
    if site.has_errors() {
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
        build_site(&settings, &theme, &site, interactive(quiet))
    });
    crate::timing::report();
    match built {
        Ok(count) => {
            if !quiet {
                eprintln!(
                    "已生成 {} 份报告、{count} 个文件 → {}（用时 {:.2} 秒）",
                    site.reports.len(),
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

/// Why writing the site failed.
pub enum BuildError {
    Template(crate::diag::Finding),
    Io(anyhow::Error),
}

/// Renders every page into a staging folder and swaps it in. Returns the number of files.
pub fn build_site(
    settings: &Settings,
    theme: &Theme,
    site: &Site,
    progress: bool,
) -> Result<usize, BuildError> {
    let protected = [
        settings.content_dir.as_path(),
        &settings.root.join("themes"),
    ];
    let staging = crate::timing::time("staging begin", || {
        Staging::begin(&settings.output_dir, &protected)
    })
    .map_err(BuildError::Io)?;
    let renderer = Renderer::new(settings, theme, site);
    let jobs = renderer.all_jobs();
    let bar = progress.then(|| {
        let bar = indicatif::ProgressBar::new(jobs.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} 生成中 {bar:30} {pos}/{len}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let emit = StagingEmit {
        staging: &staging,
        count: AtomicUsize::new(0),
        bar: bar.as_ref(),
    };
    let render_start = std::time::Instant::now();
    let result = renderer.render(&jobs, &emit);
    let count = emit.count.into_inner();
    if crate::timing::enabled() {
        crate::timing::add("render all jobs (wall)", render_start);
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    match result {
        Ok(()) => {
            crate::timing::time("staging commit", || staging.commit()).map_err(BuildError::Io)?;
            Ok(count)
        }
        Err(e) => {
            staging.abort();
            Err(match e {
                RenderError::Template(f) => BuildError::Template(f),
                RenderError::Io(e) => BuildError::Io(
                    anyhow::Error::new(e).context("写入输出文件失败（磁盘已满或没有写权限？）"),
                ),
            })
        }
    }
}

/// Writes every file of a full build into the staging folder, counting them
/// and moving the progress bar once per page.
struct StagingEmit<'a> {
    staging: &'a Staging,
    count: AtomicUsize,
    bar: Option<&'a indicatif::ProgressBar>,
}

impl StagingEmit<'_> {
    fn written(&self, path: &str) {
        self.count.fetch_add(1, Ordering::Relaxed);
        if let Some(b) = self.bar
            && path.ends_with("index.html")
        {
            b.inc(1);
        }
    }
}

impl Emit for StagingEmit<'_> {
    fn file(&self, _job: &Job, file: OutputFile) -> std::io::Result<()> {
        self.staging.write(&file)?;
        self.written(&file.path);
        Ok(())
    }

    fn stream(&self, _job: &Job, path: &str, write: Producer) -> std::io::Result<()> {
        Sink::stream(self.staging, path, None, write)?;
        self.written(path);
        Ok(())
    }
}
