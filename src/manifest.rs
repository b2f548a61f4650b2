//! The build manifest: what the last `build` wrote, and from which inputs.
//!
//! Beside the output folder (`.public.gongkai-manifest` for `public/`, never
//! published) a build records, for every job, the fingerprint of its inputs
//! ([`crate::pipeline::job_fingerprints`]) and the files it wrote with a hash
//! of their bytes, their size, modification time and inode. The next build renders
//! only the jobs whose fingerprint changed and carries every other file into
//! the new output by hard link: the result is the tree a clean build writes.
//!
//! A manifest is trusted only for the output it was written with: it names
//! the gongkai that wrote it and the output folder (inode and change time,
//! which every build's atomic swap renews), and each carried file must still
//! have the recorded size, modification time and inode (a file edited by hand in
//! the output is rendered again). Anything else — no manifest, a damaged
//! one, another gongkai, `build --clean` — means a full build.

use crate::pipeline::Hash;
use std::collections::HashMap;
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

const HEADER: &str = "gongkai-manifest 2";

/// One file of the output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEntry {
    pub path: String,
    pub hash: Hash,
    pub len: u64,
    /// Modification time, nanoseconds since the epoch.
    pub mtime: i128,
    /// Inode number: the next incremental build finds the files its
    /// staging folder (the spare) already shares with the output by it,
    /// without a `stat` each.
    pub ino: u64,
}

impl FileEntry {
    /// The entry of a file as it is on disk now.
    pub fn stat(path: String, hash: Hash, full: &Path) -> std::io::Result<FileEntry> {
        let m = std::fs::symlink_metadata(full)?;
        Ok(FileEntry {
            path,
            hash,
            len: m.len(),
            mtime: mtime(&m),
            ino: m.ino(),
        })
    }

    /// Whether the file at `full` is still the one recorded.
    pub fn unchanged(&self, full: &Path) -> bool {
        std::fs::symlink_metadata(full).is_ok_and(|m| {
            m.is_file() && m.len() == self.len && mtime(&m) == self.mtime && m.ino() == self.ino
        })
    }
}

fn mtime(m: &std::fs::Metadata) -> i128 {
    m.mtime() as i128 * 1_000_000_000 + m.mtime_nsec() as i128
}

/// One job of the last build: the fingerprint of its inputs and its files.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JobEntry {
    pub fingerprint: Hash,
    pub files: Vec<FileEntry>,
}

/// What a build wrote. Jobs are keyed by their `Debug` form (`Report("content/…")`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    /// The gongkai that wrote it ([`version`]).
    pub version: String,
    /// The output folder it describes ([`folder_id`]).
    pub output: String,
    pub jobs: HashMap<String, JobEntry>,
}

/// Where the manifest of `output` lives: beside it, hidden, not published.
pub fn path_for(output: &Path) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    output.with_file_name(format!(".{name}.gongkai-manifest"))
}

/// This gongkai: its version and its executable (a rebuilt binary renders
/// anew, even with the same version number).
pub fn version() -> String {
    let exe = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| format!("{}/{}", m.len(), mtime(&m)))
        .unwrap_or_else(|_| "?".into());
    format!("{} {exe}", env!("CARGO_PKG_VERSION"))
}

/// Identifies one output folder: each build swaps in a new folder, with a
/// new inode and change time.
pub fn folder_id(output: &Path) -> Option<String> {
    let m = std::fs::symlink_metadata(output).ok()?;
    m.is_dir()
        .then(|| format!("{}:{}/{}.{}", m.dev(), m.ino(), m.ctime(), m.ctime_nsec()))
}

impl Manifest {
    /// The manifest of the build that wrote `output`, if there is one this
    /// gongkai can trust.
    pub fn read(output: &Path) -> Option<Manifest> {
        let text = std::fs::read_to_string(path_for(output)).ok()?;
        let manifest = Manifest::parse(&text)?;
        (manifest.version == version() && Some(&manifest.output) == folder_id(output).as_ref())
            .then_some(manifest)
    }

