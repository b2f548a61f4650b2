//! Front matter → [`Report`], collecting every problem on the way.
//!
//! The parser never stops at the first mistake: an unknown key, a word where a
//! number belongs and a short row are all reported in one run, each at its
//! own line and column, and a cell that could not be read is marked
//! [`Value::Invalid`] so that the sum rules skip it instead of piling up
//! confusing follow-on errors.

use super::num::{Num, NumError};
use super::schema::{CellKind, ColumnSpec, Format, RowRole, RowSpec, TableSpec};
use super::suggest::{Candidate, did_you_mean};
use super::{
    Acknowledgement, Cell, CellNote, Date, Meta, Origin, Report, Row, RowState, Table, Value,
};
use crate::content::yaml::{self, Key, Node, NodeKind, Pos};
use crate::content::{self, SourcePath};
use crate::diag::{Finding, codes};

/// What parsing one file gives: the report when it could be read at all, and findings.
pub struct Parsed {
    pub report: Option<Report>,
    pub findings: Vec<Finding>,
}

/// Metadata keys and their labels.
const META_KEYS: [(&str, &str); 7] = [
    ("agency", "机关名称"),
    ("year", "年度"),
    ("title", "标题"),
    ("format", "报告格式"),
    ("published", "发布日期"),
    ("slug", "网址名"),
    ("acknowledged", "已确认的问题"),
];

const ACK_EXAMPLE: &str = "例如：\nacknowledged:\n  - rule: T3.1\n    where: 表三 · 法律服务机构列\n    reason: 原文如此，已于2022年3月1日发布更正说明";

/// Parses the text of a report file.
pub fn parse_report(source: &SourcePath, text: &str) -> Parsed {
    let mut p = Parser {
        file: &source.rel,
        findings: Vec::new(),
    };
    let report = p.report(source, text);
    Parsed {
        report,
        findings: p.findings,
    }
}

struct Parser<'a> {
    file: &'a str,
    findings: Vec<Finding>,
}

