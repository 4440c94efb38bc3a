//! How the device commands (`info`, `flash`, `readback`, `doctor`, `run --target`)
//! name a device — `--target T` or `--port P` — open it and connect to it.

use anyhow::Context;
use clap::Args;
use ncx::driver::stream::run_on_device_into;
use ncx::driver::{Driver, DriverOptions};
use ncx::image::Image;
use ncx::link::{Link, LinkTarget};
use ncx::progress::Progress;
use ncx::run::{RunSummary, Sink};
use ncx::stimulus::Stimulus;
use ncx_model::Geometry;

/// The device a command talks to.
#[derive(Debug, Clone, Args)]
pub(crate) struct DeviceArgs {
    /// The device: `model`, `pty`, `verilator`, `serial:<path>[@<baud>]` or
    /// `faulty:<seed>:<faults>[:<target>]`.
    #[arg(long, value_name = "T", required_unless_present = "port", conflicts_with = "port")]
    target: Option<String>,

    /// A serial port, e.g. /dev/ttyUSB1: the same as `--target serial:<PORT>`.
    #[arg(long, value_name = "PORT")]
    port: Option<String>,

    /// How often a command is re-sent after a timeout before giving up (a noisy link
    /// needs more; a dead link is reported after N + 1 timeouts).
    #[arg(long, value_name = "N", default_value_t = ncx::driver::RETRIES)]
    pub(crate) retries: u32,
}

impl DeviceArgs {
    /// The target text, `--port P` written as `serial:P`.
    pub(crate) fn target(&self) -> String {
        match (&self.target, &self.port) {
            (Some(target), _) => target.clone(),
            (None, Some(port)) => format!("serial:{port}"),
            // clap requires one of the two.
            (None, None) => "model".to_owned(),
        }
    }
}

/// A connected device.
pub(crate) type Session = Driver<Box<dyn Link + Send>>;

/// Parse `target`, open it (a simulated target — `model`, `pty`, `verilator` — gets a fresh
/// device of `geometry`, or of the target's default geometry) and connect, re-sending each
/// command up to `retries` times.
pub(crate) fn connect(target: &str, retries: u32, geometry: Option<Geometry>) -> anyhow::Result<Session> {
    let parsed = LinkTarget::parse(target)?;
    let Some(geometry) = geometry.or_else(|| parsed.default_geometry()) else {
        anyhow::bail!(
            "the target {target} has no device: this ncx was built without Verilator\nhelp: install it (bash \
             scripts/setup.sh) and rebuild ncx"
        );
    };
    let link = parsed.open(geometry).with_context(|| format!("cannot open the target {target}"))?;
    let options = DriverOptions { retries, ..DriverOptions::default() };
    Driver::connect_with(link, options).with_context(|| format!("cannot connect to the device on {target}"))
}

/// The `--target` of `ncx run`: `model` (the reference model), `model-device` (the
/// device model through the driver) or a link target.
pub(crate) fn parse_run_target(text: &str) -> Result<String, String> {
    match text {
        "model" | "model-device" => Ok(text.to_owned()),
        _ => LinkTarget::parse(text).map(|_| text.to_owned()).map_err(|e| {
            format!(
                "{e}\nncx run targets: model (the reference model), model-device (the device model through the \
                 driver), pty, verilator (the RTL), serial:<path>[@<baud>], faulty:<seed>:<faults>[:<target>]"
            )
        }),
    }
}

/// How the summary of `ncx run` names a target.
pub(crate) fn target_name(target: &str) -> String {
    match target {
        "model" => "model".to_owned(),
        _ => format!("device on {target}"),
    }
}

/// Run `image` on the device of `target` (`model-device` is the `model` link target)
/// through the driver: upload, stream the stimulus into `sink`, read back.
pub(crate) fn run_on_target(
    target: &str,
    retries: u32,
    image: &Image,
    stimulus: &Stimulus,
    steps: usize,
    progress: &mut dyn Progress,
    sink: &mut dyn Sink,
) -> anyhow::Result<RunSummary> {
    let link_target = if target == "model-device" { "model" } else { target };
    let mut driver = connect(link_target, retries, Some(image.geometry))?;
    let (summary, _) = run_on_device_into(&mut driver, image, stimulus, steps, progress, sink)?;
    Ok(summary)
}
