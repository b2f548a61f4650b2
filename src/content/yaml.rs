//! Front matter YAML → a tree of nodes that keep their position and raw text.
//!
//! Parsing goes through serde-saphyr (serde_yaml is archived and cannot give a
//! value's position after a successful parse). We do not deserialize straight
//! into the report structs: a tree of [`Node`]s lets the report parser collect
//! *every* problem in one pass, explain each in Chinese at the exact cell, and
//! see the number exactly as typed (`1e3`, `0012`, `+19`).

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

/// A position in the `.md` file: 1-based line and character column.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

impl Pos {
    pub const fn new(line: u32, column: u32) -> Pos {
        Pos { line, column }
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A YAML node with its position in the `.md` file.
#[derive(Clone, Debug)]
pub struct Node {
    pub pos: Pos,
    pub kind: NodeKind,
}

#[derive(Clone, Debug)]
pub enum NodeKind {
    /// `~`, `null` or nothing.
    Null,
    Bool(bool),
    /// A plain scalar YAML reads as a number; the text exactly as typed.
    Number(String),
    /// A string; `quoted` when written in quotes (`"5"` is not the number 5).
    Str {
        text: String,
        quoted: bool,
    },
    Seq(Vec<Node>),
    /// Entries in document order; keys are scalars turned into text.
    Map(Vec<(Key, Node)>),
}

#[derive(Clone, Debug)]
pub struct Key {
    pub name: String,
    pub pos: Pos,
}

impl Node {
    /// A short Chinese description of what the node is, for "expected …, found …".
    pub fn describe(&self) -> String {
        match &self.kind {
            NodeKind::Null => "空值".into(),
            NodeKind::Bool(b) => format!("布尔值 {b}"),
            NodeKind::Number(t) => format!("数 {t}"),
            NodeKind::Str { text, .. } => format!("文字“{}”", shorten(text)),
            NodeKind::Seq(items) => format!("含 {} 项的列表", items.len()),
            NodeKind::Map(_) => "一组键值（映射）".into(),
        }
    }

    pub fn as_map(&self) -> Option<&[(Key, Node)]> {
        match &self.kind {
            NodeKind::Map(m) => Some(m),
            _ => None,
        }
    }
}

fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(20).collect();
    if s.chars().count() > 20 {
        out.push('…');
    }
    out
}

/// A YAML syntax or limit error, already in Chinese, at a position in the `.md` file.
#[derive(Debug)]
pub struct YamlError {
    pub pos: Pos,
    pub message: String,
}

pub mod events;
pub mod lines;

/// Parses front matter YAML that starts on `first_line` of the `.md` file.
///
/// Three readers give the same tree: the line reader takes the plainest
/// front matter (most reports), the event reader most of the rest, and
/// serde-saphyr's deserializer everything, errors included.
pub fn parse(yaml: &str, first_line: u32) -> Result<Node, YamlError> {
    let shift = |line: u64, column: u64| {
        Pos::new(
            (line as u32).saturating_add(first_line).saturating_sub(1),
            column.max(1) as u32,
        )
    };
    match lines::parse(yaml, &shift).or_else(|| events::parse(yaml, &shift)) {
        Some(node) => Ok(node),
        None => parse_with_serde_saphyr(yaml, first_line),
    }
}

/// [`parse`] through serde-saphyr's deserializer: every document the event
/// reader leaves to it, and the reference the event reader is tested against.
pub fn parse_with_serde_saphyr(yaml: &str, first_line: u32) -> Result<Node, YamlError> {
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: 24,
            max_nodes: 20_000,
            max_aliases: 200,
            max_anchors: 200,
            max_documents: 1,
            max_total_scalar_bytes: 8 * 1024 * 1024,
            max_recorded_anchor_events: 20_000,
        },
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
        underscored_numbers_as_strings: true,
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::AsString,
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::Error,
        merge_keys: serde_saphyr::MergeKeyPolicy::Error,
        with_snippet: false,
    };
    let shift = |line: u64, column: u64| {
        Pos::new(
            (line as u32).saturating_add(first_line).saturating_sub(1),
            column.max(1) as u32,
        )
    };
    match serde_saphyr::from_str_with_options::<Spanned<RawNode>>(yaml, options) {
        Ok(root) => lower(root, yaml, &shift),
        Err(err) => {
            let (line, column) = err
                .location()
                .map(|l| (l.line(), l.column()))
                .unwrap_or((1, 1));
            let (line, column, message) = explain(&err, yaml, line, column);
            Err(YamlError {
                pos: shift(line, column),
                message,
            })
        }
    }
}

