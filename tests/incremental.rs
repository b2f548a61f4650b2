//! Incremental rebuilds equal full builds: after every step of a scripted
//! series of edits, the folder the pipeline maintains is byte-identical to a
//! fresh `gongkai build` of the same sources, and only the jobs that depend
//! on the change ran.

mod common;
use common::{Site, tree};
use gongkai::pipeline::{Change, DirSink, Pipeline};

fn full_build(site: &Site) -> Vec<(String, Vec<u8>)> {
    let out = site.path().join("full");
    let run = site.run(&["build", "--output", out.to_str().unwrap()]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let t = tree(&out);
    std::fs::remove_dir_all(&out).unwrap();
    t
}

struct Fixture {
    site: Site,
    root: std::path::PathBuf,
    out: std::path::PathBuf,
    pipeline: Pipeline,
}

impl Fixture {
    fn new() -> Fixture {
        let site = Site::bundled();
        let root = site.path().canonicalize().unwrap();
        let out = root.join("incremental");
        std::fs::create_dir(&out).unwrap();
        let mut pipeline = Pipeline::new(&root, Some(&out), true);
        pipeline.run(&[], &DirSink { root: out.clone() }).unwrap();
        Fixture {
            site,
            root,
            out,
            pipeline,
        }
    }

    /// Applies `changes`, returns the number of jobs that ran, and checks the output against a full build.
    fn step(&mut self, what: &str, changes: &[Change]) -> usize {
        let applied = self
            .pipeline
            .run(
                changes,
                &DirSink {
                    root: self.out.clone(),
                },
            )
            .unwrap_or_else(|e| panic!("{what}: {e:?}"));
        let (inc, full) = (tree(&self.out), full_build(&self.site));
        if inc != full {
            let map = |t: &[(String, Vec<u8>)]| {
                t.iter()
                    .cloned()
                    .collect::<std::collections::BTreeMap<_, _>>()
            };
            let (a, b) = (map(&inc), map(&full));
            let differ: Vec<_> = a
                .keys()
                .chain(b.keys())
                .filter(|k| a.get(*k) != b.get(*k))
                .collect();
            panic!("{what}: incremental output differs from a full build in {differ:?}");
        }
        applied.jobs
    }

    fn report(&self, rel: &str) -> Change {
        Change::Report(self.root.join(rel))
    }
}

#[test]
fn every_kind_of_edit_gives_the_full_build() {
    let mut f = Fixture::new();
    assert!(tree(&f.out) == full_build(&f.site), "first run");

    // Narrative only: the report's page, nothing else.
    f.site.edit(
        "content/示例区示例局/2021.md",
        "## 六、其他需要报告的事项\n",
        "## 六、其他需要报告的事项\n\n补充说明。\n",
    );
    let c = f.report("content/示例区示例局/2021.md");
    // Its page and the search index; not its year's page (which sums its
    // cells) nor the portal data (JSON and CSV), which hold no narrative.
    assert_eq!(f.step("narrative", &[c]), 2);

    // A cell that is no headline figure: also the portal data.
    f.site.edit(
        "content/示例区示例局/2021.md",
        "normative_documents: [3, 1, 12]",
        "normative_documents: [3, 1, 13]",
    );
    let c = f.report("content/示例区示例局/2021.md");
    assert_eq!(f.step("cell", &[c]), 5);

    // A headline figure: the page and the index.
    f.site.edit(
        "content/示例区示例局/2021.md",
        "punishment: 53 ",
        "punishment: 54 ",
    );
    let c = f.report("content/示例区示例局/2021.md");
    // Also the listings: the index, the feed and the agency's page.
    assert_eq!(f.step("headline", &[c]), 8);

    // A new report (of a new agency).
    let text = f
        .site
        .read("content/示例区示例局/2023.md")
        .replace("agency: 示例区示例局", "agency: 新设局");
    f.site.write("content/新设局/2023.md", &text);
    let c = f.report("content/新设局/2023.md");
    assert_eq!(f.step("new report", &[c]), 8);

    // A deleted report: its files go.
    std::fs::remove_file(f.root.join("content/新设局/2023.md")).unwrap();
    let c = f.report("content/新设局/2023.md");
    f.step("deleted report", &[c]);
    assert!(!f.out.join("新设局/2023").exists());

    // A report for a new year: the page of the year before links to it;
    // and when it goes, no longer.
    let text = f
        .site
        .read("content/示例区示例局/2023.md")
        .replace("agency: 示例区示例局", "agency: 新设局")
        .replace("year: 2023", "year: 2024")
        .replace("2023年", "2024年");
    f.site.write("content/新设局/2024.md", &text);
    let c = f.report("content/新设局/2024.md");
    f.step("new year", std::slice::from_ref(&c));
    std::fs::remove_file(f.root.join("content/新设局/2024.md")).unwrap();
    f.step("new year gone", &[c]);

    // A renamed agency folder.
    std::fs::rename(
        f.root.join("content/西工区司法局"),
        f.root.join("content/西工区司法局（更名）"),
    )
    .unwrap();
    f.step("renamed folder", &[Change::Rescan]);

    // An editor's temporary file and an unrelated file change nothing.
    assert_eq!(f.step("nothing", &[]), 0);

    // site.toml: everything.
    f.site.edit(
        "site.toml",
        "title = \"政府信息公开工作年度报告（gongkai 演示门户）\"",
        "title = \"演示门户（改名）\"",
    );
    f.step("site.toml", &[Change::Config]);

    // The theme: a site template overrides the built-in one.
    let index = std::fs::read_to_string(common::repo().join("themes/default/templates/index.html"))
        .unwrap();
    f.site.write(
        "themes/default/templates/index.html",
        &index.replace("<h1>", "<h1 class=\"changed\">"),
    );
    f.step("theme", &[Change::Theme]);
    assert!(
        std::fs::read_to_string(f.out.join("index.html"))
            .unwrap()
            .contains("changed")
    );
}

#[test]
fn errors_keep_the_last_good_output_and_the_fix_catches_up() {
    let mut f = Fixture::new();
    let before = tree(&f.out);
    // Two edits while the site has an error: neither is written…
    f.site.edit(
        "content/示例区示例局/2022.md",
        "punishment: ",
        "punishment: x",
    );
    let c = f.report("content/示例区示例局/2022.md");
    assert!(
        f.pipeline
            .run(
                &[c],
                &DirSink {
                    root: f.out.clone()
                }
            )
            .is_err()
    );
    f.site.edit(
        "content/示例区示例局/2020.md",
        "## 六、其他需要报告的事项\n",
        "## 六、其他需要报告的事项\n\n错误期间的修改。\n",
    );
    let c = f.report("content/示例区示例局/2020.md");
    assert!(
        f.pipeline
            .run(
                &[c],
                &DirSink {
                    root: f.out.clone()
                }
            )
            .is_err()
    );
    assert!(tree(&f.out) == before);
    // …and the fix brings both in.
    f.site.edit(
        "content/示例区示例局/2022.md",
        "punishment: x",
        "punishment: ",
    );
    let c = f.report("content/示例区示例局/2022.md");
    f.step("fixed", &[c]);
    assert!(
        std::fs::read_to_string(f.out.join("示例区示例局/2020/index.html"))
            .unwrap()
            .contains("错误期间的修改。")
    );
}

#[test]
fn a_broken_site_toml_or_template_is_reported_and_then_recovered() {
    let mut f = Fixture::new();
    f.site.write(
        "site.toml",
        &(f.site.read("site.toml") + "\ntitel = \"x\"\n"),
    );
    let err = f
        .pipeline
        .run(
            &[Change::Config],
            &DirSink {
                root: f.out.clone(),
            },
        )
        .unwrap_err();
    assert!(format!("{err:?}").contains("titel"), "{err:?}");
    let fixed = f.site.read("site.toml").replace("\ntitel = \"x\"\n", "");
    f.site.write("site.toml", &fixed);
    f.step("site.toml fixed", &[Change::Config]);

    f.site.write("themes/default/templates/report.html", "{% extends \"base.html\" %}{% block content %}{{ report.nope.deeper }}{% endblock content %}");
    let err = f
        .pipeline
        .run(
            &[Change::Theme],
            &DirSink {
                root: f.out.clone(),
            },
        )
        .unwrap_err();
    assert!(format!("{err:?}").contains("report.html"), "{err:?}");
    std::fs::remove_file(f.root.join("themes/default/templates/report.html")).unwrap();
    f.step("template fixed", &[Change::Theme]);
}
