//! `gongkai import`: a published report (PDF text or HTML page) → a report file.
//!
//! The data flows one way:
//!
//! | stage | module | gives |
//! |---|---|---|
//! | bytes → text (GBK, UTF-16 …), binary files refused | [`decode`] | `String` |
//! | N1: Kangxi radicals, ⺠ … → ideographs | [`normalize`] | `String` |
//! | text → blocks (lines; paragraphs and table rows) | [`text`], [`html`] | [`doc::Document`] |
//! | section headings (N6) | [`layout`] | [`layout::Sections`] |
//! | title → agency, year; labels → format (N5) | [`meta`] | metadata |
//! | blocks → label/value segments → official rows (N2–N4) | [`segments`], [`labels`], [`tables`], [`placer`], [`reviews`] | [`tables::Tables`] |
//! | narrative → Markdown | [`body`] | `String` |
//! | report file text | [`write`] | `String` |
//!
//! Nothing is fixed on the way: published totals are kept, blank stays
//! blank, "/" stays "/", notes stay. What cannot be placed with certainty is
//! a [`Problem`] with its place in the source.

pub mod body;
pub mod cells;
pub mod decode;
pub mod doc;
pub mod html;
pub mod labels;
pub mod layout;
pub mod meta;
pub mod normalize;
pub mod placer;
pub mod reviews;
pub mod segments;
pub mod tables;
pub mod text;
pub mod write;

use crate::report::Date;
use crate::report::schema::Format;
use std::path::Path;
pub use tables::{Problem, TableRead};

/// What the officer told `gongkai import` (each overrides what the source says).
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `--agency`: 机关名称.
    pub agency: Option<String>,
    /// `--year`: 报告年度.
    pub year: Option<i64>,
    /// `--format`: the tables' format.
    pub format: Option<Format>,
}

/// A report read from a published source.
#[derive(Clone, Debug)]
pub struct Imported {
    /// 机关名称: from `--agency` or the title.
    pub agency: String,
    /// 报告年度: from `--year`, the title, or the statistical period.
    pub year: i64,
    /// `None` for a report before 2019 without tables.
    pub format: Option<Format>,
    /// The published title, when it is not the default `{agency}{year}年政府信息公开工作年度报告`.
    pub title: Option<String>,
    /// Publication date the page declares (`PubDate`).
    pub published: Option<Date>,
    /// Tables 二, 三, 四 as read.
    pub tables: Vec<TableRead>,
    /// The Markdown body.
    pub body: String,
    /// What could not be read with certainty.
    pub problems: Vec<Problem>,
    /// What the officer should know: renamed rows, extra rows, column notes.
    pub notes: Vec<String>,
}

/// Reads one published report. `Err` is a Chinese sentence saying why the
/// file cannot be imported at all (not a report, unknown agency or year …).
pub fn import(path: &Path, bytes: &[u8], opts: &Options) -> Result<Imported, String> {
    let doc = read_document(path, bytes)?;
    let sections = layout::Sections::find(&doc);
    let detected_format = meta::format_from_labels(&doc);
    if !looks_like_a_report(&doc, &sections, detected_format) {
        return Err("这不是政府信息公开工作年度报告：找不到“一、总体情况”“二、主动公开政府信息情况”等部分的标题，也找不到报告的表格".into());
    }
    let title = meta::find_title(&doc);
    let (agency, year) = agency_and_year(&doc, title.as_ref(), opts)?;
    let format = opts
        .format
        .or(detected_format)
        .or_else(|| (year >= 2019).then(|| Format::for_year(year)));
    let read = format.map(|f| tables::read_tables(&doc, &sections, f));
    let (tables, problems, extra_rows) = match read {
        Some(t) => (t.tables, t.problems, t.extra_rows),
        None => (Vec::new(), Vec::new(), Vec::new()),
    };
    let body = body::compose(&body::BodySource {
        doc: &doc,
        sections: &sections,
        table_spans: tables.iter().filter_map(|t| t.span.clone()).collect(),
        skip: title_blocks(&doc, title.as_ref()),
        extra_rows: &extra_rows,
    });
    let mut notes = notes(&tables, &extra_rows, title.as_ref(), &agency, year);
    notes.extend(missing_sections(&sections));
    let (published, not_published) = meta::published_after(&doc, year);
    notes.extend(not_published);
    let default_title = format!("{agency}{year}年政府信息公开工作年度报告");
    let title = title
        .map(|t| t.text)
        .filter(|t| !body::same_text(t, &default_title));
    Ok(Imported {
        agency,
        year,
        format,
        title,
        published,
        tables,
        body,
        problems,
        notes,
    })
}

/// Bytes → normalised text (N1) → blocks.
fn read_document(path: &Path, bytes: &[u8]) -> Result<doc::Document, String> {
    let raw = decode::decode(bytes)?;
    if raw.trim().is_empty() {
        return Err("文件是空的，没有可导入的内容".into());
    }
    let text = normalize::normalize_text(&raw);
    if !decode::is_html(path, &text) {
        return Ok(text::parse(&text));
    }
    let depth = html::nesting_estimate(&text);
    if depth > html::MAX_NESTING {
        return Err(format!(
            "网页的标签嵌套有 {depth} 层，远超正常网页，不像是发布的报告页面，无法导入"
        ));
    }
    Ok(html::parse(&text))
}

