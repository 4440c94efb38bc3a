//! Co-simulation of the UART RTL (`hdl/rtl/ncx_uart_rx.sv`, `ncx_uart_tx.sv`, through the
//! `ncx_uart_loop` top) against the Rust line models of `ncx_hdl::line`, cycle by cycle.
//!
//! Timing claims checked here are the ones in the RTL headers: with the start bit's
//! falling edge at the start of cycle c, the receiver's `valid_o` is high in cycle
//! c + 10·D exactly; the transmitter puts a byte taken at the end of cycle a on the pin
//! from cycle a + 1, 10·D cycles per character, with no gap between back-to-back bytes.

#[cfg(have_verilator)]
mod rtl {
    use ncx_hdl::line::{LineDecoder, LineDriver, LineEvent, Received};
    use ncx_hdl::uart::{Outputs, UartSim};
    use ncx_model::wire::{Decoded, Decoder, Frame, encode};

    /// The divisors every test runs at: the smallest supported (4), an odd one (5), and 16.
    const DIVISORS: [u16; 3] = [4, 5, 16];

    /// Something the receiver signalled: the cycle and the outputs in it.
    type Strobe = (u64, Outputs);

    /// Runs `cycles` cycles with the rx pin driven by `driver`; the cycles in which the
    /// receiver's valid or an error strobe was high.
    fn drive(sim: &mut UartSim, driver: &mut LineDriver, cycles: u64) -> Vec<Strobe> {
        let mut strobes = Vec::new();
        for _ in 0..cycles {
            sim.set_rx(driver.next_level());
            let o = sim.outputs();
            if o.rx_valid || o.rx_frame_error || o.rx_overrun_error {
                strobes.push((sim.cycle(), o));
            }
            sim.step();
        }
        strobes
    }

    fn valid(byte: u8) -> Outputs {
        Outputs {
            tx: true,
            tx_ready: true,
            rx_valid: true,
            rx_data: byte,
            rx_frame_error: false,
            rx_overrun_error: false,
        }
    }

    #[test]
    fn every_byte_is_received_with_valid_exactly_10_bit_times_after_the_start_edge() {
        for divisor in DIVISORS {
            let b = 10 * u64::from(divisor);
            let mut sim = UartSim::new(divisor).unwrap();
            let mut driver = LineDriver::new(divisor).unwrap();
            for byte in 0..=255u8 {
                // An idle gap of 0 to 6 cycles varies the phase of each start bit.
                drive(&mut sim, &mut driver, u64::from(byte % 7));
                driver.push(byte);
                let start = sim.cycle();
                let strobes = drive(&mut sim, &mut driver, b + 1);
                assert_eq!(strobes, [(start + b, valid(byte))], "divisor {divisor}, byte {byte:#04x}");
                // Taken in that cycle (rx_ready_i high): valid was a one-cycle strobe.
                assert!(!sim.outputs().rx_valid);
            }
        }
    }

    #[test]
    fn back_to_back_bytes_are_received_every_10_bit_times() {
        for divisor in DIVISORS {
            let b = 10 * u64::from(divisor);
            let mut sim = UartSim::new(divisor).unwrap();
            let mut driver = LineDriver::new(divisor).unwrap();
            let bytes: Vec<u8> = (0..=255u8).rev().collect();
            driver.extend(&bytes);
            let start = sim.cycle();
            let strobes = drive(&mut sim, &mut driver, 256 * b + 3);
            let want: Vec<Strobe> =
                bytes.iter().enumerate().map(|(k, &byte)| (start + (k as u64 + 1) * b, valid(byte))).collect();
            assert_eq!(strobes, want, "divisor {divisor}");
        }
    }

