//! The RTL device a replay plays against (`ncx replay --backend verilator`): `ncx_top`
//! simulated by Verilator, in a build with the cargo feature `cosim`.

use std::time::Duration;

use ncx_hdl::device::{BOARD_BUFFERS, BOARD_GEOMETRY, Buffers, DeviceSim, SimError};
use ncx_model::Geometry;
use ncx_model::device::Opcode;
use ncx_model::wire::{HEADER_LEN, MAX_FRAME, encode};

use super::ReplayError;
use super::backend::ReplayDevice;
use super::compare::{Segment, SegmentKind, Segmenter};
use crate::link::LinkError;

/// The build's identity in HELLO: clock, divisor and build id.
pub(crate) type Identity = (u32, u32, [u8; 8]);

/// The RTL device (`ncx_top`) simulated by Verilator, paced by the recording: bytes the
/// host sent start on the receive pin at the current cycle, and a receive runs the
/// simulation until the device has sent as many bytes in all as the recorded device had
/// delivered by the end of that call (a receive that got nothing runs the recorded wait,
/// bounded), so the host's bytes reach the RTL in the order, relative to the device's,
/// in which the recorded host sent them. The RTL is built with its own clock, divisor and
/// build id; its HELLO replies are compared as if they were the recorded device's.
#[derive(Debug)]
pub(crate) struct SimDevice {
    sim: DeviceSim,
    recorded: u64,
    identity: Option<Identity>,
    segmenter: Segmenter,
    notes: Vec<String>,
}

impl SimDevice {
    /// The RTL device of `geometry` with `buffers`; its HELLO replies carry `identity`.
    pub(crate) fn new(
        geometry: Geometry,
        buffers: Buffers,
        identity: Option<Identity>,
    ) -> Result<SimDevice, ReplayError> {
        if !ncx_hdl::COSIM_AVAILABLE {
            return Err(ReplayError::Backend {
                problem: "this ncx was built without Verilator, so it has no RTL device".to_owned(),
                help: "install Verilator (bash scripts/setup.sh) and rebuild ncx, or replay with --backend model"
                    .to_owned(),
            });
        }
        let sim = DeviceSim::with_buffers(geometry, buffers).map_err(|e| {
            let built: Vec<String> =
                DeviceSim::geometries().iter().map(|(g, _)| format!("{}×{}", g.neurons(), g.inputs())).collect();
            ReplayError::Backend {
                problem: e.to_string(),
                help: format!(
                    "this build has RTL devices of {} with 16 input slots and 16 kept output frames, and {}×{} with \
                     {} input slots and {} kept frames (the iCEBreaker's); replay with --backend model",
                    built.join(", "),
                    BOARD_GEOMETRY.0,
                    BOARD_GEOMETRY.1,
                    BOARD_BUFFERS.input_slots,
                    BOARD_BUFFERS.output_history
                ),
            }
        })?;
        Ok(SimDevice { sim, recorded: 0, identity, segmenter: Segmenter::new(usize::MAX), notes: Vec::new() })
    }

    fn sim_error(e: SimError) -> ReplayError {
        ReplayError::Link(LinkError::Io { link: "verilator".to_owned(), source: std::io::Error::other(e.to_string()) })
    }

    /// Cycles that cover the bytes waiting to go in, two frames out and the longest work.
    fn slack(&self) -> u64 {
        self.sim.byte_time() * (self.sim.rx_pending() as u64 + 2 * MAX_FRAME as u64) + self.sim.work_bound()
    }

    /// The bytes sent so far, HELLO replies carrying the recorded identity.
    fn take(&mut self, last: bool) -> Vec<u8> {
        let bytes: Vec<u8> = self.sim.take().into_iter().map(|(_, b)| b).collect();
        let mut segments = Vec::new();
        self.segmenter.push(&bytes, &mut segments);
        if last {
            self.segmenter.finish(true, &mut segments);
        }
        segments.into_iter().flat_map(|s| self.patch(s)).collect()
    }

    fn patch(&mut self, segment: Segment) -> Vec<u8> {
        const CLOCK: usize = HEADER_LEN + 1 + 36;
        let Some((clock, divisor, build_id)) = self.identity else { return segment.bytes };
        let SegmentKind::Reply { opcode, seq } = segment.kind else { return segment.bytes };
        let hello = segment.complete && opcode == Opcode::Hello.reply() && segment.bytes.len() == HEADER_LEN + 61 + 4;
        if !hello || segment.bytes[HEADER_LEN] != 0 {
            return segment.bytes;
        }
        let mut payload = segment.bytes[HEADER_LEN..HEADER_LEN + 61].to_vec();
        let at = CLOCK - HEADER_LEN;
        let own = |p: &[u8]| {
            let word = |i: usize| u32::from_le_bytes([p[i], p[i + 1], p[i + 2], p[i + 3]]);
            (word(at), word(at + 4), p[at + 8..at + 16].to_vec())
        };
        let (rtl_clock, rtl_divisor, rtl_build) = own(&payload);
        payload[at..at + 4].copy_from_slice(&clock.to_le_bytes());
        payload[at + 4..at + 8].copy_from_slice(&divisor.to_le_bytes());
        payload[at + 8..at + 16].copy_from_slice(&build_id);
        if self.notes.is_empty() && (rtl_clock, rtl_divisor, &rtl_build[..]) != (clock, divisor, &build_id[..]) {
            self.notes.push(format!(
                "the RTL device's HELLO says clock {rtl_clock} Hz, divisor {rtl_divisor}, build id {}; its HELLO \
                 replies are compared with the recording's clock {clock} Hz, divisor {divisor}, build id {}",
                crate::link::record::hex(&rtl_build),
                crate::link::record::hex(&build_id)
            ));
        }
        encode(opcode, seq, &payload).unwrap_or(segment.bytes)
    }
}

impl ReplayDevice for SimDevice {
    fn send(&mut self, bytes: &[u8]) -> Result<(), ReplayError> {
        let now = self.sim.cycle();
        self.sim.send_at(now, bytes);
        Ok(())
    }

    fn receive(&mut self, _cap: usize, wait: Duration, recorded: &[u8]) -> Result<Vec<u8>, ReplayError> {
        self.recorded += recorded.len() as u64;
        if recorded.is_empty() {
            let clock = f64::from(self.sim.config().clock_hz);
            let cycles = (wait.as_secs_f64() * clock).ceil() as u64;
            self.sim.run(cycles.clamp(self.sim.byte_time(), self.slack())).map_err(Self::sim_error)?;
        } else if self.sim.sent() < self.recorded {
            let budget = self.slack() + self.sim.byte_time() * (self.recorded - self.sim.sent());
            match self.sim.run_until_sent(self.recorded, budget) {
                Ok(()) | Err(SimError::Stuck { .. }) => {}
                Err(e) => return Err(Self::sim_error(e)),
            }
        }
        Ok(self.take(false))
    }

    fn finish(&mut self) -> Result<Vec<u8>, ReplayError> {
        while self.sim.rx_pending() > 0 {
            self.sim.run(64 * self.sim.byte_time()).map_err(Self::sim_error)?;
        }
        self.sim.run(self.slack()).map_err(Self::sim_error)?;
        Ok(self.take(true))
    }

    fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }
}
