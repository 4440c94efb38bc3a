//! The open flows for real: the UART echo images of the iCEBreaker (yosys → nextpnr-ice40 →
//! icepack) and of the ULX3S (yosys → nextpnr-ecp5 → ecppack), each built twice into
//! different folders, give the same bitstream byte for byte (fixed nextpnr seed), fit and
//! meet the board's clock; the iCE40 one also from a copy of the sources elsewhere (no path
//! reaches the netlist), and with a different seed.
//!
//! Needs yosys, nextpnr-ice40 and icepack, and the YoWASP ECP5 tools (bash
//! scripts/setup.sh). Without them (cfgs `have_ice40_tools`, `have_ecp5_tools`, set by
//! host/build.rs) the tests are reported as ignored, unless NCX_REQUIRE_FPGA_TOOLS=1 (set
//! by scripts/test.sh after setup), which makes them run and their absence a failure. The
//! full device builds are the CI step "boards" of scripts/test.sh (minutes, too slow for
//! `cargo test`).

use std::fs;
use std::path::{Path, PathBuf};

use ncx::hw::flow::{self, BuildOptions, Design, NoStageProgress};
use ncx::hw::{BuildReport, Expect, board};

fn hdl() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("hdl")
}

/// Build `board`'s echo image from `hdl` into `out` with `seed`.
fn build_echo(board: &str, hdl: &Path, out: PathBuf, seed: u64) -> BuildReport {
    let mut o = BuildOptions::new(board::find(board).unwrap(), hdl.to_owned(), out);
    o.design = Design::Echo;
    o.seed = seed;
    flow::build(&o, &mut NoStageProgress).unwrap_or_else(|e| panic!("{e}"))
}

/// The two builds of the same inputs in `a` and `b` gave the same netlist and bitstream.
fn assert_same_bitstream(dir_a: &Path, a: &BuildReport, dir_b: &Path, b: &BuildReport, min_len: usize) {
    assert_eq!(a.netlist_sha256, b.netlist_sha256, "yosys gave different netlists");
    assert_eq!(a.bitstream_sha256, b.bitstream_sha256, "same inputs, different bitstreams");
    let bin_a = fs::read(dir_a.join(a.bitstream.as_deref().unwrap())).unwrap();
    let bin_b = fs::read(dir_b.join(b.bitstream.as_deref().unwrap())).unwrap();
    assert!(bin_a == bin_b && bin_a.len() > min_len, "{} vs {} bytes", bin_a.len(), bin_b.len());
    assert_eq!((a.build_id.len(), &a.build_id), (16, &b.build_id));
}

#[test]
#[cfg_attr(
    not(have_ice40_tools),
    ignore = "the iCE40 flow needs yosys, nextpnr-ice40 and icepack: bash scripts/setup.sh"
)]
fn the_same_inputs_give_the_same_bitstream() {
    let tmp = tempfile::tempdir().unwrap();
    let build = |dir: &str, seed: u64| build_echo("icebreaker", &hdl(), tmp.path().join(dir), seed);
    let a = build("a", flow::DEFAULT_SEED);
    let b = build("b", flow::DEFAULT_SEED);
    assert_eq!(a.outcome, Expect::Fits, "{a:?}");
    assert_eq!(a.meets_timing, Some(true), "fmax {:?}", a.fmax_mhz);
    assert!(a.bitstream_sha256.is_some());
    assert_same_bitstream(&tmp.path().join("a"), &a, &tmp.path().join("b"), &b, 100_000);

    // The report on disk is the one returned; logs are kept.
    let json = fs::read_to_string(tmp.path().join("a").join("report.json")).unwrap();
    let on_disk: BuildReport = serde_json::from_str(&json).unwrap();
    assert_eq!(on_disk, a);
    for log in &a.logs {
        assert!(tmp.path().join("a").join(log).is_file(), "{log}");
    }
    assert_eq!(a.stages.iter().map(|s| s.stage.as_str()).collect::<Vec<_>>(), ["synthesis", "place-and-route", "pack"]);
    assert!(a.tools["nextpnr-ice40"].contains("nextpnr"), "{:?}", a.tools);

    // The same sources in another folder: no path reaches the netlist or the bitstream.
    let elsewhere = tmp.path().join("copy").join("hdl");
    let board = board::find("icebreaker").unwrap();
    for f in flow::sources(&hdl(), &board).unwrap() {
        fs::create_dir_all(elsewhere.join(&f).parent().unwrap()).unwrap();
        fs::copy(hdl().join(&f), elsewhere.join(&f)).unwrap();
    }
    let d = build_echo("icebreaker", &elsewhere, tmp.path().join("d"), flow::DEFAULT_SEED);
    assert_same_bitstream(&tmp.path().join("a"), &a, &tmp.path().join("d"), &d, 100_000);

    // Another seed places differently but the netlist is the same.
    let c = build("c", 7);
    assert_eq!(c.netlist_sha256, a.netlist_sha256);
    assert_eq!(c.outcome, Expect::Fits);
}

#[test]
#[cfg_attr(
    not(have_ecp5_tools),
    ignore = "the ECP5 flow needs yosys, nextpnr-ecp5 and ecppack (the YoWASP builds): bash scripts/setup.sh"
)]
fn the_ecp5_flow_is_reproducible_and_reports_the_board_capacity() {
    let tmp = tempfile::tempdir().unwrap();
    let a = build_echo("ulx3s", &hdl(), tmp.path().join("a"), flow::DEFAULT_SEED);
    let b = build_echo("ulx3s", &hdl(), tmp.path().join("b"), flow::DEFAULT_SEED);
    assert_eq!(a.outcome, Expect::Fits, "{a:?}");
    assert_eq!(a.meets_timing, Some(true), "fmax {:?}", a.fmax_mhz);
    assert_eq!(a.bitstream.as_deref(), Some("ncx_ulx3s_echo.bit"));
    assert_same_bitstream(&tmp.path().join("a"), &a, &tmp.path().join("b"), &b, 10_000);
    assert_eq!(a.stages.iter().map(|s| s.stage.as_str()).collect::<Vec<_>>(), ["synthesis", "place-and-route", "pack"]);
    assert!(a.tools["nextpnr-ecp5"].contains("nextpnr"), "{:?}", a.tools);
    assert!(a.tools.contains_key("ecppack"), "{:?}", a.tools);
    // The table's capacity of the 85F is what nextpnr-ecp5 says the part has; the echo
    // image uses the PLL and a handful of LUTs, no block RAM.
    let board = board::find("ulx3s").unwrap();
    let names: Vec<&str> = a.resources.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["lut4", "ff", "dp16kd", "mult18", "io", "pll"]);
    for r in &a.resources {
        if let Some(&cap) = board.capacity.get(&r.name) {
            assert_eq!(r.available, cap, "{}", r.name);
        }
    }
    let used = |n: &str| a.resources.iter().find(|r| r.name == n).unwrap().used;
    assert!((50..2000).contains(&used("lut4")) && used("dp16kd") == 0 && used("pll") == 1, "{:?}", a.resources);
    // The tools read the copies under src/, at the paths relative to hdl/.
    assert!(tmp.path().join("a/src/boards/ulx3s/ulx3s.lpf").is_file());
    let script = fs::read_to_string(tmp.path().join("a/synth.ys")).unwrap();
    assert!(script.contains("read_verilog -sv \"src/rtl/ncx_top.sv\"") && script.contains("synth_ecp5 -top"));
}
