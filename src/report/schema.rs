//! The official report formats: every table, row and column with its verbatim
//! label (`../shared/reference/report-formats.md`), and the front-matter key
//! that holds it (`front-matter.md`).
//!
//! Everything that knows "which rows exist" reads these tables: the parser,
//! the rules, the page layout, the data exports and `gongkai new`.

use serde::{Deserialize, Serialize};

/// Which official format a report follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Format {
    /// 国办公开办函〔2019〕60号 (年度报告格式（试行）): reports for 2019 and 2020.
    #[serde(rename = "2019")]
    V2019,
    /// 国办公开办函〔2021〕30号: reports for 2021 and later.
    #[serde(rename = "2021")]
    V2021,
}

impl Format {
    /// The format the year calls for (`format:` may say otherwise; F2 checks it).
    pub fn for_year(year: i64) -> Format {
        if year <= 2020 {
            Format::V2019
        } else {
            Format::V2021
        }
    }

    pub fn other(self) -> Format {
        match self {
            Format::V2019 => Format::V2021,
            Format::V2021 => Format::V2019,
        }
    }

    /// `"2019"` / `"2021"`, as written in `format:`.
    pub fn key(self) -> &'static str {
        match self {
            Format::V2019 => "2019",
            Format::V2021 => "2021",
        }
    }

    /// The document that defines the format.
    pub fn document(self) -> &'static str {
        match self {
            Format::V2019 => "国办公开办函〔2019〕60号",
            Format::V2021 => "国办公开办函〔2021〕30号",
        }
    }

    pub fn tables(self) -> [&'static TableSpec; 3] {
        match self {
            Format::V2019 => [&T2_2019, &T3_2019, &T4],
            Format::V2021 => [&T2_2021, &T3_2021, &T4],
        }
    }
}

/// The three tables of a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum TableId {
    /// 二、主动公开政府信息情况
    #[serde(rename = "active_disclosure")]
    Active,
    /// 三、收到和处理政府信息公开申请情况
    #[serde(rename = "applications")]
    Applications,
    /// 四、政府信息公开行政复议、行政诉讼情况
    #[serde(rename = "reviews_and_litigation")]
    Reviews,
}

/// What a cell may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellKind {
    /// A number of documents, decisions, applications or cases: integer ≥ 0.
    Count,
    /// 2019 本年增/减: a signed integer.
    Change,
    /// A money amount: decimal ≥ 0 (万元 for 2021 fees; unit stated by the author for 2019 采购总金额).
    Money,
}

#[derive(Debug)]
pub struct ColumnSpec {
    /// Verbatim label of the column.
    pub label: &'static str,
    pub kind: CellKind,
    /// Short name for file names and JSON (`natural_person`, `total`, …).
    pub key: &'static str,
}

/// One data row of an official table.
#[derive(Debug)]
pub struct RowSpec {
    /// Key path under the table's key, e.g. `["outcomes", "withheld", "state_secret"]`.
    pub path: &'static [&'static str],
    /// Verbatim label of the row (the innermost label on the form).
    pub label: &'static str,
    /// Label of the enclosing group, e.g. `（三）不予公开`, or the T2 block header.
    pub group: Option<&'static str>,
    /// Label of the enclosing section, e.g. `三、本年度办理结果` (table 三 only).
    pub section: Option<&'static str>,
    /// The row's columns.
    pub columns: &'static [ColumnSpec],
    /// A single-cell row written as a scalar (`punishment: 31`), not a list.
    pub scalar: bool,
    /// What the row is in the arithmetic of table 三 / 四.
    pub role: RowRole,
}

impl RowSpec {
    /// Dotted key, e.g. `outcomes.withheld.state_secret`.
    pub fn key(&self) -> String {
        self.path.join(".")
    }

    /// Full label as a reader sees it: group and row, e.g. `（三）不予公开 · 1.属于国家秘密`.
    pub fn full_label(&self) -> String {
        match self.group {
            Some(g) if !g.starts_with("第二十条") => format!("{g} · {}", self.label),
            _ => self.label.to_string(),
        }
    }
}

