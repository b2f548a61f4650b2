//! The load cache: what loading each report file made (its parsed, checked
//! report), kept between runs in `.gongkai-cache/` at the site root, so that
//! a build or a check reads, parses and checks again only the files that
//! changed since.
//!
//! - An entry is used only for the same file path with the same bytes; the
//!   cache as a whole only with the same `site.toml` settings (agencies
//!   included) and the same gongkai executable ([`crate::manifest::version`]).
//!   The bytes are known to be the same without reading them when the file's
//!   [`Stamp`] is the one recorded (as git's index does); otherwise the file
//!   is read and its bytes hashed.
//! - Only files that had no finding of their own are kept: a file with a
//!   finding is loaded anew every time, so every message is made by the run
//!   that prints it. The rules across reports run on every report each time.
//! - A missing, damaged or foreign cache is ignored, and so is a cache that
//!   cannot be written (a read-only checkout): it only saves time.
//! - `build` writes it (after the load, whether the build then succeeds or
//!   not); `check` and `serve` only read it; `build --clean` ignores it.

use crate::config::Settings;
use crate::pipeline::{Hash, hash};
use crate::report::Report;
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Folder at the site root.
pub const DIR_NAME: &str = ".gongkai-cache";

/// The entries are spread over this many files by path, so that an edit
/// rewrites one small file, not the whole cache.
pub const SHARDS: u64 = 64;

/// Start of each file: the format of the cache itself.
const MAGIC: &[u8; 16] = b"gongkai-cache-4\n";

/// The cached reports, by source path.
#[derive(Default)]
pub struct LoadCache {
    key: Hash,
    /// The folder to read the shards from (`None`: nothing to read).
    dir: Option<PathBuf>,
    /// One per shard, read on first use: by the thread that loads the first
    /// of its reports, so that only the shards being loaded are in memory
    /// (not the whole ~60 MB cache beside the reports decoded from it).
    shards: Vec<std::sync::OnceLock<Shard>>,
    /// Some shard file was there when the cache was opened.
    any: bool,
}

/// One file of the cache.
#[derive(Default)]
struct Shard {
    /// The file as read: each entry's report is decoded from a range of it.
    /// Let go ([`LoadCache::release`]) once the shard's reports are loaded.
    data: std::sync::Mutex<Vec<u8>>,
    entries: HashMap<String, Entry>,
    /// The file was read (and is of this cache).
    read: bool,
}

/// One entry of a shard, as read.
#[derive(Clone, Debug)]
struct Entry {
    /// Hash of the file's bytes.
    bytes: Hash,
    /// The file's stamp when it was read, if it can be trusted.
    stamp: Option<Stamp>,
    /// The encoded report, in the shard's data.
    report: Range<usize>,
}

/// What `stat` says of a report file. While it says the same, the file
/// holds the same bytes: a write changes the modification and change times
/// (to the nanosecond), and no program can set the change time back (a
/// copy that keeps the modification time still gets a new one); a file
/// replaced by another has another inode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    len: u64,
    dev: u64,
    ino: u64,
    mtime: i128,
    ctime: i128,
}

impl Stamp {
    /// The stamp of a file from its metadata, taken before its bytes are
    /// read; `None` if its times are less than two seconds old. File times
    /// advance in clock ticks: a write just after the read could leave
    /// them as they were ("racily clean" in git's words), and the cache
    /// would then hold a report of bytes that are no longer the file's.
    pub fn of(meta: &std::fs::Metadata) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt;
        let stamp = Stamp {
            len: meta.len(),
            dev: meta.dev(),
            ino: meta.ino(),
            mtime: crate::manifest::nanos(meta.mtime(), meta.mtime_nsec()),
            ctime: crate::manifest::nanos(meta.ctime(), meta.ctime_nsec()),
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_nanos();
        let settled = i128::try_from(now).ok()? - 2_000_000_000;
        (meta.is_file() && stamp.mtime < settled && stamp.ctime < settled).then_some(stamp)
    }
}

