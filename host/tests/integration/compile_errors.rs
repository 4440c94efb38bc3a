//! Every kind of bad network description gives one exact error: message, file, line,
//! column, key and help, rendered like rustc (docs/network-format.md §12). The
//! fixtures are in tests/data/networks/bad/.

use std::path::{Path, PathBuf};

use ncx::compile::{self, CompileError, CompileOptions};

fn bad_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/networks/bad")
}

/// Compile `file` and return the error's rendering (panics if it compiles).
fn error_of(file: &str) -> String {
    match compile::compile_file(&bad_dir().join(file), &CompileOptions::default()) {
        Ok(_) => panic!("{file} compiled"),
        Err(e @ CompileError::Invalid(_)) => e.to_string(),
        Err(e) => panic!("{file}: not a description error: {e}"),
    }
}

/// Check the first line, the `-->` line (in `at`, which may be another file than the
/// one compiled), the key under the caret and the help.
fn check(file: &str, message: &str, at: (&str, usize, usize), key: Option<&str>, help: &str) {
    let text = error_of(file);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], message, "{file}:\n{text}");
    let arrow = format!("--> {}:{}:{}", bad_dir().join(at.0).display(), at.1, at.2);
    assert_eq!(lines[1].trim_start(), arrow, "{file}:\n{text}");
    let caret = lines.iter().find(|l| l.contains('^')).unwrap_or_else(|| panic!("{file}: no caret:\n{text}"));
    match key {
        Some(key) => assert!(caret.ends_with(&format!("^ {key}")), "{file}: key {key}:\n{text}"),
        None => assert!(caret.trim_end().ends_with('^'), "{file}: no key expected:\n{text}"),
    }
    assert_eq!(lines.last().map(|l| l.trim_start()), Some(format!("= help: {help}").as_str()), "{file}:\n{text}");
}

#[test]
fn the_full_rendering_is_rustc_like() {
    let text = error_of("too_big.toml");
    let path = bad_dir().join("too_big.toml");
    let expected = format!(
        "population `out` has 300 neurons; the core has 256 free\n  --> {}:6:8\n   |\n 6 | size = 300\n   |        ^^^ population[0].size\n   |\n   = help: set `core.neurons` to 512 or \"auto\", or make the populations smaller",
        path.display()
    );
    assert_eq!(text, expected);
}

#[test]
fn bad_toml_syntax() {
    check(
        "syntax.toml",
        "invalid TOML: string values must be quoted, expected literal string",
        ("syntax.toml", 3, 7),
        None,
        "see docs/network-format.md for the syntax of a network description",
    );
    check(
        "duplicate_key.toml",
        "invalid TOML: duplicate key",
        ("duplicate_key.toml", 3, 1),
        None,
        "see docs/network-format.md for the syntax of a network description",
    );
}

#[test]
fn unknown_key_with_a_suggestion() {
    check(
        "unknown_key.toml",
        "unknown key `treshold` in `population[0]`",
        ("unknown_key.toml", 4, 1),
        Some("population[0].treshold"),
        "did you mean `threshold`? The keys of `population[0]` are `name`, `size`, `raw`, `record`, `probe`, `threshold`, `reset`, `bias`, `tau_mem`, `tau_syn`, `refractory`, `refractory_steps`",
    );
}

#[test]
fn wrong_type() {
    check(
        "wrong_type.toml",
        "`size` must be an integer, found a string `\"ten\"`",
        ("wrong_type.toml", 3, 8),
        Some("population[0].size"),
        "docs/network-format.md lists every key with its type",
    );
}

#[test]
fn missing_required_keys() {
    check(
        "missing_key.toml",
        "missing key `size` in `population[0]`",
        ("missing_key.toml", 1, 1),
        Some("population[0].size"),
        "give the number of neurons, e.g. `size = 100`",
    );
    check(
        "missing_seed.toml",
        "missing key `seed` in `projection[0].weight`",
        ("missing_seed.toml", 14, 10),
        Some("projection[0].weight.seed"),
        "random weights need a `seed`: the same seed always draws the same weights",
    );
    check(
        "missing_connectivity.toml",
        "missing connectivity in `projection[0]`",
        ("missing_connectivity.toml", 10, 1),
        Some("projection[0].connect"),
        "set one of `connect` (\"all_to_all\", \"one_to_one\" or { fixed_probability = p, seed = s }), `pairs` or `matrix`",
    );
}

