//! `ncx info --target T`: connect to a device and print what HELLO says — protocol
//! version, geometry, field widths, clock, baud rate (nominal: clock / divisor), build
//! id, features and buffers. Also the shared way of the device commands (`flash`,
//! `readback`, `doctor`, `run --target`) to open a target and connect.

use std::io::{self, Write};

use anyhow::Context;
use clap::Args;
use ncx::driver::{DeviceInfo, Driver, run_on_device};
use ncx::image::Image;
use ncx::link::{Link, LinkTarget};
use ncx::progress::Progress;
use ncx::run::RunResult;
use ncx::stimulus::Stimulus;
use ncx_model::Geometry;
use ncx_model::device::{Device, DeviceConfig};
use ncx_model::spec::FIELDS;

/// Geometry of the device model behind the `model` and `pty` targets when no image
/// says otherwise (as `ncx emulate`).
pub(crate) const MODEL_NEURONS: usize = 256;
/// See [`MODEL_NEURONS`].
pub(crate) const MODEL_INPUTS: usize = 256;

/// Options of `ncx info`.
#[derive(Debug, Clone, Args)]
pub(crate) struct InfoArgs {
    /// The device: `model`, `pty`, `serial:<path>[@<baud>]` or `faulty:<seed>:<faults>[:<target>]`.
    #[arg(long, value_name = "T")]
    pub(crate) target: String,
}

/// A connected device.
pub(crate) type Session = Driver<Box<dyn Link + Send>>;

/// Parse `target`, open it (a `model` or `pty` target gets a fresh device model of
/// `geometry`) and connect.
pub(crate) fn connect(target: &str, geometry: Option<Geometry>) -> anyhow::Result<Session> {
    let parsed = LinkTarget::parse(target)?;
    let geometry = match geometry {
        Some(geometry) => geometry,
        None => Geometry::new(MODEL_NEURONS, MODEL_INPUTS)?,
    };
    let model = move || Device::new(geometry, DeviceConfig::default());
    let link = parsed.open(model).with_context(|| format!("cannot open the target {target}"))?;
    Driver::connect(link).with_context(|| format!("cannot connect to the device on {target}"))
}

pub(crate) fn run(args: &InfoArgs) -> anyhow::Result<()> {
    let driver = connect(&args.target, None)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    render(&mut out, &driver.link_name(), driver.info())?;
    out.flush()?;
    Ok(())
}

/// The description of `info`, one item per line.
pub(crate) fn render(out: &mut impl Write, link: &str, info: &DeviceInfo) -> io::Result<()> {
    writeln!(out, "device on {link}")?;
    writeln!(out, "protocol:        ncx/{}.{}", info.version_major, info.version_minor)?;
    writeln!(out, "geometry:        {} neurons x {} inputs", info.geometry.neurons(), info.geometry.inputs())?;
    let same = if info.widths_match() { "same as this host" } else { "DIFFERENT from this host" };
    let widths: Vec<String> = FIELDS
        .iter()
        .zip(info.widths)
        .map(|(field, [bits, signed])| format!("{} {}{bits}", field.name, if signed != 0 { "s" } else { "u" }))
        .collect();
    writeln!(out, "widths:          {same}: {}", widths.join(", "))?;
    writeln!(out, "clock:           {} Hz ({:.3} MHz)", info.clock_hz, f64::from(info.clock_hz) / 1e6)?;
    writeln!(out, "baud:            {:.0} (clock / divisor {})", info.baud(), info.baud_divisor)?;
    let build: String = info.build_id.iter().map(|b| format!("{b:02x}")).collect();
    writeln!(out, "build id:        {build}")?;
    let mut features = Vec::new();
    if info.features & ncx_model::device::FEATURE_STDP != 0 {
        features.push("stdp");
    }
    if info.features & ncx_model::device::FEATURE_PACING != 0 {
        features.push("pacing");
    }
    let features = if features.is_empty() { "none".to_owned() } else { features.join(", ") };
    writeln!(out, "features:        {features} ({:#x})", info.features)?;
    writeln!(out, "max payload:     {} bytes", info.max_payload)?;
    writeln!(out, "input slots:     {} timesteps", info.input_slots)?;
    writeln!(out, "output history:  {} frames", info.output_history)
}

/// The `--target` of `ncx run`: `model` (the reference model), `model-device` (the
/// device model through the driver) or a link target.
pub(crate) fn parse_run_target(text: &str) -> Result<String, String> {
    match text {
        "model" | "model-device" => Ok(text.to_owned()),
        _ => LinkTarget::parse(text).map(|_| text.to_owned()).map_err(|e| {
            format!(
                "{e}\nncx run targets: model (the reference model), model-device (the device model through the \
                 driver), pty, serial:<path>[@<baud>], faulty:<seed>:<faults>[:<target>]"
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
/// through the driver: upload, stream the stimulus, collect.
pub(crate) fn run_on_target(
    target: &str,
    image: &Image,
    stimulus: &Stimulus,
    steps: usize,
    progress: &mut dyn Progress,
) -> anyhow::Result<RunResult> {
    let link_target = if target == "model-device" { "model" } else { target };
    let mut driver = connect(link_target, Some(image.geometry))?;
    let (result, _) = run_on_device(&mut driver, image, stimulus, steps, progress)?;
    Ok(result)
}
