//! Diagnostics: what is wrong (or suspicious) in a network description, where, and
//! what to do about it, rendered like rustc:
//!
//! ```text
//! error: `size` must be at least 1, got -3
//!   --> nets/bad.toml:7:8
//!    |
//!  7 | size = -3
//!    |        ^^ population[1].size
//!    |
//!    = help: a population has at least one neuron
//! ```
//!
//! The `Display` of a [`Diagnostic`] is everything after `error: ` (the binary adds
//! the severity); [`Diagnostic::render`] adds it.

use std::fmt;

use super::model::Locs;
use super::source::Loc;

/// A message about a network description, with its location, the key it is about and
/// a hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What is wrong, naming the key, the value and the limit.
    pub message: String,
    /// Where (absent only when no file could be read at all).
    pub loc: Option<Loc>,
    /// The dotted key path, e.g. `population[1].size`, shown under the caret.
    pub key: Option<String>,
    /// What to do about it.
    pub help: Option<String>,
}

/// How serious a diagnostic is: decides the word in front of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Compilation fails.
    Error,
    /// Compilation succeeds (fails with `--strict`).
    Warning,
}

impl Diagnostic {
    /// A diagnostic with a message and nothing else.
    pub fn new(message: impl Into<String>) -> Diagnostic {
        Diagnostic { message: message.into(), loc: None, key: None, help: None }
    }

    /// Point at `loc`.
    pub fn at(mut self, loc: Loc) -> Diagnostic {
        self.loc = Some(loc);
        self
    }

    /// Name the key.
    pub fn key(mut self, key: impl Into<String>) -> Diagnostic {
        self.key = Some(key.into());
        self
    }

    /// Name `key` of the table at `locs` (`""`: the table itself) and point at where it
    /// was written, or at the table when it was not.
    pub fn at_key(self, locs: &Locs, key: &str) -> Diagnostic {
        let path = if key.is_empty() { locs.path.clone() } else { locs.path_of(key) };
        let d = self.key(path);
        match locs.of(key) {
            Some(loc) => d.at(loc.clone()),
            None => d,
        }
    }

    /// Add a hint.
    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// The full rendering with its severity word (`error: …` or `warning: …`).
    pub fn render(&self, severity: Severity) -> String {
        let word = match severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        format!("{word}: {self}")
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        let mut gutter = String::from("  ");
        if let Some(loc) = &self.loc {
            let lc = loc.line_col();
            let number = format!("{:>2}", lc.line);
            gutter = " ".repeat(number.len() + 1);
            write!(f, "\n{}--> {}:{}:{}", &gutter[1..], loc.file.path.display(), lc.line, lc.column)?;
            write!(f, "\n{gutter}|\n{number} | {}", lc.text)?;
            let pad: String = lc.text.chars().take(lc.column - 1).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
            write!(f, "\n{gutter}| {pad}{}", "^".repeat(lc.width))?;
            if let Some(key) = &self.key {
                write!(f, " {key}")?;
            }
            write!(f, "\n{gutter}|")?;
        } else if let Some(key) = &self.key {
            write!(f, "\n  = key: {key}")?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n{gutter}= help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::network::source::SourceFile;

    #[test]
    fn renders_like_rustc() {
        let file = SourceFile::new(Path::new("net.toml"), "[[population]]\nsize = -3\n".to_owned());
        let d = Diagnostic::new("`size` must be at least 1, got -3")
            .at(Loc::new(&file, 22..24))
            .key("population[0].size")
            .help("a population has at least one neuron");
        let expected = "error: `size` must be at least 1, got -3\n  --> net.toml:2:8\n   |\n 2 | size = -3\n   |        ^^ population[0].size\n   |\n   = help: a population has at least one neuron";
        assert_eq!(d.render(Severity::Error), expected);
    }

    #[test]
    fn at_key_points_at_the_key_or_else_at_its_table() {
        let file = SourceFile::new(Path::new("net.toml"), "[[population]]\nsize = -3\n".to_owned());
        let (table, size) = (Loc::new(&file, 0..14), Loc::new(&file, 22..24));
        let keys = [(String::new(), table.clone()), ("size".to_owned(), size.clone())].into();
        let locs = Locs { keys, path: "population[0]".to_owned() };
        let d = Diagnostic::new("m").at_key(&locs, "size");
        assert_eq!((d.key.as_deref(), d.loc), (Some("population[0].size"), Some(size)));
        let d = Diagnostic::new("m").at_key(&locs, "threshold");
        assert_eq!((d.key.as_deref(), d.loc), (Some("population[0].threshold"), Some(table.clone())));
        let d = Diagnostic::new("m").at_key(&locs, "");
        assert_eq!((d.key.as_deref(), d.loc), (Some("population[0]"), Some(table)));
        let d = Diagnostic::new("m").at_key(&Locs { keys: Default::default(), path: String::new() }, "size");
        assert_eq!((d.key.as_deref(), d.loc), (Some("size"), None));
    }

    #[test]
    fn without_a_location_shows_message_and_help() {
        let d = Diagnostic::new("cannot read `x.toml`").help("check the path");
        assert_eq!(d.to_string(), "cannot read `x.toml`\n  = help: check the path");
    }
}
