//! Machine-readable data beside every report page: `report.json` (every cell
//! with its official labels) and one CSV per table (UTF-8 with a BOM so that
//! Excel on Chinese Windows reads it correctly).

use super::tables::{FormTable, NumberStyle, form_table};
use crate::config::Overlay;
use crate::report::figures::KeyFigures;
use crate::report::num::Num;
use crate::report::schema::{Format, TableId, TableSpec};
use crate::report::{Cell, Origin, Report, Table, Value};
use crate::site::{Site, report_dir};
use rayon::prelude::*;
use serde::Serialize;
use std::io::Write;

/// File names of the data files, per table.
pub fn csv_name(id: TableId) -> &'static str {
    match id {
        TableId::Active => "active_disclosure.csv",
        TableId::Applications => "applications.csv",
        TableId::Reviews => "reviews_and_litigation.csv",
    }
}

pub const JSON_NAME: &str = "report.json";
pub const XLSX_NAME: &str = "report.xlsx";

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
    /// The report page, relative to the site root.
    pub url: String,
    /// The key figures computed from the tables.
    pub figures: KeyFigures,
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
        tables: report.tables.iter().flatten().map(table_data).collect(),
        ..report_data_head(report)
    }
}

/// [`report_data`] without the tables.
fn report_data_head(report: &Report) -> ReportData<'_> {
    ReportData {
        agency: &report.meta.agency,
        year: report.meta.year,
        title: &report.meta.title,
        format: report.meta.format,
        format_document: report.meta.format.map(Format::document),
        published: report.meta.published.map(|d| d.to_string()),
        source: &report.source.rel,
        url: report_dir(report),
        figures: report.figures().clone(),
        tables: Vec::new(),
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
            .enumerate()
            .map(|(r, (spec, row))| RowData {
                key: spec.key(),
                label: spec.label,
                group: spec.group,
                section: spec.section,
                cells: spec
                    .columns
                    .iter()
                    .zip(&row.cells)
                    .enumerate()
                    .map(|(c, (col, cell))| cell_data(col.label, col.key, cell, table.note(r, c)))
                    .collect(),
            })
            .collect(),
    }
}

fn cell_data<'a>(
    column: &'static str,
    column_key: &'static str,
    cell: &Cell,
    note: Option<&'a str>,
) -> CellData<'a> {
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
        note,
        computed: cell.origin == Origin::Computed,
    }
}

/// `report.json`, compact (browsers and `jq` lay it out for reading).
pub fn report_json(report: &Report) -> Vec<u8> {
    let mut out = report_data_json(report);
    out.push(b'\n');
    out
}

/// [`report_data`] as JSON: the bytes `serde_json::to_vec` writes (a test
/// compares them), with the tables' ~1,200 keys written as literals instead
/// of being escaped one by one (every report is serialized twice: its
/// `report.json` and its line of `data/reports.json`).
pub fn report_data_json(report: &Report) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 * 1024);
    let d = report_data_head(report);
    // Serializing into a Vec cannot fail.
    let put = |out: &mut Vec<u8>, key: &[u8], v: &dyn erased::Json| {
        out.extend_from_slice(key);
        v.write(out);
    };
    put(&mut out, b"{\"agency\":", &d.agency);
    put(&mut out, b",\"year\":", &d.year);
    put(&mut out, b",\"title\":", &d.title);
    put(&mut out, b",\"format\":", &d.format);
    put(&mut out, b",\"format_document\":", &d.format_document);
    put(&mut out, b",\"published\":", &d.published);
    put(&mut out, b",\"source\":", &d.source);
    put(&mut out, b",\"url\":", &d.url);
    put(&mut out, b",\"figures\":", &d.figures);
    out.extend_from_slice(b",\"tables\":[");
    for (ti, table) in report.tables.iter().flatten().enumerate() {
        if ti > 0 {
            out.push(b',');
        }
        let form = form_json(table.spec);
        out.extend_from_slice(&form.head);
        for (r, (row_head, cell_heads)) in form.rows.iter().enumerate() {
            let Some(row) = table.rows.get(r) else { break };
            if r > 0 {
                out.push(b',');
            }
            out.extend_from_slice(row_head);
            for (c, (cell_head, cell)) in cell_heads.iter().zip(&row.cells).enumerate() {
                if c > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(cell_head);
                let (value, state): (Option<Num>, &[u8]) = match &cell.value {
                    Value::Number(n) => (Some(*n), b",\"state\":\"number\""),
                    Value::NotApplicable => (None, b",\"state\":\"not_applicable\""),
                    Value::Blank | Value::Invalid => (None, b",\"state\":\"blank\""),
                };
                match value {
                    Some(n) if push_integer(&mut out, &n) => {}
                    Some(n) => erased::Json::write(&n, &mut out),
                    None => out.extend_from_slice(b"null"),
                }
                out.extend_from_slice(state);
                match table.note(r, c) {
                    Some(note) => put(&mut out, b",\"note\":", &note),
                    None => out.extend_from_slice(b",\"note\":null"),
                }
                out.extend_from_slice(if cell.origin == Origin::Computed {
                    b",\"computed\":true}"
                } else {
                    b",\"computed\":false}"
                });
            }
            out.extend_from_slice(b"]}");
        }
        out.extend_from_slice(b"]}");
    }
    out.extend_from_slice(b"]}");
    out
}

