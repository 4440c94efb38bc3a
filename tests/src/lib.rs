//! # ncx-tests — cross-crate integration tests of the ncx workspace
//!
//! The tests live in `tests/tests/`; this library is empty. Tests that need the
//! `ncx` binary (such as the `ncx demo` end-to-end test) live in `host/tests/`
//! instead, because Cargo builds a package's binaries, and tells tests where they
//! are, only for that package's own integration tests.
