//! The bitstream flow of a board: which sources, which parameters, which build id, and
//! the tools run one stage after another with their logs kept.
//!
//! iCE40 boards: yosys `synth_ice40 -dsp` (stage [`Stage::Synthesis`]) → nextpnr-ice40
//! with a fixed seed ([`Stage::PlaceRoute`]) → icepack ([`Stage::Pack`]). ECP5 boards:
//! yosys `synth_ecp5` → nextpnr-ecp5 (timing-driven, fixed seed) → ecppack (`place.rs`
//! has both). 7-series boards: yosys `synth_xilinx -family xc7` ([`Stage::Estimate`]), a
//! resource estimate (there is no open 7-series place and route in Debian; the board
//! folder's build.tcl is the Vivado flow). The programs come from [`super::tools`].
//!
//! Every file goes to the output folder, and the tools run there with relative paths (the
//! YoWASP builds see nothing else): the sources are copied to `src/` (the same relative
//! paths as under `hdl/`), then `synth.ys`, `netlist.json`, the placed design, the
//! bitstream, `logs/<stage>.log` and `report.json` are written next to it.
//!
//! Reproducibility: the sources are read in sorted order, nextpnr's seed is fixed
//! ([`DEFAULT_SEED`]), and nothing of the time or the paths enters the netlist (the
//! relative paths under `src/` are the same wherever the repository and the output are),
//! so the same inputs give the same bitstream (host/tests/integration/hw_flow.rs builds
//! twice and compares).

mod place;

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ncx_model::spec::{GEOMETRY_MAX_LOG2, GEOMETRY_MIN_LOG2};
use sha2::{Digest, Sha256};

use super::HwError;
use super::board::{Board, Expect, Family};
use super::report::{self, BuildReport, Resource, StageTime};
use super::tools::{self, Program, Tool};

/// nextpnr's placement seed: fixed, so that a build is reproducible.
pub const DEFAULT_SEED: u64 = 1;

/// One stage of a flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// yosys synthesis to the FPGA's cells.
    Synthesis,
    /// nextpnr placement and routing.
    PlaceRoute,
    /// icepack or ecppack: the bitstream.
    Pack,
    /// yosys synth_xilinx: a 7-series resource estimate.
    Estimate,
}

impl Stage {
    /// Name in reports and logs (`synthesis`, `place-and-route`, `pack`, `estimate`).
    pub fn name(self) -> &'static str {
        match self {
            Stage::Synthesis => "synthesis",
            Stage::PlaceRoute => "place-and-route",
            Stage::Pack => "pack",
            Stage::Estimate => "estimate",
        }
    }
}

/// Receives the progress of a flow, stage by stage (the binary shows a line per stage).
pub trait StageProgress {
    /// Stage `index` (from 1) of `total` starts, running `tool` (its program's name).
    fn started(&mut self, stage: Stage, tool: &str, index: usize, total: usize);
    /// The stage ended (successfully or not) after `elapsed`.
    fn finished(&mut self, stage: Stage, elapsed: Duration);
}

/// Ignores every report.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoStageProgress;

impl StageProgress for NoStageProgress {
    fn started(&mut self, _stage: Stage, _tool: &str, _index: usize, _total: usize) {}
    fn finished(&mut self, _stage: Stage, _elapsed: Duration) {}
}

/// What is built on the board.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Design {
    /// The NCX-1 device (ncx_top).
    Device,
    /// The UART echo bring-up image (the board top's `Echo = 1`).
    Echo,
}

impl Design {
    /// `device` or `echo`.
    pub fn name(self) -> &'static str {
        match self {
            Design::Device => "device",
            Design::Echo => "echo",
        }
    }
}

/// Everything a build depends on.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The board.
    pub board: Board,
    /// Neurons (a power of two within the spec's bounds, 16..=1024: [`log2`]).
    pub neurons: u32,
    /// Inputs (a power of two within the spec's bounds, 16..=1024: [`log2`]).
    pub inputs: u32,
    /// UART baud rate (must divide the board's clock).
    pub baud: u32,
    /// Device or echo image.
    pub design: Design,
    /// The repository's `hdl` folder (with `rtl/` and `boards/`).
    pub hdl_dir: PathBuf,
    /// Where the outputs go.
    pub out_dir: PathBuf,
    /// nextpnr's seed.
    pub seed: u64,
}

