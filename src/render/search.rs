//! Full-text search with no server: a static index the browser queries.
//!
//! Chinese has no spaces, so the index is of character bigrams (and whole
//! ASCII words): a query matches a report that contains all its bigrams. The
//! postings are split into shards by a hash of the term, so a query fetches
//! only the few shards its terms fall in (pagefind was measured here at ~5 ms
//! per report with Chinese segmentation: 50 s for a 10,000-report portal,
//! which does not fit; this index builds in a fraction of a second).
//!
//! Files: `search/meta.json`, `search/t-<shard>.json` (term → ascending
//! report ids, delta-encoded), `search/d-<chunk>.json` (title, address,
//! agency, year of each report). `static/search.js` does the same in the
//! browser as [`query`] does here.

use super::OutputFile;
use super::search_memo::{self, Memo, MemoPath, Shards, doc_print};
use super::views::{PageMeta, SiteView, listing_meta};
use crate::pipeline::Hash;
use crate::report::Report;
use crate::site::{Site, report_dir};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Reports per `d-<chunk>.json`.
pub const CHUNK: usize = 500;

/// The search page.
#[derive(Debug, Serialize)]
pub struct SearchPage {
    pub site: SiteView,
    pub page: PageMeta,
}

pub fn search_page(view: SiteView) -> SearchPage {
    let page = listing_meta(
        &view,
        "search/",
        format!("搜索 - {}", view.title),
        "在全部政府信息公开工作年度报告中搜索".into(),
    );
    SearchPage { site: view, page }
}

/// FNV-1a (32 bit) of the term's UTF-8 bytes: the same in `search.js`.
pub fn hash(term: &str) -> u32 {
    term.bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// The terms of a text: CJK character bigrams (a lone character by itself)
/// and lowercase ASCII words of letters and digits.
pub fn terms(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut cjk: Vec<char> = Vec::new();
    let mut word = String::new();
    let flush = |cjk: &mut Vec<char>, word: &mut String, out: &mut BTreeSet<String>| {
        if cjk.len() == 1 {
            out.insert(cjk[0].to_string());
        }
        for w in cjk.windows(2) {
            out.insert(w.iter().collect());
        }
        cjk.clear();
        if !word.is_empty() {
            out.insert(std::mem::take(word));
        }
    };
    for c in text.chars() {
        if is_cjk(c) {
            if !word.is_empty() {
                out.insert(std::mem::take(&mut word));
            }
            cjk.push(c);
        } else if c.is_ascii_alphanumeric() {
            if !cjk.is_empty() {
                flush(&mut cjk, &mut String::new(), &mut out);
            }
            word.push(c.to_ascii_lowercase());
        } else {
            flush(&mut cjk, &mut word, &mut out);
        }
    }
    flush(&mut cjk, &mut word, &mut out);
    out
}

/// The terms of a text as [`terms`] finds them, packed for building the
/// index without a string per term: CJK bigrams and lone characters as
/// numbers ([`cjk_key`]), ASCII words as text; in text order, repeats kept
/// (sorting each report's terms took most of the index's time: the
/// postings drop a repeat instead, as its report id is their last).
#[derive(Default)]
struct Keys {
    cjk: Vec<u64>,
    words: Vec<String>,
}

/// A CJK bigram (or a lone character, `second` = `None`) as a number.
fn cjk_key(first: char, second: Option<char>) -> u64 {
    (u64::from(u32::from(first)) << 32) | second.map_or(0, |c| u64::from(u32::from(c)))
}

/// The term a [`cjk_key`] stands for.
fn cjk_term(key: u64) -> String {
    [(key >> 32) as u32, key as u32]
        .into_iter()
        .filter(|&c| c != 0)
        .filter_map(char::from_u32)
        .collect()
}

/// Finds the [`Keys`] of a text fed to it piece by piece.
#[derive(Default)]
struct KeyBuilder {
    out: Keys,
    /// The last character of the current run of CJK characters.
    run: Option<char>,
    run_len: usize,
    word: String,
}

impl KeyBuilder {
    fn push(&mut self, c: char) {
        if is_cjk(c) {
            if !self.word.is_empty() {
                self.out.words.push(std::mem::take(&mut self.word));
            }
            if let Some(prev) = self.run {
                self.out.cjk.push(cjk_key(prev, Some(c)));
            }
            self.run = Some(c);
            self.run_len += 1;
        } else if c.is_ascii_alphanumeric() {
            self.end_run();
            self.word.push(c.to_ascii_lowercase());
        } else {
            self.end_run();
            if !self.word.is_empty() {
                self.out.words.push(std::mem::take(&mut self.word));
            }
        }
    }

    fn push_str(&mut self, text: &str) -> &mut Self {
        for c in text.chars() {
            self.push(c);
        }
        self
    }

    /// The text of our own generated HTML, as [`strip_tags`] gives it.
    fn push_html(&mut self, html: &str) -> &mut Self {
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => {
                    in_tag = false;
                    self.push(' ');
                }
                _ if !in_tag => self.push(c),
                _ => {}
            }
        }
        self
    }

    /// Ends a run of CJK characters: a run of one is a term by itself.
    fn end_run(&mut self) {
        if self.run_len == 1
            && let Some(c) = self.run
        {
            self.out.cjk.push(cjk_key(c, None));
        }
        self.run = None;
        self.run_len = 0;
    }

    fn finish(mut self) -> Keys {
        self.end_run();
        if !self.word.is_empty() {
            self.out.words.push(self.word);
        }
        self.out
    }
}

