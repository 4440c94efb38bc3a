//! The integration tests of crate `ncx`, as one test binary: a module per area (`check_`,
//! `cli_`, `compile_`, `driver_`, `hw_`, `image_`, `link_`, `run_` …, each once a binary
//! of its own) and the support modules they share. One binary links the library and the
//! Verilator archives once instead of once per file (issue 17, docs/performance.md
//! "Test binaries"). Run one area with a filter: `cargo test -p ncx --test integration
//! -- link_`. Data files stay in `host/tests/data/`; proptest keeps its regressions in
//! `host/tests/proptest-regressions/<module>.txt`.
//!
//! Two tests that measure their own process stay binaries of their own:
//! `fuzz_regressions` (a global allocator that records the largest allocation) and
//! `run_memory` (the process's peak resident memory).

mod driver_support;
mod image_support;
mod npy_support;
mod run_common;

mod check_cli;
mod cli_demo;
mod cli_errors;
mod compile_cli;
mod compile_errors;
mod compile_network;
mod compile_proptest;
mod compile_quantise;
mod driver_cli;
mod driver_faults;
mod driver_model;
mod examples;
mod examples_neurocorex;
mod hw_boards;
mod hw_flow;
mod hw_hil;
mod image_cli;
mod image_corruption;
mod image_errors;
mod image_file;
mod image_golden;
mod image_roundtrip;
mod image_rules;
mod learn_eval;
mod learn_format;
mod learn_onchip;
mod learn_train;
mod link_emulate;
mod link_faulty;
mod link_model;
mod link_serial;
mod link_target;
#[cfg(feature = "cosim")]
mod link_verilator;
mod output_safety;
mod replay;
mod run_cli;
mod run_dead_link;
mod run_model;
mod run_output;
mod run_stimulus;
mod validation;
