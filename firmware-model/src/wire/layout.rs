//! The byte encodings of the device's regions (docs/protocol.md §9), defined once: the
//! `.ncx` image codec and the device model both call these functions, so an image's
//! section payloads are exactly what a WRITE uploads and a READ returns.
//!
//! Every encoder writes values as they are (it never fails); every decoder checks the
//! length, then each record field by field in byte order, with the model's own checks
//! ([`ModelError::check`], [`StdpConfig::validate`]'s rules), and reports the first bad
//! field with its byte offset within the bytes it was given ([`LayoutError`]).

use std::fmt;

use crate::arith::TraceMode;
use crate::error::ModelError;
use crate::geometry::Geometry;
use crate::params::{CoreConfig, NeuronParams, NeuronState, StdpConfig};
use crate::spec;

/// Bytes of the core configuration record (region 0, image §4.1).
pub const CONFIG_LEN: usize = 18;
/// Bytes of one neuron parameter record (region 5, image §4.4).
pub const NEURON_RECORD_LEN: usize = 17;
/// Bytes of one neuron state record (region 6): v i32, I i32, refractory counter u8.
pub const STATE_RECORD_LEN: usize = 9;

/// A region of the device's memory (docs/protocol.md §9), by its number on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Region {
    /// The core configuration: one 18-byte record.
    Config = 0,
    /// `W_in`: N·M int8 weights, row-major `[post][pre]`.
    WeightsIn = 1,
    /// `W_rec`: N·N int8 weights, row-major `[post][pre]`.
    WeightsRec = 2,
    /// `E_in`: N·M enable bits, LSB-first.
    EnableIn = 3,
    /// `E_rec`: N·N enable bits, LSB-first.
    EnableRec = 4,
    /// Neuron parameters: N records of 17 bytes.
    Neurons = 5,
    /// Neuron state: N records of 9 bytes (v, I, refractory counter).
    State = 6,
    /// STDP traces: `x_in[0..M]`, `x_pre[0..N]`, `x_post[0..N]`, one byte each.
    Traces = 7,
}

impl Region {
    /// Every region, in number order.
    pub const ALL: [Region; 8] = [
        Region::Config,
        Region::WeightsIn,
        Region::WeightsRec,
        Region::EnableIn,
        Region::EnableRec,
        Region::Neurons,
        Region::State,
        Region::Traces,
    ];

    /// The region's name as docs/protocol.md §9 writes it (`CONFIG`, `W_IN`, …).
    pub const fn name(self) -> &'static str {
        match self {
            Region::Config => "CONFIG",
            Region::WeightsIn => "W_IN",
            Region::WeightsRec => "W_REC",
            Region::EnableIn => "E_IN",
            Region::EnableRec => "E_REC",
            Region::Neurons => "NEURONS",
            Region::State => "STATE",
            Region::Traces => "TRACES",
        }
    }

    /// The region's size in bytes for a core of `geometry`.
    pub const fn size(self, geometry: Geometry) -> usize {
        let (n, m) = (geometry.neurons(), geometry.inputs());
        match self {
            Region::Config => CONFIG_LEN,
            Region::WeightsIn => n * m,
            Region::WeightsRec => n * n,
            Region::EnableIn => n * m / 8,
            Region::EnableRec => n * n / 8,
            Region::Neurons => NEURON_RECORD_LEN * n,
            Region::State => STATE_RECORD_LEN * n,
            Region::Traces => m + 2 * n,
        }
    }

    /// The size of the records a WRITE must cover whole: 18, 17 or 9 bytes for the
    /// record regions, 1 for the byte regions (any byte range may be written).
    pub const fn record_len(self) -> usize {
        match self {
            Region::Config => CONFIG_LEN,
            Region::Neurons => NEURON_RECORD_LEN,
            Region::State => STATE_RECORD_LEN,
            _ => 1,
        }
    }

    /// Whether the region has multi-byte records (the `record` column of §9).
    pub const fn has_records(self) -> bool {
        self.record_len() > 1
    }
}

