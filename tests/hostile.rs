//! The hostile-input suite: what a careless or hostile author can put in a
//! site, and what gongkai must answer.
//!
//! Every case is listed in `tests/hostile/cases.toml` with its input (a file
//! or folder under `tests/hostile/`, or a generator below for inputs too big
//! or too odd to commit) and, next to it, its expectation: the exit code, and
//! each finding's rule, file, line, column and words of its Chinese message.
//!
//! Each case runs the real binary, `gongkai check` and then `gongkai build`
//! into an output folder that holds the previous good build, with a timeout
//! and a 1 GiB address-space limit (`setrlimit(RLIMIT_AS)`), and asserts:
//! the exact exit code; the findings (file:line:column, rule, message) of
//! `check`, and the same findings printed by `build`; no panic (no
//! "panicked", no exit code 101, no signal); no hang; and that a failed
//! build leaves the previous output exactly as it was, with no staging
//! folder left beside it.
//!
//! A case marked `known_failure` shows a bug not fixed yet: it is run and
//! reported, but does not fail the suite — until it passes, which fails the
//! suite so that the mark is removed and the expectation enforced.
//!
//! `HOSTILE=<part of a name>` runs only the matching cases;
//! `HOSTILE_KEEP=1` keeps the case folders and prints where they are.
#![cfg(unix)] // setrlimit, wait4, symbolic links, /dev/zero

mod common;

use serde::Deserialize;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Address space a run may use (`RLIMIT_AS`): far more than any build needs.
const MEMORY_LIMIT: u64 = 1 << 30;
/// Resident memory a run may reach: a build of the clean fixture needs ~40 MB,
/// the 100,000-line body ~80 MB.
const MAX_RSS: u64 = 256 << 20;
/// Seconds a command may take unless the case says otherwise (debug build, 2 cores).
const DEFAULT_TIMEOUT: u64 = 10;
/// Where a single-file case goes unless it says otherwise.
const DEFAULT_AT: &str = "content/测试局/2021.md";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Cases {
    case: Vec<Case>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct Case {
    /// Unique name; the default input is `<name>.md` or the folder `<name>/`.
    name: String,
    /// What the author did, in a few words.
    about: String,
    /// A file or folder under `tests/hostile/`.
    input: Option<String>,
    /// A generator (see [`generate`]) instead of an input file.
    generate: Option<String>,
    /// Where a single-file input goes in the site (default `content/测试局/2021.md`;
    /// with `args` and no `at`, the input goes to the folder `{input}` names).
    at: Option<String>,
    /// The fixture the site starts from (`ok-2021` by default; `none` for an empty folder).
    base: Option<String>,
    /// Substitutions applied to the input's text first: `[["⟨NUL⟩", "\u0000"]]`.
    #[serde(default)]
    replace: Vec<[String; 2]>,
    /// `crlf`, `cr` or `mixed` (CRLF on the first ten lines).
    line_ends: Option<String>,
    /// `gbk`, `gb18030`, `utf-16le`, `utf-16le-bom`, `utf-16be-bom`, `utf-32le-bom`.
    encode: Option<String>,
    /// Prefix a UTF-8 byte-order mark.
    #[serde(default)]
    bom: bool,
    /// Instead of `check` + `build`: one command (`--root <site>` is added
    /// unless given); `{site}`, `{input}` and `{tmp}` are substituted.
    args: Option<Vec<String>>,
    /// Exit code of `check` and `build` (or of `args`).
    exit: i32,
    /// Exit code of `build` when it differs from `check`'s.
    build_exit: Option<i32>,
    /// `foreign`: the output folder holds a file gongkai did not write.
    output: Option<String>,
    /// Seconds per command.
    timeout: Option<u64>,
    /// The findings, all of them unless `count` says how many there are in all.
    #[serde(default)]
    expect: Vec<Expect>,
    count: Option<usize>,
    /// Text that no finding (message or hint) may contain.
    #[serde(default)]
    lacks: Vec<String>,
    /// Text the output of the commands must contain (for exit code 2 and `args`).
    #[serde(default)]
    stderr_says: Vec<String>,
    /// A page of the built site and what it must and must not contain.
    page: Option<String>,
    #[serde(default)]
    page_has: Vec<String>,
    #[serde(default)]
    page_lacks: Vec<String>,
    /// The bug this case shows, while it is not fixed.
    known_failure: Option<String>,
}

#[derive(Deserialize, Clone, Debug)]
#[serde(deny_unknown_fields)]
struct Expect {
    rule: String,
    /// `错误` (default) or `警告`.
    severity: Option<String>,
    /// Default: the case's `at`.
    file: Option<String>,
    line: u32,
    column: Option<u32>,
    /// The finding is marked （已确认） by the report's `acknowledged:` (default: not).
    #[serde(default)]
    acknowledged: bool,
    /// Substrings of the message or its hint; at least one.
    says: Vec<String>,
}

/// One finding as printed: `file:line:column 错误[RULE] message` plus indented hint lines.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Printed {
    file: String,
    line: u32,
    column: u32,
    severity: String,
    acknowledged: bool,
    rule: String,
    text: String,
}

