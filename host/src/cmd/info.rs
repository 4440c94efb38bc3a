//! `ncx info --target T` (or `--port P`): connect to a device and print what HELLO
//! says — protocol version, geometry, field widths, clock, baud rate (nominal: clock /
//! divisor), build id, features, accumulate lanes and buffers.

use std::io::{self, Write};

use clap::Args;
use ncx::driver::DeviceInfo;
use ncx_model::spec::FIELDS;

use super::device::{DeviceArgs, connect};

/// Options of `ncx info`.
#[derive(Debug, Clone, Args)]
pub(crate) struct InfoArgs {
    #[command(flatten)]
    pub(crate) device: DeviceArgs,
}

pub(crate) fn run(args: &InfoArgs) -> anyhow::Result<()> {
    let driver = connect(&args.device.target(), args.device.options(), None)?;
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
    let lanes = 1u32.checked_shl(info.lanes_log2().into()).unwrap_or(0);
    writeln!(out, "lanes:           {lanes} (synapses accumulated per cycle)")?;
    writeln!(out, "max payload:     {} bytes", info.max_payload)?;
    writeln!(out, "input slots:     {} timesteps", info.input_slots)?;
    writeln!(out, "output history:  {} frames", info.output_history)
}

#[cfg(test)]
mod tests {
    use ncx_model::Geometry;
    use ncx_model::device::DeviceConfig;

    use super::*;

    fn rendered(lanes_log2: u8) -> String {
        let config = DeviceConfig { lanes_log2, ..DeviceConfig::default() };
        let info = DeviceInfo::new(Geometry::new(256, 256).unwrap(), &config);
        let mut out = Vec::new();
        render(&mut out, "model", &info).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn prints_the_accumulate_lanes() {
        let one = rendered(0);
        assert!(one.contains("features:        stdp, pacing (0x3)\n"), "{one}");
        assert!(one.contains("lanes:           1 (synapses accumulated per cycle)\n"), "{one}");
        let four = rendered(2);
        assert!(four.contains("features:        stdp, pacing (0x203)\n"), "{four}");
        assert!(four.contains("lanes:           4 (synapses accumulated per cycle)\n"), "{four}");
    }
}