#[test]
fn out_of_range_values() {
    check(
        "out_of_range.toml",
        "`weight_shift` = 16 is out of range: it must be from 0 to 15",
        ("out_of_range.toml", 2, 16),
        Some("core.weight_shift"),
        "the weight shift is 0..15, or \"auto\" to let the compiler choose",
    );
    check(
        "negative_size.toml",
        "`size` = -3 is out of range: it must be from 1 to 1024",
        ("negative_size.toml", 3, 8),
        Some("input[0].size"),
        "a group has 1 to 1024 input axons (a core has at most 1024)",
    );
    check(
        "not_power_of_two.toml",
        "`neurons` = 48 is not a power of two from 16 to 1024",
        ("not_power_of_two.toml", 2, 11),
        Some("core.neurons"),
        "use 16, 32, 64, 128, 256, 512 or 1024, or \"auto\" (the smallest that fits)",
    );
    check(
        "probability.toml",
        "`fixed_probability` = 1.5 is not a probability",
        ("probability.toml", 13, 33),
        Some("projection[0].connect.fixed_probability"),
        "use a number from 0 to 1",
    );
    check(
        "uniform_empty.toml",
        "`uniform` = [0.5, 0.1] is empty: lo > hi",
        ("uniform_empty.toml", 14, 22),
        Some("projection[0].weight.uniform"),
        "write [lo, hi] with lo <= hi",
    );
    check(
        "timestep_fraction.toml",
        "`timestep_ms` = 0.0125 is not a whole number of microseconds",
        ("timestep_fraction.toml", 2, 15),
        Some("core.timestep_ms"),
        "the nearest valid values are 0.012 and 0.013 ms",
    );
    check(
        "stdp_bounds.toml",
        "`w_max` = 0.1 is below `w_min` = 0.5",
        ("stdp_bounds.toml", 7, 9),
        Some("stdp.w_max"),
        "the weight bounds need w_min <= w_max",
    );
    check(
        "bad_name.toml",
        "`name` = \"exc neurons\" is not a valid name",
        ("bad_name.toml", 2, 8),
        Some("population[0].name"),
        "a name starts with a letter or `_` and has only ASCII letters, digits, `_` and `-` (it appears in CSV headers and on the command line)",
    );
}

#[test]
fn groups_that_do_not_fit_the_core() {
    check(
        "too_big.toml",
        "population `out` has 300 neurons; the core has 256 free",
        ("too_big.toml", 6, 8),
        Some("population[0].size"),
        "set `core.neurons` to 512 or \"auto\", or make the populations smaller",
    );
    check(
        "inputs_too_small.toml",
        "input group `retina` has 40 inputs; the core has 16 free",
        ("inputs_too_small.toml", 6, 8),
        Some("input[0].size"),
        "set `core.inputs` to 64 or \"auto\", or make the input groups smaller",
    );
}

#[test]
fn bad_references() {
    check(
        "unknown_population.toml",
        "unknown population `exx` in `to`",
        ("unknown_population.toml", 12, 6),
        Some("projection[0].to"),
        "did you mean `exc`?",
    );
    check(
        "to_input.toml",
        "`to` = \"in\" is an input group; a projection targets a population",
        ("to_input.toml", 12, 6),
        Some("projection[0].to"),
        "input groups are only sources (`from`)",
    );
    check(
        "one_to_one_mismatch.toml",
        "one_to_one needs equal sizes: input group `in` has 10, population `exc` has 12",
        ("one_to_one_mismatch.toml", 13, 11),
        Some("projection[0].connect"),
        "connect groups of the same size, or use \"all_to_all\", `pairs` or `matrix`",
    );
    check(
        "pair_out_of_range.toml",
        "pair [4, 2]: pre index 4 is outside input group `in` (size 4)",
        ("pair_out_of_range.toml", 13, 18),
        Some("projection[0].pairs[1]"),
        "pairs are [pre, post] with pre in 0..4 and post in 0..4",
    );
    check(
        "bad_probe.toml",
        "probe index 5 is outside population `exc` (size 4)",
        ("bad_probe.toml", 5, 13),
        Some("population[0].probe[1]"),
        "indices are 0 to 3",
    );
}

