//! A narrow window onto the app's state for UI tests: read what is shown, wait for background
//! work, and answer file dialogs without opening any. Nothing here is used by the app itself.

use std::collections::VecDeque;
use std::path::PathBuf;

use super::PalimpsestApp;
use super::command::{Command, Start};
use super::dialogs::FileDialogs;
use super::settings::Settings;
use super::view::ViewMode;
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

    fn pick_essay(&mut self) -> Option<PathBuf> {
        self.answers.pop_front().and_then(|v| v.into_iter().next())
    }

    fn pick_save_project(&mut self, _suggested: &std::path::Path) -> Option<PathBuf> {
        self.answers.pop_front().and_then(|v| v.into_iter().next())
    }

    fn pick_export_path(
        &mut self,
        _kind: super::tasks::export::ExportKind,
        _suggested: &std::path::Path,
    ) -> Option<PathBuf> {
        self.answers.pop_front().and_then(|v| v.into_iter().next())
    }

    fn pick_folder(&mut self, _title: &str, _suggested: &std::path::Path) -> Option<PathBuf> {
        self.answers.pop_front().and_then(|v| v.into_iter().next())
    }
}

impl PalimpsestApp {
    /// An app for tests: default settings, dialogs that answer from `dialogs`, and a private
    /// data folder (recovery file, recent projects) unless `PALIMPSEST_DATA_DIR` names one.
    #[must_use]
    pub fn new_for_test(start: Start, dialogs: FakeDialogs) -> Self {
        Self::new_for_test_with_settings(start, dialogs, Settings::default())
    }

    /// The same as [`PalimpsestApp::new_for_test`], but started with `settings`, as the app
    /// starts with what eframe kept of the last run ([`Settings::load`]).
    #[must_use]
    pub fn new_for_test_with_settings(
        start: Start,
        dialogs: FakeDialogs,
        settings: Settings,
    ) -> Self {
        let mut app = Self::new(start, Box::new(dialogs), settings);
        app.runtime.persist = super::persist::Persist::for_test();
        app
    }

    /// The same app with its recovery file and recent projects in `data` (builder style).
    #[must_use]
    pub fn with_data_dir(mut self, data: crate::project::DataDir) -> Self {
        self.runtime.persist.set_data_dir(data);
        self
    }

    /// The same app autosaving every `interval` (builder style).
    #[must_use]
    pub fn with_autosave_interval(mut self, interval: std::time::Duration) -> Self {
        self.runtime.persist.set_autosave_interval(interval);
        self
    }

    /// The same app uploading images in textures of at most `side` pixels, as if the GPU
    /// allowed no larger (builder style). egui's own limit, which its font atlas needs, stays.
    #[must_use]
    pub fn with_tile_side_limit(mut self, side: usize) -> Self {
        self.runtime.tasks.analysis.limit_tile_side(side);
        self
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
        self.screen_of_in(0, x, y)
    }

    /// The screen position of a before-image pixel in pane `pane` (0 = left; in side by side,
    /// 1 is the after image, shown in the before image's frame).
    #[must_use]
    pub fn screen_of_in(&self, pane: usize, x: f64, y: f64) -> Option<[f32; 2]> {
        let pane = *self.view.last_panes.get(pane)?;
        let s = self
            .view
            .camera
            .screen_from_image(pane, egui::pos2(x as f32 + 0.5, y as f32 + 0.5));
        Some([s.x, s.y])
    }

    /// Point pairs clicked for manual alignment and not yet applied.
    #[must_use]
    pub fn manual_pairs(&self) -> Vec<crate::project::PointPair> {
        self.view.manual.pairs.clone()
    }

    /// The active tool.
    #[must_use]
    pub fn tool(&self) -> super::view::Tool {
        self.view.tool
    }

    /// Whether the help overlay is open.
    #[must_use]
    pub fn help_open(&self) -> bool {
        self.view.help_open
    }

