//! docs/semantics.md is a contract: its tables of field widths (§2) and schedule
//! constants (§6, with the accumulate lanes' limit) must say exactly what
//! `ncx_model::spec` says.

mod support;

use ncx_model::spec;
use support::docs::first_table;

const SEMANTICS: &str = include_str!("../../docs/semantics.md");

fn section(number: u32) -> &'static str {
    support::docs::section(SEMANTICS, "docs/semantics.md", number)
}

#[test]
fn field_table_matches_spec() {
    let rows = first_table(section(2));
    let documented: Vec<(String, u32, bool, String)> =
        rows.iter().map(|r| (r[0].to_string(), r[1].parse().unwrap(), r[2] == "signed", r[3].to_string())).collect();
    let specified: Vec<(String, u32, bool, String)> = spec::FIELDS
        .iter()
        .map(|f| (f.name.to_string(), f.bits, f.signed, format!("{}..{}", f.min(), f.max()).replace('-', "−")))
        .collect();
    assert_eq!(documented, specified);
}

#[test]
fn schedule_constants_match_spec() {
    let rows = first_table(section(6));
    let documented: Vec<(&str, u64)> = rows.iter().map(|r| (r[0], r[1].parse().unwrap())).collect();
    assert_eq!(
        documented,
        [
            ("FETCH_CYCLES", spec::FETCH_CYCLES),
            ("SLOT_SETUP_CYCLES", spec::SLOT_SETUP_CYCLES),
            ("NEURON_LATENCY", spec::NEURON_LATENCY),
            ("DONE_CYCLES", spec::DONE_CYCLES),
        ]
    );
}

#[test]
fn decay_unit_matches_field_width() {
    assert_eq!(spec::DECAY_ONE, 4096);
    assert!(section(3).contains("decay(x, δ) = trunc(x · (4096 − δ) / 4096)"));
}

#[test]
fn lanes_limit_and_formula_match_spec() {
    let s6 = section(6);
    assert!(s6.contains(&format!("MAX_LANES_LOG2 = {}", spec::MAX_LANES_LOG2)));
    assert!(s6.contains("C = 1 + (k_in + k_prev)(N/P + 2) + (N + 3) + 1"));
}
