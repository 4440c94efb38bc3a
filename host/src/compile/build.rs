//! Filling the image: neuron parameters, both weight matrices with their enable bits,
//! and the STDP configuration, quantised with a chosen [`Scaling`], while recording
//! the error of every value and a warning for everything clipped or suspicious.

use std::collections::BTreeMap;

use ncx_model::{NeuronParams, StdpConfig};

use super::place::Placement;
use super::quantise::{self, pow2};
use super::report::{ParamKind, ParamStats};
use crate::image::Image;
use crate::network::{Diagnostic, Locs, Network, NeuronModel, Refractory, Source};

/// What quantisation did: error statistics, zeroed weights, warnings.
#[derive(Default)]
pub(crate) struct Log {
    pub(crate) stats: BTreeMap<ParamKind, ParamStats>,
    pub(crate) zeroed: usize,
    pub(crate) warnings: Vec<Diagnostic>,
}

impl Log {
    fn add(&mut self, kind: ParamKind, error: f64, clipped: bool) {
        self.stats.entry(kind).or_insert_with(|| ParamStats::new(kind)).add(error, clipped);
    }

    /// Record a warning about `key` of the table at `locs`.
    pub(crate) fn warn(&mut self, locs: &Locs, key: &str, message: String, help: &str) {
        self.warnings.push(Diagnostic::new(message).at_key(locs, key).help(help.to_owned()));
    }
}

/// Core index of a projection's pre-synaptic group start, and whether it is `W_in`.
fn source_start(p: &Placement, source: Source) -> (usize, bool) {
    match source {
        Source::Input(i) => (usize::from(p.inputs[i]), true),
        Source::Population(i) => (usize::from(p.populations[i]), false),
    }
}

/// Write every projection's weights and enable bits (and, if `log` is given, statistics
/// and warnings) at scale `q` and shift `s`.
pub(crate) fn weights(image: &mut Image, net: &Network, place: &Placement, q: f64, s: u8, mut log: Option<&mut Log>) {
    let (n, m) = (image.geometry.neurons(), image.geometry.inputs());
    for proj in &net.projections {
        let (pre0, is_in) = source_start(place, proj.from);
        let post0 = usize::from(place.populations[proj.to]);
        let mut clipped = 0usize;
        let mut worst = 0.0f64;
        for syn in &proj.synapses {
            let (post, pre) = (post0 + usize::from(syn.post), pre0 + usize::from(syn.pre));
            let w = quantise::weight(syn.weight, q, s);
            let at = if is_in { post * m + pre } else { post * n + pre };
            if is_in {
                image.w_in[at] = w.value;
                image.plastic_in[at] = proj.plastic;
            } else {
                image.w_rec[at] = w.value;
                image.plastic_rec[at] = proj.plastic;
            }
            if let Some(log) = log.as_deref_mut() {
                log.add(ParamKind::Weight, f64::from(w.value) * pow2(s) / q - syn.weight, w.clipped);
                log.zeroed += usize::from(w.value == 0 && syn.weight != 0.0);
                if w.clipped {
                    clipped += 1;
                    worst = if syn.weight.abs() > worst.abs() { syn.weight } else { worst };
                }
            }
        }
        if let Some(log) = log.as_deref_mut()
            && clipped > 0
        {
            let key = if proj.locs.keys.contains_key("matrix") { "matrix" } else { "weight" };
            log.warn(
                &proj.locs,
                key,
                format!(
                    "{clipped} of {} weights of projection `{}` do not fit int8 and were clipped (e.g. {worst} is {} weight steps)",
                    proj.synapses.len(),
                    proj.name,
                    (worst * q / pow2(s)).round()
                ),
                "let the compiler choose: `weight_shift = \"auto\"` and `scale = \"auto\"` in [core], or lower `scale` / raise `weight_shift`",
            );
        }
    }
}

/// The parameters of every population's neurons.
pub(crate) fn neurons(image: &mut Image, net: &Network, place: &Placement, q: f64, log: &mut Log) {
    let dt = net.core.timestep_ms;
    for (pop, &start) in net.populations.iter().zip(&place.populations) {
        let params = match pop.model {
            NeuronModel::Raw(raw) => raw,
            NeuronModel::Float(f) => {
                let mut v = |kind: ParamKind, key: &str, x: f64| {
                    let r = quantise::vdomain(x, q);
                    for _ in 0..pop.size {
                        log.add(kind, f64::from(r.value) / q - x, r.clipped);
                    }
                    if r.clipped {
                        log.warn(
                            &pop.locs,
                            key,
                            format!(
                                "population `{}`: `{key}` = {x} is {} core units at scale q = {q}; clipped to {}",
                                pop.name,
                                (x * q).round(),
                                r.value
                            ),
                            "v-domain values are 24-bit: lower `scale` in [core] or set it to \"auto\"",
                        );
                    } else if key == "threshold" && x > 0.0 && r.value == 0 {
                        log.warn(
                            &pop.locs,
                            key,
                            format!(
                                "population `{}`: `threshold` = {x} is below half a core unit at scale q = {q:e} and \
                                 becomes 0: its neurons reach it without any input",
                                pop.name
                            ),
                            "the scale follows the largest weight: weights far larger than the thresholds leave no \
                             resolution for them; lower the weights or raise the threshold, or fix `scale` in [core]",
                        );
                    }
                    r.value
                };
                let (threshold, reset, bias) = (
                    v(ParamKind::Threshold, "threshold", f.threshold),
                    v(ParamKind::Reset, "reset", f.reset),
                    v(ParamKind::Bias, "bias", f.bias),
                );
                let mut decay = |kind: ParamKind, tau| {
                    let d = quantise::decay(tau, dt);
                    let error = quantise::real_factor(d.value) - quantise::ideal_factor(tau, dt);
                    for _ in 0..pop.size {
                        log.add(kind, error, d.clipped);
                    }
                    d.value
                };
                let (v_decay, i_decay) = (decay(ParamKind::TauMem, f.tau_mem), decay(ParamKind::TauSyn, f.tau_syn));
                let refractory = match f.refractory {
                    Refractory::Steps(steps) => steps,
                    Refractory::Ms(ms) => {
                        let r = quantise::refractory(ms, dt);
                        for _ in 0..pop.size {
                            log.add(ParamKind::Refractory, f64::from(r.value) * dt - ms, r.clipped);
                        }
                        if r.clipped {
                            log.warn(
                                &pop.locs,
                                "refractory",
                                format!(
                                    "population `{}`: `refractory` = {ms} ms is {} timesteps; the core counts at most 255",
                                    pop.name,
                                    (ms / dt).round()
                                ),
                                "shorten the refractory period or lengthen `timestep_ms`",
                            );
                        }
                        r.value
                    }
                };
                NeuronParams { threshold, reset, bias, v_decay, i_decay, refractory }
            }
        };
        let start = usize::from(start);
        image.neurons[start..start + pop.size].fill(params);
    }
}