    /// Whether the essay is shown (the dock is open on its Essay tab).
    #[must_use]
    pub fn essay_open(&self) -> bool {
        self.view.chrome.showing(super::view::DockTab::Essay)
    }

    /// Whether the right-hand dock is expanded.
    #[must_use]
    pub fn dock_open(&self) -> bool {
        self.view.chrome.dock_open
    }

    /// The dock's tab.
    #[must_use]
    pub fn dock_tab(&self) -> super::view::DockTab {
        self.view.chrome.dock_tab
    }

    /// Whether pictures-only mode (F11) is on.
    #[must_use]
    pub fn pictures_only(&self) -> bool {
        self.view.chrome.pictures_only
    }

    /// Where the window's parts were drawn on the last frame.
    #[must_use]
    pub fn layout(&self) -> super::view::LayoutRecord {
        self.view.chrome.layout
    }

    /// Whether the project info window is shown.
    #[must_use]
    pub fn project_info_open(&self) -> bool {
        self.view.notes.info_open
    }

    /// The file of the essay shown, or `None` for the bundled essay.
    #[must_use]
    pub fn essay_shown_path(&self) -> Option<PathBuf> {
        self.runtime.essay.path().map(std::path::Path::to_path_buf)
    }

    /// Number of links whose passage the essay shown does not have.
    #[must_use]
    pub fn dangling_link_count(&self) -> usize {
        self.project
            .dangling_links(self.runtime.essay.essay())
            .len()
    }

    /// Whether a background job is running, or the open pair is still shown from reduced
    /// copies while it is decoded whole.
    #[must_use]
    pub fn busy(&self) -> bool {
        self.runtime.busy() || self.start.is_some() || self.showing_copies()
    }

    /// Whether the open pair is shown from the reduced copies the analysis needs, its whole
    /// images still being decoded.
    #[must_use]
    pub fn showing_copies(&self) -> bool {
        self.runtime
            .pair
            .as_ref()
            .is_some_and(|p| p.versions.is_none() && p.is_preview())
    }

    /// The open pair's before image: its size in the file, and the size of the texture its
    /// first tile was uploaded from.
    #[must_use]
    pub fn before_sizes(&self) -> Option<((u32, u32), [u32; 2])> {
        self.runtime
            .pair
            .as_ref()
            .map(|p| (p.before.full_size, p.before.rgb.dimensions().into()))
    }

    /// The recently opened pairs remembered in the settings, newest first.
    #[must_use]
    pub fn recent_pairs(&self) -> &[(PathBuf, PathBuf)] {
        &self.settings.recent
    }

