//! The cycle engine: the timestep sequencer advanced one clock at a time.
//!
//! Each call of [`Core::step_cycle`] performs exactly the micro-operation that
//! docs/semantics.md §6 schedules for that cycle — one synapse (P synapses in an
//! accumulate slot of a core with P lanes), one neuron or one trace — and emits its
//! events stamped with the current cycle. It is written for clarity and to mirror the
//! RTL's sequencer, not for speed; the fast path must agree with it exactly.

use crate::arith::{decay_trace, depress, potentiate, stdp_delta};
use crate::core::{Core, TimestepReport, effective_trace, integrate};
use crate::error::ModelError;
use crate::event::{Event, EventKind, EventSink};
use crate::memory::Matrix;
use crate::params::NeuronState;
use crate::spec::{DONE_CYCLES, FETCH_CYCLES, NEURON_LATENCY, SLOT_SETUP_CYCLES};
use crate::time::Cycle;

/// Phases of a timestep, in order (docs/semantics.md §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Phase {
    /// No timestep in progress.
    #[default]
    Idle,
    /// Latch the inputs and the previous timestep's spikes.
    Fetch,
    /// One slot per input spike: add its `W_in` column to the accumulators, P posts
    /// per cycle.
    AccIn,
    /// One slot per previous-timestep spike: add its `W_rec` column, P posts per cycle.
    AccRec,
    /// Update every neuron.
    Neuron,
    /// One slot per pre spike (inputs, then neurons that fired): depression.
    Ltd,
    /// One slot per neuron that fired: potentiation of its row in both matrices.
    Ltp,
    /// Decay and bump every trace.
    Trace,
    /// Close the timestep.
    Done,
    /// Paced mode: idle until the period has elapsed.
    Wait,
}

/// Where the sequencer is: phase, slot within the phase, cycle within the slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Sequencer {
    phase: Phase,
    slot: usize,
    offset: u64,
    start: Cycle,
    compute_cycles: u64,
    wait: u64,
    stdp: bool,
}

impl Sequencer {
    pub(crate) fn is_idle(&self) -> bool {
        self.phase == Phase::Idle
    }
}

impl Core {
    /// The sequencer's current phase.
    pub fn phase(&self) -> Phase {
        self.seq.phase
    }

    /// Begin a timestep on the cycle engine with the given input spikes; then call
    /// [`Core::step_cycle`] until it returns the timestep's report.
    pub fn start_timestep(&mut self, inputs: &[u16]) -> Result<(), ModelError> {
        self.ensure_idle()?;
        self.latch_inputs(inputs)?;
        self.seq = Sequencer {
            phase: Phase::Fetch,
            start: self.cycle,
            stdp: self.config.stdp.enabled,
            ..Sequencer::default()
        };
        Ok(())
    }

    /// Run one timestep on the cycle engine (start it and step every cycle).
    pub fn run_timestep_cycles<S: EventSink>(
        &mut self,
        inputs: &[u16],
        sink: &mut S,
    ) -> Result<TimestepReport, ModelError> {
        self.start_timestep(inputs)?;
        loop {
            if let Some(report) = self.step_cycle(sink) {
                return Ok(report);
            }
        }
    }

