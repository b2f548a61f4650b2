//! Themes: the built-in default theme (embedded in the binary) and a site's
//! own `themes/<name>/`, whose files override the built-in ones by path.

use crate::content::yaml::Pos;
use crate::diag::Finding;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Code for theme problems (a template that does not compile or render).
pub const THEME: &str = "TPL";

macro_rules! embed {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!("../../themes/default/", $path)))),*]
    };
}

/// The default theme, compiled in so that `gongkai` works in any folder.
pub const EMBEDDED: &[(&str, &str)] = embed!(
    "templates/base.html",
    "templates/index.html",
    "templates/report.html",
    "templates/404.html",
    "templates/agency.html",
    "templates/year.html",
    "templates/search.html",
    "templates/partials/table.html",
    "templates/partials/listing.html",
    "templates/partials/chart.html",
    "templates/partials/agency_name.html",
    "static/style.css",
    "static/site.js",
    "static/search.js",
);

/// A theme ready to render: compiled templates and static files.
pub struct Theme {
    /// The templates as written: for `--no-minify` and for error messages
    /// that point into the template files.
    pub tera: tera::Tera,
    /// The templates minified once with minify-html (template syntax kept),
    /// so that pages come out minified without minifying each page. `None`
    /// when a template cannot be minified safely (template tags inside an
    /// HTML tag): then each page is minified after rendering.
    pub minified: Option<tera::Tera>,
    /// Static files by path under `static/` (e.g. `style.css`).
    pub statics: BTreeMap<String, Vec<u8>>,
    /// Where each template came from, for error messages.
    origins: BTreeMap<String, String>,
    /// A hash of every file of the theme: an incremental build re-renders
    /// everything when it changes.
    pub fingerprint: crate::pipeline::Hash,
}

/// One file of a theme, with where it came from.
struct ThemeFile {
    /// Path inside the theme: `templates/report.html`, `static/style.css`.
    path: String,
    bytes: Vec<u8>,
    /// `themes/default/templates/report.html`, or `（内置默认主题）templates/report.html`.
    origin: String,
}

impl Theme {
    /// Loads theme `name` from `root/themes/<name>/` over the embedded default.
    pub fn load(root: &Path, name: &str) -> Result<Theme, Finding> {
        let mut files: BTreeMap<String, ThemeFile> = EMBEDDED
            .iter()
            .map(|(path, text)| {
                let f = ThemeFile {
                    path: path.to_string(),
                    bytes: text.as_bytes().to_vec(),
                    origin: format!("（内置默认主题）{path}"),
                };
                (path.to_string(), f)
            })
            .collect();
        let dir = root.join("themes").join(name);
        if name != "default" && !dir.is_dir() {
            return Err(Finding::error(
                "site.toml",
                Pos::new(1, 1),
                THEME,
                format!("找不到主题“{name}”：没有 themes/{name}/ 文件夹"),
            )
            .hint("删掉 site.toml 里的 theme 一行即使用内置默认主题"));
        }
        for file in read_dir_files(&dir).map_err(|e| io_finding(&dir, root, e))? {
            let rel = file.strip_prefix(&dir).unwrap_or(&file);
            let path = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let bytes = std::fs::read(&file).map_err(|e| io_finding(&file, root, e))?;
            let origin = crate::content::source_path(root, root, &file).rel;
            files.insert(
                path.clone(),
                ThemeFile {
                    path,
                    bytes,
                    origin,
                },
            );
        }
        let mut tera = tera::Tera::new();
        tera.autoescape_on(vec![".html", ".xml", ".htm"]);
        let mut origins = BTreeMap::new();
        let mut templates = Vec::new();
        let mut statics = BTreeMap::new();
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        for f in files.values() {
            for part in [f.path.as_bytes(), &f.bytes] {
                hasher.update(&(part.len() as u64).to_le_bytes());
                hasher.update(part);
            }
        }
        for f in files.into_values() {
            if let Some(name) = f.path.strip_prefix("templates/") {
                let text = String::from_utf8(f.bytes).map_err(|_| {
                    Finding::error(&f.origin, Pos::new(1, 1), THEME, "模板文件不是 UTF-8 编码")
                })?;
                origins.insert(name.to_string(), f.origin);
                templates.push((name.to_string(), text));
            } else if let Some(name) = f.path.strip_prefix("static/") {
                statics.insert(name.to_string(), f.bytes);
            }
        }
        let mut theme = Theme {
            tera: tera::Tera::new(),
            minified: None,
            statics,
            origins,
            fingerprint: hasher.digest128(),
        };
        tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| theme.finding(&e))?;
        theme.tera = tera;
        theme.minified = minified_tera(&templates);
        Ok(theme)
    }

    /// A template error as a finding at the template's file, line and column.
    pub fn finding(&self, err: &tera::Error) -> Finding {
        let (name, pos, message) = match err.kind() {
            tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => (
                r.filename().to_string(),
                Pos::new(r.span().start_line as u32, r.span().start_col as u32 + 1),
                r.message().to_string(),
            ),
            other => (String::new(), Pos::new(1, 1), other.to_string()),
        };
        let file = self.origins.get(&name).cloned().unwrap_or_else(|| {
            if name.is_empty() {
                "themes".into()
            } else {
                format!("templates/{name}")
            }
        });
        let message = if message.contains("not found in context")
            || message.contains("is not defined")
            || message.contains("undefined")
        {
            format!("模板使用了不存在的变量：{message}")
        } else {
            format!("模板错误：{message}")
        };
        Finding::error(&file, pos, THEME, message).hint("模板可用的变量见 README 的“主题”一节")
    }
}

