//! Shared support of the image tests: the worked example of docs/image-format.md §8,
//! an image builder that frames arbitrary sections the way the document says (with a
//! reference CRC-32 written from the definition, not the `crc` crate), and a proptest
//! strategy for random valid images.

use ncx::SplitMix64;
use ncx::image::{Block, Image, Metadata};
use ncx_model::{CoreConfig, Geometry, NeuronParams, StdpConfig, TraceMode};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

/// Offsets of docs/image-format.md §2.
pub(crate) const HEADER_LEN: usize = 46;
pub(crate) const COUNT_AT: usize = 44;
pub(crate) const HASH_LEN: usize = 32;

/// CRC-32/ISO-HDLC from its definition: reflected polynomial 0xEDB88320, initial value
/// and final XOR 0xFFFFFFFF (the CRC of zlib).
pub(crate) fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// The header widths table of NCX-1 (§2.2), written out by hand.
pub(crate) const WIDTHS: [(u8, u8); 15] = [
    (8, 1),
    (24, 1),
    (24, 1),
    (20, 1),
    (24, 1),
    (24, 1),
    (24, 1),
    (12, 0),
    (8, 0),
    (8, 0),
    (4, 0),
    (8, 0),
    (4, 0),
    (8, 0),
    (32, 0),
];

/// A section as stored: id, flags, payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Section {
    pub(crate) id: u16,
    pub(crate) flags: u16,
    pub(crate) payload: Vec<u8>,
}

/// Everything needed to write an image, rule-breaking or not.
#[derive(Debug, Clone)]
pub(crate) struct Parts {
    pub(crate) version: u16,
    pub(crate) neurons: u16,
    pub(crate) inputs: u16,
    pub(crate) widths: [(u8, u8); 15],
    pub(crate) sections: Vec<Section>,
}

impl Parts {
    /// Header, framed sections with CRCs, SHA-256 trailer — following the document.
    pub(crate) fn build(&self) -> Vec<u8> {
        let mut out = b"NCXIMAGE".to_vec();
        for v in [self.version, self.neurons, self.inputs] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for (bits, signed) in self.widths {
            out.extend_from_slice(&[bits, signed]);
        }
        out.extend_from_slice(&(self.sections.len() as u16).to_le_bytes());
        assert_eq!(out.len(), HEADER_LEN);
        for s in &self.sections {
            let start = out.len();
            out.extend_from_slice(&s.id.to_le_bytes());
            out.extend_from_slice(&s.flags.to_le_bytes());
            out.extend_from_slice(&(s.payload.len() as u32).to_le_bytes());
            out.extend_from_slice(&s.payload);
            let crc = crc32(&out[start..]);
            out.extend_from_slice(&crc.to_le_bytes());
        }
        let hash = sha256(&out);
        out.extend_from_slice(&hash);
        out
    }

    /// The parts of a well-formed image (panics if `bytes` is not one).
    pub(crate) fn parse(bytes: &[u8]) -> Parts {
        let u16_at = |at: usize| u16::from_le_bytes([bytes[at], bytes[at + 1]]);
        let mut widths = [(0, 0); 15];
        for (i, w) in widths.iter_mut().enumerate() {
            *w = (bytes[14 + 2 * i], bytes[15 + 2 * i]);
        }
        let mut sections = Vec::new();
        let mut at = HEADER_LEN;
        for _ in 0..u16_at(COUNT_AT) {
            let len = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().unwrap()) as usize;
            sections.push(Section {
                id: u16_at(at),
                flags: u16_at(at + 2),
                payload: bytes[at + 8..at + 8 + len].to_vec(),
            });
            at += 12 + len;
        }
        assert_eq!(at + HASH_LEN, bytes.len());
        Parts { version: u16_at(8), neurons: u16_at(10), inputs: u16_at(12), widths, sections }
    }

    /// The section with id `id`.
    pub(crate) fn section(&mut self, id: u16) -> &mut Section {
        self.sections.iter_mut().find(|s| s.id == id).expect("section present")
    }

    /// Offset of the first byte of section number `index`.
    pub(crate) fn offset(&self, index: usize) -> usize {
        HEADER_LEN + self.sections[..index].iter().map(|s| 12 + s.payload.len()).sum::<usize>()
    }
}

