//! A minimal host for the device tests: frames commands, feeds them to a [`Device`] and
//! decodes what comes back.

#![allow(dead_code, unreachable_pub)]

use ncx_model::device::{Ack, Device, DeviceConfig, Nak, OUTPUT_OPCODE, Opcode, OutputFrame, ReplyError, Request};
use ncx_model::wire::{Decoded, Decoder, Frame, encode};
use ncx_model::{Core, Geometry};

/// Everything the device sent in answer to one batch of bytes.
#[derive(Debug, Clone, Default)]
pub struct Sent {
    /// Reply frames (opcode with bit 7 set, not 0xC0).
    pub replies: Vec<Frame>,
    /// Output frames (opcode 0xC0), in order.
    pub outputs: Vec<Frame>,
    /// Every frame, in order.
    pub all: Vec<Frame>,
    /// The raw bytes.
    pub bytes: Vec<u8>,
}

pub struct Host {
    pub device: Device,
    decoder: Decoder,
    pub seq: u8,
}

impl Host {
    pub fn new(neurons: usize, inputs: usize) -> Host {
        Host::with_config(neurons, inputs, DeviceConfig::default())
    }

    pub fn with_config(neurons: usize, inputs: usize, config: DeviceConfig) -> Host {
        Host::with_device(Device::new(Geometry::new(neurons, inputs).unwrap(), config))
    }

    pub fn with_core(core: Core, config: DeviceConfig) -> Host {
        Host::with_device(Device::with_core(core, config))
    }

    pub fn with_device(device: Device) -> Host {
        Host { device, decoder: Decoder::new(), seq: 0 }
    }

    pub fn neurons(&self) -> usize {
        self.device.core().geometry().neurons()
    }

    /// Feed raw bytes and collect what the device sends.
    pub fn bytes(&mut self, bytes: &[u8]) -> Sent {
        self.device.receive(bytes);
        self.collect()
    }

    /// Collect whatever the device has sent so far.
    pub fn collect(&mut self) -> Sent {
        let mut out = Vec::new();
        self.device.drain_tx(&mut out);
        let mut sent = Sent { bytes: out.clone(), ..Sent::default() };
        for &b in &out {
            match self.decoder.push(b) {
                Some(Decoded::Frame(f)) => {
                    if f.opcode == OUTPUT_OPCODE {
                        sent.outputs.push(f.clone());
                    } else {
                        sent.replies.push(f.clone());
                    }
                    sent.all.push(f);
                }
                Some(Decoded::Error(e)) => panic!("the device sent a bad frame: {e}"),
                None => {}
            }
        }
        assert_eq!(self.decoder.pending(), 0, "the device sent a partial frame");
        sent
    }

    /// Send a raw frame with an explicit seq.
    pub fn raw(&mut self, opcode: u8, seq: u8, payload: &[u8]) -> Sent {
        self.bytes(&encode(opcode, seq, payload).unwrap())
    }

    /// Send a raw frame with the next seq; exactly one reply, with the right opcode and
    /// seq: its payload, and the output frames.
    pub fn raw_next(&mut self, opcode: u8, payload: &[u8]) -> (Vec<u8>, Vec<Frame>) {
        self.seq = self.seq.wrapping_add(1);
        let seq = self.seq;
        let sent = self.raw(opcode, seq, payload);
        assert_eq!(sent.replies.len(), 1, "one reply per command: {sent:?}");
        let reply = &sent.replies[0];
        let reply_opcode = if Opcode::try_from(opcode).is_ok() { opcode | 0x80 } else { 0x80 };
        assert_eq!((reply.opcode, reply.seq), (reply_opcode, seq));
        (reply.payload.clone(), sent.outputs)
    }

    /// Send a request; its reply payload and the output frames.
    pub fn send(&mut self, request: &Request) -> (Vec<u8>, Vec<Frame>) {
        self.raw_next(request.opcode() as u8, &request.payload())
    }

    /// Send a request that must be acknowledged.
    pub fn ack(&mut self, request: &Request) -> Ack {
        let (payload, _) = self.send(request);
        Ack::parse(request.opcode(), &payload).unwrap_or_else(|e| panic!("{request:?}: {e}"))
    }

    /// Send a request that must be refused, and check that a refusal changes nothing.
    pub fn nak(&mut self, request: &Request) -> Nak {
        self.raw_nak(request.opcode() as u8, &request.payload())
    }

    /// Send a raw payload that must be refused, and check that nothing changed.
    pub fn raw_nak(&mut self, opcode: u8, payload: &[u8]) -> Nak {
        let core = self.device.core().clone();
        let before = self.device.status();
        let (reply, outputs) = self.raw_next(opcode, payload);
        assert_eq!(reply.len(), 5, "a NAK is a status and a u32");
        assert!(outputs.is_empty());
        assert_eq!(self.device.core(), &core, "a NAK changed the core");
        let after = self.device.status();
        assert_eq!(
            (after.running, after.timestep, after.steps_left, after.credits),
            (before.running, before.timestep, before.steps_left, before.credits)
        );
        let op = Opcode::try_from(opcode).unwrap_or(Opcode::Hello);
        match Ack::parse(op, &reply) {
            Err(ReplyError::Nak(nak)) => nak,
            other => panic!("expected a NAK, got {other:?}"),
        }
    }

    /// Run one timestep of a held device: its output frames.
    pub fn step(&mut self) -> Vec<Frame> {
        assert!(self.device.step().is_some(), "no timestep was ready");
        let sent = self.collect();
        assert!(sent.replies.is_empty());
        sent.outputs
    }

    /// Parse output frames.
    pub fn outputs(&self, frames: &[Frame]) -> Vec<OutputFrame> {
        frames.iter().map(|f| OutputFrame::parse(&f.payload, self.neurons()).unwrap()).collect()
    }
}

/// CRC-32/ISO-HDLC bit by bit (independent of the crate).
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}
