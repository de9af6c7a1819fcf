//! View state: how the document is being looked at. The mode, the linked camera shared by every
//! pane, the selection, the active tool and shapes being drawn. Not part of undo; the lasting
//! parts persist as [`ViewSettings`].

use std::collections::BTreeSet;

use egui::{Pos2, Rect, Vec2, pos2};
use serde::{Deserialize, Serialize};

use crate::geometry::{Model, Transform};
use crate::project::PointPair;
use crate::regions::BBox;

/// The six ways to look at a pair.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ViewMode {
    /// Before and after next to each other, linked.
    #[default]
    SideBySide,
    /// One over the other with a draggable divider.
    Swipe,
    /// The after image over the before image, translucent.
    OnionSkin,
    /// Alternating between the two.
    Blink,
    /// The change strength in colour.
    Heatmap,
    /// Changed areas tinted over an image, with outlines and numbers.
    MaskOverlay,
}

impl ViewMode {
    /// Every mode, in toolbar order (keys 1–6).
    pub const ALL: [ViewMode; 6] = [
        ViewMode::SideBySide,
        ViewMode::Swipe,
        ViewMode::OnionSkin,
        ViewMode::Blink,
        ViewMode::Heatmap,
        ViewMode::MaskOverlay,
    ];

    /// Label shown in the toolbar and menus.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            ViewMode::SideBySide => "Side by side",
            ViewMode::Swipe => "Swipe",
            ViewMode::OnionSkin => "Onion skin",
            ViewMode::Blink => "Blink",
            ViewMode::Heatmap => "Heat-map",
            ViewMode::MaskOverlay => "Mask overlay",
        }
    }

    /// Its number key.
    #[must_use]
    pub fn key(self) -> egui::Key {
        match self {
            ViewMode::SideBySide => egui::Key::Num1,
            ViewMode::Swipe => egui::Key::Num2,
            ViewMode::OnionSkin => egui::Key::Num3,
            ViewMode::Blink => egui::Key::Num4,
            ViewMode::Heatmap => egui::Key::Num5,
            ViewMode::MaskOverlay => egui::Key::Num6,
        }
    }
}

/// The tabs of the right-hand dock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DockTab {
    /// The regions list, and under it the selected region's annotation.
    #[default]
    Regions,
    /// The essay the notes link to.
    Essay,
    /// Alignment, detection and the current mode's view settings.
    Analysis,
}

impl DockTab {
    /// Every tab, in the order shown.
    pub const ALL: [DockTab; 3] = [DockTab::Regions, DockTab::Essay, DockTab::Analysis];

    /// The tab's title.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            DockTab::Regions => "Regions",
            DockTab::Essay => "Essay",
            DockTab::Analysis => "Analysis",
        }
    }

    /// The tab's icon, on the narrow rail shown while the dock is collapsed.
    #[must_use]
    pub fn icon(self) -> &'static str {
        match self {
            DockTab::Regions => "☰",
            DockTab::Essay => "📖",
            DockTab::Analysis => "⚙",
        }
    }
}

/// Where the parts of the window were drawn on the last frame, in points: what the layout
/// trace prints and what the tests measure.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayoutRecord {
    /// The area the app draws in: the whole window.
    pub window: Rect,
    /// The union of the image panes (or the empty central area before a pair is open).
    pub images: Rect,
    /// The toolbar panel, when shown.
    pub toolbar: Option<Rect>,
    /// What the toolbar's widgets cover, when shown.
    pub toolbar_content: Option<Rect>,
    /// The height of one row of toolbar buttons.
    pub toolbar_row_height: f32,
    /// The dock (or its collapsed rail), when shown.
    pub dock: Option<Rect>,
    /// The status bar.
    pub status: Option<Rect>,
}

impl Default for LayoutRecord {
    fn default() -> Self {
        Self {
            window: Rect::ZERO,
            images: Rect::ZERO,
            toolbar: None,
            toolbar_content: None,
            toolbar_row_height: 0.0,
            dock: None,
            status: None,
        }
    }
}

