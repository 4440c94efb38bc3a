//! The RTL package `hdl/rtl/ncx_pkg.sv`, rendered from the Rust constants.
//!
//! [`render`] prints a SystemVerilog package holding every number the RTL shares with
//! this crate: the field widths and types of [`spec`], the decay unit, the geometry
//! limits, the cycle schedule, the frame constants and both CRCs of [`crate::wire`], and
//! the opcodes, status codes and regions of the command layer as enums. Every value is
//! read from the Rust constant or enum that defines it (enums through their `ALL`
//! arrays), so Rust and RTL cannot drift: the test `tests/rtl_pkg.rs` checks that the
//! file in the repository is exactly [`render`]'s text, and `NCX_BLESS=1` rewrites it.
//!
//! The text keeps to what Verilator 5.006, yosys 0.23 and Icarus Verilog 11 all accept
//! (hdl/README.md lists the limits): integer parameters are `int` (Icarus 11 cannot parse
//! `int unsigned` parameters), bit patterns are sized `logic` vectors, and typedef
//! widths are literals (Icarus 11 cannot resolve a package parameter in a package
//! typedef used from a module). It is ASCII, and no line is longer than 100 columns.
//!
//! ```
//! let pkg = ncx_model::rtl_pkg::render();
//! assert!(pkg.contains("  localparam int VWidth "));
//! assert!(pkg.contains("    OpcodeHello  = 8'h01,"));
//! assert!(pkg.ends_with("endpackage : ncx_pkg\n"));
//! ```

use crc::{Algorithm, Width};

use crate::device::{
    FEATURE_LANES_SHIFT, FEATURE_PACING, FEATURE_STDP, MAX_INPUTS, MAX_PROBES, MAX_READ, MAX_WRITE, OUTPUT_OPCODE,
    Opcode, PROTOCOL_MAJOR, PROTOCOL_MINOR, REPLY_BIT, StatusCode,
};
use crate::spec::{self, DECAY_ONE, DONE_CYCLES, FETCH_CYCLES, GEOMETRY_MAX_LOG2, GEOMETRY_MIN_LOG2};
use crate::spec::{MAX_LANES_LOG2, NEURON_LATENCY, SLOT_SETUP_CYCLES};
use crate::wire::layout::{CONFIG_LEN, NEURON_RECORD_LEN, Region, STATE_RECORD_LEN};
use crate::wire::{FRAME_CRC_ALGORITHM, HEADER_CRC_ALGORITHM, HEADER_LEN, MAX_FRAME, MAX_PAYLOAD, SYNC, TRAILER_LEN};

/// Where the rendered package lives, relative to the repository root.
pub const PATH: &str = "hdl/rtl/ncx_pkg.sv";

/// The command that rewrites [`PATH`] from [`render`].
pub const BLESS_COMMAND: &str = "NCX_BLESS=1 cargo test -p ncx-model --test rtl_pkg";

/// `localparam int` row of an integer constant named as in Rust; a compile-time check
/// keeps the value within an SV `int`.
macro_rules! int_param {
    ($c:path, $comment:expr) => {{
        const _: () = assert!(($c as i128) >= i32::MIN as i128 && ($c as i128) <= i32::MAX as i128);
        Param::int(upper_camel(rust_name(stringify!($c))), $c as i64, $comment)
    }};
}

/// `localparam logic [W-1:0]` row of an unsigned constant named as in Rust, as wide as
/// its Rust type.
macro_rules! bits_param {
    ($c:path, $comment:expr) => {
        Param::bits(upper_camel(rust_name(stringify!($c))), 8 * size_of_val(&$c), u64::from($c), $comment)
    };
}