impl Printed {
    fn header(&self) -> String {
        let ack = if self.acknowledged {
            "（已确认）"
        } else {
            ""
        };
        format!(
            "{}:{}:{} {}{ack}[{}]",
            self.file, self.line, self.column, self.severity, self.rule
        )
    }
}

/// Findings in the text output of `check` or `build`.
fn parse_findings(output: &str) -> Vec<Printed> {
    let mut out: Vec<Printed> = Vec::new();
    for line in output.lines() {
        if line.starts_with(char::is_whitespace) {
            if let Some(last) = out.last_mut() {
                last.text.push('\n');
                last.text.push_str(line.trim());
            }
            continue;
        }
        let Some(found) = parse_finding(line) else {
            continue;
        };
        out.push(found);
    }
    out
}

fn parse_finding(line: &str) -> Option<Printed> {
    for severity in ["错误", "警告"] {
        let Some(i) = line.find(&format!(" {severity}")) else {
            continue;
        };
        let (location, rest) = line.split_at(i);
        let rest = &rest[1 + severity.len()..];
        let acknowledged = rest.starts_with("（已确认）");
        let rest = rest.strip_prefix("（已确认）").unwrap_or(rest);
        let Some(rest) = rest.strip_prefix('[') else {
            continue;
        };
        let (rule, message) = rest.split_once("] ")?;
        let mut parts = location.rsplitn(3, ':');
        let column = parts.next()?.parse().ok()?;
        let line_no = parts.next()?.parse().ok()?;
        let file = parts.next()?.to_string();
        return Some(Printed {
            file,
            line: line_no,
            column,
            severity: severity.to_string(),
            acknowledged,
            rule: rule.to_string(),
            text: message.to_string(),
        });
    }
    None
}

fn hostile_dir() -> PathBuf {
    common::repo().join("tests/hostile")
}

fn load_cases() -> Vec<Case> {
    let path = hostile_dir().join("cases.toml");
    let text = std::fs::read_to_string(&path).expect("tests/hostile/cases.toml");
    let cases: Cases = toml::from_str(&text).unwrap_or_else(|e| panic!("cases.toml: {e}"));
    let mut seen = std::collections::BTreeSet::new();
    for c in &cases.case {
        assert!(seen.insert(c.name.clone()), "case {} listed twice", c.name);
        for e in &c.expect {
            assert!(
                !e.says.is_empty(),
                "case {}: every expected finding must name words of its message",
                c.name
            );
        }
        assert!(
            !c.expect.is_empty() || c.exit == 0 || !c.stderr_says.is_empty() || c.count.is_some(),
            "case {}: an error case must say what the message is",
            c.name
        );
    }
    cases.case
}

/// Folders of one case.
struct Dirs {
    tmp: PathBuf,
    site: PathBuf,
    out: PathBuf,
    input: PathBuf,
    outside: PathBuf,
}

