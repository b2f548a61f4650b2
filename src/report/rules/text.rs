//! TEXT rules X1–X7: the narrative must not contradict the tables.
//!
//! The body is cut into sentences (at 。！？；and line ends) that keep their
//! position in the `.md` file. A sentence is compared with the tables only
//! when it uses one of the standard phrasings *and* the number is counted in
//! 件 — so that 信息处理费 in 元, items posted on a WeChat account (条) or
//! petitions (信访) are never matched to a table cell.

use super::super::narrative::section_number;
use crate::content::yaml::Pos;
use crate::diag::Finding;
use crate::report::Report;
use crate::report::num::Num;
use crate::report::schema::Format;

/// Runs X1–X7 on one report.
pub fn check(report: &Report, out: &mut Vec<Finding>) {
    let sentences = sentences(&report.body, report.body_line, report.meta.year);
    let facts = Facts::of(report);
    for s in &sentences {
        x1_stated_counts_equal_the_tables(report, &facts, s, out);
        x2_none_received_matches_the_table(report, &facts, s, out);
        x3_reviews_and_litigation_match_the_table(report, &facts, s, out);
        x4_percentages_match_the_tables(report, &facts, s, out);
        x5_years_are_the_report_year(report, s, out);
    }
    x5_title_is_the_report_year(report, out);
    unfinished_template_text(report, &sentences, out);
    x6_sections_present_and_in_order(report, out);
    x7_processing_fee_stated(report, &sentences, out);
    f3_no_obsolete_categories(report, out);
}

/// Categories of the reports before 2019, which the 2019 and 2021 formats
/// replaced: (as published, what replaced it).
/// Each holds 不 or 收 (`f3_no_obsolete_categories` looks for those first).
const OBSOLETE_CATEGORIES: [(&str, &str); 5] = [
    (
        "信息不存在",
        "“本机关不掌握相关政府信息”（表三（四）无法提供 1）",
    ),
    ("收费及减免", "表二的“行政事业性收费”和第六部分的信息处理费"),
    ("不属于本行政机关公开", "“不予处理”或“无法提供”的相应情形"),
    ("不属于本机关公开", "“不予处理”或“无法提供”的相应情形"),
    ("不是《条例》所指政府信息", "“不予处理”的相应情形"),
];

/// F3: the text (headings included) uses a category of the reports before
/// 2019 ("信息不存在", "政府信息公开的收费及减免情况"): likely copied from an
/// old report.
pub fn f3_no_obsolete_categories(report: &Report, out: &mut Vec<Finding>) {
    if report.meta.format.is_none() {
        return;
    }
    let mut in_code = false;
    for (i, line) in report.body.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_code = !in_code;
        }
        // Every category has 不 or 收: most lines are passed over with one scan.
        if in_code || !line.contains(['不', '收']) {
            continue;
        }
        let Some((at, (old, new))) = OBSOLETE_CATEGORIES
            .iter()
            .filter_map(|c| line.find(c.0).map(|at| (at, c)))
            .min_by_key(|(at, _)| *at)
        else {
            continue;
        };
        let column = line[..at].chars().count() as u32 + 1;
        out.push(
            Finding::warning(
                &report.source.rel,
                Pos::new(report.body_line + i as u32, column),
                "F3",
                format!(
                    "“{old}”是2019年以前的报告使用的分类，现行格式没有这一项：是否沿用了旧报告的文字？"
                ),
            )
            .hint(format!("现行格式对应的是{new}")),
        );
    }
}

/// A sentence of the body with its place in the file.
#[derive(Debug)]
pub struct Sentence {
    pub text: String,
    /// `text` as characters (the rules index into it).
    pub chars: Vec<char>,
    /// Where its first char is in the `.md` file (a sentence never spans
    /// lines: the rest follow on the same line, one column each).
    first: Pos,
    /// Official section 1–6 it belongs to, when known.
    pub section: Option<usize>,
    /// The sentence starts a paragraph.
    pub starts_paragraph: bool,
    /// What the sentence is under — the last heading, the lead-in of the
    /// current item ("（二）依申请公开情况。", "二是…") or the sentences of
    /// its paragraph before it — speaks of requests for government
    /// information ([`DISCLOSURE_APPLICATIONS`]).
    pub topic_is_applications: bool,
    /// Its paragraph names the report's year ("2021年").
    pub paragraph_names_the_year: bool,
}

impl Sentence {
    fn new(section: Option<usize>, starts_paragraph: bool) -> Sentence {
        Sentence {
            text: String::new(),
            chars: Vec::new(),
            first: Pos::default(),
            section,
            starts_paragraph,
            topic_is_applications: false,
            paragraph_names_the_year: false,
        }
    }

    fn pos(&self, char_index: usize) -> Pos {
        match self.chars.len() {
            0 => Pos::default(),
            n => Pos::new(
                self.first.line,
                self.first.column + char_index.min(n - 1) as u32,
            ),
        }
    }
}

/// Cuts the Markdown body into sentences; headings and code are left out.
pub fn sentences(body: &str, first_line: u32, year: i64) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut section = None;
    let mut in_code = false;
    let mut paragraph_start = true;
    let mut topic = Topic::default();
    for (i, line) in body.lines().enumerate() {
        let line_no = first_line + i as u32;
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        if trimmed.is_empty() {
            paragraph_start = true;
            continue;
        }
        if let Some(h) = trimmed.strip_prefix('#') {
            let heading = h.trim_start_matches('#').trim();
            if let Some(n) = section_number(heading) {
                section = Some(n);
            }
            topic.heading(heading);
            paragraph_start = true;
            continue;
        }
        let indent = line.chars().count() - trimmed.chars().count();
        // Each sentence is a slice of the line, up to and with its end mark.
        let mut starts_paragraph = paragraph_start;
        let (mut start, mut start_col) = (0, 0);
        let mut sentence = |text: &str, start_col: usize, starts_paragraph: bool| {
            let mut s = Sentence::new(section, starts_paragraph);
            s.first = Pos::new(line_no, (indent + start_col + 1) as u32);
            s.text = text.to_string();
            s.chars = text.chars().collect();
            topic.sentence(s)
        };
        for (col, (i, c)) in trimmed.char_indices().enumerate() {
            if matches!(c, '。' | '！' | '？' | '；' | '!' | '?') {
                let end = i + c.len_utf8();
                out.push(sentence(&trimmed[start..end], start_col, starts_paragraph));
                (start, start_col) = (end, col + 1);
                starts_paragraph = false;
            }
        }
        let rest = &trimmed[start..];
        if !rest.trim().is_empty() {
            out.push(sentence(rest, start_col, starts_paragraph));
        }
        paragraph_start = false;
    }
    mark_paragraphs_naming(year, &mut out);
    out
}