    /// Advance one clock cycle. Returns the report of a timestep whose last cycle
    /// (DONE, or the last cycle of the pacing wait) this was. An idle core just counts
    /// the cycle.
    pub fn step_cycle<S: EventSink>(&mut self, sink: &mut S) -> Option<TimestepReport> {
        let now = self.cycle;
        let offset = self.seq.offset;
        let slot = self.seq.slot;
        let setup_done = offset.checked_sub(SLOT_SETUP_CYCLES).map(|e| e as usize);
        match self.seq.phase {
            Phase::Idle | Phase::Fetch | Phase::Wait => {}
            Phase::AccIn => {
                if let Some(step) = setup_done {
                    let pre = usize::from(self.inputs[slot]);
                    self.accumulate_cycle(Matrix::Input, pre, step);
                }
            }
            Phase::AccRec => {
                if let Some(step) = setup_done {
                    let pre = usize::from(self.prev_spikes[slot]);
                    self.accumulate_cycle(Matrix::Recurrent, pre, step);
                }
            }
            Phase::Neuron => {
                if let Some(n) = offset.checked_sub(NEURON_LATENCY) {
                    self.neuron_cycle(n as usize, now, sink);
                }
            }
            Phase::Ltd => {
                if let Some(post) = setup_done {
                    self.ltd_cycle(slot, post, now, sink);
                }
            }
            Phase::Ltp => {
                if let Some(entry) = setup_done {
                    self.ltp_cycle(slot, entry, now, sink);
                }
            }
            Phase::Trace => {
                if let Some(entry) = setup_done {
                    self.trace_cycle(entry);
                }
            }
            Phase::Done => {
                let kind = EventKind::TimestepDone { spikes: self.spikes.len() as u32 };
                sink.event(Event { cycle: now, timestep: self.timestep, kind });
                let compute = now.0 - self.seq.start.0 + DONE_CYCLES;
                self.seq.compute_cycles = compute;
                self.seq.wait = u64::from(self.config.period).saturating_sub(compute);
            }
        }
        self.cycle = now.after(1);
        self.advance()
    }

    /// Cycle `step` of an accumulate slot's work: `acc[step·P + l] += W[step·P + l][pre]`
    /// for every lane l in 0..P.
    fn accumulate_cycle(&mut self, matrix: Matrix, pre: usize, step: usize) {
        let syn = match matrix {
            Matrix::Input => &self.w_in,
            Matrix::Recurrent => &self.w_rec,
        };
        let lanes = 1usize << self.lanes_log2;
        for post in step * lanes..(step + 1) * lanes {
            self.acc[post] += i32::from(syn.weights[syn.at(post, pre)]);
        }
    }

    fn neuron_cycle<S: EventSink>(&mut self, n: usize, now: Cycle, sink: &mut S) {
        let state = NeuronState { v: self.v[n], i: self.i[n], refractory: self.refractory[n] };
        let (next, fired) = integrate(&self.params.get(n), state, self.acc[n], self.config.weight_shift);
        self.acc[n] = 0;
        self.v[n] = next.v;
        self.i[n] = next.i;
        self.refractory[n] = next.refractory;
        let neuron = n as u16;
        let kind = EventKind::NeuronUpdate { neuron, v: next.v, i: next.i, refractory: next.refractory };
        sink.event(Event { cycle: now, timestep: self.timestep, kind });
        if fired {
            self.spikes.push(neuron);
            self.spiked[n] = true;
            sink.event(Event { cycle: now, timestep: self.timestep, kind: EventKind::Spike { neuron } });
        }
    }

    fn ltd_cycle<S: EventSink>(&mut self, slot: usize, post: usize, now: Cycle, sink: &mut S) {
        let cfg = self.config.stdp;
        let (matrix, pre) = match self.inputs.get(slot) {
            Some(&a) => (Matrix::Input, a),
            None => (Matrix::Recurrent, self.spikes[slot - self.inputs.len()]),
        };
        let delta = stdp_delta(cfg.a_minus, self.x_post[post], cfg.shift);
        let syn = match matrix {
            Matrix::Input => &mut self.w_in,
            Matrix::Recurrent => &mut self.w_rec,
        };
        let at = syn.at(post, usize::from(pre));
        if syn.plastic[at] {
            let old = syn.weights[at];
            let new = depress(old, delta, cfg.w_min);
            if new != old {
                syn.weights[at] = new;
                let kind = EventKind::WeightWrite { matrix, post: post as u16, pre, old, new };
                sink.event(Event { cycle: now, timestep: self.timestep, kind });
            }
        }
    }