/// The part a row plays in the sums.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowRole {
    /// Table 二 row, or a table 四 group: no row-wise sum beyond its own total column.
    Plain,
    /// 一、本年新收
    Received,
    /// 二、上年结转
    CarriedOver,
    /// One of the outcome rows （一）…（六） summed into （七）总计.
    Outcome,
    /// （七）总计 (optional row)
    OutcomeTotal,
    /// 四、结转下年度继续办理
    CarriedForward,
}

/// Every table spec, for [`spec_ref`].
static ALL_SPECS: [&TableSpec; 5] = [&T2_2021, &T2_2019, &T3_2021, &T3_2019, &T4];

/// A `&'static TableSpec` in the load cache: its place in [`ALL_SPECS`].
pub mod spec_ref {
    use super::{ALL_SPECS, TableSpec};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(spec: &&'static TableSpec, s: S) -> Result<S::Ok, S::Error> {
        let i = ALL_SPECS
            .iter()
            .position(|t| std::ptr::eq(*t, *spec))
            .ok_or_else(|| serde::ser::Error::custom("unknown table spec"))?;
        (i as u8).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<&'static TableSpec, D::Error> {
        let i = u8::deserialize(d)?;
        ALL_SPECS
            .get(usize::from(i))
            .copied()
            .ok_or_else(|| serde::de::Error::custom("unknown table spec"))
    }
}

/// One official table in one format.
#[derive(Debug)]
pub struct TableSpec {
    pub id: TableId,
    /// The front-matter key holding the table (`applications`, …).
    pub key: &'static str,
    /// Section heading, e.g. `三、收到和处理政府信息公开申请情况`.
    pub title: &'static str,
    /// Short name for messages, e.g. `表三`.
    pub short: &'static str,
    pub rows: &'static [RowSpec],
    /// Rows whose last column is a 总计 that may be left out (tables 三 and 四).
    pub has_total_column: bool,
}

impl TableSpec {
    pub fn row(&self, path: &[&str]) -> Option<(usize, &'static RowSpec)> {
        self.rows.iter().enumerate().find(|(_, r)| r.path == path)
    }

    /// Index of the row playing `role` (the first one).
    pub fn row_index(&self, role: RowRole) -> Option<usize> {
        self.rows.iter().position(|r| r.role == role)
    }
}

macro_rules! col {
    ($label:expr, $key:expr) => {
        ColumnSpec {
            label: $label,
            kind: CellKind::Count,
            key: $key,
        }
    };
    ($label:expr, $key:expr, $kind:ident) => {
        ColumnSpec {
            label: $label,
            kind: CellKind::$kind,
            key: $key,
        }
    };
}

// ---------------------------------------------------------------- table 二

pub const ART20_1: &str = "第二十条第（一）项";
pub const ART20_5: &str = "第二十条第（五）项";
pub const ART20_6: &str = "第二十条第（六）项";
pub const ART20_8: &str = "第二十条第（八）项";
pub const ART20_9: &str = "第二十条第（九）项";

static T2_2021_DOCS: [ColumnSpec; 3] = [
    col!("本年制发件数", "issued"),
    col!("本年废止件数", "repealed"),
    col!("现行有效件数", "in_force"),
];
static T2_2021_DECISIONS: [ColumnSpec; 1] = [col!("本年处理决定数量", "decisions")];
/// The national fee header; a provincial overlay may replace it.
pub const FEE_LABEL_2021: &str = "本年收费金额（单位：万元）";
pub static T2_2021_FEES: [ColumnSpec; 1] = [col!(FEE_LABEL_2021, "amount", Money)];

macro_rules! t2row {
    ($path:expr, $label:expr, $group:expr, $cols:expr, $scalar:expr) => {
        RowSpec {
            path: $path,
            label: $label,
            group: Some($group),
            section: None,
            columns: $cols,
            scalar: $scalar,
            role: RowRole::Plain,
        }
    };
}

