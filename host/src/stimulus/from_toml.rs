//! TOML stimuli: a `seed` and arrays of tables `[[spikes]]` (explicit spike lists),
//! `[[poisson]]`, `[[latency]]` and `[[regular]]` (encoders), each addressing inputs
//! of one input group. The tables are read by [`toml_tables`] (the network reader's
//! positions and typo suggestions); numbers keep their spans, so every error points at
//! the value (file:line:column).

use std::ops::Range;

use toml::Spanned;

use super::toml_tables::{self, IntList, Latency, Num, Number, Numbers, Poisson, Regular, Spikes};
use super::{Builder, Loaded, Location, StimulusError, StimulusErrorKind as K, StimulusOptions, encode};
use crate::image::{Block, Image};

/// A run of whole numbers `start..end` written at `span`.
struct Piece {
    start: u64,
    end: u64,
    span: Range<usize>,
}

/// Resolve TOML stimulus text (see the module documentation).
pub(super) fn parse(text: &str, file: &str, image: &Image, options: &StimulusOptions) -> Result<Loaded, StimulusError> {
    let parsed = toml_tables::read(text, file)?;
    let cx = Context { file, text, image, steps: options.steps as u64 };
    let seed = match (options.seed, &parsed.seed) {
        (Some(seed), _) => seed,
        (None, Some(seed)) => cx.whole("seed", seed)?,
        (None, None) => 0,
    };
    let mut out = Builder::new(options.steps);
    for table in &parsed.spikes {
        cx.spikes(table.get_ref(), &mut out)?;
    }
    for (k, table) in parsed.poisson.iter().enumerate() {
        let k = u32::try_from(k).unwrap_or(u32::MAX);
        cx.poisson(table.span(), table.get_ref(), (seed, k), &mut out)?;
    }
    for table in &parsed.latency {
        cx.latency(table.get_ref(), &mut out)?;
    }
    for table in &parsed.regular {
        cx.regular(table.get_ref(), &mut out)?;
    }
    Ok(out.finish(seed))
}

/// What resolution needs: the text (for locations), the image and the run's length.
struct Context<'a> {
    file: &'a str,
    text: &'a str,
    image: &'a Image,
    steps: u64,
}

