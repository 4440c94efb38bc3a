//! Property tests of the device (docs/protocol.md §7–§9): random noise and random
//! command payloads never panic, every intact command gets exactly one reply (with 1,
//! 2, 4 and 8 accumulate lanes), a NAK changes nothing, a MAX_FRAME zero flush
//! resynchronises; an image uploaded region by region reads back byte for byte.

mod device_support;
mod support;

use device_support::Host;
use ncx_model::device::region::region_bytes;
use ncx_model::device::{Ack, DeviceConfig, Opcode, Request, request};
use ncx_model::wire::MAX_FRAME;
use ncx_model::wire::layout::Region;
use proptest::prelude::*;
use support::{Knobs, random_core};

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn noise_never_panics_and_a_flush_resynchronises(
        noise in prop::collection::vec(prop_oneof![any::<u8>(), Just(0xA5u8), Just(0x5Au8)], 0..3000),
        seq in any::<u8>(),
    ) {
        let mut host = Host::new(16, 16);
        host.device.receive(&noise);
        let mut junk = Vec::new();
        host.device.drain_tx(&mut junk);
        host.device.receive(&[0u8; MAX_FRAME]);
        host.device.drain_tx(&mut junk);
        let sent = host.raw(Opcode::Hello as u8, seq, &[]);
        prop_assert_eq!(sent.replies.len(), 1);
        prop_assert_eq!(sent.replies[0].opcode, 0x81);
        prop_assert_eq!(sent.replies[0].seq, seq);
        prop_assert_eq!(Ack::parse(Opcode::Hello, &sent.replies[0].payload), Ok(Ack::Hello(host.device.info())));
    }

    #[test]
    fn random_commands_get_one_reply_and_a_nak_changes_nothing(
        commands in prop::collection::vec(
            (0u8..=0x0D, prop::collection::vec(any::<u8>(), 0..40), any::<bool>()), 1..60),
        lanes_log2 in 0u8..=3,
    ) {
        let mut host = Host::with_config(16, 16, DeviceConfig { lanes_log2, ..DeviceConfig::default() });
        host.device.set_hold(true);
        for (opcode, mut payload, shape) in commands {
            // Half the time, give the payload a plausible shape: a valid region, a small count.
            if shape && !payload.is_empty() {
                match Opcode::try_from(opcode) {
                    Ok(Opcode::Write | Opcode::Read | Opcode::Crc) => payload[0] %= 9,
                    Ok(Opcode::Input) if payload.len() >= 6 => {
                        let count = ((payload.len() - 6) / 2) as u16;
                        payload[4..6].copy_from_slice(&count.to_le_bytes());
                        payload[..4].copy_from_slice(&host.device.status().timestep.to_le_bytes());
                    }
                    Ok(Opcode::Probe) if payload.len() >= 2 => {
                        let count = ((payload.len() - 2) / 2) as u16;
                        payload[..2].copy_from_slice(&count.to_le_bytes());
                    }
                    Ok(Opcode::Run) => payload.resize(4, 1),
                    _ => {}
                }
            }
            let core = host.device.core().clone();
            let (reply, outputs) = host.raw_next(opcode, &payload);
            prop_assert!(outputs.is_empty());
            prop_assert!(!reply.is_empty());
            if reply[0] != 0 {
                prop_assert_eq!(reply.len(), 5);
                prop_assert_eq!(host.device.core(), &core);
            }
            if host.device.is_running() && host.device.status().credits < 16 {
                host.step();
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn an_uploaded_image_reads_back_the_same(
        neurons_log2 in 4u32..=6, inputs_log2 in 4u32..=6, seed in any::<u64>(), stdp in any::<bool>(),
        period in prop_oneof![Just(0u32), any::<u32>()],
    ) {
        let image = random_core(Knobs { neurons_log2, inputs_log2, seed, density: 50, plasticity: 30, stdp, period, lanes_log2: 0 });
        let g = image.geometry();
        let mut host = Host::with_config(g.neurons(), g.inputs(), DeviceConfig::default());
        for region in Region::ALL {
            let bytes = region_bytes(&image, region);
            prop_assert_eq!(bytes.len(), region.size(g));
            for command in request::write_all(region, 0, &bytes) {
                if let Request::Write { data, offset, .. } = &command {
                    prop_assert!(data.len() <= request::write_chunk_len(region));
                    prop_assert_eq!(*offset as usize % region.record_len(), 0);
                }
                prop_assert_eq!(host.ack(&command), Ack::Write);
            }
        }
        for region in Region::ALL {
            let bytes = region_bytes(&image, region);
            let mut back = Vec::new();
            for start in (0..bytes.len()).step_by(1023) {
                let len = (bytes.len() - start).min(1023) as u16;
                match host.ack(&Request::Read { region, offset: start as u32, len }) {
                    Ack::Read(data) => back.extend(data),
                    other => prop_assert!(false, "{other:?}"),
                }
            }
            prop_assert_eq!(&back, &bytes);
            let crc = host.ack(&Request::Crc { region, offset: 0, len: bytes.len() as u32 });
            prop_assert_eq!(crc, Ack::Crc(device_support::crc32(&bytes)));
        }
        prop_assert_eq!(host.device.core(), &image);
    }
}
