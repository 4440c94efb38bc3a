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
        crate::learn::classifier::ClassifierError,
        crate::learn::dataset::DataError,
        crate::learn::eval::EvalError,
        crate::learn::onchip::OnchipError,
        crate::learn::present::PresentError,
        crate::learn::train::TrainError,
        crate::learn::encode::EncoderError,
        crate::learn::plot::PlotError,
        crate::link::LinkError,
        crate::link::record::ReadError,
        crate::link::record::RecordError,
        crate::network::TextError,
        crate::output::OutputError,
        crate::output::plot::PlotError,
        crate::replay::ReplayError,
        crate::run::RunError,
        crate::stimulus::StimulusError,
        ncx_model::ModelError,
        ncx_model::wire::DecodeError,
        ncx_model::wire::FrameError,
        ncx_model::wire::layout::LayoutError,
    );
    #[cfg(feature = "cosim")]
    first_of!(ncx_hdl::lockstep::CheckError);
    None
}

/// The model's and the co-simulation's errors: no advice of their own (the host's
/// errors that wrap them give it), and messages that quote their causes.
macro_rules! no_help {
    ($($ty:ty),* $(,)?) => {
        $(impl Help for $ty {
            fn help(&self) -> Option<Cow<'_, str>> {
                None
            }
        })*
    };
}
no_help!(
    ncx_model::ModelError,
    ncx_model::wire::DecodeError,
    ncx_model::wire::FrameError,
    ncx_model::wire::layout::LayoutError
);

#[cfg(feature = "cosim")]
no_help!(ncx_hdl::lockstep::CheckError);

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
    use std::io;
    use std::path::PathBuf;

    use super::*;
    use crate::image::codec::ImageError;
    use crate::image::file::FileError;
    use crate::output::OutputError;
    use crate::run::RunError;

    #[test]
    fn a_report_is_the_contexts_the_message_and_the_help() {
        let e = anyhow::Error::from(ImageError::Empty).context("cannot inspect x.ncx");
        assert_eq!(
            Report(&*e).to_string(),
            "cannot inspect x.ncx: the file is empty (0 bytes), not an ncx image\nhelp: build an image with `ncx \
             compile`"
        );
    }

    #[test]
    fn a_cause_the_message_quotes_is_not_repeated() {
        let e = FileError::Read { path: PathBuf::from("x.ncx"), source: io::Error::other("boom") };
        assert!(e.source().is_some());
        assert_eq!(
            Report(&e).to_string(),
            "cannot read x.ncx: boom\nhelp: check the path; an image is written by `ncx compile` (a .ncx file)"
        );
    }

    #[test]
    fn the_help_of_a_cause_follows_the_message() {
        let e = RunError::Output { timestep: 3, error: OutputError::Interrupted };
        assert_eq!(e.help(), None);
        assert_eq!(
            Report(&e).to_string(),
            "at timestep 3: interrupted (Ctrl-C or SIGTERM)\nhelp: the outputs keep the timesteps run before it"
        );
    }

    #[test]
    fn an_error_of_another_crate_is_its_chain_without_help() {
        let e = anyhow::Error::from(io::Error::other("disk full")).context("cannot save");
        assert_eq!(Report(&*e).to_string(), "cannot save: disk full");
    }
}