/// The JSON of a form that every report of it shares, escaped once: the
/// table's opening, each row's opening and each cell's opening up to its value.
struct FormJson {
    head: Vec<u8>,
    rows: Vec<(Vec<u8>, Vec<Vec<u8>>)>,
}

/// Parts of a form's output that every report of the form shares, made
/// once per thread and form (the forms are a handful of statics).
type PerForm<T> = std::cell::RefCell<Vec<(usize, std::rc::Rc<T>)>>;

fn per_form<T>(
    cache: &'static std::thread::LocalKey<PerForm<T>>,
    spec: &'static TableSpec,
    make: impl FnOnce(&'static TableSpec) -> T,
) -> std::rc::Rc<T> {
    let id = spec as *const TableSpec as usize;
    cache.with(|forms| {
        if let Some((_, f)) = forms.borrow().iter().find(|(k, _)| *k == id) {
            return f.clone();
        }
        let made = std::rc::Rc::new(make(spec));
        forms.borrow_mut().push((id, made.clone()));
        made
    })
}

fn form_json(spec: &'static TableSpec) -> std::rc::Rc<FormJson> {
    thread_local! {
        static FORMS: PerForm<FormJson> = const { std::cell::RefCell::new(Vec::new()) };
    }
    per_form(&FORMS, spec, |spec| FormJson {
        head: json_fields(&[("id", &spec.id), ("title", &spec.title)], ",\"rows\":["),
        rows: spec
            .rows
            .iter()
            .map(|row| {
                let open = json_fields(
                    &[
                        ("key", &row.key()),
                        ("label", &row.label),
                        ("group", &row.group),
                        ("section", &row.section),
                    ],
                    ",\"cells\":[",
                );
                let cells = row
                    .columns
                    .iter()
                    .map(|col| {
                        json_fields(
                            &[("column", &col.label), ("column_key", &col.key)],
                            ",\"value\":",
                        )
                    })
                    .collect();
                (open, cells)
            })
            .collect(),
    })
}

/// `{"key":value,…` and then `tail`: the keys as given, the values by serde_json.
fn json_fields(fields: &[(&str, &dyn erased::Json)], tail: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, (key, value)) in fields.iter().enumerate() {
        out.extend_from_slice(if i == 0 { b"{\"" } else { b",\"" });
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(b"\":");
        value.write(&mut out);
    }
    out.extend_from_slice(tail.as_bytes());
    out
}

/// Appends a whole number that fits 64 bits (nearly every cell) as
/// `Display` and serde_json write it; false for any other number.
fn push_integer(out: &mut Vec<u8>, n: &Num) -> bool {
    match n.as_int().and_then(|i| i64::try_from(i).ok()) {
        Some(i) => {
            out.extend_from_slice(itoa::Buffer::new().format(i).as_bytes());
            true
        }
        None => false,
    }
}

/// A value written as JSON by serde_json (for the parts of `report.json`
/// written by hand).
mod erased {
    pub trait Json {
        fn write(&self, out: &mut Vec<u8>);
    }
    impl<T: serde::Serialize> Json for T {
        fn write(&self, out: &mut Vec<u8>) {
            // Serializing into a Vec cannot fail.
            let _ = serde_json::to_writer(out, self);
        }
    }
}

