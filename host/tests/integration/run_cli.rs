//! End-to-end tests of `ncx run`: the built binary in a temporary directory, on the
//! tiny hand-computed network (`run_common`) saved as a `.ncx` image — outputs,
//! summary, `--quiet`, `--seed`, warnings, and every error with its exact message and
//! exit status 2.

use std::path::Path;
use std::process::{Command, Output};

use crate::run_common::{TINY_STEPS, fixture, stdp_example, tiny_network};
use ncx::image::codec;
use tempfile::TempDir;

/// A temporary directory holding `net.ncx`, the tiny network.
fn workspace() -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("net.ncx"), codec::encode(&tiny_network())).expect("written");
    dir
}

fn ncx(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ncx")).current_dir(dir).args(args).output().expect("the ncx binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8")
}

/// The command failed with status 2 and exactly this message.
fn assert_fails(output: &Output, message: &str) {
    assert_eq!(output.status.code(), Some(2), "stderr: {}", stderr(output));
    assert_eq!(stderr(output), message);
    assert!(output.stdout.is_empty());
}

/// The files in `dir`, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("lists")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_full_run_writes_every_output_and_a_summary() {
    let dir = workspace();
    let stim = fixture("tiny.toml");
    let steps = TINY_STEPS.to_string();
    let args = ["run", "net.ncx", "--stimulus", &stim, "--steps", &steps, "--raster", "r.csv", "--probe", "p.csv"];
    let output = ncx(dir.path(), &[&args[..], &["--plot", "r.svg", "--save-image", "learned.ncx"]].concat());
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    assert_eq!(stderr(&output), "", "no progress bar when stderr is not a terminal");
    // The raster and probe samples derived by hand in run_model.rs.
    let raster = std::fs::read_to_string(dir.path().join("r.csv")).expect("written");
    assert_eq!(raster, "timestep,neuron,population,index\n0,0,a,0\n1,0,a,0\n2,2,b,0\n3,0,a,0\n3,1,a,1\n4,2,b,0\n");
    let probe = std::fs::read_to_string(dir.path().join("p.csv")).expect("written");
    let probe: Vec<&str> = probe.lines().collect();
    assert_eq!(probe.len(), 1 + 2 * TINY_STEPS);
    assert_eq!(
        (probe[0], probe[7], probe[10]),
        ("timestep,neuron,population,index,v,i", "3,1,a,1,-5,8", "4,2,b,0,0,21")
    );
    let svg = std::fs::read_to_string(dir.path().join("r.svg")).expect("written");
    assert!(svg.starts_with("<svg") && svg.contains("\ntimestep\n</text>"));
    // STDP is off: the saved image is the original.
    let saved = codec::decode(&std::fs::read(dir.path().join("learned.ncx")).expect("written")).expect("decodes");
    assert_eq!(saved, tiny_network());

    let out = stdout(&output);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "ncx run: tiny on the model, 16 neurons x 16 inputs");
    assert_eq!(lines[1], format!("stimulus:              {stim} (seed 0), 8 input spikes"));
    // 6 timesteps of 1000 µs = 6 ms.
    assert_eq!(lines[2], "steps:                 6 (1000 µs each, 6.00 ms simulated)");
    assert_eq!(lines[3], "spikes per population:");
    // a: 4 spikes / (2 neurons × 6 ms) = 333.33 Hz; b: 2 / (1 × 6 ms); hidden: 1 / 6 ms.
    assert_eq!(lines[4], "  a       4 spikes in 2 neurons, 333.33 Hz per neuron");
    assert_eq!(lines[5], "  b       2 spikes in 1 neuron, 333.33 Hz per neuron");
    assert_eq!(lines[6], "  hidden  1 spike in 1 neuron, 166.67 Hz per neuron");
    assert_eq!(lines[7], "total spikes:          7");
    // 396 cycles (run_model.rs) at 100 MHz = 3.96 µs.
    assert_eq!(lines[8], "simulated core cycles: 396 = 3.96 µs at 100 MHz");
    assert!(lines[9].starts_with("wall clock:"), "{}", lines[9]);
    assert_eq!(
        &lines[10..],
        [
            "wrote r.csv (6 spikes)",
            "wrote p.csv (12 samples)",
            "wrote r.svg",
            "wrote learned.ncx (weights after the run)"
        ]
    );
    assert_eq!(files(dir.path()), ["learned.ncx", "net.ncx", "p.csv", "r.csv", "r.svg"], "no temporary files left");
}

