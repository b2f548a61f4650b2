//! The consistency rules of `consistency-rules.md`, one function per rule.
//!
//! | file | rules |
//! |---|---|
//! | `format.rs` | F1 (tables with no numbers), F2 (format vs year) |
//! | `t2.rs` | T2.1–T2.8, table 二 |
//! | `t3.rs` | T3.1–T3.5, table 三 |
//! | `t4.rs` | T4.1–T4.3, table 四 |
//!
//! | `cross.rs` | Y1–Y4, C1–C4: across reports |
//!
//! The parser reports F1 for missing tables and rows and F2 for keys of the
//! other format.

pub mod cross;
mod format;
mod t2;
mod t3;
mod t4;
pub mod text;

use super::schema::TableId;
use super::{Report, Table, Value};
use crate::config::AgencyLevel;
use crate::diag::Finding;

/// What the rules need to know beyond the report itself.
#[derive(Clone, Debug, Default)]
pub struct RuleContext {
    /// Decimals the provincial overlay requires for the 2021 fee (Henan: 4).
    pub fee_decimals: Option<u8>,
    /// The agency's administrative level, when the site declares it (T2.4).
    pub level: Option<AgencyLevel>,
}

/// Runs every single-report rule.
pub fn check_report(report: &Report, ctx: &RuleContext) -> Vec<Finding> {
    let mut out = Vec::new();
    let file = report.source.rel.as_str();
    format::f2_format_fits_year(file, report, &mut out);
    text::check(report, &mut out);
    for table in report.tables.iter().flatten() {
        if format::f1_table_has_numbers(file, table, &mut out) {
            continue;
        }
        match table.spec.id {
            TableId::Active => t2::check(file, table, ctx, &mut out),
            TableId::Applications => t3::check(file, table, &mut out),
            TableId::Reviews => t4::check(file, table, &mut out),
        }
    }
    out
}

/// Every written cell that holds a number, with its position in the table.
fn numbers(table: &Table) -> impl Iterator<Item = (usize, usize, super::num::Num)> + '_ {
    table.rows.iter().enumerate().flat_map(|(r, row)| {
        row.cells
            .iter()
            .enumerate()
            .filter(|(_, c)| c.origin == super::Origin::Written)
            .filter_map(move |(c, cell)| match cell.value {
                Value::Number(n) => Some((r, c, n)),
                _ => None,
            })
    })
}

/// Blank cells, grouped by row: one warning per row naming its blank columns.
fn blank_cells(file: &str, table: &Table, rule: &'static str, out: &mut Vec<Finding>) {
    for (r, row) in table.rows.iter().enumerate() {
        if row.state != super::RowState::Present {
            continue;
        }
        let blanks: Vec<usize> = (0..row.cells.len())
            .filter(|&c| {
                row.cells[c].value == Value::Blank && row.cells[c].origin == super::Origin::Written
            })
            .collect();
        let Some(&first) = blanks.first() else {
            continue;
        };
        let spec = &table.spec.rows[r];
        let names = if spec.columns.len() == 1 {
            String::new()
        } else {
            format!(
                "（{}）",
                blanks
                    .iter()
                    .map(|&c| spec.columns[c].label)
                    .collect::<Vec<_>>()
                    .join("、")
            )
        };
        let total_note = match (table.total_col(), blanks.last()) {
            (Some(t), Some(&last)) if last == t => table
                .computed(r, t)
                .map(|n| format!("；留空的总计按各项之和 {n} 计算"))
                .unwrap_or_default(),
            _ => String::new(),
        };
        out.push(
            Finding::warning(
                file,
                row.cells[first].pos,
                rule,
                format!(
                    "有 {} 个空白单元格{names}：空白不等于 0，表格里按 0 计算{total_note}",
                    blanks.len()
                ),
            )
            .at(table.place(r, None))
            .hint(if rule == "T2.8" {
                "确实为 0 请填 0；不适用请填 \"/\""
            } else {
                "确实为 0 请填 0"
            }),
        );
    }
}

/// "/" in a table whose official form has no "不适用" (三 and 四: every cell
/// is a count of applications or cases): counted as 0, and a warning.
fn not_applicable_cells(file: &str, table: &Table, rule: &'static str, out: &mut Vec<Finding>) {
    for (r, row) in table.rows.iter().enumerate() {
        let slashes: Vec<usize> = (0..row.cells.len())
            .filter(|&c| row.cells[c].value == Value::NotApplicable)
            .collect();
        let Some(&first) = slashes.first() else {
            continue;
        };
        let names: Vec<&str> = slashes
            .iter()
            .map(|&c| table.spec.rows[r].columns[c].label)
            .collect();
        out.push(
            Finding::warning(
                file,
                row.cells[first].pos,
                rule,
                format!(
                    "有 {} 个单元格填的是“/”（{}）：官方表样这张表没有“不适用”，每格都是件数，表格里按 0 计算",
                    slashes.len(),
                    names.join("、")
                ),
            )
            .at(table.place(r, None))
            .hint("没有就填 0；原表空白填 ~"),
        );
    }
}

/// Every number in the table must be an integer ≥ 0 (T3.4, T4.2, T2.1 counts).
fn non_negative_integers(file: &str, table: &Table, rule: &'static str, out: &mut Vec<Finding>) {
    for (r, c, n) in numbers(table) {
        let kind = table.spec.rows[r].columns[c].kind;
        if kind != super::schema::CellKind::Count {
            continue;
        }
        if !n.is_integer() || n.is_negative() {
            out.push(
                Finding::error(
                    file,
                    table.rows[r].cells[c].pos,
                    rule,
                    format!("应为不小于 0 的整数，这里是 {n}"),
                )
                .at(table.place(r, Some(c)))
                .numbers("不小于 0 的整数", n),
            );
        }
    }
}
