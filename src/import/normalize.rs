//! Text normalisation for imported reports (rule N1 of `consistency-rules.md`).
//!
//! PDF text carries Kangxi radicals (U+2F00–U+2FD5, e.g. `⼀ ⾏ ⼯`) and CJK
//! radical-supplement forms (U+2E80–U+2EFF, e.g. `⺠`) where the report has
//! ordinary ideographs. Only those characters are mapped: NFKC on the whole
//! text would also turn the report's full-width punctuation `（），：` into
//! ASCII, which must never happen.

use unicode_normalization::UnicodeNormalization;

/// CJK radical-supplement forms that stand for a whole ideograph, and the
/// ideograph. NFKC maps only two of this block (⺟, ⻳); PDF fonts emit more.
const RADICAL_SUPPLEMENT: &[(char, char)] = &[
    ('⺅', '亻'),
    ('⺉', '刂'),
    ('⺊', '卜'),
    ('⺒', '巳'),
    ('⺓', '幺'),
    ('⺖', '忄'),
    ('⺘', '扌'),
    ('⺙', '攵'),
    ('⺛', '旡'),
    ('⺜', '日'),
    ('⺝', '月'),
    ('⺞', '歺'),
    ('⺟', '母'),
    ('⺠', '民'),
    ('⺡', '氵'),
    ('⺢', '氺'),
    ('⺣', '灬'),
    ('⺤', '爫'),
    ('⺥', '爫'),
    ('⺨', '犭'),
    ('⺩', '王'),
    ('⺫', '罒'),
    ('⺬', '示'),
    ('⺭', '礻'),
    ('⺰', '纟'),
    ('⺹', '耂'),
    ('⺺', '肀'),
    ('⺼', '月'),
    ('⺽', '臼'),
    ('⺾', '艹'),
    ('⺿', '艹'),
    ('⻀', '艹'),
    ('⻁', '虎'),
    ('⻂', '衤'),
    ('⻃', '覀'),
    ('⻄', '西'),
    ('⻅', '见'),
    ('⻆', '角'),
    ('⻈', '讠'),
    ('⻉', '贝'),
    ('⻋', '车'),
    ('⻌', '辶'),
    ('⻏', '阝'),
    ('⻐', '钅'),
    ('⻓', '长'),
    ('⻔', '门'),
    ('⻖', '阝'),
    ('⻘', '青'),
    ('⻙', '韦'),
    ('⻚', '页'),
    ('⻛', '风'),
    ('⻜', '飞'),
    ('⻝', '食'),
    ('⻠', '饣'),
    ('⻡', '首'),
    ('⻢', '马'),
    ('⻣', '骨'),
    ('⻤', '鬼'),
    ('⻥', '鱼'),
    ('⻦', '鸟'),
    ('⻧', '卤'),
    ('⻨', '麦'),
    ('⻩', '黄'),
    ('⻪', '黾'),
    ('⻬', '齐'),
    ('⻮', '齿'),
    ('⻰', '龙'),
    ('⻳', '龟'),
];

/// Kangxi radicals whose NFKC ideograph is the traditional form: a report in
/// simplified Chinese means the simplified one (⾨ is 门 in "政府门户网站").
const TRADITIONAL_RADICALS: &[(char, char)] = &[
    ('門', '门'),
    ('長', '长'),
    ('見', '见'),
    ('車', '车'),
    ('貝', '贝'),
    ('頁', '页'),
    ('風', '风'),
    ('飛', '飞'),
    ('馬', '马'),
    ('魚', '鱼'),
    ('鳥', '鸟'),
    ('麥', '麦'),
    ('黃', '黄'),
    ('齊', '齐'),
    ('齒', '齿'),
    ('龍', '龙'),
    ('龜', '龟'),
    ('韋', '韦'),
    ('鹵', '卤'),
    ('黽', '黾'),
];

/// Characters that carry nothing: zero-width spaces and joiners, a BOM inside the text.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

/// One character after N1: the ideograph for a Kangxi radical or a
/// radical-supplement form; `None` for invisible characters; else unchanged.
pub fn map_char(c: char) -> Option<char> {
    if is_invisible(c) {
        return None;
    }
    match c {
        '\u{2F00}'..='\u{2FD5}' => {
            let mut it = c.nfkc();
            match (it.next(), it.next()) {
                (Some(m), None) => Some(
                    TRADITIONAL_RADICALS
                        .iter()
                        .find(|(from, _)| *from == m)
                        .map_or(m, |(_, to)| *to),
                ),
                _ => Some(c),
            }
        }
        '\u{2E80}'..='\u{2EFF}' => Some(
            RADICAL_SUPPLEMENT
                .iter()
                .find(|(from, _)| *from == c)
                .map_or(c, |(_, to)| *to),
        ),
        _ => Some(c),
    }
}

