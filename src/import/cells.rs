//! One published table cell → a cell of the report file (rules N3, N4).
//!
//! A cell is kept as published: blank stays blank (`~`), "/" stays "/", a
//! number with a note keeps both (`22（其中修订16件）`, `251000元`). Text that is
//! not a cell at all (a row label) is told apart, so that a table read from
//! plain text can find where the numbers of a row begin.

use super::normalize::collapse_spaces;
use crate::report::num::Num;

/// What a published cell holds.
#[derive(Clone, Debug, PartialEq)]
pub enum CellValue {
    /// Empty, `-`, `—` or `&nbsp;`: written `~`.
    Blank,
    /// `/`: not applicable, written `"/"`.
    NotApplicable,
    /// A number, with the note printed beside it (`其中修订16件`, `元`).
    Number(Num, Option<String>),
    /// Something in a cell's place that is not a number (`无`, `012`, `5%`):
    /// never guessed, reported with its text.
    Unreadable(String),
}

impl CellValue {
    /// True for a cell that shows something (not an empty HTML cell).
    pub fn is_blank(&self) -> bool {
        matches!(self, CellValue::Blank)
    }
}

/// Marks a published table uses for an empty cell.
const BLANK_MARKS: [&str; 8] = ["-", "--", "—", "——", "－", "–", "&nbsp;", "\u{3000}"];
/// Marks for "not applicable".
const NOT_APPLICABLE_MARKS: [&str; 2] = ["/", "／"];
/// Words written in a cell instead of a number: kept in place, reported.
const WORDS_IN_CELLS: [&str; 6] = ["无", "空", "暂无", "不适用", "没有", "零"];
/// Units printed after a number inside a cell.
const UNITS: [&str; 12] = [
    "万元", "元", "件", "项", "个", "条", "次", "宗", "份", "人次", "人", "家",
];

/// Reads a cell's text. `None` when the text is not a cell value but a
/// label (it starts with a word, or a number runs into a word: `1.属于国家秘密`).
pub fn parse_cell(raw: &str) -> Option<CellValue> {
    let text = collapse_spaces(raw);
    let t = text.trim();
    if t.is_empty() || BLANK_MARKS.contains(&t) {
        return Some(CellValue::Blank);
    }
    if NOT_APPLICABLE_MARKS.contains(&t) {
        return Some(CellValue::NotApplicable);
    }
    if WORDS_IN_CELLS.contains(&t) {
        return Some(CellValue::Unreadable(t.to_string()));
    }
    let (number, rest) = split_number(t)?;
    let rest = rest.trim();
    let note = if rest.is_empty() {
        None
    } else if let Some(inner) = bracketed(rest) {
        Some(inner)
    } else if UNITS.iter().any(|u| {
        rest.strip_prefix(u)
            .is_some_and(|after| after.is_empty() || bracketed(after.trim()).is_some())
    }) {
        Some(rest.to_string())
    } else if rest == "%" || rest == "％" {
        return Some(CellValue::Unreadable(t.to_string()));
    } else {
        return None;
    };
    Some(match Num::parse(&number) {
        Ok(n) => CellValue::Number(n, note.filter(|n| !n.is_empty())),
        Err(_) => CellValue::Unreadable(t.to_string()),
    })
}

/// Splits `+1,234.5（注）` into the plain number `+1234.5` and the rest.
/// `None` when the text does not start with a number.
fn split_number(t: &str) -> Option<(String, &str)> {
    let mut number = String::new();
    let mut end = 0;
    let mut digits = 0;
    let mut seen_point = false;
    let chars: Vec<(usize, char)> = t.char_indices().collect();
    let mut i = 0;
    if let Some(&(_, c)) = chars.first()
        && matches!(c, '+' | '-' | '＋' | '－' | '−')
    {
        number.push(if matches!(c, '+' | '＋') { '+' } else { '-' });
        i = 1;
    }
    while let Some(&(at, c)) = chars.get(i) {
        let next_is_digit = chars
            .get(i + 1)
            .is_some_and(|&(_, n)| ascii_digit(n).is_some());
        if let Some(d) = ascii_digit(c) {
            number.push(d);
            digits += 1;
        } else if matches!(c, '.' | '．') && !seen_point && digits > 0 && next_is_digit {
            number.push('.');
            seen_point = true;
        } else if c == ',' && digits > 0 && !seen_point && is_thousands_group(&chars[i..]) {
            // 251,000: grouping commas are not part of the number.
        } else {
            end = at;
            break;
        }
        i += 1;
        end = at + c.len_utf8();
    }
    (digits > 0).then(|| (number, &t[end..]))
}

