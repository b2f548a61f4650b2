//! Fuzz target: a report file's front matter read three ways. Whenever the
//! line reader (`content::yaml::lines`) or the event reader
//! (`content::yaml::events`) takes a document, serde-saphyr's deserializer
//! must accept it and give the same tree, positions included.
#![no_main]

use gongkai::content::yaml::{Pos, events, lines, parse_with_serde_saphyr};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let yaml = match gongkai::content::split_front_matter(text) {
        Ok(split) => split.yaml,
        Err(_) => text,
    };
    let shift = |line: u64, column: u64| Pos::new(line as u32 + 1, column.max(1) as u32);
    for (reader, node) in [
        ("line", lines::parse(yaml, &shift)),
        ("event", events::parse(yaml, &shift)),
    ] {
        if let Some(node) = node {
            let reference = parse_with_serde_saphyr(yaml, 2).unwrap_or_else(|e| {
                panic!("serde-saphyr refuses what the {reader} reader took: {e:?}")
            });
            assert_eq!(format!("{node:?}"), format!("{reference:?}"), "{reader} reader");
        }
    }
});
