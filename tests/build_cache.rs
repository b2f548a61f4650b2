//! Incremental production builds: `gongkai build` renders only what changed
//! since the build recorded in the manifest and hard-links every other file
//! from the previous output. After every step of a series of edits the
//! output is byte-identical to `gongkai build --clean` of the same sources;
//! files that did not change keep their inode (they were not rewritten),
//! and the ones that did change got a new one. The output an incremental
//! build replaces is kept as the spare, which the next one writes into: it
//! must still be that output byte for byte (no file it shares with the live
//! output was ever written into).

mod common;
use common::{Site, tree};
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Every file of the output with its inode.
fn inodes(dir: &Path) -> BTreeMap<String, u64> {
    if !dir.exists() {
        return BTreeMap::new();
    }
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy();
            (rel.into_owned(), e.metadata().unwrap().ino())
        })
        .collect()
}

struct Fixture {
    site: Site,
    out: PathBuf,
}

/// What one incremental build did to the output.
struct Step {
    /// Files that kept their inode.
    kept: Vec<String>,
    /// Files that are new or were rewritten.
    rewritten: Vec<String>,
    stderr: String,
    /// The build wrote into the spare of the build before.
    reused_spare: bool,
    /// The build kept the output it replaced as its spare.
    kept_spare: bool,
}

impl Step {
    fn kept(&self, path: &str) -> bool {
        self.kept.iter().any(|p| p == path)
    }
}

impl Fixture {
    fn new() -> Fixture {
        let site = Site::bundled();
        let out = site.path().join("public");
        let f = Fixture { site, out };
        let first = f.step("first build", &[]);
        assert!(first.kept.is_empty(), "{:?}", first.kept);
        assert!(!first.stderr.contains("沿用"), "{}", first.stderr);
        f
    }

    /// Builds (incrementally, or with `args`), checks the output against a
    /// clean build of the same sources, and tells which files were kept.
    fn step(&self, what: &str, args: &[&str]) -> Step {
        let before = inodes(&self.out);
        let before_tree = match self.out.exists() {
            true => tree(&self.out),
            false => Vec::new(),
        };
        let spare = self.site.path().join(".public.gongkai-spare");
        let spare_ino = std::fs::metadata(&spare).map(|m| m.ino()).ok();
        // Held open so that its inode number cannot be given to another
        // folder during the build: a file system with a journal reuses a
        // freed inode at once, and a --clean build that deletes the spare
        // and makes a new staging folder would look as if it had reused it.
        let _spare_held = std::fs::File::open(&spare).ok();
        let out = self.out.to_str().unwrap();
        let run = self
            .site
            .run(&[&["build", "--output", out][..], args].concat());
        assert_eq!(run.code(), 0, "{what}: {}", run.stderr());
        let clean = self.site.path().join("clean");
        let run_clean = self
            .site
            .run(&["build", "--clean", "--output", clean.to_str().unwrap()]);
        assert_eq!(run_clean.code(), 0, "{what}: {}", run_clean.stderr());
        let (inc, full) = (tree(&self.out), tree(&clean));
        if inc != full {
            let (a, b): (BTreeMap<_, _>, BTreeMap<_, _>) =
                (inc.into_iter().collect(), full.into_iter().collect());
            let differ: Vec<_> = a
                .keys()
                .chain(b.keys())
                .filter(|k| a.get(*k) != b.get(*k))
                .collect();
            panic!("{what}: the incremental build differs from a clean one in {differ:?}");
        }
        let kept_spare = spare.exists();
        if kept_spare {
            assert_eq!(
                tree(&spare),
                before_tree,
                "{what}: the spare is not the output the build replaced"
            );
        }
        let reused_spare =
            spare_ino.is_some() && std::fs::metadata(&self.out).map(|m| m.ino()).ok() == spare_ino;
        let after = inodes(&self.out);
        let (kept, rewritten) = after
            .iter()
            .map(|(p, ino)| (p.clone(), before.get(p) == Some(ino)))
            .partition::<Vec<_>, _>(|(_, kept)| *kept);
        Step {
            kept: kept.into_iter().map(|(p, _)| p).collect(),
            rewritten: rewritten.into_iter().map(|(p, _)| p).collect(),
            stderr: run.stderr(),
            reused_spare,
            kept_spare,
        }
    }
}

