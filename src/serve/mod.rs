//! `gongkai serve [--watch]`: build into a preview folder, serve it over
//! HTTP, and with `--watch` rebuild what changed on every save and tell the
//! browser. Bad input never stops the server: the last good pages stay and
//! the errors appear over them.

pub mod change;
pub mod http;
mod watch;

use crate::diag::{self, Finding};
use crate::pipeline::{Applied, Change, DirSink, Pipeline, Stop};
use anyhow::{Context, Result, bail};
use change::Layout;
use http::{LiveEvent, ServeState};
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock, mpsc};
use std::time::Instant;

/// The flags of `serve`.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub host: String,
    pub port: u16,
    pub watch: bool,
    pub open: bool,
    /// Where to build; default: a new temporary folder (never `public/`).
    pub output: Option<PathBuf>,
    pub minify: bool,
    pub quiet: bool,
}

pub fn run(opts: ServeOptions) -> Result<()> {
    let root = opts
        .root
        .canonicalize()
        .with_context(|| format!("站点目录 {} 不存在", opts.root.display()))?;
    let (out_dir, temporary) = match &opts.output {
        Some(o) => (std::env::current_dir()?.join(o), false),
        None => (
            std::env::temp_dir().join(format!("gongkai-serve-{}", std::process::id())),
            true,
        ),
    };
    prepare_output(&out_dir)?;
    let out_dir = out_dir.canonicalize()?;
    let listener = bind(&opts.host, opts.port)?;

    let mut pipeline = Pipeline::new(&root, Some(&out_dir), opts.minify);
    let sink = DirSink {
        root: out_dir.clone(),
    };
    let started = Instant::now();
    let first = pipeline.run(&[], &sink);
    let base = pipeline.settings.site.base_path();
    let current = match &first {
        Ok(applied) => {
            report_ok(applied, started, opts.quiet, &[], true);
            LiveEvent::Ok
        }
        Err(stop) => report_stop(stop),
    };

    let (events, _) = tokio::sync::broadcast::channel(64);
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let state = Arc::new(ServeState {
        root: out_dir.clone(),
        base: base.clone(),
        events,
        current: RwLock::new(current),
        shutdown: stop_rx,
    });

    let addr = listener.local_addr()?;
    let url = format!("http://{}{}", display_addr(addr), base);
    println!("预览地址：{url}");
    println!("生成目录：{}（不会改动 public/）", out_dir.display());
    let _watcher = if opts.watch {
        let layout = Layout {
            root: root.clone(),
            content: pipeline.settings.content_dir.clone(),
            theme: root.join("themes").join(&pipeline.settings.site.theme),
            output: out_dir.clone(),
        };
        let (tx, rx) = mpsc::channel();
        let watcher = watch::start(layout, tx).context("无法监视文件变化")?;
        let state = state.clone();
        std::thread::spawn(move || rebuild_loop(pipeline, sink, rx, state, opts.quiet));
        println!("正在监视 content/、主题和 site.toml：保存文件后页面会自动刷新。按 Ctrl-C 停止。");
        Some(watcher)
    } else {
        println!("按 Ctrl-C 停止。（加 --watch 可在保存后自动重新生成）");
        None
    };
    if opts.open {
        open_browser(&url);
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let served = runtime.block_on(async move {
        listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        axum::serve(listener, http::router(state))
            .with_graceful_shutdown(async move {
                stop_signal().await;
                let _ = stop_tx.send(true);
            })
            .await
    });
    // Idle connections and blocking-pool threads need not be waited for.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    served?;
    if temporary {
        let _ = std::fs::remove_dir_all(&out_dir);
    }
    println!("已停止。");
    Ok(())
}

/// Ctrl-C (SIGINT) or SIGTERM.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) {
            (Ok(mut int), Ok(mut term)) => {
                tokio::select! {
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Applies each burst of changes; a burst that arrives during a rebuild is
/// merged with the others waiting, so the last state wins.
fn rebuild_loop(
    mut pipeline: Pipeline,
    sink: DirSink,
    rx: mpsc::Receiver<Vec<Change>>,
    state: Arc<ServeState>,
    quiet: bool,
) {
    let mut waiting: Option<Vec<Change>> = None;
    // After a failed start the first good run lists the warnings as a start does.
    let mut first = matches!(
        *state.current.read().expect("not poisoned"),
        LiveEvent::Errors { .. }
    );
    loop {
        let mut changes = match waiting.take() {
            Some(c) => c,
            None => match rx.recv() {
                Ok(c) => c,
                Err(_) => break,
            },
        };
        while let Ok(more) = rx.try_recv() {
            changes.extend(more);
        }
        changes.sort();
        changes.dedup();
        let started = Instant::now();
        let result = pipeline.run_first(&changes, &sink);
        let failing = matches!(
            *state.current.read().expect("not poisoned"),
            LiveEvent::Errors { .. }
        );
        let event = match &result {
            Ok(applied) => {
                report_ok(applied, started, quiet, &changes, first);
                crate::timing::report();
                first = false;
                *state.current.write().expect("not poisoned") = LiveEvent::Ok;
                reload_event(&state.base, applied, failing)
            }
            Err(stop) => {
                let event = report_stop(stop);
                *state.current.write().expect("not poisoned") = event.clone();
                Some(event)
            }
        };
        if let Some(e) = event {
            let _ = state.events.send(e);
        }
        // A save that came meanwhile goes first: the listings, data and
        // search index wait for it (they are kept and run after it).
        if result.is_ok()
            && let Ok(more) = rx.try_recv()
        {
            waiting = Some(more);
            continue;
        }
        // Then the listings, portal data and search index; their pages reload in turn.
        if result.is_ok() {
            match pipeline.run_deferred(&sink) {
                Ok(rest) => {
                    if let Some(e) = reload_event(&state.base, &rest, false) {
                        let _ = state.events.send(e);
                    }
                }
                Err(stop) => {
                    report_stop(&stop);
                }
            }
        }
    }
}

/// The event for a successful rebuild: which pages changed.
fn reload_event(base: &str, applied: &Applied, recovered: bool) -> Option<LiveEvent> {
    if recovered {
        return Some(LiveEvent::Reload {
            paths: Vec::new(),
            all: true,
        });
    }
    if applied.changed.is_empty() {
        return None;
    }
    if applied.changed.iter().all(|p| p.ends_with(".css")) {
        return Some(LiveEvent::Css);
    }
    let paths = applied
        .changed
        .iter()
        .map(|p| format!("{base}{}", p.strip_suffix("index.html").unwrap_or(p)))
        .collect();
    Some(LiveEvent::Reload { paths, all: false })
}

/// Prints the warnings: after an edit of some reports, theirs in full and a
/// count of the others (a large portal has hundreds, which would bury the
/// one the author is looking for); on the first run and after a change of
/// `site.toml` or the theme, the first ones and a count.
fn report_ok(applied: &Applied, started: Instant, quiet: bool, changes: &[Change], first: bool) {
    const SHOWN: usize = 20;
    let edited = |f: &Finding| {
        changes
            .iter()
            .any(|c| matches!(c, Change::Report(p) if p.ends_with(&f.file)))
    };
    let only_reports = !first && changes.iter().all(|c| matches!(c, Change::Report(_)));
    let (shown, rest): (Vec<Finding>, Vec<Finding>) = if only_reports {
        applied.findings.iter().cloned().partition(|f| edited(f))
    } else {
        let n = applied.findings.len().min(SHOWN);
        (
            applied.findings[..n].to_vec(),
            applied.findings[n..].to_vec(),
        )
    };
    if !shown.is_empty() {
        crate::commands::print_findings(&shown, true);
    }
    if !rest.is_empty() {
        eprintln!(
            "{}还有 {} 个警告未列出（运行 gongkai check 查看全部）。",
            if only_reports { "其他报告" } else { "" },
            rest.len()
        );
    }
    if !quiet {
        eprintln!(
            "已生成：{} 个文件有变化（{} ms）",
            applied.changed.len(),
            started.elapsed().as_millis()
        );
    }
}

fn report_stop(stop: &Stop) -> LiveEvent {
    match stop {
        Stop::Findings(findings) => {
            crate::commands::print_findings(findings, true);
            eprintln!("页面仍显示上一次正确的版本；修正后保存即可。");
            overlay(findings)
        }
        Stop::Io(e) => {
            eprintln!("错误：无法写入预览目录：{e}");
            LiveEvent::Errors {
                findings: vec![format!("无法写入预览目录：{e}")],
                summary: String::new(),
            }
        }
    }
}

/// The overlay shows the errors as the terminal prints them.
fn overlay(findings: &[Finding]) -> LiveEvent {
    LiveEvent::Errors {
        findings: findings
            .iter()
            .filter(|f| f.is_error())
            .map(Finding::to_text)
            .collect(),
        summary: diag::summary(findings),
    }
}

/// Makes `dir` an empty folder that gongkai owns.
fn prepare_output(dir: &Path) -> Result<()> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir)?.next().is_none();
        if !empty && !dir.join(crate::output::MARKER).exists() {
            bail!(
                "预览目录 {} 已有其他文件，且不是 gongkai 生成的：请换一个目录",
                dir.display()
            );
        }
        std::fs::remove_dir_all(dir).with_context(|| format!("无法清空 {}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建 {}", dir.display()))
}

/// Binds the address; a port in use is explained with a free one to try.
fn bind(host: &str, port: u16) -> Result<TcpListener> {
    let ip: IpAddr = match host {
        "localhost" => IpAddr::from([127, 0, 0, 1]),
        h => h
            .parse()
            .with_context(|| format!("--host {h} 不是 IP 地址（例如 127.0.0.1）"))?,
    };
    if !ip.is_loopback() {
        eprintln!(
            "警告：预览服务监听在 {ip}，同一网络中的其他电脑也能访问。只在本机预览请用 --host 127.0.0.1。"
        );
    }
    match TcpListener::bind(SocketAddr::new(ip, port)) {
        Ok(l) => Ok(l),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            let free = (port.saturating_add(1)..port.saturating_add(50))
                .find(|p| TcpListener::bind(SocketAddr::new(ip, *p)).is_ok());
            match free {
                Some(p) => bail!(
                    "端口 {port} 已被占用（可能已有一个 gongkai serve 在运行）。可以换一个端口：gongkai serve --port {p}"
                ),
                None => bail!("端口 {port} 已被占用。请用 --port 指定其他端口"),
            }
        }
        Err(e) => Err(e).with_context(|| format!("无法监听 {ip}:{port}")),
    }
}

