//! Test harness: copy a fixture site into a temporary folder and run the
//! real `gongkai` binary on it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

/// The repository root (the bundled portal).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// A private copy of a site (fixture or the bundled portal).
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    pub fn copy_of(src: &Path) -> Site {
        let dir = tempfile::tempdir().expect("tempdir");
        for name in ["site.toml", "content", "themes"] {
            let from = src.join(name);
            if from.exists() {
                copy_tree(&from, &dir.path().join(name));
            }
        }
        Site { dir }
    }

    pub fn fixture(name: &str) -> Site {
        Site::copy_of(&fixture(name))
    }

    /// The bundled portal of the repository.
    pub fn bundled() -> Site {
        Site::copy_of(&repo())
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_env(&[], args)
    }

    /// [`Site::run`] with environment variables set.
    pub fn run_with_env(&self, env: &[(&str, &str)], args: &[&str]) -> Run {
        let mut cmd = assert_cmd::Command::cargo_bin("gongkai").expect("binary");
        cmd.arg("--root").arg(self.path()).args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        Run(cmd.output().expect("run gongkai"))
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// Replaces `from` (which must occur) by `to` in a file.
    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} lacks {from:?}");
        self.write(rel, &text.replacen(from, to, 1));
    }

    /// 1-based line of the first line of `rel` containing `needle`.
    pub fn line_of(&self, rel: &str, needle: &str) -> u32 {
        self.read(rel)
            .lines()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle} not in {rel}")) as u32
            + 1
    }

    /// Findings of `gongkai check --format json`.
    pub fn findings(&self) -> Vec<serde_json::Value> {
        let run = self.run(&["check", "--format", "json"]);
        serde_json::from_str(&run.stdout())
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", run.stdout()))
    }
}

pub struct Run(pub Output);

impl Run {
    pub fn code(&self) -> i32 {
        self.0.status.code().unwrap_or(-1)
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }
}

pub fn copy_tree(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        std::fs::copy(from, to).unwrap();
    }
}

/// Every file under `dir` with its bytes, sorted by path.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            out.push((rel, std::fs::read(entry.path()).unwrap()));
        }
    }
    out
}
