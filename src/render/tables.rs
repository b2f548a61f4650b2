//! The three official tables as grids of header and data cells, laid out
//! exactly like the official form (merged headers, row labels with their
//! rowspans), with `scope`, `id` and `headers` so that screen readers can name
//! every cell. One generic template (`partials/table.html`) draws all three.

use crate::report::schema::{
    ART20_1, Format, RESULTS, RowRole, T3_COLUMNS, T3_NOTE, T4_COLUMNS, TableId, TableSpec,
};
use crate::report::{Origin, Table, Value};
use serde::Serialize;
use std::fmt::Write as _;

/// A table ready for the template.
///
/// Templates see `id`, `caption`, `html` (the whole `<table>` element, drawn
/// by [`FormTable::html`]), `has_computed` and `columns`. The grid itself is
/// not handed to the template: the official form is the same on every portal
/// (a theme styles it with CSS), and drawing its ~200 cells here instead of in
/// Tera halves the time of a report page (see the README's benchmark notes).
/// The grid (header cells, ids, `headers` of each data cell, layout) is made
/// once per form and thread ([`Grid`]); a table adds only its values.
#[derive(Debug)]
pub struct FormTable {
    /// `t2`, `t3`, `t4`: prefix of every id in the table.
    pub id: &'static str,
    pub caption: String,
    /// The cells of the form, the same in every table of the form.
    pub grid: std::rc::Rc<Grid>,
    /// The data cells' values, in the grid's order (rows of `head`, then of
    /// `body`, each left to right).
    pub values: Vec<DataValue>,
    /// The values' text, one after the other (see [`FormTable::text`]).
    texts: String,
    /// A note under the table (the printed 勾稽关系 rule is in the header).
    pub has_computed: bool,
    /// `col` elements: how many grid columns the table has.
    pub columns: usize,
}

/// The header cells and the places of the data cells of one form (table,
/// format and number style): made once per thread and shared by the tables
/// of every report of the form, which differ only in their values.
#[derive(Debug)]
pub struct Grid {
    /// Header rows (`<thead>`).
    pub head: Vec<Vec<FormCell>>,
    /// Body rows (`<tbody>`), row labels included as `<th scope="row">`.
    /// A data cell here has its `headers` and `colspan`; its text, class
    /// and note are the table's ([`FormTable::values`]).
    pub body: Vec<Vec<FormCell>>,
    /// Each cell of `head` and `body`, in that order, at its row and column
    /// (HTML table layout: cells skip the slots taken by rowspans from above).
    pub placed: Vec<(usize, usize)>,
    /// Where each data cell's value comes from, in the grid's order.
    slots: Vec<Slot>,
}

/// Where a data cell of the grid takes its value.
#[derive(Debug)]
struct Slot {
    row: usize,
    col: usize,
    /// Decimals to show (the fee).
    fixed: Option<u8>,
    /// A 总计 cell: class `total` when it holds a written number.
    total: bool,
}

/// The value of one data cell.
#[derive(Clone, Debug)]
pub struct DataValue {
    /// Where its text lies in [`FormTable::texts`].
    text: std::ops::Range<u32>,
    /// `number`, `total`, `computed`, `blank`, `na`.
    pub class: &'static str,
    /// Note shown after the value: `（其中修订16件）`.
    pub note: Option<String>,
}

impl Serialize for FormTable {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut t = s.serialize_struct("FormTable", 5)?;
        t.serialize_field("id", self.id)?;
        t.serialize_field("caption", &self.caption)?;
        t.serialize_field("html", &self.html())?;
        t.serialize_field("has_computed", &self.has_computed)?;
        t.serialize_field("columns", &self.columns)?;
        t.end()
    }
}

