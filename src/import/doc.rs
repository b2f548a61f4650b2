//! The source of an import, read into one shape whatever it came from:
//! a list of blocks in reading order (lines of a PDF text, paragraphs and
//! table rows of an HTML page), each with its place in the source.

use std::fmt;
use std::ops::Range;

/// Where something is in the source file, for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loc {
    /// A line of a text file (1-based).
    Line(u32),
    /// A row of a table of an HTML page: the table's and the row's number (1-based).
    Row { table: u32, row: u32 },
    /// A paragraph of an HTML page (1-based, counting paragraphs outside tables).
    Para(u32),
}

impl Loc {
    /// `file:12` for a text line; `file（第2个表格第5行）` for HTML.
    pub fn in_file(&self, file: &str) -> String {
        match self {
            Loc::Line(n) => format!("{file}:{n}"),
            Loc::Row { table, row } => format!("{file}（第{table}个表格第{row}行）"),
            Loc::Para(n) => format!("{file}（第{n}段）"),
        }
    }
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Loc::Line(n) => write!(f, "第{n}行"),
            Loc::Row { table, row } => write!(f, "第{table}个表格第{row}行"),
            Loc::Para(n) => write!(f, "第{n}段"),
        }
    }
}

/// What a block holds.
#[derive(Clone, Debug, PartialEq)]
pub enum BlockKind {
    /// A line of extracted text, or a paragraph of a page.
    Text(String),
    /// A row of an HTML table: the text of each of its own cells, in order
    /// (cells spanning down from rows above are not repeated).
    Row(Vec<String>),
}

/// One block of the source.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// Its text or cells.
    pub kind: BlockKind,
    /// Where it is in the source.
    pub loc: Loc,
}

impl Block {
    /// The block's text; a row's cells joined by spaces.
    pub fn text(&self) -> String {
        match &self.kind {
            BlockKind::Text(t) => t.trim().to_string(),
            BlockKind::Row(cells) => cells
                .iter()
                .map(|c| c.trim())
                .filter(|c| !c.is_empty())
                .collect::<Vec<_>>()
                .join(" "),
        }
    }

    /// True for a row of an HTML table.
    pub fn is_row(&self) -> bool {
        matches!(self.kind, BlockKind::Row(_))
    }
}

/// A source file read into blocks.
#[derive(Clone, Debug, Default)]
pub struct Document {
    /// Read from an HTML page (paragraphs are whole), not from PDF text
    /// (lines must be joined into paragraphs).
    pub html: bool,
    /// Every block, in reading order.
    pub blocks: Vec<Block>,
    /// The blocks that make up the report (an HTML page also has menus and
    /// footers around it); all blocks for a text file.
    pub content: Range<usize>,
    /// Titles the page declares (`<meta name="ArticleTitle">`, `<title>`).
    pub page_titles: Vec<String>,
    /// Publication date the page declares (`<meta name="PubDate">`).
    pub published: Option<String>,
}
