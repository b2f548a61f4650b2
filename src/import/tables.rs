//! Reading the three official tables out of a source's blocks.
//!
//! Each table is looked for in its section (二, 三, 四; after the previous
//! table when a heading is missing), from the first line that is plainly part
//! of a table. Rows of 二 and 三 are placed by their labels, in the official
//! order; the columns of a row by count. Table 四 has no row labels: its 15
//! numbers are taken in reading order. Nothing is guessed: a row that cannot
//! be placed, a row with the wrong number of cells and a word in a number's
//! place are problems, reported with where they are in the source.

use super::cells::{CellValue, parse_cell};
use super::doc::{Block, BlockKind, Document, Loc};
use super::labels::{RowLabels, without_trailing_note};
use super::layout::Sections;
use super::normalize::label_key;
use super::placer::Placer;
use super::reviews::place_reviews;
use super::segments::{Segment, Value, segments};
use crate::report::schema::{ColumnSpec, Format, TableId, TableSpec};
use std::ops::Range;

/// A row read from the source.
#[derive(Clone, Debug, PartialEq)]
pub struct PlacedRow {
    /// One cell per column of the row spec.
    pub cells: Vec<CellValue>,
    /// Where the row is in the source.
    pub loc: Loc,
    /// The label as published, when it is a variant of the official one.
    pub published_label: Option<String>,
}

/// One official table as read.
#[derive(Clone, Debug)]
pub struct TableRead {
    /// The official table.
    pub spec: &'static TableSpec,
    /// One entry per row of `spec.rows`; `None` where the row was not read.
    pub rows: Vec<Option<PlacedRow>>,
    /// Blocks the table takes in the source (text around it is prose).
    pub span: Option<Range<usize>>,
    /// Column headers printed with a note the official one lacks.
    pub column_notes: Vec<String>,
}

/// Something in the source that could not be read with certainty.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// Where in the source, when one place can be named.
    pub loc: Option<Loc>,
    /// What could not be read, in Chinese, with the official labels.
    pub message: String,
}

/// A row a province adds to table 二: kept in the text, not in the table.
#[derive(Clone, Debug, PartialEq)]
pub struct ExtraRow {
    /// The row's label as published.
    pub label: String,
    /// Its cells.
    pub values: Vec<CellValue>,
    /// Labels of the columns of the block it was printed in.
    pub columns: Vec<&'static str>,
    /// Where it is in the source.
    pub loc: Loc,
}

/// The three tables, and what went wrong reading them.
#[derive(Clone, Debug)]
pub struct Tables {
    /// Tables 二, 三, 四.
    pub tables: Vec<TableRead>,
    /// What could not be read with certainty.
    pub problems: Vec<Problem>,
    /// Rows table 二 has no place for.
    pub extra_rows: Vec<ExtraRow>,
}

/// Reads the three tables of `format`.
pub fn read_tables(doc: &Document, sections: &Sections, format: Format) -> Tables {
    let mut out = Tables {
        tables: Vec::new(),
        problems: Vec::new(),
        extra_rows: Vec::new(),
    };
    let mut cursor = sections.bodies[0]
        .as_ref()
        .map_or(doc.content.start, |r| r.start);
    for (k, spec) in format.tables().into_iter().enumerate() {
        let zone = zone(doc, sections, k + 2, cursor);
        let table = read_table(doc, zone.clone(), spec, format, &mut out);
        cursor = table.span.as_ref().map_or(zone.end, |s| s.end);
        out.tables.push(table);
    }
    out
}

/// Where to look for the table of section `n`: its section, or, when the
/// heading is missing, from where the previous table ended to the next heading.
fn zone(doc: &Document, sections: &Sections, n: usize, cursor: usize) -> Range<usize> {
    let start = sections.bodies[n - 1]
        .as_ref()
        .map_or(cursor, |r| r.start.max(cursor));
    let end = sections
        .headings
        .iter()
        .filter(|h| h.number > n && h.block >= start)
        .map(|h| h.block)
        .min()
        .unwrap_or(doc.content.end);
    start..end.max(start)
}

