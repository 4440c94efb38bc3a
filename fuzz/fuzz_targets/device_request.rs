//! The device's command parser (`ncx_model::device::Request::parse`): byte 0 picks the
//! core geometry (any of the 49), byte 1 the opcode, the rest is the payload. It must
//! not panic; a command it accepts has that opcode, and its payload as the host builds
//! it (`Request::payload`) parses back to the same command.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ncx_fuzz::{Bytes, geometry};
use ncx_model::device::Request;
use ncx_model::wire::MAX_PAYLOAD;

fuzz_target!(|data: &[u8]| {
    let mut input = Bytes::new(data);
    let geometry = geometry(input.u8());
    let opcode = input.u8();
    let payload = input.take(MAX_PAYLOAD);
    match Request::parse(opcode, payload, geometry) {
        Ok(request) => {
            assert_eq!(request.opcode() as u8, opcode);
            let again = request.payload();
            assert_eq!(Request::parse(opcode, &again, geometry), Ok(request.clone()), "payload {again:02x?}");
            let _ = request.frame(0);
        }
        Err(nak) => {
            let _ = nak.to_string();
            let _ = nak.encode();
        }
    }
});
