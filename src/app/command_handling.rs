//! The one place commands are carried out: every [`Command`] from a panel, a view, a shortcut
//! or a background task ends here, and only here does the document change (through
//! [`Project::apply`]) and history get pushed (by [`PalimpsestApp::apply`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::PalimpsestApp;
use super::command::{Command, FileAction, PresentAction};
use super::persist::{Arrival, Dialog, Pending, PendingOpen, Then, which_label};
use super::tasks::export::{ExportJob, ExportKind};
use super::view::{CameraRequest, DockTab, Tool, ViewMode};
use super::worker::{self, Request};
use crate::align::{AlignMethod, Alignment};
use crate::geometry::Model;
use crate::project::{Edit, ImageProblemKind, Project, Which, shapes, with_project_extension};

impl PalimpsestApp {
    /// Carries out `cmd` (the body of [`PalimpsestApp::apply`], which records the history).
    pub(super) fn handle(&mut self, ctx: &egui::Context, cmd: Command) {
        handle(self, ctx, cmd);
    }
}

/// Carries out one document edit. An edit that cannot be done is explained in the message bar;
/// one that asks for a new selection gets it.
fn edit(app: &mut PalimpsestApp, edit: Edit) {
    match app.project.apply(edit) {
        Ok(applied) => {
            if let Some(ids) = applied.select {
                app.view.selection = ids.into_iter().collect();
            }
        }
        Err(e) => app.runtime.error = Some(e.to_string()),
    }
}

