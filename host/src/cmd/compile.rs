//! `ncx compile`: compile a network description (docs/network-format.md) into a
//! device image (`.ncx`), print where everything went and the quantisation report,
//! and print the warnings (errors with `--strict`: then nothing is written).

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use ncx::compile::{self, CompileOptions, Compiled};
use ncx::image::file::FileError;
use ncx::image::{Block, codec};
use ncx::network::{Pacing, Severity};
use ncx::output::{self, OutputError};

/// Options of `ncx compile`.
#[derive(Debug, Clone, Args)]
pub(crate) struct CompileArgs {
    /// The network description (.toml).
    #[arg(value_name = "NET")]
    pub(crate) net: PathBuf,

    /// Where to write the image; default: NET with the extension .ncx.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub(crate) output: Option<PathBuf>,

    /// Treat every warning as an error: exit with status 2 and write nothing.
    #[arg(long)]
    pub(crate) strict: bool,

    /// Print nothing on success but the warnings.
    #[arg(long, short)]
    pub(crate) quiet: bool,

    /// Also write the quantisation report as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub(crate) report_json: Option<PathBuf>,
}

pub(crate) fn run(args: &CompileArgs) -> anyhow::Result<()> {
    let output = args.output.clone().unwrap_or_else(|| args.net.with_extension("ncx"));
    let compiled = compile::compile_file(&args.net, &CompileOptions { strict: args.strict })?;
    // Compiling writes nothing; the outputs are checked against every file it read.
    let mut outputs = vec![("-o", output.as_path())];
    outputs.extend(args.report_json.as_deref().map(|path| ("--report-json", path)));
    let mut inputs: Vec<&Path> = compiled.network.files.iter().map(PathBuf::as_path).collect();
    inputs.push(&args.net);
    output::check_outputs(&inputs, &outputs)?;
    {
        let mut err = io::stderr().lock();
        for w in &compiled.report.warnings {
            writeln!(err, "{}\n", w.render(Severity::Warning))?;
        }
    }
    // Every output is created before any is written: a bad path leaves nothing behind.
    codec::check(&compiled.image).map_err(|source| FileError::Invalid { path: output.clone(), source })?;
    let bytes = codec::encode(&compiled.image);
    let mut image_file = output::create(&output)?;
    let report_file = match &args.report_json {
        Some(path) => Some((path, output::create(path)?)),
        None => None,
    };
    image_file.write_all(&bytes).map_err(|reason| OutputError::Write { path: output.clone(), reason })?;
    if let Some((path, mut out)) = report_file {
        let mut json = serde_json::to_string_pretty(&compiled.report.to_json())?;
        json.push('\n');
        out.write_all(json.as_bytes()).map_err(|reason| OutputError::Write { path: path.clone(), reason })?;
        output::commit(path, out)?;
    }
    output::commit(&output, image_file)?;
    if !args.quiet {
        let mut out = io::BufWriter::new(io::stdout().lock());
        render(&mut out, &args.net, &output, bytes.len() as u64, &compiled)?;
        out.flush()?;
    }
    Ok(())
}

/// Header, placement map, quantisation report.
fn render(out: &mut impl Write, net: &Path, output: &Path, bytes: u64, c: &Compiled) -> io::Result<()> {
    let (image, meta) = (&c.image, &c.image.meta);
    writeln!(out, "compiled `{}` ({}) -> {} ({bytes} bytes)", meta.name, net.display(), output.display())?;
    let pacing = match c.network.core.pacing {
        Pacing::Free => "free-running".to_owned(),
        Pacing::Fixed => format!("paced at {} cycles", image.config.period),
    };
    writeln!(
        out,
        "core: {} neurons x {} inputs, timestep {} ms, {pacing}, clock {} MHz",
        image.geometry.neurons(),
        image.geometry.inputs(),
        c.network.core.timestep_ms,
        c.network.core.clock_mhz
    )?;
    let width = meta.populations.iter().chain(&meta.inputs).map(|b| b.name.len()).max().unwrap_or(0);
    writeln!(out, "populations ({} of {} neurons used):", used(&meta.populations), image.geometry.neurons())?;
    for b in &meta.populations {
        let mut extra = String::new();
        if b.record {
            extra.push_str("  recorded");
        }
        if !b.probe.is_empty() {
            extra.push_str(&format!("  {} probed", b.probe.len()));
        }
        writeln!(out, "  {:<width$}  neurons {}{extra}", b.name, range(b))?;
    }
    writeln!(out, "inputs ({} of {} axons used):", used(&meta.inputs), image.geometry.inputs())?;
    for b in &meta.inputs {
        writeln!(out, "  {:<width$}  inputs  {}", b.name, range(b))?;
    }
    writeln!(out, "quantisation:")?;
    for line in c.report.to_string().lines() {
        writeln!(out, "  {line}")?;
    }
    Ok(())
}

fn used(blocks: &[Block]) -> usize {
    blocks.iter().map(|b| usize::from(b.len)).sum()
}

fn range(b: &Block) -> String {
    format!("{}..{} ({})", b.start, u32::from(b.start) + u32::from(b.len), b.len)
}
