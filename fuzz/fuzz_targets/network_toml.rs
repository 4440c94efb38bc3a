//! The network description loader and compiler (`ncx::compile::compile_str`, which runs
//! `ncx::network::load_str` first): the input is the TOML text of a network file in a
//! scratch directory that also holds the data files the repository's networks name
//! (`weights.csv`, `matrix_2x2.csv`, `pairs.csv`, `pairs_bad.csv`,
//! `placement_part.toml`), so includes and matrix/pair files resolve. No panic; an error
//! renders; a compiled network's report renders, and its image, if `codec::check`
//! accepts it, decodes back to itself.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use ncx::compile::{CompileOptions, compile_str};
use ncx::image::codec;
use ncx_fuzz::scratch_dir;

/// The data files, by the names the networks use.
const FILES: &[(&str, &[u8])] = &[
    ("weights.csv", include_bytes!("../../examples/digits/weights.csv")),
    ("matrix_2x2.csv", include_bytes!("../../host/tests/data/networks/good/matrix_2x2.csv")),
    ("pairs.csv", include_bytes!("../../host/tests/data/networks/good/pairs.csv")),
    ("pairs_bad.csv", include_bytes!("../../host/tests/data/networks/bad/pairs_bad.csv")),
    ("placement_part.toml", include_bytes!("../../host/tests/data/networks/good/placement_part.toml")),
];

fn network_path() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = scratch_dir().join("network");
        std::fs::create_dir_all(&dir).expect("scratch");
        for (name, bytes) in FILES {
            std::fs::write(dir.join(name), bytes).expect("scratch file");
        }
        dir.join("net.toml")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match compile_str(network_path(), text, &CompileOptions::default()) {
        Ok(compiled) => {
            let _ = compiled.report.to_string();
            let _ = compiled.report.to_json();
            if codec::check(&compiled.image).is_ok() {
                let bytes = codec::encode(&compiled.image);
                assert_eq!(codec::decode(&bytes).as_ref(), Ok(&compiled.image));
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
