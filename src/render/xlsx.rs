//! A small Office Open XML (`.xlsx`) writer for the official tables.
//!
//! rust_xlsxwriter did this first, but it builds every part of a general
//! workbook for each file: measured here at ~2.5 ms per report, 70% of a
//! report's rendering (27 s of CPU for a 10,000-report portal). The tables
//! need one fixed stylesheet, inline strings, numbers, merged cells and column
//! widths, so the constant parts are written once and each workbook is a few
//! string appends and a zip (deterministic: fixed timestamps, fixed order).

use std::fmt::Write as _;
use std::io::Write as _;

/// How a cell looks; indexes into the fixed stylesheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Bold, centred, shaded, bordered: headers and the title.
    Head = 2,
    /// Bordered, wrapped: row labels.
    Label = 1,
    /// Bordered, right-aligned: numbers and other data.
    Data = 3,
}

/// A cell's content.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Text(String),
    /// A number and the decimals to show (0–4).
    Number(f64, u8),
}

#[derive(Clone, Debug)]
pub struct Cell {
    pub row: u32,
    pub col: u32,
    pub rowspan: u32,
    pub colspan: u32,
    pub value: Value,
    pub style: Style,
}

/// One worksheet.
#[derive(Clone, Debug, Default)]
pub struct Sheet {
    pub name: String,
    pub cells: Vec<Cell>,
    /// Column widths in characters.
    pub widths: Vec<f64>,
}

/// Document properties.
pub struct Properties<'a> {
    pub title: &'a str,
    pub author: &'a str,
    /// `YYYY-MM-DD`: the file records this, not the build time (same input, same bytes).
    pub created: String,
}

fn esc(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // XML 1.0 has no place for most control characters.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
}

/// Appends `A`, `B`, …, `Z`, `AA`, … for a 0-based column.
fn push_column_name(out: &mut String, mut col: u32) {
    // Seven letters reach past `u32::MAX`.
    let mut name = [0u8; 8];
    let mut len = 0;
    loop {
        name[len] = b'A' + (col % 26) as u8;
        len += 1;
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.extend(name[..len].iter().rev().map(|&b| char::from(b)));
}

#[cfg(test)]
fn column_name(col: u32) -> String {
    let mut name = String::new();
    push_column_name(&mut name, col);
    name
}

/// Appends the `A1`-style reference of a 0-based cell (written for every
/// cell of every workbook: no string of its own).
fn push_cell_ref(out: &mut String, row: u32, col: u32) {
    push_column_name(out, col);
    push_int(out, u64::from(row) + 1);
}

/// Appends an integer as `{n}` writes it (without the formatting machinery:
/// a workbook has a few hundred of them).
fn push_int<I: itoa::Integer>(out: &mut String, n: I) {
    out.push_str(itoa::Buffer::new().format(n));
}

fn cell_ref(row: u32, col: u32) -> String {
    let mut at = String::new();
    push_cell_ref(&mut at, row, col);
    at
}

/// Appends `n` as `{n}` writes it; whole numbers (nearly every cell) as
/// integers, without float formatting.
fn push_number(out: &mut String, n: f64) {
    if n.fract() == 0.0 && n.abs() < 1e15 && !(n == 0.0 && n.is_sign_negative()) {
        push_int(out, n as i64);
    } else {
        let _ = write!(out, "{n}");
    }
}

/// Style index of a number shown with `decimals` decimals (custom formats 164–167).
fn number_style(style: Style, decimals: u8) -> u32 {
    match (style, decimals) {
        (Style::Data, 1..=4) => 3 + u32::from(decimals),
        (s, _) => s as u32,
    }
}

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="4"><numFmt numFmtId="164" formatCode="0.0"/><numFmt numFmtId="165" formatCode="0.00"/><numFmt numFmtId="166" formatCode="0.000"/><numFmt numFmtId="167" formatCode="0.0000"/></numFmts><fonts count="2"><font><sz val="11"/><name val="宋体"/><family val="2"/><charset val="134"/></font><font><b/><sz val="11"/><name val="宋体"/><family val="2"/><charset val="134"/></font></fonts><fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFF1ECE4"/><bgColor indexed="64"/></patternFill></fill></fills><borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right><top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="8"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf><xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf><xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1"><alignment horizontal="right" vertical="center"/></xf><xf numFmtId="164" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1" applyAlignment="1"><alignment horizontal="right" vertical="center"/></xf><xf numFmtId="165" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1" applyAlignment="1"><alignment horizontal="right" vertical="center"/></xf><xf numFmtId="166" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1" applyAlignment="1"><alignment horizontal="right" vertical="center"/></xf><xf numFmtId="167" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1" applyAlignment="1"><alignment horizontal="right" vertical="center"/></xf></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>"#;

const APP: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>gongkai</Application></Properties>"#;

fn content_types(sheets: usize) -> String {
    let mut x = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>"#,
    );
    for i in 1..=sheets {
        let _ = write!(
            x,
            r#"<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        );
    }
    x.push_str("</Types>");
    x
}

fn workbook_xml(sheets: &[Sheet]) -> (String, String) {
    let mut wb = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><bookViews><workbookView/></bookViews><sheets>"#,
    );
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    for (i, s) in sheets.iter().enumerate() {
        let n = i + 1;
        wb.push_str("<sheet name=\"");
        esc(&s.name, &mut wb);
        let _ = write!(wb, "\" sheetId=\"{n}\" r:id=\"rId{n}\"/>");
        let _ = write!(
            rels,
            r#"<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>"#
        );
    }
    wb.push_str("</sheets></workbook>");
    let _ = write!(
        rels,
        r#"<Relationship Id="rId{}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#,
        sheets.len() + 1
    );
    (wb, rels)
}

