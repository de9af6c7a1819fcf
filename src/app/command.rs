//! Commands: everything a menu, a button, a key or a drag on the image can ask for, and the one
//! function that carries them out.
//!
//! Menus, toolbar buttons and shortcuts send the same [`Command`]; [`SHORTCUTS`] is the single
//! table used by key handling, menu labels and the help overlay.

use std::path::PathBuf;

use egui::{Key, KeyboardShortcut, Modifiers};

use super::PalimpsestApp;
use super::settings::Theme;
use super::shapes;
use super::view::{CameraRequest, Tool, ViewMode, ViewState};
use super::worker::Request;
use crate::align::{AlignMethod, Alignment};
use crate::geometry::Model;
use crate::pipeline::Params;

/// Which image of the pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The original.
    Before,
    /// The doctored print.
    After,
}

/// Something the user asked for.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Ask for two images with a file dialog.
    OpenPairDialog,
    /// Open a pair.
    OpenPair(PathBuf, PathBuf),
    /// Ask for a project with a file dialog.
    OpenProjectDialog,
    /// Open a saved project.
    OpenProject(PathBuf),
    /// Replace one image of the pair with a dialog.
    ReplaceImageDialog(Side),
    /// Files dropped on the window (`None`) or on one pane.
    Dropped(Vec<PathBuf>, Option<Side>),
    /// Open an entry of the recent-pairs list.
    OpenRecent(usize),
    /// Exchange before and after.
    SwapPair,
    /// Align and analyse again from scratch.
    Reanalyze,
    /// Switch the view mode.
    SetMode(ViewMode),
    /// Choose a tool.
    SetTool(Tool),
    /// Fit the image in the view.
    Fit,
    /// Show image pixels at this many screen pixels each (1.0 = 100 %).
    ZoomScale(f32),
    /// Zoom in or out about the view's centre.
    ZoomBy(f32),
    /// Select a region; `extend` adds it to the selection.
    Select {
        /// Region number.
        id: u32,
        /// Add to (or remove from) the selection instead of replacing it.
        extend: bool,
    },
    /// Select nothing.
    ClearSelection,
    /// Frame a region in the view.
    ZoomToRegion(u32),
    /// Add a drawn region (outline in before-image pixels).
    AddRegion(Vec<[f64; 2]>),
    /// Replace a region's outline (vertex editing; a drag merges into one undo step).
    SetPolygon {
        /// Region number.
        id: u32,
        /// New outline in before-image pixels.
        polygon: Vec<[f64; 2]>,
    },
    /// Delete the selected regions.
    DeleteSelected,
    /// Merge the selected regions.
    MergeSelected,
    /// Split the selected region in two across its middle.
    SplitSelected,
    /// Split a region in two along a drawn cut line (before-image pixels).
    SplitAlong {
        /// Region number.
        id: u32,
        /// One end of the cut.
        from: [f64; 2],
        /// The other end.
        to: [f64; 2],
    },
    /// Hide or show a region.
    SetHidden {
        /// Region number.
        id: u32,
        /// Hidden.
        hidden: bool,
    },
    /// Change the detection parameters (re-runs detection in the background).
    SetParams(Params),
    /// Add an area never reported as changed.
    AddIgnoreArea(Vec<[f64; 2]>),
    /// Add several ignore areas at once (one painted stroke).
    AddIgnoreAreas(Vec<Vec<[f64; 2]>>),
    /// Remove every ignore area.
    ClearIgnoreAreas,
    /// Run detection again on the current change map.
    Redetect {
        /// Replace the detected regions with the result.
        apply_regions: bool,
    },
    /// Record a clicked point for manual alignment.
    AlignPoint(super::command::Side, [f64; 2]),
    /// Remove the last manual point.
    UndoAlignPoint,
    /// Forget the manual points.
    ClearAlignPoints,
    /// Choose the model fitted to manual points.
    SetManualModel(Option<Model>),
    /// Use the manual fit and analyse again with it.
    ApplyManualAlignment,
    /// Go back to automatic alignment.
    UseAutomaticAlignment,
    /// Undo the last document change.
    Undo,
    /// Redo.
    Redo,
    /// Choose the colour theme.
    SetTheme(Theme),
    /// Change the UI scale by a factor (1.0 resets it).
    UiScale(f32),
    /// Show or hide the help overlay.
    ToggleHelp,
    /// Hide the help overlay.
    CloseHelp,
    /// Show or hide the loupe.
    ToggleLoupe,
    /// Show or hide region outlines.
    ToggleOutlines,
    /// Show a message in the error bar (for mistakes made with a tool).
    ShowError(String),
    /// Dismiss the error message.
    DismissError,
    /// Save, Save As, restore an autosave, or answer a question about unsaved changes or a
    /// project's images.
    Persist(super::persist::Action),
    /// Enter presentation mode (full screen, from the title view).
    StartPresentation,
    /// Step, reveal, blank or leave in presentation mode.
    Present(super::present::Action),
    /// Ask where to export, then export in the background.
    ExportDialog(super::panels::export::ExportKind),
    /// Export to this file (or folder, for slides) in the background.
    Export(super::panels::export::ExportKind, PathBuf),
    /// Select every region linked to an essay passage (a click on a marked passage).
    SelectLinked(String),
    /// Set a region's label (typing merges into one undo step).
    SetLabel {
        /// Region number.
        id: u32,
        /// Who or what.
        label: String,
    },
    /// Set a region's note (typing merges into one undo step).
    SetNote {
        /// Region number.
        id: u32,
        /// Light Markdown.
        note: String,
    },
    /// Set a region's tags.
    SetTags {
        /// Region number.
        id: u32,
        /// The tags, in [`crate::project::Tag::ALL`] order.
        tags: Vec<crate::project::Tag>,
    },
    /// Link a region to an essay passage.
    AddLink {
        /// Region number.
        id: u32,
        /// The passage's anchor.
        anchor: String,
    },
    /// Remove a region's link to an essay passage.
    RemoveLink {
        /// Region number.
        id: u32,
        /// The passage's anchor.
        anchor: String,
    },
    /// Set the project's title (typing merges into one undo step).
    SetTitle(String),
    /// Set one image's provenance (typing merges into one undo step).
    SetImageMeta {
        /// Which image.
        which: crate::project::Which,
        /// Its provenance.
        meta: crate::project::ImageMeta,
    },
    /// Ask for an essay (Markdown) with a file dialog.
    LoadEssayDialog,
    /// Use the essay at this path, or the bundled essay (`None`).
    SetEssay(Option<PathBuf>),
    /// Show the essay in the dock, or go back to the tab shown before it.
    ToggleEssay,
    /// Expand or collapse the right-hand dock.
    ToggleDock,
    /// Expand the dock on this tab.
    ShowDockTab(super::view::DockTab),
    /// Hide or bring back everything but the pictures (menu bar, toolbar, dock).
    TogglePicturesOnly,
    /// Show or hide the project info window.
    ToggleProjectInfo,
    /// Close the window.
    Quit,
}

