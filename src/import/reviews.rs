//! Table 四: no row labels on the official form, so its 15 numbers are
//! taken in reading order (or, printed as three labelled rows, by label).

use super::cells::CellValue;
use super::doc::Loc;
use super::normalize::label_key;
use super::segments::{Segment, Value};
use super::tables::{PlacedRow, Problem, TableRead, Tables, place_of, shown_refs};
use crate::report::schema::TableSpec;

/// Table 四 printed as three labelled rows of 5 (行政复议, 未经复议直接起诉,
/// 复议后起诉, also written `行政诉讼（复议后起诉）`), in whatever order: the
/// rows, placed by their labels when each names exactly one of them.
fn reviews_by_label<'s>(segs: &'s [Segment], spec: &'static TableSpec) -> Option<Vec<&'s Segment>> {
    let labels: Vec<String> = spec.rows.iter().map(|r| label_key(r.label)).collect();
    let rows: Vec<&Segment> = segs
        .iter()
        .filter(|s| !s.values.is_empty())
        .take(3)
        .collect();
    let mut placed: Vec<Option<&Segment>> = vec![None; spec.rows.len()];
    for seg in &rows {
        let named: Vec<usize> = (0..labels.len())
            .filter(|&i| seg.key.contains(labels[i].as_str()))
            .collect();
        let [row] = named.as_slice() else { return None };
        let width = spec.rows.get(*row)?.columns.len();
        if seg.values.len() != width || placed[*row].is_some() {
            return None;
        }
        placed[*row] = Some(seg);
    }
    placed.into_iter().collect()
}

/// Table 四: the 15 numbers in reading order, 5 per row (行政复议, 未经复议直接起诉, 复议后起诉),
/// or three rows placed by their labels. Returns the last block used.
pub(super) fn place_reviews(
    segs: &[Segment],
    html: bool,
    table: &mut TableRead,
    out: &mut Tables,
) -> Option<usize> {
    let spec = table.spec;
    if let Some(rows) = reviews_by_label(segs, spec) {
        let last = rows.iter().map(|s| s.last_block).max();
        let values: Vec<&Value> = rows.iter().flat_map(|s| s.values.iter()).collect();
        fill_reviews(&values, table, out);
        return last;
    }
    let wanted: usize = spec.rows.iter().map(|r| r.columns.len()).sum();
    let mut values: Vec<&Value> = Vec::new();
    let mut last_block = None;
    for seg in segs {
        let counts = !html || seg.key.is_empty() || seg.values.iter().any(|v| v.explicit);
        if seg.values.is_empty() || !counts {
            continue;
        }
        values.extend(seg.values.iter());
        last_block = Some(seg.last_block);
        if values.len() >= wanted {
            break;
        }
    }
    if values.len() != wanted {
        let loc = values.first().map(|v| v.loc);
        let message = format!(
            "{}（{}）：读到 {} 个数（{}），应有 {wanted} 个（行政复议、未经复议直接起诉、复议后起诉各 5 个：结果维持、结果纠正、其他结果、尚未审结、总计）；无法确定每个数属于哪一格",
            spec.short,
            spec.title,
            values.len(),
            shown_refs(&values)
        );
        out.problems.push(Problem { loc, message });
        return last_block;
    }
    fill_reviews(&values, table, out);
    last_block
}

/// The 15 values of table 四, 5 per row in the official row order.
fn fill_reviews(values: &[&Value], table: &mut TableRead, out: &mut Tables) {
    let spec = table.spec;
    let mut rest = values;
    for (i, row) in spec.rows.iter().enumerate() {
        let (mine, tail) = rest.split_at(row.columns.len().min(rest.len()));
        rest = tail;
        for (v, col) in mine.iter().zip(row.columns) {
            if let CellValue::Unreadable(text) = &v.value {
                out.problems.push(Problem {
                    loc: Some(v.loc),
                    message: format!(
                        "{} · {}：单元格写的是“{text}”，不是数",
                        place_of(spec, i),
                        col.label
                    ),
                });
            }
        }
        table.rows[i] = Some(PlacedRow {
            cells: mine.iter().map(|v| v.value.clone()).collect(),
            loc: mine.first().map_or(Loc::Line(0), |v| v.loc),
            published_label: None,
        });
    }
}
