//! Placement: the core geometry (fixed, or the smallest power of two that holds
//! everything) and a contiguous range of core indices per population and per input
//! group, in declaration order.

use ncx_model::{Geometry, spec};

use crate::network::{Count, Diagnostic, Locs, Network};

/// Where everything goes.
pub(crate) struct Placement {
    /// The core geometry.
    pub(crate) geometry: Geometry,
    /// First core neuron of each population.
    pub(crate) populations: Vec<u16>,
    /// First core input of each input group.
    pub(crate) inputs: Vec<u16>,
}

const MAX: usize = 1 << spec::GEOMETRY_MAX_LOG2;
const MIN: usize = 1 << spec::GEOMETRY_MIN_LOG2;

/// Place populations and input groups and size the core.
pub(crate) fn place(net: &Network) -> Result<Placement, Diagnostic> {
    let groups = |items: Vec<(&str, usize, &Locs)>, count: Count, noun: &str, kind: &str, key: &str| {
        let capacity = match count {
            Count::Auto => MAX,
            Count::Fixed(n) => n,
        };
        let mut starts = Vec::with_capacity(items.len());
        let mut used = 0usize;
        for (name, size, locs) in items {
            if used + size > capacity {
                let total: usize = used + size;
                let help = match count {
                    Count::Fixed(_) if total <= MAX => format!(
                        "set `core.{key}` to {} or \"auto\", or make the {kind}s smaller",
                        total.next_power_of_two().max(MIN)
                    ),
                    _ => format!("a core has at most {MAX} {noun}: make the {kind}s smaller or split the network"),
                };
                return Err(Diagnostic::new(format!(
                    "{kind} `{name}` has {size} {noun}; the core has {} free",
                    capacity - used
                ))
                .at_key(locs, "size")
                .help(help));
            }
            starts.push(used as u16);
            used += size;
        }
        let n = match count {
            Count::Auto => used.max(MIN).next_power_of_two(),
            Count::Fixed(n) => n,
        };
        Ok((starts, n))
    };
    let pops = net.populations.iter().map(|p| (p.name.as_str(), p.size, &p.locs)).collect();
    let (populations, n) = groups(pops, net.core.neurons, "neurons", "population", "neurons")?;
    let ins = net.inputs.iter().map(|g| (g.name.as_str(), g.size, &g.locs)).collect();
    let (inputs, m) = groups(ins, net.core.inputs, "inputs", "input group", "inputs")?;
    let geometry = Geometry::new(n, m).map_err(|e| Diagnostic::new(e.to_string()))?;
    Ok(Placement { geometry, populations, inputs })
}
