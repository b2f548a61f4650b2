//! Synthetic portals for benchmarks and scale tests: N realistic reports
//! (every table filled and consistent, carried-over figures matching last
//! year's, ~2 KB of narrative that states the tables' numbers), the same for
//! the same seed.

use crate::report::schema::{Format, RowRole, SECTIONS};
use std::fmt::Write as _;
use std::path::Path;

/// A small deterministic generator (SplitMix64): no dependency, stable across platforms.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// The years a synthetic agency reports on: both formats.
pub const YEARS: [i64; 5] = [2019, 2020, 2021, 2022, 2023];

const PLACES: [&str; 12] = [
    "东城", "西城", "南湖", "北山", "临江", "青石", "白沙", "金水", "长宁", "新华", "安平", "永和",
];
const BUREAUS: [&str; 16] = [
    "司法局",
    "财政局",
    "民政局",
    "教育局",
    "卫生健康委员会",
    "自然资源局",
    "生态环境分局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "应急管理局",
    "市场监督管理局",
    "人力资源和社会保障局",
];

/// The name of synthetic agency `i`: unique, plausible, clearly fictional (模拟).
pub fn agency_name(i: usize) -> String {
    let place = PLACES[i % PLACES.len()];
    let bureau = BUREAUS[(i / PLACES.len()) % BUREAUS.len()];
    let round = i / (PLACES.len() * BUREAUS.len());
    if round == 0 {
        format!("模拟{place}区{bureau}")
    } else {
        format!("模拟{place}区第{round}{bureau}")
    }
}

/// Writes `site.toml` and `reports` report files under `dir`.
pub fn generate(dir: &Path, reports: usize, seed: u64) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("content"))?;
    std::fs::write(
        dir.join("site.toml"),
        "title = \"模拟门户（基准测试）\"\nbase_url = \"https://bench.example.gov.cn/\"\n\n[owner]\nname = \"模拟单位\"\n",
    )?;
    let agencies = reports.div_ceil(YEARS.len());
    let mut rng = Rng::new(seed);
    let mut written = 0;
    for a in 0..agencies {
        let name = agency_name(a);
        let folder = dir.join("content").join(&name);
        std::fs::create_dir_all(&folder)?;
        let mut history = History::default();
        for &year in &YEARS {
            if written == reports {
                return Ok(());
            }
            let (text, next) = report(&name, year, &history, &mut rng);
            std::fs::write(folder.join(format!("{year}.md")), text)?;
            history = next;
            written += 1;
        }
    }
    Ok(())
}

/// What one year of an agency hands to the next, so that consecutive years
/// agree (Y1–Y3): the applications carried forward and the running counts of table 二.
#[derive(Clone, Debug, Default)]
pub struct History {
    /// 四、结转下年度继续办理 (7 cells): next year's 二、上年结转.
    pub carried: [u64; 7],
    /// 2021 format: 行政规范性文件 · 现行有效件数.
    in_force: Option<u64>,
    /// 2019 format: 上一年项目数量 + 本年增/减 of 行政许可, 其他对外管理服务事项, 行政处罚, 行政强制, 行政事业性收费.
    items: Option<[u64; 5]>,
}