impl BuildOptions {
    /// The board's defaults: its geometry and baud rate, the device, [`DEFAULT_SEED`].
    pub fn new(board: Board, hdl_dir: PathBuf, out_dir: PathBuf) -> BuildOptions {
        BuildOptions {
            neurons: board.neurons,
            inputs: board.inputs,
            baud: board.baud,
            board,
            design: Design::Device,
            hdl_dir,
            out_dir,
            seed: DEFAULT_SEED,
        }
    }

    /// The bitstream's file name: `ncx_<board>.bin` (iCE40), `ncx_<board>.bit` (ECP5,
    /// Vivado); the echo image is `ncx_<board>_echo.*`.
    pub fn bitstream_name(&self) -> String {
        let ext = self.board.family.bitstream_ext();
        match self.design {
            Design::Device => format!("ncx_{}.{ext}", self.board.name),
            Design::Echo => format!("ncx_{}_echo.{ext}", self.board.name),
        }
    }
}

/// log2 of a geometry: `Some(k)` for 2^k with k in the spec's bounds
/// ([`GEOMETRY_MIN_LOG2`]..=[`GEOMETRY_MAX_LOG2`]: 16..=1024).
pub fn log2(n: u32) -> Option<u32> {
    let k = n.trailing_zeros();
    (n.is_power_of_two() && (GEOMETRY_MIN_LOG2..=GEOMETRY_MAX_LOG2).contains(&k)).then_some(k)
}

/// The repository's `hdl` folder: `NCX_HDL_DIR`, else the first `hdl/` with
/// `rtl/ncx_top.sv` in the current folder or above it, else the one this ncx was built from.
pub fn find_hdl_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("NCX_HDL_DIR") {
        return Some(PathBuf::from(dir));
    }
    let has_rtl = |d: &Path| d.join("rtl").join("ncx_top.sv").is_file();
    if let Ok(cwd) = std::env::current_dir() {
        for dir in cwd.ancestors() {
            let hdl = dir.join("hdl");
            if has_rtl(&hdl) {
                return Some(hdl);
            }
        }
    }
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("hdl");
    has_rtl(&built).then_some(built)
}

/// The files of a build, relative to `hdl_dir`: the package, every other `rtl/ncx_*.sv`
/// in name order, then the board's sources.
pub fn sources(hdl_dir: &Path, board: &Board) -> Result<Vec<PathBuf>, HwError> {
    let rtl = hdl_dir.join("rtl");
    let entries = fs::read_dir(&rtl).map_err(|_| HwError::NoSources { dir: rtl.clone(), missing: "rtl/".into() })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("ncx_") && n.ends_with(".sv") && n != "ncx_pkg.sv")
        .map(|n| Path::new("rtl").join(n))
        .collect();
    files.sort();
    let pkg = Path::new("rtl").join("ncx_pkg.sv");
    for must in [&pkg, &Path::new("rtl").join("ncx_top.sv")] {
        if !hdl_dir.join(must).is_file() {
            return Err(HwError::NoSources { dir: hdl_dir.to_owned(), missing: must.display().to_string() });
        }
    }
    files.insert(0, pkg);
    let board_dir = Path::new("boards").join(&board.name);
    for s in board.sources.iter().chain([&board.constraints]) {
        let f = board_dir.join(s);
        if !hdl_dir.join(&f).is_file() {
            return Err(HwError::NoSources { dir: hdl_dir.to_owned(), missing: f.display().to_string() });
        }
        files.push(f);
    }
    Ok(files)
}

/// The top's parameters, without the build id, as `(Name, value)` in a fixed order.
pub fn parameters(opts: &BuildOptions) -> Result<Vec<(String, String)>, HwError> {
    let nl = log2(opts.neurons).ok_or(HwError::BadGeometry { what: "neurons", value: opts.neurons })?;
    let il = log2(opts.inputs).ok_or(HwError::BadGeometry { what: "inputs", value: opts.inputs })?;
    let divisor = opts.board.divisor(opts.baud)?;
    let mut p = vec![
        ("NeuronsLog2".to_owned(), nl.to_string()),
        ("InputsLog2".to_owned(), il.to_string()),
        ("ClockHz".to_owned(), opts.board.clock_hz.to_string()),
        ("BaudDivisor".to_owned(), divisor.to_string()),
    ];
    p.extend(opts.board.params.iter().map(|(k, v)| (k.clone(), v.to_string())));
    if opts.design == Design::Echo {
        p.push(("Echo".to_owned(), "1".to_owned()));
    }
    Ok(p)
}

