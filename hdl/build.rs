//! Build script of ncx-hdl: verilates the co-simulation tops and links them.
//!
//! 1. Finds Verilator: the program named by the `VERILATOR` environment variable, else
//!    `verilator` on `PATH`; it counts as found when `--version` runs. Its runtime
//!    sources come from `verilator --getenv VERILATOR_ROOT`.
//! 2. For every entry of [`MODELS`]: runs `verilator --cc --build -Wall` on the top's file,
//!    the package and the modules it instantiates (found by file name in `rtl/`), with the
//!    entry's parameters and defines and the class prefix `V<name>`, into
//!    `$OUT_DIR/obj_<name>` (C++ at `-O2`, position-independent), and links the resulting
//!    archive. The same top may be verilated several times, once per geometry.
//! 3. Compiles the C++ shims of `csrc/` with the `cc` crate (a shim that serves several
//!    models of one top gets a generated header, `<top>_models.h`, that includes them and
//!    lists them in an X-macro), then the Verilator runtime (`verilated.cpp`,
//!    `verilated_threads.cpp`); links `libatomic`, and sets the cfg `have_verilator`, which
//!    compiles in the co-simulation API and its tests.
//! 4. Tells the build scripts of dependent packages through the `links` metadata:
//!    `DEP_NCX_HDL_VERILATOR=1` when the co-simulation was built. They set a cfg of their
//!    own from it, so that their RTL tests are ignored, not passed, without Verilator.
//!
//! Without Verilator the crate still builds, with a cargo warning and without the cfg, so
//! the co-simulation is skipped. With `NCX_REQUIRE_VERILATOR=1` (set by `.ci/run`) a
//! missing Verilator is an error instead. A Verilator that is present but fails (a lint
//! warning under `-Wall`, a C++ error) is always an error.

use std::env;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, exit};

/// One Verilated model: a top module verilated with given parameters and defines.
struct Model {
    /// Unique name; the C++ class is `V<name>`.
    name: &'static str,
    /// The top module (its file is `rtl/<top>.sv`).
    top: &'static str,
    /// `Name=value` parameter overrides.
    params: &'static [&'static str],
    /// Preprocessor defines (`NAME`).
    defines: &'static [&'static str],
}

/// The core builds the co-simulation has, as (log2 N, log2 M, log2 P): with one
/// accumulate lane three small geometries for the randomised lock-step tests (16×16,
/// 32×16, 16×64), the geometries of the examples and golden scenarios (16×32, 64×64,
/// 128×16) and 256×256 for the benchmark; with four lanes 64×64 (the lanes' lock-step
/// test). Tests and `ncx check` can use exactly these; each costs a Verilator build.
macro_rules! core_model {
    ($name:literal, $n:literal, $m:literal, $lanes:literal) => {
        Model {
            name: $name,
            top: "ncx_core",
            params: &[concat!("NeuronsLog2=", $n), concat!("InputsLog2=", $m), concat!("LanesLog2=", $lanes)],
            defines: &["NCX_TRACE"],
        }
    };
}

/// The whole device (`ncx_top`) for `DeviceSim`, at baud divisor 4 so that a byte takes
/// 40 cycles: 16×16 and 64×64 with `ncx_top`'s default buffers (16 input slots, 16 kept
/// output frames, FIFOs of 2048 and 4096 bytes) and block RAM, 64×64 so again with four
/// accumulate lanes (`LanesLog2=2`, as the ULX3S builds it), and the iCEBreaker's
/// build: its geometry (32×32) and buffers (2 input slots, no kept frames, FIFOs of 512
/// bytes: hdl/boards/boards.toml) with its synapses and enable bits in SPRAM (`Spram=1`:
/// power-on garbage in simulation, cleared while the shim holds the device in reset). The
/// shim's X-macro gets the parameters in this order.
macro_rules! device_model {
    (
        $name:literal, $n:literal, $m:literal, $slots:literal, $hist:literal, $rx:literal, $tx:literal, $spram:literal,
        $lanes:literal
    ) => {
        Model {
            name: $name,
            top: "ncx_top",
            params: &[
                concat!("NeuronsLog2=", $n),
                concat!("InputsLog2=", $m),
                "BaudDivisor=4",
                concat!("InputSlots=", $slots),
                concat!("OutputHistory=", $hist),
                concat!("RxFifoDepth=", $rx),
                concat!("TxFifoDepth=", $tx),
                concat!("Spram=", $spram),
                concat!("LanesLog2=", $lanes),
            ],
            defines: &[],
        }
    };
}

/// Every model built, in link order.
const MODELS: &[Model] = &[
    Model { name: "ncx_uart_loop", top: "ncx_uart_loop", params: &[], defines: &[] },
    Model { name: "ncx_frame_loop", top: "ncx_frame_loop", params: &[], defines: &[] },
    core_model!("ncx_core_4_4", 4, 4, 0),
    core_model!("ncx_core_5_4", 5, 4, 0),
    core_model!("ncx_core_4_6", 4, 6, 0),
    core_model!("ncx_core_4_5", 4, 5, 0),
    core_model!("ncx_core_6_6", 6, 6, 0),
    core_model!("ncx_core_7_4", 7, 4, 0),
    core_model!("ncx_core_8_8", 8, 8, 0),
    core_model!("ncx_core_6_6_l2", 6, 6, 2),
    device_model!("ncx_top_4_4", 4, 4, 16, 16, 2048, 4096, 0, 0),
    device_model!("ncx_top_6_6", 6, 6, 16, 16, 2048, 4096, 0, 0),
    device_model!("ncx_top_6_6_l2", 6, 6, 16, 16, 2048, 4096, 0, 2),
    device_model!("ncx_top_5_5_board", 5, 5, 2, 0, 512, 512, 1, 0),
];