/// The error itself, not the wrappers that add an alias's location or a snippet.
fn original_error(mut err: &serde_saphyr::Error) -> &serde_saphyr::Error {
    while let serde_saphyr::Error::AliasError { error, .. }
    | serde_saphyr::Error::WithSnippet { error, .. } = err
    {
        err = error;
    }
    err
}

/// The sentence for anchors and aliases, which a report never needs.
const ALIASES_NOT_NEEDED: &str =
    "报告文件里不需要 & 和 *：请直接写数字，不要用 YAML 锚点（&名称）和别名（*名称）";

/// Turns serde-saphyr's error at `line`:`column` of the YAML into a sentence
/// an officer can act on, and the place the mistake really is (for an
/// unclosed quote or bracket, where it was opened, not where the parser
/// noticed).
fn explain(err: &serde_saphyr::Error, yaml: &str, line: u64, column: u64) -> (u64, u64, String) {
    use serde_saphyr::Error as E;
    use serde_saphyr::budget::BudgetBreach as B;
    let inner = original_error(err);
    let here = |message: String| (line, column, message);
    match inner {
        E::DuplicateMappingKey { key, .. } => {
            let key = key.as_deref().unwrap_or("?");
            here(format!(
                "键“{key}”重复出现：同一层里每个键只能写一次，请删除或合并重复的那一行"
            ))
        }
        E::Budget { breach, .. } => here(match breach {
            B::Aliases { .. }
            | B::Anchors { .. }
            | B::AliasAnchorRatio { .. }
            | B::RecordedAnchorEvents { .. }
            | B::RecordedAnchorBytes { .. } => {
                format!("锚点/别名过多（& 和 * 层层展开），已拒绝读取。{ALIASES_NOT_NEEDED}")
            }
            B::Depth { .. } => "front matter 嵌套过深，已拒绝读取：报告的表格最多只有几层".into(),
            B::MergeKeys { .. } => merge_key_message(),
            _ => "front matter 过大或嵌套过深，已拒绝读取：报告的表格只需机关、年度和各表的数字"
                .into(),
        }),
        E::AliasReplayCounterOverflow { .. }
        | E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. } => here(format!(
            "锚点/别名过多（& 和 * 层层展开），已拒绝读取。{ALIASES_NOT_NEEDED}"
        )),
        E::UnknownAnchor { .. } => {
            here(format!("使用了未定义的别名（*名称）。{ALIASES_NOT_NEEDED}"))
        }
        E::MergeKeyNotAllowed { .. } | E::MergeValueNotMapOrSeqOfMaps { .. } => {
            here(merge_key_message())
        }
        _ => {
            let text = inner.to_string();
            let text = text
                .trim_start_matches("error: ")
                .split(" at line ")
                .next()
                .unwrap_or("")
                .to_string();
            let text = strip_location_prefix(&text);
            if text.contains("recursion limit") {
                return here("嵌套层数过深，已拒绝读取".into());
            }
            if let Some(found) = find_mistake(yaml, line, column, text) {
                return found;
            }
            if text.contains("tabs disallowed") || text.contains("tab") {
                here("缩进里有制表符（Tab）：YAML 只能用空格缩进，请把 Tab 换成空格".into())
            } else {
                here(format!(
                    "这一行附近的格式不对：请检查缩进（同一层的键要对齐）、冒号后面的空格、括号和引号是否成对（YAML 解析器的原话：{text}）"
                ))
            }
        }
    }
}

fn merge_key_message() -> String {
    "报告文件里不能用 YAML 合并键“<<”：请把要写的键和数直接写在这一层，每个键写一行".into()
}

/// What a stray `- ` means, for the officer.
const STRAY_DASH: &str = "这里出现了不该有的“- ”（YAML 把它当作列表项）：请删除这一行或行首的“- ”；不适用请写 \"/\"，空白写 ~，没有写 0";