/// Whether what the sentences are under speaks of requests for government
/// information: the last heading, the lead-in of the current item, an
/// earlier sentence of the paragraph.
#[derive(Default)]
struct Topic {
    heading: bool,
    lead: bool,
    earlier: bool,
}

impl Topic {
    fn heading(&mut self, text: &str) {
        *self = Topic {
            heading: contains_any(text, &DISCLOSURE_APPLICATIONS),
            ..Topic::default()
        };
    }

    /// Sets `s.topic_is_applications` and takes `s` into account.
    fn sentence(&mut self, mut s: Sentence) -> Sentence {
        let about = contains_any(&s.text, &DISCLOSURE_APPLICATIONS);
        if s.starts_paragraph {
            self.earlier = false;
            if starts_an_item(&s.text) {
                self.lead = about;
            }
        }
        s.topic_is_applications = self.heading || self.lead || self.earlier;
        self.earlier |= about;
        s
    }
}

/// Starts of an item's lead-in: "（二）", "二、", "2.", "二是", "**".
fn starts_an_item(text: &str) -> bool {
    let t = text.trim_start();
    let mut chars = t.chars();
    let first = chars.next().unwrap_or(' ');
    let second = chars.next().unwrap_or(' ');
    t.starts_with("**")
        || matches!(first, '（' | '(')
        || ("一二三四五六七八九十".contains(first) && (second == '是' || second == '、'))
        || (first.is_ascii_digit() && matches!(second, '.' | '、' | '．'))
}

/// Sets `paragraph_names_the_year` of each sentence.
fn mark_paragraphs_naming(year: i64, sentences: &mut [Sentence]) {
    let mut start = 0;
    while start < sentences.len() {
        let mut end = start + 1;
        while end < sentences.len() && !sentences[end].starts_paragraph {
            end += 1;
        }
        let names = sentences[start..end]
            .iter()
            .any(|s| years_named(&s.chars).contains(&year));
        for s in &mut sentences[start..end] {
            s.paragraph_names_the_year = names;
        }
        start = end;
    }
}

/// The four-digit years followed by 年 in `chars`.
fn years_named(chars: &[char]) -> Vec<i64> {
    chars
        .windows(5)
        .enumerate()
        .filter(|(i, w)| {
            w[4] == '年'
                && w[..4].iter().all(char::is_ascii_digit)
                && (*i == 0 || !chars[i - 1].is_ascii_digit())
        })
        .filter_map(|(_, w)| w[..4].iter().collect::<String>().parse().ok())
        .collect()
}

pub use crate::report::figures::{KeyFigures as Facts, OUTCOMES};

/// A count stated in prose: the number and where it is.
#[derive(Debug, PartialEq)]
pub struct Stated {
    pub value: u64,
    /// Char index of the number in the sentence.
    pub at: usize,
}

/// Words that mean the sentence is about something other than disclosure applications.
const OTHER_SUBJECTS: [&str; 10] = [
    "信访", "投诉", "举报", "留言", "咨询", "建议", "提案", "来信", "热线", "舆情",
];

/// The count after `keyword` (at char `from`): the first number in the same
/// clause, within a few characters, counted in 件/宗/起.
pub fn count_after(chars: &[char], from: usize) -> Option<Stated> {
    let mut i = from;
    let end = (from + 16).min(chars.len());
    while i < end {
        let c = chars[i];
        // A quoted name ("“一件事一次办”") holds no count.
        if matches!(
            c,
            '，' | '；' | '。' | '、' | ',' | ';' | '：' | '%' | '％' | '“' | '"' | '《' | '「'
        ) {
            return None;
        }
        if let Some((value, len)) = number_at(chars, i) {
            let mut j = i + len;
            while j < chars.len() && chars[j] == ' ' {
                j += 1;
            }
            let unit = chars.get(j).copied();
            // Words, not counts: "一起把关", "一件事".
            let word = (chars[i] == '一' && len == 1 && unit == Some('起'))
                || (unit == Some('件') && chars.get(j + 1) == Some(&'事'));
            return (matches!(unit, Some('件' | '宗' | '起')) && !word)
                .then_some(Stated { value, at: i });
        }
        i += 1;
    }
    None
}

/// A number written with digits (ASCII or full-width, optional thousands
/// commas) or Chinese numerals, at `i`: (value, length in chars).
pub fn number_at(chars: &[char], i: usize) -> Option<(u64, usize)> {
    let digit = |c: char| match c {
        '0'..='9' => Some(c as u64 - '0' as u64),
        '０'..='９' => Some(c as u64 - '０' as u64),
        _ => None,
    };
    if digit(chars[i]).is_some() {
        let mut value = 0u64;
        let mut j = i;
        while j < chars.len() {
            if let Some(d) = digit(chars[j]) {
                value = value.checked_mul(10)?.checked_add(d)?;
            } else if !(chars[j] == ',' && j + 1 < chars.len() && digit(chars[j + 1]).is_some()) {
                break;
            }
            j += 1;
        }
        // A decimal is not a count.
        if j < chars.len()
            && chars[j] == '.'
            && j + 1 < chars.len()
            && digit(chars[j + 1]).is_some()
        {
            return None;
        }
        return Some((value, j - i));
    }
    chinese_number(chars, i)
}