/// Merge key meaning "never record in history" (undo and redo themselves, new documents).
pub const NO_HISTORY: &str = "";

impl Command {
    /// How this command's document change is recorded: `None` for its own undo step, a key for
    /// steps that merge with immediately preceding ones of the same key, or [`NO_HISTORY`].
    #[must_use]
    pub fn history_merge_key(&self) -> Option<&'static str> {
        match self {
            Command::Undo
            | Command::Redo
            | Command::OpenPair(..)
            | Command::OpenProject(_)
            | Command::Dropped(..)
            | Command::OpenRecent(_)
            | Command::Persist(_)
            | Command::SwapPair => Some(NO_HISTORY),
            Command::SetPolygon { .. } => Some("polygon"),
            Command::SetParams(_) => Some("params"),
            Command::SetLabel { .. } => Some("label"),
            Command::SetNote { .. } => Some("note"),
            Command::SetTitle(_) => Some("title"),
            Command::SetImageMeta { .. } => Some("metadata"),
            _ => None,
        }
    }
}

/// A keyboard shortcut with the command it sends and a line for the help overlay.
pub struct Shortcut {
    /// The keys.
    pub keys: KeyboardShortcut,
    /// What it does.
    pub command: fn() -> Command,
    /// Help text.
    pub help: &'static str,
}

