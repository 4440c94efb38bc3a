//! The lock-step checker: the model (`ncx_model::Core`, cycle engine) and the RTL
//! ([`CoreSim`]) run the same timesteps, and every architectural event is compared —
//! kind, cycle and every field (docs/semantics.md §8) — as well as each timestep's
//! length, the control outputs after it, and, on request, every byte of every region.
//!
//! The two are kept on the same clock: every cycle the RTL spends (loading, staging
//! inputs, the start request, reads) the model spends too, as an idle
//! [`Core::step_cycle`], so event cycles are compared as they are, absolute. The first
//! event (or timestep end) that differs stops the check with a [`Divergence`] that names
//! the timestep, the cycle (absolute and within the timestep), the event, and every field
//! that differs with both values.

use std::fmt;

use ncx_model::device::region::region_bytes;
use ncx_model::wire::layout::{NEURON_RECORD_LEN, Region, STATE_RECORD_LEN};
use ncx_model::{Core, Event, EventKind, Matrix, NullSink, TimestepReport};

use crate::core::{CoreSim, SimError};

/// Cycles a timestep may take before the checker calls the RTL hung (beyond the model's
/// own count, which it must equal anyway).
const HANG_MARGIN: u64 = 1 << 20;

/// The first point where the RTL and the model differ: the first differing field, in
/// the order compared (cycle, timestep, then the event's own fields), and in
/// [`also`](Divergence::also) every other field of the same thing that differs too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Divergence {
    /// The timestep (the model's number), if inside one.
    pub timestep: Option<u64>,
    /// The absolute cycle, and the cycle within the timestep, if known.
    pub cycle: Option<(u64, u64)>,
    /// What was compared: an event (`NeuronUpdate of neuron 5`), a region byte
    /// (`W_IN[3][7]`), or the timestep itself.
    pub what: String,
    /// The field that differs (`v`, `cycle`, `kind`, `length`, `byte`…).
    pub field: &'static str,
    /// The model's value.
    pub model: String,
    /// The RTL's value.
    pub rtl: String,
    /// The other fields of the same event (or timestep end) that differ, in order.
    pub also: Vec<FieldDifference>,
}

/// One more field in which the model and the RTL differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDifference {
    /// The field.
    pub field: &'static str,
    /// The model's value.
    pub model: String,
    /// The RTL's value.
    pub rtl: String,
}

impl FieldDifference {
    fn new(field: &'static str, model: impl ToString, rtl: impl ToString) -> FieldDifference {
        FieldDifference { field, model: model.to_string(), rtl: rtl.to_string() }
    }
}

impl Divergence {
    /// `what` differs in `differences` (the first is the main one); `None` if empty.
    fn of(
        timestep: Option<u64>,
        cycle: Option<(u64, u64)>,
        what: String,
        differences: Vec<FieldDifference>,
    ) -> Option<Divergence> {
        let mut differences = differences.into_iter();
        let FieldDifference { field, model, rtl } = differences.next()?;
        Some(Divergence { timestep, cycle, what, field, model, rtl, also: differences.collect() })
    }
}

impl fmt::Display for Divergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RTL and model diverge")?;
        if let Some(t) = self.timestep {
            write!(f, " in timestep {t}")?;
        }
        if let Some((abs, rel)) = self.cycle {
            write!(f, " at cycle {abs} (cycle {rel} of the timestep)")?;
        }
        write!(f, ": {}: {}: model {}, RTL {}", self.what, self.field, self.model, self.rtl)?;
        for d in &self.also {
            write!(f, "\n    and {}: model {}, RTL {}", d.field, d.model, d.rtl)?;
        }
        Ok(())
    }
}

impl std::error::Error for Divergence {}

