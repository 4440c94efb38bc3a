//! Resolution: the declarations of every file → one [`Network`]. Checks that names
//! are unique across files, resolves `from`/`to`, generates every projection's
//! synapses and weights (seeded, in a documented order), enforces `sign` and refuses
//! a synapse set by two projections.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use crate::rng::SplitMix64;

use super::classifier;
use super::data;
use super::diagnostic::Diagnostic;
use super::model::{Connectivity, CoreSpec, Locs, Network, Projection, Sign, Source, Synapse};
use super::parse::{ConnectDecl, FileDecl, NAME_MAX, NameRef, ProjectionDecl, WeightDecl};
use super::random;
use super::reader::suggest;
use super::source::{Loc, SourceFile};

/// What a name refers to.
#[derive(Clone, Copy)]
enum Named {
    Population(usize),
    Input(usize),
}

fn at(loc: Option<&Loc>) -> String {
    match loc {
        Some(loc) => {
            let lc = loc.line_col();
            format!("{}:{}:{}", loc.file.path.display(), lc.line, lc.column)
        }
        None => "?".to_owned(),
    }
}

/// Merge the files (already in placement order; the top-level file is `files[0]`'s
/// owner, passed as `top`) into a network.
pub(crate) fn network(top: &Arc<SourceFile>, files: Vec<(Arc<SourceFile>, FileDecl)>) -> Result<Network, Diagnostic> {
    let mut name = None;
    let mut core = None;
    let mut stdp = None;
    let mut classifier_decl = None;
    let mut populations = Vec::new();
    let mut inputs = Vec::new();
    let mut decls = Vec::new();
    let mut paths = vec![top.path.clone()];
    for (file, decl) in files {
        if Arc::ptr_eq(&file, top) {
            name = decl.name;
            core = decl.core;
            stdp = decl.stdp;
            classifier_decl = decl.classifier;
        } else {
            paths.push(file.path.clone());
        }
        populations.extend(decl.populations);
        inputs.extend(decl.inputs);
        decls.extend(decl.projections.into_iter().map(|p| (Arc::clone(&file), p)));
    }
    let mut names: HashMap<String, Named> = HashMap::new();
    let describe = |named: Named| match named {
        Named::Population(i) => ("population", at(populations[i].locs.of("name"))),
        Named::Input(i) => ("input group", at(inputs[i].locs.of("name"))),
    };
    let mut all: Vec<(String, Named, &Locs)> = Vec::new();
    all.extend(populations.iter().enumerate().map(|(i, p)| (p.name.clone(), Named::Population(i), &p.locs)));
    all.extend(inputs.iter().enumerate().map(|(i, g)| (g.name.clone(), Named::Input(i), &g.locs)));
    all.sort_by_key(|(_, named, _)| match named {
        Named::Population(i) => (0, *i),
        Named::Input(i) => (1, *i),
    });
    for (key, named, locs) in all {
        if let Some(&first) = names.get(&key) {
            let (kind, place) = describe(first);
            return Err(Diagnostic::new(format!("duplicate name `{key}`: already used by the {kind} at {place}"))
                .help("populations and input groups share one namespace across all included files; rename one")
                .at_key(locs, "name"));
        }
        names.insert(key, named);
    }
    let core = core.unwrap_or_else(|| {
        let mut keys = std::collections::BTreeMap::new();
        keys.insert(String::new(), Loc::new(top, 0..0));
        CoreSpec::default_with(Locs { keys, path: "core".to_owned() })
    });
    let name = match name {
        Some(name) => name,
        None => {
            let stem = top.path.file_stem().map_or("network".to_owned(), |s| s.to_string_lossy().into_owned());
            if stem.len() > NAME_MAX {
                return Err(Diagnostic::new(format!(
                    "the network is named after its file, whose name is {} bytes long: a name has at most {NAME_MAX} bytes",
                    stem.len()
                ))
                .at(Loc::new(top, 0..0))
                .key("name")
                .help("set `name` at the top level of the file"));
            }
            stem
        }
    };
    let classifier = classifier_decl.map(|c| classifier::resolve(c, &populations, &inputs)).transpose()?;
    let mut net = Network { name, core, populations, inputs, projections: Vec::new(), stdp, classifier, files: paths };
    let mut owners: HashMap<(Source, usize), Vec<u32>> = HashMap::new();
    for (file, decl) in decls {
        let projection = projection(&net, &names, &file, decl)?;
        claim(&net, &mut owners, &projection)?;
        net.projections.push(projection);
    }
    Ok(net)
}