#[test]
fn each_edit_rewrites_only_its_files_and_equals_a_clean_build() {
    let f = Fixture::new();
    let all = inodes(&f.out).len();

    // Nothing changed: every file is carried over.
    let s = f.step("no change", &[]);
    assert!(s.rewritten.is_empty(), "{:?}", s.rewritten);
    assert!(
        s.stderr
            .contains(&format!("{all} 个文件，其中 {all} 个与上次相同")),
        "{}",
        s.stderr
    );

    // Narrative: the report's page and the data that holds its text.
    f.site.edit(
        "content/示例区示例局/2021.md",
        "## 六、其他需要报告的事项\n",
        "## 六、其他需要报告的事项\n\n补充说明。\n",
    );
    let s = f.step("narrative", &[]);
    assert!(
        s.rewritten
            .contains(&"示例区示例局/2021/index.html".to_string()),
        "{:?}",
        s.rewritten
    );
    for kept in [
        "示例区示例局/2022/index.html",
        "西工区司法局/2021/index.html",
        "示例区示例局/index.html",
        "index.html",
        "static/style.css",
        // The portal-wide data files hold no narrative, and neither does
        // the page of the report's year (it sums the year's cells).
        "data/cells.csv",
        "data/reports.json",
        "years/2021/index.html",
    ] {
        assert!(s.kept(kept), "narrative: {kept} was rewritten");
    }
    assert!(s.rewritten.len() < 10, "narrative: {:?}", s.rewritten);

    // A cell that is no headline figure: the report and the data files,
    // not the listings.
    f.site.edit(
        "content/示例区示例局/2021.md",
        "normative_documents: [3, 1, 12]",
        "normative_documents: [3, 1, 13]",
    );
    let s = f.step("cell", &[]);
    assert!(
        s.reused_spare && s.kept_spare,
        "cell: the spare was not used"
    );
    for rewritten in [
        "示例区示例局/2021/index.html",
        "data/cells.csv",
        "data/reports.json",
        "years/2021/index.html",
    ] {
        assert!(!s.kept(rewritten), "cell: {rewritten} was kept");
    }
    assert!(s.kept("index.html") && s.kept("示例区示例局/index.html"));

    // A headline figure: also the listings.
    f.site.edit(
        "content/示例区示例局/2021.md",
        "punishment: 53 ",
        "punishment: 54 ",
    );
    let s = f.step("headline", &[]);
    assert!(!s.kept("index.html") && !s.kept("示例区示例局/index.html"));
    assert!(s.kept("西工区司法局/2021/index.html"));

    // A new agency with a report for a new year: the year before now links to it.
    let text = f
        .site
        .read("content/示例区示例局/2023.md")
        .replace("agency: 示例区示例局", "agency: 新设局")
        .replace("year: 2023", "year: 2024")
        .replace("2023年", "2024年");
    f.site.write("content/新设局/2024.md", &text);
    let s = f.step("new report", &[]);
    assert!(!s.kept("2023/index.html"), "the 2023 page links to 2024");
    assert!(s.rewritten.iter().any(|p| p.starts_with("新设局/2024/")));

    // The report goes again: its files go.
    std::fs::remove_dir_all(f.site.path().join("content/新设局")).unwrap();
    f.step("deleted report", &[]);
    assert!(!f.out.join("新设局").exists());

    // Files edited or deleted by hand in the output are made again.
    let page = f.out.join("西工区司法局/2021/index.html");
    let mut text = std::fs::read_to_string(&page).unwrap();
    text.push_str("<!-- edited by hand -->");
    std::fs::write(&page, text).unwrap();
    std::fs::remove_file(f.out.join("data/cells.csv")).unwrap();
    let s = f.step("output edited by hand", &[]);
    assert!(!s.kept("西工区司法局/2021/index.html"));
    assert!(s.kept("示例区示例局/2022/index.html"));

    // Files and folders added by hand inside the output's folders (one at
    // its top would change the output folder, and make a full build) go,
    // from the output and, a build later, from the spare the output became.
    let stray = ["static/extra.css", "西工区司法局/stray/deeper/a.txt"];
    for path in stray {
        f.site.write(&format!("public/{path}"), "by hand");
    }
    std::fs::create_dir_all(f.out.join("西工区司法局/2021/empty")).unwrap();
    f.step("files added by hand", &[]);
    let s = f.step("files added by hand, the build after", &[]);
    assert!(s.reused_spare, "the spare was not used");
    assert!(!f.out.join("西工区司法局/stray").exists());
    assert!(!f.out.join("西工区司法局/2021/empty").exists());

    // Files replaced by hand (another file renamed over them: a new inode,
    // the spare still holding the old one) of a job carried whole and of
    // one that runs again (whose other files come out the same).
    for path in [
        "示例区示例局/2022/applications.csv",
        "示例区示例局/2021/applications.csv",
    ] {
        // Made beside it: a change at the output's top makes a full build.
        let tmp = f.out.join(path).with_extension("tmp");
        std::fs::write(&tmp, "replaced by hand\n").unwrap();
        std::fs::rename(&tmp, f.out.join(path)).unwrap();
    }
    f.site.edit(
        "content/示例区示例局/2021.md",
        "补充说明。",
        "补充说明，再次修改。",
    );
    let s = f.step("output files replaced by hand", &[]);
    assert!(s.reused_spare, "the spare was not used");
    assert!(s.stderr.contains("个与上次相同"), "{}", s.stderr);

    // site.toml: every page.
    f.site.edit(
        "site.toml",
        "title = \"政府信息公开工作年度报告（gongkai 演示门户）\"",
        "title = \"演示门户（改名）\"",
    );
    let s = f.step("site.toml", &[]);
    assert!(!s.kept("index.html") && !s.kept("西工区司法局/2021/index.html"));
    // Data files do not show the title: same bytes, kept.
    assert!(s.kept("西工区司法局/2021/report.json"), "{:?}", s.rewritten);

    // The theme: a site template overrides the built-in one.
    let index = std::fs::read_to_string(common::repo().join("themes/default/templates/index.html"))
        .unwrap();
    f.site.write(
        "themes/default/templates/index.html",
        &index.replace("<h1>", "<h1 class=\"changed\">"),
    );
    let s = f.step("theme", &[]);
    assert!(!s.kept("index.html"));
    assert!(
        std::fs::read_to_string(f.out.join("index.html"))
            .unwrap()
            .contains("changed")
    );

    // --clean writes every file anew, and keeps no spare (its files would
    // all be copies).
    let s = f.step("--clean", &["--clean"]);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    assert!(!s.reused_spare && !s.kept_spare);
}

