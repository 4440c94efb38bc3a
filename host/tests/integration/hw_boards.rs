//! The board table (hdl/boards/boards.toml) against the board folders, the board tops'
//! clock settings, the parsers of the tools' outputs, the build id, and `ncx hw` without
//! any FPGA tool: boards, program --dry-run, the missing-programmer message.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use ncx::hw::board::{self, Family};
use ncx::hw::flow::{self, BuildOptions, Design};
use ncx::hw::program::{self, Programmer, Target};
use ncx::hw::report::{self, Resource};
use ncx::hw::{Expect, HwError};

fn hdl() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("hdl")
}

fn ncx() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ncx"))
}

#[test]
fn every_board_folder_has_one_table_entry_and_every_entry_its_files() {
    let boards = board::boards().unwrap();
    assert!(boards.len() >= 3);
    let mut folders: Vec<String> = fs::read_dir(hdl().join("boards"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let mut names: Vec<String> = boards.iter().map(|b| b.name.clone()).collect();
    names.sort();
    assert_eq!(folders, names, "hdl/boards/ folders and boards.toml entries differ");
    let readme = fs::read_to_string(hdl().join("boards").join("README.md")).unwrap();
    for b in &boards {
        let dir = hdl().join("boards").join(&b.name);
        for f in b.sources.iter().chain([&b.constraints]) {
            assert!(dir.join(f).is_file(), "board {}: {} is missing", b.name, f);
        }
        let top = fs::read_to_string(dir.join(&b.sources[0])).unwrap();
        assert!(
            top.contains(&format!("module {} #(", b.top)),
            "board {}: no module {} in {}",
            b.name,
            b.top,
            b.sources[0]
        );
        assert!(top.contains(&format!("ClockHz       = 32'd{}", b.clock_hz)), "board {}: ClockHz default", b.name);
        assert!(readme.contains(&format!("`{}`", b.name)), "hdl/boards/README.md does not list board {}", b.name);
        assert!(b.divisor(b.baud).is_ok());
    }
}

#[test]
fn every_board_runs_its_uart_at_the_fastest_exact_rate() {
    for b in board::boards().unwrap() {
        assert_eq!(b.baud, b.fastest_baud(), "board {}: baud", b.name);
        assert_eq!(b.max_baud % b.baud, 0, "board {}: the {} cannot make {} baud", b.name, b.uart, b.baud);
        assert!(b.clock_hz / b.baud >= 4 && b.clock_hz % b.baud == 0, "board {}", b.name);
    }
    // The figures of the issue: the iCEBreaker's FT2232H at 3 Mbaud (12 MHz / 4), the
    // ULX3S's FT231X at its 3 Mbaud (24 MHz / 8).
    let ice = board::find("icebreaker").unwrap();
    assert_eq!((ice.baud, ice.divisor(ice.baud).unwrap(), ice.max_baud), (3_000_000, 4, 12_000_000));
    let ulx = board::find("ulx3s").unwrap();
    assert_eq!((ulx.baud, ulx.divisor(ulx.baud).unwrap(), ulx.max_baud), (3_000_000, 8, 3_000_000));
    assert_eq!(ulx.target(ulx.baud), "serial:/dev/ttyUSB0@3000000");
}

/// `parameter logic [..] Name = W'dV,` of a board top → V.
fn param(text: &str, name: &str) -> u64 {
    let line = text.lines().find(|l| l.contains(&format!(" {name} ")) && l.contains("parameter")).unwrap();
    let value = line.split('=').nth(1).unwrap().trim().trim_end_matches(',');
    value.rsplit('d').next().unwrap().parse().unwrap()
}

#[test]
fn the_icebreaker_pll_makes_the_clock_of_the_table() {
    let b = board::find("icebreaker").unwrap();
    let top = fs::read_to_string(hdl().join("boards/icebreaker/ncx_board_icebreaker.sv")).unwrap();
    let (r, f, q) = (param(&top, "PllDivR"), param(&top, "PllDivF"), param(&top, "PllDivQ"));
    let vco = u64::from(b.oscillator_hz) * (f + 1) / (r + 1);
    assert!((533_000_000..=1_066_000_000).contains(&vco), "VCO {vco} Hz out of the iCE40 PLL's range");
    let pll = vco >> q;
    assert!((16_000_000..=275_000_000).contains(&pll), "PLL output {pll} Hz out of the iCE40 PLL's range");
    assert_eq!(pll % u64::from(b.baud), 0, "the PLL's clock must be a whole multiple of the baud rate");
    // The device runs on the oscillator (UsePll = 0) or on the PLL's output.
    let clock = if param(&top, "UsePll") == 0 { u64::from(b.oscillator_hz) } else { pll };
    assert_eq!(clock, u64::from(b.clock_hz), "the board top's clock vs boards.toml clock_hz");
    // The flow always sets BaudDivisor; the top's default must be a rate the board makes.
    let default = u32::try_from(param(&top, "BaudDivisor")).unwrap();
    assert!(b.divisor(b.clock_hz / default).is_ok(), "BaudDivisor default {default}");
}

#[test]
fn the_ulx3s_pll_makes_the_clock_of_the_table() {
    let top = fs::read_to_string(hdl().join("boards/ulx3s/ncx_board_ulx3s.sv")).unwrap();
    let div = |name: &str| param(&top, name);
    {
        let b = board::find("ulx3s").unwrap();
        assert_eq!(b.family, Family::Ecp5);
        // EHXPLLL, feedback from CLKOP: F_VCO = F_in / CLKI_DIV · CLKFB_DIV · CLKOP_DIV.
        let f_in = u64::from(b.oscillator_hz);
        let (clki, clkfb, clkop, clkos) =
            (div("PllClkiDiv"), div("PllClkfbDiv"), div("PllClkopDiv"), div("PllClkosDiv"));
        let pfd = f_in / clki;
        assert!((3_125_000..=400_000_000).contains(&pfd), "PFD {pfd} Hz out of the ECP5 PLL's range");
        let vco = pfd * clkfb * clkop;
        assert!((400_000_000..=800_000_000).contains(&vco), "VCO {vco} Hz out of the ECP5 PLL's range");
        assert_eq!(f_in % clki, 0);
        assert_eq!(vco % clkos, 0, "CLKOS is not a whole fraction of the VCO");
        assert_eq!(vco / clkos, u64::from(b.clock_hz), "board {}: CLKOS vs boards.toml clock_hz", b.name);
        assert_eq!(div("BaudDivisor"), u64::from(b.clock_hz / b.baud));
    }
    // The pins of the ULX3S (emard/ulx3s doc/constraints/ulx3s_v20.lpf).
    let lpf = fs::read_to_string(hdl().join("boards/ulx3s/ulx3s.lpf")).unwrap();
    let leds = ["B2", "C2", "C1", "D2", "D1", "E2", "E1", "H3"].map(String::from);
    let pins = [("clk_25mhz", "G2"), ("ftdi_rxd", "L4"), ("ftdi_txd", "M1"), ("btn[0]", "D6")]
        .map(|(p, s)| (p.to_owned(), s.to_owned()))
        .into_iter()
        .chain(leds.iter().enumerate().map(|(i, s)| (format!("led[{i}]"), s.clone())));
    for (port, site) in pins {
        assert!(
            lpf.lines().any(|l| l.starts_with(&format!("LOCATE COMP \"{port}\" SITE \"{site}\";"))),
            "{port} is not on {site}"
        );
    }
}

#[test]
fn the_cmod_a7_mmcm_makes_the_clock_of_the_table() {
    let b = board::find("cmod_a7").unwrap();
    let top = fs::read_to_string(hdl().join("boards/cmod_a7/ncx_board_cmod_a7.sv")).unwrap();
    let real = |name: &str| -> f64 {
        let line = top.lines().find(|l| l.contains(&format!(".{name} "))).unwrap();
        line.split('(').nth(1).unwrap().split(')').next().unwrap().parse().unwrap()
    };
    let vco = f64::from(b.oscillator_hz) * real("CLKFBOUT_MULT_F") / real("DIVCLK_DIVIDE");
    assert!((600e6..=1200e6).contains(&vco), "VCO {vco} Hz out of the -1 MMCM's range");
    assert_eq!((vco / real("CLKOUT0_DIVIDE_F")).round(), f64::from(b.clock_hz));
    let xdc = fs::read_to_string(hdl().join("boards/cmod_a7/cmod_a7.xdc")).unwrap();
    for (port, pin) in [("clk_12m_i", "L17"), ("rx_i", "J17"), ("tx_o", "J18")] {
        assert!(
            xdc.lines()
                .any(|l| l.contains(&format!("PACKAGE_PIN {pin} ")) && l.contains(&format!("get_ports {port}]"))),
            "{port} is not on {pin}"
        );
    }
}

#[test]
fn unknown_boards_bad_bauds_and_geometries_say_what_to_do() {
    let e = board::find("de10").unwrap_err().to_string();
    assert_eq!(e, "no board called `de10`; the boards are: icebreaker, cmod_a7, ulx3s (see `ncx hw boards`)");
    let b = board::find("icebreaker").unwrap();
    let e = b.divisor(115_200).unwrap_err().to_string();
    assert!(e.contains("115200") && e.contains("FT2232H") && e.contains("12000000 / n"), "{e}");
    assert!(matches!(b.divisor(4_000_000), Err(HwError::BadBaud { .. })), "3 cycles per bit");
    assert!(b.divisor(2_000_000).is_ok() && b.divisor(1_000_000).is_ok());
    let ulx = board::find("ulx3s").unwrap();
    assert_eq!(
        ulx.divisor(6_000_000).unwrap_err().to_string(),
        "baud rate 6000000 is not one that board ulx3s's FT231X (its USB serial chip) makes exactly: 3000000 / n for \
         a whole n; the fastest that the board's clock also divides is 3000000"
    );
    assert!(matches!(ulx.divisor(2_000_000), Err(HwError::BaudNotMadeByUart { .. })));
    // `ncx hw build --baud` says so before any tool runs.
    let out = ncx().args(["hw", "build", "--board", "ulx3s", "--baud", "2000000"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: cannot build for board ulx3s: baud rate 2000000 is not one that board ulx3s's FT231X (its USB serial \
         chip) makes exactly: 3000000 / n for a whole n; the fastest that the board's clock also divides is 3000000\n"
    );
    assert_eq!(ulx.divisor(1_000_000).unwrap(), 24);
    let a7 = board::find("cmod_a7").unwrap();
    let e = a7.divisor(12_000_000).unwrap_err().to_string();
    assert_eq!(
        e,
        "baud rate 12000000 does not divide board cmod_a7's clock of 100000000 Hz into whole bit times of at least 4 \
         cycles; choose a baud rate that divides 100000000 (the fastest that its UART also makes: 4000000)"
    );
    let mut o = BuildOptions::new(b, hdl(), PathBuf::from("unused"));
    o.neurons = 96;
    assert_eq!(
        flow::parameters(&o).unwrap_err().to_string(),
        "--neurons 96: the geometry must be a power of two from 16 to 1024"
    );
    assert!(board::parse("[[board]]\nname = 1\n").is_err());
}

#[test]
fn the_build_id_follows_every_input_and_nothing_else() {
    let b = board::find("icebreaker").unwrap();
    let o = BuildOptions::new(b.clone(), hdl(), PathBuf::from("a"));
    let srcs = flow::sources(&hdl(), &b).unwrap();
    assert_eq!(srcs[0], Path::new("rtl/ncx_pkg.sv"));
    assert!(srcs.iter().any(|s| s == Path::new("rtl/ncx_top.sv")));
    assert!(srcs.iter().any(|s| s == Path::new("boards/icebreaker/icebreaker.pcf")));
    let ulx = board::find("ulx3s").unwrap();
    assert!(flow::sources(&hdl(), &ulx).unwrap().iter().any(|s| s == Path::new("boards/ulx3s/ulx3s.lpf")));
    let p = flow::parameters(&o).unwrap();
    let id = flow::build_id(&o, &srcs, &p).unwrap();
    // The output folder and the seed are not inputs of the netlist.
    let mut o2 = o.clone();
    o2.out_dir = PathBuf::from("elsewhere");
    o2.seed = 7;
    assert_eq!(flow::build_id(&o2, &srcs, &flow::parameters(&o2).unwrap()).unwrap(), id);
    for change in [
        |o: &mut BuildOptions| o.neurons = 64,
        |o: &mut BuildOptions| o.inputs = 64,
        |o: &mut BuildOptions| o.baud = 500_000,
        |o: &mut BuildOptions| o.design = Design::Echo,
    ] {
        let mut o3 = o.clone();
        change(&mut o3);
        assert_ne!(flow::build_id(&o3, &srcs, &flow::parameters(&o3).unwrap()).unwrap(), id);
    }
    // A changed byte of a source changes it too.
    let tmp = tempfile::tempdir().unwrap();
    for f in &srcs {
        let to = tmp.path().join(f);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(hdl().join(f), &to).unwrap();
    }
    let mut o4 = o.clone();
    o4.hdl_dir = tmp.path().to_owned();
    assert_eq!(flow::build_id(&o4, &srcs, &p).unwrap(), id);
    let top = tmp.path().join("rtl/ncx_top.sv");
    let mut text = fs::read(&top).unwrap();
    text.push(b'\n');
    fs::write(&top, text).unwrap();
    assert_ne!(flow::build_id(&o4, &srcs, &p).unwrap(), id);
}

const NEXTPNR_MISFIT: &str = "Info: Device utilisation:
Info: \t         ICESTORM_LC: 14073/ 5280   266%
Info: \t        ICESTORM_RAM:    34/   30   113%
Info: \t               SB_IO:     6/   96     6%
Info: \t        ICESTORM_DSP:    13/    8   162%
Info: \t      ICESTORM_SPRAM:     0/    4     0%

Info: Placed 9 cells based on constraints.
ERROR: Unable to place cell 'x', no BELs remaining to implement cell type 'ICESTORM_DSP'
";

#[test]
fn nextpnr_and_yosys_outputs_are_parsed() {
    let s = report::parse_nextpnr(NEXTPNR_MISFIT).expect("parses");
    let r = |name: &str, used, available| Resource { name: name.into(), used, available };
    assert_eq!(
        s.resources,
        vec![r("lc", 14073, 5280), r("ebr", 34, 30), r("io", 6, 96), r("dsp", 13, 8), r("spram", 0, 4)]
    );
    assert_eq!(s.fmax_mhz, None);
    assert_eq!(s.resources[0].describe(), "lc 14073 of 5280 (267%)");
    let s = report::parse_nextpnr(
        "Info: Max frequency for clock 'clk': 40.42 MHz (PASS at 24.00 MHz)\nInfo: Max frequency for clock 'clk': \
         52.59 MHz (PASS at 24.00 MHz)\n",
    )
    .expect("parses");
    assert_eq!((s.fmax_mhz, s.target_mhz), (Some(52.59), Some(24.0)));

    let stat = "=== top ===\n\n   Number of cells:                 9\n     LUT6   100\n     FDRE   \
                50\n     RAMB36E1  3\n     RAMB18E1 1\n     DSP48E1  2\n\n   Estimated number of LCs: 3\n";
    let cells = report::parse_yosys_stat(stat).expect("parses");
    assert_eq!(cells.get("LUT6"), Some(&100));
    assert_eq!(cells.len(), 5);
    let cap: BTreeMap<String, u64> = [("lut", 20800), ("ff", 41600), ("bram36", 50), ("dsp", 90)]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    let est = report::xc7_estimate(&cells, &cap);
    assert_eq!(est, vec![r("lut", 100, 20800), r("ff", 50, 41600), r("bram18", 7, 100), r("dsp", 2, 90)]);
}

#[test]
fn programming_commands_and_the_dry_run() {
    let ice = board::find("icebreaker").unwrap();
    let a7 = board::find("cmod_a7").unwrap();
    let f = Path::new("x.bin");
    assert_eq!(program::command(&ice, Programmer::Iceprog, f, Target::Flash), ["iceprog", "x.bin"]);
    assert_eq!(program::command(&ice, Programmer::Iceprog, f, Target::Sram), ["iceprog", "-S", "x.bin"]);
    assert_eq!(
        program::command(&ice, Programmer::OpenFpgaLoader, f, Target::Flash),
        ["openFPGALoader", "-b", "ice40_generic", "-f", "x.bin"]
    );
    assert_eq!(
        program::command(&a7, Programmer::OpenFpgaLoader, Path::new("a.bit"), Target::Sram),
        ["openFPGALoader", "-b", "cmoda7_35t", "a.bit"]
    );
    assert_eq!(program::candidates(&a7), [Programmer::OpenFpgaLoader]);
    assert_eq!(a7.family, Family::Xc7);
    {
        let ulx = board::find("ulx3s").unwrap();
        assert_eq!(program::candidates(&ulx), [Programmer::OpenFpgaLoader]);
        assert_eq!(
            program::command(&ulx, Programmer::OpenFpgaLoader, Path::new("u.bit"), Target::Flash),
            ["openFPGALoader", "-b", "ulx3s", "-f", "u.bit"]
        );
        assert_eq!(
            program::command(&ulx, Programmer::OpenFpgaLoader, Path::new("u.bit"), Target::Sram),
            ["openFPGALoader", "-b", "ulx3s", "u.bit"]
        );
    }
    let out = ncx().args(["hw", "program", "--board", "ulx3s", "--dry-run", "--sram"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "openFPGALoader -b ulx3s build/hw/ulx3s/ncx_ulx3s.bit\n");

    let out = ncx().args(["hw", "program", "--board", "icebreaker", "--dry-run", "my.bin"]).output().unwrap();
    assert!(out.status.success());
    let line = String::from_utf8(out.stdout).unwrap();
    assert!(line == "iceprog my.bin\n" || line == "openFPGALoader -b ice40_generic -f my.bin\n", "{line}");
}

#[test]
fn programming_without_a_programmer_names_the_debian_packages() {
    let empty = tempfile::tempdir().unwrap();
    let out =
        ncx().args(["hw", "program", "--board", "icebreaker", "x.bin"]).env("PATH", empty.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        err,
        "error: cannot program board icebreaker: neither iceprog nor openFPGALoader is installed (not on PATH), and \
         board icebreaker needs one: run `apt-get install fpga-icestorm` (iceprog) or `apt-get install \
         openfpgaloader` (openFPGALoader)\n"
    );
}

#[test]
fn ncx_hw_boards_lists_the_table() {
    let out = ncx().args(["hw", "boards"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["board", "FPGA", "geometry", "clock", "baud", "toolchain", "status"]
    );
    assert!(lines[1].starts_with("icebreaker  iCE40UP5K-SG48"), "{text}");
    assert!(lines[1].contains("12 MHz") && lines[1].contains("3000000"), "{text}");
    assert!(lines[2].starts_with("cmod_a7") && lines[2].contains("100 MHz"), "{text}");
    assert_eq!(
        lines[3].split_whitespace().collect::<Vec<_>>(),
        ["ulx3s", "LFE5U-85F-6BG381C", "256", "x", "256", "24", "MHz", "3000000", "yosys", "+", "nextpnr-ecp5", "+"]
            .into_iter()
            .chain(["ecppack", "fits"])
            .collect::<Vec<_>>()
    );
    let expect = board::find("icebreaker").unwrap().expect;
    assert!(lines[1].ends_with(&expect.to_string()), "{text}");
    assert_ne!(expect, Expect::Estimate);
    assert!(
        text.contains("\n  link: FT231X (up to 3000000 baud) at 3000000 baud: --target serial:/dev/ttyUSB0@3000000\n")
    );
    assert!(
        text.contains(
            "\n  link: FT2232H (up to 12000000 baud) at 3000000 baud: --target serial:/dev/ttyUSB1@3000000\n"
        )
    );
}