#[test]
fn missing_and_malformed_files() {
    check(
        "missing_include.toml",
        &format!(
            "cannot read included file `{}`: No such file or directory (os error 2)",
            bad_dir().join("nowhere.toml").display()
        ),
        ("missing_include.toml", 1, 12),
        Some("include[0]"),
        "paths are relative to the folder of the file that names them",
    );
    check(
        "missing_matrix.toml",
        &format!(
            "cannot read matrix file `{}`: No such file or directory (os error 2)",
            bad_dir().join("no_such_matrix.csv").display()
        ),
        ("missing_matrix.toml", 13, 10),
        Some("projection[0].matrix"),
        "paths are relative to the folder of the file that names them",
    );
    check(
        "matrix_shape.toml",
        &format!("row 0 of matrix `{}` has 2 values; it needs 3", bad_dir().join("matrix_2x2.csv").display()),
        ("matrix_2x2.csv", 1, 1),
        None,
        "projection `in -> exc` (exc: 2 x in: 3) needs 2 rows (one per target neuron) of 3 values (one per source)",
    );
    check(
        "pairs_csv_bad.toml",
        "`x` is not a whole number",
        ("pairs_bad.csv", 3, 4),
        None,
        "pairs are indices within the groups, from 0",
    );
}

#[test]
fn include_cycles_duplicates_and_top_level_keys() {
    let dir = bad_dir();
    check(
        "cycle_a.toml",
        &format!(
            "include cycle: {} includes {} includes {}",
            dir.join("cycle_a.toml").display(),
            dir.join("cycle_b.toml").display(),
            dir.join("cycle_a.toml").display()
        ),
        ("cycle_b.toml", 1, 12),
        Some("include[0]"),
        "a file cannot include itself, directly or through other files",
    );
    check(
        "twice_main.toml",
        &format!(
            "`{}` is included twice: by {} and by {}",
            dir.join("twice_c.toml").display(),
            dir.join("twice_a.toml").display(),
            dir.join("twice_b.toml").display()
        ),
        ("twice_b.toml", 1, 12),
        Some("include[0]"),
        "include each file once (its populations would be declared twice)",
    );
    check(
        "duplicate_main.toml",
        &format!(
            "duplicate name `exc`: already used by the population at {}:4:8",
            dir.join("duplicate_main.toml").display()
        ),
        ("duplicate_part.toml", 2, 8),
        Some("input[0].name"),
        "populations and input groups share one namespace across all included files; rename one",
    );
    check(
        "core_in_include_main.toml",
        &format!(
            "`core` can only be set in the top-level file (included by {})",
            dir.join("core_in_include_main.toml").display()
        ),
        ("core_in_include_part.toml", 1, 2),
        Some("core"),
        "an included file contributes `population`, `input` and `projection` tables (and may `include` others); move this to the top-level file",
    );
}

