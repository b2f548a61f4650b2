//! Plain text extracted from a PDF → blocks (one per line), and the words of
//! table lines → tokens.
//!
//! PDF text breaks labels across lines, writes numbers on lines of their own,
//! and may print header characters one per line. Nothing here depends on the
//! line layout: a table is read from the stream of tokens (see `tables`).

use super::cells::{CellValue, parse_cell};
use super::doc::{Block, BlockKind, Document, Loc};
use super::normalize::label_key;

/// Reads normalised text into one block per non-empty line; page numbers
/// (`- 3 -`, `第 3 页 共 9 页`, and a bare `4` at the foot of pages that
/// number in sequence) are dropped.
pub fn parse(text: &str) -> Document {
    let lines: Vec<&str> = text.split('\n').collect();
    let bare_page_numbers = bare_page_numbers(&lines);
    let blocks: Vec<Block> = lines
        .iter()
        .enumerate()
        .filter(|(i, line)| {
            !line.trim().is_empty() && !is_page_number(line) && !bare_page_numbers.contains(i)
        })
        .map(|(i, line)| Block {
            kind: BlockKind::Text(line.trim_end().to_string()),
            loc: Loc::Line(u32::try_from(i + 1).unwrap_or(u32::MAX)),
        })
        .collect();
    Document {
        html: false,
        content: 0..blocks.len(),
        blocks,
        page_titles: Vec::new(),
        published: None,
    }
}

/// The lines that hold only a number and end a page (the last line with
/// text before a form feed), when that number is the page's place in the
/// sequence that at least one other page's number also follows: `4` before
/// the third page break of a report whose second ends in `- 3 -`. A lone
/// number before one page break could be a table's last cell: it stays.
fn bare_page_numbers(lines: &[&str]) -> Vec<usize> {
    let bare = |line: &str| {
        let t = line.trim();
        (!t.is_empty() && t.len() <= 4 && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse::<i64>().ok())
            .flatten()
    };
    // (line of the number, page number − ordinal of the break, bare?)
    let mut feet: Vec<(usize, i64, bool)> = Vec::new();
    let mut ordinal = 0;
    for (i, line) in lines.iter().enumerate() {
        if !line.contains('\u{000C}') || !line.trim().is_empty() {
            continue;
        }
        ordinal += 1;
        let Some(last) = (0..i).rev().find(|&j| !lines[j].trim().is_empty()) else {
            continue;
        };
        let number = bare(lines[last]).map(|n| (n, true)).or_else(|| {
            is_page_number(lines[last])
                .then(|| page_number_value(lines[last]))
                .flatten()
                .map(|n| (n, false))
        });
        if let Some((n, is_bare)) = number {
            feet.push((last, n - ordinal, is_bare));
        }
    }
    feet.iter()
        .filter(|(line, offset, is_bare)| {
            *is_bare && feet.iter().any(|(l, o, _)| l != line && o == offset)
        })
        .map(|(line, _, _)| *line)
        .collect()
}

/// The page number a page-number line gives (`- 3 -` → 3, `第 3 页 共 9 页` → 3).
fn page_number_value(line: &str) -> Option<i64> {
    let digits: String = line
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// `- 3 -`, `— 3 —`, `第3页`, `第 3 页 共 9 页`, `3/9`: a page number line.
pub fn is_page_number(line: &str) -> bool {
    let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
    let dashes = ['-', '—', '–', '－'];
    if let Some(inner) = t.strip_prefix(dashes).and_then(|s| s.strip_suffix(dashes)) {
        return digits(inner.trim_matches(dashes));
    }
    if let Some(rest) = t.strip_prefix('第')
        && let Some((page, tail)) = rest.split_once('页')
    {
        let total_ok = tail.is_empty()
            || tail
                .trim_start_matches(['，', ',', '/'])
                .strip_prefix('共')
                .and_then(|s| s.strip_suffix('页'))
                .is_some_and(digits);
        return digits(page) && total_ok;
    }
    match t.split_once('/') {
        Some((a, b)) => digits(a) && digits(b),
        None => false,
    }
}

/// A word of a table line: a cell value, or a piece of label text.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// The word as printed.
    pub text: String,
    /// Index of the block (line) the word is on.
    pub block: usize,
    /// The cell value when the word is one (N3/N4).
    pub cell: Option<CellValue>,
    /// Where the word is.
    pub loc: Loc,
}

/// Words read from one table's lines at most. An official table is a few
/// hundred words; past this the "table" is something else (or hostile).
pub const MAX_WORDS: usize = 20_000;

/// Splits table lines into words. A bracket opened in one word is kept open
/// across spaces and lines (`22（其中修订 16 件）`, a label wrapped inside its
/// note); a label with its number glued on (`行政处罚31`) is split when the
/// text before the number ends with one of `labels` (keys).
pub fn tokens(lines: &[(usize, &str, Loc)], labels: &[String]) -> Vec<Token> {
    let words: Vec<Word> = lines
        .iter()
        .flat_map(|(block, line, loc)| {
            line.split_whitespace()
                .map(move |w| (w.to_string(), *block, *loc))
        })
        .take(MAX_WORDS)
        .collect();
    let words = merge_open_brackets(words);
    let mut out = Vec::new();
    for (word, block, loc) in words {
        match split_glued_number(&word, labels) {
            Some((label, number)) => {
                out.push(token(label, block, loc));
                out.push(token(number, block, loc));
            }
            None => out.push(token(word, block, loc)),
        }
    }
    out
}

