//! Build script of ncx: sets the cfgs that let tests which need outside tools report as
//! ignored, not as passed, when the tools are missing. Nothing else depends on them.
//!
//! - `have_verilator`: ncx-hdl was built with the co-simulation (its `links` metadata,
//!   `DEP_NCX_HDL_VERILATOR=1`; absent without the `cosim` feature).
//! - `have_ice40_tools`: yosys, nextpnr-ice40 and icepack are on `PATH` — or
//!   `NCX_REQUIRE_FPGA_TOOLS=1` (scripts/test.sh, after setup), which makes the flow tests
//!   run, and fail, when a tool is missing.
//! - `have_ecp5_tools`: the ECP5 flow's yosys, nextpnr-ecp5 and ecppack are in the
//!   repository's `.venv-fpga/bin` (the YoWASP builds scripts/setup.sh installs) or on
//!   `PATH` (as `yowasp-<tool>` or `<tool>`, as host/src/hw/tools.rs looks them up) — or
//!   `NCX_REQUIRE_FPGA_TOOLS=1`. The build script is not rerun when `.venv-fpga/` appears
//!   (cargo would rerun it on every build while it is missing): after installing it
//!   outside scripts/test.sh, `touch host/build.rs`.

use std::env;
use std::path::Path;

/// The tools of the iCE40 flow (docs/boards.md).
const ICE40_TOOLS: [&str; 3] = ["yosys", "nextpnr-ice40", "icepack"];

/// The tools of the ECP5 flow (docs/boards.md).
const ECP5_TOOLS: [&str; 3] = ["yosys", "nextpnr-ecp5", "ecppack"];

fn main() {
    println!("cargo::rustc-check-cfg=cfg(have_verilator)");
    println!("cargo::rustc-check-cfg=cfg(have_ice40_tools)");
    println!("cargo::rustc-check-cfg=cfg(have_ecp5_tools)");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=PATH");
    println!("cargo::rerun-if-env-changed=NCX_REQUIRE_FPGA_TOOLS");
    if env::var_os("DEP_NCX_HDL_VERILATOR").is_some_and(|v| v == "1") {
        println!("cargo::rustc-cfg=have_verilator");
    }
    let required = env::var_os("NCX_REQUIRE_FPGA_TOOLS").is_some_and(|v| v == "1");
    if required || ICE40_TOOLS.iter().all(|tool| on_path(tool)) {
        println!("cargo::rustc-cfg=have_ice40_tools");
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(".venv-fpga").join("bin");
    let ecp5 = |tool: &str| {
        let yowasp = format!("yowasp-{tool}");
        is_executable(&venv.join(&yowasp)) || on_path(&yowasp) || on_path(tool)
    };
    if required || ECP5_TOOLS.iter().all(|tool| ecp5(tool)) {
        println!("cargo::rustc-cfg=have_ecp5_tools");
    }
}

/// Whether an executable file `name` is in one of `PATH`'s directories.
fn on_path(name: &str) -> bool {
    let Some(path) = env::var_os("PATH") else { return false };
    env::split_paths(&path).any(|dir| is_executable(&dir.join(name)))
}

#[cfg(unix)]
fn is_executable(file: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    file.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(file: &Path) -> bool {
    file.with_extension("exe").is_file() || file.is_file()
}
