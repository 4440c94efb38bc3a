//! The board table: hdl/boards/boards.toml, embedded at compile time and parsed on use.
//!
//! One [`Board`] per folder of `hdl/boards/`; the table says which FPGA it carries,
//! how its bitstream is built ([`Family`]), the default geometry, clock and baud rate (and
//! the fastest rate of the board's USB serial chip), and what a build at the default
//! geometry is expected to give today ([`Expect`]).

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
    /// Lattice ECP5: the open flow yosys `synth_ecp5` → nextpnr-ecp5 → ecppack (the YoWASP
    /// builds in `.venv-fpga/`, or the programs on PATH).
    Ecp5,
    /// Xilinx 7 series: Vivado (the board folder's build.tcl); here, yosys
    /// `synth_xilinx -family xc7` for a resource estimate.
    Xc7,
}

impl Family {
    /// The toolchain, as `ncx hw boards` shows it.
    pub fn toolchain(self) -> &'static str {
        match self {
            Family::Ice40 => "yosys + nextpnr-ice40 + icepack",
            Family::Ecp5 => "yosys + nextpnr-ecp5 + ecppack",
            Family::Xc7 => "Vivado (build.tcl); yosys estimate",
        }
    }

    /// Whether `ncx hw build` places, routes and packs a bitstream (an open flow), rather
    /// than a resource estimate.
    pub fn has_open_flow(self) -> bool {
        matches!(self, Family::Ice40 | Family::Ecp5)
    }

    /// The extension of the bitstream file: `bin` (icepack), `bit` (ecppack, Vivado).
    pub fn bitstream_ext(self) -> &'static str {
        match self {
            Family::Ice40 => "bin",
            Family::Ecp5 | Family::Xc7 => "bit",
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
    /// The part for the tools: nextpnr-ice40's or nextpnr-ecp5's `--<device>`, or
    /// Vivado's part name.
    pub device: String,
    /// The package (nextpnr's `--package`).
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
    /// The UART baud rate: the fastest the UART chip makes that the clock divides into
    /// bit times of at least 4 cycles.
    pub baud: u32,
    /// The board's USB serial chip (`FT2232H`, `FT231X`…).
    pub uart: String,
    /// The fastest baud rate of that chip: its baud generator makes `max_baud / n` for
    /// every whole n exactly (FTDI: 12 MHz / n on the FT2232H, 3 MHz / n on the FT231X).
    pub max_baud: u32,
    /// The serial port the board usually appears as on Linux (`/dev/ttyUSB1`).
    pub port: String,
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
    /// The UART divisor (clock cycles per bit) at `baud`, or why there is none: the board's
    /// UART chip must make the rate exactly (`max_baud / n`), and the clock must be a whole
    /// multiple of it, at least 4 (the RTL's minimum).
    pub fn divisor(&self, baud: u32) -> Result<u32, HwError> {
        if baud == 0 || baud > self.max_baud || !self.max_baud.is_multiple_of(baud) {
            return Err(HwError::BaudNotMadeByUart {
                board: self.name.clone(),
                uart: self.uart.clone(),
                max_baud: self.max_baud,
                baud,
                fastest: self.fastest_baud(),
            });
        }
        match self.clock_hz.checked_div(baud) {
            Some(divisor) if divisor >= 4 && divisor * baud == self.clock_hz => Ok(divisor),
            _ => Err(HwError::BadBaud {
                board: self.name.clone(),
                clock_hz: self.clock_hz,
                baud,
                fastest: self.fastest_baud(),
            }),
        }
    }

    /// The fastest baud rate that both the UART chip makes exactly and the clock divides
    /// into whole bit times of at least 4 cycles (0 if none).
    pub fn fastest_baud(&self) -> u32 {
        (4..=self.clock_hz.max(4))
            .filter(|&d| self.clock_hz.is_multiple_of(d))
            .map(|d| self.clock_hz / d)
            .find(|&b| b <= self.max_baud && self.max_baud.is_multiple_of(b))
            .unwrap_or(0)
    }

    /// The `--target` of the board's serial port at `baud`: `serial:/dev/ttyUSB1@3000000`.
    pub fn target(&self, baud: u32) -> String {
        format!("serial:{}@{baud}", self.port)
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
