//! The SVGs of learning (plotters, no fonts needed; docs/learning.md §3): a confusion
//! matrix ([`confusion_svg`]), the weights of each neuron as a small image
//! ([`weight_tiles_svg`]: 8x8 tiles for the digits) and curves such as accuracy per
//! epoch ([`curve_svg`]). Each returns the whole SVG document as a string, or a
//! [`PlotError`] when its inputs do not have a consistent shape.
//!
//! - The confusion matrix has a row per true class (class 0 at the top) and a column
//!   per predicted class; when its rows have one entry more than there are rows, the
//!   last column is "none": the samples on which no output neuron spiked. Each cell is
//!   shaded by its count (white 0 to dark blue at the largest count) and shows the
//!   count; the axes are "true class" and "predicted class".
//! - The weight tiles are one tile per neuron (per row of the matrix), laid out in a
//!   grid of `max(⌈√rows⌉, min(rows, 5))` columns; a tile is `tile_width` weights wide,
//!   weight `i` of its row at column `i mod tile_width`, line `i / tile_width` (row-major,
//!   like the 8x8 digits). One colour scale, symmetric around 0, serves every tile:
//!   blue for negative, white for 0, red for positive, full colour at the largest
//!   magnitude of any weight (stated in the caption).
//! - A curve plot draws each series as a line with its points marked, a legend with the
//!   series names, and both axis labels; the axes span the data (a flat or empty range
//!   is widened to a unit around it).

use std::borrow::Cow;
use std::fmt;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::error::Help;

/// Axis title of the confusion matrix's rows; also what tests look for.
pub const TRUE_LABEL: &str = "true class";
/// Axis title of the confusion matrix's columns.
pub const PREDICTED_LABEL: &str = "predicted class";
/// The column of samples without an output spike.
pub const NONE_LABEL: &str = "none";

/// Pixels of one confusion-matrix cell.
const CELL: u32 = 48;
/// Margin of the confusion matrix around its cells: left (row labels), top (caption and
/// column labels), right, bottom (axis title).
const MARGIN: (u32, u32, u32, u32) = (90, 80, 20, 50);
/// Pixels between weight tiles, and the height of a tile's title.
const TILE_PAD: u32 = 10;
/// Height of a tile's title.
const TILE_TITLE: u32 = 18;
/// Height of the weight tiles' caption.
const TILES_CAPTION: u32 = 40;

/// Why a learning plot cannot be drawn.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlotError {
    /// The inputs do not have a consistent shape.
    #[error("cannot draw the {plot}: {problem}")]
    Shape {
        /// Which plot (`"confusion matrix"`, `"weight tiles"`, `"curve plot"`).
        plot: &'static str,
        /// What is wrong, with the numbers.
        problem: String,
    },
    /// The plotting library failed.
    #[error("cannot draw the {plot}: {message}")]
    Draw {
        /// Which plot.
        plot: &'static str,
        /// The plotting library's message.
        message: String,
    },
}

impl Help for PlotError {
    fn help(&self) -> Option<Cow<'_, str>> {
        Some("this is a bug in ncx; please report it".into())
    }
}

fn shape(plot: &'static str, problem: String) -> PlotError {
    PlotError::Shape { plot, problem }
}

/// A plotters error as a [`PlotError`] of `plot`.
fn draw(plot: &'static str) -> impl Fn(&dyn fmt::Display) -> PlotError {
    move |e| PlotError::Draw { plot, message: e.to_string() }
}

/// Draw on an SVG of `size` pixels; `paint` gets the whole area, already white.
fn svg(
    plot: &'static str,
    size: (u32, u32),
    paint: impl FnOnce(&DrawingArea<SVGBackend<'_>, plotters::coord::Shift>) -> Result<(), PlotError>,
) -> Result<String, PlotError> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        root.fill(&WHITE).map_err(|e| draw(plot)(&e))?;
        paint(&root)?;
        root.present().map_err(|e| draw(plot)(&e))?;
    }
    Ok(out)
}

