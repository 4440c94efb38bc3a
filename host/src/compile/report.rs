//! The quantisation report: the chosen scale and shift, per parameter kind the error
//! quantisation made (in float units) and how many values were clipped, per population
//! the static analysis, and the warnings. `ncx compile` prints its [`Display`]
//! rendering; [`QuantReport::to_json`] is `--report-json`.
//!
//! [`Display`]: std::fmt::Display

use std::fmt;

use serde_json::{Value, json};

use super::quantise::{V_MAX, V_MIN};
use crate::network::Diagnostic;

/// The kinds of quantised parameters, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamKind {
    /// Synaptic weights (weight units).
    Weight,
    /// Thresholds (membrane units).
    Threshold,
    /// Reset potentials (membrane units).
    Reset,
    /// Biases (membrane units).
    Bias,
    /// Membrane decays (per-timestep decay factor).
    TauMem,
    /// Current decays (per-timestep decay factor).
    TauSyn,
    /// Refractory periods (ms).
    Refractory,
    /// STDP A+ (weight units).
    APlus,
    /// STDP A− (weight units).
    AMinus,
    /// STDP pre-trace decay (per-timestep decay factor).
    TauPre,
    /// STDP post-trace decay (per-timestep decay factor).
    TauPost,
    /// STDP lower weight bound (weight units).
    WMin,
    /// STDP upper weight bound (weight units).
    WMax,
}

impl ParamKind {
    /// Every kind, in report order.
    pub const ALL: [ParamKind; 13] = [
        ParamKind::Weight,
        ParamKind::Threshold,
        ParamKind::Reset,
        ParamKind::Bias,
        ParamKind::TauMem,
        ParamKind::TauSyn,
        ParamKind::Refractory,
        ParamKind::APlus,
        ParamKind::AMinus,
        ParamKind::TauPre,
        ParamKind::TauPost,
        ParamKind::WMin,
        ParamKind::WMax,
    ];

    /// The key it comes from.
    pub fn name(self) -> &'static str {
        match self {
            ParamKind::Weight => "weight",
            ParamKind::Threshold => "threshold",
            ParamKind::Reset => "reset",
            ParamKind::Bias => "bias",
            ParamKind::TauMem => "tau_mem",
            ParamKind::TauSyn => "tau_syn",
            ParamKind::Refractory => "refractory",
            ParamKind::APlus => "a_plus",
            ParamKind::AMinus => "a_minus",
            ParamKind::TauPre => "tau_pre",
            ParamKind::TauPost => "tau_post",
            ParamKind::WMin => "w_min",
            ParamKind::WMax => "w_max",
        }
    }

    /// The unit its error is measured in.
    pub fn unit(self) -> &'static str {
        match self {
            ParamKind::Weight | ParamKind::APlus | ParamKind::AMinus | ParamKind::WMin | ParamKind::WMax => {
                "weight units"
            }
            ParamKind::Threshold | ParamKind::Reset | ParamKind::Bias => "membrane units",
            ParamKind::TauMem | ParamKind::TauSyn | ParamKind::TauPre | ParamKind::TauPost => "decay factor",
            ParamKind::Refractory => "ms",
        }
    }
}

/// Error statistics of one parameter kind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamStats {
    /// Which parameter.
    pub kind: ParamKind,
    /// How many float values were quantised.
    pub count: usize,
    /// Largest |quantised − float|, in the kind's unit.
    pub max_abs_error: f64,
    /// Mean |quantised − float|.
    pub mean_abs_error: f64,
    /// How many values did not fit their field and were clamped.
    pub clipped: usize,
}

impl ParamStats {
    /// No values yet.
    pub fn new(kind: ParamKind) -> ParamStats {
        ParamStats { kind, count: 0, max_abs_error: 0.0, mean_abs_error: 0.0, clipped: 0 }
    }

    /// Add one value's error.
    pub fn add(&mut self, error: f64, clipped: bool) {
        let error = error.abs();
        self.count += 1;
        self.max_abs_error = self.max_abs_error.max(error);
        self.mean_abs_error += (error - self.mean_abs_error) / self.count as f64;
        self.clipped += usize::from(clipped);
    }
}

/// The static analysis of one population.
#[derive(Debug, Clone, PartialEq)]
pub struct PopulationReport {
    /// Population name.
    pub name: String,
    /// First core neuron.
    pub start: u16,
    /// Number of neurons.
    pub len: u16,
    /// Largest positive synaptic input of one timestep into `I` (`Σ w⁺ << shift`).
    pub max_excitation: i64,
    /// Largest negative synaptic input of one timestep (`Σ |w⁻| << shift`).
    pub max_inhibition: i64,
    /// Whether one timestep's input can saturate `I`.
    pub saturation_possible: bool,
    /// Neurons (within the population) that can never fire.
    pub never_fire: Vec<u16>,
    /// Neurons that fire in every timestep they are not refractory, whatever the input.
    pub always_fire: Vec<u16>,
}

