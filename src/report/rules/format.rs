//! F1 and F2: the tables are there and fit the year.

use crate::diag::Finding;
use crate::report::schema::Format;
use crate::report::{Origin, Report, RowState, Table, Value};

/// F2: the format does not fit the year (2019 tables in a 2021+ report, or the reverse).
pub fn f2_format_fits_year(file: &str, report: &Report, out: &mut Vec<Finding>) {
    let (Some(format), Some(pos)) = (report.meta.declared_format, report.meta.format_pos) else {
        return;
    };
    let year = report.meta.year;
    if year < 2019 {
        out.push(Finding::error(
            file,
            pos,
            "F2",
            format!("{year}年度报告没有统一的表格格式（统一格式始于2019年度），format 不适用"),
        ));
        return;
    }
    let fits = Format::for_year(year);
    if format != fits {
        out.push(
            Finding::error(
                file,
                pos,
                "F2",
                format!(
                    "{year}年度报告应使用{}年格式（{}），这里写的是 format: \"{}\"（{}）",
                    fits.key(),
                    fits.document(),
                    format.key(),
                    format.document()
                ),
            )
            .numbers(fits.key(), format.key())
            .hint(format!(
                "2019、2020年度用 \"2019\"，2021年度及以后用 \"2021\"；也可以删掉 format 这一行，按年度自动选择（{year}年度 → \"{}\"）",
                fits.key()
            )),
        );
    }
}

/// F1: a table published with no numbers at all. Returns true when the table
/// is empty, so that the other rules of the table are skipped.
pub fn f1_table_has_numbers(file: &str, table: &Table, out: &mut Vec<Finding>) -> bool {
    if !table.rows.iter().any(|r| r.state == RowState::Present) {
        // Nothing readable: the parser has said why.
        return true;
    }
    let any_written = table.rows.iter().any(|row| {
        row.cells
            .iter()
            .any(|c| c.origin == Origin::Written && c.value != Value::Blank)
    });
    if !any_written {
        out.push(
            Finding::error(
                file,
                table.pos,
                "F1",
                format!(
                    "{}（{}）没有填写任何数字",
                    table.spec.short, table.spec.title
                ),
            )
            .hint("没有发生的事项填 0；原表确实全部空白时，也请至少把已知为 0 的单元格填上 0"),
        );
    }
    !any_written
}
