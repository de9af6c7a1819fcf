//! Preferences that persist between runs: theme, recent pairs and view settings. Window size and
//! position are kept by eframe itself. Nothing of the document is stored here.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use super::view::ViewSettings;

/// Most recent pairs remembered.
pub const MAX_RECENT: usize = 8;

/// Key under which [`Settings`] are kept in eframe's storage.
const STORAGE_KEY: &str = "palimpsest.settings";

/// Light, dark, or whatever the system says.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Theme {
    /// Follow the system.
    #[default]
    System,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

impl Theme {
    /// Every theme, in menu order.
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    /// Menu label.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Theme::System => "Follow system",
            Theme::Light => "Light",
            Theme::Dark => "Dark",
        }
    }

    /// Makes the context use this theme.
    pub fn apply(self, ctx: &egui::Context) {
        ctx.set_theme(match self {
            Theme::System => egui::ThemePreference::System,
            Theme::Light => egui::ThemePreference::Light,
            Theme::Dark => egui::ThemePreference::Dark,
        });
    }
}

/// Everything persisted.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Colour theme.
    pub theme: Theme,
    /// Recently opened pairs, newest first.
    pub recent: Vec<(PathBuf, PathBuf)>,
    /// View preferences.
    pub view: ViewSettings,
}

impl Settings {
    /// The settings kept in eframe's storage, or the defaults when there is no storage or
    /// nothing readable in it.
    #[must_use]
    pub fn load(storage: Option<&dyn eframe::Storage>) -> Self {
        storage
            .and_then(|s| eframe::get_value(s, STORAGE_KEY))
            .unwrap_or_default()
    }

    /// Keeps the settings in eframe's storage, where [`Settings::load`] finds them.
    pub fn store(&self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, STORAGE_KEY, self);
    }

    /// Puts a pair at the top of the recent list.
    pub fn push_recent(&mut self, before: &Path, after: &Path) {
        let entry = (absolute(before), absolute(after));
        self.recent.retain(|e| e != &entry);
        self.recent.insert(0, entry);
        self.recent.truncate(MAX_RECENT);
    }
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::view::DockTab;

    #[test]
    fn dock_state_persists_and_older_settings_open_it_on_the_regions() {
        let mut view = super::super::view::ViewState::from_settings(&ViewSettings::default());
        assert!(view.chrome.dock_open);
        assert_eq!(view.chrome.dock_tab, DockTab::Regions);
        view.chrome.dock_open = false;
        view.chrome.dock_tab = DockTab::Essay;
        let json = serde_json::to_string(&view.to_settings()).unwrap();
        let back: ViewSettings = serde_json::from_str(&json).unwrap();
        assert!(!back.dock_open);
        assert_eq!(back.dock_tab, DockTab::Essay);
        let old: ViewSettings = serde_json::from_str(r#"{"mode":"Swipe"}"#).unwrap();
        assert!(old.dock_open);
        assert_eq!(old.dock_tab, DockTab::Regions);
    }
}