#[cfg(test)]
fn keys(text: &str) -> Keys {
    let mut b = KeyBuilder::default();
    b.push_str(text);
    b.finish()
}

/// The keys of a report's searchable text (title, agency and narrative):
/// the keys of [`text_of`], without making that text.
fn report_keys(r: &Report) -> Keys {
    let mut b = KeyBuilder::default();
    b.push_str(&r.meta.title)
        .push_str(" ")
        .push_str(&r.meta.agency)
        .push_str(" ");
    for part in &r.narrative.parts {
        b.push_str(&part.heading).push_str(" ");
        b.push_html(&part.html).push_str(" ");
    }
    b.finish()
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FA1F}')
}

/// The searchable text of a report: title, agency and narrative.
#[cfg(test)]
fn text_of(r: &Report) -> String {
    let mut text = format!("{} {} ", r.meta.title, r.meta.agency);
    for part in &r.narrative.parts {
        text.push_str(&part.heading);
        text.push(' ');
        strip_tags(&part.html, &mut text);
        text.push(' ');
    }
    text
}

/// Text of our own generated HTML (entities other than the usual few are kept as written).
#[cfg(test)]
fn strip_tags(html: &str, out: &mut String) {
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
}

/// Shards for `docs` reports: a power of two, about one per 32 reports, at most 256.
pub fn shard_count(docs: usize) -> u32 {
    (docs / 32).clamp(1, 256).next_power_of_two().min(256) as u32
}

#[derive(Serialize)]
struct Meta {
    version: u32,
    docs: usize,
    shards: u32,
    chunk: usize,
}

/// A term's report ids, ascending.
type Postings = Vec<(String, Vec<u32>)>;

/// The index files for every report of the site.
pub fn index_files(site: &Site) -> Vec<OutputFile> {
    index_files_memo(site, None)
}