/// The whole text after N1, with line ends made `\n` (CRLF and lone CR) and
/// each PDF page break (form feed) on a line of its own, which
/// `text::parse` reads as a page break and otherwise as a blank line.
pub fn normalize_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\u{000C}' => out.push_str("\n\u{000C}\n"),
            _ => out.extend(map_char(c)),
        }
    }
    out
}

/// True for characters that take two columns: CJK ideographs, kana, hangul,
/// full-width forms and CJK punctuation.
pub fn is_wide(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{115F}'
        | '\u{2E80}'..='\u{303E}'
        | '\u{3040}'..='\u{A4CF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FF60}'
        | '\u{FFE0}'..='\u{FFE6}'
        | '\u{20000}'..='\u{3FFFD}')
}

/// Width of a line in columns (a CJK character counts 2).
pub fn display_width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

/// Collapses runs of white space (including `&nbsp;` and the ideographic
/// space) to one space, drops the spaces between two wide characters (line
/// breaks of the source inside Chinese text), and trims.
pub fn collapse_spaces(s: &str) -> String {
    let mut pieces: Vec<char> = Vec::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            pending_space = !pieces.is_empty();
            continue;
        }
        if pending_space {
            let prev_wide = pieces.last().is_some_and(|&p| is_wide(p));
            if !(prev_wide && is_wide(c)) {
                pieces.push(' ');
            }
            pending_space = false;
        }
        pieces.push(c);
    }
    pieces.into_iter().collect()
}

/// The key under which labels are compared (N2): no white space, no quotes,
/// ASCII brackets and punctuation made full-width, full-width digits made
/// ASCII, and `1．` / `1、` after a digit made `1.`.
pub fn label_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_whitespace() || is_quote(c) {
            continue;
        }
        let c = match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '(' => '（',
            ')' => '）',
            ':' => '：',
            ',' => '，',
            ';' => '；',
            '／' => '/',
            _ => c,
        };
        let after_digit = out.chars().last().is_some_and(|p| p.is_ascii_digit());
        if after_digit && matches!(c, '．' | '、' | '.') {
            out.push('.');
        } else {
            out.push(c);
        }
    }
    out
}

fn is_quote(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '“' | '”' | '‘' | '’' | '「' | '」' | '『' | '』' | '＂' | '＇'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_kangxi_radicals_and_the_civilian_radical() {
        assert_eq!(
            normalize_text("《中华⼈⺠共和国政府信息公开条例》"),
            "《中华人民共和国政府信息公开条例》"
        );
        assert_eq!(normalize_text("⼀、总体情况"), "一、总体情况");
        assert_eq!(normalize_text("⾏政⼯作⻔户⻄⼯"), "行政工作门户西工");
        // Kangxi radicals whose NFKC form is traditional.
        assert_eq!(normalize_text("政府⾨户⽹站⾧期"), "政府门户网站长期");
    }

    #[test]
    fn leaves_full_width_punctuation_and_digits_alone() {
        let text = "（一）主动公开：１２件，“三安全一稳定”；①㎡　。";
        assert_eq!(normalize_text(text), text);
    }

    #[test]
    fn makes_line_ends_uniform_and_drops_invisible_characters() {
        assert_eq!(normalize_text("a\r\nb\rc\u{000C}d"), "a\nb\nc\n\u{000C}\nd");
        assert_eq!(normalize_text("政\u{200B}府"), "政府");
    }

    #[test]
    fn collapses_spaces_between_chinese_characters_only() {
        assert_eq!(collapse_spaces("  社会公益\n  组织 "), "社会公益组织");
        assert_eq!(collapse_spaces("共 5 件"), "共 5 件");
        assert_eq!(collapse_spaces("a\u{a0}\u{a0}b"), "a b");
    }

    #[test]
    fn label_keys_ignore_layout_and_bracket_width() {
        assert_eq!(
            label_key("3.危及“三安全一稳定”"),
            label_key("3．危及\"三安全 一稳定\"")
        );
        assert_eq!(label_key("第二十条第(一)项"), "第二十条第（一）项");
        assert_eq!(label_key("1、属于国家秘密"), "1.属于国家秘密");
    }

    #[test]
    fn counts_display_width() {
        assert_eq!(display_width("规章 0"), 6);
    }
}
