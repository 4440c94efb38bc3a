//! `--target verilator`: the RTL device (the Verilated `ncx_top`) through the ncx/1
//! driver gives what the model gives — raster, probes and learned weights — and a
//! geometry the build did not verilate is a clear error.

use std::path::Path;
use std::process::{Command, Output};

use ncx::link::LinkTarget;

fn ncx(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ncx")).args(args).current_dir(dir).output().expect("ncx runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn the_target_string_parses_and_prints() {
    assert_eq!(LinkTarget::parse("verilator").unwrap(), LinkTarget::Verilator);
    assert_eq!(LinkTarget::Verilator.to_string(), "verilator");
    let faulty = LinkTarget::parse("faulty:3:drop=0.5:verilator").unwrap();
    let LinkTarget::Faulty { inner, .. } = &faulty else { panic!("{faulty:?}") };
    assert_eq!(**inner, LinkTarget::Verilator);
    assert_eq!(LinkTarget::parse(&faulty.to_string()).unwrap(), faulty);
}

#[test]
fn a_run_on_the_rtl_equals_the_model_in_raster_probes_and_weights() {
    if !ncx_hdl::COSIM_AVAILABLE {
        eprintln!("SKIPPED: --target verilator needs Verilator (bash scripts/setup.sh)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/rtl16");
    let (net, stimulus) = (data.join("net.toml"), data.join("stimulus.toml"));
    let run = |target: &str, name: &str| {
        let (raster, probe, image) = (format!("{name}.csv"), format!("{name}-probe.csv"), format!("{name}.ncx"));
        let out = ncx(
            dir.path(),
            &[
                "run",
                net.to_str().unwrap(),
                "--stimulus",
                stimulus.to_str().unwrap(),
                "--steps",
                "80",
                "--target",
                target,
                "--raster",
                &raster,
                "--probe",
                &probe,
                "--save-image",
                &image,
                "-q",
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{target}: {}", text(&out.stderr));
        let read = |f: &str| std::fs::read(dir.path().join(f)).unwrap();
        (read(&raster), read(&probe), read(&image))
    };
    let model = run("model", "model");
    let rtl = run("verilator", "rtl");
    assert!(text(&model.0).lines().count() > 20, "the network should spike");
    assert_eq!(text(&rtl.0), text(&model.0), "rasters differ");
    assert_eq!(text(&rtl.1), text(&model.1), "probes differ");
    assert_eq!(rtl.2, model.2, "the learned images differ");
}

#[test]
fn a_geometry_without_a_verilated_device_is_an_error_naming_the_built_ones() {
    if !ncx_hdl::COSIM_AVAILABLE {
        eprintln!("SKIPPED: needs Verilator");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = ncx(dir.path(), &["info", "--target", "verilator"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("geometry:        16 neurons x 16 inputs"), "{}", text(&out.stdout));
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/synfire/net.toml");
    let out = ncx(dir.path(), &["run", examples.to_str().unwrap(), "--steps", "2", "--target", "verilator"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("128×16") && stderr.contains("16×16, 64×64"), "{stderr}");
}
