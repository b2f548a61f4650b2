//! Finding report files, reading them as text, and splitting the front matter.

pub mod yaml;

use crate::diag::{Finding, codes};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;
use yaml::Pos;

/// A report file larger than this is refused: real reports are < 100 KB.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// A report source file as found on disk.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourcePath {
    /// Absolute (or root-joined) path, for reading.
    pub path: PathBuf,
    /// Path relative to the site root with `/` separators, for messages:
    /// `content/西工区司法局/2021.md`.
    pub rel: String,
    /// Path relative to `content/` without `.md`: `西工区司法局/2021`.
    pub stem: String,
}

/// The report files under `content/` ([`discover`]), or why they could not
/// be listed.
pub type Listed = Result<Vec<SourcePath>, std::io::Error>;

/// What one walk of `content/` finds: the report files, and the agency
/// folders' `_index.md` files. [`crate::config::Settings::new_listed`] walks
/// once for both (a second walk cost ~35 ms at 10,000 reports, 7% of an
/// incremental build).
#[derive(Debug)]
pub struct Listing {
    /// [`discover`]'s answer.
    pub reports: Listed,
    /// Every `_index.md` file, sorted; a folder that cannot be read is
    /// skipped here (the reports' listing says why).
    pub agency_indexes: Vec<SourcePath>,
}

/// Lists every report file under `content_dir`, sorted, skipping hidden
/// files, editor temporaries and `_index.md` files.
pub fn discover(root: &Path, content_dir: &Path) -> Result<Vec<SourcePath>, std::io::Error> {
    list(root, content_dir).reports
}

/// The report files ([`discover`]) and the `_index.md` files under
/// `content_dir`, from one walk.
pub fn list(root: &Path, content_dir: &Path) -> Listing {
    let mut agency_indexes = Vec::new();
    if content_dir.exists() && !content_dir.is_dir() {
        return Listing {
            reports: Err(std::io::Error::other(format!(
                "{} 应是存放报告的文件夹，这里是一个文件",
                content_dir.display()
            ))),
            agency_indexes,
        };
    }
    if !content_dir.is_dir() {
        return Listing {
            reports: Ok(Vec::new()),
            agency_indexes,
        };
    }
    let mut reports = Ok(Vec::new());
    for entry in walk(content_dir) {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                if reports.is_ok() {
                    reports = Err(std::io::Error::other(e));
                }
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy();
        if name == "_index.md" && entry.file_type().is_file() {
            agency_indexes.push(source_path(root, content_dir, entry.path()));
            continue;
        }
        let Ok(out) = &mut reports else { continue };
        // Symbolic links and misnamed reports are listed too: loading them
        // gives a finding ([`refusal`]) instead of skipping them silently.
        let wanted = if entry.path_is_symlink() {
            is_report_file(entry.path()) || near_miss(&name) || entry.path().is_dir()
        } else {
            entry.file_type().is_file() && (is_report_file(entry.path()) || near_miss(&name))
        };
        if wanted {
            out.push(source_path(root, content_dir, entry.path()));
        }
    }
    Listing {
        reports,
        agency_indexes,
    }
}

/// Everything under `content_dir` but hidden and temporary files (and
/// what is in such folders), without following symbolic links: the order
/// of a walk sorted by name, each folder before what it holds. The
/// top-level folders (one per agency) are walked side by side.
pub fn walk(content_dir: &Path) -> Vec<walkdir::Result<walkdir::DirEntry>> {
    use rayon::prelude::*;
    let kept = |e: &walkdir::DirEntry| !is_ignored_name(&e.file_name().to_string_lossy());
    let top: Vec<walkdir::Result<walkdir::DirEntry>> = WalkDir::new(content_dir)
        .sort_by_file_name()
        .follow_links(false)
        .min_depth(1)
        .max_depth(1)
        .into_iter()
        .filter_entry(kept)
        .collect();
    let parts: Vec<Vec<walkdir::Result<walkdir::DirEntry>>> = top
        .into_par_iter()
        .map(|entry| {
            let inside = match &entry {
                Ok(e) if e.file_type().is_dir() => WalkDir::new(e.path())
                    .sort_by_file_name()
                    .follow_links(false)
                    .min_depth(1)
                    .into_iter()
                    .filter_entry(kept)
                    .collect(),
                _ => Vec::new(),
            };
            std::iter::once(entry).chain(inside).collect()
        })
        .collect();
    parts.into_iter().flatten().collect()
}

