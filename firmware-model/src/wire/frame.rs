//! The frame of docs/protocol.md §2: its constants (§5), its two CRCs and the encoder
//! (§4). A frame is `A5 5A`, opcode, seq, a little-endian 16-bit length, a CRC-8 of
//! those four bytes, the payload, and a little-endian CRC-32 of everything after the
//! sync.

use crc::{Algorithm, CRC_8_SMBUS, CRC_32_ISO_HDLC, Crc};

/// The two bytes that open every frame.
pub const SYNC: [u8; 2] = [0xA5, 0x5A];
/// Bytes before the payload: sync (2), opcode, seq, len (2) and the header CRC.
pub const HEADER_LEN: usize = 7;
/// Bytes after the payload: the frame CRC.
pub const TRAILER_LEN: usize = 4;
/// Largest payload, in bytes: what a receiver must buffer before it may act on a frame.
pub const MAX_PAYLOAD: usize = 1024;
/// Largest frame, in bytes.
pub const MAX_FRAME: usize = HEADER_LEN + MAX_PAYLOAD + TRAILER_LEN;

/// The header CRC's catalogue name and parameters: CRC-8/SMBUS (poly 0x07, init 0, not
/// reflected, no final XOR). The RTL package (`rtl_pkg`) prints them.
pub(crate) const HEADER_CRC_ALGORITHM: (&str, &Algorithm<u8>) = ("CRC-8/SMBUS", &CRC_8_SMBUS);
/// The frame CRC's catalogue name and parameters: CRC-32/ISO-HDLC (the CRC of zlib and
/// Ethernet). The RTL package (`rtl_pkg`) prints them.
pub(crate) const FRAME_CRC_ALGORITHM: (&str, &Algorithm<u32>) = ("CRC-32/ISO-HDLC", &CRC_32_ISO_HDLC);

/// The header CRC.
static HEADER_CRC: Crc<u8> = Crc::<u8>::new(HEADER_CRC_ALGORITHM.1);
/// The frame CRC.
pub(crate) static FRAME_CRC: Crc<u32> = Crc::<u32>::new(FRAME_CRC_ALGORITHM.1);

/// CRC-8/SMBUS of `bytes`: the `hcrc` of a frame whose opcode, seq and len are `bytes`.
pub fn header_crc(bytes: &[u8]) -> u8 {
    HEADER_CRC.checksum(bytes)
}

/// CRC-32/ISO-HDLC of `bytes`: the trailer of a frame whose bytes after the sync (opcode
/// through payload) are `bytes`.
pub fn frame_crc(bytes: &[u8]) -> u32 {
    FRAME_CRC.checksum(bytes)
}

/// A frame's content: what the encoder sends and the decoder delivers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Frame {
    /// What the frame is (the command layer assigns opcodes).
    pub opcode: u8,
    /// Sequence number (the command layer says how it is used).
    pub seq: u8,
    /// The payload, 0..=[`MAX_PAYLOAD`] bytes.
    pub payload: Vec<u8>,
}

impl Frame {
    /// The frame's bytes on the wire, as [`encode`] writes them.
    pub fn encode(&self) -> Result<Vec<u8>, FrameError> {
        encode(self.opcode, self.seq, &self.payload)
    }
}

/// Why a frame cannot be encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// The payload is longer than a frame can carry.
    #[error("a payload of {len} bytes does not fit a frame: at most {max} bytes")]
    TooLong {
        /// The payload's length in bytes.
        len: usize,
        /// The longest payload a frame carries ([`MAX_PAYLOAD`]).
        max: usize,
    },
}

/// The bytes of the frame carrying `opcode`, `seq` and `payload` (docs/protocol.md §2):
/// `payload.len() + 11` bytes.
pub fn encode(opcode: u8, seq: u8, payload: &[u8]) -> Result<Vec<u8>, FrameError> {
    let mut out = Vec::new();
    encode_into(&mut out, opcode, seq, payload)?;
    Ok(out)
}

/// Append the frame carrying `opcode`, `seq` and `payload` to `out`. On error `out` is
/// left unchanged: a payload is never truncated.
pub fn encode_into(out: &mut Vec<u8>, opcode: u8, seq: u8, payload: &[u8]) -> Result<(), FrameError> {
    let len = match u16::try_from(payload.len()) {
        Ok(len) if payload.len() <= MAX_PAYLOAD => len,
        _ => return Err(FrameError::TooLong { len: payload.len(), max: MAX_PAYLOAD }),
    };
    out.reserve(HEADER_LEN + payload.len() + TRAILER_LEN);
    out.extend_from_slice(&SYNC);
    let start = out.len();
    let [len_lo, len_hi] = len.to_le_bytes();
    let fields = [opcode, seq, len_lo, len_hi];
    out.extend_from_slice(&fields);
    out.push(header_crc(&fields));
    out.extend_from_slice(payload);
    let crc = frame_crc(&out[start..]);
    out.extend_from_slice(&crc.to_le_bytes());
    Ok(())
}
