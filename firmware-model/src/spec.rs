//! The single source of truth for every number format, width and schedule constant of
//! the NCX-1 core.
//!
//! Everything that the Rust model, the host compiler, the wire format and the RTL
//! package (`hdl/rtl/ncx_pkg.sv`) need to agree on is defined here, once, as data:
//! each stored field is a [`Field`] with a name, a bit width and a signedness, and the
//! cycle schedule is a handful of named constants. docs/semantics.md §2 and §6 print
//! the same tables; a test in this crate checks that the document and this module
//! agree.

/// A stored field of the core: its bit width and whether it is two's-complement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// Name used in docs, error messages and the generated RTL package.
    pub name: &'static str,
    /// Width in bits (1..=32).
    pub bits: u32,
    /// `true` for two's-complement, `false` for unsigned.
    pub signed: bool,
}

impl Field {
    /// Smallest representable value.
    pub const fn min(self) -> i64 {
        if self.signed { -(1i64 << (self.bits - 1)) } else { 0 }
    }

    /// Largest representable value.
    pub const fn max(self) -> i64 {
        if self.signed { (1i64 << (self.bits - 1)) - 1 } else { (1i64 << self.bits) - 1 }
    }

    /// Whether `value` is representable in this field.
    pub const fn contains(self, value: i64) -> bool {
        value >= self.min() && value <= self.max()
    }

    /// Clamp `value` into the field's range (the core's saturation rule).
    pub const fn saturate(self, value: i64) -> i64 {
        if value < self.min() {
            self.min()
        } else if value > self.max() {
            self.max()
        } else {
            value
        }
    }
}

const fn signed(name: &'static str, bits: u32) -> Field {
    Field { name, bits, signed: true }
}

const fn unsigned(name: &'static str, bits: u32) -> Field {
    Field { name, bits, signed: false }
}

/// Synaptic weight, both matrices (`W_in`, `W_rec`).
pub const WEIGHT: Field = signed("weight", 8);
/// Membrane potential `v`.
pub const V: Field = signed("v", 24);
/// Synaptic current `I`.
pub const I: Field = signed("i", 24);
/// Per-timestep synaptic accumulator (exact sum of int8 weights; never saturates,
/// since `|sum| <= 128 * (1024 + 1024) = 2^18`).
pub const ACC: Field = signed("acc", 20);
/// Firing threshold (compared with `v`).
pub const THRESHOLD: Field = signed("threshold", 24);
/// Value `v` is set to when the neuron fires.
pub const RESET: Field = signed("reset", 24);
/// Constant current added to `v` every integrating timestep.
pub const BIAS: Field = signed("bias", 24);
/// Decay amount δ of `v`, `I` and the traces: the multiplier is `DECAY_ONE - δ`.
pub const DECAY: Field = unsigned("decay", 12);
/// Refractory period in timesteps, and the per-neuron refractory counter.
pub const REFRACTORY: Field = unsigned("refractory", 8);
/// STDP traces (input, pre and post).
pub const TRACE: Field = unsigned("trace", 8);
/// Left shift applied to the accumulated weight sum before it enters `I`.
pub const WEIGHT_SHIFT: Field = unsigned("weight_shift", 4);
/// STDP amplitudes A+ and A−.
pub const STDP_AMPLITUDE: Field = unsigned("stdp_amplitude", 8);
/// Right shift of the STDP product `A · trace`.
pub const STDP_SHIFT: Field = unsigned("stdp_shift", 4);
/// Trace increment on a spike.
pub const TRACE_INCREMENT: Field = unsigned("trace_increment", 8);
/// Timestep period in cycles for paced mode (0 = free-running).
pub const PERIOD: Field = unsigned("period", 32);

/// Every field, in the order docs/semantics.md §2 lists them.
pub const FIELDS: [Field; 15] = [
    WEIGHT,
    V,
    I,
    ACC,
    THRESHOLD,
    RESET,
    BIAS,
    DECAY,
    REFRACTORY,
    TRACE,
    WEIGHT_SHIFT,
    STDP_AMPLITUDE,
    STDP_SHIFT,
    TRACE_INCREMENT,
    PERIOD,
];

/// The decay multiplier's unit: a value decays as `x * (DECAY_ONE - δ) / DECAY_ONE`.
pub const DECAY_ONE: i64 = 1 << DECAY.bits;

