//! A narrow window onto the app's state for UI tests: read what is shown, wait for background
//! work, and answer file dialogs without opening any. Nothing here is used by the app itself.

use std::collections::VecDeque;
use std::path::PathBuf;

use super::dialogs::FileDialogs;
use super::view::ViewMode;
use super::{Command, PalimpsestApp, Settings, Start};
use crate::project::{Project, RegionNote};

/// File dialogs that return prepared answers, in order, and `None` once they run out.
#[derive(Default)]
pub struct FakeDialogs {
    /// Answers to give, first to last.
    pub answers: VecDeque<Vec<PathBuf>>,
}

impl FileDialogs for FakeDialogs {
    fn pick_images(&mut self, _title: &str) -> Option<Vec<PathBuf>> {
        self.answers.pop_front()
    }

    fn pick_image(&mut self, _title: &str) -> Option<PathBuf> {
        self.answers.pop_front().and_then(|v| v.into_iter().next())
    }

    fn pick_project(&mut self) -> Option<PathBuf> {
        self.answers.pop_front().and_then(|v| v.into_iter().next())
    }
}

impl PalimpsestApp {
    /// An app for tests: default settings and dialogs that answer from `dialogs`.
    #[must_use]
    pub fn new_for_test(start: Start, dialogs: FakeDialogs) -> Self {
        Self::new(start, Box::new(dialogs), Settings::default())
    }

    /// The document.
    #[must_use]
    pub fn project(&self) -> &Project {
        &self.project
    }

    /// The regions listed.
    #[must_use]
    pub fn regions(&self) -> &[RegionNote] {
        &self.project.regions
    }

    /// The current view mode.
    #[must_use]
    pub fn mode(&self) -> ViewMode {
        self.view.mode
    }

    /// Selected region numbers.
    #[must_use]
    pub fn selection(&self) -> Vec<u32> {
        self.view.selection.iter().copied().collect()
    }

    /// The part of the before image visible in the (first) pane, in pixels, as
    /// `[x0, y0, x1, y1]`.
    #[must_use]
    pub fn visible_rect(&self) -> Option<[f32; 4]> {
        let pane = self.view.last_pane?;
        let r = self.view.camera.visible(pane);
        Some([r.min.x, r.min.y, r.max.x, r.max.y])
    }

    /// The screen rectangle of the (first) image pane, as `[x0, y0, x1, y1]`.
    #[must_use]
    pub fn pane_rect(&self) -> Option<[f32; 4]> {
        let r = self.view.last_pane?;
        Some([r.min.x, r.min.y, r.max.x, r.max.y])
    }

    /// Screen points per before-image pixel.
    #[must_use]
    pub fn zoom(&self) -> f32 {
        self.view.camera.zoom
    }

    /// The screen position of a before-image pixel in the first pane.
    #[must_use]
    pub fn screen_of(&self, x: f64, y: f64) -> Option<[f32; 2]> {
        let pane = self.view.last_pane?;
        let s = self
            .view
            .camera
            .screen_from_image(pane, egui::pos2(x as f32 + 0.5, y as f32 + 0.5));
        Some([s.x, s.y])
    }

    /// Whether the help overlay is open.
    #[must_use]
    pub fn help_open(&self) -> bool {
        self.view.help_open
    }

    /// Whether a background job is running.
    #[must_use]
    pub fn busy(&self) -> bool {
        self.runtime.busy() || self.start.is_some()
    }

    /// Whether an analysis has arrived.
    #[must_use]
    pub fn analysed(&self) -> bool {
        self.runtime.analysis.is_some()
    }

    /// The message shown to the user, if any.
    #[must_use]
    pub fn error(&self) -> Option<&str> {
        self.runtime.error.as_deref()
    }

    /// The open pair's file paths.
    #[must_use]
    pub fn pair_paths(&self) -> Option<(PathBuf, PathBuf)> {
        self.runtime
            .pair
            .as_ref()
            .map(|p| (p.before.path.clone(), p.after.path.clone()))
    }

    /// Number of textures the before image was uploaded in.
    #[must_use]
    pub fn before_tile_count(&self) -> usize {
        self.runtime
            .pair
            .as_ref()
            .map_or(0, |p| p.before_tex.tile_count())
    }

    /// Queues a command as if a menu had sent it, applied at once.
    pub fn send(&mut self, ctx: &egui::Context, cmd: Command) {
        self.apply(ctx, cmd);
    }
}
