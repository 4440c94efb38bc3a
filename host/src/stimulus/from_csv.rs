//! CSV stimuli: a header `timestep,input`, then one spike per line. The input is
//! `group:index` (index within an input group of the image) or a bare core input
//! index. Blank lines and lines starting with `#` are skipped; spaces around fields
//! are ignored; there is no quoting. Errors name the line.

use super::{Builder, Loaded, Location, StimulusError, StimulusErrorKind as K, StimulusOptions};
use crate::image::Image;

/// Resolve CSV text (see the module documentation).
pub(super) fn parse(text: &str, file: &str, image: &Image, options: &StimulusOptions) -> Result<Loaded, StimulusError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = text
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'));
    let err = |line: usize, kind: K| StimulusError::new(Location::at_line(file, line), kind);
    match rows.next() {
        Some((line, header)) => {
            let fields: Vec<&str> = header.split(',').map(str::trim).collect();
            if fields != ["timestep", "input"] {
                return Err(err(line, K::CsvHeader { found: header.to_owned() }));
            }
        }
        None => return Err(err(1, K::CsvHeader { found: String::new() })),
    }
    let mut builder = Builder::new(options.steps);
    for (line, row) in rows {
        let fields: Vec<&str> = row.split(',').map(str::trim).collect();
        let [timestep, input] = fields[..] else {
            return Err(err(line, K::CsvFields { found: fields.len() }));
        };
        let t = whole("timestep", timestep).map_err(|kind| err(line, kind))?;
        let input = resolve_input(input, image).map_err(|kind| err(line, kind))?;
        builder.add(t, input, || Location::at_line(file, line));
    }
    Ok(builder.finish(options.seed.unwrap_or(0)))
}

/// A non-negative whole number.
fn whole(key: &'static str, text: &str) -> Result<u64, K> {
    if let Ok(value) = text.parse::<u64>() {
        Ok(value)
    } else if let Ok(value) = text.parse::<i64>() {
        Err(K::Negative { key, value })
    } else if !text.is_empty() && text.bytes().all(|c| c.is_ascii_digit()) {
        Err(K::TooLarge { key, value: text.to_owned() })
    } else {
        Err(K::NotWhole { key, value: text.to_owned() })
    }
}

/// `group:index` or a core input index → core input index.
fn resolve_input(text: &str, image: &Image) -> Result<u16, K> {
    let Some((group, index)) = text.rsplit_once(':') else {
        if text.parse::<i64>().is_err() {
            return Err(K::CsvInput { text: text.to_owned() });
        }
        let index = whole("input", text)?;
        let inputs = image.geometry.inputs();
        return match u16::try_from(index) {
            Ok(input) if usize::from(input) < inputs => Ok(input),
            _ => Err(K::InputPastCore { index, inputs }),
        };
    };
    let (group, index) = (group.trim(), index.trim());
    if index.parse::<i64>().is_err() {
        return Err(K::CsvInput { text: text.to_owned() });
    }
    let index = whole("input", index)?;
    let meta = &image.meta;
    let Some(block) = meta.input_group(group) else {
        let known = meta.inputs.iter().map(|b| (b.name.clone(), b.len)).collect();
        return Err(K::UnknownGroup { name: group.to_owned(), known });
    };
    match u16::try_from(index) {
        Ok(i) if i < block.len => Ok(block.start.saturating_add(i)),
        _ => Err(K::IndexPastGroup { key: "input", group: block.name.clone(), index, len: block.len }),
    }
}
