//! The streaming receiver of docs/protocol.md §3: a byte-at-a-time state machine that
//! hunts for the sync, checks the header, reads the payload and the CRC, and reports
//! every frame and every error — with exact accounting of every byte it was given.

use std::mem;

use super::frame::{FRAME_CRC, Frame, HEADER_LEN, MAX_PAYLOAD, SYNC, TRAILER_LEN, header_crc};

/// Header bytes after the sync: opcode, seq, len (2) and hcrc.
const HEADER_FIELDS: usize = HEADER_LEN - SYNC.len();

/// What the decoder reports: a delivered frame or a rejected one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    /// A frame whose header and CRC are right.
    Frame(Frame),
    /// A frame that was rejected; its bytes are discarded.
    Error(DecodeError),
}

/// A rejected frame: why, and where it started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{}", decode_message(.kind, .offset))]
pub struct DecodeError {
    /// Why the frame was rejected.
    pub kind: DecodeErrorKind,
    /// Stream offset (bytes since the decoder was created) of the frame's `sync0`.
    pub offset: u64,
}

/// Why a frame was rejected (docs/protocol.md §3 steps 3 and 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeErrorKind {
    /// The header CRC is wrong (a **header error**).
    HeaderCrc,
    /// The header CRC is right but `len` exceeds [`MAX_PAYLOAD`] (also a header error).
    TooLong {
        /// The announced payload length.
        len: usize,
    },
    /// The header was right but the frame CRC is wrong (a **CRC error**).
    PayloadCrc,
}

/// The message of a [`DecodeError`]: the kind, at the frame's stream offset.
fn decode_message(kind: &DecodeErrorKind, offset: &u64) -> String {
    match kind {
        DecodeErrorKind::HeaderCrc => format!("header CRC error in the frame at stream offset {offset}"),
        DecodeErrorKind::TooLong { len } => {
            format!("the frame at stream offset {offset} announces a {len}-byte payload: at most {MAX_PAYLOAD} bytes")
        }
        DecodeErrorKind::PayloadCrc => format!("CRC error in the frame at stream offset {offset}: dropped"),
    }
}

/// The decoder's running counters.
///
/// Every byte given to the decoder is, at any time, in exactly one of three places: a
/// delivered frame, the discarded bytes, or the bytes still pending:
/// `frame_bytes + bytes_discarded + pending() == bytes_seen`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DecoderStats {
    /// Frames delivered.
    pub frames: u64,
    /// Headers rejected (wrong header CRC, or `len` too large).
    pub header_errors: u64,
    /// Frames dropped for a wrong frame CRC.
    pub crc_errors: u64,
    /// Bytes decided not to belong to a delivered frame.
    pub bytes_discarded: u64,
    /// Bytes of the delivered frames (sync, header, payload and trailer).
    pub frame_bytes: u64,
    /// Bytes given to the decoder.
    pub bytes_seen: u64,
}

/// Where the receiver is in a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Discarding bytes until a `sync0`.
    Hunt,
    /// A `sync0` is held; the next byte must be `sync1`.
    Sync,
    /// `got` of the header bytes after the sync are in `header`.
    Header { got: usize },
    /// The header was accepted; `payload` holds the payload bytes read so far.
    Payload { len: usize },
    /// The payload is complete; `got` of the CRC bytes are in `trailer`.
    Trailer { got: usize },
}

/// The streaming frame decoder of docs/protocol.md §3.
///
/// Give it bytes one at a time ([`Decoder::push`]) or in chunks of any size
/// ([`Decoder::feed`]): the results are the same. It never panics and holds at most one
/// frame's bytes.
///
/// ```
/// use ncx_model::wire::{Decoded, Decoder, Frame, encode};
///
/// let mut stream = vec![0x00, 0xA5]; // garbage
/// stream.extend(encode(0x03, 0xFF, &[0x10, 0x20, 0x30])?);
/// let mut decoder = Decoder::new();
/// let mut out = Vec::new();
/// decoder.feed(&stream, |d| out.push(d));
/// assert_eq!(out, [Decoded::Frame(Frame { opcode: 0x03, seq: 0xFF, payload: vec![0x10, 0x20, 0x30] })]);
/// assert_eq!(decoder.stats().bytes_discarded, 2);
/// # Ok::<(), ncx_model::wire::FrameError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Decoder {
    state: State,
    /// Stream offset of the held `sync0` (meaningful outside [`State::Hunt`]).
    start: u64,
    /// Stream offset of the next byte the state machine processes (behind `bytes_seen`
    /// only while a header is re-scanned).
    pos: u64,
    /// opcode, seq, len (LE) and hcrc.
    header: [u8; HEADER_FIELDS],
    payload: Vec<u8>,
    trailer: [u8; TRAILER_LEN],
    stats: DecoderStats,
}

impl Default for Decoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Decoder {
    /// A decoder hunting for a sync at stream offset 0.
    pub fn new() -> Self {
        Decoder {
            state: State::Hunt,
            start: 0,
            pos: 0,
            header: [0; HEADER_FIELDS],
            payload: Vec::new(),
            trailer: [0; TRAILER_LEN],
            stats: DecoderStats::default(),
        }
    }