/// The STDP configuration (and its shift), or the power-on one without `[stdp]`.
pub(crate) fn stdp(net: &Network, q: f64, s: u8, log: &mut Log) -> (StdpConfig, Option<u8>) {
    let Some(spec) = &net.stdp else { return (StdpConfig::default(), None) };
    let (cfg, locs, dt) = (&spec.stdp, &spec.locs, net.core.timestep_ms);
    let mut bound = |kind: ParamKind, key: &str, value: Option<f64>, default: i8| match value {
        None => default,
        Some(w) => {
            let r = quantise::weight(w, q, s);
            log.add(kind, f64::from(r.value) * pow2(s) / q - w, r.clipped);
            if r.clipped {
                log.warn(
                    locs,
                    key,
                    format!("`stdp.{key}` = {w} is {} weight steps; clipped to {}", (w * q / pow2(s)).round(), r.value),
                    "weight bounds are int8 like the weights: use a bound within the weights' range",
                );
            }
            r.value
        }
    };
    let w_min = bound(ParamKind::WMin, "w_min", cfg.w_min, i8::MIN);
    let w_max = bound(ParamKind::WMax, "w_max", cfg.w_max, i8::MAX);
    let mut decay = |kind: ParamKind, tau| {
        let d = quantise::decay(tau, dt);
        log.add(kind, quantise::real_factor(d.value) - quantise::ideal_factor(tau, dt), d.clipped);
        d.value
    };
    let (pre_decay, post_decay) = (decay(ParamKind::TauPre, cfg.tau_pre), decay(ParamKind::TauPost, cfg.tau_post));
    // Amplitudes in weight steps at distance 0 (trace = increment): A · inc / 2^shift.
    let steps = |a: f64| a * q / pow2(s);
    let (plus, minus) = (steps(cfg.a_plus), steps(cfg.a_minus));
    let (inc_pre, inc_post) = (f64::from(cfg.pre_increment), f64::from(cfg.post_increment));
    let amplitude = |target: f64, inc: f64, sh: u8| quantise::clamp_u8(target * pow2(sh) / inc);
    let shift = (0..=15u8)
        .rev()
        .find(|&sh| !amplitude(plus, inc_pre, sh).clipped && !amplitude(minus, inc_post, sh).clipped)
        .unwrap_or(0);
    let mut amp = |kind: ParamKind, key: &str, a: f64, target: f64, inc: u8| {
        let r = amplitude(target, f64::from(inc), shift);
        let effective = (u32::from(r.value) * u32::from(inc)) >> shift;
        log.add(kind, f64::from(effective) * pow2(s) / q - a, r.clipped);
        if r.clipped {
            log.warn(
                locs,
                key,
                format!("`stdp.{key}` = {a} needs an amplitude above 255 at the trace increment {inc}; clipped to 255"),
                "lower the amplitude, or raise the trace increment",
            );
        } else if a > 0.0 && effective == 0 {
            log.warn(
                locs,
                key,
                format!(
                    "`stdp.{key}` = {a} is below one weight step ({}): no synapse will ever change by it",
                    pow2(s) / q
                ),
                "raise the amplitude; one weight step is 2^weight_shift / scale",
            );
        }
        r.value
    };
    let a_plus = amp(ParamKind::APlus, "a_plus", cfg.a_plus, plus, cfg.pre_increment);
    let a_minus = amp(ParamKind::AMinus, "a_minus", cfg.a_minus, minus, cfg.post_increment);
    let config = StdpConfig {
        enabled: cfg.enabled,
        a_plus,
        a_minus,
        shift,
        w_min,
        w_max,
        pre_decay,
        post_decay,
        pre_increment: cfg.pre_increment,
        post_increment: cfg.post_increment,
        trace_mode: cfg.mode,
    };
    (config, Some(shift))
}

/// Every float weight, including the STDP bounds that are given (what W is taken from).
pub(crate) fn float_weights(net: &Network) -> Vec<f64> {
    let mut all: Vec<f64> = net.projections.iter().flat_map(|p| p.synapses.iter().map(|s| s.weight)).collect();
    if let Some(spec) = &net.stdp {
        all.extend(spec.stdp.w_min);
        all.extend(spec.stdp.w_max);
    }
    all
}

/// Every float v-domain value (what V is taken from).
pub(crate) fn float_vdomain(net: &Network) -> Vec<f64> {
    net.populations
        .iter()
        .filter_map(|p| match p.model {
            NeuronModel::Float(f) => Some([f.threshold, f.reset, f.bias]),
            NeuronModel::Raw(_) => None,
        })
        .flatten()
        .collect()
}