impl TryFrom<u8> for Region {
    type Error = LayoutError;

    fn try_from(value: u8) -> Result<Region, LayoutError> {
        Region::ALL.get(usize::from(value)).copied().ok_or(LayoutError::UnknownRegion { region: value })
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why bytes are not a valid encoding. Offsets count from the first byte given to the
/// decoder; the caller adds its own base (a section's payload offset, a command's data).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LayoutError {
    /// No region has this number.
    #[error("there is no region {region}: regions are 0..=7")]
    UnknownRegion {
        /// The region number.
        region: u8,
    },
    /// The bytes have the wrong length.
    #[error("{got} bytes given; the encoding needs {expected}")]
    Length {
        /// Bytes given.
        got: usize,
        /// Bytes the encoding needs.
        expected: usize,
    },
    /// A value that does not fit its field, or STDP bounds with `w_min > w_max`.
    #[error("{} at byte {offset}: {source}", value_what(*.record, .field))]
    Value {
        /// Offset of the field's first byte.
        offset: usize,
        /// The neuron record (counted from the first record given), for record regions
        /// 5 and 6; `None` for the configuration.
        record: Option<usize>,
        /// The field (`"threshold"`, `"STDP shift"`, …).
        field: &'static str,
        /// The model's reason, with the value and the limits.
        source: ModelError,
    },
    /// A flag or enumeration byte with an undefined value.
    #[error("{field} at byte {offset} is {value}; allowed: {allowed}")]
    Code {
        /// Offset of the byte.
        offset: usize,
        /// The field (`"STDP enable"`, `"STDP trace mode"`).
        field: &'static str,
        /// The stored value.
        value: u8,
        /// The values allowed, in words.
        allowed: &'static str,
    },
}

impl LayoutError {
    /// What the bad value is, in words: `"neuron 5 threshold"`, `"STDP enable"`.
    pub fn what(&self) -> String {
        match self {
            LayoutError::Value { record, field, .. } => value_what(*record, field),
            LayoutError::Code { field, .. } => (*field).to_owned(),
            LayoutError::UnknownRegion { .. } => "region".to_owned(),
            LayoutError::Length { .. } => "length".to_owned(),
        }
    }

