//! Hardware in the loop (opt-in): a real board on a serial port.
//!
//!     NCX_HIL_BOARD=icebreaker NCX_HIL_PORT=/dev/ttyUSB1 cargo test -p ncx --test integration -- --ignored hw_hil
//!
//! Uses the build of `ncx hw build --board $NCX_HIL_BOARD` (its report.json in
//! build/hw/<board>/, or NCX_HIL_REPORT), programs the bitstream with `ncx hw program`
//! (skipped with NCX_HIL_NO_PROGRAM=1), checks that HELLO reports the report's build id and
//! geometry, then runs every golden scenario of tests/scenarios/ whose geometry is the
//! board's on the model and on the board and compares their raster CSVs byte for byte.
//!
//! Without `--ignored` these tests are reported as ignored (never as passed); with it but
//! without NCX_HIL_PORT and NCX_HIL_BOARD they fail and say what to set.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn ncx(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ncx")).args(args).current_dir(root()).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

struct Hil {
    board: String,
    port: String,
    report: ncx::hw::BuildReport,
    report_dir: PathBuf,
}

fn hil() -> Hil {
    let (Some(board), Some(port)) = (std::env::var("NCX_HIL_BOARD").ok(), std::env::var("NCX_HIL_PORT").ok()) else {
        panic!(
            "hardware-in-the-loop tests need NCX_HIL_BOARD (e.g. icebreaker) and NCX_HIL_PORT (e.g. /dev/ttyUSB1); \
             they did not run"
        );
    };
    let path = std::env::var_os("NCX_HIL_REPORT")
        .map_or_else(|| root().join("build").join("hw").join(&board).join("report.json"), PathBuf::from);
    let text = fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; build first: ncx hw build --board {board}", path.display()));
    let report: ncx::hw::BuildReport = serde_json::from_str(&text).unwrap();
    assert_eq!(report.board, board, "{} is a build for another board", path.display());
    let report_dir = path.parent().unwrap().to_owned();
    Hil { board, port, report, report_dir }
}

fn target(h: &Hil) -> String {
    format!("serial:{}@{}", h.port, h.report.baud)
}

#[test]
#[ignore = "hardware in the loop: set NCX_HIL_BOARD and NCX_HIL_PORT and run with --ignored"]
fn hil_the_board_runs_the_built_bitstream() {
    let h = hil();
    if std::env::var_os("NCX_HIL_NO_PROGRAM").is_none() {
        let bitstream = h.report_dir.join(h.report.bitstream.as_deref().expect("the build made no bitstream"));
        let (ok, _, err) = ncx(&["hw", "program", "--board", &h.board, &bitstream.display().to_string()]);
        assert!(ok, "programming failed: {err}");
        std::thread::sleep(std::time::Duration::from_secs(2));
    }
    let (ok, out, err) = ncx(&["info", "--target", &target(&h)]);
    assert!(ok, "ncx info failed: {err}");
    assert!(out.contains(&h.report.build_id), "HELLO does not report build id {}:\n{out}", h.report.build_id);
    assert!(
        out.contains(&format!("{} x {}", h.report.neurons, h.report.inputs)),
        "HELLO's geometry is not {} x {}:\n{out}",
        h.report.neurons,
        h.report.inputs
    );
}

#[test]
#[ignore = "hardware in the loop: set NCX_HIL_BOARD and NCX_HIL_PORT and run with --ignored"]
fn hil_golden_scenarios_give_the_models_raster_on_the_board() {
    let h = hil();
    let tmp = tempfile::tempdir().unwrap();
    let mut ran = 0;
    let mut dirs: Vec<PathBuf> =
        fs::read_dir(root().join("tests/scenarios")).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let scenario: toml::Table = toml::from_str(&fs::read_to_string(dir.join("scenario.toml")).unwrap()).unwrap();
        let net = dir.join(scenario["network"].as_str().unwrap());
        let steps = scenario["steps"].as_integer().unwrap().to_string();
        let compiled = ncx::compile::compile_file(&net, &ncx::compile::CompileOptions::default()).unwrap().image;
        let g = compiled.geometry;
        if (g.neurons(), g.inputs()) != (h.report.neurons as usize, h.report.inputs as usize) {
            eprintln!("scenario {name}: SKIPPED, {} x {} is not the board's geometry", g.neurons(), g.inputs());
            continue;
        }
        let mut rasters = Vec::new();
        for t in ["model".to_owned(), target(&h)] {
            let raster = tmp.path().join(format!("{name}-{}.csv", rasters.len()));
            let mut args = vec!["run".to_owned(), net.display().to_string(), "--steps".into(), steps.clone()];
            if let Some(s) = scenario.get("stimulus").and_then(|s| s.as_str()) {
                args.extend(["--stimulus".into(), dir.join(s).display().to_string()]);
            }
            args.extend(["--target".into(), t.clone(), "--raster".into(), raster.display().to_string(), "-q".into()]);
            let (ok, _, err) = ncx(&args.iter().map(String::as_str).collect::<Vec<_>>());
            assert!(ok, "scenario {name} on {t}: {err}");
            rasters.push(fs::read(&raster).unwrap());
        }
        assert!(rasters[0] == rasters[1], "scenario {name}: the board's raster differs from the model's");
        eprintln!("scenario {name}: board raster = model raster ({} bytes)", rasters[0].len());
        ran += 1;
    }
    assert!(ran > 0, "no golden scenario has the board's geometry {} x {}", h.report.neurons, h.report.inputs);
}
