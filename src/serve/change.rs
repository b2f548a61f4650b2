//! Which rebuild a changed path calls for: a pure function, table-tested
//! without a file watcher.

use crate::content::is_ignored_name;
use crate::pipeline::Change;
use std::path::{Path, PathBuf};

/// The folders a watcher reports paths in.
#[derive(Clone, Debug)]
pub struct Layout {
    pub root: PathBuf,
    pub content: PathBuf,
    /// `themes/<active theme>/`
    pub theme: PathBuf,
    /// Where serve writes; never a source.
    pub output: PathBuf,
}

/// What a changed path means, or `None` when it means nothing.
pub fn classify(layout: &Layout, path: &Path) -> Option<Change> {
    if path.starts_with(&layout.output) {
        return None;
    }
    let name = path.file_name()?.to_string_lossy();
    if is_ignored_name(&name) || name.contains("___jb_") || name.ends_with(".gongkai-tmp") {
        return None;
    }
    if path == layout.root.join("site.toml") {
        return Some(Change::Config);
    }
    if let Ok(rel) = path.strip_prefix(&layout.content) {
        // Inside a hidden folder (e.g. `.git`): nothing.
        if rel
            .components()
            .any(|c| is_ignored_name(&c.as_os_str().to_string_lossy()))
        {
            return None;
        }
        return match path.extension() {
            // Agency settings: they may change every report's checks.
            Some(_) if name == "_index.md" => Some(Change::Config),
            Some(ext) if ext == "md" => Some(Change::Report(path.to_path_buf())),
            // A folder created, renamed or removed: its reports moved with it.
            None => Some(Change::Rescan),
            Some(_) => None,
        };
    }
    if let Ok(rel) = path.strip_prefix(&layout.theme) {
        if rel
            .components()
            .any(|c| is_ignored_name(&c.as_os_str().to_string_lossy()))
        {
            return None;
        }
        return Some(Change::Theme);
    }
    None
}

/// Classifies a burst of paths into the changes to apply, without repeats.
pub fn classify_all<'a>(layout: &Layout, paths: impl IntoIterator<Item = &'a Path>) -> Vec<Change> {
    let mut out: Vec<Change> = paths
        .into_iter()
        .filter_map(|p| classify(layout, p))
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout {
        Layout {
            root: "/site".into(),
            content: "/site/content".into(),
            theme: "/site/themes/gov".into(),
            output: "/site/public".into(),
        }
    }

    #[test]
    fn maps_each_path_to_what_must_be_rebuilt() {
        let report = |p: &str| Some(Change::Report(p.into()));
        let table: &[(&str, Option<Change>)] = &[
            (
                "/site/content/西工区司法局/2021.md",
                report("/site/content/西工区司法局/2021.md"),
            ),
            ("/site/content/2021.md", report("/site/content/2021.md")),
            ("/site/content/西工区司法局/_index.md", Some(Change::Config)),
            ("/site/content/西工区司法局", Some(Change::Rescan)),
            ("/site/site.toml", Some(Change::Config)),
            (
                "/site/themes/gov/templates/report.html",
                Some(Change::Theme),
            ),
            ("/site/themes/gov/static/style.css", Some(Change::Theme)),
            // Editor temporaries and backups.
            ("/site/content/西工区司法局/.2021.md.swp", None),
            ("/site/content/西工区司法局/2021.md~", None),
            ("/site/content/西工区司法局/.#2021.md", None),
            ("/site/content/西工区司法局/#2021.md#", None),
            ("/site/content/西工区司法局/4913", None),
            ("/site/content/西工区司法局/2021.md___jb_tmp___", None),
            ("/site/content/.git/index", None),
            ("/site/themes/gov/templates/.report.html.swp", None),
            // Not sources.
            ("/site/content/西工区司法局/附件.pdf", None),
            ("/site/public/index.html", None),
            ("/site/README.md", None),
            ("/site/themes/other/templates/report.html", None),
            ("/site/site.toml.bak", None),
        ];
        for (path, expected) in table {
            assert_eq!(&classify(&layout(), Path::new(path)), expected, "{path}");
        }
    }

    #[test]
    fn a_burst_of_saves_is_one_change_per_file() {
        let paths = [
            "/site/content/a/2021.md",
            "/site/content/a/.2021.md.swp",
            "/site/content/a/2021.md",
            "/site/content/a/4913",
            "/site/content/a/2021.md",
        ];
        let changes = classify_all(&layout(), paths.iter().map(Path::new));
        assert_eq!(
            changes,
            vec![Change::Report("/site/content/a/2021.md".into())]
        );
    }
}
