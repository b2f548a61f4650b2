//! The commands: each turns [`Settings`] into work and an exit code.

mod build;
mod check;
mod import;
mod init;
mod new;

pub use build::build_site;

use crate::cli::{Cli, Command};
use crate::config::Settings;
use crate::diag::{self, Finding};
use anyhow::Result;
use std::io::IsTerminal;
use std::process::ExitCode;

/// Everything fine (warnings allowed).
pub const EXIT_OK: u8 = 0;
/// Problems found in the site's files: reports, `site.toml`, theme templates.
pub const EXIT_FINDINGS: u8 = 1;
/// Usage or I/O error: bad flags, unreadable folders, output not writable.
pub const EXIT_USAGE: u8 = 2;

pub fn run(cli: Cli) -> Result<ExitCode> {
    let root = cli.root.as_path();
    match cli.command {
        Command::Build {
            output,
            no_minify,
            clean,
        } => build::run(
            root,
            build::BuildOptions {
                output: output.as_deref(),
                minify: !no_minify,
                quiet: cli.quiet,
                clean,
            },
        ),
        Command::Check { format } => check::run(root, format),
        Command::Serve {
            watch,
            port,
            host,
            open,
            output,
            no_minify,
        } => {
            crate::serve::run(crate::serve::ServeOptions {
                root: root.to_path_buf(),
                host,
                port,
                watch,
                open,
                output,
                minify: !no_minify,
                quiet: cli.quiet,
            })?;
            Ok(ExitCode::from(EXIT_OK))
        }
        Command::New { agency, year } => new::run(root, &agency, year),
        Command::Init { dir } => init::run(dir.as_deref().unwrap_or(root)),
        Command::Import {
            files,
            agency,
            year,
            format,
            out,
            partial,
        } => import::run(import::ImportArgs {
            root,
            files: &files,
            agency,
            year,
            format,
            out: out.as_deref(),
            partial,
        }),
    }
}

/// Settings and the report files, or the finding in `site.toml` printed
/// and exit code 1.
fn settings(
    root: &std::path::Path,
    output: Option<&std::path::Path>,
    minify: bool,
) -> Result<Result<(Settings, crate::content::Listed), ExitCode>> {
    Ok(load_settings(root, output, minify)?.map_err(|f| {
        print_findings(&[f], true);
        ExitCode::from(EXIT_FINDINGS)
    }))
}

/// Settings and the report files, or the finding in `site.toml` for the
/// caller to print.
fn load_settings(
    root: &std::path::Path,
    output: Option<&std::path::Path>,
    minify: bool,
) -> Result<Result<(Settings, crate::content::Listed), Finding>> {
    if !root.is_dir() {
        anyhow::bail!("站点目录 {} 不存在", root.display());
    }
    Ok(Settings::new_listed(root, output, minify))
}

/// Prints findings and the summary line, to stderr or stdout.
pub fn print_findings(findings: &[Finding], to_stderr: bool) {
    let mut text = String::new();
    for f in findings {
        text.push_str(&f.to_text());
        text.push('\n');
    }
    if !findings.is_empty() {
        text.push_str(&diag::summary(findings));
        text.push('\n');
    }
    if to_stderr {
        eprint!("{text}");
    } else {
        print!("{text}");
    }
}

/// True when progress may be drawn.
fn interactive(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}
