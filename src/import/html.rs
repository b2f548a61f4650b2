//! A published HTML page → blocks: paragraphs and table rows in reading order.
//!
//! Parsed with scraper (html5ever), so Word-generated markup (`<o:p>`,
//! conditional comments, `mso-` styles, `&nbsp;` cells, labels split into
//! `<span>`s) reads like any other page. Tables nested in other tables, and
//! one-column tables, are page layout: their cells are read as paragraphs.
//! A data table gives one block per `<tr>` with the text of its own cells;
//! cells spanning down from earlier rows (`rowspan`) are not repeated, so a
//! row's label is its last label cell, wherever the group labels are.

use super::doc::{Block, BlockKind, Document, Loc};
use super::normalize::collapse_spaces;
use scraper::{ElementRef, Html, Node, Selector};

/// Elements whose text is not part of the page.
const SKIPPED: [&str; 17] = [
    "head", "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math",
    "select", "option", "button", "textarea", "input", "title", "map",
];

/// Elements that start a new paragraph.
const BLOCKS: [&str; 34] = [
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "dt",
    "dd",
    "blockquote",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "aside",
    "nav",
    "pre",
    "address",
    "figure",
    "figcaption",
    "form",
    "fieldset",
    "center",
    "ul",
    "ol",
    "dl",
    "hr",
    "table",
    "tr",
    "td",
    "th",
];

/// Deepest element nesting accepted. Real pages nest a few dozen deep;
/// html5ever's tree building takes time quadratic in the depth, so a page
/// nested thousands deep is refused before it is parsed.
pub const MAX_NESTING: usize = 3000;

