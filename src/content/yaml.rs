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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

/// Parses front matter YAML that starts on `first_line` of the `.md` file.
pub fn parse(yaml: &str, first_line: u32) -> Result<Node, YamlError> {
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
        with_snippet: false,
    };
    let shift = |line: u64, column: u64| {
        Pos::new(
            (line as u32).saturating_add(first_line).saturating_sub(1),
            column.max(1) as u32,
        )
    };
    match serde_saphyr::from_str_with_options::<Spanned<RawNode>>(yaml, options) {
        Ok(root) => Ok(lower(root, yaml, &shift)),
        Err(err) => {
            let pos = err
                .location()
                .map(|l| shift(l.line(), l.column()))
                .unwrap_or(Pos::new(first_line, 1));
            Err(YamlError {
                pos,
                message: explain(&err),
            })
        }
    }
}

/// Turns serde-saphyr's error into a sentence an officer can act on.
fn explain(err: &serde_saphyr::Error) -> String {
    use serde_saphyr::Error as E;
    let inner = err.without_snippet();
    match inner {
        E::DuplicateMappingKey { key, .. } => {
            let key = key.as_deref().unwrap_or("?");
            format!("键“{key}”重复出现：同一层里每个键只能写一次，请删除或合并重复的那一行")
        }
        E::Budget { .. } => "front matter 过大或嵌套过深（可能含有大量锚点/别名 & *），已拒绝读取；报告的表格不需要锚点和别名".into(),
        E::UnknownAnchor { .. } => "使用了未定义的别名（*名称）；报告的表格不需要锚点和别名，请直接写数字".into(),
        _ => {
            let text = inner.to_string();
            let text = text
                .trim_start_matches("error: ")
                .split(" at line ")
                .next()
                .unwrap_or("")
                .to_string();
            let text = strip_location_prefix(&text);
            if text.contains("block sequence entries are not allowed") {
                "这里出现了不该有的“- ”（YAML 把它当作列表项）：不适用请写 \"/\"，空白写 ~，没有写 0".into()
            } else if text.contains("tabs disallowed") || text.contains("tab") {
                "缩进里有制表符（Tab）：YAML 只能用空格缩进，请把 Tab 换成空格".into()
            } else if text.contains("recursion limit") {
                "嵌套层数过深，已拒绝读取".into()
            } else {
                format!("YAML 格式错误：{text}。请检查这一行的缩进、冒号后的空格和括号、引号是否成对")
            }
        }
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

fn lower(node: Spanned<RawNode>, src: &str, shift: &dyn Fn(u64, u64) -> Pos) -> Node {
    let loc = node.referenced;
    let pos = shift(loc.line(), loc.column());
    let raw = || {
        let span = loc.span();
        match (span.byte_offset(), span.byte_len()) {
            (Some(o), Some(l)) => src.get(o as usize..(o + l) as usize).unwrap_or(""),
            _ => "",
        }
    };
    let kind = match node.value {
        RawNode::Null => NodeKind::Null,
        RawNode::Bool(b) => NodeKind::Bool(b),
        RawNode::Number => NodeKind::Number(raw().trim().to_string()),
        RawNode::Str(text) => {
            let quoted = raw().starts_with(['"', '\'']);
            NodeKind::Str { text, quoted }
        }
        RawNode::Seq(items) => {
            NodeKind::Seq(items.into_iter().map(|n| lower(n, src, shift)).collect())
        }
        RawNode::Map(entries) => NodeKind::Map(
            entries
                .into_iter()
                .map(|(k, v)| {
                    let key = lower(k, src, shift);
                    let name = match &key.kind {
                        NodeKind::Str { text, .. } => text.clone(),
                        NodeKind::Number(t) => t.clone(),
                        NodeKind::Bool(b) => b.to_string(),
                        NodeKind::Null => String::new(),
                        NodeKind::Seq(_) | NodeKind::Map(_) => "?".into(),
                    };
                    (Key { name, pos: key.pos }, lower(v, src, shift))
                })
                .collect(),
        ),
    };
    Node { pos, kind }
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
        assert!(parse(&bomb, 2).is_err());
        let err = parse("a: 1\nb:\n\tc: 2\n", 2).unwrap_err();
        assert!(err.message.contains("制表符"), "{}", err.message);
    }
}
