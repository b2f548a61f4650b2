//! "Did you mean …?" for mistyped keys — including an officer who wrote the
//! Chinese label (`行政处罚:`) where the English key (`punishment:`) belongs.

/// A key that may be written at some place, with its official label.
pub struct Candidate<'a> {
    pub key: &'a str,
    pub label: &'a str,
}

/// The best candidate for `written`, as "`punishment`（行政处罚）".
pub fn did_you_mean(written: &str, candidates: &[Candidate<'_>]) -> Option<String> {
    let w = normalise(written);
    if w.is_empty() {
        return None;
    }
    let show = |c: &Candidate<'_>| format!("`{}`（{}）", c.key, c.label);
    // 1. The Chinese label itself, or a label that contains it / is contained.
    if let Some(c) = candidates.iter().find(|c| normalise(c.label) == w) {
        return Some(show(c));
    }
    let non_ascii = !written.is_ascii();
    if non_ascii {
        let mut label_match: Vec<_> = candidates
            .iter()
            .filter(|c| {
                let l = normalise(c.label);
                l.contains(&w) || (w.chars().count() >= 2 && w.contains(&l))
            })
            .collect();
        // One key listed once per format is still one match.
        let mut seen = Vec::new();
        label_match.retain(|c| {
            let first = !seen.contains(&c.key);
            seen.push(c.key);
            first
        });
        if label_match.len() == 1 {
            return Some(show(label_match[0]));
        }
    }
    // 2. A close spelling of the key.
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(&w, &c.key.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.82)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| show(c))
}

/// Lowercase, without spaces, `-` as `_`, without the official numbering.
fn normalise(s: &str) -> String {
    let s: String = s
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| {
            if c == '-' {
                '_'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    let s = s.trim_start_matches(|c: char| {
        "一二三四五六七八九十、（）()0123456789.．".contains(c) && !c.is_ascii_lowercase()
    });
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const C: &[Candidate<'static>] = &[
        Candidate {
            key: "punishment",
            label: "行政处罚",
        },
        Candidate {
            key: "coercion",
            label: "行政强制",
        },
        Candidate {
            key: "licensing",
            label: "行政许可",
        },
        Candidate {
            key: "carried_over",
            label: "二、上年结转政府信息公开申请数量",
        },
    ];

    #[test]
    fn suggests_close_spellings() {
        assert_eq!(
            did_you_mean("punishmen", C).unwrap(),
            "`punishment`（行政处罚）"
        );
        assert_eq!(
            did_you_mean("Licencing", C).unwrap(),
            "`licensing`（行政许可）"
        );
        assert_eq!(
            did_you_mean("carried-over", C).unwrap(),
            "`carried_over`（二、上年结转政府信息公开申请数量）"
        );
    }

    #[test]
    fn maps_chinese_labels_to_keys() {
        assert_eq!(
            did_you_mean("行政处罚", C).unwrap(),
            "`punishment`（行政处罚）"
        );
        assert_eq!(
            did_you_mean("上年结转", C).unwrap(),
            "`carried_over`（二、上年结转政府信息公开申请数量）"
        );
    }

    #[test]
    fn a_key_listed_once_per_format_is_one_match() {
        let twice = [
            Candidate {
                key: "applications",
                label: "三、收到和处理政府信息公开申请情况",
            },
            Candidate {
                key: "active_disclosure",
                label: "二、主动公开政府信息情况",
            },
            Candidate {
                key: "applications",
                label: "三、收到和处理政府信息公开申请情况",
            },
        ];
        assert_eq!(
            did_you_mean("申请情况", &twice).unwrap(),
            "`applications`（三、收到和处理政府信息公开申请情况）"
        );
    }

    #[test]
    fn stays_silent_when_nothing_is_close() {
        assert!(did_you_mean("budget", C).is_none());
        assert!(did_you_mean("", C).is_none());
    }
}
