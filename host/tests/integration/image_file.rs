//! `read_file` and `write_file` (docs/image-format.md §6.3): images go to disk whole or
//! not at all, invalid images are refused before anything is written, and errors name
//! the file.

use std::fs;
use std::path::Path;

use crate::image_support::{tiny, tiny_fixture};
use ncx::error::Report;
use ncx::image::codec::ImageError;
use ncx::image::file::{FileError, read_file, write_file};

/// The names in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn written_images_read_back_and_match_the_fixture() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tiny.ncx");
    write_file(&path, &tiny()).unwrap();
    assert_eq!(fs::read(&path).unwrap(), tiny_fixture());
    assert_eq!(read_file(&path).unwrap(), tiny());
    assert_eq!(listing(dir.path()), ["tiny.ncx"], "no temporary file is left behind");
}

#[test]
fn overwriting_replaces_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("net.ncx");
    fs::write(&path, vec![0xAA; 5000]).unwrap();
    write_file(&path, &tiny()).unwrap();
    assert_eq!(fs::read(&path).unwrap(), tiny_fixture());
}

#[test]
fn an_invalid_image_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.ncx");
    fs::write(&path, b"previous").unwrap();
    let mut image = tiny();
    image.neurons[3].threshold = 1 << 24;
    let err = write_file(&path, &image).unwrap_err();
    assert!(matches!(&err, FileError::Invalid { source: ImageError::Value { .. }, .. }), "{err:?}");
    // Neuron 3's threshold at 708 + 3·17 = 759 in the encoded image.
    assert_eq!(
        Report(&err).to_string(),
        format!(
            "not writing {}: neuron 3 threshold at offset 759 (neuron parameters section): threshold = 16777216 does \
             not fit its field: allowed -8388608..=8388607\nhelp: the image was not written by this ncx, or its \
             writer is broken; rebuild it with `ncx compile`",
            path.display()
        )
    );
    assert_eq!(fs::read(&path).unwrap(), b"previous");
    assert_eq!(listing(dir.path()), ["bad.ncx"]);
}

#[test]
fn a_missing_directory_is_a_write_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-dir").join("net.ncx");
    let err = write_file(&path, &tiny()).unwrap_err();
    assert!(matches!(err, FileError::Write { .. }), "{err:?}");
    let text = Report(&err).to_string();
    assert!(text.starts_with(&format!("cannot write {}: ", path.display())), "{text}");
    assert!(text.ends_with("\nhelp: check that the directory exists and that you may write to it"), "{text}");
    assert_eq!(listing(dir.path()), Vec::<String>::new());
}

#[test]
fn read_errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.ncx");
    let err = read_file(&missing).unwrap_err();
    assert!(matches!(err, FileError::Read { .. }));
    assert!(err.to_string().starts_with(&format!("cannot read {}: ", missing.display())));

    let empty = dir.path().join("empty.ncx");
    fs::write(&empty, b"").unwrap();
    let err = read_file(&empty).unwrap_err();
    assert_eq!(
        Report(&err).to_string(),
        format!(
            "{}: the file is empty (0 bytes), not an ncx image\nhelp: build an image with `ncx compile`",
            empty.display()
        )
    );
}
