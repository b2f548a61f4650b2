//! Fuzz target: a report file (or a small portal of them, see `portal`)
//! through everything `gongkai check` does. Must never panic, and every
//! finding must point at a line of an existing file.
#![no_main]

mod portal;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = portal::load(data);
});
