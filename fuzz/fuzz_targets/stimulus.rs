//! The stimulus readers (`ncx::stimulus::parse_toml`, `ncx::stimulus::parse_csv`)
//! against fixed images: byte 0 bits 0-2 pick the image (the worked example
//! `tiny-v1.ncx` or one of the four golden example images, whose input groups the
//! example stimuli name), bit 3 the format (CSV if set), bit 4 a seed override (the
//! next 8 bytes); then a u16 run length (mod 4096) in timesteps; the rest is the text.
//! No panic; an error renders; a loaded stimulus covers the run's length and names only
//! inputs of the core, ascending and without repeats in each timestep.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use ncx::image::{Image, codec};
use ncx::stimulus::{StimulusOptions, parse_csv, parse_toml};
use ncx_fuzz::Bytes;

const IMAGES: [&[u8]; 5] = [
    include_bytes!("../../host/tests/data/images/tiny-v1.ncx"),
    include_bytes!("../../host/tests/data/golden/stdp.ncx"),
    include_bytes!("../../host/tests/data/golden/digits.ncx"),
    include_bytes!("../../host/tests/data/golden/ei_network.ncx"),
    include_bytes!("../../host/tests/data/golden/synfire.ncx"),
];

fn images() -> &'static [Image] {
    static DECODED: OnceLock<Vec<Image>> = OnceLock::new();
    DECODED.get_or_init(|| IMAGES.iter().map(|b| codec::decode(b).expect("a golden image")).collect())
}

fuzz_target!(|data: &[u8]| {
    let mut input = Bytes::new(data);
    let setup = input.u8();
    let image = &images()[usize::from(setup & 7) % IMAGES.len()];
    let seed = if setup & 16 != 0 { Some(input.u64()) } else { None };
    let steps = usize::from(input.u16() % 4096);
    let Ok(text) = std::str::from_utf8(input.rest()) else { return };
    let options = StimulusOptions { steps, seed };
    let parse = if setup & 8 != 0 { parse_csv } else { parse_toml };
    match parse(text, "fuzz", image, &options) {
        Ok(loaded) => {
            assert_eq!(loaded.stimulus.steps(), steps);
            let m = image.geometry.inputs();
            for inputs in loaded.stimulus.as_steps() {
                assert!(inputs.windows(2).all(|w| w[0] < w[1]));
                assert!(inputs.iter().all(|&i| usize::from(i) < m));
            }
            for w in &loaded.warnings {
                let _ = w.to_string();
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
