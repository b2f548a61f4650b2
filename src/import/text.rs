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
/// (`- 3 -`, `第 3 页 共 9 页`) are dropped.
pub fn parse(text: &str) -> Document {
    let blocks: Vec<Block> = text
        .split('\n')
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !is_page_number(line))
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
