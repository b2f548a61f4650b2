//! Metadata of an imported report: agency and year from the title, the
//! format from the table labels (N5), the publication date a page declares.

use super::doc::{BlockKind, Document};
use super::normalize::label_key;
use crate::report::Date;
use crate::report::schema::{ART20_9, Format};

/// The report's title as found in the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Title {
    /// The title text (`西工区司法局2021年政府信息公开工作年度报告`).
    pub text: String,
    /// Blocks holding it (empty when it came from the page's `<title>`).
    pub blocks: Vec<usize>,
    /// The agency the title names (`西工区司法局`).
    pub agency: Option<String>,
    /// The year the title names.
    pub year: Option<i64>,
}

/// Finds the title: a short line naming a 政府信息公开 年度报告 with a year,
/// possibly broken over two lines, or with the agency on the line above.
/// On a page, the title the page declares (`ArticleTitle`) comes first, then
/// the nearest title above the report (not a list of other years' reports
/// in a side bar), then one inside it, then `<title>`.
pub fn find_title(doc: &Document) -> Option<Title> {
    if !doc.html {
        return title_in_blocks(doc, 0..doc.blocks.len());
    }
    let candidates = [
        doc.page_titles
            .first()
            .and_then(|t| title_from(t, Vec::new())),
        (0..doc.content.start)
            .rev()
            .find_map(|i| title_in_blocks(doc, i..i + 1)),
        title_in_blocks(doc, doc.content.clone()),
        doc.page_titles.iter().find_map(|t| page_title(t)),
    ];
    // The first title naming the agency; else the first at all, with the
    // agency another one names for the same year.
    let mut found = candidates.iter().flatten();
    if let Some(full) = found.clone().find(|t| t.agency.is_some()) {
        let first = found.next().filter(|t| t.year == full.year);
        return Some(first.map_or_else(
            || full.clone(),
            |f| Title {
                agency: full.agency.clone(),
                ..f.clone()
            },
        ));
    }
    found.next().cloned()
}

/// `标题_网站名`, `标题 - 网站名`: the part that is a title.
fn page_title(page_title: &str) -> Option<Title> {
    page_title
        .split(['_', '|', '｜', '—', '–'])
        .chain(page_title.split(" - "))
        .find_map(|part| title_from(part.trim(), Vec::new()))
}

/// The first title starting in `range`.
fn title_in_blocks(doc: &Document, range: std::ops::Range<usize>) -> Option<Title> {
    for i in range {
        let Some(text) = block_text(doc, i) else {
            continue;
        };
        if let Some(t) = title_from(&text, vec![i]) {
            return Some(with_agency_above(doc, t));
        }
        if let Some(next) = block_text(doc, i + 1)
            && text.chars().count() <= 40
            && super::layout::heading_number(&text).is_none()
            && title_from(&next, Vec::new()).is_none()
            && let Some(t) = title_from(&format!("{text}{next}"), vec![i, i + 1])
        {
            return Some(with_agency_above(doc, t));
        }
    }
    None
}

fn block_text(doc: &Document, i: usize) -> Option<String> {
    match &doc.blocks.get(i)?.kind {
        BlockKind::Text(t) => Some(t.trim().to_string()),
        BlockKind::Row(_) => None,
    }
}

/// A title when `text` is one.
fn title_from(text: &str, blocks: Vec<usize>) -> Option<Title> {
    // `《…报告》`: a title printed in book-title marks.
    let text = text.trim();
    let text = text
        .strip_prefix('《')
        .and_then(|t| t.strip_suffix('》'))
        .unwrap_or(text);
    let key = arabic_years(&label_key(text));
    let is_title = key.contains("信息公开")
        && key.contains("报告")
        && key.chars().count() <= 70
        && !key.contains(['。', '，', '；', '：']);
    if !is_title {
        return None;
    }
    let (year, year_span) = year_in(&key)?;
    Some(Title {
        text: text.trim().to_string(),
        blocks,
        agency: agency_in(&key, year_span),
        year: Some(year),
    })
}

