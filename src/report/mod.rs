//! One annual report: metadata, the three official tables, the narrative.

pub mod figures;
pub mod names;
pub mod narrative;
pub mod num;
pub mod parse;
pub mod placeholders;
pub mod rules;
pub mod schema;
pub mod skeleton;
mod suggest;

pub use suggest::{Candidate, did_you_mean};

use crate::content::SourcePath;
use crate::content::yaml::Pos;
use num::Num;
use schema::{Format, RowRole, RowSpec, TableId, TableSpec};
use std::fmt;

/// A parsed report.
/// Serialized only into the load cache (`load_cache`), never published.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Report {
    /// Not in the load cache: the entry is looked up by this path.
    #[serde(skip)]
    pub source: SourcePath,
    pub meta: Meta,
    /// Tables 二, 三, 四 in that order; `None` where the file has none.
    pub tables: [Option<Table>; 3],
    /// The Markdown after the front matter, placeholders expanded. Emptied
    /// once the file is loaded (rules, fingerprint and narrative are made).
    pub body: String,
    /// Line of the `.md` file where the body starts.
    pub body_line: u32,
    /// The body split into sections and rendered (filled by the load stage).
    pub narrative: narrative::Narrative,
    /// A sketch of the narrative's text for the similarity rule Y4 (filled by the load stage).
    #[serde(with = "rules::cross::sketch_bytes")]
    pub fingerprint: Vec<u64>,
    /// A hash of the file's text (filled by the load stage): an incremental
    /// build re-renders the report when it changes.
    pub source_hash: u128,
    /// A hash of what listings show of the report (filled by the load
    /// stage: `pipeline::listing_print`).
    pub listing_print: u128,
    /// A hash of what the portal-wide data files show of the report
    /// (filled by the load stage: `pipeline::data_print`).
    pub data_print: u128,
    /// The key figures, worked out on first use: listings, feeds, charts,
    /// the data files and the page each ask for them.
    #[serde(skip)]
    pub key_figures: Derived<figures::KeyFigures>,
}

/// A value worked out from the rest of the report on first use. It is not
/// kept in the load cache, and `Debug` leaves it out: two reports that
/// differ only in what has been worked out so far are the same report.
#[derive(Clone, Default)]
pub struct Derived<T>(std::sync::OnceLock<T>);

impl<T> std::fmt::Debug for Derived<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("Derived")
    }
}

impl Report {
    pub fn table(&self, id: TableId) -> Option<&Table> {
        self.tables.iter().flatten().find(|t| t.spec.id == id)
    }

    /// The key figures (listings, charts, placeholders, TEXT rules).
    /// The tables do not change once parsed, so they are worked out once.
    pub fn figures(&self) -> &figures::KeyFigures {
        self.key_figures
            .0
            .get_or_init(|| figures::KeyFigures::of(self))
    }
}

/// Metadata from the front matter.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Meta {
    /// 机关名称
    pub agency: String,
    pub agency_pos: Pos,
    /// The report year (statistical period 1 Jan – 31 Dec).
    pub year: i64,
    pub year_pos: Pos,
    /// Title as given, or `{agency}{year}年政府信息公开工作年度报告`.
    pub title: String,
    /// Where `title:` is written, when it is.
    pub title_pos: Option<Pos>,
    /// The official format the tables follow; `None` for reports before 2019
    /// (narrative only).
    pub format: Option<Format>,
    /// The format `format:` declares, when it is written.
    pub declared_format: Option<Format>,
    /// Where `format:` is written, when it is.
    pub format_pos: Option<Pos>,
    /// Publication date.
    pub published: Option<Date>,
    pub published_pos: Option<Pos>,
    /// URL segment of the report page (default: the file name).
    pub slug: String,
    /// Findings the publisher acknowledges: the report stays as published.
    pub acknowledged: Vec<Acknowledgement>,
}

