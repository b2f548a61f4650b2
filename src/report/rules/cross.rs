//! Rules across reports (the portal knows every year and every agency):
//! Y1–Y4 between consecutive years of one agency, C1 consolidated reports,
//! C2 duplicates, C3 completeness and C4 deadlines.

use crate::config::{AgencyConfig, SiteConfig};
use crate::content::yaml::Pos;
use crate::diag::Finding;
use crate::report::num::Num;
use crate::report::schema::{Format, RowRole, TableId};
use crate::report::{Date, Origin, Report, Table, Value};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Narrative this similar to last year's (Jaccard of character 4-grams) is "copied" (Y4).
pub const SIMILARITY_THRESHOLD: f64 = 0.8;

/// The findings of the year-to-year rules (Y1–Y4) of each agency with the
/// reports they came from. They read nothing but the agency's reports, so
/// an agency whose reports are the same loaded files keeps its findings
/// when a watcher re-assembles the site after one edit.
#[derive(Clone, Debug, Default)]
pub struct CrossCache {
    agencies: BTreeMap<String, (Vec<Arc<Report>>, Vec<Finding>)>,
}

/// Runs every cross-report rule over the portal.
pub fn check_portal(reports: &[Arc<Report>], site: &SiteConfig) -> Vec<Finding> {
    check_portal_cached(reports, site, &mut CrossCache::default())
}

/// [`check_portal`], taking the Y1–Y4 findings of unchanged agencies from
/// `cache` (and leaving this run's there).
pub fn check_portal_cached(
    reports: &[Arc<Report>],
    site: &SiteConfig,
    cache: &mut CrossCache,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let by_agency = index(reports);
    let arcs: std::collections::HashMap<usize, &Arc<Report>> = reports
        .iter()
        .map(|r| (Arc::as_ptr(r) as usize, r))
        .collect();
    let previous = std::mem::take(&mut cache.agencies);
    // Each agency's consecutive years, agencies in parallel, findings in agency order.
    let per_agency: Vec<(String, Vec<Arc<Report>>, Vec<Finding>)> = by_agency
        .par_iter()
        .map(|(name, years)| {
            let from: Vec<Arc<Report>> = years
                .values()
                .map(|r| Arc::clone(arcs[&(*r as *const Report as usize)]))
                .collect();
            if let Some((old, found)) = previous.get(*name)
                && old.len() == from.len()
                && old.iter().zip(&from).all(|(a, b)| Arc::ptr_eq(a, b))
            {
                return (name.to_string(), from, found.clone());
            }
            let mut out = Vec::new();
            for pair in years.values().collect::<Vec<_>>().windows(2) {
                let (prev, cur) = (pair[0], pair[1]);
                if cur.meta.year != prev.meta.year + 1 {
                    continue;
                }
                y1_carried_over_is_last_years_carried_forward(prev, cur, &mut out);
                y2_in_force_follows_last_year(prev, cur, &mut out);
                y3_item_counts_follow_last_year(prev, cur, &mut out);
                y4_not_copied_from_last_year(prev, cur, &mut out);
            }
            (name.to_string(), from, out)
        })
        .collect();
    for (name, from, found) in per_agency {
        out.extend(found.iter().cloned());
        cache.agencies.insert(name, (from, found));
    }
    c1_consolidated_equals_its_members(&by_agency, &site.agencies, &mut out);
    c2_one_report_per_agency_and_year(reports, &mut out);
    one_agency_per_folder(reports, &mut out);
    c3_required_agencies_report_every_year(reports, &by_agency, &site.required_agencies, &mut out);
    c4_published_by_the_deadline(reports, &site.agencies, &mut out);
    out
}

