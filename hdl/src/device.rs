//! [`DeviceSim`]: the Verilated `ncx_top` — the whole NCX-1 device of `hdl/rtl/` (UART,
//! frame decoder and encoder, the command layer `ncx_ctrl` with its transmit queue, the
//! core) — on its two pins, driven by a host UART that lives in the C++ shim: bytes
//! queued with [`DeviceSim::send_at`] are bit-banged onto `rx_i` at the baud divisor, and
//! `tx_o` is decoded back into bytes, each with the cycle its start bit began. Rust calls
//! per batch of bytes, never per cycle.
//!
//! The models are built at baud divisor 4 (a byte takes 40 cycles) for speed. Their buffers
//! are `ncx_top`'s defaults, which are `DeviceConfig::default()`'s ([`DeviceSim::new`]),
//! and at [`BOARD_GEOMETRY`] (32×32, the board table's) also the iCEBreaker's, with
//! its synapses in SPRAM ([`DeviceSim::with_buffers`], [`BOARD_BUFFERS`]); at
//! [`LANES_GEOMETRY`] (64×64) also with four accumulate lanes, as the ULX3S builds the
//! core ([`DeviceSim::with_lanes`], [`LANES_LOG2`]);
//! [`DeviceSim::config`] says what a model reports in HELLO. Without Verilator ([`crate::COSIM_AVAILABLE`] false)
//! no geometry is built and [`DeviceSim::new`] fails. Cycles are counted as the crate documentation says.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # if !ncx_hdl::COSIM_AVAILABLE { return Ok(()); }
//! use ncx_hdl::device::DeviceSim;
//! use ncx_model::Geometry;
//! use ncx_model::device::{Device, Opcode, request};
//! use ncx_model::wire::encode;
//! let geometry = Geometry::new(16, 16)?;
//! let mut sim = DeviceSim::new(geometry)?;
//! let mut model = Device::new(geometry, sim.config());
//! let hello = encode(Opcode::Hello as u8, 1, &request::hello())?;
//! model.receive(&hello);
//! let mut expected = Vec::new();
//! model.drain_tx(&mut expected);
//! assert_eq!(sim.exchange(&hello, expected.len())?, expected);
//! # Ok(()) }
//! ```

use ncx_model::Geometry;
use ncx_model::device::DeviceConfig;

use crate::ffi::device::{Model, geometries};

/// The input slots and kept output frames of a device (`ncx_top`'s `InputSlots` and
/// `OutputHistory`; HELLO's `input_slots` and `output_history`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Buffers {
    /// Timesteps of input buffered.
    pub input_slots: u8,
    /// Output frames kept for RESEND.
    pub output_history: u8,
}

/// `ncx_top`'s default buffers, `DeviceConfig::default()`'s: 16 input slots, 16 kept frames.
pub const DEFAULT_BUFFERS: Buffers = Buffers { input_slots: 16, output_history: 16 };

/// The iCEBreaker's buffers (hdl/boards/boards.toml): 2 input slots, no kept frames. Built
/// at [`BOARD_GEOMETRY`] only.
pub const BOARD_BUFFERS: Buffers = Buffers { input_slots: 2, output_history: 0 };

/// The geometry of the iCEBreaker's co-simulated build as (neurons, inputs): 32×32, the
/// board table's (hdl/boards/boards.toml) and the one geometry built with
/// [`BOARD_BUFFERS`] (and, as on the board, the synapses and enable bits in SPRAM, garbage
/// at power-on until the core's clear).
pub const BOARD_GEOMETRY: (usize, usize) = (32, 32);

/// The geometry of the co-simulated build with accumulate lanes as (neurons, inputs):
/// 64×64, with the default buffers and [`LANES_LOG2`].
pub const LANES_GEOMETRY: (usize, usize) = (64, 64);

/// log2 of the accumulate lanes of the build at [`LANES_GEOMETRY`]: 2 (four lanes, the
/// ULX3S's `LanesLog2`, hdl/boards/boards.toml).
pub const LANES_LOG2: u8 = 2;

/// Why a device co-simulation step failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// No `ncx_top` model of this geometry, these buffers and lanes was built
    /// (`hdl/build.rs`), or the C++ side failed to construct it.
    #[error(
        "no Verilated ncx_top of {}×{} with {} input slots, {} kept output frames and {} accumulate lanes was built \
         (hdl/build.rs, MODELS)",
        .geometry.neurons(),
        .geometry.inputs(),
        .buffers.input_slots,
        .buffers.output_history,
        1u32 << .lanes_log2
    )]
    Unavailable {
        /// The geometry asked for.
        geometry: Geometry,
        /// The buffers asked for.
        buffers: Buffers,
        /// log2 of the accumulate lanes asked for.
        lanes_log2: u8,
    },
    /// The device did not send the bytes awaited within the cycles allowed.
    #[error("waited {waited} cycles for the device's byte {expected}; it sent {sent}")]
    Stuck {
        /// Bytes awaited (in total since the device was made).
        expected: u64,
        /// Bytes sent by then.
        sent: u64,
        /// Cycles waited.
        waited: u64,
    },
    /// A character from the device had a low stop bit.
    #[error("{count} characters from the device had a low stop bit")]
    Framing {
        /// How many so far.
        count: u64,
    },
}

/// One Verilated `ncx_top` with a host UART on its pins.
#[derive(Debug)]
pub struct DeviceSim {
    model: Model,
    geometry: Geometry,
    buffers: Buffers,
    lanes_log2: u8,
}

/// Bytes of the largest reply plus the output frames a RESEND may add.
const RESEND_BYTES: u64 = 16 * 1035 + 1035;