    fn ltp_cycle<S: EventSink>(&mut self, slot: usize, entry: usize, now: Cycle, sink: &mut S) {
        let cfg = self.config.stdp;
        let post = self.spikes[slot];
        let m = self.geometry.inputs();
        let (matrix, pre, trace) = if entry < m {
            let x = effective_trace(self.x_in[entry], self.input_spiked[entry], cfg.pre_increment, cfg.trace_mode);
            (Matrix::Input, entry, x)
        } else {
            let j = entry - m;
            let x = effective_trace(self.x_pre[j], self.spiked[j], cfg.pre_increment, cfg.trace_mode);
            (Matrix::Recurrent, j, x)
        };
        let delta = stdp_delta(cfg.a_plus, trace, cfg.shift);
        let syn = match matrix {
            Matrix::Input => &mut self.w_in,
            Matrix::Recurrent => &mut self.w_rec,
        };
        let at = syn.at(usize::from(post), pre);
        if syn.plastic[at] {
            let old = syn.weights[at];
            let new = potentiate(old, delta, cfg.w_max);
            if new != old {
                syn.weights[at] = new;
                let kind = EventKind::WeightWrite { matrix, post, pre: pre as u16, old, new };
                sink.event(Event { cycle: now, timestep: self.timestep, kind });
            }
        }
    }

    fn trace_cycle(&mut self, entry: usize) {
        let cfg = self.config.stdp;
        let m = self.geometry.inputs();
        if entry < m {
            let x = effective_trace(self.x_in[entry], self.input_spiked[entry], cfg.pre_increment, cfg.trace_mode);
            self.x_in[entry] = decay_trace(x, cfg.pre_decay);
        } else {
            let n = entry - m;
            let fired = self.spiked[n];
            let pre = effective_trace(self.x_pre[n], fired, cfg.pre_increment, cfg.trace_mode);
            let post = effective_trace(self.x_post[n], fired, cfg.post_increment, cfg.trace_mode);
            self.x_pre[n] = decay_trace(pre, cfg.pre_decay);
            self.x_post[n] = decay_trace(post, cfg.post_decay);
        }
    }

    /// (cycles per slot, slots) of a phase, given what is known when it starts.
    fn shape(&self, phase: Phase) -> (u64, usize) {
        let n = self.geometry.neurons() as u64;
        let m = self.geometry.inputs() as u64;
        let acc = (n >> self.lanes_log2) + SLOT_SETUP_CYCLES;
        let column = n + SLOT_SETUP_CYCLES;
        let row = m + n + SLOT_SETUP_CYCLES;
        let stdp = self.seq.stdp;
        match phase {
            Phase::Idle => (1, 1),
            Phase::Fetch => (FETCH_CYCLES, 1),
            Phase::AccIn => (acc, self.inputs.len()),
            Phase::AccRec => (acc, self.prev_spikes.len()),
            Phase::Neuron => (n + NEURON_LATENCY, 1),
            Phase::Ltd => (column, if stdp { self.inputs.len() + self.spikes.len() } else { 0 }),
            Phase::Ltp => (row, if stdp { self.spikes.len() } else { 0 }),
            Phase::Trace => (row, usize::from(stdp)),
            Phase::Done => (DONE_CYCLES, 1),
            Phase::Wait => (self.seq.wait, usize::from(self.seq.wait > 0)),
        }
    }

    /// Move the sequencer past the cycle just executed; report a finished timestep.
    fn advance(&mut self) -> Option<TimestepReport> {
        if self.seq.phase == Phase::Idle {
            return None;
        }
        self.seq.offset += 1;
        let (length, slots) = self.shape(self.seq.phase);
        if self.seq.offset < length {
            return None;
        }
        self.seq.offset = 0;
        self.seq.slot += 1;
        if self.seq.slot < slots {
            return None;
        }
        self.seq.slot = 0;
        loop {
            let next = match self.seq.phase {
                Phase::Idle => Phase::Idle,
                Phase::Fetch => Phase::AccIn,
                Phase::AccIn => Phase::AccRec,
                Phase::AccRec => Phase::Neuron,
                Phase::Neuron => Phase::Ltd,
                Phase::Ltd => Phase::Ltp,
                Phase::Ltp => Phase::Trace,
                Phase::Trace => Phase::Done,
                Phase::Done => Phase::Wait,
                Phase::Wait => {
                    let (start, compute) = (self.seq.start, self.seq.compute_cycles);
                    self.seq = Sequencer::default();
                    return Some(self.finish_timestep(start, compute));
                }
            };
            self.seq.phase = next;
            if self.shape(next).1 > 0 {
                return None;
            }
        }
    }
}