/// The build id: the first 8 bytes of SHA-256 over the board, top, design, every source
/// file (its path relative to `hdl_dir`, length and bytes) and every parameter. This is
/// what the device reports in HELLO, so that `ncx info`/`ncx doctor` can tell which
/// bitstream a board runs.
pub fn build_id(opts: &BuildOptions, sources: &[PathBuf], params: &[(String, String)]) -> Result<[u8; 8], HwError> {
    let mut h = Sha256::new();
    h.update(b"ncx build id v1\n");
    for s in [&opts.board.name, &opts.board.top, opts.design.name()] {
        h.update(s.as_bytes());
        h.update(b"\n");
    }
    for f in sources {
        let path = opts.hdl_dir.join(f);
        let bytes = fs::read(&path).map_err(|source| HwError::Io { path, source })?;
        h.update(f.to_string_lossy().replace('\\', "/").as_bytes());
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(&bytes);
    }
    for (k, v) in params {
        h.update(format!("{k}={v}\n").as_bytes());
    }
    let digest = h.finalize();
    let mut id = [0u8; 8];
    id.copy_from_slice(&digest[..8]);
    Ok(id)
}

/// Hex of bytes, in order.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256_file(path: &Path) -> Result<String, HwError> {
    let bytes = fs::read(path).map_err(|source| HwError::Io { path: path.to_owned(), source })?;
    Ok(hex(&Sha256::digest(&bytes)))
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> HwError + '_ {
    move |source| HwError::Io { path: path.to_owned(), source }
}

/// A tool's output at `path` that breaks the grammar of its report: an error of reading
/// it, `PATH: line L, column C: expected …`.
fn malformed(path: &Path, error: report::ToolOutputError) -> HwError {
    HwError::Io { path: path.to_owned(), source: io::Error::new(io::ErrorKind::InvalidData, error) }
}

fn failed(tool: &str, log: &Path) -> HwError {
    let text = fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let tail = lines[lines.len().saturating_sub(15)..].join("\n");
    HwError::ToolFailed { tool: tool.to_owned(), status: "non-zero exit status".into(), log: log.to_owned(), tail }
}

/// The folder the sources are copied to, inside the output folder.
const SOURCE_DIR: &str = "src";

/// Copy `sources` (relative to `hdl_dir`) to `out/src/`, at the same relative paths:
/// the tools read them there. Only these files are written; nothing else is touched.
/// The bytes are copied, not the permissions (a read-only checkout's copies stay
/// writable for the next build).
fn place_sources(hdl_dir: &Path, sources: &[PathBuf], out: &Path) -> Result<(), HwError> {
    for f in sources {
        let to = out.join(SOURCE_DIR).join(f);
        if let Some(dir) = to.parent() {
            fs::create_dir_all(dir).map_err(io_err(dir))?;
        }
        let from = hdl_dir.join(f);
        let bytes = fs::read(&from).map_err(io_err(&from))?;
        fs::write(&to, bytes).map_err(io_err(&to))?;
    }
    Ok(())
}

/// `src/<relative path>` with `/` separators: how a tool in the output folder names a
/// source.
fn source_arg(f: &Path) -> String {
    format!("{SOURCE_DIR}/{}", f.to_string_lossy().replace('\\', "/"))
}

/// The stages of one build: runs each program in the output folder with its log, times
/// it, reports progress and keeps the stage times and log names for the report.
struct Stages<'a> {
    out: &'a Path,
    progress: &'a mut dyn StageProgress,
    total: usize,
    times: Vec<StageTime>,
    logs: Vec<String>,
}

