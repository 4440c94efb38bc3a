//! The network that learns on the chip, as a device image (docs/learning.md §6): the
//! excitatory population (integrate-and-fire, plastic input weights, fixed lateral
//! inhibition), the relay neurons (a winner-take-all latch and an end-of-sample timer),
//! the input group, and the STDP configuration; and the same network after training as
//! a network description (`net.toml` plus the learned weights as CSV) that `ncx compile`
//! turns back into the identical image.

use std::fmt::Write as _;

use ncx_model::{CoreConfig, NeuronParams, StdpConfig};

use super::arch::Arch;
use crate::image::{Block, Image, Metadata};
use crate::learn::classifier::{Classifier, Vote};
use crate::learn::encode::Encoding;
use crate::rng::SplitMix64;
use crate::stimulus::encode::mix;

/// The input group's name in the image and the network description.
pub const INPUT: &str = "features";
/// The excitatory population's name: the classifier's output.
pub const EXCITATORY: &str = "excitatory";
/// The relay population's name.
pub const RELAY: &str = "relay";
/// The weight of a spike onto a relay neuron (from an excitatory neuron or a relay).
pub const RELAY_EXCITATION: i8 = 127;
/// The weight of a relay spike onto every excitatory neuron.
pub const RELAY_INHIBITION: i8 = -128;
/// The physical timestep the network is described with (1 ms; free-running pacing).
const TIMESTEP_US: u32 = 1000;
/// The clock it is described with (100 MHz, the default of docs/network-format.md §4).
const CLOCK_HZ: u32 = 100_000_000;
/// The tag mixed into the seed for the initial weights.
const WEIGHT_TAG: u64 = 0x1417_0000;

/// The parameters of an excitatory neuron: integrate-and-fire (no leak), instantaneous
/// current (δ_I = 4095), reset to 0; the threshold is multiplied by `scale` (1 while
/// learning, the architecture's `readout` in the trained network).
pub fn excitatory_params(arch: &Arch, scale: u32) -> NeuronParams {
    NeuronParams {
        threshold: arch.excitatory.threshold * scale as i32,
        reset: 0,
        bias: 0,
        v_decay: 0,
        i_decay: 4095,
        refractory: arch.excitatory.refractory,
    }
}

/// The parameters of a relay neuron: bias 1 and threshold `timesteps × scale` (the
/// length of a sample), so that alone it fires in the last timestep of a sample (the
/// timer); any excitatory spike, or a relay spike, makes it fire in the next timestep
/// (the latch).
pub fn relay_params(arch: &Arch, scale: u32) -> NeuronParams {
    NeuronParams {
        threshold: (arch.timesteps * scale) as i32,
        reset: 0,
        bias: 1,
        v_decay: 0,
        i_decay: 4095,
        refractory: 0,
    }
}

/// The image that training starts from: `features` inputs, the excitatory neurons'
/// input weights drawn uniformly from `initial_weights` with `seed` (post ascending,
/// then pre ascending, one `below` draw each), all of them plastic, STDP on.
/// `labels` is the classifier's labels (one per excitatory neuron).
pub fn initial_image(arch: &Arch, features: usize, labels: Vec<u16>, seed: u64) -> Image {
    let mut image = network_image(arch, features, labels, &[], 1);
    let m = arch.geometry.inputs();
    let (lo, hi) = arch.excitatory.initial_weights;
    let span = (i64::from(hi) - i64::from(lo) + 1) as u64;
    let mut rng = SplitMix64::new(mix(seed ^ WEIGHT_TAG));
    for post in 0..arch.excitatory.size {
        for pre in 0..features {
            image.w_in[post * m + pre] = (i64::from(lo) + rng.below(span) as i64) as i8;
            image.plastic_in[post * m + pre] = true;
        }
    }
    image.config.stdp = arch.stdp;
    image
}

/// The trained network: `w_in` (the excitatory rows, `size × features`, row-major)
/// as its input weights, nothing plastic, STDP off, with its classifier; a sample lasts
/// `timesteps × readout` timesteps and the excitatory threshold is `threshold × readout`.
pub fn eval_image(arch: &Arch, features: usize, labels: Vec<u16>, w_in: &[i8]) -> Image {
    network_image(arch, features, labels, w_in, arch.readout)
}

