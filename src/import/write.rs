//! An imported report → the text of a report file (front matter + body), in
//! the layout `gongkai new` writes: every row on its own line with its
//! official label as a comment.

use super::Imported;
use super::cells::CellValue;
use super::tables::{PlacedRow, TableRead};
use crate::report::schema::{RESULTS, RowRole, RowSpec};

/// The comment on a row that could not be read (`--partial`).
pub const NOT_READ: &str = "导入时未能读取";

/// Writes the report file. `source` names the imported file in the header comment.
pub fn report_file(report: &Imported, source: &str) -> String {
    let mut out = String::from("---\n");
    out.push_str(&format!(
        "# 由 gongkai import 从 {} 导入：表格按原表逐格照录（总计也照录，未作改正）。\n",
        one_line(source)
    ));
    out.push_str(&format!("agency: {}\n", yaml_string(&report.agency)));
    out.push_str(&format!("year: {}\n", report.year));
    if let Some(format) = report.format {
        out.push_str(&format!(
            "format: \"{}\"{}# {}\n",
            format.key(),
            pad(10 + format.key().len(), 30),
            format.document()
        ));
    }
    if let Some(title) = &report.title {
        out.push_str(&format!("title: {}\n", yaml_string(title)));
    }
    if let Some(date) = report.published {
        out.push_str(&format!("published: {date}\n"));
    }
    for table in &report.tables {
        write_table(&mut out, table);
    }
    out.push_str("---\n");
    out.push_str(&report.body);
    out
}

fn write_table(out: &mut String, table: &TableRead) {
    let spec = table.spec;
    out.push_str(&format!(
        "{}:{}# {}\n",
        spec.key,
        pad(spec.key.len() + 1, 30),
        spec.title
    ));
    for note in &table.column_notes {
        out.push_str(&format!("  # {}\n", one_line(note)));
    }
    // A table read in full may lack （七）总计 (the report format lets it
    // out: gongkai computes it); in a table read in part it is missing.
    let complete = spec
        .rows
        .iter()
        .zip(&table.rows)
        .all(|(r, p)| p.is_some() || r.role == RowRole::OutcomeTotal);
    let mut open: Vec<&str> = Vec::new();
    for (row, placed) in spec.rows.iter().zip(&table.rows) {
        if row.role == RowRole::OutcomeTotal && placed.is_none() && complete {
            continue;
        }
        open_groups(out, &mut open, row);
        write_row(out, row, placed.as_ref());
    }
}

/// Opens the group keys (`outcomes:`, `withheld:`) a row sits under.
fn open_groups<'a>(out: &mut String, open: &mut Vec<&'a str>, row: &'a RowSpec) {
    let parents = &row.path[..row.path.len() - 1];
    while !parents.starts_with(open) {
        open.pop();
    }
    while open.len() < parents.len() {
        let key = parents[open.len()];
        let label = if open.is_empty() && row.section == Some(RESULTS) {
            RESULTS
        } else {
            row.group.unwrap_or(RESULTS)
        };
        let indent = "  ".repeat(open.len() + 1);
        out.push_str(&format!(
            "{indent}{key}:{}# {label}\n",
            pad(indent.len() + key.len() + 1, 30)
        ));
        open.push(key);
    }
}

fn write_row(out: &mut String, row: &RowSpec, placed: Option<&PlacedRow>) {
    let indent = "  ".repeat(row.path.len());
    let key = row.path.last().copied().unwrap_or_default();
    let cells: Vec<String> = match placed {
        Some(p) => p.cells.iter().map(cell_text).collect(),
        None => vec!["~".to_string(); row.columns.len()],
    };
    let value = if row.scalar {
        cells.first().cloned().unwrap_or_else(|| "~".into())
    } else {
        format!("[{}]", cells.join(", "))
    };
    let line = format!("{indent}{key}: {value}");
    let mut comment = row.label.to_string();
    if row.group.is_some_and(|g| g.starts_with("第二十条")) {
        let columns: Vec<&str> = row.columns.iter().map(|c| c.label).collect();
        comment.push_str(&format!("：{}", columns.join("、")));
    }
    if let Some(label) = placed.and_then(|p| p.published_label.as_ref()) {
        comment.push_str(&format!("（原表行名：{}）", one_line(label)));
    }
    let unreadable: Vec<String> = placed
        .map(|p| {
            p.cells
                .iter()
                .zip(row.columns)
                .filter_map(|(c, col)| match c {
                    CellValue::Unreadable(t) => Some(format!("{}“{}”", col.label, one_line(t))),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    if placed.is_none() {
        comment.push_str(&format!(" {NOT_READ}"));
    } else if !unreadable.is_empty() {
        comment.push_str(&format!(" {NOT_READ}：{}", unreadable.join("、")));
    }
    out.push_str(&format!(
        "{line}{}# {comment}\n",
        pad(line.chars().count(), 44)
    ));
}

/// A cell as YAML: `12`, `~`, `"/"`, `{ value: 22, note: "其中修订16件" }`.
fn cell_text(cell: &CellValue) -> String {
    match cell {
        CellValue::Blank | CellValue::Unreadable(_) => "~".into(),
        CellValue::NotApplicable => "\"/\"".into(),
        CellValue::Number(n, None) => n.to_string(),
        CellValue::Number(n, Some(note)) => {
            format!("{{ value: {n}, note: {} }}", yaml_string(note))
        }
    }
}

/// A double-quoted YAML string.
pub fn yaml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text for a YAML comment: one line.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn pad(len: usize, to: usize) -> String {
    " ".repeat(to.saturating_sub(len).max(2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::num::Num;

    #[test]
    fn writes_every_kind_of_cell() {
        let n = |s: &str| Num::parse(s).unwrap();
        assert_eq!(cell_text(&CellValue::Blank), "~");
        assert_eq!(cell_text(&CellValue::NotApplicable), "\"/\"");
        assert_eq!(cell_text(&CellValue::Number(n("19"), None)), "19");
        assert_eq!(
            cell_text(&CellValue::Number(n("22"), Some("其中修订16件".into()))),
            "{ value: 22, note: \"其中修订16件\" }"
        );
        assert_eq!(yaml_string("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
    }
}