/// Carries out `cmd` on the app. History is pushed by the caller.
fn handle(app: &mut PalimpsestApp, ctx: &egui::Context, cmd: Command) {
    if intercept(app, &cmd) {
        return;
    }
    match cmd {
        Command::CompareVersions(from, to) => compare_versions(app, ctx, from, to),
        Command::PreviousStep => {
            let to = app.view.compare.1.saturating_sub(1).max(1);
            compare_versions(app, ctx, to - 1, to);
        }
        Command::NextStep => {
            let to = (app.view.compare.1 + 1).min(app.project.version_count() - 1);
            compare_versions(app, ctx, to - 1, to);
        }
        Command::OpenPairDialog => {
            if let Some(files) = app
                .runtime
                .dialogs
                .pick_images("Open before and after images")
            {
                handle(app, ctx, Command::Dropped(files, None));
            }
        }
        Command::OpenPair(before, after) => {
            app.runtime.start_job("Opening");
            app.runtime.tasks.analysis.submit(
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
                handle(app, ctx, Command::OpenProject(p));
            }
        }
        Command::OpenProject(path) => open_project(app, ctx, &path),
        Command::ReplaceImageDialog(side) => {
            let title = match side {
                Which::Before => "Choose the before image (the original)",
                Which::After => "Choose the after image (the doctored print)",
            };
            if let Some(p) = app.runtime.dialogs.pick_image(title) {
                handle(app, ctx, Command::Dropped(vec![p], Some(side)));
            }
        }
        Command::Dropped(files, side) => {
            let current = app
                .runtime
                .pair
                .as_ref()
                .map(|p| (p.before.path.clone(), p.after.path.clone()));
            match (files.as_slice(), side, current) {
                ([b, a, ..], _, _) => handle(app, ctx, Command::OpenPair(b.clone(), a.clone())),
                ([one], Some(Which::Before) | None, Some((_, a))) => {
                    handle(app, ctx, Command::OpenPair(one.clone(), a));
                }
                ([one], Some(Which::After), Some((b, _))) => {
                    handle(app, ctx, Command::OpenPair(b, one.clone()));
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
                handle(app, ctx, Command::OpenPair(b, a));
            }
        }
        Command::SwapPair => {
            if let Some(p) = &app.runtime.pair {
                let (b, a) = (p.before.path.clone(), p.after.path.clone());
                handle(app, ctx, Command::OpenPair(a, b));
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
        Command::Edit(e) => edit(app, e),
        Command::DeleteSelected => {
            let ids = app.view.selection.iter().copied().collect();
            edit(app, Edit::DeleteRegions(ids));
        }
        Command::MergeSelected => {
            let ids = app.view.selection.iter().copied().collect();
            edit(app, Edit::MergeRegions(ids));
        }
        Command::SplitSelected => {
            if let Some(&id) = app.view.selection.iter().next() {
                edit(app, Edit::SplitRegion { id, line: None });
            }
        }
        Command::SplitAlong { id, from, to } => {
            edit(
                app,
                Edit::SplitRegion {
                    id,
                    line: Some((from, to)),
                },
            );
        }
        Command::SetParams(params) => {
            let model_changed = params.model != app.project.params.model;
            edit(app, Edit::SetParams(params));
            if model_changed {
                reanalyze(app, ctx, None);
            } else {
                redetect(app, ctx, true);
            }
        }
        Command::AddIgnoreArea(poly) => {
            if poly.len() >= 3 {
                edit(app, Edit::AddIgnoreAreas(vec![poly]));
                redetect(app, ctx, true);
            }
        }
        Command::AddIgnoreAreas(polys) => {
            edit(app, Edit::AddIgnoreAreas(polys));
            redetect(app, ctx, true);
        }
        Command::ClearIgnoreAreas => {
            edit(app, Edit::ClearIgnoreAreas);
            redetect(app, ctx, true);
        }
        Command::Redetect { apply_regions } => redetect(app, ctx, apply_regions),
        Command::AlignPoint(side, p) => {
            let m = &mut app.view.manual;
            match side {
                Which::Before => m.pending_before = Some(p),
                Which::After => {
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
            let points = m.pairs.clone();
            edit(
                app,
                Edit::SetManualAlignment {
                    alignment: alignment.clone(),
                    points,
                },
            );
            app.view.manual = super::view::ManualAlign::default();
            app.view.tool = Tool::Pan;
            reanalyze(app, ctx, Some(alignment));
        }
        Command::UseAutomaticAlignment => {
            edit(app, Edit::UseAutomaticAlignment);
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
        Command::Persist(action) => file_action(app, ctx, action),
        Command::ShowError(message) => app.runtime.error = Some(message),
        Command::StartPresentation => start_presentation(app, ctx, false),
        Command::StartPresenterView => start_presentation(app, ctx, true),
        Command::StartQuiz => {
            if app.runtime.pair.is_none() {
                app.runtime.error = Some("Open a pair before starting the quiz.".to_owned());
            } else {
                app.quiz.begin();
            }
        }
        Command::Quiz(action) => {
            app.quiz.act(action);
            ctx.request_repaint();
        }
        Command::Present(action) => present(app, ctx, action),
        Command::ExportDialog(kind) => ask_export(app, ctx, kind),
        Command::Export(kind, path) => start_export(app, ctx, kind, path),
        Command::CancelExport => app.runtime.tasks.export.cancel(),
        Command::SelectLinked(_)
        | Command::LoadEssayDialog
        | Command::SetEssay(_)
        | Command::ToggleEssay
        | Command::ToggleProjectInfo => annotate(app, cmd),
        Command::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
        Command::Worker(event) => worker_event(app, ctx, event),
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

/// Fits the manual points again for the preview (three pairs or more).
fn refit_preview(app: &mut PalimpsestApp) {
    let m = &mut app.view.manual;
    m.preview = if m.pairs.len() >= 3 {
        crate::align::fit_points(manual_model(m.model, m.pairs.len()), &m.pairs)
    } else {
        None
    };
}

/// Shows versions `from` and `to` of the chain (the earlier in the before pane, in the first
/// version's frame), once both are aligned; the document is not changed.
fn compare_versions(app: &mut PalimpsestApp, ctx: &egui::Context, from: usize, to: usize) {
    let p = &app.project;
    let (from, to) = (from.min(to), from.max(to));
    if from == to || to >= p.version_count() || app.view.compare == (from, to) {
        return;
    }
    let (Some(from_image), Some(to_image)) = (p.version_image(from), p.version_image(to)) else {
        return;
    };
    let Some(alignment) = p.version_alignment(to) else {
        app.runtime.error = Some(format!(
            "{} is not aligned yet: open the chain with palimpsest project new",
            p.version_name(to)
        ));
        return;
    };
    let first_from_from = if from == 0 {
        None
    } else if let Some(t) = p.first_from_version(from) {
        Some(t)
    } else {
        app.runtime.error = Some(format!("{} is not aligned yet", p.version_name(from)));
        return;
    };
    let Some(first_size) = app.runtime.first_size else {
        return;
    };
    let request = Request::Versions {
        shown: (from, to),
        from: from_image.path.clone(),
        first_from_from,
        first_size,
        to: to_image.path.clone(),
        alignment,
        params: p.params.clone(),
    };
    app.view.compare = (from, to);
    app.view.selection.retain(|id| {
        app.project
            .region(*id)
            .is_some_and(|r| (from..to).contains(&(r.step as usize)))
    });
    app.runtime.start_job("Opening versions");
    app.runtime.tasks.analysis.submit(ctx, request);
}

/// Aligns (or uses `alignment`) and analyses the pair again in the background.
fn reanalyze(app: &mut PalimpsestApp, ctx: &egui::Context, alignment: Option<Alignment>) {
    if !app.view.shows_first_pair() {
        app.runtime.error = Some(
            "Alignment and detection work on the first two versions: show them first".to_owned(),
        );
        return;
    }
    let Some(pair) = &app.runtime.pair else {
        return;
    };
    let (before, after) = pair.for_analysis();
    let request = Request::Analyze {
        before,
        after,
        alignment,
        params: app.project.params.clone(),
        ignore: app.project.ignore_areas.clone(),
        keep_regions: false,
    };
    app.runtime.start_job("Analysing");
    app.runtime.tasks.analysis.submit(ctx, request);
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
    app.runtime.tasks.analysis.submit(ctx, request);
}

/// Carries out the annotation, essay and project-info commands.
fn annotate(app: &mut PalimpsestApp, cmd: Command) {
    match cmd {
        Command::SelectLinked(anchor) => {
            let ids = app.project.regions_linked_to(&anchor);
            if ids.is_empty() {
                return;
            }
            app.view.selection = ids.iter().copied().collect();
            let boxes: Vec<[f64; 2]> = app
                .project
                .regions
                .iter()
                .filter(|r| ids.contains(&r.id))
                .flat_map(|r| {
                    let b = r.bbox;
                    [[b.x, b.y], [b.x + b.width, b.y + b.height]]
                })
                .collect();
            if app.view.zoom_to_selection
                && let Some(b) = crate::regions::BBox::of_points(&boxes)
            {
                app.view.camera_request = Some(CameraRequest::Frame(b));
            }
        }
        Command::LoadEssayDialog => {
            if let Some(path) = app.runtime.dialogs.pick_essay() {
                annotate(app, Command::SetEssay(Some(path)));
            }
        }
        Command::SetEssay(None) => {
            edit(app, Edit::SetEssay(None));
        }
        Command::SetEssay(Some(path)) => match app.runtime.essay.load(&path) {
            Ok(()) => {
                edit(app, Edit::SetEssay(Some(path)));
                app.view.chrome.show_tab(DockTab::Essay);
                app.view.notes.followed = None;
            }
            Err(e) => app.runtime.error = Some(format!("Could not load the essay: {e}")),
        },
        Command::ToggleEssay => {
            let chrome = &mut app.view.chrome;
            if chrome.showing(DockTab::Essay) {
                chrome.dock_tab = chrome.tab_before_essay.take().unwrap_or_default();
            } else {
                if chrome.dock_tab != DockTab::Essay {
                    chrome.tab_before_essay = Some(chrome.dock_tab);
                }
                chrome.show_tab(DockTab::Essay);
            }
        }
        Command::ToggleProjectInfo => app.view.notes.info_open = !app.view.notes.info_open,
        _ => {}
    }
}

/// Enters presentation mode at the title view, full screen, with or without the presenter
/// view.
fn start_presentation(app: &mut PalimpsestApp, ctx: &egui::Context, presenter: bool) {
    if app.runtime.pair.is_none() {
        app.runtime.error = Some("Open a pair before presenting it.".to_owned());
        return;
    }
    app.presentation.begin(ctx, presenter);
    app.view.help_open = false;
    ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(true));
}

/// Carries out a presentation action on the app.
fn present(app: &mut PalimpsestApp, ctx: &egui::Context, action: PresentAction) {
    if !app.presentation.active() {
        return;
    }
    // The steps after the title: each region's slide and its caption's continuations.
    // The count of the deck drawn last (laid out once); before any frame, laid out here.
    let count = app.presentation.step_count().unwrap_or_else(|| {
        let essay = app.runtime.essay.shared();
        crate::export::slides::Deck::new(&app.project, &essay).len() - 1
    });
    let now = ctx.input(|i| i.time);
    app.presentation.act(action, count, now);
    if action == PresentAction::Leave {
        ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(false));
    }
    ctx.request_repaint();
}

/// The name exports are given by default: the project file's, else the before image's folder
/// (the pair's name), else the title's.
fn stem(project: &Project) -> String {
    let from_folder = project
        .before
        .path
        .parent()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned());
    let name = from_folder.unwrap_or_else(|| project.title.clone());
    let slug = crate::essay::slug(&name);
    if slug.is_empty() {
        "palimpsest".to_owned()
    } else {
        slug
    }
}

/// Asks where to export `kind`, then starts it.
fn ask_export(app: &mut PalimpsestApp, ctx: &egui::Context, kind: ExportKind) {
    if app.runtime.pair.is_none() {
        app.runtime.error = Some("Open a pair before exporting.".to_owned());
        return;
    }
    let suggested = app
        .project
        .image_folder()
        .join(kind.default_name(&stem(&app.project)));
    let chosen = if kind == ExportKind::Slides {
        app.runtime
            .dialogs
            .pick_folder(&kind.dialog_title(), &suggested)
    } else {
        app.runtime.dialogs.pick_export_path(kind, &suggested)
    };
    if let Some(path) = chosen {
        start_export(app, ctx, kind, path);
    }
}

/// The files an export must never replace: both images, the project file and the essay.
fn sources(app: &PalimpsestApp) -> Vec<PathBuf> {
    let mut out = vec![
        app.project.before.path.clone(),
        app.project.after.path.clone(),
    ];
    if let Some(pair) = &app.runtime.pair {
        out.push(pair.before.path.clone());
        out.push(pair.after.path.clone());
    }
    out.extend(app.project.essay.clone());
    out.extend(app.runtime.persist.path().map(Path::to_path_buf));
    out
}

/// Starts exporting `kind` to `path` in the background, unless another export runs or `path`
/// is one of the sources.
fn start_export(app: &mut PalimpsestApp, ctx: &egui::Context, kind: ExportKind, path: PathBuf) {
    let path = kind.with_extension(path);
    if let Some(running) = app.runtime.tasks.export.running_kind() {
        app.runtime.error = Some(format!(
            "Still exporting the {}; try again when it is done.",
            running.label()
        ));
        return;
    }
    let Some(pair) = &app.runtime.pair else {
        app.runtime.error = Some("Open a pair before exporting.".to_owned());
        return;
    };
    let sources = sources(app);
    let refs: Vec<&Path> = sources.iter().map(PathBuf::as_path).collect();
    if let Err(e) = crate::export::refuse_overwrite(&path, &refs) {
        app.runtime.error = Some(format!("Not exported: {e:#}"));
        return;
    }
    let job = ExportJob {
        kind,
        path,
        project: app.project.clone(),
        essay: {
            app.runtime.essay.sync(app.project.essay.as_deref());
            app.runtime.essay.shared()
        },
        before: pair.before.clone(),
        after: pair.after.clone(),
        sources,
    };
    if let Err(e) = app.runtime.tasks.export.start(ctx, job) {
        app.runtime.error = Some(e);
    }
}

/// Looks at a command before it is carried out: one that would replace a document with unsaved
/// changes, or quit, first asks. Returns `true` when the command was held back.
fn intercept(app: &mut PalimpsestApp, cmd: &Command) -> bool {
    match cmd {
        Command::OpenPair(..) => {
            if ask_first(app, cmd) {
                return true;
            }
            app.runtime.persist.pending = Some(Pending {
                origin: None,
                arrival: Arrival::Opened { fixed: false },
            });
            false
        }
        Command::Quit => {
            if app.is_dirty() && !app.runtime.persist.allow_close {
                app.runtime.persist.dialog = Some(Dialog::Unsaved { then: Then::Quit });
                return true;
            }
            app.runtime.persist.allow_close = true;
            false
        }
        _ => false,
    }
}

/// When the document has unsaved changes and the user has not yet agreed, asks before `cmd`
/// and returns `true`.
fn ask_first(app: &mut PalimpsestApp, cmd: &Command) -> bool {
    let agreed = std::mem::take(&mut app.runtime.persist.bypass);
    if agreed || !app.is_dirty() {
        return false;
    }
    app.runtime.persist.dialog = Some(Dialog::Unsaved {
        then: Then::Command(Box::new(cmd.clone())),
    });
    true
}

/// Opens a project file: reads it with [`Project::load`] (version check, migration, image
/// checks); a file that cannot be read leaves the open document as it is and says why; images
/// that are missing or changed are shown to the user before going on.
fn open_project(app: &mut PalimpsestApp, ctx: &egui::Context, path: &Path) {
    let loaded = match Project::load(path) {
        Ok(l) => l,
        Err(e) => {
            app.runtime.persist.bypass = false;
            app.runtime.error = Some(format!("Could not open the project: {e}"));
            if !path.exists() {
                let p = &mut app.runtime.persist;
                if let Ok(list) = p.data.remove_recent_project(path) {
                    p.recent = list;
                }
            }
            return;
        }
    };
    if ask_first(app, &Command::OpenProject(path.to_path_buf())) {
        return;
    }
    let pending = PendingOpen {
        project: loaded.project,
        origin: Some(loaded.path),
        problems: loaded.problems,
        notes: Vec::new(),
        fixed: false,
        restored: None,
        start: None,
    };
    proceed(app, ctx, pending);
}

/// Opens `pending` when nothing about it needs asking; else shows its problems.
fn proceed(app: &mut PalimpsestApp, ctx: &egui::Context, pending: PendingOpen) {
    if pending.problems.is_empty() && pending.notes.is_empty() {
        submit(app, ctx, pending);
    } else {
        app.runtime.persist.dialog = Some(Dialog::Problems(Box::new(pending)));
    }
}

/// Opens `pending`: decodes its pair in the background and notes how it should count.
fn submit(app: &mut PalimpsestApp, ctx: &egui::Context, pending: PendingOpen) {
    let arrival = match pending.restored {
        Some(disk) => Arrival::Restored {
            disk: disk.map(Box::new),
        },
        None => Arrival::Opened {
            fixed: pending.fixed,
        },
    };
    app.runtime.persist.pending = Some(Pending {
        origin: pending.origin,
        arrival,
    });
    let project = pending.project;
    app.runtime.start_job("Opening project");
    app.runtime.tasks.analysis.submit(
        ctx,
        Request::Open {
            before: project.before.path.clone(),
            after: project.after.path.clone(),
            project: Some(Box::new(project)),
        },
    );
}

/// Carries out a [`FileAction`]: saving, restoring an autosave, or an answer to a question.
fn file_action(app: &mut PalimpsestApp, ctx: &egui::Context, action: FileAction) {
    match action {
        FileAction::Save => {
            save(app);
        }
        FileAction::SaveAs => {
            save_as(app);
        }
        FileAction::Restore => {
            let Some(Dialog::Restore { recovery, start }) = app.runtime.persist.dialog.take()
            else {
                return;
            };
            let recovery = *recovery;
            let disk = recovery
                .origin
                .as_deref()
                .and_then(|o| Project::load(o).ok())
                .map(|l| l.project);
            let problems = recovery.project.check_images();
            let pending = PendingOpen {
                project: recovery.project,
                origin: recovery.origin,
                problems,
                notes: Vec::new(),
                fixed: true,
                restored: Some(disk),
                start,
            };
            proceed(app, ctx, pending);
        }
        FileAction::DiscardRecovery => {
            let Some(Dialog::Restore { recovery, start }) = app.runtime.persist.dialog.take()
            else {
                return;
            };
            match std::fs::remove_file(&recovery.path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    app.runtime.error = Some(format!(
                        "Could not delete the autosaved copy: {e}: {}",
                        recovery.path.display()
                    ));
                }
            }
            app.start = start;
            ctx.request_repaint();
        }
        FileAction::SaveThenContinue => {
            let Some(Dialog::Unsaved { then }) = app.runtime.persist.dialog.take() else {
                return;
            };
            if save(app) {
                go_on(app, ctx, then);
            }
        }
        FileAction::DiscardThenContinue => {
            let Some(Dialog::Unsaved { then }) = app.runtime.persist.dialog.take() else {
                return;
            };
            let p = &mut app.runtime.persist;
            let origin = p.path.clone();
            p.written = None;
            p.due = None;
            p.clear_recovery(&mut app.runtime.tasks.autosave, origin);
            go_on(app, ctx, then);
        }
        FileAction::CancelPrompt => {
            if matches!(app.runtime.persist.dialog, Some(Dialog::Unsaved { .. })) {
                app.runtime.persist.dialog = None;
            }
        }
        FileAction::Relocate(which) => relocate(app, ctx, which),
        FileAction::ContinueOpen => {
            let Some(Dialog::Problems(mut pending)) = app.runtime.persist.dialog.take() else {
                return;
            };
            if pending.blocked() {
                app.runtime.persist.dialog = Some(Dialog::Problems(pending));
                return;
            }
            for problem in std::mem::take(&mut pending.problems) {
                if let ImageProblemKind::HashMismatch { found, .. } = problem.kind {
                    pending.project.image_mut(problem.which).sha256 = Some(found);
                    pending.fixed = true;
                }
            }
            pending.notes.clear();
            submit(app, ctx, *pending);
        }
        FileAction::CancelOpen => {
            let Some(Dialog::Problems(pending)) = app.runtime.persist.dialog.take() else {
                return;
            };
            if pending.start.is_some() {
                app.start = pending.start;
                ctx.request_repaint();
            }
        }
    }
}

/// Goes on with what the unsaved-changes question held back.
fn go_on(app: &mut PalimpsestApp, ctx: &egui::Context, then: Then) {
    match then {
        Then::Quit => {
            app.runtime.persist.allow_close = true;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        Then::Command(cmd) => {
            app.runtime.persist.bypass = true;
            handle(app, ctx, *cmd);
            app.runtime.persist.bypass = false;
        }
    }
}

/// Points one image of a project being opened at a file chosen in a dialog.
fn relocate(app: &mut PalimpsestApp, ctx: &egui::Context, which: Which) {
    let Some(Dialog::Problems(mut pending)) = app.runtime.persist.dialog.take() else {
        return;
    };
    let title = match which {
        Which::Before => "Find the before image (the original)",
        Which::After => "Find the after image (the doctored print)",
    };
    if let Some(file) = app.runtime.dialogs.pick_image(title) {
        match pending.project.relocate(which, &file) {
            Ok(relocated) => {
                pending.fixed = true;
                pending.notes.retain(|n| !n.starts_with(which_label(which)));
                if !relocated.same_file() {
                    pending.notes.push(format!(
                        "{} image: the file chosen is not the one the project was saved \
                         with; the regions and notes may not fit it.",
                        which_label(which)
                    ));
                }
                pending.problems = pending.project.check_images();
                if pending.problems.is_empty() && relocated.same_file() {
                    pending.notes.clear();
                    submit(app, ctx, *pending);
                    return;
                }
            }
            Err(e) => pending
                .notes
                .push(format!("{} image not changed: {e}", which_label(which))),
        }
    }
    app.runtime.persist.dialog = Some(Dialog::Problems(pending));
}

/// Saves to the current file, or asks for one. Returns `true` when the document was written.
fn save(app: &mut PalimpsestApp) -> bool {
    match app.runtime.persist.path.clone() {
        Some(path) => save_to(app, &path),
        None => save_as(app),
    }
}

/// Saves to a file chosen in a dialog. Returns `true` when the document was written.
fn save_as(app: &mut PalimpsestApp) -> bool {
    if app.runtime.pair.is_none() {
        return false;
    }
    let suggested = app.runtime.persist.path.clone().unwrap_or_else(|| {
        let name = app.runtime.persist.display_name(&app.project);
        let name = crate::project::safe_file_stem(&name);
        app.project
            .image_folder()
            .join(format!("{name}{}", crate::project::PROJECT_EXTENSION))
    });
    match app.runtime.dialogs.pick_save_project(&suggested) {
        Some(chosen) => save_to(app, &with_project_extension(&chosen)),
        None => false,
    }
}

/// Saves to `path` and makes it the document's file. Returns `true` when written.
fn save_to(app: &mut PalimpsestApp, path: &Path) -> bool {
    if app.runtime.pair.is_none() {
        return false;
    }
    // Keep each image's fingerprint and the document's identity (which exported annotations
    // are named after) in the document too, so it equals what the file holds.
    edit(app, Edit::Stamp);
    if let Err(e) = app.project.save(path) {
        app.runtime.error = Some(format!(
            "Could not save the project: {e}. Use File > Save as… to save it somewhere else."
        ));
        return false;
    }
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let p = &mut app.runtime.persist;
    let old = p.path.replace(abs.clone());
    p.baseline = Some(app.project.clone());
    p.settling = None;
    p.due = None;
    if let Some((_, written)) = p.written.take()
        && written != old
        && written.as_ref() != Some(&abs)
    {
        p.clear_recovery(&mut app.runtime.tasks.autosave, written);
    }
    if old.as_ref() != Some(&abs) {
        p.clear_recovery(&mut app.runtime.tasks.autosave, old);
    }
    p.clear_recovery(&mut app.runtime.tasks.autosave, Some(abs.clone()));
    match p.data.add_recent_project(&abs) {
        Ok(list) => p.recent = list,
        Err(e) => crate::job::trace_line(&format!("recent projects not updated: {e}")),
    }
    true
}

/// Takes in what the analysis worker reported: progress, a decoded pair (a new document), an
/// analysis or a detection (the document's regions and alignment), or a failure.
fn worker_event(app: &mut PalimpsestApp, ctx: &egui::Context, event: worker::Event) {
    match event {
        worker::Event::Progress { stage, fraction } => {
            if let Some(job) = &mut app.runtime.job {
                job.stage = stage.label().to_owned();
                job.fraction = fraction;
            }
        }
        worker::Event::FullSize {
            before,
            after,
            before_tex,
            after_tex,
        } => {
            // The whole images of the pair shown from reduced copies: sharper when zoomed in,
            // and what exports draw on. The copies stay for the analysis.
            if let Some(pair) = &mut app.runtime.pair
                && pair.versions.is_none()
                && pair.is_preview()
                && pair.before.path == before.path
                && pair.after.path == after.path
            {
                let copies = (
                    std::mem::replace(&mut pair.before, before),
                    std::mem::replace(&mut pair.after, after),
                );
                pair.copies = Some(copies);
                pair.before_tex = before_tex;
                pair.after_tex = after_tex;
                ctx.request_repaint();
            }
        }
        worker::Event::Loaded(pair) if pair.versions.is_some() => {
            // Other versions of the open chain: the document and the view stay.
            app.runtime.analysis = None;
            app.runtime.overlays = None;
            app.runtime.pair = Some(pair);
            app.runtime.error = None;
            ctx.request_repaint();
        }
        worker::Event::Loaded(pair) => {
            let (b, a) = (pair.before.path.clone(), pair.after.path.clone());
            app.runtime.first_size = Some(pair.before.full_size);
            let mut project = Project {
                title: pair.title.clone(),
                ..Project::default()
            };
            if let Some(p) = pair.project.clone() {
                project = *p;
            }
            project.before.path.clone_from(&b);
            project.after.path.clone_from(&a);
            app.project = project;
            app.history.clear();
            app.runtime.analysis = None;
            app.runtime.overlays = None;
            app.runtime.pair = Some(pair);
            app.runtime.error = None;
            app.view.reset_for_new_pair();
            app.settings.push_recent(&b, &a);
            ctx.request_repaint();
        }
        worker::Event::Analyzed {
            analysis,
            overlays,
            keep_regions,
        } => {
            // Only the first two versions' analysis is the document's.
            if app.view.shows_first_pair() {
                if !keep_regions {
                    edit(app, Edit::TakeDetected(analysis.detection.regions.clone()));
                }
                edit(app, Edit::SetAlignment(Some(analysis.alignment.clone())));
            }
            app.runtime.analysis = Some(analysis);
            app.runtime.overlays = Some(overlays);
            app.runtime.finish_job();
            maybe_redetect(app);
        }
        worker::Event::Detected {
            detection,
            mask,
            apply_regions,
        } => {
            if apply_regions && app.view.shows_first_pair() {
                edit(app, Edit::MergeDetected(detection.regions.clone()));
            }
            let wanted = detection_params(&app.project);
            if let Some(o) = &mut app.runtime.overlays {
                o.mask = mask;
                o.detection_params = Some(wanted);
            }
            if let Some(a) = &mut app.runtime.analysis {
                Arc::make_mut(a).detection = Arc::unwrap_or_clone(detection);
            }
            app.runtime.finish_job();
            maybe_redetect(app);
        }
        worker::Event::Failed { message } => {
            app.runtime.finish_job();
            app.runtime.error = Some(message);
        }
    }
}

/// After a job ends: when the parameters or ignore areas moved on meanwhile, detect again
/// (queued behind this frame's commands).
fn maybe_redetect(app: &mut PalimpsestApp) {
    let Some(o) = &app.runtime.overlays else {
        return;
    };
    if app.runtime.job.is_none()
        && o.detection_params.as_ref() != Some(&detection_params(&app.project))
    {
        app.queued.push(Command::Redetect {
            apply_regions: true,
        });
    }
}

/// The parameters and ignore areas a detection depends on.
fn detection_params(p: &Project) -> (crate::params::Params, Vec<Vec<[f64; 2]>>) {
    (p.params.clone(), p.ignore_areas.clone())
}
