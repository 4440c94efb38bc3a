//! Output files (docs/outputs.md): CSV quoting, atomic writes, and the SVG plot.

use std::io;

use crate::run_common::{TINY_STEPS, fixture, tiny_network};
use ncx::error::Report;
use ncx::image::Image;
use ncx::output::{self, plot};
use ncx::progress::NoProgress;
use ncx::run::{self, RunOptions, RunResult, Spike, Target};
use ncx::stimulus::{self, StimulusOptions};

fn run_tiny(image: &Image) -> RunResult {
    let opts = StimulusOptions { steps: TINY_STEPS, seed: None };
    let stim = stimulus::load(fixture("tiny.toml").as_ref(), image, &opts).expect("loads").stimulus;
    run::run(image, &stim, &RunOptions { steps: TINY_STEPS, target: Target::Model }, &mut NoProgress).expect("runs")
}

/// The text elements of an SVG written by plotters (each on its own line).
fn has_text(svg: &str, text: &str) -> bool {
    svg.contains(&format!(">\n{text}\n</text>"))
}

#[test]
fn the_plot_has_a_raster_and_a_probe_panel() {
    let image = tiny_network();
    let svg = plot::svg(&run_tiny(&image), &image.meta, image.geometry).expect("draws");
    assert!(svg.starts_with("<svg width=\"1000\" height=\"900\""), "{}", &svg[..80]);
    assert!(svg.trim_end().ends_with("</svg>"));
    for label in [
        "tiny: spike raster (6 spikes recorded)",
        plot::TIMESTEP_LABEL,
        plot::TIME_LABEL,
        plot::NEURON_LABEL,
        plot::V_LABEL,
        "a",
        "b",
        "a[1] (neuron 1)",
        "b[0] (neuron 2)",
    ] {
        assert!(has_text(&svg, label), "no {label:?} in the SVG");
    }
    // `hidden` is not recorded: no band, no label.
    assert!(!has_text(&svg, "hidden"));
    // One black bar per run of consecutive spikes of a neuron: n0 at 0–1 and 3, n1 at
    // 3, n2 at 2 and 4 → 5 bars for the 6 spikes.
    assert_eq!(svg.matches("opacity=\"1\" fill=\"#000000\" stroke=\"none\"/>").count(), 5);
}

#[test]
fn without_probes_or_timestep_length_the_plot_has_one_panel_and_one_x_axis() {
    let mut image = tiny_network();
    for b in &mut image.meta.populations {
        b.probe.clear();
    }
    image.meta.timestep_us = 0;
    let svg = plot::svg(&run_tiny(&image), &image.meta, image.geometry).expect("draws");
    assert!(svg.starts_with("<svg width=\"1000\" height=\"560\""));
    assert!(has_text(&svg, plot::TIMESTEP_LABEL) && has_text(&svg, plot::NEURON_LABEL));
    assert!(!has_text(&svg, plot::V_LABEL) && !has_text(&svg, plot::TIME_LABEL));
}

#[test]
fn csv_fields_are_quoted_when_needed() {
    let mut image = tiny_network();
    image.meta.populations[0].name = "exc, layer \"1\"".to_owned();
    let mut out = Vec::new();
    output::raster::write_csv(&mut out, &[Spike { timestep: 7, neuron: 1 }], &image.meta).expect("writes");
    assert_eq!(
        String::from_utf8(out).expect("UTF-8"),
        "timestep,neuron,population,index\n7,1,\"exc, layer \"\"1\"\"\",1\n"
    );
    assert_eq!(output::neuron_label(&image.meta, 9), ("", 9), "a neuron in no population");
    // No probed neuron: the header alone.
    let mut out = Vec::new();
    output::probe::write_csv(&mut out, &[], &image.meta).expect("writes");
    assert_eq!(String::from_utf8(out).expect("UTF-8"), "timestep,neuron,population,index,v,i\n");
}

#[test]
fn files_are_written_whole_or_not_at_all() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("out.csv");
    output::write_atomically(&path, |out| out.write_all(b"first\n")).expect("writes");
    assert_eq!(std::fs::read_to_string(&path).expect("exists"), "first\n");
    // A failing writer leaves the old file and no temporary file.
    let err = output::write_atomically(&path, |out| {
        out.write_all(b"partial")?;
        Err(io::Error::other("disk full"))
    })
    .expect_err("fails");
    assert_eq!(
        Report(&err).to_string(),
        format!("cannot write {}: disk full\nhelp: check that the directory exists and is writable", path.display())
    );
    assert_eq!(std::fs::read_to_string(&path).expect("exists"), "first\n");
    let names: Vec<_> = std::fs::read_dir(dir.path()).expect("lists").map(|e| e.expect("entry").file_name()).collect();
    assert_eq!(names, ["out.csv"]);
    // A directory that does not exist.
    let missing = dir.path().join("no/such/dir/out.csv");
    let err = output::write_atomically(&missing, |out| out.write_all(b"x")).expect_err("fails");
    assert_eq!(
        Report(&err).to_string(),
        format!(
            "cannot write {}: No such file or directory (os error 2)\nhelp: check that the directory exists and is \
             writable",
            missing.display()
        )
    );
}