fn lookup(names: &HashMap<String, Named>, r: &NameRef, key: &str) -> Result<Named, Diagnostic> {
    names.get(&r.name).copied().ok_or_else(|| {
        let mut known: Vec<&str> = names.keys().map(String::as_str).collect();
        known.sort_unstable();
        let help = match suggest(&r.name, &known) {
            Some(best) => format!("did you mean `{best}`?"),
            None if known.is_empty() => "declare it with [[population]] or [[input]]".to_owned(),
            None => format!("known names: {}", known.join(", ")),
        };
        let what = if key == "to" { "population" } else { "population or input group" };
        Diagnostic::new(format!("unknown {what} `{}` in `{key}`", r.name))
            .at(r.loc.clone())
            .key(r.path.clone())
            .help(help)
    })
}

fn projection(
    net: &Network,
    names: &HashMap<String, Named>,
    file: &Arc<SourceFile>,
    decl: ProjectionDecl,
) -> Result<Projection, Diagnostic> {
    let from = match lookup(names, &decl.from, "from")? {
        Named::Population(i) => Source::Population(i),
        Named::Input(i) => Source::Input(i),
    };
    let to = match lookup(names, &decl.to, "to")? {
        Named::Population(i) => i,
        Named::Input(_) => {
            return Err(Diagnostic::new(format!(
                "`to` = \"{}\" is an input group; a projection targets a population",
                decl.to.name
            ))
            .at(decl.to.loc.clone())
            .key(decl.to.path.clone())
            .help("input groups are only sources (`from`)"));
        }
    };
    let (from_name, from_size, from_kind) = match from {
        Source::Input(i) => (&net.inputs[i].name, net.inputs[i].size, "input group"),
        Source::Population(i) => (&net.populations[i].name, net.populations[i].size, "population"),
    };
    let (to_name, to_size) = (&net.populations[to].name, net.populations[to].size);
    let name = decl.name.clone().unwrap_or_else(|| format!("{from_name} -> {to_name}"));
    let base = file.path.parent().unwrap_or(Path::new(""));
    let locs = &decl.locs;
    let key_err = |key: &str, message: String| Diagnostic::new(message).at_key(locs, key);
    let check_pair = |pre: i64, post: i64, loc: &Loc, path: &str| -> Result<(u16, u16), Diagnostic> {
        let bad = |which: &str, index: i64, kind: &str, group: &str, size: usize| {
            Diagnostic::new(format!(
                "pair [{pre}, {post}]: {which} index {index} is outside {kind} `{group}` (size {size})"
            ))
            .at(loc.clone())
            .key(path.to_owned())
            .help(format!("pairs are [pre, post] with pre in 0..{from_size} and post in 0..{to_size}"))
        };
        if !(0..from_size as i64).contains(&pre) {
            return Err(bad("pre", pre, from_kind, from_name, from_size));
        }
        if !(0..to_size as i64).contains(&post) {
            return Err(bad("post", post, "population", to_name, to_size));
        }
        Ok((pre as u16, post as u16))
    };
    // (pre, post, weight if given by the file, location of that weight)
    let mut sites: Vec<(u16, u16, Option<f64>, Option<Loc>)> = Vec::new();
    let connectivity = match decl.connect {
        ConnectDecl::AllToAll => {
            sites.extend(
                (0..to_size).flat_map(|post| (0..from_size).map(move |pre| (pre as u16, post as u16, None, None))),
            );
            Connectivity::AllToAll
        }
        ConnectDecl::OneToOne => {
            if from_size != to_size {
                return Err(key_err(
                    "connect",
                    format!("one_to_one needs equal sizes: {from_kind} `{from_name}` has {from_size}, population `{to_name}` has {to_size}"),
                )
                .help("connect groups of the same size, or use \"all_to_all\", `pairs` or `matrix`"));
            }
            sites.extend((0..to_size).map(|i| (i as u16, i as u16, None, None)));
            Connectivity::OneToOne
        }
        ConnectDecl::FixedProbability { p, seed } => {
            let mut rng = SplitMix64::new(seed);
            for post in 0..to_size {
                for pre in 0..from_size {
                    if random::unit(&mut rng) < p {
                        sites.push((pre as u16, post as u16, None, None));
                    }
                }
            }
            Connectivity::FixedProbability { p, seed }
        }
        ConnectDecl::Pairs(pairs) => {
            for pair in &pairs {
                let (pre, post) = check_pair(pair.pre, pair.post, &pair.loc, &pair.path)?;
                sites.push((pre, post, None, Some(pair.loc.clone())));
            }
            Connectivity::Pairs { file: None }
        }
        ConnectDecl::PairsFile(rel, loc) => {
            let path = base.join(&rel);
            let key = locs.path_of("pairs");
            let wanted = data::Wanted { what: "pairs file", expected: "a CSV file", from: Some((&loc, &key)) };
            let csv = data::read_source(&path, &wanted)?;
            for (pre, post, at) in data::pairs_csv(&csv)? {
                let (pre, post) = check_pair(pre, post, &at, &locs.path_of("pairs"))?;
                sites.push((pre, post, None, Some(at)));
            }
            Connectivity::Pairs { file: Some(path) }
        }
        ConnectDecl::Matrix(rel, loc) => {
            let path = base.join(&rel);
            let what = format!("projection `{name}` ({to_name}: {to_size} x {from_name}: {from_size})");
            let entries = data::matrix(&path, &loc, &locs.path_of("matrix"), to_size, from_size, &what)?;
            for (i, entry) in entries.into_iter().enumerate() {
                if entry.value != 0.0 {
                    let loc = entry.loc.or_else(|| Some(loc.clone()));
                    sites.push(((i % from_size) as u16, (i / from_size) as u16, Some(entry.value), loc));
                }
            }
            Connectivity::Matrix { file: path }
        }
    };
    if matches!(connectivity, Connectivity::Pairs { .. }) {
        let mut seen = std::collections::HashSet::new();
        for (pre, post, _, loc) in &sites {
            if !seen.insert((*pre, *post)) {
                let mut d =
                    key_err("pairs", format!("pair [{pre}, {post}] is listed twice")).help("list each synapse once");
                d.loc = loc.clone().or(d.loc);
                return Err(d);
            }
        }
    }
    let mut synapses = Vec::with_capacity(sites.len());
    let mut draw: Box<dyn FnMut() -> f64> = match decl.weight {
        None => Box::new(|| 0.0),
        Some(WeightDecl::Constant(c)) => Box::new(move || c),
        Some(WeightDecl::Uniform { lo, hi, seed }) => {
            let mut rng = SplitMix64::new(seed);
            Box::new(move || random::uniform(&mut rng, lo, hi))
        }
        Some(WeightDecl::Normal { mean, std, seed }) => {
            let mut rng = SplitMix64::new(seed);
            Box::new(move || random::normal(&mut rng, mean, std))
        }
    };
    if let (Some(sign), Some(w)) = (decl.sign, decl.weight) {
        static_sign(sign, w, &name).map_err(|(message, help)| key_err("weight", message).help(help))?;
    }
    for (pre, post, given, loc) in sites {
        let weight = given.unwrap_or_else(&mut draw);
        if let Some(sign) = decl.sign {
            let wrong = match sign {
                Sign::Excitatory => weight < 0.0,
                Sign::Inhibitory => weight > 0.0,
            };
            if wrong {
                let (kind, other) = match sign {
                    Sign::Excitatory => ("excitatory", "negative"),
                    Sign::Inhibitory => ("inhibitory", "positive"),
                };
                let message = format!(
                    "projection `{name}` is {kind} but synapse {pre} -> {post} has the {other} weight {weight}"
                );
                let help = if matches!(decl.weight, Some(WeightDecl::Normal { .. })) {
                    "a normal distribution can cross zero: use `uniform` on one side of zero, a smaller std, or drop `sign`"
                } else {
                    "with `sign`, weights are written with their sign: excitatory >= 0, inhibitory <= 0"
                };
                let mut d = key_err(if given.is_some() { "matrix" } else { "weight" }, message).help(help);
                if given.is_some()
                    && let Some(loc) = loc
                {
                    d.loc = Some(loc);
                }
                return Err(d);
            }
        }
        synapses.push(Synapse { pre, post, weight });
    }
    Ok(Projection { name, from, to, connectivity, sign: decl.sign, plastic: decl.plastic, synapses, locs: decl.locs })
}