    /// Parses a manifest; `None` unless it is complete (its last line holds
    /// a hash of all the others).
    fn parse(text: &str) -> Option<Manifest> {
        let body = text.strip_suffix('\n')?;
        let (body, end) = body.rsplit_once('\n')?;
        let body = &text[..body.len() + 1];
        let sum = Hash::from_str_radix(end.strip_prefix("end ")?, 16).ok()?;
        if sum != crate::pipeline::hash(body.as_bytes()) {
            return None;
        }
        let mut lines = body.lines();
        if lines.next()? != HEADER {
            return None;
        }
        let version = lines.next()?.strip_prefix("version ")?.to_string();
        let output = lines.next()?.strip_prefix("output ")?.to_string();
        let mut jobs: HashMap<String, JobEntry> = HashMap::new();
        let mut current: Option<&mut JobEntry> = None;
        for line in lines {
            let mut parts = line.splitn(6, ' ');
            match parts.next()? {
                "J" => {
                    let fingerprint = Hash::from_str_radix(parts.next()?, 16).ok()?;
                    let key = line.splitn(3, ' ').nth(2)?.to_string();
                    let entry = jobs.entry(key).or_default();
                    entry.fingerprint = fingerprint;
                    current = Some(entry);
                }
                "F" => {
                    let hash = Hash::from_str_radix(parts.next()?, 16).ok()?;
                    let len = parts.next()?.parse().ok()?;
                    let mtime = parts.next()?.parse().ok()?;
                    let ino = parts.next()?.parse().ok()?;
                    let path = parts.next()?.to_string();
                    current.as_mut()?.files.push(FileEntry {
                        path,
                        hash,
                        len,
                        mtime,
                        ino,
                    });
                }
                _ => return None,
            }
        }
        Some(Manifest {
            version,
            output,
            jobs,
        })
    }

    /// Writes the manifest beside `output` (atomically). Returns false,
    /// writing nothing, when a job or path cannot be written on one line.
    pub fn write(&self, output: &Path) -> std::io::Result<bool> {
        let one_line = |s: &str| !s.contains(['\n', '\r']);
        if !self
            .jobs
            .iter()
            .all(|(k, j)| one_line(k) && j.files.iter().all(|f| one_line(&f.path)))
        {
            return Ok(false);
        }
        let path = path_for(output);
        // Named like a staging folder, so a killed build's leftover goes too.
        let tmp = path.with_file_name(format!(
            "{}-tmp-{}",
            path.file_name().unwrap_or_default().to_string_lossy(),
            std::process::id()
        ));
        let mut w: Vec<u8> = Vec::with_capacity(self.jobs.len() * 200);
        writeln!(w, "{HEADER}")?;
        writeln!(w, "version {}", self.version)?;
        writeln!(w, "output {}", self.output)?;
        let mut keys: Vec<&String> = self.jobs.keys().collect();
        keys.sort();
        for key in keys {
            let job = &self.jobs[key];
            writeln!(w, "J {:032x} {key}", job.fingerprint)?;
            for f in &job.files {
                writeln!(
                    w,
                    "F {:032x} {} {} {} {}",
                    f.hash, f.len, f.mtime, f.ino, f.path
                )?;
            }
        }
        let sum = crate::pipeline::hash(&w);
        writeln!(w, "end {sum:032x}")?;
        std::fs::write(&tmp, &w)?;
        std::fs::rename(&tmp, &path)?;
        Ok(true)
    }

    /// Removes the manifest of `output` (the next build is a full one).
    pub fn remove(output: &Path) {
        let _ = std::fs::remove_file(path_for(output));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_it_wrote_and_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        std::fs::create_dir(&out).unwrap();
        let mut m = Manifest {
            version: version(),
            output: folder_id(&out).unwrap(),
            jobs: HashMap::new(),
        };
        m.jobs.insert(
            "Report(\"content/a b/2021.md\")".into(),
            JobEntry {
                fingerprint: 7 << 100,
                files: vec![FileEntry {
                    path: "a b/2021/index.html".into(),
                    hash: u128::MAX,
                    len: 12,
                    mtime: -5,
                    ino: u64::MAX,
                }],
            },
        );
        assert!(m.write(&out).unwrap());
        assert_eq!(Manifest::read(&out), Some(m.clone()));

        // Another output folder in the same place: not trusted.
        std::fs::remove_dir(&out).unwrap();
        std::fs::create_dir(&out).unwrap();
        assert_eq!(Manifest::read(&out), None);

        // Damaged: not trusted.
        m.output = folder_id(&out).unwrap();
        m.write(&out).unwrap();
        let text = std::fs::read_to_string(path_for(&out)).unwrap();
        std::fs::write(path_for(&out), text.replace("F ", "F x")).unwrap();
        assert_eq!(Manifest::read(&out), None);
        // Cut short, even at the end of a line.
        let lines: Vec<&str> = text.lines().collect();
        std::fs::write(path_for(&out), lines[..lines.len() - 1].join("\n") + "\n").unwrap();
        assert_eq!(Manifest::read(&out), None);
        std::fs::write(path_for(&out), &text).unwrap();
        assert!(Manifest::read(&out).is_some());

        // A path that does not fit on one line: no manifest.
        m.jobs
            .get_mut("Report(\"content/a b/2021.md\")")
            .unwrap()
            .files[0]
            .path = "a\nb".into();
        assert!(!m.write(&out).unwrap());
    }
}
