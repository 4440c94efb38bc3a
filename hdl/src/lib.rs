//! # ncx-hdl — placeholder for the NCX-1 RTL and its Verilator co-simulation
//!
//! This crate is empty on purpose and currently exposes nothing. The RTL of the
//! NCX-1 core and the Verilator co-simulation that checks it, event by event,
//! against the reference model (`ncx-model`) arrive with the RTL issue; until then
//! the crate only reserves its place in the workspace.