/// What loading one file did with the cache.
#[derive(Debug)]
pub enum Use {
    /// The file's report came from the cache (file bytes hashed as such,
    /// and the file's stamp now).
    Hit(Hash, Option<Stamp>),
    /// Loaded anew and worth keeping (the bytes' hash, the file's stamp
    /// before reading): the report is encoded when the cache is written,
    /// one file at a time, so that the encoded reports are never all in
    /// memory beside the reports.
    Fresh(Hash, Option<Stamp>),
    /// Not to be kept (a finding, or no report).
    None,
}

#[derive(Serialize, Deserialize)]
struct Stored<'a> {
    key: Hash,
    #[serde(borrow)]
    entries: Vec<StoredEntry<'a>>,
}

#[derive(Serialize, Deserialize)]
struct StoredEntry<'a> {
    rel: &'a str,
    bytes: Hash,
    stamp: Option<Stamp>,
    report: &'a [u8],
}

/// Where the cache of a site lives.
pub fn path(settings: &Settings) -> PathBuf {
    settings.root.join(DIR_NAME)
}

/// A real folder, not a symbolic link to one: a link put there would make
/// the cache read, write and delete files elsewhere.
pub(crate) fn is_real_dir(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir())
}

/// The shard that keeps the report of the file at `rel`.
pub fn shard_of(rel: &str) -> usize {
    (hash(rel.as_bytes()) % u128::from(SHARDS)) as usize
}

fn shard_file(dir: &Path, shard: usize) -> PathBuf {
    dir.join(format!("{shard:02}"))
}

/// The key of every entry: this gongkai and the site's settings.
fn key(settings: &Settings) -> Hash {
    let text = format!(
        "{}\n{:?}\n{:?}",
        crate::manifest::version(),
        settings.site,
        settings.content_dir
    );
    hash(text.as_bytes())
}

impl LoadCache {
    /// An empty cache for `settings` (what `--clean` starts from).
    pub fn empty(settings: &Settings) -> LoadCache {
        LoadCache {
            key: key(settings),
            dir: None,
            shards: (0..SHARDS).map(|_| Default::default()).collect(),
            any: false,
        }
    }

    /// The cache of the site (its shards are read on first use), or an
    /// empty one when there is none. A damaged or foreign file only loses
    /// its own entries.
    pub fn read(settings: &Settings) -> LoadCache {
        let mut cache = LoadCache::empty(settings);
        let dir = path(settings);
        if !is_real_dir(&dir) {
            return cache;
        }
        cache.any = (0..SHARDS as usize).any(|i| shard_file(&dir, i).is_file());
        cache.dir = Some(dir);
        cache
    }

    /// Shard `i`, read from its file the first time it is asked for.
    fn shard(&self, i: usize) -> Option<&Shard> {
        let read = |dir: &Path| {
            std::fs::read(shard_file(dir, i))
                .ok()
                .and_then(|data| {
                    let entries = index(&data, self.key)?;
                    Some(Shard {
                        data: std::sync::Mutex::new(data),
                        entries,
                        read: true,
                    })
                })
                .unwrap_or_default()
        };
        let shard = self.shards.get(i)?;
        Some(shard.get_or_init(|| self.dir.as_deref().map(read).unwrap_or_default()))
    }

    /// Lets go of the bytes of shard `shard` (its reports are loaded):
    /// the encoded reports are never all in memory beside the decoded ones.
    pub fn release(&self, shard: usize) {
        let data = self.shards.get(shard).and_then(|s| s.get());
        if let Some(Ok(mut data)) = data.map(|s| s.data.lock()) {
            *data = Vec::new();
        }
    }

    /// No file of the cache was there when it was opened.
    pub fn is_empty(&self) -> bool {
        !self.any
    }

    /// The report stored for the file at `rel` with bytes hashed `bytes`.
    pub fn get(&self, rel: &str, bytes: Hash) -> Option<Report> {
        let (shard, entry) = self.entry(rel)?;
        (entry.bytes == bytes).then(|| decode(shard, entry))?
    }