    /// The offset of the bad byte or field, if the error has one.
    pub fn offset(&self) -> Option<usize> {
        match self {
            LayoutError::Value { offset, .. } | LayoutError::Code { offset, .. } => Some(*offset),
            LayoutError::UnknownRegion { .. } | LayoutError::Length { .. } => None,
        }
    }
}

/// What a bad value is: `"neuron 5 threshold"` in a neuron record, the field's name
/// in the configuration.
fn value_what(record: Option<usize>, field: &str) -> String {
    match record {
        Some(n) => format!("neuron {n} {field}"),
        None => field.to_owned(),
    }
}

fn check_len(bytes: &[u8], expected: usize) -> Result<(), LayoutError> {
    if bytes.len() == expected { Ok(()) } else { Err(LayoutError::Length { got: bytes.len(), expected }) }
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn i32_at(b: &[u8], at: usize) -> i32 {
    i32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Check `raw` against `field`, naming the configuration field `name` at `offset`.
fn field(
    offset: usize,
    record: Option<usize>,
    name: &'static str,
    f: spec::Field,
    raw: i64,
) -> Result<(), LayoutError> {
    ModelError::check(f, raw).map_err(|source| LayoutError::Value { offset, record, field: name, source })
}

/// The core configuration record (image §4.1).
pub fn encode_config(config: &CoreConfig) -> [u8; CONFIG_LEN] {
    let s = &config.stdp;
    let mut out = [0u8; CONFIG_LEN];
    out[0..4].copy_from_slice(&config.period.to_le_bytes());
    out[4] = config.weight_shift;
    out[5] = u8::from(s.enabled);
    out[6] = s.a_plus;
    out[7] = s.a_minus;
    out[8] = s.shift;
    out[9] = s.w_min.to_le_bytes()[0];
    out[10] = s.w_max.to_le_bytes()[0];
    out[11] = match s.trace_mode {
        TraceMode::Add => 0,
        TraceMode::Set => 1,
    };
    out[12..14].copy_from_slice(&s.pre_decay.to_le_bytes());
    out[14..16].copy_from_slice(&s.post_decay.to_le_bytes());
    out[16] = s.pre_increment;
    out[17] = s.post_increment;
    out
}

/// Decode and check the core configuration record: the length (18), then weight_shift
/// (+4), STDP enable (+5, a code), STDP shift (+8), the weight bounds (+9), the trace
/// mode (+11, a code), the pre- and post-trace decays (+12, +14), in that order.
pub fn decode_config(bytes: &[u8]) -> Result<CoreConfig, LayoutError> {
    check_len(bytes, CONFIG_LEN)?;
    let p = bytes;
    let code = |offset: usize, name: &'static str, allowed: &'static str| LayoutError::Code {
        offset,
        field: name,
        value: p[offset],
        allowed,
    };
    let period = u32::from_le_bytes([p[0], p[1], p[2], p[3]]);
    let weight_shift = p[4];
    field(4, None, "weight_shift", spec::WEIGHT_SHIFT, weight_shift.into())?;
    let enabled = match p[5] {
        0 => false,
        1 => true,
        _ => return Err(code(5, "STDP enable", "0 (off) or 1 (on)")),
    };
    let shift = p[8];
    field(8, None, "STDP shift", spec::STDP_SHIFT, shift.into())?;
    let (w_min, w_max) = (i8::from_le_bytes([p[9]]), i8::from_le_bytes([p[10]]));
    if w_min > w_max {
        let source = ModelError::WeightBounds { w_min, w_max };
        return Err(LayoutError::Value { offset: 9, record: None, field: "STDP weight bounds", source });
    }
    let trace_mode = match p[11] {
        0 => TraceMode::Add,
        1 => TraceMode::Set,
        _ => return Err(code(11, "STDP trace mode", "0 (add) or 1 (set)")),
    };
    let pre_decay = u16_at(p, 12);
    field(12, None, "STDP pre-trace decay", spec::DECAY, pre_decay.into())?;
    let post_decay = u16_at(p, 14);
    field(14, None, "STDP post-trace decay", spec::DECAY, post_decay.into())?;
    let stdp = StdpConfig {
        enabled,
        a_plus: p[6],
        a_minus: p[7],
        shift,
        w_min,
        w_max,
        pre_decay,
        post_decay,
        pre_increment: p[16],
        post_increment: p[17],
        trace_mode,
    };
    Ok(CoreConfig { weight_shift, period, stdp })
}

/// A weight matrix (image §4.2): one two's-complement byte per weight, in the order
/// given (row-major `[post][pre]` for a whole matrix).
pub fn encode_weights(weights: &[i8]) -> Vec<u8> {
    weights.iter().map(|w| w.to_le_bytes()[0]).collect()
}

/// Decode `count` weights; every byte value is a valid weight.
pub fn decode_weights(bytes: &[u8], count: usize) -> Result<Vec<i8>, LayoutError> {
    check_len(bytes, count)?;
    Ok(bytes.iter().map(|&b| i8::from_le_bytes([b])).collect())
}

/// Enable bits (image §4.3): bit `i` is bit `i % 8` (LSB = bit 0) of byte `i / 8`; a
/// last partial byte is padded with zero bits.
pub fn encode_bits(bits: &[bool]) -> Vec<u8> {
    bits.chunks(8)
        .map(|chunk| chunk.iter().enumerate().fold(0u8, |byte, (bit, &on)| byte | (u8::from(on) << bit)))
        .collect()
}

/// Decode `count` enable bits from `count.div_ceil(8)` bytes.
pub fn decode_bits(bytes: &[u8], count: usize) -> Result<Vec<bool>, LayoutError> {
    check_len(bytes, count.div_ceil(8))?;
    Ok((0..count).map(|i| bytes[i / 8] >> (i % 8) & 1 == 1).collect())
}

/// One neuron parameter record (image §4.4).
pub fn encode_neuron(p: &NeuronParams) -> [u8; NEURON_RECORD_LEN] {
    let mut out = [0u8; NEURON_RECORD_LEN];
    out[0..4].copy_from_slice(&p.threshold.to_le_bytes());
    out[4..8].copy_from_slice(&p.reset.to_le_bytes());
    out[8..12].copy_from_slice(&p.bias.to_le_bytes());
    out[12..14].copy_from_slice(&p.v_decay.to_le_bytes());
    out[14..16].copy_from_slice(&p.i_decay.to_le_bytes());
    out[16] = p.refractory;
    out
}

/// Neuron parameter records, one per neuron, in the order given.
pub fn encode_neurons(neurons: &[NeuronParams]) -> Vec<u8> {
    neurons.iter().flat_map(encode_neuron).collect()
}

/// Decode and check `count` neuron parameter records: per record, threshold (+0), reset
/// (+4), bias (+8), δ_v (+12), δ_I (+14). Errors carry the record index and the offset
/// of the field from the first byte given.
pub fn decode_neurons(bytes: &[u8], count: usize) -> Result<Vec<NeuronParams>, LayoutError> {
    check_len(bytes, count * NEURON_RECORD_LEN)?;
    let mut out = Vec::with_capacity(count);
    for (n, r) in bytes.chunks_exact(NEURON_RECORD_LEN).enumerate() {
        let at = n * NEURON_RECORD_LEN;
        let check =
            |offset: usize, name: &'static str, f: spec::Field, raw: i64| field(at + offset, Some(n), name, f, raw);
        let params = NeuronParams {
            threshold: i32_at(r, 0),
            reset: i32_at(r, 4),
            bias: i32_at(r, 8),
            v_decay: u16_at(r, 12),
            i_decay: u16_at(r, 14),
            refractory: r[16],
        };
        check(0, "threshold", spec::THRESHOLD, params.threshold.into())?;
        check(4, "reset", spec::RESET, params.reset.into())?;
        check(8, "bias", spec::BIAS, params.bias.into())?;
        check(12, "v_decay", spec::DECAY, params.v_decay.into())?;
        check(14, "i_decay", spec::DECAY, params.i_decay.into())?;
        out.push(params);
    }
    Ok(out)
}

/// One neuron state record (region 6): v i32, I i32, refractory counter u8.
pub fn encode_state(s: &NeuronState) -> [u8; STATE_RECORD_LEN] {
    let mut out = [0u8; STATE_RECORD_LEN];
    out[0..4].copy_from_slice(&s.v.to_le_bytes());
    out[4..8].copy_from_slice(&s.i.to_le_bytes());
    out[8] = s.refractory;
    out
}

/// Neuron state records, one per neuron, in the order given.
pub fn encode_states(states: &[NeuronState]) -> Vec<u8> {
    states.iter().flat_map(encode_state).collect()
}

/// Decode and check `count` neuron state records: per record, v (+0) and I (+4) must
/// fit 24 bits; every refractory counter is valid.
pub fn decode_states(bytes: &[u8], count: usize) -> Result<Vec<NeuronState>, LayoutError> {
    check_len(bytes, count * STATE_RECORD_LEN)?;
    let mut out = Vec::with_capacity(count);
    for (n, r) in bytes.chunks_exact(STATE_RECORD_LEN).enumerate() {
        let at = n * STATE_RECORD_LEN;
        let state = NeuronState { v: i32_at(r, 0), i: i32_at(r, 4), refractory: r[8] };
        field(at, Some(n), "v", spec::V, state.v.into())?;
        field(at + 4, Some(n), "i", spec::I, state.i.into())?;
        out.push(state);
    }
    Ok(out)
}

/// The three STDP trace memories of a core (region 7).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Traces {
    /// `x_in[0..M]`: the pre traces of the inputs.
    pub input: Vec<u8>,
    /// `x_pre[0..N]`: the pre traces of the neurons.
    pub pre: Vec<u8>,
    /// `x_post[0..N]`: the post traces of the neurons.
    pub post: Vec<u8>,
}

/// The traces region: `x_in`, then `x_pre`, then `x_post`, one byte each.
pub fn encode_traces(traces: &Traces) -> Vec<u8> {
    [&traces.input, &traces.pre, &traces.post].into_iter().flatten().copied().collect()
}

/// Decode the traces region of a core of `geometry` (M + 2N bytes; every byte is valid).
pub fn decode_traces(bytes: &[u8], geometry: Geometry) -> Result<Traces, LayoutError> {
    let (n, m) = (geometry.neurons(), geometry.inputs());
    check_len(bytes, m + 2 * n)?;
    Ok(Traces { input: bytes[..m].to_vec(), pre: bytes[m..m + n].to_vec(), post: bytes[m + n..].to_vec() })
}

/// Check the records of `data`, whole records of `region` to be written (a WRITE's data,
/// docs/protocol.md §8), without writing them. The byte regions accept any bytes; a
/// record region needs whole records ([`LayoutError::Length`] otherwise) that all decode.
/// On a bad record the error's offset is that of the bad field within `data`, and its
/// `record` counts from the first record of `data`. [`RegionRange`] checks the range.
pub fn check_records(region: Region, data: &[u8]) -> Result<(), LayoutError> {
    match region {
        Region::Config => decode_config(data).map(drop),
        Region::Neurons => decode_neurons(data, data.len() / NEURON_RECORD_LEN).map(drop),
        Region::State => decode_states(data, data.len() / STATE_RECORD_LEN).map(drop),
        _ => Ok(()),
    }
}

/// Where a byte range `[offset, offset + len)` of a region stands (docs/protocol.md §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionRange {
    /// Inside the region and on record boundaries: readable and writable.
    Records,
    /// Inside the region but not whole records: readable, not writable.
    Bytes,
    /// Beyond the end of the region.
    Outside,
}

impl RegionRange {
    /// Classify `len` bytes at `offset` of `region` for a core of `geometry`.
    pub fn of(region: Region, geometry: Geometry, offset: u64, len: u64) -> RegionRange {
        let size = region.size(geometry) as u64;
        let record = region.record_len() as u64;
        match offset.checked_add(len) {
            Some(end) if end <= size => {
                if offset.is_multiple_of(record) && len.is_multiple_of(record) {
                    RegionRange::Records
                } else {
                    RegionRange::Bytes
                }
            }
            _ => RegionRange::Outside,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_numbers_round_trip() {
        for r in Region::ALL {
            assert_eq!(Region::try_from(r as u8), Ok(r));
        }
        assert_eq!(Region::try_from(8), Err(LayoutError::UnknownRegion { region: 8 }));
    }

    #[test]
    fn ranges() {
        let g = Geometry::new(16, 32).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(RegionRange::of(Region::Neurons, g, 17, 34), RegionRange::Records);
        assert_eq!(RegionRange::of(Region::Neurons, g, 16, 17), RegionRange::Bytes);
        assert_eq!(RegionRange::of(Region::Neurons, g, 17 * 15, 34), RegionRange::Outside);
        assert_eq!(RegionRange::of(Region::Traces, g, u64::MAX, 2), RegionRange::Outside);
        assert_eq!(RegionRange::of(Region::Traces, g, 3, 61), RegionRange::Records);
    }
}
