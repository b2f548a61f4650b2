//! Placing the segments of table 二 or 三 on the official rows: by the end
//! of their label, in the official order, the columns by count.

use super::cells::CellValue;
use super::doc::Loc;
use super::labels::{EXTRA_ROWS, Fit, RowLabels};
use super::segments::{Segment, Value};
use super::tables::{
    ExtraRow, PlacedRow, Problem, TableRead, Tables, column_labels, place_of, shorten, shown,
    shown_refs,
};
use crate::report::schema::{RowRole, TableSpec};

/// Places the segments of table 二 or 三 row by row.
pub(super) struct Placer<'a> {
    spec: &'static TableSpec,
    labels: &'a RowLabels,
    html: bool,
    rows: Vec<Option<PlacedRow>>,
    /// Rows met but not placed (already reported).
    tried: Vec<bool>,
    /// Where a row's label was seen without numbers.
    seen: Vec<Option<Loc>>,
    last: Option<usize>,
    problems: Vec<Problem>,
    extra_rows: Vec<ExtraRow>,
}

impl<'a> Placer<'a> {
    /// A placer for `spec`, recognising labels with `labels`.
    pub(super) fn new(spec: &'static TableSpec, labels: &'a RowLabels, html: bool) -> Placer<'a> {
        Placer {
            spec,
            labels,
            html,
            rows: vec![None; spec.rows.len()],
            tried: vec![false; spec.rows.len()],
            seen: vec![None; spec.rows.len()],
            last: None,
            problems: Vec::new(),
            extra_rows: Vec::new(),
        }
    }

    /// Takes one segment; true once the table's last row has been met.
    pub(super) fn feed(&mut self, seg: &Segment) -> bool {
        let found = self.labels.find(&seg.key);
        if seg.values.is_empty() {
            if let Some((row, _, _)) = found
                && self.rows[row].is_none()
            {
                self.seen[row].get_or_insert(seg.loc);
            }
            return false;
        }
        match found {
            Some((row, fit, start)) => {
                let published = (fit == Fit::Variant).then(|| seg.key[start..].to_string());
                self.place(row, published, seg);
                row + 1 == self.spec.rows.len()
            }
            None => {
                self.unplaced(seg);
                false
            }
        }
    }

    fn place(&mut self, row: usize, published_label: Option<String>, seg: &Segment) {
        let place = place_of(self.spec, row);
        if self.last.is_some_and(|last| row <= last) {
            self.problem(seg.loc, format!("{place}：这一行出现了两次，或不在统一格式规定的位置（原文“{}”），无法确定这些数属于哪一行", shorten(&seg.label)));
            return;
        }
        self.last = Some(row);
        let columns = self.spec.rows[row].columns;
        let values = fit_to_columns(&seg.values, columns.len());
        if values.len() != columns.len() {
            self.tried[row] = true;
            self.problem(
                seg.loc,
                format!(
                    "{place}：读到 {} 个数（{}），这一行应有 {} 个（{}）；无法确定每个数属于哪一列",
                    values.len(),
                    shown_refs(&values),
                    columns.len(),
                    column_labels(columns)
                ),
            );
            return;
        }
        for (v, col) in values.iter().zip(columns) {
            if let CellValue::Unreadable(text) = &v.value {
                self.problem(
                    v.loc,
                    format!("{place} · {}：单元格写的是“{text}”，不是数", col.label),
                );
            }
        }
        self.rows[row] = Some(PlacedRow {
            cells: values.iter().map(|v| v.value.clone()).collect(),
            loc: seg.loc,
            published_label,
        });
    }

    /// Values whose label matches no official row.
    fn unplaced(&mut self, seg: &Segment) {
        if let Some(extra) = EXTRA_ROWS.iter().find(|e| seg.key.contains(*e)) {
            let at = seg.label.find(extra).unwrap_or(0);
            let columns = self
                .last
                .map(|r| self.spec.rows[r].columns)
                .unwrap_or_default();
            self.extra_rows.push(ExtraRow {
                label: seg.label[at..].trim().to_string(),
                values: seg.values.iter().map(|v| v.value.clone()).collect(),
                columns: if columns.len() == seg.values.len() {
                    columns.iter().map(|c| c.label).collect()
                } else {
                    Vec::new()
                },
                loc: seg.loc,
            });
            return;
        }
        let nothing_shown = seg.values.iter().all(|v| !v.explicit);
        if (nothing_shown && (self.html || seg.key.is_empty())) || self.labels.is_header(&seg.key) {
            return;
        }
        let before = if seg.label.trim().is_empty() {
            "前面没有行名".to_string()
        } else {
            format!("前面的文字是“{}”", shorten(&seg.label))
        };
        self.problem(
            seg.loc,
            format!(
                "{}中有一行数（{}）对应不到统一格式的任何一行（{before}），无法确定它们属于哪一行",
                self.spec.short,
                shown(&seg.values)
            ),
        );
    }

    fn problem(&mut self, loc: Loc, message: String) {
        self.problems.push(Problem {
            loc: Some(loc),
            message,
        });
    }

    /// Rows never met are problems; (七)总计, which the report format lets
    /// out, is simply not written when the source has none.
    pub(super) fn finish(mut self, table: &mut TableRead, out: &mut Tables) {
        for i in 0..self.rows.len() {
            let spec = &self.spec.rows[i];
            if self.rows[i].is_none() && !self.tried[i] && spec.role != RowRole::OutcomeTotal {
                let problem = self.missing(i);
                self.problems.push(problem);
            }
        }
        out.problems.extend(self.problems);
        out.extra_rows.extend(self.extra_rows);
        table.rows = self.rows;
    }

    /// A row never met: where its name was seen, or after which row it should be.
    fn missing(&self, i: usize) -> Problem {
        let place = place_of(self.spec, i);
        if let Some(loc) = self.seen[i] {
            return Problem {
                loc: Some(loc),
                message: format!("{place}：这里有这一行的名称，但后面没有找到它的数"),
            };
        }
        let before = (0..i)
            .rev()
            .find_map(|r| self.rows[r].as_ref().map(|p| (r, p.loc)));
        match before {
            Some((r, loc)) => Problem {
                loc: Some(loc),
                message: format!(
                    "{place}：找不到这一行（应在“{}”这一行之后）",
                    self.spec.rows[r].label
                ),
            },
            None => Problem {
                loc: None,
                message: format!("{place}：找不到这一行"),
            },
        }
    }
}

/// The values of a row with `n` columns. An HTML row may carry empty cells
/// that are not columns: leading ones (an empty label column), and, in a
/// one-column row printed as unmerged cells, empty ones beside its only
/// value. Anything else is left as it is, and a wrong count is reported.
fn fit_to_columns(values: &[Value], n: usize) -> Vec<&Value> {
    let mut v: Vec<&Value> = values.iter().collect();
    while v.len() > n && v.first().is_some_and(|x| !x.explicit) {
        v.remove(0);
    }
    if n == 1 && v.len() > 1 {
        let shown: Vec<&Value> = v.iter().copied().filter(|x| x.explicit).collect();
        match shown.as_slice() {
            [only] => return vec![*only],
            [] => return v.into_iter().take(1).collect(),
            _ => {}
        }
    }
    v
}
