//! Whether the open document is saved: the project file it belongs to, unsaved changes and the
//! window title that shows them. Save, Save As and opening are commands
//! ([`super::super::command::FileAction`], carried out in `command_handling`).

use std::path::Path;
use std::time::SystemTime;

use crate::app::PalimpsestApp;
use crate::project::DataDir;

impl PalimpsestApp {
    /// True when the document has changes that are not in its project file.
    #[must_use]
    pub fn is_dirty(&self) -> bool {
        let p = &self.runtime.persist;
        self.runtime.pair.is_some()
            && p.settling.is_none()
            && p.baseline.as_ref() != Some(&self.project)
    }

    /// The project file of the open document, if it has one.
    #[must_use]
    pub fn project_path(&self) -> Option<&Path> {
        self.runtime.persist.path()
    }

    /// The data folder holding the recovery file and the recent-projects list.
    #[must_use]
    pub fn data_dir(&self) -> &DataDir {
        self.runtime.persist.data_dir()
    }

    /// When the recovery file was last written in this session.
    #[must_use]
    pub fn autosaved_at(&self) -> Option<SystemTime> {
        self.runtime.persist.autosaved_at()
    }

    /// True once the user agreed to close the window (nothing unsaved, or answered).
    #[must_use]
    pub fn closing(&self) -> bool {
        self.runtime.persist.closing()
    }

    /// The window title: the document's name, with a bullet while it has unsaved changes.
    #[must_use]
    pub fn window_title(&self) -> String {
        if self.runtime.pair.is_none() && self.runtime.persist.path.is_none() {
            return "Palimpsest".to_owned();
        }
        let name = self.runtime.persist.display_name(&self.project);
        if self.is_dirty() {
            format!("• {name} — Palimpsest")
        } else {
            format!("{name} — Palimpsest")
        }
    }
}