/// Reports by agency and year (the first file in path order when there are two: C2).
fn index(reports: &[Arc<Report>]) -> BTreeMap<&str, BTreeMap<i64, &Report>> {
    let mut out: BTreeMap<&str, BTreeMap<i64, &Report>> = BTreeMap::new();
    for r in reports.iter().map(|r| &**r) {
        out.entry(r.meta.agency.as_str())
            .or_default()
            .entry(r.meta.year)
            .and_modify(|first| {
                if r.source.rel < first.source.rel {
                    *first = r
                }
            })
            .or_insert(r);
    }
    out
}

fn cell_of(t: &Table, row: usize, col: usize) -> Pos {
    t.rows[row].cells[col].pos
}

/// Y1: for every column, this year's 二、上年结转 = last year's 四、结转下年度继续办理.
pub fn y1_carried_over_is_last_years_carried_forward(
    prev: &Report,
    cur: &Report,
    out: &mut Vec<Finding>,
) {
    let (Some(p), Some(c)) = (
        prev.table(TableId::Applications),
        cur.table(TableId::Applications),
    ) else {
        return;
    };
    let (Some(from), Some(to)) = (
        p.spec.row_index(RowRole::CarriedForward),
        c.spec.row_index(RowRole::CarriedOver),
    ) else {
        return;
    };
    for col in 0..c.rows[to].cells.len() {
        let (Some(before), Some(now)) = (p.effective(from, col), c.effective(to, col)) else {
            continue;
        };
        if before != now {
            out.push(
                Finding::error(
                    &cur.source.rel,
                    cell_of(c, to, col),
                    "Y1",
                    format!(
                        "上年结转 {now}，但{}年度报告（{}:{}）的“四、结转下年度继续办理”是 {before}。规则：本年的上年结转应等于上一年度的结转下年度继续办理",
                        prev.meta.year,
                        prev.source.rel,
                        cell_of(p, from, col)
                    ),
                )
                .at(c.place(to, Some(col)))
                .numbers(before, now),
            );
        }
    }
}

/// A written number of row `key`, column `col` of table 二.
fn t2(r: &Report, key: &str, col: usize) -> Option<(Num, Pos)> {
    let t = r.table(TableId::Active)?;
    let (i, _) = t.spec.row(&[key])?;
    let cell = t.rows[i].cells.get(col)?;
    match (&cell.value, cell.origin) {
        (Value::Number(n), Origin::Written) => Some((*n, cell.pos)),
        _ => None,
    }
}

/// Y2 (2021+): 现行有效件数 = last year's + 本年制发件数 − 本年废止件数 (approximate).
pub fn y2_in_force_follows_last_year(prev: &Report, cur: &Report, out: &mut Vec<Finding>) {
    if prev.meta.format != Some(Format::V2021) || cur.meta.format != Some(Format::V2021) {
        return;
    }
    for (key, label) in [("rules", "规章"), ("normative_documents", "行政规范性文件")] {
        let (Some((before, _)), Some((issued, _)), Some((repealed, _)), Some((now, pos))) = (
            t2(prev, key, 2),
            t2(cur, key, 0),
            t2(cur, key, 1),
            t2(cur, key, 2),
        ) else {
            continue;
        };
        let expected = before + issued - repealed;
        if expected != now {
            out.push(
                Finding::warning(
                    &cur.source.rel,
                    pos,
                    "Y2",
                    format!(
                        "{label}现行有效件数 {now}，按上一年度（{}）的 {before} ＋本年制发 {issued} －本年废止 {repealed} 推算应为 {expected}。此推算不计修订、自然失效等情况，只是近似，请核对",
                        prev.source.rel
                    ),
                )
                .at(format!("表二 · {label} · 现行有效件数"))
                .numbers(expected, now),
            );
        }
    }
}