/// The package's text, byte for byte what `hdl/rtl/ncx_pkg.sv` holds.
pub fn render() -> String {
    let mut pkg = Package::default();
    pkg.header();
    pkg.line("package ncx_pkg;");

    pkg.section("Stored fields (docs/semantics.md section 2, spec::FIELDS)");
    pkg.comment("<Name>Width is the field's width in bits, <Name>Signed whether it is two's");
    pkg.comment("complement, <name>_t its type.");
    let mut widths = Vec::new();
    let mut types = Vec::new();
    for field in spec::FIELDS {
        let name = upper_camel(field.name);
        let range = format!("{}: {}..{}", field.name, field.min(), field.max());
        widths.push(Param::int(format!("{name}Width"), i64::from(field.bits), range));
        widths.push(Param::bit(format!("{name}Signed"), field.signed, String::new()));
        let sign = if field.signed { "signed " } else { "" };
        types.push(format!("typedef logic {sign}[{}:0] {}_t;", field.bits - 1, field.name));
    }
    pkg.params(&widths);
    pkg.blank();
    for ty in types {
        pkg.line(&format!("  {ty}"));
    }

    pkg.section("Arithmetic and geometry (spec.rs)");
    pkg.params(&[
        int_param!(DECAY_ONE, "x decays as x * (DecayOne - delta) / DecayOne"),
        int_param!(GEOMETRY_MIN_LOG2, "fewest neurons or inputs: 2**GeometryMinLog2"),
        int_param!(GEOMETRY_MAX_LOG2, "most neurons or inputs: 2**GeometryMaxLog2"),
    ]);

    pkg.section("Cycle schedule (docs/semantics.md section 6)");
    pkg.params(&[
        int_param!(FETCH_CYCLES, "the FETCH phase"),
        int_param!(SLOT_SETUP_CYCLES, "set-up of every slot and of the TRACE phase"),
        int_param!(NEURON_LATENCY, "neuron n is written in cycle NeuronLatency + n"),
        int_param!(DONE_CYCLES, "the DONE phase"),
        int_param!(MAX_LANES_LOG2, "accumulate lanes: 2**LanesLog2 <= min(N, 2**MaxLanesLog2)"),
    ]);

    pkg.section("Frames (docs/protocol.md sections 2 and 5)");
    let mut frame: Vec<Param> = SYNC
        .iter()
        .enumerate()
        .map(|(i, byte)| {
            let name = format!("{}{i}", upper_camel(rust_name(stringify!(SYNC))));
            Param::bits(name, 8 * size_of_val(byte), u64::from(*byte), format!("sync byte {i}"))
        })
        .collect();
    frame.extend([
        int_param!(HEADER_LEN, "sync, opcode, seq, len (2) and the header CRC"),
        int_param!(TRAILER_LEN, "the frame CRC"),
        int_param!(MAX_PAYLOAD, "bytes a receiver buffers"),
        int_param!(MAX_FRAME, "HeaderLen + MaxPayload + TrailerLen"),
    ]);
    pkg.params(&frame);

    pkg.section("CRCs (docs/protocol.md section 2; Check is the CRC of ASCII \"123456789\")");
    pkg.crc(&Crc::new("HeaderCrc", HEADER_CRC_ALGORITHM), "over opcode, seq and len");
    pkg.blank();
    pkg.crc(&Crc::new("FrameCrc", FRAME_CRC_ALGORITHM), "over opcode through payload; sent little-endian");

    pkg.section("Command layer (docs/protocol.md sections 7 to 10)");
    pkg.params(&[
        bits_param!(PROTOCOL_MAJOR, "HELLO: protocol version, major"),
        bits_param!(PROTOCOL_MINOR, "HELLO: protocol version, minor"),
        bits_param!(REPLY_BIT, "reply opcode = command opcode | ReplyBit"),
        bits_param!(OUTPUT_OPCODE, "the opcode of an output frame"),
    ]);
    pkg.blank();
    pkg.params(&[
        bits_param!(FEATURE_STDP, "HELLO features: STDP"),
        bits_param!(FEATURE_PACING, "HELLO features: paced timesteps"),
    ]);
    pkg.blank();
    pkg.params(&[int_param!(FEATURE_LANES_SHIFT, "HELLO features bits 8..11: LanesLog2")]);
    pkg.blank();
    pkg.params(&[
        int_param!(MAX_PROBES, "neurons one PROBE may name"),
        int_param!(MAX_WRITE, "data bytes one WRITE carries"),
        int_param!(MAX_READ, "bytes one READ returns"),
        int_param!(MAX_INPUTS, "input indices one INPUT carries"),
        int_param!(CONFIG_LEN, "bytes of the CONFIG record"),
        int_param!(NEURON_RECORD_LEN, "bytes of one NEURONS record"),
        int_param!(STATE_RECORD_LEN, "bytes of one STATE record"),
    ]);

    pkg.blank();
    pkg.comment("Command opcodes (docs/protocol.md section 8).");
    let opcodes: Vec<Item> =
        Opcode::ALL.iter().map(|op| Item::new("Opcode", format!("{op:?}"), *op as u8, op.name())).collect();
    pkg.enumeration("opcode_e", 8 * size_of::<Opcode>(), &opcodes);

    pkg.blank();
    pkg.comment("Reply status codes, the first byte of every reply (docs/protocol.md section 7).");
    let statuses: Vec<Item> =
        StatusCode::ALL.iter().map(|s| Item::new("Status", format!("{s:?}"), *s as u8, s.name())).collect();
    pkg.enumeration("status_e", 8 * size_of::<StatusCode>(), &statuses);

    pkg.blank();
    pkg.comment("Memory regions of WRITE, READ and CRC (docs/protocol.md section 9).");
    let regions: Vec<Item> =
        Region::ALL.iter().map(|r| Item::new("Region", format!("{r:?}"), *r as u8, r.name())).collect();
    pkg.enumeration("region_e", 8 * size_of::<Region>(), &regions);

    pkg.blank();
    pkg.line("endpackage : ncx_pkg");
    pkg.text
}

