//! Fuzz target: `gongkai import` on a published report. The first byte picks
//! the kind of file (even: `.txt` from pdftotext, odd: `.html`), the second
//! the options (`--format`, `--year`); the rest is the file. Must never
//! panic; and whatever it imports, the report file it would write must read
//! back without a file-format error (FM1–FM6): the importer writes YAML that
//! its own checker accepts.
#![no_main]

use gongkai::content::{self, SourcePath};
use gongkai::import::{self, Options, write};
use gongkai::report::parse::parse_report;
use gongkai::report::schema::Format;
use std::path::{Path, PathBuf};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let [kind, opts, file @ ..] = data else {
        return;
    };
    let path = Path::new(if kind % 2 == 0 {
        "报告.txt"
    } else {
        "报告.html"
    });
    let options = Options {
        agency: None,
        year: (opts & 1 != 0).then_some(2021),
        format: match (opts >> 1) & 3 {
            1 => Some(Format::V2019),
            2 => Some(Format::V2021),
            _ => None,
        },
    };
    let Ok(imported) = import::import(path, file, &options) else {
        return;
    };
    let text = write::report_file(&imported, "报告.txt");
    let stem = format!("{}/{}", imported.agency, imported.year);
    let source = SourcePath {
        path: PathBuf::from(format!("content/{stem}.md")),
        rel: format!("content/{stem}.md"),
        stem,
    };
    let decoded = content::decode(text.as_bytes()).unwrap_or_else(|e| {
        panic!(
            "import wrote a file that is not UTF-8 text: {}\n{text}",
            e.message
        )
    });
    let parsed = parse_report(&source, &decoded);
    let bad: Vec<_> = parsed
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("FM"))
        .collect();
    assert!(
        bad.is_empty(),
        "import wrote a report file its checker cannot read:\n{bad:#?}\n--- written ---\n{text}"
    );
    assert!(
        parsed.report.is_some(),
        "import wrote a file with no report:\n{text}"
    );
});
