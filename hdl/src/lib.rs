//! ncx-hdl (placeholder).