impl Parser<'_> {
    fn warning(&mut self, pos: Pos, rule: &'static str, msg: impl Into<String>) -> &mut Finding {
        self.findings
            .push(Finding::warning(self.file, pos, rule, msg));
        self.findings.last_mut().expect("just pushed")
    }

    fn error(&mut self, pos: Pos, rule: &'static str, msg: impl Into<String>) -> &mut Finding {
        self.findings
            .push(Finding::error(self.file, pos, rule, msg));
        self.findings.last_mut().expect("just pushed")
    }

    fn report(&mut self, source: &SourcePath, text: &str) -> Option<Report> {
        let split = match content::split_front_matter(text) {
            Ok(s) => s,
            Err((pos, msg)) => {
                self.error(pos, codes::SYNTAX, msg);
                return None;
            }
        };
        let root = match yaml::parse(split.yaml, split.yaml_line) {
            Ok(root) => root,
            Err(e) => {
                self.error(e.pos, codes::SYNTAX, e.message);
                return None;
            }
        };
        let root_pos = Pos::new(split.yaml_line, 1);
        let Some(entries) = root.as_map() else {
            let msg = if matches!(root.kind, NodeKind::Null) {
                "front matter 是空的：至少要写 agency（机关名称）和 year（年度）".to_string()
            } else {
                format!("front matter 应是“键: 值”的形式，这里是{}", root.describe())
            };
            self.error(root.pos, codes::SYNTAX, msg);
            return None;
        };
        let mut meta = self.meta(source, entries, root_pos);
        let expected = meta.as_ref().and_then(|m| m.format);
        let format = match (expected, keys_format(entries)) {
            (Some(expected), Some((found, pos))) if found != expected => {
                self.tables_in_other_format(meta.as_ref(), found, pos);
                Some(found)
            }
            _ => expected,
        };
        let tables = self.tables(entries, format, meta.as_ref().map(|m| m.year), root_pos);
        if let Some(m) = &mut meta {
            m.format = format;
        }
        let meta = meta?;
        Some(Report {
            source: source.clone(),
            meta,
            tables,
            body: split.body.to_string(),
            body_line: split.body_line,
            narrative: Default::default(),
            fingerprint: Vec::new(),
            source_hash: 0,
            listing_print: 0,
            data_print: 0,
            key_figures: Default::default(),
        })
    }

    // ------------------------------------------------------------ metadata

    fn meta(
        &mut self,
        source: &SourcePath,
        entries: &[(Key, Node)],
        root_pos: Pos,
    ) -> Option<Meta> {
        let get = |name: &str| {
            entries
                .iter()
                .find(|(k, _)| k.name == name)
                .map(|(k, v)| (k, v))
        };
        let table_keys = [Format::V2019, Format::V2021]
            .iter()
            .flat_map(|f| f.tables())
            .map(|t| (t.key, t.title))
            .collect::<Vec<_>>();
        for (key, _) in entries {
            let known = META_KEYS.iter().any(|(k, _)| *k == key.name)
                || table_keys.iter().any(|(k, _)| *k == key.name);
            if !known {
                let candidates: Vec<Candidate> = META_KEYS
                    .iter()
                    .chain(table_keys.iter())
                    .map(|&(key, label)| Candidate { key, label })
                    .collect();
                self.unknown_key(key, &candidates, "front matter 顶层");
            }
        }

        let agency = match get("agency") {
            Some((_, v)) => match &v.kind {
                NodeKind::Str { text, .. } if !text.trim().is_empty() => {
                    match super::names::problem(text.trim(), true) {
                        None => Some((text.trim().to_string(), v.pos)),
                        Some(why) => {
                            self.error(
                                v.pos,
                                codes::METADATA,
                                format!("agency（机关名称）“{}”{why}", text.trim().escape_debug()),
                            )
                            .hint = Some("请重新输入机关名称，不要从网页或文档里复制".into());
                            None
                        }
                    }
                }
                _ => {
                    self.error(
                        v.pos,
                        codes::METADATA,
                        format!("agency（机关名称）应是机关的名称，这里是{}", v.describe()),
                    )
                    .hint = Some("例如 agency: 西工区司法局".into());
                    None
                }
            },
            None => {
                self.error(root_pos, codes::METADATA, "缺少 agency（机关名称）")
                    .hint = Some("在 front matter 里加一行，例如 agency: 西工区司法局".into());
                None
            }
        };
        let year = match get("year") {
            Some((_, v)) => {
                let text = match &v.kind {
                    NodeKind::Number(t) => Some(t.as_str()),
                    NodeKind::Str { text, .. } => Some(text.as_str()),
                    _ => None,
                };
                match text.and_then(|t| t.trim().parse::<i64>().ok()) {
                    Some(y) if (1990..=2200).contains(&y) => Some((y, v.pos)),
                    _ => {
                        self.error(
                            v.pos,
                            codes::METADATA,
                            format!("year（年度）应是四位数的年份，这里是{}", v.describe()),
                        )
                        .hint = Some("例如 year: 2021".into());
                        None
                    }
                }
            }
            None => {
                self.error(root_pos, codes::METADATA, "缺少 year（年度）")
                    .hint = Some("在 front matter 里加一行，例如 year: 2021".into());
                None
            }
        };
        let text_of = |p: &mut Self, key: &str, label: &str| -> Option<(String, Pos)> {
            let (_, v) = get(key)?;
            match &v.kind {
                NodeKind::Str { text, .. } => Some((text.trim().to_string(), v.pos)),
                NodeKind::Number(t) => Some((t.clone(), v.pos)),
                NodeKind::Null => None,
                _ => {
                    p.error(
                        v.pos,
                        codes::METADATA,
                        format!("{key}（{label}）应是一段文字，这里是{}", v.describe()),
                    );
                    None
                }
            }
        };
        let title =
            text_of(self, "title", "标题").and_then(|(t, pos)| {
                match super::names::problem(&t, false) {
                    None => Some((t, pos)),
                    Some(why) => {
                        self.error(
                            pos,
                            codes::METADATA,
                            format!("title（标题）“{}”{why}", t.escape_debug()),
                        )
                        .hint = Some("请重新输入标题，不要从网页或文档里复制".into());
                        None
                    }
                }
            });
        let title_pos = title.as_ref().map(|(_, p)| *p);
        let published = text_of(self, "published", "发布日期").and_then(|(t, pos)| {
            let d = Date::parse(&t);
            if d.is_none() {
                self.error(
                    pos,
                    codes::METADATA,
                    format!("published（发布日期）“{t}”不是有效日期"),
                )
                .hint = Some("写成 年-月-日，例如 published: 2022-01-20".into());
            }
            d.map(|d| (d, pos))
        });
        let slug = text_of(self, "slug", "网址名").and_then(|(s, pos)| {
            let ok = !s.is_empty()
                && s != "."
                && s != ".."
                && !s
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control() || "/\\?#%\"'<>".contains(c));
            let why = if ok {
                super::names::problem(&s, true)
            } else {
                Some("不能用作网址的一段".into())
            };
            if let Some(why) = &why {
                self.error(
                    pos,
                    codes::METADATA,
                    format!("slug（网址名）“{}”{why}", s.escape_debug()),
                )
                .hint = Some("只用字母、数字、汉字和 - _，不要有空格和 / ? # %".into());
            }
            why.is_none().then_some(s)
        });
        let (format, format_pos) = match get("format") {
            Some((_, v)) => {
                let t = match &v.kind {
                    NodeKind::Number(t) => t.as_str(),
                    NodeKind::Str { text, .. } => text.as_str(),
                    _ => "",
                };
                match t.trim() {
                    "2021" => (Some(Format::V2021), Some(v.pos)),
                    "2019" => (Some(Format::V2019), Some(v.pos)),
                    _ => {
                        self.error(v.pos, codes::METADATA, format!("format（报告格式）只能是 \"2019\" 或 \"2021\"，这里是{}", v.describe()))
                            .hint = Some("2019、2020年度报告用 \"2019\"（国办公开办函〔2019〕60号），2021年度及以后用 \"2021\"（国办公开办函〔2021〕30号）；也可以不写，按年度自动选择".into());
                        (None, Some(v.pos))
                    }
                }
            }
            None => (None, None),
        };
        let (agency, agency_pos) = agency?;
        let (year, year_pos) = year?;
        let declared_format = format;
        let format = format.or_else(|| (year >= 2019).then(|| Format::for_year(year)));
        let file_slug = source
            .stem
            .rsplit('/')
            .next()
            .unwrap_or(&source.stem)
            .to_string();
        self.file_name_is_the_year(&file_slug, year, year_pos);
        if let Some((d, pos)) = published
            && i64::from(d.year) <= year
        {
            let f = self.warning(
                pos,
                codes::METADATA,
                format!(
                    "published（发布日期）是 {}-{:02}-{:02}，在 {year} 年度结束之前：年度报告要到年度结束后才能发布，是不是沿用了往年的日期？",
                    d.year, d.month, d.day
                ),
            );
            f.expected = Some(format!("{} 年或以后的日期", year + 1));
            f.found = Some(format!("{}-{:02}-{:02}", d.year, d.month, d.day));
            f.hint = Some("写实际的发布日期；还没发布就删掉这一行".into());
        }
        Some(Meta {
            title_pos,
            title: title
                .map(|(t, _)| t)
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| format!("{agency}{year}年政府信息公开工作年度报告")),
            agency,
            agency_pos,
            year,
            year_pos,
            format,
            declared_format,
            format_pos,
            published: published.map(|(d, _)| d),
            published_pos: published.map(|(_, p)| p),
            slug: slug.unwrap_or(file_slug),
            acknowledged: self.acknowledged(get("acknowledged").map(|(_, v)| v)),
        })
    }

    /// A file named for a year (`2022.md`) holds that year's report: a copy
    /// of last year's file whose `year:` was left as it was would otherwise be
    /// published at the new year's address with the old year's title.
    fn file_name_is_the_year(&mut self, file_slug: &str, year: i64, year_pos: Pos) {
        let Some(named) = file_slug
            .parse::<i64>()
            .ok()
            .filter(|y| file_slug.len() == 4 && (1990..=2200).contains(y))
        else {
            return;
        };
        if named != year {
            let e = self.error(
                year_pos,
                codes::METADATA,
                format!("文件名是 {file_slug}.md，但 year（年度）写的是 {year}：是否复制了往年的文件而没有改年度？"),
            );
            e.expected = Some(named.to_string());
            e.found = Some(year.to_string());
            e.hint = Some(format!(
                "{file_slug} 年度的报告写 year: {file_slug}；如果这就是 {year} 年度的报告，请把文件改名为 {year}.md"
            ));
        }
    }

    /// `acknowledged:` — a list of `{ rule, where, reason }`.
    fn acknowledged(&mut self, node: Option<&Node>) -> Vec<Acknowledgement> {
        let Some(node) = node else { return Vec::new() };
        let NodeKind::Seq(items) = &node.kind else {
            if !matches!(node.kind, NodeKind::Null) {
                self.error(
                    node.pos,
                    codes::METADATA,
                    format!(
                        "acknowledged（已确认的问题）应是一个列表，这里是{}",
                        node.describe()
                    ),
                )
                .hint = Some(ACK_EXAMPLE.into());
            }
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| self.acknowledgement(item))
            .collect()
    }

    fn acknowledgement(&mut self, item: &Node) -> Option<Acknowledgement> {
        let Some(entries) = item.as_map() else {
            self.error(
                item.pos,
                codes::METADATA,
                format!(
                    "acknowledged 的每一项应写明 rule、where、reason，这里是{}",
                    item.describe()
                ),
            )
            .hint = Some(ACK_EXAMPLE.into());
            return None;
        };
        let text = |name: &str| {
            entries
                .iter()
                .find(|(k, _)| k.name == name)
                .and_then(|(_, v)| match &v.kind {
                    NodeKind::Str { text, .. } => Some(text.trim().to_string()),
                    NodeKind::Number(t) => Some(t.clone()),
                    _ => None,
                })
        };
        for (k, _) in entries {
            if !["rule", "where", "reason"].contains(&k.name.as_str()) {
                let candidates = [
                    Candidate {
                        key: "rule",
                        label: "规则编号",
                    },
                    Candidate {
                        key: "where",
                        label: "位置",
                    },
                    Candidate {
                        key: "reason",
                        label: "理由",
                    },
                ];
                self.unknown_key(k, &candidates, "acknowledged 的一项里");
            }
        }
        let (Some(rule), Some(reason)) = (
            text("rule").filter(|r| !r.is_empty()),
            text("reason").filter(|r| !r.is_empty()),
        ) else {
            self.error(
                item.pos,
                codes::METADATA,
                "已确认的问题必须写明规则编号（rule）和理由（reason）",
            )
            .hint = Some(ACK_EXAMPLE.into());
            return None;
        };
        // A file that cannot be read as written is never "published as is".
        if rule.starts_with("FM") || rule.starts_with("MD") {
            self.error(
                item.pos,
                codes::METADATA,
                format!("{rule} 是文件写法的问题，不能确认：请直接改正"),
            )
            .hint = Some(
                "acknowledged 只用于已发布报告里表格之间或与正文不一致的数字（T、Y、C、X 开头的规则）"
                    .into(),
            );
            return None;
        }
        Some(Acknowledgement {
            rule,
            place: text("where").filter(|w| !w.is_empty()),
            reason,
            pos: item.pos,
        })
    }

    fn unknown_key(&mut self, key: &Key, candidates: &[Candidate], place: &str) {
        let hint = did_you_mean(&key.name, candidates);
        let f = self.error(
            key.pos,
            codes::UNKNOWN_KEY,
            format!("{place}没有“{}”这个键", key.name),
        );
        f.hint = Some(match hint {
            Some(h) => format!("是不是 {h}？"),
            None => {
                // The candidates of several formats share keys: list each once.
                let mut keys: Vec<&str> = Vec::new();
                for c in candidates {
                    if !keys.contains(&c.key) {
                        keys.push(c.key);
                    }
                }
                format!("这里可以写的键：{}", keys.join("、"))
            }
        });
    }

    /// F2: the tables are filled in the format of other years. When the
    /// tables fit the year and only `format:` is wrong, or `format:` agrees
    /// with the tables, the F2 on the `format:` line (rules) says it all.
    fn tables_in_other_format(&mut self, meta: Option<&Meta>, found: Format, pos: Pos) {
        let Some(meta) = meta else { return };
        let fits = Format::for_year(meta.year);
        if found == fits || meta.declared_format == Some(found) {
            return;
        }
        let f = self.error(
            pos,
            "F2",
            format!(
                "表格是按{}年格式（{}）填写的，但{}年度报告应使用{}年格式（{}）",
                found.key(),
                found.document(),
                meta.year,
                fits.key(),
                fits.document()
            ),
        );
        f.expected = Some(fits.key().into());
        f.found = Some(found.key().into());
        f.hint = Some(format!(
            "请按{}年格式重填表格（gongkai new 可生成模板）；如果年度写错了，请改正 year",
            fits.key()
        ));
    }

    // ------------------------------------------------------------ tables

    fn tables(
        &mut self,
        entries: &[(Key, Node)],
        format: Option<Format>,
        year: Option<i64>,
        root_pos: Pos,
    ) -> [Option<Table>; 3] {
        let mut out: [Option<Table>; 3] = [None, None, None];
        let any_table = entries.iter().any(|(k, _)| {
            [
                "active_disclosure",
                "applications",
                "reviews_and_litigation",
            ]
            .contains(&k.name.as_str())
        });
        let Some(format) = format else {
            // Before 2019 there were no official tables: a narrative-only report.
            if let (true, Some(y)) = (any_table, year) {
                let pos = entries
                    .iter()
                    .find(|(k, _)| {
                        k.name == "applications"
                            || k.name == "active_disclosure"
                            || k.name == "reviews_and_litigation"
                    })
                    .map(|(k, _)| k.pos)
                    .unwrap_or(root_pos);
                self.error(
                    pos,
                    "F2",
                    format!("{y}年度报告没有统一的表格格式（统一格式始于2019年度），不能填写表格"),
                )
                .hint = Some("如确为2019年格式的表格，请改正 year，或写明 format: \"2019\"".into());
            }
            return out;
        };
        for (i, spec) in format.tables().into_iter().enumerate() {
            match entries.iter().find(|(k, _)| k.name == spec.key) {
                Some((key, node)) => out[i] = Some(self.table(spec, format, key, node)),
                None => {
                    self.error(
                        root_pos,
                        "F1",
                        format!(
                            "缺少{}（{}）：front matter 里没有 {}",
                            spec.short, spec.title, spec.key
                        ),
                    )
                    .hint = Some("用 gongkai new 生成的模板里有完整的表格，可以从那里复制".into());
                }
            }
        }
        out
    }

    fn table(&mut self, spec: &'static TableSpec, format: Format, key: &Key, node: &Node) -> Table {
        let mut table = Table {
            spec,
            pos: key.pos,
            rows: spec
                .rows
                .iter()
                .map(|r| Row {
                    state: RowState::Missing,
                    pos: key.pos,
                    cells: r.columns.iter().map(|_| Cell::blank(key.pos)).collect(),
                })
                .collect(),
            notes: Vec::new(),
        };
        let mut walk = TableWalk {
            spec,
            other: format
                .other()
                .tables()
                .into_iter()
                .find(|t| t.id == spec.id)
                .expect("both formats have every table"),
            format,
            table: &mut table,
        };
        walk.map(self, &[], key, node);
        // Rows never written: the optional （七）总计 is computed, any other is F1.
        for (i, row_spec) in spec.rows.iter().enumerate() {
            let row = &mut table.rows[i];
            if row.state != RowState::Missing {
                continue;
            }
            if row_spec.role == RowRole::OutcomeTotal {
                for cell in &mut row.cells {
                    cell.origin = Origin::Computed;
                }
            }
        }
        self.rows_short_of_the_total_among_full_ones(&table);
        table.fill_computed_totals();
        table
    }

    /// A row written without its 总计 whose last figure is the sum of the
    /// others, in a table where other rows have their totals: likely a cell
    /// left out in the middle (`[1, 0, 1, 2]` for `[1, 0, 0, 1, 2]`, which
    /// passes every rule with the total moved to 尚未审结) rather than a
    /// total omitted on purpose. A warning: both can be.
    fn rows_short_of_the_total_among_full_ones(&mut self, table: &Table) {
        let Some(total) = table.total_col() else {
            return;
        };
        let present = |r: &&crate::report::Row| r.state == RowState::Present;
        let short: Vec<usize> = (0..table.rows.len())
            .filter(|&r| present(&&table.rows[r]))
            .filter(|&r| table.rows[r].cells[total].origin == Origin::Computed)
            .collect();
        let full = table.rows.iter().filter(present).count() - short.len();
        for r in short {
            let cells = &table.rows[r].cells;
            let n = cells.len() - 1;
            let numbers: Option<Vec<Num>> = cells[..n]
                .iter()
                .map(|c| match c.value {
                    Value::Number(x) => Some(x),
                    _ => None,
                })
                .collect();
            // [1, 0, 1, 2]: the last figure is the sum of the others.
            let looks_like_a_total = numbers.is_some_and(|v| {
                let (last, rest) = v.split_last().expect("a row has cells");
                let sum = rest.iter().fold(Num::int(0), |a, b| a + *b);
                !last.is_zero() && sum == *last
            });
            if !looks_like_a_total || full == 0 {
                continue;
            }
            let f = self.warning(
                table.rows[r].pos,
                codes::ROW_LENGTH,
                format!(
                    "{}：这一行只有 {n} 个数（没有写总计），最后一个数恰好等于前面各数之和，而这张表有 {full} 行写了总计：是不是中间漏写了一个数、最后一个是总计？",
                    table.place(r, None)
                ),
            );
            f.hint = Some(format!(
                "对照原表核对这一行：漏写了就补上；确实没写总计，也请把总计写上（共 {} 个数）",
                n + 1
            ));
        }
    }
}