/// [`index_files`], patching the postings of the last build's index (its
/// memo, at `memo`) when few reports' texts changed since, and keeping the
/// new postings there for the next build.
pub fn index_files_memo(site: &Site, memo: Option<&MemoPath>) -> Vec<OutputFile> {
    use rayon::prelude::*;
    let shards = shard_count(site.reports.len());
    let docs: Vec<Hash> = match memo {
        Some(_) => site.reports.par_iter().map(|r| doc_print(r)).collect(),
        None => Vec::new(),
    };
    let old = memo
        .filter(|m| m.read)
        .and_then(|m| crate::timing::time("search: read the memo", || search_memo::read(&m.file)));
    let (postings, changed) = old
        .and_then(|old| patched(site, old, &docs, shards))
        .unwrap_or_else(|| {
            let all = crate::timing::time("search: postings", || postings(site, shards));
            (all, true)
        });
    let mut files = vec![OutputFile {
        path: "search/meta.json".into(),
        bytes: serde_json::to_vec(&Meta {
            version: 1,
            docs: site.reports.len(),
            shards,
            chunk: CHUNK,
        })
        .unwrap_or_default(),
    }];
    // Each shard is encoded on its own (in parallel, in shard order), its
    // terms in order, its ids as differences.
    let shard_files: Vec<OutputFile> = crate::timing::time("search: encode", || {
        postings
            .par_iter()
            .enumerate()
            .map(|(s, terms)| {
                let encoded: BTreeMap<&str, Vec<u32>> = terms
                    .iter()
                    .map(|(term, ids)| (term.as_str(), search_memo::deltas(ids)))
                    .collect();
                OutputFile {
                    path: format!("search/t-{s}.json"),
                    bytes: serde_json::to_vec(&encoded).unwrap_or_default(),
                }
            })
            .collect()
    });
    files.extend(shard_files);
    if let Some(m) = memo.filter(|_| changed) {
        crate::timing::time("search: write the memo", || {
            search_memo::write(
                &m.file,
                &Memo {
                    docs,
                    shards: postings,
                },
            )
        });
    }
    for (k, chunk) in site.reports.chunks(CHUNK).enumerate() {
        let docs: Vec<(&str, String, &str, i64)> = chunk
            .iter()
            .map(|r| {
                (
                    r.meta.title.as_str(),
                    report_dir(r),
                    r.meta.agency.as_str(),
                    r.meta.year,
                )
            })
            .collect();
        files.push(OutputFile {
            path: format!("search/d-{k}.json"),
            bytes: serde_json::to_vec(&docs).unwrap_or_default(),
        });
    }
    files
}

/// The postings of every report, by shard.
fn postings(site: &Site, shards: u32) -> Shards {
    use rayon::prelude::*;
    // The reports are split into runs, a few per thread; each run's
    // postings are found on their own (terms, then ids, with no lock),
    // already split by shard. Joined run by run in order, a term's ids stay
    // ascending, so the index does not depend on how many runs there were.
    let runs = (rayon::current_num_threads() * 4).max(1);
    let size = site.reports.len().div_ceil(runs).max(1);
    let partial: Vec<Vec<Postings>> = site
        .reports
        .par_chunks(size)
        .enumerate()
        .map(|(run, reports)| run_postings(reports, run * size, shards))
        .collect();
    // By shard: each run's part of it, in run order.
    let mut by_shard: Vec<Vec<Postings>> = (0..shards).map(|_| Vec::new()).collect();
    for run in partial {
        for (s, part) in run.into_iter().enumerate() {
            by_shard[s].push(part);
        }
    }
    by_shard
        .into_par_iter()
        .map(|parts| {
            let mut joined: BTreeMap<String, Vec<u32>> = BTreeMap::new();
            for (term, ids) in parts.into_iter().flatten() {
                joined.entry(term).or_default().extend(ids);
            }
            joined
        })
        .collect()
}

