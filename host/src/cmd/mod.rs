//! The subcommands of the `ncx` binary, one module each: its clap arguments and the
//! function that runs it. They call the library and turn its typed errors into
//! anyhow errors with context.

pub(crate) mod check;
pub(crate) mod compile;
pub(crate) mod demo;
pub(crate) mod device;
pub(crate) mod doctor;
pub(crate) mod emulate;
pub(crate) mod eval;
pub(crate) mod flash;
pub(crate) mod hw;
pub(crate) mod info;
pub(crate) mod inspect;
pub(crate) mod ports;
pub(crate) mod progress;
pub(crate) mod readback;
pub(crate) mod replay;
pub(crate) mod run;
pub(crate) mod train;
pub(crate) mod train_on_chip;
