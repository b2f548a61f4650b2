//! Bytes of a published report → text, and whether it is an HTML page.
//!
//! Published text files are often GBK (GB18030), pages declare GB2312 in a
//! `<meta charset>`; Windows tools write UTF-16. Each is recognised and
//! decoded; PDF, Word and other binary files are refused with a message that
//! says what to do instead.

use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE};
use std::path::Path;

/// Larger inputs are refused: published reports are well under 1 MB.
pub const MAX_IMPORT_BYTES: usize = 16 * 1024 * 1024;

/// Decodes the bytes of one input file. The error is a complete Chinese sentence.
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(format!(
            "文件过大（{} MB）：年度报告的文本或网页通常不到 1 MB",
            bytes.len() / (1024 * 1024)
        ));
    }
    if let Some(kind) = binary_kind(bytes) {
        return Err(kind);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(rest);
    }
    if let Some(enc) = utf16_kind(bytes) {
        let (text, had_errors) = enc.decode_with_bom_removal(bytes);
        return if had_errors {
            Err("文件是 UTF-16 编码，但其中有无法识别的字符".into())
        } else {
            checked_text(text.into_owned())
        };
    }
    if bytes.contains(&0) {
        return Err("这不是文本或网页文件（含有二进制数据），无法读取".into());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return checked_text(text.to_string());
    }
    // A page that declares UTF-8 (or GBK) but is not valid UTF-8 is GBK/GB18030.
    let encoding = match declared_charset(bytes) {
        Some(e) if !matches!(e.name(), "UTF-8" | "UTF-16LE" | "UTF-16BE" | "GBK") => e,
        _ => GB18030,
    };
    let (text, _, had_errors) = encoding.decode(bytes);
    if had_errors {
        return Err(format!(
            "无法识别文件的编码（不是 UTF-8，也不是 {}）",
            encoding.name()
        ));
    }
    checked_text(text.into_owned())
}

fn utf8(bytes: &[u8]) -> Result<String, String> {
    match std::str::from_utf8(bytes) {
        Ok(t) => checked_text(t.to_string()),
        Err(_) => Err("文件开头标明是 UTF-8 编码，但其中有无法识别的字节".into()),
    }
}

/// Text full of control characters is a binary file that happened to decode.
fn checked_text(text: String) -> Result<String, String> {
    let controls = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{000C}'))
        .count();
    if controls > 0 && controls * 100 > text.chars().count() {
        return Err("这不是文本或网页文件（含有大量控制字符），无法读取".into());
    }
    Ok(text)
}

/// PDF, Office and image files, recognised by their first bytes.
fn binary_kind(bytes: &[u8]) -> Option<String> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"%PDF") {
        Some("这是 PDF 文件，不能直接导入：请先把它转成文本（例如 pdftotext 报告.pdf 报告.txt），或者导入网站上发布的网页".into())
    } else if starts(b"\xD0\xCF\x11\xE0") {
        Some("这是 Word（.doc）或 Excel 文件，不能直接导入：请在 Word 中“另存为”网页（.htm）或纯文本（.txt）后再导入".into())
    } else if starts(b"PK\x03\x04") {
        Some("这是压缩文件或 Word（.docx）文件，不能直接导入：请在 Word 中“另存为”网页（.htm）或纯文本（.txt）后再导入".into())
    } else if starts(b"\x89PNG") || starts(b"\xFF\xD8\xFF") || starts(b"GIF8") {
        Some("这是图片文件，不能导入：请导入报告的文本或网页".into())
    } else {
        None
    }
}

/// UTF-16 with a byte-order mark, or without one when every other byte is 0.
fn utf16_kind(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return Some(UTF_16LE);
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return Some(UTF_16BE);
    }
    let sample = &bytes[..bytes.len().min(2000)];
    if sample.len() < 4 || !sample.len().is_multiple_of(2) {
        return None;
    }
    let zeros_at = |parity: usize| {
        sample
            .iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let half = sample.len() / 2;
    match (zeros_at(0), zeros_at(1)) {
        (even, odd) if odd * 10 >= half * 4 && even == 0 => Some(UTF_16LE),
        (even, odd) if even * 10 >= half * 4 && odd == 0 => Some(UTF_16BE),
        _ => None,
    }
}

/// The `charset=` an HTML page declares in its first 4 KB, if encoding_rs knows it.
fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    let at = lower.windows(8).position(|w| w == b"charset=")? + 8;
    let label: Vec<u8> = lower[at..]
        .iter()
        .skip_while(|&&b| b == b'"' || b == b'\'')
        .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        .copied()
        .collect();
    Encoding::for_label(&label)
}

/// True when the file is an HTML page: by its extension, or by its first tag.
pub fn is_html(path: &Path, text: &str) -> bool {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if matches!(
        ext.as_str(),
        "html" | "htm" | "shtml" | "xhtml" | "jsp" | "asp" | "aspx" | "php"
    ) {
        return true;
    }
    if matches!(ext.as_str(), "txt" | "text") {
        return false;
    }
    let head: String = text
        .trim_start()
        .chars()
        .take(2048)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with('<')
        && [
            "<html",
            "<!doctype html",
            "<body",
            "<table",
            "<p",
            "<div",
            "<meta",
        ]
        .iter()
        .any(|tag| head.contains(tag))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_gbk_utf16_and_utf8_with_bom() {
        let (gbk, _, _) = encoding_rs::GBK.encode("一、总体情况\n规章 0 0 0\n");
        assert_eq!(decode(&gbk).unwrap(), "一、总体情况\n规章 0 0 0\n");
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in "二、主动公开".encode_utf16() {
            utf16.extend(unit.to_le_bytes());
        }
        assert_eq!(decode(&utf16).unwrap(), "二、主动公开");
        assert_eq!(decode("\u{feff}三".as_bytes()).unwrap(), "三");
    }

    #[test]
    fn uses_the_charset_a_page_declares() {
        let page = "<html><head><meta charset=\"big5\"></head><body>政府</body></html>";
        let (big5, _, _) = encoding_rs::BIG5.encode(page);
        assert!(decode(&big5).unwrap().contains("政府"));
    }

    #[test]
    fn a_page_declaring_utf8_that_is_not_is_read_as_gbk() {
        let (gbk, _, _) = encoding_rs::GBK.encode("<meta charset=\"utf-8\"><p>一、总体情况</p>");
        assert!(decode(&gbk).unwrap().contains("一、总体情况"));
    }

    #[test]
    fn refuses_binary_files_with_a_reason() {
        assert!(decode(b"%PDF-1.7\n...").unwrap_err().contains("PDF"));
        assert!(decode(b"PK\x03\x04abc").unwrap_err().contains("docx"));
        assert!(
            decode(&[1, 2, 0, 0, 0, 5, 200])
                .unwrap_err()
                .contains("二进制")
        );
    }

    #[test]
    fn recognises_html_by_extension_or_first_tag() {
        assert!(is_html(Path::new("a.htm"), "x"));
        assert!(is_html(Path::new("a"), "  <!DOCTYPE html><html>"));
        assert!(!is_html(Path::new("a.txt"), "<p>"));
        assert!(!is_html(Path::new("a"), "一、总体情况"));
    }
}