pub static T2_2021: TableSpec = TableSpec {
    id: TableId::Active,
    key: "active_disclosure",
    title: "二、主动公开政府信息情况",
    short: "表二",
    has_total_column: false,
    rows: &[
        t2row!(&["rules"], "规章", ART20_1, &T2_2021_DOCS, false),
        t2row!(
            &["normative_documents"],
            "行政规范性文件",
            ART20_1,
            &T2_2021_DOCS,
            false
        ),
        t2row!(
            &["licensing"],
            "行政许可",
            ART20_5,
            &T2_2021_DECISIONS,
            true
        ),
        t2row!(
            &["punishment"],
            "行政处罚",
            ART20_6,
            &T2_2021_DECISIONS,
            true
        ),
        t2row!(&["coercion"], "行政强制", ART20_6, &T2_2021_DECISIONS, true),
        t2row!(&["fees"], "行政事业性收费", ART20_8, &T2_2021_FEES, true),
    ],
};

static T2_2019_DOCS: [ColumnSpec; 3] = [
    col!("本年新制作数量", "made"),
    col!("本年新公开数量", "published"),
    col!("对外公开总数量", "published_total"),
];
static T2_2019_ITEMS: [ColumnSpec; 3] = [
    col!("上一年项目数量", "previous_items"),
    col!("本年增/减", "change", Change),
    col!("处理决定数量", "decisions"),
];
static T2_2019_FEES: [ColumnSpec; 2] = [
    col!("上一年项目数量", "previous_items"),
    col!("本年增/减", "change", Change),
];
static T2_2019_PROCUREMENT: [ColumnSpec; 2] = [
    col!("采购项目数量", "projects"),
    col!("采购总金额", "amount", Money),
];

pub static T2_2019: TableSpec = TableSpec {
    id: TableId::Active,
    key: "active_disclosure",
    title: "二、主动公开政府信息情况",
    short: "表二",
    has_total_column: false,
    rows: &[
        t2row!(&["rules"], "规章", ART20_1, &T2_2019_DOCS, false),
        t2row!(
            &["normative_documents"],
            "规范性文件",
            ART20_1,
            &T2_2019_DOCS,
            false
        ),
        t2row!(&["licensing"], "行政许可", ART20_5, &T2_2019_ITEMS, false),
        t2row!(
            &["other_services"],
            "其他对外管理服务事项",
            ART20_5,
            &T2_2019_ITEMS,
            false
        ),
        t2row!(&["punishment"], "行政处罚", ART20_6, &T2_2019_ITEMS, false),
        t2row!(&["coercion"], "行政强制", ART20_6, &T2_2019_ITEMS, false),
        t2row!(&["fees"], "行政事业性收费", ART20_8, &T2_2019_FEES, false),
        t2row!(
            &["procurement"],
            "政府集中采购",
            ART20_9,
            &T2_2019_PROCUREMENT,
            false
        ),
    ],
};

// ---------------------------------------------------------------- table 三

/// The printed rule of table 三 (its top-left header cell).
pub const T3_NOTE: &str = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";

pub static T3_COLUMNS: [ColumnSpec; 7] = [
    col!("自然人", "natural_person"),
    col!("商业企业", "commercial_enterprise"),
    col!("科研机构", "research_institution"),
    col!("社会公益组织", "public_welfare_organization"),
    col!("法律服务机构", "legal_service_institution"),
    col!("其他", "other"),
    col!("总计", "total"),
];

/// Index of the 总计 column in table 三.
pub const T3_TOTAL_COL: usize = 6;

pub const RESULTS: &str = "三、本年度办理结果";
pub const WITHHELD: &str = "（三）不予公开";
pub const UNABLE: &str = "（四）无法提供";
pub const NOT_PROCESSED: &str = "（五）不予处理";
pub const OTHER_HANDLING: &str = "（六）其他处理";

