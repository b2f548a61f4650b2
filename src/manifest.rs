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
use rustc_hash::FxHashMap as HashMap;
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

const HEADER: &str = "gongkai-manifest 3";

/// One file of the output.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
        Ok(FileEntry::new(path, hash, crate::output::Seen::of(&m)))
    }

    /// The entry of a file as it was seen (when written, or listed).
    pub fn new(path: String, hash: Hash, seen: crate::output::Seen) -> FileEntry {
        FileEntry {
            path,
            hash,
            len: seen.len,
            mtime: seen.mtime,
            ino: seen.ino,
        }
    }

    /// Whether the file at `full` is still the one recorded.
    /// Whether the file listed as `seen` is this one as recorded.
    pub fn is(&self, seen: crate::output::Seen) -> bool {
        seen.ino == self.ino && seen.len == self.len && seen.mtime == self.mtime
    }

    pub fn unchanged(&self, full: &Path) -> bool {
        std::fs::symlink_metadata(full).is_ok_and(|m| {
            m.is_file() && m.len() == self.len && mtime(&m) == self.mtime && m.ino() == self.ino
        })
    }
}

pub fn mtime(m: &std::fs::Metadata) -> i128 {
    nanos(m.mtime(), m.mtime_nsec())
}

/// A file time in nanoseconds since 1970, from seconds and nanoseconds.
pub fn nanos(secs: i64, nsec: i64) -> i128 {
    i128::from(secs) * 1_000_000_000 + i128::from(nsec)
}

/// One job of the last build: the fingerprint of its inputs and its files.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
        let bytes = std::fs::read(path_for(output)).ok()?;
        let manifest = Manifest::parse(&bytes)?;
        (manifest.version == version() && Some(&manifest.output) == folder_id(output).as_ref())
            .then_some(manifest)
    }

    /// Parses a manifest: three lines of text (the format, the gongkai and
    /// the output that it is of), the jobs (postcard), and a hash of all
    /// that. `None` unless it is complete and of this format.
    fn parse(bytes: &[u8]) -> Option<Manifest> {
        let (body, sum) = bytes.split_at_checked(bytes.len().checked_sub(16)?)?;
        if crate::pipeline::hash(body).to_le_bytes() != sum {
            return None;
        }
        let mut lines = body.splitn(4, |&b| b == b'\n');
        let mut line = |prefix: &str| -> Option<String> {
            let line = std::str::from_utf8(lines.next()?).ok()?;
            Some(line.strip_prefix(prefix)?.to_string())
        };
        if !line(HEADER)?.is_empty() {
            return None;
        }
        let version = line("version ")?;
        let output = line("output ")?;
        let jobs = postcard::from_bytes(lines.next()?).ok()?;
        Some(Manifest {
            version,
            output,
            jobs,
        })
    }

    /// Writes the manifest beside `output` (atomically).
    pub fn write(&self, output: &Path) -> std::io::Result<()> {
        let path = path_for(output);
        let tmp = path.with_file_name(format!(
            "{}-tmp-{}",
            path.file_name().unwrap_or_default().to_string_lossy(),
            std::process::id()
        ));
        // Room for every entry: the bytes are not moved as they grow.
        let files: usize = self.jobs.values().map(|j| j.files.len()).sum();
        let mut head = Vec::with_capacity(self.jobs.len() * 64 + files * 128);
        let one_line = |s: &str| s.replace(['\n', '\r'], " ");
        writeln!(head, "{HEADER}")?;
        writeln!(head, "version {}", one_line(&self.version))?;
        writeln!(head, "output {}", one_line(&self.output))?;
        let mut bytes =
            crate::timing::time("manifest: encode", || postcard::to_extend(&self.jobs, head))
                .map_err(std::io::Error::other)?;
        let sum = crate::pipeline::hash(&bytes);
        bytes.extend_from_slice(&sum.to_le_bytes());
        crate::timing::time("manifest: write", || std::fs::write(&tmp, &bytes))?;
        crate::timing::time("manifest: rename", || std::fs::rename(&tmp, &path))
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
            jobs: HashMap::default(),
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
        m.write(&out).unwrap();
        assert_eq!(Manifest::read(&out), Some(m.clone()));

        // Another output folder in the same place: not trusted.
        std::fs::remove_dir(&out).unwrap();
        std::fs::create_dir(&out).unwrap();
        assert_eq!(Manifest::read(&out), None);

        // Damaged anywhere, or cut short: not trusted.
        m.output = folder_id(&out).unwrap();
        m.write(&out).unwrap();
        let bytes = std::fs::read(path_for(&out)).unwrap();
        for at in [0, 5, bytes.len() / 2, bytes.len() - 20, bytes.len() - 1] {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x10;
            std::fs::write(path_for(&out), &damaged).unwrap();
            assert_eq!(Manifest::read(&out), None, "byte {at}");
        }
        for len in [0, 10, bytes.len() - 16, bytes.len() - 1] {
            std::fs::write(path_for(&out), &bytes[..len]).unwrap();
            assert_eq!(Manifest::read(&out), None, "{len} bytes");
        }
        std::fs::write(path_for(&out), &bytes).unwrap();
        assert_eq!(Manifest::read(&out), Some(m.clone()));

        // Paths are kept as they are, line breaks included.
        m.jobs
            .get_mut("Report(\"content/a b/2021.md\")")
            .unwrap()
            .files[0]
            .path = "a\nb".into();
        m.write(&out).unwrap();
        assert_eq!(Manifest::read(&out), Some(m));
    }
}
