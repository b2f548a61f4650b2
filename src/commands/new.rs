//! `gongkai new <agency> <year>`: a new report file from the official format.

use super::{EXIT_FINDINGS, EXIT_OK, settings};
use crate::report::num::Num;
use crate::report::schema::{RowRole, TableId};
use crate::report::skeleton::new_report;
use crate::site::{Site, load_all};
use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::ExitCode;

pub fn run(root: &Path, agency: &str, year: i64) -> Result<ExitCode> {
    let agency = agency.trim();
    if agency.is_empty() || agency.starts_with('.') {
        bail!("机关名称“{agency}”不能用作文件夹名");
    }
    if let Some(why) = crate::report::names::problem(agency, true) {
        bail!("机关名称“{}”不能用作文件夹名：{why}", agency.escape_debug());
    }
    if !(2019..=2200).contains(&year) {
        bail!(
            "年度 {year} 不对：统一表格格式始于2019年度（2019年以前的报告没有表格，请直接写 Markdown）"
        );
    }
    let settings = match settings(root, None, true)? {
        Ok((s, _)) => s,
        Err(code) => return Ok(code),
    };
    let path = settings.content_dir.join(agency).join(format!("{year}.md"));
    if path.exists() {
        eprintln!("{} 已存在，没有覆盖。", path.display());
        return Ok(ExitCode::from(EXIT_FINDINGS));
    }
    let site = Site::assemble(load_all(&settings).unwrap_or_default(), &settings.site);
    let previous = site
        .reports
        .iter()
        .find(|r| r.meta.agency == agency && r.meta.year == year - 1);
    let carried = previous.and_then(|r| {
        let t = r.table(TableId::Applications)?;
        let row = t.spec.row_index(RowRole::CarriedForward)?;
        (0..t.rows[row].cells.len())
            .map(|c| t.effective(row, c))
            .collect::<Option<Vec<Num>>>()
    });
    let text = new_report(agency, year, carried.as_deref());
    std::fs::create_dir_all(path.parent().unwrap_or(root))
        .with_context(|| format!("无法创建 {}", path.display()))?;
    std::fs::write(&path, text).with_context(|| format!("无法写入 {}", path.display()))?;
    println!("已新建 {}", path.display());
    match (previous, carried) {
        (Some(p), Some(_)) => println!(
            "二、上年结转已按 {} 的“四、结转下年度继续办理”填入。",
            p.source.rel
        ),
        _ => println!(
            "没有找到 {agency}{} 年度的报告，二、上年结转请自行填写。",
            year - 1
        ),
    }
    println!("填好表格和正文后运行 gongkai check 检查。");
    Ok(ExitCode::from(EXIT_OK))
}
