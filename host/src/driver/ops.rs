//! One method per command of docs/protocol.md §8, with typed arguments and results:
//! requests are the device model's `Request`, replies its `Ack`.

use ncx_model::device::{Ack, DeviceInfo, DeviceStatus, Opcode, Request, ResetScope};
use ncx_model::wire::layout::Region;

use super::{Channel, DriverError};
use crate::link::Link;

/// An ACK of another command than the one sent: `Ack::parse` never gives one, so this
/// is a reply that makes no sense.
fn wrong(command: Opcode, ack: &Ack) -> DriverError {
    DriverError::BadReply { command, problem: format!("an ACK of {}", ack.opcode()) }
}

impl<L: Link> Channel<L> {
    /// HELLO: the device's description.
    pub(crate) fn hello(&mut self) -> Result<DeviceInfo, DriverError> {
        match self.command(&Request::Hello)? {
            Ack::Hello(info) => Ok(info),
            other => Err(wrong(Opcode::Hello, &other)),
        }
    }

    /// RESET: the state (scope 0) or everything (scope 1).
    pub(crate) fn reset(&mut self, scope: ResetScope) -> Result<(), DriverError> {
        self.command(&Request::Reset { scope }).map(drop)
    }

    /// WRITE `data` (1..=1019 bytes, whole records) at `offset` of `region`.
    pub(crate) fn write(&mut self, region: Region, offset: u32, data: &[u8]) -> Result<(), DriverError> {
        self.write_tries(region, offset, data, self.options.retries)
    }

    /// [`Channel::write`] with `retries` retries.
    pub(crate) fn write_tries(
        &mut self,
        region: Region,
        offset: u32,
        data: &[u8],
        retries: u32,
    ) -> Result<(), DriverError> {
        self.command_tries(&Request::Write { region, offset, data: data.to_vec() }, retries).map(drop)
    }

    /// READ `len` (1..=1023) bytes at `offset` of `region`.
    pub(crate) fn read(&mut self, region: Region, offset: u32, len: u16) -> Result<Vec<u8>, DriverError> {
        self.read_tries(region, offset, len, self.options.retries)
    }

    /// [`Channel::read`] with `retries` retries.
    pub(crate) fn read_tries(
        &mut self,
        region: Region,
        offset: u32,
        len: u16,
        retries: u32,
    ) -> Result<Vec<u8>, DriverError> {
        match self.command_tries(&Request::Read { region, offset, len }, retries)? {
            Ack::Read(bytes) if bytes.len() == usize::from(len) => Ok(bytes),
            Ack::Read(bytes) => Err(DriverError::BadReply {
                command: Opcode::Read,
                problem: format!("{} bytes read, {len} asked for", bytes.len()),
            }),
            other => Err(wrong(Opcode::Read, &other)),
        }
    }

    /// CRC: the CRC-32/ISO-HDLC of `len` bytes at `offset` of `region`.
    pub(crate) fn crc(&mut self, region: Region, offset: u32, len: u32) -> Result<u32, DriverError> {
        match self.command(&Request::Crc { region, offset, len })? {
            Ack::Crc(crc) => Ok(crc),
            other => Err(wrong(Opcode::Crc, &other)),
        }
    }

    /// RUN `steps` timesteps: returns the first timestep and the credits.
    pub(crate) fn run(&mut self, steps: u32) -> Result<(u32, u16), DriverError> {
        match self.command(&Request::Run { steps })? {
            Ack::Run { first, credits } => Ok((first, credits)),
            other => Err(wrong(Opcode::Run, &other)),
        }
    }

    /// STOP: returns the next timestep that would run.
    pub(crate) fn stop(&mut self) -> Result<u32, DriverError> {
        match self.command(&Request::Stop)? {
            Ack::Stop { next } => Ok(next),
            other => Err(wrong(Opcode::Stop, &other)),
        }
    }

    /// INPUT: the input spikes of `timestep`; returns the credits left.
    pub(crate) fn input(&mut self, timestep: u32, inputs: &[u16]) -> Result<u16, DriverError> {
        match self.command(&Request::Input { timestep, inputs: inputs.to_vec() })? {
            Ack::Input { credits } => Ok(credits),
            other => Err(wrong(Opcode::Input, &other)),
        }
    }

    /// PROBE: the neurons (at most 16) whose state every output frame reports.
    pub(crate) fn probe(&mut self, neurons: &[u16]) -> Result<(), DriverError> {
        self.command(&Request::Probe { neurons: neurons.to_vec() }).map(drop)
    }

    /// STATUS: the device's state and counters.
    pub(crate) fn status(&mut self) -> Result<DeviceStatus, DriverError> {
        match self.command(&Request::Status)? {
            Ack::Status(status) => Ok(status),
            other => Err(wrong(Opcode::Status, &other)),
        }
    }

    /// RESEND the kept output frames from timestep `from` on: returns how many follow.
    pub(crate) fn resend(&mut self, from: u32) -> Result<u32, DriverError> {
        match self.command(&Request::Resend { from })? {
            Ack::Resend { count } => Ok(count),
            other => Err(wrong(Opcode::Resend, &other)),
        }
    }
}