/// Y3 (2019 format): this year's 上一年项目数量 = last year's 上一年项目数量 + 本年增/减.
pub fn y3_item_counts_follow_last_year(prev: &Report, cur: &Report, out: &mut Vec<Finding>) {
    if prev.meta.format != Some(Format::V2019) || cur.meta.format != Some(Format::V2019) {
        return;
    }
    let rows = [
        ("licensing", "行政许可"),
        ("other_services", "其他对外管理服务事项"),
        ("punishment", "行政处罚"),
        ("coercion", "行政强制"),
        ("fees", "行政事业性收费"),
    ];
    for (key, label) in rows {
        let (Some((before, _)), Some((change, _)), Some((now, pos))) =
            (t2(prev, key, 0), t2(prev, key, 1), t2(cur, key, 0))
        else {
            continue;
        };
        let expected = before + change;
        if expected != now {
            out.push(
                Finding::warning(
                    &cur.source.rel,
                    pos,
                    "Y3",
                    format!(
                        "{label}上一年项目数量 {now}，按上一年度报告（{}）的上一年项目数量 {before} 加本年增/减 {change} 应为 {expected}。事项清单的调整可能不止于增减，请核对",
                        prev.source.rel
                    ),
                )
                .at(format!("表二 · {label} · 上一年项目数量"))
                .numbers(expected, now),
            );
        }
    }
}

/// Y4: narrative nearly identical to last year's, or identical tables.
pub fn y4_not_copied_from_last_year(prev: &Report, cur: &Report, out: &mut Vec<Finding>) {
    let pos = Pos::new(cur.body_line, 1);
    if let Some(sim) = similarity(&prev.fingerprint, &cur.fingerprint)
        && sim >= SIMILARITY_THRESHOLD
    {
        out.push(Finding::warning(
            &cur.source.rel,
            pos,
            "Y4",
            format!(
                "正文与上一年度报告（{}）的相似度为 {:.0}%：年度报告应如实反映本年度的工作，请检查是否沿用了上一年的内容",
                prev.source.rel,
                sim * 100.0
            ),
        ));
    }
    let same_tables = [TableId::Active, TableId::Applications, TableId::Reviews]
        .iter()
        .all(|&id| match (prev.table(id), cur.table(id)) {
            (Some(a), Some(b)) => std::ptr::eq(a.spec, b.spec) && values(a) == values(b),
            _ => false,
        });
    let any_number = cur.tables.iter().flatten().any(|t| {
        values(t)
            .iter()
            .any(|v| matches!(v, Value::Number(n) if !n.is_zero()))
    });
    if same_tables && any_number {
        out.push(Finding::warning(
            &cur.source.rel,
            cur.tables
                .iter()
                .flatten()
                .next()
                .map(|t| t.pos)
                .unwrap_or(pos),
            "Y4",
            format!(
                "三张表格与上一年度报告（{}）完全相同：请检查是否填入了本年度的数据",
                prev.source.rel
            ),
        ));
    }
}

fn values(t: &Table) -> Vec<&Value> {
    t.rows
        .iter()
        .flat_map(|r| r.cells.iter().map(|c| &c.value))
        .collect()
}

/// A sketch of a text: the 256 smallest hashes of its character 4-grams,
/// digits folded (so that changed figures and years do not hide a copy).
pub fn fingerprint(text: &str) -> Vec<u64> {
    let mut hashes: Vec<u64> = sketched_chars(text)
        .windows(4)
        .map(|w| gram_hash([w[0], w[1], w[2], w[3]]))
        .collect();
    // The 256 smallest distinct hashes: when the 512 smallest hashes hold
    // 256 distinct ones, those are they (every other hash is larger), and
    // only those 512 need sorting.
    const KEEP: usize = 256;
    if hashes.len() > 2 * KEEP {
        hashes.select_nth_unstable(2 * KEEP - 1);
        let mut smallest = hashes[..2 * KEEP].to_vec();
        smallest.sort_unstable();
        smallest.dedup();
        if smallest.len() >= KEEP {
            hashes = smallest;
        }
    }
    hashes.sort_unstable();
    hashes.dedup();
    hashes.truncate(KEEP);
    // Kept for the life of the site: without the slack of every 4-gram.
    hashes.shrink_to_fit();
    hashes
}

