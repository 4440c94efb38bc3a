//! docs/semantics.md is a contract: its tables of field widths (§2) and schedule
//! constants (§6) must say exactly what `ncx_model::spec` says.

use ncx_model::spec;

const SEMANTICS: &str = include_str!("../../docs/semantics.md");

/// The body of section `## {number}.` of the document.
fn section(number: u32) -> &'static str {
    let heading = format!("\n## {number}. ");
    let start = SEMANTICS.find(&heading).unwrap_or_else(|| panic!("docs/semantics.md has no section {number}"));
    let body = &SEMANTICS[start + heading.len()..];
    &body[..body.find("\n## ").unwrap_or(body.len())]
}

/// The cells of the rows of the first table in `text` (header and rule skipped).
fn first_table(text: &str) -> Vec<Vec<&str>> {
    text.lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| l.trim_matches('|').split('|').map(str::trim).collect())
        .collect()
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
