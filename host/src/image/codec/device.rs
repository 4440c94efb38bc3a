//! The payloads the device needs (docs/image-format.md §4): core configuration,
//! weight matrices, enable-bit tables and neuron parameter records. Encoding writes
//! the values as they are; decoding checks the payload length against the geometry
//! and every value against its field width, with the model's own checks.

use ncx_model::{CoreConfig, ModelError, NeuronParams, StdpConfig, TraceMode, spec};

use super::error::ImageError;
use super::framing::Frame;
use super::sections::SectionKind;

/// Bytes of the core configuration payload.
pub(crate) const CONFIG_LEN: usize = 18;
/// Bytes of one neuron parameter record.
pub(crate) const NEURON_RECORD_LEN: usize = 17;

/// The core configuration payload.
pub(crate) fn encode_config(config: &CoreConfig) -> Vec<u8> {
    let stdp = &config.stdp;
    let mut out = Vec::with_capacity(CONFIG_LEN);
    out.extend_from_slice(&config.period.to_le_bytes());
    out.push(config.weight_shift);
    out.push(u8::from(stdp.enabled));
    out.push(stdp.a_plus);
    out.push(stdp.a_minus);
    out.push(stdp.shift);
    out.extend_from_slice(&stdp.w_min.to_le_bytes());
    out.extend_from_slice(&stdp.w_max.to_le_bytes());
    out.push(match stdp.trace_mode {
        TraceMode::Add => 0,
        TraceMode::Set => 1,
    });
    out.extend_from_slice(&stdp.pre_decay.to_le_bytes());
    out.extend_from_slice(&stdp.post_decay.to_le_bytes());
    out.push(stdp.pre_increment);
    out.push(stdp.post_increment);
    out
}

/// Decode and check the core configuration.
pub(crate) fn decode_config(frame: &Frame<'_>) -> Result<CoreConfig, ImageError> {
    let section = SectionKind::Config;
    let p: &[u8; CONFIG_LEN] = frame.payload.try_into().map_err(|_| ImageError::SectionLength {
        section,
        offset: frame.offset,
        got: frame.payload.len(),
        expected: CONFIG_LEN,
        holds: "the core configuration fields".to_owned(),
    })?;
    let at = frame.payload_offset();
    let value = |offset: usize, what: &str, source: ModelError| ImageError::Value {
        section,
        offset: at + offset,
        what: what.to_owned(),
        source,
    };
    let field = |offset: usize, what: &str, field: spec::Field, raw: i64| {
        ModelError::check(field, raw).map_err(|source| value(offset, what, source))
    };
    let code = |offset: usize, what: &str, raw: u8, allowed: &'static str| ImageError::Code {
        section,
        offset: at + offset,
        what: what.to_owned(),
        value: raw.into(),
        allowed,
    };

    let period = u32::from_le_bytes([p[0], p[1], p[2], p[3]]);
    let weight_shift = p[4];
    field(4, "weight_shift", spec::WEIGHT_SHIFT, weight_shift.into())?;
    let enabled = match p[5] {
        0 => false,
        1 => true,
        raw => return Err(code(5, "STDP enable", raw, "0 (off) or 1 (on)")),
    };
    let shift = p[8];
    field(8, "STDP shift", spec::STDP_SHIFT, shift.into())?;
    let (w_min, w_max) = (p[9] as i8, p[10] as i8);
    if w_min > w_max {
        return Err(value(9, "STDP weight bounds", ModelError::WeightBounds { w_min, w_max }));
    }
    let trace_mode = match p[11] {
        0 => TraceMode::Add,
        1 => TraceMode::Set,
        raw => return Err(code(11, "STDP trace mode", raw, "0 (add) or 1 (set)")),
    };
    let pre_decay = u16::from_le_bytes([p[12], p[13]]);
    field(12, "STDP pre-trace decay", spec::DECAY, pre_decay.into())?;
    let post_decay = u16::from_le_bytes([p[14], p[15]]);
    field(14, "STDP post-trace decay", spec::DECAY, post_decay.into())?;
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

/// A weight matrix payload: one byte (two's complement) per weight, in the order given.
pub(crate) fn encode_weights(weights: &[i8]) -> Vec<u8> {
    weights.iter().map(|&w| w as u8).collect()
}

