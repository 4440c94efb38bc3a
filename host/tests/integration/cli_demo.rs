//! End-to-end tests of `ncx demo`: run the built binary, parse what it prints and
//! check it against the library's run and against an independent replay of the same
//! network and stimulus on a fresh model core driven by the cycle engine — so the
//! test fails if the printed raster does not reflect the model.
//!
//! The test lives in the `ncx` package because only a package's own integration tests
//! get its binaries built and their path (`CARGO_BIN_EXE_ncx`).

use std::process::{Command, Output};

use ncx::demo;
use ncx_model::{Event, EventKind};

/// What `ncx demo` printed, parsed.
#[derive(Debug)]
struct Printed {
    header: String,
    raster: Vec<Vec<u16>>,
    total_spikes: u64,
    spikes_per_neuron: Vec<u64>,
    cycles: u64,
}

fn ncx(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ncx")).args(args).output().expect("the ncx binary runs")
}

/// The value after `label` on the summary line that starts with it.
fn summary<'a>(stdout: &'a str, label: &str) -> &'a str {
    stdout
        .lines()
        .find_map(|line| line.strip_prefix(label))
        .unwrap_or_else(|| panic!("no {label:?} line in:\n{stdout}"))
        .trim()
}

fn number(text: &str) -> u64 {
    text.parse().unwrap_or_else(|e| panic!("{text:?} is not a count: {e}"))
}

fn parse(stdout: &str) -> Printed {
    let header = stdout.lines().next().expect("a header line").to_owned();
    let mut raster = Vec::new();
    for line in stdout.lines() {
        let mut fields = line.split_whitespace();
        let (Some(step), Some(row), None) = (fields.next(), fields.next(), fields.next()) else { continue };
        let Ok(step) = step.parse::<usize>() else { continue };
        assert_eq!(step, raster.len(), "raster lines out of order: {line:?}");
        assert_eq!(row.len(), demo::NEURONS, "raster row of the wrong width: {line:?}");
        let spikes = row
            .chars()
            .enumerate()
            .filter_map(|(n, c)| match c {
                '|' => Some(n as u16),
                '.' => None,
                other => panic!("unexpected {other:?} in raster line {line:?}"),
            })
            .collect();
        raster.push(spikes);
    }
    Printed {
        header,
        raster,
        total_spikes: number(summary(stdout, "total spikes:")),
        spikes_per_neuron: summary(stdout, "spikes per neuron:").split_whitespace().map(number).collect(),
        cycles: number(summary(stdout, "simulated core cycles:").split_whitespace().next().unwrap_or_default()),
    }
}

fn run_ok(args: &[&str]) -> Printed {
    let out = ncx(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "ncx {args:?} failed ({}):\n{stderr}", out.status);
    assert!(stderr.is_empty(), "ncx {args:?} wrote to stderr:\n{stderr}");
    parse(&String::from_utf8(out.stdout).expect("UTF-8 output"))
}

#[test]
fn printed_raster_is_the_models_raster() {
    let (steps, seed) = (20, 7);
    let printed = run_ok(&["demo", "--steps", "20", "--seed", "7"]);
    assert!(printed.header.contains("16 neurons x 16 inputs"), "header: {}", printed.header);
    assert!(printed.header.contains("20 timesteps") && printed.header.contains("seed 7"), "{}", printed.header);
    assert_eq!(printed.raster.len(), steps);

    // The library's own run, same seed.
    let library = demo::run(steps, seed).unwrap();
    assert_eq!(printed.raster, library.raster);
    assert_eq!(printed.spikes_per_neuron, library.spikes_per_neuron);
    assert_eq!(printed.total_spikes, library.total_spikes());
    assert_eq!(printed.cycles, library.cycles);

    // An independent replay: a fresh core, the cycle engine, spikes read from its events.
    let mut core = demo::build_network().unwrap();
    let mut replayed = Vec::new();
    for inputs in demo::stimulus(seed, steps) {
        let mut events: Vec<Event> = Vec::new();
        let report = core.run_timestep_cycles(&inputs, &mut events).unwrap();
        let spikes: Vec<u16> = events
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::Spike { neuron } => Some(neuron),
                _ => None,
            })
            .collect();
        assert_eq!(spikes.len(), report.spikes);
        assert_eq!(spikes, core.last_spikes());
        replayed.push(spikes);
    }
    assert_eq!(printed.raster, replayed);
    assert_eq!(printed.cycles, core.cycle().0);
    let total: usize = replayed.iter().map(Vec::len).sum();
    assert_eq!(printed.total_spikes, total as u64);

    // The comparison means something only if the raster is neither empty nor full.
    assert!(total > 0 && total < steps * demo::NEURONS / 2, "{total} spikes in {steps} timesteps");
}

#[test]
fn defaults_are_50_steps_with_seed_1() {
    let printed = run_ok(&["demo"]);
    assert!(printed.header.contains("50 timesteps, seed 1"), "header: {}", printed.header);
    assert_eq!(printed.raster, demo::run(50, 1).unwrap().raster);
    assert_ne!(printed.raster, run_ok(&["demo", "--seed", "2"]).raster);
}

#[test]
fn help_explains_every_option() {
    let out = ncx(&["demo", "--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for expected in
        ["--steps <N>", "Number of timesteps to simulate", "[default: 50]", "--seed <S>", "Seed of the input"]
    {
        assert!(help.contains(expected), "--help lacks {expected:?}:\n{help}");
    }
}

fn assert_usage_error(args: &[&str], expected: &str) {
    let out = ncx(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "ncx {args:?} should fail with a usage error, got {}", out.status);
    assert!(out.stdout.is_empty(), "ncx {args:?} printed to stdout");
    assert!(stderr.contains(expected), "ncx {args:?}: stderr lacks {expected:?}:\n{stderr}");
}

#[test]
fn zero_steps_is_a_clear_error() {
    assert_usage_error(
        &["demo", "--steps", "0"],
        "invalid value '0' for '--steps <N>': the demo needs at least 1 timestep",
    );
}

#[test]
fn bad_arguments_are_clear_errors() {
    assert_usage_error(&["demo", "--bogus"], "unexpected argument '--bogus'");
    assert_usage_error(&["demo", "--steps", "many"], "expected a whole number of timesteps");
    assert_usage_error(&["demo", "--seed", "x"], "invalid value 'x' for '--seed <S>'");
    assert_usage_error(&["frobnicate"], "unrecognized subcommand 'frobnicate'");
    assert_usage_error(&[], "Usage: ncx");
}
