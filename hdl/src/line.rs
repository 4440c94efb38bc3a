//! Bus-functional models of a UART line (8N1, docs/protocol.md §1), in pure Rust.
//!
//! A [`LineDriver`] bit-bangs characters onto a line, one level per clock cycle, at a
//! given divisor (cycles per bit), back to back, like a host's UART transmitting into
//! the receiver under test. A [`LineDecoder`] watches a line one cycle at a time and
//! decodes the characters on it, checking the timing exactly: every bit must hold its
//! level for exactly `divisor` cycles. Neither knows about Verilator; the co-simulation
//! tests connect them to the RTL's pins.

use std::collections::VecDeque;

/// Bits per 8N1 character: start, 8 data bits, stop.
pub const CHARACTER_BITS: u64 = 10;

/// What can go wrong with a line model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LineError {
    /// A divisor of 0 cycles per bit.
    #[error("the divisor (cycles per bit) must be at least 1, got 0")]
    ZeroDivisor,
}

/// One character as sent on the line: the data byte and the level of its stop bit
/// (`true` for a well-formed character; `false` makes a framing error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Character {
    byte: u8,
    stop: bool,
}

impl Character {
    /// The line level of bit `index` (0 start, 1..=8 data LSB first, 9 stop).
    fn bit(self, index: u64) -> bool {
        match index {
            0 => false,
            1..=8 => (self.byte >> (index - 1)) & 1 == 1,
            _ => self.stop,
        }
    }
}

/// Drives a UART line: characters queued with [`push`](Self::push) go out back to back,
/// one line level per call of [`next_level`](Self::next_level) (one clock cycle), at
/// `divisor` cycles per bit. The line idles high.
///
/// A character that is queued while the line is idle starts (its start bit's first
/// cycle) at the next call of `next_level`; one queued while a character is being sent
/// starts in the cycle after that character's stop bit.
#[derive(Debug, Clone)]
pub struct LineDriver {
    divisor: u64,
    queue: VecDeque<Character>,
    /// The character on the line and the cycles of it already sent.
    current: Option<(Character, u64)>,
}

impl LineDriver {
    /// An idle line at `divisor` cycles per bit.
    pub fn new(divisor: u16) -> Result<LineDriver, LineError> {
        if divisor == 0 {
            return Err(LineError::ZeroDivisor);
        }
        Ok(LineDriver { divisor: u64::from(divisor), queue: VecDeque::new(), current: None })
    }

    /// Cycles per bit.
    pub fn divisor(&self) -> u16 {
        // new() took a u16.
        u16::try_from(self.divisor).unwrap_or(u16::MAX)
    }

    /// Queues `byte` as a well-formed character.
    pub fn push(&mut self, byte: u8) {
        self.queue.push_back(Character { byte, stop: true });
    }

    /// Queues every byte of `bytes`, in order.
    pub fn extend(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.push(byte);
        }
    }

    /// Queues `byte` with a stop bit of level `stop`: `false` sends a character with a
    /// framing error (the line stays low through the stop bit).
    pub fn push_with_stop(&mut self, byte: u8, stop: bool) {
        self.queue.push_back(Character { byte, stop });
    }

    /// Whether nothing is being sent or queued (the line stays high).
    pub fn is_idle(&self) -> bool {
        self.current.is_none() && self.queue.is_empty()
    }

    /// Characters queued or being sent.
    pub fn pending(&self) -> usize {
        self.queue.len() + usize::from(self.current.is_some())
    }

    /// The line level for the next cycle; advances the line by that cycle.
    pub fn next_level(&mut self) -> bool {
        if self.current.is_none() {
            self.current = self.queue.pop_front().map(|c| (c, 0));
        }
        let Some((character, sent)) = self.current.as_mut() else {
            return true;
        };
        let level = character.bit(*sent / self.divisor);
        *sent += 1;
        if *sent == CHARACTER_BITS * self.divisor {
            self.current = None;
        }
        level
    }
}

