//! Nothing on disk is lost (docs/reliability.md §1, issue 15 items 1–3 and 5): the
//! built binary in a temporary directory writing into special files and through
//! symbolic links, refusing outputs over its inputs or over each other, creating no
//! output when any output path is bad, and keeping what a run recorded when it stops.

use std::fs;
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, symlink};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::run_common::{TINY_STEPS, fixture, tiny_network};
use ncx::image::codec;
use tempfile::TempDir;

/// A temporary directory holding `net.ncx` (the tiny network), `net.toml` (the stdp
/// example's description) and `s.toml` (the tiny stimulus).
fn workspace() -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("net.ncx"), codec::encode(&tiny_network())).expect("written");
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/stdp/net.toml");
    fs::copy(example, dir.path().join("net.toml")).expect("copied");
    fs::copy(fixture("tiny.toml"), dir.path().join("s.toml")).expect("copied");
    dir
}

fn ncx(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ncx")).current_dir(dir).args(args).output().expect("the ncx binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The names in `dir`, sorted (temporary files would show here).
fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("lists")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Exit status 2, the message contains `phrase`, nothing on stdout.
fn assert_refused(output: &Output, phrase: &str) {
    assert_eq!(output.status.code(), Some(2), "stderr: {}", stderr(output));
    assert!(stderr(output).contains(phrase), "expected {phrase:?} in: {}", stderr(output));
}

#[test]
fn dev_null_and_dev_full_are_written_into_not_replaced() {
    let dir = workspace();
    let output = ncx(dir.path(), &["compile", "net.toml", "-o", "/dev/null", "-q"]);
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    assert!(fs::metadata("/dev/null").expect("exists").file_type().is_char_device());
    let steps = TINY_STEPS.to_string();
    let args =
        ["run", "net.ncx", "--stimulus", "s.toml", "--steps", &steps, "--plot", "/dev/null", "--raster", "/dev/null"];
    let output = ncx(dir.path(), &args);
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    assert!(fs::metadata("/dev/null").expect("exists").file_type().is_char_device());
    // /dev/full refuses every write: an error naming it, and it stays a device.
    let output = ncx(dir.path(), &["compile", "net.toml", "-o", "/dev/full", "-q"]);
    assert_refused(&output, "cannot write /dev/full");
    assert!(fs::metadata("/dev/full").expect("exists").file_type().is_char_device());
    assert_eq!(files(dir.path()), ["net.ncx", "net.toml", "s.toml"]);
}

#[test]
fn a_fifo_receives_the_output_and_stays_a_fifo() {
    let dir = workspace();
    let fifo = dir.path().join("pipe");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            fs::File::open(&fifo).expect("opens").read_to_end(&mut bytes).expect("reads");
            bytes
        })
    };
    let output = ncx(dir.path(), &["compile", "net.toml", "-o", "pipe", "-q"]);
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    let bytes = reader.join().expect("the reader finishes");
    let image = codec::decode(&bytes).expect("the FIFO carried a whole image");
    assert_eq!(image.meta.name, "stdp-pattern");
    assert!(fs::symlink_metadata(&fifo).expect("exists").file_type().is_fifo());
}

#[test]
fn a_symbolic_link_keeps_pointing_at_its_replaced_target() {
    let dir = workspace();
    fs::create_dir(dir.path().join("real")).expect("made");
    fs::write(dir.path().join("real/old.ncx"), b"old").expect("written");
    symlink("real/old.ncx", dir.path().join("link.ncx")).expect("linked");
    symlink("real/new.ncx", dir.path().join("dangling.ncx")).expect("linked");
    for link in ["link.ncx", "dangling.ncx"] {
        let output = ncx(dir.path(), &["compile", "net.toml", "-o", link, "-q"]);
        assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
        assert!(fs::symlink_metadata(dir.path().join(link)).expect("exists").file_type().is_symlink(), "{link}");
    }
    for target in ["real/old.ncx", "real/new.ncx"] {
        let bytes = fs::read(dir.path().join(target)).expect("written through the link");
        assert_eq!(codec::decode(&bytes).expect("an image").meta.name, "stdp-pattern");
    }
    assert_eq!(files(&dir.path().join("real")), ["new.ncx", "old.ncx"]);
}