/// One table as CSV, laid out like the form: a row per table row, a column per table column.
/// Table 二, whose blocks have different columns, is written long: one line per cell.
///
/// UTF-8 with a BOM; the bytes `csv::Writer` writes (a test compares them),
/// written field by field: a portal has three of these per report.
pub fn table_csv(table: &Table) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    out.extend_from_slice(b"\xEF\xBB\xBF");
    let mut record = |fields: &mut dyn Iterator<Item = &str>| {
        for (i, field) in fields.enumerate() {
            if i > 0 {
                out.push(b',');
            }
            csv_field(&mut out, field);
        }
        out.push(b'\n');
    };
    match table.spec.id {
        TableId::Active => {
            record(&mut ["分类", "信息内容", "指标", "数值", "备注"].into_iter());
            for (r, (spec, row)) in table.spec.rows.iter().zip(&table.rows).enumerate() {
                for (c, (col, cell)) in spec.columns.iter().zip(&row.cells).enumerate() {
                    record(
                        &mut [
                            spec.group.unwrap_or_default(),
                            spec.label,
                            col.label,
                            &value_text(cell),
                            table.note(r, c).unwrap_or_default(),
                        ]
                        .into_iter(),
                    );
                }
            }
        }
        TableId::Applications | TableId::Reviews => {
            let columns = table.spec.rows[0].columns;
            record(
                &mut ["项目", "分项", "细项"]
                    .into_iter()
                    .chain(columns.iter().map(|c| c.label)),
            );
            for (r, (spec, row)) in table.spec.rows.iter().zip(&table.rows).enumerate() {
                let (a, b, c) = match (spec.section, spec.group) {
                    (Some(s), Some(g)) => (s, g, spec.label),
                    (Some(s), None) => (s, spec.label, ""),
                    (None, Some(g)) => (g, spec.label, ""),
                    (None, None) => (spec.label, "", ""),
                };
                let values: Vec<String> = row
                    .cells
                    .iter()
                    .enumerate()
                    .map(|(col, cell)| {
                        let mut t = value_text(cell);
                        if let Some(n) = table.note(r, col) {
                            t.push('（');
                            t.push_str(n);
                            t.push('）');
                        }
                        t
                    })
                    .collect();
                record(
                    &mut [a, b, c]
                        .into_iter()
                        .chain(values.iter().map(String::as_str)),
                );
            }
        }
    }
    out
}

fn value_text(cell: &Cell) -> String {
    match &cell.value {
        Value::Number(n) => n.to_string(),
        Value::NotApplicable => "/".into(),
        Value::Blank | Value::Invalid => String::new(),
    }
}

pub const REPORTS_JSON: &str = "data/reports.json";
pub const CELLS_CSV: &str = "data/cells.csv";
pub const SCHEMA_PATH: &str = "data/report.schema.json";

/// The JSON Schema of `report.json` (and of each item of `data/reports.json`).
pub const SCHEMA: &str = include_str!("report.schema.json");

/// Reports turned into bytes at once (in parallel) before they are written,
/// in order: bounds the memory of the portal-wide files.
const BATCH: usize = 256;

/// Writes each report's bytes in site order, making them a batch at a time in parallel.
fn write_in_batches(
    site: &Site,
    w: &mut dyn Write,
    each: impl Fn(&Report) -> Vec<u8> + Sync,
    between: &[u8],
) -> std::io::Result<()> {
    for (b, batch) in site.reports.chunks(BATCH).enumerate() {
        let parts: Vec<Vec<u8>> = batch.par_iter().map(|r| each(r)).collect();
        for (i, part) in parts.iter().enumerate() {
            if b + i > 0 {
                w.write_all(between)?;
            }
            w.write_all(part)?;
        }
    }
    Ok(())
}

/// `data/reports.json`: an array of every report's `report.json`, one per line.
pub fn write_reports_json(site: &Site, w: &mut dyn Write) -> std::io::Result<()> {
    w.write_all(b"[\n")?;
    write_in_batches(site, w, report_data_json, b",\n")?;
    w.write_all(if site.reports.is_empty() {
        b"]\n"
    } else {
        b"\n]\n"
    })
}

