//! Table 四、政府信息公开行政复议、行政诉讼情况: T4.1–T4.3.

use super::{blank_cells, non_negative_integers, not_applicable_cells};
use crate::diag::Finding;
use crate::report::num::Num;
use crate::report::schema::T4_TOTAL_COL;
use crate::report::{Origin, Table, Value};

pub fn check(file: &str, t: &Table, out: &mut Vec<Finding>) {
    t4_1_outcomes_add_up(file, t, out);
    non_negative_integers(file, t, "T4.2", out);
    blank_cells(file, t, "T4.3", out);
    not_applicable_cells(file, t, "T4.3", out);
}

/// T4.1: in 行政复议, 直接起诉 and 复议后起诉: 结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计.
pub fn t4_1_outcomes_add_up(file: &str, t: &Table, out: &mut Vec<Finding>) {
    for r in 0..t.rows.len() {
        let cell = &t.rows[r].cells[T4_TOTAL_COL];
        let found = match (cell.origin, &cell.value) {
            (Origin::Written, Value::Number(n)) => *n,
            _ => continue,
        };
        let Some(sum) = (0..T4_TOTAL_COL)
            .map(|c| t.effective(r, c))
            .sum::<Option<Num>>()
        else {
            continue;
        };
        if sum != found {
            out.push(
                Finding::error(
                    file,
                    cell.pos,
                    "T4.1",
                    format!(
                        "结果维持＋结果纠正＋其他结果＋尚未审结 = {sum}，但总计写的是 {found}。规则：四项结果之和应等于总计"
                    ),
                )
                .at(t.place(r, Some(T4_TOTAL_COL)))
                .numbers(sum, found),
            );
        }
    }
}
