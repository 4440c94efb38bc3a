//! The timestep-level fast path: a whole timestep per call, event-driven and
//! cache-friendly, bit-identical in state, events and cycle stamps to the cycle
//! engine (checked by the equivalence property tests).
//!
//! Work is proportional to activity: each spike costs one contiguous column of its
//! matrix (whatever the core's accumulate lanes: they change only the cycle stamps,
//! which come from [`Schedule::with_lanes`]), and the neuron phase is one branch-free
//! (vectorised) pass over N neurons. STDP computes each neuron's Δ once per timestep
//! instead of once per synapse. When the sink discards events ([`EventSink::DISCARDS`])
//! the STDP phases use kernels that visit synapses in memory order rather than cycle
//! order — the final state is the same because every synapse is depressed at most once
//! and then potentiated at most once per timestep. The whole timestep is compiled
//! twice, for the baseline x86-64 and for AVX2, and the CPU picks at run time.

use crate::arith::{decay_trace, depress, potentiate, stdp_delta};
use crate::core::{Core, Scratch, TimestepReport, effective_trace, integrate};
use crate::error::ModelError;
use crate::event::{Event, EventKind, EventSink};
use crate::memory::{Matrix, Synapses};
use crate::params::{NeuronParams, NeuronState, StdpConfig};
use crate::schedule::{Activity, Schedule};
use crate::spec::{NEURON_LATENCY, SLOT_SETUP_CYCLES};
use crate::time::{Cycle, Timestep};