/// Smallest supported neuron or input count (as a power of two: 2^4 = 16).
pub const GEOMETRY_MIN_LOG2: u32 = 4;
/// Largest supported neuron or input count (2^10 = 1024).
pub const GEOMETRY_MAX_LOG2: u32 = 10;

/// Most accumulate lanes a device build may have, as a power of two: P = 2^lanes_log2
/// synapses are accumulated per cycle, 1 <= P <= min(N, 2^MAX_LANES_LOG2) (§6).
pub const MAX_LANES_LOG2: u8 = 3;

/// Cycles of the FETCH phase that opens every timestep.
pub const FETCH_CYCLES: u64 = 1;
/// Set-up cycles at the start of every synapse slot (one per spike in the accumulate,
/// LTD and LTP phases) and of the trace phase, before the first entry (or, in an
/// accumulate slot, the first P entries) is processed.
pub const SLOT_SETUP_CYCLES: u64 = 2;
/// Pipeline latency of the neuron phase: neuron `n` is written in cycle
/// `NEURON_LATENCY + n` of the phase.
pub const NEURON_LATENCY: u64 = 3;
/// Cycles of the DONE phase that closes every timestep.
pub const DONE_CYCLES: u64 = 1;

// The device front end's timing (docs/protocol.md §10.1, `device::TimedDevice`), in
// cycles of the device clock: the costs of the RTL's decoder, controller (ncx_ctrl) and
// transmit path.

/// A frame is held for the controller this many cycles after its last byte is received
/// (or leaves the byte FIFO).
pub const FRAME_HOLD_LATENCY: u64 = 1;

/// A header error (wrong hcrc or len too long) re-scans the 5 header bytes: the next
/// byte reaches the decoder at the earliest this many cycles after the usual one.
pub const HEADER_RESCAN_CYCLES: u64 = 5;

/// A command's fixed cycles before its checks' pass or execution: take the frame (1),
/// a reply slot (1), load payload bytes 0..8 (10), decide (1).
pub const COMMAND_DECIDE_CYCLES: u64 = 13;

/// Reply slots of the transmit queue: every command takes the next one, round robin.
pub const REPLY_SLOTS: u64 = 4;

/// The slot that holds the last acknowledged command's reply (kept for duplicates) is
/// skipped, at this cost.
pub const REPLY_SLOT_SKIP_CYCLES: u64 = 1;

/// From a reply or output frame queued (pushed) to its first start bit: encoder (2) and
/// UART (1).
pub const TX_LATENCY: u64 = 3;

/// A frame whose first byte reaches the transmitter exactly one cycle before the line
/// is free (two cycles before the previous byte's stop bit ends) misses the hand-over
/// and passes through the transmit FIFO's RAM: it starts this many cycles after the
/// line is free instead of at once.
pub const TX_FIFO_MISS_CYCLES: u64 = 1;

/// A timestep's fixed cycles on the controller besides staging (one per input index)
/// and building the output frame (one per payload byte): the decision, clearing the
/// staged inputs and the start request before the core's first cycle (3), and after
/// its last cycle the done pulse and slot (2).
pub const TIMESTEP_SETUP_CYCLES: u64 = 3;

/// See [`TIMESTEP_SETUP_CYCLES`].
pub const TIMESTEP_FINISH_CYCLES: u64 = 2;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_ranges_follow_widths() {
        assert_eq!((WEIGHT.min(), WEIGHT.max()), (-128, 127));
        assert_eq!((V.min(), V.max()), (-8_388_608, 8_388_607));
        assert_eq!((DECAY.min(), DECAY.max()), (0, 4095));
        assert_eq!((PERIOD.min(), PERIOD.max()), (0, 4_294_967_295));
        assert_eq!(V.saturate(1 << 30), V.max());
        assert_eq!(V.saturate(-(1 << 30)), V.min());
        assert_eq!(V.saturate(-5), -5);
    }

    #[test]
    fn accumulator_cannot_overflow_at_largest_geometry() {
        let fan_in = 2 * (1i64 << GEOMETRY_MAX_LOG2);
        assert!(ACC.contains(fan_in * WEIGHT.min()));
        assert!(ACC.contains(fan_in * WEIGHT.max()));
    }
}