/// The last segment of a stringified Rust path (`spec::DECAY_ONE` → `DECAY_ONE`).
fn rust_name(path: &str) -> &str {
    path.rsplit(':').next().unwrap_or(path).trim()
}

/// `SCREAMING_SNAKE` or `snake_case` → `UpperCamelCase` (`GEOMETRY_MIN_LOG2` →
/// `GeometryMinLog2`, `weight_shift` → `WeightShift`).
fn upper_camel(name: &str) -> String {
    let mut out = String::new();
    for word in name.split('_').filter(|w| !w.is_empty()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.extend(chars.flat_map(char::to_lowercase));
        }
    }
    out
}

/// A sized hexadecimal literal: `8'h07`, `32'h04C11DB7`.
fn hex(bits: usize, value: u64) -> String {
    format!("{bits}'h{value:0digits$X}", digits = bits.div_ceil(4))
}

/// One `localparam` row.
struct Param {
    /// The declared type: `int`, `bit` or `logic [W-1:0]`.
    ty: String,
    /// The parameter's name, `UpperCamelCase`.
    name: String,
    /// The value, as SystemVerilog writes it.
    value: String,
    /// The trailing comment; empty for none.
    comment: String,
}

impl Param {
    fn int(name: String, value: i64, comment: impl Into<String>) -> Param {
        Param { ty: "int".into(), name, value: value.to_string(), comment: comment.into() }
    }

    fn bit(name: String, value: bool, comment: impl Into<String>) -> Param {
        let value = if value { "1'b1" } else { "1'b0" };
        Param { ty: "bit".into(), name, value: value.into(), comment: comment.into() }
    }

    fn bits(name: String, bits: usize, value: u64, comment: impl Into<String>) -> Param {
        Param { ty: format!("logic [{}:0]", bits - 1), name, value: hex(bits, value), comment: comment.into() }
    }
}

/// One CRC's parameters, widened to `u64`.
struct Crc {
    prefix: &'static str,
    name: &'static str,
    width: usize,
    poly: u64,
    init: u64,
    refin: bool,
    refout: bool,
    xorout: u64,
    check: u64,
}

impl Crc {
    fn new<W: Width + Copy + Into<u64>>(prefix: &'static str, (name, alg): (&'static str, &Algorithm<W>)) -> Crc {
        Crc {
            prefix,
            name,
            width: usize::from(alg.width),
            poly: alg.poly.into(),
            init: alg.init.into(),
            refin: alg.refin,
            refout: alg.refout,
            xorout: alg.xorout.into(),
            check: alg.check.into(),
        }
    }
}

/// One enum item: `<prefix><Variant> = <value>, // <protocol name>`.
struct Item {
    name: String,
    value: u8,
    doc: &'static str,
}

impl Item {
    fn new(prefix: &str, variant: String, value: u8, doc: &'static str) -> Item {
        Item { name: format!("{prefix}{variant}"), value, doc }
    }
}

/// The text being rendered.
#[derive(Default)]
struct Package {
    text: String,
}

impl Package {
    fn line(&mut self, line: &str) {
        self.text.push_str(line);
        self.text.push('\n');
    }

    fn blank(&mut self) {
        self.text.push('\n');
    }

    fn comment(&mut self, text: &str) {
        self.line(&format!("  // {text}"));
    }

    /// A blank line and a section banner.
    fn section(&mut self, title: &str) {
        let rule = format!("  {}", "/".repeat(title.len() + 6));
        self.blank();
        self.line(&rule);
        self.line(&format!("  // {title} //"));
        self.line(&rule);
        self.blank();
    }