    #[test]
    fn a_low_stop_bit_is_a_frame_error_and_the_byte_is_dropped() {
        for divisor in DIVISORS {
            let b = 10 * u64::from(divisor);
            let mut sim = UartSim::new(divisor).unwrap();
            let mut driver = LineDriver::new(divisor).unwrap();
            drive(&mut sim, &mut driver, 3);
            driver.push_with_stop(0xA5, false);
            let start = sim.cycle();
            let strobes = drive(&mut sim, &mut driver, b + 1);
            let [(cycle, o)] = strobes[..] else { panic!("divisor {divisor}: one strobe expected, got {strobes:?}") };
            assert_eq!(cycle, start + b, "divisor {divisor}");
            assert!(o.rx_frame_error && !o.rx_valid && !o.rx_overrun_error, "divisor {divisor}: {o:?}");
            // The line is high again: the next byte is received normally.
            driver.push(0x5A);
            let start = sim.cycle();
            assert_eq!(drive(&mut sim, &mut driver, b + 1), [(start + b, valid(0x5A))], "divisor {divisor}");
        }
    }

    #[test]
    fn a_break_gives_one_frame_error_then_the_receiver_waits_for_the_line_to_go_high() {
        let divisor = 5;
        let b = 10 * u64::from(divisor);
        let mut sim = UartSim::new(divisor).unwrap();
        let mut idle = LineDriver::new(divisor).unwrap();
        drive(&mut sim, &mut idle, 2);
        let start = sim.cycle();
        sim.set_rx(false);
        let mut strobes = Vec::new();
        for _ in 0..5 * b {
            let o = sim.outputs();
            if o.rx_valid || o.rx_frame_error || o.rx_overrun_error {
                strobes.push(sim.cycle());
                assert!(o.rx_frame_error && !o.rx_valid, "{o:?}");
            }
            sim.step();
        }
        assert_eq!(strobes, [start + b]);
        let mut driver = LineDriver::new(divisor).unwrap();
        drive(&mut sim, &mut driver, 1);
        driver.push(0x81);
        let start = sim.cycle();
        assert_eq!(drive(&mut sim, &mut driver, b + 1), [(start + b, valid(0x81))]);
    }

    #[test]
    fn a_start_pulse_shorter_than_half_a_bit_is_ignored() {
        let divisor = 16u16;
        let half = (u64::from(divisor) - 1) / 2; // the sampling point, H
        let b = 10 * u64::from(divisor);
        let mut sim = UartSim::new(divisor).unwrap();
        sim.set_rx(false);
        sim.step_n(half); // low in cycles 0..H-1: high again at the sampling point
        sim.set_rx(true);
        let mut idle = LineDriver::new(divisor).unwrap();
        assert_eq!(drive(&mut sim, &mut idle, 2 * b), []);
        idle.push(0x3C);
        let start = sim.cycle();
        assert_eq!(drive(&mut sim, &mut idle, b + 1), [(start + b, valid(0x3C))]);
    }

    #[test]
    fn overrun_when_a_byte_completes_while_the_previous_one_is_held() {
        for divisor in DIVISORS {
            let b = 10 * u64::from(divisor);
            let mut sim = UartSim::new(divisor).unwrap();
            let mut driver = LineDriver::new(divisor).unwrap();
            sim.set_rx_ready(false);
            driver.extend(&[0x11, 0x22]);
            let start = sim.cycle();
            let strobes = drive(&mut sim, &mut driver, 2 * b + 1);
            // 0x11 is held from start + B on; 0x22 completes at start + 2B and replaces it.
            assert_eq!(strobes.len() as u64, b + 1, "divisor {divisor}");
            for &(cycle, o) in &strobes {
                let second = cycle == start + 2 * b;
                assert!(cycle >= start + b && o.rx_valid && !o.rx_frame_error, "divisor {divisor}: {cycle} {o:?}");
                assert_eq!(o.rx_data, if second { 0x22 } else { 0x11 }, "divisor {divisor}, cycle {cycle}");
                assert_eq!(o.rx_overrun_error, second, "divisor {divisor}, cycle {cycle}");
            }
            // Taking it ends the hold: valid falls after the cycle with ready high.
            sim.set_rx_ready(true);
            assert!(sim.outputs().rx_valid);
            sim.step();
            assert!(!sim.outputs().rx_valid, "divisor {divisor}");
        }
    }

