//! Serial ports: [`SerialLink`] talks to a board over a UART (8N1, no flow control,
//! docs/protocol.md §1) with the `serialport` crate, and [`available_ports`] lists the
//! ports of this machine for `ncx ports`.
//!
//! A path that is not a serial device — a regular file, a directory, a FIFO, a socket, a
//! block device, or a character device that is not a terminal (`/dev/null`) — is refused
//! before any byte is sent, saying what the path is instead (never the operating
//! system's "Not a typewriter").

use std::fmt;
use std::io::{self, Write};
use std::time::Duration;

use serialport::{DataBits, FlowControl, Parity, SerialPort, SerialPortType, StopBits};

use super::{Link, LinkError};

/// The baud rate of a serial target that names none: the nominal 1 Mbaud of NCX-1 boards
/// (the device model's default, 100 MHz / 100; NeuroCoreX's 100 MHz / 101 = 990 099 baud
/// is within 1 % of it).
pub const DEFAULT_BAUD: u32 = 1_000_000;

/// The timeout of writes: a write that cannot go on for this long fails.
const WRITE_TIMEOUT: Duration = Duration::from_secs(2);

/// A serial port, raw 8N1 without flow control.
pub struct SerialLink {
    port: Box<dyn SerialPort>,
    path: String,
}

impl fmt::Debug for SerialLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SerialLink").field("path", &self.path).finish_non_exhaustive()
    }
}

impl SerialLink {
    /// Open the port at `path` at `baud` (raw 8N1, no flow control, exclusive). Bytes the
    /// port received before it was opened are discarded.
    ///
    /// Errors ([`LinkError::Open`]) say which of these it is, with a `help:` line: no such
    /// port (listing the ports there are), permission denied, the port is busy.
    pub fn open(path: &str, baud: u32) -> Result<SerialLink, LinkError> {
        if let Some(what) = not_a_serial_device(path) {
            return Err(not_serial(path, what));
        }
        let port = serialport::new(path, baud)
            .data_bits(DataBits::Eight)
            .parity(Parity::None)
            .stop_bits(StopBits::One)
            .flow_control(FlowControl::None)
            .timeout(WRITE_TIMEOUT)
            .open()
            .map_err(|e| open_error(path, &e))?;
        // Anything already queued is from before this session; a failure here is harmless.
        let _ = port.clear(serialport::ClearBuffer::Input);
        Ok(SerialLink { port, path: path.to_owned() })
    }

    /// The path of the port.
    pub fn path(&self) -> &str {
        &self.path
    }

    fn io_error(&self, source: io::Error) -> LinkError {
        match source.kind() {
            io::ErrorKind::BrokenPipe | io::ErrorKind::UnexpectedEof => LinkError::Closed { link: self.name() },
            _ => LinkError::Io { link: self.name(), source },
        }
    }
}

impl Link for SerialLink {
    /// `serial:<path>`.
    fn name(&self) -> String {
        format!("serial:{}", self.path)
    }

    fn send(&mut self, bytes: &[u8]) -> Result<(), LinkError> {
        if let Err(e) = self.port.set_timeout(WRITE_TIMEOUT) {
            return Err(self.io_error(e.into()));
        }
        self.port.write_all(bytes).map_err(|e| self.io_error(e))
    }

    fn receive(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, LinkError> {
        receive_from(&mut *self.port, buf, timeout).map_err(|e| self.io_error(e))
    }
}

/// Read what is available within `timeout` (0 on timeout) from a port.
pub(super) fn receive_from(port: &mut dyn SerialPort, buf: &mut [u8], timeout: Duration) -> io::Result<usize> {
    if buf.is_empty() {
        return Ok(0);
    }
    port.set_timeout(timeout)?;
    loop {
        return match port.read(buf) {
            Ok(n) => Ok(n),
            Err(e) if e.kind() == io::ErrorKind::TimedOut || e.kind() == io::ErrorKind::WouldBlock => Ok(0),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => Err(e),
        };
    }
}

/// The [`LinkError::Open`] of a port that would not open, with what to do.
fn open_error(path: &str, e: &serialport::Error) -> LinkError {
    let link = format!("serial:{path}");
    let missing = matches!(e.kind(), serialport::ErrorKind::Io(io::ErrorKind::NotFound))
        || (cfg!(unix) && !std::path::Path::new(path).exists());
    let reason = if missing {
        let ports = match available_ports() {
            Ok(ports) if !ports.is_empty() => {
                let paths: Vec<&str> = ports.iter().map(|p| p.path.as_str()).collect();
                format!("the ports here are {}", paths.join(", "))
            }
            _ => "no serial ports were found".to_owned(),
        };
        format!(
            "no such port\nhelp: {ports}; run `ncx ports` to see them with what is connected, or `ncx emulate \
             --pty` for a virtual board"
        )
    } else {
        match e.kind() {
            serialport::ErrorKind::Io(io::ErrorKind::PermissionDenied) => format!(
                "permission denied\nhelp: add yourself to the group that owns {path} (usually `dialout`: `sudo \
                 usermod -aG dialout $USER`, then log in again), or install a udev rule that gives you access"
            ),
            serialport::ErrorKind::NoDevice => format!(
                "the port is busy ({})\nhelp: close the other program using {path} (a terminal, another ncx) and \
                 try again",
                e.description
            ),
            // ENOTTY: the terminal settings cannot be read, so it is no terminal.
            serialport::ErrorKind::Unknown if is_not_a_terminal(&e.description) => {
                return not_serial(path, "a character device that is not a terminal");
            }
            _ => format!("{}\nhelp: check that {path} is a serial port and that the board is connected", e.description),
        }
    };
    LinkError::Open { link, reason }
}

/// The description of what the operating system says when a port's terminal settings
/// cannot be read (ENOTTY: glibc's "Inappropriate ioctl for device", the older "Not a
/// typewriter").
fn is_not_a_terminal(description: &str) -> bool {
    description.contains("typewriter") || description.contains("Inappropriate ioctl")
}

/// What the file at `path` is when it exists and cannot be a serial port: `a regular
/// file`, `a directory`, … (`None` for a character device, or a path that cannot be
/// looked at: opening it says more).
fn not_a_serial_device(path: &str) -> Option<&'static str> {
    let kind = std::fs::metadata(path).ok()?.file_type();
    if kind.is_file() {
        return Some("a regular file");
    }
    if kind.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
        if kind.is_block_device() {
            return Some("a block device (a disk)");
        }
    }
    None
}

