//! The narrative of an imported report → the Markdown body of the report file.
//!
//! Sections get the official headings (`## 一、总体情况` …) whatever alias the
//! source used; subsections `（一）…` become `###` headings. Sections 二, 三 and
//! 四 are the tables: they get a heading only when the source has prose there
//! (or a row the official table has no place for). Lines that PDF extraction
//! broke inside a sentence are joined; paragraph breaks are kept.

use super::doc::{BlockKind, Document};
use super::normalize::{collapse_spaces, display_width, label_key};
use super::tables::ExtraRow;
use crate::report::schema::SECTIONS;
use std::ops::Range;

/// What the body is made from.
pub struct BodySource<'a> {
    /// The source, read into blocks.
    pub doc: &'a Document,
    /// Where its six sections are.
    pub sections: &'a super::layout::Sections,
    /// Blocks taken by tables 二, 三, 四.
    pub table_spans: Vec<Range<usize>>,
    /// Blocks that are not narrative (the title and its repeats), sorted.
    pub skip: Vec<usize>,
    /// Rows table 二 has no place for, written as a note under 二.
    pub extra_rows: &'a [ExtraRow],
}

/// One paragraph of the body.
#[derive(Clone, Debug, PartialEq)]
enum Para {
    Subheading(String),
    Text(String),
}

/// Writes the Markdown body.
pub fn compose(src: &BodySource) -> String {
    let full = full_line_width(src);
    let mut out = String::new();
    let preamble = paragraphs(src, src.sections.preamble.clone(), full);
    push_paragraphs(&mut out, &preamble);
    for n in 1..=6 {
        let Some(range) = src.sections.bodies[n - 1].clone() else {
            continue;
        };
        let mut paras = paragraphs(src, range, full);
        if n == 2 {
            paras.extend(src.extra_rows.iter().map(extra_row_note));
        }
        if (2..=4).contains(&n) && paras.is_empty() {
            continue;
        }
        out.push_str(&format!("## {}\n\n", SECTIONS[n - 1]));
        push_paragraphs(&mut out, &paras);
    }
    let trimmed = out.trim_end();
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("{trimmed}\n")
    }
}

fn push_paragraphs(out: &mut String, paras: &[Para]) {
    for p in paras {
        match p {
            Para::Subheading(t) => out.push_str(&format!("### {}\n\n", escape_markdown(t))),
            Para::Text(t) => out.push_str(&format!("{}\n\n", escape_markdown(t))),
        }
    }
}

/// The narrative blocks of `range`: not a table, not the title, not page chrome.
fn narrative_lines(src: &BodySource, range: Range<usize>) -> Vec<String> {
    let doc = src.doc;
    range
        .filter(|i| src.skip.binary_search(i).is_err())
        .filter_map(|i| {
            let block = doc.blocks.get(i)?;
            let in_table = src.table_spans.iter().any(|s| s.contains(&i));
            let text = match &block.kind {
                BlockKind::Text(t) if in_table && !(doc.html && t.contains('。')) => return None,
                BlockKind::Text(t) => t.clone(),
                BlockKind::Row(_) if in_table => return None,
                BlockKind::Row(_) => block.text(),
            };
            let text = text.trim().to_string();
            if text.is_empty() || (doc.html && is_page_chrome(&text)) {
                None
            } else {
                Some(text)
            }
        })
        .collect()
}

fn paragraphs(src: &BodySource, range: Range<usize>, full: usize) -> Vec<Para> {
    let lines = narrative_lines(src, range);
    let joined = if src.doc.html {
        lines.iter().map(|l| collapse_spaces(l)).collect()
    } else {
        join_lines(&lines, full)
    };
    joined
        .into_iter()
        .filter(|p| !p.is_empty())
        .map(|p| {
            if is_subheading(&p) {
                Para::Subheading(p)
            } else {
                Para::Text(p)
            }
        })
        .collect()
}