/// Builds the names of a report file found at `path`.
pub fn source_path(root: &Path, content_dir: &Path, path: &Path) -> SourcePath {
    let rel = slashed(path.strip_prefix(root).unwrap_or(path));
    let stem = slashed(
        &path
            .strip_prefix(content_dir)
            .unwrap_or(path)
            .with_extension(""),
    );
    SourcePath {
        path: path.to_path_buf(),
        rel,
        stem,
    }
}

/// A path with `/` between its parts. A path outside the root (a report
/// that `import --out` wrote elsewhere) keeps its leading `/`, once.
fn slashed(path: &Path) -> String {
    path.components()
        .map(|c| match c {
            std::path::Component::RootDir => "".into(),
            c => c.as_os_str().to_string_lossy(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Hidden files, editor swap/backup files and the like.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name == "4913"
}

/// A report is a `.md` file that is not an `_index.md` (folder metadata).
pub fn is_report_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    path.extension().is_some_and(|e| e == "md") && !name.starts_with('_') && !is_ignored_name(&name)
}

/// A name an office tool gives a report by mistake: `2021.md.txt` (Notepad),
/// `2021.MD`, `2021.markdown`.
pub fn near_miss(name: &str) -> bool {
    let lower = name.to_lowercase();
    !name.starts_with(['_', '.'])
        && !is_ignored_name(name)
        && ((lower.ends_with(".md") && !name.ends_with(".md"))
            || lower.ends_with(".md.txt")
            || lower.ends_with(".markdown"))
}

/// Why a listed file is not read as a report: a symbolic link (which could
/// publish a file from anywhere) or a misnamed file. `meta` is what
/// `symlink_metadata` gave for it.
pub fn refusal(src: &SourcePath, meta: Option<&std::fs::Metadata>) -> Option<Finding> {
    let at = Pos::new(1, 1);
    let is_link = meta.is_some_and(|m| m.file_type().is_symlink());
    if is_link {
        let target = std::fs::read_link(&src.path)
            .map(|t| t.display().to_string())
            .unwrap_or_default();
        return Some(
            Finding::error(
                &src.rel,
                at,
                codes::ENCODING,
                format!(
                    "这是符号链接（指向 {target}），不是文件：gongkai 只读 content/ 里真正的文件"
                ),
            )
            .hint("请把报告文件本身复制到这里，再删除这个链接"),
        );
    }
    let name = src.path.file_name()?.to_string_lossy();
    if near_miss(&name) {
        let stem = name.split('.').next().unwrap_or("2021");
        return Some(
            Finding::warning(
                &src.rel,
                at,
                codes::ENCODING,
                format!("文件名“{name}”不以 .md 结尾：没有读取，这份报告不会发布"),
            )
            .hint(format!(
                "请改名为 {stem}.md（在资源管理器里打开“文件扩展名”显示后改名）"
            )),
        );
    }
    None
}

/// Reads a file as UTF-8 text: strips a BOM, turns CRLF and a lone CR into LF, and
/// recognises the encodings office files really come in instead of guessing.
pub fn read_text(src: &SourcePath) -> Result<String, Finding> {
    decode_text(src, &read_bytes(src)?)
}

/// The bytes of a report file, or why they cannot be read.
pub fn read_bytes(src: &SourcePath) -> Result<Vec<u8>, Finding> {
    let fail = |msg: String| Finding::error(&src.rel, Pos::new(1, 1), codes::ENCODING, msg);
    let too_large = |len: u64| {
        fail(format!(
            "文件过大（{} MB）：一份年度报告通常不到 100 KB，上限是 {} MB。请确认这是报告文件",
            len / (1024 * 1024),
            MAX_FILE_BYTES / (1024 * 1024)
        ))
    };
    let bytes = match read_limited(&src.path, MAX_FILE_BYTES) {
        Ok(Read::Bytes(bytes)) => bytes,
        Ok(Read::TooLarge(len)) => return Err(too_large(len)),
        Ok(Read::NotAFile) => {
            return Err(fail(
                "这不是普通文件（是设备、管道或文件夹），无法作为报告读取".into(),
            ));
        }
        Err(e) => return Err(fail(format!("无法读取文件：{e}"))),
    };
    Ok(bytes)
}

/// The text of a report file's bytes, or why they are not text.
pub fn decode_text(src: &SourcePath, bytes: &[u8]) -> Result<String, Finding> {
    let fail = |msg: String| Finding::error(&src.rel, Pos::new(1, 1), codes::ENCODING, msg);
    decode(bytes).map_err(|e| {
        let f = fail(e.message);
        Finding { line: e.line, ..f }.hint(e.hint)
    })
}

/// What [`read_limited`] found.
#[derive(Debug)]
pub enum Read {
    Bytes(Vec<u8>),
    /// More than the limit: the size on disk, or the limit + 1 when reading
    /// found more than the disk said (a file that grows).
    TooLarge(u64),
    /// A device (`/dev/zero`), a pipe or a folder, which may never end.
    NotAFile,
}

/// Reads at most `limit` bytes of a regular file (following symbolic links),
/// so that a huge file or a link to `/dev/zero` cannot exhaust the memory.
pub fn read_limited(path: &Path, limit: u64) -> std::io::Result<Read> {
    use std::io::Read as _;
    // Before opening: opening a pipe waits for a writer.
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Ok(Read::NotAFile);
    }
    if meta.len() > limit {
        return Ok(Read::TooLarge(meta.len()));
    }
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Ok(Read::TooLarge(limit + 1));
    }
    Ok(Read::Bytes(bytes))
}