/// Why a check stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CheckError {
    /// The two sides differ.
    #[error("{0}")]
    Diverged(Box<Divergence>),
    /// The RTL could not be simulated (no model of this geometry, a hang…).
    #[error("{0}")]
    Sim(#[from] SimError),
    /// The model refused the operation (e.g. an input index out of range).
    #[error("the model refused: {0}")]
    Model(#[from] ncx_model::ModelError),
    /// The model core has a spike history S(t−1), which cannot be loaded into the RTL.
    #[error(
        "the model core remembers {spikes} spikes of its last timestep, which no region can load into the RTL: \
         start from an image, or reset the state first"
    )]
    SpikeHistory {
        /// Neurons in the history.
        spikes: usize,
    },
}

impl From<Divergence> for CheckError {
    fn from(d: Divergence) -> CheckError {
        CheckError::Diverged(Box::new(d))
    }
}

impl From<Box<Divergence>> for CheckError {
    fn from(d: Box<Divergence>) -> CheckError {
        CheckError::Diverged(d)
    }
}

/// The model and the RTL side by side.
#[derive(Debug)]
pub struct LockStep {
    model: Core,
    rtl: CoreSim,
    /// The RTL's own cycle counter (trace stamps) = shim cycles − this.
    rtl_zero: u64,
    matched: u64,
    model_events: Vec<Event>,
    rtl_events: Vec<Event>,
}

impl LockStep {
    /// Loads `core` — configuration, weights, enable bits, parameters, state and traces —
    /// into a fresh RTL core of its geometry and accumulate lanes through its region port, then brings the two clocks
    /// together. `core` must be idle and have no spike history (no region holds it:
    /// a core fresh from an image, or after a state reset).
    pub fn new(core: Core) -> Result<LockStep, CheckError> {
        if !core.is_idle() {
            return Err(ncx_model::ModelError::Busy.into());
        }
        if !core.last_spikes().is_empty() {
            return Err(CheckError::SpikeHistory { spikes: core.last_spikes().len() });
        }
        let mut rtl = CoreSim::with_lanes(core.geometry(), core.lanes_log2())?;
        for region in Region::ALL {
            rtl.write(region, 0, &region_bytes(&core, region));
        }
        let mut check =
            LockStep { model: core, rtl, rtl_zero: 0, matched: 0, model_events: Vec::new(), rtl_events: Vec::new() };
        check.align();
        Ok(check)
    }

    /// The model side.
    pub fn model(&self) -> &Core {
        &self.model
    }

    /// The model side, to change it (e.g. to inject a fault into one side only). Keep it
    /// idle.
    pub fn model_mut(&mut self) -> &mut Core {
        &mut self.model
    }

    /// The RTL side.
    pub fn rtl(&mut self) -> &mut CoreSim {
        &mut self.rtl
    }

    /// Events compared equal so far.
    pub fn matched(&self) -> u64 {
        self.matched
    }

    /// The RTL's own cycle counter now.
    fn rtl_cycle(&self) -> u64 {
        self.rtl.cycle() - self.rtl_zero
    }

    /// Idles whichever side is behind until both clocks read the same cycle.
    fn align(&mut self) {
        let (model, rtl) = (self.model.cycle().0, self.rtl_cycle());
        if rtl < model {
            self.rtl.idle(model - rtl);
        } else {
            self.model_idle(rtl - model);
        }
    }

    fn model_idle(&mut self, cycles: u64) {
        for _ in 0..cycles {
            self.model.step_cycle(&mut NullSink);
        }
    }

