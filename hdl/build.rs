//! Build script of ncx-hdl: verilates the UART co-simulation top and links it.
//!
//! 1. Finds Verilator: the program named by the `VERILATOR` environment variable, else
//!    `verilator` on `PATH`; it counts as found when `--version` runs. Its runtime
//!    sources come from `verilator --getenv VERILATOR_ROOT`.
//! 2. Runs `verilator --cc --build -Wall` on `rtl/ncx_uart_loop.sv` and the modules it
//!    instantiates, into `$OUT_DIR/obj_dir` (C++ at `-O2`, position-independent), and
//!    links the resulting `Vncx_uart_loop__ALL.a`.
//! 3. Compiles the C shim `csrc/uart_shim.cpp` and the Verilator runtime (`verilated.cpp`,
//!    `verilated_threads.cpp`) with the `cc` crate, links `libatomic`, and sets the cfg
//!    `have_verilator`, which compiles in the co-simulation API and its tests.
//!
//! Without Verilator the crate still builds, with a cargo warning and without the cfg, so
//! the co-simulation is skipped. With `NCX_REQUIRE_VERILATOR=1` (set by `.ci/run`) a
//! missing Verilator is an error instead. A Verilator that is present but fails (a lint
//! warning under `-Wall`, a C++ error) is always an error.

use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::PathBuf;
use std::process::{Command, exit};

/// The co-simulation top and the RTL it instantiates, relative to the crate.
const RTL: &[&str] = &["rtl/ncx_uart_loop.sv", "rtl/ncx_uart_rx.sv", "rtl/ncx_uart_tx.sv"];
/// The top module verilated.
const TOP: &str = "ncx_uart_loop";
/// The C ABI over the model.
const SHIM: &str = "csrc/uart_shim.cpp";

fn main() {
    println!("cargo::rustc-check-cfg=cfg(have_verilator)");
    println!("cargo::rerun-if-changed=build.rs");
    for file in RTL.iter().chain([&SHIM]) {
        println!("cargo::rerun-if-changed={file}");
    }
    println!("cargo::rerun-if-env-changed=VERILATOR");
    println!("cargo::rerun-if-env-changed=NCX_REQUIRE_VERILATOR");
    println!("cargo::rerun-if-env-changed=PATH");

    let verilator = env::var_os("VERILATOR").unwrap_or_else(|| OsString::from("verilator"));
    let version = match Command::new(&verilator).arg("--version").output() {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        _ => {
            if env::var_os("NCX_REQUIRE_VERILATOR").is_some_and(|v| v == "1") {
                fail(&format!(
                    "verilator not found (tried {:?}) but NCX_REQUIRE_VERILATOR=1: install it with \
                     scripts/setup.sh, or point VERILATOR at it",
                    verilator
                ));
            }
            println!(
                "cargo::warning=verilator not found; the RTL co-simulation is skipped (install it with scripts/setup.sh)"
            );
            return;
        }
    };
    if let Err(message) = build(&verilator, &version) {
        fail(&message);
    }
    println!("cargo::rustc-cfg=have_verilator");
}

/// Stops the build with `message`, without a panic's backtrace.
fn fail(message: &str) -> ! {
    eprintln!("error: ncx-hdl build script: {message}");
    exit(1);
}

/// Verilates the top, compiles the shim and the runtime, and emits the link lines.
fn build(verilator: &OsString, version: &str) -> Result<(), String> {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").ok_or("CARGO_MANIFEST_DIR is not set")?);
    let out = PathBuf::from(env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);
    let jobs = env::var("NUM_JOBS").unwrap_or_else(|_| "1".to_owned());

    let root = run(Command::new(verilator).args(["--getenv", "VERILATOR_ROOT"]), "verilator --getenv VERILATOR_ROOT")?;
    let root = PathBuf::from(root.trim());
    let include = root.join("include");
    if !include.join("verilated.cpp").is_file() {
        return Err(format!("{version}: no verilated.cpp in {} (VERILATOR_ROOT)", include.display()));
    }

    // 1. Verilate and compile the model (Verilator's own makefile, at -O2).
    let obj_dir = out.join("obj_dir");
    let mut cmd = Command::new(verilator);
    cmd.args(["--cc", "--build", "-j", &jobs, "-Wall", "--top-module", TOP])
        .args(["-CFLAGS", "-fPIC", "-MAKEFLAGS", "OPT_FAST=-O2", "--Mdir"])
        .arg(&obj_dir)
        .args(RTL.iter().map(|f| manifest.join(f)));
    run(&mut cmd, &format!("verilator --cc --build ({version})"))?;
    let archive = obj_dir.join(format!("V{TOP}__ALL.a"));
    let lib = out.join(format!("lib{TOP}_model.a"));
    fs::copy(&archive, &lib).map_err(|e| format!("copying {} to {}: {e}", archive.display(), lib.display()))?;

    // 2. The shim, then the model, then the runtime: GNU ld resolves left to right.
    let defines =
        [("VM_COVERAGE", "0"), ("VM_SC", "0"), ("VM_TRACE", "0"), ("VM_TRACE_FST", "0"), ("VM_TRACE_VCD", "0")];
    let base = || {
        let mut b = cc::Build::new();
        b.cpp(true).std("c++17").opt_level(2).debug(false).flag("-faligned-new");
        // -isystem: warnings in Verilator's headers and generated code are not ours.
        for dir in [obj_dir.clone(), include.clone(), include.join("vltstd")] {
            b.flag("-isystem").flag(dir.as_os_str());
        }
        for (name, value) in defines {
            b.define(name, value);
        }
        b
    };
    base().file(manifest.join(SHIM)).try_compile("ncx_uart_shim").map_err(|e| format!("compiling {SHIM}: {e}"))?;
    println!("cargo::rustc-link-search=native={}", out.display());
    println!("cargo::rustc-link-lib=static={TOP}_model");
    base()
        .warnings(false)
        .file(include.join("verilated.cpp"))
        .file(include.join("verilated_threads.cpp"))
        .try_compile("verilated_rt")
        .map_err(|e| format!("compiling the Verilator runtime: {e}"))?;
    println!("cargo::rustc-link-lib=atomic");
    Ok(())
}

/// Runs `cmd`; its stdout on success, else an error with its output.
fn run(cmd: &mut Command, what: &str) -> Result<String, String> {
    let out = cmd.output().map_err(|e| format!("{what}: cannot run: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{what} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
