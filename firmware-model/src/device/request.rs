//! Command payloads (docs/protocol.md §8), both ways: [`Request::payload`] builds what a
//! host sends, [`Request::parse`] is the device's parser, which checks everything that
//! does not depend on the device's state and refuses a malformed command with the NAK
//! of §7 (status and detail). The free functions ([`write()`], [`input()`], …) are
//! shorthands for the payload of one command.
//!
//! Order of checks (docs/protocol.md §7): the opcode (`UNKNOWN_OPCODE`), the payload
//! length (`BAD_LENGTH`), then the fields in payload order — the region (`BAD_REGION`),
//! a READ's length, the range (`BAD_RANGE`), codes, counts, indices and records
//! (`BAD_VALUE`). The state checks (`BUSY`, `NOT_RUNNING`, `BAD_TIMESTEP`, `NO_CREDIT`)
//! come after, in the device.

use super::codes::{MAX_INPUTS, MAX_PROBES, MAX_READ, MAX_WRITE, Nak, Opcode, ResetScope, StatusCode};
use super::reply::{Ack, NAK_LEN};
use crate::geometry::Geometry;
use crate::wire::layout::{self, LayoutError, Region, RegionRange};
use crate::wire::{FrameError, HEADER_LEN, MAX_PAYLOAD, TRAILER_LEN, encode};

/// One command with its fields (docs/protocol.md §8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// HELLO: describe the device.
    Hello,
    /// RESET: reset the state or everything.
    Reset {
        /// What to reset.
        scope: ResetScope,
    },
    /// WRITE: `data` at `offset` of `region`.
    Write {
        /// The region.
        region: Region,
        /// Byte offset into the region.
        offset: u32,
        /// 1..=1019 bytes, whole records in a record region.
        data: Vec<u8>,
    },
    /// READ: `len` bytes at `offset` of `region`.
    Read {
        /// The region.
        region: Region,
        /// Byte offset into the region.
        offset: u32,
        /// 1..=1023 bytes.
        len: u16,
    },
    /// CRC: the CRC-32 of `len` bytes at `offset` of `region`.
    Crc {
        /// The region.
        region: Region,
        /// Byte offset into the region.
        offset: u32,
        /// Bytes covered (0 gives the CRC of nothing, 0).
        len: u32,
    },
    /// RUN: start a run of `steps` timesteps.
    Run {
        /// At least 1.
        steps: u32,
    },
    /// STOP: end the run.
    Stop,
    /// INPUT: the input spikes of `timestep`.
    Input {
        /// The timestep (low 32 bits of the core's counter).
        timestep: u32,
        /// Input indices (< M), any order; duplicates count once. At most 509.
        inputs: Vec<u16>,
    },
    /// PROBE: the neurons whose state each output frame reports, in this order.
    Probe {
        /// At most 16 neuron indices (< N).
        neurons: Vec<u16>,
    },
    /// STATUS: the device's state and counters.
    Status,
    /// RESEND: send again the kept output frames from timestep `from` on.
    Resend {
        /// The first timestep wanted.
        from: u32,
    },
}

fn u16_at(p: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([p[at], p[at + 1]])
}

fn u32_at(p: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([p[at], p[at + 1], p[at + 2], p[at + 3]])
}

