//! The export task: one export at a time on its own named thread, with the images the app
//! already decoded, so the window stays responsive. The drawing is the export module's
//! ([`crate::export`]); this module stages the files in an [`OutputSet`], moves them into place
//! only when the whole export succeeded, and reports. The core export gets a [`Job`]: a cancel
//! flag the Cancel button sets, checked between slides, pages and frames, and a callback for
//! the count of those done, shown in the status bar. A cancelled export leaves nothing behind.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};

use crate::essay::Essay;
use crate::export::{self, Base, ExportInput, PageSize};
use crate::io::LoadedImage;
use crate::job::{self, Count, Job};
use crate::output::OutputSet;
use crate::project::Project;

/// Seconds the "Saved to …" (or "Export cancelled") message stays up.
const MESSAGE_SECS: u64 = 8;

/// How long a test's hold ([`Exports::hold_after_first_output`]) waits for the Cancel button
/// before letting the export go on, so a broken button fails the test instead of hanging it.
const HOLD_LIMIT: Duration = Duration::from_secs(30);

/// One kind of export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExportKind {
    /// The annotated image (PNG or JPEG by extension).
    AnnotatedImage,
    /// Before and after side by side with the same outlines.
    SideBySide,
    /// A folder of 1920×1080 slides.
    Slides,
    /// The animated reveal as a GIF.
    RevealGif,
    /// The animated reveal as an APNG.
    RevealApng,
    /// The PDF handout on A4.
    PdfA4,
    /// The PDF handout on US Letter.
    PdfLetter,
    /// The PDF worksheet (questions, then answers) on A4.
    Worksheet,
    /// The regions as a W3C Web Annotation collection (JSON-LD).
    WebAnnotation,
    /// The regions as CSV.
    Csv,
    /// The offline lesson page (one HTML file).
    LessonPage,
    /// The spot-the-change quiz page (one HTML file).
    QuizPage,
}

impl ExportKind {
    /// Every kind, in menu order.
    pub const ALL: [ExportKind; 12] = [
        ExportKind::AnnotatedImage,
        ExportKind::SideBySide,
        ExportKind::Slides,
        ExportKind::RevealGif,
        ExportKind::RevealApng,
        ExportKind::PdfA4,
        ExportKind::PdfLetter,
        ExportKind::Worksheet,
        ExportKind::WebAnnotation,
        ExportKind::Csv,
        ExportKind::LessonPage,
        ExportKind::QuizPage,
    ];

    /// What it is called in messages.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            ExportKind::AnnotatedImage => "annotated image",
            ExportKind::SideBySide => "side-by-side image",
            ExportKind::Slides => "slides",
            ExportKind::RevealGif => "reveal animation (GIF)",
            ExportKind::RevealApng => "reveal animation (APNG)",
            ExportKind::PdfA4 => "PDF handout (A4)",
            ExportKind::PdfLetter => "PDF handout (Letter)",
            ExportKind::Worksheet => "worksheet (PDF)",
            ExportKind::WebAnnotation => "Web Annotation",
            ExportKind::Csv => "CSV of the regions",
            ExportKind::LessonPage => "lesson page",
            ExportKind::QuizPage => "quiz page",
        }
    }

    /// The file dialog's title.
    #[must_use]
    pub fn dialog_title(self) -> String {
        match self {
            ExportKind::Slides => "Choose a folder for the slides".to_owned(),
            _ => format!("Export the {}", self.label()),
        }
    }

    /// The file filter's name and extensions (the first is the default).
    #[must_use]
    pub fn filter(self) -> (&'static str, &'static [&'static str]) {
        match self {
            ExportKind::AnnotatedImage | ExportKind::SideBySide => {
                ("PNG or JPEG image", &["png", "jpg", "jpeg"])
            }
            ExportKind::Slides => ("Folder", &[]),
            ExportKind::RevealGif => ("GIF animation", &["gif"]),
            ExportKind::RevealApng => ("Animated PNG", &["png", "apng"]),
            ExportKind::PdfA4 | ExportKind::PdfLetter | ExportKind::Worksheet => {
                ("PDF document", &["pdf"])
            }
            ExportKind::WebAnnotation => ("JSON-LD", &["jsonld", "json"]),
            ExportKind::Csv => ("CSV", &["csv"]),
            ExportKind::LessonPage | ExportKind::QuizPage => ("HTML page", &["html", "htm"]),
        }
    }

    /// The suggested file (or folder) name for a project whose files are named `stem`.
    #[must_use]
    pub fn default_name(self, stem: &str) -> String {
        match self {
            ExportKind::AnnotatedImage => format!("{stem}-annotated.png"),
            ExportKind::SideBySide => format!("{stem}-side-by-side.png"),
            ExportKind::Slides => format!("{stem}-slides"),
            ExportKind::RevealGif => format!("{stem}-reveal.gif"),
            ExportKind::RevealApng => format!("{stem}-reveal.png"),
            ExportKind::PdfA4 => format!("{stem}-handout-a4.pdf"),
            ExportKind::PdfLetter => format!("{stem}-handout-letter.pdf"),
            ExportKind::Worksheet => format!("{stem}-worksheet.pdf"),
            ExportKind::WebAnnotation => format!("{stem}-annotations.jsonld"),
            ExportKind::Csv => format!("{stem}-regions.csv"),
            ExportKind::LessonPage => format!("{stem}-lesson.html"),
            ExportKind::QuizPage => format!("{stem}-quiz.html"),
        }
    }

    /// Adds the kind's usual extension to a path chosen without one.
    #[must_use]
    pub fn with_extension(self, path: PathBuf) -> PathBuf {
        let (_, exts) = self.filter();
        match exts.first() {
            Some(ext) if path.extension().is_none() => path.with_extension(ext),
            _ => path,
        }
    }

    fn needs_images(self) -> bool {
        !matches!(self, ExportKind::WebAnnotation | ExportKind::Csv)
    }
}

