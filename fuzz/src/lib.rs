//! Shared pieces of the ncx fuzz targets (docs/reliability.md §6).
//!
//! - [`Limit`], the global allocator of every target: one allocation larger than
//!   [`MAX_ALLOCATION`] aborts the process with a message, so libFuzzer reports the
//!   input as a crash (an unbounded allocation driven by the input is a finding, with or
//!   without a sanitizer's malloc hooks). libFuzzer's `-rss_limit_mb` catches slower
//!   growth, its `-timeout` hangs.
//! - [`Bytes`], a cursor that takes structure from the fuzzer's bytes and never fails
//!   (past the end it gives zeros).
//! - [`geometry`], [`scratch_dir`]: a core geometry from a byte, and a per-process
//!   directory for the targets that must go through files (includes, `.npy`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ncx_model::Geometry;

/// Largest single allocation a target may make: far above anything an input of the
/// fuzzers' sizes needs (the largest core, 1024 × 1024, needs a few MiB per table).
pub const MAX_ALLOCATION: usize = 256 << 20;

/// The system allocator, refusing (by aborting) any single allocation larger than
/// [`MAX_ALLOCATION`].
pub struct Limit;

fn too_large(size: usize) -> ! {
    // Stderr is unbuffered and this allocates nothing.
    let mut err = std::io::stderr();
    let _ = err.write_all(b"==ncx-fuzz== allocation of ");
    let mut digits = [0u8; 20];
    let mut n = size;
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let _ = err.write_all(&digits[i..]);
    let _ = err.write_all(b" bytes exceeds the fuzz limit (MAX_ALLOCATION): unbounded allocation\n");
    // Where (this allocates, but little, and below the limit).
    let _ = writeln!(err, "{}", std::backtrace::Backtrace::force_capture());
    std::process::abort()
}

// SAFETY: every call is forwarded unchanged to `System`, which upholds the contract;
// the only addition is an abort before an oversized request.
unsafe impl GlobalAlloc for Limit {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.size() > MAX_ALLOCATION {
            too_large(layout.size());
        }
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.size() > MAX_ALLOCATION {
            too_large(layout.size());
        }
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > MAX_ALLOCATION {
            too_large(new_size);
        }
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Limit = Limit;

/// A cursor over the fuzzer's bytes: structure is taken from the front, and reading past
/// the end gives zeros (so every input means something).
#[derive(Debug, Clone)]
pub struct Bytes<'a> {
    data: &'a [u8],
}

impl<'a> Bytes<'a> {
    /// A cursor at the first byte of `data`.
    pub fn new(data: &'a [u8]) -> Bytes<'a> {
        Bytes { data }
    }

    /// Whether every byte has been taken.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The next byte (0 past the end).
    pub fn u8(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }

    /// The next two bytes, little-endian.
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }

    /// The next eight bytes, little-endian.
    pub fn u64(&mut self) -> u64 {
        u64::from_le_bytes(std::array::from_fn(|_| self.u8()))
    }

    /// Up to `n` bytes (fewer at the end).
    pub fn take(&mut self, n: usize) -> &'a [u8] {
        let (head, rest) = self.data.split_at(n.min(self.data.len()));
        self.data = rest;
        head
    }

    /// Every byte left.
    pub fn rest(&mut self) -> &'a [u8] {
        self.take(self.data.len())
    }
}

/// A valid core geometry from a byte: N and M are each one of the seven powers of two
/// from 16 to 1024.
pub fn geometry(b: u8) -> Geometry {
    let n = 16usize << (b % 7);
    let m = 16usize << ((b / 7) % 7);
    Geometry::new(n, m).expect("16..=1024, powers of two")
}

/// A small geometry from a byte, for targets that build a core per input: 16 × 16,
/// 32 × 16, 16 × 32 or 16 × 64.
pub fn small_geometry(b: u8) -> Geometry {
    let (n, m) = [(16, 16), (32, 16), (16, 32), (16, 64)][usize::from(b % 4)];
    Geometry::new(n, m).expect("valid")
}

/// A directory of this process's own (created on first use) for files a target must
/// write: `$TMPDIR/ncx-fuzz-<pid>`.
pub fn scratch_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("ncx-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the scratch directory");
        dir
    })
}