/// Looks at the YAML text around a syntax error for the mistakes officers
/// make: a quote or bracket left open on an earlier line, a stray `- `, a
/// full-width colon. Returns the line, column and message, or `None`.
fn find_mistake(
    yaml: &str,
    line: u64,
    column: u64,
    parser_text: &str,
) -> Option<(u64, u64, String)> {
    let lines: Vec<&str> = yaml.lines().collect();
    let scan = scan_open(&lines, line, column);
    if let Some((l, c, quote)) = scan.open_quote {
        return Some((l, c, unclosed_quote_message(quote)));
    }
    if let Some((l, c, quote)) = scan.multiline_quote {
        return Some((l, c, unclosed_quote_message(quote)));
    }
    if let Some((l, c, bracket)) = scan.open_bracket {
        let (name, close) = if bracket == '[' {
            ("方括号", ']')
        } else {
            ("花括号", '}')
        };
        return Some((
            l,
            c,
            format!(
                "这一行的{name}“{bracket}”没有配对的“{close}”：括号要成对出现，请在这一行末尾补上“{close}”"
            ),
        ));
    }
    let text_of = |l: u64| {
        lines
            .get((l as usize).wrapping_sub(1))
            .copied()
            .unwrap_or("")
    };
    let error_line = text_of(line);
    let trimmed = error_line.trim_start_matches(' ');
    if (trimmed == "-" || trimmed.starts_with("- "))
        && (parser_text.contains("did not find expected key")
            || parser_text.contains("block sequence entries are not allowed"))
    {
        let dash = error_line.chars().count() - trimmed.chars().count() + 1;
        return Some((line, dash as u64, STRAY_DASH.into()));
    }
    if parser_text.contains("block sequence entries are not allowed") {
        return Some((line, column, STRAY_DASH.into()));
    }
    let near = || (line.saturating_sub(2).max(1)..=line).rev();
    // "punishment:31": the colon without its space.
    for l in near() {
        if let Some((key, colon)) = colon_without_space(text_of(l)) {
            return Some((
                l,
                colon,
                format!("“{key}:”后面少了一个空格：YAML 的冒号后面要有空格，写成 {key}: 加上数"),
            ));
        }
    }
    // A non-breaking or full-width space in the indentation (pasted text).
    for l in near() {
        let t = text_of(l);
        let indent: String = t.chars().take_while(|c| c.is_whitespace()).collect();
        if let Some(c) = indent
            .chars()
            .position(|c| c == '\u{00A0}' || c == '\u{3000}')
        {
            return Some((
                l,
                c as u64 + 1,
                "这一行开头的缩进里有不换行空格或全角空格（常见于从网页、Word 复制的文字）：缩进只能用普通的半角空格，请删掉行首的空白重新输入".into(),
            ));
        }
    }
    // A key indented unlike every key above it at that depth.
    if let Some((l, c)) = misindented_line(&lines, line) {
        return Some((
            l,
            c,
            "这一行的缩进（行首的空格数）和上下文对不上：同一层的键要对齐，下一层比上一层多缩进两个空格；可以对照 gongkai new 生成的模板".into(),
        ));
    }
    for l in (line.saturating_sub(3).max(1)..=line).rev() {
        if let Some(key_column) = fullwidth_colon_key(text_of(l)) {
            return Some((
                l,
                key_column,
                "键后面用了中文（全角）冒号“：”：YAML 只认英文（半角）冒号，请改成“:”并在后面加一个空格，例如 year: 2021"
                    .into(),
            ));
        }
    }
    None
}

/// `punishment:31`: a key, a colon and a value with no space between
/// (key, column of the colon).
fn colon_without_space(line: &str) -> Option<(String, u64)> {
    let t = line.trim_start_matches(' ');
    let indent = line.len() - t.len();
    let (key, rest) = t.split_once(':')?;
    let key_ok = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let next = rest.chars().next()?;
    (key_ok && !next.is_whitespace() && !t.contains("://"))
        .then(|| (key.to_string(), (indent + key.len() + 1) as u64))
}