/// How an export ended.
enum Ending {
    /// Every file was moved into place.
    Written(Vec<PathBuf>),
    /// The Cancel button stopped it; nothing was written.
    Cancelled,
    /// It failed; nothing was written.
    Failed(anyhow::Error),
}

/// An export's outcome, for the message.
struct Outcome {
    kind: ExportKind,
    ending: Ending,
    elapsed: Duration,
}

/// The export running: what, where to, since when, its cancel flag and its latest count.
struct Running {
    kind: ExportKind,
    path: PathBuf,
    started: Instant,
    cancel: Arc<AtomicBool>,
    progress: Arc<Mutex<Option<Count>>>,
}

/// What the message at the bottom of the window says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    /// The export was saved ("Saved the … to …").
    Saved,
    /// The export was cancelled and nothing was written.
    Cancelled,
}

/// The export running in the background, if any, and the latest result.
pub struct Exports {
    tx: SyncSender<Outcome>,
    rx: Receiver<Outcome>,
    running: Option<Running>,
    message: Option<(String, Notice, Instant)>,
    hold: bool,
}

impl Default for Exports {
    fn default() -> Self {
        let (tx, rx) = sync_channel(4);
        Self {
            tx,
            rx,
            running: None,
            message: None,
            hold: false,
        }
    }
}

impl Exports {
    /// Starts `export` on its own named thread, with a fresh cancel flag and count.
    ///
    /// # Errors
    /// The thread could not be started; the message is for the user.
    pub fn start(&mut self, ctx: &egui::Context, export: ExportJob) -> Result<(), String> {
        let (kind, path) = (export.kind, export.path.clone());
        let tx = self.tx.clone();
        let repaint = ctx.clone();
        let cancel = Arc::new(AtomicBool::new(false));
        let progress: Arc<Mutex<Option<Count>>> = Arc::new(Mutex::new(None));
        let (flag, shown, hold) = (cancel.clone(), progress.clone(), self.hold);
        super::spawn::named("palimpsest-export", move || {
            let started = Instant::now();
            let on_count = |count: Count| {
                if let Ok(mut latest) = shown.lock() {
                    // Slides finish on several threads: keep the highest count of each unit.
                    let newer =
                        latest.is_none_or(|old| old.unit != count.unit || count.done > old.done);
                    if newer {
                        *latest = Some(count);
                    }
                }
                repaint.request_repaint();
                if hold && count.done >= 1 {
                    hold_until_cancelled(&flag);
                }
            };
            let job = Job::new(None, Some(flag.as_ref())).with_count(&on_count);
            let ending = match export.run(job) {
                Ok(written) => Ending::Written(written),
                Err(e) if job::is_cancelled(e.as_ref()) => Ending::Cancelled,
                Err(e) => Ending::Failed(e),
            };
            let _ = tx.send(Outcome {
                kind,
                ending,
                elapsed: started.elapsed(),
            });
            repaint.request_repaint();
        })
        .map_err(|e| format!("Could not start the export: {e}"))?;
        self.running = Some(Running {
            kind,
            path,
            started: Instant::now(),
            cancel,
            progress,
        });
        self.message = None;
        Ok(())
    }

    /// Asks the running export to stop; it ends at its next check (between slides, pages or
    /// frames) with nothing written. Does nothing when none runs.
    pub fn cancel(&mut self) {
        if let Some(r) = &self.running {
            r.cancel.store(true, Ordering::Relaxed);
        }
    }