/// The templates minified by minify-html, when minifying keeps every one of
/// them working: the template tags in the text in the same order, and only
/// `{{ }}` expressions (never `{% %}` blocks) inside HTML tags, where
/// minify-html may reorder the attributes.
fn minified_tera(templates: &[(String, String)]) -> Option<tera::Tera> {
    let minified: Vec<(String, String)> = templates
        .iter()
        .map(|(name, text)| {
            if !name.ends_with(".html") {
                return Some((name.clone(), text.clone()));
            }
            let out = String::from_utf8(minify_template(text.as_bytes())).ok()?;
            let (before, after) = (template_tags(text), template_tags(&out));
            let safe = before == after && !before.in_tags.iter().any(|t| !t.starts_with("{{"));
            safe.then(|| (name.clone(), out))
        })
        .collect::<Option<_>>()?;
    let mut tera = tera::Tera::new();
    tera.autoescape_on(vec![".html", ".xml", ".htm"]);
    tera.add_raw_templates(minified.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        .ok()?;
    Some(tera)
}

fn minify_template(html: &[u8]) -> Vec<u8> {
    let mut cfg = super::minify_cfg();
    cfg.preserve_brace_template_syntax = true;
    minify_html::minify(html, &cfg)
}

/// The template tags of a template, with inner spacing normalised: those in
/// the text in order, those inside HTML tags (attributes) as a sorted list.
#[derive(Debug, PartialEq)]
struct TemplateTags {
    in_text: Vec<String>,
    in_tags: Vec<String>,
}

fn template_tags(text: &str) -> TemplateTags {
    let mut tags = TemplateTags {
        in_text: Vec::new(),
        in_tags: Vec::new(),
    };
    let b = text.as_bytes();
    let (mut i, mut in_tag, mut quote) = (0usize, false, 0u8);
    while i < b.len() {
        let close = match (b[i], b.get(i + 1)) {
            (b'{', Some(b'{')) => Some("}}"),
            (b'{', Some(b'%')) => Some("%}"),
            (b'{', Some(b'#')) => Some("#}"),
            _ => None,
        };
        if let Some(close) = close {
            let Some(end) = text[i + 2..].find(close) else {
                break;
            };
            let inner = text[i + 2..i + 2 + end]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let token = format!("{}{inner}", &text[i..i + 2]);
            if in_tag {
                tags.in_tags.push(token)
            } else {
                tags.in_text.push(token)
            }
            i += end + 4;
            continue;
        }
        match b[i] {
            b'<' if !in_tag
                && b.get(i + 1)
                    .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'/') =>
            {
                in_tag = true
            }
            b'"' | b'\'' if in_tag && quote == 0 => quote = b[i],
            c if in_tag && c == quote => quote = 0,
            b'>' if in_tag && quote == 0 => in_tag = false,
            _ => {}
        }
        i += 1;
    }
    tags.in_tags.sort();
    tags
}

fn io_finding(path: &Path, root: &Path, e: std::io::Error) -> Finding {
    let rel = path
        .strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string();
    Finding::error(
        &rel,
        Pos::new(1, 1),
        THEME,
        format!("无法读取主题文件：{e}"),
    )
}

/// Every file under `dir` (none when it does not exist), sorted, hidden files skipped.
fn read_dir_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !crate::content::is_ignored_name(&e.file_name().to_string_lossy())
        })
    {
        let entry = entry.map_err(std::io::Error::other)?;
        if entry.file_type().is_file() {
            out.push(entry.into_path());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_template_is_minified_once_with_its_template_tags_intact() {
        for (path, text) in EMBEDDED.iter().filter(|(p, _)| p.ends_with(".html")) {
            let out = String::from_utf8(minify_template(text.as_bytes())).unwrap();
            assert_eq!(template_tags(text), template_tags(&out), "{path}:\n{out}");
        }
        let theme = Theme::load(Path::new("/nonexistent"), "default").unwrap();
        assert!(theme.minified.is_some());
    }

    #[test]
    fn a_template_tag_inside_an_html_tag_falls_back_to_minifying_pages() {
        let t = vec![(
            "x.html".to_string(),
            "<td{% if a %} id=\"{{ a }}\"{% endif %}>x</td>".to_string(),
        )];
        assert!(minified_tera(&t).is_none());
        let t = vec![(
            "x.html".to_string(),
            "<p class=\"{{ c }}\">\n  共 {{ n }} 份\n</p>".to_string(),
        )];
        assert!(minified_tera(&t).is_some());
    }
}