/// The network with `w_in`, its thresholds and sample length scaled by `scale`.
fn network_image(arch: &Arch, features: usize, labels: Vec<u16>, w_in: &[i8], scale: u32) -> Image {
    let mut image = Image::empty(arch.geometry);
    let (n, m) = (arch.geometry.neurons(), arch.geometry.inputs());
    let (exc, relays) = (arch.excitatory.size, arch.relays);
    for (row, weights) in w_in.chunks(features).enumerate().take(exc) {
        image.w_in[row * m..row * m + weights.len()].copy_from_slice(weights);
    }
    for post in 0..exc {
        image.neurons[post] = excitatory_params(arch, scale);
        for pre in 0..exc {
            image.w_rec[post * n + pre] = arch.excitatory.lateral;
        }
        for pre in exc..exc + relays {
            image.w_rec[post * n + pre] = RELAY_INHIBITION;
        }
    }
    for post in exc..exc + relays {
        image.neurons[post] = relay_params(arch, scale);
        for pre in 0..exc + relays {
            image.w_rec[post * n + pre] = RELAY_EXCITATION;
        }
    }
    image.config = CoreConfig { weight_shift: 0, period: 0, stdp: StdpConfig::default() };
    let mut populations = vec![block(EXCITATORY, 0, exc)];
    if relays > 0 {
        populations.push(Block { record: false, ..block(RELAY, exc, relays) });
    }
    image.meta = Metadata {
        name: arch.name.clone(),
        timestep_us: TIMESTEP_US,
        clock_hz: CLOCK_HZ,
        populations,
        inputs: vec![Block { record: false, ..block(INPUT, 0, features) }],
        classifier: Some(Classifier {
            input: INPUT.to_owned(),
            output: EXCITATORY.to_owned(),
            timesteps: arch.timesteps * scale,
            encoder: arch.encoder,
            labels,
            vote: arch.vote,
        }),
    };
    image
}

fn block(name: &str, start: usize, len: usize) -> Block {
    Block { name: name.to_owned(), start: start as u16, len: len as u16, record: true, probe: Vec::new() }
}

/// The excitatory rows of an image's `W_in` (`size × features`, row-major).
pub fn learned_rows(image: &Image, size: usize, features: usize) -> Vec<i8> {
    let m = image.geometry.inputs();
    (0..size).flat_map(|post| image.w_in[post * m..post * m + features].iter().copied()).collect()
}

/// The network description of the trained network: raw integer populations, `scale = 1`
/// and `weight_shift = 0` so that every weight compiles to itself, the learned input
/// weights in the matrix file `weights_csv` (a name relative to the description), and
/// the classifier. `ncx compile` turns it into [`eval_image`]'s image.
pub fn network_toml(arch: &Arch, features: usize, labels: &[u16], weights_csv: &str) -> String {
    let exc = &arch.excitatory;
    let e = excitatory_params(arch, arch.readout);
    let mut t = String::new();
    let _ = writeln!(t, "# Trained on the chip by `ncx train --on-chip` (docs/learning.md §6): the input weights");
    let _ = writeln!(t, "# in {weights_csv} were learned by the core's own STDP.");
    let _ = writeln!(t, "name = {}", quote(&arch.name));
    let _ = writeln!(t);
    let _ = writeln!(
        t,
        "[core]\nneurons = {}\ninputs = {}\nweight_shift = 0\nscale = 1",
        arch.geometry.neurons(),
        arch.geometry.inputs()
    );
    let _ = writeln!(t);
    let _ = writeln!(t, "[[input]]\nname = \"{INPUT}\"\nsize = {features}");
    let _ = writeln!(t);
    let _ = writeln!(t, "[[population]]\nname = \"{EXCITATORY}\"\nsize = {}", exc.size);
    let _ = writeln!(
        t,
        "[population.raw]\nthreshold = {}\nreset = 0\nv_decay = 0\ni_decay = {}\nrefractory = {}",
        e.threshold, e.i_decay, e.refractory
    );
    if arch.relays > 0 {
        let r = relay_params(arch, arch.readout);
        let _ = writeln!(t);
        let _ = writeln!(t, "[[population]]\nname = \"{RELAY}\"\nsize = {}\nrecord = false", arch.relays);
        let _ = writeln!(
            t,
            "[population.raw]\nthreshold = {}\nbias = {}\nv_decay = 0\ni_decay = {}",
            r.threshold, r.bias, r.i_decay
        );
    }
    let _ = writeln!(t);
    let _ = writeln!(t, "[[projection]]\nfrom = \"{INPUT}\"\nto = \"{EXCITATORY}\"\nmatrix = {}", quote(weights_csv));
    if exc.lateral != 0 {
        let _ = writeln!(t);
        let _ = writeln!(
            t,
            "[[projection]]\nname = \"lateral\"\nfrom = \"{EXCITATORY}\"\nto = \"{EXCITATORY}\"\nconnect = \"all_to_all\"\nweight = {}",
            exc.lateral
        );
    }
    if arch.relays > 0 {
        for (from, to, weight) in [
            (EXCITATORY, RELAY, RELAY_EXCITATION),
            (RELAY, RELAY, RELAY_EXCITATION),
            (RELAY, EXCITATORY, RELAY_INHIBITION),
        ] {
            let _ = writeln!(t);
            let _ = writeln!(
                t,
                "[[projection]]\nfrom = \"{from}\"\nto = \"{to}\"\nconnect = \"all_to_all\"\nweight = {weight}"
            );
        }
    }
    let encoder = &arch.encoder;
    let kind = match encoder.kind {
        Encoding::Rate => "rate",
        Encoding::Poisson => "poisson",
    };
    let vote = match arch.vote {
        Vote::Sum => "sum",
        Vote::Mean => "mean",
    };
    let labels: Vec<String> = labels.iter().map(u16::to_string).collect();
    let _ = writeln!(t);
    let _ = writeln!(
        t,
        "[classifier]\ninput = \"{INPUT}\"\noutput = \"{EXCITATORY}\"\ntimesteps = {}",
        arch.timesteps * arch.readout
    );
    let _ = writeln!(
        t,
        "encoder = {{ kind = \"{kind}\", max_value = {:?}, max_probability = {:?} }}",
        f64::from(encoder.max_value),
        encoder.max_probability
    );
    let _ = writeln!(t, "labels = [{}]\nvote = \"{vote}\"", labels.join(", "));
    t
}

