//! The toolbar: open, swap, the six view modes, zoom, tools, undo/redo and the job indicator.

use super::super::history::History;
use super::super::view::{Tool, ViewMode, ViewState};
use super::super::{Command, Runtime};

/// Shows the toolbar.
pub fn ui(
    ui: &mut egui::Ui,
    view: &ViewState,
    runtime: &Runtime,
    history: &History,
    commands: &mut Vec<Command>,
) {
    let has_pair = runtime.pair.is_some();
    egui::Panel::top("toolbar").show(ui, |ui| {
        ui.add_space(3.0);
        ui.horizontal_wrapped(|ui| {
            if ui
                .button("📂 Open…")
                .on_hover_text("Open a pair of images (Ctrl+O)")
                .clicked()
            {
                commands.push(Command::OpenPairDialog);
            }
            if ui
                .add_enabled(has_pair, egui::Button::new("🔀 Swap"))
                .on_hover_text("Swap before and after (S)")
                .clicked()
            {
                commands.push(Command::SwapPair);
            }
            ui.separator();
            for mode in ViewMode::ALL {
                let key = format!("{:?}", mode.key());
                let r = ui
                    .selectable_label(view.mode == mode, mode.label())
                    .on_hover_text(format!(
                        "{} view (key {})",
                        mode.label(),
                        key.trim_start_matches("Num")
                    ));
                if r.clicked() {
                    commands.push(Command::SetMode(mode));
                }
            }
            ui.separator();
            if ui
                .button("Fit")
                .on_hover_text("Fit the image (F)")
                .clicked()
            {
                commands.push(Command::Fit);
            }
            if ui
                .button("100 %")
                .on_hover_text("One image pixel per screen pixel (0)")
                .clicked()
            {
                commands.push(Command::ZoomScale(1.0));
            }
            egui::ComboBox::from_id_salt("zoom-presets")
                .selected_text(format!(
                    "{:.0} %",
                    view.camera.zoom * ui.ctx().pixels_per_point() * 100.0
                ))
                .width(76.0)
                .show_ui(ui, |ui| {
                    for (label, s) in [
                        ("25 %", 0.25),
                        ("50 %", 0.5),
                        ("100 %", 1.0),
                        ("200 %", 2.0),
                        ("400 %", 4.0),
                        ("800 %", 8.0),
                    ] {
                        if ui.selectable_label(false, label).clicked() {
                            commands.push(Command::ZoomScale(s));
                        }
                    }
                })
                .response
                .on_hover_text("Zoom presets");
            ui.separator();
            for (tool, icon) in [
                (Tool::Pan, "✋"),
                (Tool::DrawRect, "⬜"),
                (Tool::DrawPolygon, "⬟"),
                (Tool::EditVertices, "✏"),
                (Tool::Cut, "✂"),
                (Tool::IgnoreBox, "🚫"),
                (Tool::IgnorePaint, "🖊"),
                (Tool::AlignPoints, "📍"),
            ] {
                let r = ui
                    .add_enabled(has_pair, egui::Button::selectable(view.tool == tool, icon))
                    .on_hover_text(tool.label());
                r.widget_info(|| {
                    egui::WidgetInfo::selected(
                        egui::Role::Button,
                        true,
                        view.tool == tool,
                        tool.label(),
                    )
                });
                if r.clicked() {
                    commands.push(Command::SetTool(tool));
                }
            }
            ui.separator();
            if ui
                .add_enabled(history.can_undo(), egui::Button::new("↺"))
                .on_hover_text("Undo (Ctrl+Z)")
                .clicked()
            {
                commands.push(Command::Undo);
            }
            if ui
                .add_enabled(history.can_redo(), egui::Button::new("↻"))
                .on_hover_text("Redo (Ctrl+Shift+Z)")
                .clicked()
            {
                commands.push(Command::Redo);
            }
            ui.separator();
            let loupe = ui
                .selectable_label(view.loupe, "🔍")
                .on_hover_text("Loupe: a magnifier showing both images (L)");
            loupe.widget_info(|| {
                egui::WidgetInfo::selected(egui::Role::Button, true, view.loupe, "Loupe")
            });
            if loupe.clicked() {
                commands.push(Command::ToggleLoupe);
            }
            if ui
                .add_enabled(has_pair, egui::Button::new("▶ Present"))
                .on_hover_text("Present full screen, one region at a time (F5; Esc leaves)")
                .clicked()
            {
                commands.push(Command::StartPresentation);
            }
            if ui
                .button("?")
                .on_hover_text("Keys and mouse (F1)")
                .clicked()
            {
                commands.push(Command::ToggleHelp);
            }
            if let Some(job) = &runtime.job {
                ui.separator();
                ui.spinner();
                let stage = if job.stage.is_empty() {
                    job.label.as_str()
                } else {
                    job.stage.as_str()
                };
                ui.add(
                    egui::ProgressBar::new(job.fraction)
                        .desired_width(140.0)
                        .text(format!("{stage}…")),
                )
                .on_hover_text("Working in the background; the window stays usable");
            }
            super::export::toolbar_status(ui, runtime);
        });
        ui.add_space(2.0);
    });
}
