//! The device commands of the `ncx` binary on the in-process device model and the
//! fault injector: `info`, `flash`, `readback` (TOML, CSV, .npy), `doctor`, and
//! `run --target model-device|faulty:…` giving the raster of `--target model`.

use crate::driver_support;

use std::path::Path;
use std::process::{Command, Output};

use ncx::image::codec;

fn ncx(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ncx")).args(args).current_dir(dir).output().expect("ncx runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn info_prints_the_hello_description() {
    let dir = tempfile::tempdir().unwrap();
    let out = ncx(dir.path(), &["info", "--target", "model"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("protocol:        ncx/1.0\n"), "{stdout}");
    assert!(stdout.contains("geometry:        256 neurons x 256 inputs\n"), "{stdout}");
    // 100 MHz / 100.
    assert!(stdout.contains("baud:            1000000 (clock / divisor 100)\n"), "{stdout}");
    assert!(stdout.contains("features:        stdp, pacing (0x3)\n"), "{stdout}");
    assert!(stdout.contains("lanes:           1 (synapses accumulated per cycle)\n"), "{stdout}");
    let out = ncx(dir.path(), &["info", "--target", "serial:"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no port path"), "{}", text(&out.stderr));
}

#[test]
fn flash_uploads_and_verifies_also_through_faults() {
    let dir = tempfile::tempdir().unwrap();
    let image = driver_support::image(256, 256, 5, true);
    std::fs::write(dir.path().join("big.ncx"), codec::encode(&image)).unwrap();
    let out = ncx(dir.path(), &["flash", "big.ncx", "--target", "model", "--verify", "full"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    // 18 + 65536 + 65536 + 8192 + 8192 + 17 · 256 = 151826 bytes in 154 WRITEs.
    assert!(stdout.contains("image bytes:     151826 in 154 WRITEs"), "{stdout}");
    assert!(stdout.contains("verified:        every byte read back"), "{stdout}");
    // Light faults: a few retries, still verified.
    let out = ncx(dir.path(), &["flash", "big.ncx", "--target", "faulty:9:drop=0.00001,corrupt=0.00001"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

/// The rates: 1 % of the bytes dropped, 1 % corrupted, 0.5 % duplicated, in
/// both directions. A small command then crosses both ways only about once in three
/// tries, so the default of 5 retries is not enough and `--retries 60` is given; the
/// full read-back proves the device holds the image exactly.
#[test]
fn flash_through_one_percent_faults_verifies_every_byte() {
    let dir = tempfile::tempdir().unwrap();
    let image = driver_support::image(32, 32, 3, true);
    std::fs::write(dir.path().join("net.ncx"), codec::encode(&image)).unwrap();
    for seed in 1..=5 {
        let target = format!("faulty:{seed}:drop=0.01,corrupt=0.01,dup=0.005");
        let args = ["flash", "net.ncx", "--target", &target, "--verify", "full", "--retries", "60"];
        let out = ncx(dir.path(), &args);
        assert_eq!(out.status.code(), Some(0), "seed {seed}: {}", text(&out.stderr));
        let stdout = text(&out.stdout);
        assert!(stdout.contains("verified:        every byte read back"), "{stdout}");
        assert!(!stdout.contains(" 0 retries"), "seed {seed}: no fault hit the upload?\n{stdout}");
    }
}

#[test]
fn readback_writes_toml_csv_and_npy() {
    let dir = tempfile::tempdir().unwrap();
    let out = ncx(dir.path(), &["readback", "--target", "model", "--what", "all", "-o", "r.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let toml = std::fs::read_to_string(dir.path().join("r.toml")).unwrap();
    // A power-on 256 x 256 device: all weights 0.
    assert!(toml.starts_with("[geometry]\nneurons = 256\ninputs = 256\n"), "{toml}");
    assert!(toml.contains("[w_in]\nsynapses = 65536\nnonzero = 0\nplastic = 0\nrange = [0, 0]\nsum = 0\n"), "{toml}");
    let out = ncx(dir.path(), &["readback", "--target", "model", "--what", "state", "-o", "s.csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let csv = std::fs::read_to_string(dir.path().join("s.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    // Header, then v, i, refractory of 256 neurons, x_in of 256 inputs, x_pre and x_post of 256 neurons.
    assert_eq!(lines.len(), 1 + 3 * 256 + 256 + 2 * 256);
    assert_eq!(lines[0], "array,row,col,value");
    assert_eq!(lines[1], "v,0,,0");
    let out = ncx(dir.path(), &["readback", "--target", "model", "--what", "weights", "-o", "w.npy"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let bytes = std::fs::read(dir.path().join("w.w_in.npy")).unwrap();
    let npy = npyz::NpyFile::new(&bytes[..]).unwrap();
    assert_eq!(npy.shape(), &[256, 256]);
    let values: Vec<i8> = npy.into_vec().unwrap();
    assert!(values.iter().all(|&w| w == 0));
    for name in ["w.w_rec.npy", "w.e_in.npy", "w.e_rec.npy"] {
        assert!(dir.path().join(name).is_file(), "{name}");
    }
    let out = ncx(dir.path(), &["readback", "--target", "model", "-o", "x.bin"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("help: name the output .toml"), "{}", text(&out.stderr));
}

#[test]
fn doctor_checks_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let out = ncx(dir.path(), &["doctor", "--target", "faulty:1:drop=0.001"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("ok  read path: READ and CRC agree"), "{stdout}");
    assert!(stdout.contains("ok  STATUS round trip over 20"), "{stdout}");
    assert!(stdout.contains("    build id 0000000000000000: a model or a simulation (no bitstream)\n"), "{stdout}");
    assert!(stdout.contains("    link: ") && stdout.contains("bytes/s effective"), "{stdout}");
}

/// The build id HELLO reports is looked up among the build reports of `ncx hw build`
/// under `build/hw/`; the model's is all zeros, so a report with that id names it.
#[test]
fn doctor_names_the_build_report_of_the_devices_build_id() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("build/hw/icebreaker");
    std::fs::create_dir_all(&report).unwrap();
    let json = serde_json::json!({
        "format": 1, "board": "icebreaker", "fpga": "iCE40UP5K-SG48", "design": "device", "top": "ncx_board_icebreaker",
        "neurons": 16, "inputs": 16, "clock_hz": 24_000_000, "baud": 1_000_000, "baud_divisor": 24,
        "build_id": "0000000000000000", "parameters": [], "sources": [], "seed": 1, "tools": {}, "cells": {},
        "resources": [], "outcome": "fits", "over": [], "fmax_mhz": null, "meets_timing": null, "bitstream": null,
        "bitstream_sha256": null, "netlist_sha256": "", "stages": [], "logs": []
    });
    std::fs::write(report.join("report.json"), json.to_string()).unwrap();
    let out = ncx(dir.path(), &["doctor", "--target", "model"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(
            "ok  build id 0000000000000000: build/hw/icebreaker/report.json (icebreaker, 16 x 16 device, built by \
             `ncx hw build`)"
        ),
        "{stdout}"
    );
}

#[test]
fn run_on_the_device_gives_the_models_raster() {
    let dir = tempfile::tempdir().unwrap();
    let mut image = driver_support::image(32, 32, 11, true);
    image.meta.name = "rand".to_owned();
    std::fs::write(dir.path().join("net.ncx"), codec::encode(&image)).unwrap();
    let stimulus: String = std::iter::once("timestep,input\n".to_owned())
        .chain(
            driver_support::stimulus(32, 40, 11)
                .as_steps()
                .iter()
                .enumerate()
                .flat_map(|(t, inputs)| inputs.iter().map(move |i| format!("{t},{i}\n")).collect::<Vec<_>>()),
        )
        .collect();
    std::fs::write(dir.path().join("stim.csv"), stimulus).unwrap();
    let run = |target: &str, raster: &str| {
        let args =
            ["run", "net.ncx", "--steps", "40", "--stimulus", "stim.csv", "--target", target, "--raster", raster];
        let out = ncx(dir.path(), &args);
        assert_eq!(out.status.code(), Some(0), "{target}: {}", text(&out.stderr));
        (text(&out.stdout), std::fs::read_to_string(dir.path().join(raster)).unwrap())
    };
    let (model_summary, model) = run("model", "model.csv");
    assert!(model.lines().count() > 5, "the network should spike: {model}");
    assert!(model_summary.contains("\nsimulated core cycles: "), "{model_summary}");
    assert!(!model_summary.contains("not reported"), "{model_summary}");
    let (summary, device) = run("model-device", "device.csv");
    assert_eq!(device, model);
    assert!(summary.starts_with("ncx run: rand on the device on model-device, 32 neurons x 32 inputs"), "{summary}");
    assert!(summary.contains("\nsimulated core cycles: not reported by the device\n"), "{summary}");
    let (_, faulty) = run("faulty:4:drop=0.002,corrupt=0.002,dup=0.001", "faulty.csv");
    assert_eq!(faulty, model);
}

/// `--slack MS` of every device command reaches the driver: on a link that drops every
/// byte (`faulty:1:drop=1`, over the in-process model, so the attempt ends at once) the
/// one attempt's wait is HELLO's 2 · 1035 byte times at 115 200 baud (179.7 ms) plus the
/// slack — 229 ms by default, 1179 ms with `--slack 1000`. Bad values exit with status 2.
#[test]
fn every_device_command_passes_slack_to_the_driver() {
    let dir = tempfile::tempdir().unwrap();
    let image = driver_support::image(16, 16, 1, false);
    std::fs::write(dir.path().join("net.ncx"), codec::encode(&image)).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let net = root.join("examples/digits-trained/net.toml");
    let data = root.join("data/digits/digits.csv.gz");
    let (net, data) = (net.to_str().unwrap(), data.to_str().unwrap());
    let dead = "faulty:1:drop=1:model";
    let commands: [&[&str]; 5] = [
        &["info", "--target", dead],
        &["flash", "net.ncx", "--target", dead],
        &["readback", "--target", dead, "-o", "state.toml"],
        &["run", "net.ncx", "--steps", "3", "--target", dead],
        &["eval", net, "--data", data, "--target", dead],
    ];
    for command in commands {
        for (slack, ms) in [(None, 229), (Some("1000"), 1179), (Some("0"), 179)] {
            let mut args = command.to_vec();
            args.extend(["--retries", "0"]);
            args.extend(slack.iter().flat_map(|s| ["--slack", *s]));
            let out = ncx(dir.path(), &args);
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(stderr.contains("no reply to HELLO on "), "{args:?}: {stderr}");
            assert!(stderr.contains(&format!("after 1 attempts of {ms} ms each")), "{args:?}: {stderr}");
        }
        for bad in ["5s", "1.5", "3600001"] {
            let mut args = command.to_vec();
            args.extend(["--slack", bad]);
            let out = ncx(dir.path(), &args);
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(stderr.contains("expected whole milliseconds from 0 to 3600000"), "{args:?}: {stderr}");
        }
    }
}
