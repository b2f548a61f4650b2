//! `site.toml` and the command-line flags, merged once into [`Settings`].

use crate::content::yaml::Pos;
mod agency;

pub use agency::{AgencyConfig, AgencyKind, AgencyLevel, load_agency_indexes};

use crate::diag::{Finding, codes};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `site.toml`. Every key is optional; unknown keys are errors.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SiteConfig {
    /// 网站名称, e.g. `西工区政府信息公开`.
    pub title: String,
    /// Public address of the portal, e.g. `https://www.example.gov.cn/xxgk/` (a sub-path works).
    pub base_url: String,
    /// Page language, `zh-CN`.
    pub language: String,
    /// Theme folder under `themes/`; files missing there come from the built-in default theme.
    pub theme: String,
    /// Allow raw HTML in report bodies (escaped by default).
    pub allow_raw_html: bool,
    /// The portal owner: 主办单位 and the registration numbers a government site shows.
    pub owner: Owner,
    /// A provincial overlay of the national format.
    pub overlay: Overlay,
    /// Per-agency settings, keyed by the agency's name (`agency:` in reports).
    pub agencies: BTreeMap<String, AgencyConfig>,
    /// Agencies the portal must carry a report from every year (C3).
    pub required_agencies: Vec<String>,
    /// Order of the agency groups on the index page.
    pub groups: Vec<String>,
}

/// The footer of a Chinese government website.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Owner {
    /// 主办单位, e.g. `西工区人民政府办公室`.
    pub name: String,
    /// 联系方式, e.g. `电话：0379-12345678`.
    pub contact: String,
    /// 网站标识码, e.g. `4103030001`.
    pub site_code: String,
    /// ICP备案号, e.g. `豫ICP备12345678号`.
    pub icp: String,
    /// 公安机关备案号, e.g. `豫公网安备 41030302000123号`.
    pub police: String,
}

/// A provincial overlay: the province's additions to the national format.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Overlay {
    /// A known province whose additions apply: `河南` (fee with 4 decimals).
    pub province: String,
    /// Decimals of the 2021 fee (万元); `河南` sets 4.
    pub fee_decimals: Option<u8>,
    /// Header of the fee column; `河南`: 本年收费金额（单位：万元，保留4位小数）.
    pub fee_label: Option<String>,
}

impl Overlay {
    /// Decimals required for the fee, from the explicit setting or the province.
    pub fn fee_decimals(&self) -> Option<u8> {
        self.fee_decimals.or_else(|| self.is_henan().then_some(4))
    }

    /// Header of the fee column.
    pub fn fee_label(&self) -> &str {
        if let Some(label) = &self.fee_label {
            return label;
        }
        if self.is_henan() {
            "本年收费金额（单位：万元，保留4位小数）"
        } else {
            crate::report::schema::FEE_LABEL_2021
        }
    }

    fn is_henan(&self) -> bool {
        matches!(self.province.trim(), "河南" | "河南省" | "henan")
    }
}

