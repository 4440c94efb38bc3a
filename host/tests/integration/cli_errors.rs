//! The acceptance of bad input through the binary: every malformed network, image or
//! stimulus makes `ncx` exit with status 2, print a one-screen error that says where
//! (file and, for text files, line and column) and write no output file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(path)
}

fn example(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples").join(path)
}

fn ncx(dir: &Path, args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ncx")).current_dir(dir).args(args).output().unwrap()
}

/// Status 2, "error:" first, the `location` named, at most one screen, no stdout.
fn assert_clean_failure(out: &Output, what: &str, location: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{what}: {stderr}");
    assert!(stderr.starts_with("error: "), "{what}: {stderr}");
    assert!(stderr.contains(location), "{what}: no `{location}` in\n{stderr}");
    assert!(stderr.lines().count() <= 24, "{what}: more than one screen:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    assert!(out.stdout.is_empty(), "{what}: wrote to stdout");
}

/// Only the files the test put there.
fn assert_nothing_written(dir: &Path, keep: &[&str]) {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.retain(|n| !keep.contains(&n.as_str()));
    assert!(names.is_empty(), "left behind: {names:?}");
}

#[test]
fn every_bad_network_fails_cleanly_with_its_location() {
    // Files that are only included by others are not networks of their own.
    let parts = [
        "cycle_b.toml",
        "duplicate_part.toml",
        "core_in_include_part.toml",
        "twice_a.toml",
        "twice_b.toml",
        "twice_c.toml",
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut tried = 0;
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(data("networks/bad")).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for net in entries {
        let name = net.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".toml") || parts.contains(&name.as_str()) {
            continue;
        }
        let image = dir.path().join("out.ncx");
        let out = ncx(dir.path(), &["compile".as_ref(), net.as_os_str(), "-o".as_ref(), image.as_os_str()]);
        // A located error: `--> file:line:col` in the network, a file it includes, or
        // a data file it names (a CSV matrix, say).
        assert_clean_failure(&out, &name, "  --> ");
        assert_nothing_written(dir.path(), &[]);
        tried += 1;
    }
    assert!(tried >= 30, "only {tried} bad networks");
}

#[test]
fn bad_images_fail_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let golden = std::fs::read(data("golden/stdp.ncx")).unwrap();
    let mut flipped = golden.clone();
    flipped[200] ^= 0x10;
    let cases: [(&str, Vec<u8>, &str); 5] = [
        ("empty.ncx", Vec::new(), "empty.ncx"),
        ("truncated.ncx", golden[..golden.len() / 2].to_vec(), "truncated.ncx"),
        ("flipped.ncx", flipped, "flipped.ncx"),
        ("text.ncx", b"name = \"not an image\"\n".to_vec(), "ncx compile"),
        ("trailing.ncx", [golden.as_slice(), b"x"].concat(), "trailing.ncx"),
    ];
    for (name, bytes, location) in cases {
        std::fs::write(dir.path().join(name), bytes).unwrap();
        let out = ncx(dir.path(), &["inspect".as_ref(), name.as_ref()]);
        assert_clean_failure(&out, name, location);
        let out = ncx(dir.path(), &["run".as_ref(), name.as_ref(), "--steps".as_ref(), "5".as_ref()]);
        assert_clean_failure(&out, name, location);
    }
    let out = ncx(dir.path(), &["inspect".as_ref(), "missing.ncx".as_ref()]);
    assert_clean_failure(&out, "missing file", "missing.ncx");
}

#[test]
fn bad_stimuli_fail_cleanly_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let net = example("stdp/net.toml");
    let cases = [
        ("group.toml", "[[spikes]]\ngroup = \"pixels\"\nsteps = [1]\n", "group.toml:2:9"),
        ("index.toml", "[[spikes]]\ngroup = \"afferents\"\nindex = 32\nsteps = [1]\n", "index.toml:3"),
        ("key.toml", "[[spikes]]\ngroup = \"afferents\"\nstep = [1]\n", "key.toml:3"),
        ("rate.toml", "[[poisson]]\ngroup = \"afferents\"\nrate = 5000.0\n", "rate.toml:3"),
        ("syntax.toml", "[[spikes]\n", "syntax.toml:1"),
        ("line.csv", "timestep,input\n0,afferents:1\nx,afferents:2\n", "line.csv:3"),
        ("header.csv", "time,input\n0,1\n", "header.csv:1"),
        ("core.csv", "timestep,input\n0,999\n", "core.csv:2"),
    ];
    for (name, text, location) in cases {
        std::fs::write(dir.path().join(name), text).unwrap();
        let args = [
            "run".as_ref(),
            net.as_os_str(),
            "--steps".as_ref(),
            "5".as_ref(),
            "--stimulus".as_ref(),
            name.as_ref(),
            "--raster".as_ref(),
            "r.csv".as_ref(),
        ];
        let out = ncx(dir.path(), &args);
        assert_clean_failure(&out, name, location);
        assert!(!dir.path().join("r.csv").exists(), "{name}: a raster was written");
    }
}

#[test]
fn retries_exhausted_on_a_lossy_link_say_the_link_is_noisy_and_how_many_retries_help() {
    let dir = tempfile::tempdir().unwrap();
    // Seed 7: the handshake's 6 tries all lose a byte (docs/reliability.md §4).
    let target = "faulty:7:drop=0.01,corrupt=0.01:model";
    let out = ncx(dir.path(), &["info".as_ref(), "--target".as_ref(), target.as_ref()]);
    assert_clean_failure(&out, target, "no reply to HELLO on faulty:7:");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("the link is noisy\nwhat came back: "), "{stderr}");
    assert!(stderr.contains("partial frame"), "{stderr}");
    assert!(stderr.contains("`--retries 68`"), "{stderr}");
    assert!(!stderr.contains("powered") && !stderr.contains("bitstream"), "{stderr}");
    // The suggestion works.
    let args = ["info".as_ref(), "--target".as_ref(), target.as_ref(), "--retries".as_ref(), "68".as_ref()];
    let out = ncx(dir.path(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("device on faulty:7:"));
}