/// The characters a sketch is made of: no spaces or Markdown marks, digits folded.
fn sketched_chars(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '#' | '*' | '>' | '-'))
        .map(|c| if c.is_ascii_digit() { '0' } else { c })
        .collect()
}

/// The hash of a 4-gram, as `DefaultHasher` (SipHash-1-3, zero keys) hashes
/// a `[char]` of four: the length as a `usize`, then each character as a
/// `u32`, 24 bytes in all. Written out for those 24 bytes (a test compares it
/// with `DefaultHasher`), which also pins the sketches against a change of
/// the standard library's default hasher.
fn gram_hash(gram: [char; 4]) -> u64 {
    let [a, b, c, d] = gram.map(u64::from);
    let mut v = [
        0x736f_6d65_7073_6575u64,
        0x646f_7261_6e64_6f6du64,
        0x6c79_6765_6e65_7261u64,
        0x7465_6462_7974_6573u64,
    ];
    fn round(v: &mut [u64; 4]) {
        v[0] = v[0].wrapping_add(v[1]);
        v[1] = v[1].rotate_left(13) ^ v[0];
        v[0] = v[0].rotate_left(32);
        v[2] = v[2].wrapping_add(v[3]);
        v[3] = v[3].rotate_left(16) ^ v[2];
        v[0] = v[0].wrapping_add(v[3]);
        v[3] = v[3].rotate_left(21) ^ v[0];
        v[2] = v[2].wrapping_add(v[1]);
        v[1] = v[1].rotate_left(17) ^ v[2];
        v[2] = v[2].rotate_left(32);
    }
    for m in [4, a | (b << 32), c | (d << 32), 24 << 56] {
        v[3] ^= m;
        round(&mut v);
        v[0] ^= m;
    }
    v[2] ^= 0xff;
    round(&mut v);
    round(&mut v);
    round(&mut v);
    v[0] ^ v[1] ^ v[2] ^ v[3]
}

/// A sketch as the load cache keeps it: eight bytes a hash. (The smallest
/// hashes are still large numbers: as variable-length integers they took
/// nine or ten bytes each, a third of a cached report, and a loop each to
/// decode.)
pub mod sketch_bytes {
    use serde::{Deserializer, Serializer, de};

    pub fn serialize<S: Serializer>(sketch: &[u64], s: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> = sketch.iter().flat_map(|h| h.to_le_bytes()).collect();
        s.serialize_bytes(&bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u64>, D::Error> {
        struct Hashes;
        impl de::Visitor<'_> for Hashes {
            type Value = Vec<u64>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("eight bytes a hash")
            }
            fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<Vec<u64>, E> {
                if !bytes.len().is_multiple_of(8) {
                    return Err(E::invalid_length(bytes.len(), &self));
                }
                let hash = |c: &[u8]| {
                    let mut b = [0; 8];
                    b.copy_from_slice(c);
                    u64::from_le_bytes(b)
                };
                Ok(bytes.chunks_exact(8).map(hash).collect())
            }
        }
        d.deserialize_bytes(Hashes)
    }
}

/// Estimated Jaccard similarity of two sketches; `None` for texts too short to judge.
pub fn similarity(a: &[u64], b: &[u64]) -> Option<f64> {
    if a.len() < 64 || b.len() < 64 {
        return None;
    }
    let k = a.len().min(b.len());
    // The k smallest hashes of the union, and how many of them both texts have.
    let (mut i, mut j, mut taken, mut both) = (0, 0, 0, 0);
    while taken < k && (i < a.len() || j < b.len()) {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x == y => {
                both += 1;
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x < y => i += 1,
            (Some(_), Some(_)) => j += 1,
            (Some(_), None) => i += 1,
            (None, _) => j += 1,
        }
        taken += 1;
    }
    Some(both as f64 / taken as f64)
}