impl FormTable {
    /// The `<table>` element: header cells with `id` and `scope`, data cells
    /// with `headers`, so that a screen reader names every number; a blank
    /// cell says 空白 to it, a computed total is marked with `*`.
    pub fn html(&self) -> String {
        let mut out = Vec::with_capacity(16 * 1024);
        out.extend_from_slice(b"<table id=\"");
        esc(self.id, &mut out);
        out.extend_from_slice(b"\" class=form-table><caption id=\"");
        esc(self.id, &mut out);
        out.extend_from_slice(b"-caption\">");
        esc(&self.caption, &mut out);
        out.extend_from_slice(b"</caption>");
        let mut values = self.values.iter();
        let mut row = |row: &[FormCell], out: &mut Vec<u8>| {
            out.extend_from_slice(b"<tr>");
            for c in row {
                if c.header {
                    header_cell(c, out);
                } else if let Some(v) = values.next() {
                    data_cell(c, v, self.text(v), out);
                }
            }
            out.extend_from_slice(b"</tr>");
        };
        if !self.grid.head.is_empty() {
            out.extend_from_slice(b"<thead>");
            for r in &self.grid.head {
                row(r, &mut out);
            }
            out.extend_from_slice(b"</thead>");
        }
        out.extend_from_slice(b" <tbody>");
        for r in &self.grid.body {
            row(r, &mut out);
        }
        out.extend_from_slice(b"</tbody></table>");
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    /// The text of a value of this table.
    pub fn text(&self, v: &DataValue) -> &str {
        self.texts
            .get(v.text.start as usize..v.text.end as usize)
            .unwrap_or_default()
    }
}

/// Escapes text as Tera does in an `.html` template (`tera::escape_html`,
/// which writes byte by byte; a test compares the two).
fn esc(text: &str, out: &mut Vec<u8>) {
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let entity: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(entity);
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

fn number(n: usize, out: &mut Vec<u8>) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// An attribute, ` name=value`: quoted only when the value needs it (HTML
/// allows a bare value without spaces, quotes, `=`, `<`, `>` or backquotes).
fn attribute(name: &[u8], value: &str, out: &mut Vec<u8>) {
    out.push(b' ');
    out.extend_from_slice(name);
    out.push(b'=');
    let bare = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if bare {
        out.extend_from_slice(value.as_bytes());
    } else {
        out.push(b'"');
        esc(value, out);
        out.push(b'"');
    }
}

/// A `colspan` or `rowspan` other than 1, the default.
fn span(name: &[u8], n: usize, out: &mut Vec<u8>) {
    if n > 1 {
        out.push(b' ');
        out.extend_from_slice(name);
        out.push(b'=');
        number(n, out);
    }
}

/// `<th class=… colspan=…` or `<td …`: the attributes every cell has.
fn open_cell(tag: &[u8], class: &str, c: &FormCell, out: &mut Vec<u8>) {
    out.push(b'<');
    out.extend_from_slice(tag);
    // A data cell is a number unless its class says otherwise (total,
    // computed, blank, na): ~200 `class=number` a page, which no style used.
    if !(tag == b"td" && class == "number") {
        attribute(b"class", class, out);
    }
    span(b"colspan", c.colspan, out);
}

fn header_cell(c: &FormCell, out: &mut Vec<u8>) {
    open_cell(b"th", c.class, c, out);
    if let Some(id) = &c.id {
        attribute(b"id", id, out);
    }
    span(b"rowspan", c.rowspan, out);
    if let Some(scope) = c.scope {
        attribute(b"scope", scope, out);
    }
    out.push(b'>');
    esc(&c.text, out);
    out.extend_from_slice(b"</th>");
}

fn data_cell(c: &FormCell, v: &DataValue, text: &str, out: &mut Vec<u8>) {
    open_cell(b"td", v.class, c, out);
    if let Some(headers) = &c.headers {
        attribute(b"headers", headers, out);
    }
    out.push(b'>');
    if v.class == "blank" {
        out.extend_from_slice("<span class=vh>空白</span>".as_bytes());
    } else {
        esc(text, out);
    }
    if v.class == "computed" {
        out.extend_from_slice(
            "<span aria-hidden=true class=mark>*</span><span class=vh>（自动计算）</span>"
                .as_bytes(),
        );
    }
    if let Some(note) = &v.note {
        out.extend_from_slice(b"<span class=note>");
        esc(note, out);
        out.extend_from_slice(b"</span>");
    }
    out.extend_from_slice(b"</td>");
}

/// One cell of the grid: a header cell whole, a data cell without its
/// value (text, class and note are the table's [`DataValue`]).
#[derive(Clone, Debug, Default)]
pub struct FormCell {
    /// `th` or `td`.
    pub header: bool,
    pub text: String,
    /// `col`, `colgroup`, `row`, `rowgroup` for header cells.
    pub scope: Option<&'static str>,
    pub id: Option<String>,
    /// Ids of the header cells that name this data cell.
    pub headers: Option<String>,
    pub rowspan: usize,
    pub colspan: usize,
    /// Header cells: `label`, `group`, `note`.
    pub class: &'static str,
}

fn th(text: &str, scope: &'static str, id: String, rowspan: usize, colspan: usize) -> FormCell {
    FormCell {
        header: true,
        text: text.to_string(),
        scope: Some(scope),
        id: Some(id),
        rowspan,
        colspan,
        class: "label",
        ..FormCell::default()
    }
}

/// How to show numbers: the fee with the overlay's decimals.
#[derive(Clone, Copy, Debug, Default)]
pub struct NumberStyle<'a> {
    pub fee_decimals: Option<u8>,
    pub fee_label: Option<&'a str>,
}

/// A data cell of the grid; its value comes from the table's cell at `row`,
/// `col` ([`fill`]).
fn td(
    slots: &mut Vec<Slot>,
    (row, col): (usize, usize),
    headers: String,
    colspan: usize,
    fixed: Option<u8>,
    total: bool,
) -> FormCell {
    slots.push(Slot {
        row,
        col,
        fixed,
        total,
    });
    FormCell {
        header: false,
        headers: Some(headers),
        rowspan: 1,
        colspan,
        ..FormCell::default()
    }
}

/// The values of `table`'s data cells, in the order of `grid`, with their
/// texts one after the other.
fn fill(table: &Table, grid: &Grid) -> (Vec<DataValue>, String) {
    let mut texts = String::with_capacity(grid.slots.len() * 4);
    let values = grid
        .slots
        .iter()
        .map(|slot| {
            let cell = &table.rows[slot.row].cells[slot.col];
            let start = texts.len() as u32;
            let class = match &cell.value {
                Value::Blank | Value::Invalid => "blank",
                Value::NotApplicable => {
                    texts.push('/');
                    "na"
                }
                Value::Number(n) => {
                    let shown = slot.fixed.and_then(|d| n.with_decimals(d)).unwrap_or(*n);
                    let _ = write!(texts, "{shown}");
                    match (cell.origin == Origin::Computed, slot.total) {
                        (true, _) => "computed",
                        (false, true) => "total",
                        (false, false) => "number",
                    }
                }
            };
            DataValue {
                text: start..texts.len() as u32,
                class,
                note: table.note(slot.row, slot.col).map(|n| format!("（{n}）")),
            }
        })
        .collect();
    (values, texts)
}

/// The id of a table's grid (`FormTable::id`).
pub fn grid_id(table: TableId) -> &'static str {
    match table {
        TableId::Active => "t2",
        TableId::Applications => "t3",
        TableId::Reviews => "t4",
    }
}