impl Context<'_> {
    fn error(&self, span: Range<usize>, kind: K) -> StimulusError {
        StimulusError::new(Location::at_offset(self.file, self.text, span.start), kind)
    }

    /// A non-negative integer.
    fn whole(&self, key: &'static str, n: &Spanned<Num>) -> Result<u64, StimulusError> {
        match *n.get_ref() {
            Num::Int(v) => u64::try_from(v).map_err(|_| self.error(n.span(), K::Negative { key, value: v })),
            Num::Float(_) => {
                let value = self.text.get(n.span()).unwrap_or_default().to_owned();
                Err(self.error(n.span(), K::NotWhole { key, value }))
            }
        }
    }

    /// An integer, at least 1.
    fn count(&self, key: &'static str, n: &Spanned<Num>) -> Result<u64, StimulusError> {
        match self.whole(key, n)? {
            0 => Err(self.error(n.span(), K::Zero { key })),
            v => Ok(v),
        }
    }

    /// A finite number (NaN and infinities are errors at the value).
    fn real(&self, key: &'static str, n: &Spanned<Num>) -> Result<f64, StimulusError> {
        let value = match *n.get_ref() {
            Num::Int(v) => v as f64,
            Num::Float(v) => v,
        };
        if value.is_finite() { Ok(value) } else { Err(self.error(n.span(), K::NotFinite { key, value })) }
    }

    fn group(&self, name: &Spanned<String>) -> Result<&Block, StimulusError> {
        let meta = &self.image.meta;
        meta.input_group(name.get_ref()).ok_or_else(|| {
            let known = meta.inputs.iter().map(|b| (b.name.clone(), b.len)).collect();
            self.error(name.span(), K::UnknownGroup { name: name.get_ref().clone(), known })
        })
    }

    /// The runs of whole numbers of a list.
    fn pieces(&self, key: &'static str, list: &Spanned<IntList>) -> Result<Vec<Piece>, StimulusError> {
        match list.get_ref() {
            IntList::Items(items) => items
                .iter()
                .map(|n| self.whole(key, n).map(|v| Piece { start: v, end: v.saturating_add(1), span: n.span() }))
                .collect(),
            IntList::Range(text) => {
                let syntax = || self.error(list.span(), K::RangeSyntax { key, text: text.clone() });
                let (a, b) = text.split_once("..").ok_or_else(syntax)?;
                let bound = |bound: &str| -> Result<u64, StimulusError> {
                    let bound = bound.trim();
                    if let Ok(v) = bound.parse::<u64>() {
                        return Ok(v);
                    }
                    let digits = bound.strip_prefix('-').unwrap_or(bound);
                    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
                        return Err(syntax());
                    }
                    Err(match bound.parse::<i64>() {
                        Ok(value) => self.error(list.span(), K::Negative { key, value }),
                        Err(_) if bound.starts_with('-') => syntax(),
                        Err(_) => self.error(list.span(), K::TooLarge { key, value: bound.to_owned() }),
                    })
                };
                match (bound(a)?, bound(b)?) {
                    (start, end) if start <= end => Ok(vec![Piece { start, end, span: list.span() }]),
                    _ => Err(syntax()),
                }
            }
        }
    }

    /// The core inputs a table addresses: `index`, `indices`, or the whole group.
    fn select(
        &self,
        group: &Spanned<String>,
        index: &Number,
        indices: &Option<Spanned<IntList>>,
    ) -> Result<Vec<u16>, StimulusError> {
        let block = self.group(group)?;
        let pieces = match (index, indices) {
            (Some(_), Some(list)) => return Err(self.error(list.span(), K::Conflict { key: "indices", with: "index" })),
            (Some(n), None) => {
                let v = self.whole("index", n)?;
                vec![("index", Piece { start: v, end: v.saturating_add(1), span: n.span() })]
            }
            (None, Some(list)) => self.pieces("indices", list)?.into_iter().map(|p| ("indices", p)).collect(),
            (None, None) => vec![("indices", Piece { start: 0, end: u64::from(block.len), span: group.span() })],
        };
        let mut inputs = Vec::new();
        for (key, piece) in pieces {
            if piece.end > u64::from(block.len) {
                let kind = K::IndexPastGroup { key, group: block.name.clone(), index: piece.end - 1, len: block.len };
                return Err(self.error(piece.span, kind));
            }
            // Both bounds are at most block.len, a u16.
            inputs.extend((piece.start as u16..piece.end as u16).map(|i| block.start.saturating_add(i)));
        }
        Ok(inputs)
    }

    /// `from` (default 0) and the end of the range: `to` (default: the run's
    /// length), clipped to the run.
    fn range(&self, from: &Number, to: &Number) -> Result<(u64, u64), StimulusError> {
        let start = from.as_ref().map(|n| self.whole("from", n)).transpose()?.unwrap_or(0);
        let end = match to {
            Some(n) => {
                let end = self.whole("to", n)?;
                if start > end {
                    return Err(self.error(n.span(), K::Backwards { from: start, to: end }));
                }
                end.min(self.steps)
            }
            None => self.steps,
        };
        Ok((start, end))
    }

    fn check_length(&self, key: &'static str, values: &Numbers, expected: usize) -> Result<(), StimulusError> {
        let got = values.get_ref().len();
        if got == expected { Ok(()) } else { Err(self.error(values.span(), K::Length { key, got, expected })) }
    }

    /// `max_value` (default 1), positive and finite.
    fn max_value(&self, max_value: &Number) -> Result<f64, StimulusError> {
        let Some(n) = max_value else { return Ok(1.0) };
        let value = self.real("max_value", n)?;
        if value > 0.0 && value.is_finite() { Ok(value) } else { Err(self.error(n.span(), K::MaxValue { value })) }
    }

    /// A value divided by `max_value`, checked to be within 0..=1.
    fn scaled(&self, n: &Spanned<Num>, max: f64) -> Result<f64, StimulusError> {
        let value = self.real("values", n)?;
        if (0.0..=max).contains(&value) { Ok(value / max) } else { Err(self.error(n.span(), K::Value { value, max })) }
    }

    fn probability(&self, key: &'static str, n: &Spanned<Num>) -> Result<f64, StimulusError> {
        let value = self.real(key, n)?;
        if (0.0..=1.0).contains(&value) { Ok(value) } else { Err(self.error(n.span(), K::Probability { key, value })) }
    }

    /// A rate in Hz as a probability per timestep: `hz · timestep_us / 1e6`.
    fn hz(&self, key: &'static str, n: &Spanned<Num>) -> Result<f64, StimulusError> {
        let timestep_us = self.image.meta.timestep_us;
        if timestep_us == 0 {
            return Err(self.error(n.span(), K::NoTimestep { key }));
        }
        let hz = self.real(key, n)?;
        let p = hz * f64::from(timestep_us) / 1e6;
        if hz >= 0.0 && p <= 1.0 { Ok(p) } else { Err(self.error(n.span(), K::Rate { key, hz, timestep_us })) }
    }

    fn spikes(&self, t: &Spikes, out: &mut Builder) -> Result<(), StimulusError> {
        let inputs = self.select(&t.group, &t.index, &t.indices)?;
        let steps = self.pieces("steps", &t.steps)?;
        for &input in &inputs {
            for piece in &steps {
                out.add_range(piece.start, piece.end, input, || {
                    Location::at_offset(self.file, self.text, piece.span.start)
                });
            }
        }
        Ok(())
    }

    /// A `[[poisson]]` table; `seed` is the stimulus seed and the table's ordinal.
    fn poisson(
        &self,
        span: Range<usize>,
        t: &Poisson,
        seed: (u64, u32),
        out: &mut Builder,
    ) -> Result<(), StimulusError> {
        let inputs = self.select(&t.group, &t.index, &t.indices)?;
        let (from, end) = self.range(&t.from, &t.to)?;
        let probabilities = self.poisson_probabilities(span, t, inputs.len())?;
        for (&input, &p) in inputs.iter().zip(&probabilities) {
            let stream = encode::poisson_stream_seed(seed.0, seed.1, input);
            out.train(input, encode::Train::poisson(stream, p, from, end));
        }
        Ok(())
    }

    /// The spike probability per timestep of every selected input.
    fn poisson_probabilities(&self, span: Range<usize>, t: &Poisson, n: usize) -> Result<Vec<f64>, StimulusError> {
        const KEYS: &[&str] = &["rate", "rates", "probability", "probabilities", "values"];
        let given = [t.rate.is_some(), t.rates.is_some(), t.probability.is_some(), t.probabilities.is_some()]
            .into_iter()
            .chain([t.values.is_some()])
            .filter(|&b| b)
            .count();
        if given != 1 {
            return Err(self.error(span, K::OneOf { table: "poisson", keys: KEYS, given }));
        }
        let Some(values) = &t.values else {
            for (key, n) in
                [("max_rate", &t.max_rate), ("max_probability", &t.max_probability), ("max_value", &t.max_value)]
            {
                if let Some(n) = n {
                    return Err(self.error(n.span(), K::Needs { key, needs: "values" }));
                }
            }
            return if let Some(rate) = &t.rate {
                Ok(vec![self.hz("rate", rate)?; n])
            } else if let Some(rates) = &t.rates {
                self.check_length("rates", rates, n)?;
                rates.get_ref().iter().map(|r| self.hz("rates", r)).collect()
            } else if let Some(p) = &t.probability {
                Ok(vec![self.probability("probability", p)?; n])
            } else if let Some(ps) = &t.probabilities {
                self.check_length("probabilities", ps, n)?;
                ps.get_ref().iter().map(|p| self.probability("probabilities", p)).collect()
            } else {
                Ok(Vec::new())
            };
        };
        let max_p = match (&t.max_rate, &t.max_probability) {
            (Some(rate), None) => self.hz("max_rate", rate)?,
            (None, Some(p)) => self.probability("max_probability", p)?,
            (a, b) => {
                let given = usize::from(a.is_some()) + usize::from(b.is_some());
                let keys = &["max_rate", "max_probability"];
                return Err(self.error(values.span(), K::OneOf { table: "poisson", keys, given }));
            }
        };
        let max = self.max_value(&t.max_value)?;
        self.check_length("values", values, n)?;
        values.get_ref().iter().map(|v| Ok(self.scaled(v, max)? * max_p)).collect()
    }

    fn latency(&self, t: &Latency, out: &mut Builder) -> Result<(), StimulusError> {
        let inputs = self.select(&t.group, &t.index, &t.indices)?;
        let max = self.max_value(&t.max_value)?;
        self.check_length("values", &t.values, inputs.len())?;
        let window = self.count("window", &t.window)?;
        let period = match &t.period {
            Some(n) => {
                let period = self.count("period", n)?;
                if period < window {
                    return Err(self.error(n.span(), K::Overlap { period, window }));
                }
                Some(period)
            }
            None => None,
        };
        let (from, end) = self.range(&t.from, &t.to)?;
        for (&input, value) in inputs.iter().zip(t.values.get_ref()) {
            let offset = encode::latency_offset(self.scaled(value, max)?, window);
            out.train(input, encode::Train::latency(offset, from, period, end));
        }
        Ok(())
    }

    fn regular(&self, t: &Regular, out: &mut Builder) -> Result<(), StimulusError> {
        let inputs = self.select(&t.group, &t.index, &t.indices)?;
        let period = self.count("period", &t.period)?;
        let phase = match &t.phase {
            Some(n) => {
                let phase = self.whole("phase", n)?;
                if phase >= period {
                    return Err(self.error(n.span(), K::Phase { phase, period }));
                }
                phase
            }
            None => 0,
        };
        let (from, end) = self.range(&t.from, &t.to)?;
        for &input in &inputs {
            out.train(input, encode::Train::regular(period, phase, from, end));
        }
        Ok(())
    }
}
