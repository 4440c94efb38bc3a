//! [`UartSim`]: the Verilated `ncx_uart_loop` top — the receiver `ncx_uart_rx` and the
//! transmitter `ncx_uart_tx` of `hdl/rtl/` — behind a safe, cycle-counting API.
//!
//! Only compiled when Verilator was found at build time ([`crate::COSIM_AVAILABLE`]).
//! The timing of every port is in the RTL headers (`hdl/rtl/ncx_uart_rx.sv`,
//! `ncx_uart_tx.sv`); cycles are counted as the crate documentation says.

use crate::ffi::uart::Model;

/// Why a model could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// The C++ side failed to construct the Verilated model (it threw).
    #[error("the Verilated ncx_uart_loop model could not be constructed")]
    Construct,
    /// The transmitter's `tx_ready_o` stayed low longer than a character takes.
    #[error("the transmitter's tx_ready_o stayed low for {waited} cycles, more than a character takes")]
    TxNotReady {
        /// Cycles waited.
        waited: u64,
    },
}

/// The outputs of `ncx_uart_loop` in one cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outputs {
    /// `tx_o`: the transmitter's pin.
    pub tx: bool,
    /// `tx_ready_o`: the transmitter takes `tx_data_i` at the end of this cycle if offered.
    pub tx_ready: bool,
    /// `rx_valid_o`: a received byte is held in `rx_data`.
    pub rx_valid: bool,
    /// `rx_data_o`: the received byte (meaningful while `rx_valid`).
    pub rx_data: u8,
    /// `rx_frame_error_o`: one-cycle strobe, a character's stop bit was low.
    pub rx_frame_error: bool,
    /// `rx_overrun_error_o`: one-cycle strobe, a byte arrived while the previous one was held.
    pub rx_overrun_error: bool,
}

impl Outputs {
    fn unpack(bits: u32) -> Outputs {
        Outputs {
            tx: bits & 1 != 0,
            tx_ready: bits & 2 != 0,
            rx_valid: bits & 4 != 0,
            rx_frame_error: bits & 8 != 0,
            rx_overrun_error: bits & 16 != 0,
            rx_data: ((bits >> 8) & 0xFF) as u8,
        }
    }
}

/// One Verilated `ncx_uart_loop`: a receiver and a transmitter sharing a divisor.
///
/// Inputs set with the `set_*` methods hold until changed and are sampled by the next
/// rising edge; [`step`](Self::step) runs one clock cycle. [`cycle`](Self::cycle) counts
/// the cycles since reset: inputs set and outputs read while it is `n` are those of
/// cycle `n`.
///
/// ```
/// # fn main() -> Result<(), ncx_hdl::uart::SimError> {
/// use ncx_hdl::uart::UartSim;
/// let mut sim = UartSim::new(16)?;
/// sim.set_loopback(true);
/// let taken = sim.push_tx(0x5A)?; // the cycle at whose end the transmitter took it
/// sim.step_n(10 * 16);
/// assert_eq!(sim.cycle(), taken + 1 + 10 * 16);
/// assert!(sim.outputs().rx_valid && sim.outputs().rx_data == 0x5A);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct UartSim {
    model: Model,
    cycle: u64,
    divisor: u16,
}

impl UartSim {
    /// A model held in reset for 2 cycles and released, now in cycle 0 with: `divisor_i` =
    /// `divisor`, the rx pin idle (high), loopback off, `rx_ready_i` high, nothing
    /// offered to the transmitter.
    pub fn new(divisor: u16) -> Result<UartSim, SimError> {
        let model = Model::new(divisor).ok_or(SimError::Construct)?;
        Ok(UartSim { model, cycle: 0, divisor })
    }

    /// Resets the RTL (2 cycles of `rst_ni` low) and restarts the cycle count at 0. The
    /// inputs keep their values.
    pub fn reset(&mut self) {
        self.model.set_reset(true);
        self.model.step(2);
        self.model.set_reset(false);
        self.cycle = 0;
    }

    /// The current cycle (cycles since reset).
    pub fn cycle(&self) -> u64 {
        self.cycle
    }

    /// Runs one clock cycle.
    pub fn step(&mut self) {
        self.model.step(1);
        self.cycle += 1;
    }

    /// Runs `cycles` clock cycles (in one call into C++).
    pub fn step_n(&mut self, cycles: u64) {
        self.model.step(cycles);
        self.cycle += cycles;
    }

    /// Sets `divisor_i`, the clock cycles per bit of both directions (change it only while
    /// both are idle).
    pub fn set_divisor(&mut self, divisor: u16) {
        self.model.set_divisor(divisor);
        self.divisor = divisor;
    }

    /// Cycles per character at the current divisor: 10 · D, with D at least 4 as in the RTL.
    pub fn character_cycles(&self) -> u64 {
        10 * u64::from(self.divisor.max(4))
    }

    /// Sets `loopback_i`: when on, the receiver listens to the transmitter's pin instead of
    /// the rx pin.
    pub fn set_loopback(&mut self, on: bool) {
        self.model.set_loopback(on);
    }

    /// Sets the rx pin's level (`true` is high, the idle level).
    pub fn set_rx(&mut self, level: bool) {
        self.model.set_rx(level);
    }

    /// Sets `rx_ready_i`: whether the consumer takes a held byte at the end of a cycle.
    pub fn set_rx_ready(&mut self, ready: bool) {
        self.model.set_rx_ready(ready);
    }

    /// Offers `byte` to the transmitter (`Some`) or nothing (`None`): `tx_data_i` and
    /// `tx_valid_i`.
    pub fn set_tx(&mut self, byte: Option<u8>) {
        self.model.set_tx_data(byte.unwrap_or(0), byte.is_some());
    }

    /// All outputs in the current cycle.
    pub fn outputs(&self) -> Outputs {
        Outputs::unpack(self.model.outputs())
    }

    /// The transmitter's pin in the current cycle.
    pub fn tx(&self) -> bool {
        self.outputs().tx
    }

    /// Sends `byte` through the transmitter's handshake: offers it, steps until the cycle
    /// in which `tx_ready_o` is high, steps past that cycle's edge (which takes the byte)
    /// and withdraws the offer. Returns the cycle at whose end the byte was taken; the
    /// start bit is on the pin from the next cycle. Whatever the receiver does meanwhile
    /// is not looked at.
    ///
    /// An error if `tx_ready_o` stays low for more than [`character_cycles`](Self::character_cycles)
    /// (the offer is then withdrawn).
    pub fn push_tx(&mut self, byte: u8) -> Result<u64, SimError> {
        self.set_tx(Some(byte));
        let since = self.cycle;
        while !self.outputs().tx_ready {
            if self.cycle - since > self.character_cycles() {
                self.set_tx(None);
                return Err(SimError::TxNotReady { waited: self.cycle - since });
            }
            self.step();
        }
        let taken = self.cycle;
        self.step();
        self.set_tx(None);
        Ok(taken)
    }
}
