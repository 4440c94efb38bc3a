//! # ncx — the host toolchain of the NCX-1 spiking core
//!
//! NCX-1 is an all-to-all LIF + STDP spiking core for small FPGAs. This crate is
//! the host side: it describes networks in TOML, compiles them into device images,
//! runs them on the cycle-accurate reference model ([`ncx_model`]) and writes what
//! they did. The `ncx` binary is a thin command-line front end over this library;
//! the library reports typed errors and never prints.
//!
//! - [`network`]: the TOML network description (docs/network-format.md), validated;
//! - [`compile`]: network description → [`image::Image`] + quantisation report;
//! - [`image`]: the device image and its `.ncx` container;
//! - [`driver`]: the ncx/1 host driver — commands, upload, readback, device runs;
//! - [`hw`]: real boards — the board table, the bitstream flow, the programmer;
//! - [`learn`]: data sets, encoders, evaluation, offline training and on-chip learning
//!   of classifiers (docs/learning.md);
//! - [`link`]: byte pipes to devices (serial, pty, in-process model, fault injector);
//! - [`stimulus`]: stimulus files → input spikes per timestep;
//! - [`replay`]: replay a session recorded with `--record` against a fresh device;
//! - [`run`]: run an image with a stimulus on a target, reporting through [`progress`];
//! - [`output`]: the raster and probe CSVs and the SVG plot of a run;
//! - [`demo`]: the built-in demo network, with its seeded generator [`rng`];
//! - [`atomic_file`]: every file ncx writes is written whole or not at all;
//! - [`cosim`]: whether this build has co-simulation of the RTL (cargo feature `cosim`);
//! - [`error`]: the convention of the errors (message, cause, help line) and
//!   [`error::Report`], an error as the CLI prints it.

#![warn(clippy::unwrap_used)]

pub mod atomic_file;
pub mod compile;
pub mod cosim;
pub mod demo;
pub mod driver;
pub mod error;
pub mod hw;
pub mod image;
pub mod learn;
pub mod link;
pub mod network;
pub mod output;
pub mod progress;
pub use ncx_model::rng;
pub mod replay;
pub mod run;
pub mod stimulus;

pub use crate::rng::SplitMix64;
