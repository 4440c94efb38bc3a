//! Co-simulation is a cargo feature: `cosim` (on by default) brings in crate `ncx-hdl`,
//! whose build verilates the RTL and links it as C++, for the `verilator` link target
//! ([`crate::link::verilator`]), `ncx check`, and the RTL backends of `ncx emulate` and
//! [`crate::replay`]. A build without it (`--no-default-features`) needs no Verilator and
//! no C++ compiler; asked for the RTL, it says so with [`MISSING`] and [`HELP`].

/// Whether this build has co-simulation (whether Verilator was found when it was built
/// is `ncx_hdl::COSIM_AVAILABLE`).
pub const ENABLED: bool = cfg!(feature = "cosim");

/// What a build without co-simulation says when asked for the RTL.
pub const MISSING: &str = "this ncx was built without co-simulation (cargo feature `cosim`)";

/// How to get co-simulation, for the `help:` line after [`MISSING`].
pub const HELP: &str = "rebuild ncx with its default features and Verilator installed: `cargo install --path host` \
                        (bash scripts/setup.sh installs Verilator)";