#[test]
fn an_output_over_an_input_is_refused_before_anything_is_written() {
    let dir = workspace();
    let before = fs::read(dir.path().join("net.toml")).expect("exists");
    assert_refused(&ncx(dir.path(), &["compile", "net.toml", "-o", "net.toml"]), "output is the input net.toml");
    assert_refused(
        &ncx(dir.path(), &["compile", "net.toml", "-o", "x.ncx", "--report-json", "net.toml"]),
        "output is the input",
    );
    assert_refused(&ncx(dir.path(), &["run", "net.ncx", "--steps", "3", "--raster", "net.ncx"]), "output is the input");
    assert_refused(
        &ncx(dir.path(), &["run", "net.ncx", "--steps", "3", "--stimulus", "s.toml", "--raster", "s.toml"]),
        "output is the input s.toml",
    );
    assert_refused(
        &ncx(dir.path(), &["run", "net.ncx", "--steps", "3", "--save-image", "net.ncx"]),
        "output is the input",
    );
    // The same file by another name: a symbolic link, a hard link, a `..` detour.
    symlink("net.toml", dir.path().join("alias.toml")).expect("linked");
    fs::hard_link(dir.path().join("net.ncx"), dir.path().join("hard.ncx")).expect("linked");
    fs::create_dir(dir.path().join("sub")).expect("made");
    assert_refused(&ncx(dir.path(), &["compile", "net.toml", "-o", "alias.toml"]), "output is the input");
    assert_refused(&ncx(dir.path(), &["run", "net.ncx", "--steps", "3", "--probe", "hard.ncx"]), "output is the input");
    assert_refused(&ncx(dir.path(), &["compile", "net.toml", "-o", "sub/../net.toml"]), "output is the input");
    assert_eq!(fs::read(dir.path().join("net.toml")).expect("exists"), before);
    assert_eq!(files(dir.path()), ["alias.toml", "hard.ncx", "net.ncx", "net.toml", "s.toml", "sub"]);
}

#[test]
fn two_outputs_on_one_path_are_refused() {
    let dir = workspace();
    fs::create_dir(dir.path().join("sub")).expect("made");
    let output = ncx(dir.path(), &["run", "net.ncx", "--steps", "3", "--raster", "x.csv", "--probe", "x.csv"]);
    assert_refused(&output, "two outputs share one path");
    assert!(stderr(&output).contains("--raster") && stderr(&output).contains("--probe"), "{}", stderr(&output));
    assert_refused(
        &ncx(dir.path(), &["run", "net.ncx", "--steps", "3", "--raster", "x.csv", "--plot", "./sub/../x.csv"]),
        "two outputs share one path",
    );
    assert_refused(
        &ncx(dir.path(), &["compile", "net.toml", "-o", "r.json", "--report-json", "r.json"]),
        "two outputs share one path",
    );
    assert_eq!(files(dir.path()), ["net.ncx", "net.toml", "s.toml", "sub"]);
}

