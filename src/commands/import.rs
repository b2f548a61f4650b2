//! `gongkai import FILE...`: published reports (PDF text, HTML pages) →
//! report files, each checked at once like `gongkai check` would.

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, print_findings, settings};
use crate::cli::ImportFormat;
use crate::content;
use crate::import::{self, Imported, Options, Problem, write};
use crate::report::schema::Format;
use crate::site::load_file;
use anyhow::{Result, bail};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The command line of `gongkai import`.
pub struct ImportArgs<'a> {
    /// The site root (`--root`).
    pub root: &'a Path,
    /// The published reports to import.
    pub files: &'a [PathBuf],
    /// `--agency`
    pub agency: Option<String>,
    /// `--year`
    pub year: Option<i64>,
    /// `--format`
    pub format: Option<ImportFormat>,
    /// Folder for the report files (default `content/<agency>/`).
    pub out: Option<&'a Path>,
    /// Write what could be read even when some rows or cells could not.
    pub partial: bool,
}

/// How importing one file ended.
enum Outcome {
    /// Nothing written: the file could not be read with certainty.
    Refused,
    /// The report file could not be written.
    WriteFailed,
    /// Written; `errors` when the checks found errors in it.
    Written { errors: bool },
}

/// Imports each file in turn; exit code 1 when one could not be imported or
/// its report has errors, 2 when a file could not be written.
pub fn run(args: ImportArgs) -> Result<ExitCode> {
    if !args.root.is_dir() {
        bail!("站点目录 {} 不存在", args.root.display());
    }
    if let Some(a) = &args.agency
        && !import::meta::valid_agency(a)
    {
        bail!("机关名称“{a}”不能用作文件夹名（不能为空，不能含 / \\ : * ? \" < > |）");
    }
    if let Some(y) = args.year
        && !(2000..=2100).contains(&y)
    {
        bail!("年度 {y} 不对：请写四位数的年份，例如 --year 2021");
    }
    let opts = Options {
        agency: args.agency.clone(),
        year: args.year,
        format: args.format.map(|f| match f {
            ImportFormat::V2019 => Format::V2019,
            ImportFormat::V2021 => Format::V2021,
        }),
    };
    let mut code = EXIT_OK;
    for file in args.files {
        let outcome = import_one(&args, &opts, file);
        let this = match outcome {
            Outcome::Refused | Outcome::Written { errors: true } => EXIT_FINDINGS,
            Outcome::WriteFailed => EXIT_USAGE,
            Outcome::Written { errors: false } => EXIT_OK,
        };
        code = code.max(this);
    }
    Ok(ExitCode::from(code))
}

fn import_one(args: &ImportArgs, opts: &Options, file: &Path) -> Outcome {
    let name = file.display().to_string();
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{name}：无法读取文件：{e}");
            return Outcome::Refused;
        }
    };
    let imported = match import::import(file, &bytes, opts) {
        Ok(r) => r,
        Err(why) => {
            eprintln!("{name}：无法导入：{why}");
            eprintln!("未写入任何文件。");
            return Outcome::Refused;
        }
    };
    if !imported.problems.is_empty() && !args.partial {
        eprintln!(
            "{name}：有 {} 处无法确定，未写入任何文件：",
            imported.problems.len()
        );
        eprint!("{}", problems_text(&name, &imported.problems));
        eprintln!(
            "请对照原文核对以上位置。如需先写出能读到的部分，加 --partial（读不出的写为 ~ 并注明）。"
        );
        return Outcome::Refused;
    }
    let dir = match args.out {
        Some(out) => out.to_path_buf(),
        None => args.root.join("content").join(&imported.agency),
    };
    let path = dir.join(format!("{}.md", imported.year));
    let source_name = file
        .file_name()
        .map_or_else(|| name.clone(), |n| n.to_string_lossy().into_owned());
    let text = write::report_file(&imported, &source_name);
    match write_new(&path, &text) {
        Ok(()) => {}
        Err(WriteError::Exists) => {
            eprintln!("{name}：{} 已存在，没有覆盖，未导入。", path.display());
            return Outcome::Refused;
        }
        Err(WriteError::Io(e)) => {
            eprintln!("{name}：无法写入 {}：{e}", path.display());
            return Outcome::WriteFailed;
        }
    }
    report_written(args, &name, &path, &imported);
    Outcome::Written {
        errors: check_written(args.root, &path),
    }
}

/// Problems listed at most; the rest are counted.
const MAX_LISTED: usize = 60;

/// One indented line per problem: `  file:12：表三 · …：…`.
fn problems_text(name: &str, problems: &[Problem]) -> String {
    let mut out = String::new();
    for p in problems.iter().take(MAX_LISTED) {
        let at = p
            .loc
            .map_or_else(|| name.to_string(), |loc| loc.in_file(name));
        out.push_str(&format!("  {at}：{}\n", p.message));
    }
    if problems.len() > MAX_LISTED {
        out.push_str(&format!(
            "  ……另有 {} 处，未一一列出\n",
            problems.len() - MAX_LISTED
        ));
    }
    out
}

/// What was written, the notes, and (with `--partial`) what is missing.
fn report_written(args: &ImportArgs, name: &str, path: &Path, r: &Imported) {
    let format = r
        .format
        .map_or("无表格".to_string(), |f| format!("{}年格式", f.key()));
    println!(
        "已导入 {name} → {}（{}，{}年度，{format}）",
        path.display(),
        r.agency,
        r.year
    );
    for note in &r.notes {
        println!("  说明：{note}");
    }
    if args.partial && !r.problems.is_empty() {
        println!(
            "以下 {} 处未能读取，文件中写为 ~ 并注明“{}”，请对照原文补上：",
            r.problems.len(),
            write::NOT_READ
        );
        print!("{}", problems_text(name, &r.problems));
    }
}

/// Runs the checks of `gongkai check` on the new file and prints the
/// findings the same way. True when there are errors.
fn check_written(root: &Path, path: &Path) -> bool {
    let settings = match settings(root, None, true) {
        Ok(Ok((s, _))) => s,
        Ok(Err(_)) => return true,
        Err(e) => {
            eprintln!("无法检查：{e}");
            return true;
        }
    };
    let source = content::source_path(&settings.root, &settings.content_dir, path);
    let loaded = load_file(&settings, &source);
    println!("检查 {}：", source.rel);
    print_findings(&loaded.findings, false);
    if loaded.findings.is_empty() {
        println!("{}", crate::diag::summary(&loaded.findings));
    }
    loaded.findings.iter().any(|f| f.is_error())
}

enum WriteError {
    Exists,
    Io(std::io::Error),
}

/// Writes a new file, never replacing one; a half-written file is removed.
fn write_new(path: &Path, text: &str) -> Result<(), WriteError> {
    if path.exists() {
        return Err(WriteError::Exists);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(WriteError::Io)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => WriteError::Exists,
            _ => WriteError::Io(e),
        })?;
    if let Err(e) = f.write_all(text.as_bytes()).and_then(|()| f.sync_all()) {
        drop(f);
        let _ = std::fs::remove_file(path);
        return Err(WriteError::Io(e));
    }
    Ok(())
}
