//! Comparing two device streams — the recorded one and the one the replayed device
//! sent — frame by frame (docs/recording.md §4).
//!
//! Both streams are cut into **segments** the way a receiver of docs/protocol.md §3
//! finds frames, except that a frame's extent is taken from its checked header and its
//! CRC is not checked (so a frame with a wrong byte in its payload is still that frame):
//! reply frames, output frames (opcode 0xC0) and runs of bytes outside any frame. Replies
//! keep the order of the commands and output frames the order of the timesteps, but how
//! the two interleave depends on timing; so the n-th reply of one stream is compared
//! with the n-th reply of the other, the n-th output frame with the n-th output frame,
//! and the n-th run of stray bytes with the n-th run. The first difference is the one
//! earliest in the recorded stream. Alongside, the streams are compared byte by byte,
//! which places a difference exactly when a recorded frame is broken beyond recognition
//! (a wrong byte in its header) and tells where the interleaving first differed.

use std::collections::VecDeque;

use ncx_model::device::OUTPUT_OPCODE;
use ncx_model::wire::{HEADER_LEN, MAX_PAYLOAD, SYNC, TRAILER_LEN, header_crc};

use super::Context;

/// What a segment of a device stream is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentKind {
    /// A reply frame.
    Reply {
        /// Its opcode (the command's | 0x80; 0x80 for an unknown command).
        opcode: u8,
        /// Its seq (the command's).
        seq: u8,
    },
    /// An output frame.
    Output {
        /// Its timestep, when the payload holds one.
        timestep: Option<u32>,
    },
    /// Bytes outside any frame: noise, or a frame whose header check fails.
    Stray,
}

impl SegmentKind {
    fn class(self) -> usize {
        match self {
            SegmentKind::Reply { .. } => 0,
            SegmentKind::Output { .. } => 1,
            SegmentKind::Stray => 2,
        }
    }
}

/// A segment: where it is in its stream, its bytes, what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Segment {
    pub(crate) offset: u64,
    /// Its length in the stream.
    pub(crate) len: u64,
    /// Its bytes (of a run of stray bytes, at most the segmenter's limit).
    pub(crate) bytes: Vec<u8>,
    pub(crate) kind: SegmentKind,
    /// `false`: the stream ended inside this frame.
    pub(crate) complete: bool,
}

/// A segment without its bytes, for reports.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentInfo {
    /// Offset of its first byte in its stream.
    pub offset: u64,
    /// Its length.
    pub len: u64,
    /// What it is.
    pub kind: SegmentKind,
    /// `false`: the stream ended inside this frame.
    pub complete: bool,
    /// The command and run it belongs to.
    pub context: Context,
}

impl SegmentInfo {
    fn of(segment: &Segment, context: &Context) -> SegmentInfo {
        SegmentInfo {
            offset: segment.offset,
            len: segment.len,
            kind: segment.kind,
            complete: segment.complete,
            context: context.clone(),
        }
    }

    /// Whether `offset` is inside this segment.
    pub fn covers(&self, offset: u64) -> bool {
        offset >= self.offset && offset < self.offset + self.len
    }
}

/// The length of the frame whose header starts `p` (at least [`HEADER_LEN`] bytes,
/// starting with the sync), or `None` if the header check fails.
pub(crate) fn frame_len(p: &[u8]) -> Option<usize> {
    let len = usize::from(u16::from_le_bytes([p[4], p[5]]));
    (len <= MAX_PAYLOAD && header_crc(&p[2..6]) == p[6]).then_some(HEADER_LEN + len + TRAILER_LEN)
}

fn kind_of(frame: &[u8]) -> SegmentKind {
    if frame[2] == OUTPUT_OPCODE {
        let timestep = frame.get(HEADER_LEN..HEADER_LEN + 4).filter(|_| frame_len(frame).is_some_and(|n| n >= 15));
        SegmentKind::Output { timestep: timestep.map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])) }
    } else {
        SegmentKind::Reply { opcode: frame[2], seq: frame[3] }
    }
}

/// Cuts a stream into segments as it arrives (module docs).
#[derive(Debug)]
pub(crate) struct Segmenter {
    pending: Vec<u8>,
    pos: usize,
    /// Stream offset of `pending[pos]`.
    offset: u64,
    stray: Option<Segment>,
    /// Bytes kept of a run of stray bytes.
    keep: usize,
}