/// Walks one table's mapping against the row specs of the report's format.
struct TableWalk<'t> {
    spec: &'static TableSpec,
    /// The same table in the other format, to recognise its keys (F2).
    other: &'static TableSpec,
    format: Format,
    table: &'t mut Table,
}

impl TableWalk<'_> {
    /// Rows and groups that may appear directly under `prefix`.
    fn children(
        spec: &'static TableSpec,
        prefix: &[&str],
    ) -> Vec<(&'static str, bool, &'static RowSpec)> {
        let mut out: Vec<(&'static str, bool, &'static RowSpec)> = Vec::new();
        for r in spec.rows {
            if r.path.len() > prefix.len() && r.path[..prefix.len()] == *prefix {
                let name = r.path[prefix.len()];
                let is_row = r.path.len() == prefix.len() + 1;
                if !out.iter().any(|(n, _, _)| *n == name) {
                    out.push((name, is_row, r));
                }
            }
        }
        out
    }

    fn child_label(row: &RowSpec, prefix_len: usize, is_row: bool) -> &'static str {
        if is_row {
            row.label
        } else if prefix_len == 0 && row.section.is_some() {
            super::schema::RESULTS
        } else {
            row.group.unwrap_or(row.label)
        }
    }

    fn map(&mut self, p: &mut Parser, prefix: &[&str], key: &Key, node: &Node) {
        let children = Self::children(self.spec, prefix);
        let place = self.place_of(prefix);
        let Some(entries) = node.as_map() else {
            // A list where the other format has a row: F2, else a type error.
            let other_row = self.other.row(prefix).map(|(_, r)| r);
            if let (Some(_), NodeKind::Seq(_)) = (other_row, &node.kind) {
                p.error(node.pos, "F2", format!(
                    "{place}：这里写成了一行数，是{}年格式的写法；本报告按{}年格式（{}），这里应是分项的键",
                    self.format.other().key(), self.format.key(), self.format.document()
                ));
            } else {
                let expected = children
                    .iter()
                    .map(|(n, _, _)| *n)
                    .collect::<Vec<_>>()
                    .join("、");
                p.error(
                    node.pos,
                    codes::TYPE,
                    format!(
                        "{place}应是分项的键（{expected}），这里是{}",
                        node.describe()
                    ),
                );
            }
            return;
        };
        for (k, v) in entries {
            let Some(&(name, is_row, row)) = children.iter().find(|(n, _, _)| *n == k.name) else {
                self.unknown(p, prefix, k, &children);
                continue;
            };
            let mut path = prefix.to_vec();
            path.push(name);
            if is_row {
                let (index, _) = self.spec.row(&path).expect("child row exists");
                self.row(p, index, row, v);
            } else {
                self.map(p, &path, k, v);
            }
        }
        for &(name, is_row, row) in &children {
            if entries.iter().any(|(k, _)| k.name == name) {
                continue;
            }
            if is_row && row.role == RowRole::OutcomeTotal {
                continue;
            }
            let label = Self::child_label(row, prefix.len(), is_row);
            let what = if is_row { "一行" } else { "一组" };
            p.error(
                key.pos,
                "F1",
                format!("{place}缺少{what}：{label}（键 {name}）"),
            )
            .hint = Some("整行没有数也要写出来，例如全为 0 的一行写 [0, 0, 0, 0, 0, 0, 0]".into());
            // Mark the rows below as missing at this position.
            for r in self.spec.rows.iter().enumerate().filter(|(_, r)| {
                r.path.starts_with(prefix) && r.path.get(prefix.len()) == Some(&name)
            }) {
                self.table.rows[r.0].pos = key.pos;
            }
        }
    }

    /// `表三` for the table itself, `表三 · （三）不予公开` for a group.
    fn place_of(&self, prefix: &[&str]) -> String {
        match self
            .spec
            .rows
            .iter()
            .find(|r| !prefix.is_empty() && r.path.starts_with(prefix))
        {
            None => self.spec.short.to_string(),
            Some(row) => format!(
                "{} · {}",
                self.spec.short,
                Self::child_label(row, prefix.len() - 1, false)
            ),
        }
    }

    fn unknown(
        &mut self,
        p: &mut Parser,
        prefix: &[&str],
        k: &Key,
        children: &[(&'static str, bool, &'static RowSpec)],
    ) {
        let mut path = prefix.to_vec();
        path.push(k.name.as_str());
        let in_other = self.other.rows.iter().find(|r| r.path.starts_with(&path));
        if let Some(r) = in_other {
            let label = if r.path.len() == path.len() {
                r.label
            } else {
                r.group.unwrap_or(r.label)
            };
            p.error(
                k.pos,
                "F2",
                format!(
                    "“{}”（{}）属于{}年格式（{}），本报告按{}年格式（{}）填写",
                    k.name,
                    label,
                    self.format.other().key(),
                    self.format.other().document(),
                    self.format.key(),
                    self.format.document()
                ),
            )
            .hint = Some(format!(
                "{}年格式的{}见 gongkai new 生成的模板；如果本报告确实用{}年格式，请检查 year 和 format",
                self.format.key(),
                self.spec.short,
                self.format.other().key()
            ));
            return;
        }
        let candidates: Vec<Candidate> = children
            .iter()
            .map(|&(name, is_row, row)| Candidate {
                key: name,
                label: Self::child_label(row, prefix.len(), is_row),
            })
            .collect();
        let place = format!(
            "{} · {}",
            self.spec.short,
            if prefix.is_empty() {
                self.spec.key.to_string()
            } else {
                prefix.join(".")
            }
        );
        p.unknown_key(k, &candidates, &format!("{place} 下"));
    }

    fn row(&mut self, p: &mut Parser, index: usize, spec: &'static RowSpec, node: &Node) {
        let place = super::Place {
            spec: self.table.spec,
            row: index,
            col: None,
        };
        let cols = spec.columns;
        let has_total = self.spec.has_total_column;
        let other_row = self.other.row(spec.path).map(|(_, r)| r);
        let Table { rows, notes, .. } = &mut *self.table;
        let row = &mut rows[index];
        row.pos = node.pos;
        notes.retain(|n| usize::from(n.row) != index);
        let mut note = |col: usize, text: Option<Box<str>>| {
            if let Some(text) = text {
                notes.push(CellNote {
                    row: index as u16,
                    col: col as u16,
                    text,
                });
            }
        };
        if spec.scalar {
            if let NodeKind::Seq(items) = &node.kind {
                if other_row.is_some_and(|o| !o.scalar && o.columns.len() == items.len()) {
                    p.error(node.pos, "F2", format!(
                        "{place}：{}年格式这一行只有一列“{}”，这里写了 {} 个数，是{}年格式的写法（{}）",
                        self.format.key(), cols[0].label, items.len(), self.format.other().key(),
                        other_row.map(|o| o.columns.iter().map(|c| c.label).collect::<Vec<_>>().join("、")).unwrap_or_default()
                    ));
                } else {
                    p.error(
                        node.pos,
                        codes::TYPE,
                        format!(
                            "{place}：应是一个数（{}），这里是{}",
                            cols[0].label,
                            node.describe()
                        ),
                    );
                }
                row.state = RowState::Invalid;
                return;
            }
            row.state = RowState::Present;
            let (value, text) = cell(p, node, &cols[0], &CellPlace(place, None));
            row.cells[0] = value;
            note(0, text);
            return;
        }
        let NodeKind::Seq(items) = &node.kind else {
            if other_row.is_some_and(|o| o.scalar) && !matches!(node.kind, NodeKind::Map(_)) {
                p.error(
                    node.pos,
                    "F2",
                    format!(
                        "{place}：{}年格式这一行有 {} 列（{}），这里只写了一个数，是{}年格式的写法",
                        self.format.key(),
                        cols.len(),
                        labels(cols),
                        self.format.other().key()
                    ),
                );
            } else {
                p.error(
                    node.pos,
                    codes::TYPE,
                    format!(
                        "{place}：应是 {} 个数的列表 [{}]，这里是{}",
                        cols.len(),
                        labels(cols),
                        node.describe()
                    ),
                )
                .hint = Some(format!("例如 [{}]", vec!["0"; cols.len()].join(", ")));
            }
            row.state = RowState::Invalid;
            return;
        };
        let full = cols.len();
        let ok_len = items.len() == full || (has_total && items.len() == full - 1);
        if !ok_len {
            let other_fits = other_row.is_some_and(|o| {
                !o.scalar && o.columns.len() == items.len() && o.columns.len() != full
            });
            if other_fits {
                p.error(
                    node.pos,
                    "F2",
                    format!(
                        "{place}：{}年格式这一行有 {} 列（{}），这里写了 {} 个数，是{}年格式的写法",
                        self.format.key(),
                        full,
                        labels(cols),
                        items.len(),
                        self.format.other().key()
                    ),
                );
            } else {
                let optional = if has_total {
                    format!("；最后的“{}”可以省略，省略时自动计算", cols[full - 1].label)
                } else {
                    String::new()
                };
                let f = p.error(
                    node.pos,
                    codes::ROW_LENGTH,
                    format!(
                        "{place}：应有 {full} 个数（{}{optional}），这里有 {} 个",
                        labels(cols),
                        items.len()
                    ),
                );
                f.expected = Some(full.to_string());
                f.found = Some(items.len().to_string());
                f.hint = wrong_separator(items).or_else(|| {
                    // "[1,234, 0, …]": a thousands separator splits a number.
                    let three_digits = |n: &Node| {
                        matches!(&n.kind, NodeKind::Number(t) if t.len() == 3)
                    };
                    (items.len() > full && items.iter().skip(1).any(three_digits)).then(|| {
                        "数里如果用了千位分隔符（如 1,234），逗号会把一个数拆成两个：去掉逗号，写 1234"
                            .to_string()
                    })
                });
            }
            row.state = RowState::Invalid;
            return;
        }
        row.state = RowState::Present;
        for (c, item) in items.iter().enumerate() {
            let at = CellPlace(place, Some(cols[c].label));
            let (value, text) = cell(p, item, &cols[c], &at);
            row.cells[c] = value;
            note(c, text);
        }
        if items.len() == full - 1 {
            row.cells[full - 1] = Cell {
                value: Value::Blank,
                pos: node.pos,
                origin: Origin::Computed,
            };
        }
    }
}