/// The quantisation report of a compilation.
#[derive(Debug, Clone, PartialEq)]
pub struct QuantReport {
    /// q: core units per membrane unit.
    pub scale: f64,
    /// Whether q was chosen by the compiler.
    pub scale_auto: bool,
    /// The weight shift s.
    pub weight_shift: u8,
    /// Whether s was chosen by the compiler.
    pub weight_shift_auto: bool,
    /// One int8 weight step in weight units: `2^s / q`.
    pub weight_step: f64,
    /// The STDP shift, if the network has `[stdp]`.
    pub stdp_shift: Option<u8>,
    /// Per parameter kind that occurs, in [`ParamKind::ALL`] order.
    pub params: Vec<ParamStats>,
    /// Non-zero float weights that became 0.
    pub zeroed_weights: usize,
    /// Per population, in placement order.
    pub populations: Vec<PopulationReport>,
    /// Everything suspicious (errors under `strict`).
    pub warnings: Vec<Diagnostic>,
}

impl QuantReport {
    /// The statistics of `kind`, if any value of that kind was quantised.
    pub fn param(&self, kind: ParamKind) -> Option<&ParamStats> {
        self.params.iter().find(|p| p.kind == kind)
    }

    /// The report as JSON (`ncx compile --report-json`).
    pub fn to_json(&self) -> Value {
        let params: Vec<Value> = self
            .params
            .iter()
            .map(|p| {
                json!({
                    "kind": p.kind.name(), "unit": p.kind.unit(), "count": p.count,
                    "max_abs_error": p.max_abs_error, "mean_abs_error": p.mean_abs_error, "clipped": p.clipped,
                })
            })
            .collect();
        let populations: Vec<Value> = self
            .populations
            .iter()
            .map(|p| {
                json!({
                    "name": p.name, "start": p.start, "len": p.len,
                    "max_excitation": p.max_excitation, "max_inhibition": p.max_inhibition,
                    "saturation_possible": p.saturation_possible,
                    "never_fire": p.never_fire, "always_fire": p.always_fire,
                })
            })
            .collect();
        let warnings: Vec<Value> = self
            .warnings
            .iter()
            .map(|w| {
                let (file, line, column) = match &w.loc {
                    Some(loc) => {
                        let lc = loc.line_col();
                        (Some(loc.file.path.display().to_string()), Some(lc.line), Some(lc.column))
                    }
                    None => (None, None, None),
                };
                json!({ "message": w.message, "file": file, "line": line, "column": column, "key": w.key, "help": w.help })
            })
            .collect();
        json!({
            "scale": self.scale, "scale_auto": self.scale_auto,
            "weight_shift": self.weight_shift, "weight_shift_auto": self.weight_shift_auto,
            "weight_step": self.weight_step, "stdp_shift": self.stdp_shift,
            "params": params, "zeroed_weights": self.zeroed_weights,
            "populations": populations, "warnings": warnings,
        })
    }
}

fn auto(yes: bool) -> &'static str {
    if yes { "auto" } else { "fixed" }
}

fn percent(x: i64, of: i64) -> String {
    format!("{:.1}%", 100.0 * x as f64 / of as f64)
}

fn indices(list: &[u16]) -> String {
    let shown: Vec<String> = list.iter().take(8).map(u16::to_string).collect();
    let more = if list.len() > 8 { format!(", … ({} in all)", list.len()) } else { String::new() };
    format!("{}{more}", shown.join(", "))
}

impl fmt::Display for QuantReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "scale q = {} core units per membrane unit ({}), weight_shift = {} ({})",
            self.scale,
            auto(self.scale_auto),
            self.weight_shift,
            auto(self.weight_shift_auto)
        )?;
        write!(f, "one weight step = {:.6} weight units", self.weight_step)?;
        if let Some(shift) = self.stdp_shift {
            write!(f, ", STDP shift = {shift}")?;
        }
        writeln!(f, "; {} non-zero weights became 0", self.zeroed_weights)?;
        writeln!(
            f,
            "{:<12} {:>8} {:>13} {:>13} {:>8}  unit",
            "parameter", "values", "max |error|", "mean |error|", "clipped"
        )?;
        for p in &self.params {
            writeln!(
                f,
                "{:<12} {:>8} {:>13.6} {:>13.6} {:>8}  {}",
                p.kind.name(),
                p.count,
                p.max_abs_error,
                p.mean_abs_error,
                p.clipped,
                p.kind.unit()
            )?;
        }
        writeln!(f, "worst-case synaptic input of one timestep (range of I: {V_MIN}..{V_MAX}):")?;
        for p in &self.populations {
            let sat = if p.saturation_possible { "SATURATION POSSIBLE" } else { "ok" };
            writeln!(
                f,
                "  {:<12} +{} ({})  -{} ({})  {sat}",
                p.name,
                p.max_excitation,
                percent(p.max_excitation, V_MAX),
                p.max_inhibition,
                percent(p.max_inhibition, -V_MIN),
            )?;
            if !p.never_fire.is_empty() {
                writeln!(f, "  {:<12} never fire: {}", "", indices(&p.never_fire))?;
            }
            if !p.always_fire.is_empty() {
                writeln!(f, "  {:<12} always fire: {}", "", indices(&p.always_fire))?;
            }
        }
        write!(f, "{} warning(s)", self.warnings.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_track_max_mean_and_clips() {
        let mut s = ParamStats::new(ParamKind::Weight);
        s.add(0.5, false);
        s.add(-1.5, true);
        s.add(0.25, false);
        // mean of 0.5, 1.5, 0.25 = 2.25 / 3 = 0.75.
        assert_eq!((s.count, s.max_abs_error, s.clipped), (3, 1.5, 1));
        assert!((s.mean_abs_error - 0.75).abs() < 1e-12);
    }
}