    #[test]
    fn no_overrun_when_the_held_byte_is_taken_by_the_cycle_before_the_next_one_shows() {
        let divisor = 4;
        let b = 10 * u64::from(divisor);
        let mut sim = UartSim::new(divisor).unwrap();
        let mut driver = LineDriver::new(divisor).unwrap();
        sim.set_rx_ready(false);
        driver.extend(&[0x11, 0x22]);
        let start = sim.cycle();
        drive(&mut sim, &mut driver, 2 * b - 1);
        // Taken at the end of cycle start + 2B - 1, the last one before 0x22 shows.
        sim.set_rx_ready(true);
        assert_eq!(drive(&mut sim, &mut driver, 3), [(start + 2 * b - 1, valid(0x11)), (start + 2 * b, valid(0x22))]);
    }

    #[test]
    fn a_divisor_below_4_acts_as_4_and_the_divisor_can_change_between_bytes() {
        let mut sim = UartSim::new(1).unwrap();
        let mut driver = LineDriver::new(4).unwrap();
        driver.push(0xC3);
        assert_eq!(drive(&mut sim, &mut driver, 41), [(40, valid(0xC3))]);
        sim.set_divisor(101); // NeuroCoreX: 100 MHz / 101
        let mut driver = LineDriver::new(101).unwrap();
        driver.push(0x3C);
        let start = sim.cycle();
        assert_eq!(drive(&mut sim, &mut driver, 1011), [(start + 1010, valid(0x3C))]);
    }

    /// Sends `bytes` through the transmitter at `divisor`, offering byte k after `gap(k)`
    /// idle cycles as soon as `tx_ready_o` allows, then runs `tail` more cycles, decoding
    /// the tx pin all along. Returns the cycles at whose end the bytes were taken, the
    /// decoder's events and the receiver's strobes (which see the bytes in loopback).
    fn transmit(
        sim: &mut UartSim,
        divisor: u16,
        bytes: &[u8],
        gap: impl Fn(usize) -> u64,
        tail: u64,
    ) -> (Vec<u64>, Vec<LineEvent>, Vec<Strobe>) {
        let mut decoder = LineDecoder::new(divisor).unwrap();
        let (mut taken, mut events, mut strobes) = (Vec::new(), Vec::new(), Vec::new());
        let mut next = 0;
        let mut wait = gap(0);
        let mut tail_left = tail;
        let mut offered = 0; // cycles a byte has been offered without ready
        loop {
            let o = sim.outputs();
            if let Some(e) = decoder.push(sim.cycle(), o.tx) {
                events.push(e);
            }
            if o.rx_valid || o.rx_frame_error || o.rx_overrun_error {
                strobes.push((sim.cycle(), o));
            }
            if next == bytes.len() {
                if tail_left == 0 {
                    break;
                }
                tail_left -= 1;
                sim.set_tx(None);
            } else if wait > 0 {
                wait -= 1;
                sim.set_tx(None);
            } else if o.tx_ready {
                offered = 0;
                // Offered in a cycle with ready high: taken at its end.
                sim.set_tx(Some(bytes[next]));
                taken.push(sim.cycle());
                next += 1;
                wait = if next < bytes.len() { gap(next) } else { 0 };
            } else {
                offered += 1;
                assert!(offered <= 10 * u64::from(divisor), "tx_ready_o low for {offered} cycles at {}", sim.cycle());
                sim.set_tx(Some(bytes[next]));
            }
            sim.step();
        }
        (taken, events, strobes)
    }

    fn character(byte: u8, start: u64) -> LineEvent {
        LineEvent::Character(Received { byte, start, stop_ok: true })
    }

