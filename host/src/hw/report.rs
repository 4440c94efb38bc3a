//! The JSON build report of `ncx hw build`, and the parsers that fill it from the tools'
//! outputs (`report/tool_output.rs`: yosys's `stat` table, nextpnr's utilisation and fmax
//! lines).

mod tool_output;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use self::tool_output::{NextpnrSummary, ToolOutputError, parse_nextpnr, parse_yosys_stat};
use super::board::Expect;

/// One FPGA resource: how much the design uses and how much the FPGA has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    /// Short name: `lc`, `ebr`, `spram`, `dsp`, `io`, `gb`, `pll` (iCE40); `lut4` (a
    /// TRELLIS_COMB site: a LUT4, or half of a CCU2C carry or of a distributed RAM), `ff`,
    /// `dp16kd`, `mult18`, `io`, `pll` (ECP5); `lut`, `ff`, `bram18`, `dsp` (7 series; a
    /// RAMB36 counts as 2 `bram18`, so 61 = 30.5 RAMB36).
    pub name: String,
    /// Used by the design.
    pub used: u64,
    /// Available on the FPGA.
    pub available: u64,
}

impl Resource {
    /// Does the design need more than the FPGA has?
    pub fn over(&self) -> bool {
        self.used > self.available
    }

    /// `lc 14073 of 5280 (267%)`.
    pub fn describe(&self) -> String {
        let pct = if self.available == 0 { 0.0 } else { 100.0 * self.used as f64 / self.available as f64 };
        format!("{} {} of {} ({pct:.0}%)", self.name, self.used, self.available)
    }
}

/// Time spent in one stage of the flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageTime {
    /// The stage (`synthesis`, `place-and-route`, `pack`, `estimate`).
    pub stage: String,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// Everything a build produced and measured (written as `report.json` next to the
/// bitstream).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BuildReport {
    /// Report format version (1).
    pub format: u32,
    /// The board (`--board`).
    pub board: String,
    /// The FPGA part.
    pub fpga: String,
    /// `device` (the NCX-1 device, ncx_top) or `echo` (the UART echo bring-up image).
    pub design: String,
    /// The synthesised top module.
    pub top: String,
    /// Geometry: neurons.
    pub neurons: u32,
    /// Geometry: inputs.
    pub inputs: u32,
    /// The core clock the board top makes, Hz.
    pub clock_hz: u32,
    /// The UART baud rate.
    pub baud: u32,
    /// Clock cycles per UART bit.
    pub baud_divisor: u32,
    /// The 8-byte build id HELLO reports, as 16 hex digits (byte 0 first).
    pub build_id: String,
    /// Every parameter given to the top, `Name=value`.
    pub parameters: Vec<String>,
    /// The RTL and board files hashed into the build id, relative to the hdl folder.
    pub sources: Vec<String>,
    /// nextpnr's placement seed.
    pub seed: u64,
    /// Tool versions, by program.
    pub tools: BTreeMap<String, String>,
    /// Cell counts of the synthesised netlist (yosys `stat`), by cell type.
    pub cells: BTreeMap<String, u64>,
    /// Resource use against the FPGA's capacity (nextpnr's packing for iCE40; yosys's
    /// cell counts for estimates).
    pub resources: Vec<Resource>,
    /// `fits`, `does-not-fit` or `estimate`.
    pub outcome: Expect,
    /// The resources over capacity, described.
    pub over: Vec<String>,
    /// nextpnr's fmax of the core clock after routing, MHz.
    pub fmax_mhz: Option<f64>,
    /// Whether fmax ≥ the board's clock (none without place and route).
    pub meets_timing: Option<bool>,
    /// The bitstream, when one was written.
    pub bitstream: Option<String>,
    /// SHA-256 of the bitstream (hex).
    pub bitstream_sha256: Option<String>,
    /// SHA-256 of the synthesised netlist (hex): equal inputs give an equal netlist.
    pub netlist_sha256: String,
    /// Time per stage.
    pub stages: Vec<StageTime>,
    /// The tools' logs.
    pub logs: Vec<String>,
}

/// The build reports under `root` (`<root>/<folder>/report.json`, as `ncx hw build` writes
/// them into `build/hw`) whose build id is `build_id` (16 hex digits), with their paths,
/// sorted by path. Unreadable or malformed reports are skipped: this is a lookup, not a
/// check of the reports.
pub fn find_by_build_id(root: &std::path::Path, build_id: &str) -> Vec<(std::path::PathBuf, BuildReport)> {
    let Ok(entries) = std::fs::read_dir(root) else { return Vec::new() };
    let mut found: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path().join("report.json")))
        .filter_map(|path| {
            let report: BuildReport = serde_json::from_str(&std::fs::read_to_string(&path).ok()?).ok()?;
            (report.build_id == build_id).then_some((path, report))
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

/// The resources of interest of an iCE40 report (the rest of nextpnr's list is unused
/// hard IP).
pub const ICE40_RESOURCES: [&str; 7] = ["lc", "ebr", "spram", "dsp", "io", "gb", "pll"];

/// The resources of interest of an ECP5 report (the rest of nextpnr's list is unused
/// hard IP).
pub const ECP5_RESOURCES: [&str; 6] = ["lut4", "ff", "dp16kd", "mult18", "io", "pll"];

/// A 7-series resource estimate from yosys `synth_xilinx` cell counts, against `capacity`
/// (`lut`, `ff`, `bram36` in whole RAMB36, `dsp`). Block RAM is reported as `bram18`,
/// RAMB18 units: a RAMB36 counts 2, so 61 means 30.5 RAMB36.
pub fn xc7_estimate(cells: &BTreeMap<String, u64>, capacity: &BTreeMap<String, u64>) -> Vec<Resource> {
    let sum = |names: &[&str]| names.iter().map(|n| cells.get(*n).copied().unwrap_or(0)).sum::<u64>();
    let lut = sum(&["LUT1", "LUT2", "LUT3", "LUT4", "LUT5", "LUT6"])
        + 4 * sum(&["RAM32M", "RAM64M"])
        + sum(&["RAM32X1D", "RAM64X1D", "RAM128X1D", "RAM256X1S", "SRL16E", "SRLC32E"]);
    let ff = sum(&["FDRE", "FDSE", "FDCE", "FDPE"]);
    let bram_halves = 2 * sum(&["RAMB36E1"]) + sum(&["RAMB18E1"]);
    let dsp = sum(&["DSP48E1"]);
    let cap = |n: &str| capacity.get(n).copied().unwrap_or(0);
    vec![
        Resource { name: "lut".into(), used: lut, available: cap("lut") },
        Resource { name: "ff".into(), used: ff, available: cap("ff") },
        Resource { name: "bram18".into(), used: bram_halves, available: 2 * cap("bram36") },
        Resource { name: "dsp".into(), used: dsp, available: cap("dsp") },
    ]
}
