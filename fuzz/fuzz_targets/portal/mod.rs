//! Shared by the `report` and `render` targets: fuzz input → a small portal.
//!
//! The input is up to four report files separated by a line `%%%%`, each
//! placed at its own path (two years of one agency, a government, another
//! agency: enough for every cross-report rule); a last part that starts with
//! `# site.toml` is the portal's `site.toml`. `fuzz/seed` writes the fixtures
//! of `tests/fixtures/` in this form.

#![allow(dead_code)] // `report` reads only part of what `render` needs.

use gongkai::config::{Settings, SiteConfig};
use gongkai::content::{self, SourcePath};
use gongkai::diag::Finding;
use gongkai::site::{LoadedFile, Site};
use std::path::Path;

pub const SEPARATOR: &[u8] = b"\n%%%%\n";
pub const SITE_TOML: &[u8] = b"# site.toml\n";
const PATHS: [&str; 4] = [
    "测试局/2021.md",
    "测试局/2022.md",
    "测试区人民政府/2021.md",
    "另一局/2021.md",
];

pub struct Portal {
    pub settings: Settings,
    pub site: Site,
}

/// Splits `data` at `%%%%` lines (at most 4 reports and a site.toml).
fn parts(data: &[u8]) -> (Vec<&[u8]>, Option<&[u8]>) {
    let mut parts = Vec::new();
    let mut rest = data;
    while let Some(i) = rest.windows(SEPARATOR.len()).position(|w| w == SEPARATOR) {
        parts.push(&rest[..i]);
        rest = &rest[i + SEPARATOR.len()..];
    }
    parts.push(rest);
    let toml = match parts.last() {
        Some(p) if parts.len() > 1 && p.starts_with(SITE_TOML) => parts.pop(),
        _ => None,
    };
    parts.truncate(PATHS.len());
    (parts, toml)
}

/// Every finding names a file of the portal, at a line of that file.
fn check_findings(findings: &[Finding], files: &[(SourcePath, usize)]) {
    for f in findings {
        assert!(f.line >= 1 && f.column >= 1, "no position: {f:?}");
        assert!(!f.message.trim().is_empty(), "no message: {f:?}");
        if f.file == "site.toml" {
            continue;
        }
        let Some((_, lines)) = files.iter().find(|(s, _)| s.rel == f.file) else {
            panic!("finding in a file that does not exist: {f:?}");
        };
        assert!(
            f.line as usize <= lines + 1,
            "finding at line {} of a file of {lines} lines: {f:?}",
            f.line
        );
    }
}

/// The chain of `site::load_file` on bytes instead of a file, for each part,
/// then `Site::assemble`.
pub fn load(data: &[u8]) -> Portal {
    let (reports, toml) = parts(data);
    let config = toml
        .and_then(|t| std::str::from_utf8(t).ok())
        .and_then(|t| SiteConfig::parse(t).ok())
        .unwrap_or_default();
    let root = Path::new("/nonexistent-gongkai-fuzz");
    let settings = Settings::with_site(root, None, true, config);
    let content_dir = root.join("content");
    let mut files = Vec::new();
    let mut loaded = Vec::new();
    for (bytes, rel) in reports.iter().zip(PATHS) {
        let source = content::source_path(root, &content_dir, &content_dir.join(rel));
        // Lines as YAML and editors count them: LF, CRLF, or a lone CR.
        let lines = bytes
            .iter()
            .enumerate()
            .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
            .count()
            + 1;
        files.push((source.clone(), lines));
        loaded.push(load_file(&settings, &source, bytes));
    }
    for f in &loaded {
        check_findings(&f.findings, &files);
    }
    let site = Site::assemble(loaded, &settings.site);
    check_findings(&site.findings, &files);
    Portal { settings, site }
}

/// `site::load_file` after `content::read_text`.
fn load_file(settings: &Settings, source: &SourcePath, bytes: &[u8]) -> LoadedFile {
    let text = match content::decode(bytes) {
        Ok(t) => t,
        Err(e) => {
            assert!(e.line >= 1, "decode error without a line");
            return LoadedFile {
                source: source.clone(),
                report: None,
                findings: Vec::new(),
            };
        }
    };
    gongkai::site::load_text(settings, source, &text)
}
