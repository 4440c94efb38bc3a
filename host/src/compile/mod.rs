//! The compiler: a network description (docs/network-format.md) → a device
//! [`Image`] and a [`QuantReport`].
//!
//! [`compile_file`] reads and resolves the description ([`crate::network`]), places
//! populations and input groups on the core, chooses the membrane scale q and the
//! weight shift, quantises every value (rounding half away from zero), fills the
//! image and its metadata, and analyses the result statically (neurons that can never
//! or always fire, possible saturation of `I`). A network without populations is an
//! error (its image would do nothing). Warnings are collected in the report; with
//! [`CompileOptions::strict`] they are errors.

mod analysis;
mod build;
mod place;
mod quantise;
mod report;

use std::fmt;
use std::path::Path;

use crate::image::{Block, Image, Metadata};
use crate::network::{self, Diagnostic, Loc, Network, NeuronModel, Pacing, Severity};

pub use self::report::{ParamKind, ParamStats, PopulationReport, QuantReport};

use self::build::Log;
use self::quantise::{ScaleInputs, V_MAX, V_MIN};

/// Compiler options.
#[derive(Debug, Clone, Copy, Default)]
pub struct CompileOptions {
    /// Treat quantisation warnings as errors.
    pub strict: bool,
}

/// The result of a compilation.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The device image.
    pub image: Image,
    /// What quantisation did, and the warnings.
    pub report: QuantReport,
    /// The resolved network the image was compiled from.
    pub network: Network,
}

/// Why a network could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CompileError {
    /// The description is invalid: bad TOML, a bad key or value, a bad reference, a
    /// missing or malformed file, or a network that does not fit the core.
    #[error("{0}")]
    Invalid(#[from] Diagnostic),
    /// Strict mode: the network compiled, but with these warnings.
    #[error(fmt = strict_message)]
    Strict(Vec<Diagnostic>),
}

/// The message of [`CompileError::Strict`]: every warning, rendered as an error.
fn strict_message(warnings: &[Diagnostic], f: &mut fmt::Formatter<'_>) -> fmt::Result {
    for (i, w) in warnings.iter().enumerate() {
        if i == 0 {
            write!(f, "{w}")?;
        } else {
            write!(f, "\n\n{}", w.render(Severity::Error))?;
        }
    }
    write!(f, "\n\nstrict mode turns warnings into errors: {} warning(s), no image written", warnings.len())
}

/// A [`Diagnostic`] shows its help in place (`= help: …`), as rustc does.
impl crate::error::Help for CompileError {
    fn help(&self) -> Option<std::borrow::Cow<'_, str>> {
        None
    }
}

/// Compile the network description in the TOML file at `path`.
pub fn compile_file(path: &Path, options: &CompileOptions) -> Result<Compiled, CompileError> {
    compile_network(network::load(path)?, options)
}

/// Compile a description given as text; `path` is where it is shown to be and what its
/// includes and data files are relative to.
pub fn compile_str(path: &Path, text: &str, options: &CompileOptions) -> Result<Compiled, CompileError> {
    compile_network(network::load_str(path, text)?, options)
}

