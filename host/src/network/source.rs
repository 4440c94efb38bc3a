//! Source files and locations: every text the compiler reads (network descriptions,
//! CSV files) is kept as a [`SourceFile`], and a [`Loc`] points at a byte range in one,
//! so that any diagnostic can show the file, line, column and the line itself.
//!
//! [`read_text`] reads a text file for any of ncx's readers (networks, their data files,
//! stimuli): a file that is not UTF-8 is a [`TextError::NotUtf8`] that says where the
//! first invalid byte is ([`NotUtf8`]: line, column, byte offset), not only that there
//! is one.

use std::fmt;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One text file the compiler read, with the path it is shown under.
#[derive(Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// The path as the user wrote it (an include is joined to its includer's folder).
    pub path: PathBuf,
    /// The whole text.
    pub text: String,
}

impl SourceFile {
    /// A source file shared by every location that points into it.
    pub fn new(path: &Path, text: String) -> Arc<SourceFile> {
        Arc::new(SourceFile { path: path.to_path_buf(), text })
    }
}

/// A byte range in a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loc {
    /// The file.
    pub file: Arc<SourceFile>,
    /// Byte range (may be empty, e.g. at the end of the file).
    pub span: Range<usize>,
}

/// A location resolved to human terms: 1-based line and column (in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// The text of that line, without its line break.
    pub text: String,
    /// How many characters of the line the location covers (at least 1).
    pub width: usize,
}

impl Loc {
    /// A location in `file`.
    pub fn new(file: &Arc<SourceFile>, span: Range<usize>) -> Loc {
        Loc { file: Arc::clone(file), span }
    }

    /// Line, column, the line's text and the width of the marked part.
    pub fn line_col(&self) -> LineCol {
        let text = &self.file.text;
        let start = floor_char_boundary(text, self.span.start.min(text.len()));
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = text[..start].matches('\n').count() + 1;
        let column = text[line_start..start].chars().count() + 1;
        let end = floor_char_boundary(text, self.span.end.clamp(start, line_end));
        let width = text[start..end].chars().count().max(1);
        let line_text = text[line_start..line_end].trim_end_matches('\r').to_owned();
        LineCol { line, column, text: line_text, width }
    }
}

/// Why a text file could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TextError {
    /// The operating system could not read it.
    #[error("{0}")]
    Io(#[source] io::Error),
    /// Its bytes are not UTF-8.
    #[error("not UTF-8 text: {0}")]
    NotUtf8(NotUtf8),
}

/// The readers that call [`read_text`] give the help, knowing what the file is.
impl crate::error::Help for TextError {
    fn help(&self) -> Option<std::borrow::Cow<'_, str>> {
        None
    }
}

/// Where the first byte that is not UTF-8 is, and the text up to there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotUtf8 {
    /// 1-based line of the byte.
    pub line: usize,
    /// 1-based column of the byte, in characters.
    pub column: usize,
    /// Byte offset of the byte from the start of the file.
    pub offset: usize,
    /// The byte.
    pub byte: u8,
    /// The file's bytes, every invalid sequence replaced by U+FFFD (for showing the line).
    pub lossy: String,
}

/// `byte 0xff at line 3, column 7 (byte offset 27)`.
impl fmt::Display for NotUtf8 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "byte {:#04x} at line {}, column {} (byte offset {})", self.byte, self.line, self.column, self.offset)
    }
}

impl NotUtf8 {
    /// Where the first invalid byte of `bytes` is, if any.
    pub fn find(bytes: &[u8]) -> Option<NotUtf8> {
        let offset = std::str::from_utf8(bytes).err()?.valid_up_to();
        Some(NotUtf8::at(bytes, offset))
    }

    /// The invalid byte at `offset` of `bytes`, the first one.
    pub(crate) fn at(bytes: &[u8], offset: usize) -> NotUtf8 {
        // The bytes before the first invalid one are valid UTF-8.
        let before = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        NotUtf8 {
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
            offset,
            byte: bytes.get(offset).copied().unwrap_or_default(),
            lossy: String::from_utf8_lossy(bytes).into_owned(),
        }
    }
}

/// Read the file at `path` as UTF-8 text (module docs).
pub fn read_text(path: &Path) -> Result<String, TextError> {
    let bytes = std::fs::read(path).map_err(TextError::Io)?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        TextError::NotUtf8(NotUtf8::at(e.as_bytes(), offset))
    })
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_invalid_byte_is_located() {
        let bad = NotUtf8::find(
            "a = 1\nnäme = \"".as_bytes().iter().copied().chain([0xFF, b'"']).collect::<Vec<_>>().as_slice(),
        )
        .unwrap();
        // Line 2: `näme = "` is 8 characters, 9 bytes; the file's first line is 6 bytes.
        assert_eq!((bad.line, bad.column, bad.offset, bad.byte), (2, 9, 15, 0xFF));
        assert_eq!(bad.to_string(), "byte 0xff at line 2, column 9 (byte offset 15)");
        assert_eq!(bad.lossy, "a = 1\nnäme = \"\u{FFFD}\"");
        assert_eq!(NotUtf8::find("ok ✓".as_bytes()), None);
        // A sequence cut short is invalid at its first byte.
        let cut = NotUtf8::find(&[b'x', 0xE2, 0x9C]).unwrap();
        assert_eq!((cut.line, cut.column, cut.offset, cut.byte), (1, 2, 1, 0xE2));
    }

    #[test]
    fn lines_and_columns_are_one_based_and_count_characters() {
        let file = SourceFile::new(Path::new("a.toml"), "a = 1\nnäme = \"x\"\n".to_owned());
        // `"x"` starts at byte 6 + 8 (n, ä = 2 bytes, m, e, space, =, space) = 14.
        let lc = Loc::new(&file, 14..17).line_col();
        assert_eq!((lc.line, lc.column, lc.width), (2, 8, 3));
        assert_eq!(lc.text, "näme = \"x\"");
        let end = Loc::new(&file, 18..18).line_col();
        assert_eq!((end.line, end.column, end.width), (3, 1, 1));
    }
}
