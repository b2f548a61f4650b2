//! Recognising the official row labels in published label text.
//!
//! The labels are the schema's (`report::schema`); what is added here is only
//! how published tables vary them: a provincial note after a label
//! (`规章(设区的市、自治州人民政府应提供相关数据)`), a label cut short where a PDF
//! line broke inside it, and the few renamed rows report-formats.md lists.

use super::normalize::label_key;
use crate::report::schema::{Format, RowRole, TableId, TableSpec};

/// Published names of official rows that differ from the official label.
/// (format, table, row key, published name)
const RENAMED_ROWS: [(Format, TableId, &str, &str); 1] = [
    // 上海科委2024, 石家庄某区统计局2023: 规范性文件 in a 2021 table.
    (
        Format::V2021,
        TableId::Active,
        "normative_documents",
        "规范性文件",
    ),
];

/// Rows some provinces add to table 二 (武汉黄陂区2020). They are kept in the
/// report's text, not in the table: the official table has no place for them.
pub const EXTRA_ROWS: [&str; 1] = ["其他主动公开文件"];

/// How a label was recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fit {
    /// The official label, as printed.
    Exact,
    /// A published variant (a renamed row, a note after the label).
    Variant,
    /// The start of the label: a PDF line broke inside it and the rest
    /// follows the numbers.
    Truncated,
}

/// The row labels of one table, as keys.
pub struct RowLabels {
    /// (row index, key, the official label's key?)
    entries: Vec<(usize, String, bool)>,
    /// Words of the table's header (column labels …): text made only of them
    /// is a header, not a row.
    header_words: Vec<String>,
    /// Group labels (`（六）其他处理`, `三、本年度办理结果`) and their first and
    /// last pieces (`三、本年度`, `办理结果`), longest first: a PDF may print
    /// them in the middle of a row's wrapped label.
    group_labels: Vec<String>,
}

impl RowLabels {
    /// The labels of `spec`'s rows, with the variants known for `format`.
    pub fn new(spec: &'static TableSpec, format: Format) -> RowLabels {
        let mut entries = Vec::new();
        for (i, row) in spec.rows.iter().enumerate() {
            let key = label_key(row.label);
            let core = without_trailing_note(&key).to_string();
            if core != key && core.chars().count() >= 4 {
                entries.push((i, core, false));
            }
            entries.push((i, key, true));
            if row.role == RowRole::OutcomeTotal {
                entries.push((i, "总计".to_string(), false));
                // `（七）合计`: some offices print 合计 for 总计.
                entries.push((i, label_key(&row.label.replace("总计", "合计")), false));
            }
            let renamed = RENAMED_ROWS
                .iter()
                .filter(|(f, t, k, _)| *f == format && *t == spec.id && *k == row.key());
            entries.extend(renamed.map(|(_, _, _, name)| (i, label_key(name), false)));
        }
        let groups: Vec<String> = spec
            .rows
            .iter()
            .flat_map(|r| [r.group, r.section])
            .flatten()
            .map(label_key)
            .filter(|g| !entries.iter().any(|(_, k, _)| k == g))
            .collect();
        let mut group_labels: Vec<String> = groups.iter().flat_map(|g| pieces(g)).collect();
        group_labels.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        group_labels.dedup();
        // A piece that is part of a row's label would cut the label.
        group_labels.retain(|g| !entries.iter().any(|(_, k, _)| k.contains(g.as_str())));
        RowLabels {
            entries,
            header_words: header_words(spec),
            group_labels,
        }
    }

    /// Keys of every label, for splitting `行政处罚31`.
    pub fn keys(&self) -> Vec<String> {
        self.entries.iter().map(|(_, k, _)| k.clone()).collect()
    }

