//! The `[classifier]` table of a network description (docs/network-format.md §13): how
//! the compiled image is used as a classifier. [`parse`] type- and range-checks the
//! table where it is written; [`resolve`] checks its names against the network's input
//! groups and populations and its labels against the output population, and gives the
//! [`Classifier`] that `ncx compile` carries into the image.

use super::diagnostic::Diagnostic;
use super::model::{InputGroup, Locs, Population};
use super::parse::{NameRef, locs};
use super::reader::{Tbl, Val, suggest};
use crate::learn::classifier::{Classifier, Vote};
use crate::learn::encode::{Encoder, Encoding};

/// The table's keys.
const KEYS: [&str; 6] = ["input", "output", "timesteps", "encoder", "labels", "vote"];
/// The keys of `encoder`.
const ENCODER_KEYS: [&str; 3] = ["kind", "max_value", "max_probability"];

/// A `[classifier]` table before its names are resolved.
pub(crate) struct ClassifierDecl {
    input: NameRef,
    output: NameRef,
    timesteps: u32,
    encoder: Encoder,
    /// The labels as written, if given.
    labels: Option<Vec<u16>>,
    vote: Vote,
    locs: Locs,
}

/// Read the `[classifier]` table.
pub(crate) fn parse(t: &Tbl<'_, '_>) -> Result<ClassifierDecl, Diagnostic> {
    t.allow(&KEYS)?;
    let name_ref = |key: &str, help: &str| -> Result<NameRef, Diagnostic> {
        let v = t.req(key, help)?;
        Ok(NameRef { name: v.str()?.to_owned(), loc: v.loc(), path: v.path.clone() })
    };
    let input = name_ref("input", "`input` names the [[input]] group the features drive (feature i → its axon i)")?;
    let output =
        name_ref("output", "`output` names the [[population]] whose spikes are counted, one neuron per label")?;
    let timesteps = t.req("timesteps", "give the timesteps per sample, e.g. `timesteps = 32`")?.int_in(
        1,
        i64::from(u32::MAX),
        "the timesteps per sample: at least 1, e.g. 32",
    )? as u32;
    let encoder = encoder(&t.req(
        "encoder",
        "give the input encoder, e.g. `encoder = { kind = \"poisson\", max_value = 16, max_probability = 0.2 }`",
    )?)?;
    let labels = t
        .get("labels")
        .map(|v| {
            v.array("an array of class numbers, one per neuron of `output`")?
                .iter()
                .map(
                    |item| Ok(item.int_in(0, i64::from(u16::MAX), "a class is a whole number from 0 to 65535")? as u16),
                )
                .collect::<Result<Vec<u16>, Diagnostic>>()
        })
        .transpose()?;
    let vote = match t.get("vote") {
        None => Vote::default(),
        Some(v) => {
            let s = v.str()?;
            s.parse::<Vote>().map_err(|_| {
                let names = Vote::ALL.map(Vote::name);
                v.err(format!("`vote` = \"{s}\" is not a vote")).help(choices(s, &names))
            })?
        }
    };
    Ok(ClassifierDecl { input, output, timesteps, encoder, labels, vote, locs: locs(t) })
}

/// "did you mean …? The choices are …" for a string that is none of `names`.
fn choices(s: &str, names: &[&str]) -> String {
    let list = names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(" and ");
    match suggest(s, names) {
        Some(best) => format!("did you mean \"{best}\"? The choices are {list}"),
        None => format!("the choices are {list}"),
    }
}

fn encoder(v: &Val<'_, '_>) -> Result<Encoder, Diagnostic> {
    encoder_table(&v.table("a table, e.g. { kind = \"poisson\", max_value = 16, max_probability = 0.2 }")?)
}