/// Near the error at `line`, the line whose indentation is no level used
/// above it (or is odd where the file indents by two): (line, column of its
/// first character).
fn misindented_line(lines: &[&str], line: u64) -> Option<(u64, u64)> {
    let indent = |t: &str| t.len() - t.trim_start_matches(' ').len();
    let content = |t: &str| {
        let s = t.trim();
        !s.is_empty() && !s.starts_with('#')
    };
    let line = line as usize;
    // Deeper than a key that already has its value: either this line is too
    // deep or the one above too shallow — the one unlike its neighbours.
    let above = |l: usize| (1..l).rev().find(|&k| content(lines[k - 1]));
    if (1..=lines.len()).contains(&line) && content(lines[line - 1]) {
        let has_value = |t: &str| {
            t.split_once(": ")
                .is_some_and(|(_, v)| !v.trim().is_empty())
        };
        if let Some(prev) = above(line)
            && indent(lines[line - 1]) > indent(lines[prev - 1])
            && has_value(lines[prev - 1])
        {
            let odd = match above(prev) {
                Some(pp) if indent(lines[pp - 1]) == indent(lines[line - 1]) => prev,
                _ => line,
            };
            return Some((odd as u64, indent(lines[odd - 1]) as u64 + 1));
        }
    }
    for l in (line.saturating_sub(2).max(1)..=line.min(lines.len())).rev() {
        let t = lines[l - 1];
        if !content(t) {
            continue;
        }
        let levels: Vec<usize> = lines[..l - 1]
            .iter()
            .filter(|t| content(t))
            .map(|t| indent(t))
            .collect();
        let Some(&prev) = levels.last() else {
            continue;
        };
        let i = indent(t);
        let known = levels.contains(&i) || i == prev + 2 || i == prev + 4;
        if !known || (i % 2 == 1 && levels.iter().all(|x| x % 2 == 0)) {
            return Some((l as u64, i as u64 + 1));
        }
    }
    None
}

fn unclosed_quote_message(quote: char) -> String {
    format!(
        "这一行的引号“{quote}”没有配对：引号要成对出现，请在文字末尾补上“{quote}”，或者去掉引号"
    )
}

/// `  year：2021` → the column of `year`: a key followed by a full-width colon,
/// with no ASCII colon before it (a full-width colon in a value or a comment is fine).
fn fullwidth_colon_key(line: &str) -> Option<u64> {
    let body = line.trim_start_matches(' ');
    let indent = line.len() - body.len();
    let body = body.strip_prefix("- ").unwrap_or(body);
    let at = body.find('：')?;
    let key = body[..at].trim_end();
    let plain_key = !key.is_empty()
        && !key.starts_with(['#', '"', '\'', '[', '{'])
        && !key.contains([':', '#', ' ', ','])
        && !key.contains(char::is_whitespace);
    plain_key.then_some(indent as u64 + 1 + (line.len() - indent - body.len()) as u64)
}

/// Quotes and brackets still open where the parser stopped.
#[derive(Debug, Default)]
struct Scan {
    /// A quote opened and not closed before the error: line, column, the quote.
    open_quote: Option<(u64, u64, char)>,
    /// A quoted text that ran over line ends and closed on the error line:
    /// its opening quote was most likely left unclosed.
    multiline_quote: Option<(u64, u64, char)>,
    /// The first bracket opened on an earlier line than the error and not closed.
    open_bracket: Option<(u64, u64, char)>,
}

/// Reads the YAML up to `line`:`column` (1-based, in characters) the way the
/// parser does, roughly: comments, quoted text and flow brackets.
fn scan_open(lines: &[&str], line: u64, column: u64) -> Scan {
    let mut quote: Option<(u64, u64, char)> = None;
    let mut last_quote: Option<((u64, u64, char), u64)> = None;
    let mut brackets: Vec<(u64, u64, char)> = Vec::new();
    'lines: for (i, text) in lines.iter().enumerate() {
        let l = i as u64 + 1;
        if l > line {
            break;
        }
        // The character before, ignoring spaces, and whether a space came after it.
        let mut prev: Option<char> = None;
        let mut spaced = true;
        let mut chars = text.chars().enumerate().peekable();
        while let Some((j, ch)) = chars.next() {
            let c = j as u64 + 1;
            if l == line && c >= column {
                break 'lines;
            }
            if let Some((_, _, q)) = quote {
                if ch == q {
                    if q == '\'' && chars.peek().map(|&(_, n)| n) == Some('\'') {
                        chars.next();
                        continue;
                    }
                    last_quote = quote.take().map(|open| (open, l));
                    prev = Some(ch);
                    spaced = false;
                } else if q == '"' && ch == '\\' {
                    chars.next();
                }
                continue;
            }
            if ch == ' ' || ch == '\t' {
                spaced = true;
                continue;
            }
            // A node starts here: after indentation, after `[`, `{` or `,`,
            // or after `:`, `-` or `?` followed by a space.
            let node_start = match prev {
                None => true,
                Some('[' | '{' | ',') => true,
                Some(':' | '-' | '?') => spaced,
                _ => false,
            };
            match ch {
                '#' if spaced || prev.is_none() => continue 'lines,
                '"' | '\'' if node_start => quote = Some((l, c, ch)),
                '[' | '{' if node_start => brackets.push((l, c, ch)),
                ']' | '}' if !brackets.is_empty() => {
                    brackets.pop();
                }
                _ => {}
            }
            prev = Some(ch);
            spaced = false;
        }
    }
    Scan {
        open_quote: quote,
        multiline_quote: last_quote
            .filter(|&((open_line, _, _), close_line)| close_line == line && open_line < line)
            .map(|(open, _)| open),
        open_bracket: brackets.into_iter().find(|&(l, _, _)| l < line),
    }
}