/// 零 一 二 两 … 九 十 百 千 (counts below 10,000).
fn chinese_number(chars: &[char], i: usize) -> Option<(u64, usize)> {
    let d = |c: char| {
        "零〇一二三四五六七八九"
            .chars()
            .position(|x| x == c)
            .map(|p| if p <= 1 { 0 } else { p as u64 - 1 })
            .or((c == '两').then_some(2))
    };
    let (mut total, mut current, mut j) = (0u64, 0u64, i);
    while j < chars.len() {
        let c = chars[j];
        if let Some(v) = d(c) {
            current = v;
        } else {
            let unit = match c {
                '十' => 10,
                '百' => 100,
                '千' => 1000,
                _ => break,
            };
            total += if current == 0 && unit == 10 {
                10
            } else {
                current * unit
            };
            current = 0;
        }
        j += 1;
    }
    (j > i).then_some((total + current, j - i))
}

fn find_all(chars: &[char], word: &str) -> Vec<usize> {
    let Some(first) = word.chars().next() else {
        return Vec::new();
    };
    let n = word.chars().count();
    (0..chars.len().saturating_sub(n - 1))
        .filter(|&i| chars[i] == first && chars[i..i + n].iter().copied().eq(word.chars()))
        .collect()
}

fn contains_any(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| text.contains(w))
}

/// Keywords that name a total (received, answered) rather than a category.
const TOTAL_KEYWORDS: [&str; 8] = [
    "新收",
    "收到",
    "受理",
    "接收",
    "接到",
    "办结",
    "答复",
    "办理完毕",
];

/// Words of a clause that counts only some of the applications: a channel,
/// a manner, a subject or a comparison ("当面申请收到8件", "延期答复3件",
/// "涉及征地拆迁类申请收到120件", "较上年多收到10件", "办结上年结转申请2件").
const PART_WORDS: [&str; 28] = [
    "当面",
    "当场",
    "现场",
    "信函",
    "邮寄",
    "传真",
    "电子邮件",
    "电话",
    "网上",
    "互联网",
    "网络",
    "在线",
    "书面",
    "口头",
    "延期",
    "逾期",
    "按时",
    "涉及",
    "关于",
    "较",
    "比",
    "同比",
    "增加",
    "减少",
    "多收",
    "少收",
    "类申请",
    "结转",
];

/// Signs that the applications a sentence (or what it is under) speaks of
/// are requests for government information (表三).
const DISCLOSURE_APPLICATIONS: [&str; 5] = [
    "依申请",
    "信息公开申请",
    "公开申请",
    "申请公开",
    "政府信息公开",
];

/// Applications of other kinds that agencies also count in their reports
/// ("全年共受理各类行政许可申请3256件", "收到行政复议申请86件"): a clause naming
/// one is not about table 三.
const OTHER_APPLICATIONS: [&str; 17] = [
    "许可",
    "审批",
    "法律援助",
    "援助",
    "复议",
    "诉讼",
    "登记",
    "补贴",
    "救助",
    "公证",
    "调解",
    "仲裁",
    "备案",
    "一件事",
    "办件",
    "政务服务",
    "信访",
];

/// Documents, not applications: "制发公文156件，其中主动公开98件，不予公开28件".
const DOCUMENT_WORDS: [&str; 6] = ["公文", "文件", "发文", "制发", "保密审查", "稿件"];

/// How far the rules look around a keyword: a sentence of a real report
/// is far shorter, and a bound keeps a hostile 8 MB line linear.
const REACH: usize = 200;

/// The text of the `REACH` chars before char `k`.
fn text_before(chars: &[char], k: usize) -> String {
    chars[k.saturating_sub(REACH)..k].iter().collect()
}

/// The clause (between commas, semicolons, colons) around char `k`, at
/// most `REACH` chars each way.
fn clause_around(chars: &[char], k: usize) -> (usize, usize) {
    let is_end = |c: &char| matches!(c, '，' | '；' | '。' | ',' | ';' | '：' | ':');
    let low = k.saturating_sub(REACH);
    let high = (k + REACH).min(chars.len());
    let start = chars[low..k]
        .iter()
        .rposition(is_end)
        .map_or(low, |p| low + p + 1);
    let end = chars[k..high]
        .iter()
        .position(is_end)
        .map_or(high, |p| k + p);
    (start, end)
}

/// A four-digit year other than `year` ("2020年收到申请47件" in a 2021 report).
fn names_another_year(text: &str, year: i64) -> bool {
    let chars: Vec<char> = text.chars().collect();
    years_named(&chars).iter().any(|y| *y != year)
}

/// Endings of an agency's name: "区教育局收到申请55件" in a consolidated
/// report speaks of one member.
const AGENCY_ENDINGS: [&str; 11] = [
    "局",
    "委员会",
    "委",
    "办事处",
    "政府",
    "街道",
    "镇",
    "乡",
    "所",
    "本级",
    "机关",
];

/// The clause before char `k` names an agency other than the report's own
/// ("我局", "本机关").
fn names_another_agency(before: &str) -> bool {
    AGENCY_ENDINGS.iter().any(|e| {
        before.match_indices(e).any(|(i, _)| {
            let next = &before[i + e.len()..];
            let Some(prev) = before[..i].chars().next_back() else {
                return false;
            };
            // "政府信息公开" names no agency; nor does the particle 所
            // ("所有", "对所收到的申请"), unlike "市场监管所".
            let particle = *e == "所"
                && ("对其凡之均已为".contains(prev)
                    || next
                        .starts_with(['有', '以', '属', '在', '得', '述', '需', '谓', '提', '涉']));
            !next.starts_with("信息")
                && !particle
                && !"我本该全各".contains(prev)
                && !prev.is_ascii_punctuation()
        })
    })
}