fn read_table(
    doc: &Document,
    zone: Range<usize>,
    spec: &'static TableSpec,
    format: Format,
    out: &mut Tables,
) -> TableRead {
    let labels = RowLabels::new(spec, format);
    let mut table = TableRead {
        spec,
        rows: vec![None; spec.rows.len()],
        span: None,
        column_notes: Vec::new(),
    };
    let Some(start) = table_start(&doc.blocks, zone.clone(), spec) else {
        out.problems.push(Problem {
            loc: None,
            message: format!("找不到{}（{}）", spec.short, spec.title),
        });
        return table;
    };
    let segs = segments(&doc.blocks, start..zone.end, &labels.keys());
    let segs = within_limit(segs, spec, out);
    let end = if spec.id == TableId::Reviews {
        place_reviews(&segs, doc.html, &mut table, out)
    } else {
        let mut placer = Placer::new(spec, &labels, doc.html);
        let end = segs.iter().find(|s| placer.feed(s)).map(|s| s.last_block);
        let last = segs.iter().rev().find(|s| !s.values.is_empty());
        placer.finish(&mut table, out);
        end.or(last.map(|s| s.last_block))
    };
    let end = end.unwrap_or(start).max(start);
    table.span = Some(start..end + 1);
    if spec.id == TableId::Active {
        table.column_notes = column_notes(&doc.blocks[start..end + 1], spec);
    }
    table
}

/// Rows of numbers read for one table at most: an official table has 25,
/// headers split over lines add a few; more means the table never ended.
const MAX_SEGMENTS: usize = 400;

fn within_limit(mut segs: Vec<Segment>, spec: &TableSpec, out: &mut Tables) -> Vec<Segment> {
    let with_values = segs.iter().filter(|s| !s.values.is_empty()).count();
    if with_values > MAX_SEGMENTS {
        let cut = segs
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.values.is_empty())
            .nth(MAX_SEGMENTS)
            .map_or(segs.len(), |(i, _)| i);
        out.problems.push(Problem {
            loc: segs.get(cut).map(|s| s.loc),
            message: format!(
                "{}：这里之后还有很多行数字，不像是一张统一格式的表，只读了前 {MAX_SEGMENTS} 行",
                spec.short
            ),
        });
        segs.truncate(cut);
    }
    segs
}

/// Header words and row labels a table's first line may start with.
fn start_markers(spec: &TableSpec) -> &'static [&'static str] {
    match spec.id {
        TableId::Active => &["第二十条", "信息内容"],
        TableId::Applications => &["（本列数据", "本列数据", "申请人情况", "自然人"],
        TableId::Reviews => &[
            "行政复议行政诉讼",
            "行政复议",
            "结果维持",
            "未经复议直接起诉",
        ],
    }
}

/// The first block of the table: a line or row that starts with a header
/// word or a row label (and is not a sentence), or any row of an HTML table
/// that has such a row. Failing that, the first line with a number that is
/// not a sentence. (Other tables a section may have, before the official
/// one, stay text.)
fn table_start(blocks: &[Block], zone: Range<usize>, spec: &TableSpec) -> Option<usize> {
    let row_labels: Vec<String> = spec.rows.iter().map(|r| label_key(r.label)).collect();
    let starts_table = |b: &Block| {
        let key = label_key(&b.text());
        if is_sentence(&key) {
            return false;
        }
        start_markers(spec)
            .iter()
            .any(|m| key.starts_with(&label_key(m)))
            || row_labels.iter().any(|l| {
                key.strip_prefix(l.as_str())
                    .is_some_and(|rest| !continues_a_word(rest))
            })
            || (b.is_row() && row_labels.iter().any(|l| key.contains(l.as_str())))
    };
    let marked = zone
        .clone()
        .find(|&i| blocks.get(i).is_some_and(starts_table))
        .map(|i| first_row_of_its_table(blocks, i));
    let has_number = |b: &Block| {
        let text = b.text();
        !is_sentence(&text)
            && text
                .split_whitespace()
                .any(|w| matches!(parse_cell(w), Some(CellValue::Number(..))))
    };
    marked.or_else(|| {
        zone.clone()
            .find(|&i| blocks.get(i).is_some_and(has_number))
    })
}

