//! The region encodings of docs/protocol.md §9 (`wire::layout`): hand-written bytes,
//! round trips, and every decoding error with its field and byte offset.

use ncx_model::wire::layout::{self, LayoutError, Region, RegionRange, Traces};
use ncx_model::{CoreConfig, Geometry, ModelError, NeuronParams, NeuronState};

#[test]
fn hand_written_records() {
    let p = NeuronParams { threshold: -2, reset: 0x01_0203, bias: 5, v_decay: 4095, i_decay: 0x0102, refractory: 9 };
    let bytes = [0xFE, 0xFF, 0xFF, 0xFF, 0x03, 0x02, 0x01, 0, 5, 0, 0, 0, 0xFF, 0x0F, 0x02, 0x01, 9];
    assert_eq!(layout::encode_neuron(&p), bytes);
    assert_eq!(layout::decode_neurons(&bytes, 1), Ok(vec![p]));
    let s = NeuronState { v: -1, i: 0x7F_FFFF, refractory: 2 };
    let bytes = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0, 2];
    assert_eq!(layout::encode_state(&s), bytes);
    assert_eq!(layout::decode_states(&bytes, 1), Ok(vec![s]));
    let c = CoreConfig::default();
    let bytes = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x7F, 0, 0, 0, 0, 0, 0, 0];
    assert_eq!(layout::encode_config(&c), bytes);
    assert_eq!(layout::decode_config(&bytes), Ok(c));
    // LSB-first bits: bit 41 is byte 5, value 0x02.
    let mut bits = vec![false; 64];
    bits[41] = true;
    assert_eq!(layout::encode_bits(&bits), [0, 0, 0, 0, 0, 0x02, 0, 0]);
    assert_eq!(layout::decode_bits(&[0, 0, 0, 0, 0, 0x02, 0, 0], 64), Ok(bits));
    assert_eq!(layout::encode_weights(&[-1, 127, -128]), [0xFF, 0x7F, 0x80]);
    let g = Geometry::new(16, 32).unwrap();
    let t = Traces { input: (0..32).collect(), pre: vec![1; 16], post: vec![2; 16] };
    let bytes = layout::encode_traces(&t);
    assert_eq!(bytes.len(), Region::Traces.size(g));
    assert_eq!(layout::decode_traces(&bytes, g), Ok(t));
}

#[test]
fn errors_name_the_field_and_the_offset() {
    let mut bytes = layout::encode_neurons(&[NeuronParams::SILENT; 3]);
    bytes[17 * 2 + 12..17 * 2 + 14].copy_from_slice(&5000u16.to_le_bytes());
    let e = layout::decode_neurons(&bytes, 3).unwrap_err();
    assert_eq!(e.offset(), Some(46));
    assert_eq!(e.what(), "neuron 2 v_decay");
    assert_eq!(e.to_string(), "neuron 2 v_decay at byte 46: decay = 5000 does not fit its field: allowed 0..=4095");
    let mut config = layout::encode_config(&CoreConfig::default());
    config[5] = 7;
    let e = layout::decode_config(&config).unwrap_err();
    assert_eq!(e, LayoutError::Code { offset: 5, field: "STDP enable", value: 7, allowed: "0 (off) or 1 (on)" });
    config[5] = 1;
    config[9] = 10;
    config[10] = 9;
    let e = layout::decode_config(&config).unwrap_err();
    let source = ModelError::WeightBounds { w_min: 10, w_max: 9 };
    assert_eq!(e, LayoutError::Value { offset: 9, record: None, field: "STDP weight bounds", source });
    assert_eq!(layout::decode_config(&config[..17]), Err(LayoutError::Length { got: 17, expected: 18 }));
    assert_eq!(layout::decode_bits(&[0; 3], 32), Err(LayoutError::Length { got: 3, expected: 4 }));
    let mut state = vec![0u8; 18];
    state[13..17].copy_from_slice(&(-(1i32 << 23) - 1).to_le_bytes());
    let e = layout::decode_states(&state, 2).unwrap_err();
    assert_eq!((e.offset(), e.what()), (Some(13), "neuron 1 i".to_owned()));
}

#[test]
fn regions_sizes_and_ranges() {
    let g = Geometry::new(64, 16).unwrap();
    let sizes: Vec<usize> = Region::ALL.iter().map(|r| r.size(g)).collect();
    assert_eq!(sizes, [18, 1024, 4096, 128, 512, 17 * 64, 9 * 64, 16 + 128]);
    let records: Vec<usize> = Region::ALL.iter().map(|r| r.record_len()).collect();
    assert_eq!(records, [18, 1, 1, 1, 1, 17, 9, 1]);
    assert_eq!(Region::try_from(7), Ok(Region::Traces));
    assert_eq!(Region::try_from(8), Err(LayoutError::UnknownRegion { region: 8 }));
    assert_eq!(RegionRange::of(Region::Config, g, 0, 18), RegionRange::Records);
    assert_eq!(RegionRange::of(Region::Config, g, 1, 17), RegionRange::Bytes);
    assert_eq!(RegionRange::of(Region::State, g, 9 * 63, 10), RegionRange::Outside);
}