/// Compile a resolved network.
pub fn compile_network(net: Network, options: &CompileOptions) -> Result<Compiled, CompileError> {
    let placement = place::place(&net)?;
    let mut log = Log::default();
    let period = period(&net, &mut log)?;
    if net.populations.is_empty() {
        return Err(no_populations(&net).into());
    }
    let mut image = Image::empty(placement.geometry);

    // Choose q and s. The drive (worst-case |acc|) is measured on weights quantised
    // at 127 / W, which are the integers of every candidate s when q = 2^s · 127 / W.
    let weights = build::float_weights(&net);
    let vdomain = build::float_vdomain(&net);
    let full = quantise::full_range(quantise::weight_range(&weights));
    build::weights(&mut image, &net, &placement, full, 0, None);
    let (provisional_stdp, _) = build::stdp(&net, full, 0, &mut Log::default());
    image.config.stdp = provisional_stdp;
    let drive = populated(&net, &placement, &analysis::drive(&image))
        .fold((0, 0), |(p, n), (_, (dp, dn))| (p.max(dp), n.max(dn)));
    let scaling = quantise::choose(&ScaleInputs {
        scale: net.core.scale,
        shift: net.core.weight_shift,
        weights: &weights,
        vdomain: &vdomain,
        drive,
    });
    let (q, s) = (scaling.scale, scaling.shift);

    image = Image::empty(placement.geometry);
    build::weights(&mut image, &net, &placement, q, s, Some(&mut log));
    build::neurons(&mut image, &net, &placement, q, &mut log);
    let (stdp, stdp_shift) = build::stdp(&net, q, s, &mut log);
    image.config = ncx_model::CoreConfig { weight_shift: s, period, stdp };
    image.meta = metadata(&net, &placement);
    network_warnings(&net, &mut log);
    let populations = analyse(&net, &placement, &image, &mut log);

    let report = QuantReport {
        scale: q,
        scale_auto: net.core.scale.is_none(),
        weight_shift: s,
        weight_shift_auto: net.core.weight_shift.is_none(),
        weight_step: quantise::pow2(s) / q,
        stdp_shift,
        params: log.stats.into_values().collect(),
        zeroed_weights: log.zeroed,
        populations,
        warnings: log.warnings,
    };
    if options.strict && !report.warnings.is_empty() {
        return Err(CompileError::Strict(report.warnings));
    }
    Ok(Compiled { image, report, network: net })
}

/// The error of a network without neurons: its image would do nothing.
fn no_populations(net: &Network) -> Diagnostic {
    let what =
        if net.files.len() > 1 { "the network and the files it includes declare" } else { "the network declares" };
    let mut d = Diagnostic::new(format!("{what} no populations: there is nothing to compile"))
        .help("declare at least one `[[population]]` with `name`, `size` and `threshold` (docs/network-format.md §5)");
    // `core`'s locations are in the top-level file (the table, or the file's start).
    if let Some(loc) = net.core.locs.keys.get("") {
        d = d.at(Loc::new(&loc.file, 0..0));
    }
    d
}

/// Each core neuron of a population, with its population index and its drive.
fn populated<'a>(
    net: &'a Network,
    placement: &'a place::Placement,
    drive: &'a [(i64, i64)],
) -> impl Iterator<Item = (usize, (i64, i64))> + 'a {
    net.populations.iter().enumerate().flat_map(move |(i, p)| {
        let start = usize::from(placement.populations[i]);
        (start..start + p.size).map(move |n| (i, drive[n]))
    })
}

/// The pacing period in cycles: 0 when free-running, else `timestep · clock`.
fn period(net: &Network, log: &mut Log) -> Result<u32, Diagnostic> {
    let core = &net.core;
    if core.pacing == Pacing::Free {
        return Ok(0);
    }
    let cycles = core.timestep_ms * core.clock_mhz * 1000.0;
    let rounded = cycles.round();
    if rounded > f64::from(u32::MAX) {
        return Err(Diagnostic::new(format!(
            "the paced period is {rounded} cycles (timestep_ms = {} at clock_mhz = {}); it must fit 32 bits (at most {})",
            core.timestep_ms,
            core.clock_mhz,
            u32::MAX
        ))
        .at_key(&core.locs, "timestep_ms")
        .help("shorten `timestep_ms`, lower `clock_mhz`, or use pacing = \"free\""));
    }
    if (cycles - rounded).abs() > 1e-6 {
        log.warn(
            &core.locs,
            "timestep_ms",
            format!("the paced period is {cycles} cycles, not a whole number; using {rounded}"),
            "choose `timestep_ms` and `clock_mhz` so that timestep_ms × clock_mhz × 1000 is whole",
        );
    }
    Ok(rounded.max(1.0) as u32)
}

fn metadata(net: &Network, placement: &place::Placement) -> Metadata {
    let populations = net
        .populations
        .iter()
        .zip(&placement.populations)
        .map(|(p, &start)| Block {
            name: p.name.clone(),
            start,
            len: p.size as u16,
            record: p.record,
            probe: p.probe.clone(),
        })
        .collect();
    let inputs = net
        .inputs
        .iter()
        .zip(&placement.inputs)
        .map(|(g, &start)| Block { name: g.name.clone(), start, len: g.size as u16, record: false, probe: Vec::new() })
        .collect();
    Metadata {
        name: net.name.clone(),
        timestep_us: (net.core.timestep_ms * 1000.0).round() as u32,
        clock_hz: (net.core.clock_mhz * 1e6).round() as u32,
        populations,
        inputs,
        classifier: net.classifier.clone(),
    }
}

