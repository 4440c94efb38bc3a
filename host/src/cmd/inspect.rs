//! `ncx inspect`: what a device image holds — identity, geometry, widths,
//! configuration, placement, weight statistics per projection, neuron parameter
//! ranges — as text, or as JSON with `--json` (keys: docs/image-format.md §8). A
//! `.toml` network description is compiled in memory first.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use ncx::compile::{self, CompileOptions};
use ncx::image::Image;
use ncx::image::codec;
use ncx::image::summary::{MatrixSummary, Range, Summary};

/// Options of `ncx inspect`.
#[derive(Debug, Clone, Args)]
pub(crate) struct InspectArgs {
    /// The image to inspect (`.ncx`), or a network description (`.toml`) to compile first.
    #[arg(value_name = "FILE")]
    pub(crate) file: PathBuf,

    /// Print the summary as JSON instead of text.
    #[arg(long)]
    pub(crate) json: bool,
}

pub(crate) fn run(args: &InspectArgs) -> anyhow::Result<()> {
    let path = &args.file;
    let (image, bytes) = load(path).with_context(|| format!("cannot inspect {}", path.display()))?;
    let summary = Summary::new(&image, &bytes);
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.json {
        serde_json::to_writer_pretty(&mut out, &summary)?;
        writeln!(out)?;
    } else {
        render(&mut out, &summary)?;
    }
    out.flush()?;
    Ok(())
}

/// The image and its encoding: decoded from a `.ncx` file, or compiled from a `.toml`
/// network and encoded.
fn load(path: &Path) -> anyhow::Result<(Image, Vec<u8>)> {
    if path.extension().is_some_and(|ext| ext == "toml") {
        let compiled = compile::compile_file(path, &CompileOptions::default())?;
        codec::check(&compiled.image).context("the compiled image is invalid")?;
        let bytes = codec::encode(&compiled.image);
        return Ok((compiled.image, bytes));
    }
    if path.is_dir() {
        anyhow::bail!(
            "{} is a directory, not an image\nhelp: give a compiled image (.ncx) or a network description (.toml)",
            path.display()
        );
    }
    let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let image = codec::decode(&bytes)?;
    Ok((image, bytes))
}

/// The text form of the summary.
fn render(out: &mut impl Write, s: &Summary) -> io::Result<()> {
    writeln!(out, "image:     {} (format version {}, {} bytes)", s.name, s.format_version, s.size_bytes)?;
    writeln!(out, "sha256:    {}", s.content_hash)?;
    writeln!(out, "geometry:  {} neurons x {} inputs", s.geometry.neurons, s.geometry.inputs)?;
    let widths: Vec<String> =
        s.widths.iter().map(|w| format!("{} {}{}", w.field, if w.signed { 's' } else { 'u' }, w.bits)).collect();
    writeln!(out, "widths:    {}", widths.join(", "))?;

    let c = &s.config;
    writeln!(out, "config:")?;
    writeln!(out, "  weight shift: {} (a weight of 1 adds {} to the current)", c.weight_shift, 1u32 << c.weight_shift)?;
    let pacing = match (c.period_cycles, c.period_us) {
        (0, _) => "free-running (period 0: a timestep lasts its compute cycles)".to_owned(),
        (period, Some(us)) => format!("period {period} cycles = {us:.3} µs per timestep at {}", hz(c.clock_hz)),
        (period, None) => format!("period {period} cycles (no clock frequency stored)"),
    };
    writeln!(out, "  pacing:       {pacing}; metadata timestep {} µs", c.timestep_us)?;
    let p = &c.stdp;
    if p.enabled {
        writeln!(
            out,
            "  stdp:         on: A+ {}, A- {}, shift {}, weights {}..={}, mode {}",
            p.a_plus, p.a_minus, p.shift, p.w_min, p.w_max, p.trace_mode
        )?;
        writeln!(
            out,
            "                pre trace: decay {} ({}), increment {}; post trace: decay {} ({}), increment {}",
            p.pre_decay,
            factor(p.pre_decay),
            p.pre_increment,
            p.post_decay,
            factor(p.post_decay),
            p.post_increment
        )?;
    } else {
        writeln!(out, "  stdp:         off")?;
    }

    writeln!(out, "placement:")?;
    if s.populations.is_empty() && s.inputs.is_empty() {
        writeln!(out, "  (no populations or input groups)")?;
    }
    for (kind, unit, blocks) in [("population", "neurons", &s.populations), ("input", "inputs", &s.inputs)] {
        for b in blocks {
            let mut observed = Vec::new();
            if b.record {
                observed.push("record".to_owned());
            }
            if !b.probe.is_empty() {
                let probes: Vec<String> = b.probe.iter().map(u16::to_string).collect();
                observed.push(format!("probe {}", probes.join(" ")));
            }
            let range = format!("{}..{}", b.start, b.end);
            let line = format!("  {kind:<10} {:<16} {unit:<7} {range:<11} ({}) {}", b.name, b.len, observed.join(", "));
            writeln!(out, "{}", line.trim_end())?;
        }
    }
    if let Some(c) = &s.classifier {
        writeln!(out, "classifier:")?;
        writeln!(out, "  input {} -> output {}, {} timesteps per sample", c.input, c.output, c.timesteps)?;
        let e = &c.encoder;
        writeln!(out, "  encoder: {}, max_value {}, max_probability {}", e.kind, e.max_value, e.max_probability)?;
        let labels: Vec<String> = c.labels.iter().map(u16::to_string).collect();
        writeln!(out, "  vote {} over {} classes; labels {}", c.vote, c.classes, labels.join(" "))?;
    }
    for m in &s.matrices {
        render_matrix(out, m)?;
    }
    writeln!(out, "neurons:")?;
    for g in &s.neurons {
        writeln!(
            out,
            "  {:<16} ({}) threshold {}, reset {}, bias {}, v_decay {}, i_decay {}, refractory {}",
            g.population,
            g.neurons,
            range(g.threshold),
            range(g.reset),
            range(g.bias),
            range(g.v_decay),
            range(g.i_decay),
            range(g.refractory)
        )?;
    }
    Ok(())
}