/// The [`LinkError::Open`] of a path that is `what` instead of a serial device.
fn not_serial(path: &str, what: &str) -> LinkError {
    LinkError::Open {
        link: format!("serial:{path}"),
        reason: format!(
            "{path} is not a serial device: it is {what}\nhelp: give the port of the board, a terminal device such as \
             /dev/ttyUSB1 or /dev/ttyACM0 (`ncx ports` lists the serial ports), or run `ncx emulate --pty` for a \
             virtual board"
        ),
    }
}

/// A serial port of this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortInfo {
    /// Its path, e.g. `/dev/ttyUSB1`.
    pub path: String,
    /// How it is connected.
    pub kind: PortKind,
}

/// How a serial port is connected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortKind {
    /// A USB serial adapter (most FPGA boards).
    Usb {
        /// The USB vendor ID.
        vid: u16,
        /// The USB product ID.
        pid: u16,
        /// The serial number, if the device reports one.
        serial: Option<String>,
        /// The manufacturer, if known.
        manufacturer: Option<String>,
        /// The product name, if known.
        product: Option<String>,
    },
    /// A PCI or on-board UART.
    Pci,
    /// A Bluetooth serial port.
    Bluetooth,
    /// A pseudo-terminal (`/dev/pts/N`), e.g. of `ncx emulate --pty`.
    Pty,
    /// Anything else.
    Unknown,
}

/// `USB 0403:6010 serial FT4ZS6I3 "Digilent USB Device" (Digilent)`, `pci`, `bluetooth`,
/// `pty`, `unknown`.
impl fmt::Display for PortKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortKind::Usb { vid, pid, serial, manufacturer, product } => {
                write!(f, "USB {vid:04x}:{pid:04x}")?;
                if let Some(serial) = serial {
                    write!(f, " serial {serial}")?;
                }
                if let Some(product) = product {
                    write!(f, " \"{product}\"")?;
                }
                if let Some(manufacturer) = manufacturer {
                    write!(f, " ({manufacturer})")?;
                }
                Ok(())
            }
            PortKind::Pci => f.write_str("pci"),
            PortKind::Bluetooth => f.write_str("bluetooth"),
            PortKind::Pty => f.write_str("pty"),
            PortKind::Unknown => f.write_str("unknown"),
        }
    }
}

/// The serial ports of this machine, sorted by path. Pseudo-terminals are not listed
/// unless the system lists them.
pub fn available_ports() -> Result<Vec<PortInfo>, LinkError> {
    // serialport's Linux enumeration (without libudev) panics without /sys/class/tty.
    if cfg!(target_os = "linux") && !std::path::Path::new("/sys/class/tty").is_dir() {
        return Ok(Vec::new());
    }
    let ports = serialport::available_ports()
        .map_err(|e| LinkError::Io { link: "serial ports".to_owned(), source: e.into() })?;
    let mut ports: Vec<PortInfo> = ports
        .into_iter()
        .map(|p| {
            let kind = match p.port_type {
                _ if p.port_name.starts_with("/dev/pts/") => PortKind::Pty,
                SerialPortType::UsbPort(usb) => PortKind::Usb {
                    vid: usb.vid,
                    pid: usb.pid,
                    serial: usb.serial_number,
                    manufacturer: usb.manufacturer,
                    product: usb.product,
                },
                SerialPortType::PciPort => PortKind::Pci,
                SerialPortType::BluetoothPort => PortKind::Bluetooth,
                SerialPortType::Unknown => PortKind::Unknown,
            };
            PortInfo { path: p.port_name, kind }
        })
        .collect();
    ports.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(ports)
}
