//! Good network descriptions compile into the image the format promises: placement,
//! metadata, every connectivity, seeded draws, signs, plastic bits, raw parameters,
//! pacing; and the same input always gives the same image and bytes. Expected values
//! are worked out by hand from docs/network-format.md (arithmetic in the comments).

use crate::npy_support;

use std::fs;
use std::path::{Path, PathBuf};

use ncx::SplitMix64;
use ncx::compile::{self, CompileOptions, Compiled};
use ncx::image::codec;
use ncx_model::NeuronParams;

fn good(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/networks/good").join(file)
}

fn compile_text(dir: &Path, text: &str) -> Compiled {
    let path = dir.join("net.toml");
    fs::write(&path, text).unwrap();
    compile::compile_file(&path, &CompileOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn w_in(c: &Compiled, post: usize, pre: usize) -> i8 {
    c.image.w_in[post * c.image.geometry.inputs() + pre]
}

fn w_rec(c: &Compiled, post: usize, pre: usize) -> i8 {
    c.image.w_rec[post * c.image.geometry.neurons() + pre]
}

/// The documented uniform number: the top 53 bits of the next output.
fn unit(rng: &mut SplitMix64) -> f64 {
    (rng.next_u64() >> 11) as f64 / 9_007_199_254_740_992.0
}

#[test]
fn placement_follows_include_order_and_fills_the_metadata() {
    let c = compile::compile_file(&good("placement.toml"), &CompileOptions::default()).unwrap();
    let meta = &c.image.meta;
    assert_eq!(meta.name, "placed");
    // 0.5 ms = 500 µs; 50 MHz = 50_000_000 Hz.
    assert_eq!((meta.timestep_us, meta.clock_hz), (500, 50_000_000));
    // Included first: population a (10) then b (30) → 40 neurons → N = 64;
    // inputs in (20) then cue (5) → 25 → M = 32.
    assert_eq!((c.image.geometry.neurons(), c.image.geometry.inputs()), (64, 32));
    let pops: Vec<_> = meta.populations.iter().map(|b| (b.name.as_str(), b.start, b.len, b.record)).collect();
    assert_eq!(pops, [("a", 0, 10, true), ("b", 10, 30, false)]);
    assert_eq!(meta.populations[0].probe, [1, 3]);
    assert_eq!(meta.populations[1].probe, (0..30).collect::<Vec<u16>>());
    let inputs: Vec<_> = meta.inputs.iter().map(|b| (b.name.as_str(), b.start, b.len)).collect();
    assert_eq!(inputs, [("in", 0, 20), ("cue", 20, 5)]);
    // Unused neurons stay silent with zero weights.
    assert!(c.image.neurons[40..].iter().all(|p| *p == NeuronParams::SILENT));
    assert!((40..64).all(|n| (0..32).all(|m| w_in(&c, n, m) == 0) && (0..64).all(|j| w_rec(&c, n, j) == 0)));
    // cue (inputs 20..25) → a (neurons 0..10) at 0.5; in (0..20) → b (10..40) at 0.25.
    // W = 0.5, so 0.5 → 127 and 0.25 → round(63.5) = 64.
    assert!((0..10).all(|n| (20..25).all(|m| w_in(&c, n, m) == 127) && (0..20).all(|m| w_in(&c, n, m) == 0)));
    assert!((10..40).all(|n| (0..20).all(|m| w_in(&c, n, m) == 64) && (20..25).all(|m| w_in(&c, n, m) == 0)));
    assert_eq!(c.network.files.len(), 2);
}

#[test]
fn every_connectivity_lands_where_the_format_says() {
    let c = compile::compile_file(&good("connectivity.toml"), &CompileOptions::default()).unwrap();
    // W = 1 (the matrix's −1), V = 100: 100 · 127 · 2^s <= 8388607 up to 2^s = 512 → s = 9,
    // q = 512 · 127 = 65024; the largest one-timestep input (272 · 512) cannot saturate.
    assert_eq!((c.report.weight_shift, c.report.scale), (9, 65024.0));
    // Populations: all 0..3, one 3..7, listed 7..10, dense 10..12.
    // all_to_all in → all at 0.5: round(63.5) = 64.
    assert!((0..3).all(|n| (0..4).all(|m| w_in(&c, n, m) == 64)));
    // one_to_one in → one at −0.25: round(−31.75) = −32, only on the diagonal.
    for i in 0..4 {
        for m in 0..4 {
            assert_eq!(w_in(&c, 3 + i, m), if i == m { -32 } else { 0 });
        }
    }
    // pairs.csv (0,2), (3,1) at 1.0 → 127, and they are the only plastic synapses.
    assert_eq!((w_in(&c, 9, 0), w_in(&c, 8, 3)), (127, 127));
    let plastic: Vec<usize> = (0..c.image.plastic_in.len()).filter(|&i| c.image.plastic_in[i]).collect();
    assert_eq!(plastic, [8 * 16 + 3, 9 * 16]);
    assert!(c.image.plastic_rec.iter().all(|&p| !p));
    // Inline pairs one[3] → listed[0], one[0] → listed[2] at 0.75: round(95.25) = 95.
    assert_eq!((w_rec(&c, 7, 6), w_rec(&c, 9, 3)), (95, 95));
    // matrix_2x2.csv, rows = post: [0.5, 0.25], [0, −1] → 64, 32, (none), −127.
    assert_eq!((w_rec(&c, 10, 10), w_rec(&c, 10, 11), w_rec(&c, 11, 10), w_rec(&c, 11, 11)), (64, 32, 0, -127));
    // one_to_one all → all (recurrent) at 0.125: round(15.875) = 16.
    assert!((0..3).all(|i| w_rec(&c, i, i) == 16));
    // Threshold 100 · 65024.
    assert!(c.image.neurons[..12].iter().all(|p| p.threshold == 6_502_400));
    let total: usize = c.network.projections.iter().map(|p| p.synapses.len()).sum();
    assert_eq!(total, 12 + 4 + 2 + 2 + 3 + 3);
    assert_eq!(c.image.w_in.iter().chain(&c.image.w_rec).filter(|&&w| w != 0).count(), total);
}

#[test]
fn the_documented_example_of_the_scale_choice() {
    // docs §10.1: W = 2, V = 1000 → s = 7, q = 8128; 0.5 → round(31.75) = 32.
    let dir = tempfile::tempdir().unwrap();
    let c = compile_text(
        dir.path(),
        r#"
[[input]]
name = "in"
size = 2
[[population]]
name = "p"
size = 2
threshold = 1000
[[projection]]
from = "in"
to = "p"
pairs = [[0, 0]]
weight = 2.0
[[projection]]
from = "in"
to = "p"
pairs = [[1, 1]]
weight = 0.5
"#,
    );
    assert_eq!((c.report.weight_shift, c.report.scale), (7, 8128.0));
    assert_eq!((w_in(&c, 0, 0), w_in(&c, 1, 1)), (127, 32));
    assert_eq!(c.image.neurons[0].threshold, 8_128_000);
    assert_eq!(c.image.config.weight_shift, 7);
}

#[test]
fn decays_refractory_and_pacing() {
    let dir = tempfile::tempdir().unwrap();
    let c = compile_text(
        dir.path(),
        r#"
[core]
pacing = "fixed"
timestep_ms = 1
clock_mhz = 100
[[population]]
name = "p"
size = 1
threshold = 1.0
reset = -0.5
bias = 0.25
tau_mem = 20
tau_syn = 5
refractory = 2.5
[[population]]
name = "q"
size = 1
threshold = 1.0
tau_syn = 0
refractory_steps = 7
[[population]]
name = "r"
size = 1
threshold = 1.0
tau_mem = "inf"
tau_syn = inf
"#,
    );
    let p = c.image.neurons[0];
    // No weights: W = 1, V = 1 → s = 15 (1 · 127 · 32768 = 4161536 fits), q = 4161536.
    assert_eq!(c.report.scale, 4_161_536.0);
    // reset −0.5 · q = −2080768; bias 0.25 · q = 1040384.
    assert_eq!((p.threshold, p.reset, p.bias), (4_161_536, -2_080_768, 1_040_384));
    // 4096 · (1 − e^−1/20) = 4096 · 0.0487706 = 199.76 → 200; 4096 · (1 − e^−1/5) = 742.48 → 742.
    assert_eq!((p.v_decay, p.i_decay), (200, 742));
    // round(2.5) = 3 (half away from zero).
    assert_eq!(p.refractory, 3);
    let q = c.image.neurons[1];
    // tau_mem absent = no decay; tau_syn = 0 → 4095; refractory_steps exact.
    assert_eq!((q.v_decay, q.i_decay, q.refractory), (0, 4095, 7));
    // "inf" and TOML inf both mean no decay.
    let r = c.image.neurons[2];
    assert_eq!((r.v_decay, r.i_decay), (0, 0));
    // 1 ms at 100 MHz = 100000 cycles.
    assert_eq!(c.image.config.period, 100_000);
}

#[test]
fn raw_parameters_are_copied_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let c = compile_text(
        dir.path(),
        r#"
[[population]]
name = "r"
size = 3
[population.raw]
threshold = 1000
reset = -100
bias = 10
v_decay = 410
i_decay = 2048
refractory = 1
"#,
    );
    let expected = NeuronParams { threshold: 1000, reset: -100, bias: 10, v_decay: 410, i_decay: 2048, refractory: 1 };
    assert_eq!(&c.image.neurons[..3], &[expected; 3]);
    assert!(c.report.params.is_empty(), "raw values are exact and not counted");
}

#[test]
fn fixed_probability_and_uniform_weights_follow_the_documented_generator() {
    let dir = tempfile::tempdir().unwrap();
    let c = compile_text(
        dir.path(),
        r#"
[[input]]
name = "in"
size = 20
[[population]]
name = "p"
size = 10
threshold = 10.0
[[projection]]
from = "in"
to = "p"
connect = { fixed_probability = 0.3, seed = 42 }
weight = { uniform = [-0.5, 1.5], seed = 7 }
"#,
    );
    // Independent re-computation: one draw per (post, pre) in post-major order decides
    // the synapse; the weight generator draws once per synapse in the same order.
    let (mut conn, mut wgen) = (SplitMix64::new(42), SplitMix64::new(7));
    let mut expected = [0.0f64; 10 * 20];
    let mut present = [false; 10 * 20];
    for post in 0..10 {
        for pre in 0..20 {
            if unit(&mut conn) < 0.3 {
                present[post * 20 + pre] = true;
                expected[post * 20 + pre] = -0.5 + 2.0 * unit(&mut wgen);
            }
        }
    }
    let w_max = expected.iter().fold(0.0f64, |m, w| m.max(w.abs()));
    let (q, s) = (c.report.scale, c.report.weight_shift);
    assert_eq!(q, 2f64.powi(i32::from(s)) * 127.0 / w_max);
    let count = present.iter().filter(|&&p| p).count();
    assert!((40..80).contains(&count), "{count} synapses for p = 0.3 of 200");
    for post in 0..10 {
        for pre in 0..20 {
            let want = if present[post * 20 + pre] {
                (expected[post * 20 + pre] * q / 2f64.powi(i32::from(s))).round().clamp(-128.0, 127.0) as i8
            } else {
                0
            };
            assert_eq!(w_in(&c, post, pre), want, "synapse {pre} -> {post}");
        }
    }
}

#[test]
fn normal_weights_follow_box_muller() {
    let dir = tempfile::tempdir().unwrap();
    let c = compile_text(
        dir.path(),
        r#"
[[input]]
name = "in"
size = 16
[[population]]
name = "p"
size = 16
threshold = 50.0
[[projection]]
from = "in"
to = "p"
connect = "all_to_all"
weight = { normal = [-1.0, 0.25], seed = 11 }
sign = "inhibitory"
"#,
    );
    let mut rng = SplitMix64::new(11);
    let floats: Vec<f64> = (0..256)
        .map(|_| {
            let u1 = 1.0 - unit(&mut rng);
            let u2 = unit(&mut rng);
            -1.0 + 0.25 * (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
        })
        .collect();
    let (q, s) = (c.report.scale, c.report.weight_shift);
    for (i, w) in floats.iter().enumerate() {
        let x = w * q / 2f64.powi(i32::from(s));
        let got = w_in(&c, i / 16, i % 16);
        // The platform's ln/cos may differ from the compiler's in the last bit; only a
        // value within 1e-9 of a rounding boundary could round differently.
        if (x.abs().fract() - 0.5).abs() > 1e-9 {
            assert_eq!(got, x.round().clamp(-128.0, 127.0) as i8, "synapse {i}");
        }
    }
}

#[test]
fn npy_matrices_in_c_and_fortran_order() {
    let dir = tempfile::tempdir().unwrap();
    // rows = post (2), columns = pre (3).
    let c_order = [0.5f64, 0.0, -1.0, 0.25, 2.0, 0.0];
    write_npy(
        &dir.path().join("c.npy"),
        "<f8",
        false,
        &[2, 3],
        &c_order.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<_>>(),
    );
    // The same matrix as int8 in Fortran (column-major) order: [[1, 0, -2], [3, 4, 0]].
    let f_bytes: Vec<u8> = [1i8, 3, 0, 4, -2, 0].iter().map(|&x| x as u8).collect();
    write_npy(&dir.path().join("f.npy"), "|i1", true, &[2, 3], &f_bytes);
    let c = compile_text(
        dir.path(),
        r#"
[core]
weight_shift = 0
scale = 50.0
[[input]]
name = "in"
size = 3
[[input]]
name = "in2"
size = 3
[[population]]
name = "p"
size = 2
threshold = 10.0
[[projection]]
from = "in"
to = "p"
matrix = "c.npy"
[[projection]]
from = "in2"
to = "p"
matrix = "f.npy"
"#,
    );
    // q = 50, s = 0: 0.5 → 25, −1 → −50, 0.25 → round(12.5) = 13, 2 → 100.
    assert_eq!([w_in(&c, 0, 0), w_in(&c, 0, 1), w_in(&c, 0, 2)], [25, 0, -50]);
    assert_eq!([w_in(&c, 1, 0), w_in(&c, 1, 1), w_in(&c, 1, 2)], [13, 100, 0]);
    // 1 → 50, −2 → −100, 3 → 150 → clipped to 127, 4 → 200 → 127.
    assert_eq!([w_in(&c, 0, 3), w_in(&c, 0, 4), w_in(&c, 0, 5)], [50, 0, -100]);
    assert_eq!([w_in(&c, 1, 3), w_in(&c, 1, 4), w_in(&c, 1, 5)], [127, 127, 0]);
    assert_eq!(c.report.param(compile::ParamKind::Weight).unwrap().clipped, 2);
}

#[test]
fn a_wrong_npy_shape_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    write_npy(&dir.path().join("w.npy"), "<f8", false, &[3, 2], &[0u8; 48]);
    fs::write(
        dir.path().join("net.toml"),
        "[[input]]\nname = \"in\"\nsize = 3\n[[population]]\nname = \"p\"\nsize = 2\nthreshold = 1.0\n[[projection]]\nfrom = \"in\"\nto = \"p\"\nmatrix = \"w.npy\"\n",
    )
    .unwrap();
    let e = compile::compile_file(&dir.path().join("net.toml"), &CompileOptions::default()).unwrap_err().to_string();
    let first = e.lines().next().unwrap();
    assert_eq!(
        first,
        format!(
            "matrix `{}` has shape [3, 2]; projection `in -> p` (p: 2 x in: 3) needs [2, 3]",
            dir.path().join("w.npy").display()
        )
    );
    assert!(e.contains("net.toml:11:10"), "{e}");
}

/// Write a version 1.0 .npy file of `shape` (C order unless `fortran`).
fn write_npy(path: &Path, descr: &str, fortran: bool, shape: &[usize], data: &[u8]) {
    let dims: Vec<String> = shape.iter().map(usize::to_string).collect();
    fs::write(path, npy_support::npy(descr, fortran, &format!("({})", dims.join(", ")), data)).unwrap();
}

#[test]
fn stdp_is_quantised_as_documented() {
    let dir = tempfile::tempdir().unwrap();
    let c = compile_text(
        dir.path(),
        r#"
[[input]]
name = "in"
size = 1
[[population]]
name = "p"
size = 1
threshold = 10.0
[[projection]]
from = "in"
to = "p"
connect = "all_to_all"
weight = 1.0
plastic = true
[stdp]
a_plus = 0.1
a_minus = 0.05
tau_pre = 20
tau_post = 10
w_min = -0.5
w_max = 1.0
mode = "set"
"#,
    );
    // W = 1, V = 10: 10 · 127 · 2^s <= 8388607 up to 2^s = 4096 → s = 12, q = 520192.
    assert_eq!((c.report.weight_shift, c.report.scale), (12, 520_192.0));
    let stdp = c.image.config.stdp;
    // a_plus = 0.1 → 12.7 steps; 12.7 · 2^sh / 128 <= 255 up to sh = 11 (203.2 → 203);
    // a_minus = 0.05 → 6.35 steps → 6.35 · 2048 / 128 = 101.6 → 102.
    assert_eq!((stdp.shift, stdp.a_plus, stdp.a_minus), (11, 203, 102));
    // δ_pre = round(4096 · (1 − e^−0.05)) = 200, δ_post = round(4096 · (1 − e^−0.1)) = round(389.8) = 390.
    assert_eq!((stdp.pre_decay, stdp.post_decay), (200, 390));
    // w_min = −0.5 · 127 = −63.5 → −64, w_max = 127.
    assert_eq!((stdp.w_min, stdp.w_max), (-64, 127));
    assert_eq!((stdp.pre_increment, stdp.post_increment, stdp.trace_mode), (128, 128, ncx_model::TraceMode::Set));
    assert!(stdp.enabled && c.image.plastic_in[0]);
    // Effective A+ = floor(203 · 128 / 2048) = 12 steps = 12/127 = 0.094488…; error 0.005512.
    let err = c.report.param(compile::ParamKind::APlus).unwrap().max_abs_error;
    assert!((err - (0.1 - 12.0 / 127.0)).abs() < 1e-12, "{err}");
    assert_eq!(c.report.stdp_shift, Some(11));
}

#[test]
fn the_same_input_gives_the_same_image_and_bytes() {
    let opts = CompileOptions::default();
    for file in ["placement.toml", "connectivity.toml"] {
        let a = compile::compile_file(&good(file), &opts).unwrap();
        let b = compile::compile_file(&good(file), &opts).unwrap();
        assert_eq!(a.image, b.image);
        assert_eq!(codec::encode(&a.image), codec::encode(&b.image));
        assert_eq!(a.report, b.report);
    }
}

#[test]
fn every_good_fixture_compiles_and_loads_into_a_core() {
    for file in ["placement.toml", "connectivity.toml"] {
        let c = compile::compile_file(&good(file), &CompileOptions::default()).unwrap();
        c.image.to_core().unwrap();
        codec::check(&c.image).unwrap();
    }
}