/// A note when sections 一, 五 or 六 have no heading in the source.
fn missing_sections(sections: &layout::Sections) -> Option<String> {
    let missing: Vec<&str> = [1, 5, 6]
        .iter()
        .filter(|&&n| sections.bodies[n - 1].is_none())
        .map(|&n| crate::report::schema::SECTIONS[n - 1])
        .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "原文中找不到这些部分的标题：{}（正文按原文写入，请核对）",
            missing.join("、")
        )
    })
}

/// Some section headings, or the labels of the tables.
fn looks_like_a_report(
    doc: &doc::Document,
    sections: &layout::Sections,
    format: Option<Format>,
) -> bool {
    let markers = [
        "本年新收政府信息公开申请数量",
        "第二十条第（一）项",
        "结转下年度继续办理",
    ];
    let has_table = format.is_some()
        || doc.blocks.iter().any(|b| {
            let key = normalize::label_key(&b.text());
            markers.iter().any(|m| key.contains(m))
        });
    sections.headings.len() >= 2 || has_table
}

fn agency_and_year(
    doc: &doc::Document,
    title: Option<&meta::Title>,
    opts: &Options,
) -> Result<(String, i64), String> {
    let agency = match (&opts.agency, title.and_then(|t| t.agency.clone())) {
        (Some(a), _) => a.trim().to_string(),
        (None, Some(a)) => a,
        (None, None) => {
            let seen = title.map_or_else(
                || "找不到报告标题（“……政府信息公开工作年度报告”）".to_string(),
                |t| format!("标题“{}”中没有机关名称", t.text),
            );
            return Err(format!(
                "无法确定机关名称：{seen}。请用 --agency 指定，例如 --agency 西工区司法局"
            ));
        }
    };
    if !meta::valid_agency(&agency) {
        return Err(format!(
            "机关名称“{agency}”不能用作文件夹名。请用 --agency 指定"
        ));
    }
    let year = opts
        .year
        .or_else(|| title.and_then(|t| t.year))
        .or_else(|| meta::year_of_period(doc))
        .ok_or_else(|| {
            "无法确定报告年度：标题和正文中都没有写明。请用 --year 指定，例如 --year 2021"
                .to_string()
        })?;
    if !(2000..=2100).contains(&year) {
        return Err(format!("年度 {year} 不对：请用 --year 指定四位数的年份"));
    }
    Ok((agency, year))
}

/// The title's blocks, and every other block that repeats it (running headers).
fn title_blocks(doc: &doc::Document, title: Option<&meta::Title>) -> Vec<usize> {
    let Some(title) = title else {
        return Vec::new();
    };
    let mut out = title.blocks.clone();
    out.extend(
        doc.blocks
            .iter()
            .enumerate()
            .filter(|(_, b)| !b.is_row() && body::same_text(&b.text(), &title.text))
            .map(|(i, _)| i),
    );
    out.sort_unstable();
    out.dedup();
    out
}

/// The hint when a table prints Henan's fee header.
const HENAN_FEES: &str = "原表按河南省的要求，收费金额保留4位小数：如果本门户也按河南的要求，请在 site.toml 中写 [overlay] province = \"河南\"，网页上的列名和小数位数随之一致";

fn notes(
    tables: &[TableRead],
    extra_rows: &[tables::ExtraRow],
    title: Option<&meta::Title>,
    agency: &str,
    year: i64,
) -> Vec<String> {
    let mut out = Vec::new();
    for t in tables {
        for (spec, row) in t.spec.rows.iter().zip(&t.rows) {
            if let Some(label) = row.as_ref().and_then(|r| r.published_label.as_ref()) {
                out.push(format!(
                    "{} · {}：原表行名为“{label}”，已按统一格式的这一行读入",
                    t.spec.short, spec.label
                ));
            }
        }
        out.extend(
            t.column_notes
                .iter()
                .map(|n| format!("{}：{n}", t.spec.short)),
        );
        if t.column_notes.iter().any(|n| n.contains("保留4位小数")) {
            out.push(HENAN_FEES.into());
        }
    }
    for row in extra_rows {
        out.push(format!(
            "表二多出一行“{}”（{}），统一格式没有这一行：已作为说明写入正文“二、主动公开政府信息情况”，没有写入表格",
            row.label,
            row.loc
        ));
    }
    if let Some(t) = title {
        if t.agency.as_deref().is_some_and(|a| a != agency) {
            out.push(format!(
                "标题中的机关名称是“{}”，按 --agency 写为“{agency}”",
                t.agency.as_deref().unwrap_or_default()
            ));
        }
        if t.year.is_some_and(|y| y != year) {
            out.push(format!(
                "标题中的年度是 {}，按 --year 写为 {year}",
                t.year.unwrap_or_default()
            ));
        }
    }
    out
}