impl Segmenter {
    /// A segmenter that keeps at most `keep` bytes of each run of stray bytes.
    pub(crate) fn new(keep: usize) -> Segmenter {
        Segmenter { pending: Vec::new(), pos: 0, offset: 0, stray: None, keep }
    }

    /// Take `bytes`, appending the segments they complete to `out`.
    pub(crate) fn push(&mut self, bytes: &[u8], out: &mut Vec<Segment>) {
        self.pending.extend_from_slice(bytes);
        loop {
            let p = &self.pending[self.pos..];
            if p.is_empty() || (p[0] == SYNC[0] && (p.len() < 2 || (p[1] == SYNC[1] && p.len() < HEADER_LEN))) {
                break;
            }
            if p[0] != SYNC[0] || p[1] != SYNC[1] {
                self.stray_byte();
                continue;
            }
            let Some(total) = frame_len(p) else {
                // Hunt again from the byte after the sync0 (docs/protocol.md §3).
                self.stray_byte();
                continue;
            };
            if p.len() < total {
                break;
            }
            let frame = p[..total].to_vec();
            self.end_stray(out);
            out.push(Segment {
                offset: self.offset,
                len: total as u64,
                kind: kind_of(&frame),
                bytes: frame,
                complete: true,
            });
            self.pos += total;
            self.offset += total as u64;
        }
        if self.pos == self.pending.len() || self.pos >= 1 << 16 {
            self.pending.drain(..self.pos);
            self.pos = 0;
        }
    }

    fn stray_byte(&mut self) {
        let byte = self.pending[self.pos];
        let offset = self.offset;
        let run = self.stray.get_or_insert_with(|| Segment {
            offset,
            len: 0,
            bytes: Vec::new(),
            kind: SegmentKind::Stray,
            complete: true,
        });
        run.len += 1;
        if run.bytes.len() < self.keep {
            run.bytes.push(byte);
        }
        self.pos += 1;
        self.offset += 1;
    }

    fn end_stray(&mut self, out: &mut Vec<Segment>) {
        out.extend(self.stray.take());
    }

    /// The stream has ended: the segments still open. With `keep_tail`, bytes that may be
    /// the start of a frame become an incomplete frame (if its header is there and
    /// checks) or stray bytes; without, they are dropped and their number returned.
    pub(crate) fn finish(&mut self, keep_tail: bool, out: &mut Vec<Segment>) -> u64 {
        let tail = self.pending.len() - self.pos;
        if !keep_tail {
            self.end_stray(out);
            self.pending.clear();
            self.pos = 0;
            self.offset += tail as u64;
            return tail as u64;
        }
        let p = &self.pending[self.pos..];
        if p.len() >= HEADER_LEN && frame_len(p).is_some() {
            let frame = p.to_vec();
            self.end_stray(out);
            out.push(Segment {
                offset: self.offset,
                len: tail as u64,
                kind: kind_of(&frame),
                bytes: frame,
                complete: false,
            });
            self.pos += tail;
            self.offset += tail as u64;
        } else {
            while self.pos < self.pending.len() {
                self.stray_byte();
            }
            self.end_stray(out);
        }
        self.pending.clear();
        self.pos = 0;
        0
    }

    /// Bytes seen so far.
    pub(crate) fn seen(&self) -> u64 {
        self.offset + (self.pending.len() - self.pos) as u64
    }
}

/// Which stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Recorded = 0,
    Replayed = 1,
}

impl Side {
    fn other(self) -> Side {
        match self {
            Side::Recorded => Side::Replayed,
            Side::Replayed => Side::Recorded,
        }
    }
}

/// The first byte at which the two streams differ, byte for byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ByteDiff {
    pub(crate) offset: u64,
    pub(crate) recorded: Option<u8>,
    pub(crate) replayed: Option<u8>,
}

/// The byte-for-byte comparison: the bytes of the stream that is ahead wait for the
/// other's (at most [`IDENT_LIMIT`]; beyond that it gives up).
#[derive(Debug)]
struct Ident {
    first: Option<ByteDiff>,
    gave_up: bool,
    ahead: Side,
    waiting: VecDeque<u8>,
    pos: u64,
}

const IDENT_LIMIT: usize = 1 << 22;

