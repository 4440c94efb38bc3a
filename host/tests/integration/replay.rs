//! The flight recorder and `ncx replay` (docs/recording.md): sessions recorded with
//! `--record` on the in-process device model, the virtual board (`ncx emulate --pty`), a
//! fault injector and a board that does not answer replay against the device model (and
//! the RTL device when Verilator is built in); one wrong byte in a recording is reported
//! with its offset, both values, its frame, command and timestep; a recording cut short
//! (as by a crash or a kill) replays up to its end; bad recordings and bad `--record`
//! paths are errors with exit status 2.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::FileTypeExt;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use ncx::link::record::{Event, Reader, Recorder, hex, unhex};
use ncx::link::{Link, ModelLink, PtyPair};
use ncx_model::Geometry;
use ncx_model::device::{Device, DeviceConfig, OUTPUT_OPCODE, Opcode};
use ncx_model::wire::{Decoded, Decoder};
use serde_json::Value;
use sha2::{Digest, Sha256};

fn ncx(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ncx")).args(args).current_dir(dir).output().expect("ncx runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A directory with the 16 × 16 network and stimulus of `tests/data/rtl16`.
fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/rtl16");
    for file in ["net.toml", "stimulus.toml"] {
        std::fs::copy(data.join(file), dir.path().join(file)).unwrap();
    }
    dir
}

/// `ncx run net.toml --steps 60` with the stimulus on `target`, recorded to `record`.
fn record_run(dir: &Path, target: &str, record: &str, extra: &[&str]) -> Output {
    let mut args = vec!["run", "net.toml", "--stimulus", "stimulus.toml", "--steps", "60", "--target", target];
    args.extend(["--record", record, "-q"]);
    args.extend(extra);
    ncx(dir, &args)
}

/// The lines of a recording as JSON objects.
fn lines(path: &Path) -> Vec<serde_json::Map<String, Value>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap().as_object().unwrap().clone())
        .collect()
}

fn write_lines(path: &Path, lines: &[serde_json::Map<String, Value>]) {
    let text: String = lines.iter().map(|l| format!("{}\n", Value::Object(l.clone()))).collect();
    std::fs::write(path, text).unwrap();
}

/// The recorded device → host stream, and for each byte the line it is on and its index
/// there.
fn device_stream(lines: &[serde_json::Map<String, Value>]) -> (Vec<u8>, Vec<(usize, usize)>) {
    let (mut stream, mut place) = (Vec::new(), Vec::new());
    for (i, line) in lines.iter().enumerate() {
        if let Some(rx) = line.get("rx") {
            let bytes = unhex(rx.as_str().unwrap()).unwrap();
            place.extend((0..bytes.len()).map(|k| (i, k)));
            stream.extend(bytes);
        }
    }
    (stream, place)
}

/// The offset of the first frame in `stream` with `opcode` for which `pick` holds on its
/// payload.
fn frame_offset(stream: &[u8], opcode: u8, pick: impl Fn(&[u8]) -> bool) -> usize {
    let mut decoder = Decoder::new();
    for (i, &b) in stream.iter().enumerate() {
        if let Some(Decoded::Frame(f)) = decoder.push(b)
            && f.opcode == opcode
            && pick(&f.payload)
        {
            return i + 1 - (f.payload.len() + 11);
        }
    }
    panic!("no frame with opcode {opcode:#x}");
}

/// Flip bit 2 of the recorded device byte at `offset`; the new recording's path.
fn flip(dir: &Path, recording: &str, offset: usize, name: &str) -> (u8, u8) {
    let mut lines = lines(&dir.join(recording));
    let (stream, place) = device_stream(&lines);
    let (line, k) = place[offset];
    let mut bytes = unhex(lines[line]["rx"].as_str().unwrap()).unwrap();
    bytes[k] ^= 0x04;
    lines[line].insert("rx".to_owned(), Value::String(hex(&bytes)));
    write_lines(&dir.join(name), &lines);
    (bytes[k], stream[offset])
}

fn sha256_of(path: &Path) -> String {
    hex(&Sha256::digest(std::fs::read(path).unwrap()))
}

