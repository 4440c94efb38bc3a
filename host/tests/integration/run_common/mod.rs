//! The network the `run_*` tests share: a hand-computed 16 × 16 core whose spikes,
//! probe samples and cycles under `data/run/tiny.toml` are derived by hand in
//! `run_model.rs` (and checked again through the binary in `run_cli.rs`).

use ncx::image::{Block, Image};
use ncx_model::{CoreConfig, Geometry, NeuronParams, StdpConfig, TraceMode};

/// Timesteps the tiny stimulus is written for.
pub(crate) const TINY_STEPS: usize = 6;

/// Path of a fixture under `host/tests/data/run/`.
pub(crate) fn fixture(name: &str) -> String {
    format!("{}/tests/data/run/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn block(name: &str, start: u16, len: u16, record: bool, probe: Vec<u16>) -> Block {
    Block { name: name.to_owned(), start, len, record, probe }
}

/// The tiny network (N = M = 16, weight_shift 0, STDP off, free-running):
///
/// - population `a` = neurons 0, 1 (recorded, probes index 1 = neuron 1);
///   `b` = neuron 2 (recorded, probes index 0 = neuron 2); `hidden` = neuron 3 (not
///   recorded); neurons 4..15 are silent and in no population;
/// - input groups `pix` = inputs 0..3 and `ctl` = inputs 4, 5;
/// - n0: θ 10; n1: θ 15, reset −5, δ_v 2048 (v halves), refractory 1; n2: θ 20;
///   n3: θ 5; all with δ_I = 4095 (I keeps only this timestep's input: |I| < 4096
///   decays to 0), δ_v = 0 unless said, reset 0, bias 0;
/// - W_in[0][0] = 10 (pix:0 → n0), W_in[1][1] = 8 (pix:1 → n1),
///   W_in[3][3] = 5 (pix:3 → n3), W_rec[2][0] = 12 (n0 → n2), W_rec[2][1] = 9 (n1 → n2).
pub(crate) fn tiny_network() -> Image {
    let geometry = Geometry::new(16, 16).expect("16 x 16 is a valid geometry");
    let mut image = Image::empty(geometry);
    image.config = CoreConfig { weight_shift: 0, ..CoreConfig::default() };
    let lif = |threshold| NeuronParams { threshold, reset: 0, bias: 0, v_decay: 0, i_decay: 4095, refractory: 0 };
    image.neurons[0] = lif(10);
    image.neurons[1] = NeuronParams { reset: -5, v_decay: 2048, refractory: 1, ..lif(15) };
    image.neurons[2] = lif(20);
    image.neurons[3] = lif(5);
    // Row-major [post][pre], 16 columns in both matrices.
    let at = |post: usize, pre: usize| post * 16 + pre;
    image.w_in[at(0, 0)] = 10;
    image.w_in[at(1, 1)] = 8;
    image.w_in[at(3, 3)] = 5;
    image.w_rec[at(2, 0)] = 12;
    image.w_rec[at(2, 1)] = 9;
    image.meta.name = "tiny".to_owned();
    image.meta.timestep_us = 1000;
    image.meta.clock_hz = 100_000_000;
    image.meta.populations =
        vec![block("a", 0, 2, true, vec![1]), block("b", 2, 1, true, vec![0]), block("hidden", 3, 1, false, vec![])];
    image.meta.inputs = vec![block("pix", 0, 4, false, vec![]), block("ctl", 4, 2, false, vec![])];
    image
}

/// The STDP example of docs/semantics.md §10.2 as an image: after its 4 timesteps
/// W_in[0][0] = 20 (was 10) and W_in[0][1] = −8 (was 0).
pub(crate) fn stdp_example() -> Image {
    let mut image = Image::empty(Geometry::new(16, 16).expect("valid"));
    let stdp = StdpConfig {
        enabled: true,
        a_plus: 64,
        a_minus: 32,
        shift: 4,
        w_min: -8,
        w_max: 20,
        pre_decay: 2048,
        post_decay: 2048,
        pre_increment: 128,
        post_increment: 128,
        trace_mode: TraceMode::Add,
    };
    image.config = CoreConfig { weight_shift: 0, period: 0, stdp };
    image.neurons[0] = NeuronParams { threshold: 10, reset: 0, bias: 0, v_decay: 0, i_decay: 4095, refractory: 5 };
    image.w_in[0] = 10;
    image.plastic_in[0] = true;
    image.plastic_in[1] = true;
    image.meta.name = "stdp".to_owned();
    image.meta.populations = vec![block("n", 0, 16, false, vec![])];
    image.meta.inputs = vec![block("x", 0, 16, false, vec![])];
    image
}