fn display_addr(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V6(a) => format!("[{}]:{}", a.ip(), a.port()),
        SocketAddr::V4(a) => a.to_string(),
    }
}

fn open_browser(url: &str) {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(program)
        .arg(url)
        .spawn()
        .is_err()
    {
        eprintln!("无法自动打开浏览器，请手动访问 {url}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_the_browser_which_pages_changed() {
        let applied = |paths: &[&str]| Applied {
            changed: paths.iter().map(|s| s.to_string()).collect(),
            ..Applied::default()
        };
        assert_eq!(
            reload_event(
                "/xxgk/",
                &applied(&["index.html", "局/2021/index.html", "局/2021/report.json"]),
                false
            ),
            Some(LiveEvent::Reload {
                paths: vec![
                    "/xxgk/".into(),
                    "/xxgk/局/2021/".into(),
                    "/xxgk/局/2021/report.json".into()
                ],
                all: false
            })
        );
        assert_eq!(
            reload_event("/", &applied(&["static/style.css"]), false),
            Some(LiveEvent::Css)
        );
        assert_eq!(reload_event("/", &applied(&[]), false), None);
        assert_eq!(
            reload_event("/", &applied(&[]), true),
            Some(LiveEvent::Reload {
                paths: vec![],
                all: true
            })
        );
    }
}