#[test]
fn contradictions() {
    check(
        "sign_contradiction.toml",
        "projection `inh -> exc` is inhibitory but `weight` = 0.5 has the other sign",
        ("sign_contradiction.toml", 15, 10),
        Some("projection[0].weight"),
        "with `sign`, weights are written with their sign: inhibitory weights are <= 0 (e.g. weight = -0.5)",
    );
    // Independently: SplitMix64(3) draws the normal weights in all_to_all order (post
    // ascending, then pre); the first negative one is the synapse the error names.
    let mut rng = ncx::SplitMix64::new(3);
    let unit = |rng: &mut ncx::SplitMix64| (rng.next_u64() >> 11) as f64 / 9_007_199_254_740_992.0;
    let first_negative = (0..64)
        .find(|_| {
            let u1 = 1.0 - unit(&mut rng);
            let u2 = unit(&mut rng);
            0.1 + 0.5 * (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos() < 0.0
        })
        .unwrap();
    let (post, pre) = (first_negative / 8, first_negative % 8);
    let text = error_of("normal_sign.toml");
    let start = format!("projection `in -> exc` is excitatory but synapse {pre} -> {post} has the negative weight -");
    assert!(text.starts_with(&start), "{text}");
    assert!(text.contains("normal_sign.toml:14:10"), "{text}");
    check(
        "raw_and_float.toml",
        "`bias` cannot be used together with `[population.raw]`",
        ("raw_and_float.toml", 4, 1),
        Some("population[0].bias"),
        "give the parameters either in float units or as raw core integers in `[population.raw]`, not both",
    );
    check(
        "both_refractory.toml",
        "`refractory` and `refractory_steps` cannot both be set",
        ("both_refractory.toml", 6, 20),
        Some("population[0].refractory_steps"),
        "give the refractory period either in ms (`refractory`) or in timesteps (`refractory_steps`)",
    );
    check(
        "weight_with_matrix.toml",
        "`weight` cannot be used with `matrix`: the weights come from the matrix file",
        ("weight_with_matrix.toml", 14, 10),
        Some("projection[0].weight"),
        "remove `weight`, or use `connect`/`pairs` with `weight`",
    );
    check(
        "overlap.toml",
        &format!(
            "synapse in[0] -> exc[0] is already set by projection `in -> exc` at {}:10:1",
            bad_dir().join("overlap.toml").display()
        ),
        ("overlap.toml", 16, 1),
        Some("projection[1]"),
        "each synapse comes from one projection only: merge them or make their synapses disjoint",
    );
    check(
        "period_overflow.toml",
        "the paced period is 10000000000 cycles (timestep_ms = 100000 at clock_mhz = 100); it must fit 32 bits (at most 4294967295)",
        ("period_overflow.toml", 2, 15),
        Some("core.timestep_ms"),
        "shorten `timestep_ms`, lower `clock_mhz`, or use pacing = \"free\"",
    );
}

#[test]
fn a_missing_top_level_file_has_no_location() {
    let path = bad_dir().join("does_not_exist.toml");
    let e = compile::compile_file(&path, &CompileOptions::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "cannot read `{}`: No such file or directory (os error 2)\n  = help: give the path of a network description (.toml)",
            path.display()
        )
    );
}

#[test]
fn every_bad_fixture_fails_without_panicking() {
    // Included-only parts are not networks of their own; everything else must fail.
    let parts = [
        "cycle_b.toml",
        "duplicate_part.toml",
        "core_in_include_part.toml",
        "twice_a.toml",
        "twice_b.toml",
        "twice_c.toml",
    ];
    let mut count = 0;
    for entry in std::fs::read_dir(bad_dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".toml") || parts.contains(&name.as_str()) {
            continue;
        }
        assert!(compile::compile_file(&path, &CompileOptions::default()).is_err(), "{name} compiled");
        count += 1;
    }
    assert!(count >= 30, "only {count} bad fixtures");
}

/// Issue 15, item 7: input the compiler used to accept, or refused with the wrong words.
#[test]
fn a_network_without_populations_is_refused() {
    check(
        "no_populations.toml",
        "the network declares no populations: there is nothing to compile",
        ("no_populations.toml", 1, 1),
        None,
        "declare at least one `[[population]]` with `name`, `size` and `threshold` (docs/network-format.md §5)",
    );
    let empty = compile::compile_str(&bad_dir().join("empty.toml"), "", &CompileOptions::default()).unwrap_err();
    assert!(empty.to_string().starts_with("the network declares no populations"), "{empty}");
}

const MAGNITUDE_HELP: &str = "values in membrane and weight units are 0 or between 1e-9 and 1e9 in magnitude: write \
                              the network in a unit in which they are near 1 (the core resolves about 7 significant \
                              digits; docs/network-format.md §2)";

