//! Optional stage timings for profiling: set `GONGKAI_TIMINGS=1` and the
//! build prints how long each stage and each kind of rendering job took.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

static TOTALS: Mutex<BTreeMap<&'static str, (Duration, u64)>> = Mutex::new(BTreeMap::new());

/// True when `GONGKAI_TIMINGS` is set.
pub fn enabled() -> bool {
    std::env::var_os("GONGKAI_TIMINGS").is_some()
}

/// Adds the time since `start` to `what` (summed over threads).
pub fn add(what: &'static str, start: Instant) {
    if let Ok(mut t) = TOTALS.lock() {
        let e = t.entry(what).or_default();
        e.0 += start.elapsed();
        e.1 += 1;
    }
}

/// Runs `f`, recording its time under `what` when timings are on.
pub fn time<T>(what: &'static str, f: impl FnOnce() -> T) -> T {
    if !enabled() {
        return f();
    }
    let start = Instant::now();
    let out = f();
    add(what, start);
    out
}

/// Prints the totals to stderr.
pub fn report() {
    if !enabled() {
        return;
    }
    if let Ok(t) = TOTALS.lock() {
        for (what, (d, n)) in t.iter() {
            eprintln!(
                "timing {what:<22} {:>9.1} ms  ({n}×)",
                d.as_secs_f64() * 1000.0
            );
        }
    }
}
