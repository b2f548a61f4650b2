//! The common case of front matter, read straight from the parser's events.
//!
//! serde-saphyr's deserializer gives every node its position (`Spanned`),
//! which is most of the time of reading a report: 177 µs for a typical front
//! matter, of which the parser's events are 77 µs. Front matter is nearly
//! always plain maps, sequences and scalars; for those, this module builds
//! the same [`Node`] tree from the events of serde-saphyr's own parser
//! (`serde_saphyr::granit_parser`), at the same positions, and leaves every
//! other document to serde-saphyr: an error, an anchor or alias, a tag, a
//! merge key, a repeated or non-text key, `${…}`, several documents, a large
//! or deep document. A plain scalar is classified (null, boolean, number or
//! text) by serde-saphyr itself, once per distinct text. A test compares the
//! two readings on every fixture and hostile file.

use super::{Key, Node, NodeKind, Pos};
use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle};

/// Larger or deeper documents go to serde-saphyr (its budget decides); the
/// line reader keeps to the same limits.
pub(super) const MAX_BYTES: usize = 256 * 1024;
pub(super) const MAX_DEPTH: usize = 16;
pub(super) const MAX_NODES: usize = 10_000;

/// What serde-saphyr makes of a plain scalar.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Class {
    Null,
    Bool(bool),
    Number,
    Text,
}

enum Open {
    Seq(Pos, Vec<Node>),
    /// The entries so far and the key waiting for its value.
    Map(Pos, Vec<(Key, Node)>, Option<Key>),
}

/// The tree of `yaml`, or `None` when serde-saphyr must read it.
pub fn parse(yaml: &str, shift: &dyn Fn(u64, u64) -> Pos) -> Option<Node> {
    if yaml.len() > MAX_BYTES || yaml.contains('$') {
        return None;
    }
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0;
    let mut nodes = 0;
    for item in Parser::new_from_str(yaml) {
        let (event, span) = item.ok()?;
        let pos = shift(span.start.line() as u64, span.start.col() as u64 + 1);
        // The node's text in the file: serde-saphyr's reading refuses a node
        // whose text starts with `*` (an alias), whatever the parser made of it.
        let raw = match (span.start.byte_offset(), span.end.byte_offset()) {
            (Some(start), Some(end)) => yaml.get(start..end).unwrap_or(""),
            _ => "",
        };
        if raw.starts_with('*') {
            return None;
        }
        let node = match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => continue,
            Event::DocumentStart(_, version) => {
                documents += 1;
                if documents > 1 || version.is_some() {
                    return None;
                }
                continue;
            }
            Event::SequenceStart(_, 0, None) => {
                stack.push(Open::Seq(pos, Vec::new()));
                if stack.len() > MAX_DEPTH {
                    return None;
                }
                continue;
            }
            Event::MappingStart(_, 0, None) => {
                stack.push(Open::Map(pos, Vec::new(), None));
                if stack.len() > MAX_DEPTH {
                    return None;
                }
                continue;
            }
            Event::SequenceEnd => match stack.pop()? {
                Open::Seq(pos, items) => Node {
                    pos,
                    kind: NodeKind::Seq(items),
                },
                Open::Map(..) => return None,
            },
            Event::MappingEnd => match stack.pop()? {
                Open::Map(pos, entries, None) => Node {
                    pos,
                    kind: NodeKind::Map(entries),
                },
                _ => return None,
            },
            Event::Scalar(value, style, 0, None) => {
                let kind = match style {
                    ScalarStyle::Plain => match classify(&value)? {
                        Class::Null => NodeKind::Null,
                        Class::Bool(b) => NodeKind::Bool(b),
                        Class::Number => NodeKind::Number(raw.trim().to_string()),
                        Class::Text => NodeKind::Str {
                            text: value.into_owned(),
                            quoted: raw.starts_with(['"', '\'']),
                        },
                    },
                    _ => NodeKind::Str {
                        text: value.into_owned(),
                        quoted: raw.starts_with(['"', '\'']),
                    },
                };
                Node { pos, kind }
            }
            // Anchors, aliases, tags, comments: serde-saphyr's reading.
            _ => return None,
        };
        nodes += 1;
        if nodes > MAX_NODES {
            return None;
        }
        match stack.last_mut() {
            None => {
                if root.is_some() {
                    return None;
                }
                root = Some(node);
            }
            Some(Open::Seq(_, items)) => items.push(node),
            Some(Open::Map(_, entries, waiting)) => match waiting.take() {
                Some(key) => entries.push((key, node)),
                None => {
                    // Only text keys, each once, never the merge key.
                    let NodeKind::Str { text, .. } = node.kind else {
                        return None;
                    };
                    if text == "<<" || entries.iter().any(|(k, _)| k.name == text) {
                        return None;
                    }
                    *waiting = Some(Key {
                        name: text,
                        pos: node.pos,
                    });
                }
            },
        }
    }
    if !stack.is_empty() {
        return None;
    }
    root
}

