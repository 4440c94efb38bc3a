//! The terminal progress bar of long commands: an indicatif bar behind the library's
//! [`Progress`] trait. It appears only once the work has taken more than a second
//! (short runs print nothing extra), only on a terminal, and never with `--quiet`;
//! it is cleared when the work ends.

use std::io::{self, IsTerminal};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use ncx::progress::Progress;

/// How long the work runs before the bar appears.
const DELAY: Duration = Duration::from_secs(1);

/// A progress bar on stderr, shown after [`DELAY`].
pub(crate) struct Bar {
    enabled: bool,
    what: &'static str,
    started: Instant,
    shown: bool,
    /// Created hidden by `init`, so that its speed estimate covers the whole run.
    bar: Option<ProgressBar>,
}

impl Bar {
    /// A bar counting `what` (e.g. "timesteps"); shown only if `!quiet` and stderr is a
    /// terminal.
    pub(crate) fn new(quiet: bool, what: &'static str) -> Bar {
        Bar { enabled: !quiet && io::stderr().is_terminal(), what, started: Instant::now(), shown: false, bar: None }
    }
}

impl Progress for Bar {
    fn init(&mut self, total: u64) {
        self.started = Instant::now();
        if self.enabled {
            let template = format!("{{bar:30}} {{pos}}/{{len}} {} ({{elapsed}}, {{eta}} left)", self.what);
            let style = ProgressStyle::with_template(&template).unwrap_or_else(|_| ProgressStyle::default_bar());
            self.bar = Some(ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden()).with_style(style));
        }
    }

    fn update(&mut self, done: u64) {
        let Some(bar) = &self.bar else { return };
        bar.set_position(done);
        if !self.shown && self.started.elapsed() >= DELAY {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            self.shown = true;
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
