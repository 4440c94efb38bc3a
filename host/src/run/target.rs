//! Where a run executes, as `ncx run --target` writes it: the reference model in-process
//! (`model`), or a device through the ncx/1 driver — `model-device` (the device model,
//! the `model` link target) or any link target ([`LinkTarget`], docs/protocol.md §11):
//!
//! ```text
//! target = "model"            ; Target::Model
//!        | "model-device"     ; Target::Device with LinkTarget::Model
//!        | link-target        ; Target::Device (crate::link::target, its grammar)
//! ```
//!
//! A [`Target`] is parsed once ([`FromStr`], e.g. by clap) and keeps the text it was
//! parsed from for messages (`device on serial:/dev/ttyUSB1`), so it prints as written and
//! parses back to itself.

use std::fmt;
use std::str::FromStr;

use crate::link::{LinkTarget, TargetError};

/// Where a run executes.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Target {
    /// The in-process reference model (crate `ncx-model`), fast path.
    #[default]
    Model,
    /// A device through the ncx/1 driver ([`crate::driver`]).
    Device {
        /// How to reach it.
        link: LinkTarget,
        /// The target as written, for messages (`model-device`, `serial:/dev/ttyUSB1`).
        name: String,
    },
}

impl Target {
    /// The device behind `link`, named as `link` prints.
    pub fn device(link: LinkTarget) -> Target {
        Target::Device { name: link.to_string(), link }
    }

    /// The target's name on the command line and in reports.
    pub fn name(&self) -> &str {
        match self {
            Target::Model => "model",
            Target::Device { name, .. } => name,
        }
    }
}

/// The targets of a run, for the line after the link target's own help.
pub const RUN_TARGETS: &str = "ncx run targets: model (the reference model), model-device (the device model through \
                               the driver), pty, verilator (the RTL), serial:<path>[@<baud>], \
                               faulty:<seed>:<faults>[:<target>]";

/// Why a run target was rejected: the link target's error, and the run's targets.
#[derive(Debug, Clone, PartialEq)]
pub struct RunTargetError(pub TargetError);

impl fmt::Display for RunTargetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\n{RUN_TARGETS}", self.0)
    }
}

/// The link target's error is part of the message, so it is not also a `source`.
impl std::error::Error for RunTargetError {}

impl FromStr for Target {
    type Err = RunTargetError;

    fn from_str(text: &str) -> Result<Target, RunTargetError> {
        let link = match text {
            "model" => return Ok(Target::Model),
            "model-device" => LinkTarget::Model,
            _ => LinkTarget::parse(text).map_err(RunTargetError)?,
        };
        Ok(Target::Device { link, name: text.to_owned() })
    }
}

/// The target as written: parses back to the same target.
impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::link::FaultSpec;

    #[test]
    fn model_is_the_model_and_model_device_the_model_link() {
        assert_eq!("model".parse::<Target>(), Ok(Target::Model));
        let device = "model-device".parse::<Target>().unwrap();
        assert_eq!(device, Target::Device { link: LinkTarget::Model, name: "model-device".to_owned() });
        assert_eq!(device.to_string(), "model-device");
        let pty = "pty".parse::<Target>().unwrap();
        assert_eq!(pty, Target::device(LinkTarget::Pty));
    }

    #[test]
    fn a_device_keeps_its_spelling_and_the_link_its_meaning() {
        let target = "faulty: 7 :drop=0.5".parse::<Target>().unwrap();
        let link = LinkTarget::Faulty {
            seed: 7,
            spec: FaultSpec { drop: 0.5, ..FaultSpec::NONE },
            inner: Box::new(LinkTarget::Model),
        };
        assert_eq!(target, Target::Device { link, name: "faulty: 7 :drop=0.5".to_owned() });
        assert_eq!(target.to_string(), "faulty: 7 :drop=0.5");
    }

    #[test]
    fn a_bad_target_gives_the_link_error_then_the_run_targets() {
        let error = "fpga".parse::<Target>().unwrap_err();
        let message = error.to_string();
        assert!(message.starts_with("target `fpga`: unknown kind of target `fpga`\nhelp: a target is "), "{message}");
        assert!(message.ends_with(&format!("\n{RUN_TARGETS}")), "{message}");
        assert_eq!("model-device:x".parse::<Target>().unwrap_err().0, LinkTarget::parse("model-device:x").unwrap_err());
    }

    /// Text shaped like targets: the kinds, separators and fault keys, in any order.
    fn target_text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("model".to_owned()),
            Just("model-device".to_owned()),
            Just("pty".to_owned()),
            Just("verilator".to_owned()),
            Just("serial:".to_owned()),
            Just("faulty:".to_owned()),
            Just(":".to_owned()),
            Just("@".to_owned()),
            Just("=".to_owned()),
            Just(",".to_owned()),
            Just("drop".to_owned()),
            Just("delay".to_owned()),
            "[0-9]{1,21}",
            "[0-9]\\.[0-9]{1,3}",
            "[ +\\-a-z/é]{0,3}",
        ];
        prop::collection::vec(piece, 0..8).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        /// Any text parses or is rejected without a panic; what parses prints as text
        /// that parses back to the same target, and its link target does too.
        #[test]
        fn every_text_parses_or_is_rejected_and_parsed_targets_round_trip(text in target_text()) {
            if let Ok(target) = text.parse::<Target>() {
                prop_assert_eq!(target.to_string().parse::<Target>(), Ok(target.clone()));
                if let Target::Device { link, .. } = &target {
                    prop_assert_eq!(&LinkTarget::parse(&link.to_string()).unwrap(), link);
                }
            }
        }

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,40}") {
            let _ = text.parse::<Target>();
        }
    }
}