    /// Runs one timestep with `inputs` on both sides and compares every event, the
    /// timestep's length and the control outputs after it.
    pub fn step(&mut self, inputs: &[u16]) -> Result<TimestepReport, CheckError> {
        let m = self.model.geometry().inputs();
        if let Some(&bad) = inputs.iter().find(|&&a| usize::from(a) >= m) {
            return Err(ncx_model::ModelError::Index { what: "input", index: bad.into(), len: m }.into());
        }
        self.rtl.stage_inputs(inputs);
        self.rtl.start();
        self.align();
        self.model.start_timestep(inputs)?;
        let start = self.model.cycle().0;
        let timestep = self.model.timestep().0;

        self.model_events.clear();
        let report = loop {
            if let Some(report) = self.model.step_cycle(&mut self.model_events) {
                break report;
            }
        };
        self.rtl_events.clear();
        let ticks = self.rtl.run(report.cycles + HANG_MARGIN, &mut self.rtl_events)?;
        compare_events(&self.model_events, &self.rtl_events, timestep, start)?;
        self.matched += self.model_events.len() as u64;

        let status = self.rtl.status();
        let compared = [
            FieldDifference::new("length in cycles", report.cycles, ticks),
            FieldDifference::new("done_o", true, status.done),
            FieldDifference::new("timestep_o", self.model.timestep().0 as u32, status.timestep),
            FieldDifference::new("overruns_o", self.model.overruns() as u32, status.overruns),
            FieldDifference::new("spikes_o", format!("{:?}", self.model.last_spikes()), format!("{:?}", status.spikes)),
        ];
        let differences = compared.into_iter().filter(|d| d.model != d.rtl).collect();
        match Divergence::of(Some(timestep), None, "the timestep".to_owned(), differences) {
            Some(d) => Err(d.into()),
            None => Ok(report),
        }
    }

    /// Resets the state on both sides (the RTL's takes N + M cycles, the model's none);
    /// both clocks restart at 0.
    pub fn reset_state(&mut self) -> Result<(), CheckError> {
        let g = self.model.geometry();
        self.rtl.request_reset_state();
        let ticks = self.rtl.run(HANG_MARGIN, &mut self.rtl_events)?;
        let expected = (g.neurons() + g.inputs()) as u64;
        if ticks != expected {
            return Err(Divergence {
                timestep: None,
                cycle: None,
                what: "the state reset".to_owned(),
                field: "length in cycles",
                model: expected.to_string(),
                rtl: ticks.to_string(),
                also: Vec::new(),
            }
            .into());
        }
        self.model.reset_state();
        self.rtl_zero = self.rtl.cycle();
        Ok(())
    }

    /// Reads every region of the RTL back and compares it byte for byte with the model's.
    pub fn check_memories(&mut self) -> Result<(), CheckError> {
        for region in Region::ALL {
            let expected = region_bytes(&self.model, region);
            let got = self.rtl.read(region, 0, expected.len());
            if let Some(at) = expected.iter().zip(&got).position(|(a, b)| a != b) {
                return Err(Divergence {
                    timestep: None,
                    cycle: None,
                    what: region_byte(&self.model, region, at),
                    field: "byte",
                    model: format!("0x{:02X}", expected[at]),
                    rtl: format!("0x{:02X}", got[at]),
                    also: Vec::new(),
                }
                .into());
            }
        }
        self.align();
        Ok(())
    }
}

/// Names byte `at` of `region`: `W_IN[post 3][pre 7]`, `NEURONS neuron 2 byte 5`…
fn region_byte(core: &Core, region: Region, at: usize) -> String {
    let (n, m) = (core.geometry().neurons(), core.geometry().inputs());
    match region {
        Region::WeightsIn => format!("W_IN[post {}][pre {}]", at / m, at % m),
        Region::WeightsRec => format!("W_REC[post {}][pre {}]", at / n, at % n),
        Region::EnableIn => format!("E_IN byte {at} (synapses {}..{})", 8 * at, 8 * at + 8),
        Region::EnableRec => format!("E_REC byte {at} (synapses {}..{})", 8 * at, 8 * at + 8),
        Region::Neurons => format!("NEURONS neuron {} byte {}", at / NEURON_RECORD_LEN, at % NEURON_RECORD_LEN),
        Region::State => format!("STATE neuron {} byte {}", at / STATE_RECORD_LEN, at % STATE_RECORD_LEN),
        Region::Traces if at < m => format!("TRACES x_in[{at}]"),
        Region::Traces if at < m + n => format!("TRACES x_pre[{}]", at - m),
        Region::Traces => format!("TRACES x_post[{}]", at - m - n),
        Region::Config => format!("CONFIG byte {at}"),
    }
}

