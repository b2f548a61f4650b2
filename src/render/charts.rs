//! Charts as server-side SVG: readable without JavaScript, printable,
//! accessible (`role="img"`, `<title>`, `<desc>`, and a data table beside
//! each chart), with Chinese labels. Every bar carries its figure in
//! `data-value` so that tests can compare the chart with the tables.

use crate::report::figures::{CASE_OUTCOMES, KeyFigures, OUTCOMES};
use crate::report::num::Num;
use serde::Serialize;
use std::fmt::Write as _;

/// A chart and its table alternative.
#[derive(Clone, Debug, Serialize)]
pub struct Chart {
    /// Unique on the page, e.g. `chart-applications`.
    pub id: String,
    pub title: String,
    /// One sentence describing what the chart shows.
    pub description: String,
    /// The `<svg>` element.
    pub svg: String,
    /// The same figures as a table.
    pub table: ChartTable,
}

#[derive(Clone, Debug, Serialize)]
pub struct ChartTable {
    pub columns: Vec<String>,
    /// (row label, cells)
    pub rows: Vec<(String, Vec<String>)>,
}

/// A stacked part of a bar.
struct Series<'a> {
    name: &'a str,
    color: &'static str,
    values: Vec<Option<Num>>,
}

/// Bars side by side within each category (year), each a stack of series.
struct Group<'a> {
    name: &'a str,
    stacks: Vec<Series<'a>>,
}

/// Okabe–Ito: distinguishable with colour-blindness, and in print.
const PALETTE: [&str; 7] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#7F7F7F",
];

/// The three charts for a run of years: applications and how they were
/// handled, 行政许可/行政处罚, and 复议/诉讼 outcomes.
pub fn trends(prefix: &str, years: &[i64], figures: &[KeyFigures], scope: &str) -> Vec<Chart> {
    let labels: Vec<String> = years.iter().map(|y| format!("{y}年")).collect();
    let pick = |f: fn(&KeyFigures) -> Option<Num>| figures.iter().map(f).collect::<Vec<_>>();
    let outcomes = Group {
        name: "",
        stacks: OUTCOMES
            .iter()
            .enumerate()
            .map(|(i, (name, _))| Series {
                name,
                color: PALETTE[i],
                values: figures.iter().map(|f| f.outcomes[i]).collect(),
            })
            .collect(),
    };
    let received = pick(|f| f.received);
    let mut applications = chart(
        &format!("{prefix}-applications"),
        &format!("{scope}政府信息公开申请的办理结果"),
        &format!(
            "按年度显示{scope}新收政府信息公开申请数量，以及各年度办理结果（予以公开、部分公开、不予公开、无法提供、不予处理、其他处理）的件数。"
        ),
        &labels,
        &[outcomes],
        Some(("新收", &received)),
    );
    applications.table.columns.insert(1, "新收申请".into());
    for (row, r) in applications.table.rows.iter_mut().zip(&received) {
        row.1.insert(0, shown(*r));
    }
    let decisions = chart(
        &format!("{prefix}-decisions"),
        &format!("{scope}行政许可和行政处罚决定"),
        &format!("按年度显示{scope}主动公开的行政许可、行政处罚处理决定数量。"),
        &labels,
        &[
            Group {
                name: "行政许可",
                stacks: vec![Series {
                    name: "行政许可",
                    color: PALETTE[0],
                    values: pick(|f| f.licensing),
                }],
            },
            Group {
                name: "行政处罚",
                stacks: vec![Series {
                    name: "行政处罚",
                    color: PALETTE[4],
                    values: pick(|f| f.punishment),
                }],
            },
        ],
        None,
    );
    let case = |review: bool| {
        CASE_OUTCOMES
            .iter()
            .enumerate()
            .map(|(c, name)| Series {
                name,
                color: PALETTE[[2, 4, 1, 6][c]],
                values: figures
                    .iter()
                    .map(|f| {
                        if review {
                            f.review_outcomes[c]
                        } else {
                            f.litigation_outcomes[c]
                        }
                    })
                    .collect(),
            })
            .collect()
    };
    let cases = chart(
        &format!("{prefix}-cases"),
        &format!("{scope}政府信息公开行政复议、行政诉讼的结果"),
        &format!(
            "按年度显示{scope}因政府信息公开被申请行政复议、提起行政诉讼的件数及结果（结果维持、结果纠正、其他结果、尚未审结）。"
        ),
        &labels,
        &[
            Group {
                name: "行政复议",
                stacks: case(true),
            },
            Group {
                name: "行政诉讼",
                stacks: case(false),
            },
        ],
        None,
    );
    vec![applications, decisions, cases]
}

fn shown(n: Option<Num>) -> String {
    n.map_or_else(|| "—".into(), |n| n.to_string())
}

fn value(n: Option<Num>) -> f64 {
    n.map(|n| n.to_f64()).unwrap_or(0.0).max(0.0)
}

/// Escapes text for XML (SVG text and attributes).
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => {}
            c => out.push(c),
        }
    }
    out
}