/// The width of a full line of the PDF's text: lines this wide were broken
/// by the page, not by the author. The 90th percentile of the prose lines,
/// so that one overlong line does not set it.
fn full_line_width(src: &BodySource) -> usize {
    if src.doc.html {
        return 0;
    }
    let mut widths: Vec<usize> = src
        .doc
        .blocks
        .iter()
        .enumerate()
        .filter(|(i, _)| !src.table_spans.iter().any(|s| s.contains(i)))
        .filter_map(|(_, b)| match &b.kind {
            BlockKind::Text(t) => Some(display_width(t.trim())),
            BlockKind::Row(_) => None,
        })
        .filter(|&w| w >= 20)
        .collect();
    widths.sort_unstable_by(|a, b| b.cmp(a));
    widths.get(widths.len() / 10).copied().unwrap_or(0)
}

/// Joins the lines of PDF text into paragraphs: a line as wide as a full
/// line that does not end a sentence goes on in the next line (even across
/// the blank lines extraction inserts); any other line ends its paragraph.
pub fn join_lines(lines: &[String], full: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous_line = String::new();
    for raw in lines {
        let line = collapse_spaces(raw);
        if line.is_empty() {
            continue;
        }
        if current.is_empty() {
            current = line.clone();
        } else if runs_on(&previous_line, &line, full) {
            let ascii_both = current.ends_with(|c: char| c.is_ascii_alphanumeric())
                && line.starts_with(|c: char| c.is_ascii_alphanumeric());
            if ascii_both {
                current.push(' ');
            }
            current.push_str(&line);
        } else {
            out.push(std::mem::take(&mut current));
            current = line.clone();
        }
        previous_line = line;
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn runs_on(previous: &str, next: &str, full: usize) -> bool {
    full > 0
        && display_width(previous) * 100 >= full * 85
        && !ends_sentence(previous)
        && !is_subheading(previous)
        && !starts_paragraph(next)
}

/// The line ends with `。！？；：…`, possibly inside a closing quote or bracket.
fn ends_sentence(line: &str) -> bool {
    let mut chars = line.chars().rev();
    let last = chars.next();
    let closing = ['”', '’', '）', '」', '』', '》', ')'];
    let end = match last {
        Some(c) if closing.contains(&c) => chars.next(),
        other => other,
    };
    end.is_some_and(|c| "。！？；：…!?;:".contains(c))
}

/// `（一）`, `1、`, `2.`, `一是`: the start of a new paragraph or list item.
fn starts_paragraph(line: &str) -> bool {
    let chars: Vec<char> = line.chars().take(4).collect();
    let numeral = |c: char| "一二三四五六七八九十".contains(c);
    let opens = |c: char| c == '（' || c == '(';
    match chars.as_slice() {
        [o, n, ..] if opens(*o) && (numeral(*n) || n.is_ascii_digit()) => true,
        [d, p, n, ..]
            if d.is_ascii_digit()
                && (*p == '、' || ((*p == '.' || *p == '．') && !n.is_ascii_digit())) =>
        {
            true
        }
        [n, '、', ..] if numeral(*n) => true,
        [n, '是', ..] if numeral(*n) => true,
        _ => false,
    }
}

/// `（一）主动公开`: a short subsection title, not a sentence.
fn is_subheading(p: &str) -> bool {
    let t = p.trim();
    let rest = t
        .strip_prefix(['（', '('])
        .and_then(|r| r.split_once(['）', ')']))
        .filter(|(n, _)| !n.is_empty() && n.chars().all(|c| "一二三四五六七八九十".contains(c)))
        .map(|(_, rest)| rest.trim());
    rest.is_some_and(|r| {
        !r.is_empty()
            && r.chars().count() <= 24
            && !r.contains(['。', '，', '；', '：', '！', '？', ','])
    })
}

/// Menus and footers of a government page that sit inside the report's element.
fn is_page_chrome(text: &str) -> bool {
    const WORDS: [&str; 18] = [
        "打印本页",
        "关闭窗口",
        "【打印】",
        "【关闭】",
        "字号：",
        "字体：",
        "分享到",
        "扫一扫",
        "网站标识码",
        "ICP备",
        "公网安备",
        "版权所有",
        "主办单位：",
        "技术支持：",
        "上一篇",
        "下一篇",
        "返回顶部",
        "浏览次数",
    ];
    text.chars().count() <= 80 && WORDS.iter().any(|w| text.contains(w))
}

/// A row table 二 has no place for, kept as a sentence under 二.
fn extra_row_note(row: &ExtraRow) -> Para {
    let values: Vec<String> = row.values.iter().map(shown).collect();
    let cells = if row.columns.len() == values.len() {
        row.columns
            .iter()
            .zip(&values)
            .map(|(c, v)| format!("{c} {v}"))
            .collect::<Vec<_>>()
            .join("，")
    } else {
        values.join("、")
    };
    Para::Text(format!(
        "（导入说明：原表另有一行“{}”，统一格式没有这一行，未写入表格。这一行的数为：{cells}。）",
        row.label
    ))
}

fn shown(v: &super::cells::CellValue) -> String {
    use super::cells::CellValue;
    match v {
        CellValue::Blank => "空白".into(),
        CellValue::NotApplicable => "/".into(),
        CellValue::Number(n, None) => n.to_string(),
        CellValue::Number(n, Some(note)) => format!("{n}（{note}）"),
        CellValue::Unreadable(t) => t.clone(),
    }
}

/// Escapes what Markdown would read as markup, so the text shows as published.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '~' | '&') {
            out.push('\\');
        }
        out.push(c);
    }
    let starts_block = out.starts_with(['#', '>', '-', '+', '=', '|']);
    let digits = out.chars().take_while(char::is_ascii_digit).count();
    let numbered = digits > 0 && {
        let rest = &out[digits..];
        rest.starts_with(". ") || rest.starts_with(") ")
    };
    if starts_block {
        out.insert(0, '\\');
    } else if numbered {
        out.insert(digits, '\\');
    }
    out
}