/// Builds the grid of any of the three tables.
pub fn form_table(table: &Table, format: Format, style: NumberStyle) -> FormTable {
    let grid = grid(table.spec, format, style);
    let (values, texts) = fill(table, &grid);
    FormTable {
        id: grid_id(table.spec.id),
        caption: caption(table.spec),
        has_computed: values.iter().any(|v| v.class == "computed"),
        columns: columns(table.spec.id),
        grid,
        values,
        texts,
    }
}

/// How many grid columns a table has (`col` elements).
fn columns(table: TableId) -> usize {
    match table {
        TableId::Active => 4,
        TableId::Applications => 10,
        TableId::Reviews => 15,
    }
}

/// What a grid depends on besides the table's spec.
type GridKey = (usize, Format, Option<String>, Option<u8>);

/// The grid of a form, made once per thread (a portal has a handful).
fn grid(spec: &'static TableSpec, format: Format, style: NumberStyle) -> std::rc::Rc<Grid> {
    thread_local! {
        static GRIDS: std::cell::RefCell<Vec<(GridKey, std::rc::Rc<Grid>)>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    let spec_id = spec as *const TableSpec as usize;
    GRIDS.with_borrow_mut(|grids| {
        // Looked up without making a key (three tables a report).
        let found = grids.iter().find(|((s, f, label, decimals), _)| {
            (*s, *f, label.as_deref(), *decimals)
                == (spec_id, format, style.fee_label, style.fee_decimals)
        });
        if let Some((_, g)) = found {
            return g.clone();
        }
        let key: GridKey = (
            spec_id,
            format,
            style.fee_label.map(str::to_string),
            style.fee_decimals,
        );
        let mut slots = Vec::new();
        let (head, body) = match spec.id {
            TableId::Active => table2(spec, format, style, &mut slots),
            TableId::Applications => table3(spec, &mut slots),
            TableId::Reviews => table4(&mut slots),
        };
        let rows: Vec<&Vec<FormCell>> = head.iter().chain(&body).collect();
        let placed = place(&rows, columns(spec.id));
        let g = std::rc::Rc::new(Grid {
            head,
            body,
            placed,
            slots,
        });
        // A few forms at a time; `serve` may see the style change.
        if grids.len() == 32 {
            grids.remove(0);
        }
        grids.push((key, g.clone()));
        g
    })
}

/// The row and column of each cell of `rows` in a grid `columns` wide (HTML
/// table layout: cells skip the slots taken by rowspans from above).
fn place(rows: &[&Vec<FormCell>], columns: usize) -> Vec<(usize, usize)> {
    let mut taken: Vec<Vec<bool>> = vec![vec![false; columns]; rows.len()];
    let mut out = Vec::new();
    for (r, cells) in rows.iter().enumerate() {
        let mut c = 0usize;
        for cell in cells.iter() {
            while c < columns && taken[r][c] {
                c += 1;
            }
            let (rs, cs) = (cell.rowspan.max(1), cell.colspan.max(1));
            for row in taken.iter_mut().skip(r).take(rs) {
                for slot in row.iter_mut().skip(c).take(cs) {
                    *slot = true;
                }
            }
            out.push((r, c));
            c += cs;
        }
    }
    out
}

fn caption(spec: &TableSpec) -> String {
    spec.title.to_string()
}

/// 二: four grid columns, a block per 第二十条 item.
fn table2(
    table: &'static TableSpec,
    format: Format,
    style: NumberStyle,
    slots: &mut Vec<Slot>,
) -> Rows {
    let mut body = Vec::new();
    let mut block = 0;
    let mut last_group = None;
    for (r, spec) in table.rows.iter().enumerate() {
        let group = spec.group.unwrap_or(ART20_1);
        if last_group != Some(group) {
            last_group = Some(group);
            block += 1;
            body.push(vec![FormCell {
                class: "group",
                ..th(group, "colgroup", format!("t2-b{block}"), 1, 4)
            }]);
            let spans = spans_for(spec.columns.len());
            let mut header = vec![th("信息内容", "col", format!("t2-b{block}-item"), 1, 1)];
            for (c, col) in spec.columns.iter().enumerate() {
                let label = if group == crate::report::schema::ART20_8 && format == Format::V2021 {
                    style.fee_label.unwrap_or(col.label)
                } else {
                    col.label
                };
                header.push(th(label, "col", format!("t2-b{block}-c{c}"), 1, spans[c]));
            }
            body.push(header);
        }
        let row_id = format!("t2-r{r}");
        let spans = spans_for(spec.columns.len());
        let mut cells = vec![th(spec.label, "row", row_id.clone(), 1, 1)];
        for (c, col) in spec.columns.iter().enumerate() {
            let fixed = (col.kind == crate::report::schema::CellKind::Money
                && format == Format::V2021)
                .then_some(style.fee_decimals)
                .flatten();
            let headers = format!("t2-b{block} t2-b{block}-c{c} {row_id}");
            cells.push(td(slots, (r, c), headers, spans[c], fixed, false));
        }
        body.push(cells);
    }
    (Vec::new(), body)
}

/// Header rows and body rows of a grid.
type Rows = (Vec<Vec<FormCell>>, Vec<Vec<FormCell>>);

/// Column spans of a block with `n` value columns in a 3-column value area.
fn spans_for(n: usize) -> Vec<usize> {
    match n {
        1 => vec![3],
        2 => vec![1, 2],
        _ => vec![1; n],
    }
}

/// 三: 3 label columns + 7 data columns, the 3-row header of the form.
fn table3(table: &'static TableSpec, slots: &mut Vec<Slot>) -> Rows {
    let applicant = "t3-applicant".to_string();
    let org = "t3-org".to_string();
    let col_id = |c: usize| format!("t3-c{c}");
    let head = vec![
        vec![
            FormCell {
                class: "note",
                ..th(T3_NOTE, "col", "t3-note".into(), 3, 3)
            },
            th("申请人情况", "colgroup", applicant.clone(), 1, 7),
        ],
        vec![
            th(T3_COLUMNS[0].label, "col", col_id(0), 2, 1),
            th("法人或其他组织", "colgroup", org.clone(), 1, 5),
            th(T3_COLUMNS[6].label, "col", col_id(6), 2, 1),
        ],
        (1..=5)
            .map(|c| th(T3_COLUMNS[c].label, "col", col_id(c), 1, 1))
            .collect(),
    ];
    let spec_rows = table.rows;
    let results_span = spec_rows
        .iter()
        .filter(|r| r.section == Some(RESULTS))
        .count();
    let mut body = Vec::new();
    for (r, spec) in spec_rows.iter().enumerate() {
        let mut row = Vec::new();
        let mut row_headers = Vec::new();
        match spec.section {
            None => {
                let id = format!("t3-r{r}");
                row.push(th(spec.label, "row", id.clone(), 1, 3));
                row_headers.push(id);
            }
            Some(section) => {
                row_headers.push("t3-results".to_string());
                if r == 0 || spec_rows[r - 1].section != Some(section) {
                    row.push(th(
                        section,
                        "rowgroup",
                        "t3-results".into(),
                        results_span,
                        1,
                    ));
                }
                match spec.group {
                    None => {
                        let id = format!("t3-r{r}");
                        row.push(th(spec.label, "row", id.clone(), 1, 2));
                        row_headers.push(id);
                    }
                    Some(group) => {
                        let group_id = format!(
                            "t3-g{}",
                            spec_rows
                                .iter()
                                .position(|x| x.group == Some(group))
                                .unwrap_or(r)
                        );
                        if spec_rows[r - 1].group != Some(group) {
                            let span = spec_rows.iter().filter(|x| x.group == Some(group)).count();
                            row.push(th(group, "rowgroup", group_id.clone(), span, 1));
                        }
                        let id = format!("t3-r{r}");
                        row.push(th(spec.label, "row", id.clone(), 1, 1));
                        row_headers.push(group_id);
                        row_headers.push(id);
                    }
                }
            }
        }
        for c in 0..T3_COLUMNS.len() {
            let mut headers = String::with_capacity(64);
            headers.push_str(&applicant);
            if (1..=5).contains(&c) {
                headers.push(' ');
                headers.push_str(&org);
            }
            let _ = write!(headers, " t3-c{c}");
            for h in &row_headers {
                headers.push(' ');
                headers.push_str(h);
            }
            let total = spec.role == RowRole::OutcomeTotal || c == T3_COLUMNS.len() - 1;
            row.push(td(slots, (r, c), headers, 1, None, total));
        }
        body.push(row);
    }
    (head, body)
}

/// 四: 行政复议 (5 columns) and 行政诉讼 (直接起诉 5 + 复议后起诉 5), one data row.
fn table4(slots: &mut Vec<Slot>) -> Rows {
    let groups = [("t4-review", 0usize), ("t4-direct", 1), ("t4-after", 2)];
    let col = |g: &str, c: usize| format!("{g}-c{c}");
    let mut head = vec![
        vec![
            th("行政复议", "colgroup", "t4-review".into(), 1, 5),
            th("行政诉讼", "colgroup", "t4-litigation".into(), 1, 10),
        ],
        Vec::new(),
        Vec::new(),
    ];
    for (c, spec) in T4_COLUMNS.iter().enumerate() {
        head[1].push(th(spec.label, "col", col("t4-review", c), 2, 1));
    }
    head[1].push(th("未经复议直接起诉", "colgroup", "t4-direct".into(), 1, 5));
    head[1].push(th("复议后起诉", "colgroup", "t4-after".into(), 1, 5));
    for g in ["t4-direct", "t4-after"] {
        for (c, spec) in T4_COLUMNS.iter().enumerate() {
            head[2].push(th(spec.label, "col", col(g, c), 1, 1));
        }
    }
    let mut row = Vec::new();
    for (g, r) in groups {
        for c in 0..T4_COLUMNS.len() {
            let mut headers = String::with_capacity(48);
            if g != "t4-review" {
                headers.push_str("t4-litigation ");
            }
            let _ = write!(headers, "{g} {g}-c{c}");
            let total = c == T4_COLUMNS.len() - 1;
            row.push(td(slots, (r, c), headers, 1, None, total));
        }
    }
    (head, vec![row])
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_as_tera_does() {
        for text in [
            "",
            "总计",
            "<script>alert('x')</script>",
            "a & b \"c\" 'd' / e",
            "（其中修订16件）",
            "&amp;&&",
        ] {
            let (mut ours, mut theirs) = (Vec::new(), Vec::new());
            super::esc(text, &mut ours);
            tera::escape_html(text, &mut theirs).unwrap();
            assert_eq!(ours, theirs, "{text}");
        }
    }
}