/// A `u32` detail from a byte count or offset (all are far below 2^32).
fn detail(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn bad_length(expected: usize) -> Nak {
    Nak::new(StatusCode::BadLength, detail(expected))
}

fn bad_value(offset: usize) -> Nak {
    Nak::new(StatusCode::BadValue, detail(offset))
}

fn exact(payload: &[u8], len: usize) -> Result<(), Nak> {
    if payload.len() == len { Ok(()) } else { Err(bad_length(len)) }
}

/// A count-prefixed list: `fixed` bytes, of which the u16 count is the last two, then
/// `count` u16 values. Returns the values.
fn counted_list(payload: &[u8], fixed: usize) -> Result<Vec<u16>, Nak> {
    if payload.len() < fixed {
        return Err(bad_length(fixed));
    }
    let count = usize::from(u16_at(payload, fixed - 2));
    exact(payload, fixed + 2 * count)?;
    Ok(payload[fixed..].chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect())
}

/// The first index ≥ `len` in a list starting at payload offset `at`, as a NAK.
fn check_indices(values: &[u16], len: usize, at: usize) -> Result<(), Nak> {
    match values.iter().position(|&v| usize::from(v) >= len) {
        Some(k) => Err(bad_value(at + 2 * k)),
        None => Ok(()),
    }
}

fn region(byte: u8) -> Result<Region, Nak> {
    Region::try_from(byte).map_err(|_| Nak::new(StatusCode::BadRegion, byte.into()))
}

fn bad_range(region: Region, geometry: Geometry) -> Nak {
    Nak::new(StatusCode::BadRange, detail(region.size(geometry)))
}

impl Request {
    /// The command's opcode.
    pub fn opcode(&self) -> Opcode {
        match self {
            Request::Hello => Opcode::Hello,
            Request::Reset { .. } => Opcode::Reset,
            Request::Write { .. } => Opcode::Write,
            Request::Read { .. } => Opcode::Read,
            Request::Crc { .. } => Opcode::Crc,
            Request::Run { .. } => Opcode::Run,
            Request::Stop => Opcode::Stop,
            Request::Input { .. } => Opcode::Input,
            Request::Probe { .. } => Opcode::Probe,
            Request::Status => Opcode::Status,
            Request::Resend { .. } => Opcode::Resend,
        }
    }

    /// The request payload (docs/protocol.md §8), as written: a list longer than a count
    /// can say is cut to 65535 entries (it would not fit a frame anyway).
    pub fn payload(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let list = |out: &mut Vec<u8>, values: &[u16]| {
            let count = u16::try_from(values.len()).unwrap_or(u16::MAX);
            out.extend_from_slice(&count.to_le_bytes());
            for v in values.iter().take(usize::from(count)) {
                out.extend_from_slice(&v.to_le_bytes());
            }
        };
        match self {
            Request::Hello | Request::Stop | Request::Status => {}
            Request::Reset { scope } => out.push(*scope as u8),
            Request::Write { region, offset, data } => {
                out.push(*region as u8);
                out.extend_from_slice(&offset.to_le_bytes());
                out.extend_from_slice(data);
            }
            Request::Read { region, offset, len } => {
                out.push(*region as u8);
                out.extend_from_slice(&offset.to_le_bytes());
                out.extend_from_slice(&len.to_le_bytes());
            }
            Request::Crc { region, offset, len } => {
                out.push(*region as u8);
                out.extend_from_slice(&offset.to_le_bytes());
                out.extend_from_slice(&len.to_le_bytes());
            }
            Request::Run { steps } => out.extend_from_slice(&steps.to_le_bytes()),
            Request::Input { timestep, inputs } => {
                out.extend_from_slice(&timestep.to_le_bytes());
                list(&mut out, inputs);
            }
            Request::Probe { neurons } => list(&mut out, neurons),
            Request::Resend { from } => out.extend_from_slice(&from.to_le_bytes()),
        }
        out
    }

    /// The length of this command's ACK payload: the status byte and the data of
    /// docs/protocol.md §8 ([`Ack::data_len`]; a READ's data is the `len` asked for).
    pub fn ack_len(&self) -> usize {
        let data = match self {
            Request::Read { len, .. } => usize::from(*len),
            _ => Ack::data_len(self.opcode()).unwrap_or(0),
        };
        1 + data
    }

    /// The length of the longest reply frame this command can get, its ACK or a NAK
    /// (header, payload, trailer): what a host must be ready to wait for.
    pub fn reply_len(&self) -> usize {
        HEADER_LEN + self.ack_len().max(NAK_LEN) + TRAILER_LEN
    }

    /// The command's frame with sequence number `seq`: an error only if the payload is
    /// too long for a frame (a WRITE of more than 1019 bytes, an INPUT of more than 509
    /// indices).
    pub fn frame(&self, seq: u8) -> Result<Vec<u8>, FrameError> {
        encode(self.opcode() as u8, seq, &self.payload())
    }

    /// Parse and check a command for a core of `geometry`, as the device does: every
    /// check of docs/protocol.md §7–§8 that does not depend on the device's state, in
    /// the order of the module documentation. A refused command is the NAK to reply.
    pub fn parse(opcode: u8, payload: &[u8], geometry: Geometry) -> Result<Request, Nak> {
        let op = Opcode::try_from(opcode).map_err(|op| Nak::new(StatusCode::UnknownOpcode, op.into()))?;
        let p = payload;
        match op {
            Opcode::Hello => exact(p, 0).map(|()| Request::Hello),
            Opcode::Stop => exact(p, 0).map(|()| Request::Stop),
            Opcode::Status => exact(p, 0).map(|()| Request::Status),
            Opcode::Reset => {
                exact(p, 1)?;
                let scope = ResetScope::try_from(p[0]).map_err(|_| bad_value(0))?;
                Ok(Request::Reset { scope })
            }
            Opcode::Write => {
                if p.len() < 6 {
                    return Err(bad_length(6));
                }
                let (region, offset, data) = (self::region(p[0])?, u32_at(p, 1), &p[5..]);
                match RegionRange::of(region, geometry, offset.into(), data.len() as u64) {
                    RegionRange::Records => {}
                    RegionRange::Bytes | RegionRange::Outside => return Err(bad_range(region, geometry)),
                }
                layout::check_records(region, data).map_err(|e| match e {
                    LayoutError::Value { offset, .. } | LayoutError::Code { offset, .. } => {
                        bad_value(5 + offset / region.record_len() * region.record_len())
                    }
                    _ => bad_range(region, geometry),
                })?;
                Ok(Request::Write { region, offset, data: data.to_vec() })
            }
            Opcode::Read => {
                exact(p, 7)?;
                let (region, offset, len) = (self::region(p[0])?, u32_at(p, 1), u16_at(p, 5));
                if len == 0 || usize::from(len) > MAX_READ {
                    return Err(bad_value(5));
                }
                if RegionRange::of(region, geometry, offset.into(), len.into()) == RegionRange::Outside {
                    return Err(bad_range(region, geometry));
                }
                Ok(Request::Read { region, offset, len })
            }
            Opcode::Crc => {
                exact(p, 9)?;
                let (region, offset, len) = (self::region(p[0])?, u32_at(p, 1), u32_at(p, 5));
                if RegionRange::of(region, geometry, offset.into(), len.into()) == RegionRange::Outside {
                    return Err(bad_range(region, geometry));
                }
                Ok(Request::Crc { region, offset, len })
            }
            Opcode::Run => {
                exact(p, 4)?;
                match u32_at(p, 0) {
                    0 => Err(bad_value(0)),
                    steps => Ok(Request::Run { steps }),
                }
            }
            Opcode::Input => {
                let inputs = counted_list(p, 6)?;
                check_indices(&inputs, geometry.inputs(), 6)?;
                Ok(Request::Input { timestep: u32_at(p, 0), inputs })
            }
            Opcode::Probe => {
                let neurons = counted_list(p, 2)?;
                if neurons.len() > MAX_PROBES {
                    return Err(bad_value(0));
                }
                check_indices(&neurons, geometry.neurons(), 2)?;
                Ok(Request::Probe { neurons })
            }
            Opcode::Resend => {
                exact(p, 4)?;
                Ok(Request::Resend { from: u32_at(p, 0) })
            }
        }
    }
}

/// The largest WRITE chunk for `region`: the most whole records in 1019 bytes — 1019 for
/// the byte regions, 1003 = 59 · 17 for NEURONS, 1017 = 113 · 9 for STATE (CONFIG is a
/// single 18-byte record).
pub const fn write_chunk_len(region: Region) -> usize {
    MAX_WRITE / region.record_len() * region.record_len()
}

/// The WRITE commands that upload `bytes` (a whole region's encoding, or any run of
/// whole records) at `offset` of `region`, in order, each with at most
/// [`write_chunk_len`] bytes (docs/protocol.md §11).
pub fn write_all(region: Region, offset: u32, bytes: &[u8]) -> Vec<Request> {
    let mut at = offset;
    bytes
        .chunks(write_chunk_len(region))
        .map(|chunk| {
            let request = Request::Write { region, offset: at, data: chunk.to_vec() };
            at = at.wrapping_add(chunk.len() as u32);
            request
        })
        .collect()
}

/// The payload of HELLO (empty).
pub fn hello() -> Vec<u8> {
    Request::Hello.payload()
}

/// The payload of RESET.
pub fn reset(scope: ResetScope) -> Vec<u8> {
    Request::Reset { scope }.payload()
}

/// The payload of WRITE: `data` at `offset` of `region`.
pub fn write(region: Region, offset: u32, data: &[u8]) -> Vec<u8> {
    Request::Write { region, offset, data: data.to_vec() }.payload()
}

/// The payload of READ: `len` bytes at `offset` of `region`.
pub fn read(region: Region, offset: u32, len: u16) -> Vec<u8> {
    Request::Read { region, offset, len }.payload()
}

/// The payload of CRC: `len` bytes at `offset` of `region`.
pub fn crc(region: Region, offset: u32, len: u32) -> Vec<u8> {
    Request::Crc { region, offset, len }.payload()
}

/// The payload of RUN.
pub fn run(steps: u32) -> Vec<u8> {
    Request::Run { steps }.payload()
}

/// The payload of STOP (empty).
pub fn stop() -> Vec<u8> {
    Request::Stop.payload()
}

/// The payload of INPUT: the input spikes of `timestep`.
pub fn input(timestep: u32, inputs: &[u16]) -> Vec<u8> {
    Request::Input { timestep, inputs: inputs.to_vec() }.payload()
}

/// The payload of PROBE.
pub fn probe(neurons: &[u16]) -> Vec<u8> {
    Request::Probe { neurons: neurons.to_vec() }.payload()
}

/// The payload of STATUS (empty).
pub fn status() -> Vec<u8> {
    Request::Status.payload()
}

/// The payload of RESEND.
pub fn resend(from: u32) -> Vec<u8> {
    Request::Resend { from }.payload()
}

const _: () = assert!(6 + 2 * MAX_INPUTS <= MAX_PAYLOAD);
const _: () = assert!(6 + 2 * (MAX_INPUTS + 1) > MAX_PAYLOAD);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::{Device, DeviceConfig, DeviceStatus, OUTPUT_OPCODE};
    use crate::wire::{Decoded, Decoder};

    /// Send `request` with `seq` to `device`: the payload of its one reply.
    fn reply(device: &mut Device, request: &Request, seq: u8) -> Vec<u8> {
        device.receive(&request.frame(seq).unwrap());
        let mut tx = Vec::new();
        device.drain_tx(&mut tx);
        let mut replies = Vec::new();
        Decoder::new().feed(&tx, |decoded| match decoded {
            Decoded::Frame(frame) if frame.opcode != OUTPUT_OPCODE => replies.push(frame.payload),
            Decoded::Frame(_) => {}
            Decoded::Error(e) => panic!("the device sent a bad frame: {e}"),
        });
        assert_eq!(replies.len(), 1, "{request:?}: one reply");
        replies.remove(0)
    }

    #[test]
    fn every_reply_of_the_model_device_has_the_length_the_request_says() {
        let mut device = Device::new(Geometry::new(16, 16).unwrap(), DeviceConfig::default());
        let weights = |len| Request::Read { region: Region::WeightsIn, offset: 0, len };
        let script = [
            Request::Hello,
            Request::Status,
            Request::Reset { scope: ResetScope::State },
            Request::Write { region: Region::WeightsIn, offset: 0, data: vec![1, 2, 3] },
            weights(1),
            weights(3),
            weights(4),
            weights(5),
            weights(256),
            weights(257),
            Request::Crc { region: Region::WeightsIn, offset: 0, len: 256 },
            Request::Probe { neurons: vec![0, 1] },
            Request::Run { steps: 0 },
            Request::Input { timestep: 0, inputs: vec![1] },
            Request::Run { steps: 3 },
            Request::Reset { scope: ResetScope::State },
            Request::Input { timestep: 0, inputs: vec![1, 2] },
            Request::Status,
            Request::Resend { from: 0 },
            Request::Stop,
        ];
        let (mut acks, mut naks) = (0, 0);
        for (seq, request) in (1..).zip(&script) {
            let payload = reply(&mut device, request, seq);
            let frame = HEADER_LEN + payload.len() + TRAILER_LEN;
            if payload[0] == StatusCode::Ok as u8 {
                acks += 1;
                assert_eq!(payload.len(), request.ack_len(), "{request:?}");
                // A NAK is the longest reply of a command with less than 4 bytes of data.
                assert_eq!(HEADER_LEN + payload.len().max(NAK_LEN) + TRAILER_LEN, request.reply_len(), "{request:?}");
            } else {
                naks += 1;
                assert_eq!(payload.len(), NAK_LEN, "{request:?}");
            }
            assert!(frame <= request.reply_len(), "{request:?}");
        }
        assert_eq!((acks, naks), (16, 4), "the script covers ACKs and NAKs");
    }

    #[test]
    fn every_ack_has_the_data_length_of_its_opcode() {
        let status = DeviceStatus::default();
        let acks = [
            Ack::Reset,
            Ack::Write,
            Ack::Crc(7),
            Ack::Run { first: 1, credits: 2 },
            Ack::Stop { next: 3 },
            Ack::Input { credits: 4 },
            Ack::Probe,
            Ack::Status(status),
            Ack::Resend { count: 5 },
        ];
        for ack in acks {
            assert_eq!(Some(ack.data().len()), Ack::data_len(ack.opcode()), "{ack:?}");
        }
        let hello = Ack::Hello(Device::new(Geometry::new(16, 16).unwrap(), DeviceConfig::default()).info());
        assert_eq!(Some(hello.data().len()), Ack::data_len(Opcode::Hello));
        assert_eq!(Ack::data_len(Opcode::Read), None);
    }
}
