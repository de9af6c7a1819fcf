//! The status bar: image sizes, zoom, the cursor's position in both images with the pixel
//! values there, and the current job's progress.

use super::super::Runtime;
use super::super::view::ViewState;
use crate::project::Project;

/// Shows the status bar.
pub fn ui(ui: &mut egui::Ui, project: &Project, view: &ViewState, runtime: &Runtime) {
    egui::Panel::bottom("status-bar").show(ui, |ui| {
        ui.horizontal(|ui| {
            let Some(pair) = &runtime.pair else {
                ui.label("No pair open — File > Open pair…, or drop two images on the window");
                return;
            };
            ui.label(format!(
                "Before {}×{}  ·  After {}×{}",
                pair.before.width(),
                pair.before.height(),
                pair.after.width(),
                pair.after.height()
            ));
            ui.separator();
            ui.label(format!(
                "Zoom {:.0} %",
                view.camera.zoom * ui.ctx().pixels_per_point() * 100.0
            ));
            ui.separator();
            match view.hover {
                Some(p) => {
                    let b = (p.x.floor() as i64, p.y.floor() as i64);
                    let t = runtime.before_from_after(project, view.manual.preview.as_ref());
                    let a = t
                        .inverse()
                        .and_then(|inv| inv.apply(f64::from(p.x) - 0.5, f64::from(p.y) - 0.5))
                        .map(|(x, y)| ((x + 0.5).floor() as i64, (y + 0.5).floor() as i64));
                    ui.monospace(format!(
                        "before ({}, {}) {}",
                        b.0,
                        b.1,
                        pixel(&pair.before.rgb, b)
                    ));
                    ui.separator();
                    match a {
                        Some(a) => ui.monospace(format!(
                            "after ({}, {}) {}",
                            a.0,
                            a.1,
                            pixel(&pair.after.rgb, a)
                        )),
                        None => ui.monospace("after —"),
                    };
                }
                None => {
                    ui.label("Point at the image to read positions and pixel values");
                }
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
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
                    ));
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
            });
        });
    });
}

fn pixel(img: &image::RgbImage, (x, y): (i64, i64)) -> String {
    match (u32::try_from(x), u32::try_from(y)) {
        (Ok(x), Ok(y)) if x < img.width() && y < img.height() => {
            let p = img.get_pixel(x, y).0;
            format!("RGB {:3} {:3} {:3}", p[0], p[1], p[2])
        }
        _ => "outside".to_owned(),
    }
}