    /// Whether the running export has been asked to stop and has not ended yet.
    #[must_use]
    pub fn cancelling(&self) -> bool {
        self.running
            .as_ref()
            .is_some_and(|r| r.cancel.load(Ordering::Relaxed))
    }

    /// The running export's latest count (slides, pages or frames done of all), once it has
    /// reported one.
    #[must_use]
    pub fn progress(&self) -> Option<Count> {
        let r = self.running.as_ref()?;
        r.progress.lock().ok().and_then(|p| *p)
    }

    /// For tests: from the next export on, the export thread waits after its first slide, page
    /// or frame until the export is cancelled (or [`HOLD_LIMIT`] passes), so a test can see the
    /// count and press Cancel while the export is certainly still running.
    pub fn hold_after_first_output(&mut self) {
        self.hold = true;
    }

    /// What is being exported, if anything.
    #[must_use]
    pub fn running_kind(&self) -> Option<ExportKind> {
        self.running.as_ref().map(|r| r.kind)
    }

    /// Collects a finished export: a "Saved … to …" or "Export cancelled" message, or the error
    /// for the message bar (returned). Also lets the message expire.
    pub fn poll(&mut self) -> Option<String> {
        let mut error = None;
        if let Ok(outcome) = self.rx.try_recv() {
            let folder = self.running.take().map(|r| r.path).unwrap_or_default();
            match outcome.ending {
                Ending::Written(written) => {
                    let shown = match written.as_slice() {
                        [one] => one.display().to_string(),
                        many => format!("{} files in {}", many.len(), folder.display()),
                    };
                    self.message = Some((
                        format!(
                            "Saved the {} to {shown} ({:.1} s)",
                            outcome.kind.label(),
                            outcome.elapsed.as_secs_f32()
                        ),
                        Notice::Saved,
                        Instant::now(),
                    ));
                }
                Ending::Cancelled => {
                    self.message = Some((
                        format!(
                            "Export cancelled: nothing was written to {}",
                            folder.display()
                        ),
                        Notice::Cancelled,
                        Instant::now(),
                    ));
                }
                Ending::Failed(e) => {
                    error = Some(format!(
                        "Could not export the {}: {e:#}",
                        outcome.kind.label()
                    ));
                }
            }
        }
        if self
            .message
            .as_ref()
            .is_some_and(|(_, _, at)| at.elapsed() > Duration::from_secs(MESSAGE_SECS))
        {
            self.message = None;
        }
        error
    }

    /// The export running: what, where to, and since when.
    #[must_use]
    pub fn running(&self) -> Option<(ExportKind, &Path, Instant)> {
        self.running
            .as_ref()
            .map(|r| (r.kind, r.path.as_path(), r.started))
    }

    /// The latest message, what it says, and how long it has left on screen.
    #[must_use]
    pub fn message_left(&self) -> Option<(&str, Notice, Duration)> {
        self.message.as_ref().map(|(m, notice, at)| {
            (
                m.as_str(),
                *notice,
                Duration::from_secs(MESSAGE_SECS).saturating_sub(at.elapsed()),
            )
        })
    }

    /// Whether an export is running.
    #[must_use]
    pub fn busy(&self) -> bool {
        self.running.is_some()
    }

    /// The latest message ("Saved … to …" or "Export cancelled: …"), while it is shown.
    #[must_use]
    pub fn message(&self) -> Option<&str> {
        self.message.as_ref().map(|(m, _, _)| m.as_str())
    }
}