fn core_xml(p: &Properties) -> String {
    let mut x = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>"#,
    );
    esc(p.title, &mut x);
    x.push_str("</dc:title><dc:creator>");
    esc(p.author, &mut x);
    let _ = write!(
        x,
        r#"</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">{0}T00:00:00Z</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{0}T00:00:00Z</dcterms:modified></cp:coreProperties>"#,
        p.created
    );
    x
}

/// The worksheet XML: every slot of a merged range gets the range's style, so
/// that the borders are drawn all round.
fn sheet_xml(sheet: &Sheet) -> String {
    let rows = sheet
        .cells
        .iter()
        .map(|c| c.row + c.rowspan)
        .max()
        .unwrap_or(1);
    let cols = sheet
        .cells
        .iter()
        .map(|c| c.col + c.colspan)
        .max()
        .unwrap_or(1)
        .max(sheet.widths.len() as u32);
    let mut grid: Vec<Vec<Option<(&Cell, bool)>>> = vec![vec![None; cols as usize]; rows as usize];
    for c in &sheet.cells {
        for r in c.row..c.row + c.rowspan {
            for k in c.col..c.col + c.colspan {
                grid[r as usize][k as usize] = Some((c, r == c.row && k == c.col));
            }
        }
    }
    let mut x = String::with_capacity(16 * 1024);
    let _ = write!(
        x,
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><dimension ref="A1:{}"/><sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/>"#,
        cell_ref(rows - 1, cols - 1)
    );
    if !sheet.widths.is_empty() {
        x.push_str("<cols>");
        for (i, w) in sheet.widths.iter().enumerate() {
            x.push_str(r#"<col min=""#);
            push_int(&mut x, i + 1);
            x.push_str(r#"" max=""#);
            push_int(&mut x, i + 1);
            let _ = write!(
                x,
                r#"" width="{}" customWidth="1"/>"#,
                super::charts::F1(*w)
            );
        }
        x.push_str("</cols>");
    }
    x.push_str("<sheetData>");
    for (r, row) in grid.iter().enumerate() {
        x.push_str(r#"<row r=""#);
        push_int(&mut x, r + 1);
        x.push_str(r#"">"#);
        for (k, slot) in row.iter().enumerate() {
            let Some((cell, origin)) = slot else { continue };
            x.push_str(r#"<c r=""#);
            push_cell_ref(&mut x, r as u32, k as u32);
            match (&cell.value, origin) {
                (Value::Number(n, d), true) => {
                    x.push_str(r#"" s=""#);
                    push_int(&mut x, number_style(cell.style, *d));
                    x.push_str(r#""><v>"#);
                    push_number(&mut x, *n);
                    x.push_str("</v></c>");
                }
                (Value::Text(t), true) if !t.is_empty() => {
                    x.push_str(r#"" s=""#);
                    push_int(&mut x, cell.style as u32);
                    // Excel drops spaces at either end unless told to keep them.
                    let keep =
                        t.starts_with(char::is_whitespace) || t.ends_with(char::is_whitespace);
                    x.push_str(if keep {
                        r#"" t="inlineStr"><is><t xml:space="preserve">"#
                    } else {
                        r#"" t="inlineStr"><is><t>"#
                    });
                    esc(t, &mut x);
                    x.push_str("</t></is></c>");
                }
                _ => {
                    x.push_str(r#"" s=""#);
                    push_int(&mut x, cell.style as u32);
                    x.push_str(r#""/>"#);
                }
            }
        }
        x.push_str("</row>");
    }
    x.push_str("</sheetData>");
    let merged: Vec<&Cell> = sheet
        .cells
        .iter()
        .filter(|c| c.rowspan > 1 || c.colspan > 1)
        .collect();
    if !merged.is_empty() {
        x.push_str(r#"<mergeCells count=""#);
        push_int(&mut x, merged.len());
        x.push_str(r#"">"#);
        for c in merged {
            x.push_str(r#"<mergeCell ref=""#);
            push_cell_ref(&mut x, c.row, c.col);
            x.push(':');
            push_cell_ref(&mut x, c.row + c.rowspan - 1, c.col + c.colspan - 1);
            x.push_str(r#""/>"#);
        }
        x.push_str("</mergeCells>");
    }
    x.push_str(r#"<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/><pageSetup paperSize="9" orientation="landscape"/></worksheet>"#);
    x
}

/// One compressed member of the zip.
#[derive(Clone)]
struct Member {
    name: &'static str,
    crc: u32,
    size: u32,
    data: Vec<u8>,
}

fn compress(name: &'static str, text: &str) -> Member {
    Member {
        name,
        crc: crc32fast::hash(text.as_bytes()),
        size: text.len() as u32,
        data: deflate(text.as_bytes()),
    }
}

/// Raw deflate with one compressor per thread: a new compressor allocates and
/// clears ~300 KB of tables, which cost more than compressing a sheet.
fn deflate(input: &[u8]) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress, Status};
    thread_local! {
        static COMPRESSOR: std::cell::RefCell<Compress> =
            std::cell::RefCell::new(Compress::new(Compression::fast(), false));
    }
    COMPRESSOR.with(|c| {
        let mut c = c.borrow_mut();
        c.reset();
        let mut out = Vec::with_capacity(input.len() / 3 + 64);
        loop {
            let done = c.total_in() as usize;
            match c.compress_vec(&input[done..], &mut out, FlushCompress::Finish) {
                Ok(Status::StreamEnd) => return out,
                Ok(_) => out.reserve(out.capacity().max(1024)),
                // Not reachable with a valid compressor; an empty member
                // would make a broken workbook, so fall back to a fresh one.
                Err(_) => {
                    let mut enc =
                        flate2::write::DeflateEncoder::new(Vec::new(), Compression::fast());
                    let _ = enc.write_all(input);
                    return enc.finish().unwrap_or_default();
                }
            }
        }
    })
}

/// [`compress`] for a part that is the same in most workbooks (the content
/// types, the workbook and its relationships depend only on the sheets'
/// names): each thread keeps the last few it compressed.
fn compress_repeated(name: &'static str, text: String) -> Member {
    type Seen = Vec<(&'static str, String, Member)>;
    thread_local! {
        static SEEN: std::cell::RefCell<Seen> = const { std::cell::RefCell::new(Vec::new()) };
    }
    const KEEP: usize = 24;
    SEEN.with(|seen| {
        let mut seen = seen.borrow_mut();
        if let Some((_, _, m)) = seen.iter().find(|(n, t, _)| *n == name && *t == text) {
            return m.clone();
        }
        let m = compress(name, &text);
        if seen.len() == KEEP {
            seen.remove(0);
        }
        seen.push((name, text, m.clone()));
        m
    })
}

/// The parts that are the same in every workbook, compressed once.
fn constant_members() -> &'static [Member] {
    static CONSTANT: std::sync::OnceLock<Vec<Member>> = std::sync::OnceLock::new();
    CONSTANT.get_or_init(|| {
        vec![
            compress("_rels/.rels", ROOT_RELS),
            compress("docProps/app.xml", APP),
            compress("xl/styles.xml", STYLES),
        ]
    })
}

const SHEET_NAMES: [&str; 8] = [
    "xl/worksheets/sheet1.xml",
    "xl/worksheets/sheet2.xml",
    "xl/worksheets/sheet3.xml",
    "xl/worksheets/sheet4.xml",
    "xl/worksheets/sheet5.xml",
    "xl/worksheets/sheet6.xml",
    "xl/worksheets/sheet7.xml",
    "xl/worksheets/sheet8.xml",
];

/// A zip archive (deflate, DOS time 1980-01-01 00:00: deterministic).
fn zip(members: &[&Member]) -> Vec<u8> {
    const DOS_DATE: u16 = (1 << 5) | 1;
    let mut out = Vec::with_capacity(members.iter().map(|m| m.data.len() + 80).sum::<usize>() + 64);
    let mut central = Vec::new();
    let le16 = |v: &mut Vec<u8>, x: u16| v.extend_from_slice(&x.to_le_bytes());
    let le32 = |v: &mut Vec<u8>, x: u32| v.extend_from_slice(&x.to_le_bytes());
    for m in members {
        let offset = out.len() as u32;
        le32(&mut out, 0x0403_4b50);
        for x in [20, 0, 8, 0, DOS_DATE] {
            le16(&mut out, x);
        }
        for x in [m.crc, m.data.len() as u32, m.size] {
            le32(&mut out, x);
        }
        le16(&mut out, m.name.len() as u16);
        le16(&mut out, 0);
        out.extend_from_slice(m.name.as_bytes());
        out.extend_from_slice(&m.data);
        le32(&mut central, 0x0201_4b50);
        for x in [20, 20, 0, 8, 0, DOS_DATE] {
            le16(&mut central, x);
        }
        for x in [m.crc, m.data.len() as u32, m.size] {
            le32(&mut central, x);
        }
        for x in [m.name.len() as u16, 0, 0, 0, 0] {
            le16(&mut central, x);
        }
        le32(&mut central, 0);
        le32(&mut central, offset);
        central.extend_from_slice(m.name.as_bytes());
    }
    let start = out.len() as u32;
    out.extend_from_slice(&central);
    le32(&mut out, 0x0605_4b50);
    for x in [0, 0, members.len() as u16, members.len() as u16] {
        le16(&mut out, x);
    }
    le32(&mut out, central.len() as u32);
    le32(&mut out, start);
    le16(&mut out, 0);
    out
}

/// The `.xlsx` file (at most 8 sheets).
pub fn workbook(props: &Properties, sheets: &[Sheet]) -> std::io::Result<Vec<u8>> {
    let sheets = &sheets[..sheets.len().min(SHEET_NAMES.len())];
    let (wb, wb_rels) = workbook_xml(sheets);
    let mut own = vec![
        compress_repeated("[Content_Types].xml", content_types(sheets.len())),
        compress("docProps/core.xml", &core_xml(props)),
        compress_repeated("xl/workbook.xml", wb),
        compress_repeated("xl/_rels/workbook.xml.rels", wb_rels),
    ];
    for (i, s) in sheets.iter().enumerate() {
        own.push(compress(SHEET_NAMES[i], &sheet_xml(s)));
    }
    let constant = constant_members();
    let members: Vec<&Member> = [&own[0]]
        .into_iter()
        .chain(constant.iter())
        .chain(own[1..].iter())
        .collect();
    Ok(zip(&members))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_display_writes_them() {
        for n in [
            0.0,
            -0.0,
            1.0,
            12.0,
            -3.0,
            0.5,
            17.848,
            1e15 - 1.0,
            1e15,
            1e20,
            -1e16,
            123456.0,
        ] {
            let mut out = String::new();
            push_number(&mut out, n);
            assert_eq!(out, format!("{n}"), "{n}");
        }
    }

    #[test]
    fn column_names_go_past_z() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(27), "AB");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
        assert_eq!(column_name(u32::MAX), "MWLQKWV");
    }

    #[test]
    fn merged_cells_and_escaped_text() {
        let sheet = Sheet {
            name: "表<三>".into(),
            cells: vec![
                Cell {
                    row: 0,
                    col: 0,
                    rowspan: 2,
                    colspan: 2,
                    value: Value::Text("a & b".into()),
                    style: Style::Head,
                },
                Cell {
                    row: 0,
                    col: 2,
                    rowspan: 1,
                    colspan: 1,
                    value: Value::Number(1.235, 4),
                    style: Style::Data,
                },
                Cell {
                    row: 2,
                    col: 0,
                    rowspan: 1,
                    colspan: 1,
                    value: Value::Text(" 缩进".into()),
                    style: Style::Head,
                },
            ],
            widths: vec![10.0, 10.0, 8.0],
        };
        let x = sheet_xml(&sheet);
        assert!(x.contains(r#"<mergeCell ref="A1:B2"/>"#), "{x}");
        assert!(x.contains("<is><t>a &amp; b</t></is>"), "{x}");
        assert!(
            x.contains(r#"<is><t xml:space="preserve"> 缩进</t></is>"#),
            "a space at either end is kept: {x}"
        );
        assert!(
            x.contains(r#"<c r="B2" s="2"/>"#),
            "covered slots keep the style: {x}"
        );
        assert!(x.contains(r#"<c r="C1" s="7"><v>1.235</v></c>"#), "{x}");
        let props = Properties {
            title: "t",
            author: "a",
            created: "2022-01-01".into(),
        };
        let a = workbook(&props, std::slice::from_ref(&sheet)).unwrap();
        let b = workbook(&props, &[sheet]).unwrap();
        assert_eq!(a, b, "deterministic");
        assert!(a.starts_with(b"PK"));
    }

    /// The bytes of a workbook do not depend on what was compressed before
    /// (on the same thread or another).
    #[test]
    fn a_workbook_is_the_same_whatever_came_before() {
        let sheet = |n: u32| Sheet {
            name: format!("表{n}"),
            cells: (0..200)
                .map(|i| Cell {
                    row: i / 7,
                    col: i % 7,
                    rowspan: 1,
                    colspan: 1,
                    value: match i % 3 {
                        0 => Value::Text(format!("第{}行标签{}", i * n, i % 5)),
                        _ => Value::Number(f64::from(i * n % 97), 0),
                    },
                    style: Style::Data,
                })
                .collect(),
            widths: vec![8.0; 7],
        };
        let props = Properties {
            title: "t",
            author: "a",
            created: "2022-01-01".into(),
        };
        let alone = workbook(&props, &[sheet(1)]).unwrap();
        for n in 2..6 {
            let _ = workbook(&props, &[sheet(n), sheet(n + 1)]).unwrap();
            assert_eq!(workbook(&props, &[sheet(1)]).unwrap(), alone, "after {n}");
        }
        // The same at the level of one part, after longer and shorter parts.
        let text = |n: u32, len: u32| -> String {
            (0..len)
                .map(|i| {
                    format!(
                        "<c r=\"A{i}\" s=\"{}\"><v>{}</v></c>",
                        i % 7,
                        (i * n) % 1000
                    )
                })
                .collect()
        };
        let part = deflate(text(3, 300).as_bytes());
        for (n, len) in [(5, 2000), (3, 300), (7, 50), (3, 299), (11, 5000)] {
            let _ = deflate(text(n, len).as_bytes());
            assert_eq!(deflate(text(3, 300).as_bytes()), part, "after {n} × {len}");
        }
    }
}
