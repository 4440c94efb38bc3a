//! Source files and locations: every text the compiler reads (network descriptions,
//! CSV files) is kept as a [`SourceFile`], and a [`Loc`] points at a byte range in one,
//! so that any diagnostic can show the file, line, column and the line itself.

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
