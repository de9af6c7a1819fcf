//! Exports from the File menu: the annotated image, the side-by-side composite, the slides, the
//! animated reveal (GIF or APNG), the PDF handout (A4 or Letter), the W3C Web Annotation and the
//! CSV of the regions.
//!
//! Each asks for a destination ([`crate::app::FileDialogs::pick_export_path`] or
//! [`crate::app::FileDialogs::pick_folder`]), refuses a destination that is one of the source
//! images, the project file or the essay, and then runs on its own named thread with the images
//! the app already decoded, so the window stays responsive; the toolbar says "Exporting…" and
//! the result is shown as a message. The drawing and the atomic writes are the export module's
//! ([`crate::export`]); this module only gathers the inputs, schedules and reports.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};

use super::super::{Command, Runtime};
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
        std::thread::Builder::new()
            .name("palimpsest-export".to_owned())
            .spawn(move || {
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

/// The menu entries, inside the File menu.
pub fn menu(ui: &mut egui::Ui, enabled: bool, commands: &mut Vec<Command>) {
    ui.add_enabled_ui(enabled, |ui| {
        ui.menu_button("Export", |ui| {
            let mut entry = |ui: &mut egui::Ui, label: &str, kind: ExportKind| {
                if ui.button(label).clicked() {
                    commands.push(Command::ExportDialog(kind));
                    ui.close();
                }
            };
            entry(ui, "Annotated image…", ExportKind::AnnotatedImage);
            entry(ui, "Side-by-side…", ExportKind::SideBySide);
            entry(ui, "Slides…", ExportKind::Slides);
            ui.menu_button("Reveal animation", |ui| {
                entry(ui, "GIF…", ExportKind::RevealGif);
                entry(ui, "APNG…", ExportKind::RevealApng);
            });
            ui.menu_button("PDF handout", |ui| {
                entry(ui, "A4…", ExportKind::PdfA4);
                entry(ui, "Letter…", ExportKind::PdfLetter);
            });
            entry(ui, "Web Annotation…", ExportKind::WebAnnotation);
            entry(ui, "CSV…", ExportKind::Csv);
        });
    });
}

/// The name exports are given by default: the project file's, else the before image's folder
/// (the pair's name), else the title's.
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

/// Collects a finished export: a "Saved … to …" message, or the error in the message bar.
pub fn poll(runtime: &mut Runtime) {
    let exports = &mut runtime.exports;
    if let Ok(outcome) = exports.rx.try_recv() {
        let folder = exports
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
                exports.message = Some((
                    format!(
                        "Saved the {} to {shown} ({:.1} s)",
                        outcome.kind.label(),
                        outcome.elapsed.as_secs_f32()
                    ),
                    Instant::now(),
                ));
            }
            Err(e) => {
                runtime.error = Some(format!(
                    "Could not export the {}: {e:#}",
                    outcome.kind.label()
                ));
            }
        }
    }
    let exports = &mut runtime.exports;
    if exports
        .message
        .as_ref()
        .is_some_and(|(_, at)| at.elapsed() > Duration::from_secs(MESSAGE_SECS))
    {
        exports.message = None;
    }
}

/// The export's part of the status bar: "Exporting …" and a spinner while one runs.
pub fn status(ui: &mut egui::Ui, runtime: &Runtime) {
    if let Some((kind, path, started)) = &runtime.exports.running {
        ui.label(format!(
            "Exporting the {}… {:.0} s",
            kind.label(),
            started.elapsed().as_secs_f32()
        ))
        .on_hover_text(path.display().to_string());
        ui.spinner();
        ui.separator();
        ui.ctx().request_repaint_after(Duration::from_millis(500));
    }
}

/// The "Saved to …" message, at the bottom of the window until it expires.
pub fn message_ui(ctx: &egui::Context, runtime: &Runtime) {
    let Some((message, at)) = &runtime.exports.message else {
        return;
    };
    egui::Area::new(egui::Id::unique("export-message"))
        .anchor(egui::Align2::CENTER_BOTTOM, [0.0, -40.0])
        .order(egui::Order::Foreground)
        .interactable(false)
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style())
                .inner_margin(10.0)
                .show(ui, |ui| {
                    ui.set_max_width(720.0);
                    ui.horizontal(|ui| {
                        ui.label(
                            egui::RichText::new("✔").color(egui::Color32::from_rgb(90, 180, 110)),
                        );
                        ui.add(egui::Label::new(message.as_str()).wrap());
                    });
                });
        });
    let left = Duration::from_secs(MESSAGE_SECS).saturating_sub(at.elapsed());
    ctx.request_repaint_after(left + Duration::from_millis(50));
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
