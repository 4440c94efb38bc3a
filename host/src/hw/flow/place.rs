//! Place and route, and the bitstream, of the open flows: nextpnr-ice40 → icepack and
//! nextpnr-ecp5 → ecppack, their command lines and the resources a report keeps.
//!
//! Both run in the output folder on `netlist.json` with the board's constraints (copied
//! to `src/`), the board's clock as `--freq` and a fixed `--seed`; nextpnr is
//! timing-driven by default. ECP5: the constraints file gives the oscillator's frequency,
//! and nextpnr derives the core clock through the PLL; `--freq` constrains any other.

use super::BuildOptions;
use crate::hw::board::Family;
use crate::hw::report::{self, Resource};

/// The file nextpnr writes the placed and routed design to (the packer's input).
fn placed_name(opts: &BuildOptions) -> String {
    let ext = match opts.board.family {
        Family::Ice40 => "asc",
        Family::Ecp5 | Family::Xc7 => "config",
    };
    format!("ncx_{}.{ext}", opts.board.name)
}

/// nextpnr's command line for the board: `constraints` is the constraints file relative
/// to the output folder.
pub(super) fn place_route_args(opts: &BuildOptions, constraints: &str) -> Vec<String> {
    let board = &opts.board;
    let (constraints_flag, output_flag) = match board.family {
        Family::Ice40 => ("--pcf", "--asc"),
        Family::Ecp5 | Family::Xc7 => ("--lpf", "--textcfg"),
    };
    let freq = f64::from(board.clock_hz) / 1e6;
    [
        format!("--{}", board.device),
        "--package".into(),
        board.package.clone(),
        "--json".into(),
        "netlist.json".into(),
        constraints_flag.into(),
        constraints.into(),
        output_flag.into(),
        placed_name(opts),
        "--freq".into(),
        format!("{freq}"),
        "--seed".into(),
        opts.seed.to_string(),
    ]
    .into()
}

/// The packer's command line: the placed design → `bitstream`.
pub(super) fn pack_args(opts: &BuildOptions, bitstream: &str) -> Vec<String> {
    match opts.board.family {
        Family::Ice40 => vec![placed_name(opts), bitstream.into()],
        // --compress: the ULX3S's constraints (and the board's own examples) configure
        // from a compressed bitstream; it loads faster.
        Family::Ecp5 | Family::Xc7 => vec!["--compress".into(), placed_name(opts), bitstream.into()],
    }
}

/// The resources of nextpnr's table (by short name) that the report keeps, in the
/// report's order: the ones the design uses or could run out of, not the rest of the
/// FPGA's hard IP.
pub(super) fn keep(family: Family, mut resources: Vec<Resource>) -> Vec<Resource> {
    let order: &[&str] = match family {
        Family::Ice40 => &report::ICE40_RESOURCES,
        Family::Ecp5 => &report::ECP5_RESOURCES,
        Family::Xc7 => &[],
    };
    resources.retain(|r| order.contains(&r.name.as_str()));
    resources.sort_by_key(|r| order.iter().position(|n| *n == r.name));
    resources
}