/// One report; returns its text and what the next year inherits.
pub fn report(agency: &str, year: i64, history: &History, rng: &mut Rng) -> (String, History) {
    let carried_over = history.carried;
    let mut next = History::default();
    let format = Format::for_year(year);
    let t3 = format.tables()[1];
    let outcome_rows = t3
        .rows
        .iter()
        .filter(|r| r.role == RowRole::Outcome)
        .count();
    // Per applicant column: received, then every application is decided or carried forward.
    let limits = [30, 6, 2, 2, 4, 3];
    let mut received = [0u64; 6];
    let mut outcomes = vec![[0u64; 6]; outcome_rows];
    let mut forward = [0u64; 6];
    for c in 0..6 {
        received[c] = rng.below(limits[c] + 1);
        let mut left = received[c] + carried_over[c];
        forward[c] = rng.below(left.min(2) + 1);
        left -= forward[c];
        while left > 0 {
            // Most applications are disclosed; the rest spread over the outcome rows.
            let row = if rng.below(3) > 0 {
                rng.below(2) as usize
            } else {
                rng.below(outcome_rows as u64) as usize
            };
            outcomes[row][c] += 1;
            left -= 1;
        }
    }
    let row = |cells: &[u64; 6]| -> String {
        let total: u64 = cells.iter().sum();
        let parts: Vec<String> = cells.iter().map(u64::to_string).collect();
        format!("[{}, {total}]", parts.join(", "))
    };
    let mut done = [0u64; 6];
    for r in &outcomes {
        for c in 0..6 {
            done[c] += r[c];
        }
    }
    let sum = |cells: &[u64; 6]| cells.iter().sum::<u64>();

    let mut y = String::with_capacity(4096);
    let _ = writeln!(
        y,
        "---\nagency: {agency}\nyear: {year}\nformat: \"{}\"\npublished: {}-01-{:02}",
        format.key(),
        year + 1,
        10 + rng.below(18)
    );
    y.push_str(&active_disclosure(format, history, &mut next, rng));
    y.push_str("applications:\n");
    let _ = writeln!(y, "  received: {}", row(&received));
    let co: [u64; 6] = carried_over[..6].try_into().expect("7 cells");
    let _ = writeln!(y, "  carried_over: {}", row(&co));
    y.push_str("  outcomes:\n");
    let mut group = "";
    for (i, spec) in t3
        .rows
        .iter()
        .filter(|r| r.role == RowRole::Outcome)
        .enumerate()
    {
        let (indent, key) = if spec.path.len() == 3 {
            if spec.path[1] != group {
                group = spec.path[1];
                let _ = writeln!(y, "    {group}:");
            }
            ("      ", spec.path[2])
        } else {
            ("    ", spec.path[1])
        };
        let _ = writeln!(y, "{indent}{key}: {}", row(&outcomes[i]));
    }
    let _ = writeln!(y, "    total: {}", row(&done));
    let _ = writeln!(y, "  carried_forward: {}", row(&forward));
    y.push_str("reviews_and_litigation:\n");
    let mut t4 = [0u64; 3];
    for (n, key) in ["review", "litigation_direct", "litigation_after_review"]
        .iter()
        .enumerate()
    {
        let cells = [rng.below(3), rng.below(2), rng.below(2), rng.below(2)];
        t4[n] = cells.iter().sum();
        let _ = writeln!(
            y,
            "  {key}: [{}, {}, {}, {}, {}]",
            cells[0], cells[1], cells[2], cells[3], t4[n]
        );
    }
    y.push_str("---\n");
    let figures = Figures {
        received: sum(&received),
        carried_over: sum(&co),
        done: sum(&done),
        forward: sum(&forward),
        disclosed: sum(&outcomes[0]),
        reviews: t4[0],
        lawsuits: t4[1] + t4[2],
    };
    narrative(&mut y, agency, year, &figures, rng);
    next.carried[..6].copy_from_slice(&forward);
    next.carried[6] = sum(&forward);
    (y, next)
}

fn active_disclosure(
    format: Format,
    history: &History,
    next: &mut History,
    rng: &mut Rng,
) -> String {
    let mut y = String::from("active_disclosure:\n  rules: [0, 0, 0]\n");
    match format {
        Format::V2021 => {
            let issued = rng.below(5);
            let before = history.in_force.unwrap_or(5 + rng.below(20));
            let repealed = rng.below(3).min(before + issued);
            let in_force = before + issued - repealed;
            next.in_force = Some(in_force);
            let _ = writeln!(
                y,
                "  normative_documents: [{issued}, {repealed}, {in_force}]"
            );
            let _ = writeln!(
                y,
                "  licensing: {}\n  punishment: {}\n  coercion: {}",
                rng.below(500),
                rng.below(200),
                rng.below(20)
            );
            let _ = writeln!(y, "  fees: {}.{:04}", rng.below(20), rng.below(10_000));
        }
        Format::V2019 => {
            let made = rng.below(5);
            let _ = writeln!(
                y,
                "  normative_documents: [{made}, {made}, {}]",
                made + 5 + rng.below(20)
            );
            let mut items = [0u64; 5];
            for (i, key) in [
                "licensing",
                "other_services",
                "punishment",
                "coercion",
                "fees",
            ]
            .iter()
            .enumerate()
            {
                let prev = history.items.map_or_else(|| 5 + rng.below(40), |h| h[i]);
                let change = rng.below(5);
                items[i] = prev + change;
                if *key == "fees" {
                    let _ = writeln!(y, "  fees: [{prev}, {change}]");
                } else {
                    let _ = writeln!(
                        y,
                        "  {key}: [{prev}, {change}, {}]",
                        prev + change + 50 + rng.below(300)
                    );
                }
            }
            next.items = Some(items);
            let _ = writeln!(
                y,
                "  procurement: [{}, {{ value: {}.{:02}, note: \"万元\" }}]",
                rng.below(10),
                rng.below(500),
                rng.below(100)
            );
        }
    }
    y
}

struct Figures {
    received: u64,
    carried_over: u64,
    done: u64,
    forward: u64,
    disclosed: u64,
    reviews: u64,
    lawsuits: u64,
}

