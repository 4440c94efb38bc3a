//! The convention of ncx's errors: a message, a cause and a help line, kept apart.
//!
//! Every error type of this crate derives [`std::error::Error`] with `thiserror`. Its
//! `Display` is the whole message — one or more lines, quoting the text of its cause
//! where the message names it — and never the advice; `source()` gives the cause (a
//! link, I/O, model or image error) as a value; [`Help::help`] gives the advice, the
//! line the CLI prints after the message as `help: …`. [`Report`] puts them together as
//! the CLI shows them: what the callers added around the error (an `anyhow` context,
//! say), the first ncx error's message, then the help of that error and of its causes,
//! the innermost first.

use std::borrow::Cow;
use std::error::Error;
use std::fmt;

/// What to do about an error: the advice of the `help:` line that follows its message.
pub trait Help: Error {
    /// The advice, without the `help: ` prefix, or `None` when there is none.
    fn help(&self) -> Option<Cow<'_, str>>;
}

/// `e` as an ncx error, if it is one of this crate's error types.
fn as_help<'a>(e: &'a (dyn Error + 'static)) -> Option<&'a dyn Help> {
    macro_rules! first_of {
        ($($ty:ty),* $(,)?) => {
            $(if let Some(e) = e.downcast_ref::<$ty>() {
                return Some(e);
            })*
        };
    }
    first_of!(
        crate::compile::CompileError,
        crate::demo::DemoError,
        crate::driver::DriverError,
        crate::driver::stream::DeviceRunError,
        crate::hw::HwError,
        crate::image::codec::ImageError,
        crate::image::file::FileError,
        crate::link::LinkError,
        crate::link::record::ReadError,
        crate::link::record::RecordError,
        crate::network::TextError,
        crate::output::OutputError,
        crate::output::plot::PlotError,
        crate::replay::ReplayError,
        crate::run::RunError,
        crate::stimulus::StimulusError,
    );
    None
}

/// An error as the CLI prints it: the messages of the chain joined by `: ` up to and
/// including the first ncx error (whose message quotes its causes), then one
/// `help: …` line per help found from there down the chain, the innermost first.
///
/// `Report(&error).to_string()` is the text after `error: ` on the CLI's stderr.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a>(pub &'a (dyn Error + 'static));

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut next = Some(self.0);
        let mut helps = Vec::new();
        let mut first = true;
        while let Some(e) = next {
            if !first {
                f.write_str(": ")?;
            }
            first = false;
            write!(f, "{e}")?;
            if as_help(e).is_some() {
                let mut cause = Some(e);
                while let Some(c) = cause {
                    helps.extend(as_help(c).and_then(Help::help));
                    cause = c.source();
                }
                break;
            }
            next = e.source();
        }
        helps.iter().rev().try_for_each(|help| write!(f, "\nhelp: {help}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::codec::ImageError;
    use crate::link::LinkError;

    #[derive(Debug, thiserror::Error)]
    #[error("while loading")]
    struct Context(#[source] ImageError);

    #[test]
    fn a_report_is_the_context_the_message_and_the_help() {
        let e = Context(ImageError::Empty);
        assert_eq!(
            Report(&e).to_string(),
            "while loading: the file is empty (0 bytes), not an ncx image\nhelp: build an image with `ncx compile`"
        );
    }

    #[test]
    fn a_report_puts_the_help_of_the_cause_first_and_quotes_it_once() {
        let link = LinkError::Closed { link: "model".to_owned() };
        let e = crate::driver::DriverError::Link(link);
        assert_eq!(
            Report(&e).to_string(),
            "model: the other end closed the link\nhelp: check the cable and the port name (`ncx ports` lists the \
             serial ports)"
        );
    }
}