/// The result of running the binary once.
struct Ran {
    code: Option<i32>,
    signal: Option<i32>,
    timed_out: bool,
    elapsed: Duration,
    stdout: String,
    stderr: String,
    /// Peak resident memory in bytes.
    max_rss: u64,
}

impl Ran {
    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Runs `gongkai args` with a timeout and the memory limit.
fn run(args: &[String], dirs: &Dirs, timeout: Duration, label: &str) -> Ran {
    use std::os::unix::process::{CommandExt, ExitStatusExt};

    let log = dirs.tmp.join("log");
    std::fs::create_dir_all(&log).unwrap();
    let out_path = log.join(format!("{label}.stdout"));
    let err_path = log.join(format!("{label}.stderr"));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gongkai"));
    cmd.args(args)
        .current_dir(&dirs.tmp)
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap());
    // SAFETY: between fork and exec we only call setrlimit, which is
    // async-signal-safe, on a value on the stack.
    unsafe {
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: MEMORY_LIMIT as libc::rlim_t,
                rlim_max: MEMORY_LIMIT as libc::rlim_t,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let started = Instant::now();
    // Reaped with wait4 below, which also reports the peak memory.
    #[allow(clippy::zombie_processes)]
    let mut child = cmd.spawn().expect("run gongkai");
    let pid = child.id() as libc::pid_t;
    let mut timed_out = false;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain data, filled in by wait4.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: waits for our own child, with valid pointers to locals.
        let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if reaped == pid {
            break;
        }
        assert!(reaped == 0, "wait4: {}", std::io::Error::last_os_error());
        if !timed_out && started.elapsed() > timeout {
            timed_out = true;
            let _ = child.kill();
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let status = std::process::ExitStatus::from_raw(status);
    let read =
        |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned();
    Ran {
        code: status.code(),
        signal: status.signal(),
        timed_out,
        elapsed: started.elapsed(),
        stdout: read(&out_path),
        stderr: read(&err_path),
        max_rss: (usage.ru_maxrss as u64) * 1024,
    }
}

/// Problems of one run that no case may show: panic, hang, crash.
fn sane(ran: &Ran, what: &str, problems: &mut Vec<String>) -> bool {
    if ran.timed_out {
        problems.push(format!(
            "{what}: still running after {:.1} s (killed)",
            ran.elapsed.as_secs_f64()
        ));
        return false;
    }
    let all = ran.all();
    if all.contains("panicked") || all.contains("RUST_BACKTRACE") || ran.code == Some(101) {
        problems.push(format!(
            "{what}: panicked (exit {:?}):\n{}",
            ran.code,
            tail(&all)
        ));
        return false;
    }
    if all.contains("memory allocation of") {
        problems.push(format!(
            "{what}: ran out of memory under the {} MiB limit:\n{}",
            MEMORY_LIMIT >> 20,
            tail(&all)
        ));
        return false;
    }
    if ran.max_rss > MAX_RSS {
        problems.push(format!(
            "{what}: used {} MiB of memory (at most {} MiB allowed)",
            ran.max_rss >> 20,
            MAX_RSS >> 20
        ));
        return false;
    }
    if let Some(sig) = ran.signal {
        problems.push(format!("{what}: killed by signal {sig}:\n{}", tail(&all)));
        return false;
    }
    true
}

fn tail(s: &str) -> String {
    let lines: Vec<&str> = s.lines().collect();
    let from = lines.len().saturating_sub(12);
    lines[from..]
        .iter()
        .map(|l| {
            let mut l: String = l.chars().take(300).collect();
            l.insert_str(0, "    | ");
            l
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The input text after `replace` and `line_ends`, as bytes in `encode`.
fn transform(case: &Case, bytes: Vec<u8>) -> Vec<u8> {
    if case.replace.is_empty() && case.line_ends.is_none() && case.encode.is_none() && !case.bom {
        return bytes;
    }
    let mut text = String::from_utf8(bytes).expect("a transformed input is UTF-8");
    for [from, to] in &case.replace {
        assert!(
            text.contains(from.as_str()),
            "{}: no {from:?} to replace",
            case.name
        );
        text = text.replace(from.as_str(), to);
    }
    match case.line_ends.as_deref() {
        None => {}
        Some("crlf") => text = text.replace('\n', "\r\n"),
        Some("cr") => text = text.replace('\n', "\r"),
        Some("mixed") => {
            let mut out = String::new();
            for (i, line) in text.split_inclusive('\n').enumerate() {
                if i < 10 {
                    out.push_str(&line.replace('\n', "\r\n"));
                } else {
                    out.push_str(line);
                }
            }
            text = out;
        }
        Some(other) => panic!("{}: line_ends {other:?}", case.name),
    }
    let mut out = Vec::new();
    if case.bom {
        out.extend_from_slice(b"\xEF\xBB\xBF");
    }
    match case.encode.as_deref() {
        None => out.extend_from_slice(text.as_bytes()),
        Some("gbk") | Some("gb18030") => {
            let enc = if case.encode.as_deref() == Some("gbk") {
                encoding_rs::GBK
            } else {
                encoding_rs::GB18030
            };
            let (bytes, _, unmappable) = enc.encode(&text);
            assert!(!unmappable, "{}: text not representable", case.name);
            out.extend_from_slice(&bytes);
        }
        Some("utf-16le") | Some("utf-16le-bom") => {
            if case.encode.as_deref() == Some("utf-16le-bom") {
                out.extend_from_slice(&[0xFF, 0xFE]);
            }
            out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        }
        Some("utf-16be-bom") => {
            out.extend_from_slice(&[0xFE, 0xFF]);
            out.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        }
        Some("utf-32le-bom") => {
            out.extend_from_slice(&[0xFF, 0xFE, 0, 0]);
            out.extend(text.chars().flat_map(|c| (c as u32).to_le_bytes()));
        }
        Some(other) => panic!("{}: encode {other:?}", case.name),
    }
    out
}

/// Builds the case's site (and input folder) under `dirs`.
fn prepare(case: &Case, dirs: &Dirs) {
    for d in [&dirs.site, &dirs.input, &dirs.outside] {
        std::fs::create_dir_all(d).unwrap();
    }
    match case.base.as_deref().unwrap_or("ok-2021") {
        "none" => {}
        fixture => {
            let from = common::fixture(fixture);
            assert!(from.is_dir(), "{}: no fixture {fixture}", case.name);
            common::copy_tree(&from, &dirs.site);
        }
    }
    let at = case.at.as_deref().unwrap_or(DEFAULT_AT);
    if let Some(generator) = &case.generate {
        generate(generator, case, dirs, at);
        return;
    }
    let input = case.input.clone().unwrap_or_else(|| {
        if hostile_dir().join(&case.name).is_dir() {
            case.name.clone()
        } else {
            format!("{}.md", case.name)
        }
    });
    let from = hostile_dir().join(&input);
    if from.is_dir() {
        common::copy_tree(&from, &dirs.site);
        return;
    }
    let bytes = std::fs::read(&from).unwrap_or_else(|e| panic!("{}: {input}: {e}", case.name));
    let bytes = transform(case, bytes);
    let target = if case.args.is_some() && case.at.is_none() {
        dirs.input.join(Path::new(&input).file_name().unwrap())
    } else {
        dirs.site.join(at)
    };
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    std::fs::write(target, bytes).unwrap();
}

/// The clean report every generator starts from.
fn clean_report() -> String {
    std::fs::read_to_string(common::fixture("ok-2021").join(DEFAULT_AT)).unwrap()
}

/// Writes `head` followed by `line` repeated until the file has `bytes` bytes.
fn write_padded(path: &Path, head: &str, line: &str, bytes: usize) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    f.write_all(head.as_bytes()).unwrap();
    let mut written = head.len();
    while written + line.len() <= bytes {
        f.write_all(line.as_bytes()).unwrap();
        written += line.len();
    }
    f.flush().unwrap();
}

/// Inputs too large or too odd to commit, made in the case's folders.
fn generate(name: &str, case: &Case, dirs: &Dirs, at: &str) {
    let report = clean_report();
    let target = dirs.site.join(at);
    let after_year =
        |extra: &str| report.replacen("year: 2021\n", &format!("year: 2021\n{extra}"), 1);
    let write = |path: &Path, text: &str| {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    match name {
        // A 50 MB report: a whole year's scanned annex pasted into the body.
        "fifty-megabytes" => write_padded(
            &target,
            &report,
            "正文很长很长很长很长很长很长很长很长。\n",
            50 << 20,
        ),
        // The body of 100,000 lines.
        "body-100k-lines" => write_padded(
            &target,
            &report,
            "本年度继续做好政府信息公开工作。\n",
            report.len() + 100_000 * 49,
        ),
        // A body just under the 8 MB size limit: accepted, so it must be checked in time.
        "body-near-limit" => write_padded(
            &target,
            &report,
            &format!("{}\n", "正文很长。".repeat(100)),
            8 * 1024 * 1024 - 4096,
        ),
        // One line of 1 MB in the body.
        "long-line" => write(
            &target,
            &format!("{report}\n{}\n", "很长的一行".repeat(200_000)),
        ),
        // A key of 2 MB.
        "long-key" => write(
            &target,
            &after_year(&format!("{}: 1\n", "k".repeat(2 << 20))),
        ),
        // 100,000 keys.
        "many-keys" => {
            let keys: String = (0..100_000).map(|i| format!("k{i}: {i}\n")).collect();
            write(&target, &after_year(&keys));
        }
        // 5,000 unknown keys: each is reported, quickly.
        "many-unknown-keys" => {
            let keys: String = (0..5_000).map(|i| format!("k{i}: {i}\n")).collect();
            write(&target, &after_year(&keys));
        }
        // A mapping nested 400 levels deep, in block style.
        "deep-block" => {
            let nest: String = (1..400)
                .map(|i| format!("{}k{i}:\n", "  ".repeat(i)))
                .collect();
            write(&target, &after_year(&format!("x:\n{nest}")));
        }
        // 10,000 nested flow sequences, closed; and 100,000 never closed.
        "deep-flow" => write(
            &target,
            &after_year(&format!(
                "x: {}{}\n",
                "[".repeat(10_000),
                "]".repeat(10_000)
            )),
        ),
        "deep-flow-unclosed" => write(
            &target,
            &after_year(&format!("x: {}\n", "[".repeat(100_000))),
        ),
        // The report is a symbolic link to a file outside the site.
        "symlink-outside" => {
            let real = dirs.outside.join("2021.md");
            write(&real, &report);
            std::fs::remove_file(&target).unwrap();
            std::os::unix::fs::symlink(&real, &target).unwrap();
        }
        // The report is a symbolic link to nothing.
        "symlink-dangling" => {
            std::fs::remove_file(&target).unwrap();
            std::os::unix::fs::symlink(dirs.outside.join("gone.md"), &target).unwrap();
        }
        // site.toml is a link to an endless file.
        "site-toml-dev-zero" => {
            let path = dirs.site.join("site.toml");
            let _ = std::fs::remove_file(&path);
            std::os::unix::fs::symlink("/dev/zero", &path).unwrap();
        }
        // `content` is a file, not a folder.
        "content-is-a-file" => {
            std::fs::remove_dir_all(dirs.site.join("content")).unwrap();
            write(&dirs.site.join("content"), &report);
        }
        // A 50 MB text to import.
        "import-fifty-megabytes" => write_padded(
            &dirs.input.join("报告.txt"),
            "西工区司法局2021年政府信息公开工作年度报告\n",
            "一、总体情况 本年度继续做好政府信息公开工作。\n",
            50 << 20,
        ),
        other => panic!("{}: no generator {other:?}", case.name),
    }
}

fn substitute(args: &[String], dirs: &Dirs) -> Vec<String> {
    let input = std::fs::read_dir(&dirs.input)
        .ok()
        .and_then(|mut d| d.next())
        .and_then(|e| e.ok())
        .map(|e| e.path().display().to_string())
        .unwrap_or_default();
    let mut out: Vec<String> = args
        .iter()
        .map(|a| {
            a.replace("{site}", &dirs.site.display().to_string())
                .replace("{input}", &input)
                .replace("{tmp}", &dirs.tmp.display().to_string())
        })
        .collect();
    if !args.iter().any(|a| a == "--root") {
        out.splice(
            0..0,
            ["--root".to_string(), dirs.site.display().to_string()],
        );
    }
    out
}

/// How one case went.
struct Outcome {
    /// What went wrong (empty: the case passes).
    problems: Vec<String>,
    took: Duration,
    /// The case's folder, when `HOSTILE_KEEP` keeps it.
    kept: Option<PathBuf>,
}

/// Runs one case.
fn run_case(case: &Case, golden: &Path) -> Outcome {
    let started = Instant::now();
    let tmp = tempfile::Builder::new()
        .prefix("gongkai-hostile-")
        .tempdir()
        .expect("tempdir");
    let dirs = Dirs {
        tmp: tmp.path().to_path_buf(),
        site: tmp.path().join("site"),
        out: tmp.path().join("out"),
        input: tmp.path().join("input"),
        outside: tmp.path().join("outside"),
    };
    prepare(case, &dirs);
    let timeout = Duration::from_secs(case.timeout.unwrap_or(DEFAULT_TIMEOUT));
    let mut problems = Vec::new();

    if let Some(args) = &case.args {
        let args = substitute(args, &dirs);
        let ran = run(&args, &dirs, timeout, "args");
        if sane(&ran, &args.join(" "), &mut problems) {
            exit_code(&ran, case.exit, "the command", &mut problems);
            says(&ran.all(), &case.stderr_says, &mut problems);
            let findings = parse_findings(&ran.all());
            match_findings(case, &findings, "the command", &mut problems);
        }
        return finish(problems, started, tmp);
    }

    // `check`
    let site = dirs.site.display().to_string();
    let check = run(
        &["--root".into(), site.clone(), "check".into()],
        &dirs,
        timeout,
        "check",
    );
    let mut check_findings = None;
    if sane(&check, "check", &mut problems) {
        exit_code(&check, case.exit, "check", &mut problems);
        let findings = parse_findings(&check.all());
        match_findings(case, &findings, "check", &mut problems);
        check_findings = Some(findings);
    }

    if check.timed_out {
        // The case has failed already; a build would only wait as long again.
        return finish(problems, started, tmp);
    }

    // `build` into an output folder that holds the previous good build.
    match case.output.as_deref() {
        None => common::copy_tree(golden, &dirs.out),
        Some("foreign") => {
            std::fs::create_dir_all(&dirs.out).unwrap();
            std::fs::write(dirs.out.join("重要文件.txt"), "不是 gongkai 生成的文件").unwrap();
        }
        Some(other) => panic!("{}: output {other:?}", case.name),
    }
    let before = common::tree(&dirs.out);
    let build = run(
        &[
            "--root".into(),
            site,
            "build".into(),
            "--output".into(),
            dirs.out.display().to_string(),
        ],
        &dirs,
        timeout,
        "build",
    );
    if sane(&build, "build", &mut problems) {
        let expected = case.build_exit.unwrap_or(case.exit);
        exit_code(&build, expected, "build", &mut problems);
        let findings = parse_findings(&build.stderr);
        if let Some(check_findings) = &check_findings
            && case.build_exit.is_none()
        {
            let mut a: Vec<String> = check_findings.iter().map(Printed::header).collect();
            let mut b: Vec<String> = findings.iter().map(Printed::header).collect();
            a.sort();
            b.sort();
            if a != b {
                problems.push(format!(
                    "build printed other findings than check:\n    check: {a:?}\n    build: {b:?}"
                ));
            }
        } else {
            match_findings(case, &findings, "build", &mut problems);
        }
        let after = if dirs.out.exists() {
            common::tree(&dirs.out)
        } else {
            Vec::new()
        };
        if build.code != Some(0) {
            if after != before {
                problems.push(
                    "the failed build changed the output folder (it must keep the previous build)"
                        .into(),
                );
            }
        } else {
            let names: Vec<&str> = after.iter().map(|(n, _)| n.as_str()).collect();
            if !names.contains(&"index.html") || !names.contains(&".gongkai-output") {
                problems.push(format!("the build succeeded but wrote no site: {names:?}"));
            }
            if let Some(page) = &case.page {
                match after.iter().find(|(n, _)| n == page) {
                    None => problems.push(format!("no page {page} in the output")),
                    Some((_, bytes)) => {
                        let html = String::from_utf8_lossy(bytes);
                        for s in &case.page_has {
                            if !html.contains(s.as_str()) {
                                problems.push(format!("{page} lacks {s:?}"));
                            }
                        }
                        for s in &case.page_lacks {
                            if html.contains(s.as_str()) {
                                problems.push(format!("{page} contains {s:?}"));
                            }
                        }
                    }
                }
            }
        }
        let stray: Vec<String> = std::fs::read_dir(&dirs.tmp)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| {
                // The manifest of the build (for the next, incremental one) is expected.
                ![
                    "site",
                    "out",
                    "input",
                    "outside",
                    "log",
                    ".out.gongkai-manifest",
                ]
                .contains(&n.as_str())
            })
            .collect();
        if !stray.is_empty() {
            problems.push(format!("left behind beside the output: {stray:?}"));
        }
        says(
            &format!("{}{}", check.all(), build.all()),
            &case.stderr_says,
            &mut problems,
        );
    }
    finish(problems, started, tmp)
}

fn finish(problems: Vec<String>, started: Instant, tmp: tempfile::TempDir) -> Outcome {
    let kept = std::env::var_os("HOSTILE_KEEP").map(|_| tmp.keep());
    Outcome {
        problems,
        took: started.elapsed(),
        kept,
    }
}

fn exit_code(ran: &Ran, expected: i32, what: &str, problems: &mut Vec<String>) {
    if ran.code != Some(expected) {
        problems.push(format!(
            "{what}: exit code {:?}, expected {expected}:\n{}",
            ran.code,
            tail(&ran.all())
        ));
    }
}

fn says(text: &str, wanted: &[String], problems: &mut Vec<String>) {
    for s in wanted {
        if !text.contains(s.as_str()) {
            problems.push(format!("the output lacks {s:?}:\n{}", tail(text)));
        }
    }
}

fn match_findings(case: &Case, findings: &[Printed], what: &str, problems: &mut Vec<String>) {
    let at = case.at.as_deref().unwrap_or(DEFAULT_AT);
    let mut used = vec![false; findings.len()];
    for e in &case.expect {
        let file = e.file.as_deref().unwrap_or(at);
        let severity = e.severity.as_deref().unwrap_or("错误");
        let hit = findings.iter().enumerate().position(|(i, f)| {
            !used[i]
                && f.rule == e.rule
                && f.file == file
                && f.line == e.line
                && e.column.is_none_or(|c| c == f.column)
                && f.severity == severity
                && f.acknowledged == e.acknowledged
                && e.says.iter().all(|s| f.text.contains(s.as_str()))
        });
        match hit {
            Some(i) => used[i] = true,
            None => problems.push(format!(
                "{what}: no finding {file}:{}:{} {severity}[{}] saying {:?}; printed:\n{}",
                e.line,
                e.column.map_or("*".into(), |c| c.to_string()),
                e.rule,
                e.says,
                listing(findings)
            )),
        }
    }
    let expected_count = case.count.unwrap_or(case.expect.len());
    if findings.len() != expected_count {
        problems.push(format!(
            "{what}: {} findings, expected {expected_count}:\n{}",
            findings.len(),
            listing(findings)
        ));
    }
    for f in findings {
        for s in &case.lacks {
            if f.text.contains(s.as_str()) {
                problems.push(format!(
                    "{what}: {} says {s:?}, which it must not",
                    f.header()
                ));
            }
        }
    }
}

fn listing(findings: &[Printed]) -> String {
    if findings.is_empty() {
        return "    (none)".into();
    }
    findings
        .iter()
        .take(8)
        .map(|f| {
            let text: String = f.text.chars().take(200).collect();
            format!("    {} {}", f.header(), text.replace('\n', " / "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The previous good build every case's output folder starts from.
fn golden_build(dir: &Path) -> PathBuf {
    let site = dir.join("site");
    common::copy_tree(&common::fixture("ok-2021"), &site);
    let out = dir.join("out");
    let status = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .arg("--root")
        .arg(&site)
        .args(["--quiet", "build", "--output"])
        .arg(&out)
        .status()
        .expect("build the clean fixture");
    assert!(status.success(), "the clean fixture must build");
    out
}

#[test]
fn hostile_inputs_get_a_clear_answer_and_never_a_crash() {
    let filter = std::env::var("HOSTILE").ok();
    let cases: Vec<Case> = load_cases()
        .into_iter()
        .filter(|c| filter.as_deref().is_none_or(|f| c.name.contains(f)))
        .collect();
    assert!(!cases.is_empty(), "no case matches HOSTILE={filter:?}");
    let golden_dir = tempfile::tempdir().unwrap();
    let golden = golden_build(golden_dir.path());

    let started = Instant::now();
    let next = AtomicUsize::new(0);
    let results: Mutex<BTreeMap<usize, Outcome>> = Mutex::new(BTreeMap::new());
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 4);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(case) = cases.get(i) else { break };
                    let result = run_case(case, &golden);
                    results.lock().unwrap().insert(i, result);
                }
            });
        }
    });

    let results = results.into_inner().unwrap();
    let (mut passed, mut known, mut failed, mut fixed) = (0, Vec::new(), Vec::new(), Vec::new());
    let mut report = String::new();
    for (
        i,
        Outcome {
            problems,
            took,
            kept,
        },
    ) in &results
    {
        let case = &cases[*i];
        let kept = kept
            .as_ref()
            .map(|p| format!(" [kept: {}]", p.display()))
            .unwrap_or_default();
        let status = match (&case.known_failure, problems.is_empty()) {
            (None, true) => {
                passed += 1;
                "ok"
            }
            (Some(_), false) => {
                known.push(case.name.clone());
                "known failure"
            }
            (Some(_), true) => {
                fixed.push(case.name.clone());
                "FIXED"
            }
            (None, false) => {
                failed.push(case.name.clone());
                "FAILED"
            }
        };
        report.push_str(&format!(
            "{status:>13}  {:<34} {:>5.1} s  {}{kept}\n",
            case.name,
            took.as_secs_f64(),
            case.about
        ));
        if let Some(why) = &case.known_failure {
            report.push_str(&format!("{:>15}bug: {why}\n", ""));
        }
        if status != "ok" {
            for p in problems {
                report.push_str(&format!(
                    "{:>15}- {}\n",
                    "",
                    p.replace('\n', "\n                 ")
                ));
            }
        }
    }
    println!("{report}");
    println!(
        "{} cases in {:.1} s: {passed} passed, {} known failures, {} failed, {} fixed",
        results.len(),
        started.elapsed().as_secs_f64(),
        known.len(),
        failed.len(),
        fixed.len()
    );
    assert!(
        failed.is_empty(),
        "hostile cases failed: {failed:?} (details above; run with --nocapture)"
    );
    assert!(
        fixed.is_empty(),
        "these known failures pass now: remove their known_failure line in tests/hostile/cases.toml: {fixed:?}"
    );
}
