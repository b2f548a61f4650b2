//! `gongkai serve --watch`, the real binary on a free port: a page is served,
//! an atomic save sends a reload event and the new content, a broken total
//! shows the overlay while the old page stays, fixing it reloads; the served
//! folder then equals a fresh full build. Bounded waits, no fixed sleeps.

mod common;
use common::{Site, tree};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(15);

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(site: &Site, output: &Path) -> Server {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args([
            "--root",
            site.path().to_str().unwrap(),
            "serve",
            "--watch",
            "--port",
            &port.to_string(),
            "--output",
            output.to_str().unwrap(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server { child, port };
    let deadline = Instant::now() + WAIT;
    while get(&server, "/").is_err() {
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    server
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(5)))
        .build()
        .into()
}

/// (status, content type, body)
fn get(server: &Server, path: &str) -> Result<(u16, String, String), ureq::Error> {
    let mut r = agent()
        .get(&format!("http://127.0.0.1:{}{}", server.port, path))
        .call()?;
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let status = r.status().as_u16();
    Ok((
        status,
        ct,
        r.body_mut().read_to_string().unwrap_or_default(),
    ))
}

/// Server-Sent Events as (event, data), read on a thread.
fn subscribe(server: &Server) -> mpsc::Receiver<(String, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    // HTTP/1.0: the body is not chunked, it simply runs until the server closes.
    stream
        .write_all(b"GET /__gongkai/events HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let reader = BufReader::new(stream);
        let mut event = String::new();
        for line in reader.lines() {
            let Ok(line) = line else { break };
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

fn next_event(rx: &mpsc::Receiver<(String, String)>, name: &str) -> serde_json::Value {
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let (event, data) = rx
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no {name} event"));
        if event == name {
            return serde_json::from_str(&data).unwrap();
        }
    }
}

/// Saves like an editor: write a temporary file, then rename it over the report.
fn atomic_save(site: &Site, rel: &str, text: &str) {
    let path = site.path().join(rel);
    let tmp = path.with_file_name(".gongkai-test.tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, &path).unwrap();
}

const REPORT: &str = "content/示例区示例局/2022.md";
const PAGE: &str = "/xxgk/示例区示例局/2022/";

#[test]
fn edit_reload_break_overlay_fix_reload() {
    let site = Site::bundled();
    let out = site.path().join("preview");
    let server = start(&site, &out);

    let (status, ct, page) = get(&server, PAGE).unwrap();
    assert_eq!(status, 200);
    assert_eq!(ct, "text/html; charset=utf-8");
    assert!(
        page.contains("/__gongkai/live.js"),
        "serve injects the client"
    );
    assert!(
        !std::fs::read_to_string(out.join("示例区示例局/2022/index.html"))
            .unwrap()
            .contains("__gongkai"),
        "but not into the files"
    );
    let events = subscribe(&server);
    assert_eq!(next_event(&events, "ok")["type"], "ok");

    // 1. An edit: the page is named in the reload event and serves the new text.
    let original = site.read(REPORT);
    let edited = original.replacen(
        "## 五、存在的主要问题及改进情况\n",
        "## 五、存在的主要问题及改进情况\n\n本段由测试加入。\n",
        1,
    );
    assert_ne!(edited, original);
    atomic_save(&site, REPORT, &edited);
    let reload = next_event(&events, "reload");
    let paths: Vec<&str> = reload["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(paths.contains(&PAGE), "{reload}");
    assert!(
        !paths.contains(&"/xxgk/示例区示例局/2021/"),
        "other reports are not rebuilt: {reload}"
    );
    assert!(get(&server, PAGE).unwrap().2.contains("本段由测试加入。"));

    // 2. A broken total: the overlay gets the finding, the last good page stays.
    let broken = edited.replacen(
        "carried_forward: [0, 1, 0, 0, 1, 0, 2]",
        "carried_forward: [0, 1, 0, 0, 1, 0, 3]",
        1,
    );
    assert_ne!(broken, edited, "fixture line changed?");
    atomic_save(&site, REPORT, &broken);
    let errors = next_event(&events, "errors");
    let first = errors["findings"][0].as_str().unwrap();
    assert!(
        first.starts_with("content/示例区示例局/2022.md:"),
        "{first}"
    );
    let all = errors["findings"].to_string();
    assert!(all.contains("T3.3") && all.contains("T3.1"), "{all}");
    let (status, _, page) = get(&server, PAGE).unwrap();
    assert_eq!(status, 200);
    assert!(
        page.contains("本段由测试加入。"),
        "the last good page is still served"
    );
    // A page opened now learns about the errors at once.
    let late = subscribe(&server);
    assert_eq!(
        next_event(&late, "errors")["findings"][0],
        errors["findings"][0]
    );

    // 3. Fixed: every page reloads and the overlay goes.
    atomic_save(&site, REPORT, &original);
    let reload = next_event(&events, "reload");
    assert_eq!(reload["all"], true);
    assert!(!get(&server, PAGE).unwrap().2.contains("本段由测试加入。"));

    // The served folder is exactly what a full build of the same sources writes.
    let run = site.run(&[
        "build",
        "--output",
        site.path().join("full").to_str().unwrap(),
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_eq!(tree(&out), tree(&site.path().join("full")));
}

#[test]
fn serves_the_right_types_and_nothing_outside_the_output() {
    let site = Site::bundled();
    std::fs::write(site.path().join("secret.txt"), "secret").unwrap();
    let server = start(&site, &site.path().join("preview"));
    let cases = [
        (
            "/xxgk/示例区示例局/2021/report.json",
            200,
            "application/json",
        ),
        (
            "/xxgk/示例区示例局/2021/applications.csv",
            200,
            "text/csv; charset=utf-8",
        ),
        ("/xxgk/static/style.css", 200, "text/css; charset=utf-8"),
        ("/xxgk/不存在/", 404, "text/html; charset=utf-8"),
    ];
    for (path, status, ct) in cases {
        let (s, c, _) = get(&server, path).unwrap();
        assert_eq!((s, c.as_str()), (status, ct), "{path}");
    }
    let (s, _, body) = get(&server, "/xxgk/不存在/").unwrap();
    assert_eq!(s, 404);
    assert!(body.contains("页面不存在"), "the theme's 404 page");
    // A directory without its slash is redirected, so that relative links work.
    let r = agent()
        .get(&format!(
            "http://127.0.0.1:{}/xxgk/示例区示例局/2021",
            server.port
        ))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 301);
    // Path traversal, raw and encoded, never reaches a file outside.
    for path in [
        "/xxgk/../secret.txt",
        "/xxgk/%2e%2e/secret.txt",
        "/xxgk/%2E%2E%2Fsecret.txt",
        "/xxgk/..%5csecret.txt",
        "/xxgk//etc/passwd",
        "/xxgk/%00",
    ] {
        let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        write!(s, "GET {path} HTTP/1.0\r\n\r\n").unwrap();
        let mut response = String::new();
        let _ = std::io::Read::read_to_string(&mut s, &mut response);
        assert!(
            !response.contains("secret") || response.contains("404"),
            "{path}: {response}"
        );
        assert!(
            !response.starts_with("HTTP/1.0 200") && !response.starts_with("HTTP/1.1 200"),
            "{path}: {response}"
        );
    }
}

#[test]
fn a_taken_port_is_explained_with_one_to_try() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let site = Site::bundled();
    let out = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args([
            "--root",
            site.path().to_str().unwrap(),
            "serve",
            "--port",
            &port.to_string(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("端口 {port} 已被占用")) && err.contains("--port"),
        "{err}"
    );
}

/// Sends raw bytes and returns what came back before the server closed (or 5 s passed).
fn raw(server: &Server, request: &[u8]) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let _ = s.write_all(request);
    let _ = s.shutdown(std::net::Shutdown::Write);
    let mut response = Vec::new();
    let _ = std::io::Read::read_to_end(&mut s, &mut response);
    String::from_utf8_lossy(&response).into_owned()
}

/// Resident memory of a process, in KiB.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

#[test]
fn survives_symlinks_oversized_and_malformed_requests_and_a_thousand_connections() {
    let site = Site::bundled();
    std::fs::write(site.path().join("secret.txt"), "secret").unwrap();
    let output = site.path().join("preview");
    let server = start(&site, &output);

    // A symlink inside the output that points outside it is not followed.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(site.path().join("secret.txt"), output.join("leak.txt"))
            .unwrap();
        let (s, _, body) = get(&server, "/xxgk/leak.txt").unwrap();
        assert_eq!(s, 404);
        assert!(!body.contains("secret"));
    }

    // Oversized and malformed requests get an error or a closed connection.
    let long_path = format!(
        "GET /xxgk/{} HTTP/1.1\r\nHost: x\r\n\r\n",
        "a".repeat(200_000)
    );
    let long_header = format!(
        "GET /xxgk/ HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "b".repeat(2_000_000)
    );
    let many_headers = format!(
        "GET /xxgk/ HTTP/1.1\r\nHost: x\r\n{}\r\n",
        (0..10_000)
            .map(|i| format!("X-{i}: y\r\n"))
            .collect::<String>()
    );
    // (request, whether it must be refused): the others may be answered,
    // but none may stop the server.
    let requests: Vec<(Vec<u8>, bool)> = vec![
        (long_path.into_bytes(), true),
        (long_header.into_bytes(), true),
        (many_headers.into_bytes(), true),
        (b"GARBAGE\r\n\r\n".to_vec(), true),
        (b"GET /xxgk/ HTTP/9.9\r\n\r\n".to_vec(), true),
        ((0..=255u8).cycle().take(100_000).collect(), true),
        (
            b"GET /xxgk/ HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n".to_vec(),
            true,
        ),
        (
            b"POST /xxgk/ HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\nabc".to_vec(),
            true,
        ),
        (
            b"GET /xxgk/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".to_vec(),
            false,
        ),
        (
            b"GET /xxgk/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
            false,
        ),
        (b"GET /xxgk/".to_vec(), true),
    ];
    for (request, refused) in &requests {
        let response = raw(&server, request);
        assert!(
            !refused || !response.starts_with("HTTP/1.1 200"),
            "{:?}: {}",
            String::from_utf8_lossy(&request[..request.len().min(60)]),
            &response[..response.len().min(200)]
        );
        // Still serving.
        assert_eq!(get(&server, "/xxgk/").unwrap().0, 200);
    }

    // 1,000 connections at once for 10 seconds, each asking again and again.
    let before = rss_kib(server.child.id());
    let port = server.port;
    let deadline = Instant::now() + Duration::from_secs(10);
    let threads: Vec<_> = (0..1000)
        .map(|i| {
            std::thread::Builder::new()
                .stack_size(64 * 1024)
                .spawn(move || {
                    let mut ok = 0u32;
                    let path = ["/xxgk/", "/xxgk/static/style.css", "/xxgk/不存在/"][i % 3];
                    while Instant::now() < deadline {
                        let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
                            continue;
                        };
                        let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
                        let request =
                            format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                        if s.write_all(request.as_bytes()).is_err() {
                            continue;
                        }
                        let mut response = Vec::new();
                        let _ = std::io::Read::read_to_end(&mut s, &mut response);
                        if response.starts_with(b"HTTP/1.1 200")
                            || response.starts_with(b"HTTP/1.1 404")
                        {
                            ok += 1;
                        }
                    }
                    ok
                })
                .unwrap()
        })
        .collect();
    let answered: u32 = threads.into_iter().map(|t| t.join().unwrap()).sum();
    let after = rss_kib(server.child.id());
    eprintln!(
        "1,000 connections for 10 s: {answered} responses; server memory {before} KiB → {after} KiB"
    );
    assert!(answered >= 1000, "{answered} responses");
    assert!(after < 512 * 1024, "server memory {after} KiB");
    assert!(server_alive(&server));
    assert_eq!(get(&server, "/xxgk/").unwrap().0, 200);
}

fn server_alive(server: &Server) -> bool {
    std::fs::metadata(format!("/proc/{}", server.child.id())).is_ok()
}