#[test]
fn absurd_magnitudes_are_refused_at_their_key() {
    check(
        "weight_huge.toml",
        "`weight` = 1e300 is out of range: its magnitude is above 1e9",
        ("weight_huge.toml", 14, 10),
        Some("projection[0].weight"),
        MAGNITUDE_HELP,
    );
    check(
        "bias_tiny.toml",
        "`bias` = 1e-12 is out of range: its magnitude is below 1e-9 (and it is not 0)",
        ("bias_tiny.toml", 5, 8),
        Some("population[0].bias"),
        MAGNITUDE_HELP,
    );
    check(
        "matrix_huge.toml",
        "the weight `2e12` is out of range: its magnitude is above 1e9",
        ("matrix_huge.csv", 2, 4),
        None,
        MAGNITUDE_HELP,
    );
    check(
        "scale_huge.toml",
        "`scale` = 1e300 is out of range: it must be from 1e-9 to 1e16",
        ("scale_huge.toml", 2, 9),
        Some("core.scale"),
        "the scale is core units per membrane unit; \"auto\" chooses one that fits the values",
    );
    check(
        "threshold_nan.toml",
        "`threshold` must be a finite number, found NaN",
        ("threshold_nan.toml", 4, 13),
        Some("population[0].threshold"),
        "NaN and infinities are not values (an infinite time constant is written \"inf\")",
    );
}

/// Every float key of a description, set to NaN, ±infinity, 1e300 and an integer
/// beyond 64 bits: an error at that key, never a panic or an image.
#[test]
fn non_finite_and_huge_numbers_in_every_float_key_are_errors_at_the_key() {
    let base = |key: &str, value: &str| {
        let mut core = String::from("[core]\n");
        let mut pop = String::from("[[population]]\nname = \"p\"\nsize = 4\n");
        let mut proj = String::from("[[projection]]\nfrom = \"in\"\nto = \"p\"\n");
        let mut stdp = String::from("[stdp]\ntau_pre = 20.0\ntau_post = 20.0\n");
        let line = format!("{key} = {value}\n");
        match key {
            "timestep_ms" | "clock_mhz" | "scale" => core.push_str(&line),
            "threshold" | "reset" | "bias" | "tau_mem" | "tau_syn" | "refractory" => pop.push_str(&line),
            "weight" => proj.push_str(&line),
            "fixed_probability" => proj.push_str(&format!("connect = {{ fixed_probability = {value}, seed = 1 }}\n")),
            _ => stdp.push_str(&line),
        }
        if key != "threshold" {
            pop.push_str("threshold = 1.0\n");
        }
        if key != "weight" {
            proj.push_str("weight = 0.5\n");
        }
        if key != "fixed_probability" {
            proj.push_str("connect = \"all_to_all\"\n");
        }
        for amplitude in ["a_plus", "a_minus"] {
            if key != amplitude {
                stdp.push_str(&format!("{amplitude} = 0.01\n"));
            }
        }
        format!("{core}[[input]]\nname = \"in\"\nsize = 4\n{pop}{proj}{stdp}")
    };
    // The description compiles with ordinary values.
    let ok = base("w_max", "0.5");
    compile::compile_str(&bad_dir().join("sweep.toml"), &ok, &CompileOptions::default()).unwrap();
    let keys = [
        "timestep_ms",
        "clock_mhz",
        "scale",
        "threshold",
        "reset",
        "bias",
        "refractory",
        "weight",
        "fixed_probability",
        "a_plus",
        "a_minus",
        "w_min",
        "w_max",
    ];
    for key in keys {
        for value in ["nan", "inf", "-inf", "1e300", "-1e300", "99999999999999999999999"] {
            let text = base(key, value);
            let e = match compile::compile_str(&bad_dir().join("sweep.toml"), &text, &CompileOptions::default()) {
                Ok(_) => panic!("{key} = {value} compiled"),
                Err(e) => e.to_string(),
            };
            let line = text.lines().position(|l| l.contains(value)).unwrap() + 1;
            assert!(e.contains(&format!("sweep.toml:{line}:")), "{key} = {value}:\n{e}");
            assert!(e.contains(&format!("`{key}`")), "{key} = {value}:\n{e}");
        }
    }
    // Time constants may be infinite (no decay), but not NaN.
    for key in ["tau_mem", "tau_syn"] {
        compile::compile_str(&bad_dir().join("sweep.toml"), &base(key, "inf"), &CompileOptions::default()).unwrap();
        let e = compile::compile_str(&bad_dir().join("sweep.toml"), &base(key, "nan"), &CompileOptions::default())
            .unwrap_err()
            .to_string();
        assert!(e.starts_with(&format!("`{key}` = nan is not a number")), "{e}");
    }
}