/// Recompute every section CRC and the trailer of a well-framed image, so that a
/// changed payload or header field reaches the checks after the integrity checks.
pub(crate) fn reseal(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let count = u16::from_le_bytes([out[COUNT_AT], out[COUNT_AT + 1]]);
    let mut at = HEADER_LEN;
    for _ in 0..count {
        let len = u32::from_le_bytes(out[at + 4..at + 8].try_into().unwrap()) as usize;
        let crc = crc32(&out[at..at + 8 + len]);
        out[at + 8 + len..at + 12 + len].copy_from_slice(&crc.to_le_bytes());
        at += 12 + len;
    }
    let hash = sha256(&out[..at]);
    out[at..at + HASH_LEN].copy_from_slice(&hash);
    out
}

/// The image of the worked example, docs/image-format.md §8.
pub(crate) fn tiny() -> Image {
    let geometry = Geometry::new(16, 16).unwrap();
    let mut image = Image::empty(geometry);
    image.config = CoreConfig {
        weight_shift: 4,
        period: 100_000,
        stdp: StdpConfig {
            enabled: true,
            a_plus: 64,
            a_minus: 32,
            shift: 4,
            w_min: -8,
            w_max: 20,
            pre_decay: 2048,
            post_decay: 2048,
            pre_increment: 128,
            post_increment: 128,
            trace_mode: TraceMode::Add,
        },
    };
    image.w_in[0] = 50; // W_in[0][0]
    image.w_in[16 + 3] = -7; // W_in[1][3]
    image.w_rec[16] = 40; // W_rec[1][0]
    image.w_rec[2] = -60; // W_rec[0][2]
    for i in [0, 1, 16 + 3] {
        image.plastic_in[i] = true;
    }
    image.plastic_rec[16] = true;
    image.neurons[0] = NeuronParams { threshold: 1000, reset: 0, bias: 0, v_decay: 410, i_decay: 2048, refractory: 1 };
    image.neurons[1] = NeuronParams { threshold: 600, reset: -100, bias: 5, v_decay: 0, i_decay: 4095, refractory: 0 };
    image.meta = Metadata {
        name: "tiny".to_owned(),
        timestep_us: 1000,
        clock_hz: 100_000_000,
        populations: vec![Block { name: "exc".to_owned(), start: 0, len: 2, record: true, probe: vec![1] }],
        inputs: vec![Block { name: "in".to_owned(), start: 0, len: 4, record: false, probe: vec![] }],
        classifier: None,
    };
    image
}

/// The bytes of the checked-in fixture written by `data/images/make_tiny.py`.
pub(crate) fn tiny_fixture() -> Vec<u8> {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/images/tiny-v1.ncx")).unwrap()
}

/// Random valid images: any allowed geometry (small ones more often), tables filled
/// from a seed, every parameter within its width, random placement and names.
pub(crate) fn valid_image() -> impl Strategy<Value = Image> {
    let log2 = prop_oneof![6 => 4u32..=6, 2 => 7u32..=8, 1 => 9u32..=10];
    (log2.clone(), log2, any::<u64>(), 0u64..=1000, config(), "\\PC{0,12}", any::<u32>(), any::<u32>()).prop_flat_map(
        |(n, m, seed, density, config, name, timestep_us, clock_hz)| {
            let (n, m) = (1usize << n, 1usize << m);
            (blocks(n, true), blocks(m, false)).prop_map(move |(populations, inputs)| {
                let geometry = Geometry::new(n, m).unwrap();
                let mut rng = SplitMix64::new(seed);
                let weight = |rng: &mut SplitMix64| {
                    if rng.below(1000) < density { rng.next_u64() as i8 } else { 0 }
                };
                let w_in = (0..n * m).map(|_| weight(&mut rng)).collect();
                let w_rec = (0..n * n).map(|_| weight(&mut rng)).collect();
                let plastic_in = (0..n * m).map(|_| rng.below(1000) < density).collect();
                let plastic_rec = (0..n * n).map(|_| rng.below(1000) < density).collect();
                let neurons = (0..n).map(|_| neuron(&mut rng)).collect();
                let meta =
                    Metadata { name: name.clone(), timestep_us, clock_hz, populations, inputs, classifier: None };
                Image { geometry, config, w_in, w_rec, plastic_in, plastic_rec, neurons, meta }
            })
        },
    )
}

