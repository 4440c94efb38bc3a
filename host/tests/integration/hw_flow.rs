//! The iCE40 flow for real (yosys → nextpnr-ice40 → icepack): the iCEBreaker's UART echo
//! image, built twice into different folders, gives the same bitstream byte for byte
//! (fixed nextpnr seed), fits and meets the board's clock; a different seed still builds.
//!
//! Needs yosys, nextpnr-ice40 and icepack (bash scripts/setup.sh). Without them (cfg
//! `have_ice40_tools`, set by host/build.rs) the tests are reported as ignored, unless
//! NCX_REQUIRE_FPGA_TOOLS=1 (set by scripts/test.sh after setup), which makes them run
//! and their absence a failure. The full device build is the CI step
//! "boards" of scripts/test.sh (minutes, too slow for `cargo test`).

use std::path::Path;

use ncx::hw::flow::{self, BuildOptions, Design, NoStageProgress};
use ncx::hw::{Expect, board};

#[test]
#[cfg_attr(
    not(have_ice40_tools),
    ignore = "the iCE40 flow needs yosys, nextpnr-ice40 and icepack: bash scripts/setup.sh"
)]
fn the_same_inputs_give_the_same_bitstream() {
    let hdl = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("hdl");
    let tmp = tempfile::tempdir().unwrap();
    let build = |dir: &str, seed: u64| {
        let mut o = BuildOptions::new(board::find("icebreaker").unwrap(), hdl.clone(), tmp.path().join(dir));
        o.design = Design::Echo;
        o.seed = seed;
        flow::build(&o, &mut NoStageProgress).unwrap_or_else(|e| panic!("{e}"))
    };
    let a = build("a", flow::DEFAULT_SEED);
    let b = build("b", flow::DEFAULT_SEED);
    assert_eq!(a.outcome, Expect::Fits, "{a:?}");
    assert_eq!(a.meets_timing, Some(true), "fmax {:?}", a.fmax_mhz);
    assert!(a.bitstream_sha256.is_some());
    assert_eq!(a.netlist_sha256, b.netlist_sha256, "yosys gave different netlists");
    assert_eq!(a.bitstream_sha256, b.bitstream_sha256, "same inputs, different bitstreams");
    let bin_a = std::fs::read(tmp.path().join("a").join(a.bitstream.as_deref().unwrap())).unwrap();
    let bin_b = std::fs::read(tmp.path().join("b").join(b.bitstream.as_deref().unwrap())).unwrap();
    assert!(bin_a == bin_b && bin_a.len() > 100_000, "{} vs {} bytes", bin_a.len(), bin_b.len());
    assert_eq!((a.build_id.len(), &a.build_id), (16, &b.build_id));

    // The report on disk is the one returned; logs are kept.
    let json = std::fs::read_to_string(tmp.path().join("a").join("report.json")).unwrap();
    let on_disk: ncx::hw::BuildReport = serde_json::from_str(&json).unwrap();
    assert_eq!(on_disk, a);
    for log in &a.logs {
        assert!(tmp.path().join("a").join(log).is_file(), "{log}");
    }
    assert_eq!(a.stages.iter().map(|s| s.stage.as_str()).collect::<Vec<_>>(), ["synthesis", "place-and-route", "pack"]);
    assert!(a.tools["nextpnr-ice40"].contains("nextpnr"), "{:?}", a.tools);

    // Another seed places differently but the netlist is the same.
    let c = build("c", 7);
    assert_eq!(c.netlist_sha256, a.netlist_sha256);
    assert_eq!(c.outcome, Expect::Fits);
}
