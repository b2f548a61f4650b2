//! `gongkai check`: the checks of `build`, without writing anything.

use super::{EXIT_FINDINGS, EXIT_OK, load_settings, print_findings};
use crate::cli::OutputFormat;
use crate::diag;
use crate::render::theme::Theme;
use crate::render::{Discard, RenderError, Renderer};
use crate::site::{CacheMode, Site, load_all_cached};
use anyhow::{Context, Result};
use std::path::Path;
use std::process::ExitCode;

pub fn run(root: &Path, format: OutputFormat) -> Result<ExitCode> {
    let (settings, listed) = match load_settings(root, None, true)? {
        Ok(s) => s,
        Err(f) => {
            // CI reads JSON from stdout whatever the problem is.
            match format {
                OutputFormat::Json => println!("{}", diag::to_json(&[f])),
                OutputFormat::Text => print_findings(&[f], true),
            }
            return Ok(ExitCode::from(EXIT_FINDINGS));
        }
    };
    let files = load_all_cached(&settings, CacheMode::Read, listed)
        .with_context(|| format!("无法读取 {}", settings.content_dir.display()))?;
    let mut site = Site::assemble(files, &settings.site);
    match Theme::load(&settings.root, &settings.site.theme) {
        Err(f) => {
            site.findings.push(f);
            diag::sort(&mut site.findings);
        }
        // A template error shows only when a page is rendered: render one of each kind.
        Ok(theme) if !site.has_errors() => {
            let renderer = Renderer::new(&settings, &theme, &site);
            if let Err(RenderError::Template(f)) =
                renderer.render(&renderer.sample_jobs(), &Discard)
            {
                site.findings.push(f);
                diag::sort(&mut site.findings);
            }
        }
        Ok(_) => {}
    }
    match format {
        OutputFormat::Json => println!("{}", diag::to_json(&site.findings)),
        OutputFormat::Text => {
            print_findings(&site.findings, false);
            if site.findings.is_empty() {
                println!(
                    "{}（{} 份报告）",
                    diag::summary(&site.findings),
                    site.reports.len()
                );
            }
        }
    }
    crate::timing::report();
    let code = match site.has_errors() {
        true => EXIT_FINDINGS,
        false => EXIT_OK,
    };
    // The process ends now: no free for each value of every report.
    std::mem::forget(site);
    Ok(ExitCode::from(code))
}