/// The confusion matrix `confusion[true class][predicted class]` (rows of `classes` or
/// `classes + 1` entries, the last then counting samples without a spike) as an SVG
/// titled `title`.
pub fn confusion_svg(confusion: &[Vec<u32>], title: &str) -> Result<String, PlotError> {
    const PLOT: &str = "confusion matrix";
    let rows = confusion.len();
    if rows == 0 {
        return Err(shape(PLOT, "it has no rows (no classes)".to_owned()));
    }
    let columns = confusion[0].len();
    if columns != rows && columns != rows + 1 {
        return Err(shape(
            PLOT,
            format!(
                "its {rows} rows have {columns} entries: a row has {rows} (one per class) or {} (then `none`)",
                rows + 1
            ),
        ));
    }
    if let Some((r, row)) = confusion.iter().enumerate().find(|(_, row)| row.len() != columns) {
        return Err(shape(PLOT, format!("row {r} has {} entries but row 0 has {columns}", row.len())));
    }
    let largest = confusion.iter().flatten().copied().max().unwrap_or(0).max(1);
    let (left, top, right, bottom) = MARGIN;
    let size = (left + CELL * columns as u32 + right, top + CELL * rows as u32 + bottom);
    let name = |c: usize| if c == rows { NONE_LABEL.to_owned() } else { c.to_string() };
    svg(PLOT, size, |root| {
        let err = draw(PLOT);
        let font = |px: u32| TextStyle::from(("sans-serif", px).into_font());
        let centred = |px: u32| font(px).pos(Pos::new(HPos::Center, VPos::Center));
        let text =
            |s: String, at: (i32, i32), style: TextStyle<'_>| root.draw(&Text::new(s, at, style)).map_err(|e| err(&e));
        let cells_width = (CELL * columns as u32) as i32;
        let (left, top) = (left as i32, top as i32);
        let cell = CELL as i32;
        text(title.to_owned(), (left + cells_width / 2, 18), centred(18))?;
        text(PREDICTED_LABEL.to_owned(), (left + cells_width / 2, top - 40), centred(14))?;
        let rows_height = cell * rows as i32;
        let vertical = TextStyle::from(("sans-serif", 14).into_font().transform(FontTransform::Rotate270))
            .pos(Pos::new(HPos::Center, VPos::Center));
        text(TRUE_LABEL.to_owned(), (20, top + rows_height / 2), vertical)?;
        for c in 0..columns {
            text(name(c), (left + cell * c as i32 + cell / 2, top - 14), centred(13))?;
        }
        for (r, row) in confusion.iter().enumerate() {
            let y = top + cell * r as i32;
            text(name(r), (left - 14, y + cell / 2), font(13).pos(Pos::new(HPos::Right, VPos::Center)))?;
            for (c, &count) in row.iter().enumerate() {
                let x = left + cell * c as i32;
                let shade = f64::from(count) / f64::from(largest);
                let fill = mix((255, 255, 255), (8, 48, 107), shade);
                root.draw(&Rectangle::new([(x, y), (x + cell, y + cell)], fill.filled())).map_err(|e| err(&e))?;
                root.draw(&Rectangle::new([(x, y), (x + cell, y + cell)], RGBColor(200, 200, 200)))
                    .map_err(|e| err(&e))?;
                let ink = if shade > 0.5 { WHITE } else { BLACK };
                text(count.to_string(), (x + cell / 2, y + cell / 2), centred(13).color(&ink))?;
            }
        }
        Ok(())
    })
}

/// `from` blended towards `to` by `t` in 0..=1.
fn mix(from: (u8, u8, u8), to: (u8, u8, u8), t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0);
    let channel = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
    RGBColor(channel(from.0, to.0), channel(from.1, to.1), channel(from.2, to.2))
}

/// The diverging colour of weight `w` on a scale whose full colour is at `scale`:
/// blue below 0, white at 0, red above.
fn diverging(w: i8, scale: u8) -> RGBColor {
    let t = f64::from(w.unsigned_abs()) / f64::from(scale.max(1));
    if w < 0 { mix((255, 255, 255), (33, 102, 172), t) } else { mix((255, 255, 255), (178, 24, 43), t) }
}