#[test]
fn one_bad_output_path_leaves_no_output_at_all() {
    let dir = workspace();
    assert_refused(
        &ncx(dir.path(), &["compile", "net.toml", "-o", "out.ncx", "--report-json", "nodir/r.json"]),
        "the directory nodir does not exist",
    );
    assert_refused(
        &ncx(dir.path(), &["run", "net.ncx", "--steps", "3", "--raster", "r.csv", "--save-image", "nodir/l.ncx"]),
        "the directory nodir does not exist",
    );
    // A run that fails before its first timestep (no device there) leaves an existing
    // output as it was, not replaced by an empty one.
    fs::write(dir.path().join("old.csv"), "kept\n").expect("written");
    let output =
        ncx(dir.path(), &["run", "net.ncx", "--steps", "3", "--target", "serial:nodev", "--raster", "old.csv"]);
    assert_eq!(output.status.code(), Some(2), "stderr: {}", stderr(&output));
    assert_eq!(fs::read_to_string(dir.path().join("old.csv")).expect("exists"), "kept\n");
    fs::remove_file(dir.path().join("old.csv")).expect("removed");
    // A session recording needs a device: the model target has no link.
    assert_refused(
        &ncx(dir.path(), &["run", "net.ncx", "--steps", "3", "--record", "session.jsonl"]),
        "--record needs a device target",
    );
    // A directory as an output.
    fs::create_dir(dir.path().join("d")).expect("made");
    assert_refused(&ncx(dir.path(), &["compile", "net.toml", "-o", "d"]), "cannot write d (-o)");
    // An unwritable directory fails when the files are created, before any is written.
    if !is_root() {
        fs::create_dir(dir.path().join("ro")).expect("made");
        let mut permissions = fs::metadata(dir.path().join("ro")).expect("exists").permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o555);
        fs::set_permissions(dir.path().join("ro"), permissions).expect("set");
        assert_refused(
            &ncx(dir.path(), &["compile", "net.toml", "-o", "out.ncx", "--report-json", "ro/r.json"]),
            "cannot write ro/r.json",
        );
        assert!(files(&dir.path().join("ro")).is_empty());
        fs::remove_dir(dir.path().join("ro")).expect("removed");
    }
    assert_eq!(files(dir.path()), ["d", "net.ncx", "net.toml", "s.toml"]);
}

/// Start ncx in `dir` with `args`, stdout discarded, stderr kept.
fn spawn(dir: &Path, args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_ncx"))
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts")
}

/// Whether the tests run as root (who may write into a read-only directory).
fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

#[test]
fn huge_step_counts_run_in_bounded_memory_or_are_refused() {
    let dir = workspace();
    // A device run cannot take more than 2^32 - 1 timesteps: a clear error at once.
    let output = ncx(dir.path(), &["run", "net.ncx", "--steps", "18446744073709551615", "--target", "model-device"]);
    assert_refused(&output, "a device run takes 1 to 4294967295 timesteps");
    // The model starts such a run (and streams it) instead of failing to allocate:
    // still running after a while, not dead of a panic or an abort. SIGTERM then
    // stops it, and the raster keeps the timesteps run.
    let mut run = spawn(dir.path(), &["run", "net.ncx", "--steps", "18446744073709551615", "--raster", "r.csv", "-q"]);
    let mut demo = spawn(dir.path(), &["demo", "--steps", "18446744073709551615"]);
    std::thread::sleep(std::time::Duration::from_secs(2));
    for child in [&mut run, &mut demo] {
        let status = child.try_wait().expect("waits");
        assert!(status.is_none(), "ended with {status:?}");
    }
    demo.kill().expect("killed");
    demo.wait().expect("reaped");
    let killed = Command::new("kill").args(["-TERM", &run.id().to_string()]).status().expect("kill runs");
    assert!(killed.success());
    let output = run.wait_with_output().expect("ends");
    assert_eq!(output.status.code(), Some(2), "stderr: {}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains("kept r.csv (") && message.contains("partial: timesteps 0 to "), "{message}");
    assert!(message.contains("interrupted (Ctrl-C or SIGTERM)"), "{message}");
    let raster = fs::read_to_string(dir.path().join("r.csv")).expect("kept");
    assert!(raster.starts_with("timestep,neuron,population,index\n"), "{raster}");
    assert_eq!(files(dir.path()), ["net.ncx", "net.toml", "r.csv", "s.toml"], "no temporary file left");
    // `ncx demo | head` ends quietly when the reader goes away.
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!("{} demo --steps 18446744073709551615 | head -n 3", env!("CARGO_BIN_EXE_ncx")))
        .output()
        .expect("runs");
    assert_eq!(String::from_utf8_lossy(&output.stdout).lines().count(), 3);
    assert_eq!(stderr(&output), "");
}