    /// The report stored for the file at `rel` when the file's stamp is
    /// the one recorded with it (its bytes unread), with their hash.
    pub fn get_by_stamp(&self, rel: &str, stamp: Option<Stamp>) -> Option<(Report, Hash)> {
        let (shard, entry) = self.entry(rel)?;
        let same = stamp.is_some() && entry.stamp == stamp;
        same.then(|| Some((decode(shard, entry)?, entry.bytes)))?
    }

    fn entry(&self, rel: &str) -> Option<(&Shard, &Entry)> {
        let shard = self.shard(shard_of(rel))?;
        Some((shard, shard.entries.get(rel)?))
    }

    /// Writes the files of the cache whose entries differ from the ones
    /// read: `uses` has one entry per file loaded, with its report. Errors
    /// are ignored.
    pub fn write(&self, settings: &Settings, uses: &[(&str, &Use, Option<&Report>)]) {
        use rayon::prelude::*;
        let dir = path(settings);
        if !is_real_dir(&dir) {
            // A file or a link in the way (or nothing): start a folder.
            let _ = std::fs::remove_file(&dir);
            if std::fs::create_dir(&dir).is_err() {
                return;
            }
        }
        // Files of writes that were interrupted.
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            if entry.file_name().to_string_lossy().contains(".tmp-") {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        let mut by_shard: Vec<Vec<(&str, &Use, Option<&Report>)>> =
            vec![Vec::new(); SHARDS as usize];
        for &(rel, u, report) in uses {
            by_shard[shard_of(rel)].push((rel, u, report));
        }
        by_shard.par_iter().enumerate().for_each(|(i, uses)| {
            let old = self.shard(i);
            let entry_of = |rel: &str| old.and_then(|s| s.entries.get(rel));
            let changed = uses.iter().any(|(rel, u, _)| match u {
                Use::Fresh(..) => true,
                // The same bytes with a new stamp (a file saved unchanged,
                // or one no longer too recent).
                Use::Hit(_, stamp) => entry_of(rel).is_some_and(|e| e.stamp != *stamp),
                Use::None => false,
            });
            // Hits are a subset of the entries read: the same number means
            // the same entries.
            let hits = uses
                .iter()
                .filter(|(rel, u, _)| matches!(u, Use::Hit(..)) && entry_of(rel).is_some())
                .count();
            let before = old.map_or(0, |s| s.entries.len());
            if !changed && hits == before && old.is_some_and(|s| s.read) {
                return;
            }
            // Written anew: every report kept is encoded (the bytes read
            // were let go as the reports were loaded).
            let kept: Vec<_> = uses
                .iter()
                .filter_map(|&(rel, u, report)| {
                    let (bytes, stamp) = match u {
                        Use::Hit(bytes, stamp) if entry_of(rel).is_some() => (bytes, stamp),
                        Use::Fresh(bytes, stamp) => (bytes, stamp),
                        _ => return None,
                    };
                    Some((rel, *bytes, *stamp, encode(report?)?))
                })
                .collect();
            let entries: Vec<StoredEntry> = kept
                .iter()
                .map(|(rel, bytes, stamp, report)| StoredEntry {
                    rel,
                    bytes: *bytes,
                    stamp: *stamp,
                    report,
                })
                .collect();
            let file = shard_file(&dir, i);
            if entries.is_empty() {
                let _ = std::fs::remove_file(&file);
                return;
            }
            let stored = Stored {
                key: self.key,
                entries,
            };
            let _ = write_atomically(&file, &stored);
        });
    }
}

/// The shape the later stages rely on, as loading makes it: each table of
/// its format in its place, one row per row of the table's spec, one cell
/// per column, notes on existing cells, section numbers 1–6. An entry
/// without it (a file written by hand) is not used: never a panic.
fn well_formed(r: &Report) -> bool {
    let tables = r.tables.iter().enumerate().all(|(i, t)| {
        let Some(t) = t else { return true };
        let in_place = r
            .meta
            .format
            .is_some_and(|f| std::ptr::eq(f.tables()[i], t.spec));
        in_place
            && t.rows.len() == t.spec.rows.len()
            && t.rows
                .iter()
                .zip(t.spec.rows)
                .all(|(row, spec)| row.cells.len() == spec.columns.len())
            && t.notes.iter().all(|n| {
                t.rows
                    .get(usize::from(n.row))
                    .is_some_and(|row| usize::from(n.col) < row.cells.len())
            })
    });
    let sections = r
        .narrative
        .parts
        .iter()
        .all(|p| p.section.is_none_or(|s| (1..=6).contains(&s)));
    tables && sections
}

/// The report of an entry, if it decodes to the shape loading gives.
fn decode(shard: &Shard, entry: &Entry) -> Option<Report> {
    let data = shard.data.lock().ok()?;
    postcard::from_bytes(data.get(entry.report.clone())?)
        .ok()
        .filter(well_formed)
}

/// Encodes a report for the cache.
pub fn encode(report: &Report) -> Option<Box<[u8]>> {
    postcard::to_stdvec(report).ok().map(Vec::into_boxed_slice)
}

/// Checks a file's magic, checksum and key, and finds each entry's range.
fn index(data: &[u8], key: Hash) -> Option<HashMap<String, Entry>> {
    let payload = unseal(data, MAGIC)?;
    let stored: Stored = postcard::from_bytes(payload).ok()?;
    if stored.key != key {
        return None;
    }
    let base = data.as_ptr() as usize;
    Some(
        stored
            .entries
            .into_iter()
            .map(|e| {
                let start = e.report.as_ptr() as usize - base;
                let entry = Entry {
                    bytes: e.bytes,
                    stamp: e.stamp,
                    report: start..start + e.report.len(),
                };
                (e.rel.to_string(), entry)
            })
            .collect(),
    )
}

/// Writes the magic, the entries and their checksum to a new file, then
/// renames it over the old one: a reader never sees half a file.
fn write_atomically(path: &Path, stored: &Stored) -> std::io::Result<()> {
    let bytes = postcard::to_extend(stored, MAGIC.to_vec()).map_err(std::io::Error::other)?;
    write_sealed(path, MAGIC.len(), bytes)
}

/// The payload of a file of the cache folder (`magic`, the payload, then
/// its checksum), if the file is whole.
pub(crate) fn unseal<'a>(data: &'a [u8], magic: &[u8]) -> Option<&'a [u8]> {
    let rest = data.strip_prefix(magic)?;
    let (payload, sum) = rest.split_at_checked(rest.len().checked_sub(16)?)?;
    (hash(payload).to_le_bytes() == sum).then_some(payload)
}