#[test]
fn names_longer_than_an_image_holds_are_refused_at_their_key() {
    check(
        "name_too_long.toml",
        "`name` is 300 bytes long: a name has at most 255 bytes",
        ("name_too_long.toml", 2, 8),
        Some("population[0].name"),
        "shorten the name (the image stores names of at most 255 bytes)",
    );
    let long = "n".repeat(256);
    for (text, key) in [
        (format!("name = \"{long}\"\n[[population]]\nname = \"p\"\nsize = 1\nthreshold = 1.0\n"), "name"),
        (
            format!(
                "[[input]]\nname = \"{long}\"\nsize = 1\n[[population]]\nname = \"p\"\nsize = 1\nthreshold = 1.0\n"
            ),
            "input[0].name",
        ),
        (
            format!(
                "[[input]]\nname = \"i\"\nsize = 1\n[[population]]\nname = \"p\"\nsize = 1\nthreshold = 1.0\n\
                 [[projection]]\nname = \"{long}\"\nfrom = \"i\"\nto = \"p\"\nconnect = \"all_to_all\"\nweight = 1.0\n"
            ),
            "projection[0].name",
        ),
    ] {
        let e = compile::compile_str(&bad_dir().join("long.toml"), &text, &CompileOptions::default()).unwrap_err();
        let e = e.to_string();
        assert!(e.starts_with("`name` is 256 bytes long: a name has at most 255 bytes"), "{e}");
        assert!(e.contains(&format!("^ {key}")), "{key}: {e}");
    }
    // 255 bytes fit, and the image holds them exactly.
    let fits = format!(
        "name = \"{}\"\n[[population]]\nname = \"{}\"\nsize = 1\nthreshold = 1.0\n",
        "a".repeat(255),
        "b".repeat(255)
    );
    let compiled = compile::compile_str(&bad_dir().join("long.toml"), &fits, &CompileOptions::default()).unwrap();
    ncx::image::codec::check(&compiled.image).unwrap();
    // A network named after a file whose name is too long.
    let path = bad_dir().join(format!("{}.toml", "f".repeat(300)));
    let e = compile::compile_str(
        &path,
        "[[population]]\nname = \"p\"\nsize = 1\nthreshold = 1.0\n",
        &CompileOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with(
            "the network is named after its file, whose name is 300 bytes long: a name has at most 255 bytes"
        ),
        "{e}"
    );
    assert!(e.ends_with("= help: set `name` at the top level of the file"), "{e}");
}

#[test]
fn a_file_that_is_not_utf8_names_its_first_bad_byte() {
    check(
        "not_utf8.toml",
        &format!(
            "`{}` is not UTF-8 text: byte 0xe9 at line 4, column 12 (byte offset 40)",
            bad_dir().join("not_utf8.toml").display()
        ),
        ("not_utf8.toml", 4, 12),
        None,
        "save the file as UTF-8 (network descriptions and their CSV files are UTF-8 text)",
    );
}

#[test]
fn an_image_or_a_directory_is_not_a_network() {
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("x.ncx");
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/golden/stdp.ncx");
    std::fs::copy(golden, &image).unwrap();
    let e = compile::compile_file(&image, &CompileOptions::default()).unwrap_err().to_string();
    assert_eq!(
        e,
        format!(
            "`{0}` is a device image (.ncx), not a network description\n  = help: `ncx inspect {0}` shows what the \
             image holds and `ncx run {0} --steps N` runs it; `ncx compile` reads network descriptions (.toml, \
             docs/network-format.md)",
            image.display()
        )
    );
    // Included, it is refused at the include.
    let net = dir.path().join("net.toml");
    std::fs::write(&net, "include = [\"x.ncx\"]\n[[population]]\nname = \"p\"\nsize = 1\nthreshold = 1.0\n").unwrap();
    let e = compile::compile_file(&net, &CompileOptions::default()).unwrap_err().to_string();
    assert!(e.starts_with(&format!("included file `{}` is a device image (.ncx)", image.display())), "{e}");
    assert!(e.contains("net.toml:1:12"), "{e}");
    let e = compile::compile_file(dir.path(), &CompileOptions::default()).unwrap_err().to_string();
    assert!(e.starts_with(&format!("`{}` is a directory, not a network description", dir.path().display())), "{e}");
}
