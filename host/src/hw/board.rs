//! The board table: hdl/boards/boards.toml, embedded at compile time and parsed on use.
//!
//! One [`Board`] per folder of `hdl/boards/`; the table says which FPGA it carries, how
//! its bitstream is built ([`Family`]), the default geometry, clock and baud rate, and
//! what a build at the default geometry is expected to give today ([`Expect`]).

use std::collections::BTreeMap;
use std::fmt;

use ncx_model::spec::{GEOMETRY_MAX_LOG2, GEOMETRY_MIN_LOG2};
use serde::{Deserialize, Serialize};

use super::HwError;

/// The text of hdl/boards/boards.toml.
pub const BOARDS_TOML: &str = include_str!("../../../hdl/boards/boards.toml");

/// How a board's bitstream is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// Lattice iCE40: the open flow yosys `synth_ice40` → nextpnr-ice40 → icepack.
    Ice40,
    /// Xilinx 7 series: Vivado (the board folder's build.tcl); here, yosys
    /// `synth_xilinx -family xc7` for a resource estimate.
    Xc7,
}

impl Family {
    /// The toolchain, as `ncx hw boards` shows it.
    pub fn toolchain(self) -> &'static str {
        match self {
            Family::Ice40 => "yosys + nextpnr-ice40 + icepack",
            Family::Xc7 => "Vivado (build.tcl); yosys estimate",
        }
    }
}

/// What a build at the board's default geometry gives today (checked by CI).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Expect {
    /// A bitstream that meets the board's clock.
    Fits,
    /// Synthesis runs, but the design needs more of some resource than the FPGA has.
    DoesNotFit,
    /// No open place and route for this FPGA: a resource estimate only.
    Estimate,
}

impl fmt::Display for Expect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Expect::Fits => "fits",
            Expect::DoesNotFit => "does not fit",
            Expect::Estimate => "estimate only",
        })
    }
}

/// One board of the table (the fields are documented in boards.toml's header).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Board {
    /// Folder name and `--board` value.
    pub name: String,
    /// The board's name.
    pub title: String,
    /// The FPGA part, as its vendor spells it.
    pub fpga: String,
    /// How its bitstream is made.
    pub family: Family,
    /// The part for the tools: nextpnr-ice40's `--<device>`, or Vivado's part name.
    pub device: String,
    /// The package (nextpnr-ice40's `--package`).
    pub package: String,
    /// The board top module.
    pub top: String,
    /// The board top's source files, in the board folder.
    pub sources: Vec<String>,
    /// The pin constraints file, in the board folder.
    pub constraints: String,
    /// The board's oscillator, Hz.
    pub oscillator_hz: u32,
    /// The core clock the board top makes, Hz.
    pub clock_hz: u32,
    /// The UART baud rate.
    pub baud: u32,
    /// Default number of neurons.
    pub neurons: u32,
    /// Default number of inputs.
    pub inputs: u32,
    /// What a default build gives today.
    pub expect: Expect,
    /// One line for `ncx hw boards`.
    pub note: String,
    /// Further parameters of the top (name → value).
    #[serde(default)]
    pub params: BTreeMap<String, i64>,
    /// The FPGA's resources, by the build report's resource names (`lc`, `ebr`, `lut`…).
    pub capacity: BTreeMap<String, u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    board: Vec<Board>,
}

impl Board {
    /// The UART divisor (clock cycles per bit) at `baud`, or why there is none.
    pub fn divisor(&self, baud: u32) -> Result<u32, HwError> {
        match self.clock_hz.checked_div(baud) {
            Some(divisor) if divisor >= 4 && divisor * baud == self.clock_hz => Ok(divisor),
            _ => Err(HwError::BadBaud { board: self.name.clone(), clock_hz: self.clock_hz, baud }),
        }
    }
}

/// Every board of the table, in its order.
pub fn boards() -> Result<Vec<Board>, HwError> {
    parse(BOARDS_TOML)
}

/// Parse a board table (the text of a boards.toml).
pub fn parse(text: &str) -> Result<Vec<Board>, HwError> {
    let table: Table = toml::from_str(text).map_err(|e| HwError::Table(e.to_string()))?;
    for b in &table.board {
        for (what, n) in [("neurons", b.neurons), ("inputs", b.inputs)] {
            if super::flow::log2(n).is_none() {
                let (min, max) = (1u32 << GEOMETRY_MIN_LOG2, 1u32 << GEOMETRY_MAX_LOG2);
                return Err(HwError::Table(format!(
                    "board {}: {what} = {n} is not a power of two in {min}..={max}",
                    b.name
                )));
            }
        }
        b.divisor(b.baud)?;
    }
    Ok(table.board)
}

/// The board called `name`; the error lists the others.
pub fn find(name: &str) -> Result<Board, HwError> {
    let all = boards()?;
    let known: Vec<String> = all.iter().map(|b| b.name.clone()).collect();
    all.into_iter().find(|b| b.name == name).ok_or(HwError::UnknownBoard { name: name.to_owned(), known })
}
