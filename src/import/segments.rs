//! The rows of a published table as *segments*: the label text that comes
//! before a run of cell values, and the values.
//!
//! From PDF text, the words of the table's lines form one stream; every run
//! of values ends a segment, whose label is all the text since the previous
//! run (group labels, wrapped label lines, one-character header lines
//! included). From HTML, each `<tr>` is a segment: its trailing value cells
//! and the label cells before them. Rows are then placed by the end of their
//! label and columns by count (see `tables`), never by header text.

use super::cells::{CellValue, parse_cell};
use super::doc::{Block, BlockKind, Loc};
use super::normalize::label_key;
use super::text;

/// One value of a segment.
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    /// What the cell holds.
    pub value: CellValue,
    /// False for an empty HTML cell (a blank the page shows as nothing);
    /// everything read from PDF text is explicit.
    pub explicit: bool,
    /// Where the cell is.
    pub loc: Loc,
}

/// Label text followed by the values of one row.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    /// The label text as published (pieces joined by spaces).
    pub label: String,
    /// `label_key` of the label.
    pub key: String,
    /// The row's values, in order.
    pub values: Vec<Value>,
    /// Where the row is: its first value (or its label when it has none).
    pub loc: Loc,
    /// First block the segment spans.
    pub first_block: usize,
    /// Last block the segment spans.
    pub last_block: usize,
}

/// HTML table rows read for one table at most.
const MAX_ROWS: usize = 2_000;

/// Segments of `blocks[range]`. `labels` are the row-label keys of the table
/// being read (to split `行政处罚31`).
pub fn segments(
    blocks: &[Block],
    range: std::ops::Range<usize>,
    labels: &[String],
) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut lines: Vec<(usize, &str, Loc)> = Vec::new();
    let mut words = 0;
    for i in range {
        let Some(block) = blocks.get(i) else { break };
        if out.len() > MAX_ROWS || words > text::MAX_WORDS {
            break; // far longer than any official table
        }
        match &block.kind {
            BlockKind::Text(t) => {
                words += t.split_whitespace().take(text::MAX_WORDS + 1).count();
                lines.push((i, t.as_str(), block.loc));
            }
            BlockKind::Row(cells) => {
                out.extend(text_segments(&lines, labels));
                lines.clear();
                out.push(row_segment(cells, block.loc, i));
            }
        }
    }
    out.extend(text_segments(&lines, labels));
    out
}

/// Segments of a stream of text lines.
fn text_segments(lines: &[(usize, &str, Loc)], labels: &[String]) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut label: Vec<String> = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    let mut first: Option<(usize, Loc)> = None;
    let mut last_block = 0;
    for tok in text::tokens(lines, labels) {
        match tok.cell {
            Some(value) => values.push(Value {
                value,
                explicit: true,
                loc: tok.loc,
            }),
            None => {
                if !values.is_empty() {
                    out.push(segment(
                        &label,
                        std::mem::take(&mut values),
                        first,
                        last_block,
                    ));
                    label.clear();
                    first = None;
                }
                label.push(tok.text);
            }
        }
        first.get_or_insert((tok.block, tok.loc));
        last_block = tok.block;
    }
    if !values.is_empty() || !label.is_empty() {
        out.push(segment(&label, values, first, last_block));
    }
    out
}

fn segment(
    label: &[String],
    values: Vec<Value>,
    first: Option<(usize, Loc)>,
    last_block: usize,
) -> Segment {
    let (first_block, label_loc) = first.unwrap_or((last_block, Loc::Line(0)));
    let label = label.join(" ");
    Segment {
        key: label_key(&label),
        loc: values.first().map_or(label_loc, |v| v.loc),
        label,
        values,
        first_block,
        last_block,
    }
}

/// A table row: the trailing cells that read as values, and the label
/// cells before them.
fn row_segment(cells: &[String], loc: Loc, block: usize) -> Segment {
    let split = cells
        .iter()
        .rposition(|c| parse_cell(c).is_none())
        .map_or(0, |i| i + 1);
    let label = cells[..split]
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let values = cells[split..]
        .iter()
        .filter_map(|c| {
            Some(Value {
                value: parse_cell(c)?,
                explicit: !c.trim().is_empty(),
                loc,
            })
        })
        .collect();
    Segment {
        key: label_key(&label),
        label,
        values,
        loc,
        first_block: block,
        last_block: block,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::text::parse;

    fn keys_and_counts(t: &str) -> Vec<(String, usize)> {
        let doc = parse(t);
        segments(&doc.blocks, 0..doc.blocks.len(), &[])
            .into_iter()
            .map(|s| (s.key, s.values.len()))
            .collect()
    }

    #[test]
    fn a_wrapped_label_and_numbers_on_their_own_line_make_one_row() {
        let t = "（六）其他\n处理\n1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息\n公开申请\n0 0 0 0 0 0 0\n3.其他 0 0 0 0 0 0 0";
        assert_eq!(
            keys_and_counts(t),
            vec![
                (
                    "（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
                        .to_string(),
                    7
                ),
                ("3.其他".to_string(), 7)
            ]
        );
    }

    #[test]
    fn numbers_one_per_line_still_form_a_run() {
        assert_eq!(
            keys_and_counts("规章\n1\n2\n3\n行政规范性文件 4 5 6"),
            vec![("规章".to_string(), 3), ("行政规范性文件".to_string(), 3)]
        );
    }

    #[test]
    fn an_html_row_splits_into_label_cells_and_value_cells() {
        let cells: Vec<String> = ["1", "规章", "0", "", "/"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let s = row_segment(&cells, Loc::Row { table: 1, row: 3 }, 0);
        assert_eq!(s.key, "1规章");
        let v: Vec<(CellValue, bool)> = s
            .values
            .into_iter()
            .map(|v| (v.value, v.explicit))
            .collect();
        assert_eq!(v[1], (CellValue::Blank, false));
        assert_eq!(v[2], (CellValue::NotApplicable, true));
    }
}
