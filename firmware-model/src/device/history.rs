//! What the device remembers of the link: the last output frames, for RESEND
//! (docs/protocol.md §10), and the last acknowledged command with its response, for the
//! duplicate rule of §7.

use std::collections::VecDeque;

/// The last `capacity` output frames, as sent.
#[derive(Debug, Clone)]
pub(crate) struct History {
    capacity: usize,
    frames: VecDeque<(u32, Vec<u8>)>,
}

impl History {
    /// An empty history keeping up to `capacity` frames.
    pub(crate) fn new(capacity: usize) -> History {
        History { capacity, frames: VecDeque::with_capacity(capacity) }
    }

    /// Keep the frame of `timestep`, forgetting the oldest one if full.
    pub(crate) fn push(&mut self, timestep: u32, bytes: Vec<u8>) {
        if self.capacity == 0 {
            return;
        }
        if self.frames.len() == self.capacity {
            self.frames.pop_front();
        }
        self.frames.push_back((timestep, bytes));
    }

    /// The kept frames of timesteps ≥ `from`, oldest first.
    pub(crate) fn since(&self, from: u32) -> impl Iterator<Item = &[u8]> {
        self.frames.iter().filter(move |(t, _)| *t >= from).map(|(_, bytes)| bytes.as_slice())
    }

    /// Forget every frame.
    pub(crate) fn clear(&mut self) {
        self.frames.clear();
    }
}

/// The last acknowledged command, by seq and frame CRC, and every byte of its response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cached {
    pub(crate) seq: u8,
    pub(crate) crc: u32,
    /// The reply frame and, after a RESEND, the output frames that followed it.
    pub(crate) response: Vec<u8>,
    /// How many output frames `response` carries.
    pub(crate) outputs: u32,
}
