//! Fuzz target: as `report`; when the portal has no errors, every job of a
//! full build rendered in memory with the built-in theme, as `gongkai build`
//! would write it (HTML, minified; JSON; CSV; XLSX; search index; feeds).
#![no_main]

mod portal;

use gongkai::render::Renderer;
use gongkai::render::theme::Theme;
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
    for job in renderer.all_jobs() {
        // A template error is a finding (exit 1), not a crash; but the
        // built-in theme must render every portal that passed the checks.
        let files = match renderer.job(&job) {
            Ok(files) => files,
            Err(e) => panic!("the built-in theme failed on {job:?}: {e:?}"),
        };
        for f in files {
            assert!(!f.path.is_empty(), "{job:?} wrote a file without a name");
        }
    }
});