/// Compares two event lists of one timestep; the first event that differs, with every
/// field that differs, as a [`Divergence`].
fn compare_events(model: &[Event], rtl: &[Event], timestep: u64, start: u64) -> Result<(), Box<Divergence>> {
    for k in 0..model.len().max(rtl.len()) {
        let (a, b) = (model.get(k), rtl.get(k));
        let cycle = a.or(b).map(|e| (e.cycle.0, e.cycle.0.saturating_sub(start)));
        let (what, differences) = match (a, b) {
            (Some(a), Some(b)) => (describe(a, false), event_differences(a, b)),
            (a, b) => {
                let name = |e: Option<&Event>| e.map_or_else(|| "no event".to_owned(), |e| describe(e, true));
                (format!("event {k} of the timestep"), vec![FieldDifference::new("event", name(a), name(b))])
            }
        };
        if let Some(d) = Divergence::of(Some(timestep), cycle, what, differences) {
            return Err(Box::new(d));
        }
    }
    Ok(())
}

/// Every field in which two events differ: the cycle, the timestep, then the kind's own
/// fields (or the kind itself).
fn event_differences(a: &Event, b: &Event) -> Vec<FieldDifference> {
    let mut differences = Vec::new();
    if a.cycle != b.cycle {
        differences.push(FieldDifference::new("cycle", a.cycle.0, b.cycle.0));
    }
    if a.timestep.0 as u32 != b.timestep.0 as u32 {
        differences.push(FieldDifference::new("timestep", a.timestep.0, b.timestep.0));
    }
    differences.extend(kind_differences(&a.kind, &b.kind));
    differences
}

/// Every field in which two event kinds differ, or the kind if they are not the same.
fn kind_differences(a: &EventKind, b: &EventKind) -> Vec<FieldDifference> {
    use EventKind::{NeuronUpdate, Spike, TimestepDone, WeightWrite};
    let fields: Vec<(&'static str, i64, i64)> = match (a, b) {
        (
            NeuronUpdate { neuron: n1, v: v1, i: i1, refractory: r1 },
            NeuronUpdate { neuron: n2, v: v2, i: i2, refractory: r2 },
        ) => vec![
            ("neuron", (*n1).into(), (*n2).into()),
            ("v", (*v1).into(), (*v2).into()),
            ("I", (*i1).into(), (*i2).into()),
            ("refractory", (*r1).into(), (*r2).into()),
        ],
        (Spike { neuron: n1 }, Spike { neuron: n2 }) => vec![("neuron", (*n1).into(), (*n2).into())],
        (
            WeightWrite { matrix: m1, post: p1, pre: q1, old: o1, new: w1 },
            WeightWrite { matrix: m2, post: p2, pre: q2, old: o2, new: w2 },
        ) => vec![
            ("matrix", matrix_code(*m1), matrix_code(*m2)),
            ("post", (*p1).into(), (*p2).into()),
            ("pre", (*q1).into(), (*q2).into()),
            ("old weight", (*o1).into(), (*o2).into()),
            ("new weight", (*w1).into(), (*w2).into()),
        ],
        (TimestepDone { spikes: s1 }, TimestepDone { spikes: s2 }) => vec![("spikes", (*s1).into(), (*s2).into())],
        _ => return vec![FieldDifference::new("kind", kind_name(a), kind_name(b))],
    };
    fields.into_iter().filter(|(_, x, y)| x != y).map(|(f, x, y)| FieldDifference::new(f, x, y)).collect()
}

fn matrix_code(m: Matrix) -> i64 {
    match m {
        Matrix::Input => 0,
        Matrix::Recurrent => 1,
    }
}

fn kind_name(k: &EventKind) -> &'static str {
    match k {
        EventKind::NeuronUpdate { .. } => "NeuronUpdate",
        EventKind::Spike { .. } => "Spike",
        EventKind::WeightWrite { .. } => "WeightWrite",
        EventKind::TimestepDone { .. } => "TimestepDone",
    }
}