impl SiteConfig {
    /// Reads `site.toml` under `root`; a missing file gives the defaults.
    pub fn load(root: &Path) -> Result<SiteConfig, Finding> {
        use crate::content::Read;
        let path = root.join("site.toml");
        let fail =
            |message: String| Finding::error("site.toml", Pos::new(1, 1), codes::ENCODING, message);
        let text = match crate::content::read_limited(&path, MAX_SITE_TOML_BYTES) {
            Ok(Read::Bytes(bytes)) => crate::content::decode(&bytes).map_err(|e| {
                Finding::error("site.toml", Pos::new(e.line, 1), codes::ENCODING, e.message)
                    .hint(e.hint)
            })?,
            Ok(Read::TooLarge(_)) => {
                return Err(fail(format!(
                    "site.toml 过大（超过 {} MB）：网站设置通常只有几 KB，请确认这是 site.toml",
                    MAX_SITE_TOML_BYTES / (1024 * 1024)
                )));
            }
            Ok(Read::NotAFile) => {
                return Err(fail(
                    "site.toml 不是普通文件（是设备、管道或文件夹），无法读取".into(),
                )
                .hint("site.toml 应是一个文本文件，写网站名称、地址等设置"));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(fail(format!("无法读取 site.toml：{e}"))),
        };
        SiteConfig::parse(&text).map(SiteConfig::with_defaults)
    }

    /// Parses the text of `site.toml`, naming the line and the key of any mistake.
    pub fn parse(text: &str) -> Result<SiteConfig, Finding> {
        toml::from_str(text).map_err(|e| {
            let offset = e.span().map(|s| s.start).unwrap_or(0).min(text.len());
            let before = &text[..offset];
            let line = before.matches('\n').count() as u32 + 1;
            let column = before.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
            let line_text = text
                .get(offset..)
                .unwrap_or("")
                .split('\n')
                .next()
                .unwrap_or("");
            let line_text = format!("{}{line_text}", before.rsplit('\n').next().unwrap_or(""));
            let (code, message, hint) = explain_toml(e.message(), &line_text);
            let f = Finding::error("site.toml", Pos::new(line, column), code, message);
            match hint {
                Some(h) => f.hint(h),
                None => f,
            }
        })
    }

    fn with_defaults(mut self) -> SiteConfig {
        if self.title.trim().is_empty() {
            self.title = "政府信息公开工作年度报告".into();
        }
        if self.language.trim().is_empty() {
            self.language = "zh-CN".into();
        }
        if self.theme.trim().is_empty() {
            self.theme = "default".into();
        }
        if !self.base_url.is_empty() && !self.base_url.ends_with('/') {
            self.base_url.push('/');
        }
        self
    }

    /// The path part of `base_url` (`/xxgk/`), where the site lives on its server.
    pub fn base_path(&self) -> String {
        let after_scheme = self
            .base_url
            .split_once("://")
            .map(|(_, rest)| rest)
            .unwrap_or("");
        match after_scheme.find('/') {
            Some(i) => after_scheme[i..].to_string(),
            None => "/".into(),
        }
    }
}

/// `site.toml` larger than this is refused: real ones are a few KB.
pub const MAX_SITE_TOML_BYTES: u64 = 1024 * 1024;

/// A toml error → its code, a Chinese message and a hint. `line` is the
/// text of the line the error points at, to name the key of a wrong value.
///
/// - an unknown key (“unknown field `titel`, expected one of `title`, …”),
///   or a value that is not one of the names allowed (our own messages,
///   `level 不能是“村”…`): FM3, with a suggestion;
/// - a value of the wrong type (“invalid type: integer `5`, expected a
///   string”): FM4, naming the key and what it should be;
/// - anything else is a TOML syntax error: FM2.
fn explain_toml(message: &str, line: &str) -> (&'static str, String, Option<String>) {
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (field, rest) = rest.split_once('`').unwrap_or((rest, ""));
        let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
        let candidates: Vec<crate::report::Candidate> = expected
            .iter()
            .map(|k| crate::report::Candidate {
                key: k,
                label: site_key_label(k),
            })
            .collect();
        let hint = crate::report::did_you_mean(field, &candidates)
            .map(|h| format!("是不是 {h}？"))
            .unwrap_or_else(|| format!("这里可以写的键：{}", expected.join("、")));
        return (
            codes::UNKNOWN_KEY,
            format!("site.toml 里没有“{field}”这个设置"),
            Some(hint),
        );
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let key = key_of_line(line);
        let what = site_key_label(&key);
        let what = if what.is_empty() {
            String::new()
        } else {
            format!("（{what}）")
        };
        return (
            codes::TYPE,
            format!(
                "site.toml 里“{key}”{what}应该是{}，这里写成了{}",
                toml_type_in_chinese(expected),
                toml_value_in_chinese(found)
            ),
            Some(toml_type_example(expected, &key)),
        );
    }
    if message.contains("不能是") {
        // Our own explanation of a value that is not one of the names allowed.
        return (codes::UNKNOWN_KEY, format!("site.toml：{message}"), None);
    }
    if message.contains("invalid unquoted key") {
        return (
            codes::SYNTAX,
            "site.toml 格式错误：中文或含特殊字符的名称要加引号".into(),
            Some("例如 [agencies.\"西工区司法局\"]".into()),
        );
    }
    let said =
        if message.contains("invalid basic string") || message.contains("invalid literal string") {
            "这一行的引号没有配对：文字要用一对英文引号括起来".to_string()
        } else if message.contains("string values must be quoted") {
            "文字没有加引号：文字要用英文双引号括起来".to_string()
        } else if message.contains("unclosed table") || message.contains("unclosed array") {
            "这一行的方括号“[”没有配对的“]”".to_string()
        } else if message.starts_with("duplicate key") {
            let key = key_of_line(line);
            format!("“{key}”写了两次：每个设置（每个 [小节]）只能写一次")
        } else if message.contains("key with no value") {
            if line.contains('：') {
                "这一行用了中文（全角）冒号“：”：site.toml 里每个设置写成 键 = 值".to_string()
            } else {
                "这一行只有键，没有“= 值”：每个设置写成 键 = 值".to_string()
            }
        } else {
            format!("这一行写法不对（{message}）")
        };
    (
        codes::SYNTAX,
        format!("site.toml 格式错误：{said}"),
        Some(
            "每个设置写成 键 = 值，文字要用英文双引号括起来，例如 title = \"西工区政府信息公开\""
                .into(),
        ),
    )
}

