//! Table 二、主动公开政府信息情况: T2.1–T2.8.

use super::{RuleContext, blank_cells, numbers};
use crate::config::AgencyLevel;
use crate::diag::Finding;
use crate::report::num::Num;
use crate::report::schema::{CellKind, Format, T2_2019};
use crate::report::{Origin, Table, Value};

pub fn check(file: &str, t: &Table, ctx: &RuleContext, out: &mut Vec<Finding>) {
    let format = if std::ptr::eq(t.spec, &T2_2019) {
        Format::V2019
    } else {
        Format::V2021
    };
    t2_1_values_have_their_kind(file, t, out);
    blank_cells(file, t, "T2.8", out);
    match format {
        Format::V2021 => {
            t2_1_fee_in_ten_thousand_yuan(file, t, out);
            t2_2_fee_decimals(file, t, ctx, out);
            t2_3_in_force_not_below_issued(file, t, out);
        }
        Format::V2019 => {
            t2_5_published_total_not_below_published(file, t, out);
            t2_6_item_counts_plausible(file, t, out);
            t2_7_procurement_amount_has_unit(file, t, out);
        }
    }
    t2_4_rules_only_where_allowed(file, t, ctx, out);
}

/// A written number at (row key, column).
fn cell(t: &Table, key: &str, col: usize) -> Option<(Num, crate::content::yaml::Pos, usize)> {
    let (r, _) = t.spec.row(&[key])?;
    let c = t.rows[r].cells.get(col)?;
    match (&c.value, c.origin) {
        (Value::Number(n), Origin::Written) => Some((*n, c.pos, r)),
        _ => None,
    }
}

/// T2.1: counts are integers ≥ 0, money is ≥ 0, 本年增/减 is an integer.
pub fn t2_1_values_have_their_kind(file: &str, t: &Table, out: &mut Vec<Finding>) {
    for (r, c, n) in numbers(t) {
        let kind = t.spec.rows[r].columns[c].kind;
        let problem = match kind {
            CellKind::Count if !n.is_integer() || n.is_negative() => "应为不小于 0 的整数（件数）",
            CellKind::Change if !n.is_integer() => "应为整数（增加写正数，减少写负数，如 -8）",
            CellKind::Money if n.is_negative() => "金额不能小于 0",
            _ => continue,
        };
        out.push(
            Finding::error(
                file,
                t.rows[r].cells[c].pos,
                "T2.1",
                format!("{problem}，这里是 {n}"),
            )
            .at(t.place(r, Some(c)))
            .numbers(problem.split('（').next().unwrap_or(problem), n),
        );
    }
}

/// T2.1 (2021): the fee is in 万元. A fee whose note gives another unit
/// ("12500元", as published or imported) would be shown, summed and exported
/// as 12,500 万元.
pub fn t2_1_fee_in_ten_thousand_yuan(file: &str, t: &Table, out: &mut Vec<Finding>) {
    let Some((n, pos, r)) = cell(t, "fees", 0) else {
        return;
    };
    let Some(note) = t.note(r, 0) else {
        return;
    };
    // Only a note that is a unit: "含罚没收入3000元" is a remark.
    let bare: String = note
        .replace("单位", "")
        .replace("人民币", "")
        .chars()
        .filter(|c| !c.is_whitespace() && !"：:（）()".contains(*c))
        .collect();
    let unit = match bare.as_str() {
        "元" => ("元", 4),
        "千元" => ("千元", 1),
        _ => return,
    };
    let in_wan = n.shifted_down(unit.1);
    out.push(
        Finding::error(
            file,
            pos,
            "T2.1",
            format!(
                "收费金额的单位是万元，这里注明的单位是“{}”（{note}）：{n} {} = {in_wan} 万元",
                unit.0, unit.0
            ),
        )
        .at(t.place(r, Some(0)))
        .numbers(in_wan, n)
        .hint(format!(
            "写成 fees: {in_wan}（单位：万元），不要再注明“{}”",
            unit.0
        )),
    );
}

/// T2.2: with a provincial overlay (Henan: 保留4位小数), the fee must be shown with exactly that many decimals.
pub fn t2_2_fee_decimals(file: &str, t: &Table, ctx: &RuleContext, out: &mut Vec<Finding>) {
    let Some(decimals) = ctx.fee_decimals else {
        return;
    };
    let Some((n, pos, r)) = cell(t, "fees", 0) else {
        return;
    };
    if n.decimals() > decimals {
        out.push(
            Finding::warning(
                file,
                pos,
                "T2.2",
                format!(
                    "本省要求收费金额保留 {decimals} 位小数，这里写了 {} 位（{n}）：页面按原样显示，请核对后改为 {decimals} 位小数",
                    n.decimals()
                ),
            )
            .at(t.place(r, Some(0)))
            .numbers(format!("{decimals} 位小数"), n),
        );
    }
}