/// Waits until `cancel` is set, or [`HOLD_LIMIT`] passes (the test hook of
/// [`Exports::hold_after_first_output`]).
fn hold_until_cancelled(cancel: &AtomicBool) {
    let since = Instant::now();
    while !cancel.load(Ordering::Relaxed) && since.elapsed() < HOLD_LIMIT {
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Everything one export needs, owned, for its thread.
pub struct ExportJob {
    /// What to export.
    pub kind: ExportKind,
    /// Where to (a folder for slides).
    pub path: PathBuf,
    /// The document as it was when the export was asked for.
    pub project: Project,
    /// The essay the notes link to.
    pub essay: Arc<Essay>,
    /// The original.
    pub before: Arc<LoadedImage>,
    /// The doctored print.
    pub after: Arc<LoadedImage>,
    /// The files the export must never replace.
    pub sources: Vec<PathBuf>,
}

impl ExportJob {
    /// Draws the export into staged files and moves them into place once all are made;
    /// returns the files written. `job`'s cancel flag is checked before the drawing, between
    /// slides, pages and frames, and before the files are moved; a cancelled or failed export
    /// leaves nothing behind.
    fn run(self, job: Job<'_>) -> Result<Vec<PathBuf>> {
        let path = self.path.clone();
        let mut set = OutputSet::new();
        for source in &self.sources {
            set.input(source);
        }
        let slide_paths = if self.kind == ExportKind::Slides {
            export::slide_paths(&self.project, &self.essay, &path)
        } else {
            Vec::new()
        };
        if slide_paths.is_empty() {
            set.output(&path)?;
        }
        for p in &slide_paths {
            set.output(p)?;
        }
        // A large pair still shown from its reduced copies is decoded whole here: exports
        // draw on every pixel.
        let whole = |img: &Arc<LoadedImage>| -> Result<Arc<LoadedImage>> {
            if img.reduction > 1 && self.kind.needs_images() {
                let full = crate::io::load_image(&img.path, &crate::io::LoadOptions::default())?;
                Ok(Arc::new(full))
            } else {
                Ok(Arc::clone(img))
            }
        };
        let (before, after) = (whole(&self.before)?, whole(&self.after)?);
        let after_aligned = if self.kind.needs_images() {
            export::align_after(&before.rgb, &after.rgb, &self.project)
        } else {
            image::RgbImage::new(0, 0)
        };
        job.check()?;
        let input = ExportInput {
            project: &self.project,
            essay: &self.essay,
            before: &before.rgb,
            after_aligned: &after_aligned,
        };
        match self.kind {
            ExportKind::AnnotatedImage => {
                let img = export::annotated_image(&input, Base::Before);
                set.write(&path, &export::encode_image(&img, &path)?)?;
            }
            ExportKind::SideBySide => {
                let img = export::side_by_side(&input);
                set.write(&path, &export::encode_image(&img, &path)?)?;
            }
            ExportKind::Slides => {
                export::stage_slides(&input, Base::Before, &slide_paths, &set, job)?;
            }
            ExportKind::RevealGif | ExportKind::RevealApng => {
                let frames = export::reveal_frames(&input, &export::RevealOptions::default());
                let bytes = if self.kind == ExportKind::RevealGif {
                    export::encode_gif(&frames, job)
                } else {
                    export::encode_apng(&frames, job)
                }
                .with_context(|| format!("animation {}", path.display()))?;
                set.write(&path, &bytes)?;
            }
            ExportKind::PdfA4 | ExportKind::PdfLetter => {
                let size = if self.kind == ExportKind::PdfA4 {
                    PageSize::A4
                } else {
                    PageSize::Letter
                };
                let bytes = export::pdf_handout(&input, Base::Before, size, job)
                    .with_context(|| format!("PDF {}", path.display()))?;
                set.write(&path, &bytes)?;
            }
            ExportKind::Worksheet => {
                let bytes = export::pdf::pdf_worksheet(&input, PageSize::A4, job)
                    .with_context(|| format!("PDF {}", path.display()))?;
                set.write(&path, &bytes)?;
            }
            ExportKind::WebAnnotation => {
                let value = export::web_annotation(
                    &self.project,
                    &self.essay,
                    &export::WebAnnotationOptions::default(),
                );
                let text = serde_json::to_string_pretty(&value)
                    .context("serialising the Web Annotation")?;
                set.write(&path, text.as_bytes())?;
            }
            ExportKind::Csv => set.write(&path, export::csv(&self.project).as_bytes())?,
            ExportKind::LessonPage | ExportKind::QuizPage => {
                let options = export::LessonOptions {
                    quiz: self.kind == ExportKind::QuizPage,
                    ..export::LessonOptions::default()
                };
                let html = export::lesson_page(&input, &options)
                    .with_context(|| format!("HTML page {}", path.display()))?;
                set.write(&path, html.as_bytes())?;
            }
        }
        job.check()?;
        Ok(set.commit()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_names_carry_the_filter_extension() {
        for kind in ExportKind::ALL {
            let name = kind.default_name("podium");
            let (_, exts) = kind.filter();
            match exts.first() {
                Some(ext) => assert!(name.ends_with(&format!(".{ext}")), "{name}"),
                None => assert!(!name.contains('.'), "{name}"),
            }
        }
    }

    #[test]
    fn a_chosen_path_without_extension_gets_one() {
        let p = ExportKind::PdfA4.with_extension(PathBuf::from("/tmp/handout"));
        assert_eq!(p, PathBuf::from("/tmp/handout.pdf"));
        let p = ExportKind::AnnotatedImage.with_extension(PathBuf::from("/tmp/a.jpg"));
        assert_eq!(p, PathBuf::from("/tmp/a.jpg"));
    }
}