/// `data/cells.csv`: one row per report × table × row × column, with official
/// labels (tidy data), UTF-8 with a BOM.
pub fn write_cells_csv(site: &Site, w: &mut dyn Write) -> std::io::Result<()> {
    let mut head = csv::WriterBuilder::new().from_writer(b"\xEF\xBB\xBF".to_vec());
    head.write_record(CELLS_HEADER)?;
    w.write_all(&head.into_inner().map_err(|e| e.into_error())?)?;
    write_in_batches(site, w, report_cells_csv, b"")
}

const CELLS_HEADER: [&str; 14] = [
    "机关",
    "年度",
    "格式",
    "表",
    "行键",
    "分组",
    "行",
    "列键",
    "列",
    "数值",
    "状态",
    "备注",
    "自动计算",
    "源文件",
];

/// The rows of `data/cells.csv` for one report.
///
/// Written field by field with [`csv_field`] rather than through `csv::Writer`:
/// the parts every row of a report, table, row or column shares are quoted
/// once, and this file is the largest the portal writes (54 KB a report).
/// The bytes are those `csv::Writer` writes (a test compares them).
fn report_cells_csv(r: &Report) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 * 1024);
    let mut prefix = Vec::with_capacity(256);
    csv_field(&mut prefix, &r.meta.agency);
    prefix.push(b',');
    csv_field(&mut prefix, &r.meta.year.to_string());
    prefix.push(b',');
    csv_field(&mut prefix, r.meta.format.map(Format::key).unwrap_or(""));
    prefix.push(b',');
    let mut source = Vec::with_capacity(128);
    csv_field(&mut source, &r.source.rel);
    source.push(b'\n');
    for t in r.tables.iter().flatten() {
        let form = form_csv(t.spec);
        for (ri, (labels, row)) in form.iter().zip(&t.rows).enumerate() {
            for (ci, (labels, cell)) in labels.iter().zip(&row.cells).enumerate() {
                out.extend_from_slice(&prefix);
                out.extend_from_slice(labels);
                let state: &[u8] = match &cell.value {
                    Value::Number(n) => {
                        if !push_integer(&mut out, n) {
                            // Writing to a Vec cannot fail.
                            let _ = write!(out, "{n}");
                        }
                        b",number,"
                    }
                    Value::NotApplicable => b",not_applicable,",
                    Value::Blank | Value::Invalid => b",blank,",
                };
                out.extend_from_slice(state);
                csv_field(&mut out, t.note(ri, ci).unwrap_or(""));
                out.extend_from_slice(if cell.origin == Origin::Computed {
                    ",是,".as_bytes()
                } else {
                    b",,"
                });
                out.extend_from_slice(&source);
            }
        }
    }
    out
}

