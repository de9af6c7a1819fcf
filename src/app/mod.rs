//! The desktop application (eframe/egui): open a pair, look at what changed six ways, and edit
//! the regions.
//!
//! State is split four ways, as in the architecture notes: the document ([`Project`], the only
//! thing undo/redo and saving touch), its [`History`], the [`ViewState`] (mode, linked camera,
//! selection, tool) and the [`Runtime`] (images, textures, background jobs, messages; never
//! saved). Panels, views and shortcuts never mutate the document themselves: they return
//! [`Command`] values that [`PalimpsestApp::apply`] carries out after the UI pass; results of
//! background work arrive as commands too. `command_handling` carries every command out, and
//! changes the document only through [`crate::project::Edit`]s; only there is history pushed.
//! The normal and the presentation mode share one frame: poll the tasks, draw, apply the
//! commands, record the frame's timing.
//!
//! Decoding, alignment, detection, autosave and export run on named background threads, all
//! started through the task registry ([`tasks`]); the UI thread only converts pixels for
//! display. This module does no image analysis itself.
//!
//! Imports inside `app` go one way: leaf state and value modules ([`command`], [`view`],
//! [`settings`], [`tasks`], [`worker`], [`persist`], [`runtime`]) never import the root, the
//! panels, the views or the presentation; those draw from them and emit [`Command`]s.

pub mod command;
mod command_handling;
pub mod dialogs;
pub mod essay_cache;
pub mod loupe;
pub mod palette;
pub mod panels;
pub mod persist;
pub mod present;
pub mod quiz;
pub mod runtime;
pub mod settings;
pub mod tasks;
pub mod testing;
pub mod textures;
pub mod view;
pub mod views;
pub mod worker;

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::project::Project;

pub use crate::project::History;
pub use command::{Command, Start};
pub use dialogs::{FileDialogs, NativeDialogs};
pub use runtime::Runtime;
pub use settings::Settings;
pub use view::{DockTab, Tool, ViewMode, ViewState};

