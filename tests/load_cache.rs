//! The load cache (`.gongkai-cache/` at the site root): a build keeps each
//! report file's parsed and checked report, and the next build or check
//! takes from it the files whose bytes did not change. It only saves time:
//! every result is the one loading every file anew gives (compared here
//! with runs without a cache), whatever the cache holds.

mod common;
use common::{Run, Site, tree};
use std::os::unix::fs::MetadataExt;

const CACHE: &str = ".gongkai-cache";

/// How many times the run did what its timing line `what` counts.
fn count(run: &Run, what: &str) -> usize {
    let err = run.stderr();
    let Some(line) = err.lines().find(|l| l.contains(what)) else {
        return 0;
    };
    let count = line.rsplit('(').next().unwrap().trim_end_matches("×)");
    count.parse().unwrap_or_else(|_| panic!("{line}"))
}

/// How many reports the run took from the load cache (its timings say).
fn hits(run: &Run) -> usize {
    count(run, "from the load cache")
}

fn timed(site: &Site, args: &[&str]) -> Run {
    site.run_with_env(&[("GONGKAI_TIMINGS", "1")], args)
}

/// `check --format json` without any cache (the cache is set aside and put back).
fn check_without_cache(site: &Site) -> String {
    let cache = site.path().join(CACHE);
    let aside = site.path().join("cache-aside");
    let had = std::fs::rename(&cache, &aside).is_ok();
    let run = site.run(&["check", "--format", "json"]);
    if had {
        std::fs::rename(&aside, &cache).unwrap();
    }
    run.stdout()
}

/// How many report files the run did not even read (their stamp was the
/// one recorded in the cache).
fn unread(run: &Run) -> usize {
    count(run, "file not read")
}

/// A file whose stamp (size, inode, modification and change times) is the
/// one recorded is taken from the cache without reading it. Any write
/// changes the stamp, even one that keeps the size and puts the
/// modification time back; a file changed in the last two seconds is read
/// every time.
#[test]
fn a_file_as_last_seen_is_not_read_and_any_write_is_seen() {
    let site = Site::bundled();
    let out = site.path().join("public");
    let out = out.to_str().unwrap();
    let build = || timed(&site, &["build", "--output", out]);
    // The files were just written (the copy of the portal): how many
    // builds see them as too recent to trust depends on the machine's
    // speed, so only the state two seconds later is asserted.
    build();
    let all = hits(&build());
    assert!(all > 2, "{all}");
    std::thread::sleep(std::time::Duration::from_millis(2100));
    // Read (or not) once more, now with a stamp to trust.
    build();
    let run = build();
    assert_eq!((hits(&run), unread(&run)), (all, all));

    // The same number of bytes, and the modification time put back.
    let rel = "content/示例区示例局/2021.md";
    let path = site.path().join(rel);
    let before = std::fs::metadata(&path).unwrap();
    site.edit(
        rel,
        "received:     [39, 6, 1, 1, 5, 3, 55]",
        "received:     [39, 6, 1, 1, 6, 3, 55]",
    );
    let file = std::fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(before.modified().unwrap()).unwrap();
    drop(file);
    let after = std::fs::metadata(&path).unwrap();
    assert_eq!(after.len(), before.len());
    assert_eq!(after.modified().unwrap(), before.modified().unwrap());
    let run = build();
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert!(run.stderr().contains("T3.1"), "{}", run.stderr());
    assert_eq!(unread(&run), all - 1);
    assert_eq!(hits(&run), all - 1);
}