impl Stages<'_> {
    /// Run stage `index` with `program args…`. `Ok(false)` when place and route ran and
    /// failed (the caller reads its log to tell a misfit from an error); a failure of any
    /// other stage is an error with the log's tail.
    fn run(&mut self, stage: Stage, index: usize, program: &Program, args: &[String]) -> Result<bool, HwError> {
        let name = format!("logs/{}.log", stage.name());
        let log = self.out.join(&name);
        self.progress.started(stage, program.tool.name(), index, self.total);
        let t0 = Instant::now();
        let ok = tools::run(program, args, self.out, &log);
        let elapsed = t0.elapsed();
        self.progress.finished(stage, elapsed);
        self.times
            .push(StageTime { stage: stage.name().to_owned(), seconds: (elapsed.as_secs_f64() * 10.0).round() / 10.0 });
        self.logs.push(name);
        let ok = ok?;
        if !ok && stage != Stage::PlaceRoute {
            return Err(failed(program.tool.name(), &log));
        }
        Ok(ok)
    }
}

/// The repository root: the parent of the `hdl` folder (where `.venv-fpga/` is).
fn repo_root(hdl_dir: &Path) -> PathBuf {
    let hdl = fs::canonicalize(hdl_dir).unwrap_or_else(|_| hdl_dir.to_owned());
    hdl.parent().map_or_else(|| PathBuf::from("."), Path::to_owned)
}