/// The count a total keyword (`收到`, `办结` …) at char `k` introduces is only
/// a part of the total, or not about table 三 at all: the keyword follows
/// "其中" in the same sentence ("481件，其中通过互联网收到申请300件"); its clause
/// names a channel, a manner, a subject, a comparison, another year, another
/// agency or another kind of application — unless that clause says it is
/// the whole ("共"); or neither the sentence nor what it is under speaks of
/// requests for government information.
fn states_a_part(s: &Sentence, k: usize, keyword: &str, year: i64) -> bool {
    if !TOTAL_KEYWORDS.contains(&keyword) {
        return false;
    }
    let chars = &s.chars;
    let (start, end) = clause_around(chars, k);
    let clause: String = chars[start..end].iter().collect();
    let clause_before: String = chars[start..k].iter().collect();
    let before = text_before(chars, k);
    let received = TOTAL_KEYWORDS[..5].contains(&keyword);
    let disclosure = keyword == "新收"
        || contains_any(&s.text, &DISCLOSURE_APPLICATIONS)
        || s.topic_is_applications;
    !disclosure
        || (received && before.contains("其中"))
        || contains_any(&clause, &OTHER_APPLICATIONS)
        || names_another_year(&clause, year)
        || names_another_agency(&clause_before)
        || contains_any(&clause, &APPLICANTS)
        || (contains_any(&clause, &PART_WORDS) && !contains_any(&clause, &["共", "合计", "总计"]))
}

/// Applicants: a count of theirs is a part, even with "共".
const APPLICANTS: [&str; 5] = ["自然人", "法人", "企业", "组织", "机构"];

/// An outcome (`予以公开` …) at char `k` counted with another
/// ("予以公开和部分公开共29件", "予以公开（含部分公开）29件"), per applicant
/// ("自然人申请中予以公开16件"), or said of documents, not applications.
fn outcome_not_alone(s: &Sentence, k: usize, keyword: &str, number_at: usize) -> bool {
    let chars = &s.chars;
    let (start, _) = clause_around(chars, k);
    let clause_before: String = chars[start..k].iter().collect();
    let between: String = chars[k + keyword.chars().count()..number_at]
        .iter()
        .collect();
    // "自然人申请中，予以公开6件": the clause before says whose.
    let previous_clause = start
        .checked_sub(1)
        .map(|end| {
            let (from, _) = clause_around(chars, end.saturating_sub(1));
            chars[from..end].iter().collect::<String>()
        })
        .unwrap_or_default();
    contains_any(&s.text, &DOCUMENT_WORDS)
        || contains_any(&clause_before, &APPLICANTS)
        || (previous_clause.ends_with('中') && contains_any(&previous_clause, &APPLICANTS))
        // "县政府办公室收到申请12件，其中予以公开8件": a member's figures.
        || names_another_agency(&text_before(chars, k))
        || OUTCOMES.iter().any(|(name, _)| between.contains(name))
        || clause_before.ends_with(['含', '和', '及', '与'])
        || OUTCOMES
            .iter()
            .any(|(name, _)| clause_before.trim_end_matches('、').ends_with(name))
        || contains_any(&between, &["含", "和", "及", "与", "共"])
}

/// X1: the prose states `n` where the table has `table`.
fn mismatch(
    report: &Report,
    s: &Sentence,
    n: &Stated,
    what: &str,
    table: Num,
    place: &str,
) -> Finding {
    let stated = n.value;
    Finding::error(
        &report.source.rel,
        s.pos(n.at),
        "X1",
        format!("正文说{what} {stated} 件，但{place}是 {table}。规则：正文中的数字应与表格一致"),
    )
    .numbers(table, stated)
}

/// X1: numbers the prose states equal the tables.
pub fn x1_stated_counts_equal_the_tables(
    report: &Report,
    f: &Facts,
    s: &Sentence,
    out: &mut Vec<Finding>,
) {
    if !s.text.contains(['件', '宗', '起']) || contains_any(&s.text, &OTHER_SUBJECTS) {
        return;
    }
    let chars = &s.chars;
    let about_applications = s.text.contains("申请");
    let about_received =
        about_applications && contains_any(&s.text, &["新收", "收到", "受理", "接收", "接到"]);
    let mut check = |keyword: &str, table: Option<Num>, place: &str, accept_also: Option<Num>| {
        let Some(table) = table else { return };
        for k in find_all(chars, keyword) {
            if states_a_part(s, k, keyword, report.meta.year) {
                continue;
            }
            let Some(n) = count_after(chars, k + keyword.chars().count()) else {
                continue;
            };
            let outcome = OUTCOMES.iter().any(|(name, _)| *name == keyword);
            if outcome && outcome_not_alone(s, k, keyword, n.at) {
                continue;
            }
            let stated = Num::int(n.value as i128);
            if stated != table && Some(stated) != accept_also {
                out.push(mismatch(report, s, &n, keyword, table, place));
            }
        }
    };
    if about_applications {
        // "共受理申请43件（含上年结转2件）" counts the carried-over ones too.
        let with_carried = (s.text.contains("结转") || s.text.contains("含"))
            .then(|| f.received.zip(f.carried_over).map(|(a, b)| a + b))
            .flatten();
        for k in ["新收", "收到", "受理", "接收", "接到"] {
            check(
                k,
                f.received,
                "表三“一、本年新收政府信息公开申请数量”总计",
                with_carried,
            );
        }
    }
    if about_received && !s.text.contains("结转") {
        check(
            "自然人",
            f.received_natural,
            "表三“一、本年新收”的自然人",
            None,
        );
        check(
            "法人或其他组织",
            f.received_orgs,
            "表三“一、本年新收”的五类法人或其他组织之和",
            None,
        );
    }
    for k in ["上年结转", "上年度结转", "上一年度结转"] {
        check(
            k,
            f.carried_over,
            "表三“二、上年结转政府信息公开申请数量”总计",
            None,
        );
    }
    if about_applications || contains_any(&s.text, &["予以公开", "办结"]) {
        for k in ["办结", "答复", "办理完毕"] {
            check(k, f.done, "表三“（七）总计”", None);
        }
    }
    for k in ["结转下年度", "结转至下年度", "结转到下年度", "转入下年度"] {
        check(
            k,
            f.carried_forward,
            "表三“四、结转下年度继续办理”总计",
            None,
        );
    }
    for (i, (name, _)) in OUTCOMES.iter().enumerate() {
        check(name, f.outcomes[i], &format!("表三“{name}”的总计"), None);
    }
}