/// `二〇二一年` → `2021年` (titles write the year in Chinese numerals too).
fn arabic_years(key: &str) -> String {
    let digit = |c: char| match c {
        '〇' | '零' => Some('0'),
        '一' => Some('1'),
        '二' => Some('2'),
        '三' => Some('3'),
        '四' => Some('4'),
        '五' => Some('5'),
        '六' => Some('6'),
        '七' => Some('7'),
        '八' => Some('8'),
        '九' => Some('9'),
        _ => None,
    };
    let chars: Vec<char> = key.chars().collect();
    let mut out = String::with_capacity(key.len());
    let mut i = 0;
    while i < chars.len() {
        let run: Option<String> = chars
            .get(i..i + 4)
            .and_then(|w| w.iter().map(|&c| digit(c)).collect());
        let before_ok = i == 0 || digit(chars[i - 1]).is_none();
        match run {
            Some(year) if before_ok && chars.get(i + 4) == Some(&'年') && year.starts_with('2') => {
                out.push_str(&year);
                i += 4;
            }
            _ => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    out
}

/// The first `20xx年` in the text, with its byte span (including `年` and `度`).
fn year_in(key: &str) -> Option<(i64, std::ops::Range<usize>)> {
    let bytes = key.as_bytes();
    (0..bytes.len().saturating_sub(3)).find_map(|i| {
        let digits = bytes.get(i..i + 4)?;
        let before_ok = i == 0 || !bytes[i - 1].is_ascii_digit();
        if !before_ok || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let rest = key.get(i + 4..)?;
        let after = rest.strip_prefix('年')?;
        let end = i
            + 4
            + '年'.len_utf8()
            + if after.starts_with('度') {
                '度'.len_utf8()
            } else {
                0
            };
        let year: i64 = key.get(i..i + 4)?.parse().ok()?;
        (2000..=2100).contains(&year).then_some((year, i..end))
    })
}

/// Words a title puts after the agency's name, taken off its end in turn:
/// `关于…政府信息公开工作的年度报告`.
const TITLE_WORDS: [&str; 8] = [
    "年度报告",
    "工作报告",
    "报告",
    "的",
    "工作",
    "政府信息公开",
    "信息公开",
    "关于",
];

/// The agency: the title without its year, its notes and its
/// `政府信息公开工作年度报告`.
fn agency_in(key: &str, year: std::ops::Range<usize>) -> Option<String> {
    let without_year = format!("{}{}", key.get(..year.start)?, key.get(year.end..)?);
    let no_year = without_year.replace("（）", "");
    // A note after the title (`（更正版）`) goes; one inside the name stays.
    let mut name = strip_trailing_note(&no_year);
    while let Some(shorter) = TITLE_WORDS.iter().find_map(|w| name.strip_suffix(w)) {
        name = shorter;
    }
    // `关于某局2021年…报告`: "about" is not part of the name.
    let name = name.strip_prefix("关于").unwrap_or(name);
    valid_agency(name).then(|| name.to_string())
}

/// `…报告（更正版）` → `…报告`.
fn strip_trailing_note(s: &str) -> &str {
    match s
        .strip_suffix('）')
        .and_then(|c| c.rfind('（').map(|i| &c[..i]))
    {
        Some(core) => core,
        None => s,
    }
}

/// A name that can be an agency and a folder name: one the checker accepts
/// (`report::names::problem`, the FM5 rule), so that an imported file reads back.
pub fn valid_agency(name: &str) -> bool {
    let n = name.trim();
    !n.is_empty()
        && n.chars().count() <= 40
        && !n.starts_with('.')
        && crate::report::names::problem(n, true).is_none()
        && n.chars().any(super::normalize::is_wide)
}

/// Agency endings of a name printed on its own line above the title.
const AGENCY_ENDINGS: [&str; 20] = [
    "局",
    "委",
    "办",
    "院",
    "府",
    "室",
    "会",
    "处",
    "所",
    "中心",
    "街道",
    "镇",
    "乡",
    "厅",
    "部",
    "署",
    "站",
    "队",
    "馆",
    "委员会",
];

/// `西工区司法局` on the line above `2021年政府信息公开工作年度报告`.
fn with_agency_above(doc: &Document, mut title: Title) -> Title {
    if title.agency.is_some() {
        return title;
    }
    let Some(&first) = title.blocks.first() else {
        return title;
    };
    let above = first.checked_sub(1).and_then(|i| block_text(doc, i));
    if let Some(name) = above
        && valid_agency(&name)
        && AGENCY_ENDINGS.iter().any(|e| name.ends_with(e))
        && !name.contains(['。', '，', '：'])
    {
        title.agency = Some(label_key(&name));
        title.blocks.insert(0, first - 1);
    }
    title
}

/// The year a report states for its statistical period
/// (`统计期限自2021年1月1日起至2021年12月31日止`), when the title has none.
pub fn year_of_period(doc: &Document) -> Option<i64> {
    doc.blocks.iter().find_map(|b| {
        let key = label_key(&b.text());
        let at = key.find("1月1日")?;
        let (year, _) = year_in(key.get(at.saturating_sub(7)..)?)?;
        key.contains(&format!("{year}年12月31日")).then_some(year)
    })
}

/// The format the table labels say (N5): `本年制发件数` ⇒ 2021; `本年新制作数量`
/// or `第二十条第（九）项` ⇒ 2019; failing those, the rows of table 三.
/// `None` when the labels say nothing, or say both.
pub fn format_from_labels(doc: &Document) -> Option<Format> {
    let key: String = doc.blocks[doc.content.clone()]
        .iter()
        .map(|b| label_key(&b.text()))
        .collect();
    let has = |words: &[&str]| words.iter().any(|w| key.contains(&label_key(w)));
    let t2_2021 = has(&["本年制发件数", "本年废止件数", "现行有效件数"]);
    let t2_2019 = has(&[
        "本年新制作数量",
        "本年新公开数量",
        "对外公开总数量",
        ART20_9,
    ]);
    match (t2_2021, t2_2019) {
        (true, false) => return Some(Format::V2021),
        (false, true) => return Some(Format::V2019),
        (true, true) => return None,
        (false, false) => {}
    }
    has(&["逾期不补正", "逾期未按收费通知"]).then_some(Format::V2021)
}

/// `2022-01-20 10:30` (a page's `PubDate`) → the date.
pub fn published(doc: &Document) -> Option<Date> {
    let text = doc.published.as_deref()?;
    Date::parse(text.get(..10)?)
}

/// The page's date as the report's `published`, when it comes after the
/// report's year: a report is published once its year is over, and an
/// earlier date (the page's creation date in some CMSs, or a copied page)
/// would only make the checker's FM5 warning. Such a date is left out with
/// a note saying so.
pub fn published_after(doc: &Document, year: i64) -> (Option<Date>, Option<String>) {
    match published(doc) {
        Some(d) if i64::from(d.year) <= year => (
            None,
            Some(format!(
                "网页标注的发布日期 {}-{:02}-{:02} 在 {year} 年度结束之前，不像是这份年度报告的发布日期，没有写入 published（请按实际发布日期补上）",
                d.year, d.month, d.day
            )),
        ),
        d => (d, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::text;

    fn title(t: &str) -> Option<(Option<String>, Option<i64>)> {
        find_title(&text::parse(t)).map(|t| (t.agency, t.year))
    }

    fn found(agency: &str, year: i64) -> Option<(Option<String>, Option<i64>)> {
        Some((Some(agency.to_string()), Some(year)))
    }

    #[test]
    fn reads_agency_and_year_from_common_titles() {
        assert_eq!(
            title("西工区司法局2021年政府信息公开工作年度报告"),
            found("西工区司法局", 2021)
        );
        assert_eq!(
            title("2020年度某某镇人民政府政府信息公开工作年度报告"),
            found("某某镇人民政府", 2020)
        );
        assert_eq!(
            title("某某局关于2019年度政府信息公开工作的年度报告"),
            found("某某局", 2019)
        );
        assert_eq!(
            title("某某局2022年政府信息公开\n工作年度报告"),
            found("某某局", 2022)
        );
        assert_eq!(
            title("某某区统计局\n2023年政府信息公开工作年度报告"),
            found("某某区统计局", 2023)
        );
        assert_eq!(
            title("某某街道办事处二〇二一年度政府信息公开工作年度报告"),
            found("某某街道办事处", 2021)
        );
        assert_eq!(
            title("某某局二零二二年政府信息公开工作年度报告"),
            found("某某局", 2022)
        );
        assert_eq!(
            title("《某某区测试局2021年政府信息公开工作年度报告》"),
            found("某某区测试局", 2021)
        );
        assert_eq!(
            title("关于某某区测试局2021年政府信息公开工作年度报告"),
            found("某某区测试局", 2021)
        );
    }

    /// Found by fuzzing: import wrote `agency: "#洛阳市…"`, which its own
    /// checker refuses (FM5). A name the checker refuses is no agency.
    #[test]
    fn a_name_the_checker_refuses_is_not_taken_as_the_agency() {
        for t in [
            "#西工区司法局2021年政府信息公开工作年度报告",
            "西工区司法局%2021年政府信息公开工作年度报告",
            "西工区`司法局2021年政府信息公开工作年度报告",
        ] {
            let agency = title(t).and_then(|(agency, _)| agency);
            assert_eq!(agency, None, "{t}");
        }
        assert!(!valid_agency("#洛阳市瀍河回族区住房和城乡建设局"));
        assert!(valid_agency("洛阳市瀍河回族区住房和城乡建设局"));
    }

    #[test]
    fn reads_titles_with_the_year_in_a_note_or_a_letter_form() {
        assert_eq!(
            title("某某局政府信息公开工作年度报告（2021年度）"),
            found("某某局", 2021)
        );
        assert_eq!(
            title("某某局关于2019年度政府信息公开工作的报告"),
            found("某某局", 2019)
        );
        assert_eq!(
            title("某某局2021年度信息公开工作年度报告（更正版）"),
            found("某某局", 2021)
        );
        assert_eq!(
            title("2021年政府信息公开工作年度报告"),
            Some((None, Some(2021)))
        );
        assert_eq!(
            title("中共某某县委宣传部（县新闻办）2021年政府信息公开工作年度报告"),
            found("中共某某县委宣传部（县新闻办）", 2021)
        );
    }

    #[test]
    fn a_sentence_is_not_a_title() {
        assert_eq!(
            title("现将本局2021年政府信息公开工作年度报告公布如下。"),
            None
        );
    }

    #[test]
    fn detects_the_format_from_table_labels() {
        let f = |t: &str| format_from_labels(&text::parse(t));
        assert_eq!(f("信息内容 本年制发件数 本年废止件数"), Some(Format::V2021));
        assert_eq!(f("第二十条第(九)项"), Some(Format::V2019));
        assert_eq!(f("1.申请人无正当理由逾期不补正"), Some(Format::V2021));
        assert_eq!(f("一、总体情况"), None);
    }

    #[test]
    fn reads_the_year_of_the_statistical_period() {
        let doc = text::parse("本报告中所列数据的统计期限自2021年1月1日起至2021年12月31日止。");
        assert_eq!(year_of_period(&doc), Some(2021));
    }
}