#[test]
fn unchanged_reports_come_from_the_cache_and_every_result_is_the_same() {
    let site = Site::bundled();
    let cache = site.path().join(CACHE);
    let out = site.path().join("public");
    let out = out.to_str().unwrap();
    let build = |args: &[&str]| {
        let run = timed(&site, &[&["build", "--output", out][..], args].concat());
        assert!(run.code() == 0 || run.code() == 1, "{}", run.stderr());
        run
    };
    let check = || {
        let run = timed(&site, &["check", "--format", "json"]);
        (hits(&run), run.stdout())
    };

    // `check` reads the cache but never writes it.
    let (h, _) = check();
    assert_eq!(h, 0);
    assert!(!cache.exists(), "check wrote the load cache");

    // The first build loads every file and writes the cache.
    assert_eq!(hits(&build(&[])), 0);
    assert!(cache.is_dir());
    let reports = walkdir::WalkDir::new(site.path().join("content"))
        .into_iter()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "md")
        })
        .count();

    // The next build and check take every report without a finding of its
    // own from it, and say the same as without it.
    let all = hits(&build(&[]));
    assert!(all > 0 && all <= reports, "{all} of {reports}");
    let (h, json) = check();
    assert_eq!(h, all);
    assert_eq!(json, check_without_cache(&site));

    // An edit that breaks a total: that file is loaded anew and its error shown.
    site.edit(
        "content/示例区示例局/2021.md",
        "received:     [39, 6, 1, 1, 5, 3, 55]",
        "received:     [39, 6, 1, 1, 6, 3, 55]",
    );
    let (h, json) = check();
    assert_eq!(h, all - 1);
    assert!(json.contains("T3.1"), "{json}");
    assert_eq!(json, check_without_cache(&site));
    // A failed build still keeps the other reports in the cache.
    let failed = build(&[]);
    assert_eq!(failed.code(), 1);
    assert_eq!(hits(&failed), all - 1);
    site.edit(
        "content/示例区示例局/2021.md",
        "received:     [39, 6, 1, 1, 6, 3, 55]",
        "received:     [39, 6, 1, 1, 5, 3, 55]",
    );
    assert_eq!(hits(&build(&[])), all - 1);
    assert_eq!(hits(&build(&[])), all);

    // A damaged cache is ignored, and replaced by a good one.
    let files: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!files.is_empty());
    let saved: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    type Damage = fn(&[u8]) -> Vec<u8>;
    let damages: [Damage; 3] = [
        |b| {
            let mut b = b.to_vec();
            let middle = b.len() / 2;
            b[middle] ^= 0x55;
            b
        },
        |b| b[..b.len() / 2].to_vec(),
        |_| b"not a cache".to_vec(),
    ];
    for damage in damages {
        for (file, bytes) in files.iter().zip(&saved) {
            std::fs::write(file, damage(bytes)).unwrap();
        }
        let (h, json) = check();
        assert_eq!(h, 0);
        assert_eq!(json, check_without_cache(&site));
        assert_eq!(hits(&build(&[])), 0);
        assert_eq!(hits(&build(&[])), all);
    }
    // A file where the folder belongs.
    std::fs::remove_dir_all(&cache).unwrap();
    std::fs::write(&cache, "not a folder").unwrap();
    assert_eq!(hits(&build(&[])), 0);
    assert!(cache.is_dir());
    assert_eq!(hits(&build(&[])), all);

    // A link to a folder elsewhere (with a good cache in it) is neither
    // read nor written through: it is replaced by a folder of its own.
    let elsewhere = site.path().join("elsewhere");
    std::fs::rename(&cache, &elsewhere).unwrap();
    std::fs::write(elsewhere.join("keep.tmp-1"), "not ours").unwrap();
    std::os::unix::fs::symlink(&elsewhere, &cache).unwrap();
    let before = tree(&elsewhere);
    assert_eq!(hits(&build(&[])), 0);
    assert!(!cache.is_symlink() && cache.is_dir());
    assert_eq!(tree(&elsewhere), before);
    std::fs::remove_dir_all(&elsewhere).unwrap();
    assert_eq!(hits(&build(&[])), all);

    // Other settings: nothing is taken from the cache made under the old ones.
    site.edit("site.toml", "title = \"", "title = \"新");
    assert_eq!(hits(&build(&[])), 0);
    assert_eq!(hits(&build(&[])), all);

    // --clean loads every file anew; the output is the same as with the cache.
    let cached = tree(std::path::Path::new(out));
    assert_eq!(hits(&build(&["--clean"])), 0);
    assert_eq!(tree(std::path::Path::new(out)), cached);
    assert_eq!(hits(&build(&[])), all);

    // An edit rewrites only the file of the cache that holds its report.
    let inodes = || -> Vec<(std::path::PathBuf, u64)> {
        let mut v: Vec<_> = std::fs::read_dir(&cache)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (e.path(), e.metadata().unwrap().ino())
            })
            .collect();
        v.sort();
        v
    };
    // Every file old enough for its stamp to be kept (otherwise the
    // build that first keeps them rewrites other files of the cache too).
    std::thread::sleep(std::time::Duration::from_millis(2100));
    assert_eq!(hits(&build(&[])), all);
    let before = inodes();
    site.edit(
        "content/示例区示例局/2021.md",
        "## 六、其他需要报告的事项\n",
        "## 六、其他需要报告的事项\n\n补充说明。\n",
    );
    assert_eq!(hits(&build(&[])), all - 1);
    let after = inodes();
    assert!(before.len() > 1, "{before:?}");
    assert_eq!(before.len(), after.len());
    let rewritten: Vec<_> = before
        .iter()
        .zip(&after)
        .filter(|(a, b)| a != b)
        .map(|(a, _)| a.0.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    // One file of reports, and the search index's memo: the narrative
    // is searched.
    assert_eq!(rewritten.len(), 2, "{before:?} {after:?}");
    assert!(rewritten.contains(&"search".to_string()), "{rewritten:?}");
    assert_eq!(hits(&build(&[])), all);
}