#[test]
fn a_run_on_the_model_device_is_recorded_with_its_manifest_and_replays() {
    let dir = workdir();
    let out = record_run(dir.path(), "model-device", "rec.jsonl", &["--seed", "3"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let lines = lines(&dir.path().join("rec.jsonl"));
    let header = &lines[0];
    assert_eq!(header["format"], "ncx-recording");
    assert_eq!(header["version"], 1);
    assert_eq!(header["ncx"], env!("CARGO_PKG_VERSION"));
    assert_eq!(header["protocol"], "1.0");
    assert_eq!(header["target"], "model");
    assert_eq!(header["geometry"], serde_json::json!([16, 16]));
    let command: Vec<&str> = header["command"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    assert_eq!(&command[1..4], ["run", "net.toml", "--stimulus"]);
    let files = header["files"].as_array().unwrap();
    assert_eq!(files.len(), 2, "{files:?}");
    for (file, name) in files.iter().zip(["net.toml", "stimulus.toml"]) {
        assert_eq!(file["arg"], name);
        assert_eq!(file["sha256"], sha256_of(&dir.path().join(name)));
    }
    let find = |key: &str| lines.iter().find(|l| l.contains_key(key)).unwrap_or_else(|| panic!("no {key}"));
    assert_eq!(find("device")["device"]["neurons"], 16);
    assert_eq!(find("device")["device"]["clock_hz"], 100_000_000);
    assert_eq!(find("image")["image"]["neurons"], 16);
    assert_eq!(find("image")["image"]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(find("run")["run"], serde_json::json!({ "steps": 60, "stimulus": "stimulus.toml", "seed": 3 }));
    assert_eq!(find("end")["end"], serde_json::json!({ "status": "ok" }));
    // The link was closed before the command ended.
    let closed = lines.iter().position(|l| l.contains_key("closed")).unwrap();
    assert_eq!(closed, lines.len() - 2);
    // Times never go backwards.
    let times: Vec<u64> = lines[1..].iter().map(|l| l["t"].as_u64().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));

    let out = ncx(dir.path(), &["replay", "rec.jsonl"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("ncx replay: rec.jsonl (ncx-recording version 1, recorded by ncx "), "{stdout}");
    assert!(stdout.contains("file:     net.toml ("), "{stdout}");
    assert!(stdout.contains("device:   16 neurons x 16 inputs, ncx/1.0, clock 100000000 Hz / divisor 100"), "{stdout}");
    assert!(stdout.contains("outcome:  the command succeeded\n"), "{stdout}");
    assert!(stdout.contains("60 of them output frames); the device matches the model\n"), "{stdout}");
    let quiet = ncx(dir.path(), &["replay", "rec.jsonl", "-q"]);
    assert_eq!(text(&quiet.stdout).lines().count(), 1, "{}", text(&quiet.stdout));
}

#[test]
fn one_wrong_byte_is_reported_with_its_frame_command_and_timestep() {
    let dir = workdir();
    let out = record_run(dir.path(), "model-device", "rec.jsonl", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let (stream, _) = device_stream(&lines(&dir.path().join("rec.jsonl")));

    // A spike bit or count in the output frame of timestep 20: payload byte 5.
    let frame = frame_offset(&stream, OUTPUT_OPCODE, |p| p[..4] == 20u32.to_le_bytes());
    let offset = frame + 7 + 5;
    let (recorded, model) = flip(dir.path(), "rec.jsonl", offset, "bad.jsonl");
    let out = ncx(dir.path(), &["replay", "bad.jsonl"]);
    assert_eq!(out.status.code(), Some(1), "{}{}", text(&out.stdout), text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("; the device DIFFERS from the model:\n"), "{stdout}");
    let expected =
        format!("the device's byte {offset} differs: recorded {recorded:#04x}, the model sent {model:#04x}\n");
    assert!(stdout.contains(&expected), "{stdout}");
    assert!(stdout.contains("  in the output frame of timestep 20 sent by the model, byte 12 of "), "{stdout}");
    assert!(stdout.contains("(payload byte 5)\n"), "{stdout}");
    assert!(stdout.contains("  timestep 20: step 21 of the run of 60 timesteps from timestep 0\n"), "{stdout}");
    assert!(stdout.contains("  after command "), "{stdout}");
    assert!(stdout.contains(" INPUT seq "), "{stdout}");
    assert!(stdout.contains("(timestep 20, "), "{stdout}");
    assert!(stdout.contains("  received "), "{stdout}");

    // The credits in the reply to the INPUT of timestep 30.
    let input = Opcode::Input.reply();
    let mut decoder = Decoder::new();
    let replies: Vec<(usize, u8)> = stream
        .iter()
        .enumerate()
        .filter_map(|(i, &b)| match decoder.push(b) {
            Some(Decoded::Frame(f)) if f.opcode == input => Some((i + 1 - 14, f.seq)),
            _ => None,
        })
        .collect();
    let (reply, seq) = replies[30];
    let offset = reply + 8;
    flip(dir.path(), "rec.jsonl", offset, "bad2.jsonl");
    let out = ncx(dir.path(), &["replay", "bad2.jsonl", "-q"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains(&format!("the device's byte {offset} differs: ")), "{stdout}");
    assert!(stdout.contains(&format!("  in the reply to INPUT seq {seq} sent by the model, byte 8 of 14")), "{stdout}");
    assert!(stdout.contains("  timestep 30: step 31 of the run of 60 timesteps from timestep 0\n"), "{stdout}");
    assert!(stdout.contains(&format!(", INPUT seq {seq} (timestep 30, ")), "{stdout}");
    assert!(stdout.contains("  answering command "), "{stdout}");

    // A wrong byte in a header: the recorded frame is no frame any more, and the byte is
    // still found exactly.
    let offset = frame + 3;
    flip(dir.path(), "rec.jsonl", offset, "bad3.jsonl");
    let out = ncx(dir.path(), &["replay", "bad3.jsonl", "-q"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains(&format!("the device's byte {offset} differs: ")), "{stdout}");
    assert!(stdout.contains("  in the output frame of timestep 20 sent by the model, byte 3 of"), "{stdout}");
    assert!(stdout.contains("  the recorded bytes there: bytes outside any frame"), "{stdout}");
}

#[test]
fn a_recording_cut_short_replays_up_to_its_end() {
    let dir = workdir();
    let out = record_run(dir.path(), "model-device", "rec.jsonl", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let whole = std::fs::read(dir.path().join("rec.jsonl")).unwrap();
    // Cut in the middle of a line, at several places.
    for fraction in [0.1, 0.5, 0.9] {
        let cut = (whole.len() as f64 * fraction) as usize;
        let cut = cut + whole[cut..].iter().position(|&b| b == b'"').unwrap();
        std::fs::write(dir.path().join("cut.jsonl"), &whole[..cut]).unwrap();
        let out = ncx(dir.path(), &["replay", "cut.jsonl"]);
        assert_eq!(out.status.code(), Some(0), "cut at {cut}: {}{}", text(&out.stdout), text(&out.stderr));
        let stdout = text(&out.stdout);
        assert!(stdout.contains("; the device matches the model\n"), "{stdout}");
        assert!(stdout.contains("note: the recording is cut short"), "{stdout}");
        assert!(stdout.contains("its incomplete last line ignored"), "{stdout}");
        assert!(stdout.contains("outcome:  not recorded\n"), "{stdout}");
    }
    // A cut recording still shows a wrong byte before its end.
    let (stream, _) = device_stream(&lines(&dir.path().join("rec.jsonl")));
    let offset = frame_offset(&stream, OUTPUT_OPCODE, |p| p[..4] == 5u32.to_le_bytes()) + 9;
    flip(dir.path(), "rec.jsonl", offset, "bad.jsonl");
    let bad = std::fs::read(dir.path().join("bad.jsonl")).unwrap();
    std::fs::write(dir.path().join("badcut.jsonl"), &bad[..bad.len() / 2]).unwrap();
    let out = ncx(dir.path(), &["replay", "badcut.jsonl", "-q"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&format!("the device's byte {offset} differs")), "{}", text(&out.stdout));
}

/// Kills a child process (by its handle) if a test fails before it ends.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_killed_session_leaves_a_recording_that_replays() {
    let dir = workdir();
    let child = Command::new(env!("CARGO_BIN_EXE_ncx"))
        .args(["run", "net.toml", "--stimulus", "stimulus.toml", "--steps", "100000000", "--target", "model-device"])
        .args(["--record", "killed.jsonl", "-q"])
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut child = Killed(child);
    // Wait until the run is under way (a few hundred output frames on disk), then SIGKILL.
    let path = dir.path().join("killed.jsonl");
    let deadline = Instant::now() + Duration::from_secs(120);
    while std::fs::metadata(&path).map_or(0, |m| m.len()) < 200_000 {
        assert!(Instant::now() < deadline, "the recording does not grow");
        assert!(child.0.try_wait().unwrap().is_none(), "the run ended");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.0.kill().unwrap();
    child.0.wait().unwrap();
    let out = ncx(dir.path(), &["replay", "killed.jsonl"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("; the device matches the model\n"), "{stdout}");
    assert!(stdout.contains("note: the recording is cut short"), "{stdout}");
}

/// `ncx emulate --pty` (16 × 16), stopped when dropped.
fn emulator() -> (Killed, String) {
    let child = Command::new(env!("CARGO_BIN_EXE_ncx"))
        .args(["emulate", "--pty", "--neurons", "16", "--inputs", "16", "--quiet"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut emulator = Killed(child);
    let mut line = String::new();
    BufReader::new(emulator.0.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    let path = line.strip_prefix("virtual board on ").and_then(|r| r.split_once(' ')).unwrap().0.to_owned();
    (emulator, path)
}

#[test]
fn a_session_with_the_virtual_board_replays_and_a_wrong_byte_is_found() {
    let dir = workdir();
    let (_emulator, port) = emulator();
    let target = format!("serial:{port}");
    // Generous retries: the virtual board shares the machine with other tests.
    let out = record_run(dir.path(), &target, "board.jsonl", &["--retries", "20"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let header = &lines(&dir.path().join("board.jsonl"))[0];
    assert_eq!(header["target"], format!("serial:{port}@1000000"));
    assert_eq!(header["geometry"], Value::Null);
    let out = ncx(dir.path(), &["replay", "board.jsonl"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(text(&out.stdout).contains("; the device matches the model\n"), "{}", text(&out.stdout));

    let (stream, _) = device_stream(&lines(&dir.path().join("board.jsonl")));
    let offset = frame_offset(&stream, OUTPUT_OPCODE, |p| p[..4] == 42u32.to_le_bytes()) + 7 + 4;
    flip(dir.path(), "board.jsonl", offset, "bad.jsonl");
    let out = ncx(dir.path(), &["replay", "bad.jsonl", "-q"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains(&format!("the device's byte {offset} differs: ")), "{stdout}");
    assert!(stdout.contains("  in the output frame of timestep 42 sent by the model, byte 11 of"), "{stdout}");
    assert!(stdout.contains("  timestep 42: step 43 of the run of 60 timesteps from timestep 0\n"), "{stdout}");
}

#[test]
fn a_session_through_the_fault_injector_replays_through_the_same_faults() {
    let dir = workdir();
    let target = "faulty:11:drop=0.01,corrupt=0.01,dup=0.005,delay=0.01:model";
    let out = record_run(dir.path(), target, "faulty.jsonl", &["--retries", "60"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = ncx(dir.path(), &["replay", "faulty.jsonl"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("replay:   on the device model, through the fault injector faulty:11:"), "{stdout}");
    assert!(stdout.contains("; the device matches the model\n"), "{stdout}");
}

#[test]
fn a_board_that_does_not_answer_is_the_difference() {
    let dir = tempfile::tempdir().unwrap();
    // A port nobody answers on: the master end stays open and silent.
    let pty = PtyPair::open().unwrap();
    let target = format!("serial:{}", pty.path);
    let out = ncx(dir.path(), &["info", "--target", &target, "--retries", "1", "--record", "dead.jsonl"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let lines = lines(&dir.path().join("dead.jsonl"));
    let end = &lines.last().unwrap()["end"];
    assert_eq!(end["status"], "error");
    assert!(end["message"].as_str().unwrap().contains("HELLO"), "{end}");
    let out = ncx(dir.path(), &["replay", "dead.jsonl"]);
    assert_eq!(out.status.code(), Some(1), "{}{}", text(&out.stdout), text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("note: the recording has no HELLO reply"), "{stdout}");
    assert!(stdout.contains("outcome:  the command failed: cannot connect to the device on serial:"), "{stdout}");
    assert!(stdout.contains("the recorded device's stream ends after 0 bytes, where the model sent 0xa5"), "{stdout}");
    assert!(stdout.contains("  in the reply to HELLO seq 1 sent by the model, byte 0 of 72"), "{stdout}");
    assert!(stdout.contains("  answering command 1, HELLO seq 1, sent "), "{stdout}");
    drop(pty);
}

#[test]
fn info_flash_readback_and_doctor_record_sessions_that_replay() {
    let dir = workdir();
    let out = ncx(dir.path(), &["compile", "net.toml", "-o", "net.ncx"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let sessions: [&[&str]; 4] = [
        &["info", "--target", "model", "--record", "s.jsonl"],
        &["flash", "net.ncx", "--target", "model", "--verify", "full", "--record", "s.jsonl"],
        &["readback", "--target", "model", "--what", "weights", "-o", "w.toml", "--record", "s.jsonl"],
        &["doctor", "--target", "model", "--record", "s.jsonl"],
    ];
    for args in sessions {
        let out = ncx(dir.path(), args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", text(&out.stderr));
        let out = ncx(dir.path(), &["replay", "s.jsonl", "-q"]);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}{}", text(&out.stdout), text(&out.stderr));
        assert!(text(&out.stdout).contains("; the device matches the model\n"), "{args:?}: {}", text(&out.stdout));
    }
    // The image flashed is in the manifest.
    let out = ncx(dir.path(), &["flash", "net.ncx", "--target", "model", "--record", "flash.jsonl"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let files = lines(&dir.path().join("flash.jsonl"))[0]["files"].clone();
    assert_eq!(files[0]["arg"], "net.ncx");
    assert_eq!(files[0]["sha256"], sha256_of(&dir.path().join("net.ncx")));
}

#[test]
fn record_never_replaces_special_files_or_inputs() {
    let dir = workdir();
    std::fs::write(dir.path().join("keep.txt"), "precious").unwrap();
    let fifo = dir.path().join("fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    std::os::unix::fs::symlink("/dev/null", dir.path().join("null-link")).unwrap();
    // `ncx run` checks its outputs (--record among them) against its inputs first.
    let cases: [(&[&str], &str); 7] = [
        (&["info", "--target", "model", "--record", "/dev/null"], "it is a character device, not a regular file"),
        (&["info", "--target", "model", "--record", "fifo"], "it is a FIFO, not a regular file"),
        (&["info", "--target", "model", "--record", "null-link"], "it is a character device"),
        (&["info", "--target", "model", "--record", "."], "it is a directory"),
        (&["info", "--target", "model", "--record", "nodir/r.jsonl"], "its directory does not exist"),
        (&["run", "net.toml", "--steps", "3", "--target", "model-device", "--record", "net.toml"], "net.toml"),
        (
            &[
                "run",
                "net.toml",
                "--steps",
                "3",
                "--target",
                "model-device",
                "--stimulus",
                "keep.txt",
                "--record=./keep.txt",
            ],
            "keep.txt",
        ),
    ];
    let net = std::fs::read(dir.path().join("net.toml")).unwrap();
    for (args, message) in cases {
        let out = ncx(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out.stderr));
        let stderr = text(&out.stderr);
        assert!(stderr.contains("cannot record to ") || stderr.contains("(--record)"), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    // Other device commands check --record against every file on their command line.
    assert_eq!(ncx(dir.path(), &["compile", "net.toml", "-o", "net.ncx"]).status.code(), Some(0));
    let image = std::fs::read(dir.path().join("net.ncx")).unwrap();
    let out = ncx(dir.path(), &["flash", "net.ncx", "--target", "model", "--record", "net.ncx"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot record to net.ncx: it is also `net.ncx` on the command line"));
    assert_eq!(std::fs::read(dir.path().join("net.ncx")).unwrap(), image);
    let out = ncx(dir.path(), &["readback", "--target", "model", "-o", "out.toml", "--record", "out.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot record to out.toml: it is also `out.toml` on the command line"));
    assert!(!dir.path().join("out.toml").exists());
    assert_eq!(std::fs::read(dir.path().join("net.toml")).unwrap(), net);
    assert_eq!(std::fs::read_to_string(dir.path().join("keep.txt")).unwrap(), "precious");
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    // A regular file is replaced, through a symbolic link its target.
    std::fs::write(dir.path().join("old.jsonl"), "old").unwrap();
    std::os::unix::fs::symlink("old.jsonl", dir.path().join("link.jsonl")).unwrap();
    let out = ncx(dir.path(), &["info", "--target", "model", "--record", "link.jsonl"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(std::fs::symlink_metadata(dir.path().join("link.jsonl")).unwrap().file_type().is_symlink());
    assert!(
        std::fs::read_to_string(dir.path().join("old.jsonl")).unwrap().starts_with("{\"format\":\"ncx-recording\"")
    );
}

#[test]
fn bad_recordings_are_clear_errors_with_status_2() {
    let dir = workdir();
    let out = ncx(dir.path(), &["info", "--target", "model", "--record", "good.jsonl"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let good = std::fs::read_to_string(dir.path().join("good.jsonl")).unwrap();
    let v2 = good.replacen("\"version\":1", "\"version\":2", 1);
    let mut broken: Vec<&str> = good.lines().collect();
    broken[2] = "{\"t\":5,\"rx\":\"a5z\"}";
    let broken = broken.join("\n") + "\n";
    let version = format!(
        "v2.jsonl is an ncx recording of version 2 (written by ncx {0}), but this ncx {0} reads only version 1",
        env!("CARGO_PKG_VERSION")
    );
    let cases: [(&str, &str, &str); 6] = [
        ("empty.jsonl", "", "empty.jsonl is not an ncx recording: it is empty"),
        ("text.jsonl", "hello\nworld\n", "text.jsonl is not an ncx recording: its first line is not the JSON header"),
        ("other.jsonl", "{\"format\":\"other\"}\n", "other.jsonl is not an ncx recording: its first line has no"),
        ("v2.jsonl", &v2, &version),
        ("broken.jsonl", &broken, "broken.jsonl:3: not a record of an ncx recording: \"rx\" is not a string of hex"),
        ("half.jsonl", &good[..20], "half.jsonl is not an ncx recording: its first line is incomplete"),
    ];
    for (name, content, message) in cases {
        std::fs::write(dir.path().join(name), content).unwrap();
        let out = ncx(dir.path(), &["replay", name]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", text(&out.stdout));
        let stderr = text(&out.stderr);
        assert!(stderr.contains(message), "{name}: {stderr}");
    }
    let out = ncx(dir.path(), &["replay", "missing.jsonl"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read missing.jsonl: No such file"), "{}", text(&out.stderr));
    let out = ncx(dir.path(), &["replay", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains(". is not an ncx recording: it is a directory"), "{}", text(&out.stderr));
}

#[test]
fn the_recording_is_written_as_the_session_goes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("live.jsonl");
    let geometry = Geometry::new(16, 16).unwrap();
    let header = ncx::link::record::Header::new("model", "model", Some(geometry));
    let recorder = Recorder::create(&path, &header).unwrap();
    let mut link = recorder.wrap(ModelLink::new(Device::new(geometry, DeviceConfig::default())));
    let hello = ncx_model::wire::encode(Opcode::Hello as u8, 1, &[]).unwrap();
    link.send(&hello).unwrap();
    let mut buf = [0u8; 256];
    let n = link.receive(&mut buf, Duration::from_millis(50)).unwrap();
    assert_eq!(n, 72);
    assert_eq!(link.receive(&mut buf, Duration::from_millis(50)).unwrap(), 0);
    // The empty receive after a wait flushed everything so far; the link is still open.
    let events = read_all(&path);
    assert!(matches!(&events[0], Event::Sent { bytes, .. } if *bytes == hello), "{events:?}");
    assert!(matches!(&events[1], Event::Received { bytes, cap: 256, wait_us: 50_000, .. } if bytes.len() == 72));
    assert!(matches!(&events[2], Event::Received { bytes, .. } if bytes.is_empty()));
    assert_eq!(events.len(), 3);
    drop(link);
    let events = read_all(&path);
    assert!(matches!(events.last(), Some(Event::Closed { .. })), "{events:?}");
    assert_eq!(recorder.bytes(), (11, 72));
}

fn read_all(path: &Path) -> Vec<Event> {
    let mut reader = Reader::open(path).unwrap();
    let mut events = Vec::new();
    while let Some(event) = reader.next_event().unwrap() {
        events.push(event);
    }
    events
}

#[test]
#[cfg_attr(not(have_verilator), ignore = "Verilator not found: install it with scripts/setup.sh")]
fn a_recorded_session_replays_on_the_rtl_device() {
    let dir = workdir();
    let out = record_run(dir.path(), "model-device", "rec.jsonl", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = ncx(dir.path(), &["replay", "rec.jsonl", "--backend", "verilator"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("replay:   on the RTL device (Verilator)\n"), "{stdout}");
    assert!(stdout.contains("note: the RTL device's HELLO says clock 100000000 Hz, divisor 4"), "{stdout}");
    assert!(stdout.contains("; the device matches the RTL device\n"), "{stdout}");

    let (stream, _) = device_stream(&lines(&dir.path().join("rec.jsonl")));
    let offset = frame_offset(&stream, OUTPUT_OPCODE, |p| p[..4] == 7u32.to_le_bytes()) + 8;
    flip(dir.path(), "rec.jsonl", offset, "bad.jsonl");
    let out = ncx(dir.path(), &["replay", "bad.jsonl", "--backend", "verilator", "-q"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains(&format!("the device's byte {offset} differs: ")), "{stdout}");
    assert!(stdout.contains("the RTL sent"), "{stdout}");
    assert!(stdout.contains("  timestep 7: step 8 of the run of 60 timesteps from timestep 0\n"), "{stdout}");

    // The fault injector is re-created on the model only.
    let out = record_run(dir.path(), "faulty:1:drop=0.001:model", "f.jsonl", &["--retries", "30"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = ncx(dir.path(), &["replay", "f.jsonl", "--backend", "verilator"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("help: replay it with --backend model"), "{}", text(&out.stderr));
}

#[test]
fn hand_made_and_mutated_recordings_never_panic() {
    let dir = workdir();
    let out = record_run(dir.path(), "faulty:3:drop=0.01:model", "rec.jsonl", &["--retries", "60"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let good = std::fs::read(dir.path().join("rec.jsonl")).unwrap();
    // Absurd waits and buffers.
    let absurd = String::from_utf8(good.clone())
        .unwrap()
        .replace("\"wait_us\":", "\"wait_us\":18446744073709551615,\"x\":")
        .replace("\"cap\":4140", "\"cap\":1000000000000");
    let path = dir.path().join("m.jsonl");
    std::fs::write(&path, absurd).unwrap();
    let replay = ncx::replay::replay(&path, ncx::replay::Backend::Model);
    assert!(replay.is_ok(), "{:?}", replay.err().map(|e| e.to_string()));
    // Random bytes changed anywhere: an error or a verdict, never a panic.
    let mut rng = ncx::SplitMix64::new(5);
    for _ in 0..200 {
        let mut bytes = good.clone();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(bytes.len() as u64) as usize;
            bytes[at] = rng.below(256) as u8;
        }
        bytes.truncate(bytes.len() - rng.below(bytes.len() as u64 / 2) as usize);
        std::fs::write(&path, &bytes).unwrap();
        let _ = ncx::replay::replay(&path, ncx::replay::Backend::Model);
    }
}
