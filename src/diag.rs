//! Findings: what the checker has to say about a report, and how it is printed.
//!
//! Problems in reports are data, not `Err`: every stage adds findings, the
//! whole portal's findings are sorted by file and line and printed once.

use crate::content::yaml::Pos;
use serde::Serialize;
use std::fmt::Write as _;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Fails `build` and `check` (exit code 1).
    Error,
    /// Printed and shown to the author; the build succeeds.
    Warning,
}

impl Severity {
    pub fn chinese(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        }
    }
}

/// One problem found in one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Path of the file as the user knows it, relative to the site root,
    /// e.g. `content/西工区司法局/2021.md`.
    pub file: String,
    /// 1-based line in that file.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// Rule id from `consistency-rules.md` (`T3.1`, `F2`, …) or a file-format
    /// code (`FM…`, see [`codes`]).
    pub rule: &'static str,
    pub severity: Severity,
    /// Where in the report, by official labels, e.g. `表三 · 法律服务机构列`. Empty for file-level problems.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub place: String,
    /// The complete message in Chinese.
    pub message: String,
    /// What the rule expects (for sums: what the cells add up to).
    pub expected: Option<String>,
    /// What is written.
    pub found: Option<String>,
    /// How to fix it, when that is clear.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The report keeps this on purpose (`acknowledged:`), for this reason:
    /// an acknowledged error no longer fails the build.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acknowledged: Option<String>,
}

/// File-format codes for problems that are not a consistency rule.
pub mod codes {
    /// The file cannot be read as UTF-8 text (GBK, binary, too large).
    pub const ENCODING: &str = "FM1";
    /// Front matter missing, not closed, or not valid YAML.
    pub const SYNTAX: &str = "FM2";
    /// A key that does not exist (with a "did you mean").
    pub const UNKNOWN_KEY: &str = "FM3";
    /// A value of the wrong kind (text or a list where a number belongs, …).
    pub const TYPE: &str = "FM4";
    /// A required metadata key is missing or invalid.
    pub const METADATA: &str = "FM5";
    /// A row with the wrong number of cells.
    pub const ROW_LENGTH: &str = "FM6";
    /// Markdown that will not render as the author meant.
    pub const MARKDOWN: &str = "MD1";
    /// A placeholder (`{{新收申请}}`) that names nothing.
    pub const PLACEHOLDER: &str = "MD2";
    /// Template text left unfilled (`（请填写）`).
    pub const UNFINISHED: &str = "MD3";
    /// An `acknowledged:` entry that matches no finding any more.
    pub const STALE_ACKNOWLEDGEMENT: &str = "FM7";
}

impl Finding {
    /// A finding at a position of `file`, with no numbers.
    pub fn new(
        file: &str,
        pos: Pos,
        rule: &'static str,
        severity: Severity,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            file: file.to_string(),
            line: pos.line,
            column: pos.column,
            rule,
            severity,
            place: String::new(),
            message: message.into(),
            expected: None,
            found: None,
            hint: None,
            acknowledged: None,
        }
    }

    pub fn error(file: &str, pos: Pos, rule: &'static str, message: impl Into<String>) -> Finding {
        Finding::new(file, pos, rule, Severity::Error, message)
    }

    pub fn warning(
        file: &str,
        pos: Pos,
        rule: &'static str,
        message: impl Into<String>,
    ) -> Finding {
        Finding::new(file, pos, rule, Severity::Warning, message)
    }

    pub fn at(mut self, place: impl Into<String>) -> Finding {
        self.place = place.into();
        self
    }

    pub fn numbers(mut self, expected: impl ToString, found: impl ToString) -> Finding {
        self.expected = Some(expected.to_string());
        self.found = Some(found.to_string());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Finding {
        self.hint = Some(hint.into());
        self
    }

    /// An error that fails the build: not acknowledged.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error && self.acknowledged.is_none()
    }

    /// `file:line:column`
    pub fn location(&self) -> String {
        format!("{}:{}:{}", self.file, self.line, self.column)
    }

    /// One line a person reads, plus an indented hint line when there is one:
    /// `content/a/2021.md:31:24 错误[T3.1] 表三 · 法律服务机构列：…`
    pub fn to_text(&self) -> String {
        let ack = if self.acknowledged.is_some() {
            "（已确认）"
        } else {
            ""
        };
        let mut out = format!(
            "{} {}{ack}[{}] ",
            self.location(),
            self.severity.chinese(),
            self.rule
        );
        if !self.place.is_empty() {
            let _ = write!(out, "{}：", self.place);
        }
        out.push_str(&self.message);
        match (&self.acknowledged, &self.hint) {
            (Some(reason), _) => {
                let _ = write!(out, "\n    已确认：{reason}");
            }
            (None, Some(hint)) => {
                let _ = write!(out, "\n    提示：{hint}");
            }
            (None, None) => {}
        }
        out
    }
}

/// Sorts findings by file, line, column, then rule, and drops exact repeats.
pub fn sort(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.rule, &a.message)
            .cmp(&(&b.file, b.line, b.column, b.rule, &b.message))
    });
    findings.dedup();
}

/// Counts of errors, warnings and acknowledged findings.
pub fn count(findings: &[Finding]) -> (usize, usize, usize) {
    let acknowledged = findings.iter().filter(|f| f.acknowledged.is_some()).count();
    let errors = findings.iter().filter(|f| f.is_error()).count();
    (errors, findings.len() - errors - acknowledged, acknowledged)
}

/// The closing line under a list of findings.
pub fn summary(findings: &[Finding]) -> String {
    let (e, w, a) = count(findings);
    let ack = if a > 0 {
        format!("另有 {a} 个已确认的问题（按原文发布）。")
    } else {
        String::new()
    };
    match (e, w) {
        (0, 0) if a == 0 => "检查通过：没有发现问题。".into(),
        (0, 0) => format!("检查通过。{ack}"),
        (0, w) => format!("检查通过：{w} 个警告（不影响发布）。{ack}"),
        (e, 0) => format!("发现 {e} 个错误。请按上面的位置逐一修改后重新生成。{ack}"),
        (e, w) => format!("发现 {e} 个错误、{w} 个警告。请按上面的位置逐一修改后重新生成。{ack}"),
    }
}

/// Findings as a JSON array for CI.
pub fn to_json(findings: &[Finding]) -> String {
    serde_json::to_string_pretty(findings).unwrap_or_else(|_| "[]".into())
}

/// What to call a number in a message: `3`, or `空白` for a blank cell.
pub fn shown(value: Option<impl ToString>) -> String {
    value.map_or_else(|| "空白".to_string(), |v| v.to_string())
}
