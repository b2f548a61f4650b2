//! The key figures of a report: what listings, charts, placeholders and the
//! TEXT rules read from the tables. Computed in one place.

use super::num::Num;
use super::schema::{RowRole, TableId};
use super::{Report, Table};
use serde::Serialize;

/// The outcome categories of table 三 as prose names them, with their group label.
pub const OUTCOMES: [(&str, &str); 6] = [
    ("予以公开", ""),
    ("部分公开", ""),
    ("不予公开", "（三）不予公开"),
    ("无法提供", "（四）无法提供"),
    ("不予处理", "（五）不予处理"),
    ("其他处理", "（六）其他处理"),
];

/// The labels of table 四's outcome columns.
pub const CASE_OUTCOMES: [&str; 4] = ["结果维持", "结果纠正", "其他结果", "尚未审结"];

/// `None` where the report has no such table or the cells could not be read.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct KeyFigures {
    /// 一、本年新收 · 总计
    pub received: Option<Num>,
    /// 一、本年新收 · 自然人
    pub received_natural: Option<Num>,
    /// 一、本年新收 · 五类法人或其他组织之和
    pub received_orgs: Option<Num>,
    /// 二、上年结转 · 总计
    pub carried_over: Option<Num>,
    /// （七）总计 · 总计 (办结)
    pub done: Option<Num>,
    /// 四、结转下年度继续办理 · 总计
    pub carried_forward: Option<Num>,
    /// （一）予以公开 … （六）其他处理, each group's total.
    pub outcomes: [Option<Num>; 6],
    /// 行政许可 · 处理决定数量
    pub licensing: Option<Num>,
    /// 行政处罚 · 处理决定数量
    pub punishment: Option<Num>,
    /// 行政强制 · 处理决定数量
    pub coercion: Option<Num>,
    /// 行政复议 · 总计
    pub reviews: Option<Num>,
    /// 行政诉讼 · 总计 (直接起诉 + 复议后起诉)
    pub litigation: Option<Num>,
    /// 行政复议: 结果维持, 结果纠正, 其他结果, 尚未审结
    pub review_outcomes: [Option<Num>; 4],
    /// 行政诉讼 (both kinds): 结果维持, 结果纠正, 其他结果, 尚未审结
    pub litigation_outcomes: [Option<Num>; 4],
    /// 结果纠正 + 其他结果 + 尚未审结 of 复议.
    pub review_not_upheld: Option<Num>,
    /// 结果纠正 + 其他结果 + 尚未审结 of 诉讼.
    pub litigation_not_upheld: Option<Num>,
}

impl KeyFigures {
    /// Every figure, in a fixed order (a new field must be added here: the
    /// pattern names them all).
    pub fn each(&self) -> impl Iterator<Item = Option<Num>> + '_ {
        let KeyFigures {
            received,
            received_natural,
            received_orgs,
            carried_over,
            done,
            carried_forward,
            outcomes,
            licensing,
            punishment,
            coercion,
            reviews,
            litigation,
            review_outcomes,
            litigation_outcomes,
            review_not_upheld,
            litigation_not_upheld,
        } = self;
        [
            received,
            received_natural,
            received_orgs,
            carried_over,
            done,
            carried_forward,
        ]
        .into_iter()
        .chain(outcomes)
        .chain([licensing, punishment, coercion, reviews, litigation])
        .chain(review_outcomes)
        .chain(litigation_outcomes)
        .chain([review_not_upheld, litigation_not_upheld])
        .copied()
    }

    pub fn of(report: &Report) -> KeyFigures {
        let mut f = KeyFigures::default();
        if let Some(t) = report.table(TableId::Applications) {
            let total = |role| t.spec.row_index(role).and_then(|r| t.total_of_row(r));
            f.received = total(RowRole::Received);
            f.carried_over = total(RowRole::CarriedOver);
            f.done = total(RowRole::OutcomeTotal);
            f.carried_forward = total(RowRole::CarriedForward);
            if let Some(r) = t.spec.row_index(RowRole::Received) {
                f.received_natural = t.effective(r, 0);
                f.received_orgs = (1..=5).map(|c| t.effective(r, c)).sum();
            }
            f.outcomes = outcome_totals(t);
        }
        if let Some(t) = report.table(TableId::Active) {
            f.licensing = decisions(t, "licensing");
            f.punishment = decisions(t, "punishment");
            f.coercion = decisions(t, "coercion");
        }
        if let Some(t) = report.table(TableId::Reviews) {
            f.reviews = t.total_of_row(0);
            f.litigation = t.total_of_row(1).zip(t.total_of_row(2)).map(|(a, b)| a + b);
            for c in 0..4 {
                f.review_outcomes[c] = t.effective(0, c);
                f.litigation_outcomes[c] =
                    t.effective(1, c).zip(t.effective(2, c)).map(|(a, b)| a + b);
            }
            let not_upheld = |o: &[Option<Num>; 4]| o[1..].iter().copied().sum::<Option<Num>>();
            f.review_not_upheld = not_upheld(&f.review_outcomes);
            f.litigation_not_upheld = not_upheld(&f.litigation_outcomes);
        }
        f
    }
}

/// 处理决定数量: the only column in 2021, the third in 2019.
fn decisions(t: &Table, key: &str) -> Option<Num> {
    let (r, spec) = t.spec.row(&[key])?;
    t.effective(r, spec.columns.len() - 1)
}

/// Each outcome of [`OUTCOMES`]: the sum of its rows' totals (`None` when the
/// table has no such row or a total is unreadable), in one pass over the rows.
fn outcome_totals(t: &Table) -> [Option<Num>; 6] {
    // `None`: no row of the outcome yet.
    let mut sums: [Option<Option<Num>>; 6] = [None; 6];
    for (r, spec) in t.spec.rows.iter().enumerate().take(t.rows.len()) {
        if spec.role != RowRole::Outcome {
            continue;
        }
        for (i, (name, group)) in OUTCOMES.iter().enumerate() {
            let matches = match spec.group {
                Some(g) => g == *group,
                None => spec.label.contains(name),
            };
            if matches {
                let total = t.total_of_row(r);
                sums[i] = Some(match sums[i] {
                    None => total,
                    Some(sum) => sum.zip(total).map(|(a, b)| a + b),
                });
            }
        }
    }
    sums.map(Option::flatten)
}
