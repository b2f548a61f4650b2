//! The six sections of a report in the source: where each heading is (N6),
//! and which blocks belong to which section.

use super::doc::{BlockKind, Document};
use crate::report::narrative::section_number;
use std::ops::Range;

/// The official section a heading names, recognising the aliases of N6
/// (`四、因政府信息公开工作被申请行政复议和提起行政诉讼情况`, `其他事项`, …)
/// and a unit note after it (`…情况（单位：件）`).
pub fn heading_number(text: &str) -> Option<usize> {
    let t = text.trim();
    if t.is_empty() || t.chars().count() > 60 {
        return None;
    }
    // `一 总体情况`: the number set off by a space instead of `、`.
    let mut chars = t.chars();
    if let (Some(n), Some(space)) = (chars.next(), chars.next())
        && "一二三四五六".contains(n)
        && space.is_whitespace()
    {
        return section_number(&format!("{n}、{}", chars.as_str().trim()));
    }
    section_number(t).or_else(|| {
        let core = t.strip_suffix(['）', ')'])?;
        let open = core.rfind(['（', '('])?;
        section_number(&core[..open])
    })
}

/// A section heading found in the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    /// 1–6.
    pub number: usize,
    /// First block of the heading.
    pub block: usize,
    /// Blocks the heading takes (a PDF may break a long heading over two lines).
    pub blocks: usize,
}

/// The report's sections as block ranges.
#[derive(Clone, Debug, Default)]
pub struct Sections {
    /// The headings found, in order.
    pub headings: Vec<Heading>,
    /// Blocks before the first heading.
    pub preamble: Range<usize>,
    /// Blocks of each section (index 0 = section 一), after its heading.
    pub bodies: [Option<Range<usize>>; 6],
}

impl Sections {
    /// Finds the headings in the report's blocks. Headings only go forward
    /// (一 before 二 …), so a table row such as `四、结转下年度继续办理` or a
    /// repeated heading cannot start a section twice.
    pub fn find(doc: &Document) -> Sections {
        let mut headings: Vec<Heading> = Vec::new();
        let mut i = doc.content.start;
        while i < doc.content.end {
            let last = headings.last().map_or(0, |h| h.number);
            match heading_at(doc, i) {
                Some((number, blocks)) if number > last => {
                    headings.push(Heading {
                        number,
                        block: i,
                        blocks,
                    });
                    i += blocks;
                }
                _ => i += 1,
            }
        }
        let mut bodies: [Option<Range<usize>>; 6] = Default::default();
        for (k, h) in headings.iter().enumerate() {
            let end = headings.get(k + 1).map_or(doc.content.end, |n| n.block);
            bodies[h.number - 1] = Some(h.block + h.blocks..end);
        }
        let preamble = doc.content.start..headings.first().map_or(doc.content.end, |h| h.block);
        Sections {
            headings,
            preamble,
            bodies,
        }
    }

    /// Block index where section `n` (1–6) starts, its heading included.
    pub fn start_of(&self, n: usize) -> Option<usize> {
        self.headings
            .iter()
            .find(|h| h.number == n)
            .map(|h| h.block)
    }
}

/// A heading at block `i`: its number and how many blocks it takes.
fn heading_at(doc: &Document, i: usize) -> Option<(usize, usize)> {
    let block = doc.blocks.get(i)?;
    let text = match &block.kind {
        BlockKind::Text(t) => t.trim().to_string(),
        // A heading printed as a row of the table that follows it.
        BlockKind::Row(cells) => {
            let mut filled = cells.iter().filter(|c| !c.trim().is_empty());
            match (filled.next(), filled.next()) {
                (Some(only), None) => only.trim().to_string(),
                _ => return None,
            }
        }
    };
    if let Some(n) = heading_number(&text) {
        return Some((n, 1));
    }
    // `四、政府信息公开行政复议、行政诉讼情` + `况` on the next line.
    let numbered = ["一", "二", "三", "四", "五", "六"]
        .iter()
        .any(|n| text.starts_with(&format!("{n}、")));
    if doc.html || !numbered || text.chars().count() > 40 {
        return None;
    }
    let next = doc.blocks.get(i + 1).filter(|_| i + 1 < doc.content.end)?;
    let BlockKind::Text(next_text) = &next.kind else {
        return None;
    };
    heading_number(&format!("{text}{}", next_text.trim())).map(|n| (n, 2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::text;

    #[test]
    fn finds_headings_in_order_and_skips_table_labels() {
        let doc = text::parse(
            "前言\n一、总体情况\n正文\n三、收到和处理政府信息公开申请情况\n三、本年度办理\n结果\n\
             四、结转下年度继续办理 0 0\n四、政府信息公开行政复议、行政诉讼\n情况\n其他事项\n无",
        );
        let s = Sections::find(&doc);
        let found: Vec<(usize, usize)> = s.headings.iter().map(|h| (h.number, h.blocks)).collect();
        assert_eq!(found, vec![(1, 1), (3, 1), (4, 2), (6, 1)]);
        assert_eq!(s.preamble, 0..1);
        assert_eq!(s.bodies[2], Some(4..7));
    }

    #[test]
    fn accepts_aliases_and_unit_notes() {
        assert_eq!(heading_number("五、存在的主要问题和改进措施"), Some(5));
        assert_eq!(
            heading_number("四、政府信息公开行政复议、行政诉讼情况（单位：件）"),
            Some(4)
        );
        assert_eq!(heading_number("四、结转下年度继续办理"), None);
        assert_eq!(heading_number("一 总体情况"), Some(1));
        assert_eq!(heading_number("三 本年度办理结果"), None);
    }
}
