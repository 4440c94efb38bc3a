//! `ncx hw`: real boards — `boards` lists the board table, `build` makes a board's
//! bitstream (or resource estimate) with a line per stage and a JSON report, `program`
//! loads a bitstream with iceprog or openFPGALoader (docs/boards.md).

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use ncx::hw::flow::{self, Design};
use ncx::hw::program::{self, Target};
use ncx::hw::{Board, BuildOptions, BuildReport, Expect, Stage, StageProgress, board};

/// Options of `ncx hw`.
#[derive(Debug, Clone, Args)]
pub(crate) struct HwArgs {
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: HwCommand,
}

/// The subcommands of `ncx hw`.
#[derive(Debug, Clone, Subcommand)]
pub(crate) enum HwCommand {
    /// List the supported boards: FPGA, geometry, clock, baud, toolchain and status, and
    /// the --target that reaches each.
    Boards,
    /// Build a board's bitstream (iCE40: yosys → nextpnr-ice40 → icepack; ECP5: yosys →
    /// nextpnr-ecp5 → ecppack) or resource estimate (7 series: yosys synth_xilinx), with a
    /// JSON report.
    ///
    /// Writes into --out (default build/hw/<board>): the bitstream, report.json (tool
    /// versions, utilisation, fmax, geometry, build id), synth.ys, the netlist and
    /// logs/<stage>.log. Exit status 2 when the design does not fit or misses the clock
    /// (the report is written all the same), unless --expect-table is given and the
    /// outcome is the one the board table expects.
    Build(BuildArgs),
    /// Load a bitstream into a board with iceprog or openFPGALoader.
    Program(ProgramArgs),
}

/// Options of `ncx hw build`.
#[derive(Debug, Clone, Args)]
pub(crate) struct BuildArgs {
    /// The board (`ncx hw boards` lists them).
    #[arg(long, short)]
    pub(crate) board: String,
    /// Neurons (a power of two, 16..1024; default: the board's).
    #[arg(long, value_name = "N")]
    pub(crate) neurons: Option<u32>,
    /// Inputs (a power of two, 16..1024; default: the board's).
    #[arg(long, value_name = "M")]
    pub(crate) inputs: Option<u32>,
    /// UART baud rate (must divide the board's clock into at least 4 cycles a bit and be
    /// made by the board's USB serial chip; default: the board's, its fastest).
    #[arg(long, value_name = "B")]
    pub(crate) baud: Option<u32>,
    /// Build the UART echo bring-up image instead of the device.
    #[arg(long)]
    pub(crate) echo: bool,
    /// Output folder (default: build/hw/<board>, or build/hw/<board>-echo).
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// The repository's hdl folder (default: found from the current folder).
    #[arg(long, value_name = "DIR")]
    pub(crate) hdl: Option<PathBuf>,
    /// nextpnr's placement seed.
    #[arg(long, default_value_t = flow::DEFAULT_SEED)]
    pub(crate) seed: u64,
    /// Succeed when the outcome is what the board table expects (`expect`), also when
    /// that is "does not fit"; fail when it differs. For CI.
    #[arg(long)]
    pub(crate) expect_table: bool,
    /// Print only the result lines (no stage lines).
    #[arg(long, short)]
    pub(crate) quiet: bool,
}

/// Options of `ncx hw program`.
#[derive(Debug, Clone, Args)]
pub(crate) struct ProgramArgs {
    /// The board.
    #[arg(long, short)]
    pub(crate) board: String,
    /// The bitstream (default: build/hw/<board>/ncx_<board>.bin (iCE40) or .bit).
    #[arg(value_name = "BITSTREAM")]
    pub(crate) bitstream: Option<PathBuf>,
    /// Load into the FPGA only (lost at power-off) instead of the configuration flash.
    #[arg(long)]
    pub(crate) sram: bool,
    /// Print the command instead of running it.
    #[arg(long)]
    pub(crate) dry_run: bool,
}

pub(crate) fn run(args: &HwArgs) -> anyhow::Result<()> {
    match &args.command {
        HwCommand::Boards => boards(),
        HwCommand::Build(a) => build(a),
        HwCommand::Program(a) => program_board(a),
    }
}

fn mhz(hz: u32) -> String {
    let m = f64::from(hz) / 1e6;
    if m.fract() == 0.0 { format!("{m:.0} MHz") } else { format!("{m} MHz") }
}

fn boards() -> anyhow::Result<()> {
    let all = board::boards().context("the board table built into ncx is malformed")?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    render_boards(&mut out, &all)?;
    out.flush()?;
    Ok(())
}

