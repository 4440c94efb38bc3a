//! Property: random valid network descriptions (generated as TOML text) compile, and
//! the image's weights equal an independent float → int computation of the documented
//! quantiser (docs/network-format.md §7, §10): the synapses and weights regenerated
//! from SplitMix64, `round(w · q / 2^s)` half away from zero, and the automatic shift
//! the largest that keeps every v-domain value and every one-timestep input in range.

use std::fmt::Write as _;
use std::path::Path;

use ncx::SplitMix64;
use ncx::compile::{self, CompileOptions};
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Pop {
    size: usize,
    threshold: f64,
    reset: f64,
    bias: f64,
}

#[derive(Debug, Clone)]
enum Conn {
    All,
    One,
    Prob(f64, u64),
}

#[derive(Debug, Clone)]
enum Weight {
    Const(f64),
    Uniform(f64, f64, u64),
}

#[derive(Debug, Clone)]
struct Proj {
    from: usize,
    to: usize,
    conn: Conn,
    weight: Weight,
}

#[derive(Debug, Clone)]
struct Net {
    inputs: Vec<usize>,
    pops: Vec<Pop>,
    projs: Vec<Proj>,
    fixed_shift: Option<u8>,
}

fn value(lo: f64, hi: f64) -> impl Strategy<Value = f64> {
    // Multiples of 1/64 keep the TOML text exact.
    ((lo * 64.0) as i64..=(hi * 64.0) as i64).prop_map(|k| k as f64 / 64.0)
}

fn pop() -> impl Strategy<Value = Pop> {
    (1usize..12, value(0.5, 60.0), value(-5.0, 0.0), value(-0.5, 0.5)).prop_map(|(size, threshold, reset, bias)| Pop {
        size,
        threshold,
        reset,
        bias,
    })
}

fn weight() -> impl Strategy<Value = Weight> {
    prop_oneof![
        value(-2.0, 2.0).prop_map(Weight::Const),
        (value(-2.0, 2.0), value(0.0, 1.0), any::<u32>()).prop_map(|(lo, span, seed)| Weight::Uniform(
            lo,
            lo + span,
            u64::from(seed)
        )),
    ]
}

fn net() -> impl Strategy<Value = Net> {
    (prop::collection::vec(1usize..12, 1..4), prop::collection::vec(pop(), 1..4), prop::option::of(0u8..16))
        .prop_flat_map(|(inputs, pops, fixed_shift)| {
            let sources = inputs.len() + pops.len();
            let targets = pops.len();
            let proj = (0..sources, 0..targets, 0u8..3, value(0.05, 1.0), any::<u32>(), weight()).prop_map(
                |(from, to, kind, p, seed, weight)| {
                    let conn = match kind {
                        0 => Conn::All,
                        1 => Conn::One,
                        _ => Conn::Prob(p, u64::from(seed)),
                    };
                    Proj { from, to, conn, weight }
                },
            );
            (Just(inputs), Just(pops), prop::collection::vec(proj, 0..6), Just(fixed_shift))
        })
        .prop_map(|(inputs, pops, mut projs, fixed_shift)| {
            // One projection per (source, target), one_to_one only between equal sizes.
            let mut seen = std::collections::HashSet::new();
            projs.retain(|p| seen.insert((p.from, p.to)));
            let size_of = |i: usize| if i < inputs.len() { inputs[i] } else { pops[i - inputs.len()].size };
            for p in &mut projs {
                if matches!(p.conn, Conn::One) && size_of(p.from) != pops[p.to].size {
                    p.conn = Conn::All;
                }
            }
            Net { inputs, pops, projs, fixed_shift }
        })
}

fn name(net: &Net, i: usize) -> String {
    if i < net.inputs.len() { format!("in{i}") } else { format!("p{}", i - net.inputs.len()) }
}

fn toml(net: &Net) -> String {
    let mut t = String::new();
    if let Some(s) = net.fixed_shift {
        writeln!(t, "[core]\nweight_shift = {s}").unwrap();
    }
    for (i, size) in net.inputs.iter().enumerate() {
        writeln!(t, "[[input]]\nname = \"in{i}\"\nsize = {size}").unwrap();
    }
    for (i, p) in net.pops.iter().enumerate() {
        writeln!(
            t,
            "[[population]]\nname = \"p{i}\"\nsize = {}\nthreshold = {:?}\nreset = {:?}\nbias = {:?}",
            p.size, p.threshold, p.reset, p.bias
        )
        .unwrap();
    }
    for p in &net.projs {
        writeln!(t, "[[projection]]\nfrom = \"{}\"\nto = \"p{}\"", name(net, p.from), p.to).unwrap();
        match p.conn {
            Conn::All => writeln!(t, "connect = \"all_to_all\""),
            Conn::One => writeln!(t, "connect = \"one_to_one\""),
            Conn::Prob(prob, seed) => writeln!(t, "connect = {{ fixed_probability = {prob:?}, seed = {seed} }}"),
        }
        .unwrap();
        match p.weight {
            Weight::Const(w) => writeln!(t, "weight = {w:?}"),
            Weight::Uniform(lo, hi, seed) => writeln!(t, "weight = {{ uniform = [{lo:?}, {hi:?}], seed = {seed} }}"),
        }
        .unwrap();
    }
    t
}