/// The format the table keys are written in, when they say so unambiguously,
/// with the position of the first key that tells.
fn keys_format(entries: &[(Key, Node)]) -> Option<(Format, Pos)> {
    fn get<'n>(m: &'n [(Key, Node)], name: &str) -> Option<(Pos, &'n Node)> {
        m.iter()
            .find(|(k, _)| k.name == name)
            .map(|(k, v)| (k.pos, v))
    }
    let mut signs: Vec<(Format, Pos)> = Vec::new();
    if let Some((_, t2)) = get(entries, "active_disclosure")
        && let Some(m) = t2.as_map()
    {
        for (k, v) in m {
            match (k.name.as_str(), &v.kind) {
                ("other_services" | "procurement", _) => signs.push((Format::V2019, k.pos)),
                ("licensing" | "punishment" | "coercion" | "fees", NodeKind::Seq(_)) => {
                    signs.push((Format::V2019, k.pos))
                }
                (
                    "licensing" | "punishment" | "coercion" | "fees",
                    NodeKind::Number(_) | NodeKind::Null,
                ) => signs.push((Format::V2021, k.pos)),
                _ => {}
            }
        }
    }
    if let Some((_, t3)) = get(entries, "applications")
        && let Some((_, outcomes)) = t3.as_map().and_then(|m| get(m, "outcomes"))
        && let Some((pos, other)) = outcomes.as_map().and_then(|m| get(m, "other_handling"))
    {
        match other.kind {
            NodeKind::Seq(_) => signs.push((Format::V2019, pos)),
            NodeKind::Map(_) => signs.push((Format::V2021, pos)),
            _ => {}
        }
    }
    let first = *signs.first()?;
    signs.iter().all(|(f, _)| *f == first.0).then_some(first)
}