/// The board table, one row per board, then each board's note.
fn render_boards(out: &mut impl Write, all: &[Board]) -> io::Result<()> {
    let rows: Vec<[String; 7]> = all
        .iter()
        .map(|b| {
            [
                b.name.clone(),
                b.fpga.clone(),
                format!("{} x {}", b.neurons, b.inputs),
                mhz(b.clock_hz),
                b.baud.to_string(),
                b.family.toolchain().to_owned(),
                b.expect.to_string(),
            ]
        })
        .collect();
    let head = ["board", "FPGA", "geometry", "clock", "baud", "toolchain", "status"];
    let mut widths = head.map(str::len);
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        cells.iter().zip(widths).map(|(c, w)| format!("{c:<w$}")).collect::<Vec<_>>().join("  ").trim_end().to_owned()
    };
    writeln!(out, "{}", line(head.to_vec()))?;
    for r in &rows {
        writeln!(out, "{}", line(r.iter().map(String::as_str).collect()))?;
    }
    writeln!(out)?;
    for b in all {
        writeln!(out, "{}: {} — {}", b.name, b.title, b.note)?;
        writeln!(
            out,
            "  link: {} (up to {} baud) at {} baud: --target {}",
            b.uart,
            b.max_baud,
            b.baud,
            b.target(b.baud)
        )?;
    }
    Ok(())
}

/// One line per stage on stderr; a spinner with the elapsed time on a terminal.
struct StageLines {
    quiet: bool,
    spinner: Option<ProgressBar>,
}

impl StageProgress for StageLines {
    fn started(&mut self, stage: Stage, tool: &str, index: usize, total: usize) {
        if self.quiet {
            return;
        }
        let what = format!("[{index}/{total}] {} ({tool})", stage.name());
        if io::stderr().is_terminal() {
            let style = ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner());
            let bar = ProgressBar::new_spinner().with_style(style).with_message(what);
            bar.enable_steady_tick(Duration::from_millis(120));
            self.spinner = Some(bar);
        } else {
            eprintln!("{what} ...");
        }
    }

    fn finished(&mut self, stage: Stage, elapsed: Duration) {
        if self.quiet {
            return;
        }
        if let Some(bar) = self.spinner.take() {
            bar.finish_and_clear();
        }
        eprintln!("  {} done in {:.1} s", stage.name(), elapsed.as_secs_f64());
    }
}

fn build(args: &BuildArgs) -> anyhow::Result<()> {
    let board = board::find(&args.board)?;
    let hdl = match &args.hdl {
        Some(d) => d.clone(),
        None => flow::find_hdl_dir().context(
            "cannot find the repository's hdl folder (hdl/rtl/ncx_top.sv); run ncx inside the repository or pass \
             --hdl <repository>/hdl",
        )?,
    };
    let design = if args.echo { Design::Echo } else { Design::Device };
    let out = args.out.clone().unwrap_or_else(|| {
        let name = if args.echo { format!("{}-echo", board.name) } else { board.name.clone() };
        PathBuf::from("build").join("hw").join(name)
    });
    let mut opts = BuildOptions::new(board, hdl, out.clone());
    opts.neurons = args.neurons.unwrap_or(opts.neurons);
    opts.inputs = args.inputs.unwrap_or(opts.inputs);
    opts.baud = args.baud.unwrap_or(opts.baud);
    opts.seed = args.seed;
    opts.design = design;
    let b = &opts.board;
    // A baud rate the board cannot run is said before any tool starts.
    b.divisor(opts.baud).with_context(|| format!("cannot build for board {}", b.name))?;
    if !args.quiet {
        eprintln!(
            "building {} for {} ({}): {}, {} x {}, {}, {} baud",
            design.name(),
            b.name,
            b.fpga,
            b.family.toolchain(),
            opts.neurons,
            opts.inputs,
            mhz(b.clock_hz),
            opts.baud
        );
    }
    let mut lines = StageLines { quiet: args.quiet, spinner: None };
    let report = flow::build(&opts, &mut lines).with_context(|| format!("cannot build for board {}", b.name))?;
    let mut stdout = io::stdout().lock();
    render_report(&mut stdout, &report, &opts.board, &out)?;
    check_outcome(&report, &opts.board, args.expect_table && design == Design::Device)
}

