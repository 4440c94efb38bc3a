//! The timestep-level fast path: a whole timestep per call, event-driven and
//! cache-friendly, bit-identical in state, events and cycle stamps to the cycle
//! engine (checked by the equivalence property tests).
//!
//! Work is proportional to activity: each spike costs one contiguous column of its
//! matrix, the neuron phase is one pass over N neurons, and STDP precomputes the
//! per-neuron Δ once per timestep instead of once per synapse.

use crate::arith::{decay_trace, depress, potentiate, stdp_delta};
use crate::core::{Core, Scratch, TimestepReport, effective_trace, integrate};
use crate::error::ModelError;
use crate::event::{Event, EventKind, EventSink};
use crate::memory::{Matrix, Synapses};
use crate::params::NeuronState;
use crate::schedule::{Activity, Schedule};
use crate::spec::{NEURON_LATENCY, SLOT_SETUP_CYCLES};
use crate::time::Cycle;

impl Core {
    /// Run one whole timestep with the given input spikes (any order; duplicates are
    /// merged) and return what it did. Events go to `sink` in cycle order.
    ///
    /// The core must be idle; afterwards it is idle again and [`Core::cycle`] has
    /// advanced by the timestep's length (including the pacing wait).
    pub fn run_timestep<S: EventSink>(&mut self, inputs: &[u16], sink: &mut S) -> Result<TimestepReport, ModelError> {
        self.ensure_idle()?;
        self.latch_inputs(inputs)?;
        let start = self.cycle;
        let stdp = self.config.stdp.enabled;

        for &a in &self.inputs {
            accumulate(&mut self.acc, self.w_in.column(usize::from(a)));
        }
        for &j in &self.prev_spikes {
            accumulate(&mut self.acc, self.w_rec.column(usize::from(j)));
        }

        let before = Schedule::new(
            self.geometry,
            Activity { inputs: self.inputs.len(), previous_spikes: self.prev_spikes.len(), spikes: 0, stdp },
        );
        self.neuron_phase(start.after(before.neuron + NEURON_LATENCY), sink);

        let schedule = Schedule::new(
            self.geometry,
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
        Ok(report)
    }

    fn neuron_phase<S: EventSink>(&mut self, first: Cycle, sink: &mut S) {
        let shift = self.config.weight_shift;
        for n in 0..self.geometry.neurons() {
            let state = NeuronState { v: self.v[n], i: self.i[n], refractory: self.refractory[n] };
            let (next, fired) = integrate(&self.params[n], state, self.acc[n], shift);
            self.acc[n] = 0;
            self.v[n] = next.v;
            self.i[n] = next.i;
            self.refractory[n] = next.refractory;
            let cycle = first.after(n as u64);
            let neuron = n as u16;
            sink.event(Event {
                cycle,
                timestep: self.timestep,
                kind: EventKind::NeuronUpdate { neuron, v: next.v, i: next.i, refractory: next.refractory },
            });
            if fired {
                self.spikes.push(neuron);
                self.spiked[n] = true;
                sink.event(Event { cycle, timestep: self.timestep, kind: EventKind::Spike { neuron } });
            }
        }
    }

    fn stdp_phases<S: EventSink>(&mut self, start: Cycle, schedule: &Schedule, sink: &mut S) {
        let cfg = self.config.stdp;
        let n = self.geometry.neurons();
        let ts = self.timestep;

        // LTD: one column per pre spike (inputs, then neurons), Δ from the stored post trace.
        let mut scratch = std::mem::take(&mut self.scratch);
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
            let first = start.after(schedule.ltd + slot as u64 * schedule.column_slot + SLOT_SETUP_CYCLES);
            let column = syn.at(0, usize::from(pre))..syn.at(n, usize::from(pre));
            let weights = &mut syn.weights[column.clone()];
            let plastic = &syn.plastic[column];
            for (post, ((w, &on), &delta)) in weights.iter_mut().zip(plastic).zip(depression.iter()).enumerate() {
                if !on {
                    continue;
                }
                let old = *w;
                let new = depress(old, delta, cfg.w_min);
                if new != old {
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
        let m = self.geometry.inputs() as u64;
        for (slot, &post) in self.spikes.iter().enumerate() {
            let first = start.after(schedule.ltp + slot as u64 * schedule.row_slot + SLOT_SETUP_CYCLES);
            potentiate_row(&mut self.w_in, Matrix::Input, post, pot_in, cfg.w_max, first, ts, sink);
            potentiate_row(&mut self.w_rec, Matrix::Recurrent, post, pot_pre, cfg.w_max, first.after(m), ts, sink);
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
fn effective_traces(out: &mut Vec<u8>, x: &[u8], fired: &[bool], increment: u8, mode: crate::arith::TraceMode) {
    out.clear();
    out.extend(x.iter().zip(fired).map(|(&x, &f)| effective_trace(x, f, increment, mode)));
}

/// `acc[post] += column[post]` for every post-synaptic neuron.
#[inline]
fn accumulate(acc: &mut [i32], column: &[i8]) {
    for (a, &w) in acc.iter_mut().zip(column) {
        *a += i32::from(w);
    }
}

/// Potentiate every plastic synapse onto `post` in one matrix; entry `pre` is written
/// in cycle `first + pre`.
#[allow(clippy::too_many_arguments)]
#[inline]
fn potentiate_row<S: EventSink>(
    syn: &mut Synapses,
    matrix: Matrix,
    post: u16,
    delta: &[i32],
    w_max: i8,
    first: Cycle,
    timestep: crate::time::Timestep,
    sink: &mut S,
) {
    for (pre, &d) in delta.iter().enumerate() {
        let at = syn.at(usize::from(post), pre);
        if !syn.plastic[at] {
            continue;
        }
        let old = syn.weights[at];
        let new = potentiate(old, d, w_max);
        if new != old {
            syn.weights[at] = new;
            let kind = EventKind::WeightWrite { matrix, post, pre: pre as u16, old, new };
            sink.event(Event { cycle: first.after(pre as u64), timestep, kind });
        }
    }
}