const fn ks(modifiers: Modifiers, key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(modifiers, key)
}

/// Every shortcut. Mode keys 1–6 are added from [`ViewMode::ALL`].
pub const SHORTCUTS: &[Shortcut] = &[
    Shortcut {
        keys: ks(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::S),
        command: || Command::Persist(super::persist::Action::SaveAs),
        help: "Save the project as…",
    },
    Shortcut {
        keys: ks(Modifiers::COMMAND, Key::S),
        command: || Command::Persist(super::persist::Action::Save),
        help: "Save the project",
    },
    Shortcut {
        keys: ks(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::O),
        command: || Command::OpenProjectDialog,
        help: "Open a project",
    },
    Shortcut {
        keys: ks(Modifiers::COMMAND, Key::O),
        command: || Command::OpenPairDialog,
        help: "Open a pair of images",
    },
    Shortcut {
        keys: ks(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::Z),
        command: || Command::Redo,
        help: "Redo",
    },
    Shortcut {
        keys: ks(Modifiers::COMMAND, Key::Y),
        command: || Command::Redo,
        help: "Redo",
    },
    Shortcut {
        keys: ks(Modifiers::COMMAND, Key::Z),
        command: || Command::Undo,
        help: "Undo",
    },
    Shortcut {
        keys: ks(Modifiers::COMMAND, Key::Q),
        command: || Command::Quit,
        help: "Quit",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::F),
        command: || Command::Fit,
        help: "Fit the image in the view",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::Num0),
        command: || Command::ZoomScale(1.0),
        help: "Zoom to 100 %",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::Plus),
        command: || Command::ZoomBy(1.25),
        help: "Zoom in",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::Equals),
        command: || Command::ZoomBy(1.25),
        help: "Zoom in",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::Minus),
        command: || Command::ZoomBy(0.8),
        help: "Zoom out",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::L),
        command: || Command::ToggleLoupe,
        help: "Loupe on/off",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::O),
        command: || Command::ToggleOutlines,
        help: "Region outlines on/off",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::S),
        command: || Command::SwapPair,
        help: "Swap before and after",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::Delete),
        command: || Command::DeleteSelected,
        help: "Delete the selected regions",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::Backspace),
        command: || Command::DeleteSelected,
        help: "Delete the selected regions",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::M),
        command: || Command::MergeSelected,
        help: "Merge the selected regions",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::K),
        command: || Command::SplitSelected,
        help: "Split the selected region",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::X),
        command: || Command::SetTool(Tool::Cut),
        help: "Cut the selected region along a dragged line",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::V),
        command: || Command::SetTool(Tool::Pan),
        help: "Pan / select tool",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::R),
        command: || Command::SetTool(Tool::DrawRect),
        help: "Draw a rectangle region",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::P),
        command: || Command::SetTool(Tool::DrawPolygon),
        help: "Draw a polygon region (double-click or Enter closes)",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::E),
        command: || Command::SetTool(Tool::EditVertices),
        help: "Edit the selected region's vertices",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::Escape),
        command: || Command::ClearSelection,
        help: "Cancel drawing, clear the selection",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::F5),
        command: || Command::StartPresentation,
        help: "Present full screen (presentation keys: see below)",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::F11),
        command: || Command::TogglePicturesOnly,
        help: "Pictures only: hide the menus, toolbar and side panel, and bring them back",
    },
    Shortcut {
        keys: ks(Modifiers::COMMAND, Key::E),
        command: || Command::ToggleEssay,
        help: "Show the essay in the side panel, or go back",
    },
    Shortcut {
        keys: ks(Modifiers::COMMAND, Key::I),
        command: || Command::ToggleProjectInfo,
        help: "Project info (title, sources, credits)",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::F1),
        command: || Command::ToggleHelp,
        help: "This help",
    },
    Shortcut {
        keys: ks(Modifiers::SHIFT, Key::Questionmark),
        command: || Command::ToggleHelp,
        help: "This help",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::Questionmark),
        command: || Command::ToggleHelp,
        help: "This help",
    },
];

