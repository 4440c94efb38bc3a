//! The regions of docs/protocol.md §9 as byte arrays over a [`Core`]: read any byte
//! range, write whole records (checked first, then applied: all or nothing), and the
//! CRC of a range. The encodings are those of [`crate::wire::layout`].

use crate::core::Core;
use crate::error::ModelError;
use crate::memory::{Matrix, TraceKind};
use crate::wire::layout::{self, LayoutError, NEURON_RECORD_LEN, Region, RegionRange, STATE_RECORD_LEN};

/// Why a region access was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionError {
    /// The range is outside the region, or (for a write) not whole records.
    Range {
        /// The region's size in bytes.
        size: usize,
    },
    /// A record does not decode (the layout error's offsets count from the data's start).
    Layout(LayoutError),
    /// The core refused (it is running a timestep).
    Model(ModelError),
}

impl From<ModelError> for RegionError {
    fn from(e: ModelError) -> RegionError {
        RegionError::Model(e)
    }
}

/// The whole of `region` of `core`, as its encoding.
pub fn region_bytes(core: &Core, region: Region) -> Vec<u8> {
    let size = region.size(core.geometry());
    read(core, region, 0, size).unwrap_or_default()
}

/// `len` bytes at `offset` of `region` of `core` (any range inside the region).
pub fn read(core: &Core, region: Region, offset: usize, len: usize) -> Result<Vec<u8>, RegionError> {
    let g = core.geometry();
    let size = region.size(g);
    if RegionRange::of(region, g, offset as u64, len as u64) == RegionRange::Outside {
        return Err(RegionError::Range { size });
    }
    let (n, m) = (g.neurons(), g.inputs());
    let end = offset + len;
    let record = region.record_len();
    let mut out = Vec::with_capacity(len);
    match region {
        Region::Config => out.extend_from_slice(&layout::encode_config(core.config())),
        Region::WeightsIn | Region::WeightsRec => {
            let (matrix, pres) = if region == Region::WeightsIn { (Matrix::Input, m) } else { (Matrix::Recurrent, n) };
            for k in offset..end {
                out.push(core.weight(matrix, k / pres, k % pres)?.to_le_bytes()[0]);
            }
            return Ok(out);
        }
        Region::EnableIn | Region::EnableRec => {
            let (matrix, pres) = if region == Region::EnableIn { (Matrix::Input, m) } else { (Matrix::Recurrent, n) };
            for k in offset..end {
                let mut byte = 0u8;
                for bit in 0..8 {
                    let i = 8 * k + bit;
                    byte |= u8::from(core.plastic(matrix, i / pres, i % pres)?) << bit;
                }
                out.push(byte);
            }
            return Ok(out);
        }
        Region::Neurons => {
            for r in offset / record..end.div_ceil(record) {
                out.extend_from_slice(&layout::encode_neuron(&core.neuron_params(r)?));
            }
        }
        Region::State => {
            for r in offset / record..end.div_ceil(record) {
                out.extend_from_slice(&layout::encode_state(&core.neuron_state(r)?));
            }
        }
        Region::Traces => {
            for k in offset..end {
                let (kind, index) = trace_at(k, n, m);
                out.push(core.trace(kind, index)?);
            }
            return Ok(out);
        }
    }
    // Record regions: `out` holds the records covering the range, from the first one's start.
    let skip = offset % record;
    Ok(out[skip..skip + len].to_vec())
}

/// Which trace byte `k` of the traces region is.
fn trace_at(k: usize, n: usize, m: usize) -> (TraceKind, usize) {
    if k < m {
        (TraceKind::Input, k)
    } else if k < m + n {
        (TraceKind::Pre, k - m)
    } else {
        (TraceKind::Post, k - m - n)
    }
}

/// CRC-32/ISO-HDLC of `len` bytes at `offset` of `region` (read in pieces, so a CRC of a
/// large region needs no copy of it).
pub fn crc(core: &Core, region: Region, offset: usize, len: usize) -> Result<u32, RegionError> {
    let size = region.size(core.geometry());
    if RegionRange::of(region, core.geometry(), offset as u64, len as u64) == RegionRange::Outside {
        return Err(RegionError::Range { size });
    }
    let mut digest = crate::wire::FRAME_CRC.digest();
    let mut at = offset;
    const PIECE: usize = 4096;
    while at < offset + len {
        let piece = PIECE.min(offset + len - at);
        digest.update(&read(core, region, at, piece)?);
        at += piece;
    }
    Ok(digest.finalize())
}

/// Write `data` at `offset` of `region` of `core`: the range must be inside the region
/// and whole records; every record is checked before anything is written, so on error
/// the core is unchanged.
pub fn write(core: &mut Core, region: Region, offset: usize, data: &[u8]) -> Result<(), RegionError> {
    let g = core.geometry();
    let size = region.size(g);
    if RegionRange::of(region, g, offset as u64, data.len() as u64) != RegionRange::Records {
        return Err(RegionError::Range { size });
    }
    if !core.is_idle() {
        return Err(RegionError::Model(ModelError::Busy));
    }
    let (n, m) = (g.neurons(), g.inputs());
    match region {
        Region::Config => {
            let config = layout::decode_config(data).map_err(RegionError::Layout)?;
            core.set_config(config)?;
        }
        Region::WeightsIn | Region::WeightsRec => {
            let (matrix, pres) = if region == Region::WeightsIn { (Matrix::Input, m) } else { (Matrix::Recurrent, n) };
            for (k, &b) in (offset..).zip(data) {
                core.set_weight(matrix, k / pres, k % pres, i8::from_le_bytes([b]))?;
            }
        }
        Region::EnableIn | Region::EnableRec => {
            let (matrix, pres) = if region == Region::EnableIn { (Matrix::Input, m) } else { (Matrix::Recurrent, n) };
            for (k, &b) in (offset..).zip(data) {
                for bit in 0..8 {
                    let i = 8 * k + bit;
                    core.set_plastic(matrix, i / pres, i % pres, b >> bit & 1 == 1)?;
                }
            }
        }
        Region::Neurons => {
            let records = layout::decode_neurons(data, data.len() / NEURON_RECORD_LEN).map_err(RegionError::Layout)?;
            for (r, p) in (offset / NEURON_RECORD_LEN..).zip(records) {
                core.set_neuron_params(r, p)?;
            }
        }
        Region::State => {
            let records = layout::decode_states(data, data.len() / STATE_RECORD_LEN).map_err(RegionError::Layout)?;
            for (r, s) in (offset / STATE_RECORD_LEN..).zip(records) {
                core.set_neuron_state(r, s)?;
            }
        }
        Region::Traces => {
            for (k, &b) in (offset..).zip(data) {
                let (kind, index) = trace_at(k, n, m);
                core.set_trace(kind, index, b)?;
            }
        }
    }
    Ok(())
}