#[test]
fn quiet_prints_nothing_and_no_stimulus_means_no_input() {
    let dir = workspace();
    let output = ncx(dir.path(), &["run", "net.ncx", "--steps", "4", "--raster", "r.csv", "--quiet"]);
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    assert!(output.stdout.is_empty() && output.stderr.is_empty());
    // Nothing drives the network: a raster with its header only.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("r.csv")).expect("written"),
        "timestep,neuron,population,index\n"
    );
    let output = ncx(dir.path(), &["run", "net.ncx", "--steps", "4"]);
    let out = stdout(&output);
    assert!(out.contains("\nstimulus:              none, 0 input spikes\n"), "{out}");
    assert!(out.contains("\ntotal spikes:          0\n"), "{out}");
}

#[test]
fn the_seed_option_overrides_the_stimulus_seed() {
    let dir = workspace();
    // n0 fires exactly when pix:0 spikes (W_in[0][0] = 10 = its threshold, I does not
    // carry over), so the raster shows the Poisson train of pix:0.
    std::fs::write(dir.path().join("s.toml"), "seed = 1\n[[poisson]]\ngroup = \"pix\"\nindex = 0\nprobability = 0.5\n")
        .expect("written");
    let raster = |extra: &[&str]| {
        let args = [&["run", "net.ncx", "--stimulus", "s.toml", "--steps", "200", "--raster", "r.csv"][..], extra];
        let output = ncx(dir.path(), &args.concat());
        assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
        std::fs::read_to_string(dir.path().join("r.csv")).expect("written")
    };
    let file_seed = raster(&[]);
    assert_eq!(raster(&["--seed", "1"]), file_seed, "the file's seed is 1");
    assert_ne!(raster(&["--seed", "2"]), file_seed);
    assert_eq!(raster(&["--seed", "2"]), raster(&["--seed", "2"]));
    let spikes = file_seed.lines().count() - 1;
    assert!((60..140).contains(&spikes), "{spikes} spikes for p = 0.5 over 200 timesteps");
}

