//! `ncx doctor --target T`: check a device step by step — open the link, handshake,
//! protocol version and widths, which bitstream it runs (its build id, looked up among the
//! build reports of `ncx hw build` under `build/hw/`), read-path integrity (for every
//! region, READ its first bytes and compare their CRC-32 with the device's CRC of the same
//! range: nothing is written, so the device's memories are untouched), STATUS round-trip
//! times and the effective byte rate they imply, and the device's receiver counters. Fails
//! (exit status 2) at the first check that fails.

use std::io::{self, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Args;
use ncx::driver::upload::crc32;
use ncx::hw::flow::hex;
use ncx::hw::report::find_by_build_id;
use ncx_model::device::MAX_READ;
use ncx_model::wire::layout::Region;

use super::device::{DeviceArgs, connect};

/// STATUS commands timed.
const PINGS: usize = 20;
/// Bytes on the wire per STATUS round trip: the command frame (11) and the reply frame
/// (11 + status byte + 35 bytes of data).
const STATUS_ROUND_TRIP_BYTES: f64 = 11.0 + 11.0 + 1.0 + 35.0;
/// Where `ncx hw build` writes its reports, relative to the current folder.
const BUILD_REPORTS: &str = "build/hw";

/// Options of `ncx doctor`.
#[derive(Debug, Clone, Args)]
pub(crate) struct DoctorArgs {
    #[command(flatten)]
    pub(crate) device: DeviceArgs,
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

pub(crate) fn run(args: &DoctorArgs) -> anyhow::Result<()> {
    let target = args.device.target();
    let mut out = io::BufWriter::new(io::stdout().lock());
    let started = Instant::now();
    let mut driver = connect(&target, args.device.retries, None)?;
    let info = *driver.info();
    writeln!(out, "ok  open and handshake on {} ({})", driver.link_name(), ms(started.elapsed()))?;
    writeln!(
        out,
        "ok  protocol ncx/{}.{}, {} neurons x {} inputs, {:.0} baud",
        info.version_major,
        info.version_minor,
        info.geometry.neurons(),
        info.geometry.inputs(),
        info.baud()
    )?;
    if !info.widths_match() {
        bail!(
            "the device's field widths differ from this host's\nhelp: `ncx info --target {}` lists them; use a \
             bitstream and an ncx built from the same spec",
            target
        );
    }
    writeln!(out, "ok  field widths match this host")?;
    let build_id = hex(&info.build_id);
    let builds = find_by_build_id(Path::new(BUILD_REPORTS), &build_id);
    match builds.first() {
        Some((path, r)) => writeln!(
            out,
            "ok  build id {build_id}: {} ({}, {} x {} {}, built by `ncx hw build`)",
            path.display(),
            r.board,
            r.neurons,
            r.inputs,
            r.design
        )?,
        None if info.build_id == [0; 8] => {
            writeln!(out, "    build id {build_id}: a model or a simulation (no bitstream)")?
        }
        None => writeln!(
            out,
            "    build id {build_id}: no build report under {BUILD_REPORTS}/ has it (a bitstream built elsewhere, \
             or from other RTL than this tree's)"
        )?,
    }
    let before = driver.status().context("STATUS failed")?;
    for region in Region::ALL {
        let len = region.size(info.geometry).min(MAX_READ);
        let bytes = driver.read(region, 0, len as u16).with_context(|| format!("cannot READ region {region}"))?;
        let device = driver.crc(region, 0, len as u32).with_context(|| format!("cannot CRC region {region}"))?;
        let host = crc32(&bytes);
        if host != device {
            bail!(
                "region {} ({region}): the {len} bytes read have CRC-32 {host:#010x} but the device computes \
                 {device:#010x}\nhelp: bytes are corrupted on the way; check the cable and the baud rate",
                region as u8
            );
        }
    }
    writeln!(out, "ok  read path: READ and CRC agree on the first bytes of all {} regions", Region::ALL.len())?;
    let mut times = Vec::with_capacity(PINGS);
    for _ in 0..PINGS {
        let t = Instant::now();
        driver.status().context("STATUS failed")?;
        times.push(t.elapsed());
    }
    times.sort_unstable();
    writeln!(
        out,
        "ok  STATUS round trip over {PINGS}: min {}, median {}, max {}",
        ms(times[0]),
        ms(times[PINGS / 2]),
        ms(times[PINGS - 1])
    )?;
    let median = times[PINGS / 2].as_secs_f64();
    if median > 0.0 {
        writeln!(
            out,
            "    link: {:.0} bytes/s effective over a STATUS round trip ({STATUS_ROUND_TRIP_BYTES} bytes); the \
             baud rate allows {:.0}{}",
            STATUS_ROUND_TRIP_BYTES / median,
            info.baud() / 10.0,
            if STATUS_ROUND_TRIP_BYTES / median > info.baud() / 10.0 {
                " (faster: the link has no real line)"
            } else {
                ""
            }
        )?;
    }
    let after = driver.status().context("STATUS failed")?;
    let state = if after.running { "running" } else { "idle" };
    writeln!(out, "    device: {state}, next timestep {}, {} overruns", after.timestep, after.overruns)?;
    writeln!(
        out,
        "    device receiver: {} frames, {} header errors, {} CRC errors, {} bytes discarded ({} frames, {} \
         CRC errors during this check); {} output frames sent",
        after.frames,
        after.header_errors,
        after.crc_errors,
        after.bytes_discarded,
        after.frames.wrapping_sub(before.frames),
        after.crc_errors.wrapping_sub(before.crc_errors),
        after.outputs_sent
    )?;
    let stats = driver.stats();
    writeln!(
        out,
        "    host: {} commands, {} retries, {} bad frames received, {} stale replies",
        stats.commands, stats.retries, stats.bad_frames, stats.stale_replies
    )?;
    out.flush()?;
    Ok(())
}
