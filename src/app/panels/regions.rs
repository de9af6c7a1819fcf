//! The regions panel: every region with a thumbnail, its score and area; selecting one
//! highlights it (and frames it in the view); buttons to draw, edit, merge, split, hide and
//! delete regions. Every edit goes through a command and can be undone.

use egui::{Color32, Rect, Sense, Stroke, pos2, vec2};

use super::super::command::Command;
use super::super::palette::region_colour;
use super::super::runtime::Runtime;
use super::super::view::{Tool, ViewState};
use crate::project::{Edit, Origin, Project};

/// Thumbnail side in points.
const THUMB: f32 = 52.0;

/// The accessible label of a region's row.
#[must_use]
pub fn row_label(id: u32) -> String {
    format!("Region {id}")
}

/// Shows the dock's Regions tab: the list, and under it (split by a draggable edge) the
/// selected region's annotation. The annotation scrolls on its own, so a long note never
/// widens the dock or pushes the list away.
pub fn ui(
    ui: &mut egui::Ui,
    project: &Project,
    view: &mut ViewState,
    runtime: &Runtime,
    commands: &mut Vec<Command>,
) {
    let height = ui.available_height();
    egui::Panel::top("region-list")
        .frame(egui::Frame::NONE)
        .resizable(true)
        .default_size((height * 0.45).max(LIST_MIN_HEIGHT))
        .size_range(LIST_MIN_HEIGHT..=(height - ANNOTATION_MIN_HEIGHT).max(LIST_MIN_HEIGHT))
        .show(ui, |ui| list(ui, project, view, runtime, commands));
    ui.add_space(4.0);
    egui::ScrollArea::vertical()
        .id_salt("annotation-scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            super::annotation::ui(ui, project, view, runtime, commands);
            ui.add_space(8.0);
        });
}

/// Least height of the regions list, in points.
const LIST_MIN_HEIGHT: f32 = 140.0;

/// Least height left for the annotation under the list, in points.
const ANNOTATION_MIN_HEIGHT: f32 = 160.0;

/// The heading of one step's regions in a chain's list; clicking it shows that step.
fn step_header(
    ui: &mut egui::Ui,
    project: &Project,
    view: &ViewState,
    step: u32,
    commands: &mut Vec<Command>,
) {
    let n = project.regions_of_step(step).count();
    let text = format!(
        "Gone {} ({})",
        project.step_name(step),
        match n {
            1 => "1 region".to_owned(),
            n => format!("{n} regions"),
        }
    );
    ui.add_space(4.0);
    let shown = view.shows_step(step);
    let heading = ui
        .selectable_label(shown, egui::RichText::new(text).strong())
        .on_hover_text("Show this step");
    if heading.clicked() {
        let s = step as usize;
        commands.push(Command::CompareVersions(s, s + 1));
    }
}