/// Words that may stand between "未收到" and "申请" without narrowing it.
const GENERIC_BEFORE_APPLICATION: [&str; 14] = [
    "政府信息公开",
    "政府信息",
    "信息公开",
    "依",
    "公开",
    "任何",
    "相关",
    "群众",
    "公民",
    "提出的",
    "提交的",
    "本机关",
    "我局",
    "向",
];

/// X2: prose says no applications were received ⇔ 一 总计 = 0.
pub fn x2_none_received_matches_the_table(
    report: &Report,
    f: &Facts,
    s: &Sentence,
    out: &mut Vec<Finding>,
) {
    let Some(received) = f.received else { return };
    if received.is_zero()
        || !s.text.contains("申请")
        || contains_any(&s.text, &["复议", "诉讼"])
        || contains_any(&s.text, &OTHER_SUBJECTS)
    {
        return;
    }
    let chars = &s.chars;
    if names_another_year(&s.text, report.meta.year) {
        return;
    }
    for neg in ["未收到", "没有收到", "未接到", "未受理", "未发生", "无"] {
        // The negation must govern applications as such, not an applicant
        // (申请人), nor only some ("未收到法人或其他组织提出的申请",
        // "未收到通过信函方式提交的申请"): only generic words come between.
        let governs = |k: usize| {
            // "某街道办事处未收到申请": a member of a consolidated report.
            let (start, _) = clause_around(chars, k);
            if names_another_agency(&chars[start..k].iter().collect::<String>()) {
                return false;
            }
            let from = k + neg.chars().count();
            let after: String = chars[from..(from + 24).min(chars.len())].iter().collect();
            let Some(i) = after.find("申请") else {
                return false;
            };
            if after[i..].starts_with("申请人") {
                return false;
            }
            let between = GENERIC_BEFORE_APPLICATION
                .iter()
                .fold(after[..i].to_string(), |t, w| t.replace(w, ""));
            between.chars().all(|c| "的之各类项".contains(c))
        };
        if let Some(&k) = find_all(chars, neg).iter().find(|&&k| governs(k)) {
            out.push(
                Finding::error(
                    &report.source.rel,
                    s.pos(k),
                    "X2",
                    format!("正文说本年没有收到政府信息公开申请，但表三“一、本年新收”总计是 {received}。规则：正文与表格应一致"),
                )
                .numbers(received, 0),
            );
            return;
        }
    }
}