/// What surrounds the pictures: the right-hand dock and whether everything but the pictures is
/// hidden. The dock's width is egui's own panel state (kept with the window's other state).
#[derive(Clone, Debug, PartialEq)]
pub struct Chrome {
    /// The dock is expanded (otherwise a narrow rail of tab icons stands in for it).
    pub dock_open: bool,
    /// The tab the dock shows.
    pub dock_tab: DockTab,
    /// The tab shown before the essay was brought up with Ctrl+E, to go back to.
    pub tab_before_essay: Option<DockTab>,
    /// Pictures only (F11): menu bar, toolbar and dock hidden; the status bar and a slim
    /// overlay with the mode and zoom stay.
    pub pictures_only: bool,
    /// Where things were drawn on the last frame.
    pub layout: LayoutRecord,
}

impl Chrome {
    /// Opens the dock on `tab`.
    pub fn show_tab(&mut self, tab: DockTab) {
        self.dock_open = true;
        self.dock_tab = tab;
        self.pictures_only = false;
    }

    /// Whether the dock shows `tab` now.
    #[must_use]
    pub fn showing(&self, tab: DockTab) -> bool {
        self.dock_open && !self.pictures_only && self.dock_tab == tab
    }
}

/// What a drag on the image does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tool {
    /// Drag pans, click selects a region.
    #[default]
    Pan,
    /// Drag a rectangle to add a region.
    DrawRect,
    /// Click points, double-click or Enter to close a polygon region.
    DrawPolygon,
    /// Drag the selected region's vertices, or drag inside it to move it.
    EditVertices,
    /// Drag a rectangle to ignore.
    IgnoreBox,
    /// Paint areas to ignore.
    IgnorePaint,
    /// Click corresponding points, before then after.
    AlignPoints,
    /// Drag a line across the selected region to cut it in two.
    Cut,
}

impl Tool {
    /// Label shown in the toolbar.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Tool::Pan => "Pan / select",
            Tool::DrawRect => "Draw rectangle",
            Tool::DrawPolygon => "Draw polygon",
            Tool::EditVertices => "Edit vertices",
            Tool::IgnoreBox => "Ignore box",
            Tool::IgnorePaint => "Paint ignore",
            Tool::AlignPoints => "Align points",
            Tool::Cut => "Cut region along a line",
        }
    }
}

/// A pending change of the camera that needs the pane size, applied when the view is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CameraRequest {
    /// Fit the whole image.
    Fit,
    /// Show image pixels at this many screen pixels each, keeping the centre.
    Scale(f32),
    /// Frame this box of the before image.
    Frame(BBox),
}

/// The linked camera: every pane shows the before frame with the same centre and zoom.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Camera {
    /// Screen points per before-image pixel.
    pub zoom: f32,
    /// The before-image point (edge coordinates) at the centre of each pane.
    pub center: Pos2,
    /// The camera shows the whole image and should keep doing so when the pane changes size.
    pub fitted: bool,
}

impl Default for Camera {
    fn default() -> Self {
        Self {
            zoom: 1.0,
            center: Pos2::ZERO,
            fitted: false,
        }
    }
}

/// Zoom limits, in screen points per image pixel.
pub const MIN_ZOOM: f32 = 0.01;
/// Zoom limits, in screen points per image pixel.
pub const MAX_ZOOM: f32 = 64.0;

impl Camera {
    /// Maps a before-image point to the screen inside `pane`.
    #[must_use]
    pub fn screen_from_image(&self, pane: Rect, p: Pos2) -> Pos2 {
        pane.center() + (p - self.center) * self.zoom
    }

    /// Maps a screen point inside `pane` to the before image.
    #[must_use]
    pub fn image_from_screen(&self, pane: Rect, s: Pos2) -> Pos2 {
        self.center + (s - pane.center()) / self.zoom
    }

    /// The part of the before frame visible in `pane`.
    #[must_use]
    pub fn visible(&self, pane: Rect) -> Rect {
        Rect::from_two_pos(
            self.image_from_screen(pane, pane.min),
            self.image_from_screen(pane, pane.max),
        )
    }

