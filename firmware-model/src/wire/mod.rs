//! The ncx/1 frame layer: how bytes on the UART become frames and back. docs/protocol.md
//! is its contract — the frame layout and CRCs (§2), the receiver's state machine (§3),
//! the encoder (§4) and the constants (§5) — and every rule there has a test in
//! `tests/wire_frame.rs` or `tests/wire_props.rs`.
//!
//! ```
//! use ncx_model::wire::{Decoded, Decoder, Frame, encode};
//!
//! let bytes = encode(0x01, 0x07, &[])?;
//! assert_eq!(bytes, [0xA5, 0x5A, 0x01, 0x07, 0x00, 0x00, 0x00, 0x14, 0xE6, 0x95, 0x66]);
//! let mut decoder = Decoder::new();
//! let decoded: Vec<Decoded> = bytes.iter().filter_map(|&b| decoder.push(b)).collect();
//! assert_eq!(decoded, [Decoded::Frame(Frame { opcode: 0x01, seq: 0x07, payload: vec![] })]);
//! # Ok::<(), ncx_model::wire::FrameError>(())
//! ```

mod decoder;
mod frame;
pub mod layout;

pub use decoder::{DecodeError, DecodeErrorKind, Decoded, Decoder, DecoderStats};
pub(crate) use frame::{FRAME_CRC, FRAME_CRC_ALGORITHM, HEADER_CRC_ALGORITHM};
pub use frame::{
    Frame, FrameError, HEADER_LEN, MAX_FRAME, MAX_PAYLOAD, SYNC, TRAILER_LEN, encode, encode_into, frame_crc,
    header_crc,
};