/// X3: prose says no review or litigation ⇒ 表四 is zero; "均获维持" ⇒ nothing corrected, other or pending.
pub fn x3_reviews_and_litigation_match_the_table(
    report: &Report,
    f: &Facts,
    s: &Sentence,
    out: &mut Vec<Finding>,
) {
    if !s.text.contains("行政") {
        return;
    }
    let chars = &s.chars;
    // The full words: "复议后起诉" and "未经复议直接起诉" are kinds of 行政诉讼.
    let review = find_all(chars, "行政复议");
    let lawsuit = find_all(chars, "行政诉讼");
    if review.is_empty() && lawsuit.is_empty() {
        return;
    }
    let mut err = |at: usize, msg: String, expected: Num, found: u64| {
        out.push(Finding::error(&report.source.rel, s.pos(at), "X3", msg).numbers(expected, found));
    };
    // "未发生……行政复议、行政诉讼" / "没有被申请行政复议" / "…均未发生": a
    // negation in the clause of a kind's first mention, before it or after
    // it; each kind by itself ("未被申请行政复议，被提起行政诉讼1件").
    let negated = |at: usize| {
        let (start, end) = clause_around(chars, at);
        let before: String = chars[start..at].iter().collect();
        let after: String = chars[at..end].iter().collect();
        // "没有因答复不及时被申请行政复议的情况": only one cause is denied.
        if let Some(i) = before.rfind('因')
            && !contains_any(
                &before[i..],
                &["政府信息公开", "信息公开", "依申请", "公开"],
            )
        {
            return false;
        }
        let close = before
            .trim_end_matches("行政")
            .trim_end_matches("申请")
            .trim_end_matches("提起");
        contains_any(
            &before,
            &[
                "未发生",
                "没有发生",
                "未出现",
                "没有",
                "未被",
                "未有",
                "无一",
                "无因",
                "无政府信息公开",
            ],
        ) || close.ends_with('无')
            || close.ends_with('零')
            || contains_any(&after, &["均未发生", "未发生", "为零", "为0件", "均为0"])
    };
    let review_negated = review.first().is_some_and(|&k| negated(k));
    let lawsuit_negated = lawsuit.first().is_some_and(|&k| negated(k));
    if review_negated && let Some(n) = f.reviews.filter(|n| !n.is_zero()) {
        err(
            review[0],
            format!("正文说没有行政复议，但表四行政复议总计是 {n}"),
            n,
            0,
        );
    }
    if lawsuit_negated && let Some(n) = f.litigation.filter(|n| !n.is_zero()) {
        err(
            lawsuit[0],
            format!("正文说没有行政诉讼，但表四行政诉讼总计是 {n}"),
            n,
            0,
        );
    }
    if review_negated && (lawsuit_negated || lawsuit.is_empty())
        || lawsuit_negated && review.is_empty()
    {
        return;
    }
    // Counts: "行政复议3件", "被提起行政诉讼2件".
    let combined = !review.is_empty() && !lawsuit.is_empty();
    for (positions, total, what) in [
        (&review, f.reviews, "行政复议"),
        (&lawsuit, f.litigation, "行政诉讼"),
    ] {
        let Some(total) = total else { continue };
        if (what == "行政复议" && review_negated) || (what == "行政诉讼" && lawsuit_negated)
        {
            continue;
        }
        for &k in positions.iter() {
            // "其中区教育局被申请行政复议2件": a part, or another agency's.
            let (start, end) = clause_around(chars, k);
            let clause: String = chars[start..end].iter().collect();
            let clause_before: String = chars[start..k].iter().collect();
            let before = text_before(chars, k);
            // "收到行政复议申请86件": the agency deciding reviews, not a
            // respondent in one.
            let review_body =
                chars[k + 4..].starts_with(&['申', '请']) && !clause_before.ends_with('被');
            if before.contains("其中")
                || review_body
                || names_another_agency(&clause_before)
                || names_another_year(&clause, report.meta.year)
            {
                continue;
            }
            let Some(n) = count_after(chars, k + 4) else {
                continue;
            };
            let between: String = chars[k..n.at].iter().collect();
            let sum = f.reviews.zip(f.litigation).map(|(a, b)| a + b);
            let stated = Num::int(n.value as i128);
            // "行政复议和行政诉讼共3件" / "各1件".
            let ok = if combined && contains_any(&between, &["共", "合计", "总计"]) {
                Some(stated) == sum
            } else if combined && between.contains('各') {
                f.reviews == Some(stated) && f.litigation == Some(stated)
            } else {
                stated == total
            };
            if !ok {
                err(
                    n.at,
                    format!(
                        "正文说{what} {} 件，但表四{what}总计是 {total}。规则：正文中的数字应与表格一致",
                        n.value
                    ),
                    total,
                    n.value,
                );
            }
        }
    }
    // "均获维持".
    if let Some(&k) = [
        "均获维持",
        "均被维持",
        "均维持",
        "全部维持",
        "全部获得维持",
        "均为维持",
        "均予以维持",
        "均予维持",
        "全部予以维持",
    ]
    .iter()
    .flat_map(|w| find_all(chars, w))
    .collect::<Vec<_>>()
    .first()
    {
        let groups = [
            (
                !review.is_empty() || lawsuit.is_empty(),
                f.review_not_upheld,
                "行政复议",
            ),
            (
                !lawsuit.is_empty() || review.is_empty(),
                f.litigation_not_upheld,
                "行政诉讼",
            ),
        ];
        for (mentioned, not_upheld, what) in groups {
            if let Some(n) = not_upheld.filter(|n| mentioned && !n.is_zero()) {
                err(
                    k,
                    format!(
                        "正文说{what}结果均获维持，但表四{what}的结果纠正、其他结果和尚未审结共 {n} 件"
                    ),
                    n,
                    0,
                );
            }
        }
    }
}

/// X4: a percentage equals count ÷ base to the precision printed (rounded; truncation is a warning too).
pub fn x4_percentages_match_the_tables(
    report: &Report,
    f: &Facts,
    s: &Sentence,
    out: &mut Vec<Finding>,
) {
    if !s.text.contains(['%', '％']) {
        return;
    }
    let chars = &s.chars;
    for (i, &c) in chars.iter().enumerate() {
        if c != '%' && c != '％' {
            continue;
        }
        let Some((text, start)) = percent_before(chars, i) else {
            continue;
        };
        let before = text_before(chars, start);
        // The category the percentage is about: the last one named before it.
        let outcome = OUTCOMES
            .iter()
            .enumerate()
            .filter_map(|(k, (name, _))| before.rfind(name).map(|p| (p, *name, f.outcomes[k])))
            .max_by_key(|(p, _, _)| *p);
        // "自然人申请12件，占95%": an applicant's share of the new applications.
        let applicant = [
            ("自然人", f.received_natural),
            ("法人或其他组织", f.received_orgs),
        ]
        .into_iter()
        .filter_map(|(name, count)| before.rfind(name).map(|p| (p, name, count)))
        .max_by_key(|(p, _, _)| *p);
        if let Some((p, name, count)) = applicant
            && outcome.is_none_or(|(q, _, _)| q < p)
        {
            if let (Some(count), Some(received)) = (count, f.received)
                && !rate_of_something_else(chars, start, name, report.meta.year)
            {
                let decimals = text.split_once('.').map_or(0, |(_, d)| d.len());
                let expected = percent(count, received, decimals, false);
                let truncated = percent(count, received, decimals, true);
                if expected.as_deref() != Some(text.as_str())
                    && truncated.as_deref() != Some(text.as_str())
                    && let Some(expected) = expected
                {
                    out.push(
                        Finding::warning(
                            &report.source.rel,
                            s.pos(start),
                            "X4",
                            format!(
                                "{name}申请的比例写作 {text}%，但按表三计算（{name} {count} ÷ 新收 {received}）应为 {expected}%"
                            ),
                        )
                        .numbers(format!("{expected}%"), format!("{text}%")),
                    );
                }
            }
            continue;
        }
        let Some((_, name, count)) = outcome else {
            continue;
        };
        let Some(count) = count else { continue };
        if rate_of_something_else(chars, start, name, report.meta.year) {
            continue;
        }
        // "予以公开和部分公开的共8件，占办结总数的75%": the share of both.
        let Some((name, count)) = with_the_outcome_joined_to(&before, name, count, f) else {
            continue;
        };
        let name = name.as_str();
        let decimals = text.split_once('.').map_or(0, |(_, d)| d.len());
        let bases = [
            f.done,
            f.received.zip(f.carried_over).map(|(a, b)| a + b),
            f.received,
        ];
        let shown = |base: Num, truncate: bool| percent(count, base, decimals, truncate);
        let rounded = bases
            .iter()
            .flatten()
            .any(|b| shown(*b, false).as_deref() == Some(text.as_str()));
        if rounded {
            continue;
        }
        let truncated = bases
            .iter()
            .flatten()
            .any(|b| shown(*b, true).as_deref() == Some(text.as_str()));
        let expected = f
            .done
            .and_then(|b| shown(b, false))
            .unwrap_or_else(|| "—".into());
        let msg = if truncated {
            format!("{name}的比例写作 {text}%，是截断而不是四舍五入的结果，应为 {expected}%")
        } else {
            format!(
                "{name}的比例写作 {text}%，但按表三计算（{name} {count} ÷ 办结 {}）应为 {expected}%",
                f.done.map(|d| d.to_string()).unwrap_or_default()
            )
        };
        out.push(
            Finding::warning(&report.source.rel, s.pos(start), "X4", msg)
                .numbers(format!("{expected}%"), format!("{text}%")),
        );
    }
}

