//! The Markdown body: split into the six official sections, rendered to safe
//! HTML with pulldown-cmark, and linted where Markdown would betray the author.

use super::schema::{SECTION_ALIASES, SECTIONS};
use crate::content::yaml::Pos;
use crate::diag::{Finding, Severity, codes};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

/// The body of a report, cut at its section headings.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Narrative {
    /// Parts in document order. A part starts at a level-1/2 heading; the
    /// first part may have no heading (text before the first section).
    pub parts: Vec<Part>,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Part {
    /// Official section number 1–6 when the heading is one of the six (or an alias).
    pub section: Option<usize>,
    /// The heading as written (empty for text before the first heading).
    pub heading: String,
    /// Line of the heading in the `.md` file.
    pub line: u32,
    /// Rendered HTML of the part's content (without its heading).
    pub html: String,
}

impl Narrative {
    /// The part that holds official section `n` (1–6).
    pub fn section(&self, n: usize) -> Option<&Part> {
        self.parts.iter().find(|p| p.section == Some(n))
    }
}

/// How to render: raw HTML is escaped unless the site allows it.
#[derive(Clone, Copy, Debug, Default)]
pub struct MarkdownOptions {
    pub allow_raw_html: bool,
}

/// Recognises an official section heading: `一、总体情况`, `五、存在的主要问题和改进措施`, `其他事项`.
pub fn section_number(heading: &str) -> Option<usize> {
    let h: String = heading.chars().filter(|c| !c.is_whitespace()).collect();
    let numerals = ["一", "二", "三", "四", "五", "六"];
    let (number, title) = match numerals.iter().position(|n| {
        h.strip_prefix(n)
            .is_some_and(|rest| rest.starts_with(['、', '．', '.']))
    }) {
        Some(i) => (
            Some(i + 1),
            h[numerals[i].len()..].trim_start_matches(['、', '．', '.']),
        ),
        None => (None, h.as_str()),
    };
    let title = title.trim_end_matches(['：', ':']);
    let matches = |n: usize| {
        SECTION_ALIASES[n - 1].contains(&title)
            || SECTIONS[n - 1].ends_with(title) && !title.is_empty() && title.chars().count() >= 4
    };
    match number {
        Some(n) if matches(n) || names_the_subject_of(n, title) => Some(n),
        Some(_) => None,
        None => (1..=6).find(|&n| SECTION_ALIASES[n - 1].contains(&title)),
    }
}

/// Words one of which a numbered section's title holds whatever else it
/// says: "五、存在的主要问题和改进情况", "五、工作中存在的问题及改进方向" (N6).
const SECTION_SUBJECTS: [&[&str]; 6] = [
    &["总体情况", "总体", "概述", "基本情况"],
    &["主动公开"],
    &["申请"],
    &["复议", "诉讼"],
    &["问题", "改进", "整改"],
    &["其他"],
];

/// The title after the numeral `n` speaks of section `n`'s subject.
/// A whole title, not a sentence nor the first line of a title broken
/// over two: short, without sentence punctuation, ending as titles end.
fn names_the_subject_of(n: usize, title: &str) -> bool {
    title.chars().count() <= 24
        && !title.contains(['。', '，', '；', ',', ';'])
        && [
            "情况", "事项", "措施", "方向", "计划", "问题", "概述", "整改",
        ]
        .iter()
        .any(|e| title.ends_with(e))
        && SECTION_SUBJECTS[n - 1].iter().any(|w| title.contains(w))
}

/// A character that must not reach the page: controls other than tab and
/// line end, bidirectional overrides, zero-width spaces.
fn stray(c: char) -> bool {
    c != '\n' && c != '\t' && crate::report::names::invisible(c)
}

/// One warning per line that holds [`stray`] characters (at most 20).
fn stray_characters(body: &str, first_line: u32, file: &str) -> Vec<Finding> {
    if !body.chars().any(stray) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (n, line) in body.split('\n').enumerate() {
        let Some((col, c)) = line.chars().enumerate().find(|&(_, c)| stray(c)) else {
            continue;
        };
        if out.len() == 20 {
            break;
        }
        out.push(
            Finding::warning(
                file,
                Pos::new(first_line + n as u32, col as u32 + 1),
                codes::MARKDOWN,
                format!(
                    "正文里有看不见的字符 U+{:04X}（多半是从网页或文档复制来的）：网页上已略去",
                    c as u32
                ),
            )
            .hint("在编辑器里删掉这个位置的字符（光标左右移动时会“卡”一下）"),
        );
    }
    out
}

