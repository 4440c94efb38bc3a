//! `.npy` files for the tests of networks that load matrices from them: version 1.0,
//! written byte by byte as numpy.save does (a header padded to a multiple of 64 bytes).

/// A version 1.0 `.npy` file: `descr` (e.g. `<f8`), Fortran or C order, `shape` as a
/// Python tuple (e.g. `(2, 3)` or `(6,)`), then `data`.
pub(crate) fn npy(descr: &str, fortran: bool, shape: &str, data: &[u8]) -> Vec<u8> {
    let fortran = if fortran { "True" } else { "False" };
    let mut header = format!("{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': {shape}, }}");
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend((header.len() as u16).to_le_bytes());
    bytes.extend(header.as_bytes());
    bytes.extend(data);
    bytes
}