    /// The row whose label the text ends with: the official label, a
    /// variant, or failing those a label cut short (at least 40% of it and 6
    /// characters, and the start of no other row's label). Also gives the
    /// byte offset in `key` where the row's label starts.
    pub fn find(&self, key: &str) -> Option<(usize, Fit, usize)> {
        if let Some((row, official, len)) = self.longest_suffix(key) {
            let fit = if official { Fit::Exact } else { Fit::Variant };
            return Some((row, fit, key.len() - len));
        }
        // `1.申请人…行政（六）其他处理机关不再处理其政府信息公开申请`: a group
        // label printed inside a wrapped row label.
        let without = self.without_group_labels(key);
        if without != key
            && let Some((row, true, _)) = self.longest_suffix(&without)
        {
            return Some((row, Fit::Exact, 0));
        }
        let core = strip_all_trailing_notes(key);
        if core != key
            && let Some((row, _, len)) = self.longest_suffix(core)
        {
            return Some((row, Fit::Variant, core.len() - len));
        }
        self.truncated(key)
            .map(|(row, len)| (row, Fit::Truncated, key.len() - len))
    }

    fn without_group_labels(&self, key: &str) -> String {
        self.group_labels
            .iter()
            .fold(key.to_string(), |k, g| k.replace(g.as_str(), ""))
    }

    /// (row, official?, byte length of the matching label)
    fn longest_suffix(&self, key: &str) -> Option<(usize, bool, usize)> {
        self.entries
            .iter()
            .filter(|(_, k, _)| !k.is_empty() && key.ends_with(k.as_str()))
            .max_by_key(|(_, k, official)| (k.len(), *official))
            .map(|(row, k, official)| (*row, *official, k.len()))
    }

    /// (row, byte length of the label's start found at the end of `key`)
    fn truncated(&self, key: &str) -> Option<(usize, usize)> {
        let mut best: Option<(usize, usize)> = None;
        let mut tie = false;
        for (row, label, _) in &self.entries {
            let chars: Vec<char> = label.chars().collect();
            let min = (chars.len() * 2).div_ceil(5).max(6).min(chars.len());
            for k in (min..chars.len()).rev() {
                let prefix: String = chars[..k].iter().collect();
                if !key.ends_with(&prefix) || self.starts_other_row(&prefix, *row) {
                    continue;
                }
                match best {
                    Some((_, len)) if len > prefix.len() => {}
                    Some((r, len)) if len == prefix.len() && r != *row => tie = true,
                    _ => {
                        best = Some((*row, prefix.len()));
                        tie = false;
                    }
                }
                break;
            }
        }
        if tie { None } else { best }
    }

    fn starts_other_row(&self, prefix: &str, row: usize) -> bool {
        self.entries
            .iter()
            .any(|(r, k, _)| *r != row && k.starts_with(prefix))
    }

    /// True when the text is (part of) the table's header: it names a column.
    pub fn is_header(&self, key: &str) -> bool {
        self.header_words.iter().any(|w| key.contains(w.as_str()))
    }
}

/// Distinctive words of a table's header: its column labels (without their
/// unit notes) and the block and group headings.
fn header_words(spec: &TableSpec) -> Vec<String> {
    let mut words: Vec<String> = spec
        .rows
        .iter()
        .flat_map(|r| r.columns.iter())
        .map(|c| without_trailing_note(&label_key(c.label)).to_string())
        .filter(|w| w.chars().count() >= 3)
        .collect();
    words.extend(
        [
            "信息内容",
            "第二十条",
            "申请人情况",
            "法人或其他组织",
            "本列数据",
            "本年增",
        ]
        .iter()
        .map(|w| w.to_string()),
    );
    words.sort();
    words.dedup();
    words
}

/// A group label and its first and last pieces of 4 characters or more.
fn pieces(label: &str) -> Vec<String> {
    let chars: Vec<char> = label.chars().collect();
    let mut out = vec![label.to_string()];
    for k in 4..chars.len() {
        out.push(chars[..k].iter().collect());
        out.push(chars[chars.len() - k..].iter().collect());
    }
    out
}