/// T2.3 (2021): 现行有效件数 < 本年制发件数 is suspicious.
pub fn t2_3_in_force_not_below_issued(file: &str, t: &Table, out: &mut Vec<Finding>) {
    for key in ["rules", "normative_documents"] {
        let (Some((issued, _, r)), Some((in_force, pos, _))) = (cell(t, key, 0), cell(t, key, 2))
        else {
            continue;
        };
        if in_force < issued {
            out.push(
                Finding::warning(
                    file,
                    pos,
                    "T2.3",
                    format!(
                        "现行有效件数 {in_force} 小于本年制发件数 {issued}：本年制发的文件通常仍然有效，请核对是否填反了列"
                    ),
                )
                .at(t.place(r, Some(2)))
                .numbers(format!("≥ {issued}"), in_force),
            );
        }
    }
}

/// T2.4: 规章 > 0 only for bodies that may make 规章.
pub fn t2_4_rules_only_where_allowed(
    file: &str,
    t: &Table,
    ctx: &RuleContext,
    out: &mut Vec<Finding>,
) {
    let Some(level) = ctx.level else {
        return;
    };
    if level.may_make_rules() {
        return;
    }
    let (r, spec) = match t.spec.row(&["rules"]) {
        Some(x) => x,
        None => return,
    };
    for c in 0..spec.columns.len() {
        let Some((n, pos, _)) = cell(t, "rules", c) else {
            continue;
        };
        if n > Num::int(0) {
            out.push(
                Finding::warning(
                    file,
                    pos,
                    "T2.4",
                    format!(
                        "规章数为 {n}，但本机关是{}：只有国务院部门和省、设区的市、自治州人民政府可以制定规章。是否应填在“行政规范性文件”一行？",
                        level.chinese()
                    ),
                )
                .at(t.place(r, Some(c)))
                .numbers(0, n),
            );
            return;
        }
    }
}

/// T2.5 (2019): 对外公开总数量 < 本年新公开数量, or new documents with a total of 0.
pub fn t2_5_published_total_not_below_published(file: &str, t: &Table, out: &mut Vec<Finding>) {
    for key in ["rules", "normative_documents"] {
        let (Some((made, _, r)), Some((published, _, _)), Some((total, pos, _))) =
            (cell(t, key, 0), cell(t, key, 1), cell(t, key, 2))
        else {
            continue;
        };
        let msg = if total < published {
            format!(
                "对外公开总数量 {total} 小于本年新公开数量 {published}：总数量应包含本年新公开的文件"
            )
        } else if made > Num::int(0) && total.is_zero() {
            format!("本年新制作 {made} 件，但对外公开总数量为 0：请核对是否漏填")
        } else {
            continue;
        };
        out.push(
            Finding::warning(file, pos, "T2.5", msg)
                .at(t.place(r, Some(2)))
                .numbers(format!("≥ {published}"), total),
        );
    }
}

/// T2.6 (2019): 上一年项目数量 + 本年增/减 < 0, or 处理决定数量 equal to that sum (a misread column?).
pub fn t2_6_item_counts_plausible(file: &str, t: &Table, out: &mut Vec<Finding>) {
    for key in [
        "licensing",
        "other_services",
        "punishment",
        "coercion",
        "fees",
    ] {
        let (Some((prev, _, r)), Some((change, pos, _))) = (cell(t, key, 0), cell(t, key, 1))
        else {
            continue;
        };
        let now = prev + change;
        if now.is_negative() {
            out.push(
                Finding::warning(
                    file,
                    pos,
                    "T2.6",
                    format!("上一年项目数量 {prev} 加本年增/减 {change} 得 {now}，项目数不会小于 0：请核对增/减的正负号"),
                )
                .at(t.place(r, Some(1)))
                .numbers("≥ 0", now),
            );
        } else if let Some((decisions, dpos, _)) = cell(t, key, 2)
            && decisions == now
            && !now.is_zero()
        {
            out.push(
                Finding::warning(
                    file,
                    dpos,
                    "T2.6",
                    format!(
                        "处理决定数量 {decisions} 恰好等于上一年项目数量＋本年增/减（{prev}＋{change}）：处理决定数量是本年的办件量，不是项目数，请核对是否填错了列"
                    ),
                )
                .at(t.place(r, Some(2))),
            );
        }
    }
}

/// T2.7 (2019): 采购总金额 without a stated unit.
pub fn t2_7_procurement_amount_has_unit(file: &str, t: &Table, out: &mut Vec<Finding>) {
    let Some((r, _)) = t.spec.row(&["procurement"]) else {
        return;
    };
    let c = &t.rows[r].cells[1];
    let Value::Number(n) = c.value else {
        return;
    };
    let has_unit = t.note(r, 1).is_some_and(|n| n.contains('元'));
    if !n.is_zero() && !has_unit {
        out.push(
            Finding::warning(
                file,
                c.pos,
                "T2.7",
                format!("采购总金额 {n} 没有写单位：2019年格式的表格没有规定单位，读者无法判断是元还是万元"),
            )
            .at(t.place(r, Some(1)))
            .hint(format!("写成 {{ value: {n}, note: \"万元\" }}（或 \"元\"）")),
        );
    }
}

impl AgencyLevel {
    /// 国务院部门 and the governments of provinces and 设区的市/自治州 may make 规章.
    pub fn may_make_rules(self) -> bool {
        !matches!(self, AgencyLevel::County | AgencyLevel::Township)
    }
}