/// `0`, `17`, `0.5`, `145.24`: digits with no leading zero, then at most a
/// point and more digits. serde-saphyr reads each as a number (a test asks it
/// about every such text up to 4 characters and many longer ones).
pub(super) fn is_plain_decimal(text: &str) -> bool {
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    // Long integers may overflow into a float or a string: left to serde-saphyr.
    digits(whole)
        && whole.len() <= 15
        && (whole == "0" || !whole.starts_with('0'))
        && fraction.is_none_or(|f| digits(f) && f.len() <= 15)
}

/// serde-saphyr's class of a plain scalar, asked once per text and thread.
pub(super) fn classify(text: &str) -> Option<Class> {
    use std::cell::RefCell;
    thread_local! {
        static SEEN: RefCell<rustc_hash::FxHashMap<String, Option<Class>>> = RefCell::default();
    }
    if text.is_empty() {
        return Some(Class::Null);
    }
    // Nearly every scalar of a report: asked of serde-saphyr once, these
    // would still be hashed and looked up hundreds of times per report.
    if is_plain_decimal(text) {
        return Some(Class::Number);
    }
    if let Some(class) = SEEN.with_borrow(|seen| seen.get(text).copied()) {
        return class;
    }
    // Asked as the value of a key on one line, where a plain scalar reads as
    // anywhere else (alone, "---" would start a document).
    let class = if text.contains(['\n', '\r']) {
        None
    } else {
        match super::parse_with_serde_saphyr(&format!("k: {text}"), 1) {
            Ok(Node {
                kind: NodeKind::Map(entries),
                ..
            }) if entries.len() == 1 && entries[0].0.name == "k" => match &entries[0].1.kind {
                NodeKind::Null => Some(Class::Null),
                NodeKind::Bool(b) => Some(Class::Bool(*b)),
                NodeKind::Number(raw) if raw == text => Some(Class::Number),
                NodeKind::Str {
                    text: read,
                    quoted: false,
                } if read == text => Some(Class::Text),
                _ => None,
            },
            _ => None,
        }
    };
    SEEN.with_borrow_mut(|seen| {
        if seen.len() >= 4096 {
            seen.clear();
        }
        seen.insert(text.to_string(), class);
    });
    class
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcut for plain decimals says what serde-saphyr says, and is
    /// taken for the texts it was written for.
    #[test]
    fn plain_decimals_are_numbers_as_serde_saphyr_reads_them() {
        let alphabet = ['0', '1', '9', '.', '-', '+', 'e', '_', ' ', 'x'];
        let mut texts: Vec<String> = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            texts.extend(longer);
        }
        texts.sort();
        texts.dedup();
        for long in [
            "123456789012345",
            "1234567890123456",
            "99999999999999999999",
            "0.123456789012345",
            "145.24",
            "10.6956",
            "3.1415926535897932384626",
            "0000.5",
        ] {
            texts.push(long.to_string());
        }
        let mut shortcuts = 0;
        for text in &texts {
            if !is_plain_decimal(text) {
                continue;
            }
            shortcuts += 1;
            let read = crate::content::yaml::parse_with_serde_saphyr(&format!("k: {text}"), 1);
            let number = matches!(
                read,
                Ok(Node { kind: NodeKind::Map(ref entries), .. })
                    if matches!(&entries[0].1.kind, NodeKind::Number(raw) if raw == text)
            );
            assert!(number, "{text:?}: {read:?}");
        }
        for text in [
            "0",
            "17",
            "291",
            "0.5",
            "145.24",
            "10.6956",
            "123456789012345",
        ] {
            assert!(is_plain_decimal(text), "{text}");
        }
        for text in [
            "", "00", "012", "1.", ".5", "1.2.3", "-1", "+1", "1e3", "1_000", " 1",
        ] {
            assert!(!is_plain_decimal(text), "{text:?}");
        }
        assert!(shortcuts > 100, "{shortcuts}");
    }
}
