//! # ncx-tests — cross-crate integration tests of the ncx workspace
//!
//! The golden scenarios live in `tests/scenarios/<name>/`: a hand-written
//! `scenario.toml` (what it checks, the network description, the stimulus, the number of
//! timesteps) and a generated `expected.toml` (the SHA-256 digests of the spike raster
//! and of the final weights, and the spike count). `tests/tests/scenarios.rs` runs every
//! scenario on the reference model and on the RTL core in lock step
//! (`ncx_hdl::lockstep`), and checks both against `expected.toml`; with `NCX_BLESS=1` it
//! rewrites `expected.toml` from the model instead — on purpose only, after a change
//! that is meant to change behaviour. A fixed bug gets a scenario.
//!
//! Tests that need the `ncx` binary live in `host/tests/`, because Cargo builds a
//! package's binaries, and tells tests where they are, only for that package's own
//! integration tests.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use ncx::compile::{self, CompileOptions};
use ncx::image::Image;
use ncx::stimulus::{self, Stimulus, StimulusOptions};
use ncx_hdl::lockstep::{CheckError, LockStep};
use ncx_model::wire::layout::Region;
use ncx_model::{Matrix, NullSink};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The hand-written description of a scenario (`scenario.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// What the scenario checks, in a sentence.
    pub description: String,
    /// The network description, relative to the scenario's folder.
    pub network: PathBuf,
    /// The stimulus, relative to the scenario's folder (none: silent inputs).
    pub stimulus: Option<PathBuf>,
    /// Timesteps to run.
    pub steps: usize,
}

/// What a run produced, as compared with `expected.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    /// Spikes in the run.
    pub spikes: u64,
    /// SHA-256 of the raster: one line `timestep,neuron` per spike, in time order,
    /// neurons ascending.
    pub raster_sha256: String,
    /// SHA-256 of the final `W_in` bytes followed by the final `W_rec` bytes.
    pub weights_sha256: String,
}

/// A scenario, loaded.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The folder name.
    pub name: String,
    /// The folder.
    pub dir: PathBuf,
    /// Its `scenario.toml`.
    pub file: ScenarioFile,
}

impl Scenario {
    /// Every scenario under `root`, by name.
    pub fn load_all(root: &Path) -> Result<Vec<Scenario>, String> {
        let entries = fs::read_dir(root).map_err(|e| format!("{}: {e}", root.display()))?;
        let mut scenarios = Vec::new();
        for entry in entries {
            let dir = entry.map_err(|e| format!("{}: {e}", root.display()))?.path();
            if dir.is_dir() {
                scenarios.push(Scenario::load(&dir)?);
            }
        }
        scenarios.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(scenarios)
    }

    /// The scenario in folder `dir`.
    pub fn load(dir: &Path) -> Result<Scenario, String> {
        let path = dir.join("scenario.toml");
        let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let file: ScenarioFile = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        Ok(Scenario { name, dir: dir.to_owned(), file })
    }

    /// The compiled image and the stimulus.
    pub fn prepare(&self) -> Result<(Image, Stimulus), String> {
        let net = self.dir.join(&self.file.network);
        let image = compile::compile_file(&net, &CompileOptions::default())
            .map_err(|e| format!("{}: {e}", net.display()))?
            .image;
        let stimulus = match &self.file.stimulus {
            Some(path) => {
                let path = self.dir.join(path);
                let options = StimulusOptions { steps: self.file.steps, seed: None };
                stimulus::load(&path, &image, &options).map_err(|e| format!("{}: {e}", path.display()))?.stimulus
            }
            None => Stimulus::silent(self.file.steps),
        };
        Ok((image, stimulus))
    }

    /// The expected outcome (`expected.toml`).
    pub fn expected(&self) -> Result<Outcome, String> {
        let path = self.dir.join("expected.toml");
        let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e} (bless it: NCX_BLESS=1)", path.display()))?;
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Writes `outcome` as the expected outcome.
    pub fn bless(&self, outcome: &Outcome) -> Result<(), String> {
        let path = self.dir.join("expected.toml");
        let body = toml::to_string(outcome).map_err(|e| e.to_string())?;
        let text = format!(
            "# Generated from the reference model by `NCX_BLESS=1 cargo test -p ncx-tests --test scenarios`;\n# \
             regenerate only on purpose.\n{body}"
        );
        fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// Hex SHA-256.
fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Collects a raster and digests it with the final weights.
#[derive(Debug, Default)]
struct Raster {
    text: String,
    spikes: u64,
}

impl Raster {
    fn push(&mut self, timestep: usize, neurons: &[u16]) {
        for n in neurons {
            let _ = writeln!(self.text, "{timestep},{n}");
        }
        self.spikes += neurons.len() as u64;
    }

    fn outcome(self, w_in: &[u8], w_rec: &[u8]) -> Outcome {
        let weights: Vec<u8> = w_in.iter().chain(w_rec).copied().collect();
        Outcome { spikes: self.spikes, raster_sha256: sha256(self.text.as_bytes()), weights_sha256: sha256(&weights) }
    }
}

/// The scenario on the model's fast path.
pub fn run_model(image: &Image, stimulus: &Stimulus, steps: usize) -> Result<Outcome, String> {
    let mut core = image.to_core().map_err(|e| e.to_string())?;
    let mut raster = Raster::default();
    let mut inputs = stimulus.cursor();
    for t in 0..steps {
        core.run_timestep(inputs.next_step(), &mut NullSink).map_err(|e| format!("timestep {t}: {e}"))?;
        raster.push(t, core.last_spikes());
    }
    let bytes = |m| core.weights(m).iter().map(|w| w.to_le_bytes()[0]).collect::<Vec<u8>>();
    Ok(raster.outcome(&bytes(Matrix::Input), &bytes(Matrix::Recurrent)))
}

/// The scenario on the RTL in lock step with the model's cycle engine; the outcome is
/// read from the RTL (its `spikes_o` after each timestep, its weights read back).
/// Returns the outcome and the number of events matched.
pub fn run_rtl(image: &Image, stimulus: &Stimulus, steps: usize) -> Result<(Outcome, u64), CheckError> {
    let core = image.to_core().map_err(CheckError::Model)?;
    let (n, m) = (core.geometry().neurons(), core.geometry().inputs());
    let mut check = LockStep::new(core)?;
    let mut raster = Raster::default();
    let mut inputs = stimulus.cursor();
    for t in 0..steps {
        check.step(inputs.next_step())?;
        raster.push(t, &check.rtl().status().spikes);
    }
    check.check_memories()?;
    let w_in = check.rtl().read(Region::WeightsIn, 0, n * m);
    let w_rec = check.rtl().read(Region::WeightsRec, 0, n * n);
    Ok((raster.outcome(&w_in, &w_rec), check.matched()))
}
