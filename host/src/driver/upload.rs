//! Uploading an image (docs/protocol.md §11): refuse an image built for another core,
//! write regions 0–5 in WRITE chunks of whole records (at most 1019 bytes), then verify
//! with one CRC per region against the CRC-32 of the image's bytes, or, with
//! [`Verify::Full`], by reading every region back and comparing byte by byte. Before
//! writing, a run in progress is stopped (STATUS, STOP) and the state is reset (RESET
//! scope 0), so the device afterwards is a fresh core of the image.
//!
//! **Chunk size.** Chunks start at the largest size (`request::write_chunk_len`). On a
//! link that loses many frames a large chunk may never get through: a chunk larger
//! than one record is tried twice only, and if both tries fail the chunk is halved
//! (whole records) and the upload goes on; a successful chunk doubles the size again,
//! up to the largest. Only a one-record chunk gets all [`super::DriverOptions::retries`],
//! so a dead link still fails with the command's timeout error. Reads adapt the same way.

use std::time::{Duration, Instant};

use ncx_model::device::request::write_chunk_len;
use ncx_model::device::{MAX_READ, ResetScope};
use ncx_model::spec::FIELDS;
use ncx_model::wire::frame_crc;
use ncx_model::wire::layout::{self, Region};

use super::error::geometry_text;
use super::{Channel, Driver, DriverError};
use crate::image::Image;
use crate::link::Link;
use crate::progress::Progress;

/// The regions an image fills, in upload order.
pub const IMAGE_REGIONS: [Region; 6] =
    [Region::Config, Region::WeightsIn, Region::WeightsRec, Region::EnableIn, Region::EnableRec, Region::Neurons];

/// How an upload is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Verify {
    /// One CRC command per region, compared with the CRC-32 of the image's bytes.
    #[default]
    Crc,
    /// Every region read back and compared byte by byte.
    Full,
}

/// What an upload did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UploadReport {
    /// Region bytes written (the image's payloads).
    pub bytes: u64,
    /// WRITE commands acknowledged.
    pub writes: u64,
    /// Frames sent, retries included (writes and verification).
    pub frames_sent: u64,
    /// Bytes sent on the link, frames and resynchronisation zeros.
    pub bytes_sent: u64,
    /// Bytes received on the link.
    pub bytes_received: u64,
    /// Retries.
    pub retries: u64,
    /// Time spent writing.
    pub write_time: Duration,
    /// Time spent verifying.
    pub verify_time: Duration,
}

/// The bytes of `region` (0–5) for `image`: its `.ncx` section payload.
pub fn region_bytes(image: &Image, region: Region) -> Vec<u8> {
    match region {
        Region::Config => layout::encode_config(&image.config).to_vec(),
        Region::WeightsIn => layout::encode_weights(&image.w_in),
        Region::WeightsRec => layout::encode_weights(&image.w_rec),
        Region::EnableIn => layout::encode_bits(&image.plastic_in),
        Region::EnableRec => layout::encode_bits(&image.plastic_rec),
        Region::Neurons => layout::encode_neurons(&image.neurons),
        Region::State | Region::Traces => Vec::new(),
    }
}

/// Refuse an image whose geometry or field widths differ from the device's.
pub fn check_fits(image: &Image, info: &ncx_model::device::DeviceInfo) -> Result<(), DriverError> {
    if image.geometry != info.geometry {
        return Err(DriverError::Mismatch {
            what: "the geometry".to_owned(),
            image: geometry_text(image.geometry),
            device: geometry_text(info.geometry),
        });
    }
    let width = |bits: u8, signed: bool| format!("{bits} bits {}", if signed { "signed" } else { "unsigned" });
    for (field, [bits, signed]) in FIELDS.iter().zip(info.widths) {
        if u32::from(bits) != field.bits || (signed != 0) != field.signed {
            return Err(DriverError::Mismatch {
                what: format!("the width of {}", field.name),
                image: width(field.bits as u8, field.signed),
                device: width(bits, signed != 0),
            });
        }
    }
    Ok(())
}

/// Upload `image` to the device and verify it; `progress` counts region bytes
/// written (and, with [`Verify::Full`], read back).
pub fn upload<L: Link>(
    driver: &mut Driver<L>,
    image: &Image,
    verify: Verify,
    progress: &mut dyn Progress,
) -> Result<UploadReport, DriverError> {
    check_fits(image, driver.info())?;
    let regions: Vec<(Region, Vec<u8>)> = IMAGE_REGIONS.iter().map(|&r| (r, region_bytes(image, r))).collect();
    let total: u64 = regions.iter().map(|(_, b)| b.len() as u64).sum();
    let before = driver.channel.stats();
    progress.init(if verify == Verify::Full { 2 * total } else { total });
    let result = upload_regions(&mut driver.channel, &regions, verify, progress);
    progress.finish();
    let (write_time, verify_time, writes) = result?;
    let after = driver.channel.stats();
    Ok(UploadReport {
        bytes: total,
        writes,
        frames_sent: after.frames_sent - before.frames_sent,
        bytes_sent: after.bytes_sent - before.bytes_sent,
        bytes_received: after.bytes_received - before.bytes_received,
        retries: after.retries - before.retries,
        write_time,
        verify_time,
    })
}