/// A value uniform in `lo..=hi`.
fn uniform(rng: &mut SplitMix64, lo: i64, hi: i64) -> i64 {
    lo + rng.below((hi - lo + 1) as u64) as i64
}

fn neuron(rng: &mut SplitMix64) -> NeuronParams {
    let v24 = |rng: &mut SplitMix64| uniform(rng, -(1 << 23), (1 << 23) - 1) as i32;
    NeuronParams {
        threshold: v24(rng),
        reset: v24(rng),
        bias: v24(rng),
        v_decay: uniform(rng, 0, 4095) as u16,
        i_decay: uniform(rng, 0, 4095) as u16,
        refractory: rng.next_u64() as u8,
    }
}

/// Any valid core configuration.
pub(crate) fn config() -> impl Strategy<Value = CoreConfig> {
    (
        0u8..=15,
        any::<u32>(),
        any::<bool>(),
        any::<(u8, u8)>(),
        0u8..=15,
        any::<(i8, i8)>(),
        (0u16..=4095, 0u16..=4095),
        any::<(u8, u8)>(),
        any::<bool>(),
    )
        .prop_map(
            |(weight_shift, period, enabled, (a_plus, a_minus), shift, (a, b), (pre_decay, post_decay), incs, set)| {
                CoreConfig {
                    weight_shift,
                    period,
                    stdp: StdpConfig {
                        enabled,
                        a_plus,
                        a_minus,
                        shift,
                        w_min: a.min(b),
                        w_max: a.max(b),
                        pre_decay,
                        post_decay,
                        pre_increment: incs.0,
                        post_increment: incs.1,
                        trace_mode: if set { TraceMode::Set } else { TraceMode::Add },
                    },
                }
            },
        )
}

/// Disjoint, non-empty, distinctly named blocks inside `0..size`, in random order;
/// populations (`observed`) get random record flags and distinct probes.
fn blocks(size: usize, observed: bool) -> impl Strategy<Value = Vec<Block>> {
    (prop::collection::btree_set(0..size, 0..8), any::<u64>(), prop::collection::vec("\\PC{0,10}", 8)).prop_map(
        move |(cuts, seed, names)| {
            let mut rng = SplitMix64::new(seed);
            let cuts: Vec<usize> = cuts.into_iter().chain([size]).collect();
            let mut out = Vec::new();
            for (i, pair) in cuts.windows(2).enumerate() {
                // Half of the gaps between cuts become blocks, the rest stay unplaced.
                if rng.below(2) == 0 {
                    continue;
                }
                let (start, len) = (pair[0], pair[1] - pair[0]);
                let mut probe: Vec<u16> = Vec::new();
                if observed {
                    for index in 0..len as u16 {
                        if rng.below(4) == 0 {
                            probe.push(index);
                        }
                    }
                    // Any order, no duplicates.
                    probe.reverse();
                }
                out.push(Block {
                    name: format!("{}#{i}", names[i % names.len()]),
                    start: start as u16,
                    len: len as u16,
                    record: observed && rng.below(2) == 0,
                    probe,
                });
            }
            // Declaration order need not follow placement.
            if rng.below(2) == 0 {
                out.reverse();
            }
            out
        },
    )
}