/// The shims: (C++ file, the top whose models it serves).
const SHIMS: &[(&str, &str)] = &[
    ("csrc/uart_shim.cpp", "ncx_uart_loop"),
    ("csrc/frame_shim.cpp", "ncx_frame_loop"),
    ("csrc/core_shim.cpp", "ncx_core"),
    ("csrc/device_shim.cpp", "ncx_top"),
];

/// The RTL directory and the package every model reads first.
const RTL_DIR: &str = "rtl";
const PACKAGE: &str = "rtl/ncx_pkg.sv";

fn main() {
    println!("cargo::rustc-check-cfg=cfg(have_verilator)");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed={RTL_DIR}");
    println!("cargo::rerun-if-changed=csrc");
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
    println!("cargo::metadata=verilator=1");
}

/// Stops the build with `message`, without a panic's backtrace.
fn fail(message: &str) -> ! {
    eprintln!("error: ncx-hdl build script: {message}");
    exit(1);
}

/// Verilates every model, compiles the shims and the runtime, and emits the link lines.
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

    // 1. Verilate and compile each model (Verilator's own makefile, at -O2).
    let mut obj_dirs = Vec::new();
    for model in MODELS {
        let obj_dir = out.join(format!("obj_{}", model.name));
        verilate(verilator, version, &manifest, &obj_dir, &jobs, model)?;
        let archive = obj_dir.join(format!("V{}__ALL.a", model.name));
        let lib = out.join(format!("lib{}_model.a", model.name));
        fs::copy(&archive, &lib).map_err(|e| format!("copying {} to {}: {e}", archive.display(), lib.display()))?;
        obj_dirs.push(obj_dir);
    }

    // 2. The shims, then the models, then the runtime: GNU ld resolves left to right.
    let defines =
        [("VM_COVERAGE", "0"), ("VM_SC", "0"), ("VM_TRACE", "0"), ("VM_TRACE_FST", "0"), ("VM_TRACE_VCD", "0")];
    let base = || {
        let mut b = cc::Build::new();
        b.cpp(true).std("c++17").opt_level(2).debug(false).flag("-faligned-new");
        // -isystem: warnings in Verilator's headers and generated code are not ours.
        for dir in obj_dirs.iter().chain([&include, &include.join("vltstd"), &out]) {
            b.flag("-isystem").flag(dir.as_os_str());
        }
        for (name, value) in defines {
            b.define(name, value);
        }
        b
    };
    for (shim, top) in SHIMS {
        write_models_header(&out, top)?;
        let lib = Path::new(shim).file_stem().and_then(|s| s.to_str()).ok_or("a shim has no file name")?;
        base().file(manifest.join(shim)).try_compile(lib).map_err(|e| format!("compiling {shim}: {e}"))?;
    }
    println!("cargo::rustc-link-search=native={}", out.display());
    for model in MODELS {
        println!("cargo::rustc-link-lib=static={}_model", model.name);
    }
    base()
        .warnings(false)
        .file(include.join("verilated.cpp"))
        .file(include.join("verilated_threads.cpp"))
        .try_compile("verilated_rt")
        .map_err(|e| format!("compiling the Verilator runtime: {e}"))?;
    println!("cargo::rustc-link-lib=atomic");
    Ok(())
}

/// Runs Verilator for one model.
fn verilate(
    verilator: &OsString,
    version: &str,
    manifest: &Path,
    obj_dir: &Path,
    jobs: &str,
    model: &Model,
) -> Result<(), String> {
    let mut cmd = Command::new(verilator);
    cmd.args(["--cc", "--build", "-j", jobs, "-Wall", "--top-module", model.top])
        .args(["--prefix", &format!("V{}", model.name)])
        .args(["-CFLAGS", "-fPIC", "-MAKEFLAGS", "OPT_FAST=-O2", "--Mdir"])
        .arg(obj_dir)
        .arg("-y")
        .arg(manifest.join(RTL_DIR))
        .args(model.params.iter().map(|p| format!("-G{p}")))
        .args(model.defines.iter().map(|d| format!("+define+{d}")))
        .arg(manifest.join("lint/verilator_waiver.vlt"))
        .arg(manifest.join(PACKAGE))
        .arg(manifest.join(RTL_DIR).join(format!("{}.sv", model.top)));
    run(&mut cmd, &format!("verilator --cc --build {} ({version})", model.name)).map(drop)
}

/// Writes `<top>_models.h`: an `#include` of every model of `top`, and the X-macro
/// `NCX_<TOP>_MODELS(X)` that calls `X(class, params…)` once per model, where the params
/// are the model's parameter values in order.
fn write_models_header(out: &Path, top: &str) -> Result<(), String> {
    let mut text = format!("// Generated by hdl/build.rs: the Verilated models of {top}.\n#pragma once\n");
    let mut list = format!("#define NCX_{}_MODELS(X)", top.to_uppercase());
    for model in MODELS.iter().filter(|m| m.top == top) {
        let _ = writeln!(text, "#include \"V{}.h\"", model.name);
        let values: Vec<&str> = model.params.iter().filter_map(|p| p.split_once('=').map(|(_, v)| v)).collect();
        let args = std::iter::once(format!("V{}", model.name)).chain(values.iter().map(|v| (*v).to_owned()));
        let _ = write!(list, " X({})", args.collect::<Vec<_>>().join(", "));
    }
    text.push_str(&list);
    text.push('\n');
    let path = out.join(format!("{top}_models.h"));
    fs::write(&path, text).map_err(|e| format!("writing {}: {e}", path.display()))
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
