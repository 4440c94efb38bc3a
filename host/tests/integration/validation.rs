//! Bad input of issue 15, item 7, through the binary (docs/reliability.md §5): each case
//! the issue quotes, and the gaps found next to them, exit with status 2 and a message
//! that names the place and the limit — never an image, a panic or the operating
//! system's words alone.

use crate::npy_support;

use std::path::Path;
use std::process::{Command, Output};

fn ncx(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ncx")).current_dir(dir).args(args).output().unwrap()
}

fn example(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples").join(path).display().to_string()
}

/// Exit status 2, an `error:` with every phrase of `phrases`, nothing on stdout.
fn assert_refused(out: &Output, phrases: &[&str]) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    for phrase in phrases {
        assert!(stderr.contains(phrase), "no `{phrase}` in\n{stderr}");
    }
    assert!(!stderr.contains("panicked") && !stderr.contains("bug in the program"), "{stderr}");
    assert!(out.stdout.is_empty(), "stdout: {}", String::from_utf8_lossy(&out.stdout));
    stderr
}

/// `ncx compile NET -o out.ncx` in `dir`, which must fail and leave no image.
fn compile_refused(dir: &Path, net: &str, phrases: &[&str]) -> String {
    let stderr = assert_refused(&ncx(dir, &["compile", net, "-o", "out.ncx"]), phrases);
    assert!(!dir.join("out.ncx").exists(), "{net}: an image was written");
    stderr
}

const POPULATION: &str = "[[population]]\nname = \"p\"\nsize = 2\nthreshold = 1.0\n";

#[test]
fn an_empty_network_is_not_compiled() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.toml"), "").unwrap();
    compile_refused(dir.path(), "empty.toml", &["no populations", "--> empty.toml:1:1", "[[population]]"]);
    std::fs::write(dir.path().join("inputs.toml"), "[[input]]\nname = \"in\"\nsize = 4\n").unwrap();
    compile_refused(dir.path(), "inputs.toml", &["no populations"]);
}

#[test]
fn an_absurd_weight_is_refused_at_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let net = format!(
        "[[input]]\nname = \"in\"\nsize = 2\n{POPULATION}[[projection]]\nfrom = \"in\"\nto = \"p\"\n\
         connect = \"all_to_all\"\nweight = 1e300\n"
    );
    std::fs::write(dir.path().join("big.toml"), net).unwrap();
    compile_refused(
        dir.path(),
        "big.toml",
        &["`weight` = 1e300 is out of range", "above 1e9", "--> big.toml:12:10", "projection[0].weight"],
    );
    // The scale the issue saw is refused too, and infinities.
    std::fs::write(dir.path().join("scale.toml"), format!("[core]\nscale = 1e300\n{POPULATION}")).unwrap();
    compile_refused(dir.path(), "scale.toml", &["`scale` = 1e300 is out of range", "1e16", "--> scale.toml:2:9"]);
    std::fs::write(dir.path().join("inf.toml"), POPULATION.replace("1.0", "inf")).unwrap();
    compile_refused(dir.path(), "inf.toml", &["`threshold` must be a finite number, found inf", "--> inf.toml:4:13"]);
}

#[test]
fn a_300_byte_name_is_a_compile_error_at_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let long = "x".repeat(300);
    for (file, text, key) in [
        ("network.toml", format!("name = \"{long}\"\n{POPULATION}"), "^ name"),
        ("population.toml", POPULATION.replace("\"p\"", &format!("\"{long}\"")), "^ population[0].name"),
        ("input.toml", format!("[[input]]\nname = \"{long}\"\nsize = 1\n{POPULATION}"), "^ input[0].name"),
    ] {
        std::fs::write(dir.path().join(file), text).unwrap();
        compile_refused(dir.path(), file, &["`name` is 300 bytes long: a name has at most 255 bytes", key]);
    }
}

/// A stimulus for the stdp example, in `dir`.
fn stimulus(dir: &Path, name: &str, text: &[u8]) {
    std::fs::write(dir.join(name), text).unwrap();
}