/// Splits and renders the body. `file` and `first_line` place the lint findings.
pub fn render(
    body: &str,
    first_line: u32,
    file: &str,
    opts: MarkdownOptions,
) -> (Narrative, Vec<Finding>) {
    // Control and direction-override characters are invisible in an editor
    // and break HTML: named in a warning and left out of the page.
    let mut findings = stray_characters(body, first_line, file);
    let cleaned: String;
    let body = if findings.is_empty() {
        body
    } else {
        cleaned = body.chars().filter(|&c| !stray(c)).collect();
        &cleaned
    };
    let mut options =
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    options.remove(Options::ENABLE_SMART_PUNCTUATION);
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(body.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let pos_of = |offset: usize| {
        let line = line_starts.partition_point(|&s| s <= offset) - 1;
        let column = body[line_starts[line]..offset.min(body.len())]
            .chars()
            .count()
            + 1;
        Pos::new(first_line + line as u32, column as u32)
    };

    let mut parts: Vec<(Option<usize>, String, u32, Vec<Event>)> =
        vec![(None, String::new(), first_line, Vec::new())];
    let mut heading: Option<(HeadingLevel, usize, String, Vec<Event>)> = None;
    let mut used_ids: Vec<String> = Vec::new();
    let mut link_depth = 0usize;
    let mut lint_line = 0u32;

    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        let event = match event {
            // Raw HTML is shown as text unless the site allows it.
            Event::Html(s) | Event::InlineHtml(s) if !opts.allow_raw_html => Event::Text(s),
            Event::Start(Tag::Table(aligns)) => Event::Start(Tag::Table(vec![
                    pulldown_cmark::Alignment::None;
                    aligns.len()
                ])),
            Event::FootnoteReference(label) => {
                Event::FootnoteReference(format!("fn-{label}").into())
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                Event::Start(Tag::FootnoteDefinition(format!("fn-{label}").into()))
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if is_unsafe_url(&dest_url) {
                    findings.push(
                        Finding::new(
                            file,
                            pos_of(range.start),
                            codes::MARKDOWN,
                            Severity::Warning,
                            format!(
                                "链接地址“{}”不安全，已去掉链接，只保留文字",
                                shorten(&dest_url)
                            ),
                        )
                        .hint("链接只能指向 http(s) 网址或站内页面"),
                    );
                    link_depth += 1;
                    continue;
                }
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::End(TagEnd::Link) if link_depth > 0 => {
                link_depth -= 1;
                continue;
            }
            Event::Start(Tag::Image { dest_url, .. }) if is_unsafe_url(&dest_url) => {
                findings.push(Finding::new(
                    file,
                    pos_of(range.start),
                    codes::MARKDOWN,
                    Severity::Warning,
                    "图片地址不安全，已去掉",
                ));
                continue;
            }
            other => other,
        };
        // Emphasis that CommonMark's flanking rule leaves unconverted comes out as
        // literal `*`/`_` text events: `这是**“重要”**内容`.
        if let Event::Text(t) = &event
            && (t.as_ref() == "*" || t.as_ref() == "_")
            && heading.is_none()
            && (body[range.start..].starts_with("**") || body[range.start..].starts_with("__"))
            && pos_of(range.start).line != lint_line
        {
            // One warning per line: the opening and closing `**` fail together.
            lint_line = pos_of(range.start).line;
            findings.push(
                Finding::new(file, pos_of(range.start), codes::MARKDOWN, Severity::Warning, "这里的 ** 没有变成粗体，会原样显示在网页上")
                    .hint("中文紧挨着标点时 Markdown 不识别 **：在 ** 与中文引号、括号之间加一个空格，或把标点放到 ** 外面"),
            );
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((level, range.start, String::new(), Vec::new()))
            }
            Event::End(TagEnd::Heading(level)) => {
                let Some((_, start, text, inner)) = heading.take() else {
                    continue;
                };
                let line = pos_of(start).line;
                let top = matches!(level, HeadingLevel::H1 | HeadingLevel::H2);
                let section = section_number(&text);
                if top || section.is_some() {
                    parts.push((section, text.trim().to_string(), line, Vec::new()));
                } else {
                    let id = unique_id(&text, &mut used_ids);
                    let current = &mut parts.last_mut().expect("at least one part").3;
                    current.push(Event::Start(Tag::Heading {
                        level,
                        id: Some(id.into()),
                        classes: vec![],
                        attrs: vec![],
                    }));
                    current.extend(inner);
                    current.push(Event::End(TagEnd::Heading(level)));
                }
            }
            e => match &mut heading {
                Some((_, _, text, inner)) => {
                    if let Event::Text(t) | Event::Code(t) = &e {
                        text.push_str(t);
                    }
                    inner.push(e);
                }
                None => parts.last_mut().expect("at least one part").3.push(e),
            },
        }
    }

    let parts = parts
        .into_iter()
        .filter(|(section, heading, _, events)| {
            section.is_some()
                || !heading.is_empty()
                || events
                    .iter()
                    .any(|e| !matches!(e, Event::SoftBreak | Event::HardBreak))
        })
        .map(|(section, heading, line, events)| {
            let mut out = String::new();
            html::push_html(&mut out, events.into_iter());
            // Kept for the life of the site: without the growth slack.
            out.shrink_to_fit();
            Part {
                section,
                heading,
                line,
                html: out,
            }
        })
        .collect();
    (Narrative { parts }, findings)
}