/// A word with the block and place it is on.
type Word = (String, usize, Loc);

fn token(text: String, block: usize, loc: Loc) -> Token {
    Token {
        cell: parse_cell(&text),
        text,
        block,
        loc,
    }
}

/// The most words a bracket may stay open over.
const MAX_BRACKET_WORDS: usize = 12;

fn merge_open_brackets(words: Vec<Word>) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let (word, block, loc) = &words[i];
        if depth(word) > 0 {
            // A label's bracket never holds the row's numbers (`-layout` text
            // prints them on the line where the label wraps); a cell's note may.
            let in_label = !word.starts_with(|c: char| c.is_ascii_digit() || "+-＋－".contains(c));
            let mut merged = word.clone();
            let mut j = i + 1;
            let mut depth_now = depth(word);
            while j < words.len() && j - i <= MAX_BRACKET_WORDS && depth_now > 0 {
                if in_label && parse_cell(&words[j].0).is_some() {
                    break;
                }
                merged.push(' ');
                merged.push_str(&words[j].0);
                depth_now += depth(&words[j].0);
                j += 1;
            }
            if depth_now == 0 {
                out.push((merged, *block, *loc));
                i = j;
                continue;
            }
        }
        out.push((word.clone(), *block, *loc));
        i += 1;
    }
    out
}

/// Opened minus closed brackets in a word.
fn depth(word: &str) -> i32 {
    word.chars()
        .map(|c| match c {
            '（' | '(' => 1,
            '）' | ')' => -1,
            _ => 0,
        })
        .sum()
}

/// `行政处罚31` → (`行政处罚`, `31`) when `行政处罚` ends with a known label.
fn split_glued_number(word: &str, labels: &[String]) -> Option<(String, String)> {
    if parse_cell(word).is_some() {
        return None;
    }
    let start = word
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit() || *c == '.')
        .last()
        .map(|(i, _)| i)?;
    let (label, number) = word.split_at(start);
    let key = label_key(label);
    let known = labels
        .iter()
        .any(|l| !l.is_empty() && key.ends_with(l.as_str()));
    let is_number = matches!(parse_cell(number), Some(CellValue::Number(..)));
    (known && is_number).then(|| (label.to_string(), number.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(doc: &Document) -> Vec<String> {
        doc.blocks
            .iter()
            .map(|b| match &b.kind {
                BlockKind::Text(t) => t.clone(),
                _ => String::new(),
            })
            .collect()
    }

    #[test]
    fn bare_page_numbers_in_sequence_are_dropped_and_a_lone_number_stays() {
        let ff = "\n\u{000C}\n";
        // Pages 1-3: "- 1 -", "2", "3" at their feet.
        let doc = parse(&format!("甲{ff}- 1 -{ff}乙\n2{ff}丙\n0\n3{ff}丁"));
        let doc_lines = lines_of(&doc);
        assert_eq!(doc_lines, ["甲", "乙", "丙", "0", "丁"], "{doc_lines:?}");
        // One page break: the number before it may be a cell.
        let doc = parse(&format!("甲\n1{ff}乙"));
        assert_eq!(lines_of(&doc), ["甲", "1", "乙"]);
        // Numbers out of sequence are cells.
        let doc = parse(&format!("甲\n7{ff}乙\n0{ff}丙"));
        assert_eq!(lines_of(&doc), ["甲", "7", "乙", "0", "丙"]);
    }

    fn words(line: &str) -> Vec<String> {
        tokens(&[(0, line, Loc::Line(1))], &["行政处罚".to_string()])
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    #[test]
    fn keeps_notes_in_brackets_together() {
        assert_eq!(
            words("规章 22（其中修订 16 件） 0"),
            ["规章", "22（其中修订 16 件）", "0"]
        );
        assert_eq!(
            words("规章(设区的市、自治州人民 政府应提供相关数据) 0"),
            ["规章(设区的市、自治州人民 政府应提供相关数据)", "0"]
        );
    }

    #[test]
    fn a_labels_open_bracket_does_not_swallow_the_numbers() {
        assert_eq!(
            words("（二）部分公开（区分处理的，只计这一 1 2 情形，不计其他情形）"),
            [
                "（二）部分公开（区分处理的，只计这一",
                "1",
                "2",
                "情形，不计其他情形）"
            ]
        );
    }

    #[test]
    fn splits_a_number_glued_to_a_known_label() {
        assert_eq!(words("行政处罚31"), ["行政处罚", "31"]);
        assert_eq!(words("第3页"), ["第3页"]);
    }

    #[test]
    fn knows_page_numbers() {
        for p in ["- 3 -", "— 12 —", "第3页", "第 3 页 共 9 页", "3/9"] {
            assert!(is_page_number(p), "{p}");
        }
        for t in ["3", "0 0 0", "规章 0 0 0", "第二十条第（一）项"] {
            assert!(!is_page_number(t), "{t}");
        }
    }

    #[test]
    fn one_block_per_line_with_its_number() {
        let doc = parse("一、总体情况\n\n- 1 -\n正文");
        assert_eq!(doc.blocks.len(), 2);
        assert_eq!(doc.blocks[1].loc, Loc::Line(4));
    }
}
