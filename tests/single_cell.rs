//! Breaking any single cell of a bundled report makes `gongkai check` name
//! that cell: its file:line:column and the rule.

mod common;
use common::Site;

/// Every number cell written in a flow list `[a, b, …]` or as a scalar row,
/// between the front matter's lines `from` and `to` (1-based, inclusive):
/// (line, column, text).
fn cells(text: &str, from: &str, to: &str) -> Vec<(u32, u32, String)> {
    let mut out = Vec::new();
    let mut inside = false;
    for (i, line) in text.lines().enumerate() {
        if line.starts_with(from) {
            inside = true;
        } else if inside && (line.starts_with(to) || line == "---") {
            break;
        }
        if !inside {
            continue;
        }
        let code = line.split('#').next().unwrap();
        let chars: Vec<char> = code.chars().collect();
        if let Some(open) = chars.iter().position(|&c| c == '[') {
            let mut col = open + 1;
            while col < chars.len() && chars[col] != ']' {
                while chars[col] == ' ' || chars[col] == ',' {
                    col += 1;
                }
                let start = col;
                while col < chars.len() && chars[col] != ',' && chars[col] != ']' {
                    col += 1;
                }
                let cell: String = chars[start..col]
                    .iter()
                    .collect::<String>()
                    .trim()
                    .to_string();
                out.push((i as u32 + 1, start as u32 + 1, cell));
            }
        } else if let Some(colon) = code.find(": ") {
            let value = code[colon + 2..].trim();
            if !value.is_empty() {
                let start = code[..colon + 2].chars().count()
                    + (code[colon + 2..].len() - code[colon + 2..].trim_start().len());
                out.push((i as u32 + 1, start as u32 + 1, value.to_string()));
            }
        }
    }
    out
}

fn edit_cell(text: &str, line: u32, column: u32, cell: &str, to: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let l = &mut lines[line as usize - 1];
    let chars: Vec<char> = l.chars().collect();
    let start = column as usize - 1;
    let end = start + cell.chars().count();
    *l = format!(
        "{}{}{}",
        chars[..start].iter().collect::<String>(),
        to,
        chars[end..].iter().collect::<String>()
    );
    lines.join("\n") + "\n"
}

fn named(site: &Site, file: &str, line: u32, column: u32) -> Vec<String> {
    site.findings()
        .iter()
        .filter(|f| {
            f["file"] == file
                && f["line"] == line
                && f["column"] == column
                && f["severity"] == "error"
        })
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

/// Runs `case` for every cell on a few threads; collects the failures.
fn for_each_cell(
    file: &str,
    from: &str,
    to: &str,
    case: impl Fn(&Site, u32, u32, &str) -> Option<String> + Sync,
) {
    let original = std::fs::read_to_string(common::repo().join(file)).unwrap();
    let all = cells(&original, from, to);
    assert!(!all.is_empty());
    let failures: Vec<String> = std::thread::scope(|s| {
        let chunks: Vec<_> = all.chunks(all.len().div_ceil(4)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let case = &case;
                let original = &original;
                s.spawn(move || {
                    let site = Site::bundled();
                    let mut failures = Vec::new();
                    for (line, column, cell) in chunk {
                        if let Some(f) = case(&site, *line, *column, cell) {
                            failures.push(f);
                        }
                        site.write(file, original);
                    }
                    failures
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_changed_number_in_table_three_is_named_at_its_cell() {
    for file in [
        "content/示例区示例局/2021.md",
        "content/示例区示例局/2019.md",
        "content/西工区司法局/2021.md",
    ] {
        for_each_cell(
            file,
            "applications:",
            "reviews_and_litigation:",
            |site, line, column, cell| {
                let n: i64 = cell.parse().ok()?;
                let text = site.read(file);
                site.write(
                    file,
                    &edit_cell(&text, line, column, cell, &(n + 1).to_string()),
                );
                let rules = named(site, file, line, column);
                (!rules.iter().any(|r| r.starts_with("T3"))).then(|| {
                    format!(
                        "{file}:{line}:{column} ({cell}→{}) not named: {rules:?}",
                        n + 1
                    )
                })
            },
        );
    }
}

#[test]
fn a_word_or_a_negative_number_in_any_table_is_named_at_its_cell() {
    let file = "content/示例区示例局/2022.md";
    for_each_cell(
        file,
        "active_disclosure:",
        "---",
        |site, line, column, cell| {
            let text = site.read(file);
            site.write(file, &edit_cell(&text, line, column, cell, "若干"));
            let rules = named(site, file, line, column);
            if rules != ["FM4"] {
                return Some(format!("{file}:{line}:{column} word: {rules:?}"));
            }
            site.write(file, &edit_cell(&text, line, column, cell, "-1"));
            let rules = named(site, file, line, column);
            (!rules
                .iter()
                .any(|r| ["T2.1", "T3.4", "T4.2"].contains(&r.as_str())))
            .then(|| format!("{file}:{line}:{column} negative: {rules:?}"))
        },
    );
}

#[test]
fn a_changed_total_in_table_four_is_named_at_its_cell() {
    let file = "content/示例区示例局/2023.md";
    let text = std::fs::read_to_string(common::repo().join(file)).unwrap();
    let totals: Vec<_> = cells(&text, "reviews_and_litigation:", "---")
        .into_iter()
        .filter(|(_, c, _)| *c > 40)
        .collect();
    assert_eq!(totals.len(), 3);
    let site = Site::bundled();
    for (line, column, cell) in totals {
        let n: i64 = cell.parse().unwrap();
        site.write(
            file,
            &edit_cell(&text, line, column, &cell, &(n + 1).to_string()),
        );
        assert_eq!(named(&site, file, line, column), ["T4.1"]);
    }
}
