//! The plainest front matter, read line by line without a YAML parser.
//!
//! Nearly every report's front matter is block maps of `key: value` lines
//! whose values are one-line scalars or one-line lists of numbers
//! (`received: [16, 2, 1, 0, 0, 1, 20]`). For those, even the parser's events
//! ([`super::events`]) cost about 100 µs a report, a seventh of a whole
//! build's time. This reader takes only that shape and gives up (`None`) at
//! the first line outside it, leaving the document to the event reader and
//! serde-saphyr: a tab, a multi-line scalar, a block list, a flow map, a
//! comment after a value, an escape, anchors, tags, document markers, a
//! repeated key, a key that is not a plain word.
//!
//! It classifies a plain scalar as the event reader does (serde-saphyr
//! decides, once per text), and gives each node the position serde-saphyr
//! gives it. The tests and the fuzz target `yaml` compare its tree with
//! serde-saphyr's on every document it takes.

// Larger or deeper documents go to the other readers, as from the event reader.
use super::events::{Class, MAX_BYTES, MAX_DEPTH, MAX_NODES, classify, is_plain_decimal};
use super::{Key, Node, NodeKind, Pos};

/// YAML limits an implicit key to 1024 characters; ours are short words.
const MAX_KEY: usize = 64;

/// A map being filled: its indentation, position and entries so far.
struct Open {
    indent: usize,
    pos: Pos,
    entries: Vec<(Key, Node)>,
}

/// The tree of `yaml`, or `None` when another reader must read it.
pub fn parse(yaml: &str, shift: &dyn Fn(u64, u64) -> Pos) -> Option<Node> {
    if yaml.len() > MAX_BYTES || yaml.contains('$') || !yaml.chars().all(plain_char) {
        return None;
    }
    let mut stack: Vec<Open> = Vec::new();
    // The key whose value is the block map on the next lines.
    let mut waiting: Option<Key> = None;
    let mut nodes = 0usize;
    for (index, line) in yaml.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.contains('\r') {
            return None;
        }
        let text = line.trim_start_matches(' ');
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let indent = line.len() - text.len();
        let line_no = index as u64 + 1;
        let here = |column: usize| shift(line_no, column as u64 + 1);
        if indent == 0 && (text.starts_with("---") || text.starts_with("...")) {
            return None;
        }
        if let Some(key) = waiting.take() {
            // The first line of a nested map: deeper than its key.
            if stack.last().is_some_and(|open| indent <= open.indent) {
                return None;
            }
            stack.push(Open {
                indent,
                pos: here(indent),
                entries: Vec::new(),
            });
            nodes += 1;
            if stack.len() > MAX_DEPTH {
                return None;
            }
            // The key waits on the map below, which receives the new map
            // when it closes.
            let parent = stack.len() - 2;
            stack[parent].entries.push((key, placeholder()));
        } else if stack.is_empty() {
            stack.push(Open {
                indent,
                pos: here(indent),
                entries: Vec::new(),
            });
        } else {
            while stack.last().is_some_and(|open| indent < open.indent) {
                close(&mut stack)?;
            }
            // A deeper line continues a scalar; a line between two levels
            // is a mistake: both are for serde-saphyr.
            if stack.last().is_none_or(|open| open.indent != indent) {
                return None;
            }
        }
        let (name, rest) = split_key(text)?;
        let open = stack.last_mut()?;
        if open.entries.iter().any(|(k, _)| k.name == name) {
            return None;
        }
        let key = Key {
            name: name.to_string(),
            pos: here(indent),
        };
        let value = rest.trim_start_matches(' ');
        if value.is_empty() || value.starts_with('#') {
            waiting = Some(key);
            continue;
        }
        let node = scalar_or_list(line, line.len() - value.len(), &here, &mut nodes)?;
        open.entries.push((key, node));
    }
    // A key with nothing after it is null, at a position this reader does
    // not work out.
    if waiting.is_some() {
        return None;
    }
    while stack.len() > 1 {
        close(&mut stack)?;
    }
    let root = stack.pop()?;
    Some(Node {
        pos: root.pos,
        kind: NodeKind::Map(root.entries),
    })
}