    /// The counters so far.
    pub fn stats(&self) -> DecoderStats {
        self.stats
    }

    /// Bytes held but not yet decided: the start of a frame still being received (0
    /// while hunting).
    pub fn pending(&self) -> usize {
        match self.state {
            State::Hunt => 0,
            State::Sync => 1,
            State::Header { got } => SYNC.len() + got,
            State::Payload { .. } => HEADER_LEN + self.payload.len(),
            State::Trailer { got } => HEADER_LEN + self.payload.len() + got,
        }
    }

    /// Receive one byte. Returns the frame or the error that this byte completes, if any;
    /// one byte never completes more than one (a re-scan covers 5 bytes, too few for a
    /// 7-byte header).
    pub fn push(&mut self, byte: u8) -> Option<Decoded> {
        self.stats.bytes_seen += 1;
        self.step(byte)
    }

    /// Receive `bytes` in order, handing every frame and error to `sink`.
    pub fn feed(&mut self, bytes: &[u8], mut sink: impl FnMut(Decoded)) {
        for &byte in bytes {
            if let Some(decoded) = self.push(byte) {
                sink(decoded);
            }
        }
    }

    /// One transition of the state machine, for the byte at stream offset `self.pos`.
    fn step(&mut self, byte: u8) -> Option<Decoded> {
        let offset = self.pos;
        self.pos += 1;
        match self.state {
            State::Hunt => {
                if byte == SYNC[0] {
                    self.start = offset;
                    self.state = State::Sync;
                } else {
                    self.discard(1);
                }
                None
            }
            State::Sync => {
                if byte == SYNC[1] {
                    self.state = State::Header { got: 0 };
                } else if byte == SYNC[0] {
                    // A new sync0 replaces the held one.
                    self.discard(1);
                    self.start = offset;
                } else {
                    self.discard(2);
                    self.state = State::Hunt;
                }
                None
            }
            State::Header { got } => {
                self.header[got] = byte;
                if got + 1 < HEADER_FIELDS {
                    self.state = State::Header { got: got + 1 };
                    None
                } else {
                    self.check_header()
                }
            }
            State::Payload { len } => {
                self.payload.push(byte);
                if self.payload.len() == len {
                    self.state = State::Trailer { got: 0 };
                }
                None
            }
            State::Trailer { got } => {
                self.trailer[got] = byte;
                if got + 1 < TRAILER_LEN {
                    self.state = State::Trailer { got: got + 1 };
                    None
                } else {
                    Some(self.check_frame())
                }
            }
        }
    }

    /// §3 step 3, with the complete header in `self.header`: accept it, or report a
    /// header error and re-scan the 5 header bytes.
    fn check_header(&mut self) -> Option<Decoded> {
        let [opcode, seq, len_lo, len_hi, hcrc] = self.header;
        let len = usize::from(u16::from_le_bytes([len_lo, len_hi]));
        let kind = if header_crc(&[opcode, seq, len_lo, len_hi]) != hcrc {
            DecodeErrorKind::HeaderCrc
        } else if len > MAX_PAYLOAD {
            DecodeErrorKind::TooLong { len }
        } else {
            self.payload.clear();
            self.payload.reserve_exact(len);
            self.state = if len == 0 { State::Trailer { got: 0 } } else { State::Payload { len } };
            return None;
        };
        let offset = self.start;
        self.stats.header_errors += 1;
        // Resume as if only the sync0 had been consumed: hunting from the sync1, which
        // (not being a sync0) is discarded at once, then through the header bytes.
        self.discard(SYNC.len());
        self.state = State::Hunt;
        self.pos = offset + SYNC.len() as u64;
        for byte in self.header {
            // Five bytes can hold a sync and at most three header bytes, so a re-scan
            // never completes a header or a frame: there is nothing to report.
            let _nothing = self.step(byte);
        }
        Some(Decoded::Error(DecodeError { kind, offset }))
    }

    /// §3 step 4, with the payload and the trailer complete: deliver or drop the frame.
    fn check_frame(&mut self) -> Decoded {
        let offset = self.start;
        let size = HEADER_LEN + self.payload.len() + TRAILER_LEN;
        self.state = State::Hunt;
        let mut digest = FRAME_CRC.digest();
        digest.update(&self.header);
        digest.update(&self.payload);
        if digest.finalize() == u32::from_le_bytes(self.trailer) {
            self.stats.frames += 1;
            self.stats.frame_bytes += size as u64;
            let [opcode, seq, ..] = self.header;
            Decoded::Frame(Frame { opcode, seq, payload: mem::take(&mut self.payload) })
        } else {
            self.stats.crc_errors += 1;
            self.discard(size);
            self.payload.clear();
            Decoded::Error(DecodeError { kind: DecodeErrorKind::PayloadCrc, offset })
        }
    }

    /// Count `bytes` more bytes as discarded.
    fn discard(&mut self, bytes: usize) {
        self.stats.bytes_discarded += bytes as u64;
    }
}