impl Ident {
    fn push(&mut self, side: Side, bytes: &[u8]) {
        if self.first.is_some() || self.gave_up {
            return;
        }
        for &byte in bytes {
            if self.waiting.is_empty() || self.ahead == side {
                self.ahead = side;
                self.waiting.push_back(byte);
                continue;
            }
            let other = self.waiting.pop_front().unwrap_or(byte);
            if other != byte {
                let (recorded, replayed) = if side == Side::Recorded { (byte, other) } else { (other, byte) };
                self.first = Some(ByteDiff { offset: self.pos, recorded: Some(recorded), replayed: Some(replayed) });
                self.waiting.clear();
                return;
            }
            self.pos += 1;
        }
        if self.waiting.len() > IDENT_LIMIT {
            self.gave_up = true;
            self.waiting.clear();
        }
    }

    fn finish(&mut self, complete: bool) {
        if self.first.is_some() || self.gave_up {
            return;
        }
        if let Some(&byte) = self.waiting.front() {
            self.first = match self.ahead {
                Side::Recorded => Some(ByteDiff { offset: self.pos, recorded: Some(byte), replayed: None }),
                Side::Replayed if complete => Some(ByteDiff { offset: self.pos, recorded: None, replayed: Some(byte) }),
                Side::Replayed => None,
            };
        }
    }
}

/// A difference found by the comparison.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Mismatch {
    /// Offset in the recorded stream (its length if the recorded stream ended there).
    pub(crate) offset: u64,
    pub(crate) recorded: Option<u8>,
    pub(crate) replayed: Option<u8>,
    pub(crate) replayed_offset: Option<u64>,
    pub(crate) recorded_segment: Option<SegmentInfo>,
    pub(crate) replayed_segment: Option<SegmentInfo>,
}

/// The result of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Comparison {
    /// Every segment equal; `reordered_at`: where the byte-for-byte comparison first
    /// differed (the interleaving of replies and output frames), if it did.
    Match {
        reordered_at: Option<u64>,
    },
    Differs(Box<Mismatch>),
}

/// Segments kept to name the replayed frame at an offset.
const HISTORY: usize = 1024;
/// Unpaired segments kept per stream and kind before the oldest counts as a difference.
const QUEUE_LIMIT: usize = 1 << 16;

type Entry = (Segment, Context);

/// The comparison of the recorded and the replayed stream (module docs).
#[derive(Debug)]
pub(crate) struct Comparator {
    segmenters: [Segmenter; 2],
    waiting: [[VecDeque<Entry>; 3]; 2],
    ident: Ident,
    best: Option<Mismatch>,
    history: VecDeque<SegmentInfo>,
    /// Segments per stream: frames, output frames.
    pub(crate) frames: [u64; 2],
    pub(crate) outputs: [u64; 2],
    /// Bytes of a truncated recording's last incomplete frame, not compared.
    pub(crate) dropped_tail: u64,
    /// Replayed bytes after the end of a truncated recording, not compared.
    pub(crate) uncompared: u64,
}

impl Comparator {
    /// A comparison keeping at most 4 KiB of each run of stray recorded bytes.
    pub(crate) fn new() -> Comparator {
        Comparator {
            segmenters: [Segmenter::new(4096), Segmenter::new(4096)],
            waiting: Default::default(),
            ident: Ident { first: None, gave_up: false, ahead: Side::Recorded, waiting: VecDeque::new(), pos: 0 },
            best: None,
            history: VecDeque::new(),
            frames: [0; 2],
            outputs: [0; 2],
            dropped_tail: 0,
            uncompared: 0,
        }
    }

    /// Bytes of `side` so far.
    pub(crate) fn seen(&self, side: Side) -> u64 {
        self.segmenters[side as usize].seen()
    }

    /// Take bytes of `side`; `context` names the command and run of each new segment.
    pub(crate) fn push(&mut self, side: Side, bytes: &[u8], context: &mut dyn FnMut(Side, &Segment) -> Context) {
        self.ident.push(side, bytes);
        let mut segments = Vec::new();
        self.segmenters[side as usize].push(bytes, &mut segments);
        for segment in segments {
            let ctx = context(side, &segment);
            self.arrive(side, segment, ctx);
        }
    }

