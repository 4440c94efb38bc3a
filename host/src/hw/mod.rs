//! Real boards: the board table, the bitstream flow and the programmer (`ncx hw`).
//!
//! - [`board`]: hdl/boards/boards.toml, the single table of supported boards;
//! - [`flow`]: the build of a board's bitstream — yosys → nextpnr-ice40 → icepack for
//!   iCE40 boards, yosys → nextpnr-ecp5 → ecppack for ECP5 boards, a yosys
//!   `synth_xilinx` resource estimate for 7-series boards — with a progress report per
//!   stage, logs kept and a JSON [`report::BuildReport`];
//! - [`tools`]: where the flow's programs are (PATH, or the YoWASP builds in the
//!   project's `.venv-fpga/`), their versions, and how to install a missing one;
//! - [`report`]: the build report and the parsers of the tools' outputs;
//! - [`program`]: loading a bitstream with iceprog or openFPGALoader.
//!
//! The library runs external tools but never prints; docs/boards.md is the workflow.

use std::fmt;
use std::path::PathBuf;

pub mod board;
pub mod flow;
pub mod program;
pub mod report;
pub mod tools;

pub use board::{Board, Expect, Family};
pub use flow::{BuildOptions, Stage, StageProgress};
pub use report::BuildReport;

/// Why a board operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HwError {
    /// The embedded board table is malformed (a bug of this build).
    #[error("hdl/boards/boards.toml: {0}")]
    Table(String),
    /// `--board` names no board of the table.
    #[error("no board called `{name}`; the boards are: {} (see `ncx hw boards`)", .known.join(", "))]
    UnknownBoard {
        /// The name given.
        name: String,
        /// The boards the table has.
        known: Vec<String>,
    },
    /// The board's clock is not a whole multiple (≥ 4) of the baud rate.
    #[error(
        "baud rate {baud} does not divide board {board}'s clock of {clock_hz} Hz into whole bit times of at least 4 \
         cycles; choose a baud rate that divides {clock_hz} (the fastest that its UART also makes: {fastest})"
    )]
    BadBaud {
        /// The board.
        board: String,
        /// Its core clock, Hz.
        clock_hz: u32,
        /// The baud rate asked for.
        baud: u32,
        /// The fastest rate that would do.
        fastest: u32,
    },
    /// A baud rate the board's USB serial chip does not make exactly (above its fastest,
    /// or not its fastest divided by a whole number).
    #[error(
        "baud rate {baud} is not one that board {board}'s {uart} (its USB serial chip) makes exactly: {max_baud} / n \
         for a whole n; the fastest that the board's clock also divides is {fastest}"
    )]
    BaudNotMadeByUart {
        /// The board.
        board: String,
        /// Its USB serial chip.
        uart: String,
        /// The chip's fastest rate.
        max_baud: u32,
        /// The baud rate asked for.
        baud: u32,
        /// The fastest rate that would do.
        fastest: u32,
    },
    /// A geometry that is not a power of two within the spec's bounds (16..=1024).
    #[error(
        "--{what} {value}: the geometry must be a power of two from {} to {}",
        1u32 << ncx_model::spec::GEOMETRY_MIN_LOG2,
        1u32 << ncx_model::spec::GEOMETRY_MAX_LOG2
    )]
    BadGeometry {
        /// `neurons` or `inputs`.
        what: &'static str,
        /// The value given.
        value: u32,
    },
    /// The RTL sources are not where they were looked for.
    #[error("cannot find {missing} in {dir}; run ncx from the repository (or pass --hdl <repository>/hdl)")]
    NoSources {
        /// The folder searched.
        dir: PathBuf,
        /// What was missing.
        missing: String,
    },
    /// An external tool is not installed.
    #[error("`{tool}` is not installed (looked {looked}); {install}")]
    ToolMissing {
        /// The program.
        tool: String,
        /// Where it was looked for (`on PATH`, or the project's virtual environment too).
        looked: String,
        /// How to install it (the Debian or PyPI package, and the setup command).
        install: String,
    },
    /// No programmer for the board is installed.
    #[error(fmt = no_programmer)]
    NoProgrammer {
        /// The board.
        board: String,
        /// The programs that could load it, each with its Debian package.
        candidates: Vec<(String, String)>,
    },
    /// An external tool ran and failed.
    #[error("{tool} failed ({status}); its log is {log}:\n{tail}")]
    ToolFailed {
        /// The program.
        tool: String,
        /// Its exit status.
        status: String,
        /// Its log.
        log: PathBuf,
        /// The last lines of the log.
        tail: String,
    },
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A board flow that this board's family does not have.
    #[error("{0}")]
    Unsupported(String),
}

/// The message of [`HwError::NoProgrammer`]: the programs, and how to install each.
fn no_programmer(board: &str, candidates: &[(String, String)], f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let names: Vec<&str> = candidates.iter().map(|c| c.0.as_str()).collect();
    let installs: Vec<String> = candidates.iter().map(|(t, p)| format!("`apt-get install {p}` ({t})")).collect();
    let what = match names.as_slice() {
        [one] => format!("{one} is not installed"),
        _ => format!("neither {} is installed", names.join(" nor ")),
    };
    write!(f, "{what} (not on PATH), and board {board} needs one: run {}", installs.join(" or "))
}

/// The advice of a board error is part of its message.
impl crate::error::Help for HwError {
    fn help(&self) -> Option<std::borrow::Cow<'_, str>> {
        None
    }
}
