//! The step-by-step check of a device behind `ncx doctor`: open the link and handshake,
//! the protocol version and geometry, the field widths, which bitstream the device runs
//! (its build id, looked up among the build reports of `ncx hw build`), read-path
//! integrity (for every region, READ its first bytes and compare their CRC-32 with the
//! device's CRC of the same range: nothing is written, so the device's memories are
//! untouched), [`PINGS`] STATUS round-trip times and the byte rate they imply, and the
//! device's and the host's counters. The checks run in this order and the first that
//! fails ends them: a [`DoctorReport`] holds the checks that passed, then the failure.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ncx_model::Geometry;
use ncx_model::device::{DeviceInfo, DeviceStatus, MAX_READ, Request};
use ncx_model::wire::layout::Region;
use ncx_model::wire::{HEADER_LEN, TRAILER_LEN, frame_crc};

use super::{Driver, DriverError, DriverStats};
use crate::hw::flow::hex;
use crate::hw::report::{BuildReport, find_by_build_id};
use crate::link::Link;

/// STATUS commands timed.
pub const PINGS: usize = 20;

/// What [`doctor`] found: the checks that passed, in order, and the one that failed.
#[derive(Debug)]
pub struct DoctorReport {
    /// The checks that passed, in the order they ran.
    pub checks: Vec<Check>,
    /// The check that failed, which ended the checks; `None` when all passed.
    pub failure: Option<DoctorError>,
}

/// One check that passed, with what it found.
#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    /// The link opened and the device answered HELLO.
    Handshake {
        /// The link's name.
        link: String,
        /// Time to open the link and handshake.
        time: Duration,
    },
    /// What HELLO said: protocol version, geometry, baud rate.
    Protocol(DeviceInfo),
    /// The device's field widths are this host's.
    Widths,
    /// The bitstream the device runs, by the build id HELLO reports.
    Build {
        /// The build id, 16 hex digits.
        id: String,
        /// Where it comes from.
        bitstream: Bitstream,
    },
    /// READ and CRC agree on the first bytes of every region.
    ReadPath {
        /// Regions checked.
        regions: usize,
    },
    /// STATUS round-trip times.
    RoundTrip(RoundTrips),
    /// The device's state and counters, before the read-path check and at the end.
    Device {
        /// STATUS before the read path was checked.
        before: DeviceStatus,
        /// STATUS after the round trips.
        after: DeviceStatus,
    },
    /// The host's counters of the session.
    Host(DriverStats),
}

/// Where the bitstream a device runs comes from, by its build id.
#[derive(Debug, Clone, PartialEq)]
pub enum Bitstream {
    /// `ncx hw build` built it: the first of its build reports (by path).
    Built {
        /// The report's path.
        path: PathBuf,
        /// The report.
        report: Box<BuildReport>,
    },
    /// No report has the id and it is all zeros: a model or a simulation.
    Simulated,
    /// No report has the id: a bitstream built elsewhere, or from other RTL.
    Unknown,
}

/// STATUS round-trip times, and the rates they imply.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundTrips {
    /// The times, shortest first ([`PINGS`] of them).
    pub times: Vec<Duration>,
    /// Bytes on the wire per round trip: the STATUS frame and its reply's.
    pub bytes: usize,
    /// The device's baud rate.
    pub baud: f64,
}

impl RoundTrips {
    /// The shortest time.
    pub fn min(&self) -> Duration {
        self.times.first().copied().unwrap_or_default()
    }

    /// The median time (the upper one of an even count).
    pub fn median(&self) -> Duration {
        self.times.get(self.times.len() / 2).copied().unwrap_or_default()
    }

    /// The longest time.
    pub fn max(&self) -> Duration {
        self.times.last().copied().unwrap_or_default()
    }

    /// Bytes per second over a round trip at the median time; `None` when that is zero.
    pub fn effective_rate(&self) -> Option<f64> {
        let median = self.median().as_secs_f64();
        (median > 0.0).then(|| self.bytes as f64 / median)
    }

    /// Bytes per second the baud rate allows (8N1: ten bits a byte).
    pub fn line_rate(&self) -> f64 {
        self.baud / 10.0
    }
}

/// Why a check failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DoctorError {
    /// The device's field widths are not this host's.
    #[error("the device's field widths differ from this host's")]
    Widths,
    /// A STATUS command failed.
    #[error("STATUS failed")]
    Status(#[source] DriverError),
    /// The READ of a region failed.
    #[error("cannot READ region {region}")]
    Read {
        /// The region.
        region: Region,
        /// Why.
        #[source]
        source: DriverError,
    },
    /// The CRC of a region failed.
    #[error("cannot CRC region {region}")]
    Crc {
        /// The region.
        region: Region,
        /// Why.
        #[source]
        source: DriverError,
    },
    /// The bytes read and the device's CRC of them disagree: bytes are corrupted on the way.
    #[error(
        "region {} ({region}): the {len} bytes read have CRC-32 {host:#010x} but the device computes {device:#010x}",
        *.region as u8
    )]
    Corrupt {
        /// The region.
        region: Region,
        /// Bytes read from its start.
        len: usize,
        /// The CRC-32 of the bytes read.
        host: u32,
        /// The device's CRC of the same range.
        device: u32,
    },
}

