//! Serial ports and pseudo-terminals (host/src/link/serial.rs, pty.rs): a pty passes
//! every byte value unchanged both ways, its path opens as a serial port, a timeout with
//! nothing to read is `Ok(0)`, and opening a port that is not there says what to do.
//! Waits for bytes are generous ([`PATIENCE`]) and end as soon as the bytes are in, so
//! that the tests pass on a loaded machine (docs/reliability.md §8).

use std::time::{Duration, Instant};

use ncx::link::{Link, LinkError, PtyPair, SerialLink};

/// How long bytes written to a pty may take to arrive before a test fails.
const PATIENCE: Duration = Duration::from_secs(30);

/// Receive exactly `n` bytes within [`PATIENCE`].
fn receive_exactly(link: &mut impl Link, n: usize) -> Vec<u8> {
    let deadline = Instant::now() + PATIENCE;
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while got.len() < n && Instant::now() < deadline {
        let k = link.receive(&mut buf, Duration::from_millis(100)).unwrap();
        got.extend_from_slice(&buf[..k]);
    }
    got
}

fn every_byte_value() -> Vec<u8> {
    // Twice over, so that e.g. CR LF, XON/XOFF, ^C, ^D and 0xFF also come in pairs.
    (0..=255u8).chain((0..=255u8).rev()).collect()
}

#[test]
fn a_pty_passes_all_256_byte_values_unchanged_both_ways() {
    let PtyPair { mut master, mut slave, path } = PtyPair::open().unwrap();
    assert!(path.starts_with("/dev/"), "{path}");
    assert_eq!(slave.name(), format!("pty:{path}"));
    let bytes = every_byte_value();
    master.send(&bytes).unwrap();
    assert_eq!(receive_exactly(&mut slave, bytes.len()), bytes);
    slave.send(&bytes).unwrap();
    assert_eq!(receive_exactly(&mut master, bytes.len()), bytes);
}

#[test]
fn a_pty_path_opens_as_a_serial_port() {
    let PtyPair { mut master, slave, path } = PtyPair::open().unwrap();
    let mut port = SerialLink::open(&path, 115_200).unwrap();
    assert_eq!(port.name(), format!("serial:{path}"));
    let bytes = every_byte_value();
    port.send(&bytes).unwrap();
    assert_eq!(receive_exactly(&mut master, bytes.len()), bytes);
    master.send(&bytes).unwrap();
    assert_eq!(receive_exactly(&mut port, bytes.len()), bytes);
    drop(slave);
}

/// Not before the timeout; after it, as soon as the thread runs again (the upper bound
/// only catches a receive that does not end: a loaded machine may take a while).
#[test]
fn a_receive_timeout_with_nothing_to_read_is_ok_0_after_the_timeout() {
    let PtyPair { mut master, slave: _slave, .. } = PtyPair::open().unwrap();
    let mut buf = [0u8; 16];
    let start = Instant::now();
    assert_eq!(master.receive(&mut buf, Duration::from_millis(50)).unwrap(), 0);
    let waited = start.elapsed();
    assert!(waited >= Duration::from_millis(45) && waited < Duration::from_secs(10), "{waited:?}");
}

#[test]
fn a_pty_moves_a_megabyte_and_reports_its_throughput() {
    let PtyPair { mut master, mut slave, .. } = PtyPair::open().unwrap();
    // 1 MiB of a pattern that is not periodic in 256.
    let bytes: Vec<u8> = (0..1u32 << 20).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let start = Instant::now();
    let writer = std::thread::spawn(move || {
        for chunk in bytes.chunks(4096) {
            master.send(chunk).unwrap();
        }
        // Keep the master open until the reader is done: a closed master hangs up the slave.
        (bytes, master)
    });
    let got = receive_exactly(&mut slave, 1 << 20);
    let elapsed = start.elapsed();
    let (bytes, _master) = writer.join().unwrap();
    assert!(got == bytes, "{} bytes arrived of {}", got.len(), bytes.len());
    eprintln!("pty throughput: {:.1} MB/s", (1u32 << 20) as f64 / elapsed.as_secs_f64() / 1e6);
}

#[test]
fn opening_a_missing_port_says_so_and_points_to_ncx_ports() {
    let e = SerialLink::open("/dev/ttyNCX_missing", 1_000_000).unwrap_err();
    let LinkError::Open { link, reason } = &e else { panic!("{e:?}") };
    assert_eq!(link, "serial:/dev/ttyNCX_missing");
    let (first, help) = reason.split_once('\n').unwrap();
    assert_eq!(first, "no such port");
    assert!(help.starts_with("help: "), "{help}");
    assert!(help.contains("run `ncx ports` to see them"), "{help}");
    assert!(help.contains("ncx emulate --pty"), "{help}");
    // Either the ports of this machine are listed, or it says there are none.
    assert!(help.contains("the ports here are /dev/") || help.contains("no serial ports were found"), "{help}");
    assert!(e.to_string().starts_with("cannot open serial:/dev/ttyNCX_missing: no such port\nhelp: "), "{e}");
}

#[test]
fn opening_something_that_is_not_a_port_is_an_error_with_help() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-port");
    std::fs::write(&file, b"x").unwrap();
    let e = SerialLink::open(file.to_str().unwrap(), 9600).unwrap_err();
    let LinkError::Open { reason, .. } = &e else { panic!("{e:?}") };
    assert!(reason.contains("\nhelp: "), "{reason}");
}

#[test]
fn opening_a_port_that_is_open_already_says_it_is_busy() {
    let PtyPair { master: _master, slave: _slave, path } = PtyPair::open().unwrap();
    let _first = SerialLink::open(&path, 9600).unwrap();
    let e = SerialLink::open(&path, 9600).unwrap_err();
    let LinkError::Open { reason, .. } = &e else { panic!("{e:?}") };
    let (first, help) = reason.split_once('\n').unwrap();
    assert!(first.starts_with("the port is busy ("), "{first}");
    assert_eq!(help, format!("help: close the other program using {path} (a terminal, another ncx) and try again"));
}