fn labels(cols: &[ColumnSpec]) -> String {
    cols.iter().map(|c| c.label).collect::<Vec<_>>().join("、")
}

/// A cell's place in findings: its row's, then its column's label if given.
#[derive(Clone, Copy)]
struct CellPlace(super::Place, Option<&'static str>);

impl std::fmt::Display for CellPlace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.1 {
            Some(column) => write!(f, "{} · {column}", self.0),
            None => self.0.fmt(f),
        }
    }
}

/// Reads one cell: a number, blank, "/", or `{ value, note }`; and its note.
fn cell(
    p: &mut Parser,
    node: &Node,
    col: &ColumnSpec,
    place: &CellPlace,
) -> (Cell, Option<Box<str>>) {
    let mut out = Cell::blank(node.pos);
    let mut note = None;
    let entries = match &node.kind {
        NodeKind::Map(entries) => entries,
        _ => {
            out.value = value(p, node, col, place);
            return (out, None);
        }
    };
    let mut saw_value = false;
    for (k, v) in entries {
        match k.name.as_str() {
            "value" => {
                saw_value = true;
                out.value = if matches!(v.kind, NodeKind::Map(_)) {
                    p.error(
                        v.pos,
                        codes::TYPE,
                        format!("{place}：value 应是一个数，这里是{}", v.describe()),
                    );
                    Value::Invalid
                } else {
                    value(p, v, col, place)
                };
            }
            "note" => match &v.kind {
                NodeKind::Str { text, .. } if !text.trim().is_empty() => {
                    note = Some(strip_brackets(text.trim()).into())
                }
                NodeKind::Number(t) => note = Some(t.as_str().into()),
                NodeKind::Null | NodeKind::Str { .. } => {}
                _ => {
                    p.error(
                        v.pos,
                        codes::TYPE,
                        format!("{place}：note（备注）应是一段文字，这里是{}", v.describe()),
                    );
                }
            },
            _ => {
                let candidates = [
                    Candidate {
                        key: "value",
                        label: "值",
                    },
                    Candidate {
                        key: "note",
                        label: "备注",
                    },
                ];
                p.unknown_key(k, &candidates, &format!("{place} 的单元格里"));
            }
        }
    }
    if !saw_value {
        p.error(
            node.pos,
            codes::TYPE,
            format!("{place}：带备注的单元格缺少 value"),
        )
        .hint = Some("写成 { value: 22, note: \"其中修订16件\" }".into());
        out.value = Value::Invalid;
    }
    (out, note)
}