/// Characters that YAML prints and that never start a line break, an
/// indentation question or a byte-order mark.
fn plain_char(c: char) -> bool {
    matches!(c, '\n' | '\r' | ' '..='~' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
        && !matches!(c, '\u{FEFF}' | '\u{2028}' | '\u{2029}')
}

/// Stands for a nested map's entry until the map closes.
fn placeholder() -> Node {
    Node {
        pos: Pos::default(),
        kind: NodeKind::Null,
    }
}

/// Closes the innermost map: it becomes the value of its key on the map below.
fn close(stack: &mut Vec<Open>) -> Option<()> {
    let done = stack.pop()?;
    let (_, value) = stack.last_mut()?.entries.last_mut()?;
    *value = Node {
        pos: done.pos,
        kind: NodeKind::Map(done.entries),
    };
    Some(())
}

/// `key: rest` or `key:` where the key is a plain word that YAML reads as text.
fn split_key(text: &str) -> Option<(&str, &str)> {
    let end = text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    let (name, rest) = text.split_at(end);
    let rest = rest.strip_prefix(':')?;
    if name.is_empty()
        || name.len() > MAX_KEY
        || !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        || !(rest.is_empty() || rest.starts_with(' '))
        || classify(name)? != Class::Text
    {
        return None;
    }
    Some((name, rest))
}

/// What may follow a list or a quoted string on its line: nothing, or a
/// comment after a space.
fn only_comment(after: &str) -> bool {
    let rest = after.trim_start_matches(' ');
    rest.is_empty() || (after.starts_with(' ') && rest.starts_with('#'))
}

/// The value that starts at byte `at` of `line` (after `key: `), perhaps
/// followed by a comment: a one-line list, a quoted string without escapes,
/// or a plain scalar without any character YAML could read as structure.
fn scalar_or_list(
    line: &str,
    at: usize,
    here: &dyn Fn(usize) -> Pos,
    nodes: &mut usize,
) -> Option<Node> {
    let value = &line[at..];
    let mut flow = Flow {
        line,
        at,
        here,
        nodes,
    };
    if value.starts_with('[') {
        let node = flow.list()?;
        return only_comment(&line[flow.at..]).then_some(node);
    }
    if value.starts_with(['"', '\'']) {
        let node = flow.quoted()?;
        return only_comment(&line[flow.at..]).then_some(node);
    }
    const STRUCTURE: &[char] = &[
        '#', ':', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', '?',
    ];
    // A plain scalar ends where a comment starts.
    let value = value
        .split_once(" #")
        .map_or(value, |(scalar, _)| scalar)
        .trim_end_matches(' ');
    if value.starts_with('-') || value.contains(STRUCTURE) {
        return None;
    }
    let kind = match classify(value)? {
        Class::Null => NodeKind::Null,
        Class::Bool(b) => NodeKind::Bool(b),
        Class::Number => NodeKind::Number(value.to_string()),
        Class::Text => NodeKind::Str {
            text: value.to_string(),
            quoted: false,
        },
    };
    flow.node(at, kind)
}

/// A reading position in a one-line flow list: `[16, 2, -1]` and the 2019
/// format's `[5, { value: 86.42, note: "万元" }]`.
struct Flow<'a, 'n> {
    line: &'a str,
    /// A byte offset into `line`.
    at: usize,
    here: &'a dyn Fn(usize) -> Pos,
    nodes: &'n mut usize,
}

impl Flow<'_, '_> {
    fn peek(&self) -> Option<u8> {
        self.line.as_bytes().get(self.at).copied()
    }

    fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.at += 1;
        }
    }

    /// The position of the byte offset `at` (columns count characters).
    fn pos(&self, at: usize) -> Pos {
        let prefix = &self.line[..at];
        let column = if prefix.is_ascii() {
            at
        } else {
            prefix.chars().count()
        };
        (self.here)(column)
    }

    fn node(&mut self, at: usize, kind: NodeKind) -> Option<Node> {
        *self.nodes += 1;
        (*self.nodes <= MAX_NODES).then(|| Node {
            pos: self.pos(at),
            kind,
        })
    }

    /// `[item, item, …]`, one line, at least one item, no trailing comma.
    fn list(&mut self) -> Option<Node> {
        let start = self.at;
        self.at += 1;
        let mut items = Vec::new();
        self.skip_spaces();
        if self.peek() == Some(b']') {
            self.at += 1;
            return self.node(start, NodeKind::Seq(items));
        }
        loop {
            self.skip_spaces();
            let item = match self.peek()? {
                b'{' => self.map()?,
                _ => self.number()?,
            };
            items.push(item);
            self.skip_spaces();
            match self.peek()? {
                b',' => self.at += 1,
                b']' => break,
                _ => return None,
            }
        }
        self.at += 1;
        self.node(start, NodeKind::Seq(items))
    }

    /// `{ key: value, key: value }`: plain-word keys, each once; numbers and
    /// quoted strings as values.
    fn map(&mut self) -> Option<Node> {
        let start = self.at;
        self.at += 1;
        let mut entries: Vec<(Key, Node)> = Vec::new();
        loop {
            self.skip_spaces();
            let key_at = self.at;
            let (name, _) = split_key(&self.line[key_at..])?;
            if entries.iter().any(|(k, _)| k.name == name) {
                return None;
            }
            self.at += name.len() + 1;
            if self.peek() != Some(b' ') {
                return None;
            }
            self.skip_spaces();
            let value = match self.peek()? {
                b'"' | b'\'' => self.quoted()?,
                _ => self.number()?,
            };
            entries.push((
                Key {
                    name: name.to_string(),
                    pos: self.pos(key_at),
                },
                value,
            ));
            self.skip_spaces();
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => break,
                _ => return None,
            }
        }
        self.at += 1;
        self.node(start, NodeKind::Map(entries))
    }

    /// A plain decimal, or a negative one that serde-saphyr reads as a
    /// number (a 2019 report's 本年增/减).
    fn number(&mut self) -> Option<Node> {
        let start = self.at;
        let rest = &self.line[start..];
        let end = rest.find([',', ']', '}', ' ']).unwrap_or(rest.len());
        let text = &rest[..end];
        let number = is_plain_decimal(text)
            || text.strip_prefix('-').is_some_and(is_plain_decimal)
                && classify(text)? == Class::Number;
        if !number {
            return None;
        }
        self.at += end;
        self.node(start, NodeKind::Number(text.to_string()))
    }

    /// `"…"` or `'…'` without escapes.
    fn quoted(&mut self) -> Option<Node> {
        let start = self.at;
        let quote = self.line[start..].chars().next()?;
        let (inner, _) = self.line[start + 1..].split_once(quote)?;
        if inner.contains('\\') {
            return None;
        }
        self.at = start + 1 + inner.len() + 1;
        // `'it''s'`: an escaped quote.
        if quote == '\'' && self.peek() == Some(b'\'') {
            return None;
        }
        self.node(
            start,
            NodeKind::Str {
                text: inner.to_string(),
                quoted: true,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(yaml: &str) -> Option<Node> {
        parse(yaml, &|line, column| Pos::new(line as u32, column as u32))
    }

    /// What the line reader takes and what it leaves to the other readers;
    /// `content::yaml`'s tests compare every document it takes with
    /// serde-saphyr's reading.
    #[test]
    fn takes_the_plain_shape_and_leaves_the_rest() {
        for taken in [
            "a: 1\nb: 中文\nc: \"2021\"\nd: 'x'\ne: 2024-01-20\n",
            "a:  # 注释\n  b: [1, 2, 3]   # 注释\n  c:\n    d: [ ]\n# 注释\n\ne: ~\n",
            "a: 1\r\nb: [1, -1]\r\n",
            "p: [5, { value: 86.42, note: \"万元\" }]\n",
            "b: x # y\n",
        ] {
            assert!(read(taken).is_some(), "{taken}");
        }
        for left in [
            "a: |\n  x\n",
            "a: x\n  y\n",
            "a:\n  - 1\n",
            "a: [1,\n  2]\n",
            "a: [1, ~]\n",
            "a: {b: 1}\n",
            "a: \"x\\ty\"\n",
            "a: 'it''s'\n",
            "a: &x 1\n",
            "a: !!str 1\n",
            "a: 1\na: 2\n",
            "\"a\": 1\n",
            "1: 1\n",
            "a:\tb\n",
            "a: 1\n---\nb: 2\n",
            "a: x: y\n",
            "a: x#y\n",
            "a:\n",
            "",
        ] {
            assert!(read(left).is_none(), "{left}");
        }
    }

    #[test]
    fn keeps_each_value_at_its_line_and_column() {
        let root = read("a: 1\nb:\n  c: [7, { v: 2 }]  # x\n").unwrap();
        let entries = root.as_map().unwrap();
        assert_eq!(root.pos, Pos::new(1, 1));
        assert_eq!(entries[0].1.pos, Pos::new(1, 4));
        let b = &entries[1].1;
        assert_eq!(b.pos, Pos::new(3, 3));
        let (c, list) = &b.as_map().unwrap()[0];
        assert_eq!((c.name.as_str(), c.pos), ("c", Pos::new(3, 3)));
        assert_eq!(list.pos, Pos::new(3, 6));
        let NodeKind::Seq(items) = &list.kind else {
            panic!("{list:?}")
        };
        assert_eq!(items[0].pos, Pos::new(3, 7));
        assert_eq!(items[1].pos, Pos::new(3, 10));
        let (v, two) = &items[1].as_map().unwrap()[0];
        assert_eq!((v.pos, two.pos), (Pos::new(3, 12), Pos::new(3, 15)));
    }
}