/// Why bytes are not usable text.
#[derive(Debug)]
pub struct DecodeError {
    pub line: u32,
    pub message: String,
    pub hint: String,
}

/// Bytes → text, as [`read_text`] describes.
pub fn decode(bytes: &[u8]) -> Result<String, DecodeError> {
    let save_as_utf8 =
        || "用编辑器把文件另存为“UTF-8”编码（记事本：另存为 → 编码选 UTF-8）".to_string();
    // UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) || bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return Err(DecodeError {
            line: 1,
            message: "此文件是 UTF-32 编码，gongkai 只读 UTF-8".into(),
            hint: save_as_utf8(),
        });
    }
    if bytes.starts_with(&[0xFF, 0xFE])
        || bytes.starts_with(&[0xFE, 0xFF])
        || is_utf16_without_bom(bytes)
    {
        return Err(DecodeError {
            line: 1,
            message: "此文件是 UTF-16 编码（Windows 记事本的“Unicode”），gongkai 只读 UTF-8".into(),
            hint: save_as_utf8(),
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.contains(&0) {
        return Err(DecodeError {
            line: line_of(bytes, bytes.iter().position(|&b| b == 0).unwrap_or(0)),
            message: "这不是文本文件（含有二进制数据）".into(),
            hint: "报告应是 .md 文本文件；Word、PDF 文件请用 gongkai import 导入".into(),
        });
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(normalize_line_ends(text)),
        Err(e) => {
            let line = line_of(bytes, e.valid_up_to());
            let (_, _, had_errors) = encoding_rs::GB18030.decode(bytes);
            let message = if had_errors {
                "此文件不是有效的 UTF-8 文本（从此行起有无法识别的字节）".to_string()
            } else {
                "此文件是 GBK/GB18030 编码（中文 Windows 常见的编码），gongkai 只读 UTF-8"
                    .to_string()
            };
            Err(DecodeError {
                line,
                message,
                hint: save_as_utf8(),
            })
        }
    }
}

/// UTF-16 without a byte-order mark, as some export tools write it: in the
/// first 4 KB, the ASCII characters (line ends, `---`, keys, digits) put a
/// zero byte at every other position, and the bytes decode as UTF-16.
fn is_utf16_without_bom(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 8 {
        return false;
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
    let (even, odd) = (zeros_at(0), zeros_at(1));
    let (encoding, many, few) = if odd >= even {
        (encoding_rs::UTF_16LE, odd, even)
    } else {
        (encoding_rs::UTF_16BE, even, odd)
    };
    // At least a fifth of the characters are ASCII, and zeros at the other
    // position are rare (CJK characters like 一 U+4E00 have a zero byte).
    if many * 5 < half || few * 8 > many {
        return false;
    }
    // Not the last chunk: a surrogate pair cut at the end of the sample is no error.
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(
        decoder
            .max_utf8_buffer_length(sample.len())
            .unwrap_or(sample.len() * 3),
    );
    let (_, _, had_errors) = decoder.decode_to_string(sample, &mut text, false);
    !had_errors
}

/// CRLF and a lone CR (old Mac files, broken exports) become LF: the YAML
/// parser and editors treat a lone CR as a line break, so line numbers of
/// the front matter and of the body must too.
fn normalize_line_ends(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_string();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// 1-based line of a byte offset, counting LF, CRLF and a lone CR as one line break.
fn line_of(bytes: &[u8], offset: usize) -> u32 {
    let before = &bytes[..offset.min(bytes.len())];
    let breaks = before
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count();
    1 + breaks as u32
}

/// A report file split at its front matter.
#[derive(Debug)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// Line of the `.md` file where the YAML starts (2).
    pub yaml_line: u32,
    pub body: &'a str,
    /// Line of the `.md` file where the body starts.
    pub body_line: u32,
}

/// Splits `---\n<yaml>\n---\n<body>`. The text has LF line ends.
pub fn split_front_matter(text: &str) -> Result<Split<'_>, (Pos, String)> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        let msg = if text.trim().is_empty() {
            "文件是空的：报告文件以 --- 开头，写明机关、年度和表格，再以 --- 结束".to_string()
        } else {
            "文件第一行应为 ---（front matter 的开始），报告的机关、年度和表格写在两行 --- 之间"
                .to_string()
        };
        return Err((Pos::new(1, 1), msg));
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    let mut line_no = 1u32;
    for line in lines {
        line_no += 1;
        let t = line.trim_end();
        if t == "---" || t == "..." {
            let body_start = offset + line.len();
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[body_start..],
                body_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err((
        Pos::new(1, 1),
        "front matter 没有结束：第 1 行的 --- 之后找不到另一行 ---".to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_a_source_from_the_root_or_by_its_whole_path() {
        let s = source_path(
            Path::new("site"),
            Path::new("site/content"),
            Path::new("site/content/某局/2021.md"),
        );
        assert_eq!(
            (s.rel.as_str(), s.stem.as_str()),
            ("content/某局/2021.md", "某局/2021")
        );
        // Outside the root (`gongkai import --out /tmp/x`): one leading slash.
        let s = source_path(
            Path::new("site"),
            Path::new("site/content"),
            Path::new("/tmp/x/2021.md"),
        );
        assert_eq!(
            (s.rel.as_str(), s.stem.as_str()),
            ("/tmp/x/2021.md", "/tmp/x/2021")
        );
    }

    #[test]
    fn splits_front_matter_and_counts_lines() {
        let s = split_front_matter("---\na: 1\nb: 2\n---\n## 一、总体情况\n").unwrap();
        assert_eq!(s.yaml, "a: 1\nb: 2\n");
        assert_eq!(s.body, "## 一、总体情况\n");
        assert_eq!(s.body_line, 5);
    }

    #[test]
    fn explains_missing_and_unclosed_front_matter() {
        assert!(split_front_matter("").unwrap_err().1.contains("空"));
        assert!(
            split_front_matter("# 报告\n")
                .unwrap_err()
                .1
                .contains("第一行")
        );
        assert!(
            split_front_matter("---\na: 1\n")
                .unwrap_err()
                .1
                .contains("没有结束")
        );
    }

    #[test]
    fn recognises_gbk_utf16_binary_and_strips_bom_and_crlf() {
        let (gbk, _, _) = encoding_rs::GBK.encode("---\nagency: 西工区司法局\n---\n");
        let e = decode(&gbk).unwrap_err();
        assert!(e.message.contains("GBK"), "{}", e.message);
        assert_eq!(e.line, 2);
        assert!(
            decode(&[0xFF, 0xFE, 0x2D, 0])
                .unwrap_err()
                .message
                .contains("UTF-16")
        );
        assert!(decode(b"---\n\0\0").unwrap_err().message.contains("二进制"));
        assert_eq!(
            decode("\u{feff}---\r\na: 1\r\n".as_bytes()).unwrap(),
            "---\na: 1\n"
        );
    }

    #[test]
    fn recognises_utf32_and_utf16_without_bom() {
        let text = "---\nagency: 一二三测试局\nyear: 2021\n---\n## 一、总体情况\n";
        let utf32le: Vec<u8> = [0xFF, 0xFE, 0, 0]
            .into_iter()
            .chain(text.chars().flat_map(|c| (c as u32).to_le_bytes()))
            .collect();
        let utf32be: Vec<u8> = [0, 0, 0xFE, 0xFF]
            .into_iter()
            .chain(text.chars().flat_map(|c| (c as u32).to_be_bytes()))
            .collect();
        for bytes in [utf32le, utf32be] {
            let e = decode(&bytes).unwrap_err();
            assert!(e.message.contains("UTF-32"), "{}", e.message);
            assert!(e.hint.contains("UTF-8"), "{}", e.hint);
        }
        let utf16le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let utf16be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for bytes in [utf16le, utf16be] {
            let e = decode(&bytes).unwrap_err();
            assert!(e.message.contains("UTF-16"), "{}", e.message);
            assert_eq!(e.line, 1);
        }
        // One NUL in UTF-8 text is binary data, not UTF-16.
        let e = decode("---\nagency: 测试\0局\n---\n".as_bytes()).unwrap_err();
        assert!(e.message.contains("二进制"), "{}", e.message);
        assert_eq!(e.line, 2);
    }

    #[test]
    fn a_lone_cr_is_a_line_break_like_crlf() {
        assert_eq!(
            decode(b"---\ra: 1\r\nb: 2\r---\r").unwrap(),
            "---\na: 1\nb: 2\n---\n"
        );
        let (gbk, _, _) = encoding_rs::GBK.encode("---\ra: 1\r\nagency: 西工区司法局\n");
        assert_eq!(decode(&gbk).unwrap_err().line, 3);
    }

    #[test]
    fn ignores_editor_files() {
        for name in [".2021.md.swp", "2021.md~", ".#2021.md", "4913", "#2021.md#"] {
            assert!(is_ignored_name(name), "{name}");
        }
        assert!(!is_ignored_name("2021.md"));
        assert!(!is_report_file(Path::new("content/a/_index.md")));
    }

    #[test]
    fn one_walk_lists_the_reports_and_the_agency_indexes() {
        let root = tempfile::tempdir().unwrap();
        let content = root.path().join("content");
        for (rel, text) in [
            ("乙局/_index.md", "---\nlevel: 县级\n---\n"),
            ("乙局/2021.md", ""),
            ("乙局/2022.md.txt", ""),
            ("甲局/2020.md", ""),
            ("甲局/下属/_index.md", "---\nlevel: 县级\n---\n"),
            ("甲局/.2020.md.swp", ""),
            ("_index.md", "---\nlevel: 县级\n---\n"),
        ] {
            let path = content.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let rels = |v: &[SourcePath]| v.iter().map(|s| s.rel.clone()).collect::<Vec<_>>();
        let listing = list(root.path(), &content);
        let reports = listing.reports.unwrap();
        assert_eq!(
            rels(&reports),
            [
                "content/乙局/2021.md",
                "content/乙局/2022.md.txt",
                "content/甲局/2020.md"
            ]
        );
        assert_eq!(
            rels(&listing.agency_indexes),
            [
                "content/_index.md",
                "content/乙局/_index.md",
                "content/甲局/下属/_index.md"
            ]
        );
        assert_eq!(discover(root.path(), &content).unwrap(), reports);
        // What `site.toml` says about the agencies takes the `_index.md` in.
        std::fs::write(root.path().join("site.toml"), "title = \"t\"\n").unwrap();
        let (settings, listed) =
            crate::config::Settings::new_listed(root.path(), None, true).unwrap();
        assert_eq!(listed.unwrap(), reports);
        assert!(settings.site.agencies["乙局"].level.is_some());
    }
}
