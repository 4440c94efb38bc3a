//! ncx: host library (skeleton).