/// The shortcut text of the first shortcut sending `command`, for menus.
#[must_use]
pub fn shortcut_text(ctx: &egui::Context, command: &Command) -> Option<String> {
    SHORTCUTS
        .iter()
        .find(|s| &(s.command)() == command)
        .map(|s| ctx.format_shortcut(&s.keys))
}

/// Reads this frame's shortcuts. Keys are left alone while a text field has focus.
#[must_use]
pub fn shortcuts(ctx: &egui::Context, view: &ViewState) -> Vec<Command> {
    let mut out = Vec::new();
    if ctx.text_edit_focused() || typed_last_frame(ctx) {
        return out;
    }
    ctx.input_mut(|i| {
        for s in SHORTCUTS {
            if i.consume_shortcut(&s.keys) {
                out.push((s.command)());
            }
        }
        for mode in ViewMode::ALL {
            if i.consume_key(Modifiers::NONE, mode.key()) {
                out.push(Command::SetMode(mode));
            }
        }
    });
    // Escape first abandons a sketch in progress.
    if out.contains(&Command::ClearSelection) && !view.sketch.points.is_empty() {
        out.retain(|c| c != &Command::ClearSelection);
        out.push(Command::SetTool(view.tool));
    }
    out
}

fn typing_id() -> egui::Id {
    egui::Id::unique("palimpsest-text-field-focused")
}

/// Records, at the end of a frame, whether a text field has the focus. Escape takes the focus
/// away before the next frame's widgets run, so without this the Escape that leaves a field
/// would also clear the selection.
pub fn note_typing(ctx: &egui::Context) {
    let typing = ctx.text_edit_focused();
    ctx.data_mut(|d| d.insert_temp(typing_id(), typing));
}

fn typed_last_frame(ctx: &egui::Context) -> bool {
    ctx.data(|d| d.get_temp::<bool>(typing_id()))
        .unwrap_or(false)
}

