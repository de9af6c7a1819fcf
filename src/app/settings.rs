//! Preferences that persist between runs: theme, recent pairs and view settings. Window size and
//! position are kept by eframe itself. Nothing of the document is stored here.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::view::{DockTab, ViewMode};

/// Most recent pairs remembered.
const MAX_RECENT: usize = 8;

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

/// View preferences that outlive a session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ViewSettings {
    /// Current mode.
    pub mode: ViewMode,
    /// Swipe divider runs vertically (left/right split) when false, horizontally when true.
    pub swipe_horizontal: bool,
    /// Onion-skin opacity of the after image, 0..=1.
    pub onion_opacity: f32,
    /// Blink interval in seconds.
    pub blink_interval_secs: f32,
    /// Mask overlay drawn over the after image instead of the before image.
    pub overlay_on_after: bool,
    /// Region outlines shown in every mode.
    pub show_outlines: bool,
    /// Loupe on.
    pub loupe: bool,
    /// The right-hand dock is expanded.
    pub dock_open: bool,
    /// The dock's tab.
    pub dock_tab: DockTab,
}

impl Default for ViewSettings {
    fn default() -> Self {
        Self {
            mode: ViewMode::SideBySide,
            swipe_horizontal: false,
            onion_opacity: 0.5,
            blink_interval_secs: 0.6,
            overlay_on_after: false,
            show_outlines: true,
            loupe: false,
            dock_open: true,
            dock_tab: DockTab::Regions,
        }
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