/// A character decoded from a line by a [`LineDecoder`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Received {
    /// The data bits, LSB first on the line.
    pub byte: u8,
    /// The cycle of the start bit's first (low) cycle.
    pub start: u64,
    /// The stop bit was high (`false`: a framing error).
    pub stop_ok: bool,
}

/// What a [`LineDecoder`] reports at the end of a character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEvent {
    /// A character whose bits each held one level for exactly `divisor` cycles.
    Character(Received),
    /// A bit changed level before its `divisor` cycles were over: the line's timing is
    /// wrong. The decoder returns to idle and waits for the line to go high.
    Glitch {
        /// The cycle of the character's start bit.
        start: u64,
        /// The bit that changed (0 start, 1..=8 data, 9 stop).
        bit: u64,
        /// The cycle in which it changed.
        cycle: u64,
    },
}

/// Decodes a UART line sampled once per clock cycle, checking its timing exactly.
///
/// A character starts at a cycle in which the line is low after a high cycle (the line
/// must have been high once since the decoder was made or since the last glitch). Each of
/// its 10 bits must keep one level for exactly `divisor` cycles; the character is
/// reported in the call for its last cycle (`start + 10·divisor - 1`). The next character
/// may start in the following cycle; after a framing error (stop bit low) the decoder
/// first waits for the line to go high, like the receiver `ncx_uart_rx`. So a decoded stream with no [`LineEvent::Glitch`]
/// and consecutive starts `10·divisor` apart has exactly that many cycles per byte and
/// no gap.
#[derive(Debug, Clone)]
pub struct LineDecoder {
    divisor: u64,
    state: DecoderState,
}

#[derive(Debug, Clone, Copy)]
enum DecoderState {
    /// Waiting for the line to be high (at first and after a glitch).
    WaitHigh,
    /// Line high: the next low cycle starts a character.
    Idle,
    /// Inside a character that started at `start`, `seen` cycles of it seen, with the
    /// bits so far in `bits` (bit k of the character at bit k) and the current bit's level.
    Busy { start: u64, seen: u64, bits: u16, level: bool },
}

impl LineDecoder {
    /// A decoder at `divisor` cycles per bit.
    pub fn new(divisor: u16) -> Result<LineDecoder, LineError> {
        if divisor == 0 {
            return Err(LineError::ZeroDivisor);
        }
        Ok(LineDecoder { divisor: u64::from(divisor), state: DecoderState::WaitHigh })
    }

    /// Whether no character is in progress.
    pub fn is_idle(&self) -> bool {
        !matches!(self.state, DecoderState::Busy { .. })
    }

    /// The line's level in `cycle`. Call once per cycle, in order.
    pub fn push(&mut self, cycle: u64, level: bool) -> Option<LineEvent> {
        match self.state {
            DecoderState::WaitHigh => {
                if level {
                    self.state = DecoderState::Idle;
                }
                None
            }
            DecoderState::Idle => {
                if !level {
                    self.state = DecoderState::Busy { start: cycle, seen: 0, bits: 0, level };
                    return self.advance(cycle, level);
                }
                None
            }
            DecoderState::Busy { .. } => self.advance(cycle, level),
        }
    }

    /// One cycle inside a character.
    fn advance(&mut self, cycle: u64, level: bool) -> Option<LineEvent> {
        let DecoderState::Busy { start, seen, bits, level: bit_level } = self.state else {
            return None;
        };
        let bit = seen / self.divisor;
        let first_of_bit = seen % self.divisor == 0;
        if !first_of_bit && level != bit_level {
            self.state = if level { DecoderState::Idle } else { DecoderState::WaitHigh };
            return Some(LineEvent::Glitch { start, bit, cycle });
        }
        if bit == 0 && level {
            // Unreachable from Idle (a character starts on a low cycle); kept total.
            self.state = DecoderState::Idle;
            return None;
        }
        let bits = if first_of_bit { bits | (u16::from(level) << bit) } else { bits };
        let seen = seen + 1;
        if seen == CHARACTER_BITS * self.divisor {
            let stop_ok = (bits >> 9) & 1 == 1;
            // After a framing error the line is low: wait for it to go high, as the RTL does.
            self.state = if stop_ok { DecoderState::Idle } else { DecoderState::WaitHigh };
            let byte = ((bits >> 1) & 0xFF) as u8;
            return Some(LineEvent::Character(Received { byte, start, stop_ok }));
        }
        self.state = DecoderState::Busy { start, seen, bits, level };
        None
    }
}

