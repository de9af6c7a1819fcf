//! The right-hand dock: one resizable panel with three tabs, so that the pictures keep most of
//! the window. *Regions* lists the regions and, under the list, edits the selected region's
//! annotation; *Essay* shows the essay the notes link to; *Analysis* holds the alignment,
//! detection and view settings. The dock collapses to a narrow rail of tab icons; its width is
//! egui's own panel state, kept with the window's other state between runs, and bounded so that
//! the pictures always keep at least three fifths of the window and the dock stays a readable
//! column on a large screen.

use egui::Rect;

use super::super::command::Command;
use super::super::runtime::Runtime;
use super::super::view::{DockTab, ViewState};
use crate::project::Project;

/// Narrowest the dock can be dragged, in points.
pub const MIN_WIDTH: f32 = 260.0;

/// Widest the dock can be dragged on a large screen: a comfortable measure of body text.
pub const READABLE_WIDTH: f32 = 480.0;

/// Largest share of the window's width the dock may take.
pub const MAX_SHARE: f32 = 0.38;

/// The width the dock opens at the first time, for a window `window_width` points wide.
#[must_use]
pub fn default_width(window_width: f32) -> f32 {
    (window_width * 0.25)
        .clamp(280.0, 400.0)
        .min(max_width(window_width))
}

/// The widest the dock may be in a window `window_width` points wide.
#[must_use]
pub fn max_width(window_width: f32) -> f32 {
    (window_width * MAX_SHARE).clamp(MIN_WIDTH, READABLE_WIDTH)
}

/// The accessible name of the button that collapses the dock.
pub const COLLAPSE_LABEL: &str = "Collapse the side panel";

/// The accessible name of the rail button that opens the dock on `tab`.
#[must_use]
pub fn open_label(tab: DockTab) -> String {
    format!("Open the side panel on {}", tab.label())
}

/// Shows the dock (or its rail) and returns the rectangle it took.
pub fn ui(
    ui: &mut egui::Ui,
    project: &Project,
    view: &mut ViewState,
    runtime: &Runtime,
    commands: &mut Vec<Command>,
) -> Rect {
    let window = ui.ctx().content_rect().width();
    if !view.chrome.dock_open {
        return rail(ui, view, commands);
    }
    egui::Panel::right("dock")
        .resizable(true)
        .default_size(default_width(window))
        .size_range(MIN_WIDTH..=max_width(window))
        .show(ui, |ui| {
            ui.add_space(4.0);
            tab_bar(ui, view, commands);
            ui.separator();
            // The tab draws in exactly the space left, clipped to it, so nothing in it (a wide
            // slider, a long word) can widen the dock and shrink the pictures.
            let rect = ui.available_rect_before_wrap();
            let mut tab_ui = ui.new_child(
                egui::UiBuilder::new()
                    .max_rect(rect)
                    .layout(egui::Layout::top_down(egui::Align::Min)),
            );
            tab_ui.set_clip_rect(rect.intersect(ui.clip_rect()));
            let tab = &mut tab_ui;
            match view.chrome.dock_tab {
                DockTab::Regions => super::regions::ui(tab, project, view, runtime, commands),
                DockTab::Essay => super::essay::ui(tab, project, view, runtime, commands),
                DockTab::Analysis => super::inspector::ui(tab, project, view, runtime, commands),
            }
            ui.advance_cursor_after_rect(rect);
        })
        .response
        .rect
}

fn tab_bar(ui: &mut egui::Ui, view: &ViewState, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        for tab in DockTab::ALL {
            let selected = view.chrome.dock_tab == tab;
            let text = egui::RichText::new(tab.label()).strong();
            let response = ui.add(egui::Button::selectable(selected, text));
            response.widget_info(|| {
                egui::WidgetInfo::selected(egui::Role::Tab, true, selected, tab.label())
            });
            if response.clicked() {
                commands.push(Command::ShowDockTab(tab));
            }
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .small_button("»")
                .on_hover_text("Collapse the side panel (F11 hides every panel)")
                .accessible_name(COLLAPSE_LABEL)
                .clicked()
            {
                commands.push(Command::ToggleDock);
            }
        });
    });
}

/// The collapsed dock: one icon per tab, and a button to expand it again.
fn rail(ui: &mut egui::Ui, view: &ViewState, commands: &mut Vec<Command>) -> Rect {
    egui::Panel::right("dock-rail")
        .resizable(false)
        .exact_size(34.0)
        .show(ui, |ui| {
            ui.add_space(4.0);
            ui.vertical_centered(|ui| {
                if ui
                    .small_button("«")
                    .on_hover_text("Expand the side panel")
                    .accessible_name("Expand the side panel")
                    .clicked()
                {
                    commands.push(Command::ToggleDock);
                }
                ui.add_space(6.0);
                for tab in DockTab::ALL {
                    let selected = view.chrome.dock_tab == tab;
                    let response = ui
                        .add(egui::Button::selectable(selected, tab.icon()))
                        .on_hover_text(tab.label());
                    let name = open_label(tab);
                    response.widget_info(|| {
                        egui::WidgetInfo::selected(egui::Role::Tab, true, selected, &name)
                    });
                    if response.clicked() {
                        commands.push(Command::ShowDockTab(tab));
                    }
                }
            });
        })
        .response
        .rect
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dock_leaves_the_pictures_three_fifths_and_stays_readable() {
        for w in [
            720.0, 1024.0, 1280.0, 1366.0, 1440.0, 1920.0, 2560.0, 3840.0,
        ] {
            let (default, max) = (default_width(w), max_width(w));
            assert!(
                default <= max && max <= READABLE_WIDTH,
                "{w}: {default} {max}"
            );
            if w >= 1024.0 {
                assert!(w - max >= 0.6 * w, "{w}: the dock at its widest, {max}");
            }
        }
        assert!((default_width(1366.0) - 341.5).abs() < 1.0);
    }
}