/// A note written with its own brackets, `（其中修订16件）`, is stored without them.
fn strip_brackets(note: &str) -> String {
    let inner = note
        .strip_prefix('（')
        .and_then(|n| n.strip_suffix('）'))
        .or_else(|| note.strip_prefix('(').and_then(|n| n.strip_suffix(')')));
    inner.unwrap_or(note).trim().to_string()
}

fn value(p: &mut Parser, node: &Node, col: &ColumnSpec, place: &CellPlace) -> Value {
    let what = match col.kind {
        CellKind::Money => "金额",
        _ => "数",
    };
    match &node.kind {
        NodeKind::Null => Value::Blank,
        NodeKind::Number(raw) => match Num::parse(raw) {
            Ok(n) => Value::Number(n),
            Err(NumError::TooLarge) => {
                p.error(
                    node.pos,
                    codes::TYPE,
                    format!("{place}：数值 {raw} 过大（最多 15 位数字），请核对"),
                );
                Value::Invalid
            }
            Err(NumError::NotDecimal) => {
                let hint = if raw.contains(['e', 'E']) {
                    "不要用科学计数法，例如 1000 不要写成 1e3".to_string()
                } else if raw.starts_with("0x") || raw.starts_with("0o") || raw.starts_with("0b") {
                    "请写普通的十进制数".to_string()
                } else {
                    format!("请写成普通的{what}，例如 12 或 0.5")
                };
                p.error(
                    node.pos,
                    codes::TYPE,
                    format!("{place}：“{raw}”不是普通写法的{what}"),
                )
                .hint = Some(hint);
                Value::Invalid
            }
        },
        NodeKind::Str { text, quoted } => {
            let in_wan = std::ptr::eq(col, &crate::report::schema::T2_2021_FEES[0]);
            text_value(p, node.pos, text, *quoted, place, (what, in_wan))
        }
        NodeKind::Bool(b) => {
            p.error(
                node.pos,
                codes::TYPE,
                format!("{place}：这里应填{what}，写成了 {b}"),
            )
            .hint = Some("没有就填 0；不适用填 \"/\"；原表空白填 ~".into());
            Value::Invalid
        }
        NodeKind::Seq(_) | NodeKind::Map(_) => {
            p.error(
                node.pos,
                codes::TYPE,
                format!("{place}：这里应填一个{what}，这里是{}", node.describe()),
            );
            Value::Invalid
        }
    }
}

