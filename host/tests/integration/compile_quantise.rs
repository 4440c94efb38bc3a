//! The quantisation report and the warnings (docs/network-format.md §10.3, §11):
//! error statistics, clipping, the static analysis, and strict mode. Expected values
//! are worked out by hand in the comments.

use std::path::Path;

use ncx::compile::{self, CompileError, CompileOptions, Compiled, ParamKind};

fn compile(text: &str) -> Compiled {
    compile::compile_str(Path::new("net.toml"), text, &CompileOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn messages(c: &Compiled) -> Vec<String> {
    c.report.warnings.iter().map(|w| w.message.clone()).collect()
}

const ONE_TO_ONE: &str = r#"
[[input]]
name = "in"
size = 1
[[projection]]
from = "in"
to = "p"
connect = "all_to_all"
"#;

#[test]
fn error_statistics_per_kind() {
    let c = compile(&format!(
        "{ONE_TO_ONE}weight = 0.3\n[[input]]\nname = \"big\"\nsize = 1\n[[projection]]\nfrom = \"big\"\nto = \"p\"\nconnect = \"all_to_all\"\nweight = 1.0\n[[population]]\nname = \"p\"\nsize = 2\nthreshold = 1.0\ntau_mem = 10\nrefractory = 1.4\n"
    ));
    // W = 1: 0.3 → round(38.1) = 38 → 38/127 = 0.2992126, error 0.0007874; 1.0 → exact.
    let w = c.report.param(ParamKind::Weight).unwrap();
    assert_eq!((w.count, w.clipped), (4, 0));
    assert!((w.max_abs_error - (0.3 - 38.0 / 127.0)).abs() < 1e-12);
    assert!((w.mean_abs_error - (0.3 - 38.0 / 127.0) / 2.0).abs() < 1e-12);
    // tau_mem = 10 ms: δ = round(389.80) = 390; factor 3706/4096 = 0.904785 vs e^−0.1 = 0.904837.
    let tau = c.report.param(ParamKind::TauMem).unwrap();
    assert!((tau.max_abs_error - (0.1f64.exp().recip() - 3706.0 / 4096.0)).abs() < 1e-9, "{}", tau.max_abs_error);
    // refractory 1.4 ms → 1 step, error 0.4 ms, per neuron (2).
    let r = c.report.param(ParamKind::Refractory).unwrap();
    assert_eq!(r.count, 2);
    assert!((r.max_abs_error - 0.4).abs() < 1e-12);
    assert_eq!(c.report.zeroed_weights, 0);
    assert!(c.report.warnings.is_empty(), "{:?}", messages(&c));
    // Kinds in the documented order.
    let kinds: Vec<ParamKind> = c.report.params.iter().map(|p| p.kind).collect();
    let mut sorted = kinds.clone();
    sorted.sort();
    assert_eq!(kinds, sorted);
}

#[test]
fn clipping_and_zeroing_with_a_fixed_scale() {
    let c = compile(&format!(
        "[core]\nscale = 100\nweight_shift = 0\n{ONE_TO_ONE}weight = 2.0\n[[input]]\nname = \"tiny\"\nsize = 1\n[[projection]]\nfrom = \"tiny\"\nto = \"p\"\nconnect = \"all_to_all\"\nweight = 0.001\n[[population]]\nname = \"p\"\nsize = 1\nthreshold = 100000.0\nrefractory = 300\n"
    ));
    // 2.0 · 100 = 200 → clipped to 127; 0.001 · 100 = 0.1 → 0; threshold 10^7 → clipped to 8388607;
    // refractory 300 steps → 255.
    assert_eq!(c.image.w_in[0], 127);
    assert_eq!(c.image.w_in[1], 0);
    assert_eq!(c.report.zeroed_weights, 1);
    assert_eq!(c.image.neurons[0].threshold, 8_388_607);
    assert_eq!(c.image.neurons[0].refractory, 255);
    assert_eq!(
        messages(&c),
        [
            "1 of 1 weights of projection `in -> p` do not fit int8 and were clipped (e.g. 2 is 200 weight steps)",
            "population `p`: `threshold` = 100000 is 10000000 core units at scale q = 100; clipped to 8388607",
            "population `p`: `refractory` = 300 ms is 300 timesteps; the core counts at most 255",
        ]
    );
    assert_eq!(c.report.param(ParamKind::Weight).unwrap().clipped, 1);
    assert_eq!(c.report.param(ParamKind::Threshold).unwrap().clipped, 1);
}

#[test]
fn neurons_that_can_never_fire() {
    let c = compile(&format!(
        "{ONE_TO_ONE}weight = 0.1\n[[population]]\nname = \"p\"\nsize = 1\nthreshold = 100.0\ntau_mem = 1\ntau_syn = 0\n"
    ));
    // W = 0.1, V = 100: 100 · 1270 · 2^s <= 8388607 up to 2^s = 64 → s = 6, q = 81280.
    // Largest input A = 127 · 64 = 8128; δ_I = 4095 → I* = 8128 · 4096/4095 = 8129.98;
    // δ_v = round(4096 · (1 − e^−1)) = 2589 → v* = 8129.98 · 4096/2589 = 12862.3 < 8128000.
    assert_eq!((c.report.weight_shift, c.report.scale), (6, 81280.0));
    assert_eq!(c.report.populations[0].never_fire, [0]);
    assert_eq!(
        messages(&c),
        [
            "population `p`: 1 of 1 neurons can never fire: the highest potential their input and bias can reach is 12862, below the threshold 8128000 (core units)"
        ]
    );
    let w = &c.report.warnings[0];
    assert_eq!(w.key.as_deref(), Some("population[0].name"));
}

#[test]
fn neurons_that_always_fire() {
    let c = compile("[[population]]\nname = \"p\"\nsize = 3\nthreshold = 1.0\nbias = 2.0\n");
    // No input: bias 2 ≥ threshold 1, and after a spike decay(reset 0) + bias = 2 ≥ 1.
    assert_eq!(c.report.populations[0].always_fire, [0, 1, 2]);
    assert!(c.report.populations[0].never_fire.is_empty());
    assert_eq!(messages(&c).len(), 1);
    assert!(
        messages(&c)[0].starts_with("population `p`: 3 of 3 neurons fire in every timestep they are not refractory")
    );
}

#[test]
fn saturation_with_a_forced_shift() {
    let c = compile(
        "[core]\nweight_shift = 15\n[[input]]\nname = \"many\"\nsize = 4\n[[projection]]\nfrom = \"many\"\nto = \"p\"\nconnect = \"all_to_all\"\nweight = 1.0\n[[population]]\nname = \"p\"\nsize = 1\nthreshold = 1.0\n",
    );
    // 4 · 127 = 508; 508 · 2^15 = 16646144 > 8388607.
    let p = &c.report.populations[0];
    assert_eq!((p.max_excitation, p.saturation_possible), (16_646_144, true));
    assert_eq!(
        messages(&c),
        [
            "population `p`: one timestep's synaptic input can reach 16646144 (+16646144 / -0) and saturate I (-8388608..8388607)"
        ]
    );
}

#[test]
fn auto_avoids_saturation_and_counts_plastic_bounds() {
    let text = "[[input]]\nname = \"many\"\nsize = 64\n[[projection]]\nfrom = \"many\"\nto = \"p\"\nconnect = \"all_to_all\"\nweight = 0.25\nplastic = true\n[[population]]\nname = \"p\"\nsize = 1\nthreshold = 1.0\n[stdp]\na_plus = 0.01\na_minus = 0.01\ntau_pre = 20\ntau_post = 20\nw_max = 1.0\n";
    let c = compile(text);
    // W = 1 (w_max). Weights 0.25 → round(31.75) = 32, but plastic up to w_max = 127:
    // P = 64 · 127 = 8128; 8128 · 2^s <= 8388607 up to 2^s = 1024 → s = 10 (V allows 2^16).
    assert_eq!(c.report.weight_shift, 10);
    assert_eq!(c.report.populations[0].max_excitation, 8128 << 10);
    assert!(!c.report.populations[0].saturation_possible);
    assert!(c.report.warnings.is_empty(), "{:?}", messages(&c));
}

#[test]
fn plastic_without_stdp_and_raw_with_auto_scale() {
    let c = compile(&format!(
        "{ONE_TO_ONE}weight = 0.5\nplastic = true\n[[population]]\nname = \"p\"\nsize = 1\n[population.raw]\nthreshold = 10\n"
    ));
    assert_eq!(
        messages(&c),
        [
            "projection `in -> p` is plastic but STDP is not enabled: its weights will not learn",
            "population `p` gives raw core parameters but `core.scale` is \"auto\": its threshold does not follow the scale of the weights",
        ]
    );
}

#[test]
fn a_tiny_stdp_amplitude_and_a_fractional_period() {
    let c = compile(&format!(
        "[core]\npacing = \"fixed\"\ntimestep_ms = 0.001\nclock_mhz = 33.3333\n{ONE_TO_ONE}weight = 1.0\nplastic = true\n[[population]]\nname = \"p\"\nsize = 1\nthreshold = 1.0\n[stdp]\na_plus = 0.0\na_minus = 0.000001\ntau_pre = 1\ntau_post = 1\n"
    ));
    // 0.001 ms · 33.3333 MHz · 1000 = 33.3333 cycles → 33.
    assert_eq!(c.image.config.period, 33);
    let m = messages(&c);
    assert!(m[0].starts_with("the paced period is 33.3333"), "{m:?}");
    assert!(m[1].starts_with("`stdp.a_minus` = 0.000001 is below one weight step"), "{m:?}");
    assert_eq!(m.len(), 2, "{m:?}");
}

#[test]
fn strict_mode_turns_warnings_into_errors() {
    let text = "[[population]]\nname = \"p\"\nsize = 1\nthreshold = 1.0\nbias = 2.0\n[[population]]\nname = \"q\"\nsize = 1\nthreshold = 1.0\n";
    let e = compile::compile_str(Path::new("net.toml"), text, &CompileOptions { strict: true }).unwrap_err();
    let CompileError::Strict(warnings) = &e else { panic!("{e}") };
    // p always fires (bias), q never fires (no input, no bias).
    assert_eq!(warnings.len(), 2);
    let shown = e.to_string();
    assert!(shown.starts_with("population `p`: 1 of 1 neurons fire in every timestep"), "{shown}");
    assert!(shown.contains("\n\nerror: population `q`: 1 of 1 neurons can never fire"), "{shown}");
    assert!(shown.ends_with("strict mode turns warnings into errors: 2 warning(s), no image written"), "{shown}");
    // Without strict it compiles.
    assert!(compile::compile_str(Path::new("net.toml"), text, &CompileOptions::default()).is_ok());
}

#[test]
fn the_json_report_has_the_documented_keys() {
    let c = compile(&format!("{ONE_TO_ONE}weight = 0.5\n[[population]]\nname = \"p\"\nsize = 1\nthreshold = 1.0\n"));
    let json = c.report.to_json();
    let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
    let mut expected = [
        "scale",
        "scale_auto",
        "weight_shift",
        "weight_shift_auto",
        "weight_step",
        "stdp_shift",
        "params",
        "zeroed_weights",
        "populations",
        "warnings",
    ];
    expected.sort_unstable();
    assert_eq!(keys, expected);
    assert_eq!(json["params"][0]["kind"], "weight");
    assert_eq!(json["populations"][0]["name"], "p");
    let text = c.report.to_string();
    assert!(text.starts_with("scale q = "), "{text}");
}
