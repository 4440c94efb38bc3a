//! The SVG plot of a run (plotters, no fonts needed): a spike raster — x = timestep
//! (bottom axis) and time in ms (top axis, when the image gives `timestep_us`),
//! y = core neuron, one shaded and labelled band per recorded population, a black
//! bar where a neuron fired (time cut into at most 1000 columns) — and, when neurons
//! are probed, a second panel with their membrane potential `v` (raw core units)
//! after every timestep, one line per neuron.

use std::fmt;

use ncx_model::Geometry;
use plotters::prelude::*;

use super::neuron_label;
use crate::image::Metadata;
use crate::run::{self, RunResult};

/// Width of the plot in pixels.
const WIDTH: u32 = 1000;
/// Height of the raster panel.
const RASTER_HEIGHT: u32 = 560;
/// Height of the probe panel (when there is one).
const PROBE_HEIGHT: u32 = 340;

/// The raster's time axis is cut into at most this many columns (about one per
/// pixel); spikes of a neuron in adjacent columns are drawn as one bar.
const MAX_COLUMNS: usize = 1000;

/// Axis titles, also what tests look for.
pub const TIMESTEP_LABEL: &str = "timestep";
/// See [`TIMESTEP_LABEL`].
pub const TIME_LABEL: &str = "time (ms)";
/// See [`TIMESTEP_LABEL`].
pub const NEURON_LABEL: &str = "neuron";
/// See [`TIMESTEP_LABEL`].
pub const V_LABEL: &str = "v (raw units)";

/// The plot could not be drawn (a plotters error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlotError {
    /// The plotting library's message.
    pub message: String,
}

impl fmt::Display for PlotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot draw the plot: {}\nhelp: this is a bug in ncx; please report it", self.message)
    }
}

impl std::error::Error for PlotError {}

fn plot_error(e: impl fmt::Display) -> PlotError {
    PlotError { message: e.to_string() }
}

/// The plot of `result`, a run of an image with metadata `meta` on a core of
/// `geometry`, as an SVG document.
pub fn svg(result: &RunResult, meta: &Metadata, geometry: Geometry) -> Result<String, PlotError> {
    let height = RASTER_HEIGHT + if result.probes.is_empty() { 0 } else { PROBE_HEIGHT };
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let (top, bottom) = root.split_vertically(RASTER_HEIGHT);
        raster_panel(&top, result, meta, geometry)?;
        if !result.probes.is_empty() {
            probe_panel(&bottom, result, meta)?;
        }
        root.present().map_err(plot_error)?;
    }
    Ok(out)
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn raster_panel(area: &Area<'_>, result: &RunResult, meta: &Metadata, geometry: Geometry) -> Result<(), PlotError> {
    let recorded = run::recorded(meta, geometry);
    let low = recorded.first().map_or(0.0, |&n| f64::from(n)) - 0.5;
    let high = recorded.last().map_or(0.0, |&n| f64::from(n)) + 0.5;
    let steps = result.steps as f64;
    let name = if meta.name.is_empty() { "run" } else { meta.name.as_str() };
    let mut chart = ChartBuilder::on(area)
        .caption(format!("{name}: spike raster ({} spikes recorded)", result.raster.len()), ("sans-serif", 18))
        .margin(10)
        .x_label_area_size(40)
        .top_x_label_area_size(if meta.timestep_us > 0 { 40 } else { 0 })
        .y_label_area_size(55)
        .build_cartesian_2d(0.0..steps, low..high)
        .map_err(plot_error)?
        .set_secondary_coord(0.0..steps * f64::from(meta.timestep_us) / 1000.0, low..high);
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(TIMESTEP_LABEL)
        .y_desc(NEURON_LABEL)
        .x_labels(labels(steps))
        .y_labels(labels(high - low))
        .x_label_formatter(&whole)
        .y_label_formatter(&whole)
        .draw()
        .map_err(plot_error)?;
    if meta.timestep_us > 0 {
        chart.configure_secondary_axes().x_desc(TIME_LABEL).draw().map_err(plot_error)?;
    }
    // Population bands, alternately shaded, labelled at their left end.
    let any_marked = meta.populations.iter().any(|b| b.record);
    let bands: Vec<_> = meta.populations.iter().filter(|b| b.record || !any_marked).collect();
    let shade = |k: usize| if k.is_multiple_of(2) { BLUE.mix(0.08) } else { GREEN.mix(0.08) };
    let band_range = |b: &crate::image::Block| (f64::from(b.start) - 0.5, f64::from(b.start) + f64::from(b.len) - 0.5);
    chart
        .draw_series(bands.iter().enumerate().map(|(k, b)| {
            let (y0, y1) = band_range(b);
            Rectangle::new([(0.0, y0), (steps, y1)], shade(k).filled())
        }))
        .map_err(plot_error)?;
    chart
        .draw_series(spike_runs(result).into_iter().map(|(neuron, start, end)| {
            let n = f64::from(neuron);
            Rectangle::new([(start, n - 0.4), (end, n + 0.4)], BLACK.filled())
        }))
        .map_err(plot_error)?;
    chart
        .draw_series(bands.iter().map(|b| {
            let (_, y1) = band_range(b);
            Text::new(b.name.clone(), (steps * 0.005, y1), ("sans-serif", 13).into_font().color(&RED.mix(0.9)))
        }))
        .map_err(plot_error)?;
    Ok(())
}