fn strip_location_prefix(text: &str) -> &str {
    // "line 3 column 72: unexpected …" → "unexpected …"
    match text.strip_prefix("line ") {
        Some(rest) => rest.split_once(": ").map(|(_, t)| t).unwrap_or(text),
        None => text,
    }
}

/// The tree serde-saphyr fills, with its own span type.
enum RawNode {
    Null,
    Bool(bool),
    Number,
    Str(String),
    Seq(Vec<Spanned<RawNode>>),
    Map(Vec<(Spanned<RawNode>, Spanned<RawNode>)>),
}

/// serde-saphyr's tree → [`Node`]s, refusing aliases: a value an alias
/// repeats carries the alias's span (`*same`), so the report parser would
/// see `*same` in every cell it fills; one clear word at the alias is better.
fn lower(
    node: Spanned<RawNode>,
    src: &str,
    shift: &dyn Fn(u64, u64) -> Pos,
) -> Result<Node, YamlError> {
    let loc = node.referenced;
    let pos = shift(loc.line(), loc.column());
    let span = loc.span();
    let raw = match (span.byte_offset(), span.byte_len()) {
        (Some(o), Some(l)) => src.get(o as usize..(o + l) as usize).unwrap_or(""),
        _ => "",
    };
    if let Some(name) = raw.strip_prefix('*') {
        let name: String = name
            .chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | ']' | '}'))
            .collect();
        return Err(YamlError {
            pos,
            message: format!(
                "这里用了 YAML 别名“*{name}”：报告文件里请直接写数字，不要用 YAML 别名 *{name} 和锚点 &{name}，每个数都写出来"
            ),
        });
    }
    let kind = match node.value {
        RawNode::Null => NodeKind::Null,
        RawNode::Bool(b) => NodeKind::Bool(b),
        RawNode::Number => NodeKind::Number(raw.trim().to_string()),
        RawNode::Str(text) => {
            let quoted = raw.starts_with(['"', '\'']);
            NodeKind::Str { text, quoted }
        }
        RawNode::Seq(items) => NodeKind::Seq(
            items
                .into_iter()
                .map(|n| lower(n, src, shift))
                .collect::<Result<_, _>>()?,
        ),
        RawNode::Map(entries) => NodeKind::Map(
            entries
                .into_iter()
                .map(|(k, v)| {
                    let key = lower(k, src, shift)?;
                    let name = match &key.kind {
                        NodeKind::Str { text, .. } => text.clone(),
                        NodeKind::Number(t) => t.clone(),
                        NodeKind::Bool(b) => b.to_string(),
                        NodeKind::Null => String::new(),
                        NodeKind::Seq(_) | NodeKind::Map(_) => "?".into(),
                    };
                    Ok((Key { name, pos: key.pos }, lower(v, src, shift)?))
                })
                .collect::<Result<_, _>>()?,
        ),
    };
    Ok(Node { pos, kind })
}

