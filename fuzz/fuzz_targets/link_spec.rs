//! The target and fault-spec strings of `--target` (`ncx::link::LinkTarget::parse`,
//! `ncx::link::FaultSpec::parse`). Byte 0 bit 0 picks the parser; the rest is the text
//! (UTF-8, as command-line arguments are). No panic; an error renders; a parsed fault
//! spec prints (`Display`) as text that parses to the same spec, a parsed target as
//! text that parses to the same target.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ncx::link::{FaultSpec, LinkTarget};

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    if which & 1 == 0 {
        match LinkTarget::parse(text) {
            Ok(target) => {
                let shown = target.to_string();
                assert_eq!(LinkTarget::parse(&shown).ok().as_ref(), Some(&target), "{text:?} shown as {shown:?}");
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    } else {
        match FaultSpec::parse(text) {
            Ok(spec) => {
                let shown = spec.to_string();
                assert_eq!(FaultSpec::parse(&shown).ok(), Some(spec), "{text:?} shown as {shown:?}");
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
});