fn render_matrix(out: &mut impl Write, m: &MatrixSummary) -> io::Result<()> {
    let stats = match &m.weights {
        Some(w) => format!("non-zero weights {}..={}, mean {:.2}", w.min, w.max, w.mean),
        None => "all weights 0".to_owned(),
    };
    writeln!(
        out,
        "{} ({} x {}): {} non-zero, {} plastic of {}; {stats}",
        m.name,
        m.posts,
        m.pres,
        m.nonzero,
        m.plastic,
        m.posts * m.pres
    )?;
    for p in &m.projections {
        let weights = match (p.min, p.max) {
            (Some(min), Some(max)) => format!("weights {min}..={max}"),
            _ => "weights all 0".to_owned(),
        };
        let pair = format!("{} -> {}", p.source, p.target);
        writeln!(out, "  {pair:<32} {:>7} non-zero, {:>7} plastic, {weights}", p.nonzero, p.plastic)?;
    }
    let used: Vec<_> = m.histogram.iter().filter(|b| b.count > 0).collect();
    let widest = used.iter().map(|b| b.count).max().unwrap_or(0);
    if let (Some(first), Some(last)) = (used.first(), used.last()) {
        writeln!(out, "  histogram of non-zero weights:")?;
        for bin in m.histogram.iter().filter(|b| b.lo >= first.lo && b.hi <= last.hi) {
            // Bars scale to 40 characters; a non-empty bin shows at least one.
            let bar = "#".repeat((bin.count * 40).div_ceil(widest));
            let bin_range = format!("{}..={}", bin.lo, bin.hi);
            let line = format!("    {bin_range:>12} {:>7} {bar}", bin.count);
            writeln!(out, "{}", line.trim_end())?;
        }
    }
    Ok(())
}

/// `a` if the range is one value, else `a..=b`.
fn range(r: Range) -> String {
    if r.min == r.max { r.min.to_string() } else { format!("{}..={}", r.min, r.max) }
}

/// The per-timestep multiplier of a decay δ: `(4096 − δ) / 4096`.
fn factor(decay: u16) -> String {
    format!("x{:.4} per timestep", f64::from(4096 - u32::from(decay).min(4096)) / 4096.0)
}

/// A frequency in the largest unit that keeps it whole.
fn hz(hz: u32) -> String {
    if hz.is_multiple_of(1_000_000) {
        format!("{} MHz", hz / 1_000_000)
    } else if hz.is_multiple_of(1_000) {
        format!("{} kHz", hz / 1_000)
    } else {
        format!("{hz} Hz")
    }
}
