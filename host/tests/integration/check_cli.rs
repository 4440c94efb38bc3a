//! `ncx check`: the model and the Verilated RTL core in lock step from the command line
//! (the checker itself is tested in crate ncx-hdl, including injected faults).

use std::path::Path;
use std::process::{Command, Output};

fn ncx(args: &[&str]) -> Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    Command::new(env!("CARGO_BIN_EXE_ncx")).args(args).current_dir(root).output().expect("ncx runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `ncx check` on the stdp example, for 40 timesteps.
fn check_stdp_example() -> Output {
    ncx(&["check", "examples/stdp/net.toml", "--stimulus", "examples/stdp/stimulus.toml", "--steps", "40", "--quiet"])
}

#[test]
#[cfg(feature = "cosim")]
#[cfg_attr(have_verilator, ignore = "Verilator found: this checks a build without it")]
fn without_verilator_check_says_so() {
    let out = check_stdp_example();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("without Verilator"), "{}", text(&out.stderr));
}

#[test]
#[cfg_attr(not(have_verilator), ignore = "Verilator not found: install it with scripts/setup.sh")]
fn an_example_matches_and_says_how_many_events() {
    let out = check_stdp_example();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("matched "), "{stdout}");
    assert!(stdout.contains(" events in 40 timesteps (") && stdout.contains("16 neurons x 32 inputs"), "{stdout}");
    assert!(stdout.contains("every memory byte equal"), "{stdout}");
    let events: u64 = stdout["matched ".len()..].split(' ').next().unwrap().parse().unwrap();
    // At least one NeuronUpdate per neuron per timestep and a TimestepDone.
    assert!(events >= 40 * 17, "{stdout}");
}

#[test]
#[cfg_attr(not(have_verilator), ignore = "Verilator not found: install it with scripts/setup.sh")]
fn a_geometry_without_an_rtl_model_is_an_error_naming_the_built_ones() {
    let dir = tempfile::tempdir().unwrap();
    let net = dir.path().join("wide.toml");
    std::fs::write(
        &net,
        "name = \"wide\"\n[core]\nneurons = 16\ninputs = 1024\n[[input]]\nname = \"in\"\nsize = 1024\n\
         [[population]]\nname = \"p\"\nsize = 16\nthreshold = 1.0\n",
    )
    .unwrap();
    let out = ncx(&["check", net.to_str().unwrap(), "--steps", "1"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("no RTL model of a 16×1024 core") && stderr.contains("16×16, "), "{stderr}");
}