/// `NeuronUpdate of neuron 5`, or with `full`, every field and the cycle.
fn describe(e: &Event, full: bool) -> String {
    let base = match e.kind {
        EventKind::NeuronUpdate { neuron, v, i, refractory } if full => {
            format!("NeuronUpdate of neuron {neuron} (v {v}, I {i}, r {refractory})")
        }
        EventKind::NeuronUpdate { neuron, .. } => format!("NeuronUpdate of neuron {neuron}"),
        EventKind::Spike { neuron } => format!("Spike of neuron {neuron}"),
        EventKind::WeightWrite { matrix, post, pre, old, new } => {
            let name = if matrix == Matrix::Input { "W_in" } else { "W_rec" };
            if full {
                format!("WeightWrite {name}[{post}][{pre}] {old} → {new}")
            } else {
                format!("WeightWrite {name}[{post}][{pre}]")
            }
        }
        EventKind::TimestepDone { spikes } if full => format!("TimestepDone ({spikes} spikes)"),
        EventKind::TimestepDone { .. } => "TimestepDone".to_owned(),
    };
    if full { format!("{base} in cycle {}", e.cycle.0) } else { base }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ncx_model::{Cycle, Timestep};

    fn update(cycle: u64, neuron: u16, v: i32) -> Event {
        Event {
            cycle: Cycle(cycle),
            timestep: Timestep(2),
            kind: EventKind::NeuronUpdate { neuron, v, i: 0, refractory: 0 },
        }
    }

    #[test]
    fn equal_lists_match() {
        let a = [update(10, 0, 5), update(11, 1, 6)];
        assert_eq!(compare_events(&a, &a, 2, 4), Ok(()));
    }

    #[test]
    fn a_field_difference_names_the_field_and_both_values() {
        let d = compare_events(&[update(10, 0, 5)], &[update(10, 0, 7)], 2, 4).unwrap_err();
        assert_eq!((d.field, d.model.as_str(), d.rtl.as_str(), d.cycle), ("v", "5", "7", Some((10, 6))));
        assert_eq!(
            d.to_string(),
            "RTL and model diverge in timestep 2 at cycle 10 (cycle 6 of the timestep): NeuronUpdate of neuron 0: v: \
             model 5, RTL 7"
        );
    }

    #[test]
    fn a_cycle_difference_comes_before_the_fields() {
        let d = compare_events(&[update(10, 0, 5)], &[update(11, 0, 7)], 2, 4).unwrap_err();
        assert_eq!((d.field, d.model.as_str(), d.rtl.as_str()), ("cycle", "10", "11"));
    }

    #[test]
    fn every_differing_field_of_the_event_is_named() {
        let mut rtl = update(11, 0, 7);
        rtl.kind = EventKind::NeuronUpdate { neuron: 0, v: 7, i: 0, refractory: 3 };
        let d = compare_events(&[update(10, 0, 5)], &[rtl], 2, 4).unwrap_err();
        assert_eq!(
            d.also,
            [FieldDifference::new("v", 5, 7), FieldDifference::new("refractory", 0, 3)],
            "after the cycle, in order, and the equal fields (neuron, I) left out"
        );
        assert_eq!(
            d.to_string(),
            "RTL and model diverge in timestep 2 at cycle 10 (cycle 6 of the timestep): NeuronUpdate of neuron 0: \
             cycle: model 10, RTL 11\n    and v: model 5, RTL 7\n    and refractory: model 0, RTL 3"
        );
    }

    #[test]
    fn a_missing_event_is_named_in_full() {
        let d = compare_events(&[update(10, 0, 5)], &[], 2, 4).unwrap_err();
        assert_eq!(d.field, "event");
        assert_eq!(d.model, "NeuronUpdate of neuron 0 (v 5, I 0, r 0) in cycle 10");
        assert_eq!(d.rtl, "no event");
    }

    #[test]
    fn different_kinds_are_a_kind_divergence() {
        let done = Event { cycle: Cycle(10), timestep: Timestep(2), kind: EventKind::TimestepDone { spikes: 0 } };
        let d = compare_events(&[update(10, 0, 5)], &[done], 2, 4).unwrap_err();
        assert_eq!((d.field, d.model.as_str(), d.rtl.as_str()), ("kind", "NeuronUpdate", "TimestepDone"));
    }
}