    /// Zooms by `factor` keeping the image point under `anchor` (a screen point) in place.
    pub fn zoom_about(&mut self, pane: Rect, anchor: Pos2, factor: f32) {
        self.fitted = false;
        let fixed = self.image_from_screen(pane, anchor);
        self.zoom = (self.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        self.center = fixed - (anchor - pane.center()) / self.zoom;
    }

    /// Moves the picture by a screen-space drag.
    pub fn pan(&mut self, delta: Vec2) {
        if delta != Vec2::ZERO {
            self.fitted = false;
        }
        self.center -= delta / self.zoom;
    }

    /// Frames `target` (before-image edge coordinates) in `pane` with a margin.
    pub fn frame(&mut self, pane: Rect, target: Rect, margin: f32) {
        let size = target.size().max(Vec2::splat(1.0));
        let avail = (pane.size() - Vec2::splat(2.0 * margin)).max(Vec2::splat(16.0));
        self.zoom = (avail.x / size.x)
            .min(avail.y / size.y)
            .clamp(MIN_ZOOM, MAX_ZOOM);
        self.center = target.center();
    }

    /// Applies a pending request for an image of `image` size shown in `pane`.
    pub fn apply(
        &mut self,
        request: CameraRequest,
        pane: Rect,
        image: Rect,
        pixels_per_point: f32,
    ) {
        self.fitted = request == CameraRequest::Fit;
        match request {
            CameraRequest::Fit => self.frame(pane, image, 8.0),
            CameraRequest::Scale(s) => self.zoom = (s / pixels_per_point).clamp(MIN_ZOOM, MAX_ZOOM),
            CameraRequest::Frame(b) => {
                let r = Rect::from_min_size(
                    pos2(b.x as f32, b.y as f32),
                    egui::vec2(b.width as f32 + 1.0, b.height as f32 + 1.0),
                );
                // Leave room around a region so its context stays visible.
                let grown = r.expand2(r.size() * 0.35);
                self.frame(pane, grown, 16.0);
                self.zoom = self.zoom.min(8.0);
            }
        }
    }
}

/// Swipe divider state.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Swipe {
    /// Divider position as a fraction of the pane.
    pub position: f32,
    /// The divider is a horizontal line (top/bottom split).
    pub horizontal: bool,
}

/// Blink state.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Blink {
    /// Seconds each image is shown.
    pub interval_secs: f32,
    /// Alternate automatically (otherwise hold space to see the after image).
    pub running: bool,
}

/// Manual alignment in progress.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ManualAlign {
    /// Finished pairs: `(before, after)` pixel centres.
    pub pairs: Vec<PointPair>,
    /// A before point waiting for its after point.
    pub pending_before: Option<[f64; 2]>,
    /// The model to fit.
    pub model: Option<Model>,
    /// The fitted preview, once there are enough pairs.
    pub preview: Option<Transform>,
}

/// A shape being drawn with a tool, in before-image edge coordinates.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sketch {
    /// Points so far.
    pub points: Vec<Pos2>,
}

/// How the document is being looked at.
pub struct ViewState {
    /// The mode.
    pub mode: ViewMode,
    /// The linked camera.
    pub camera: Camera,
    /// A camera change waiting for the pane size.
    pub camera_request: Option<CameraRequest>,
    /// The pane the camera was last applied to (screen rectangle of one image pane).
    pub last_pane: Option<Rect>,
    /// Every image pane last drawn, left to right (two in side by side, one otherwise).
    pub last_panes: Vec<Rect>,
    /// Selected region ids.
    pub selection: BTreeSet<u32>,
    /// The active tool.
    pub tool: Tool,
    /// A shape being drawn.
    pub sketch: Sketch,
    /// Brush radius for painted ignore areas, in screen points.
    pub brush_radius: f32,
    /// Manual alignment in progress.
    pub manual: ManualAlign,
    /// Swipe divider.
    pub swipe: Swipe,
    /// Onion-skin opacity of the after image.
    pub onion_opacity: f32,
    /// Blink settings.
    pub blink: Blink,
    /// Mask overlay over the after image instead of the before image.
    pub overlay_on_after: bool,
    /// Region outlines in every mode.
    pub show_outlines: bool,
    /// Loupe on.
    pub loupe: bool,
    /// The before-image point under the cursor.
    pub hover: Option<Pos2>,
    /// Help overlay shown.
    pub help_open: bool,
    /// Selecting a region in the list frames it in the view.
    pub zoom_to_selection: bool,
    /// The essay panel, annotation editor and project info window.
    pub notes: NotesView,
    /// The dock and pictures-only mode.
    pub chrome: Chrome,
    /// The two versions of the chain being compared, from 0 (`(0, 1)` for a pair).
    pub compare: (usize, usize),
}