/// `title = 5` → `title`; `[owner]` → `owner`; `"a b" = 1` → `a b`.
fn key_of_line(line: &str) -> String {
    let line = line.trim();
    let key = match line.split_once('=') {
        Some((key, _)) => key,
        None => line.trim_start_matches('[').trim_end_matches(']'),
    };
    key.trim().trim_matches('"').trim_matches('\'').to_string()
}

/// serde's “a string”, “a boolean”, “u8”… in Chinese.
fn toml_type_in_chinese(expected: &str) -> &'static str {
    let e = expected.trim();
    if e.contains("string") {
        "文字（用英文双引号括起来）"
    } else if e.contains("bool") {
        "true 或 false"
    } else if e.contains("sequence") {
        "列表（用方括号 [ ] 括起来）"
    } else if e.starts_with("struct") || e.contains("map") {
        "一组设置（写成 [名称] 小节）"
    } else if e.starts_with('u') || e.starts_with('i') || e.contains("integer") {
        "整数"
    } else if e.starts_with('f') || e.contains("float") {
        "数"
    } else {
        "另一种值"
    }
}

/// serde's “integer `5`”, “string \"x\"”… in Chinese.
fn toml_value_in_chinese(found: &str) -> String {
    let found = found.trim();
    let value = |prefix: &str| {
        found
            .strip_prefix(prefix)
            .map(|v| v.trim().trim_matches('`').to_string())
    };
    if let Some(v) = value("integer") {
        format!("整数 {v}")
    } else if let Some(v) = value("floating point") {
        format!("数 {v}")
    } else if let Some(v) = value("boolean") {
        format!("布尔值 {v}")
    } else if let Some(v) = value("string") {
        format!("文字 {v}")
    } else if found.starts_with("sequence") {
        "列表".into()
    } else if found.starts_with("map") {
        "一组设置".into()
    } else {
        found.to_string()
    }
}

/// How the key is written with a value of the right type.
fn toml_type_example(expected: &str, key: &str) -> String {
    let e = expected.trim();
    if e.contains("string") {
        format!("例如 {key} = \"…\"（文字要加英文双引号）")
    } else if e.contains("bool") {
        format!("例如 {key} = true")
    } else if e.contains("sequence") {
        format!("例如 {key} = [\"…\", \"…\"]")
    } else if e.starts_with("struct") || e.contains("map") {
        format!("例如 [{key}] 另起一行，下面每行写一个设置")
    } else {
        format!("例如 {key} = 4")
    }
}

