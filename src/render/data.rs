//! Machine-readable data beside every report page: `report.json` (every cell
//! with its official labels) and one CSV per table (UTF-8 with a BOM so that
//! Excel on Chinese Windows reads it correctly).

use crate::report::num::Num;
use crate::report::schema::{Format, TableId};
use crate::report::{Cell, Headline, Origin, Report, Table, Value};
use serde::Serialize;

/// File names of the data files, per table.
pub fn csv_name(id: TableId) -> &'static str {
    match id {
        TableId::Active => "active_disclosure.csv",
        TableId::Applications => "applications.csv",
        TableId::Reviews => "reviews_and_litigation.csv",
    }
}

pub const JSON_NAME: &str = "report.json";

/// `report.json`
#[derive(Serialize)]
pub struct ReportData<'a> {
    pub agency: &'a str,
    pub year: i64,
    pub title: &'a str,
    /// `"2019"` or `"2021"`; absent for reports before 2019.
    pub format: Option<Format>,
    pub format_document: Option<&'static str>,
    /// `YYYY-MM-DD`
    pub published: Option<String>,
    /// The source file, relative to the site root.
    pub source: &'a str,
    pub headline: Headline,
    pub tables: Vec<TableData<'a>>,
}

#[derive(Serialize)]
pub struct TableData<'a> {
    /// `active_disclosure`, `applications`, `reviews_and_litigation`
    pub id: TableId,
    /// Official title, e.g. `三、收到和处理政府信息公开申请情况`.
    pub title: &'static str,
    pub rows: Vec<RowData<'a>>,
}

#[derive(Serialize)]
pub struct RowData<'a> {
    /// Front-matter key, e.g. `outcomes.withheld.state_secret`.
    pub key: String,
    /// Official label, e.g. `1.属于国家秘密`.
    pub label: &'static str,
    /// Enclosing group, e.g. `（三）不予公开` or `第二十条第（一）项`.
    pub group: Option<&'static str>,
    pub section: Option<&'static str>,
    pub cells: Vec<CellData<'a>>,
}

#[derive(Serialize)]
pub struct CellData<'a> {
    /// Official column label.
    pub column: &'static str,
    pub column_key: &'static str,
    /// The number; `null` for blank and "/".
    pub value: Option<Num>,
    /// `number`, `blank` or `not_applicable`.
    pub state: &'static str,
    pub note: Option<&'a str>,
    /// True for a 总计 the report left out, computed by gongkai.
    pub computed: bool,
}

pub fn report_data(report: &Report) -> ReportData<'_> {
    ReportData {
        agency: &report.meta.agency,
        year: report.meta.year,
        title: &report.meta.title,
        format: report.meta.format,
        format_document: report.meta.format.map(Format::document),
        published: report.meta.published.map(|d| d.to_string()),
        source: &report.source.rel,
        headline: report.headline(),
        tables: report.tables.iter().flatten().map(table_data).collect(),
    }
}

fn table_data(table: &Table) -> TableData<'_> {
    TableData {
        id: table.spec.id,
        title: table.spec.title,
        rows: table
            .spec
            .rows
            .iter()
            .zip(&table.rows)
            .map(|(spec, row)| RowData {
                key: spec.key(),
                label: spec.label,
                group: spec.group,
                section: spec.section,
                cells: spec
                    .columns
                    .iter()
                    .zip(&row.cells)
                    .map(|(col, cell)| cell_data(col.label, col.key, cell))
                    .collect(),
            })
            .collect(),
    }
}

fn cell_data<'a>(column: &'static str, column_key: &'static str, cell: &'a Cell) -> CellData<'a> {
    let (value, state) = match &cell.value {
        Value::Number(n) => (Some(*n), "number"),
        Value::NotApplicable => (None, "not_applicable"),
        Value::Blank | Value::Invalid => (None, "blank"),
    };
    CellData {
        column,
        column_key,
        value,
        state,
        note: cell.note.as_deref(),
        computed: cell.origin == Origin::Computed,
    }
}

pub fn report_json(report: &Report) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(&report_data(report)).unwrap_or_default();
    out.push(b'\n');
    out
}

/// One table as CSV, laid out like the form: a row per table row, a column per table column.
/// Table 二, whose blocks have different columns, is written long: one line per cell.
pub fn table_csv(table: &Table) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().from_writer(b"\xEF\xBB\xBF".to_vec());
    let mut put = |record: Vec<String>| {
        // Writing to a Vec cannot fail.
        let _ = w.write_record(&record);
    };
    match table.spec.id {
        TableId::Active => {
            put(vec![
                "分类".into(),
                "信息内容".into(),
                "指标".into(),
                "数值".into(),
                "备注".into(),
            ]);
            for (spec, row) in table.spec.rows.iter().zip(&table.rows) {
                for (col, cell) in spec.columns.iter().zip(&row.cells) {
                    put(vec![
                        spec.group.unwrap_or_default().into(),
                        spec.label.into(),
                        col.label.into(),
                        value_text(cell),
                        cell.note.clone().unwrap_or_default(),
                    ]);
                }
            }
        }
        TableId::Applications | TableId::Reviews => {
            let columns = table.spec.rows[0].columns;
            let mut header = vec!["项目".to_string(), "分项".into(), "细项".into()];
            header.extend(columns.iter().map(|c| c.label.to_string()));
            put(header);
            for (spec, row) in table.spec.rows.iter().zip(&table.rows) {
                let (a, b, c) = match (spec.section, spec.group) {
                    (Some(s), Some(g)) => (s, g, spec.label),
                    (Some(s), None) => (s, spec.label, ""),
                    (None, Some(g)) => (g, spec.label, ""),
                    (None, None) => (spec.label, "", ""),
                };
                let mut record = vec![a.to_string(), b.to_string(), c.to_string()];
                record.extend(row.cells.iter().map(|cell| {
                    let mut t = value_text(cell);
                    if let Some(n) = &cell.note {
                        t.push_str(&format!("（{n}）"));
                    }
                    t
                }));
                put(record);
            }
        }
    }
    w.into_inner().unwrap_or_default()
}

fn value_text(cell: &Cell) -> String {
    match &cell.value {
        Value::Number(n) => n.to_string(),
        Value::NotApplicable => "/".into(),
        Value::Blank | Value::Invalid => String::new(),
    }
}
