//! The golden scenarios of `tests/scenarios/` (see the crate documentation): each on
//! the reference model and on the RTL core in lock step, both against `expected.toml`.
//! `NCX_BLESS=1` rewrites `expected.toml` from the model.
//!
//! The build script writes one test per scenario and side, `model::<name>` and
//! `rtl::<name>`; run one with `cargo test -p ncx-tests --test scenarios -- <name>`.
//! Without Verilator the `rtl::` tests are ignored.

use std::path::{Path, PathBuf};

use ncx_tests::Scenario;

include!(concat!(env!("OUT_DIR"), "/scenarios.rs"));

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

fn scenario(name: &str) -> Scenario {
    Scenario::load(&root().join(name)).unwrap()
}

/// `name` on the model gives its expected outcome (or, with `NCX_BLESS=1`, becomes it).
fn on_the_model(name: &str) {
    let s = scenario(name);
    let (image, stimulus) = s.prepare().unwrap();
    let outcome = ncx_tests::run_model(&image, &stimulus, s.file.steps).unwrap();
    if std::env::var_os("NCX_BLESS").is_some_and(|v| v == "1") {
        s.bless(&outcome).unwrap();
    }
    assert_eq!(outcome, s.expected().unwrap(), "scenario {} ({}) on the model", s.name, s.file.description);
    assert!(outcome.spikes > 0, "scenario {} has no spikes: it checks too little", s.name);
}

/// `name` on the RTL matches the model in lock step and gives the expected outcome.
fn on_the_rtl(name: &str) {
    let s = scenario(name);
    let (image, stimulus) = s.prepare().unwrap();
    let (outcome, matched) = ncx_tests::run_rtl(&image, &stimulus, s.file.steps)
        .unwrap_or_else(|e| panic!("scenario {} ({}): {e}", s.name, s.file.description));
    assert_eq!(outcome, s.expected().unwrap(), "scenario {} on the RTL", s.name);
    eprintln!("scenario {}: matched {matched} events", s.name);
}

/// The generated tests cover every scenario folder, and there are enough of them.
#[test]
fn every_scenario_has_its_tests() {
    let names: Vec<String> = Scenario::load_all(&root()).unwrap().into_iter().map(|s| s.name).collect();
    assert_eq!(names, SCENARIOS, "the build script's list is stale: touch tests/build.rs");
    assert!(names.len() >= 5, "expected at least 5 scenarios in {}, found {}", root().display(), names.len());
}
