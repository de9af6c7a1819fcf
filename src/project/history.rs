//! Undo and redo of the document: snapshots of the [`Project`] taken before each change.
//!
//! Successive changes with the same merge key arriving within a short time (a dragged slider,
//! a dragged vertex) collapse into one step. View state is never recorded here.

use std::time::{Duration, Instant};

use super::Project;

/// How long successive changes with one merge key still count as one step.
const MERGE_WINDOW: Duration = Duration::from_millis(800);

/// Most steps kept.
const MAX_STEPS: usize = 200;

/// Undo and redo stacks of document snapshots.
#[derive(Default)]
pub struct History {
    undo: Vec<Project>,
    redo: Vec<Project>,
    last: Option<(&'static str, Instant)>,
}

impl History {
    /// Records `before`, the document as it was before a change. Changes sharing `merge_key`
    /// within a short time are merged into the first one's step.
    pub fn push(&mut self, before: Project, merge_key: Option<&'static str>) {
        let now = Instant::now();
        let merges = matches!(
            (merge_key, self.last),
            (Some(k), Some((last, at))) if k == last && now.duration_since(at) < MERGE_WINDOW
        ) && !self.undo.is_empty();
        self.last = merge_key.map(|k| (k, now));
        self.redo.clear();
        if merges {
            return;
        }
        self.undo.push(before);
        if self.undo.len() > MAX_STEPS {
            self.undo.remove(0);
        }
    }

    /// Steps back: returns the previous document and stores `current` for redo.
    pub fn undo(&mut self, current: &Project) -> Option<Project> {
        let previous = self.undo.pop()?;
        self.redo.push(current.clone());
        self.last = None;
        Some(previous)
    }

    /// Steps forward again after an undo.
    pub fn redo(&mut self, current: &Project) -> Option<Project> {
        let next = self.redo.pop()?;
        self.undo.push(current.clone());
        self.last = None;
        Some(next)
    }

    /// Whether there is anything to undo.
    #[must_use]
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether there is anything to redo.
    #[must_use]
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Forgets everything (a new document was opened).
    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
        self.last = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn titled(t: &str) -> Project {
        Project {
            title: t.to_owned(),
            ..Project::default()
        }
    }

    #[test]
    fn undo_redo_round_trip() {
        let mut h = History::default();
        h.push(titled("a"), None);
        let back = h.undo(&titled("b")).unwrap();
        assert_eq!(back.title, "a");
        let fwd = h.redo(&back).unwrap();
        assert_eq!(fwd.title, "b");
        assert!(h.can_undo());
        assert!(!h.can_redo());
    }

    #[test]
    fn merged_keys_make_one_step() {
        let mut h = History::default();
        h.push(titled("a"), Some("k"));
        h.push(titled("b"), Some("k"));
        assert_eq!(h.undo(&titled("c")).unwrap().title, "a");
        assert!(!h.can_undo());
    }
}