fn is_unsafe_url(url: &CowStr) -> bool {
    let u: String = url
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    // Only web, mail and phone links: any other scheme (javascript:,
    // vbscript:, data:, file:…) is refused.
    let scheme = u.split_once(':').map(|(s, _)| s).filter(|s| {
        s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    scheme.is_some_and(|s| !["http", "https", "mailto", "tel"].contains(&s))
}

fn shorten(s: &str) -> String {
    s.chars().take(40).collect()
}

/// A heading id from its text (CJK kept; spaces become `-`), unique on the page.
fn unique_id(text: &str, used: &mut Vec<String>) -> String {
    let base: String = text
        .trim()
        .chars()
        .filter(|c| !"#\"'<>&?%/\\".contains(*c))
        .map(|c| if c.is_whitespace() { '-' } else { c })
        .collect();
    let base = if base.is_empty() {
        "section".to_string()
    } else {
        format!("h-{base}")
    };
    let mut id = base.clone();
    let mut n = 2;
    while used.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    used.push(id.clone());
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_official_headings_and_aliases() {
        assert_eq!(section_number("一、总体情况"), Some(1));
        assert_eq!(section_number("五、存在的主要问题和改进措施"), Some(5));
        assert_eq!(
            section_number("四、因政府信息公开工作被申请行政复议提起行政诉讼情况"),
            Some(4)
        );
        assert_eq!(section_number("其他事项"), Some(6));
        assert_eq!(section_number("六、 其他需要报告的事项"), Some(6));
        assert_eq!(section_number("（一）主动公开"), None);
        assert_eq!(section_number("七、附件"), None);
        assert_eq!(section_number("五、存在的主要问题和改进情况"), Some(5));
        assert_eq!(section_number("五、工作中存在的问题及改进方向"), Some(5));
        assert_eq!(section_number("二、上年结转政府信息公开申请数量"), None);
        assert_eq!(
            section_number("五、加强问题整改，确保各项工作落到实处，切实提升公开质量"),
            None
        );
    }

    #[test]
    fn splits_body_into_sections_and_renders_subheadings_with_ids() {
        let body = "导语。\n\n## 一、总体情况\n\n### （一）主动公开\n\n正文。\n\n## 五、存在的主要问题及改进情况\n\n问题。\n\n## 六、其他需要报告的事项\n\n无\n";
        let (n, findings) = render(body, 30, "a.md", MarkdownOptions::default());
        assert!(findings.is_empty());
        let sections: Vec<_> = n.parts.iter().map(|p| p.section).collect();
        assert_eq!(sections, vec![None, Some(1), Some(5), Some(6)]);
        assert!(n.parts[0].html.contains("导语"));
        assert!(
            n.section(1)
                .unwrap()
                .html
                .contains("<h3 id=\"h-（一）主动公开\">（一）主动公开</h3>"),
            "{}",
            n.parts[1].html
        );
        assert_eq!(n.section(5).unwrap().line, 38);
    }

    #[test]
    fn escapes_raw_html_and_drops_javascript_links() {
        let body = "<script>alert(1)</script>\n\n[点我](javascript:alert(1)) 和 <b>粗</b>\n";
        let (n, findings) = render(body, 5, "a.md", MarkdownOptions::default());
        let html = &n.parts[0].html;
        assert!(
            !html.contains("<script>") && html.contains("&lt;script&gt;"),
            "{html}"
        );
        assert!(
            !html.contains("javascript:") && html.contains("点我"),
            "{html}"
        );
        assert!(html.contains("&lt;b&gt;"), "{html}");
        assert_eq!(findings.len(), 1);
        assert_eq!((findings[0].line, findings[0].column), (7, 1));
    }

    #[test]
    fn warns_where_cjk_emphasis_fails_and_prefixes_footnotes() {
        let body = "第一行\n这是**“重要”**内容[^1]。\n\n[^1]: 注释。\n";
        let (n, findings) = render(body, 10, "a.md", MarkdownOptions::default());
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!((findings[0].line, findings[0].column), (11, 3));
        assert!(
            n.parts[0].html.contains("href=\"#fn-1\""),
            "{}",
            n.parts[0].html
        );
        assert!(
            n.parts[0].html.contains("id=\"fn-1\""),
            "{}",
            n.parts[0].html
        );
    }

    #[test]
    fn markdown_tables_carry_no_inline_style() {
        let (n, _) = render(
            "| a | b |\n|:--|--:|\n| 1 | 2 |\n",
            1,
            "a.md",
            MarkdownOptions::default(),
        );
        assert!(
            n.parts[0].html.contains("<table>") && !n.parts[0].html.contains("style="),
            "{}",
            n.parts[0].html
        );
    }
}