/// Writes `bytes` (a magic of `magic_len` bytes, then the payload) with the
/// payload's checksum, to a new file renamed over `path`: a reader never
/// sees half a file. [`unseal`] reads it.
pub(crate) fn write_sealed(
    path: &Path,
    magic_len: usize,
    mut bytes: Vec<u8>,
) -> std::io::Result<()> {
    let sum = hash(&bytes[magic_len..]);
    bytes.extend_from_slice(&sum.to_le_bytes());
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = path.with_file_name(format!("{name}.tmp-{}", std::process::id()));
    std::fs::write(&tmp, &bytes)
        .and_then(|()| std::fs::rename(&tmp, path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::SourcePath;

    /// Every report of the repository and of the test fixtures comes out of
    /// the cache exactly as loading made it.
    #[test]
    fn reports_round_trip_through_the_cache() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let settings = Settings::new(root, None, true).expect("settings");
        let mut count = 0;
        for (source, text) in crate::site::repository_reports() {
            let loaded = crate::site::load_text(&settings, &source, &text);
            let Some(report) = loaded.report else {
                continue;
            };
            assert!(well_formed(&report), "{}", source.rel);
            let mut back: Report = postcard::from_bytes(&encode(&report).unwrap()).unwrap();
            back.source = source.clone();
            assert_eq!(format!("{back:?}"), format!("{report:?}"), "{}", source.rel);
            count += 1;
        }
        assert!(count > 20, "only {count} reports");
    }

    /// Opening the cache reads none of its files; asking for a report reads
    /// the one file that keeps it, and letting go of that file keeps its
    /// index (for the next write) but not its bytes.
    #[test]
    fn the_cache_reads_a_file_only_when_one_of_its_reports_is_asked_for() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::copy(repo.join("site.toml"), dir.path().join("site.toml")).expect("site.toml");
        let settings = Settings::new(dir.path(), None, true).expect("settings");
        let repo_settings = Settings::new(repo, None, true).expect("settings");
        let loaded: Vec<_> = crate::site::repository_reports()
            .into_iter()
            .filter_map(|(source, text)| {
                let report = crate::site::load_text(&repo_settings, &source, &text).report?;
                Some((source.rel, crate::pipeline::hash(text.as_bytes()), report))
            })
            .collect();
        let uses: Vec<_> = loaded
            .iter()
            .map(|(rel, h, _)| (rel.as_str(), Use::Fresh(*h, None)))
            .collect();
        let uses: Vec<_> = uses
            .iter()
            .zip(&loaded)
            .map(|((rel, u), (_, _, r))| (*rel, u, Some(&**r)))
            .collect();
        assert!(LoadCache::read(&settings).is_empty());
        LoadCache::empty(&settings).write(&settings, &uses);
        let cache = LoadCache::read(&settings);
        assert!(!cache.is_empty());
        assert!(cache.shards.iter().all(|s| s.get().is_none()));
        let (rel, h, report) = &loaded[0];
        let back = cache.get(rel, *h).expect("cached");
        assert_eq!(back.meta.title, report.meta.title);
        let read: Vec<usize> = (0..SHARDS as usize)
            .filter(|&i| cache.shards[i].get().is_some())
            .collect();
        assert_eq!(read, [shard_of(rel)]);
        cache.release(shard_of(rel));
        let shard = cache.shards[shard_of(rel)].get().expect("read");
        assert!(shard.entries.contains_key(rel.as_str()));
        assert!(shard.data.lock().unwrap().is_empty());
    }

    /// A cache entry that decodes but lacks the shape loading gives (here a
    /// row of table 三 missing) is not used.
    #[test]
    fn a_cached_report_of_the_wrong_shape_is_not_used() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let settings = Settings::new(root, None, true).expect("settings");
        let rel = "content/示例区示例局/2021.md";
        let source = SourcePath {
            path: root.join(rel),
            rel: rel.into(),
            stem: "示例区示例局/2021".into(),
        };
        let text = crate::content::read_text(&source).unwrap();
        let report = crate::site::load_text(&settings, &source, &text)
            .report
            .unwrap();
        let mut bad = (*report).clone();
        bad.tables[1].as_mut().unwrap().rows.pop();
        for (r, usable) in [(&*report, true), (&bad, false)] {
            let data = encode(r).unwrap().into_vec();
            let shards = (0..SHARDS as usize)
                .map(|i| match i == shard_of(rel) {
                    true => std::sync::OnceLock::from(Shard {
                        entries: [(
                            rel.to_string(),
                            Entry {
                                bytes: 7,
                                stamp: None,
                                report: 0..data.len(),
                            },
                        )]
                        .into_iter()
                        .collect(),
                        data: std::sync::Mutex::new(data.clone()),
                        read: true,
                    }),
                    false => std::sync::OnceLock::from(Shard::default()),
                })
                .collect();
            let cache = LoadCache {
                key: 0,
                dir: None,
                shards,
                any: true,
            };
            assert_eq!(cache.get(rel, 7).is_some(), usable);
            assert!(cache.get(rel, 8).is_none());
        }
    }
}