#[test]
fn a_huge_stimulus_range_counts_without_wrapping() {
    let dir = tempfile::tempdir().unwrap();
    let net = example("stdp/net.toml");
    let run = |name: &str| ncx(dir.path(), &["run", &net, "--stimulus", name, "--steps", "5", "-q"]);
    // One input: every one of the 2^63 − 1 − 5 spikes past the run is counted.
    stimulus(
        dir.path(),
        "one.toml",
        b"[[spikes]]\ngroup = \"afferents\"\nindex = 0\nsteps = \"0..9223372036854775807\"\n",
    );
    let out = run("one.toml");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("one.toml:4:9: 9223372036854775802 input spikes at timestep 5 or later ignored"),
        "{stderr}"
    );
    // 32 inputs: more than a 64-bit count holds, said so rather than wrapped.
    stimulus(dir.path(), "all.toml", b"[[spikes]]\ngroup = \"afferents\"\nsteps = \"0..9223372036854775807\"\n");
    let out = run("all.toml");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("all.toml:3:9: 18446744073709551615 or more input spikes at timestep 5"), "{stderr}");
    // A bound beyond 64 bits, a negative one.
    stimulus(dir.path(), "over.toml", b"[[spikes]]\ngroup = \"afferents\"\nsteps = \"0..99999999999999999999\"\n");
    assert_refused(&run("over.toml"), &["over.toml:3:9: `steps` = 99999999999999999999 does not fit 64 bits"]);
    stimulus(dir.path(), "neg.toml", b"[[spikes]]\ngroup = \"afferents\"\nsteps = \"-3..5\"\n");
    assert_refused(&run("neg.toml"), &["neg.toml:3:9: `steps` = -3 is negative"]);
    stimulus(dir.path(), "over.csv", b"timestep,input\n99999999999999999999,afferents:1\n");
    assert_refused(&run("over.csv"), &["over.csv:2: `timestep` = 99999999999999999999 does not fit 64 bits"]);
    // NaN is not a rate.
    stimulus(dir.path(), "nan.toml", b"[[poisson]]\ngroup = \"afferents\"\nrate = nan\n");
    assert_refused(&run("nan.toml"), &["nan.toml:3:8: `rate` = NaN is not a finite number"]);
}

#[test]
fn a_network_that_is_not_utf8_names_line_column_and_byte() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.toml"), b"name = \"a\"\n[[population]]\nname = \"p\xff\"\nsize = 3\n").unwrap();
    compile_refused(
        dir.path(),
        "bad.toml",
        &["`bad.toml` is not UTF-8 text: byte 0xff at line 3, column 10 (byte offset 35)", "--> bad.toml:3:10"],
    );
}

#[test]
fn a_stimulus_that_is_not_utf8_is_located_by_its_reader() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("u.csv");
    std::fs::write(&path, b"timestep,input\n1,\xfe\n").unwrap();
    let error = ncx::network::read_text(&path).unwrap_err();
    let error = ncx::stimulus::StimulusError::reading("u.csv", error);
    assert_eq!(
        ncx::error::Report(&error).to_string(),
        "u.csv:2:3: the file is not UTF-8 text: byte 0xfe (byte offset 17) is not UTF-8\nhelp: save the stimulus as \
         UTF-8 text (TOML and CSV stimuli are UTF-8)"
    );
}

#[test]
fn a_stimulus_that_is_not_utf8_names_line_column_and_byte() {
    let dir = tempfile::tempdir().unwrap();
    stimulus(dir.path(), "u.csv", b"timestep,input\n1,\xfe\n");
    stimulus(dir.path(), "u.toml", b"[[spikes]]\ngroup = \"aff\xe9rents\"\nsteps = [1]\n");
    let net = example("stdp/net.toml");
    for (name, at) in [("u.csv", "u.csv:2:3: "), ("u.toml", "u.toml:2:13: ")] {
        let out = ncx(dir.path(), &["run", &net, "--stimulus", name, "--steps", "5"]);
        assert_refused(&out, &[at, "is not UTF-8 text"]);
    }
}

#[test]
fn compiling_an_image_says_it_is_an_image() {
    let dir = tempfile::tempdir().unwrap();
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/golden/stdp.ncx");
    std::fs::copy(golden, dir.path().join("x.ncx")).unwrap();
    compile_refused(
        dir.path(),
        "x.ncx",
        &["`x.ncx` is a device image (.ncx), not a network description", "help: `ncx inspect x.ncx`"],
    );
    std::fs::create_dir(dir.path().join("d")).unwrap();
    compile_refused(dir.path(), "d", &["`d` is a directory, not a network description"]);
}

#[test]
fn a_port_that_is_not_a_serial_device_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("regular.txt"), "hello\n").unwrap();
    std::fs::create_dir(dir.path().join("dir")).unwrap();
    let mut cases = vec![("regular.txt", "a regular file"), ("dir", "a directory")];
    // A character device that is not a terminal.
    if Path::new("/dev/null").exists() {
        cases.push(("/dev/null", "a character device that is not a terminal"));
    }
    for (port, what) in cases {
        for command in ["info", "doctor"] {
            let out = ncx(dir.path(), &[command, "--port", port]);
            let stderr =
                assert_refused(&out, &[&format!("{port} is not a serial device: it is {what}"), "`ncx ports`"]);
            assert!(!stderr.contains("typewriter") && !stderr.contains("Inappropriate ioctl"), "{stderr}");
        }
    }
}

