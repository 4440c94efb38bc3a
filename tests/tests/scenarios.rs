//! The golden scenarios of `tests/scenarios/` (see the crate documentation): each on
//! the reference model and on the RTL core in lock step, both against `expected.toml`.
//! `NCX_BLESS=1` rewrites `expected.toml` from the model.

use std::path::Path;

use ncx_tests::Scenario;

fn scenarios() -> Vec<Scenario> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let all = Scenario::load_all(&root).unwrap();
    assert!(all.len() >= 5, "expected at least 5 scenarios in {}, found {}", root.display(), all.len());
    all
}

#[test]
fn every_scenario_on_the_model_gives_its_expected_outcome() {
    let bless = std::env::var_os("NCX_BLESS").is_some_and(|v| v == "1");
    for s in scenarios() {
        let (image, stimulus) = s.prepare().unwrap();
        let outcome = ncx_tests::run_model(&image, &stimulus, s.file.steps).unwrap();
        if bless {
            s.bless(&outcome).unwrap();
        }
        assert_eq!(outcome, s.expected().unwrap(), "scenario {} ({}) on the model", s.name, s.file.description);
        assert!(outcome.spikes > 0, "scenario {} has no spikes: it checks too little", s.name);
    }
}

#[test]
fn every_scenario_on_the_rtl_matches_the_model_in_lock_step() {
    if !ncx_hdl::COSIM_AVAILABLE {
        eprintln!("SKIPPED: the RTL scenarios need Verilator (bash scripts/setup.sh), which this build lacks");
        return;
    }
    for s in scenarios() {
        let (image, stimulus) = s.prepare().unwrap();
        let (outcome, matched) = ncx_tests::run_rtl(&image, &stimulus, s.file.steps)
            .unwrap_or_else(|e| panic!("scenario {} ({}): {e}", s.name, s.file.description));
        assert_eq!(outcome, s.expected().unwrap(), "scenario {} on the RTL", s.name);
        eprintln!("scenario {}: matched {matched} events", s.name);
    }
}