/// C1: a consolidated report equals, cell by cell in 三 and 四, the sum of its members.
fn c1_consolidated_equals_its_members(
    by_agency: &BTreeMap<&str, BTreeMap<i64, &Report>>,
    agencies: &BTreeMap<String, AgencyConfig>,
    out: &mut Vec<Finding>,
) {
    for (name, config) in agencies {
        if config.members.is_empty() {
            continue;
        }
        for (year, report) in by_agency.get(name.as_str()).into_iter().flatten() {
            let (present, missing): (Vec<&String>, Vec<&String>) =
                config.members.iter().partition(|m| {
                    by_agency
                        .get(m.as_str())
                        .is_some_and(|y| y.contains_key(year))
                });
            if !missing.is_empty() {
                out.push(Finding::warning(
                    &report.source.rel,
                    report.meta.agency_pos,
                    "C1",
                    format!(
                        "汇总报告的成员中，以下机关没有{year}年度报告，无法核对汇总数：{}",
                        missing
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join("、")
                    ),
                ));
                continue;
            }
            let members: Vec<&Report> = present
                .iter()
                .map(|m| by_agency[m.as_str()][year])
                .collect();
            for id in [TableId::Applications, TableId::Reviews] {
                c1_table(report, &members, id, out);
            }
        }
    }
}

fn c1_table(report: &Report, members: &[&Report], id: TableId, out: &mut Vec<Finding>) {
    let Some(t) = report.table(id) else { return };
    let tables: Option<Vec<&Table>> = members
        .iter()
        .map(|m| m.table(id).filter(|mt| std::ptr::eq(mt.spec, t.spec)))
        .collect();
    let Some(tables) = tables else { return };
    let names = members
        .iter()
        .map(|m| m.meta.agency.as_str())
        .collect::<Vec<_>>()
        .join("、");
    for r in 0..t.rows.len() {
        for c in 0..t.rows[r].cells.len() {
            let sum = tables
                .iter()
                .map(|mt| mt.effective(r, c))
                .sum::<Option<Num>>();
            let (Some(sum), Some(found)) = (sum, t.effective(r, c)) else {
                continue;
            };
            if sum != found {
                out.push(
                    Finding::error(
                        &report.source.rel,
                        t.rows[r].cells[c].pos,
                        "C1",
                        format!("汇总数 {found}，但{}个成员机关（{names}）的报告相加是 {sum}。规则：汇总报告应等于各成员报告之和", members.len()),
                    )
                    .at(t.place(r, Some(c)))
                    .numbers(sum, found),
                );
            }
        }
    }
}

/// C2: two reports for the same agency and year.
pub fn c2_one_report_per_agency_and_year(reports: &[Arc<Report>], out: &mut Vec<Finding>) {
    // By agency and year; the first in path order is the report.
    let mut by_year: std::collections::HashMap<(&str, i64), Vec<&Report>> =
        std::collections::HashMap::with_capacity(reports.len());
    for r in reports {
        by_year
            .entry((r.meta.agency.as_str(), r.meta.year))
            .or_default()
            .push(r);
    }
    for mut same in by_year.into_values().filter(|v| v.len() > 1) {
        same.sort_by(|a, b| a.source.rel.cmp(&b.source.rel));
        let first = same[0];
        for r in &same[1..] {
            out.push(
                Finding::error(
                    &r.source.rel,
                    r.meta.year_pos,
                    "C2",
                    format!(
                        "{}{}年度已有一份报告（{}）：同一机关同一年度只能有一份报告",
                        r.meta.agency, r.meta.year, first.source.rel
                    ),
                )
                .hint("如果这是更正后的版本，请删除或合并旧文件；如果年度写错了，请改正 year"),
            );
        }
    }
}