impl Core {
    /// Run one whole timestep with the given input spikes (any order; duplicates are
    /// merged) and return what it did. Events go to `sink` in cycle order.
    ///
    /// The core must be idle; afterwards it is idle again and [`Core::cycle`] has
    /// advanced by the timestep's length (including the pacing wait).
    pub fn run_timestep<S: EventSink>(&mut self, inputs: &[u16], sink: &mut S) -> Result<TimestepReport, ModelError> {
        self.ensure_idle()?;
        self.latch_inputs(inputs)?;
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            return Ok(self.timestep_avx2(sink));
        }
        Ok(self.run_phases(sink))
    }

    /// [`Core::run_phases`] compiled for AVX2.
    #[cfg(target_arch = "x86_64")]
    #[allow(unsafe_code)]
    fn timestep_avx2<S: EventSink>(&mut self, sink: &mut S) -> TimestepReport {
        #[target_feature(enable = "avx2")]
        fn body<S: EventSink>(core: &mut Core, sink: &mut S) -> TimestepReport {
            core.run_phases(sink)
        }
        // SAFETY: the only precondition of calling a function compiled with
        // `target_feature(enable = "avx2")` is that the CPU supports AVX2, which the
        // caller checked with `is_x86_feature_detected!("avx2")`.
        unsafe { body(self, sink) }
    }

    /// The timestep itself, inlined into each instruction-set variant.
    #[inline(always)]
    fn run_phases<S: EventSink>(&mut self, sink: &mut S) -> TimestepReport {
        let start = self.cycle;
        let stdp = self.config.stdp.enabled;

        for &a in &self.inputs {
            accumulate(&mut self.acc, self.w_in.column(usize::from(a)));
        }
        for &j in &self.prev_spikes {
            accumulate(&mut self.acc, self.w_rec.column(usize::from(j)));
        }

        let before = Schedule::with_lanes(
            self.geometry,
            self.lanes_log2,
            Activity { inputs: self.inputs.len(), previous_spikes: self.prev_spikes.len(), spikes: 0, stdp },
        );
        self.neuron_phase(start.after(before.neuron + NEURON_LATENCY), sink);

        let schedule = Schedule::with_lanes(
            self.geometry,
            self.lanes_log2,
            Activity {
                inputs: self.inputs.len(),
                previous_spikes: self.prev_spikes.len(),
                spikes: self.spikes.len(),
                stdp,
            },
        );
        if stdp {
            self.stdp_phases(start, &schedule, sink);
        }

        sink.event(Event {
            cycle: start.after(schedule.done),
            timestep: self.timestep,
            kind: EventKind::TimestepDone { spikes: self.spikes.len() as u32 },
        });
        let report = self.finish_timestep(start, schedule.cycles);
        self.cycle = start.after(report.cycles);
        report
    }

    #[inline(always)]
    fn neuron_phase<S: EventSink>(&mut self, first: Cycle, sink: &mut S) {
        let shift = self.config.weight_shift;
        let n = self.geometry.neurons();
        let p = &self.params;
        // Pass 1: every neuron, branch-free (vectorises); `spiked` is all false here.
        for k in 0..n {
            let state = NeuronState { v: self.v[k], i: self.i[k], refractory: self.refractory[k] };
            let params = NeuronParams {
                threshold: p.threshold[k],
                reset: p.reset[k],
                bias: p.bias[k],
                v_decay: p.v_decay[k],
                i_decay: p.i_decay[k],
                refractory: p.refractory[k],
            };
            let (next, fired) = integrate(&params, state, self.acc[k], shift);
            self.v[k] = next.v;
            self.i[k] = next.i;
            self.refractory[k] = next.refractory;
            self.acc[k] = 0;
            self.spiked[k] = fired;
        }
        // Pass 2: the spike list and the events, in neuron order.
        if S::DISCARDS {
            for (chunk, flags) in self.spiked.chunks(16).enumerate() {
                if flags.iter().any(|&f| f) {
                    let base = chunk * 16;
                    let fired = flags.iter().enumerate().filter(|&(_, &f)| f).map(|(k, _)| (base + k) as u16);
                    self.spikes.extend(fired);
                }
            }
            return;
        }
        for k in 0..n {
            let neuron = k as u16;
            let cycle = first.after(k as u64);
            let (v, i, refractory) = (self.v[k], self.i[k], self.refractory[k]);
            sink.event(Event {
                cycle,
                timestep: self.timestep,
                kind: EventKind::NeuronUpdate { neuron, v, i, refractory },
            });
            if self.spiked[k] {
                self.spikes.push(neuron);
                sink.event(Event { cycle, timestep: self.timestep, kind: EventKind::Spike { neuron } });
            }
        }
    }

    #[inline(always)]
    fn stdp_phases<S: EventSink>(&mut self, start: Cycle, schedule: &Schedule, sink: &mut S) {
        let cfg = self.config.stdp;
        let n = self.geometry.neurons();
        let ts = self.timestep;
        let mut scratch = std::mem::take(&mut self.scratch);

        // LTD: one column per pre spike (inputs, then neurons), Δ from the stored post trace.
        let depression = &mut scratch.depression;
        depression.clear();
        depression.extend(self.x_post.iter().map(|&x| stdp_delta(cfg.a_minus, x, cfg.shift)));
        let columns =
            self.inputs.iter().map(|&a| (Matrix::Input, a)).chain(self.spikes.iter().map(|&j| (Matrix::Recurrent, j)));
        for (slot, (matrix, pre)) in columns.enumerate() {
            let syn = match matrix {
                Matrix::Input => &mut self.w_in,
                Matrix::Recurrent => &mut self.w_rec,
            };
            let column = syn.at(0, usize::from(pre))..syn.at(n, usize::from(pre));
            let weights = &mut syn.weights[column.clone()];
            let plastic = &syn.plastic[column];
            if S::DISCARDS {
                depress_column(weights, plastic, depression, cfg.w_min);
                continue;
            }
            let first = start.after(schedule.ltd + slot as u64 * schedule.column_slot + SLOT_SETUP_CYCLES);
            for (post, ((w, &on), &delta)) in weights.iter_mut().zip(plastic).zip(depression.iter()).enumerate() {
                let old = *w;
                let new = depress(old, delta, cfg.w_min);
                if on && new != old {
                    *w = new;
                    let kind = EventKind::WeightWrite { matrix, post: post as u16, pre, old, new };
                    sink.event(Event { cycle: first.after(post as u64), timestep: ts, kind });
                }
            }
        }

        // LTP: one row per post spike (all inputs, then all neurons), Δ from the
        // effective pre traces (bumped for pres that fired in this timestep).
        let (inc, mode) = (cfg.pre_increment, cfg.trace_mode);
        let Scratch { eff_in, eff_pre, pot_in, pot_pre, .. } = &mut scratch;
        effective_traces(eff_in, &self.x_in, &self.input_spiked, inc, mode);
        effective_traces(eff_pre, &self.x_pre, &self.spiked, inc, mode);
        pot_in.clear();
        pot_in.extend(eff_in.iter().map(|&x| stdp_delta(cfg.a_plus, x, cfg.shift)));
        pot_pre.clear();
        pot_pre.extend(eff_pre.iter().map(|&x| stdp_delta(cfg.a_plus, x, cfg.shift)));
        if S::DISCARDS {
            potentiate_columns(&mut self.w_in, &self.spikes, pot_in, cfg);
            potentiate_columns(&mut self.w_rec, &self.spikes, pot_pre, cfg);
        } else {
            let m = self.geometry.inputs() as u64;
            for (slot, &post) in self.spikes.iter().enumerate() {
                let first = start.after(schedule.ltp + slot as u64 * schedule.row_slot + SLOT_SETUP_CYCLES);
                let row = RowWrite { post, w_max: cfg.w_max, timestep: ts };
                row.potentiate(&mut self.w_in, Matrix::Input, pot_in, first, sink);
                row.potentiate(&mut self.w_rec, Matrix::Recurrent, pot_pre, first.after(m), sink);
            }
        }

        // Traces: decay the effective values (post traces bumped for neurons that fired).
        for (x, e) in self.x_in.iter_mut().zip(eff_in.iter()) {
            *x = decay_trace(*e, cfg.pre_decay);
        }
        for (x, e) in self.x_pre.iter_mut().zip(eff_pre.iter()) {
            *x = decay_trace(*e, cfg.pre_decay);
        }
        for (x, &f) in self.x_post.iter_mut().zip(&self.spiked) {
            *x = decay_trace(effective_trace(*x, f, cfg.post_increment, mode), cfg.post_decay);
        }
        self.scratch = scratch;
    }
}

