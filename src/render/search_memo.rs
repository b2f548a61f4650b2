//! The postings of the last search index a build made, kept in
//! `.gongkai-cache/search` with a print of each report's searchable text,
//! so that the next build patches them for the reports whose text changed
//! instead of reading the text of every report again.
//!
//! - The memo is a function of the reports' texts alone (each report's
//!   [`doc_print`], in index order) and of the gongkai executable: it says
//!   nothing of any output folder, and a build that fails after writing it
//!   leaves nothing wrong behind.
//! - It is used only for the same number of reports (a report's id is its
//!   place in the index), with a checksum; a missing, damaged or foreign
//!   memo means the postings are found from every report, as before.
//! - Only `build` reads and writes it; `build --clean` only writes it.

use crate::load_cache::{is_real_dir, unseal, write_sealed};
use crate::pipeline::{Hash, Hasher, hash};
use crate::report::Report;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file, in the load cache's folder.
pub const FILE_NAME: &str = "search";

/// Start of the file: the format of the memo itself.
const MAGIC: &[u8; 16] = b"gongkai-search1\n";

/// Where a build keeps the memo, and whether it may read it (not with `--clean`).
#[derive(Clone, Debug)]
pub struct MemoPath {
    pub file: PathBuf,
    pub read: bool,
}

/// A term's report ids, ascending, by term; one map per shard.
pub type Shards = Vec<BTreeMap<String, Vec<u32>>>;

/// The postings of an index and the texts they were found in.
pub struct Memo {
    /// The [`doc_print`] of each report, by id.
    pub docs: Vec<Hash>,
    pub shards: Shards,
}

/// What the index reads of a report: its title, agency, and each part's
/// heading and HTML.
pub fn doc_print(r: &Report) -> Hash {
    let mut h = Hasher::default();
    h.bytes(r.meta.title.as_bytes())
        .bytes(r.meta.agency.as_bytes());
    for p in &r.narrative.parts {
        h.bytes(p.heading.as_bytes()).bytes(p.html.as_bytes());
    }
    h.finish()
}

/// The memo of this gongkai, if it can be used.
fn key() -> Hash {
    hash(format!("search memo\n{}", crate::manifest::version()).as_bytes())
}

/// The memo at `file`, if it is whole and of this gongkai.
pub fn read(file: &Path) -> Option<Memo> {
    let data = std::fs::read(file).ok()?;
    let mut r = Reader(unseal(&data, MAGIC)?);
    if r.hash()? != key() {
        return None;
    }
    let count = r.len()?;
    let docs = (0..count)
        .map(|_| r.hash())
        .collect::<Option<Vec<Hash>>>()?;
    let shard_count = r.len()?;
    let mut shards = Vec::with_capacity(shard_count.min(1 << 16));
    for _ in 0..shard_count {
        let mut terms = BTreeMap::new();
        for _ in 0..r.len()? {
            let len = r.len()?;
            let term = std::str::from_utf8(r.take(len)?).ok()?.to_string();
            let n = r.len()?;
            let mut ids = Vec::with_capacity(n.min(count));
            // Back from differences: ids rise, and stay below the count.
            let mut id = 0u64;
            for i in 0..n {
                let d = r.varint()?;
                if i > 0 && d == 0 {
                    return None;
                }
                id = id.checked_add(d)?;
                if id >= count as u64 {
                    return None;
                }
                ids.push(id as u32);
            }
            if ids.is_empty() || terms.insert(term, ids).is_some() {
                return None;
            }
        }
        shards.push(terms);
    }
    r.0.is_empty().then_some(Memo { docs, shards })
}