/// A finding a report keeps on purpose, e.g. a wrong total in a report that
/// must stay as it was published (`acknowledged:` in the front matter).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Acknowledgement {
    /// Rule id, e.g. `T3.1`.
    pub rule: String,
    /// Part of the finding's place, e.g. `表三 · 法律服务机构列`; all findings of the rule when absent.
    pub place: Option<String>,
    /// Why, e.g. `原文如此，已于2022年3月1日发布更正说明`.
    pub reason: String,
    /// Where the entry is written.
    pub pos: Pos,
}

impl Acknowledgement {
    /// Does this entry cover the finding?
    pub fn covers(&self, f: &crate::diag::Finding) -> bool {
        f.rule == self.rule
            && self.place.as_ref().is_none_or(|p| {
                let norm = |s: &str| {
                    s.chars()
                        .filter(|c| !c.is_whitespace() && *c != '·')
                        .collect::<String>()
                };
                norm(&f.place).contains(&norm(p)) || norm(&f.message).contains(&norm(p))
            })
    }
}

/// A calendar date `YYYY-MM-DD`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD` and checks that the day exists.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.trim().splitn(3, '-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let (year, month, day): (i32, u8, u8) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// `2022年1月20日`
    pub fn chinese(&self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// One official table as filled in by the report.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Table {
    #[serde(with = "schema::spec_ref")]
    pub spec: &'static TableSpec,
    /// Where the table's key is written.
    pub pos: Pos,
    /// One entry per row of `spec.rows`, same order.
    pub rows: Vec<Row>,
    /// The cells' notes (`{ value: 22, note: "其中修订16件" }`). Few per
    /// report, so kept beside the cells rather than in each: a cell stays at
    /// 32 bytes (see `Cell`).
    pub notes: Vec<CellNote>,
}