/// For each row and column of a form, the fields of `data/cells.csv` from
/// 表 to 列 (and the comma after them), quoted once.
fn form_csv(spec: &'static TableSpec) -> std::rc::Rc<Vec<Vec<Vec<u8>>>> {
    thread_local! {
        static FORMS: PerForm<Vec<Vec<Vec<u8>>>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    per_form(&FORMS, spec, |spec| {
        spec.rows
            .iter()
            .map(|row| {
                let mut head = Vec::new();
                for field in [
                    spec.title,
                    &row.key(),
                    row.group.or(row.section).unwrap_or(""),
                    row.label,
                ] {
                    csv_field(&mut head, field);
                    head.push(b',');
                }
                row.columns
                    .iter()
                    .map(|col| {
                        let mut cell = head.clone();
                        csv_field(&mut cell, col.key);
                        cell.push(b',');
                        csv_field(&mut cell, col.label);
                        cell.push(b',');
                        cell
                    })
                    .collect()
            })
            .collect()
    })
}

/// One CSV field as `csv::Writer` writes it by default: in double quotes,
/// with quotes doubled, when it holds a comma, a quote or a line break.
fn csv_field(out: &mut Vec<u8>, field: &str) {
    let bytes = field.as_bytes();
    if !bytes
        .iter()
        .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        out.extend_from_slice(bytes);
        return;
    }
    out.push(b'"');
    for &b in bytes {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// The three tables in the official layout (merged headers, row labels), one sheet each.
///
/// `drawn` are grids already drawn for the page (the same tables, style and
/// format); a table not among them is drawn here.
pub fn report_xlsx(report: &Report, overlay: &Overlay, drawn: &[&FormTable]) -> Vec<u8> {
    xlsx(report, overlay, drawn).unwrap_or_default()
}

fn xlsx(report: &Report, overlay: &Overlay, drawn: &[&FormTable]) -> std::io::Result<Vec<u8>> {
    use super::xlsx::{Cell as XCell, Properties, Sheet, Style as XStyle, Value as XValue};
    let style = NumberStyle {
        fee_decimals: overlay.fee_decimals(),
        fee_label: Some(overlay.fee_label()),
    };
    let format = report.meta.format.unwrap_or(Format::V2021);
    let mut sheets = Vec::new();
    for t in report.tables.iter().flatten() {
        let id = super::tables::grid_id(t.spec.id);
        let own;
        let grid = match drawn.iter().find(|g| g.id == id) {
            Some(g) => *g,
            None => {
                own = form_table(t, format, style);
                &own
            }
        };
        let mut sheet = Sheet {
            name: t.spec.short.to_string(),
            cells: Vec::new(),
            widths: vec![6.0; grid.columns],
        };
        sheet.cells.push(XCell {
            row: 0,
            col: 0,
            rowspan: 1,
            colspan: grid.columns as u32,
            value: XValue::Text(t.spec.title.into()),
            style: XStyle::Head,
        });
        let cells = grid.grid.head.iter().chain(&grid.grid.body).flatten();
        let mut values = grid.values.iter();
        for (&(row, col), cell) in grid.grid.placed.iter().zip(cells) {
            // A data cell's text and note are the table's.
            let (text, note) = match cell.header {
                true => (cell.text.as_str(), None),
                false => values
                    .next()
                    .map_or(("", None), |v| (grid.text(v), v.note.as_deref())),
            };
            let number = (!cell.header && note.is_none())
                .then(|| text.parse::<f64>().ok())
                .flatten();
            let (value, chars) = match number {
                Some(n) => (
                    XValue::Number(
                        n,
                        text.split_once('.')
                            .map_or(0, |(_, d)| d.len().min(4) as u8),
                    ),
                    text.chars().count(),
                ),
                None => {
                    let text = match note {
                        Some(note) => format!("{text}{note}"),
                        None => text.to_string(),
                    };
                    let chars = text.chars().count();
                    (XValue::Text(text), chars)
                }
            };
            let style = match (cell.header, cell.scope) {
                (true, Some("row")) => XStyle::Label,
                (true, _) => XStyle::Head,
                (false, _) => XStyle::Data,
            };
            let (rowspan, colspan) = (cell.rowspan.max(1) as u32, cell.colspan.max(1) as u32);
            if colspan == 1 {
                // About two units per CJK character.
                sheet.widths[col] = sheet.widths[col].max((chars as f64 * 2.1 + 2.0).min(40.0));
            }
            sheet.cells.push(XCell {
                row: row as u32 + 1,
                col: col as u32,
                rowspan,
                colspan,
                value,
                style,
            });
        }
        sheets.push(sheet);
    }
    let created = format!("{:04}-01-01", (report.meta.year + 1).clamp(1, 9999));
    super::xlsx::workbook(
        &Properties {
            title: &report.meta.title,
            author: &report.meta.agency,
            created,
        },
        &sheets,
    )
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    /// Every report under `tests/fixtures` and `content/`, plus one with a
    /// quoted note, a blank, "/", a computed total and decimals.
    fn sample_reports() -> Vec<crate::report::Report> {
        let mut texts: Vec<String> = Vec::new();
        for root in ["tests/fixtures", "content"] {
            for e in walkdir::WalkDir::new(root).into_iter().flatten() {
                if e.path().extension().is_some_and(|x| x == "md") {
                    texts.push(std::fs::read_to_string(e.path()).unwrap());
                }
            }
        }
        let skeleton = crate::report::skeleton::new_report("某局", 2021, None);
        texts.push(
            skeleton
                .replacen(
                    "[0, 0, 0]",
                    "[{value: 3, note: \"含\\\"修订\\\"2件，共5件\"}, ~, \"/\"]",
                    1,
                )
                .replacen("fees: 0", "fees: 12.3400", 1)
                .replacen("[0, 0, 0, 0, 0, 0, 0]", "[1, 2, 0, 0, 0, 4]", 1)
                .replacen(
                    "carried_over: [0, 0, 0, 0, 0, 0, 0]",
                    "carried_over: [{value: 1, note: \"跨年,\\\"补正\\\"\"}, 0, 0, 0, 0, 0, 1]",
                    1,
                ),
        );
        assert!(texts.len() > 30, "{}", texts.len());
        let src = crate::content::SourcePath {
            path: "content/局,\"甲\"/2021.md".into(),
            rel: "content/局,\"甲\"/2021.md".into(),
            stem: "局/2021".into(),
        };
        let reports: Vec<_> = texts
            .iter()
            .filter_map(|text| crate::report::parse::parse_report(&src, text).report)
            .collect();
        assert!(reports.len() > 25, "{}", reports.len());
        reports
    }

    /// The hand-written JSON is serde_json's, byte for byte.
    #[test]
    fn report_json_is_what_serde_json_writes() {
        let seen_parts = [
            r#""note":"含\"修订\"2件，共5件""#,
            r#""state":"not_applicable""#,
            r#""state":"blank""#,
            r#""computed":true"#,
            r#""value":12.34"#,
        ];
        let mut seen = [false; 5];
        for report in sample_reports() {
            let theirs = serde_json::to_vec(&super::report_data(&report)).unwrap();
            let ours = String::from_utf8(super::report_data_json(&report)).unwrap();
            assert_eq!(ours, String::from_utf8(theirs).unwrap());
            for (i, part) in seen_parts.iter().enumerate() {
                seen[i] |= ours.contains(part);
            }
        }
        assert_eq!(seen, [true; 5], "{seen_parts:?}");
    }

    /// The per-table CSVs are what `csv::Writer` writes, byte for byte.
    #[test]
    fn table_csvs_are_what_the_csv_crate_writes() {
        use crate::report::schema::TableId;
        let mut tables = 0;
        for report in sample_reports() {
            for table in report.tables.iter().flatten() {
                let mut w = csv::WriterBuilder::new().from_writer(b"\xEF\xBB\xBF".to_vec());
                let value = |r: usize, c: usize| super::value_text(&table.rows[r].cells[c]);
                match table.spec.id {
                    TableId::Active => {
                        w.write_record(["分类", "信息内容", "指标", "数值", "备注"])
                            .unwrap();
                        for (r, spec) in table.spec.rows.iter().enumerate() {
                            for (c, col) in spec.columns.iter().enumerate() {
                                w.write_record([
                                    spec.group.unwrap_or_default(),
                                    spec.label,
                                    col.label,
                                    &value(r, c),
                                    table.note(r, c).unwrap_or_default(),
                                ])
                                .unwrap();
                            }
                        }
                    }
                    TableId::Applications | TableId::Reviews => {
                        let mut head = vec!["项目", "分项", "细项"];
                        head.extend(table.spec.rows[0].columns.iter().map(|c| c.label));
                        w.write_record(head).unwrap();
                        for (r, spec) in table.spec.rows.iter().enumerate() {
                            let mut record = match (spec.section, spec.group) {
                                (Some(s), Some(g)) => {
                                    vec![s.to_string(), g.into(), spec.label.into()]
                                }
                                (Some(s), None) => vec![s.into(), spec.label.into(), String::new()],
                                (None, Some(g)) => vec![g.into(), spec.label.into(), String::new()],
                                (None, None) => {
                                    vec![spec.label.into(), String::new(), String::new()]
                                }
                            };
                            for c in 0..table.rows[r].cells.len() {
                                let mut t = value(r, c);
                                if let Some(n) = table.note(r, c) {
                                    t.push_str(&format!("（{n}）"));
                                }
                                record.push(t);
                            }
                            w.write_record(record).unwrap();
                        }
                    }
                }
                let theirs = String::from_utf8(w.into_inner().unwrap()).unwrap();
                let ours = String::from_utf8(super::table_csv(table)).unwrap();
                assert_eq!(ours, theirs, "{}", table.spec.title);
                tables += 1;
            }
        }
        assert!(tables > 60, "{tables}");
    }

    /// The hand-written rows of `data/cells.csv` are `csv::Writer`'s, byte for byte.
    #[test]
    fn cells_csv_rows_are_what_the_csv_crate_writes() {
        use crate::report::schema::Format;
        for report in sample_reports() {
            let mut theirs = csv::WriterBuilder::new().from_writer(Vec::new());
            for t in report.tables.iter().flatten() {
                for (r, (spec, row)) in t.spec.rows.iter().zip(&t.rows).enumerate() {
                    for (c, (col, cell)) in spec.columns.iter().zip(&row.cells).enumerate() {
                        let d = super::cell_data(col.label, col.key, cell, t.note(r, c));
                        theirs
                            .write_record([
                                report.meta.agency.as_str(),
                                &report.meta.year.to_string(),
                                report.meta.format.map(Format::key).unwrap_or(""),
                                t.spec.title,
                                &spec.key(),
                                spec.group.or(spec.section).unwrap_or(""),
                                spec.label,
                                col.key,
                                col.label,
                                &d.value.map(|n| n.to_string()).unwrap_or_default(),
                                d.state,
                                d.note.unwrap_or(""),
                                if d.computed { "是" } else { "" },
                                &report.source.rel,
                            ])
                            .unwrap();
                    }
                }
            }
            let theirs = String::from_utf8(theirs.into_inner().unwrap()).unwrap();
            let ours = String::from_utf8(super::report_cells_csv(&report)).unwrap();
            assert_eq!(ours, theirs);
        }
    }

    #[test]
    fn csv_fields_are_quoted_as_the_csv_crate_quotes_them() {
        let fields = [
            "",
            "西工区司法局",
            "a,b",
            "他说\"不\"",
            "\"",
            "line\nbreak",
            "cr\rhere",
            "  spaces  ",
            "#comment",
            "'quote'",
            "，、；",
            "tab\there",
        ];
        let mut theirs = csv::WriterBuilder::new().from_writer(Vec::new());
        theirs.write_record(fields).unwrap();
        let theirs = theirs.into_inner().unwrap();
        let mut ours = Vec::new();
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                ours.push(b',');
            }
            csv_field(&mut ours, f);
        }
        ours.push(b'\n');
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(theirs).unwrap()
        );
    }

    /// The tables of every report share one grid per form and thread: each
    /// still shows its own values, whatever was drawn before on the thread,
    /// and another number style makes another grid.
    #[test]
    fn tables_drawn_from_a_shared_grid_show_their_own_values() {
        use crate::render::tables::{NumberStyle, form_table};
        use crate::report::schema::Format;
        let draw = |reports: Vec<crate::report::Report>, label: &'static str| {
            let style = NumberStyle {
                fee_decimals: Some(2),
                fee_label: Some(label),
            };
            reports
                .iter()
                .flat_map(|r| {
                    let format = r.meta.format.unwrap_or(Format::V2021);
                    r.tables
                        .iter()
                        .flatten()
                        .map(move |t| form_table(t, format, style).html())
                })
                .collect::<Vec<String>>()
        };
        let forward = draw(sample_reports(), "收费甲");
        // On a thread of its own (a grid cache of its own), in reverse order.
        let backward = std::thread::spawn(move || {
            let mut reports = sample_reports();
            reports.reverse();
            let mut drawn = draw(reports, "收费甲");
            drawn.reverse();
            drawn
        })
        .join()
        .unwrap();
        // Same tables per report, but drawn in the other order: compare as sets.
        let (mut a, mut b) = (forward.clone(), backward);
        a.sort();
        b.sort();
        assert_eq!(a, b);
        let all = forward.concat();
        for part in [
            "<span class=note>（含&quot;修订&quot;2件，共5件）</span>",
            "<td class=blank",
            "<td class=na",
            "<td class=computed",
            "<td class=total",
            ">12.34<",
            "收费甲",
        ] {
            assert!(all.contains(part), "{part}");
        }
        // Reports with other values: other tables (the fixtures repeat some).
        let distinct: std::collections::BTreeSet<&String> = forward.iter().collect();
        assert!(
            distinct.len() > 40,
            "{} of {}",
            distinct.len(),
            forward.len()
        );
        // Another fee label on the same thread: another grid.
        let other = draw(sample_reports(), "收费乙").concat();
        assert!(other.contains("收费乙") && !other.contains("收费甲"));
    }
}