/// The postings of the memo `old`, patched for the reports whose
/// [`doc_print`] is not the one it recorded (`docs` are the site's, by id),
/// and whether they changed; `None` when the memo is of another number of
/// reports, or when so many changed that finding them all is as quick.
fn patched(site: &Site, old: Memo, docs: &[Hash], shards: u32) -> Option<(Shards, bool)> {
    use rayon::prelude::*;
    if old.docs.len() != docs.len() || old.shards.len() != shards as usize {
        return None;
    }
    let changed: Vec<u32> = (0..docs.len())
        .filter(|&i| old.docs[i] != docs[i])
        .map(|i| i as u32)
        .collect();
    if changed.len() * 4 > docs.len() {
        return None;
    }
    if changed.is_empty() {
        return Some((old.shards, false));
    }
    crate::timing::time("search: patch the memo", || {
        // The postings of the changed reports as they are now, by shard.
        let fresh: Vec<Vec<Postings>> = changed
            .par_iter()
            .map(|&id| {
                run_postings(
                    &site.reports[id as usize..=id as usize],
                    id as usize,
                    shards,
                )
            })
            .collect();
        let mut postings = old.shards;
        postings.par_iter_mut().enumerate().for_each(|(s, terms)| {
            // Their ids out of every term, then into the terms they have now.
            for ids in terms.values_mut() {
                ids.retain(|id| changed.binary_search(id).is_err());
            }
            for (term, ids) in fresh.iter().flat_map(|f| &f[s]) {
                let list = terms.entry(term.clone()).or_default();
                for &id in ids {
                    let at = list.partition_point(|&x| x < id);
                    list.insert(at, id);
                }
            }
            terms.retain(|_, ids| !ids.is_empty());
        });
        Some((postings, true))
    })
}

/// The postings of a run of reports, the first of which has the id
/// `first`, by shard.
fn run_postings(reports: &[std::sync::Arc<Report>], first: usize, shards: u32) -> Vec<Postings> {
    // By packed term: report ids, ascending (reports are added in order).
    let mut cjk: rustc_hash::FxHashMap<u64, Vec<u32>> = Default::default();
    let mut words: rustc_hash::FxHashMap<String, Vec<u32>> = Default::default();
    for (i, r) in reports.iter().enumerate() {
        let id = (first + i) as u32;
        let keys = report_keys(r);
        // Ids ascending: a repeat of a term in one report is its last id.
        for key in keys.cjk {
            let ids = cjk.entry(key).or_default();
            if ids.last() != Some(&id) {
                ids.push(id);
            }
        }
        for word in keys.words {
            let ids = words.entry(word).or_default();
            if ids.last() != Some(&id) {
                ids.push(id);
            }
        }
    }
    let mut postings: Vec<Postings> = (0..shards).map(|_| Vec::new()).collect();
    let terms = cjk
        .into_iter()
        .map(|(key, ids)| (cjk_term(key), ids))
        .chain(words);
    for (term, ids) in terms {
        postings[(hash(&term) % shards) as usize].push((term, ids));
    }
    postings
}

