//! Target strings (host/src/link/target.rs, docs/protocol.md §11 "Targets"): every kind,
//! defaults, round-trips through Display, and the errors with the accepted syntax.

use ncx::link::target::{TargetError, TargetProblem};
use ncx::link::{FaultSpec, FaultSpecError, LinkTarget};

fn parse(text: &str) -> LinkTarget {
    LinkTarget::parse(text).unwrap()
}

fn serial(path: &str, baud: u32) -> LinkTarget {
    LinkTarget::Serial { path: path.to_owned(), baud }
}

#[test]
fn every_kind_of_target_parses() {
    assert_eq!(parse("model"), LinkTarget::Model);
    assert_eq!(parse("pty"), LinkTarget::Pty);
    assert_eq!(parse("serial:/dev/ttyUSB1"), serial("/dev/ttyUSB1", 1_000_000));
    assert_eq!(parse("serial:/dev/ttyUSB1@115200"), serial("/dev/ttyUSB1", 115_200));
    assert_eq!(parse("serial:COM3@990099"), serial("COM3", 990_099));
    assert_eq!("model".parse::<LinkTarget>().unwrap(), LinkTarget::Model);
}

#[test]
fn a_faulty_target_wraps_model_by_default_or_the_target_after_the_faults() {
    let faults = FaultSpec { drop: 0.01, corrupt: 0.02, ..FaultSpec::NONE };
    assert_eq!(
        parse("faulty:7:drop=0.01,corrupt=0.02"),
        LinkTarget::Faulty { seed: 7, spec: faults, inner: Box::new(LinkTarget::Model) }
    );
    // The serial path has colons of its own: everything after the faults is the target.
    assert_eq!(
        parse("faulty:18446744073709551615:drop=0.01,corrupt=0.02:serial:/dev/serial/by-id/a:b@9600"),
        LinkTarget::Faulty { seed: u64::MAX, spec: faults, inner: Box::new(serial("/dev/serial/by-id/a:b", 9600)) }
    );
    assert_eq!(
        parse("faulty:0::pty"),
        LinkTarget::Faulty { seed: 0, spec: FaultSpec::NONE, inner: Box::new(LinkTarget::Pty) }
    );
}

#[test]
fn targets_print_as_text_that_parses_back() {
    for text in ["model", "pty", "serial:/dev/ttyACM0", "faulty:3:dup=0.5:serial:/dev/x@9600", "faulty:1:delay=1"] {
        let target = parse(text);
        assert_eq!(parse(&target.to_string()), target, "{text}");
    }
    assert_eq!(parse("serial:/dev/ttyACM0").to_string(), "serial:/dev/ttyACM0@1000000");
    assert_eq!(parse("faulty:1:delay=1").to_string(), "faulty:1:drop=0,corrupt=0,dup=0,delay=1:model");
}

const HELP: &str = "help: a target is `model`, `pty`, `verilator`, `serial:<path>[@<baud>]` or `faulty:<seed>:<faults>[:<target>]`, \
                    e.g. `serial:/dev/ttyUSB1@1000000` or `faulty:7:drop=0.01,corrupt=0.01:model`; `ncx ports` lists \
                    the serial ports";

fn error(text: &str) -> (TargetProblem, String) {
    let TargetError { text: given, problem } = LinkTarget::parse(text).unwrap_err();
    assert_eq!(given, text);
    let message = LinkTarget::parse(text).unwrap_err().to_string();
    (problem, message)
}

#[test]
fn bad_targets_are_explained_with_the_accepted_syntax() {
    let cases = [
        (
            "/dev/ttyUSB0",
            TargetProblem::UnknownKind("/dev/ttyUSB0".to_owned()),
            "unknown kind of target `/dev/ttyUSB0`",
        ),
        ("tcp:localhost:1", TargetProblem::UnknownKind("tcp".to_owned()), "unknown kind of target `tcp`"),
        ("", TargetProblem::UnknownKind(String::new()), "unknown kind of target ``"),
        ("serial:", TargetProblem::MissingPath, "no port path after `serial:`"),
        ("serial:@9600", TargetProblem::MissingPath, "no port path after `serial:`"),
        (
            "serial:/dev/x@fast",
            TargetProblem::BadBaud("fast".to_owned()),
            "baud rate `fast` is not a whole number from 1 to 4294967295",
        ),
        (
            "serial:/dev/x@0",
            TargetProblem::BadBaud("0".to_owned()),
            "baud rate `0` is not a whole number from 1 to 4294967295",
        ),
        (
            "serial:/dev/x@",
            TargetProblem::BadBaud(String::new()),
            "baud rate `` is not a whole number from 1 to 4294967295",
        ),
        ("faulty:7", TargetProblem::MissingFaults, "`faulty:` needs a seed and a list of faults"),
        (
            "faulty:-1:drop=0.1",
            TargetProblem::BadSeed("-1".to_owned()),
            "seed `-1` is not a whole number from 0 to 18446744073709551615",
        ),
        ("faulty:1:drop=0.1:faulty:2:dup=0.1", TargetProblem::Nested, "a fault injector cannot wrap another one"),
        ("faulty:1:drop=0.1:usb", TargetProblem::UnknownKind("usb".to_owned()), "unknown kind of target `usb`"),
    ];
    for (text, problem, what) in cases {
        let (got, message) = error(text);
        assert_eq!(got, problem, "{text}");
        assert_eq!(message, format!("target `{text}`: {what}\n{HELP}"), "{text}");
    }
}

#[test]
fn a_bad_fault_list_in_a_target_gives_the_fault_error() {
    let (problem, message) = error("faulty:1:drop=2");
    assert_eq!(
        problem,
        TargetProblem::Faults(FaultSpecError::OutOfRange { key: "drop".to_owned(), value: "2".to_owned() })
    );
    assert!(message.starts_with("target `faulty:1:drop=2`: fault `drop`: probability 2 is outside 0..=1\nhelp: "));
}