#[test]
fn spikes_past_the_run_are_a_warning() {
    let dir = workspace();
    std::fs::write(dir.path().join("s.csv"), "timestep,input\n1,pix:0\n9,pix:0\n").expect("written");
    let output = ncx(dir.path(), &["run", "net.ncx", "--stimulus", "s.csv", "--steps", "5", "--quiet"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stderr(&output),
        "warning: s.csv:3: 1 input spike at timestep 5 or later ignored (the first at timestep 9): the run has \
         timesteps 0 to 4\nhelp: run more timesteps to include them\n"
    );
}

#[test]
fn learning_and_pacing_in_the_summary() {
    let dir = workspace();
    std::fs::write(dir.path().join("stdp.ncx"), codec::encode(&stdp_example())).expect("written");
    std::fs::write(
        dir.path().join("s.csv"),
        "timestep,input
0,x:1
1,x:0
3,x:1
",
    )
    .expect("written");
    let args = ["run", "stdp.ncx", "--stimulus", "s.csv", "--steps", "4", "--save-image", "learned.ncx"];
    let output = ncx(dir.path(), &args);
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    // 2 synapses changed: |20 − 10| + |−8 − 0| = 18, mean 9.
    assert!(
        stdout(&output).contains("\nSTDP changed:          W_in 2 synapses (mean |Δw| 9.00)\n"),
        "{}",
        stdout(&output)
    );
    let learned = codec::decode(&std::fs::read(dir.path().join("learned.ncx")).expect("written")).expect("decodes");
    let mut expected = stdp_example();
    expected.w_in[0] = 20;
    expected.w_in[1] = -8;
    assert_eq!(learned, expected);

    // The tiny network paced at 60 cycles: compute cycles 57 75 75 93 57 39 (run_model.rs)
    // → 60 + 75 + 75 + 93 + 60 + 60 = 423 cycles, 3 overruns.
    let mut paced = tiny_network();
    paced.config.period = 60;
    std::fs::write(dir.path().join("paced.ncx"), codec::encode(&paced)).expect("written");
    let stim = fixture("tiny.toml");
    let output = ncx(dir.path(), &["run", "paced.ncx", "--stimulus", &stim, "--steps", "6"]);
    let out = stdout(&output);
    assert!(out.contains("\nsimulated core cycles: 423 = 4.23 µs at 100 MHz\n"), "{out}");
    assert!(out.contains("\noverruns:              3 timesteps took longer than the period\n"), "{out}");
    assert!(!out.contains("STDP changed"), "{out}");
}

#[test]
fn stimulus_errors() {
    let dir = workspace();
    let run = |stimulus: &str| ncx(dir.path(), &["run", "net.ncx", "--stimulus", stimulus, "--steps", "5"]);
    assert_fails(
        &run("missing.toml"),
        "error: missing.toml: cannot read the stimulus file: No such file or directory (os error 2)\nhelp: check \
         that the file exists and is readable\n",
    );
    std::fs::write(dir.path().join("group.toml"), "[[spikes]]\ngroup = \"pixels\"\nsteps = [1]\n").expect("written");
    assert_fails(
        &run("group.toml"),
        "error: group.toml:2:9: unknown input group \"pixels\"\nhelp: the image's input groups (and sizes) are: pix \
         (4), ctl (2)\n",
    );
    std::fs::write(dir.path().join("bad.csv"), "timestep,input\n0,pix:0\n1;pix:1\n").expect("written");
    assert_fails(
        &run("bad.csv"),
        "error: bad.csv:3: expected 2 fields (timestep,input), found 1\nhelp: one spike per line, e.g. `12,pixels:3` \
         or `12,40`\n",
    );
    assert_eq!(files(dir.path()), ["bad.csv", "group.toml", "net.ncx"]);
}

#[test]
fn network_and_option_errors() {
    let dir = workspace();
    std::fs::write(dir.path().join("net.txt"), "").expect("written");
    assert_fails(
        &ncx(dir.path(), &["run", "net.txt", "--steps", "5"]),
        "error: net.txt: unknown network file type \"txt\"\nhelp: give a network description (.toml) or a compiled \
         image (.ncx)\n",
    );
    // A description goes through the compiler, whose errors name the file.
    std::fs::write(dir.path().join("net.toml"), "this is not a network\n").expect("written");
    let output = ncx(dir.path(), &["run", "net.toml", "--steps", "5", "--raster", "r.csv"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).starts_with("error: cannot compile net.toml: "), "{}", stderr(&output));
    // A corrupt image.
    std::fs::write(dir.path().join("bad.ncx"), b"NCXIMAGE").expect("written");
    let output = ncx(dir.path(), &["run", "bad.ncx", "--steps", "5"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).starts_with("error: bad.ncx: "), "{}", stderr(&output));
    // An output directory that does not exist: nothing runs, nothing is written.
    assert_fails(
        &ncx(dir.path(), &["run", "net.ncx", "--steps", "5", "--probe", "p.csv", "--plot", "out/r.svg"]),
        "error: cannot write out/r.svg (--plot): the directory out does not exist\nhelp: create it first, or write \
         elsewhere\n",
    );
    assert_eq!(files(dir.path()), ["bad.ncx", "net.ncx", "net.toml", "net.txt"]);
    // Usage errors (clap) also exit with 2.
    let output = ncx(dir.path(), &["run", "net.ncx"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--steps <T>"), "{}", stderr(&output));
    let output = ncx(dir.path(), &["run", "net.ncx", "--steps", "0"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("a run needs at least 1 timestep"), "{}", stderr(&output));
    let output = ncx(dir.path(), &["run", "net.ncx", "--steps", "3", "--target", "fpga"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("unknown kind of target `fpga`"), "{}", stderr(&output));
}