/// What the browser does, here: the addresses of the reports containing
/// every term of `q`, newest first. Reads the index from `dir` (the output's `search/`).
pub fn query(dir: &std::path::Path, q: &str) -> std::io::Result<Vec<String>> {
    let read = |name: &str| -> std::io::Result<serde_json::Value> {
        let bytes = std::fs::read(dir.join(name))?;
        serde_json::from_slice(&bytes).map_err(std::io::Error::other)
    };
    let meta = read("meta.json")?;
    let shards = meta["shards"].as_u64().unwrap_or(1) as u32;
    let chunk = meta["chunk"].as_u64().unwrap_or(CHUNK as u64) as usize;
    let mut result: Option<BTreeSet<u32>> = None;
    for term in terms(q) {
        let shard = read(&format!("t-{}.json", hash(&term) % shards))?;
        let mut ids = BTreeSet::new();
        let mut id = 0u32;
        for d in shard[&term].as_array().into_iter().flatten() {
            id += d.as_u64().unwrap_or(0) as u32;
            ids.insert(id);
        }
        result = Some(match result {
            None => ids,
            Some(r) => r.intersection(&ids).copied().collect(),
        });
    }
    let mut found = Vec::new();
    for id in result.unwrap_or_default() {
        let docs = read(&format!("d-{}.json", id as usize / chunk))?;
        if let Some(url) = docs[id as usize % chunk][1].as_str() {
            found.push(url.to_string());
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_text_becomes_bigrams_and_words() {
        let t = terms("西工掌上12348微信，公开 Web");
        for term in ["西工", "工掌", "掌上", "12348", "微信", "公开", "web"] {
            assert!(t.contains(term), "{term}: {t:?}");
        }
        assert!(!t.contains("上1") && !t.contains("信公"), "{t:?}");
        assert!(terms("局").contains("局"));
    }

    /// The packed terms the index is built from are exactly [`terms`].
    #[test]
    fn packed_keys_are_the_terms() {
        let texts = [
            "西工掌上12348微信，公开 Web",
            "一",
            "a一b二c",
            "一a二",
            "AbC12 一二三四 x 五",
            "𠀀𠀁 丽 㐀",
            "",
            "  ,. ",
            "⼀⺠ 民",
            "第1次：收到申请55件（其中新收43件）。ABC-def_ghi",
        ];
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let real = std::fs::read_to_string(repo.join("content/西工区司法局/2021.md")).unwrap();
        for text in texts.iter().copied().chain([real.as_str()]) {
            let k = keys(text);
            let mut packed: BTreeSet<String> = k.cjk.iter().map(|&c| cjk_term(c)).collect();
            packed.extend(k.words.iter().cloned());
            assert_eq!(packed, terms(text), "{text}");
        }
    }

    /// A report's keys, found from its parts, are those of its whole text
    /// (tags, entities, headings and the spaces between parts included).
    #[test]
    fn report_keys_are_the_keys_of_its_text() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let settings = crate::config::Settings::new(root, None, true).expect("settings");
        let mut count = 0;
        for (source, text) in crate::site::repository_reports() {
            let Some(r) = crate::site::load_text(&settings, &source, &text).report else {
                continue;
            };
            let (a, b) = (report_keys(&r), keys(&text_of(&r)));
            assert!(a.cjk == b.cjk && a.words == b.words, "{}", source.rel);
            assert!(
                a.cjk.len() > 10 || r.narrative.parts.is_empty(),
                "{}",
                source.rel
            );
            count += 1;
        }
        assert!(count > 20, "{count}");
        // Inline markup: a tag ends a term, as in the stripped text.
        let html = "<p>公开<strong>信息</strong>a<em>b</em> 3 &lt; 4 <a href=\"x\">链接</a>></p>";
        let mut text = String::new();
        strip_tags(html, &mut text);
        let mut b = KeyBuilder::default();
        b.push_html(html);
        let (a, b) = (b.finish(), keys(&text));
        assert!(a.cjk == b.cjk && a.words == b.words, "{text}");
        assert!(!a.cjk.contains(&cjk_key('开', Some('信'))));
    }

    /// Every report of the repository (fixtures included), once per path.
    fn repository_site() -> Site {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let settings = crate::config::Settings::new(root, None, true).expect("settings");
        let mut seen = BTreeSet::new();
        let files: Vec<_> = crate::site::repository_reports()
            .into_iter()
            .filter(|(source, _)| seen.insert(source.rel.clone()))
            .map(|(source, text)| crate::site::load_text(&settings, &source, &text))
            .collect();
        Site::assemble(files, &settings.site)
    }

    /// The index is the same however many threads find its postings (the
    /// reports are split into runs by the number of threads).
    #[test]
    fn the_index_does_not_depend_on_the_threads() {
        let site = repository_site();
        assert!(site.reports.len() > 20, "{}", site.reports.len());
        let index = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("pool");
            pool.install(|| index_files(&site))
                .into_iter()
                .map(|f| (f.path, f.bytes))
                .collect::<Vec<_>>()
        };
        let one = index(1);
        assert!(
            one.iter()
                .any(|(p, b)| p.starts_with("search/t-") && b.len() > 100)
        );
        assert_eq!(one, index(3));
        assert_eq!(one, index(8));
        // A term found in reports of more than one run lists each of them.
        let dir = tempfile::tempdir().expect("tempdir");
        for (path, bytes) in &one {
            crate::output::write_bytes(dir.path(), path, bytes).expect("write");
        }
        let found = query(&dir.path().join("search"), "政府信息公开").expect("query");
        assert_eq!(found.len(), site.reports.len());
    }

    /// The postings a memo is patched into are those found from every
    /// report: for a narrative edit, a term that goes (it was in that report
    /// alone), a term that comes, a title edit, several reports at once; the
    /// memo of another number of reports, or damaged, is not used.
    #[test]
    fn a_patched_memo_gives_the_index_found_from_every_report() {
        let site = repository_site();
        let n = site.reports.len();
        assert!(n > 20, "{n}");
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join(search_memo::FILE_NAME);
        let path = |read| MemoPath {
            file: file.clone(),
            read,
        };
        let edit = |site: &Site, i: usize, f: &dyn Fn(&mut Report)| {
            let mut site = site.clone();
            let mut r = (*site.reports[i]).clone();
            f(&mut r);
            site.reports[i] = std::sync::Arc::new(r);
            site
        };
        // The memo of the site as it is.
        assert_eq!(
            index_files_memo(&site, Some(&path(false))),
            index_files(&site)
        );
        let shards = shard_count(n);
        let docs = |site: &Site| {
            site.reports
                .iter()
                .map(|r| doc_print(r))
                .collect::<Vec<_>>()
        };
        let mut current = site.clone();
        type Step<'a> = (&'a str, Vec<usize>, &'a dyn Fn(&mut Report));
        let steps: Vec<Step> = vec![
            ("a term that comes", vec![3], &|r: &mut Report| {
                r.narrative.parts[0].html.push_str("<p>鼋鼍 zyxw</p>")
            }),
            ("the term goes again", vec![3], &|r: &mut Report| {
                let html = &mut r.narrative.parts[0].html;
                *html = html.replace("<p>鼋鼍 zyxw</p>", "");
            }),
            ("a title", vec![0], &|r: &mut Report| {
                r.meta.title.push_str("（修订）")
            }),
            ("three reports", vec![1, n / 2, n - 1], &|r: &mut Report| {
                r.narrative.parts.truncate(1)
            }),
        ];
        for (what, ids, f) in steps {
            let before = current.clone();
            for &i in &ids {
                current = edit(&current, i, f);
            }
            let memo = search_memo::read(&file).expect(what);
            assert_eq!(memo.docs, docs(&before), "{what}");
            let (patched, changed) = patched(&current, memo, &docs(&current), shards).expect(what);
            assert!(changed, "{what}");
            assert!(patched == postings(&current, shards), "{what}");
            // And through the memo file, as a build does.
            let files = index_files_memo(&current, Some(&path(true)));
            assert_eq!(files, index_files(&current), "{what}");
        }
        let terms = |site: &Site| -> usize { postings(site, shards).iter().map(|s| s.len()).sum() };
        assert_eq!(terms(&current), terms(&edit(&current, 3, &|_| {})));
        // Another number of reports: found from every report.
        let mut fewer = current.clone();
        fewer.reports.pop();
        let memo = search_memo::read(&file).expect("memo");
        assert!(patched(&fewer, memo, &docs(&fewer), shard_count(n - 1)).is_none());
        // A damaged memo is not read.
        let mut bytes = std::fs::read(&file).expect("memo");
        let middle = bytes.len() / 2;
        bytes[middle] ^= 1;
        std::fs::write(&file, &bytes).expect("write");
        assert!(search_memo::read(&file).is_none());
        std::fs::write(&file, &bytes[..middle]).expect("write");
        assert!(search_memo::read(&file).is_none());
    }

    #[test]
    fn the_hash_is_fnv1a_as_in_search_js() {
        assert_eq!(hash(""), 0x811c_9dc5);
        assert_eq!(hash("a"), 0xe40c_292c);
        assert_eq!(shard_count(6), 1);
        assert_eq!(shard_count(1000), 32);
        assert_eq!(shard_count(100_000), 256);
    }
}
