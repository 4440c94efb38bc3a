//! The SVG plot of a run (plotters, no fonts needed): a spike raster — x = timestep
//! (bottom axis) and time in ms (top axis, when the image gives `timestep_us`),
//! y = core neuron, one shaded and labelled band per recorded population, a black
//! bar where a neuron fired (time cut into at most 1000 columns) — and, when neurons
//! are probed, a second panel with their membrane potential `v` (raw core units)
//! after every timestep, one line per neuron.
//!
//! A [`Plot`] gathers what it draws as the run goes, in memory independent of the
//! run's length: per recorded neuron a bit per column, per probed neuron and column
//! the first, lowest, highest and last sample (in time order, so the line drawn through
//! them covers every sample's height at the plot's resolution; with no more timesteps
//! than columns, every sample is drawn).

use std::borrow::Cow;
use std::fmt;

use ncx_model::Geometry;
use plotters::prelude::*;

use super::neuron_label;
use crate::error::Help;
use crate::image::Metadata;
use crate::run::{self, ProbeSample, RunResult};

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
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot draw the plot: {message}")]
pub struct PlotError {
    /// The plotting library's message.
    pub message: String,
}

impl Help for PlotError {
    fn help(&self) -> Option<Cow<'_, str>> {
        Some("this is a bug in ncx; please report it".into())
    }
}

fn plot_error(e: impl fmt::Display) -> PlotError {
    PlotError { message: e.to_string() }
}

/// The first, lowest, highest and last probe sample of a column, as (timestep, v).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Envelope {
    first: (u64, i32),
    low: (u64, i32),
    high: (u64, i32),
    last: (u64, i32),
}

impl Envelope {
    fn new(sample: (u64, i32)) -> Envelope {
        Envelope { first: sample, low: sample, high: sample, last: sample }
    }

    fn add(&mut self, sample: (u64, i32)) {
        if sample.1 < self.low.1 {
            self.low = sample;
        }
        if sample.1 > self.high.1 {
            self.high = sample;
        }
        self.last = sample;
    }

    /// Its distinct samples in time order.
    fn points(&self) -> Vec<(u64, i32)> {
        let mut points = vec![self.first, self.low, self.high, self.last];
        points.sort_unstable_by_key(|&(t, _)| t);
        points.dedup();
        points
    }
}

/// What the plot of a run draws, gathered a timestep at a time (module docs).
#[derive(Debug, Clone)]
pub struct Plot {
    /// The run's planned length in timesteps.
    steps: u64,
    columns: u64,
    /// Per core neuron, a bit per column: did it fire in the column?
    fired: Vec<Vec<u64>>,
    recorded_spikes: u64,
    /// The probed neurons, ascending, and per probed neuron an envelope per column.
    probed: Vec<u16>,
    envelopes: Vec<Vec<Option<Envelope>>>,
}

impl Plot {
    /// An empty plot of a run of `steps` timesteps of an image with metadata `meta` on
    /// a core of `geometry`.
    pub fn new(steps: u64, meta: &Metadata, geometry: Geometry) -> Plot {
        let columns = steps.clamp(1, MAX_COLUMNS as u64);
        let words = columns.div_ceil(64) as usize;
        let probed = run::probed(meta);
        Plot {
            steps: steps.max(1),
            columns,
            fired: vec![vec![0; words]; geometry.neurons()],
            recorded_spikes: 0,
            envelopes: vec![vec![None; columns as usize]; probed.len()],
            probed,
        }
    }

    /// The column of timestep `t`.
    fn column(&self, t: u64) -> u64 {
        (u128::from(t) * u128::from(self.columns) / u128::from(self.steps)).min(u128::from(self.columns - 1)) as u64
    }

    /// Add one timestep: the recorded neurons that fired, the probe samples.
    pub fn add(&mut self, timestep: u64, spikes: &[u16], probes: &[ProbeSample]) {
        let column = self.column(timestep);
        let (word, bit) = ((column / 64) as usize, column % 64);
        for &neuron in spikes {
            if let Some(bits) = self.fired.get_mut(usize::from(neuron)) {
                bits[word] |= 1 << bit;
            }
        }
        self.recorded_spikes += spikes.len() as u64;
        for sample in probes {
            let Ok(k) = self.probed.binary_search(&sample.neuron) else { continue };
            let slot = &mut self.envelopes[k][column as usize];
            match slot {
                Some(envelope) => envelope.add((sample.timestep, sample.v)),
                None => *slot = Some(Envelope::new((sample.timestep, sample.v))),
            }
        }
    }

