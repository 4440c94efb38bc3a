//! Target strings: where the driver's bytes go, as written on the command line
//! (docs/protocol.md §11, "Targets"):
//!
//! | target | meaning |
//! |---|---|
//! | `model` | the in-process model of the device ([`super::model::ModelLink`]) |
//! | `pty` | the model served on a pseudo-terminal by a background thread, reached through the pty |
//! | `serial:<path>[@<baud>]` | a board on a serial port, at [`DEFAULT_BAUD`] unless given |
//! | `verilator` | the RTL (`ncx_top`) simulated by Verilator, in a thread (`super::verilator::VerilatorLink`; a build without the cargo feature `cosim` parses it and fails to open it, [`crate::cosim`]) |
//! | `faulty:<seed>:<faults>[:<target>]` | any of these (default `model`) through the fault injector ([`super::faulty`]) |
//!
//! `<seed>` is a decimal u64, `<faults>` a [`FaultSpec`] (`drop=0.01,corrupt=0.01`; may be
//! empty: no faults), `<baud>` a decimal rate ≥ 1. Fault injectors do not nest.
//!
//! The grammar, exactly ([`LinkTarget::parse`]; `rest` is any text, possibly empty):
//!
//! ```text
//! target   = "faulty:" seed ":" faults [ ":" plain ]  ; the seed ends at the first `:`, the faults at the next
//!          | plain
//! plain    = "model" | "pty" | "verilator"
//!          | "serial:" path [ "@" baud ]              ; the baud follows the *last* `@`
//! seed     = spaces u64 spaces                        ; decimal, `+` allowed (Rust's `u64::from_str`)
//! faults   = rest without `:`                         ; FaultSpec::parse
//! path     = rest, not empty                          ; may hold `:` and `@`
//! baud     = digits                                   ; 1..=u32::MAX, no sign
//! ```
//!
//! Errors name the piece that is wrong rather than a column: the kind before the first
//! `:` ([`TargetProblem::UnknownKind`]), the seed, the baud rate, the fault list's own
//! error, or a `faulty:` where a plain target belongs ([`TargetProblem::Nested`]). A
//! parser-combinator crate (nom) was weighed for this grammar and left out: it splits
//! from both ends (the baud after the last `@`), and the pinned error texts quote pieces,
//! not positions, so combinators would not make it shorter or its errors better.

use std::fmt;
use std::str::FromStr;

use ncx_model::Geometry;
use ncx_model::device::{Device, DeviceConfig};

use super::faulty::{FaultSpec, FaultSpecError, FaultyLink};
use super::model::ModelLink;
use super::pty_model::PtyModelLink;
use super::serial::{DEFAULT_BAUD, SerialLink};
#[cfg(feature = "cosim")]
use super::verilator::VerilatorLink;
use super::{Link, LinkError};

/// A parsed target string.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkTarget {
    /// The in-process model.
    Model,
    /// The model behind a pseudo-terminal.
    Pty,
    /// The RTL device simulated by Verilator.
    Verilator,
    /// A serial port.
    Serial {
        /// The port's path, e.g. `/dev/ttyUSB1`.
        path: String,
        /// The baud rate.
        baud: u32,
    },
    /// Another target through the fault injector.
    Faulty {
        /// The injector's seed.
        seed: u64,
        /// The fault probabilities.
        spec: FaultSpec,
        /// The target behind the injector (never `Faulty`).
        inner: Box<LinkTarget>,
    },
}

/// Why a target string was rejected.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetError {
    /// The target string as given.
    pub text: String,
    /// What is wrong with it.
    pub problem: TargetProblem,
}

/// What is wrong with a target string.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum TargetProblem {
    /// Not one of the kinds of target.
    UnknownKind(String),
    /// `serial:` without a path.
    MissingPath,
    /// The baud rate after `@` is not a whole number ≥ 1 that fits in u32.
    BadBaud(String),
    /// `faulty:` without a seed and fault list.
    MissingFaults,
    /// The seed is not a decimal u64.
    BadSeed(String),
    /// The fault list is wrong.
    Faults(FaultSpecError),
    /// `faulty:` inside `faulty:`.
    Nested,
}

/// The accepted syntax, for `help:` lines.
pub const TARGET_SYNTAX: &str =
    "`model`, `pty`, `verilator`, `serial:<path>[@<baud>]` or `faulty:<seed>:<faults>[:<target>]`";

impl fmt::Display for TargetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = &self.text;
        match &self.problem {
            TargetProblem::UnknownKind(kind) => write!(f, "target `{text}`: unknown kind of target `{kind}`")?,
            TargetProblem::MissingPath => write!(f, "target `{text}`: no port path after `serial:`")?,
            TargetProblem::BadBaud(baud) => {
                write!(f, "target `{text}`: baud rate `{baud}` is not a whole number from 1 to {}", u32::MAX)?
            }
            TargetProblem::MissingFaults => write!(f, "target `{text}`: `faulty:` needs a seed and a list of faults")?,
            TargetProblem::BadSeed(seed) => {
                write!(f, "target `{text}`: seed `{seed}` is not a whole number from 0 to {}", u64::MAX)?
            }
            // The fault error brings its own help line.
            TargetProblem::Faults(e) => return write!(f, "target `{text}`: {e}"),
            TargetProblem::Nested => write!(f, "target `{text}`: a fault injector cannot wrap another one")?,
        }
        write!(
            f,
            "\nhelp: a target is {TARGET_SYNTAX}, e.g. `serial:/dev/ttyUSB1@{DEFAULT_BAUD}` or \
             `faulty:7:drop=0.01,corrupt=0.01:model`; `ncx ports` lists the serial ports"
        )
    }
}