/// The learned weights as the matrix CSV of [`network_toml`]: one line per excitatory
/// neuron, its `features` weights.
pub fn weights_csv(rows: &[i8], features: usize) -> String {
    let mut t = String::new();
    for row in rows.chunks(features) {
        let line: Vec<String> = row.iter().map(i8::to_string).collect();
        let _ = writeln!(t, "{}", line.join(","));
    }
    t
}

/// A TOML basic string.
fn quote(s: &str) -> String {
    let mut q = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(q, "\\u{:04X}", c as u32);
            }
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arch() -> Arch {
        let text = "method = \"stdp\"\ntimesteps = 20\nreadout = 3\n[core]\nneurons = 16\ninputs = 16\n\
                    [encoder]\nkind = \"rate\"\nmax_value = 16\nmax_probability = 0.5\n\
                    [excitatory]\nsize = 3\nthreshold = 100\nlateral = -7\ninitial_weights = [-2, 2]\n\
                    [inhibitory]\nsize = 2\n[stdp]\na_plus = 1\na_minus = 1\nshift = 0\npre_decay = 0\npost_decay = 0\n\
                    [training]\nepochs = 1\n";
        Arch::parse(std::path::Path::new("a.toml"), text).expect("a valid architecture")
    }

    #[test]
    fn the_trained_network_scales_the_threshold_and_the_timer_by_the_readout() {
        let a = arch();
        assert_eq!(excitatory_params(&a, 1).threshold, 100);
        assert_eq!(excitatory_params(&a, a.readout).threshold, 300);
        assert_eq!(relay_params(&a, 1).threshold, 20);
        assert_eq!(relay_params(&a, a.readout).threshold, 60);
        let image = eval_image(&a, 4, vec![0, 1, 0], &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        assert_eq!(image.w_in[..4], [1, 2, 3, 4]);
        assert_eq!(image.w_in[16..20], [5, 6, 7, 8]);
        assert_eq!(image.w_in[32..36], [9, 10, 11, 12]);
        // Row 0 of W_rec: the three excitatory neurons (itself included), then the relays.
        assert_eq!(image.w_rec[..6], [-7, -7, -7, RELAY_INHIBITION, RELAY_INHIBITION, 0]);
        // A relay hears every excitatory neuron and every relay.
        assert_eq!(image.w_rec[3 * 16..3 * 16 + 6], [127, 127, 127, 127, 127, 0]);
        assert!(!image.config.stdp.enabled && image.plastic_in.iter().all(|&p| !p));
        assert_eq!(image.meta.classifier.as_ref().map(|c| c.timesteps), Some(60));
    }

    #[test]
    fn the_initial_image_draws_its_weights_in_range_and_makes_them_plastic() {
        let a = arch();
        let image = initial_image(&a, 4, vec![0, 1, 0], 5);
        for post in 0..3 {
            for pre in 0..16 {
                let (w, plastic) = (image.w_in[post * 16 + pre], image.plastic_in[post * 16 + pre]);
                assert_eq!(plastic, pre < 4, "{post} {pre}");
                assert!(if pre < 4 { (-2..=2).contains(&w) } else { w == 0 }, "{post} {pre}: {w}");
            }
        }
        assert!(image.config.stdp.enabled);
        assert_eq!(image.neurons[0].threshold, 100, "training runs at readout 1");
        assert_eq!(image, initial_image(&a, 4, vec![0, 1, 0], 5));
        assert_ne!(image.w_in, initial_image(&a, 4, vec![0, 1, 0], 6).w_in);
    }

    #[test]
    fn csv_and_toml_strings_are_written_exactly() {
        assert_eq!(weights_csv(&[1, -2, 3, -128], 2), "1,-2\n3,-128\n");
        assert_eq!(quote("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000A\"");
        let text = network_toml(&arch(), 4, &[2, 0, 1], "w.csv");
        assert!(text.contains("timesteps = 60\n"), "{text}");
        assert!(text.contains("labels = [2, 0, 1]\nvote = \"mean\"\n"), "{text}");
        assert!(text.contains("[population.raw]\nthreshold = 300\n"), "{text}");
    }
}