/// True when two texts are the same title (running headers repeat it).
pub fn same_text(a: &str, b: &str) -> bool {
    label_key(a) == label_key(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(t: &str) -> Vec<String> {
        t.lines().map(String::from).collect()
    }

    #[test]
    fn joins_lines_broken_inside_a_sentence_and_keeps_paragraph_breaks() {
        let full = "一二三四五六七八九十一二三四五六七八九十";
        let text = format!(
            "{full}\n\n接下去的句子。\n{full}。\n新的段落\n短行\n（一）主动公开\n{full}\n1、第一条"
        );
        let joined = join_lines(&lines(&text), display_width(full));
        assert_eq!(
            joined,
            vec![
                format!("{full}接下去的句子。"),
                format!("{full}。"),
                "新的段落".to_string(),
                "短行".to_string(),
                "（一）主动公开".to_string(),
                full.to_string(),
                "1、第一条".to_string(),
            ]
        );
    }

    #[test]
    fn a_line_ending_with_a_semicolon_or_colon_ends_the_paragraph() {
        let full = "一二三四五六七八九十一二三四五六七八九；";
        let joined = join_lines(&lines(&format!("{full}\n下一段")), display_width(full));
        assert_eq!(joined.len(), 2);
    }

    #[test]
    fn recognises_subheadings_but_not_sentences() {
        assert!(is_subheading("（一）主动公开"));
        assert!(is_subheading("(五)监督保障"));
        assert!(!is_subheading("（一）主动公开。本年度共公开信息195条"));
        assert!(!is_subheading("1、信息来源方面"));
    }

    #[test]
    fn escapes_markdown_but_not_chinese_punctuation() {
        assert_eq!(
            escape_markdown("《条例》（一）：*重要*"),
            "《条例》（一）：\\*重要\\*"
        );
        assert_eq!(escape_markdown("# 标题"), "\\# 标题");
        assert_eq!(escape_markdown("1. 列表"), "1\\. 列表");
        assert_eq!(escape_markdown("1.属于国家秘密"), "1.属于国家秘密");
    }
}