    #[test]
    fn every_byte_is_transmitted_back_to_back_in_exactly_10_bit_times() {
        for divisor in DIVISORS {
            let b = 10 * u64::from(divisor);
            let mut sim = UartSim::new(divisor).unwrap();
            let bytes: Vec<u8> = (0..=255).collect();
            let (taken, events, strobes) = transmit(&mut sim, divisor, &bytes, |_| 0, b + 5);
            // Ready from reset: the first byte is taken at the end of cycle 0, the next ones
            // in the last cycle of each stop bit.
            let want_taken: Vec<u64> = (0..256).map(|k| k * b).collect();
            assert_eq!(taken, want_taken, "divisor {divisor}");
            let want: Vec<LineEvent> = bytes.iter().map(|&byte| character(byte, 1 + u64::from(byte) * b)).collect();
            assert_eq!(events, want, "divisor {divisor}");
            assert!(strobes.is_empty(), "loopback is off: the receiver sees its idle pin");
            assert!(sim.tx() && sim.outputs().tx_ready, "idle again");
        }
    }

    #[test]
    fn a_byte_offered_later_starts_in_the_cycle_after_it_is_taken() {
        for divisor in DIVISORS {
            let b = 10 * u64::from(divisor);
            let mut sim = UartSim::new(divisor).unwrap();
            let bytes = [0x00, 0xFF, 0x55, 0xAA, 0x01, 0x80];
            // Gaps: before the first byte, while busy (waits for ready), and after idle.
            let gaps = [3, 1, 7 * b, b, 10 * b + 1, 0];
            let (taken, events, _) = transmit(&mut sim, divisor, &bytes, |k| gaps[k], b + 5);
            assert_eq!(taken.len(), bytes.len());
            let want: Vec<LineEvent> = bytes.iter().zip(&taken).map(|(&byte, &t)| character(byte, t + 1)).collect();
            assert_eq!(events, want, "divisor {divisor}");
            for pair in taken.windows(2) {
                assert!(pair[1] - pair[0] >= b, "divisor {divisor}: taken at {taken:?}");
            }
            // The push_tx helper agrees: the start bit is on the pin from the next cycle.
            sim.step_n(b);
            let t = sim.push_tx(0x42).unwrap();
            assert_eq!(sim.cycle(), t + 1);
            assert!(!sim.tx(), "start bit");
        }
    }

    #[test]
    fn handshake_push_tx_waits_for_ready() {
        let divisor = 4;
        let b = 10 * u64::from(divisor);
        let mut sim = UartSim::new(divisor).unwrap();
        assert_eq!(sim.push_tx(1), Ok(0));
        assert_eq!(sim.push_tx(2), Ok(b)); // ready again in the last cycle of the stop bit
        assert_eq!(sim.push_tx(3), Ok(2 * b));
        assert_eq!(sim.character_cycles(), b);
    }

    /// A whole ncx/1 frame, bytes → transmitter pin → (loopback) → receiver pin → bytes →
    /// the frame decoder: the "full-pin" path. Byte k of the frame is received at
    /// c + (k+1)·B, c the first start bit's cycle (docs/protocol.md §10.1 rule 2).
    #[test]
    fn an_ncx1_frame_loops_back_through_the_pins_and_decodes() {
        let payload: Vec<u8> = (0..300u32).map(|i| (i * 37 + 11) as u8).chain([0xA5, 0x5A, 0xA5]).collect();
        let stream = encode(0x03, 0x42, &payload).unwrap();
        for divisor in [4u16, 101] {
            let b = 10 * u64::from(divisor);
            let mut sim = UartSim::new(divisor).unwrap();
            sim.set_loopback(true);
            let (taken, events, strobes) = transmit(&mut sim, divisor, &stream, |_| 0, b + 5);
            // Byte k is received (valid high, ready high: one cycle) at c + (k+1)·B.
            let c = taken[0] + 1;
            assert_eq!(strobes.len(), stream.len(), "divisor {divisor}");
            for (k, ((cycle, o), &byte)) in strobes.iter().zip(&stream).enumerate() {
                assert_eq!(*cycle, c + (k as u64 + 1) * b, "divisor {divisor}, byte {k}");
                assert!(o.rx_valid && !o.rx_frame_error && !o.rx_overrun_error, "divisor {divisor}, byte {k}");
                assert_eq!(o.rx_data, byte, "divisor {divisor}, byte {k}");
            }
            // The pin itself, decoded: back to back from c, 10·D cycles per byte.
            let want: Vec<LineEvent> =
                stream.iter().enumerate().map(|(k, &byte)| character(byte, c + k as u64 * b)).collect();
            assert!(events == want, "divisor {divisor}: the tx pin does not decode to the frame back to back");

            let mut decoder = Decoder::new();
            let mut frames = Vec::new();
            decoder.feed(&strobes.iter().map(|(_, o)| o.rx_data).collect::<Vec<u8>>(), |d| frames.push(d));
            assert_eq!(frames, [Decoded::Frame(Frame { opcode: 0x03, seq: 0x42, payload: payload.clone() })]);
            assert_eq!(decoder.stats().bytes_discarded, 0);
        }
    }