/// For a row of an HTML table, the first row of that table (its headers).
fn first_row_of_its_table(blocks: &[Block], i: usize) -> usize {
    let Some(Loc::Row { table, .. }) = blocks.get(i).map(|b| b.loc) else {
        return i;
    };
    let same_table = |j: usize| matches!(blocks.get(j).map(|b| b.loc), Some(Loc::Row { table: t, .. }) if t == table);
    (0..i)
        .rev()
        .take_while(|&j| same_table(j))
        .last()
        .unwrap_or(i)
}

fn is_sentence(key: &str) -> bool {
    key.contains('。')
}

/// `方面…` after `行政许可`: the label word goes on, it is prose.
fn continues_a_word(rest: &str) -> bool {
    rest.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() && !c.is_ascii())
}

/// `表三 · （三）不予公开 · 1.属于国家秘密`
pub(super) fn place_of(spec: &TableSpec, row: usize) -> String {
    spec.rows.get(row).map_or_else(
        || spec.short.to_string(),
        |r| format!("{} · {}", spec.short, r.full_label()),
    )
}

/// `本年制发件数、本年废止件数、现行有效件数`
pub(super) fn column_labels(columns: &[ColumnSpec]) -> String {
    columns
        .iter()
        .map(|c| c.label)
        .collect::<Vec<_>>()
        .join("、")
}

/// Values as a reader sees them: `0 空白 / 22（其中修订16件）`.
pub(super) fn shown(values: &[Value]) -> String {
    shown_refs(&values.iter().collect::<Vec<_>>())
}

/// [`shown`] for references; at most 20 values.
pub(super) fn shown_refs(values: &[&Value]) -> String {
    let all: Vec<String> = values
        .iter()
        .map(|v| match &v.value {
            CellValue::Blank => "空白".to_string(),
            CellValue::NotApplicable => "/".to_string(),
            CellValue::Number(n, None) => n.to_string(),
            CellValue::Number(n, Some(note)) => format!("{n}（{note}）"),
            CellValue::Unreadable(t) => t.clone(),
        })
        .collect();
    if all.len() > 20 {
        format!("{} …", all[..20].join(" "))
    } else {
        all.join(" ")
    }
}

/// The last 40 characters of a label, for messages.
pub(super) fn shorten(s: &str) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    if chars.len() > 40 {
        format!("…{}", chars[chars.len() - 40..].iter().collect::<String>())
    } else {
        chars.into_iter().collect()
    }
}

/// `现行有效件数（历史累计）`, `本年收费金额（单位：万元，保留4位小数）`:
/// column headers printed with a note the official header has not.
fn column_notes(blocks: &[Block], spec: &TableSpec) -> Vec<String> {
    let key: String = blocks
        .iter()
        .filter(|b| matches!(b.kind, BlockKind::Text(_) | BlockKind::Row(_)))
        .map(|b| label_key(&b.text()))
        .collect();
    let mut notes: Vec<String> = Vec::new();
    for col in spec.rows.iter().flat_map(|r| r.columns) {
        let official = label_key(col.label);
        let core = without_trailing_note(&official);
        let mut from = 0;
        while let Some(at) = key.get(from..).and_then(|k| k.find(core)) {
            let after = &key[from + at + core.len()..];
            from += at + core.len();
            let Some(inner) = after.strip_prefix('（') else {
                continue;
            };
            let Some(close) = inner
                .find('）')
                .filter(|&c| inner[..c].chars().count() <= 30)
            else {
                continue;
            };
            let printed = format!("{core}（{}）", &inner[..close]);
            if printed != official && !notes.iter().any(|n| n.contains(&printed)) {
                notes.push(format!("“{}”列原表写作“{printed}”", col.label));
            }
        }
    }
    notes
}
