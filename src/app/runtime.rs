//! Everything the app holds while running that is neither document nor view: decoded images
//! and their textures, the latest analysis, the background tasks, the current job, the
//! project-file state and the message shown to the user. Never saved.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::dialogs::FileDialogs;
use super::tasks::Tasks;
use crate::geometry::Transform;
use crate::pipeline::Analysis;
use crate::project::Project;

pub use super::worker::{LoadedPair, Overlays};

/// The job in progress.
pub struct JobStatus {
    /// What it is doing.
    pub label: String,
    /// Current stage.
    pub stage: String,
    /// Fraction of the stage done.
    pub fraction: f32,
    /// When it started.
    pub started: Instant,
}

/// Frame timing, reported on exit when `PALIMPSEST_TRACE` is set.
#[derive(Default)]
pub struct FrameStats {
    ui_secs: Vec<f32>,
    intervals: Vec<f32>,
    last_frame: Option<Instant>,
}

impl FrameStats {
    /// Records one frame's UI time and the interval since the previous frame.
    pub fn record(&mut self, _ctx: &egui::Context, ui_time: Duration) {
        if !crate::job::tracing() {
            return;
        }
        let now = Instant::now();
        if let Some(prev) = self.last_frame {
            self.intervals.push(now.duration_since(prev).as_secs_f32());
        }
        self.last_frame = Some(now);
        self.ui_secs.push(ui_time.as_secs_f32());
        if self.ui_secs.len().is_multiple_of(120) {
            self.report();
        }
    }

    /// Prints percentiles of the recorded frame times to stderr.
    pub fn report(&self) {
        if !crate::job::tracing() || self.ui_secs.is_empty() {
            return;
        }
        let pct = |v: &[f32], p: f32| {
            let mut s = v.to_vec();
            s.sort_by(f32::total_cmp);
            s.get(((s.len() as f32 - 1.0) * p) as usize)
                .copied()
                .unwrap_or(0.0)
                * 1000.0
        };
        let recent = |v: &[f32]| v[v.len().saturating_sub(120)..].to_vec();
        let (ui, iv) = (recent(&self.ui_secs), recent(&self.intervals));
        crate::job::trace_line(&format!(
            "last {} frames: ui p50 {:.2} ms p95 {:.2} ms; frame interval p50 {:.1} ms p95 {:.1} ms",
            ui.len(),
            pct(&ui, 0.5),
            pct(&ui, 0.95),
            pct(&iv, 0.5),
            pct(&iv, 0.95)
        ));
    }
}

/// How long a layout must hold before the trace prints it: a dragged panel edge or a window
/// being resized prints once, when it comes to rest.
const LAYOUT_SETTLE: Duration = Duration::from_millis(250);

/// The layout line of the trace: `layout: window WxH, images WxH`, in logical points, the
/// images being the union of the image panes.
#[must_use]
pub fn layout_line(window: egui::Vec2, images: egui::Vec2) -> String {
    format!(
        "layout: window {:.0}x{:.0}, images {:.0}x{:.0}",
        window.x, window.y, images.x, images.y
    )
}

/// Prints [`layout_line`] once per layout change when `PALIMPSEST_TRACE` is set.
#[derive(Default)]
pub struct LayoutTrace {
    printed: Option<String>,
    pending: Option<(String, Instant)>,
}

impl LayoutTrace {
    /// Notes this frame's layout; prints it once it has held for a moment.
    pub fn observe(&mut self, ctx: &egui::Context, layout: &super::view::LayoutRecord) {
        if !crate::job::tracing() {
            return;
        }
        let line = layout_line(layout.window.size(), layout.images.size());
        if self.printed.as_ref() == Some(&line) {
            self.pending = None;
            return;
        }
        match &self.pending {
            Some((pending, since)) if *pending == line => {
                if since.elapsed() >= LAYOUT_SETTLE {
                    crate::job::trace_line(&line);
                    self.printed = Some(line);
                    self.pending = None;
                } else {
                    ctx.request_repaint_after(LAYOUT_SETTLE);
                }
            }
            _ => {
                self.pending = Some((line, Instant::now()));
                ctx.request_repaint_after(LAYOUT_SETTLE);
            }
        }
    }
}

/// Runtime state.
pub struct Runtime {
    /// The open pair.
    pub pair: Option<LoadedPair>,
    /// The size of the document's first version, once opened (the frame every version of a
    /// chain is shown in).
    pub first_size: Option<(u32, u32)>,
    /// Its latest analysis.
    pub analysis: Option<Arc<Analysis>>,
    /// Display textures of the analysis.
    pub overlays: Option<Overlays>,
    /// The background tasks (analysis, autosave, export). Declared before [`Runtime::persist`],
    /// so pending recovery writes finish before a test's data folder is removed.
    pub tasks: Tasks,
    /// The job in progress.
    pub job: Option<JobStatus>,
    /// A message for the user (load or analysis failure).
    pub error: Option<String>,
    /// File dialogs.
    pub dialogs: Box<dyn FileDialogs>,
    /// When the process started the app, for the first-frame timing.
    pub launched: Option<Instant>,
    /// CPU time of the previous frame as eframe measured it.
    pub last_cpu_secs: Option<f32>,
    /// Frame timing.
    pub frame_stats: FrameStats,
    /// The essay shown, parsed once per file.
    pub essay: super::essay_cache::EssayCache,
    /// Project file, unsaved changes, autosave and recovery.
    pub persist: super::persist::Persist,
    /// The layout line of the trace.
    pub layout_trace: LayoutTrace,
}

impl Runtime {
    /// An empty runtime with the given dialogs.
    #[must_use]
    pub fn new(dialogs: Box<dyn FileDialogs>) -> Self {
        Self {
            pair: None,
            first_size: None,
            analysis: None,
            overlays: None,
            tasks: Tasks::default(),
            job: None,
            error: None,
            dialogs,
            launched: None,
            last_cpu_secs: None,
            frame_stats: FrameStats::default(),
            essay: super::essay_cache::EssayCache::default(),
            persist: super::persist::Persist::default(),
            layout_trace: LayoutTrace::default(),
        }
    }

    /// Marks a job as started.
    pub fn start_job(&mut self, label: &str) {
        self.job = Some(JobStatus {
            label: label.to_owned(),
            stage: String::new(),
            fraction: 0.0,
            started: Instant::now(),
        });
    }

    /// Marks the job as finished.
    pub fn finish_job(&mut self) {
        self.job = None;
    }

    /// Whether a background job is running.
    #[must_use]
    pub fn busy(&self) -> bool {
        self.job.is_some()
    }

    /// The transform used to draw the after image in the before frame: the given preview, the
    /// document's alignment, or a plain scale to the before image's width.
    #[must_use]
    pub fn before_from_after(&self, project: &Project, preview: Option<&Transform>) -> Transform {
        if let Some(t) = preview {
            return *t;
        }
        if let Some(a) = &project.alignment {
            return a.before_from_after;
        }
        match &self.pair {
            Some(p) if p.after.full_size.0 > 0 => {
                Transform::scale(f64::from(p.before.full_size.0) / f64::from(p.after.full_size.0))
            }
            _ => Transform::identity(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_line_is_in_whole_points() {
        assert_eq!(
            layout_line(egui::vec2(1366.0, 768.0), egui::vec2(1024.4, 689.6)),
            "layout: window 1366x768, images 1024x690"
        );
    }
}