const OPENINGS: [&str; 4] = [
    "坚持以公开为常态、不公开为例外，扎实推进政府信息公开工作",
    "认真贯彻落实《中华人民共和国政府信息公开条例》，不断完善政府信息公开工作机制",
    "围绕中心工作，持续深化政务公开，切实保障人民群众的知情权、参与权和监督权",
    "按照区委、区政府的部署，健全公开制度，规范公开流程，提升公开质量",
];
const FILLER: [&str; 8] = [
    "进一步梳理主动公开事项清单，明确公开主体、公开内容和公开时限，做到应公开尽公开。",
    "加强政府网站和政务新媒体建设，及时发布政策文件、工作动态和办事指南，方便群众查询。",
    "严格执行信息发布审核制度，落实“先审查、后公开”和“一事一审”要求，确保发布信息准确无误。",
    "围绕群众关切，做好重要政策的解读工作，通过图文解读、问答等形式提高政策的知晓度。",
    "完善依申请公开办理流程，规范受理、登记、办理、答复等各环节，按时答复申请人。",
    "组织开展政府信息公开业务培训，提高工作人员的业务能力和依法公开意识。",
    "将政府信息公开工作纳入年度目标考核，加强日常监督检查，及时整改发现的问题。",
    "畅通公众意见建议渠道，认真听取和回应社会关切，不断提升政务公开的实效。",
];

fn narrative(y: &mut String, agency: &str, year: i64, f: &Figures, rng: &mut Rng) {
    let _ = write!(
        y,
        "## {}\n\n{year}年，{agency}{}。\n\n",
        SECTIONS[0],
        rng.pick(&OPENINGS)
    );
    let subsections = [
        "（一）主动公开",
        "（二）依申请公开",
        "（三）政府信息管理",
        "（四）平台建设",
        "（五）监督保障",
    ];
    for (i, sub) in subsections.iter().enumerate() {
        let _ = write!(y, "### {sub}\n\n");
        if i == 1 {
            let _ = write!(
                y,
                "本年新收政府信息公开申请{}件，上年结转{}件，办结{}件，其中予以公开{}件；结转下年度继续办理{}件。",
                f.received, f.carried_over, f.done, f.disclosed, f.forward
            );
        }
        for _ in 0..2 {
            y.push_str(rng.pick(&FILLER));
        }
        y.push_str("\n\n");
    }
    let _ = write!(
        y,
        "本年度发生政府信息公开行政复议{}件、行政诉讼{}件。\n\n## {}\n\n",
        f.reviews, f.lawsuits, SECTIONS[4]
    );
    for _ in 0..3 {
        y.push_str(rng.pick(&FILLER));
    }
    let _ = write!(y, "\n\n## {}\n\n", SECTIONS[5]);
    if year >= 2021 {
        y.push_str("本年度未收取信息处理费。\n");
    } else {
        y.push_str("无。\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::SourcePath;
    use crate::report::parse::parse_report;
    use crate::report::rules::{RuleContext, check_report};

    #[test]
    fn synthetic_reports_pass_every_rule_and_are_deterministic() {
        let mut rng = Rng::new(7);
        let mut history = History::default();
        let mut all = Vec::new();
        for year in YEARS {
            let (text, next) = report("模拟东城区司法局", year, &history, &mut rng);
            let src = SourcePath {
                path: format!("content/x/{year}.md").into(),
                rel: format!("content/x/{year}.md"),
                stem: format!("x/{year}"),
            };
            let parsed = parse_report(&src, &text);
            assert!(parsed.findings.is_empty(), "{year}: {:?}", parsed.findings);
            let mut report = parsed.report.unwrap();
            let opts = crate::report::narrative::MarkdownOptions::default();
            report.narrative =
                crate::report::narrative::render(&report.body, report.body_line, "x", opts).0;
            let findings = check_report(&report, &RuleContext::default());
            assert!(findings.is_empty(), "{year}: {findings:?}\n{text}");
            assert!(text.len() > 2000, "{year}: {} bytes", text.len());
            report.fingerprint = crate::report::rules::cross::fingerprint(&report.body);
            all.push(std::sync::Arc::new(report));
            history = next;
        }
        // Consecutive years agree: carry-over, documents in force, item counts.
        let cross = crate::report::rules::cross::check_portal(&all, &Default::default());
        assert!(cross.is_empty(), "{cross:?}");
        let a = report("x", 2021, &History::default(), &mut Rng::new(1)).0;
        let b = report("x", 2021, &History::default(), &mut Rng::new(1)).0;
        assert_eq!(a, b);
    }

    #[test]
    fn agency_names_are_unique() {
        let names: std::collections::BTreeSet<_> = (0..5000).map(agency_name).collect();
        assert_eq!(names.len(), 5000);
    }
}
