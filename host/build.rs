//! Build script of ncx: sets the cfg `have_verilator` when ncx-hdl was built with the
//! co-simulation (its `links` metadata, `DEP_NCX_HDL_VERILATOR=1`; absent without the
//! `cosim` feature), so that without Verilator the RTL tests of `tests/` are reported as
//! ignored, not as passed. Nothing else depends on it.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(have_verilator)");
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var_os("DEP_NCX_HDL_VERILATOR").is_some_and(|v| v == "1") {
        println!("cargo::rustc-cfg=have_verilator");
    }
}