/// An upper bound of the page's element nesting, by one linear pass over
/// the text: start tags minus end tags, void elements, comments, scripts
/// and styles left out. Only a guard against hostile pages; the page
/// itself is read by html5ever.
pub fn nesting_estimate(text: &str) -> usize {
    const VOID: [&str; 14] = [
        "br", "img", "meta", "link", "input", "hr", "col", "area", "base", "wbr", "source",
        "param", "embed", "track",
    ];
    let bytes = text.as_bytes();
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while let Some(off) = bytes
        .get(i..)
        .and_then(|b| b.iter().position(|&c| c == b'<'))
    {
        i += off + 1;
        let rest = &bytes[i..];
        if rest.starts_with(b"!--") {
            i += find_ignoring_case(rest, b"-->").map_or(rest.len(), |e| e + 3);
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name: Vec<u8> = rest[usize::from(closing)..]
            .iter()
            .take(16)
            .take_while(|c| c.is_ascii_alphanumeric())
            .map(u8::to_ascii_lowercase)
            .collect();
        if name.is_empty() {
            continue;
        }
        // The tag's end, looked for up to the next `<` (stray `<`s must not
        // make this quadratic).
        let end = match rest.iter().position(|&c| c == b'>' || c == b'<') {
            Some(e) if rest[e] == b'>' => e,
            _ => 0,
        };
        let self_closing = end > 0 && rest.get(end - 1) == Some(&b'/');
        if closing {
            depth = depth.saturating_sub(1);
        } else if !self_closing && !VOID.iter().any(|v| v.as_bytes() == name.as_slice()) {
            depth += 1;
            deepest = deepest.max(depth);
            if name == b"script" || name == b"style" {
                let close = [b"</".as_slice(), &name].concat();
                i += find_ignoring_case(rest, &close).unwrap_or(rest.len());
                continue;
            }
        }
        i += end;
    }
    deepest
}

/// Where `needle` (lower case) starts in `hay`, ASCII case ignored.
fn find_ignoring_case(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// Reads an HTML page (already normalised, N1).
pub fn parse(text: &str) -> Document {
    let html = Html::parse_document(text);
    let mut walker = Walker::default();
    walker.walk(html.root_element());
    let content = walker.content_range();
    Document {
        html: true,
        content,
        blocks: walker.blocks,
        page_titles: page_titles(&html),
        published: meta(&html, "PubDate"),
    }
}

/// `<meta name="ArticleTitle">` and `<title>`, the titles a page declares.
fn page_titles(html: &Html) -> Vec<String> {
    let mut out: Vec<String> = meta(html, "ArticleTitle").into_iter().collect();
    if let Ok(sel) = Selector::parse("title") {
        out.extend(
            html.select(&sel)
                .map(|t| collapse_spaces(&t.text().collect::<String>()))
                .filter(|t| !t.is_empty()),
        );
    }
    out
}

fn meta(html: &Html, name: &str) -> Option<String> {
    let sel = Selector::parse("meta").ok()?;
    html.select(&sel)
        .find(|m| m.attr("name").is_some_and(|n| n.eq_ignore_ascii_case(name)))
        .and_then(|m| m.attr("content"))
        .map(collapse_spaces)
        .filter(|c| !c.is_empty())
}

enum Step<'a> {
    Enter(ElementRef<'a>),
    Text(&'a str),
    Leave { block: bool, id: usize },
}

/// Walks the tree without recursion (hostile pages may nest deeply).
#[derive(Default)]
struct Walker {
    blocks: Vec<Block>,
    /// The element each block came from (an index into `parents`).
    block_elements: Vec<usize>,
    /// Parent of each element seen, by the order elements were entered
    /// (document order, so an element's subtree is a range of indexes).
    parents: Vec<usize>,
    /// Last index inside each element's subtree.
    subtree_end: Vec<usize>,
    /// Elements currently open: (index, starts a paragraph).
    open: Vec<(usize, bool)>,
    inline: String,
    paragraphs: u32,
    tables: u32,
}

impl Walker {
    fn walk(&mut self, root: ElementRef<'_>) {
        let mut stack = vec![Step::Enter(root)];
        while let Some(step) = stack.pop() {
            match step {
                Step::Text(t) => self.inline.push_str(t),
                Step::Leave { block, id } => {
                    if block {
                        self.flush();
                    }
                    self.open.pop();
                    self.close(id);
                }
                Step::Enter(el) => self.enter(el, &mut stack),
            }
        }
        self.flush();
    }

    fn enter<'a>(&mut self, el: ElementRef<'a>, stack: &mut Vec<Step<'a>>) {
        let name = el.value().name();
        if SKIPPED.contains(&name) || is_hidden(el) {
            return;
        }
        if name == "br" {
            self.flush();
            return;
        }
        let id = self.parents.len();
        self.parents
            .push(self.open.last().map_or(usize::MAX, |&(p, _)| p));
        self.subtree_end.push(id);
        if name == "table" && is_data_table(el) {
            self.flush();
            self.open.push((id, true));
            self.data_table(el, id);
            self.open.pop();
            return;
        }
        let block = BLOCKS.contains(&name);
        if block {
            self.flush();
        }
        self.open.push((id, block));
        stack.push(Step::Leave { block, id });
        for child in el.children().rev() {
            if let Some(e) = ElementRef::wrap(child) {
                stack.push(Step::Enter(e));
            } else if let Node::Text(t) = child.value() {
                stack.push(Step::Text(t));
            }
        }
    }

    /// Records where an element's subtree ends.
    fn close(&mut self, id: usize) {
        let last = self.parents.len().saturating_sub(1);
        if let Some(end) = self.subtree_end.get_mut(id) {
            *end = last;
        }
    }

    /// Ends the current paragraph.
    fn flush(&mut self) {
        let text = collapse_spaces(&self.inline);
        self.inline.clear();
        if text.is_empty() {
            return;
        }
        self.paragraphs += 1;
        let element = self
            .open
            .iter()
            .rev()
            .find(|(_, block)| *block)
            .map_or(usize::MAX, |&(id, _)| id);
        self.push(BlockKind::Text(text), Loc::Para(self.paragraphs), element);
    }

    fn push(&mut self, kind: BlockKind, loc: Loc, element: usize) {
        self.blocks.push(Block { kind, loc });
        self.block_elements.push(element);
    }

    fn data_table(&mut self, table: ElementRef<'_>, id: usize) {
        self.tables += 1;
        let rows = table
            .descendent_elements()
            .filter(|e| e.value().name() == "tr");
        for (index, tr) in rows.enumerate() {
            let row = u32::try_from(index + 1).unwrap_or(u32::MAX);
            let cells: Vec<String> = tr
                .child_elements()
                .filter(|c| matches!(c.value().name(), "td" | "th"))
                .filter(|c| !is_hidden(*c) && !is_placeholder(*c))
                .map(cell_text)
                .collect();
            if cells.iter().all(|c| c.is_empty()) {
                continue;
            }
            let loc = Loc::Row {
                table: self.tables,
                row,
            };
            self.push(BlockKind::Row(cells), loc, id);
        }
    }

    /// The blocks of the report itself: the smallest element holding every
    /// section heading and every table row, as a range of blocks. (In
    /// document order, the common ancestor of the first and the last of them
    /// holds all of them.)
    fn content_range(&self) -> std::ops::Range<usize> {
        let all = 0..self.blocks.len();
        let is_key = |b: &Block| b.is_row() || super::layout::heading_number(&b.text()).is_some();
        let first = self.blocks.iter().position(is_key);
        let last = self.blocks.iter().rposition(is_key);
        let (Some(first), Some(last)) = (first, last) else {
            return all;
        };
        let container = self.common_ancestor(self.block_elements[first], self.block_elements[last]);
        if container == usize::MAX {
            return all;
        }
        let inside = |i: usize| self.is_within(self.block_elements[i], container);
        let start = (0..first)
            .rev()
            .take_while(|&i| inside(i))
            .last()
            .unwrap_or(first);
        let end = (last + 1..self.blocks.len())
            .take_while(|&i| inside(i))
            .last()
            .unwrap_or(last);
        start..end + 1
    }

    /// The innermost element holding both (`usize::MAX`: none).
    fn common_ancestor(&self, a: usize, b: usize) -> usize {
        let mut id = a;
        while id != usize::MAX {
            if self.is_within(b, id) {
                return id;
            }
            id = self.parents.get(id).copied().unwrap_or(usize::MAX);
        }
        usize::MAX
    }

    fn is_within(&self, id: usize, container: usize) -> bool {
        self.subtree_end
            .get(container)
            .is_some_and(|&end| container <= id && id <= end)
    }
}

/// `display:none` and Word's `mso-hide:all`.
fn is_hidden(el: ElementRef<'_>) -> bool {
    el.attr("style").is_some_and(|s| {
        let s: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        s.contains("display:none") || s.contains("mso-hide:all")
    }) || el.attr("hidden").is_some()
}

/// Word's filler cells at the end of uneven rows (`mso-cell-special:placeholder`).
fn is_placeholder(el: ElementRef<'_>) -> bool {
    el.attr("style").is_some_and(|s| {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase()
            .contains("mso-cell-special:placeholder")
    })
}

/// A table of data: no table inside it, and some row with two cells or more.
fn is_data_table(table: ElementRef<'_>) -> bool {
    let mut widest = 0;
    for e in table.descendent_elements().skip(1) {
        match e.value().name() {
            "table" => return false,
            "tr" => {
                let cells = e
                    .child_elements()
                    .filter(|c| matches!(c.value().name(), "td" | "th"))
                    .count();
                widest = widest.max(cells);
            }
            _ => {}
        }
    }
    widest >= 2
}

/// The text of a cell: `<br>` and paragraphs inside it become spaces, then
/// spaces collapse (and vanish between Chinese characters).
fn cell_text(cell: ElementRef<'_>) -> String {
    let mut out = String::new();
    for node in cell.descendants() {
        match node.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) if matches!(e.name(), "br" | "p" | "div" | "li") => out.push(' '),
            _ => {}
        }
    }
    collapse_spaces(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(doc: &Document) -> Vec<String> {
        doc.blocks.iter().map(Block::text).collect()
    }

    #[test]
    fn reads_paragraphs_and_rows_of_word_markup() {
        let page = r#"<html><head><title>t</title><style>p{}</style></head><body>
            <p class=MsoNormal><b><span>一、总体情况</span></b><o:p></o:p></p>
            <p>我局认真
            贯彻落实。</p>
            <table border=1><tr><td rowspan=2><span>（三）不予</span><span>公开</span></td>
            <td>1.属于国家秘密</td><td>0</td><td>&nbsp;</td></tr>
            <tr><td>2.其他法律行政<br>法规禁止公开</td><td>1</td><td>/</td></tr></table>
            </body></html>"#;
        let doc = parse(page);
        assert_eq!(doc.blocks[0].kind, BlockKind::Text("一、总体情况".into()));
        assert_eq!(
            doc.blocks[1].kind,
            BlockKind::Text("我局认真贯彻落实。".into())
        );
        assert_eq!(
            doc.blocks[2].kind,
            BlockKind::Row(vec![
                "（三）不予公开".into(),
                "1.属于国家秘密".into(),
                "0".into(),
                "".into()
            ])
        );
        assert_eq!(doc.blocks[3].loc, Loc::Row { table: 1, row: 2 });
        assert_eq!(texts(&doc)[3], "2.其他法律行政法规禁止公开 1 /");
        assert_eq!(doc.page_titles, vec!["t".to_string()]);
    }

    #[test]
    fn estimates_nesting_without_counting_void_elements_comments_or_scripts() {
        let page = "<html><body><div><p>a<br>b</p><!-- <div><div> --><script>if (a<b) x = '<div>';</script></div></body></html>";
        assert_eq!(nesting_estimate(page), 4);
        assert_eq!(nesting_estimate(&"<div>".repeat(5000)), 5000);
    }

    #[test]
    fn layout_tables_are_read_as_paragraphs() {
        let page = "<table><tr><td><p>二、主动公开政府信息情况</p>\
            <table><tr><td>规章</td><td>0</td></tr></table></td></tr></table>";
        let doc = parse(page);
        assert_eq!(texts(&doc), vec!["二、主动公开政府信息情况", "规章 0"]);
        assert!(doc.blocks[1].is_row());
    }

    #[test]
    fn keeps_to_the_element_holding_the_report() {
        let page = "<div>首页 > 政务公开</div><div id=a><p>一、总体情况</p><p>正文</p>\
            <p>六、其他需要报告的事项</p><p>无</p></div><div>网站标识码 123</div>";
        let doc = parse(page);
        let content: Vec<String> = texts(&doc)[doc.content.clone()].to_vec();
        assert_eq!(
            content,
            vec!["一、总体情况", "正文", "六、其他需要报告的事项", "无"]
        );
    }
}