fn unit(rng: &mut SplitMix64) -> f64 {
    (rng.next_u64() >> 11) as f64 / 9_007_199_254_740_992.0
}

/// (core post, core pre, is W_in, float weight) of every synapse, regenerated.
fn synapses(net: &Net) -> Vec<(usize, usize, bool, f64)> {
    let pop_start: Vec<usize> = net.pops.iter().scan(0, |acc, p| Some(std::mem::replace(acc, *acc + p.size))).collect();
    let in_start: Vec<usize> = net.inputs.iter().scan(0, |acc, s| Some(std::mem::replace(acc, *acc + s))).collect();
    let mut out = Vec::new();
    for p in &net.projs {
        let (pre0, pre_size, is_in) = if p.from < net.inputs.len() {
            (in_start[p.from], net.inputs[p.from], true)
        } else {
            let i = p.from - net.inputs.len();
            (pop_start[i], net.pops[i].size, false)
        };
        let (post0, post_size) = (pop_start[p.to], net.pops[p.to].size);
        let pairs: Vec<(usize, usize)> = match p.conn {
            Conn::All => (0..post_size).flat_map(|post| (0..pre_size).map(move |pre| (post, pre))).collect(),
            Conn::One => (0..post_size).map(|i| (i, i)).collect(),
            Conn::Prob(prob, seed) => {
                let mut rng = SplitMix64::new(seed);
                let mut v = Vec::new();
                for post in 0..post_size {
                    for pre in 0..pre_size {
                        if unit(&mut rng) < prob {
                            v.push((post, pre));
                        }
                    }
                }
                v
            }
        };
        let mut draw: Box<dyn FnMut() -> f64> = match p.weight {
            Weight::Const(w) => Box::new(move || w),
            Weight::Uniform(lo, hi, seed) => {
                let mut rng = SplitMix64::new(seed);
                Box::new(move || lo + (hi - lo) * unit(&mut rng))
            }
        };
        for (post, pre) in pairs {
            out.push((post0 + post, pre0 + pre, is_in, draw()));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_networks_compile_to_the_documented_integers(net in net()) {
        let text = toml(&net);
        let c = compile::compile_str(Path::new("random.toml"), &text, &CompileOptions::default())
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        let (n, m) = (c.image.geometry.neurons(), c.image.geometry.inputs());
        let (q, s) = (c.report.scale, c.report.weight_shift);
        let syn = synapses(&net);
        let w_max = syn.iter().fold(0.0f64, |a, x| a.max(x.3.abs()));
        let w_max = if w_max == 0.0 { 1.0 } else { w_max };
        let v_max = net.pops.iter().flat_map(|p| [p.threshold, p.reset, p.bias]).fold(0.0f64, |a, x| a.max(x.abs()));
        // q as documented: 2^s · 127 / W, lowered to 8388607 / V if the v-domain would not
        // fit (only with a fixed shift here: V/W stays far below 66052).
        let full = 2f64.powi(i32::from(s)) * 127.0 / w_max;
        let expected_q = if (v_max * full).round() <= 8_388_607.0 { full } else { 8_388_607.0 / v_max };
        prop_assert_eq!(q, expected_q);
        let mut expected_in = vec![0i8; n * m];
        let mut expected_rec = vec![0i8; n * n];
        let mut pos = vec![0i64; n];
        let mut neg = vec![0i64; n];
        for &(post, pre, is_in, w) in &syn {
            let int = (w * q / 2f64.powi(i32::from(s))).round().clamp(-128.0, 127.0) as i8;
            if is_in { expected_in[post * m + pre] = int } else { expected_rec[post * n + pre] = int }
            if int > 0 { pos[post] += i64::from(int) } else { neg[post] -= i64::from(int) }
        }
        prop_assert_eq!(&c.image.w_in, &expected_in);
        prop_assert_eq!(&c.image.w_rec, &expected_rec);
        for (i, p) in net.pops.iter().enumerate() {
            let start = usize::from(c.image.meta.populations[i].start);
            let params = c.image.neurons[start];
            prop_assert_eq!(params.threshold, (p.threshold * q).round() as i32);
            prop_assert_eq!(params.reset, (p.reset * q).round() as i32);
            prop_assert_eq!(params.bias, (p.bias * q).round() as i32);
        }
        // The automatic shift is the largest that keeps V and every neuron's input in range.
        let ok = |shift: u8| {
            let q = 2f64.powi(i32::from(shift)) * 127.0 / w_max;
            (v_max * q).round() <= 8_388_607.0
                && pos.iter().all(|&p| p << shift <= 8_388_607)
                && neg.iter().all(|&x| x << shift <= 8_388_608)
        };
        match net.fixed_shift {
            Some(fixed) => prop_assert_eq!(s, fixed),
            None => {
                prop_assert!(ok(s));
                prop_assert!(s == 15 || !ok(s + 1), "s = {} but {} also fits", s, s + 1);
            }
        }
        // Deterministic: the same text gives the same image.
        let again = compile::compile_str(Path::new("random.toml"), &text, &CompileOptions::default()).unwrap();
        prop_assert_eq!(&again.image, &c.image);
    }
}