/// An encoder table (`kind`, `max_value`, `max_probability`; docs/learning.md §2): the
/// one reader of the classifier's `encoder` and of the `[encoder]` of `ncx train`'s
/// architectures.
pub(crate) fn encoder_table(t: &Tbl<'_, '_>) -> Result<Encoder, Diagnostic> {
    t.allow(&ENCODER_KEYS)?;
    let k = t.req("kind", "give the encoder's `kind`: \"rate\" or \"poisson\"")?;
    let s = k.str()?;
    let kind = s.parse::<Encoding>().map_err(|_| {
        let names = Encoding::ALL.map(Encoding::name);
        k.err(format!("`kind` = \"{s}\" is not an encoder")).help(choices(s, &names))
    })?;
    let m = t.req("max_value", "give `max_value`: the feature value that spikes most (16 for data/digits)")?;
    let x = m.number()?;
    let max_value = x as f32;
    if !(x > 0.0 && max_value.is_finite() && max_value > 0.0) {
        return Err(m
            .err(format!("`max_value` = {} is out of range: it must be above 0 and fit a 32-bit float", m.text()))
            .help("the largest feature value of the data set (16 for data/digits)"));
    }
    let p = t.req("max_probability", "give `max_probability`: the spike probability per timestep at `max_value`")?;
    let max_probability = p.number()?;
    if !(0.0..=1.0).contains(&max_probability) {
        return Err(p
            .err(format!("`max_probability` = {} is out of range: it must be from 0 to 1", p.text()))
            .help("a spike probability per timestep, e.g. 0.2 (200 Hz at 1 ms timesteps)"));
    }
    Ok(Encoder { kind, max_value, max_probability })
}

/// Resolve the table against the network's populations and input groups.
pub(crate) fn resolve(
    decl: ClassifierDecl,
    populations: &[Population],
    inputs: &[InputGroup],
) -> Result<Classifier, Diagnostic> {
    let unknown = |r: &NameRef, what: &str, names: Vec<&str>, other: Option<&str>| {
        let help = match (suggest(&r.name, &names), other) {
            (_, Some(other)) => format!("`{}` is {other}; `{}` names {what}", r.name, r.path),
            (Some(best), None) => format!("did you mean `{best}`?"),
            (None, None) if names.is_empty() => format!("declare the {what} it names"),
            (None, None) => format!("the {what}s: {}", names.join(", ")),
        };
        Diagnostic::new(format!("unknown {what} `{}` in `{}`", r.name, r.path))
            .at(r.loc.clone())
            .key(r.path.clone())
            .help(help)
    };
    let input_names: Vec<&str> = inputs.iter().map(|g| g.name.as_str()).collect();
    let population_names: Vec<&str> = populations.iter().map(|p| p.name.as_str()).collect();
    if !input_names.contains(&decl.input.name.as_str()) {
        let other = population_names.contains(&decl.input.name.as_str()).then_some("a population, not an input group");
        return Err(unknown(&decl.input, "input group", input_names, other));
    }
    let Some(output) = populations.iter().find(|p| p.name == decl.output.name) else {
        let other = input_names.contains(&decl.output.name.as_str()).then_some("an input group, not a population");
        return Err(unknown(&decl.output, "population", population_names, other));
    };
    let size = output.size;
    let given = decl.labels.is_some();
    let labels = decl.labels.unwrap_or_else(|| (0..size).map(|i| i as u16).collect());
    let classifier = Classifier {
        input: decl.input.name,
        output: decl.output.name,
        timesteps: decl.timesteps,
        encoder: decl.encoder,
        labels,
        vote: decl.vote,
    };
    let at_labels = |message: String, help: String| {
        let key = if given { "labels" } else { "output" };
        Diagnostic::new(message).help(help).at_key(&decl.locs, key)
    };
    if classifier.labels.len() != size {
        return Err(at_labels(
            format!(
                "`labels` has {} entries but population `{}` has {size} neurons",
                classifier.labels.len(),
                classifier.output
            ),
            format!(
                "give one class per neuron of `{}`, in order, or leave `labels` out for 0..{}",
                classifier.output,
                size - 1
            ),
        ));
    }
    if let Err(e) = classifier.check() {
        return Err(at_labels(
            e.to_string(),
            "every class from 0 to the largest label needs at least one neuron of the output population".to_owned(),
        ));
    }
    Ok(classifier)
}
