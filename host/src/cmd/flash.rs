//! `ncx flash <image.ncx> --target T [--verify crc|full]`: upload an image to a device
//! and verify it (docs/protocol.md §11), with a progress bar (bytes, rate, time left);
//! prints what went over the link.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use ncx::driver::{Verify, upload};
use ncx::image::file;
use ncx::progress::Progress;

use super::device::{DeviceArgs, connect};

/// Options of `ncx flash`.
#[derive(Debug, Clone, Args)]
pub(crate) struct FlashArgs {
    /// The image to upload (.ncx).
    #[arg(value_name = "IMAGE")]
    pub(crate) image: PathBuf,

    #[command(flatten)]
    pub(crate) device: DeviceArgs,

    /// How to check the upload: one CRC per region, or every byte read back.
    #[arg(long, value_enum, default_value_t = VerifyArg::Crc)]
    pub(crate) verify: VerifyArg,

    /// Print nothing but errors.
    #[arg(long, short)]
    pub(crate) quiet: bool,
}

/// The values of `--verify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum VerifyArg {
    /// One CRC command per region, compared with the image's CRC-32.
    Crc,
    /// Read every region back and compare byte by byte.
    Full,
}

/// A byte-counting progress bar on stderr (only on a terminal, never with --quiet).
pub(crate) struct BytesBar {
    enabled: bool,
    bar: Option<ProgressBar>,
}

impl BytesBar {
    pub(crate) fn new(quiet: bool) -> BytesBar {
        BytesBar { enabled: !quiet && io::stderr().is_terminal(), bar: None }
    }
}

impl Progress for BytesBar {
    fn init(&mut self, total: u64) {
        if self.enabled {
            let style =
                ProgressStyle::with_template("{bar:30} {bytes}/{total_bytes} {binary_bytes_per_sec} ({eta} left)")
                    .unwrap_or_else(|_| ProgressStyle::default_bar());
            self.bar = Some(ProgressBar::new(total).with_style(style));
        }
    }

    fn update(&mut self, done: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(done);
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

pub(crate) fn run(args: &FlashArgs) -> anyhow::Result<()> {
    let target = args.device.target();
    let image = file::read_file(&args.image)?;
    let mut driver = connect(&target, args.device.options(), Some(image.geometry))?;
    let verify = match args.verify {
        VerifyArg::Crc => Verify::Crc,
        VerifyArg::Full => Verify::Full,
    };
    let started = Instant::now();
    let report = upload(&mut driver, &image, verify, &mut BytesBar::new(args.quiet))
        .with_context(|| format!("cannot flash {} to {}", args.image.display(), target))?;
    let elapsed = started.elapsed();
    if !args.quiet {
        let mut out = io::BufWriter::new(io::stdout().lock());
        let how = match verify {
            Verify::Crc => "CRC of every region",
            Verify::Full => "every byte read back",
        };
        writeln!(out, "flashed {} to {}", args.image.display(), driver.link_name())?;
        writeln!(out, "image bytes:     {} in {} WRITEs", report.bytes, report.writes)?;
        writeln!(
            out,
            "link:            {} bytes sent, {} received, {} frames, {} retries",
            report.bytes_sent, report.bytes_received, report.frames_sent, report.retries
        )?;
        let rate = report.bytes as f64 / elapsed.as_secs_f64().max(1e-9);
        writeln!(out, "time:            {:.3} s ({:.0} image bytes/s)", elapsed.as_secs_f64(), rate)?;
        writeln!(
            out,
            "verified:        {how} ({:.3} s writing, {:.3} s verifying)",
            report.write_time.as_secs_f64(),
            report.verify_time.as_secs_f64()
        )?;
        out.flush()?;
    }
    Ok(())
}