    fn arrive(&mut self, side: Side, segment: Segment, context: Context) {
        if segment.kind != SegmentKind::Stray {
            self.frames[side as usize] += 1;
        }
        if matches!(segment.kind, SegmentKind::Output { .. }) {
            self.outputs[side as usize] += 1;
        }
        if side == Side::Replayed {
            if self.history.len() == HISTORY {
                self.history.pop_front();
            }
            self.history.push_back(SegmentInfo::of(&segment, &context));
        }
        let class = segment.kind.class();
        match self.waiting[side.other() as usize][class].pop_front() {
            Some(other) => match side {
                Side::Recorded => self.compare(&(segment, context), &other),
                Side::Replayed => self.compare(&other, &(segment, context)),
            },
            None => {
                let queue = &mut self.waiting[side as usize][class];
                queue.push_back((segment, context));
                if queue.len() > QUEUE_LIMIT
                    && let Some(oldest) = queue.pop_front()
                {
                    self.unpaired(side, &oldest);
                }
            }
        }
    }

    fn consider(&mut self, mismatch: Mismatch) {
        if self.best.as_ref().is_none_or(|best| mismatch.offset < best.offset) {
            self.best = Some(mismatch);
        }
    }

    fn compare(&mut self, recorded: &Entry, replayed: &Entry) {
        let ((r, rc), (m, mc)) = (recorded, replayed);
        let at = r.bytes.iter().zip(&m.bytes).position(|(a, b)| a != b);
        let at = match at {
            Some(k) => k,
            None if r.len == m.len && r.bytes.len() == m.bytes.len() => return,
            None => r.bytes.len().min(m.bytes.len()),
        };
        self.consider(Mismatch {
            offset: r.offset + at as u64,
            recorded: r.bytes.get(at).copied(),
            replayed: m.bytes.get(at).copied(),
            replayed_offset: Some(m.offset + at as u64),
            recorded_segment: Some(SegmentInfo::of(r, rc)),
            replayed_segment: Some(SegmentInfo::of(m, mc)),
        });
    }

    /// A segment of `side` that has no counterpart in the other stream.
    fn unpaired(&mut self, side: Side, (segment, context): &Entry) {
        let info = SegmentInfo::of(segment, context);
        let first = segment.bytes.first().copied();
        let mismatch = match side {
            Side::Recorded => Mismatch {
                offset: segment.offset,
                recorded: first,
                replayed: None,
                replayed_offset: None,
                recorded_segment: Some(info),
                replayed_segment: None,
            },
            Side::Replayed => Mismatch {
                offset: self.seen(Side::Recorded),
                recorded: None,
                replayed: first,
                replayed_offset: Some(segment.offset),
                recorded_segment: None,
                replayed_segment: Some(info),
            },
        };
        self.consider(mismatch);
    }

    /// Both streams have ended; `complete`: the recording has all of its stream (else
    /// what the replayed device sent after the recording's end is not compared).
    pub(crate) fn finish(mut self, complete: bool, context: &mut dyn FnMut(Side, &Segment) -> Context) -> Comparison {
        for side in [Side::Recorded, Side::Replayed] {
            let mut segments = Vec::new();
            let dropped = self.segmenters[side as usize].finish(complete || side == Side::Replayed, &mut segments);
            self.dropped_tail += dropped;
            for segment in segments {
                let ctx = context(side, &segment);
                self.arrive(side, segment, ctx);
            }
        }
        for class in 0..3 {
            let recorded = std::mem::take(&mut self.waiting[Side::Recorded as usize][class]);
            for entry in &recorded {
                self.unpaired(Side::Recorded, entry);
            }
            let replayed = std::mem::take(&mut self.waiting[Side::Replayed as usize][class]);
            for entry in &replayed {
                if complete {
                    self.unpaired(Side::Replayed, entry);
                } else {
                    self.uncompared += entry.0.len;
                }
            }
        }
        self.ident.finish(complete);
        let Some(mut best) = self.best.take().map(Box::new) else {
            return Comparison::Match { reordered_at: self.ident.first.map(|d| d.offset) };
        };
        // The byte-for-byte difference inside the same recorded segment (or at the end of
        // the recorded stream) is exact: a recorded frame with a broken header is stray
        // bytes, but it is compared there with the replayed frame at the same offset.
        if let Some(d) = self.ident.first {
            let inside = match &best.recorded_segment {
                Some(segment) => {
                    segment.covers(d.offset) || (d.recorded.is_none() && d.offset == segment.offset + segment.len)
                }
                None => d.offset == best.offset,
            };
            if inside && (d.offset, d.recorded, d.replayed) != (best.offset, best.recorded, best.replayed) {
                best.offset = d.offset;
                best.recorded = d.recorded;
                best.replayed = d.replayed;
                best.replayed_offset = Some(d.offset);
                if let Some(segment) = self.history.iter().rev().find(|s| s.covers(d.offset)) {
                    best.replayed_segment = Some(segment.clone());
                }
            }
        }
        Comparison::Differs(best)
    }
}

