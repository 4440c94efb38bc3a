//! The `.npy` reader of network descriptions (host/src/network/data.rs, reached through
//! `matrix = "m.npy"`): the input is the file `m.npy` that a fixed network (input group
//! `in` of 3, population `exc` of 4, so a [4, 3] matrix) names; it is loaded and
//! compiled with `ncx::compile::compile_str`. No panic; an error renders.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use ncx::compile::{CompileOptions, compile_str};
use ncx_fuzz::scratch_dir;

const NETWORK: &str = r#"
name = "npy"

[[input]]
name = "in"
size = 3

[[population]]
name = "exc"
size = 4
threshold = 1.0

[[projection]]
from = "in"
to = "exc"
matrix = "m.npy"
"#;

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = scratch_dir().join("npy");
        std::fs::create_dir_all(&dir).expect("scratch");
        dir
    })
}

/// Pending finding NPY-1 (docs/reliability.md §6): a version 2 or 3 `.npy` header
/// announces its length as a u32, and npyz allocates that many bytes before reading them,
/// so a 23-byte file makes the loader allocate up to 4 GiB. Until host/src/network/data.rs
/// checks the length against the file, such inputs are skipped here (set
/// `NCX_FUZZ_NPY_PENDING=1` to fuzz them too).
fn known_pending(data: &[u8]) -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    if *ON.get_or_init(|| std::env::var_os("NCX_FUZZ_NPY_PENDING").is_some()) {
        return false;
    }
    data.len() >= 12
        && data.starts_with(b"\x93NUMPY")
        && data[6] >= 2
        && u32::from_le_bytes([data[8], data[9], data[10], data[11]]) as usize > data.len()
}

fuzz_target!(|data: &[u8]| {
    if known_pending(data) {
        return;
    }
    let dir = dir();
    std::fs::write(dir.join("m.npy"), data).expect("write m.npy");
    match compile_str(&dir.join("net.toml"), NETWORK, &CompileOptions::default()) {
        Ok(compiled) => {
            let _ = compiled.report.to_string();
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
