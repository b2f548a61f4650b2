//! Table 三、收到和处理政府信息公开申请情况: T3.1–T3.5.

use super::{blank_cells, non_negative_integers, not_applicable_cells};
use crate::diag::Finding;
use crate::report::num::Num;
use crate::report::schema::{RowRole, T3_COLUMNS};
use crate::report::{Origin, Table, Value};

pub fn check(file: &str, t: &Table, out: &mut Vec<Finding>) {
    let start = out.len();
    t3_1_each_column_balances(file, t, out);
    t3_2_total_row_is_sum_of_outcomes(file, t, out);
    t3_3_total_column_is_sum_of_applicants(file, t, out);
    point_at_the_likely_cell(t, &mut out[start..]);
    non_negative_integers(file, t, "T3.4", out);
    blank_cells(file, t, "T3.5", out);
    not_applicable_cells(file, t, "T3.5", out);
}

/// When one row fails T3.3 and one column fails T3.1/T3.2, the cell where
/// they cross is almost certainly the mistyped one: a single wrong cell
/// breaks exactly its row and its column. The row's finding is moved to that
/// cell and every finding names it.
fn point_at_the_likely_cell(t: &Table, findings: &mut [Finding]) {
    let total = T3_COLUMNS.len() - 1;
    let rows: Vec<usize> = findings
        .iter()
        .filter(|f| f.rule == "T3.3")
        .filter_map(|f| row_at(t, f, total))
        .collect();
    let mut cols: Vec<usize> = findings
        .iter()
        .filter(|f| f.rule != "T3.3")
        .filter_map(|f| {
            T3_COLUMNS
                .iter()
                .position(|c| f.place.ends_with(&format!("{}列", c.label)))
        })
        .collect();
    cols.dedup();
    let ([r], [c]) = (rows.as_slice(), cols.as_slice()) else {
        return;
    };
    let cell = &t.rows[*r].cells[*c];
    let Value::Number(n) = cell.value else {
        return;
    };
    let label = t.place(*r, Some(*c));
    for f in findings.iter_mut() {
        if f.rule == "T3.3" {
            f.line = cell.pos.line;
            f.column = cell.pos.column;
        }
        f.message.push_str(&format!(
            "。最可能填错的是：{label}（{}:{}，写的是 {n}）",
            cell.pos.line, cell.pos.column
        ));
    }
}

/// The row of a T3.3 finding (it sits on the row's 总计 cell).
fn row_at(t: &Table, f: &Finding, total: usize) -> Option<usize> {
    t.rows.iter().position(|row| {
        row.cells[total].pos.line == f.line && row.cells[total].pos.column == f.column
    })
}

/// The one official rule: "本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和".
const T3_1: &str = "每一列的第一项加第二项之和，应等于第三项（七）总计加第四项之和";

fn row_of(t: &Table, role: RowRole) -> Option<usize> {
    t.spec.row_index(role)
}

/// A cell that was written as a number (not blank, not computed).
fn written(t: &Table, r: usize, c: usize) -> Option<Num> {
    let cell = &t.rows[r].cells[c];
    match (cell.origin, &cell.value) {
        (Origin::Written, Value::Number(n)) => Some(*n),
        _ => None,
    }
}

/// T3.1: for every column, 一 + 二 = 三（七）总计 + 四.
pub fn t3_1_each_column_balances(file: &str, t: &Table, out: &mut Vec<Finding>) {
    let (Some(r1), Some(r2), Some(r7), Some(r4)) = (
        row_of(t, RowRole::Received),
        row_of(t, RowRole::CarriedOver),
        row_of(t, RowRole::OutcomeTotal),
        row_of(t, RowRole::CarriedForward),
    ) else {
        return;
    };
    for (c, column) in T3_COLUMNS.iter().enumerate() {
        let (Some(a), Some(b), Some(done), Some(next)) = (
            t.effective(r1, c),
            t.effective(r2, c),
            t.effective(r7, c),
            t.effective(r4, c),
        ) else {
            continue;
        };
        let left = a + b;
        let right = done + next;
        if left == right {
            continue;
        }
        // Point at the written （七）总计 of the column, else at 四.
        let at = if written(t, r7, c).is_some() { r7 } else { r4 };
        out.push(
            Finding::error(
                file,
                t.rows[at].cells[c].pos,
                "T3.1",
                format!(
                    "一＋二 = {a}＋{b} = {left}，但（七）总计＋四 = {done}＋{next} = {right}。规则：{T3_1}"
                ),
            )
            .at(format!("{} · {}列", t.spec.short, column.label))
            .numbers(left, right),
        );
    }
}

/// T3.2: for every column, （七）总计 = the sum of all outcome rows.
pub fn t3_2_total_row_is_sum_of_outcomes(file: &str, t: &Table, out: &mut Vec<Finding>) {
    let Some(r7) = row_of(t, RowRole::OutcomeTotal) else {
        return;
    };
    for (c, column) in T3_COLUMNS.iter().enumerate() {
        let Some(found) = written(t, r7, c) else {
            continue;
        };
        let Some(sum) = t
            .outcome_rows()
            .map(|r| t.effective(r, c))
            .sum::<Option<Num>>()
        else {
            continue;
        };
        if sum != found {
            out.push(
                Finding::error(
                    file,
                    t.rows[r7].cells[c].pos,
                    "T3.2",
                    format!(
                        "（一）至（六）各项之和 = {sum}，但（七）总计写的是 {found}。规则：（七）总计应等于本列各项办理结果之和"
                    ),
                )
                .at(format!("{} · （七）总计 · {}列", t.spec.short, column.label))
                .numbers(sum, found),
            );
        }
    }
}

/// T3.3: for every row, 总计 = the sum of the six applicant columns.
pub fn t3_3_total_column_is_sum_of_applicants(file: &str, t: &Table, out: &mut Vec<Finding>) {
    let total = T3_COLUMNS.len() - 1;
    for r in 0..t.rows.len() {
        let Some(found) = written(t, r, total) else {
            continue;
        };
        let Some(sum) = (0..total).map(|c| t.effective(r, c)).sum::<Option<Num>>() else {
            continue;
        };
        if sum != found {
            out.push(
                Finding::error(
                    file,
                    t.rows[r].cells[total].pos,
                    "T3.3",
                    format!(
                        "自然人与五类法人或其他组织之和 = {sum}，但总计写的是 {found}。规则：每一行的总计应等于六类申请人之和"
                    ),
                )
                .at(t.place(r, Some(total)))
                .numbers(sum, found),
            );
        }
    }
}