/// Runs the app until its window closes.
///
/// # Errors
/// When the window cannot be created.
pub fn run(start: Start) -> anyhow::Result<()> {
    let launched = Instant::now();
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Palimpsest")
            .with_app_id("palimpsest")
            .with_inner_size([1440.0, 900.0])
            .with_min_inner_size([720.0, 480.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "Palimpsest",
        options,
        Box::new(move |cc| {
            let settings = Settings::load(cc.storage);
            let mut app = PalimpsestApp::new(start, Box::new(NativeDialogs), settings);
            app.runtime.launched = Some(launched);
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("could not open the window: {e}"))
}

/// Finds the bundled sample pair: `sample_images/podium/before.*` and `after.*`, looked for
/// next to the working directory, next to the executable, and in the source tree; or in the
/// folder named by the `PALIMPSEST_SAMPLE_DIR` environment variable when it is set.
#[must_use]
pub fn sample_pair() -> Option<(PathBuf, PathBuf)> {
    let mut roots: Vec<PathBuf> = vec![PathBuf::from(".")];
    if let Ok(exe) = std::env::current_exe() {
        for dir in exe.ancestors().skip(1).take(4) {
            roots.push(dir.to_path_buf());
        }
    }
    roots.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    if let Some(dir) = std::env::var_os("PALIMPSEST_SAMPLE_DIR") {
        let dir = PathBuf::from(dir);
        return Some((find_stem(&dir, "before")?, find_stem(&dir, "after")?));
    }
    roots.into_iter().find_map(|root| {
        let dir = root.join("sample_images").join("podium");
        Some((find_stem(&dir, "before")?, find_stem(&dir, "after")?))
    })
}

/// Finds the bundled sample project: `<folder>.palimpsest.json` in the folder of the sample
/// pair ([`sample_pair`]), e.g. `sample_images/podium/podium.palimpsest.json`.
#[must_use]
pub fn sample_project() -> Option<PathBuf> {
    let (before, _) = sample_pair()?;
    let dir = before.parent()?;
    let name = dir.file_name()?.to_string_lossy().into_owned();
    let path = dir.join(format!("{name}{}", crate::project::PROJECT_EXTENSION));
    path.is_file().then_some(path)
}

fn find_stem(dir: &Path, stem: &str) -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_stem().is_some_and(|s| s == stem) && p.extension().is_some())
        .collect();
    found.sort();
    found.into_iter().next()
}

/// The application: document, history, view state and runtime.
pub struct PalimpsestApp {
    /// The document.
    project: Project,
    /// Undo/redo of the document.
    history: History,
    /// How the document is being looked at.
    view: ViewState,
    /// Images, textures, jobs and messages.
    runtime: Runtime,
    /// Persisted preferences.
    settings: Settings,
    /// What to open on the first frame.
    start: Option<Start>,
    /// Per-mode view widgets.
    views: views::Views,
    /// Presentation mode (full screen, one region at a time).
    presentation: present::Presentation,
    /// Spot the change: the doctored print alone, marked by a student, then the answers.
    quiz: quiz::Quiz,
    /// Commands raised while carrying out others (a detection to run again once a job ended),
    /// carried out with this frame's commands.
    queued: Vec<Command>,
}

impl PalimpsestApp {
    /// A new app that will open `start` on its first frame, with the given file dialogs and
    /// stored settings.
    #[must_use]
    pub fn new(start: Start, dialogs: Box<dyn FileDialogs>, settings: Settings) -> Self {
        let view = ViewState::from_settings(&settings.view);
        Self {
            project: Project::default(),
            history: History::default(),
            view,
            runtime: Runtime::new(dialogs),
            settings,
            start: Some(start),
            views: views::Views::default(),
            presentation: present::Presentation::default(),
            quiz: quiz::Quiz::default(),
            queued: Vec::new(),
        }
    }

    /// Shows the whole app in `ui` (the root of the window) and applies the commands it produced.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        let frame_start = Instant::now();
        if let Some(start) = self.start.take() {
            self.first_frame(&ctx, start);
        }
        for event in self.runtime.tasks.analysis.poll() {
            self.apply(&ctx, Command::Worker(event));
        }
        let mut commands = std::mem::take(&mut self.queued);
        if let Some(save) = self.persist_frame(&ctx) {
            self.apply(&ctx, save);
        }
        if let Some(error) = self.runtime.tasks.export.poll() {
            self.runtime.error = Some(error);
        }
        self.runtime.essay.sync(self.project.essay.as_deref());
        if self.presentation.active() {
            // Presentation mode replaces every panel and reads its own keys.
            self.presentation
                .ui(ui, &self.project, &self.runtime, &mut commands);
        } else if self.quiz.active() {
            // So does the quiz.
            self.quiz
                .ui(ui, &self.project, &self.runtime, &mut commands);
        } else {
            self.panels(ui, &ctx, &mut commands);
        }
        for cmd in commands {
            self.apply(&ctx, cmd);
        }
        command::note_typing(&ctx);
        self.runtime.frame_stats.record(&ctx, frame_start.elapsed());
    }

    /// The menu bar, toolbar, status bar, dock, image views and windows of the normal mode.
    fn panels(&mut self, ui: &mut egui::Ui, ctx: &egui::Context, commands: &mut Vec<Command>) {
        commands.extend(command::shortcuts(ctx, &self.view));
        panels::dropped::collect(ctx, commands);
        panels::essay::follow_selection(ctx, &self.project, &self.runtime, &mut self.view);

        // Photograph first: in pictures-only mode (F11) only the status bar and a slim overlay
        // stay around the images.
        let chrome = !self.view.chrome.pictures_only;
        let mut layout = view::LayoutRecord {
            // The area the app draws in: the whole window (a test harness may inset it).
            window: ui.max_rect(),
            ..Default::default()
        };
        if chrome {
            panels::menu::ui(
                ui,
                &self.project,
                &self.view,
                &self.runtime,
                &self.settings,
                commands,
            );
            let toolbar =
                panels::toolbar::ui(ui, &self.view, &self.runtime, &self.history, commands);
            layout.toolbar = Some(toolbar.panel);
            layout.toolbar_content = Some(toolbar.content);
            layout.toolbar_row_height = toolbar.row_height;
            panels::timeline::ui(ui, &self.project, &self.view, commands);
        }
        layout.status = Some(panels::status_bar::ui(
            ui,
            &self.project,
            &self.view,
            &self.runtime,
            commands,
        ));
        if chrome {
            layout.dock = Some(panels::dock::ui(
                ui,
                &self.project,
                &mut self.view,
                &self.runtime,
                commands,
            ));
        }
        let central = egui::CentralPanel::default()
            .frame(egui::Frame::NONE.fill(ui.visuals().extreme_bg_color))
            .show(ui, |ui| {
                self.views
                    .ui(ui, &self.project, &mut self.view, &self.runtime, commands);
                if !chrome {
                    panels::pictures_only::overlay(ui, &self.view, commands);
                }
            });
        layout.images = match (&self.runtime.pair, self.view.last_panes.as_slice()) {
            (Some(_), [first, rest @ ..]) => rest.iter().fold(*first, |u, r| u.union(*r)),
            _ => central.response.rect,
        };
        self.view.chrome.layout = layout;
        self.runtime.layout_trace.observe(ctx, &layout);
        panels::messages::ui(ctx, &self.runtime, commands);
        panels::info::ui(ctx, &self.project, &mut self.view, &self.runtime, commands);
        panels::export::message_ui(ctx, &self.runtime);
        panels::project_dialogs::ui(ctx, &self.project, &self.runtime, commands);
        if self.view.help_open {
            panels::help::ui(ctx, commands);
        }
    }

    fn first_frame(&mut self, ctx: &egui::Context, start: Start) {
        self.settings.theme.apply(ctx);
        fit_window_to_monitor(ctx);
        if let Some(launched) = self.runtime.launched {
            crate::job::trace_line(&format!(
                "first frame {:.0} ms after launch",
                launched.elapsed().as_secs_f64() * 1000.0
            ));
        }
        let Some(start) = self.offer_recovery(start) else {
            return;
        };
        match start {
            Start::Sample => match (sample_project(), sample_pair()) {
                (Some(p), _) => self.apply(ctx, Command::OpenProject(p)),
                (None, Some((b, a))) => self.apply(ctx, Command::OpenPair(b, a)),
                (None, None) => self.runtime.error = Some(
                    "The bundled sample pair (sample_images/podium) was not found. Open a pair \
                     with File > Open pair…"
                        .to_owned(),
                ),
            },
            Start::Pair(b, a) => self.apply(ctx, Command::OpenPair(b, a)),
            Start::Project(p) => self.apply(ctx, Command::OpenProject(p)),
        }
    }

    /// Carries out one command (in `command_handling`) and records the document change it made,
    /// if any, in the history.
    pub fn apply(&mut self, ctx: &egui::Context, cmd: Command) {
        let before = self.project.clone();
        let merge_key = cmd.history_merge_key();
        self.handle(ctx, cmd);
        if self.project != before && merge_key != Some(command::NO_HISTORY) {
            self.history.push(before, merge_key);
        }
    }
}

impl eframe::App for PalimpsestApp {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        self.runtime.last_cpu_secs = frame.info().cpu_usage;
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.settings.view = self.view.to_settings();
        self.settings.store(storage);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.persist_on_exit();
        self.runtime.tasks.cancel();
        self.runtime.frame_stats.report();
    }
}

/// On a screen smaller than the window (the default size on a 1366×768 laptop), the window is
/// made to fit and maximised instead of hanging off the screen's edge.
fn fit_window_to_monitor(ctx: &egui::Context) {
    let (monitor, inner) = ctx.input(|i| (i.viewport().monitor_size, i.viewport().inner_rect));
    if let (Some(monitor), Some(inner)) = (monitor, inner)
        && (inner.width() > monitor.x || inner.height() > monitor.y)
    {
        ctx.send_viewport_cmd(egui::ViewportCommand::InnerSize(monitor.min(inner.size())));
        ctx.send_viewport_cmd(egui::ViewportCommand::Maximized(true));
    }
}