fn site_key_label(key: &str) -> &'static str {
    match key {
        "title" => "网站名称",
        "base_url" => "网站地址",
        "language" => "语言",
        "theme" => "主题",
        "owner" => "主办单位等",
        "overlay" => "省级格式补充",
        "agencies" => "机关设置",
        "name" => "主办单位",
        "contact" => "联系方式",
        "site_code" => "网站标识码",
        "icp" => "ICP备案号",
        "police" => "公安机关备案号",
        "province" => "省份",
        "fee_decimals" => "收费金额小数位数",
        "fee_label" => "收费金额列标题",
        "level" => "机关层级",
        "group" => "分组",
        "kind" => "机关类别",
        "consolidated" => "汇总报告",
        "members" => "汇总的机关",
        "required_agencies" => "必须有报告的机关",
        "groups" => "分组顺序",
        "allow_raw_html" => "允许原始HTML",
        _ => "",
    }
}

/// Everything a command needs, decided once from flags and `site.toml`.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The site root (holds `site.toml`, `content/`, `themes/`).
    pub root: PathBuf,
    pub content_dir: PathBuf,
    /// Where `build` publishes (default `public/`).
    pub output_dir: PathBuf,
    pub site: SiteConfig,
    /// Minify HTML (default on).
    pub minify: bool,
}

impl Settings {
    /// Reads `site.toml` under `root` and merges the flags.
    pub fn new(root: &Path, output: Option<&Path>, minify: bool) -> Result<Settings, Finding> {
        Ok(Settings::new_listed(root, output, minify)?.0)
    }

    /// [`Settings::new`], and the report files it found under `content/`
    /// on the way (the agency folders' `_index.md` files are part of the
    /// settings): for a command that loads the reports next, instead of a
    /// second walk of `content/` ([`crate::content::discover`]).
    pub fn new_listed(
        root: &Path,
        output: Option<&Path>,
        minify: bool,
    ) -> Result<(Settings, crate::content::Listed), Finding> {
        let mut site = SiteConfig::load(root)?;
        let content_dir = root.join("content");
        let listing = crate::content::list(root, &content_dir);
        load_agency_indexes(&listing.agency_indexes, &mut site.agencies)?;
        Ok((
            Settings::with_site(root, output, minify, site),
            listing.reports,
        ))
    }

    /// The output folder: `output` (relative to the working folder), or
    /// `public/` in the site.
    pub fn output_dir_for(root: &Path, output: Option<&Path>) -> PathBuf {
        match output {
            Some(o) if o.is_absolute() => o.to_path_buf(),
            Some(o) => std::env::current_dir()
                .map(|d| d.join(o))
                .unwrap_or_else(|_| o.to_path_buf()),
            None => root.join("public"),
        }
    }