/// A sign contradiction visible in the declaration itself: (message, help).
fn static_sign(sign: Sign, weight: WeightDecl, name: &str) -> Result<(), (String, String)> {
    let (kind, bad) = match sign {
        Sign::Excitatory => ("excitatory", (|x: f64| x < 0.0) as fn(f64) -> bool),
        Sign::Inhibitory => ("inhibitory", (|x: f64| x > 0.0) as fn(f64) -> bool),
    };
    let help = match sign {
        Sign::Excitatory => "excitatory weights are >= 0".to_owned(),
        Sign::Inhibitory => {
            "with `sign`, weights are written with their sign: inhibitory weights are <= 0 (e.g. weight = -0.5)"
                .to_owned()
        }
    };
    match weight {
        WeightDecl::Constant(c) if bad(c) => {
            Err((format!("projection `{name}` is {kind} but `weight` = {c} has the other sign"), help))
        }
        WeightDecl::Uniform { lo, hi, .. } if bad(lo) || bad(hi) => Err((
            format!(
                "projection `{name}` is {kind} but `weight.uniform` = [{lo}, {hi}] includes weights of the other sign"
            ),
            help,
        )),
        _ => Ok(()),
    }
}

/// Record which projection sets each synapse; a synapse set twice is an error.
fn claim(net: &Network, owners: &mut HashMap<(Source, usize), Vec<u32>>, p: &Projection) -> Result<(), Diagnostic> {
    let from_size = match p.from {
        Source::Input(i) => net.inputs[i].size,
        Source::Population(i) => net.populations[i].size,
    };
    let grid = owners.entry((p.from, p.to)).or_insert_with(|| vec![0; from_size * net.populations[p.to].size]);
    let me = net.projections.len() as u32 + 1;
    for s in &p.synapses {
        let cell = &mut grid[usize::from(s.post) * from_size + usize::from(s.pre)];
        if *cell != 0 {
            let from_name = match p.from {
                Source::Input(i) => &net.inputs[i].name,
                Source::Population(i) => &net.populations[i].name,
            };
            let site = format!("synapse {from_name}[{}] -> {}[{}]", s.pre, net.populations[p.to].name, s.post);
            let d = if *cell == me {
                Diagnostic::new(format!("{site} appears twice in projection `{}`", p.name))
                    .help("list each synapse once")
            } else {
                let other = &net.projections[*cell as usize - 1];
                Diagnostic::new(format!(
                    "{site} is already set by projection `{}` at {}",
                    other.name,
                    at(other.locs.of(""))
                ))
                .help("each synapse comes from one projection only: merge them or make their synapses disjoint")
            };
            return Err(d.at_key(&p.locs, ""));
        }
        *cell = me;
    }
    Ok(())
}