impl DeviceSim {
    /// The geometries built with the default buffers and one accumulate lane
    /// ([`DeviceSim::new`]), each with its baud divisor.
    pub fn geometries() -> Vec<(Geometry, u32)> {
        geometries()
            .into_iter()
            .filter(|b| {
                (b.input_slots, b.output_history, b.lanes_log2)
                    == (u32::from(DEFAULT_BUFFERS.input_slots), u32::from(DEFAULT_BUFFERS.output_history), 0)
            })
            .filter_map(|b| Some((Geometry::new(1 << b.neurons_log2, 1 << b.inputs_log2).ok()?, b.divisor)))
            .collect()
    }

    /// A device of `geometry` with the default buffers, just out of reset (cycle 0, both
    /// lines idle).
    pub fn new(geometry: Geometry) -> Result<DeviceSim, SimError> {
        DeviceSim::with_buffers(geometry, DEFAULT_BUFFERS)
    }

    /// A device of `geometry` and `buffers` with one accumulate lane, just out of reset.
    pub fn with_buffers(geometry: Geometry, buffers: Buffers) -> Result<DeviceSim, SimError> {
        DeviceSim::with_lanes(geometry, buffers, 0)
    }

    /// A device of `geometry` and `buffers` with 2^`lanes_log2` accumulate lanes
    /// (`ncx_top`'s `LanesLog2`), just out of reset.
    pub fn with_lanes(geometry: Geometry, buffers: Buffers, lanes_log2: u8) -> Result<DeviceSim, SimError> {
        let log2 = |x: usize| x.trailing_zeros();
        let model = Model::new(
            log2(geometry.neurons()),
            log2(geometry.inputs()),
            u32::from(buffers.input_slots),
            u32::from(buffers.output_history),
            u32::from(lanes_log2),
        )
        .ok_or(SimError::Unavailable { geometry, buffers, lanes_log2 })?;
        Ok(DeviceSim { model, geometry, buffers, lanes_log2 })
    }

    /// The geometry.
    pub fn geometry(&self) -> Geometry {
        self.geometry
    }

    /// log2 of the core's accumulate lanes.
    pub fn lanes_log2(&self) -> u8 {
        self.lanes_log2
    }

    /// The device configuration the RTL reports in HELLO: `DeviceConfig::default()` with
    /// this model's divisor, buffers and accumulate lanes.
    pub fn config(&self) -> DeviceConfig {
        DeviceConfig {
            baud_divisor: self.model.divisor(),
            input_slots: self.buffers.input_slots,
            output_history: self.buffers.output_history,
            lanes_log2: self.lanes_log2,
            ..DeviceConfig::default()
        }
    }

    /// B, the cycles of one byte on the line: 10 × the divisor.
    pub fn byte_time(&self) -> u64 {
        10 * u64::from(self.model.divisor())
    }

    /// The current cycle.
    pub fn cycle(&self) -> u64 {
        self.model.cycle()
    }

    /// The host starts sending `bytes` at `cycle`, back to back: the first start bit
    /// begins at the latest of `cycle`, the end of the previous byte's stop bit and now.
    /// Nothing runs until [`DeviceSim::run`].
    pub fn send_at(&mut self, cycle: u64, bytes: &[u8]) {
        self.model.send(cycle, bytes);
    }

    /// Bytes the host still has to put on the line.
    pub fn rx_pending(&self) -> usize {
        self.model.rx_pending()
    }

    /// Bytes the device has sent since it was made.
    pub fn sent(&self) -> u64 {
        self.model.tx_total()
    }

    /// Runs `cycles` cycles.
    pub fn run(&mut self, cycles: u64) -> Result<(), SimError> {
        self.model.run(cycles, 0);
        self.check_framing()
    }

    /// Runs until the device has sent `total` bytes since it was made, at most
    /// `max_cycles` cycles.
    pub fn run_until_sent(&mut self, total: u64, max_cycles: u64) -> Result<(), SimError> {
        if self.model.tx_total() < total {
            let waited = self.model.run(max_cycles, total);
            if self.model.tx_total() < total {
                return Err(SimError::Stuck { expected: total, sent: self.model.tx_total(), waited });
            }
        }
        self.check_framing()
    }

    /// Every byte sent and not yet taken, oldest first, with the cycle its start bit began.
    pub fn take(&mut self) -> Vec<(u64, u8)> {
        self.model.take()
    }

    /// Sends `bytes` now, waits for `expected` bytes back (then a quiet while: two byte
    /// times more, so that a stray extra byte's start bit is seen) and returns every byte
    /// the device sent meanwhile, without cycles.
    pub fn exchange(&mut self, bytes: &[u8], expected: usize) -> Result<Vec<u8>, SimError> {
        let now = self.cycle();
        self.send_at(now, bytes);
        let b = self.byte_time();
        let total = self.sent() + expected as u64;
        let budget = b * (bytes.len() as u64 + expected as u64 + RESEND_BYTES) + self.work_bound();
        self.run_until_sent(total, budget)?;
        // Let the host finish sending, then a quiet while.
        while self.rx_pending() > 0 {
            self.run(b)?;
        }
        self.run(2 * b)?;
        Ok(self.take().into_iter().map(|(_, byte)| byte).collect())
    }

    /// A bound on the cycles one command or timestep can keep the controller busy: RESET
    /// of everything writes every byte of regions 0–5 and clears the state; a CRC reads a
    /// whole region; a timestep visits every synapse a few times.
    pub fn work_bound(&self) -> u64 {
        let (n, m) = (self.geometry.neurons() as u64, self.geometry.inputs() as u64);
        8 * (n * m + n * n) + 64 * (n + m) + 10_000
    }

    fn check_framing(&self) -> Result<(), SimError> {
        match self.model.tx_framing_errors() {
            0 => Ok(()),
            count => Err(SimError::Framing { count }),
        }
    }
}
