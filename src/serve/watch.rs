//! The file watcher: notify with a short debounce, watching folders (an
//! editor's atomic save replaces the file, which kills a watch on the file
//! itself), turning each burst of events into one list of [`Change`]s.

use super::change::{Layout, classify_all};
use crate::pipeline::Change;
use notify::RecursiveMode;
use notify::event::{EventKind, ModifyKind};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use std::sync::mpsc::Sender;
use std::time::Duration;

/// Quiet time that ends a burst. Editors finish an atomic save (write a
/// temporary file, rename it over the report) within a millisecond.
pub const DEBOUNCE: Duration = Duration::from_millis(10);

pub type Watcher = Debouncer<notify::RecommendedWatcher, RecommendedCache>;

/// Starts watching `content/` and the theme recursively and the site root
/// (for `site.toml`) alone. Every burst that changes something is sent.
pub fn start(layout: Layout, tx: Sender<Vec<Change>>) -> notify::Result<Watcher> {
    let watched = layout.clone();
    let mut debouncer = new_debouncer(
        DEBOUNCE,
        Some(Duration::from_millis(5)),
        move |result: DebounceEventResult| {
            let Ok(events) = result else {
                return;
            };
            let paths = events
                .iter()
                .filter(|e| relevant(&e.event.kind))
                .flat_map(|e| e.event.paths.iter().map(|p| p.as_path()));
            let changes = classify_all(&watched, paths);
            if !changes.is_empty() {
                let _ = tx.send(changes);
            }
        },
    )?;
    debouncer.watch(&layout.root, RecursiveMode::NonRecursive)?;
    if layout.content.is_dir() {
        debouncer.watch(&layout.content, RecursiveMode::Recursive)?;
    }
    if layout.theme.is_dir() {
        debouncer.watch(&layout.theme, RecursiveMode::Recursive)?;
    }
    Ok(debouncer)
}

/// Creations, writes, renames and removals. Linux also reports opens and
/// closes; rebuilding on those would loop on the generator's own reads.
fn relevant(kind: &EventKind) -> bool {
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(m) => matches!(
            m,
            ModifyKind::Data(_) | ModifyKind::Name(_) | ModifyKind::Any | ModifyKind::Other
        ),
        EventKind::Access(_) | EventKind::Any | EventKind::Other => false,
    }
}