    /// The plot as an SVG document.
    pub fn svg(&self, meta: &Metadata, geometry: Geometry) -> Result<String, PlotError> {
        let probes = self.envelopes.iter().flatten().any(Option::is_some);
        let height = RASTER_HEIGHT + if probes { PROBE_HEIGHT } else { 0 };
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
            root.fill(&WHITE).map_err(plot_error)?;
            let (top, bottom) = root.split_vertically(RASTER_HEIGHT);
            self.raster_panel(&top, meta, geometry)?;
            if probes {
                self.probe_panel(&bottom, meta)?;
            }
            root.present().map_err(plot_error)?;
        }
        Ok(out)
    }
}

/// The plot of `result`, a run of an image with metadata `meta` on a core of
/// `geometry`, as an SVG document.
pub fn svg(result: &RunResult, meta: &Metadata, geometry: Geometry) -> Result<String, PlotError> {
    let mut plot = Plot::new(result.steps as u64, meta, geometry);
    let mut raster = result.raster.iter().peekable();
    let mut probes = result.probes.iter().peekable();
    let mut spikes = Vec::new();
    let mut samples = Vec::new();
    while let Some(t) =
        [raster.peek().map(|s| s.timestep), probes.peek().map(|p| p.timestep)].into_iter().flatten().min()
    {
        spikes.clear();
        samples.clear();
        while let Some(s) = raster.next_if(|s| s.timestep == t) {
            spikes.push(s.neuron);
        }
        while let Some(p) = probes.next_if(|p| p.timestep == t) {
            samples.push(*p);
        }
        plot.add(t, &spikes, &samples);
    }
    plot.svg(meta, geometry)
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

impl Plot {
    fn raster_panel(&self, area: &Area<'_>, meta: &Metadata, geometry: Geometry) -> Result<(), PlotError> {
        let recorded = run::recorded(meta, geometry);
        let low = recorded.first().map_or(0.0, |&n| f64::from(n)) - 0.5;
        let high = recorded.last().map_or(0.0, |&n| f64::from(n)) + 0.5;
        let steps = self.steps as f64;
        let name = if meta.name.is_empty() { "run" } else { meta.name.as_str() };
        let mut chart = ChartBuilder::on(area)
            .caption(format!("{name}: spike raster ({} spikes recorded)", self.recorded_spikes), ("sans-serif", 18))
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
        let band_range =
            |b: &crate::image::Block| (f64::from(b.start) - 0.5, f64::from(b.start) + f64::from(b.len) - 0.5);
        chart
            .draw_series(bands.iter().enumerate().map(|(k, b)| {
                let (y0, y1) = band_range(b);
                Rectangle::new([(0.0, y0), (steps, y1)], shade(k).filled())
            }))
            .map_err(plot_error)?;
        chart
            .draw_series(self.spike_runs().into_iter().map(|(neuron, start, end)| {
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
    /// `min(steps, MAX_COLUMNS)` equal columns, and each run of adjacent columns in
    /// which a neuron fired is one bar — a spike at t alone is the bar t..t + 1 when
    /// there are no more timesteps than columns. This keeps the SVG small for long,
    /// busy runs.
    fn spike_runs(&self) -> Vec<(u16, f64, f64)> {
        let width = self.steps as f64 / self.columns as f64;
        let mut runs = Vec::new();
        for (neuron, bits) in self.fired.iter().enumerate() {
            let fired = |c: u64| bits[(c / 64) as usize] >> (c % 64) & 1 == 1;
            let mut c = 0;
            while c < self.columns {
                if fired(c) {
                    let start = c;
                    while c < self.columns && fired(c) {
                        c += 1;
                    }
                    // N is at most 1024.
                    runs.push((neuron as u16, start as f64 * width, c as f64 * width));
                } else {
                    c += 1;
                }
            }
        }
        runs
    }

    fn probe_panel(&self, area: &Area<'_>, meta: &Metadata) -> Result<(), PlotError> {
        let envelopes = self.envelopes.iter().flatten().flatten();
        let v_min = envelopes.clone().map(|e| e.low.1).min().unwrap_or(0);
        let v_max = envelopes.map(|e| e.high.1).max().unwrap_or(0);
        let pad = (f64::from(v_max) - f64::from(v_min)).max(1.0) * 0.05;
        let steps = self.steps as f64;
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
        for (k, (&neuron, columns)) in self.probed.iter().zip(&self.envelopes).enumerate() {
            let color = Palette99::pick(k).to_rgba();
            let trace = columns.iter().flatten().flat_map(Envelope::points).map(|(t, v)| (t as f64, f64::from(v)));
            let (population, index) = neuron_label(meta, neuron);
            chart
                .draw_series(LineSeries::new(trace, color.stroke_width(1)))
                .map_err(plot_error)?
                .label(format!("{population}[{index}] (neuron {neuron})"))
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color));
        }
        chart
            .configure_series_labels()
            .border_style(BLACK)
            .background_style(WHITE.mix(0.8))
            .draw()
            .map_err(plot_error)?;
        Ok(())
    }
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