/// The note of the cell at (`row`, `col`) of a table.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct CellNote {
    pub row: u16,
    pub col: u16,
    pub text: Box<str>,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Row {
    pub state: RowState,
    /// Where the row's value starts (the `[` of the list); for a missing row,
    /// the enclosing key.
    pub pos: Pos,
    /// One cell per column of the row spec.
    pub cells: Vec<Cell>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RowState {
    /// Written and well-formed.
    Present,
    /// Left out. For the optional （七）总计 row the cells are computed.
    Missing,
    /// Written, but not of the right shape (already reported).
    Invalid,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Cell {
    pub value: Value,
    pub pos: Pos,
    /// Written by the author, or computed because a total was left out.
    pub origin: Origin,
}

impl Cell {
    pub fn blank(pos: Pos) -> Cell {
        Cell {
            value: Value::Blank,
            pos,
            origin: Origin::Written,
        }
    }

    pub fn number(&self) -> Option<Num> {
        match self.value {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The cell's value as published: `22`, `/`, or empty (the note, if
    /// any, is the table's: `Table::note`).
    pub fn display(&self) -> String {
        match &self.value {
            Value::Blank | Value::Invalid => String::new(),
            Value::NotApplicable => "/".into(),
            Value::Number(n) => n.to_string(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Value {
    /// Left empty (`~` or nothing): shown blank, counts as 0, warned about.
    Blank,
    /// `"/"`: not applicable, shown as "/", counts as 0.
    NotApplicable,
    Number(#[serde(with = "num::parts")] Num),
    /// Could not be read (already reported): the sums that need it are skipped.
    Invalid,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Origin {
    Written,
    /// A 总计 the author left out, computed from its parts.
    Computed,
}

impl Table {
    /// The note of the cell at (`row`, `col`), when it has one.
    pub fn note(&self, row: usize, col: usize) -> Option<&str> {
        self.notes
            .iter()
            .find(|n| usize::from(n.row) == row && usize::from(n.col) == col)
            .map(|n| &*n.text)
    }

    /// Index of the 总计 column, for tables 三 and 四.
    pub fn total_col(&self) -> Option<usize> {
        self.spec
            .has_total_column
            .then(|| self.spec.rows[0].columns.len() - 1)
    }

    fn is_total_cell(&self, row: usize, col: usize) -> bool {
        self.total_col() == Some(col) || self.spec.rows[row].role == RowRole::OutcomeTotal
    }

    /// The number a cell contributes to sums: its value; 0 for blank and "/";
    /// for a blank 总计, the sum of its parts (a blank total is "not given").
    /// `None` when the cell or a part it depends on could not be read.
    pub fn effective(&self, row: usize, col: usize) -> Option<Num> {
        let r = &self.rows[row];
        // A row that is malformed or left out (already reported, F1/FM6) has
        // no value: rules that need it are skipped instead of counting it as 0.
        let optional_total = self.spec.rows[row].role == RowRole::OutcomeTotal;
        if r.state == RowState::Invalid || (r.state == RowState::Missing && !optional_total) {
            return None;
        }
        let cell = &r.cells[col];
        match &cell.value {
            Value::Number(n) => Some(*n),
            Value::Invalid => None,
            Value::Blank if self.is_total_cell(row, col) => self.computed(row, col),
            Value::Blank | Value::NotApplicable => Some(Num::int(0)),
        }
    }

    /// A total cell computed from its parts.
    pub fn computed(&self, row: usize, col: usize) -> Option<Num> {
        if self.spec.rows[row].role == RowRole::OutcomeTotal {
            self.outcome_rows()
                .map(|r| self.effective(r, col))
                .sum::<Option<Num>>()
        } else {
            let total = self.total_col()?;
            (0..total)
                .map(|c| self.effective(row, c))
                .sum::<Option<Num>>()
        }
    }

    /// The row's 总计 (table 三/四), effective.
    pub fn total_of_row(&self, row: usize) -> Option<Num> {
        self.effective(row, self.total_col()?)
    }

    /// Indexes of the rows summed into （七）总计.
    pub fn outcome_rows(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.rows.len()).filter(|&r| self.spec.rows[r].role == RowRole::Outcome)
    }

    /// Fills the totals the author left out (a 6-cell row of 三, a 4-cell row
    /// of 四, a missing （七）总计 row).
    pub(crate) fn fill_computed_totals(&mut self) {
        let Some(total) = self.total_col() else {
            return;
        };
        for r in 0..self.rows.len() {
            if self.spec.rows[r].role == RowRole::OutcomeTotal {
                continue;
            }
            if self.rows[r].cells[total].origin == Origin::Computed
                && let Some(sum) = self.computed(r, total)
            {
                self.rows[r].cells[total].value = Value::Number(sum);
            }
        }
        if let Some(t) = self.spec.row_index(RowRole::OutcomeTotal)
            && self.rows[t].state == RowState::Missing
        {
            for c in 0..self.rows[t].cells.len() {
                if let Some(sum) = self.computed(t, c) {
                    self.rows[t].cells[c].value = Value::Number(sum);
                }
            }
        }
    }

    /// `表三 · （三）不予公开 · 1.属于国家秘密 · 自然人列`
    pub fn place(&self, row: usize, col: Option<usize>) -> String {
        Place {
            spec: self.spec,
            row,
            col,
        }
        .to_string()
    }
}

/// [`Table::place`], written out only when displayed: reading a report
/// passes the place of each of its ~350 cells along, in case of a finding.
#[derive(Clone, Copy, Debug)]
pub struct Place {
    pub spec: &'static TableSpec,
    pub row: usize,
    pub col: Option<usize>,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let spec: &RowSpec = &self.spec.rows[self.row];
        write!(f, "{} · {}", self.spec.short, spec.full_label())?;
        if let Some(c) = self.col
            && spec.columns.len() > 1
        {
            write!(f, " · {}", spec.columns[c].label)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_takes_at_most_32_bytes() {
        // 2.5 million cells in a 10,000-report portal: their size is the
        // portal's memory (see Num's packing and the boxed note).
        assert!(
            std::mem::size_of::<Cell>() <= 32,
            "{}",
            std::mem::size_of::<Cell>()
        );
    }

    #[test]
    fn dates_must_exist() {
        assert_eq!(Date::parse("2022-01-20").unwrap().to_string(), "2022-01-20");
        assert!(Date::parse("2022-02-29").is_none());
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("2022-1-20").is_none());
        assert!(Date::parse("2022年1月20日").is_none());
    }
}