fn render_report(out: &mut impl Write, r: &BuildReport, board: &Board, dir: &std::path::Path) -> io::Result<()> {
    let used: Vec<String> = r.resources.iter().map(|x| x.describe()).collect();
    writeln!(out, "build id {} ({} {} x {}, {})", r.build_id, r.design, r.neurons, r.inputs, r.board)?;
    writeln!(out, "resources: {}", used.join(", "))?;
    if let (Some(f), Some(ok)) = (r.fmax_mhz, r.meets_timing) {
        let verdict = if ok { "timing met" } else { "TIMING NOT MET" };
        writeln!(out, "fmax {f:.2} MHz at a {} clock: {verdict}", mhz(r.clock_hz))?;
    }
    match &r.bitstream {
        Some(b) => writeln!(
            out,
            "bitstream {} (sha256 {})",
            dir.join(b).display(),
            r.bitstream_sha256.as_deref().unwrap_or("?")
        )?,
        None if r.outcome == Expect::DoesNotFit => writeln!(out, "DOES NOT FIT the {}: {}", r.fpga, r.over.join(", "))?,
        None => writeln!(out, "resource estimate only (no open place and route for the {})", r.fpga)?,
    }
    let secs: f64 = r.stages.iter().map(|s| s.seconds).sum();
    writeln!(
        out,
        "report {} ({secs:.1} s; logs in {})",
        dir.join("report.json").display(),
        dir.join("logs").display()
    )?;
    if let Some(b) = &r.bitstream {
        writeln!(
            out,
            "load it with `ncx hw program --board {} {}`, then drive it at {} baud: --target {} (the port may differ)",
            board.name,
            dir.join(b).display(),
            r.baud,
            board.target(r.baud)
        )?;
    }
    Ok(())
}

/// Exit status: success for a bitstream that meets timing or an estimate; with
/// `expect_table`, success exactly when the outcome is the table's.
fn check_outcome(r: &BuildReport, board: &Board, expect_table: bool) -> anyhow::Result<()> {
    if r.outcome == Expect::Fits && r.meets_timing == Some(false) {
        bail!(
            "the design fits but reaches {:.2} MHz, below the board's {} clock: lower clock_hz in hdl/boards/boards.toml \
             (and the PLL in the board top), or shrink the geometry",
            r.fmax_mhz.unwrap_or(0.0),
            mhz(r.clock_hz)
        );
    }
    if expect_table {
        if r.outcome != board.expect {
            bail!(
                "board {}: the build gave `{}` but hdl/boards/boards.toml expects `{}`; update the table's `expect` (and \
                 docs/boards.md) if the change is intended",
                board.name,
                r.outcome,
                board.expect
            );
        }
        return Ok(());
    }
    if r.outcome == Expect::DoesNotFit {
        bail!(
            "the {} x {} device does not fit the {}: {} (report in report.json); see docs/boards.md",
            r.neurons,
            r.inputs,
            r.fpga,
            r.over.join(", ")
        );
    }
    Ok(())
}

fn program_board(args: &ProgramArgs) -> anyhow::Result<()> {
    let board = board::find(&args.board)?;
    let bitstream = args.bitstream.clone().unwrap_or_else(|| {
        let ext = board.family.bitstream_ext();
        PathBuf::from("build").join("hw").join(&board.name).join(format!("ncx_{}.{ext}", board.name))
    });
    let target = if args.sram { Target::Sram } else { Target::Flash };
    let programmer = match program::detect(&board) {
        Ok(p) => p,
        // A dry run shows the preferred command even without the tool.
        Err(_) if args.dry_run => program::candidates(&board)[0],
        Err(e) => return Err(e).context(format!("cannot program board {}", board.name)),
    };
    let argv = program::command(&board, programmer, &bitstream, target);
    if args.dry_run {
        println!("{}", argv.join(" "));
        return Ok(());
    }
    if !bitstream.is_file() {
        bail!(
            "no bitstream {}: build it first with `ncx hw build --board {}` (or name the file)",
            bitstream.display(),
            board.name
        );
    }
    eprintln!("{}", argv.join(" "));
    program::run(&argv).with_context(|| format!("cannot program board {} with {}", board.name, bitstream.display()))?;
    eprintln!(
        "board {} loaded; at the table's {} baud it is `--target {}` (e.g. ncx info --target {})",
        board.name,
        board.baud,
        board.target(board.baud),
        board.target(board.baud)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_board_table_renders_with_every_board() {
        let all = board::boards().unwrap();
        let mut out = Vec::new();
        render_boards(&mut out, &all).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("board "), "{text}");
        for b in &all {
            assert!(text.contains(&b.name) && text.contains(&b.fpga), "{text}");
        }
    }
}