#[cfg(test)]
mod tests {
    use std::ops::Range;

    use super::*;

    /// Runs `driver` into a decoder for cycles `cycles`; the events with their cycle.
    fn run(driver: &mut LineDriver, decoder: &mut LineDecoder, cycles: Range<u64>) -> Vec<(u64, LineEvent)> {
        let mut events = Vec::new();
        for cycle in cycles {
            if let Some(e) = decoder.push(cycle, driver.next_level()) {
                events.push((cycle, e));
            }
        }
        events
    }

    #[test]
    fn driver_and_decoder_agree_on_every_byte_and_cycle() {
        for divisor in [1u16, 4, 5, 16] {
            let d = u64::from(divisor);
            let mut driver = LineDriver::new(divisor).unwrap();
            let mut decoder = LineDecoder::new(divisor).unwrap();
            // One idle cycle first, so the decoder sees the line high.
            let bytes: Vec<u8> = (0..=255).collect();
            let mut events = run(&mut driver, &mut decoder, 0..1);
            driver.extend(&bytes);
            events.extend(run(&mut driver, &mut decoder, 1..256 * 10 * d + 5));
            assert_eq!(events.len(), 256, "divisor {divisor}");
            for (k, (cycle, event)) in events.iter().enumerate() {
                let start = 1 + 10 * d * k as u64;
                let want = LineEvent::Character(Received { byte: k as u8, start, stop_ok: true });
                assert_eq!(*event, want, "divisor {divisor}, byte {k}");
                assert_eq!(*cycle, start + 10 * d - 1);
            }
            assert!(driver.is_idle() && decoder.is_idle());
        }
    }

    #[test]
    fn driver_levels_are_start_data_lsb_first_stop() {
        let mut driver = LineDriver::new(2).unwrap();
        driver.push(0b1000_0110);
        let levels: Vec<u8> = (0..22).map(|_| u8::from(driver.next_level())).collect();
        assert_eq!(levels, [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
    }

    #[test]
    fn a_low_stop_bit_is_a_framing_error() {
        let mut driver = LineDriver::new(3).unwrap();
        let mut decoder = LineDecoder::new(3).unwrap();
        let mut events = run(&mut driver, &mut decoder, 0..1);
        driver.push_with_stop(0x5A, false);
        driver.push(0xFF);
        events.extend(run(&mut driver, &mut decoder, 1..70));
        let kinds: Vec<LineEvent> = events.into_iter().map(|(_, e)| e).collect();
        assert_eq!(kinds, [LineEvent::Character(Received { byte: 0x5A, start: 1, stop_ok: false })]);
        // The second character starts while the line is still low from the bad stop bit:
        // after a framing error the decoder waits for the line to go high, so it is lost.
    }

    #[test]
    fn a_short_bit_is_a_glitch() {
        let mut decoder = LineDecoder::new(4).unwrap();
        assert_eq!(decoder.push(0, true), None);
        for cycle in 1..=4 {
            assert_eq!(decoder.push(cycle, false), None); // start bit
        }
        assert_eq!(decoder.push(5, true), None); // bit 0 begins high
        assert_eq!(decoder.push(6, false), Some(LineEvent::Glitch { start: 1, bit: 1, cycle: 6 }));
    }

    #[test]
    fn zero_divisor_is_an_error() {
        assert_eq!(LineDriver::new(0).unwrap_err(), LineError::ZeroDivisor);
        assert_eq!(
            LineDecoder::new(0).unwrap_err().to_string(),
            "the divisor (cycles per bit) must be at least 1, got 0"
        );
    }
}
