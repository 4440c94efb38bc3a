//! # ncx — the host toolchain of the NCX-1 spiking core
//!
//! NCX-1 is an all-to-all LIF + STDP spiking core for small FPGAs. This crate is
//! the host side: it builds networks, runs them on the cycle-accurate reference
//! model ([`ncx_model`]) and, as later issues land, compiles them into device images,
//! talks to boards and checks the RTL against the model. The `ncx` binary is a thin
//! command-line front end over this library.
//!
//! Today it offers the built-in demo ([`demo`]), its seeded stimulus generator
//! ([`rng`]) and the command-line definition ([`cli`]).

#![warn(clippy::unwrap_used)]

pub mod cli;
pub mod demo;
pub mod rng;

pub use crate::rng::SplitMix64;