fn upload_regions<L: Link>(
    channel: &mut Channel<L>,
    regions: &[(Region, Vec<u8>)],
    verify: Verify,
    progress: &mut dyn Progress,
) -> Result<(Duration, Duration, u64), DriverError> {
    let started = Instant::now();
    // Memories cannot change while running (BUSY): end a run left over first.
    if channel.status()?.running {
        channel.stop()?;
    }
    // The state is the image's too: a fresh core after an upload.
    channel.reset(ResetScope::State)?;
    let (mut done, mut writes) = (0, 0);
    for (region, bytes) in regions {
        writes += write_region(channel, *region, bytes, &mut |n| {
            done += n;
            progress.update(done);
        })?;
    }
    let write_time = started.elapsed();
    let started = Instant::now();
    match verify {
        Verify::Crc => {
            for (region, bytes) in regions {
                verify_crc(channel, *region, bytes)?;
            }
        }
        Verify::Full => {
            for (region, bytes) in regions {
                let got = read_region(channel, *region, bytes.len(), &mut |n| {
                    done += n;
                    progress.update(done);
                })?;
                compare(*region, bytes, &got)?;
            }
        }
    }
    Ok((write_time, started.elapsed(), writes))
}

/// Write `bytes` (the whole region) in adaptive chunks (module docs); returns the
/// number of WRITEs; `written` is told the bytes of each.
pub(crate) fn write_region<L: Link>(
    channel: &mut Channel<L>,
    region: Region,
    bytes: &[u8],
    written: &mut dyn FnMut(u64),
) -> Result<u64, DriverError> {
    let (record, largest) = (region.record_len(), write_chunk_len(region));
    let mut size = largest;
    let (mut at, mut writes) = (0, 0);
    while at < bytes.len() {
        let len = size.min(bytes.len() - at);
        let retries = if len > record { 1 } else { channel.options().retries };
        match channel.write_tries(region, at as u32, &bytes[at..at + len], retries) {
            Ok(()) => {
                at += len;
                writes += 1;
                written(len as u64);
                size = (size * 2).min(largest);
            }
            Err(DriverError::Timeout { .. }) if len > record => size = (len / 2).div_ceil(record) * record,
            Err(e) => return Err(e),
        }
    }
    Ok(writes)
}

/// Read `len` bytes (the whole region) in adaptive chunks (module docs); `read` is
/// told the bytes of each chunk.
pub(crate) fn read_region<L: Link>(
    channel: &mut Channel<L>,
    region: Region,
    len: usize,
    read: &mut dyn FnMut(u64),
) -> Result<Vec<u8>, DriverError> {
    let mut out = Vec::with_capacity(len);
    let mut size = MAX_READ;
    while out.len() < len {
        let n = size.min(len - out.len());
        let retries = if n > 1 { 1 } else { channel.options().retries };
        // n ≤ MAX_READ = 1023 fits a u16.
        match channel.read_tries(region, out.len() as u32, n as u16, retries) {
            Ok(bytes) => {
                out.extend_from_slice(&bytes);
                read(n as u64);
                size = (size * 2).min(MAX_READ);
            }
            Err(DriverError::Timeout { .. }) if n > 1 => size = n / 2,
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// One CRC command over the whole region, compared with the CRC-32 of `bytes` (the
/// CRC command's CRC-32/ISO-HDLC is the frame trailer's, `wire::frame_crc`).
pub(crate) fn verify_crc<L: Link>(channel: &mut Channel<L>, region: Region, bytes: &[u8]) -> Result<(), DriverError> {
    let expected = frame_crc(bytes);
    let got = channel.crc(region, 0, bytes.len() as u32)?;
    if got == expected { Ok(()) } else { Err(DriverError::Crc { region, expected, got }) }
}

/// The first byte where `got` differs from `expected`, as an error.
pub fn compare(region: Region, expected: &[u8], got: &[u8]) -> Result<(), DriverError> {
    match expected.iter().zip(got).position(|(a, b)| a != b) {
        Some(offset) => Err(DriverError::Differs { region, offset, expected: expected[offset], got: got[offset] }),
        None if expected.len() != got.len() => Err(DriverError::BadReply {
            command: ncx_model::device::Opcode::Read,
            problem: format!("region {region} read back as {} bytes, expected {}", got.len(), expected.len()),
        }),
        None => Ok(()),
    }
}