impl ViewState {
    /// True when the first two versions are shown: the pair whose analysis the document keeps.
    #[must_use]
    pub fn shows_first_pair(&self) -> bool {
        self.compare == (0, 1)
    }

    /// True when a region of `step` changes between the versions being compared.
    #[must_use]
    pub fn shows_step(&self, step: u32) -> bool {
        let s = step as usize;
        self.compare.0 <= s && s < self.compare.1
    }

    /// A view state from persisted settings.
    #[must_use]
    pub fn from_settings(s: &ViewSettings) -> Self {
        Self {
            compare: (0, 1),
            mode: s.mode,
            camera: Camera::default(),
            camera_request: Some(CameraRequest::Fit),
            last_pane: None,
            last_panes: Vec::new(),
            selection: BTreeSet::new(),
            tool: Tool::Pan,
            sketch: Sketch::default(),
            brush_radius: 14.0,
            manual: ManualAlign::default(),
            swipe: Swipe {
                position: 0.5,
                horizontal: s.swipe_horizontal,
            },
            onion_opacity: s.onion_opacity.clamp(0.0, 1.0),
            blink: Blink {
                interval_secs: s.blink_interval_secs.clamp(0.1, 5.0),
                running: true,
            },
            overlay_on_after: s.overlay_on_after,
            show_outlines: s.show_outlines,
            loupe: s.loupe,
            hover: None,
            help_open: false,
            zoom_to_selection: true,
            notes: NotesView::default(),
            chrome: Chrome {
                dock_open: s.dock_open,
                dock_tab: s.dock_tab,
                tab_before_essay: None,
                pictures_only: false,
                layout: LayoutRecord::default(),
            },
        }
    }

    /// The lasting parts, for saving.
    #[must_use]
    pub fn to_settings(&self) -> ViewSettings {
        ViewSettings {
            mode: self.mode,
            swipe_horizontal: self.swipe.horizontal,
            onion_opacity: self.onion_opacity,
            blink_interval_secs: self.blink.interval_secs,
            overlay_on_after: self.overlay_on_after,
            show_outlines: self.show_outlines,
            loupe: self.loupe,
            dock_open: self.chrome.dock_open,
            dock_tab: self.chrome.dock_tab,
        }
    }

    /// Forgets selection, sketches and camera for a newly opened pair.
    pub fn reset_for_new_pair(&mut self) {
        self.compare = (0, 1);
        self.selection.clear();
        self.sketch = Sketch::default();
        self.manual = ManualAlign::default();
        self.tool = Tool::Pan;
        self.camera_request = Some(CameraRequest::Fit);
    }
}

/// What the essay panel, the annotation editor and the project info window show. View state:
/// never saved, never undone. (Whether the essay is shown is the dock's tab.)
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NotesView {
    /// The project info window is shown.
    pub info_open: bool,
    /// A passage to bring into view on the next frame.
    pub scroll_to: Option<String>,
    /// The region the essay last followed (scrolled to for), to notice selection changes.
    pub followed: Option<u32>,
    /// The link picker is open.
    pub picker_open: bool,
    /// What the link picker searches for.
    pub picker_query: String,
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