macro_rules! t3row {
    ($path:expr, $label:expr, $role:ident) => {
        RowSpec {
            path: $path,
            label: $label,
            group: None,
            section: None,
            columns: &T3_COLUMNS,
            scalar: false,
            role: RowRole::$role,
        }
    };
    ($path:expr, $label:expr, $group:expr, $role:ident) => {
        RowSpec {
            path: $path,
            label: $label,
            group: $group,
            section: Some(RESULTS),
            columns: &T3_COLUMNS,
            scalar: false,
            role: RowRole::$role,
        }
    };
}

macro_rules! t3_rows {
    ($($other:tt)*) => {
        &[
            t3row!(&["received"], "一、本年新收政府信息公开申请数量", Received),
            t3row!(&["carried_over"], "二、上年结转政府信息公开申请数量", CarriedOver),
            t3row!(&["outcomes", "disclosed"], "（一）予以公开", None, Outcome),
            t3row!(
                &["outcomes", "partially_disclosed"],
                "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                None,
                Outcome
            ),
            t3row!(&["outcomes", "withheld", "state_secret"], "1.属于国家秘密", Some(WITHHELD), Outcome),
            t3row!(&["outcomes", "withheld", "prohibited_by_law"], "2.其他法律行政法规禁止公开", Some(WITHHELD), Outcome),
            t3row!(&["outcomes", "withheld", "security_stability"], "3.危及“三安全一稳定”", Some(WITHHELD), Outcome),
            t3row!(&["outcomes", "withheld", "third_party_rights"], "4.保护第三方合法权益", Some(WITHHELD), Outcome),
            t3row!(&["outcomes", "withheld", "internal_affairs"], "5.属于三类内部事务信息", Some(WITHHELD), Outcome),
            t3row!(&["outcomes", "withheld", "process_information"], "6.属于四类过程性信息", Some(WITHHELD), Outcome),
            t3row!(&["outcomes", "withheld", "enforcement_files"], "7.属于行政执法案卷", Some(WITHHELD), Outcome),
            t3row!(&["outcomes", "withheld", "administrative_query"], "8.属于行政查询事项", Some(WITHHELD), Outcome),
            t3row!(&["outcomes", "unable_to_provide", "not_held"], "1.本机关不掌握相关政府信息", Some(UNABLE), Outcome),
            t3row!(&["outcomes", "unable_to_provide", "needs_creation"], "2.没有现成信息需要另行制作", Some(UNABLE), Outcome),
            t3row!(&["outcomes", "unable_to_provide", "unclear_after_correction"], "3.补正后申请内容仍不明确", Some(UNABLE), Outcome),
            t3row!(&["outcomes", "not_processed", "petition_or_complaint"], "1.信访举报投诉类申请", Some(NOT_PROCESSED), Outcome),
            t3row!(&["outcomes", "not_processed", "repeated"], "2.重复申请", Some(NOT_PROCESSED), Outcome),
            t3row!(&["outcomes", "not_processed", "publications"], "3.要求提供公开出版物", Some(NOT_PROCESSED), Outcome),
            t3row!(&["outcomes", "not_processed", "excessive"], "4.无正当理由大量反复申请", Some(NOT_PROCESSED), Outcome),
            t3row!(&["outcomes", "not_processed", "confirmation"], "5.要求行政机关确认或重新出具已获取信息", Some(NOT_PROCESSED), Outcome),
            $($other)*
            t3row!(&["outcomes", "total"], "（七）总计", None, OutcomeTotal),
            t3row!(&["carried_forward"], "四、结转下年度继续办理", CarriedForward),
        ]
    };
}

pub static T3_2021: TableSpec = TableSpec {
    id: TableId::Applications,
    key: "applications",
    title: "三、收到和处理政府信息公开申请情况",
    short: "表三",
    has_total_column: true,
    rows: t3_rows!(
        t3row!(
            &["outcomes", "other_handling", "no_correction"],
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            Some(OTHER_HANDLING),
            Outcome
        ),
        t3row!(
            &["outcomes", "other_handling", "fee_unpaid"],
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            Some(OTHER_HANDLING),
            Outcome
        ),
        t3row!(
            &["outcomes", "other_handling", "other"],
            "3.其他",
            Some(OTHER_HANDLING),
            Outcome
        ),
    ),
};