/// The weights `weights` (row-major: `rows` neurons × `cols` weights) as one tile per
/// neuron, each `tile_width` weights wide, titled `titles[i]` (or `#i` when `titles` is
/// empty).
pub fn weight_tiles_svg(
    weights: &[i8],
    rows: usize,
    cols: usize,
    tile_width: usize,
    titles: &[String],
) -> Result<String, PlotError> {
    const PLOT: &str = "weight tiles";
    if rows == 0 || cols == 0 {
        return Err(shape(PLOT, format!("the matrix is {rows} x {cols}: it needs at least one neuron and one weight")));
    }
    if weights.len() != rows * cols {
        return Err(shape(PLOT, format!("{} weights are not {rows} x {cols} = {}", weights.len(), rows * cols)));
    }
    if tile_width == 0 || tile_width > cols {
        return Err(shape(PLOT, format!("a tile {tile_width} weights wide does not fit rows of {cols} weights")));
    }
    if !titles.is_empty() && titles.len() != rows {
        return Err(shape(PLOT, format!("{} titles for {rows} tiles", titles.len())));
    }
    let tile_height = cols.div_ceil(tile_width);
    let root = rows.isqrt();
    let grid_columns = if root * root == rows { root } else { root + 1 }.max(rows.min(5));
    let grid_rows = rows.div_ceil(grid_columns);
    // About 160 pixels per tile side, at least 4 per weight.
    let pixel = (160 / tile_width.max(tile_height)).clamp(4, 24) as u32;
    let (tile_w, tile_h) = (pixel * tile_width as u32, pixel * tile_height as u32);
    let (step_x, step_y) = (tile_w + TILE_PAD, tile_h + TILE_TITLE + TILE_PAD);
    let size =
        ((TILE_PAD + step_x * grid_columns as u32).max(360), TILES_CAPTION + TILE_PAD + step_y * grid_rows as u32);
    let scale = weights.iter().map(|w| w.unsigned_abs()).max().unwrap_or(0).max(1);
    svg(PLOT, size, |root| {
        let err = draw(PLOT);
        let caption = format!("weights per neuron: blue -{scale}, white 0, red +{scale}");
        let style = TextStyle::from(("sans-serif", 16).into_font()).pos(Pos::new(HPos::Center, VPos::Center));
        root.draw(&Text::new(caption, ((size.0 / 2) as i32, 20), style)).map_err(|e| err(&e))?;
        for (neuron, row) in weights.chunks(cols).enumerate() {
            let x0 = (TILE_PAD + step_x * (neuron % grid_columns) as u32) as i32;
            let y0 = (TILES_CAPTION + step_y * (neuron / grid_columns) as u32) as i32;
            let title = titles.get(neuron).cloned().unwrap_or_else(|| format!("#{neuron}"));
            let style = TextStyle::from(("sans-serif", 13).into_font()).pos(Pos::new(HPos::Center, VPos::Top));
            root.draw(&Text::new(title, (x0 + (tile_w / 2) as i32, y0), style)).map_err(|e| err(&e))?;
            let y0 = y0 + TILE_TITLE as i32;
            let p = pixel as i32;
            for (i, &w) in row.iter().enumerate() {
                let (x, y) = (x0 + p * (i % tile_width) as i32, y0 + p * (i / tile_width) as i32);
                root.draw(&Rectangle::new([(x, y), (x + p, y + p)], diverging(w, scale).filled()))
                    .map_err(|e| err(&e))?;
            }
            let frame = [(x0, y0), (x0 + tile_w as i32, y0 + tile_h as i32)];
            root.draw(&Rectangle::new(frame, RGBColor(160, 160, 160))).map_err(|e| err(&e))?;
        }
        Ok(())
    })
}

