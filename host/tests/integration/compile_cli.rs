//! `ncx compile` as a user runs it: output files, the printed map and report,
//! warnings, `--strict`, `--quiet`, `--report-json`, exit status 2 and no partial
//! output on every error.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

const NET: &str = r#"
name = "cli"
[[input]]
name = "in"
size = 4
[[population]]
name = "exc"
size = 3
threshold = 1.0
[[projection]]
from = "in"
to = "exc"
connect = "all_to_all"
weight = 0.5
"#;

fn ncx(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ncx")).current_dir(dir).args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn compiles_to_the_default_output_and_prints_the_map() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("net.toml"), NET).unwrap();
    let out = ncx(dir.path(), &["compile", "net.toml"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(files(dir.path()), ["net.ncx", "net.toml"]);
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("compiled `cli` (net.toml) -> net.ncx ("), "{stdout}");
    assert!(stdout.contains("core: 16 neurons x 16 inputs, timestep 1 ms, free-running, clock 100 MHz"), "{stdout}");
    assert!(stdout.contains("  exc  neurons 0..3 (3)  recorded\n"), "{stdout}");
    assert!(stdout.contains("  in   inputs  0..4 (4)\n"), "{stdout}");
    assert!(stdout.contains("scale q = "), "{stdout}");
    assert_eq!(text(&out.stderr), "");
    // The same description gives byte-identical images.
    let first = fs::read(dir.path().join("net.ncx")).unwrap();
    let again = ncx(dir.path(), &["compile", "net.toml", "-o", "again.ncx", "--quiet"]);
    assert!(again.status.success());
    assert_eq!(text(&again.stdout), "");
    assert_eq!(fs::read(dir.path().join("again.ncx")).unwrap(), first);
}

#[test]
fn writes_the_json_report() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("net.toml"), NET).unwrap();
    let out = ncx(dir.path(), &["compile", "net.toml", "-o", "x.ncx", "--report-json", "report.json", "--quiet"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    // W = 0.5, V = 1: the threshold fits up to s = 15 (254 · 2^15); P = 4 · 127 = 508 and
    // 508 · 2^14 = 8323072 fits I, 508 · 2^15 does not → s = 14.
    assert_eq!(json["weight_shift"], 14);
    assert_eq!(json["populations"][0]["name"], "exc");
}

#[test]
fn an_error_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("net.toml"), NET.replace("size = 3", "size = -3")).unwrap();
    fs::write(dir.path().join("net.ncx"), b"previous").unwrap();
    let out = ncx(dir.path(), &["compile", "net.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("error: `size` = -3 is out of range: it must be from 1 to 1024\n  --> net.toml:8:8\n"),
        "{stderr}"
    );
    assert!(stderr.contains(" 8 | size = -3\n   |        ^^ population[0].size\n"), "{stderr}");
    assert_eq!(text(&out.stdout), "");
    // The old output is untouched and no temporary file is left behind.
    assert_eq!(fs::read(dir.path().join("net.ncx")).unwrap(), b"previous");
    assert_eq!(files(dir.path()), ["net.ncx", "net.toml"]);
}

#[test]
fn a_missing_input_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = ncx(dir.path(), &["compile", "nope.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).starts_with("error: cannot read `nope.toml`: "), "{}", text(&out.stderr));
    assert!(files(dir.path()).is_empty());
}

#[test]
fn warnings_go_to_stderr_and_strict_makes_them_errors() {
    let dir = tempfile::tempdir().unwrap();
    let net = NET.replace("threshold = 1.0", "threshold = 1.0\nbias = 5.0");
    fs::write(dir.path().join("net.toml"), &net).unwrap();
    let out = ncx(dir.path(), &["compile", "net.toml", "--quiet"]);
    assert!(out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with("warning: population `exc`: 3 of 3 neurons fire in every timestep"), "{stderr}");
    assert!(stderr.contains("  --> net.toml:7:8\n"), "{stderr}");
    fs::remove_file(dir.path().join("net.ncx")).unwrap();

    let strict = ncx(dir.path(), &["compile", "net.toml", "--strict", "--report-json", "r.json"]);
    assert_eq!(strict.status.code(), Some(2));
    let stderr = text(&strict.stderr);
    assert!(stderr.starts_with("error: population `exc`: 3 of 3 neurons fire in every timestep"), "{stderr}");
    assert!(
        stderr.trim_end().ends_with("strict mode turns warnings into errors: 1 warning(s), no image written"),
        "{stderr}"
    );
    assert_eq!(files(dir.path()), ["net.toml"]);
}