    fn header(&mut self) {
        for line in [
            "// ncx_pkg: the numbers the NCX-1 RTL shares with the Rust model (crate ncx-model).".to_string(),
            "//".to_string(),
            "// Generated from firmware-model/src/spec.rs, firmware-model/src/device/codes.rs,".to_string(),
            "// firmware-model/src/wire/frame.rs and firmware-model/src/wire/layout.rs by".to_string(),
            "// ncx_model::rtl_pkg::render() -- do not edit. Regenerate with".to_string(),
            format!("//   {BLESS_COMMAND}"),
            "// `cargo test` fails while this file and render() differ (hdl/README.md).".to_string(),
            "//".to_string(),
            "// Use the items qualified (ncx_pkg::VWidth): yosys 0.23 has no `import`.".to_string(),
        ] {
            self.line(&line);
        }
        self.blank();
    }

    /// `localparam` rows with their types, names, values and comments aligned.
    fn params(&mut self, rows: &[Param]) {
        let ty = rows.iter().map(|p| p.ty.len()).max().unwrap_or(0);
        let name = rows.iter().map(|p| p.name.len()).max().unwrap_or(0);
        let value = rows.iter().map(|p| p.value.len() + 1).max().unwrap_or(0);
        for p in rows {
            let decl = format!("  localparam {:ty$} {:name$} = {:value$}", p.ty, p.name, format!("{};", p.value));
            if p.comment.is_empty() {
                self.line(decl.trim_end());
            } else {
                self.line(&format!("{decl}  // {}", p.comment));
            }
        }
    }

    fn crc(&mut self, crc: &Crc, what: &str) {
        let p = crc.prefix;
        self.comment(&format!("{p}: {} {what}", crc.name));
        let mut rows = vec![
            Param::int(format!("{p}Width"), crc.width as i64, "bits"),
            Param::bits(format!("{p}Poly"), crc.width, crc.poly, "polynomial, MSB-first form"),
        ];
        if crc.refin {
            let reversed = crc.poly.reverse_bits() >> (64 - crc.width);
            rows.push(Param::bits(format!("{p}PolyReversed"), crc.width, reversed, "polynomial, LSB-first form"));
        }
        rows.extend([
            Param::bits(format!("{p}Init"), crc.width, crc.init, "register at the start"),
            Param::bit(format!("{p}RefIn"), crc.refin, "bytes enter LSB first"),
            Param::bit(format!("{p}RefOut"), crc.refout, "result is bit-reversed"),
            Param::bits(format!("{p}XorOut"), crc.width, crc.xorout, "XORed into the result"),
            Param::bits(format!("{p}Check"), crc.width, crc.check, "CRC of \"123456789\""),
        ]);
        self.params(&rows);
    }

    /// `typedef enum logic [W-1:0] { ... } <name>;` with one item per line.
    fn enumeration(&mut self, name: &str, bits: usize, items: &[Item]) {
        self.line(&format!("  typedef enum logic [{}:0] {{", bits - 1));
        let width = items.iter().map(|i| i.name.len()).max().unwrap_or(0);
        for (n, item) in items.iter().enumerate() {
            let comma = if n + 1 == items.len() { " " } else { "," };
            let value = hex(bits, u64::from(item.value));
            self.line(&format!("    {:width$} = {value}{comma}  // {}", item.name, item.doc));
        }
        self.line(&format!("  }} {name};"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_literals() {
        assert_eq!(upper_camel("GEOMETRY_MIN_LOG2"), "GeometryMinLog2");
        assert_eq!(upper_camel("weight_shift"), "WeightShift");
        assert_eq!(upper_camel("v"), "V");
        assert_eq!(rust_name("spec :: DECAY_ONE"), "DECAY_ONE");
        assert_eq!(rust_name("SYNC"), "SYNC");
        assert_eq!(hex(8, 7), "8'h07");
        assert_eq!(hex(32, 0xEDB8_8320), "32'hEDB88320");
        assert_eq!(hex(12, 0xABC), "12'hABC");
    }

    #[test]
    fn reflected_crc_gets_its_reversed_polynomial() {
        let pkg = render();
        assert!(pkg.contains("FrameCrcPolyReversed = 32'hEDB88320;"), "{pkg}");
        assert!(!pkg.contains("HeaderCrcPolyReversed"), "{pkg}");
    }
}