/// Carries out `cmd` on the app. History is pushed by the caller.
pub fn apply(app: &mut PalimpsestApp, ctx: &egui::Context, cmd: Command) {
    if super::persist::intercept(app, &cmd) {
        return;
    }
    match cmd {
        Command::OpenPairDialog => {
            if let Some(files) = app
                .runtime
                .dialogs
                .pick_images("Open before and after images")
            {
                apply(app, ctx, Command::Dropped(files, None));
            }
        }
        Command::OpenPair(before, after) => {
            app.runtime.start_job("Opening");
            app.runtime.worker.submit(
                ctx,
                Request::Open {
                    before,
                    after,
                    project: None,
                },
            );
        }
        Command::OpenProjectDialog => {
            if let Some(p) = app.runtime.dialogs.pick_project() {
                apply(app, ctx, Command::OpenProject(p));
            }
        }
        Command::OpenProject(path) => super::persist::open_project(app, ctx, &path),
        Command::ReplaceImageDialog(side) => {
            let title = match side {
                Side::Before => "Choose the before image (the original)",
                Side::After => "Choose the after image (the doctored print)",
            };
            if let Some(p) = app.runtime.dialogs.pick_image(title) {
                apply(app, ctx, Command::Dropped(vec![p], Some(side)));
            }
        }
        Command::Dropped(files, side) => {
            let current = app
                .runtime
                .pair
                .as_ref()
                .map(|p| (p.before.path.clone(), p.after.path.clone()));
            match (files.as_slice(), side, current) {
                ([b, a, ..], _, _) => apply(app, ctx, Command::OpenPair(b.clone(), a.clone())),
                ([one], Some(Side::Before) | None, Some((_, a))) => {
                    apply(app, ctx, Command::OpenPair(one.clone(), a));
                }
                ([one], Some(Side::After), Some((b, _))) => {
                    apply(app, ctx, Command::OpenPair(b, one.clone()));
                }
                ([_], _, None) => {
                    app.runtime.error =
                        Some("Drop two images (before and after) to open a pair.".to_owned());
                }
                _ => {}
            }
        }
        Command::OpenRecent(i) => {
            if let Some((b, a)) = app.settings.recent.get(i).cloned() {
                apply(app, ctx, Command::OpenPair(b, a));
            }
        }
        Command::SwapPair => {
            if let Some(p) = &app.runtime.pair {
                let (b, a) = (p.before.path.clone(), p.after.path.clone());
                apply(app, ctx, Command::OpenPair(a, b));
            }
        }
        Command::Reanalyze => reanalyze(app, ctx, None),
        Command::SetMode(mode) => app.view.mode = mode,
        Command::SetTool(tool) => {
            app.view.tool = tool;
            app.view.sketch.points.clear();
            if tool == Tool::AlignPoints {
                app.view.mode = ViewMode::SideBySide;
                // The point list and the Apply button are in the Analysis tab.
                if !app.view.chrome.pictures_only {
                    app.view.chrome.show_tab(super::view::DockTab::Analysis);
                }
            }
        }
        Command::ToggleDock => {
            let chrome = &mut app.view.chrome;
            chrome.dock_open = !chrome.dock_open || chrome.pictures_only;
            chrome.pictures_only = false;
        }
        Command::ShowDockTab(tab) => app.view.chrome.show_tab(tab),
        Command::TogglePicturesOnly => {
            app.view.chrome.pictures_only = !app.view.chrome.pictures_only;
        }
        Command::Fit => app.view.camera_request = Some(CameraRequest::Fit),
        Command::ZoomScale(s) => app.view.camera_request = Some(CameraRequest::Scale(s)),
        Command::ZoomBy(f) => {
            let c = &mut app.view.camera;
            c.zoom = (c.zoom * f).clamp(super::view::MIN_ZOOM, super::view::MAX_ZOOM);
            c.fitted = false;
        }
        Command::Select { id, extend } => {
            if extend {
                if !app.view.selection.remove(&id) {
                    app.view.selection.insert(id);
                }
            } else {
                app.view.selection.clear();
                app.view.selection.insert(id);
            }
        }
        Command::ClearSelection => {
            app.view.selection.clear();
            app.view.sketch.points.clear();
        }
        Command::ZoomToRegion(id) => {
            if let Some(r) = app.project.regions.iter().find(|r| r.id == id) {
                app.view.camera_request = Some(CameraRequest::Frame(r.bbox));
            }
        }
        Command::AddRegion(polygon) => {
            if polygon.len() >= 3 && crate::geometry::polygon_area(&polygon) >= 4.0 {
                let id = shapes::next_id(&app.project.regions);
                app.project.regions.push(shapes::drawn_region(id, polygon));
                app.view.selection.clear();
                app.view.selection.insert(id);
            }
        }
        Command::SetPolygon { id, polygon } => {
            if let Some(r) = app.project.regions.iter_mut().find(|r| r.id == id) {
                r.polygon = polygon;
                if r.origin == crate::project::Origin::Detected {
                    r.origin = crate::project::Origin::Edited;
                }
                shapes::refresh(r);
            }
        }
        Command::DeleteSelected => {
            let sel = app.view.selection.clone();
            app.project.regions.retain(|r| !sel.contains(&r.id));
            app.view.selection.clear();
        }
        Command::MergeSelected => {
            let sel = &app.view.selection;
            let parts: Vec<_> = app
                .project
                .regions
                .iter()
                .filter(|r| sel.contains(&r.id))
                .cloned()
                .collect();
            if parts.len() >= 2
                && let Some(merged) = shapes::merge(&parts)
            {
                let keep = merged.id;
                app.project.regions.retain(|r| !sel.contains(&r.id));
                app.project.regions.push(merged);
                app.project.regions.sort_by_key(|r| r.id);
                app.view.selection.clear();
                app.view.selection.insert(keep);
            }
        }
        Command::SplitSelected => {
            if let Some(&id) = app.view.selection.iter().next() {
                split_region(app, id, None);
            }
        }
        Command::SplitAlong { id, from, to } => split_region(app, id, Some((from, to))),
        Command::SetHidden { id, hidden } => {
            if let Some(r) = app.project.regions.iter_mut().find(|r| r.id == id) {
                r.hidden = hidden;
            }
        }
        Command::SetParams(params) => {
            let model_changed = params.model != app.project.params.model;
            app.project.params = params;
            if model_changed {
                reanalyze(app, ctx, None);
            } else {
                redetect(app, ctx, true);
            }
        }
        Command::AddIgnoreArea(poly) => {
            if poly.len() >= 3 {
                app.project.ignore_areas.push(poly);
                redetect(app, ctx, true);
            }
        }
        Command::AddIgnoreAreas(polys) => {
            app.project
                .ignore_areas
                .extend(polys.into_iter().filter(|p| p.len() >= 3));
            redetect(app, ctx, true);
        }
        Command::ClearIgnoreAreas => {
            app.project.ignore_areas.clear();
            redetect(app, ctx, true);
        }
        Command::Redetect { apply_regions } => redetect(app, ctx, apply_regions),
        Command::AlignPoint(side, p) => {
            let m = &mut app.view.manual;
            match side {
                Side::Before => m.pending_before = Some(p),
                Side::After => {
                    if let Some(b) = m.pending_before.take() {
                        m.pairs.push((b, p));
                    }
                }
            }
            refit_preview(app);
        }
        Command::UndoAlignPoint => {
            let m = &mut app.view.manual;
            if m.pending_before.take().is_none() {
                m.pairs.pop();
            }
            refit_preview(app);
        }
        Command::ClearAlignPoints => {
            app.view.manual = super::view::ManualAlign {
                model: app.view.manual.model,
                ..Default::default()
            };
        }
        Command::SetManualModel(model) => {
            app.view.manual.model = model;
            refit_preview(app);
        }
        Command::ApplyManualAlignment => {
            let m = &app.view.manual;
            let Some(t) = m.preview else {
                return;
            };
            let model = manual_model(m.model, m.pairs.len());
            let alignment = Alignment {
                model,
                before_from_after: t,
                inliers: m.pairs.len(),
                residual_px: shapes::mean_residual(&t, &m.pairs),
                confidence: 1.0,
                method: AlignMethod::Manual,
                expected_error_px: shapes::mean_residual(&t, &m.pairs),
                warning: None,
            };
            app.project.manual_points.clone_from(&m.pairs);
            app.project.alignment = Some(alignment.clone());
            app.view.manual = super::view::ManualAlign::default();
            app.view.tool = Tool::Pan;
            reanalyze(app, ctx, Some(alignment));
        }
        Command::UseAutomaticAlignment => {
            app.project.manual_points.clear();
            app.project.alignment = None;
            reanalyze(app, ctx, None);
        }
        Command::Undo | Command::Redo => {
            let restored = if cmd == Command::Undo {
                app.history.undo(&app.project)
            } else {
                app.history.redo(&app.project)
            };
            if let Some(p) = restored {
                app.project = p;
                let ids: std::collections::BTreeSet<u32> =
                    app.project.regions.iter().map(|r| r.id).collect();
                app.view.selection.retain(|id| ids.contains(id));
                let wanted = Some((app.project.params.clone(), app.project.ignore_areas.clone()));
                if app
                    .runtime
                    .overlays
                    .as_ref()
                    .is_some_and(|o| o.detection_params != wanted)
                {
                    redetect(app, ctx, false);
                }
            }
        }
        Command::SetTheme(theme) => {
            app.settings.theme = theme;
            theme.apply(ctx);
        }
        Command::UiScale(f) => {
            let z = if (f - 1.0).abs() < f32::EPSILON {
                1.0
            } else {
                ctx.zoom_factor() * f
            };
            ctx.set_zoom_factor(z.clamp(0.5, 3.0));
        }
        Command::ToggleHelp => app.view.help_open = !app.view.help_open,
        Command::CloseHelp => app.view.help_open = false,
        Command::ToggleLoupe => app.view.loupe = !app.view.loupe,
        Command::ToggleOutlines => app.view.show_outlines = !app.view.show_outlines,
        Command::DismissError => app.runtime.error = None,
        Command::Persist(action) => super::persist::apply(app, ctx, action),
        Command::ShowError(message) => app.runtime.error = Some(message),
        Command::StartPresentation => super::present::start(app, ctx),
        Command::Present(action) => super::present::act(app, ctx, action),
        Command::ExportDialog(kind) => super::panels::export::ask(app, ctx, kind),
        Command::Export(kind, path) => super::panels::export::start(app, ctx, kind, path),
        Command::SelectLinked(_)
        | Command::SetLabel { .. }
        | Command::SetNote { .. }
        | Command::SetTags { .. }
        | Command::AddLink { .. }
        | Command::RemoveLink { .. }
        | Command::SetTitle(_)
        | Command::SetImageMeta { .. }
        | Command::LoadEssayDialog
        | Command::SetEssay(_)
        | Command::ToggleEssay
        | Command::ToggleProjectInfo => super::panels::annotation::apply(app, cmd),
        Command::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
    }
}