impl std::error::Error for TargetError {}

impl LinkTarget {
    /// Parse a target string (see the module docs).
    pub fn parse(text: &str) -> Result<LinkTarget, TargetError> {
        let error = |problem| TargetError { text: text.to_owned(), problem };
        if let Some(rest) = text.strip_prefix("faulty:") {
            let (seed, rest) = rest.split_once(':').ok_or_else(|| error(TargetProblem::MissingFaults))?;
            let seed = seed.trim().parse().map_err(|_| error(TargetProblem::BadSeed(seed.to_owned())))?;
            let (faults, inner) = rest.split_once(':').unwrap_or((rest, "model"));
            let spec = FaultSpec::parse(faults).map_err(|e| error(TargetProblem::Faults(e)))?;
            let inner = LinkTarget::parse_plain(inner).map_err(&error)?;
            return Ok(LinkTarget::Faulty { seed, spec, inner: Box::new(inner) });
        }
        LinkTarget::parse_plain(text).map_err(error)
    }

    /// Open the link. The simulated targets (`model`, `pty`, `verilator`) make a device of
    /// `geometry` (the model with `DeviceConfig::default()`); a board has its own.
    pub fn open(&self, geometry: Geometry) -> Result<Box<dyn Link + Send>, LinkError> {
        let model = || Device::new(geometry, DeviceConfig::default());
        Ok(match self {
            LinkTarget::Model => Box::new(ModelLink::new(model())),
            LinkTarget::Pty => Box::new(PtyModelLink::spawn(model())?),
            #[cfg(feature = "cosim")]
            LinkTarget::Verilator => Box::new(VerilatorLink::spawn(geometry)?),
            #[cfg(not(feature = "cosim"))]
            LinkTarget::Verilator => {
                let reason = format!("{}\nhelp: {}", crate::cosim::MISSING, crate::cosim::HELP);
                return Err(LinkError::Open { link: "verilator".to_owned(), reason });
            }
            LinkTarget::Serial { path, baud } => Box::new(SerialLink::open(path, *baud)?),
            LinkTarget::Faulty { seed, spec, inner } => Box::new(FaultyLink::new(inner.open(geometry)?, *spec, *seed)),
        })
    }

    /// The geometry a simulated target gets when no image says: 256 × 256 for the model,
    /// the first Verilated device for `verilator` (none in a build with co-simulation but
    /// no Verilator; boards report their own).
    pub fn default_geometry(&self) -> Option<Geometry> {
        match self {
            #[cfg(feature = "cosim")]
            LinkTarget::Verilator => VerilatorLink::geometries().first().copied(),
            LinkTarget::Faulty { inner, .. } => inner.default_geometry(),
            _ => Geometry::new(256, 256).ok(),
        }
    }

    /// A target other than `faulty:`.
    fn parse_plain(text: &str) -> Result<LinkTarget, TargetProblem> {
        match text {
            "model" => Ok(LinkTarget::Model),
            "pty" => Ok(LinkTarget::Pty),
            "verilator" => Ok(LinkTarget::Verilator),
            _ if text.starts_with("faulty:") => Err(TargetProblem::Nested),
            _ => {
                let Some(port) = text.strip_prefix("serial:") else {
                    let kind = text.split_once(':').map_or(text, |(kind, _)| kind);
                    return Err(TargetProblem::UnknownKind(kind.to_owned()));
                };
                let (path, baud) = match port.rsplit_once('@') {
                    Some((path, baud)) => {
                        let rate = baud.parse::<u32>().ok().filter(|&b| b > 0 && !baud.starts_with('+'));
                        (path, rate.ok_or_else(|| TargetProblem::BadBaud(baud.to_owned()))?)
                    }
                    None => (port, DEFAULT_BAUD),
                };
                if path.is_empty() {
                    return Err(TargetProblem::MissingPath);
                }
                Ok(LinkTarget::Serial { path: path.to_owned(), baud })
            }
        }
    }
}

impl FromStr for LinkTarget {
    type Err = TargetError;

    fn from_str(text: &str) -> Result<LinkTarget, TargetError> {
        LinkTarget::parse(text)
    }
}

/// The target string, parseable by [`LinkTarget::parse`] (the baud rate always given).
impl fmt::Display for LinkTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkTarget::Model => f.write_str("model"),
            LinkTarget::Pty => f.write_str("pty"),
            LinkTarget::Verilator => f.write_str("verilator"),
            LinkTarget::Serial { path, baud } => write!(f, "serial:{path}@{baud}"),
            LinkTarget::Faulty { seed, spec, inner } => write!(f, "faulty:{seed}:{spec}:{inner}"),
        }
    }
}

#[cfg(all(test, not(feature = "cosim")))]
mod tests {
    use super::*;

    #[test]
    fn without_cosim_verilator_parses_and_says_how_to_get_it() {
        let target = LinkTarget::parse("verilator").unwrap();
        let Err(LinkError::Open { link, reason }) = target.open(Geometry::new(16, 16).unwrap()) else {
            panic!("a build without co-simulation opened the RTL")
        };
        assert_eq!(link, "verilator");
        assert!(reason.starts_with("this ncx was built without co-simulation (cargo feature `cosim`)\nhelp: "));
        assert!(reason.contains("cargo install --path host"), "{reason}");
    }
}
