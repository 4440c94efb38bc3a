//! Inputs the fuzz targets of fuzz/ found (docs/reliability.md §6), each fed back
//! byte for byte to the function the target drives. A test marked
//! `#[ignore = "fuzz crash, fix pending"]` pins a finding whose fix belongs to a file
//! being changed elsewhere; it is un-ignored with the fix.
//!
//! The global allocator of this test binary records the largest single allocation, so
//! that an input which makes a parser allocate far more than its size is caught even
//! where the operating system would lazily grant the memory.

#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use ncx::compile::{CompileOptions, compile_str};

/// The system allocator, keeping the size of the largest single allocation.
struct Peak;

static LARGEST: AtomicUsize = AtomicUsize::new(0);
/// Serialises the tests that read [`LARGEST`].
static MEASURING: Mutex<()> = Mutex::new(());

// SAFETY: every call is forwarded unchanged to `System`; only a counter is updated.
unsafe impl GlobalAlloc for Peak {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Peak = Peak;

/// Run `f` and return its result with the largest single allocation made meanwhile.
fn largest_allocation<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let _guard = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    LARGEST.store(0, Ordering::Relaxed);
    let out = f();
    (out, LARGEST.load(Ordering::Relaxed))
}

/// The network of fuzz target `network_npy`: a [4, 3] matrix from `m.npy`.
const NPY_NETWORK: &str = r#"
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

/// Compile [`NPY_NETWORK`] with `npy` as its `m.npy`: the result and the largest
/// allocation.
fn compile_npy(npy: &[u8]) -> (Result<(), String>, usize) {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(dir.path().join("m.npy"), npy).expect("write m.npy");
    let path = dir.path().join("net.toml");
    largest_allocation(|| {
        compile_str(Path::new(&path), NPY_NETWORK, &CompileOptions::default()).map(|_| ()).map_err(|e| e.to_string())
    })
}

/// The fuzz target's own seed, a valid float64 matrix, compiles with small allocations
/// (a check of the harness above).
#[test]
fn a_valid_npy_matrix_compiles_with_small_allocations() {
    let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (4, 3), }";
    let pad = (64 - (10 + header.len() + 1) % 64) % 64;
    let header = format!("{header}{}\n", " ".repeat(pad));
    let mut npy = b"\x93NUMPY\x01\x00".to_vec();
    npy.extend_from_slice(&(header.len() as u16).to_le_bytes());
    npy.extend_from_slice(header.as_bytes());
    for k in 0..12 {
        npy.extend_from_slice(&(f64::from(k % 3) * 0.25).to_le_bytes());
    }
    let (result, largest) = compile_npy(&npy);
    result.expect("a valid matrix compiles");
    assert!(largest < 16 << 20, "largest allocation {largest} bytes");
}

/// NPY-1, found by fuzz target `network_npy` (crash-3be6c0f173987717b44d4a1f7a910b68ec0ba6e8):
/// a 23-byte `.npy` file of format version 2 whose u32 header length is 0x4E930074
/// (1 318 256 756) makes the loader allocate 1.3 GB (npyz's `read_header` allocates the
/// announced header length before reading it; up to 4 GiB with other bytes), reached
/// from `npy_matrix` in host/src/network/data.rs. Expected: an error that the file is
/// not a valid .npy file (the header is longer than the file), with allocations bounded
/// by the file's size.
#[test]
fn npy_1_a_huge_header_length_is_refused_without_allocating_it() {
    let npy = [
        0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 0x02, 0x00, 0x74, 0x00, 0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 0x01, 0x00,
        0x00, 0x00, 0x76, 0x7B, 0x27,
    ];
    let (result, largest) = compile_npy(&npy);
    let message = result.expect_err("a truncated .npy file is an error");
    assert!(message.contains("m.npy"), "{message}");
    assert!(largest < 16 << 20, "largest allocation {largest} bytes for a 23-byte file");
}

/// NPY-2, found by fuzz target `network_npy` (timeout-7c6c6eaf10ca3b141d5227c9b9ac26b3c6f7d07c,
/// 66 bytes): a version 1 `.npy` file whose 30-byte header is `{'descr':` followed by
/// 20 `[` makes the loader spin for minutes. npyz parses the header dictionary with
/// py_literal, whose PEG (pest) parser backtracks exponentially on nested unclosed
/// brackets: 12 of them take 0.7 s, 14 2.4 s, 16 9.8 s, 18 37 s (fuzz build), each one
/// more doubles it. Reached from `npy_matrix` in host/src/network/data.rs
/// (`NpyFile::new`). Expected: an error within a fraction of a second (e.g. refuse a
/// header nested deeper than a plain dtype and shape need, before npyz sees it).
#[test]
fn npy_2_nested_brackets_in_the_header_are_refused_quickly() {
    let npy = [
        0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 0x01, 0x00, 0x1E, 0x00, 0x7B, 0x27, 0x64, 0x65, 0x73, 0x63, 0x72, 0x27,
        0x3A, 0x5B, 0x5B, 0x5B, 0x5B, 0x5B, 0x5B, 0x5B, 0x5B, 0x5B, 0x5B, 0x5B, 0x5B, 0x5B, 0x5B, 0x5B, 0x5B, 0x5B,
        0x5B, 0x5B, 0x5B, 0x5B, 0x5B, 0x20, 0x27, 0x00, 0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00, 0x00, 0x3D, 0x27,
        0x70, 0x20, 0x20, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x64, 0x00, 0x3F,
    ];
    let (done, result) = std::sync::mpsc::channel();
    // Left running if it hangs: the test fails after the wait and the process ends.
    std::thread::spawn(move || {
        let _ = done.send(compile_npy(&npy).0);
    });
    let outcome = result.recv_timeout(std::time::Duration::from_secs(5));
    let message = outcome.expect("compiling a 66-byte .npy took more than 5 s").expect_err("an invalid header");
    assert!(message.contains("m.npy"), "{message}");
}

/// NPY-3, found by fuzz target `network_npy` in the long run
/// (crash-d1f11346494c41483f699de2e0956c9d7918c79c, 197 bytes): a version 2 `.npy` file
/// with `'shape': (0016795220085298255188, 3)` panics with "attempt to multiply with
/// overflow" in npyz 0.9.1 (src/read.rs:369, `NpyHeader::from_parts`:
/// `shape.iter().product()`), reached from `npy_matrix` in host/src/network/data.rs
/// (`NpyHeader::from_reader`). A panic wherever overflow is checked (debug and test
/// builds, the fuzz build); a release build wraps the product and then refuses the
/// shape. Expected: an error naming the shape, in every build.
#[test]
fn npy_3_a_shape_whose_product_overflows_is_an_error() {
    let mut npy = b"\x93NUMPY\x02\x00\x74\x00\x00\x00".to_vec();
    npy.extend_from_slice(b"{'descr': '<i4', 'fortran_order': False, 'shape': (0016795220085298255188, 3), }");
    npy.resize(148, b' ');
    npy.push(b'\n');
    npy.extend_from_slice(&[
        0x01, 0x00, 0x00, 0x00, 0xFE, 0x03, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0xFF, 0x00, 0x00, 0xFF, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00,
    ]);
    assert_eq!(npy.len(), 197);
    let (result, _) = compile_npy(&npy);
    let message = result.expect_err("an impossible shape is an error");
    assert!(message.contains("m.npy"), "{message}");
}