#[test]
fn a_failed_build_keeps_the_output_and_the_next_one_is_still_incremental() {
    let f = Fixture::new();
    let before = inodes(&f.out);
    f.site.edit(
        "content/示例区示例局/2021.md",
        "received:     [39, 6, 1, 1, 5, 3, 55]",
        "received:     [39, 6, 1, 1, 6, 3, 55]",
    );
    let out = f.out.to_str().unwrap();
    let run = f.site.run(&["build", "--output", out]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert_eq!(
        inodes(&f.out),
        before,
        "the failed build changed the output"
    );
    f.site.edit(
        "content/示例区示例局/2021.md",
        "received:     [39, 6, 1, 1, 6, 3, 55]",
        "received:     [39, 6, 1, 1, 5, 3, 55]",
    );
    let s = f.step("fixed", &[]);
    assert!(s.rewritten.is_empty(), "{:?}", s.rewritten);
}

#[test]
fn a_damaged_or_foreign_manifest_means_a_full_build() {
    let f = Fixture::new();
    let manifest = f.site.path().join(".public.gongkai-manifest");
    let bytes = std::fs::read(&manifest).unwrap();
    assert!(bytes.starts_with(b"gongkai-manifest 3\nversion "));

    // Cut short.
    std::fs::write(&manifest, &bytes[..bytes.len() / 2 + 3]).unwrap();
    let s = f.step("damaged manifest", &[]);
    assert!(s.kept.is_empty(), "{:?}", s.kept);

    // Written by another gongkai (with a hash that matches).
    let bytes = std::fs::read(&manifest).unwrap();
    let mut other = bytes[..bytes.len() - 16].to_vec();
    let at = other.windows(8).position(|w| w == b"version ").unwrap() + 8;
    other.splice(at..at, *b"0.0.1-other ");
    let sum = xxhash_rust::xxh3::xxh3_128(&other);
    other.extend_from_slice(&sum.to_le_bytes());
    std::fs::write(&manifest, other).unwrap();
    let s = f.step("other version", &[]);
    assert!(s.kept.is_empty(), "{:?}", s.kept);

    // A manifest that says a changed page is unchanged is not believed
    // when the output was replaced by something else.
    let saved = std::fs::read(&manifest).unwrap();
    let copy = f.site.path().join("copy");
    common::copy_tree(&f.out, &copy);
    std::fs::remove_dir_all(&f.out).unwrap();
    std::fs::rename(&copy, &f.out).unwrap();
    std::fs::write(&manifest, saved).unwrap();
    let s = f.step("output replaced", &[]);
    assert!(s.kept.is_empty(), "{:?}", s.kept);

    // Nothing left beside the output but the output and its manifest.
    let mut beside: Vec<String> = std::fs::read_dir(f.site.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("gongkai-"))
        .collect();
    beside.sort();
    assert_eq!(
        beside,
        [
            ".clean.gongkai-manifest",
            ".gongkai-cache",
            ".public.gongkai-manifest"
        ]
    );
}