    /// Settings from an already read `site.toml`.
    pub fn with_site(
        root: &Path,
        output: Option<&Path>,
        minify: bool,
        site: SiteConfig,
    ) -> Settings {
        Settings {
            root: root.to_path_buf(),
            content_dir: root.join("content"),
            output_dir: Settings::output_dir_for(root, output),
            site,
            minify,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_errors_with_a_suggestion_and_a_line() {
        let err = SiteConfig::parse("title = \"x\"\nbase_ur = \"https://a/\"\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 1));
        assert!(err.message.contains("base_ur"), "{}", err.message);
        assert!(
            err.hint.as_deref().unwrap().contains("`base_url`"),
            "{:?}",
            err.hint
        );
        let err = SiteConfig::parse("[owner]\nicp_number = \"x\"\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(
            err.hint.as_deref().unwrap().contains("`icp`"),
            "{:?}",
            err.hint
        );
    }

    #[test]
    fn syntax_type_and_value_errors_are_told_apart() {
        let err = SiteConfig::parse("title = \"规则测试\n").unwrap_err();
        assert_eq!(err.rule, codes::SYNTAX);
        assert_eq!(err.line, 1);
        assert!(err.message.contains("引号"), "{}", err.message);
        let err = SiteConfig::parse("title：\"x\"\n").unwrap_err();
        assert_eq!(err.rule, codes::SYNTAX);
        assert!(err.message.contains("全角"), "{}", err.message);
        let err = SiteConfig::parse("title = 5\n").unwrap_err();
        assert_eq!(err.rule, codes::TYPE);
        assert_eq!((err.line, err.column), (1, 9));
        assert!(err.message.contains("“title”"), "{}", err.message);
        assert!(err.message.contains("文字"), "{}", err.message);
        assert!(err.message.contains("整数 5"), "{}", err.message);
        let err = SiteConfig::parse("[overlay]\nfee_decimals = \"4\"\n").unwrap_err();
        assert_eq!(err.rule, codes::TYPE);
        assert_eq!(err.line, 2);
        assert!(err.message.contains("“fee_decimals”"), "{}", err.message);
        assert!(err.message.contains("整数"), "{}", err.message);
        let err = SiteConfig::parse("allow_raw_html = \"yes\"\n").unwrap_err();
        assert!(err.message.contains("true 或 false"), "{}", err.message);
        let err = SiteConfig::parse("[agencies.a]\nlevel = \"村\"\n").unwrap_err();
        assert_eq!(err.rule, codes::UNKNOWN_KEY);
        assert!(err.message.contains("村"), "{}", err.message);
    }

    #[cfg(unix)]
    #[test]
    fn site_toml_that_never_ends_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("site.toml")).unwrap();
        let err = SiteConfig::load(dir.path()).unwrap_err();
        assert_eq!(err.rule, codes::ENCODING);
        assert!(err.message.contains("site.toml"), "{}", err.message);
        std::fs::remove_file(dir.path().join("site.toml")).unwrap();
        let big = format!("title = \"{}\"\n", "x".repeat(MAX_SITE_TOML_BYTES as usize));
        std::fs::write(dir.path().join("site.toml"), big).unwrap();
        let err = SiteConfig::load(dir.path()).unwrap_err();
        assert!(err.message.contains("过大"), "{}", err.message);
    }

    #[test]
    fn henan_overlay_sets_four_decimals_and_its_label() {
        let c = SiteConfig::parse("[overlay]\nprovince = \"河南\"\n").unwrap();
        assert_eq!(c.overlay.fee_decimals(), Some(4));
        assert!(c.overlay.fee_label().contains("保留4位小数"));
        let c = SiteConfig::parse("").unwrap();
        assert_eq!(c.overlay.fee_decimals(), None);
    }

    #[test]
    fn agency_levels_read_in_chinese_or_english() {
        let c = SiteConfig::parse(
            "[agencies.\"示例区示例局\"]\nlevel = \"县级\"\n[agencies.\"x\"]\nlevel = \"township\"\n",
        )
        .unwrap();
        assert_eq!(c.agencies["示例区示例局"].level, Some(AgencyLevel::County));
        assert_eq!(c.agencies["x"].level, Some(AgencyLevel::Township));
        assert!(SiteConfig::parse("[agencies.a]\nlevel = \"村\"\n").is_err());
        let err = SiteConfig::parse("[agencies.示例局]\n").unwrap_err();
        assert!(err.hint.unwrap().contains("[agencies.\"西工区司法局\"]"));
    }

    #[test]
    fn base_path_is_the_sub_path_of_base_url() {
        let mut c = SiteConfig::parse("base_url = \"https://www.example.gov.cn/xxgk\"").unwrap();
        c = c.with_defaults();
        assert_eq!(c.base_path(), "/xxgk/");
        assert_eq!(SiteConfig::default().base_path(), "/");
    }
}