    /// The same frame driven onto the rx pin by the Rust line driver, as a host would.
    #[test]
    fn an_ncx1_frame_from_the_line_driver_decodes() {
        let divisor = 5;
        let b = 10 * u64::from(divisor);
        let stream = encode(0x01, 0x07, &[]).unwrap();
        assert_eq!(stream, [0xA5, 0x5A, 0x01, 0x07, 0x00, 0x00, 0x00, 0x14, 0xE6, 0x95, 0x66]); // protocol §2
        let mut sim = UartSim::new(divisor).unwrap();
        let mut driver = LineDriver::new(divisor).unwrap();
        driver.extend(&stream);
        let strobes = drive(&mut sim, &mut driver, stream.len() as u64 * b + 1);
        let cycles: Vec<u64> = strobes.iter().map(|s| s.0).collect();
        assert_eq!(cycles, (1..=stream.len() as u64).map(|k| k * b).collect::<Vec<_>>());
        let mut decoder = Decoder::new();
        let mut frames = Vec::new();
        decoder.feed(&strobes.iter().map(|(_, o)| o.rx_data).collect::<Vec<u8>>(), |d| frames.push(d));
        assert_eq!(frames, [Decoded::Frame(Frame { opcode: 0x01, seq: 0x07, payload: Vec::new() })]);
    }

    /// Measurement, not a check: `cargo test -p ncx-hdl --release --test rtl -- --ignored --nocapture cosim_speed`.
    #[test]
    #[ignore = "measurement: prints the co-simulation speed"]
    fn cosim_speed() {
        use std::time::Instant;
        let mut sim = UartSim::new(16).unwrap();
        sim.set_loopback(true);
        let n = 20_000_000;
        let t = Instant::now();
        sim.step_n(n);
        let dt = t.elapsed().as_secs_f64();
        println!("step_n (loop in C++): {:.1} M cycles/s", n as f64 / dt / 1e6);
        let bytes: Vec<u8> = (0..=255).cycle().take(20_000).collect();
        let t = Instant::now();
        let c0 = sim.cycle();
        let (_, events, strobes) = transmit(&mut sim, 16, &bytes, |_| 0, 200);
        let dt = t.elapsed().as_secs_f64();
        let cycles = sim.cycle() - c0;
        assert_eq!((events.len(), strobes.len()), (bytes.len(), bytes.len()));
        println!(
            "per-cycle loop from Rust (offer tx, read outputs, decode pin, step): {:.1} M cycles/s ({cycles} cycles)",
            cycles as f64 / dt / 1e6
        );
        let mut driver = LineDriver::new(16).unwrap();
        sim.set_loopback(false);
        driver.extend(&bytes);
        let t = Instant::now();
        let cycles = bytes.len() as u64 * 160 + 1;
        let strobes = drive(&mut sim, &mut driver, cycles);
        let dt = t.elapsed().as_secs_f64();
        assert_eq!(strobes.len(), bytes.len());
        println!("per-cycle rx drive from Rust (line driver → rx pin): {:.1} M cycles/s", cycles as f64 / dt / 1e6);
    }
}
