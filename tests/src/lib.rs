//! ncx-tests.
