//! The `.npy` reader of network descriptions (host/src/network/data.rs, reached through
//! `matrix = "m.npy"`): the input is the file `m.npy` that a fixed network (input group
//! `in` of 3, population `exc` of 4, so a [4, 3] matrix) names; it is loaded and
//! compiled with `ncx::compile::compile_str`. No panic; an error renders. (Its findings
//! NPY-1..3, docs/reliability.md §6, were skipped here while their fixes were pending.)
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

fuzz_target!(|data: &[u8]| {
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