    /// Makes the analysis of every pair opened from now on wait once both images are decoded
    /// and shown (its progress at the loading stage) until the returned hold is released, so a
    /// test can see the progress of an analysis that certainly still runs
    /// ([`super::worker::Worker::hold_after_loading`]).
    pub fn hold_analysis_after_loading(&mut self) -> super::worker::Hold {
        self.runtime.tasks.analysis.hold_after_loading()
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

    /// The two versions of the chain being compared, from 0.
    #[must_use]
    pub fn compared_versions(&self) -> (usize, usize) {
        self.view.compare
    }

    /// The numbers of the regions the views outline now: visible, and of a step between the
    /// versions compared.
    #[must_use]
    pub fn outlined_regions(&self) -> Vec<u32> {
        self.project
            .regions
            .iter()
            .filter(|r| !r.hidden && self.view.shows_step(r.step))
            .map(|r| r.id)
            .collect()
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

/// Presentation mode and exports, as the tests see them.
impl PalimpsestApp {
    /// Whether presentation mode is on.
    #[must_use]
    pub fn presenting(&self) -> bool {
        self.presentation.active()
    }

    /// The presentation's step: 0 for the title view, then 1, 2, … for the visible regions.
    #[must_use]
    pub fn presentation_step(&self) -> usize {
        self.presentation.step()
    }

    /// Whether the spot-the-change quiz is on.
    #[must_use]
    pub fn quizzing(&self) -> bool {
        self.quiz.active()
    }

    /// The quiz's marks so far.
    #[must_use]
    pub fn quiz_marks(&self) -> &[crate::export::quiz::Mark] {
        self.quiz.marks()
    }

    /// Whether the quiz's answers are shown.
    #[must_use]
    pub fn quiz_revealed(&self) -> bool {
        self.quiz.revealed()
    }

    /// The quiz's score now.
    #[must_use]
    pub fn quiz_score(&self) -> Option<crate::export::quiz::Score> {
        let pair = self.runtime.pair.as_ref()?;
        Some(self.quiz.score(&self.project, pair.before_tex.size))
    }

    /// Where a point of the original was on screen in the quiz's last frame.
    #[must_use]
    pub fn quiz_screen_point(&self, p: [f64; 2]) -> Option<egui::Pos2> {
        self.quiz.screen_point(p)
    }

    /// Whether the presenter view (the second window) is open.
    #[must_use]
    pub fn presenter_open(&self) -> bool {
        self.presentation.active() && self.presentation.presenter()
    }

    /// Whether the presentation screen is blanked.
    #[must_use]
    pub fn presentation_blank(&self) -> bool {
        self.presentation.blank()
    }

    /// Whether the original is (being) revealed in the presentation.
    #[must_use]
    pub fn presentation_revealed(&self) -> bool {
        self.presentation.revealed()
    }

    /// How far the presentation's cross-fade had got on the last frame (0 the doctored print,
    /// 1 the original).
    #[must_use]
    pub fn presentation_reveal_amount(&self) -> f32 {
        self.presentation.reveal_amount()
    }

    /// The part of the before image the presentation showed on the last frame, as
    /// `[x0, y0, x1, y1]`.
    #[must_use]
    pub fn presentation_view(&self) -> Option<[f32; 4]> {
        self.presentation
            .shown_view()
            .map(|r| [r.min.x, r.min.y, r.max.x, r.max.y])
    }

    /// Number of steps after the title view: every visible region's slide and its caption's
    /// continuations.
    #[must_use]
    pub fn presentation_step_count(&self) -> usize {
        let essay = self.runtime.essay.shared();
        crate::export::slides::Deck::new(&self.project, &essay).len() - 1
    }

    /// The region (its number) each presentation step shows, the title view's `None` first; a
    /// region whose caption continues comes once per page.
    #[must_use]
    pub fn presentation_step_regions(&self) -> Vec<Option<u32>> {
        let essay = self.runtime.essay.shared();
        let deck = crate::export::slides::Deck::new(&self.project, &essay);
        (0..deck.len())
            .map(|i| deck.region_page(i).map(|(r, _, _)| r.region.id))
            .collect()
    }

    /// Number of regions the presentation steps through (the visible ones).
    #[must_use]
    pub fn presentation_region_count(&self) -> usize {
        crate::export::content::visible_regions(&self.project).len()
    }

    /// Whether an export runs in the background.
    #[must_use]
    pub fn exporting(&self) -> bool {
        self.runtime.tasks.export.busy()
    }

    /// The latest export's message ("Saved …" or "Export cancelled: …"), while it is shown.
    #[must_use]
    pub fn export_message(&self) -> Option<&str> {
        self.runtime.tasks.export.message()
    }

    /// The running export's count: `(done, total)` slides, pages or frames, once reported.
    #[must_use]
    pub fn export_progress(&self) -> Option<(usize, usize)> {
        self.runtime
            .tasks
            .export
            .progress()
            .map(|c| (c.done, c.total))
    }

    /// Makes exports wait after their first slide, page or frame until they are cancelled, so
    /// a test can press Cancel while one certainly runs
    /// ([`super::tasks::export::Exports::hold_after_first_output`]).
    pub fn hold_exports_after_first_output(&mut self) {
        self.runtime.tasks.export.hold_after_first_output();
    }
}