/// Build the board's bitstream (iCE40, ECP5) or resource estimate (xc7). A design that
/// does not fit is not an error: the report says so (`outcome`, `over`) and has no
/// bitstream. Writes `report.json` in the output folder in every case where a tool got
/// that far. Every program is looked up before the first stage runs.
pub fn build(opts: &BuildOptions, progress: &mut dyn StageProgress) -> Result<BuildReport, HwError> {
    let board = &opts.board;
    let srcs = sources(&opts.hdl_dir, board)?;
    let params = parameters(opts)?;
    let id = build_id(opts, &srcs, &params)?;
    let repo = repo_root(&opts.hdl_dir);
    let yosys = tools::locate(Tool::Yosys, board.family, &repo)?;
    let place_tools = match board.family {
        Family::Ice40 => Some((Tool::NextpnrIce40, Tool::Icepack)),
        Family::Ecp5 => Some((Tool::NextpnrEcp5, Tool::Ecppack)),
        Family::Xc7 => None,
    };
    let place_tools = place_tools
        .map(|(p, k)| {
            Ok::<_, HwError>((tools::locate(p, board.family, &repo)?, tools::locate(k, board.family, &repo)?))
        })
        .transpose()?;

    let out = &opts.out_dir;
    let logs = out.join("logs");
    fs::create_dir_all(&logs).map_err(io_err(&logs))?;
    place_sources(&opts.hdl_dir, &srcs, out)?;

    let constraints = Path::new("boards").join(&board.name).join(&board.constraints);
    let mut read = String::new();
    for f in srcs.iter().filter(|f| **f != constraints) {
        read.push_str(&format!("read_verilog -sv \"{}\"\n", source_arg(f)));
    }
    // BuildId[8k +: 8] is byte k of HELLO's build id.
    let build_id_param = format!("64'h{:016x}", u64::from_le_bytes(id));
    let mut chparam = format!("chparam -set BuildId {build_id_param}");
    for (k, v) in &params {
        chparam.push_str(&format!(" -set {k} {v}"));
    }
    chparam.push_str(&format!(" {}", board.top));
    let synth = match board.family {
        Family::Ice40 => format!("synth_ice40 -dsp -spram -top {} -json netlist.json", board.top),
        Family::Ecp5 => format!("synth_ecp5 -top {} -json netlist.json", board.top),
        Family::Xc7 => format!("synth_xilinx -family xc7 -flatten -top {}\nwrite_json netlist.json", board.top),
    };
    let script = format!("{read}{chparam}\n{synth}\ntee -q -o stat.txt stat\n");
    let ys = out.join("synth.ys");
    fs::write(&ys, script).map_err(io_err(&ys))?;

    let mut versions = BTreeMap::new();
    versions.insert("yosys".to_owned(), yosys.version());
    let total = if place_tools.is_some() { 3 } else { 1 };
    let mut stages = Stages { out, progress, total, times: Vec::new(), logs: Vec::new() };
    let first = if place_tools.is_some() { Stage::Synthesis } else { Stage::Estimate };
    stages.run(first, 1, &yosys, &["-s".into(), "synth.ys".into()])?;
    let stat_path = out.join("stat.txt");
    let cells = report::parse_yosys_stat(&fs::read_to_string(&stat_path).map_err(io_err(&stat_path))?)
        .map_err(|e| malformed(&stat_path, e))?;
    let netlist_sha256 = sha256_file(&out.join("netlist.json"))?;

    let mut rep = BuildReport {
        format: 1,
        board: board.name.clone(),
        fpga: board.fpga.clone(),
        design: opts.design.name().to_owned(),
        top: board.top.clone(),
        neurons: opts.neurons,
        inputs: opts.inputs,
        clock_hz: board.clock_hz,
        baud: opts.baud,
        baud_divisor: board.divisor(opts.baud)?,
        build_id: hex(&id),
        parameters: std::iter::once(format!("BuildId={build_id_param}"))
            .chain(params.iter().map(|(k, v)| format!("{k}={v}")))
            .collect(),
        sources: srcs.iter().map(|f| f.to_string_lossy().replace('\\', "/")).collect(),
        seed: opts.seed,
        tools: BTreeMap::new(),
        cells,
        resources: Vec::new(),
        outcome: Expect::Estimate,
        over: Vec::new(),
        fmax_mhz: None,
        meets_timing: None,
        bitstream: None,
        bitstream_sha256: None,
        netlist_sha256,
        stages: Vec::new(),
        logs: Vec::new(),
    };

    match place_tools {
        None => {
            rep.resources = report::xc7_estimate(&rep.cells, &board.capacity);
            rep.over = rep.resources.iter().filter(|r| r.over()).map(Resource::describe).collect();
        }
        Some((nextpnr, packer)) => {
            versions.insert(nextpnr.tool.name().to_owned(), nextpnr.version());
            versions.insert(
                packer.tool.name().to_owned(),
                // icepack has no --version: Debian's package version says it.
                if packer.tool == Tool::Icepack { tools::package_version("fpga-icestorm") } else { packer.version() },
            );
            let args = place::place_route_args(opts, &source_arg(&constraints));
            let routed = stages.run(Stage::PlaceRoute, 2, &nextpnr, &args)?;
            let np_log = out.join("logs").join("place-and-route.log");
            let summary = report::parse_nextpnr(&fs::read_to_string(&np_log).map_err(io_err(&np_log))?)
                .map_err(|e| malformed(&np_log, e))?;
            rep.resources = place::keep(board.family, summary.resources);
            rep.over = rep.resources.iter().filter(|r| r.over()).map(Resource::describe).collect();
            if !routed {
                if rep.over.is_empty() {
                    return Err(failed(nextpnr.tool.name(), &np_log));
                }
                rep.outcome = Expect::DoesNotFit;
            } else {
                rep.fmax_mhz = summary.fmax_mhz;
                rep.meets_timing = summary.fmax_mhz.map(|f| f >= f64::from(board.clock_hz) / 1e6);
                let bin = opts.bitstream_name();
                stages.run(Stage::Pack, 3, &packer, &place::pack_args(opts, &bin))?;
                rep.bitstream_sha256 = Some(sha256_file(&out.join(&bin))?);
                rep.bitstream = Some(bin);
                rep.outcome = Expect::Fits;
            }
        }
    }
    rep.tools = versions;
    rep.stages = stages.times;
    rep.logs = stages.logs;
    let path = out.join("report.json");
    let json = serde_json::to_string_pretty(&rep).map_err(|e| HwError::Io { path: path.clone(), source: e.into() })?;
    fs::write(&path, json + "\n").map_err(io_err(&path))?;
    Ok(rep)
}

#[cfg(test)]
mod tests {
    use ncx_model::Geometry;

    use super::log2;

    #[test]
    fn log2_accepts_exactly_the_geometries_of_the_model() {
        let candidates = (0..32).map(|k| 1u32 << k).chain([0, 3, 48, 100, 1000, 1023, 1025, u32::MAX]);
        for n in candidates {
            let model = Geometry::new(n as usize, n as usize).is_ok();
            assert_eq!(log2(n).is_some(), model, "{n}");
            if let Some(k) = log2(n) {
                assert_eq!(1u32 << k, n);
            }
        }
    }
}