impl<'de> Deserialize<'de> for RawNode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawNode;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<RawNode, E> {
        Ok(RawNode::Null)
    }
    fn visit_none<E>(self) -> Result<RawNode, E> {
        Ok(RawNode::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<RawNode, D::Error> {
        RawNode::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<RawNode, E> {
        Ok(RawNode::Bool(v))
    }
    fn visit_i64<E>(self, _: i64) -> Result<RawNode, E> {
        Ok(RawNode::Number)
    }
    fn visit_u64<E>(self, _: u64) -> Result<RawNode, E> {
        Ok(RawNode::Number)
    }
    fn visit_i128<E>(self, _: i128) -> Result<RawNode, E> {
        Ok(RawNode::Number)
    }
    fn visit_u128<E>(self, _: u128) -> Result<RawNode, E> {
        Ok(RawNode::Number)
    }
    fn visit_f64<E>(self, _: f64) -> Result<RawNode, E> {
        Ok(RawNode::Number)
    }
    fn visit_str<E>(self, v: &str) -> Result<RawNode, E> {
        Ok(RawNode::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<RawNode, E> {
        Ok(RawNode::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<RawNode, E> {
        Err(E::custom("binary values are not allowed"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<RawNode, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = a.next_element::<Spanned<RawNode>>()? {
            items.push(item);
        }
        Ok(RawNode::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<RawNode, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = a.next_key::<Spanned<RawNode>>()? {
            let value = a.next_value::<Spanned<RawNode>>()?;
            entries.push((key, value));
        }
        Ok(RawNode::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Which of the fast readers took a document.
    #[derive(Default)]
    struct Taken {
        events: bool,
        lines: bool,
    }

    /// The event reader and the line reader each give serde-saphyr's tree,
    /// or leave the document to it.
    fn same_reading(yaml: &str) -> Taken {
        let shift = |line: u64, column: u64| Pos::new(line as u32 + 1, column.max(1) as u32);
        let reference = parse_with_serde_saphyr(yaml, 2);
        let mut taken = Taken::default();
        for (reader, node) in [
            ("event", events::parse(yaml, &shift)),
            ("line", lines::parse(yaml, &shift)),
        ] {
            let Some(node) = node else { continue };
            let reference = reference.as_ref().unwrap_or_else(|e| {
                panic!("serde-saphyr refuses what the {reader} reader took: {e:?}\n{yaml}")
            });
            assert_eq!(
                format!("{node:?}"),
                format!("{reference:?}"),
                "{reader} reader\n{yaml}"
            );
            match reader {
                "event" => taken.events = true,
                _ => taken.lines = true,
            }
        }
        taken
    }

    /// Every front matter in the repository (fixtures, hostile files, the
    /// bundled portal) and variants of a complete report.
    #[test]
    fn the_event_reader_reads_as_serde_saphyr_does() {
        let mut yamls: Vec<String> = Vec::new();
        for root in ["tests", "content"] {
            for e in walkdir::WalkDir::new(root).into_iter().flatten() {
                let Ok(text) = std::fs::read_to_string(e.path()) else {
                    continue;
                };
                // As the fuzz target `yaml` reads its inputs: the front
                // matter, or the whole file (tests/yaml-events/ holds what
                // fuzzing found).
                let text = text.replace("\r\n", "\n");
                match crate::content::split_front_matter(&text) {
                    Ok(split) => yamls.push(split.yaml.to_string()),
                    Err(_) => yamls.push(text),
                }
            }
        }
        let skeleton = crate::report::skeleton::new_report("某局", 2021, None);
        let yaml = crate::content::split_front_matter(&skeleton)
            .unwrap()
            .yaml
            .to_string();
        for (from, to) in [
            ("[0, 0, 0]", "[{value: 3, note: \"含修订2件\"}, ~, \"/\"]"),
            ("[0, 0, 0]", "[1e3, +19, 0012, 1_000, .inf, 0x1F, -0, 1.50]"),
            (
                "[0, 0, 0]",
                "[true, false, yes, no, null, Null, NULL, '', \"\"]",
            ),
            ("[0, 0, 0]", "\n    - 1\n    - 2\n    - 3"),
            ("[0, 0, 0]", "[1,\n    2, 3]  # 注释"),
            (
                "[0, 0, 0]",
                "[2022-01-20, 12:30, 1:2, a b, 中文, \"a\\tb\"]",
            ),
            ("fees: 0", "fees:"),
            ("fees: 0", "fees: |\n    一行\n    两行"),
            ("fees: 0", "fees: >-\n    折叠\n    文字"),
            ("fees: 0", "fees: 多行\n    纯文本"),
            ("fees: 0", "\"fees\": 0"),
            ("fees: 0", "? fees\n  : 0"),
            ("fees: 0", "fees: {value: 1, note: 元}"),
            ("fees: 0", "fees: !!str 0"),
            ("fees: 0", "fees: &a 0"),
            ("fees: 0", "fees: 0\nfees: 1"),
            ("fees: 0", "1: 0"),
            ("fees: 0", "<<: {a: 1}"),
            ("fees: 0", "fees: ${HOME}"),
            ("fees: 0", "fees: 0\n---\nb: 1"),
            ("fees: 0", "fees: [0"),
            ("fees: 0", "fees: \"0"),
            ("fees: 0", "fees:\t0"),
        ] {
            yamls.push(yaml.replacen(from, to, 1));
        }
        // Found by fuzzing: a plain "---" that is not a document marker.
        yamls.push(" ---\n\n".into());
        yamls.push("a: ---\nb: ...\nc: '---'\n".into());
        // A block scalar whose text in the file starts with "*" (serde-saphyr's
        // reading takes it for an alias).
        yamls.push("  |\r*****ackno](x\nformat: \"2021\"\n".into());
        // Reports of both formats as the benchmark writes them.
        // These and the skeleton are what the line reader is for.
        let mut plain = vec![yaml.clone()];
        let dir = tempfile::tempdir().unwrap();
        crate::synth::generate(dir.path(), 300, 7).unwrap();
        for e in walkdir::WalkDir::new(dir.path()).into_iter().flatten() {
            if e.path().extension().is_some_and(|x| x == "md") {
                let text = std::fs::read_to_string(e.path()).unwrap();
                if let Ok(split) = crate::content::split_front_matter(&text) {
                    plain.push(split.yaml.to_string());
                }
            }
        }
        yamls.extend(plain.iter().cloned());
        // The same documents with Windows line ends, and with comments.
        let with_comments = |y: &str| y.replacen('\n', "\n# 注释\n  # 缩进的注释\n\n", 3);
        let variants: Vec<String> = yamls
            .iter()
            .flat_map(|y| [y.replace('\n', "\r\n"), with_comments(y)])
            .collect();
        yamls.extend(variants);
        // At the edges of the shape the line reader takes.
        for edge in [
            "a: \"x\"  # 注释\nb: 'it''s'\n",
            "a: 'x' # c\nb: \"x\"y\"\nc: \"a\\\"b\"\n",
            "A_b: 1\nyes: 2\nnull: 3\ntrue: 4\ny: 5\n_x: 6\n",
            "a: ~\nb: null\nc: true\nd: yes\ne: No\nf: 2024-01-20\ng: 1e3\nh: .5\n",
            "a: x#y\nb: x #y\nc: x  #  y  \nd: 中文（全角：冒号）\ne: -\nf: -1\n",
            "a:\n  b:\n    c: 1\n  d: 2\ne: 3\n",
            "a:\n    b: 1\n  c: 2\n",
            "  a: 1\n  b:\n   c: 2\n",
            "  a: 1\nb: 2\n",
            "a: 1\nb:\n",
            "a:\nb: 1\n",
            "a: 1\n  b: 2\n",
            "a: [ 1 , 2 ]\nb: []\nc: [ ]\nd: [1,2]   # 注释\ne: [1]#x\n",
            "a: [1,]\n",
            "a: [,1]\n",
            "a: [-0, -1.5, -12]\nb: [--1]\n",
            "a: [{}]\n",
            "a: [{ a: 1, a: 2 }]\n",
            "a: [{a:1}]\n",
            "a: [{a: 1}]\nb: [5, { value: 86.42, note: \"万元\" }]\nc: [{ note: \"万元\", value: 1 }]\n",
            "a: [{ note: '万''元' }]\nb: [{ a: \"x\\\"y\" }]\n",
            "a: [1, {b: [2]}]\n",
            "a: \"unclosed\nb: 1\n",
            "a: x\u{2028}y\n",
            "a: \u{FEFF}x\n",
            "a: x\u{85}y\n",
            "a: 1\rb: 2\n",
            "a: 1\r\n\r\nb: 2\r\n",
            "a: 1\n...\n",
            "a: 1\n--- \n",
            "a: 1 # c\n  # c\nb: 2\n",
            "? a\n",
            "- 1\n",
            "a: 1\na: 2\n",
            "",
            "# 只有注释\n",
        ] {
            yamls.push(edge.to_string());
        }
        let taken: Vec<Taken> = yamls.iter().map(|y| same_reading(y)).collect();
        // Most front matter takes a fast way, and the line reader takes
        // every report the benchmark writes and the skeleton `gongkai new`
        // writes, with Windows line ends or comments.
        let events = taken.iter().filter(|t| t.events).count();
        assert!(events * 10 > yamls.len() * 7, "{events} of {}", yamls.len());
        let expected: Vec<String> = plain
            .iter()
            .flat_map(|y| [y.clone(), y.replace('\n', "\r\n"), with_comments(y)])
            .collect();
        assert!(expected.len() > 900, "{}", expected.len());
        for y in &expected {
            assert!(same_reading(y).lines, "the line reader left\n{y}");
        }
    }

    fn map(node: &Node) -> &[(Key, Node)] {
        node.as_map().expect("a map")
    }

    #[test]
    fn keeps_positions_in_the_md_file_and_raw_numbers() {
        let yaml = "agency: 西工区司法局\nyear: 2021\nrow: [0, 1e3, +19, \"/\", ~, 0012]\n";
        let root = parse(yaml, 2).unwrap();
        let m = map(&root);
        assert_eq!(m[0].0.name, "agency");
        assert_eq!(m[0].1.pos, Pos::new(2, 9));
        assert_eq!(m[1].1.pos, Pos::new(3, 7));
        let NodeKind::Seq(items) = &m[2].1.kind else {
            panic!("a seq")
        };
        assert!(matches!(&items[1].kind, NodeKind::Number(t) if t == "1e3"));
        assert!(matches!(&items[2].kind, NodeKind::Number(t) if t == "+19"));
        assert!(matches!(&items[3].kind, NodeKind::Str { text, quoted: true } if text == "/"));
        assert!(matches!(&items[4].kind, NodeKind::Null));
        assert!(matches!(&items[5].kind, NodeKind::Str { text, quoted: false } if text == "0012"));
        assert_eq!(items[1].pos, Pos::new(4, 10));
    }

    #[test]
    fn reports_duplicate_keys_at_the_second_key_in_chinese() {
        let err = parse("a: 1\nb:\n  c: 2\n  c: 3\n", 2).unwrap_err();
        assert_eq!(err.pos, Pos::new(5, 3));
        assert!(err.message.contains("键“c”重复"), "{}", err.message);
    }

    #[test]
    fn refuses_alias_bombs_and_tabs() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
            .iter()
            .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
        {
            bomb.push_str(&format!(
                "{name}: &{name} [{}]\n",
                vec![format!("*{prev}"); 9].join(",")
            ));
        }
        let err = parse(&bomb, 2).unwrap_err();
        assert!(err.message.contains("别名"), "{}", err.message);
        assert!(!err.message.contains("budget"), "{}", err.message);
        let err = parse("a: 1\nb:\n\tc: 2\n", 2).unwrap_err();
        assert!(err.message.contains("制表符"), "{}", err.message);
    }

    #[test]
    fn an_alias_is_one_error_at_the_alias() {
        let err = parse("a: &same [1, 2]\nb: *same\nc: 3\n", 2).unwrap_err();
        assert_eq!(err.pos, Pos::new(3, 4));
        assert!(err.message.contains("*same"), "{}", err.message);
        let err = parse("a: &n 5\nb: [1, *n]\n", 2).unwrap_err();
        assert_eq!(err.pos, Pos::new(3, 8));
    }

    #[test]
    fn a_merge_key_is_refused_at_the_key() {
        let err = parse("t:\n  a: 1\n  <<: { b: 2 }\n", 2).unwrap_err();
        assert_eq!(err.pos.line, 4);
        assert!(err.message.contains("<<"), "{}", err.message);
    }

    #[test]
    fn points_at_the_quote_or_bracket_left_open() {
        let err = parse("agency: \"测试局\nyear: 2021\nformat: \"2021\"\n", 2).unwrap_err();
        assert_eq!(err.pos, Pos::new(2, 9));
        assert!(err.message.contains("引号"), "{}", err.message);
        let err = parse("t:\n  a: [1, 2, 3   # 注释 ]\n  b: [4, 5]\n", 2).unwrap_err();
        assert_eq!(err.pos, Pos::new(3, 6));
        assert!(err.message.contains("括号"), "{}", err.message);
        // A list written over several lines is fine.
        assert!(parse("t:\n  a: [1, 2,\n      3]\n", 2).is_ok());
    }

    #[test]
    fn explains_a_stray_dash_and_a_fullwidth_colon() {
        let err = parse("t:\n  a: 1\n  - 5\n  b: 2\n", 2).unwrap_err();
        assert_eq!(err.pos, Pos::new(4, 3));
        assert!(err.message.contains("“- ”"), "{}", err.message);
        let err = parse("agency: 测试局\nyear：2021\nformat: \"2021\"\n", 2).unwrap_err();
        assert_eq!(err.pos, Pos::new(3, 1));
        assert!(err.message.contains("全角"), "{}", err.message);
        assert_eq!(fullwidth_colon_key("  fees：1"), Some(3));
        assert_eq!(fullwidth_colon_key("  - fees：1"), Some(5));
        assert_eq!(fullwidth_colon_key("label: 单位：万元"), None);
        assert_eq!(fullwidth_colon_key("# 注：说明"), None);
    }
}