/// Writes the memo to `file` (through a temporary file and a rename: a
/// reader never sees half of it), when its folder is a real one. Errors
/// are ignored: the memo only saves time.
pub fn write(file: &Path, memo: &Memo) {
    if !file.parent().is_some_and(is_real_dir) {
        return;
    }
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&key().to_le_bytes());
    varint(&mut out, memo.docs.len() as u64);
    for d in &memo.docs {
        out.extend_from_slice(&d.to_le_bytes());
    }
    varint(&mut out, memo.shards.len() as u64);
    for terms in &memo.shards {
        varint(&mut out, terms.len() as u64);
        for (term, ids) in terms {
            varint(&mut out, term.len() as u64);
            out.extend_from_slice(term.as_bytes());
            varint(&mut out, ids.len() as u64);
            let mut prev = 0;
            for &id in ids {
                varint(&mut out, u64::from(id - prev));
                prev = id;
            }
        }
    }
    let _ = write_sealed(file, MAGIC.len(), out);
}

/// LEB128: seven bits a byte, the high bit set on all but the last.
fn varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n & 0x7f) as u8 | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Reads what [`write`] wrote; `None` at anything else.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    fn hash(&mut self) -> Option<Hash> {
        Some(Hash::from_le_bytes(self.take(16)?.try_into().ok()?))
    }

    fn varint(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let (&b, rest) = self.0.split_first()?;
            self.0 = rest;
            n |= u64::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    /// A count or a length: never more than the bytes left could hold.
    fn len(&mut self) -> Option<usize> {
        let n = usize::try_from(self.varint()?).ok()?;
        (n <= self.0.len()).then_some(n)
    }
}

/// Ascending ids as the differences between consecutive ones (the first
/// from 0): how the index files and the memo write them.
pub fn deltas(ids: &[u32]) -> Vec<u32> {
    let mut prev = 0;
    ids.iter()
        .map(|&id| {
            let d = id - prev;
            prev = id;
            d
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A memo written and read back is the same; a memo whose bytes were
    /// changed anywhere (with its checksum made to match, as a crafted file
    /// would) is read without a panic, and whatever is read holds only
    /// ascending ids below the number of reports.
    #[test]
    fn a_memo_round_trips_and_crafted_bytes_never_panic() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join(FILE_NAME);
        let shard = |terms: &[(&str, &[u32])]| -> BTreeMap<String, Vec<u32>> {
            terms
                .iter()
                .map(|(t, ids)| (t.to_string(), ids.to_vec()))
                .collect()
        };
        let memo = Memo {
            docs: (0..6u128).map(|i| i * 7919).collect(),
            shards: vec![
                shard(&[("公开", &[0, 1, 2, 5]), ("申请", &[1, 3, 4])]),
                shard(&[]),
                shard(&[
                    ("12348", &[5]),
                    ("web", &[0]),
                    ("信息", &[0, 1, 2, 3, 4, 5]),
                ]),
            ],
        };
        write(&file, &memo);
        let back = read(&file).expect("read back");
        assert_eq!((&back.docs, &back.shards), (&memo.docs, &memo.shards));
        let bytes = std::fs::read(&file).expect("memo");
        let body = MAGIC.len()..bytes.len() - 16;
        // A simple generator: the test is the same on every run.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut read_some = 0;
        for _ in 0..5000 {
            let mut crafted = bytes[..body.end].to_vec();
            for _ in 0..1 + next() % 3 {
                let at = body.start + (next() as usize) % body.len();
                // Small values half the time: counts, lengths and ids.
                crafted[at] = match next() % 2 {
                    0 => (next() % 4) as u8,
                    _ => next() as u8,
                };
            }
            if next() % 4 == 0 {
                let keep = body.start + (next() as usize) % body.len();
                crafted.truncate(keep);
            }
            let sum = hash(&crafted[MAGIC.len()..]);
            crafted.extend_from_slice(&sum.to_le_bytes());
            std::fs::write(&file, &crafted).expect("write");
            if let Some(m) = read(&file) {
                read_some += 1;
                for ids in m.shards.iter().flat_map(|s| s.values()) {
                    assert!(!ids.is_empty());
                    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
                    assert!(ids.iter().all(|&id| (id as usize) < m.docs.len()));
                }
            }
        }
        // Some changes leave a memo that reads (a doc print, a term's letters).
        assert!(read_some > 0);
    }
}
