//! The driver through the fault injector (`FaultyLink` over the device model): with
//! 1 % of the bytes dropped, 1 % corrupted and 0.5 % duplicated in each direction, an
//! upload still leaves the device's memories equal to the image, byte for byte (full
//! readback), and a run still gives the fault-free raster — over many seeds.
//!
//! The faults are per byte: a frame of L bytes passes both ways only with probability
//! about 0.975^L (a 1035-byte WRITE essentially never, a 40-byte exchange 36 % of the
//! time). The upload's adaptive chunks (docs in `ncx::driver::upload`) handle the
//! first; the second needs more retries than the 5 of docs/protocol.md §11, whose
//! error rates are those of a cable, not of this injector: `RETRIES` here.

mod driver_support;

use driver_support::{image, model_link, stimulus};
use ncx::driver::{Driver, DriverOptions, Verify, What, readback, run_on_device, upload};
use ncx::link::{FaultSpec, FaultyLink};
use ncx::progress::NoProgress;
use ncx::run::{self, RunOptions, Target};
use ncx_model::Matrix;

/// Retries per command at these fault rates: a 90-byte exchange (HELLO) fails one try
/// with probability 1 − 0.975^90 ≈ 0.9, all 61 with 0.9^61 ≈ 0.2 %.
const RETRIES: u32 = 60;

fn faults() -> FaultSpec {
    FaultSpec { drop: 0.01, corrupt: 0.01, dup: 0.005, delay: 0.0 }
}

fn connect(n: usize, m: usize, seed: u64) -> Driver<FaultyLink<ncx::link::ModelLink>> {
    let link = FaultyLink::new(model_link(n, m), faults(), seed);
    Driver::connect_with(link, DriverOptions { retries: RETRIES, ..DriverOptions::default() }).unwrap()
}

#[test]
fn uploads_through_faults_equal_the_image_exactly() {
    let (mut faults_seen, mut retries) = (0, 0);
    for seed in 0..50 {
        let (n, m) = if seed % 2 == 0 { (16, 16) } else { (16, 32) };
        let image = image(n, m, seed, seed % 3 == 0);
        let mut driver = connect(n, m, seed);
        let verify = if seed % 2 == 0 { Verify::Full } else { Verify::Crc };
        let report =
            upload(&mut driver, &image, verify, &mut NoProgress).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        retries += report.retries;
        let back = readback(&mut driver, What::Weights, &mut NoProgress).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        let weights = back.weights.unwrap();
        assert_eq!(weights.w_in, image.w_in, "seed {seed}");
        assert_eq!(weights.w_rec, image.w_rec, "seed {seed}");
        assert_eq!(weights.plastic_in, image.plastic_in, "seed {seed}");
        assert_eq!(weights.plastic_rec, image.plastic_rec, "seed {seed}");
        let stats = driver.link().stats();
        faults_seen += stats.sent.faults() + stats.received.faults();
        // The device model itself holds the image.
        let device = driver.into_link().into_inner().into_device();
        let core = image.to_core().unwrap();
        assert_eq!(device.core().weights(Matrix::Input), core.weights(Matrix::Input), "seed {seed}");
        assert_eq!(*device.core().config(), image.config, "seed {seed}");
        for k in 0..n {
            assert_eq!(device.core().neuron_params(k).unwrap(), image.neurons[k], "seed {seed}");
        }
    }
    // The injector did inject: at 2.5 % of some 100 kB, thousands of faults.
    assert!(faults_seen > 1000, "{faults_seen} faults");
    assert!(retries > 100, "{retries} retries");
}

#[test]
fn runs_through_faults_give_the_fault_free_raster() {
    let mut resends = 0;
    for seed in 0..50 {
        let (n, m, steps) = (16, 16, 24);
        let mut image = image(n, m, seed, seed % 2 == 0);
        image.meta.populations =
            vec![ncx::image::Block { name: "all".to_owned(), start: 0, len: 16, record: true, probe: vec![1, 2] }];
        let stimulus = stimulus(m, steps, seed);
        let expected =
            run::run(&image, &stimulus, &RunOptions { steps, target: Target::Model }, &mut NoProgress).unwrap();
        let mut driver = connect(n, m, 1000 + seed);
        let (got, device_run) = run_on_device(&mut driver, &image, &stimulus, steps, &mut NoProgress)
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        assert_eq!(got.raster, expected.raster, "seed {seed}");
        assert_eq!(got.probes, expected.probes, "seed {seed}");
        assert_eq!(got.core.weights(Matrix::Input), expected.core.weights(Matrix::Input), "seed {seed}");
        resends += device_run.resends;
    }
    // Output frames were lost and asked for again.
    assert!(resends > 10, "{resends} resends");
}