/// `out[k] = eff(x[k])`: each trace bumped if its owner fired in this timestep.
#[inline(always)]
fn effective_traces(out: &mut Vec<u8>, x: &[u8], fired: &[bool], increment: u8, mode: crate::arith::TraceMode) {
    out.clear();
    out.extend(x.iter().zip(fired).map(|(&x, &f)| effective_trace(x, f, increment, mode)));
}

/// `acc[post] += column[post]` for every post-synaptic neuron.
#[inline(always)]
fn accumulate(acc: &mut [i32], column: &[i8]) {
    for (a, &w) in acc.iter_mut().zip(column) {
        *a += i32::from(w);
    }
}

/// LTD of one column without events, branch-free: Δ is capped at 255 (any larger Δ
/// takes an 8-bit weight to the same bound), so the arithmetic fits 16 bits.
#[inline(always)]
fn depress_column(weights: &mut [i8], plastic: &[bool], depression: &[i32], w_min: i8) {
    let w_min = i16::from(w_min);
    for ((w, &on), &delta) in weights.iter_mut().zip(plastic).zip(depression) {
        let old = i16::from(*w);
        let new = (old - delta.min(255) as i16).max(old.min(w_min));
        *w = if on { new as i8 } else { *w };
    }
}

/// LTP of every post spike without events, pre by pre: each pre's column holds the
/// synapses onto all posts contiguously, and pres with Δ = 0 are skipped. Branch-free,
/// with Δ capped at 255 like [`depress_column`].
#[inline(always)]
fn potentiate_columns(syn: &mut Synapses, spikes: &[u16], potentiation: &[i32], cfg: StdpConfig) {
    let posts = syn.posts();
    let w_max = i16::from(cfg.w_max);
    for (pre, &delta) in potentiation.iter().enumerate() {
        if delta == 0 {
            continue;
        }
        let delta = delta.min(255) as i16;
        let column = pre * posts..(pre + 1) * posts;
        let (weights, plastic) = (&mut syn.weights[column.clone()], &syn.plastic[column]);
        for &post in spikes {
            let p = usize::from(post);
            let old = i16::from(weights[p]);
            let new = (old + delta).min(old.max(w_max)) as i8;
            weights[p] = if plastic[p] { new } else { weights[p] };
        }
    }
}

/// The LTP writes of one post spike, with events.
struct RowWrite {
    post: u16,
    w_max: i8,
    timestep: Timestep,
}

impl RowWrite {
    /// Potentiate every plastic synapse onto `post` in one matrix; entry `pre` is
    /// written in cycle `first + pre`.
    #[inline(always)]
    fn potentiate<S: EventSink>(&self, syn: &mut Synapses, matrix: Matrix, delta: &[i32], first: Cycle, sink: &mut S) {
        let post = self.post;
        for (pre, &d) in delta.iter().enumerate() {
            let at = syn.at(usize::from(post), pre);
            let old = syn.weights[at];
            let new = potentiate(old, d, self.w_max);
            if syn.plastic[at] && new != old {
                syn.weights[at] = new;
                let kind = EventKind::WeightWrite { matrix, post, pre: pre as u16, old, new };
                sink.event(Event { cycle: first.after(pre as u64), timestep: self.timestep, kind });
            }
        }
    }
}
