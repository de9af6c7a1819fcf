//! The toolbar, one row on a school laptop's screen and on a projector's (1280 points): open,
//! the six view modes, fit and zoom, the drawing tools, undo and redo, the loupe, pictures only,
//! present, and a *More* menu for the rest (ignore areas, align by points, swap, …). Icon-only buttons carry a tooltip and an accessible name. Progress is in the status
//! bar, so a running job never wraps the row.

use egui::Rect;

use super::super::command::Command;
use super::super::runtime::Runtime;
use super::super::view::{Tool, ViewMode, ViewState};
use crate::project::History;

/// The accessible name of the pictures-only button.
pub const PICTURES_ONLY_LABEL: &str = "Pictures only";

/// The accessible name of the *More* menu's button.
pub const MORE_LABEL: &str = "More";

/// Where the toolbar was drawn.
#[derive(Clone, Copy, Debug)]
pub struct Shown {
    /// The whole panel.
    pub panel: Rect,
    /// What its widgets cover.
    pub content: Rect,
    /// The height of one button.
    pub row_height: f32,
}

/// Shows the toolbar.
pub fn ui(
    ui: &mut egui::Ui,
    view: &ViewState,
    runtime: &Runtime,
    history: &History,
    commands: &mut Vec<Command>,
) -> Shown {
    let has_pair = runtime.pair.is_some();
    let inner = egui::Panel::top("toolbar").show(ui, |ui| {
        ui.add_space(3.0);
        let row = ui.horizontal_wrapped(|ui| {
            let open = ui
                .button("📂 Open…")
                .on_hover_text("Open a pair of images (Ctrl+O)");
            if open.clicked() {
                commands.push(Command::OpenPairDialog);
            }
            ui.separator();
            modes(ui, view, commands);
            ui.separator();
            zoom(ui, view, commands);
            ui.separator();
            tools(ui, view, has_pair, commands);
            ui.separator();
            if icon(ui, history.can_undo(), false, "↺", "Undo", "Undo (Ctrl+Z)").clicked() {
                commands.push(Command::Undo);
            }
            if icon(
                ui,
                history.can_redo(),
                false,
                "↻",
                "Redo",
                "Redo (Ctrl+Shift+Z)",
            )
            .clicked()
            {
                commands.push(Command::Redo);
            }
            ui.separator();
            if icon(
                ui,
                true,
                view.loupe,
                "🔍",
                "Loupe",
                "Loupe: a magnifier showing both images (L)",
            )
            .clicked()
            {
                commands.push(Command::ToggleLoupe);
            }
            if icon(
                ui,
                true,
                view.chrome.pictures_only,
                "⛶",
                PICTURES_ONLY_LABEL,
                "Pictures only: hide the menus, toolbar and side panel (F11 brings them back)",
            )
            .clicked()
            {
                commands.push(Command::TogglePicturesOnly);
            }
            if ui
                .add_enabled(has_pair, egui::Button::new("▶ Present"))
                .on_hover_text("Present full screen, one region at a time (F5; Esc leaves)")
                .clicked()
            {
                commands.push(Command::StartPresentation);
            }
            more(ui, view, has_pair, commands);
            open.rect.height()
        });
        ui.add_space(2.0);
        (row.response.rect, row.inner)
    });
    let (content, row_height) = inner.inner;
    Shown {
        panel: inner.response.rect,
        content,
        row_height,
    }
}

/// A small button showing only an icon, with a tooltip and an accessible name.
fn icon(
    ui: &mut egui::Ui,
    enabled: bool,
    selected: bool,
    glyph: &str,
    name: &str,
    hover: &str,
) -> egui::Response {
    let response = ui
        .add_enabled(enabled, egui::Button::selectable(selected, glyph))
        .on_hover_text(hover)
        .on_disabled_hover_text(hover);
    response
        .widget_info(|| egui::WidgetInfo::selected(egui::Role::Button, enabled, selected, name));
    response
}

fn modes(ui: &mut egui::Ui, view: &ViewState, commands: &mut Vec<Command>) {
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
}

fn zoom(ui: &mut egui::Ui, view: &ViewState, commands: &mut Vec<Command>) {
    if ui
        .button("Fit")
        .on_hover_text("Fit the image (F)")
        .clicked()
    {
        commands.push(Command::Fit);
    }
    egui::ComboBox::from_id_salt("zoom-presets")
        .selected_text(format!(
            "{:.0} %",
            view.camera.zoom * ui.ctx().pixels_per_point() * 100.0
        ))
        .width(64.0)
        .show_ui(ui, |ui| {
            for (label, s) in [
                ("25 %", 0.25),
                ("50 %", 0.5),
                ("100 % (0)", 1.0),
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
        .on_hover_text("Zoom: + and − keys, or the wheel over the picture");
}

fn tools(ui: &mut egui::Ui, view: &ViewState, has_pair: bool, commands: &mut Vec<Command>) {
    for (tool, glyph) in [
        (Tool::Pan, "✋"),
        (Tool::DrawRect, "⬜"),
        (Tool::DrawPolygon, "⬟"),
        (Tool::EditVertices, "✏"),
        (Tool::Cut, "✂"),
    ] {
        let selected = view.tool == tool;
        if icon(ui, has_pair, selected, glyph, tool.label(), tool.label()).clicked() {
            commands.push(Command::SetTool(tool));
        }
    }
}

/// The *More* menu: what is used less often, each with its key.
fn more(ui: &mut egui::Ui, view: &ViewState, has_pair: bool, commands: &mut Vec<Command>) {
    let response = ui
        .menu_button("More ⏷", |ui| {
            for (tool, glyph) in [
                (Tool::IgnoreBox, "🚫"),
                (Tool::IgnorePaint, "🖊"),
                (Tool::AlignPoints, "📍"),
            ] {
                let label = format!("{glyph} {}", tool.label());
                let button = egui::Button::selectable(view.tool == tool, label);
                if ui.add_enabled(has_pair, button).clicked() {
                    commands.push(Command::SetTool(tool));
                    ui.close();
                }
            }
            ui.separator();
            let mut entry = |ui: &mut egui::Ui, enabled: bool, label: &str, cmd: Command| {
                let mut button = egui::Button::new(label);
                if let Some(s) = super::super::command::shortcut_text(ui.ctx(), &cmd) {
                    button = button.shortcut_text(s);
                }
                if ui.add_enabled(enabled, button).clicked() {
                    commands.push(cmd);
                    ui.close();
                }
            };
            entry(ui, has_pair, "Swap before and after", Command::SwapPair);
            entry(ui, true, "100 %", Command::ZoomScale(1.0));
            entry(ui, true, "Region outlines on/off", Command::ToggleOutlines);
            entry(ui, true, "Show or hide the essay", Command::ToggleEssay);
            entry(
                ui,
                true,
                "Collapse or expand the side panel",
                Command::ToggleDock,
            );
            entry(ui, true, "Keys and mouse", Command::ToggleHelp);
        })
        .response;
    response
        .on_hover_text("More: ignore areas, align by points, swap, 100 %, outlines, essay, keys")
        .accessible_name(MORE_LABEL);
}
