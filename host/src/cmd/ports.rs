//! `ncx ports`: list the serial ports of this machine — path and how each is connected
//! (USB with vendor:product, serial number and product name when known, `pci`,
//! `bluetooth`, `pty` or `unknown`) — so that a board's port can be found for
//! `--target serial:<path>`.

use std::io::{self, Write};

use anyhow::Context;
use clap::Args;
use ncx::link::{PortInfo, available_ports};

/// Options of `ncx ports` (none yet).
#[derive(Debug, Clone, Args)]
pub(crate) struct PortsArgs {}

pub(crate) fn run(_args: &PortsArgs) -> anyhow::Result<()> {
    let ports = available_ports().context("cannot list the serial ports")?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    render(&mut out, &ports)?;
    out.flush()?;
    Ok(())
}

/// One line per port, the paths aligned; or why there are none and what to do.
fn render(out: &mut impl Write, ports: &[PortInfo]) -> io::Result<()> {
    if ports.is_empty() {
        writeln!(out, "no serial ports found")?;
        writeln!(
            out,
            "help: connect the board over USB (and check `dmesg` for its port), or start a virtual board with \
             `ncx emulate --pty`"
        )?;
        return Ok(());
    }
    let width = ports.iter().map(|p| p.path.len()).max().unwrap_or(0);
    for port in ports {
        writeln!(out, "{:<width$}  {}", port.path, port.kind)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use ncx::link::PortKind;

    use super::*;

    #[test]
    fn ports_are_listed_aligned_and_none_says_what_to_do() {
        let ports = [
            PortInfo {
                path: "/dev/ttyUSB1".to_owned(),
                kind: PortKind::Usb {
                    vid: 0x0403,
                    pid: 0x6010,
                    serial: Some("210319B2F1".to_owned()),
                    manufacturer: Some("Digilent".to_owned()),
                    product: Some("Digilent USB Device".to_owned()),
                },
            },
            PortInfo { path: "/dev/pts/5".to_owned(), kind: PortKind::Pty },
        ];
        let mut out = Vec::new();
        render(&mut out, &ports).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "/dev/ttyUSB1  USB 0403:6010 serial 210319B2F1 \"Digilent USB Device\" (Digilent)\n/dev/pts/5    pty\n"
        );
        let mut out = Vec::new();
        render(&mut out, &[]).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("no serial ports found\nhelp: "), "{text}");
        assert!(text.contains("ncx emulate --pty"), "{text}");
    }
}