/// The characters that look like nothing or like a space and make a
/// number text: (character, its name for the author).
const HIDDEN_CHARACTERS: [(char, &str); 7] = [
    ('\u{00A0}', "不换行空格（U+00A0）"),
    ('\u{3000}', "全角空格（看起来像普通空格）"),
    ('\u{200B}', "零宽空格（U+200B）"),
    ('\u{200C}', "零宽字符（U+200C）"),
    ('\u{200D}', "零宽字符（U+200D）"),
    ('\u{2060}', "零宽字符（U+2060）"),
    ('\u{FEFF}', "零宽字符（U+FEFF）"),
];

/// Separators that are not YAML's comma, as typed or pasted from Excel
/// (a tab) or Word: (separator, how to name it).
const WRONG_SEPARATORS: [(char, &str); 6] = [
    ('，', "中文逗号“，”"),
    ('、', "顿号“、”"),
    ('；', "分号“；”"),
    (';', "分号“;”"),
    ('\t', "制表符（从 Excel 复制时常见）"),
    (' ', "空格"),
];

/// A row of too few cells because its numbers were separated by something
/// else than `, `: the hint that says so.
fn wrong_separator(items: &[Node]) -> Option<String> {
    items.iter().find_map(|item| {
        let NodeKind::Str { text, .. } = &item.kind else {
            return None;
        };
        let (_, name) = WRONG_SEPARATORS
            .iter()
            .find(|(c, _)| text.trim().contains(*c))?;
        let digits = text.chars().filter(char::is_ascii_digit).count();
        (digits >= 2).then(|| {
            format!("数与数之间用了{name}：要用英文逗号加空格“, ”分开，例如 [1, 0, 0, 0, 0, 0, 1]")
        })
    })
}

/// Full-width or curly look-alikes of what a cell may hold: `～` for `~`,
/// `－1` for `-1`, “12” and “/” in Chinese quotes, `0，1` with a Chinese
/// comma inside a list.
fn look_alike(t: &str) -> Option<(String, String)> {
    if t == "～" || t == "〜" {
        return Some((
            format!("“{t}”是全角的波浪号"),
            "原表空白请写半角的 ~（英文输入法下输入）".into(),
        ));
    }
    let unquoted = t
        .strip_prefix(['“', '”', '‘', '’', '「'])
        .and_then(|x| x.strip_suffix(['“', '”', '‘', '’', '」']));
    if let Some(inner) = unquoted {
        let inner = inner.trim();
        let fix = if inner == "/" || inner == "／" {
            "不适用要写成英文引号的 \"/\"".to_string()
        } else if Num::parse(inner).is_ok() {
            format!("数字不要加引号：写 {inner}")
        } else {
            return None;
        };
        return Some((format!("“{inner}”加了中文引号，会被当作文字"), fix));
    }
    if let Some(rest) = t.strip_prefix(['－', '—', '–'])
        && Num::parse(rest).is_ok()
    {
        return Some((
            format!("“{t}”的负号是全角或破折号"),
            format!("负号用半角减号：写 -{rest}"),
        ));
    }
    for (sep, name) in &WRONG_SEPARATORS[..4] {
        if let Some((a, b)) = t.split_once(*sep)
            && Num::parse(a.trim()).is_ok()
            && Num::parse(b.trim()).is_ok()
        {
            return Some((
                format!("“{t}”中间用了{name}，两个数被当成了一格"),
                format!("数与数之间用英文逗号加空格分开：{}, {}", a.trim(), b.trim()),
            ));
        }
    }
    None
}

