//! Loading a bitstream into a board: iceprog (fpga-icestorm) or openFPGALoader
//! (openfpgaloader), whichever is installed, as a command line that can also just be
//! printed (`--dry-run`). ECP5 and 7-series boards are loaded by openFPGALoader only.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::HwError;
use super::board::{Board, Family};

/// A programmer program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Programmer {
    /// iceprog (Debian fpga-icestorm): iCE40 boards with an FTDI programmer.
    Iceprog,
    /// openFPGALoader (Debian openfpgaloader): iCE40, ECP5 and 7-series boards.
    OpenFpgaLoader,
}

impl Programmer {
    /// The program's name.
    pub fn program(self) -> &'static str {
        match self {
            Programmer::Iceprog => "iceprog",
            Programmer::OpenFpgaLoader => "openFPGALoader",
        }
    }

    /// Its Debian package.
    pub fn package(self) -> &'static str {
        match self {
            Programmer::Iceprog => "fpga-icestorm",
            Programmer::OpenFpgaLoader => "openfpgaloader",
        }
    }
}

/// The programmers that can load `board`, in order of preference.
pub fn candidates(board: &Board) -> Vec<Programmer> {
    match board.family {
        Family::Ice40 => vec![Programmer::Iceprog, Programmer::OpenFpgaLoader],
        Family::Ecp5 | Family::Xc7 => vec![Programmer::OpenFpgaLoader],
    }
}

/// Is `program` on PATH (or a path to an executable file)?
pub fn installed(program: &str) -> bool {
    super::tools::runnable(Path::new(program))
}

/// The first installed programmer for `board`; the error names the Debian packages.
pub fn detect(board: &Board) -> Result<Programmer, HwError> {
    let all = candidates(board);
    all.iter().copied().find(|p| installed(p.program())).ok_or_else(|| HwError::NoProgrammer {
        board: board.name.clone(),
        candidates: all.iter().map(|p| (p.program().to_owned(), p.package().to_owned())).collect(),
    })
}

/// Where the bitstream goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The configuration flash: the board boots it at every power-up.
    Flash,
    /// The FPGA's configuration memory only: lost at power-off.
    Sram,
}

/// The command line that loads `bitstream` into `board` with `programmer`.
pub fn command(board: &Board, programmer: Programmer, bitstream: &Path, target: Target) -> Vec<String> {
    let file = bitstream.display().to_string();
    let mut argv = vec![programmer.program().to_owned()];
    match (programmer, target) {
        (Programmer::Iceprog, Target::Flash) => {}
        (Programmer::Iceprog, Target::Sram) => argv.push("-S".into()),
        (Programmer::OpenFpgaLoader, t) => {
            argv.push("-b".into());
            argv.push(open_fpga_loader_board(board).into());
            if t == Target::Flash {
                argv.push("-f".into());
            }
        }
    }
    argv.push(file);
    argv
}

/// openFPGALoader's name for the board (`openFPGALoader --list-boards`).
fn open_fpga_loader_board(board: &Board) -> &'static str {
    match (board.family, board.name.as_str()) {
        (Family::Xc7, "cmod_a7") => "cmoda7_35t",
        (Family::Xc7, _) => "arty",
        (Family::Ecp5, _) => "ulx3s",
        (Family::Ice40, _) => "ice40_generic",
    }
}

/// Run a command line from [`command`]; an error when it cannot start or fails.
pub fn run(argv: &[String]) -> Result<(), HwError> {
    let Some((program, args)) = argv.split_first() else {
        return Err(HwError::Unsupported("empty programmer command".into()));
    };
    let status = Command::new(program).args(args).status().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            let package = if program == "iceprog" { "fpga-icestorm" } else { "openfpgaloader" };
            HwError::ToolMissing {
                tool: program.clone(),
                looked: "on PATH".into(),
                install: format!("install the Debian package {package} (apt-get install {package})"),
            }
        }
        _ => HwError::Io { path: PathBuf::from(program), source: e },
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(HwError::ToolFailed {
            tool: program.clone(),
            status: status.to_string(),
            log: PathBuf::from("(its output above)"),
            tail: "check that the board is connected (lsusb), that you may access it (udev rules, dialout group) \
                   and that no other program holds it"
                .into(),
        })
    }
}