/// Warnings about the description as a whole.
fn network_warnings(net: &Network, log: &mut Log) {
    let stdp_on = net.stdp.as_ref().is_some_and(|s| s.stdp.enabled);
    for p in net.projections.iter().filter(|p| p.plastic && !stdp_on) {
        log.warn(
            &p.locs,
            "plastic",
            format!("projection `{}` is plastic but STDP is not enabled: its weights will not learn", p.name),
            "add an [stdp] table (with enabled = true), or remove `plastic`",
        );
    }
    if net.core.scale.is_none() && !net.projections.is_empty() {
        for p in net.populations.iter().filter(|p| matches!(p.model, NeuronModel::Raw(_))) {
            log.warn(
                &p.locs,
                "raw",
                format!(
                    "population `{}` gives raw core parameters but `core.scale` is \"auto\": its threshold does not follow the scale of the weights",
                    p.name
                ),
                "fix `scale` (core units per weight unit × 2^weight_shift) in [core] so that raw values and weights agree",
            );
        }
    }
}

/// The static analysis of every population, with its warnings.
fn analyse(net: &Network, placement: &place::Placement, image: &Image, log: &mut Log) -> Vec<PopulationReport> {
    let drive = analysis::drive(image);
    let s = image.config.weight_shift;
    let mut reports = Vec::new();
    for (i, pop) in net.populations.iter().enumerate() {
        let start = placement.populations[i];
        let (mut never, mut always) = (Vec::new(), Vec::new());
        let (mut exc, mut inh) = (0i64, 0i64);
        for k in 0..pop.size {
            let n = usize::from(start) + k;
            let (pos, neg) = drive[n];
            let params = &image.neurons[n];
            exc = exc.max(pos << s);
            inh = inh.max(neg << s);
            if analysis::never_fires(params, pos, s) {
                never.push(k as u16);
            }
            if analysis::always_fires(params, neg, s) {
                always.push(k as u16);
            }
        }
        let saturation = exc > V_MAX || inh > -V_MIN;
        if saturation {
            log.warn(
                &pop.locs,
                "name",
                format!(
                    "population `{}`: one timestep's synaptic input can reach {} (+{exc} / -{inh}) and saturate I ({V_MIN}..{V_MAX})",
                    pop.name,
                    if exc > V_MAX { exc } else { -inh }
                ),
                "lower `weight_shift` (or let the compiler choose it with \"auto\")",
            );
        }
        if let Some(&k) = never.first() {
            let params = &image.neurons[usize::from(start) + usize::from(k)];
            let top = analysis::highest_potential(params, drive[usize::from(start) + usize::from(k)].0, s);
            log.warn(
                &pop.locs,
                "name",
                format!(
                    "population `{}`: {} of {} neurons can never fire: the highest potential their input and bias can reach is {top:.0}, below the threshold {} (core units)",
                    pop.name,
                    never.len(),
                    pop.size,
                    params.threshold
                ),
                "lower the threshold, strengthen the incoming weights or the bias, or slow the membrane/current decay",
            );
        }
        if let Some(&k) = always.first() {
            let params = &image.neurons[usize::from(start) + usize::from(k)];
            let low = analysis::lowest_potential(params, drive[usize::from(start) + usize::from(k)].1, s);
            log.warn(
                &pop.locs,
                "name",
                format!(
                    "population `{}`: {} of {} neurons fire in every timestep they are not refractory, whatever their input: their lowest potential is {low:.0}, at or above the threshold {} (core units)",
                    pop.name,
                    always.len(),
                    pop.size,
                    params.threshold
                ),
                "lower the bias or raise the threshold",
            );
        }
        reports.push(PopulationReport {
            name: pop.name.clone(),
            start,
            len: pop.size as u16,
            max_excitation: exc,
            max_inhibition: inh,
            saturation_possible: saturation,
            never_fire: never,
            always_fire: always,
        });
    }
    reports
}