/// A round top for the value axis, 1, 2 or 5 × 10^k and at least 5, so
/// that its five gridline steps are whole numbers.
fn nice_top(max: f64) -> f64 {
    if max <= 5.0 {
        return 5.0;
    }
    let mag = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|t| *t >= max)
        .unwrap_or(10.0 * mag)
}

/// Gridlines of the value axis.
const STEPS: i32 = 5;

const W: f64 = 640.0;
const H: f64 = 300.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 56.0;
const BOTTOM: f64 = 36.0;

fn chart(
    id: &str,
    title: &str,
    description: &str,
    categories: &[String],
    groups: &[Group],
    totals: Option<(&str, &[Option<Num>])>,
) -> Chart {
    let stack_sum = |g: &Group, i: usize| g.stacks.iter().map(|s| value(s.values[i])).sum::<f64>();
    let max = (0..categories.len())
        .flat_map(|i| groups.iter().map(move |g| (g, i)))
        .map(|(g, i)| stack_sum(g, i))
        .chain(totals.iter().flat_map(|(_, t)| t.iter().map(|v| value(*v))))
        .fold(0.0, f64::max);
    let top = nice_top(max);
    let plot_h = H - TOP - BOTTOM;
    let y = |v: f64| TOP + plot_h - v / top * plot_h;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" aria-labelledby="{id}-title {id}-desc" class="chart" font-family="sans-serif" font-size="12"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        xml(title),
        xml(description)
    );
    // Grid and value axis.
    for k in 0..=STEPS {
        let v = top * f64::from(k) / f64::from(STEPS);
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" x2="{}" y1="{y}" y2="{y}" stroke="#d0d0d0" stroke-width="1"/><text x="{}" y="{}" text-anchor="end" fill="#333">{}</text>"##,
            W - RIGHT,
            LEFT - 6.0,
            F1(y(v) + 4.0),
            Trim(v),
            y = F1(y(v))
        );
    }
    legend(&mut svg, groups);
    let slot = (W - LEFT - RIGHT) / categories.len().max(1) as f64;
    let bar = (slot * 0.7 / groups.len() as f64).min(48.0);
    for (i, cat) in categories.iter().enumerate() {
        let x0 = LEFT + slot * i as f64 + (slot - bar * groups.len() as f64) / 2.0;
        for (g, group) in groups.iter().enumerate() {
            let x = x0 + bar * g as f64;
            let mut base = 0.0;
            for s in &group.stacks {
                let v = value(s.values[i]);
                let label = if group.name.is_empty() || group.name == s.name {
                    s.name.to_string()
                } else {
                    format!("{} · {}", group.name, s.name)
                };
                let _ = write!(
                    svg,
                    r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}" data-category="{}" data-series="{}" data-value="{}"><title>{} {}：{} 件</title></rect>"#,
                    F1(x),
                    F1(y(base + v)),
                    F1(bar - 2.0),
                    F1((y(base) - y(base + v)).max(0.0)),
                    s.color,
                    xml(cat),
                    xml(&label),
                    Trim(v),
                    xml(cat),
                    xml(&label),
                    Trim(v)
                );
                base += v;
            }
            if groups.len() > 1 {
                let _ = write!(
                    svg,
                    r##"<text x="{}" y="{}" text-anchor="middle" fill="#333" font-size="10">{}</text>"##,
                    F1(x + bar / 2.0 - 1.0),
                    F1(y(base) - 4.0),
                    xml(&short(group.name))
                );
            }
        }
        if let Some((name, t)) = totals {
            let _ = write!(
                svg,
                r##"<text x="{}" y="{}" text-anchor="middle" fill="#000">{name} {}</text>"##,
                F1(LEFT + slot * (i as f64 + 0.5)),
                F1(y(value(t[i]).max(stack_sum(&groups[0], i))) - 6.0),
                shown(t[i])
            );
        }
        let _ = write!(
            svg,
            r##"<text x="{}" y="{}" text-anchor="middle" fill="#000">{}</text>"##,
            F1(LEFT + slot * (i as f64 + 0.5)),
            F1(H - BOTTOM + 18.0),
            xml(cat)
        );
    }
    svg.push_str("</svg>");
    Chart {
        id: id.to_string(),
        title: title.to_string(),
        description: description.to_string(),
        svg,
        table: table(categories, groups),
    }
}

fn legend(svg: &mut String, groups: &[Group]) {
    let mut x = LEFT;
    let mut row = 0.0;
    let mut seen: Vec<&str> = Vec::new();
    for s in groups.iter().flat_map(|g| &g.stacks) {
        if seen.contains(&s.name) {
            continue;
        }
        seen.push(s.name);
        let width = 22.0 + 13.0 * s.name.chars().count() as f64;
        if x + width > W - RIGHT {
            x = LEFT;
            row += 18.0;
        }
        let _ = write!(
            svg,
            r##"<rect x="{}" y="{}" width="12" height="12" fill="{}"/><text x="{}" y="{}" fill="#000">{}</text>"##,
            F1(x),
            F1(8.0 + row),
            s.color,
            F1(x + 16.0),
            F1(18.0 + row),
            xml(s.name)
        );
        x += width;
    }
}