/// The model for manual points: the chosen one, or the most general the points allow.
fn manual_model(chosen: Option<Model>, pairs: usize) -> Model {
    chosen.unwrap_or(match pairs {
        0..=1 => Model::Translation,
        2 => Model::Similarity,
        _ => Model::Affine,
    })
}

fn refit_preview(app: &mut PalimpsestApp) {
    let m = &mut app.view.manual;
    m.preview = if m.pairs.len() >= 3 {
        crate::align::fit_points(manual_model(m.model, m.pairs.len()), &m.pairs)
    } else {
        None
    };
}

fn reanalyze(app: &mut PalimpsestApp, ctx: &egui::Context, alignment: Option<Alignment>) {
    let Some(pair) = &app.runtime.pair else {
        return;
    };
    let request = Request::Analyze {
        before: pair.before.clone(),
        after: pair.after.clone(),
        alignment,
        params: app.project.params.clone(),
        ignore: app.project.ignore_areas.clone(),
        keep_regions: false,
    };
    app.runtime.start_job("Analysing");
    app.runtime.worker.submit(ctx, request);
}

/// Re-runs detection on the current change map; while an analysis runs the new parameters are
/// picked up when it finishes.
fn redetect(app: &mut PalimpsestApp, ctx: &egui::Context, apply_regions: bool) {
    let Some(analysis) = &app.runtime.analysis else {
        return;
    };
    if app
        .runtime
        .job
        .as_ref()
        .is_some_and(|j| j.label != "Detecting")
    {
        return;
    }
    let request = Request::Detect {
        analysis: analysis.clone(),
        params: app.project.params.clone(),
        ignore: app.project.ignore_areas.clone(),
        apply_regions,
    };
    app.runtime.start_job("Detecting");
    app.runtime.worker.submit(ctx, request);
}

/// Splits region `id` along `line` (or across its middle) and selects both parts; tells the
/// user when the cut leaves one side empty.
fn split_region(app: &mut PalimpsestApp, id: u32, line: Option<([f64; 2], [f64; 2])>) {
    let Some(pos) = app.project.regions.iter().position(|r| r.id == id) else {
        return;
    };
    match shapes::split(&app.project.regions[pos], line) {
        Some((a, mut b)) => {
            b.id = shapes::next_id(&app.project.regions);
            app.view.selection.clear();
            app.view.selection.insert(a.id);
            app.view.selection.insert(b.id);
            app.project.regions[pos] = a;
            app.project.regions.push(b);
        }
        None => {
            app.runtime.error = Some(format!(
                "The cut does not cross region {id}: draw the line right across it."
            ));
        }
    }
}
