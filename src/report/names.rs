//! Names that become part of a page address or a page title: an agency's
//! name (`agencies/<名称>/`, the listings, C1–C3), a report's `slug` and
//! `title`. Characters a reader cannot see, or that a file system or a URL
//! cannot hold, are refused with the character named.

/// Longest name, in UTF-8 bytes, that is safe as one path segment (most file
/// systems allow 255; the build adds suffixes such as `.gongkai-tmp`).
pub const MAX_SEGMENT_BYTES: usize = 200;

/// Why a name cannot be used as written.
pub fn problem(name: &str, as_segment: bool) -> Option<String> {
    if let Some(c) = name.chars().find(|&c| invisible(c)) {
        return Some(format!(
            "含有看不见的字符 U+{:04X}（{}）：它会让同一个名称看起来一样却不相同",
            c as u32,
            describe(c)
        ));
    }
    if as_segment {
        if name == "." || name == ".." || name.contains(['/', '\\']) {
            return Some("不能含有 / 或 \\，也不能是 . 或 ..：它是网址和文件夹名的一段".into());
        }
        if let Some(c) = name.chars().find(|c| "<>\"'`?#%*|:".contains(*c)) {
            return Some(format!(
                "不能含有 {c}：它是网址和文件夹名的一段（机关名称请用全角的（）《》等）"
            ));
        }
        if name.len() > MAX_SEGMENT_BYTES {
            return Some(format!(
                "太长（{} 字节，最多 {MAX_SEGMENT_BYTES} 字节，约 {} 个汉字）：不能用作文件夹名",
                name.len(),
                MAX_SEGMENT_BYTES / 3
            ));
        }
    }
    None
}

/// Control characters, bidirectional overrides and zero-width characters.
pub fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200B}'..='\u{200F}' // zero-width space, joiners, LRM, RLM
            | '\u{202A}'..='\u{202E}' // bidirectional embeddings and overrides
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{2066}'..='\u{2069}' // bidirectional isolates
            | '\u{061C}' | '\u{00AD}' | '\u{FEFF}' | '\u{180E}'
        )
}

fn describe(c: char) -> &'static str {
    match c {
        '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{061C}' => "文字方向控制符，会把后面的字颠倒显示",
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{180E}' => "零宽字符",
        '\u{00AD}' => "软连字符",
        c if c.is_control() => "控制字符",
        _ => "不可见字符",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_invisible_character_and_refuses_unsafe_segments() {
        assert_eq!(problem("西工区司法局", true), None);
        assert_eq!(problem("Bureau of Justice", true), None);
        assert!(problem("测试\u{202E}局", false).unwrap().contains("U+202E"));
        assert!(problem("测试\u{200B}局", false).unwrap().contains("U+200B"));
        assert!(problem("测试\u{7}局", false).unwrap().contains("U+0007"));
        assert!(problem("../../evil", true).unwrap().contains('/'));
        assert_eq!(problem("a/b", false), None);
        assert!(problem("测试<script>局", true).unwrap().contains('<'));
        assert_eq!(problem("测试（筹）局", true), None);
        assert!(problem("..", true).is_some());
        assert!(problem(&"长".repeat(67), true).unwrap().contains("太长"));
        assert_eq!(problem(&"长".repeat(66), true), None);
    }
}