/// A version 1.0 `.npy` file in C order.
fn npy(descr: &str, shape: &str, data: &[u8]) -> Vec<u8> {
    npy_support::npy(descr, false, shape, data)
}

#[test]
fn npy_errors_say_what_was_expected_and_what_was_found() {
    let dir = tempfile::tempdir().unwrap();
    let net = format!(
        "[[input]]\nname = \"in\"\nsize = 3\n{POPULATION}[[projection]]\nfrom = \"in\"\nto = \"p\"\nmatrix = \"m.npy\"\n"
    );
    std::fs::write(dir.path().join("net.toml"), net).unwrap();
    let cases: [(Vec<u8>, &[&str]); 7] = [
        // The right matrix compiles (checked below); these do not.
        (
            npy("<f8", "(2, 3)", &[0; 20]),
            &[
                "is cut short: its header announces shape [2, 3] of `<f8`, 48 bytes of data, but only 20 follow the header",
            ],
        ),
        (npy("<c16", "(2, 3)", &[0; 96]), &["has dtype `<c16` (complex); a weight matrix is float32 or float64"]),
        (npy("<i8", "(2, 3)", &[0; 48]), &["has dtype `<i8`; a weight matrix is", "32 bits"]),
        (npy("<f8", "(6,)", &[0; 48]), &["has shape [6]; projection `in -> p` (p: 2 x in: 3) needs [2, 3]"]),
        (npy("<f8", "(3, 2)", &[0; 48]), &["has shape [3, 2]", "needs [2, 3]"]),
        (
            b"\x93NUMPY\x02\x00\xff\xff\xff\x7f{".to_vec(),
            &["is not a valid .npy file (13 bytes): its header announces 2147483647 bytes, but only 1 follow"],
        ),
        (b"PK\x03\x04".to_vec(), &["is not a valid .npy file (4 bytes): it does not start with \\x93NUMPY"]),
    ];
    for (bytes, phrases) in cases {
        std::fs::write(dir.path().join("m.npy"), bytes).unwrap();
        let mut all = vec!["`m.npy`", "--> net.toml:11:10", "projection[0].matrix"];
        all.extend_from_slice(phrases);
        compile_refused(dir.path(), "net.toml", &all);
    }
    let mut values = Vec::new();
    for v in [0.5f64, 0.0, 1.0, 0.25, 0.0, 0.0] {
        values.extend(v.to_le_bytes());
    }
    std::fs::write(dir.path().join("m.npy"), npy("<f8", "(2, 3)", &values)).unwrap();
    let out = ncx(dir.path(), &["compile", "net.toml", "-o", "out.ncx", "-q"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_threshold_lost_to_the_scale_is_a_warning_at_its_key() {
    let dir = tempfile::tempdir().unwrap();
    // Weights 10^9 times the threshold: within the magnitudes allowed, beyond the core's
    // resolution, so the threshold becomes 0 and the neurons fire without input.
    let net = format!(
        "[[input]]\nname = \"in\"\nsize = 2\n{POPULATION}[[projection]]\nfrom = \"in\"\nto = \"p\"\n\
         connect = \"all_to_all\"\nweight = 1e9\n"
    );
    std::fs::write(dir.path().join("ratio.toml"), net).unwrap();
    let out = ncx(dir.path(), &["compile", "ratio.toml", "-o", "out.ncx", "-q"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.starts_with("warning: population `p`: `threshold` = 1 is below half a core unit"), "{stderr}");
    assert!(stderr.contains("becomes 0") && stderr.contains("^^^ population[0].threshold"), "{stderr}");
    std::fs::remove_file(dir.path().join("out.ncx")).unwrap();
    let out = ncx(dir.path(), &["compile", "ratio.toml", "-o", "out.ncx", "--strict"]);
    assert_refused(&out, &["`threshold` = 1 is below half a core unit", "strict mode"]);
    assert!(!dir.path().join("out.ncx").exists());
}

#[test]
fn a_directory_is_not_a_network_or_an_image() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("d")).unwrap();
    assert_refused(&ncx(dir.path(), &["run", "d", "--steps", "3"]), &["d is a directory, not a network", "help: "]);
    assert_refused(&ncx(dir.path(), &["inspect", "d"]), &["d is a directory, not an image", "help: "]);
    // A file without an extension: what ncx could not tell, not an empty type name.
    std::fs::write(dir.path().join("net"), "name = \"x\"\n").unwrap();
    assert_refused(&ncx(dir.path(), &["run", "net", "--steps", "3"]), &["net: the file has no extension"]);
}