/// `本年收费金额（单位：万元）` → `本年收费金额`.
pub fn without_trailing_note(key: &str) -> &str {
    match key
        .strip_suffix('）')
        .and_then(|k| k.rfind('（').map(|i| &k[..i]))
    {
        Some(core) if !core.is_empty() => core,
        _ => key,
    }
}

fn strip_all_trailing_notes(key: &str) -> &str {
    let mut k = key;
    loop {
        let next = without_trailing_note(k);
        if next == k {
            return k;
        }
        k = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::schema::{T2_2019, T2_2021, T3_2021};

    #[test]
    fn finds_rows_by_the_end_of_their_label() {
        let l = RowLabels::new(&T3_2021, Format::V2021);
        let (row, fit, _) = l
            .find(&label_key(
                "申请人情况 自然人 一、本年新收政府信息公开申请数量",
            ))
            .unwrap();
        assert_eq!(
            (T3_2021.rows[row].key(), fit),
            ("received".into(), Fit::Exact)
        );
        let (row, _, _) = l
            .find(&label_key("（三）不予 公开 1.属于国家秘密"))
            .unwrap();
        assert_eq!(T3_2021.rows[row].key(), "outcomes.withheld.state_secret");
        assert_eq!(
            l.find(&label_key("3.其他"))
                .map(|(r, _, _)| T3_2021.rows[r].key()),
            Some("outcomes.other_handling.other".into())
        );
    }

    #[test]
    fn accepts_notes_renamed_rows_and_cut_labels() {
        let t2 = RowLabels::new(&T2_2019, Format::V2019);
        let (row, fit, _) = t2
            .find(&label_key("规章(设区的市、自治州人民政府应提供相关数据)"))
            .unwrap();
        assert_eq!(
            (T2_2019.rows[row].key(), fit),
            ("rules".into(), Fit::Variant)
        );
        let t2 = RowLabels::new(&T2_2021, Format::V2021);
        let (row, fit, _) = t2.find("规范性文件").unwrap();
        assert_eq!(
            (T2_2021.rows[row].key(), fit),
            ("normative_documents".into(), Fit::Variant)
        );
        let t3 = RowLabels::new(&T3_2021, Format::V2021);
        let (row, fit, _) = t3
            .find(&label_key(
                "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息",
            ))
            .unwrap();
        assert_eq!(
            (T3_2021.rows[row].key(), fit),
            (
                "outcomes.other_handling.no_correction".into(),
                Fit::Truncated
            )
        );
        assert_eq!(t3.find("1.属于"), None);
        let (row, fit, _) = t3.find(&label_key("（七）合计")).unwrap();
        assert_eq!(
            (T3_2021.rows[row].key(), fit),
            ("outcomes.total".into(), Fit::Variant)
        );
    }

    #[test]
    fn a_group_label_inside_a_wrapped_row_label_is_looked_through() {
        let t3 = RowLabels::new(&T3_2021, Format::V2021);
        let key = label_key(
            "1.申请人无正当理由逾期不补正、行政机关 （六）其他处理 不再处理其政府信息公开申请",
        );
        let (row, fit, _) = t3.find(&key).unwrap();
        assert_eq!(
            (T3_2021.rows[row].key(), fit),
            ("outcomes.other_handling.no_correction".into(), Fit::Exact)
        );
    }

    #[test]
    fn a_piece_of_the_section_label_inside_a_row_label_is_looked_through() {
        let t3 = RowLabels::new(&T3_2021, Format::V2021);
        let key = label_key("（二）部分公开（区分处理的，只计这一 三、本年度 情形，不计其他情形）");
        let (row, fit, _) = t3.find(&key).unwrap();
        assert_eq!(
            (T3_2021.rows[row].key(), fit),
            ("outcomes.partially_disclosed".into(), Fit::Exact)
        );
    }

    #[test]
    fn knows_header_text() {
        let t2 = RowLabels::new(&T2_2021, Format::V2021);
        assert!(t2.is_header(&label_key(
            "信息内容 本年收费金额（单位：万元，保留4位小数）"
        )));
        assert!(!t2.is_header("行政许可"));
    }
}