#[cfg(test)]
mod tests {
    use ncx_model::wire::encode;

    use super::*;

    fn frames(list: &[(u8, u8, &[u8])]) -> Vec<u8> {
        list.iter().flat_map(|&(op, seq, payload)| encode(op, seq, payload).unwrap()).collect()
    }

    fn compare(recorded: &[u8], replayed: &[u8], complete: bool) -> Comparison {
        let mut none = |_: Side, _: &Segment| Context::default();
        let mut c = Comparator::new();
        // Any chunking gives the same verdict.
        for chunk in replayed.chunks(5) {
            c.push(Side::Replayed, chunk, &mut none);
        }
        for chunk in recorded.chunks(3) {
            c.push(Side::Recorded, chunk, &mut none);
        }
        c.finish(complete, &mut none)
    }

    #[test]
    fn segments_follow_the_decoder() {
        let mut stream = vec![0, 0xA5];
        stream.extend(frames(&[(0x81, 1, &[0; 61]), (0xC0, 5, &[5, 0, 0, 0, 0, 0, 0, 0])]));
        stream.extend([0xA5, 0x5A, 1, 2, 3, 4, 5, 6]);
        let mut s = Segmenter::new(100);
        let mut out = Vec::new();
        for &b in &stream {
            s.push(&[b], &mut out);
        }
        s.finish(true, &mut out);
        let kinds: Vec<(u64, u64, SegmentKind)> = out.iter().map(|s| (s.offset, s.len, s.kind)).collect();
        assert_eq!(
            kinds,
            [
                (0, 2, SegmentKind::Stray),
                (2, 72, SegmentKind::Reply { opcode: 0x81, seq: 1 }),
                (74, 19, SegmentKind::Output { timestep: Some(5) }),
                (93, 8, SegmentKind::Stray),
            ]
        );
    }

    #[test]
    fn equal_streams_match_and_reordering_is_allowed() {
        let a = frames(&[(0x88, 1, &[0, 15, 0]), (0xC0, 0, &[0, 0, 0, 0, 0, 0, 0, 0]), (0x88, 2, &[0, 15, 0])]);
        assert_eq!(compare(&a, &a, true), Comparison::Match { reordered_at: None });
        let b = frames(&[(0x88, 1, &[0, 15, 0]), (0x88, 2, &[0, 15, 0]), (0xC0, 0, &[0, 0, 0, 0, 0, 0, 0, 0])]);
        assert_eq!(compare(&a, &b, true), Comparison::Match { reordered_at: Some(14 + 2) });
    }

    #[test]
    fn a_wrong_byte_is_found_where_it_is() {
        let a = frames(&[(0x88, 1, &[0, 15, 0]), (0xC0, 0, &[0, 0, 0, 0, 0, 1, 0, 0]), (0x88, 2, &[0, 15, 0])]);
        for at in 0..a.len() {
            let mut b = a.clone();
            b[at] ^= 0x10;
            let Comparison::Differs(m) = compare(&b, &a, true) else { panic!("byte {at}: no difference") };
            assert_eq!((m.offset, m.recorded, m.replayed), (at as u64, Some(b[at]), Some(a[at])), "byte {at}");
        }
    }

    #[test]
    fn ends_are_differences_unless_the_recording_was_cut() {
        let a = frames(&[(0x88, 1, &[0, 15, 0]), (0x88, 2, &[0, 15, 0])]);
        let cut = &a[..20];
        let Comparison::Differs(m) = compare(cut, &a, true) else { panic!() };
        assert_eq!((m.offset, m.recorded, m.replayed), (20, None, Some(a[20])));
        assert_eq!(compare(cut, &a, false), Comparison::Match { reordered_at: None });
        let Comparison::Differs(m) = compare(&a, cut, true) else { panic!() };
        assert_eq!((m.offset, m.recorded, m.replayed), (20, Some(a[20]), None));
    }
}