pub static T3_2019: TableSpec = TableSpec {
    id: TableId::Applications,
    key: "applications",
    title: "三、收到和处理政府信息公开申请情况",
    short: "表三",
    has_total_column: true,
    rows: t3_rows!(t3row!(
        &["outcomes", "other_handling"],
        OTHER_HANDLING,
        None,
        Outcome
    ),),
};

// ---------------------------------------------------------------- table 四

pub static T4_COLUMNS: [ColumnSpec; 5] = [
    col!("结果维持", "upheld"),
    col!("结果纠正", "corrected"),
    col!("其他结果", "other"),
    col!("尚未审结", "pending"),
    col!("总计", "total"),
];

/// Index of the 总计 column in each group of table 四.
pub const T4_TOTAL_COL: usize = 4;

pub const REVIEW: &str = "行政复议";
pub const LITIGATION: &str = "行政诉讼";

pub static T4: TableSpec = TableSpec {
    id: TableId::Reviews,
    key: "reviews_and_litigation",
    title: "四、政府信息公开行政复议、行政诉讼情况",
    short: "表四",
    has_total_column: true,
    rows: &[
        RowSpec {
            path: &["review"],
            label: REVIEW,
            group: None,
            section: None,
            columns: &T4_COLUMNS,
            scalar: false,
            role: RowRole::Plain,
        },
        RowSpec {
            path: &["litigation_direct"],
            label: "未经复议直接起诉",
            group: Some(LITIGATION),
            section: None,
            columns: &T4_COLUMNS,
            scalar: false,
            role: RowRole::Plain,
        },
        RowSpec {
            path: &["litigation_after_review"],
            label: "复议后起诉",
            group: Some(LITIGATION),
            section: None,
            columns: &T4_COLUMNS,
            scalar: false,
            role: RowRole::Plain,
        },
    ],
};

/// The six sections of every report, in order.
pub const SECTIONS: [&str; 6] = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
];

/// Section titles as real reports write them (N6), without the number, for matching.
pub const SECTION_ALIASES: [&[&str]; 6] = [
    &["总体情况"],
    &["主动公开政府信息情况", "主动公开政府信息"],
    &[
        "收到和处理政府信息公开申请情况",
        "收到和处理政府信息公开申请",
    ],
    &[
        "政府信息公开行政复议、行政诉讼情况",
        "政府信息公开行政复议及行政诉讼情况",
        "因政府信息公开工作被申请行政复议和提起行政诉讼情况",
        "因政府信息公开工作被申请行政复议提起行政诉讼情况",
        "因政府信息公开工作被申请行政复议、提起行政诉讼情况",
        "政府信息公开行政复议和行政诉讼情况",
    ],
    &[
        "存在的主要问题及改进情况",
        "政府信息公开工作存在的主要问题及改进情况",
        "存在的主要问题和改进措施",
        "存在的主要问题及改进措施",
        "存在的问题及改进情况",
    ],
    &["其他需要报告的事项", "其他事项", "其他需要报告事项"],
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_three_has_the_official_row_counts() {
        assert_eq!(T3_2021.rows.len(), 25);
        assert_eq!(T3_2019.rows.len(), 23);
        let in_results = |t: &TableSpec| t.rows.iter().filter(|r| r.section.is_some()).count();
        assert_eq!(in_results(&T3_2021), 22);
        assert_eq!(in_results(&T3_2019), 20);
    }

    #[test]
    fn every_row_key_is_unique_within_a_table() {
        for f in [Format::V2019, Format::V2021] {
            for t in f.tables() {
                let mut keys: Vec<_> = t.rows.iter().map(RowSpec::key).collect();
                keys.sort();
                keys.dedup();
                assert_eq!(keys.len(), t.rows.len(), "{}", t.title);
            }
        }
    }
}