/// The raster as bars `(neuron, from, to)` in timesteps: time is cut into
/// `min(steps, MAX_COLUMNS)` equal columns, and each run of adjacent columns in which
/// a neuron fired is one bar — a spike at t alone is the bar t..t + 1 when there are
/// no more timesteps than columns. This keeps the SVG small for long, busy runs.
fn spike_runs(result: &RunResult) -> Vec<(u16, f64, f64)> {
    let steps = result.steps.max(1) as u128;
    let columns = result.steps.clamp(1, MAX_COLUMNS) as u128;
    let width = steps as f64 / columns as f64;
    let mut by_neuron: Vec<(u16, u128)> =
        result.raster.iter().map(|s| (s.neuron, u128::from(s.timestep) * columns / steps)).collect();
    by_neuron.sort_unstable();
    by_neuron.dedup();
    let mut runs: Vec<(u16, u128, u128)> = Vec::new();
    for (neuron, column) in by_neuron {
        match runs.last_mut() {
            Some((n, _, end)) if *n == neuron && *end == column => *end = column + 1,
            _ => runs.push((neuron, column, column + 1)),
        }
    }
    runs.into_iter().map(|(n, start, end)| (n, start as f64 * width, end as f64 * width)).collect()
}

fn probe_panel(area: &Area<'_>, result: &RunResult, meta: &Metadata) -> Result<(), PlotError> {
    let v_min = result.probes.iter().map(|p| p.v).min().unwrap_or(0);
    let v_max = result.probes.iter().map(|p| p.v).max().unwrap_or(0);
    let pad = (f64::from(v_max) - f64::from(v_min)).max(1.0) * 0.05;
    let steps = result.steps as f64;
    let mut chart = ChartBuilder::on(area)
        .caption("membrane potential of the probed neurons", ("sans-serif", 16))
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(75)
        .build_cartesian_2d(0.0..steps, f64::from(v_min) - pad..f64::from(v_max) + pad)
        .map_err(plot_error)?;
    chart
        .configure_mesh()
        .x_desc(TIMESTEP_LABEL)
        .y_desc(V_LABEL)
        .x_labels(labels(steps))
        .x_label_formatter(&whole)
        .draw()
        .map_err(plot_error)?;
    for (k, neuron) in run::probed(meta).into_iter().enumerate() {
        let color = Palette99::pick(k).to_rgba();
        let trace = result.probes.iter().filter(|p| p.neuron == neuron).map(|p| (p.timestep as f64, f64::from(p.v)));
        let (population, index) = neuron_label(meta, neuron);
        chart
            .draw_series(LineSeries::new(trace, color.stroke_width(1)))
            .map_err(plot_error)?
            .label(format!("{population}[{index}] (neuron {neuron})"))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color));
    }
    chart.configure_series_labels().border_style(BLACK).background_style(WHITE.mix(0.8)).draw().map_err(plot_error)?;
    Ok(())
}

/// A tick label: the whole number a tick sits on; ticks between whole numbers stay
/// unlabelled.
fn whole(x: &f64) -> String {
    if x.fract() == 0.0 { format!("{x:.0}") } else { String::new() }
}

/// How many ticks an axis spanning `span` whole units gets: at most one per unit, at
/// most 12.
fn labels(span: f64) -> usize {
    (span.max(1.0) as usize + 1).min(12)
}