/// The reports of one agency folder name one agency: a file copied from
/// another agency, or whose `agency:` was retyped ("测试区测试局" beside
/// "测试局"), would otherwise stand apart from its other years and miss
/// every check across years (Y1–Y4) without a word. A warning (FM5) on each
/// report whose agency is not the one most of the folder's reports name.
pub fn one_agency_per_folder(reports: &[Arc<Report>], out: &mut Vec<Finding>) {
    let mut by_folder: BTreeMap<&str, Vec<&Report>> = BTreeMap::new();
    for r in reports {
        if let Some((folder, _)) = r.source.stem.rsplit_once('/') {
            by_folder.entry(folder).or_default().push(r);
        }
    }
    for (folder, rs) in by_folder {
        let mut names: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &rs {
            *names.entry(r.meta.agency.as_str()).or_default() += 1;
        }
        if names.len() < 2 {
            continue;
        }
        // The most named; on a tie, the name of the folder, then the first.
        let main = names
            .iter()
            .max_by_key(|(name, n)| (**n, **name == folder))
            .map(|(name, _)| *name)
            .unwrap_or_default();
        for r in rs.iter().filter(|r| r.meta.agency != main) {
            out.push(
                Finding::warning(
                    &r.source.rel,
                    r.meta.agency_pos,
                    crate::diag::codes::METADATA,
                    format!(
                        "agency（机关名称）写的是“{}”，同一文件夹里的其他报告写的是“{main}”：名称不同就被当作两个机关，与往年报告的核对（Y1–Y4）不会进行",
                        r.meta.agency
                    ),
                )
                .hint(format!(
                    "同一机关每年写同样的名称：写 agency: {main}；如果确实是另一个机关，请放到它自己的文件夹里"
                )),
            );
        }
    }
}

/// C3: an agency the portal must cover has no report for a year the portal covers.
fn c3_required_agencies_report_every_year(
    reports: &[Arc<Report>],
    by_agency: &BTreeMap<&str, BTreeMap<i64, &Report>>,
    required: &[String],
    out: &mut Vec<Finding>,
) {
    let years: BTreeSet<i64> = reports.iter().map(|r| r.meta.year).collect();
    for name in required {
        let missing: Vec<String> = years
            .iter()
            .filter(|y| {
                !by_agency
                    .get(name.as_str())
                    .is_some_and(|m| m.contains_key(y))
            })
            .map(|y| y.to_string())
            .collect();
        if !missing.is_empty() {
            out.push(
                Finding::warning(
                    "site.toml",
                    Pos::new(1, 1),
                    "C3",
                    format!("{name}没有以下年度的报告：{}（site.toml 的 required_agencies 要求每年都有）", missing.join("、")),
                )
                .hint(format!("用 gongkai new {name} <年度> 新建，或用 gongkai import 导入已发布的报告")),
            );
        }
    }
}

/// The date by which a report must be published: 31 January (departments)
/// or 31 March (governments) of the next year.
pub fn deadline(r: &Report, agencies: &BTreeMap<String, AgencyConfig>) -> Date {
    let kind = AgencyConfig::kind_of(agencies.get(&r.meta.agency), &r.meta.agency);
    let (month, day) = kind.deadline();
    Date {
        year: r.meta.year as i32 + 1,
        month,
        day,
    }
}