/// Open a session with `open` (timed with the handshake) and check the device (module
/// docs), looking its build id up in the build reports under `build_reports`. Only
/// `open` failing is an error; a failed check is the report's `failure`.
pub fn doctor<L: Link, E>(
    open: impl FnOnce() -> Result<Driver<L>, E>,
    build_reports: &Path,
) -> Result<DoctorReport, E> {
    let started = Instant::now();
    let mut driver = open()?;
    let mut checks = vec![Check::Handshake { link: driver.link_name(), time: started.elapsed() }];
    let failure = check(&mut driver, build_reports, &mut checks).err();
    Ok(DoctorReport { checks, failure })
}

/// The checks after the handshake, each pushed to `checks` when it passes.
fn check<L: Link>(driver: &mut Driver<L>, build_reports: &Path, checks: &mut Vec<Check>) -> Result<(), DoctorError> {
    let info = *driver.info();
    checks.push(Check::Protocol(info));
    if !info.widths_match() {
        return Err(DoctorError::Widths);
    }
    checks.push(Check::Widths);
    checks.push(Check::Build { id: hex(&info.build_id), bitstream: bitstream(build_reports, &info.build_id) });
    let before = driver.status().map_err(DoctorError::Status)?;
    for region in Region::ALL {
        read_path(driver, info.geometry, region)?;
    }
    checks.push(Check::ReadPath { regions: Region::ALL.len() });
    let mut times = Vec::with_capacity(PINGS);
    for _ in 0..PINGS {
        let t = Instant::now();
        driver.status().map_err(DoctorError::Status)?;
        times.push(t.elapsed());
    }
    times.sort_unstable();
    let status = Request::Status;
    let bytes = HEADER_LEN + status.payload().len() + TRAILER_LEN + status.reply_len();
    checks.push(Check::RoundTrip(RoundTrips { times, bytes, baud: info.baud() }));
    let after = driver.status().map_err(DoctorError::Status)?;
    checks.push(Check::Device { before, after });
    checks.push(Check::Host(driver.stats()));
    Ok(())
}

/// The bitstream of build id `id`, by the build reports under `build_reports`.
fn bitstream(build_reports: &Path, id: &[u8; 8]) -> Bitstream {
    match find_by_build_id(build_reports, &hex(id)).into_iter().next() {
        Some((path, report)) => Bitstream::Built { path, report: Box::new(report) },
        None if *id == [0; 8] => Bitstream::Simulated,
        None => Bitstream::Unknown,
    }
}

/// READ the first bytes of `region` and compare their CRC-32 with the device's.
fn read_path<L: Link>(driver: &mut Driver<L>, geometry: Geometry, region: Region) -> Result<(), DoctorError> {
    let len = region.size(geometry).min(MAX_READ);
    // len ≤ MAX_READ = 1023 fits a u16.
    let bytes = driver.read(region, 0, len as u16).map_err(|source| DoctorError::Read { region, source })?;
    let device = driver.crc(region, 0, len as u32).map_err(|source| DoctorError::Crc { region, source })?;
    let host = frame_crc(&bytes);
    if host == device { Ok(()) } else { Err(DoctorError::Corrupt { region, len, host, device }) }
}

#[cfg(test)]
mod tests {
    use ncx_model::device::{Device, DeviceConfig, Opcode};
    use ncx_model::wire::Decoder;

    use super::*;
    use crate::link::{LinkError, ModelLink};

    /// What [`Tampered`] does to the model device's replies.
    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Fault {
        /// Nothing.
        None,
        /// HELLO reports another width for the first field.
        Widths,
        /// Every READ's first byte is inverted (and the frame's CRCs made right again).
        ReadData,
        /// The device hears the resynchronisation and HELLO, then nothing more.
        DeafAfterHello,
    }

    /// A link to a 16 x 16 model device with `fault`.
    #[derive(Debug)]
    struct Tampered {
        inner: ModelLink,
        fault: Fault,
        sends: usize,
        decoder: Decoder,
        out: Vec<u8>,
    }

    impl Link for Tampered {
        fn name(&self) -> String {
            "tampered".to_owned()
        }

        fn send(&mut self, bytes: &[u8]) -> Result<(), LinkError> {
            self.sends += 1;
            if self.fault == Fault::DeafAfterHello && self.sends > 2 {
                return Ok(());
            }
            self.inner.send(bytes)
        }