fn table(categories: &[String], groups: &[Group]) -> ChartTable {
    let mut columns = vec!["年度".to_string()];
    for g in groups {
        for s in &g.stacks {
            columns.push(if g.name.is_empty() || g.name == s.name {
                s.name.to_string()
            } else {
                format!("{} · {}", g.name, s.name)
            });
        }
    }
    let rows = categories
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (
                c.clone(),
                groups
                    .iter()
                    .flat_map(|g| g.stacks.iter().map(move |s| shown(s.values[i])))
                    .collect(),
            )
        })
        .collect();
    ChartTable { columns, rows }
}

/// A bar's group in two characters: 行政复议 → 复议.
fn short(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    chars[chars.len().saturating_sub(2)..].iter().collect()
}

/// `{:.1}` of a coordinate, without the exact float formatting (a chart
/// writes hundreds): the value times ten rounded to an integer, whenever it
/// is not so close to a tie that the rounding could go either way; those,
/// and values out of range, go to `{:.1}` itself.
pub(super) struct F1(pub(super) f64);

impl std::fmt::Display for F1 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let v = self.0;
        let tenths = v * 10.0;
        let fraction = tenths - tenths.floor();
        if !v.is_finite() || v.abs() >= 1e9 || (fraction - 0.5).abs() < 1e-6 {
            return write!(f, "{v:.1}");
        }
        let n = tenths.round().abs() as u64;
        if v.is_sign_negative() {
            f.write_str("-")?;
        }
        let mut digits = itoa::Buffer::new();
        f.write_str(digits.format(n / 10))?;
        f.write_str(".")?;
        f.write_str(digits.format(n % 10))
    }
}

/// A value as charts label it: no decimals for a whole number, else at most
/// two, trailing zeros dropped.
struct Trim(f64);

impl std::fmt::Display for Trim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let v = self.0;
        if v.fract() == 0.0 {
            if v.abs() < 1e15 {
                if v.is_sign_negative() {
                    f.write_str("-")?;
                }
                return f.write_str(itoa::Buffer::new().format(v.abs() as u64));
            }
            write!(f, "{v:.0}")
        } else {
            f.write_str(format!("{v:.2}").trim_end_matches('0'))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast `{:.1}` and the whole-number labels print what `format!` prints.
    #[test]
    fn coordinates_and_labels_print_as_format_does() {
        let mut values = vec![
            0.0,
            -0.0,
            0.05,
            0.15,
            0.25,
            0.35,
            -0.05,
            -0.04,
            1.45,
            2.5,
            56.0,
            244.0,
            299.95,
            640.0,
            -12.25,
            1e9,
            -1e9,
            1e15,
            1e16,
            123456.789,
            f64::NAN,
            f64::INFINITY,
        ];
        // The coordinates charts compute: a grid of thirds, sevenths, ….
        for d in 1..=60u32 {
            for k in -200..=2000i32 {
                values.push(f64::from(k) * 0.37 / f64::from(d));
                values.push(56.0 + 208.0 - f64::from(k) / f64::from(d) * 208.0);
            }
        }
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            values.push((state % 20_000_000) as f64 / 1000.0 - 5000.0);
        }
        for v in values {
            assert_eq!(F1(v).to_string(), format!("{v:.1}"), "{v:?}");
            let expected = if v.fract() == 0.0 {
                format!("{v:.0}")
            } else {
                format!("{v:.2}").trim_end_matches('0').to_string()
            };
            assert_eq!(Trim(v).to_string(), expected, "{v:?}");
        }
    }

    #[test]
    fn bars_carry_the_figures_and_text_is_escaped() {
        let mut f = KeyFigures::default();
        f.outcomes[0] = Some(Num::int(22));
        f.outcomes[1] = Some(Num::int(7));
        f.received = Some(Num::int(30));
        f.licensing = Some(Num::int(268));
        let charts = trends("t", &[2021], &[f], "<机关>");
        assert_eq!(charts.len(), 3);
        let svg = &charts[0].svg;
        assert!(
            svg.contains(r#"data-series="予以公开" data-value="22""#),
            "{svg}"
        );
        assert!(svg.contains(r#"data-series="部分公开" data-value="7""#));
        assert!(svg.contains("&lt;机关&gt;") && !svg.contains("<机关>"));
        assert!(svg.starts_with("<svg") && svg.contains(r#"role="img""#) && svg.contains("<desc"));
        assert_eq!(charts[0].table.columns[1], "新收申请");
        assert_eq!(charts[0].table.rows[0].1[0], "30");
        assert!(charts[1].svg.contains(r#"data-value="268""#));
    }

    #[test]
    fn the_axis_ends_on_a_round_number() {
        assert_eq!(nice_top(0.0), 5.0);
        assert_eq!(nice_top(3.0), 5.0);
        assert_eq!(nice_top(7.0), 10.0);
        assert_eq!(nice_top(41.0), 50.0);
        assert_eq!(nice_top(120.0), 200.0);
    }
}
