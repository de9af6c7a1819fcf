//! The status bar: image sizes, zoom, the cursor's position in both images with the pixel
//! values there, and the current job's progress.

use super::super::command::Command;
use super::super::runtime::Runtime;
use super::super::view::ViewState;
use crate::project::Project;

/// Shows the status bar and returns where it was drawn. The job's progress, the region count
/// and a running export (with its Cancel button, which sends [`Command::CancelExport`]) are
/// drawn first, at the right; the sizes, zoom and cursor readout take the rest and are
/// shortened with "…" in a narrow window rather than drawn under them.
pub fn ui(
    ui: &mut egui::Ui,
    project: &Project,
    view: &ViewState,
    runtime: &Runtime,
    commands: &mut Vec<Command>,
) -> egui::Rect {
    egui::Panel::bottom("status-bar")
        .show(ui, |ui| {
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                right(ui, project, runtime, commands);
                ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                    left(ui, project, view, runtime);
                });
            });
        })
        .response
        .rect
}

fn right(ui: &mut egui::Ui, project: &Project, runtime: &Runtime, commands: &mut Vec<Command>) {
    if let Some(job) = &runtime.job {
        let stage = if job.stage.is_empty() {
            &job.label
        } else {
            &job.stage
        };
        ui.label(format!(
            "{stage} {:.0} % · {:.1} s",
            job.fraction * 100.0,
            job.started.elapsed().as_secs_f32()
        ))
        .on_hover_text("Working in the background; the window stays usable");
        ui.spinner();
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_millis(250));
    } else if let Some(a) = &runtime.analysis {
        ui.label(format!(
            "{} region(s) · analysed in {:.2} s",
            project.regions.iter().filter(|r| !r.hidden).count(),
            a.timings.total_secs
        ));
    }
    super::export::status(ui, runtime, commands);
}

fn left(ui: &mut egui::Ui, project: &Project, view: &ViewState, runtime: &Runtime) {
    let short = |ui: &mut egui::Ui, text: String| {
        ui.add(egui::Label::new(text).truncate());
    };
    let mono = |ui: &mut egui::Ui, text: String| {
        ui.add(egui::Label::new(egui::RichText::new(text).monospace()).truncate());
    };
    let Some(pair) = &runtime.pair else {
        short(
            ui,
            "No pair open — File > Open pair…, or drop two images on the window".to_owned(),
        );
        return;
    };
    short(
        ui,
        format!(
            "Before {}×{}  ·  After {}×{}",
            pair.before.full_size.0,
            pair.before.full_size.1,
            pair.after.full_size.0,
            pair.after.full_size.1
        ),
    );
    ui.separator();
    short(
        ui,
        format!(
            "Zoom {:.0} %",
            view.camera.zoom * ui.ctx().pixels_per_point() * 100.0
        ),
    );
    ui.separator();
    match view.hover {
        Some(p) => {
            let b = (p.x.floor() as i64, p.y.floor() as i64);
            let t = runtime.before_from_after(project, view.manual.preview.as_ref());
            let a = t
                .inverse()
                .and_then(|inv| inv.apply(f64::from(p.x) - 0.5, f64::from(p.y) - 0.5))
                .map(|(x, y)| ((x + 0.5).floor() as i64, (y + 0.5).floor() as i64));
            mono(
                ui,
                format!("before ({}, {}) {}", b.0, b.1, pixel(&pair.before, b)),
            );
            ui.separator();
            match a {
                Some(a) => mono(
                    ui,
                    format!("after ({}, {}) {}", a.0, a.1, pixel(&pair.after, a)),
                ),
                None => mono(ui, "after —".to_owned()),
            }
        }
        None => short(
            ui,
            "Point at the image to read positions and pixel values".to_owned(),
        ),
    }
}

/// The colour of the image's pixel `(x, y)` (in the file's pixels).
fn pixel(img: &crate::io::LoadedImage, (x, y): (i64, i64)) -> String {
    let p = u32::try_from(x)
        .ok()
        .zip(u32::try_from(y).ok())
        .and_then(|(x, y)| img.pixel_at(x, y));
    match p {
        Some(p) => format!("RGB {:3} {:3} {:3}", p[0], p[1], p[2]),
        None => "outside".to_owned(),
    }
}
