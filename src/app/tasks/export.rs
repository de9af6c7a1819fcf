//! The export task: one export at a time on its own named thread, with the images the app
//! already decoded, so the window stays responsive. The drawing and the atomic writes are the
//! export module's ([`crate::export`]); this module only runs them and reports.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};

use crate::essay::Essay;
use crate::export::{self, Base, ExportInput, PageSize};
use crate::io::LoadedImage;
use crate::project::Project;

/// Seconds the "Saved to …" message stays up.
const MESSAGE_SECS: u64 = 8;

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
    /// The regions as a W3C Web Annotation collection (JSON-LD).
    WebAnnotation,
    /// The regions as CSV.
    Csv,
}

impl ExportKind {
    /// Every kind, in menu order.
    pub const ALL: [ExportKind; 9] = [
        ExportKind::AnnotatedImage,
        ExportKind::SideBySide,
        ExportKind::Slides,
        ExportKind::RevealGif,
        ExportKind::RevealApng,
        ExportKind::PdfA4,
        ExportKind::PdfLetter,
        ExportKind::WebAnnotation,
        ExportKind::Csv,
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
            ExportKind::WebAnnotation => "Web Annotation",
            ExportKind::Csv => "CSV of the regions",
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
            ExportKind::PdfA4 | ExportKind::PdfLetter => ("PDF document", &["pdf"]),
            ExportKind::WebAnnotation => ("JSON-LD", &["jsonld", "json"]),
            ExportKind::Csv => ("CSV", &["csv"]),
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
            ExportKind::WebAnnotation => format!("{stem}-annotations.jsonld"),
            ExportKind::Csv => format!("{stem}-regions.csv"),
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

/// An export's outcome, for the message.
struct Outcome {
    kind: ExportKind,
    result: Result<Vec<PathBuf>>,
    elapsed: Duration,
}

/// The export running in the background, if any, and the latest result.
pub struct Exports {
    tx: SyncSender<Outcome>,
    rx: Receiver<Outcome>,
    running: Option<(ExportKind, PathBuf, Instant)>,
    message: Option<(String, Instant)>,
}

impl Default for Exports {
    fn default() -> Self {
        let (tx, rx) = sync_channel(4);
        Self {
            tx,
            rx,
            running: None,
            message: None,
        }
    }
}

impl Exports {
    /// Starts `job` on its own named thread.
    ///
    /// # Errors
    /// The thread could not be started; the message is for the user.
    pub fn start(&mut self, ctx: &egui::Context, job: ExportJob) -> Result<(), String> {
        let (kind, path) = (job.kind, job.path.clone());
        let tx = self.tx.clone();
        let repaint = ctx.clone();
        super::spawn::named("palimpsest-export", move || {
            let started = Instant::now();
            let result = job.run();
            let _ = tx.send(Outcome {
                kind,
                result,
                elapsed: started.elapsed(),
            });
            repaint.request_repaint();
        })
        .map_err(|e| format!("Could not start the export: {e}"))?;
        self.running = Some((kind, path, Instant::now()));
        self.message = None;
        Ok(())
    }

    /// What is being exported, if anything.
    #[must_use]
    pub fn running_kind(&self) -> Option<ExportKind> {
        self.running.as_ref().map(|(kind, _, _)| *kind)
    }

    /// Collects a finished export: a "Saved … to …" message, or the error for the message bar
    /// (returned). Also lets the message expire.
    pub fn poll(&mut self) -> Option<String> {
        let mut error = None;
        if let Ok(outcome) = self.rx.try_recv() {
            let folder = self
                .running
                .take()
                .map(|(_, path, _)| path)
                .unwrap_or_default();
            match outcome.result {
                Ok(written) => {
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
                        Instant::now(),
                    ));
                }
                Err(e) => {
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
            .is_some_and(|(_, at)| at.elapsed() > Duration::from_secs(MESSAGE_SECS))
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
            .map(|(kind, path, at)| (*kind, path.as_path(), *at))
    }

    /// How long the latest success message has left on screen, with the message.
    #[must_use]
    pub fn message_left(&self) -> Option<(&str, Duration)> {
        self.message.as_ref().map(|(m, at)| {
            (
                m.as_str(),
                Duration::from_secs(MESSAGE_SECS).saturating_sub(at.elapsed()),
            )
        })
    }

    /// Whether an export is running.
    #[must_use]
    pub fn busy(&self) -> bool {
        self.running.is_some()
    }

    /// The latest success message ("Saved … to …"), while it is shown.
    #[must_use]
    pub fn message(&self) -> Option<&str> {
        self.message.as_ref().map(|(m, _)| m.as_str())
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
    /// Draws and writes the export; returns the files written.
    fn run(self) -> Result<Vec<PathBuf>> {
        let path = self.path.clone();
        let after_aligned = if self.kind.needs_images() {
            export::align_after(&self.before.rgb, &self.after.rgb, &self.project)
        } else {
            image::RgbImage::new(0, 0)
        };
        let input = ExportInput {
            project: &self.project,
            essay: &self.essay,
            before: &self.before.rgb,
            after_aligned: &after_aligned,
        };
        match self.kind {
            ExportKind::AnnotatedImage => {
                export::save_rgb(&export::annotated_image(&input, Base::Before), &path)?;
            }
            ExportKind::SideBySide => export::save_rgb(&export::side_by_side(&input), &path)?,
            ExportKind::Slides => {
                let refs: Vec<&Path> = self.sources.iter().map(PathBuf::as_path).collect();
                return export::write_slides(&input, Base::Before, &path, &refs);
            }
            ExportKind::RevealGif | ExportKind::RevealApng => {
                let frames = export::reveal_frames(&input, &export::RevealOptions::default());
                if self.kind == ExportKind::RevealGif {
                    export::write_gif(&frames, &path)?;
                } else {
                    export::write_apng(&frames, &path)?;
                }
            }
            ExportKind::PdfA4 | ExportKind::PdfLetter => {
                let size = if self.kind == ExportKind::PdfA4 {
                    PageSize::A4
                } else {
                    PageSize::Letter
                };
                let bytes = export::pdf_handout(&input, Base::Before, size)
                    .with_context(|| format!("PDF {}", path.display()))?;
                export::write_atomic(&path, &bytes)?;
            }
            ExportKind::WebAnnotation => {
                let value = export::web_annotation(
                    &self.project,
                    &self.essay,
                    &export::WebAnnotationOptions::default(),
                );
                let text = serde_json::to_string_pretty(&value)
                    .context("serialising the Web Annotation")?;
                export::write_atomic(&path, text.as_bytes())?;
            }
            ExportKind::Csv => export::write_atomic(&path, export::csv(&self.project).as_bytes())?,
        }
        Ok(vec![path])
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