/// The percentage at char `start` is not the share of the outcome `name`
/// named before it: a rate of something else comes between or is named
/// ("其他处理2件，按时答复率100%", "公开率（含部分公开）为54.7%"), a change
/// ("同比增长10%"), or another year's figure ("较2020年的41.7%").
fn rate_of_something_else(chars: &[char], start: usize, name: &str, year: i64) -> bool {
    let before = text_before(chars, start);
    let Some(at) = before.rfind(name) else {
        return true;
    };
    let seg = &before[at..];
    let (clause_start, _) = clause_around(chars, start);
    let clause: String = chars[clause_start..start].iter().collect();
    let other_rate = clause
        .rfind('率')
        .is_some_and(|r| !clause[..r].ends_with(name));
    // "公开率（含部分公开）": a share that includes the outcome.
    let combined = before[..at].ends_with(['含', '（']);
    other_rate
        || combined
        || contains_any(
            seg,
            &["同比", "增长", "下降", "提高", "降低", "较", "比上年"],
        )
        || names_another_year(&clause, year)
}

/// The outcome `name` named last in `before`, joined to the one named just
/// before it ("予以公开和部分公开"): their names and summed count. `None`
/// when the other's count is unknown.
fn with_the_outcome_joined_to(
    before: &str,
    name: &str,
    count: Num,
    f: &Facts,
) -> Option<(String, Num)> {
    let at = before.rfind(name)?;
    let Some(joined) = before[..at].strip_suffix(['和', '及', '与', '、']) else {
        return Some((name.to_string(), count));
    };
    match OUTCOMES
        .iter()
        .enumerate()
        .find(|(_, (other, _))| joined.ends_with(other))
    {
        Some((k, (other, _))) => Some((format!("{other}和{name}"), f.outcomes[k]? + count)),
        None => Some((name.to_string(), count)),
    }
}

/// The number written before a `%` at `end`: its text and start.
fn percent_before(chars: &[char], end: usize) -> Option<(String, usize)> {
    let mut start = end;
    while start > 0 && (chars[start - 1].is_ascii_digit() || chars[start - 1] == '.') {
        start -= 1;
    }
    (start < end).then(|| (chars[start..end].iter().collect(), start))
}

/// `count ÷ base` as a percentage with `decimals` decimals, rounded half up or truncated.
pub fn percent(count: Num, base: Num, decimals: usize, truncate: bool) -> Option<String> {
    let (c, b) = (count.as_int()?, base.as_int()?);
    if b <= 0 {
        return None;
    }
    let scale = 10i128.pow(decimals as u32);
    let scaled = c * 100 * scale;
    let mut v = scaled / b;
    if !truncate && (scaled % b) * 2 >= b {
        v += 1;
    }
    Some(if decimals == 0 {
        v.to_string()
    } else {
        format!("{}.{:0width$}", v / scale, v % scale, width = decimals)
    })
}

