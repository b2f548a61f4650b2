//! Fuzz target: as `report`; when the portal has no errors, every job of a
//! full build rendered in memory with the built-in theme, as `gongkai build`
//! would write it (HTML, minified; JSON; CSV; XLSX; search index; feeds).
#![no_main]

mod portal;

use gongkai::render::theme::Theme;
use gongkai::render::{Emit, Job, OutputFile, Renderer};
use std::sync::OnceLock;

fn theme() -> &'static Theme {
    static THEME: OnceLock<Theme> = OnceLock::new();
    THEME.get_or_init(|| {
        Theme::load(std::path::Path::new("/nonexistent-gongkai-fuzz"), "default")
            .expect("the built-in theme loads")
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let portal = portal::load(data);
    if portal.site.has_errors() {
        return;
    }
    let renderer = Renderer::new(&portal.settings, theme(), &portal.site);
    // A template error is a finding (exit 1), not a crash; but the built-in
    // theme must render every portal that passed the checks.
    if let Err(e) = renderer.render(&renderer.all_jobs(), &Check) {
        panic!("the built-in theme failed: {e:?}");
    }
});

/// Takes every file of the build in memory and checks it has a name.
struct Check;

impl Emit for Check {
    fn file(&self, job: &Job, file: OutputFile) -> std::io::Result<()> {
        assert!(!file.path.is_empty(), "{job:?} wrote a file without a name");
        Ok(())
    }

    fn stream(
        &self,
        job: &Job,
        path: &str,
        write: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        assert!(!path.is_empty(), "{job:?} wrote a file without a name");
        write(&mut std::io::sink())
    }
}