fn list(
    ui: &mut egui::Ui,
    project: &Project,
    view: &mut ViewState,
    runtime: &Runtime,
    commands: &mut Vec<Command>,
) {
    ui.add_space(2.0);
    ui.strong(match project.regions.len() {
        1 => "1 region".to_owned(),
        n => format!("{n} regions"),
    });
    let has_pair = runtime.pair.is_some();
    let n_sel = view.selection.len();
    ui.horizontal_wrapped(|ui| {
        for (tool, label) in [
            (Tool::DrawRect, "+ Rectangle"),
            (Tool::DrawPolygon, "+ Polygon"),
            (Tool::EditVertices, "Edit vertices"),
            (Tool::Cut, "Cut"),
        ] {
            if ui
                .add_enabled(has_pair, egui::Button::selectable(view.tool == tool, label))
                .clicked()
            {
                commands.push(Command::SetTool(if view.tool == tool {
                    Tool::Pan
                } else {
                    tool
                }));
            }
        }
        if ui
            .add_enabled(n_sel >= 2, egui::Button::new("Merge"))
            .on_hover_text("Merge the selected regions (M)")
            .clicked()
        {
            commands.push(Command::MergeSelected);
        }
        if ui
            .add_enabled(n_sel == 1, egui::Button::new("Split"))
            .on_hover_text(
                "Split the selected region across its longer side (K); \
                         to choose where, use Cut and drag a line across it (X)",
            )
            .clicked()
        {
            commands.push(Command::SplitSelected);
        }
        if ui
            .add_enabled(n_sel >= 1, egui::Button::new("Delete"))
            .on_hover_text("Delete the selected regions (Del)")
            .clicked()
        {
            commands.push(Command::DeleteSelected);
        }
    });
    ui.checkbox(&mut view.zoom_to_selection, "Zoom to selected region");
    ui.separator();
    if project.regions.is_empty() {
        ui.label(if runtime.busy() {
            "Looking for changes…"
        } else {
            "No regions. Draw one with + Rectangle or + Polygon, or raise the sensitivity."
        });
    }
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            // A chain lists its regions by the step at which they vanish: who vanished when.
            let mut ordered: Vec<&crate::project::RegionNote> = project.regions.iter().collect();
            ordered.sort_by_key(|r| r.step);
            let mut header: Option<u32> = None;
            for r in ordered {
                if project.is_chain() && header != Some(r.step) {
                    header = Some(r.step);
                    step_header(ui, project, view, r.step, commands);
                }
                let selected = view.selection.contains(&r.id);
                let frame = egui::Frame::new()
                    .inner_margin(4.0)
                    .corner_radius(4.0)
                    .fill(if selected {
                        ui.visuals().selection.bg_fill.gamma_multiply(0.35)
                    } else {
                        Color32::TRANSPARENT
                    });
                frame.show(ui, |ui| {
                    ui.horizontal(|ui| {
                        let (rect, thumb) =
                            ui.allocate_exact_size(vec2(THUMB, THUMB), Sense::click());
                        paint_thumbnail(ui, rect, r, runtime);
                        let thumb = thumb.on_hover_text("Select and zoom");
                        ui.vertical(|ui| {
                            let title = if r.label.is_empty() {
                                row_label(r.id)
                            } else {
                                format!("{} — {}", row_label(r.id), r.label)
                            };
                            let text = egui::RichText::new(title).color(if r.hidden {
                                ui.visuals().weak_text_color()
                            } else {
                                ui.visuals().text_color()
                            });
                            let row = ui.selectable_label(selected, text);
                            let clicked = row.clicked() || thumb.clicked();
                            if clicked {
                                let extend = ui.input(|i| i.modifiers.command || i.modifiers.shift);
                                commands.push(Command::Select { id: r.id, extend });
                                if view.zoom_to_selection && !extend {
                                    commands.push(Command::ZoomToRegion(r.id));
                                }
                            }
                            if row.double_clicked() || thumb.double_clicked() {
                                commands.push(Command::ZoomToRegion(r.id));
                            }
                            let origin = match r.origin {
                                Origin::Detected => format!("score {:.1}", r.score),
                                Origin::Drawn => "drawn".to_owned(),
                                Origin::Edited => format!("edited · score {:.1}", r.score),
                            };
                            ui.small(format!("{origin} · {:.0} px²", r.area_px));
                            let eye = if r.hidden { "Show" } else { "Hide" };
                            if ui
                                .small_button(eye)
                                .on_hover_text(format!("{eye} region {}", r.id))
                                .clicked()
                            {
                                commands.push(Command::Edit(Edit::SetHidden {
                                    id: r.id,
                                    hidden: !r.hidden,
                                }));
                            }
                        });
                    });
                });
            }
        });
}

fn paint_thumbnail(ui: &egui::Ui, rect: Rect, r: &crate::project::RegionNote, runtime: &Runtime) {
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 3.0, ui.visuals().extreme_bg_color);
    let Some(pair) = &runtime.pair else {
        return;
    };
    let b = r.bbox;
    let side = (b.width.max(b.height) * 1.3).max(8.0) as f32;
    let c = b.center();
    let src = Rect::from_center_size(pos2(c[0] as f32 + 0.5, c[1] as f32 + 0.5), vec2(side, side));
    let scale = rect.width() / side;
    let map = |p: egui::Pos2| rect.min + (p - src.min) * scale;
    pair.before_tex
        .paint(&painter, &map, src, 1, Color32::WHITE);
    let pts: Vec<egui::Pos2> = r
        .polygon
        .iter()
        .map(|p| map(pos2(p[0] as f32 + 0.5, p[1] as f32 + 0.5)))
        .collect();
    painter.add(egui::Shape::closed_line(
        pts,
        Stroke::new(1.5, region_colour(r.id)),
    ));
    painter.rect_stroke(
        rect,
        3.0,
        Stroke::new(1.0, ui.visuals().widgets.noninteractive.bg_stroke.color),
        egui::StrokeKind::Inside,
    );
}