/// `1,234` / `1，234`: a number written with thousands separators.
fn without_thousands_separators(t: &str) -> Option<String> {
    let groups: Vec<&str> = t.split([',', '，']).collect();
    let ok = groups.len() > 1
        && (1..=3).contains(&groups[0].len())
        && groups[0].bytes().all(|b| b.is_ascii_digit())
        && groups[1..groups.len() - 1]
            .iter()
            .all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
    let last = groups[groups.len() - 1];
    let (int_part, _) = last.split_once('.').unwrap_or((last, ""));
    let joined = groups.concat();
    (ok && int_part.len() == 3 && Num::parse(&joined).is_ok()).then_some(joined)
}

/// A cell typed as text: says what is wrong with it and how to write it.
/// `kind` is (what the cell holds, whether it is the fee in 万元).
fn text_value(
    p: &mut Parser,
    pos: Pos,
    raw: &str,
    quoted: bool,
    place: &CellPlace,
    kind: (&str, bool),
) -> Value {
    let (what, in_wan) = kind;
    let t = raw.trim();
    if let Some((c, name)) = HIDDEN_CHARACTERS.iter().find(|(c, _)| raw.contains(*c)) {
        let cleaned: String = raw.chars().filter(|x| x != c).collect();
        let cleaned = cleaned.trim();
        if Num::parse(cleaned).is_ok() {
            p.error(
                pos,
                codes::TYPE,
                format!("{place}：“{cleaned}”里有一个看不见的字符：{name}，所以被当作文字"),
            )
            .hint = Some(format!(
                "删掉这个数，重新输入 {cleaned}（从网页、Word 或 Excel 复制的数常带有这种字符）"
            ));
            return Value::Invalid;
        }
    }
    if t.is_empty() {
        return Value::Blank;
    }
    if t == "/" || t == "／" {
        return Value::NotApplicable;
    }
    if let Some((msg, hint)) = look_alike(t) {
        p.error(pos, codes::TYPE, format!("{place}：{msg}")).hint = Some(hint);
        return Value::Invalid;
    }
    let half: String = t
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            _ => c,
        })
        .collect();
    let (msg, hint) = if Num::parse(t).is_ok() && quoted {
        (
            format!("“{t}”加了引号，会被当作文字"),
            format!("数字不要加引号：写 {t}"),
        )
    } else if half != t && Num::parse(&half).is_ok() {
        (format!("“{t}”是全角数字"), format!("请用半角数字：{half}"))
    } else if t.len() > 1 && t.starts_with('0') && t.bytes().all(|b| b.is_ascii_digit()) {
        (
            format!("“{t}”以 0 开头"),
            format!("去掉前面的 0：{}", t.trim_start_matches('0').max("0")),
        )
    } else if t.contains('_') && t.replace('_', "").parse::<u64>().is_ok() {
        (
            format!("“{t}”里有下划线"),
            format!("不要分隔数字：{}", t.replace('_', "")),
        )
    } else if let Some((int, frac)) = t.split_once('。')
        && Num::parse(&format!("{int}.{frac}")).is_ok()
    {
        (
            format!("“{t}”的小数点写成了句号"),
            format!("小数点用英文句点：写 {int}.{frac}"),
        )
    } else if let Some(joined) = without_thousands_separators(t) {
        (
            format!("“{t}”用了千位分隔符（逗号），会被当作文字或几个数"),
            format!("不要分隔数字：写 {joined}"),
        )
    } else if t.split(' ').filter(|w| !w.is_empty()).count() > 1
        && t.split(' ').all(|w| w.is_empty() || Num::parse(w).is_ok())
    {
        (
            format!("“{t}”中间有空格"),
            format!(
                "一个数中间不要有空格：写 {}；如果是几个数，这一格只能填一个",
                t.replace(' ', "")
            ),
        )
    } else if let Some((num, note)) = number_with_note(t) {
        let unit = note.trim();
        if in_wan && unit == "万元" {
            (
                format!("“{t}”写了单位"),
                format!("收费金额的单位就是万元，只写数：{num}"),
            )
        } else if in_wan && unit == "元" {
            let wan = Num::parse(&num)
                .map(|n| n.shifted_down(4).to_string())
                .unwrap_or_default();
            (
                format!("“{t}”是元，收费金额的单位是万元"),
                format!("换算成万元，只写数：{wan}（{num} 元 = {wan} 万元）"),
            )
        } else if matches!(unit, "%" | "％") {
            (
                format!("“{t}”是百分比，这里应填{what}"),
                format!(
                    "请填{}，不要填比例",
                    if what == "数" { "件数" } else { what }
                ),
            )
        } else {
            (
                format!("“{t}”把数和说明写在了一起"),
                format!("写成 {{ value: {num}, note: \"{note}\" }}"),
            )
        }
    } else if ["-", "—", "－", "无", "空", "n/a", "N/A"].contains(&t) {
        (
            format!("“{t}”不是{what}"),
            "没有就填 0；不适用填 \"/\"；原表空白填 ~".to_string(),
        )
    } else if [".nan", ".inf", "-.inf", ".NaN", ".Inf"].contains(&t) {
        (format!("“{t}”不是有效的{what}"), format!("请填写{what}"))
    } else {
        (
            format!("这里应填{what}，写成了文字“{t}”"),
            "没有就填 0；不适用填 \"/\"；原表空白填 ~".to_string(),
        )
    };
    p.error(pos, codes::TYPE, format!("{place}：{msg}")).hint = Some(hint);
    Value::Invalid
}

/// `22（其中修订16件）` → (`22`, `其中修订16件`).
fn number_with_note(t: &str) -> Option<(String, String)> {
    let end = t.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (num, rest) = t.split_at(end);
    if num.is_empty() || Num::parse(num).is_err() {
        return None;
    }
    let note = strip_brackets(rest.trim());
    (!note.is_empty()).then(|| (num.to_string(), note))
}

#[cfg(test)]
mod tests;