/// Curves titled `title`: each series `(name, points)` a line through its `(x, y)`
/// points, with axis labels `x_label` and `y_label` and a legend.
pub fn curve_svg(
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[(String, Vec<(f64, f64)>)],
) -> Result<String, PlotError> {
    const PLOT: &str = "curve plot";
    if series.is_empty() {
        return Err(shape(PLOT, "there is no series to draw".to_owned()));
    }
    let points = series.iter().flat_map(|(_, p)| p.iter().copied());
    if let Some((name, (x, y))) = series
        .iter()
        .flat_map(|(n, p)| p.iter().map(move |&q| (n, q)))
        .find(|(_, (x, y))| !(x.is_finite() && y.is_finite()))
    {
        return Err(shape(PLOT, format!("series `{name}` has the point ({x}, {y}): every coordinate must be finite")));
    }
    let range = |values: Vec<f64>| {
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if !lo.is_finite() {
            (0.0, 1.0)
        } else if hi - lo < f64::EPSILON * hi.abs().max(1.0) {
            (lo - 0.5, hi + 0.5)
        } else {
            let pad = (hi - lo) * 0.05;
            (lo - pad, hi + pad)
        }
    };
    let (x0, x1) = range(points.clone().map(|(x, _)| x).collect());
    let (y0, y1) = range(points.map(|(_, y)| y).collect());
    svg(PLOT, (800, 500), |root| {
        let err = draw(PLOT);
        let mut chart = ChartBuilder::on(root)
            .caption(title, ("sans-serif", 18))
            .margin(15)
            .x_label_area_size(45)
            .y_label_area_size(65)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(|e| err(&e))?;
        chart.configure_mesh().x_desc(x_label).y_desc(y_label).draw().map_err(|e| err(&e))?;
        for (k, (name, points)) in series.iter().enumerate() {
            let color = Palette99::pick(k).to_rgba();
            chart
                .draw_series(LineSeries::new(points.iter().copied(), color.stroke_width(2)))
                .map_err(|e| err(&e))?
                .label(name.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
            chart.draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled()))).map_err(|e| err(&e))?;
        }
        chart
            .configure_series_labels()
            .border_style(BLACK)
            .background_style(WHITE.mix(0.8))
            .position(SeriesLabelPosition::LowerRight)
            .draw()
            .map_err(|e| err(&e))?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny well-formedness check: one SVG document.
    fn is_svg(s: &str) -> bool {
        let s = s.trim();
        s.starts_with("<svg") && s.ends_with("</svg>") && s.matches("<svg").count() == 1
    }

    /// The contents of every `<text>` element, in order.
    fn texts(s: &str) -> Vec<String> {
        s.split("<text")
            .skip(1)
            .filter_map(|t| Some(t.split_once('>')?.1.split_once("</text>")?.0.trim().to_owned()))
            .collect()
    }

    /// The `width` and `height` attributes of the document.
    fn size(s: &str) -> (u32, u32) {
        let attribute = |name: &str| {
            let at = s.find(&format!("{name}=\"")).expect("attribute") + name.len() + 2;
            s[at..].split('"').next().expect("value").parse::<u32>().expect("a number")
        };
        (attribute("width"), attribute("height"))
    }

    #[test]
    fn the_confusion_matrix_shows_every_count_and_the_axes() {
        let m = vec![vec![5, 1, 0, 2], vec![0, 7, 3, 0], vec![1, 0, 9, 4]];
        let s = confusion_svg(&m, "digits test").unwrap();
        assert!(is_svg(&s));
        let all = texts(&s);
        for text in ["digits test", TRUE_LABEL, PREDICTED_LABEL, NONE_LABEL, "0", "1", "2", "5", "7", "9", "4"] {
            assert!(all.contains(&text.to_owned()), "{text}: {all:?}");
        }
        // The title, two axis titles, 4 column and 3 row labels, 12 counts.
        assert_eq!(all.len(), 3 + 4 + 3 + 12);
        // 3 rows of 4 columns: 12 cells, each a filled and an outlined rectangle.
        assert_eq!(size(&s), (90 + 4 * 48 + 20, 80 + 3 * 48 + 50));
        assert_eq!(s.matches("<rect").count(), 1 + 2 * 12);
        // Without the none column.
        let s = confusion_svg(&[vec![1, 0], vec![0, 1]], "t").unwrap();
        assert!(!texts(&s).contains(&NONE_LABEL.to_owned()));
        assert_eq!(size(&s), (90 + 2 * 48 + 20, 80 + 2 * 48 + 50));
    }

    #[test]
    fn confusion_shapes_are_checked() {
        assert!(matches!(confusion_svg(&[], "t"), Err(PlotError::Shape { .. })));
        let e = confusion_svg(&[vec![1, 2, 3, 4], vec![1, 2, 3, 4]], "t").unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot draw the confusion matrix: its 2 rows have 4 entries: a row has 2 (one per class) or 3 (then `none`)"
        );
        let e = confusion_svg(&[vec![1, 2], vec![1]], "t").unwrap_err();
        assert_eq!(e.to_string(), "cannot draw the confusion matrix: row 1 has 1 entries but row 0 has 2");
    }

    #[test]
    fn weight_tiles_are_one_per_neuron_on_a_symmetric_scale() {
        // 10 neurons of 64 weights: 8x8 tiles, 20 pixels per weight, 5 per grid row.
        let weights: Vec<i8> = (0..640).map(|i| ((i * 7) % 255) as i8).collect();
        let titles: Vec<String> = (0..10).map(|c| format!("class {c}")).collect();
        let s = weight_tiles_svg(&weights, 10, 64, 8, &titles).unwrap();
        assert!(is_svg(&s));
        assert!(titles.iter().all(|t| s.contains(t.as_str())));
        assert!(s.contains("blue -128, white 0, red +128"));
        assert_eq!(size(&s), (10 + 5 * (160 + 10), 40 + 10 + 2 * (160 + 18 + 10)));
        // One rectangle per weight and a frame per tile.
        assert_eq!(s.matches("<rect").count(), 1 + 640 + 10);
        // Default titles.
        let s = weight_tiles_svg(&[1, -1, 2, -2], 2, 2, 2, &[]).unwrap();
        assert!(s.contains("#0") && s.contains("#1"));
        assert!(s.contains("blue -2, white 0, red +2"));
    }

    #[test]
    fn the_colour_scale_is_diverging_and_symmetric() {
        assert_eq!(diverging(0, 10), RGBColor(255, 255, 255));
        assert_eq!(diverging(10, 10), RGBColor(178, 24, 43));
        assert_eq!(diverging(-10, 10), RGBColor(33, 102, 172));
        // Half way: each channel half way from white.
        assert_eq!(diverging(5, 10), RGBColor(217, 140, 149));
        assert_eq!(diverging(-5, 10), RGBColor(144, 179, 214));
        assert_eq!(diverging(-128, 128), RGBColor(33, 102, 172));
    }

    #[test]
    fn weight_tile_shapes_are_checked() {
        let e = weight_tiles_svg(&[0; 10], 2, 4, 2, &[]).unwrap_err();
        assert_eq!(e.to_string(), "cannot draw the weight tiles: 10 weights are not 2 x 4 = 8");
        assert!(matches!(weight_tiles_svg(&[], 0, 4, 2, &[]), Err(PlotError::Shape { .. })));
        assert!(matches!(weight_tiles_svg(&[0; 8], 2, 4, 0, &[]), Err(PlotError::Shape { .. })));
        assert!(matches!(weight_tiles_svg(&[0; 8], 2, 4, 5, &[]), Err(PlotError::Shape { .. })));
        let e = weight_tiles_svg(&[0; 8], 2, 4, 2, &["a".to_owned()]).unwrap_err();
        assert_eq!(e.to_string(), "cannot draw the weight tiles: 1 titles for 2 tiles");
    }

    #[test]
    fn curves_have_a_legend_and_axis_labels() {
        let series = vec![
            ("train".to_owned(), vec![(1.0, 0.80), (2.0, 0.90), (3.0, 0.95)]),
            ("test".to_owned(), vec![(1.0, 0.78), (2.0, 0.88), (3.0, 0.93)]),
        ];
        let s = curve_svg("accuracy per epoch", "epoch", "accuracy", &series).unwrap();
        assert!(is_svg(&s));
        for text in ["accuracy per epoch", "epoch", "accuracy", "train", "test"] {
            assert!(s.contains(text), "{text}");
        }
        assert_eq!(size(&s), (800, 500));
        // Each point is marked.
        assert_eq!(s.matches("<circle").count(), 6);
        // One point, or an empty series, still draws.
        assert!(is_svg(&curve_svg("t", "x", "y", &[("a".to_owned(), vec![(1.0, 1.0)])]).unwrap()));
        assert!(is_svg(&curve_svg("t", "x", "y", &[("a".to_owned(), vec![])]).unwrap()));
    }

    #[test]
    fn curve_inputs_are_checked() {
        assert!(matches!(curve_svg("t", "x", "y", &[]), Err(PlotError::Shape { .. })));
        let e = curve_svg("t", "x", "y", &[("a".to_owned(), vec![(1.0, f64::NAN)])]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot draw the curve plot: series `a` has the point (1, NaN): every coordinate must be finite"
        );
    }
}