        fn receive(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, LinkError> {
            let mut raw = [0; 4096];
            let n = self.inner.receive(&mut raw, timeout)?;
            let (fault, out) = (self.fault, &mut self.out);
            self.decoder.feed(&raw[..n], |decoded| {
                let ncx_model::wire::Decoded::Frame(mut frame) = decoded else { panic!("the model sent a bad frame") };
                match fault {
                    Fault::Widths if frame.opcode == Opcode::Hello.reply() => frame.payload[7] ^= 1,
                    Fault::ReadData if frame.opcode == Opcode::Read.reply() => frame.payload[1] ^= 0xff,
                    _ => {}
                }
                out.extend(frame.encode().unwrap());
            });
            let k = buf.len().min(self.out.len());
            buf[..k].copy_from_slice(&self.out[..k]);
            self.out.drain(..k);
            Ok(k)
        }
    }

    fn doctor_on(fault: Fault) -> DoctorReport {
        let device = Device::new(Geometry::new(16, 16).unwrap(), DeviceConfig::default());
        let link =
            Tampered { inner: ModelLink::new(device), fault, sends: 0, decoder: Decoder::new(), out: Vec::new() };
        doctor(|| Driver::connect(link), Path::new("no/such/folder")).unwrap()
    }

    /// The kinds of the checks that passed, by name.
    fn passed(report: &DoctorReport) -> Vec<&'static str> {
        let name = |check: &Check| match check {
            Check::Handshake { .. } => "handshake",
            Check::Protocol(_) => "protocol",
            Check::Widths => "widths",
            Check::Build { .. } => "build",
            Check::ReadPath { .. } => "read path",
            Check::RoundTrip(_) => "round trip",
            Check::Device { .. } => "device",
            Check::Host(_) => "host",
        };
        report.checks.iter().map(name).collect()
    }

    #[test]
    fn a_healthy_model_passes_every_check() {
        let report = doctor_on(Fault::None);
        assert!(report.failure.is_none(), "{:?}", report.failure);
        let all = ["handshake", "protocol", "widths", "build", "read path", "round trip", "device", "host"];
        assert_eq!(passed(&report), all);
        let [Check::Handshake { link, .. }, _, _, Check::Build { id, bitstream }, Check::ReadPath { regions }, ..] =
            &report.checks[..]
        else {
            panic!("{:?}", report.checks)
        };
        assert_eq!(
            (link.as_str(), id.as_str(), bitstream, *regions),
            ("tampered", "0000000000000000", &Bitstream::Simulated, 8)
        );
        let Check::RoundTrip(trips) = &report.checks[5] else { panic!() };
        // An 11-byte STATUS frame and its 11 + 1 + 35-byte reply.
        assert_eq!((trips.times.len(), trips.bytes, trips.line_rate()), (PINGS, 58, 100_000.0));
        assert!(trips.min() <= trips.median() && trips.median() <= trips.max());
        let Check::Device { before, after } = &report.checks[6] else { panic!() };
        // HELLO and STATUS before; 8 READs, 8 CRCs and 20 STATUSes after it.
        assert_eq!((before.frames, after.frames), (2, 2 + 16 + PINGS as u32 + 1));
        let Check::Host(stats) = &report.checks[7] else { panic!() };
        assert_eq!((stats.commands, stats.retries), (1 + 1 + 16 + PINGS as u64 + 1, 0));
    }

    #[test]
    fn other_widths_end_the_checks_after_the_protocol() {
        let report = doctor_on(Fault::Widths);
        assert_eq!(passed(&report), ["handshake", "protocol"]);
        assert!(matches!(report.failure, Some(DoctorError::Widths)), "{:?}", report.failure);
    }

    #[test]
    fn corrupted_reads_fail_the_read_path_at_the_first_region() {
        let report = doctor_on(Fault::ReadData);
        assert_eq!(passed(&report), ["handshake", "protocol", "widths", "build"]);
        let Some(DoctorError::Corrupt { region, len, host, device }) = report.failure else {
            panic!("{:?}", report.failure)
        };
        assert_eq!((region, len), (Region::Config, 18));
        assert_ne!(host, device);
        let failure = report.failure.unwrap().to_string();
        assert!(failure.starts_with("region 0 (CONFIG): the 18 bytes read have CRC-32 0x"), "{failure}");
    }

    #[test]
    fn a_device_that_stops_answering_fails_status() {
        let report = doctor_on(Fault::DeafAfterHello);
        assert_eq!(passed(&report), ["handshake", "protocol", "widths", "build"]);
        let Some(DoctorError::Status(DriverError::Timeout { command, .. })) = &report.failure else {
            panic!("{:?}", report.failure)
        };
        assert_eq!(*command, Opcode::Status);
    }
}