/// C4: published after the legal deadline (departments 31 January, governments 31 March).
fn c4_published_by_the_deadline(
    reports: &[Arc<Report>],
    agencies: &BTreeMap<String, AgencyConfig>,
    out: &mut Vec<Finding>,
) {
    for r in reports {
        let (Some(published), Some(pos)) = (r.meta.published, r.meta.published_pos) else {
            continue;
        };
        let kind = AgencyConfig::kind_of(agencies.get(&r.meta.agency), &r.meta.agency);
        let (month, day) = kind.deadline();
        let deadline = deadline(r, agencies);
        if published > deadline {
            out.push(Finding::warning(
                &r.source.rel,
                pos,
                "C4",
                format!(
                    "发布日期 {published} 晚于法定期限 {deadline}：{}的年度报告应在次年{month}月{day}日前公布（《政府信息公开条例》第五十条）",
                    kind.chinese()
                ),
            ).numbers(format!("≤ {deadline}"), published));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct Sketch(#[serde(with = "sketch_bytes")] Vec<u64>);

    /// What the sketches were made with before `gram_hash` (hashing and
    /// sorting; the characters are the same).
    fn reference_fingerprint(text: &str) -> Vec<u64> {
        use std::hash::{Hash, Hasher};
        let mut hashes: Vec<u64> = sketched_chars(text)
            .windows(4)
            .map(|w| {
                let mut h = std::collections::hash_map::DefaultHasher::new();
                w.hash(&mut h);
                h.finish()
            })
            .collect();
        hashes.sort_unstable();
        hashes.dedup();
        hashes.truncate(256);
        hashes
    }

    /// The sketch of every report body in the repository, of short and
    /// repetitive texts and of random characters is what it was.
    #[test]
    fn sketches_are_what_the_default_hasher_made() {
        let mut texts: Vec<String> = crate::site::repository_reports()
            .into_iter()
            .map(|(_, text)| text)
            .collect();
        texts.push(String::new());
        texts.push("一二三".into());
        texts.push("本机关依法公开政府信息。".repeat(100));
        texts.push("甲乙".repeat(1000));
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut random = String::new();
        for _ in 0..5000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            random.push(char::from_u32((state % 0x2_0000) as u32).unwrap_or('\u{fffd}'));
        }
        texts.push(random);
        for t in &texts {
            assert_eq!(fingerprint(t), reference_fingerprint(t));
        }
        let mut state = 1u64;
        for _ in 0..100_000 {
            let mut gram = ['\0'; 4];
            for c in &mut gram {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                *c = char::from_u32((state >> 43) as u32 % 0x11_0000).unwrap_or('\u{10ffff}');
            }
            let mut h = std::collections::hash_map::DefaultHasher::new();
            std::hash::Hash::hash(&gram[..], &mut h);
            assert_eq!(gram_hash(gram), std::hash::Hasher::finish(&h), "{gram:?}");
        }
    }

    #[test]
    fn a_sketch_is_kept_eight_bytes_a_hash() {
        let sketch = Sketch(fingerprint(&"本机关依法公开政府信息。".repeat(30)));
        assert!(sketch.0.len() > 8, "{}", sketch.0.len());
        let bytes = postcard::to_stdvec(&sketch).unwrap();
        // The length, then the hashes.
        assert_eq!(bytes.len(), 1 + 8 * sketch.0.len());
        assert_eq!(postcard::from_bytes::<Sketch>(&bytes).unwrap(), sketch);
        // Bytes that are not whole hashes are refused, not misread.
        let mut bad = postcard::to_stdvec(&[1u8, 2, 3][..]).unwrap();
        assert!(postcard::from_bytes::<Sketch>(&bad).is_err());
        bad.truncate(2);
        assert!(postcard::from_bytes::<Sketch>(&bad).is_err());
    }

    #[test]
    fn similarity_sees_copies_through_changed_figures() {
        let base = "本年新收政府信息公开申请12件，办结12件。我局认真贯彻落实条例，进一步完善制度，深化公开内容，提高公开水平，充分利用新媒体主动公开政务信息。".repeat(3);
        let copy = base.replace("12件", "15件");
        let other = "全年在微信公众号发布信息195条，涵盖人民调解、法治宣传、社区矫正等重点工作，保障了发布内容的及时性与全面性，群众满意度明显提升。".repeat(3);
        let (a, b, c) = (fingerprint(&base), fingerprint(&copy), fingerprint(&other));
        assert!(similarity(&a, &b).unwrap() > 0.95);
        assert!(similarity(&a, &c).unwrap() < 0.2);
        assert_eq!(similarity(&fingerprint("短"), &a), None);
    }
}
