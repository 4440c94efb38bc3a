//! The co-simulation tests of ncx-hdl, as one test binary (a module per RTL block, each
//! once a binary of its own, so that the Verilator archives are linked once): the UART,
//! the frame layer, the whole device against `ncx_model::device`, and the core in lock
//! step with the model. Run one with a filter: `cargo test -p ncx-hdl --test rtl -- uart`.
//!
//! The modules' tests are compiled only when the build script found Verilator (cfg
//! `have_verilator`). Without it `rtl_cosimulation` stands for them, reported as ignored.

/// The model's random networks (`firmware-model/tests/support`), shared by path so that
/// the model's equivalence tests and the lock-step tests draw from one generator.
#[cfg(have_verilator)]
#[path = "../../../firmware-model/tests/support/mod.rs"]
mod support;

#[cfg(have_verilator)]
mod core_lockstep;
mod device;
mod frame;
mod uart;

/// The cfg that compiles the co-simulation tests in is the one the library was built with.
#[test]
fn the_cfg_is_the_one_the_library_was_built_with() {
    assert_eq!(ncx_hdl::COSIM_AVAILABLE, cfg!(have_verilator));
}

/// Stands for the co-simulation tests a build without Verilator does not compile, so
/// that they are reported as ignored, never as passed; run anyway, it fails.
#[cfg(not(have_verilator))]
#[test]
#[ignore = "Verilator not found: install it with scripts/setup.sh"]
fn rtl_cosimulation() {
    panic!("this build of ncx-hdl found no Verilator: the RTL co-simulation tests were not compiled");
}