/// `,000` followed by a non-digit: a thousands separator.
fn is_thousands_group(rest: &[(usize, char)]) -> bool {
    let group: Vec<char> = rest.iter().skip(1).take(4).map(|&(_, c)| c).collect();
    group.len() >= 3
        && group[..3].iter().all(|c| c.is_ascii_digit())
        && group.get(3).is_none_or(|c| !c.is_ascii_digit())
}

fn ascii_digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
        _ => None,
    }
}

/// The inside of `（…）` or `(…)` when the whole text is one bracket group.
fn bracketed(t: &str) -> Option<String> {
    let inner = t.strip_prefix(['（', '('])?.strip_suffix(['）', ')'])?;
    if inner.contains(['（', '(', '）', ')']) {
        return None;
    }
    Some(collapse_note(inner))
}

/// A note as it reads: spaces next to Chinese characters (PDF artefacts) removed.
fn collapse_note(s: &str) -> String {
    let collapsed = collapse_spaces(s);
    let chars: Vec<char> = collapsed.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = i.checked_sub(1).and_then(|p| chars.get(p));
            let next = chars.get(i + 1);
            let cjk_side = prev.is_some_and(|&p| super::normalize::is_wide(p))
                || next.is_some_and(|&n| super::normalize::is_wide(n));
            if cjk_side {
                continue;
            }
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(n: &str, note: Option<&str>) -> Option<CellValue> {
        Some(CellValue::Number(
            Num::parse(n).unwrap(),
            note.map(String::from),
        ))
    }

    #[test]
    fn keeps_blank_not_applicable_and_zero_apart() {
        for blank in ["", " ", "\u{a0}", "-", "—", "&nbsp;"] {
            assert_eq!(parse_cell(blank), Some(CellValue::Blank), "{blank:?}");
        }
        assert_eq!(parse_cell("/"), Some(CellValue::NotApplicable));
        assert_eq!(parse_cell("0"), num("0", None));
    }

    #[test]
    fn keeps_the_number_and_its_note() {
        assert_eq!(
            parse_cell("22（其中修订16件）"),
            num("22", Some("其中修订16件"))
        );
        assert_eq!(
            parse_cell("22（其中修订 16 件）"),
            num("22", Some("其中修订16件"))
        );
        assert_eq!(
            parse_cell("55 (含自然失效29件)"),
            num("55", Some("含自然失效29件"))
        );
        assert_eq!(parse_cell("+19"), num("19", None));
        assert_eq!(parse_cell("-8"), num("-8", None));
        assert_eq!(parse_cell("251000元"), num("251000", Some("元")));
        assert_eq!(parse_cell("251,000元"), num("251000", Some("元")));
        assert_eq!(parse_cell("0.0350"), num("0.0350", None));
        assert_eq!(parse_cell("１２"), num("12", None));
    }

    #[test]
    fn tells_labels_from_cells() {
        for label in [
            "1.属于国家秘密",
            "2、重复申请",
            "规章",
            "2021年",
            "4位小数）",
            "第二十条",
        ] {
            assert_eq!(parse_cell(label), None, "{label}");
        }
    }

    #[test]
    fn reports_words_and_odd_numbers_in_a_cells_place() {
        assert_eq!(parse_cell("无"), Some(CellValue::Unreadable("无".into())));
        assert_eq!(parse_cell("012"), Some(CellValue::Unreadable("012".into())));
    }
}