/// Decode a weight matrix of `posts` × `pres` weights.
pub(crate) fn decode_weights(
    frame: &Frame<'_>,
    section: SectionKind,
    posts: usize,
    pres: usize,
) -> Result<Vec<i8>, ImageError> {
    let expected = posts * pres;
    if frame.payload.len() != expected {
        return Err(ImageError::SectionLength {
            section,
            offset: frame.offset,
            got: frame.payload.len(),
            expected,
            holds: format!("{posts} × {pres} int8 weights"),
        });
    }
    Ok(frame.payload.iter().map(|&b| b as i8).collect())
}

/// An enable-bit payload: bit `i` of the table is bit `i % 8` (LSB = bit 0) of byte
/// `i / 8`; a last partial byte is padded with zero bits.
pub(crate) fn encode_bits(bits: &[bool]) -> Vec<u8> {
    bits.chunks(8)
        .map(|chunk| chunk.iter().enumerate().fold(0u8, |byte, (bit, &on)| byte | (u8::from(on) << bit)))
        .collect()
}

/// Decode an enable-bit table of `posts` × `pres` bits. Every allowed geometry has a
/// multiple of 8 bits, so every byte is fully used.
pub(crate) fn decode_bits(
    frame: &Frame<'_>,
    section: SectionKind,
    posts: usize,
    pres: usize,
) -> Result<Vec<bool>, ImageError> {
    let bits = posts * pres;
    let expected = bits.div_ceil(8);
    if frame.payload.len() != expected {
        return Err(ImageError::SectionLength {
            section,
            offset: frame.offset,
            got: frame.payload.len(),
            expected,
            holds: format!("{posts} × {pres} enable bits, 8 per byte,"),
        });
    }
    Ok((0..bits).map(|i| frame.payload[i / 8] >> (i % 8) & 1 == 1).collect())
}

/// The neuron parameter payload: one record per neuron, in the order given.
pub(crate) fn encode_neurons(neurons: &[NeuronParams]) -> Vec<u8> {
    let mut out = Vec::with_capacity(neurons.len() * NEURON_RECORD_LEN);
    for p in neurons {
        out.extend_from_slice(&p.threshold.to_le_bytes());
        out.extend_from_slice(&p.reset.to_le_bytes());
        out.extend_from_slice(&p.bias.to_le_bytes());
        out.extend_from_slice(&p.v_decay.to_le_bytes());
        out.extend_from_slice(&p.i_decay.to_le_bytes());
        out.push(p.refractory);
    }
    out
}

/// Decode and check the parameters of `neurons` neurons.
pub(crate) fn decode_neurons(frame: &Frame<'_>, neurons: usize) -> Result<Vec<NeuronParams>, ImageError> {
    let section = SectionKind::Neurons;
    let (records, rest) = frame.payload.as_chunks::<NEURON_RECORD_LEN>();
    if records.len() != neurons || !rest.is_empty() {
        return Err(ImageError::SectionLength {
            section,
            offset: frame.offset,
            got: frame.payload.len(),
            expected: neurons * NEURON_RECORD_LEN,
            holds: format!("{neurons} neuron records of {NEURON_RECORD_LEN} bytes"),
        });
    }
    let mut out = Vec::with_capacity(neurons);
    for (n, r) in records.iter().enumerate() {
        let at = frame.payload_offset() + n * NEURON_RECORD_LEN;
        let check = |offset: usize, name: &str, field: spec::Field, raw: i64| {
            ModelError::check(field, raw).map_err(|source| ImageError::Value {
                section,
                offset: at + offset,
                what: format!("neuron {n} {name}"),
                source,
            })
        };
        let params = NeuronParams {
            threshold: i32::from_le_bytes([r[0], r[1], r[2], r[3]]),
            reset: i32::from_le_bytes([r[4], r[5], r[6], r[7]]),
            bias: i32::from_le_bytes([r[8], r[9], r[10], r[11]]),
            v_decay: u16::from_le_bytes([r[12], r[13]]),
            i_decay: u16::from_le_bytes([r[14], r[15]]),
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