/// X5: years in the body: a 5-digit "year", a report title of another year,
/// a paragraph that opens with last year ("2019年，我镇…" in a 2020 report).
pub fn x5_years_are_the_report_year(report: &Report, s: &Sentence, out: &mut Vec<Finding>) {
    if !s.text.contains('年') {
        return;
    }
    let year = report.meta.year;
    let chars = &s.chars;
    let period = contains_any(
        &s.text,
        &[
            "统计期限",
            "统计时限",
            "统计期间",
            "统计区间",
            "统计时间",
            "统计周期",
        ],
    );
    // Whether the sentence refers back to an earlier report, asked once.
    let mut refers_back: Option<bool> = None;
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() || (i > 0 && chars[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len() && chars[j].is_ascii_digit() {
            j += 1;
        }
        let digits: String = chars[i..j].iter().collect();
        let after: String = chars[j..(j + 16).min(chars.len())].iter().collect();
        if after.starts_with('年') {
            let mut err = |msg: String| {
                out.push(
                    Finding::error(&report.source.rel, s.pos(i), "X5", msg).numbers(year, &digits),
                )
            };
            if digits.len() > 4 && digits.starts_with("20") {
                err(format!(
                    "“{digits}年”不是有效的年份，本报告是{year}年度报告"
                ));
            } else if let Ok(y) = digits.parse::<i64>()
                && digits.len() == 4
                && y != year
            {
                let rest = after.trim_start_matches('年').trim_start_matches('度');
                if rest.starts_with("政府信息公开工作年度报告")
                    && !(y < year
                        && *refers_back.get_or_insert_with(|| refers_to_an_earlier_report(s)))
                {
                    err(format!(
                        "正文提到“{y}年政府信息公开工作年度报告”，但本报告是{year}年度报告"
                    ));
                } else if period
                    && ["1月1日", "01月01日", "12月31日"]
                        .iter()
                        .any(|m| after.trim_start_matches('年').starts_with(m))
                    && !chars[i.saturating_sub(3)..i]
                        .iter()
                        .collect::<String>()
                        .contains('截')
                {
                    err(format!(
                        "统计期写的是{y}年，但本报告是{year}年度报告（统计期为{year}年1月1日至12月31日）"
                    ));
                } else if s.starts_paragraph
                    && i == 0
                    && y < year
                    && rest.starts_with(['，', ','])
                    && s.section != Some(5)
                    && !s.paragraph_names_the_year
                {
                    err(format!(
                        "段落以“{y}年，”开头，但本报告是{year}年度报告：是否沿用了往年报告的文字？"
                    ));
                }
            }
        }
        i = j;
    }
}

/// Words with which a report refers to an earlier year's report: the 2021
/// format asks section 五 for what became of the problems it named.
const EARLIER_REPORT_WORDS: [&str; 17] = [
    "针对",
    "对照",
    "上年",
    "上一年",
    "去年",
    "往年",
    "以往",
    "整改",
    "指出",
    "提出",
    "反映",
    "发现",
    "发布",
    "公布",
    "编制",
    "报送",
    "上报",
];

/// Words with which a report speaks of itself ("现将…年度报告公布如下").
const THIS_REPORT_WORDS: [&str; 4] = ["现将", "如下", "本报告", "特此"];

/// "…2020年政府信息公开工作年度报告中指出的问题…" in a 2021 report (the
/// year is earlier: the caller knows): an earlier year's report named on purpose (in section 五, or with a word that refers
/// back to it), not a leftover of last year's text.
fn refers_to_an_earlier_report(s: &Sentence) -> bool {
    !contains_any(&s.text, &THIS_REPORT_WORDS)
        && (s.section == Some(5) || contains_any(&s.text, &EARLIER_REPORT_WORDS))
}

/// X5: the title's year is the report year.
pub fn x5_title_is_the_report_year(report: &Report, out: &mut Vec<Finding>) {
    let Some(pos) = report.meta.title_pos else {
        return;
    };
    let title: Vec<char> = report.meta.title.chars().collect();
    for i in 0..title.len().saturating_sub(4) {
        let w: String = title[i..i + 4].iter().collect();
        let bounded = (i == 0 || !title[i - 1].is_ascii_digit())
            && title.get(i + 4).is_none_or(|c| !c.is_ascii_digit());
        if bounded
            && w.chars().all(|c| c.is_ascii_digit())
            && w.starts_with("20")
            && w != report.meta.year.to_string()
        {
            out.push(
                Finding::error(
                    &report.source.rel,
                    pos,
                    "X5",
                    format!("标题里的年份是 {w}，但 year 是 {}", report.meta.year),
                )
                .numbers(report.meta.year, &w),
            );
            return;
        }
    }
}

/// X6: sections 一, 五, 六 present in the body, and every official section in order.
pub fn x6_sections_present_and_in_order(report: &Report, out: &mut Vec<Finding>) {
    let found: Vec<(usize, u32)> = report
        .narrative
        .parts
        .iter()
        .filter_map(|p| p.section.map(|n| (n, p.line)))
        .collect();
    let pos = Pos::new(report.body_line, 1);
    let missing: Vec<&str> = [1, 5, 6]
        .iter()
        .filter(|n| !found.iter().any(|(m, _)| m == *n))
        .map(|n| crate::report::schema::SECTIONS[n - 1])
        .collect();
    if !missing.is_empty() && report.meta.format.is_some() {
        out.push(
            Finding::warning(&report.source.rel, pos, "X6", format!("正文缺少：{}", missing.join("、")))
                .hint("正文用 ## 一、总体情况、## 五、存在的主要问题及改进情况、## 六、其他需要报告的事项 作标题；二、三、四是表格"),
        );
    }
    for w in found.windows(2) {
        if w[1].0 <= w[0].0 {
            out.push(Finding::warning(
                &report.source.rel,
                Pos::new(w[1].1, 1),
                "X6",
                format!(
                    "“{}”出现在“{}”之后：六个部分应按官方顺序排列",
                    crate::report::schema::SECTIONS[w[1].0 - 1],
                    crate::report::schema::SECTIONS[w[0].0 - 1]
                ),
            ));
        }
    }
}

/// MD3: text `gongkai new` left for the author is still there.
pub fn unfinished_template_text(report: &Report, sentences: &[Sentence], out: &mut Vec<Finding>) {
    let todo = crate::report::skeleton::TODO;
    for s in sentences {
        if let Some(i) = s.text.find(todo) {
            let at = s.text[..i].chars().count();
            out.push(
                Finding::warning(
                    &report.source.rel,
                    s.pos(at),
                    crate::diag::codes::UNFINISHED,
                    format!("还有未填写的内容“{todo}”"),
                )
                .hint("填写后删去“（请填写）”"),
            );
        }
    }
}

/// X7 (2021+): section 六 says what 信息处理费 was collected (元), or that none was.
pub fn x7_processing_fee_stated(report: &Report, sentences: &[Sentence], out: &mut Vec<Finding>) {
    if report.meta.format != Some(Format::V2021) {
        return;
    }
    let Some(six) = report.narrative.section(6) else {
        return;
    };
    if sentences.iter().any(|s| {
        s.section == Some(6)
            && contains_any(&s.text, &["信息处理费", "处理费", "收费", "收取", "费用"])
    }) {
        return;
    }
    out.push(
        Finding::warning(
            &report.source.rel,
            Pos::new(six.line, 1),
            "X7",
            "“六、其他需要报告的事项”没有说明本年度收取信息处理费的情况（2021年起的报告应说明，单位为元）",
        )
        .hint("例如：本年度未收取信息处理费。或：本年度收取信息处理费 200 元。（这不是表二的行政事业性收费）"),
    );
}

#[cfg(test)]
mod tests;
