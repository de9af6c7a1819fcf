//! The essay tab of the dock: the essay the project accompanies, rendered readably (headings by
//! level, paragraphs, bullets, emphasis), beside the images. Passages linked to regions carry a bar in
//! the region's colour and its number; clicking one selects its regions, and selecting a region
//! scrolls the essay to its first linked passage and highlights all of them. Links whose anchor
//! the essay does not have are listed, never dropped.
//!
//! The parsed essays are cached in the runtime ([`super::super::essay_cache::EssayCache`], keyed
//! by path, so nothing is parsed per frame), the view state of the essay, annotation and info
//! panels is [`super::super::view::NotesView`]. This module also holds the small text-layout
//! helpers the annotation editor shares. It
//! parses no Markdown itself (that is [`crate::essay`]) and never changes the document: links and
//! selections go out as [`Command`]s.

use std::collections::BTreeMap;

use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontFamily, FontId, Rect, Sense, Stroke, pos2, vec2};

use super::super::command::Command;
use super::super::palette::region_colour;
use super::super::runtime::Runtime;
use super::super::view::ViewState;
use crate::essay::{Essay, Passage, PassageKind, Span};
use crate::project::{Edit, Project};

/// Family name under which the bold face is added to egui.
const BOLD_FAMILY: &str = "palimpsest-essay-bold";

/// Width of the coloured bar beside a linked passage, in points.
const BAR: f32 = 3.0;

/// Region numbers per anchor, over every link of the project.
fn links_by_anchor(project: &Project) -> BTreeMap<&str, Vec<u32>> {
    let mut map: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for r in &project.regions {
        for l in &r.links {
            let ids = map.entry(l.as_str()).or_default();
            if !ids.contains(&r.id) {
                ids.push(r.id);
            }
        }
    }
    map
}

/// The first passage, in reading order, that region `id` links to.
#[must_use]
pub fn first_linked_passage(project: &Project, essay: &Essay, id: u32) -> Option<String> {
    let region = project.region(id)?;
    region
        .links
        .iter()
        .filter_map(|l| essay.position(l).map(|i| (i, l)))
        .min_by_key(|(i, _)| *i)
        .map(|(_, l)| l.clone())
}

/// One line saying how many links are dangling, e.g. "2 links point to passages not in this
/// essay".
#[must_use]
pub fn dangling_summary(n: usize) -> String {
    if n == 1 {
        "1 link points to a passage not in this essay".to_owned()
    } else {
        format!("{n} links point to passages not in this essay")
    }
}

/// The accessible name of a passage in the panel: its text, and the regions linked to it.
#[must_use]
pub fn passage_label(text: &str, linked: &[u32]) -> String {
    match linked {
        [] => text.to_owned(),
        [one] => format!("{text} (linked to region {one})"),
        many => {
            let ids: Vec<String> = many.iter().map(u32::to_string).collect();
            format!("{text} (linked to regions {})", ids.join(", "))
        }
    }
}

/// Adds the bold face (DejaVu Sans Bold) to egui once; it takes effect from the next frame.
fn install_bold(ctx: &egui::Context) {
    let id = egui::Id::unique(BOLD_FAMILY);
    if ctx.data(|d| d.get_temp::<bool>(id)).unwrap_or(false) {
        return;
    }
    ctx.data_mut(|d| d.insert_temp(id, true));
    ctx.add_font(egui::epaint::text::FontInsert::new(
        BOLD_FAMILY,
        egui::FontData::from_static(crate::fonts::sans_bold_bytes()),
        vec![egui::epaint::text::InsertFontFamily {
            family: FontFamily::Name(BOLD_FAMILY.into()),
            priority: egui::epaint::text::FontPriority::Highest,
        }],
    ));
}

/// The family for bold text: the bold face once installed, the body face before that.
fn bold_family(ctx: &egui::Context) -> FontFamily {
    let family = FontFamily::Name(BOLD_FAMILY.into());
    if ctx.fonts(|f| f.definitions().families.contains_key(&family)) {
        family
    } else {
        FontFamily::Proportional
    }
}

/// How a run of text is set: size, colours and the bold family.
#[derive(Clone, Debug)]
pub struct TextLook {
    /// Font size in points.
    pub size: f32,
    /// Body colour.
    pub colour: Color32,
    /// Colour of bold text.
    pub strong: Color32,
    /// Family of bold text.
    pub bold: FontFamily,
    /// Everything bold (headings).
    pub all_bold: bool,
}

impl TextLook {
    /// Body text in `ui`'s style.
    #[must_use]
    pub fn body(ui: &egui::Ui) -> Self {
        Self {
            size: egui::TextStyle::Body.resolve(ui.style()).size,
            colour: ui.visuals().text_color(),
            strong: ui.visuals().strong_text_color(),
            bold: bold_family(ui.ctx()),
            all_bold: false,
        }
    }

    /// A heading of `level` in `ui`'s style.
    #[must_use]
    pub fn heading(ui: &egui::Ui, level: u8) -> Self {
        let body = Self::body(ui);
        let factor = match level {
            1 => 1.55,
            2 => 1.3,
            3 => 1.12,
            _ => 1.0,
        };
        Self {
            size: body.size * factor,
            colour: body.strong,
            all_bold: true,
            ..body
        }
    }
}

/// Appends styled spans to a layout job.
pub fn append_spans(job: &mut LayoutJob, spans: &[Span], look: &TextLook) {
    for s in spans {
        let bold = s.bold || look.all_bold;
        let (family, size) = if s.code {
            (FontFamily::Monospace, look.size * 0.92)
        } else if bold {
            (look.bold.clone(), look.size)
        } else {
            (FontFamily::Proportional, look.size)
        };
        let format = TextFormat {
            font_id: FontId::new(size, family),
            color: if bold || s.code {
                look.strong
            } else {
                look.colour
            },
            italics: s.italic,
            ..TextFormat::default()
        };
        job.append(&s.text, 0.0, format);
    }
}

/// A layout job of styled spans wrapped at `width`.
#[must_use]
pub fn spans_job(spans: &[Span], look: &TextLook, width: f32) -> LayoutJob {
    let mut job = LayoutJob::default();
    append_spans(&mut job, spans, look);
    job.wrap.max_width = width.max(20.0);
    job
}

/// Colour of a region-number chip's text: dark on light colours, light on dark ones.
fn chip_text_colour(fill: Color32) -> Color32 {
    let [r, g, b, _] = fill.to_array();
    let luma = 0.299 * f32::from(r) + 0.587 * f32::from(g) + 0.114 * f32::from(b);
    if luma > 140.0 {
        Color32::BLACK
    } else {
        Color32::WHITE
    }
}

/// Width and height of one region-number chip.
fn chip_size(ui: &egui::Ui, id: u32) -> egui::Vec2 {
    let font = egui::TextStyle::Small.resolve(ui.style());
    let galley = ui
        .painter()
        .layout_no_wrap(id.to_string(), font, Color32::WHITE);
    vec2(galley.size().x + 10.0, galley.size().y + 2.0)
}

/// Paints region-number chips in a row ending at `right_top`.
fn paint_chips(ui: &egui::Ui, right_top: egui::Pos2, ids: &[u32]) {
    let font = egui::TextStyle::Small.resolve(ui.style());
    let mut x = right_top.x;
    for &id in ids.iter().rev() {
        let size = chip_size(ui, id);
        let rect = Rect::from_min_size(pos2(x - size.x, right_top.y), size);
        let fill = region_colour(id);
        ui.painter().rect_filled(rect, size.y / 2.0, fill);
        ui.painter().text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            id.to_string(),
            font.clone(),
            chip_text_colour(fill),
        );
        x -= size.x + 3.0;
    }
}

/// Shows the essay in the dock's Essay tab.
pub fn ui(
    ui: &mut egui::Ui,
    project: &Project,
    view: &mut ViewState,
    runtime: &Runtime,
    commands: &mut Vec<Command>,
) {
    let essay = runtime.essay.essay();
    header(ui, project, runtime, commands);
    ui.separator();
    egui::ScrollArea::vertical()
        .id_salt("essay-scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| passages(ui, project, essay, view, commands));
}

/// Every frame, shown or not: installs the bold face and, when the selection moves to another
/// region, asks to bring its first passage into view the next time the essay is shown.
pub fn follow_selection(
    ctx: &egui::Context,
    project: &Project,
    runtime: &Runtime,
    view: &mut ViewState,
) {
    install_bold(ctx);
    let essay = runtime.essay.essay();
    let primary = view.selection.iter().next().copied();
    if primary == view.notes.followed {
        return;
    }
    view.notes.followed = primary;
    if let Some(id) = primary
        && let Some(anchor) = first_linked_passage(project, essay, id)
    {
        view.notes.scroll_to = Some(anchor);
    }
}

fn header(ui: &mut egui::Ui, project: &Project, runtime: &Runtime, commands: &mut Vec<Command>) {
    let essay = runtime.essay.essay();
    let source = match runtime.essay.path() {
        None => "the bundled essay".to_owned(),
        Some(p) => p.file_name().map_or_else(
            || p.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        ),
    };
    ui.horizontal_wrapped(|ui| {
        ui.weak("From");
        let shown = ui.weak(&source);
        if let Some(p) = runtime.essay.path() {
            shown.on_hover_text(p.display().to_string());
        }
        if ui
            .small_button("Load…")
            .on_hover_text("Load another essay (Markdown) for this project")
            .clicked()
        {
            commands.push(Command::LoadEssayDialog);
        }
        if project.essay.is_some()
            && ui
                .small_button("Bundled")
                .on_hover_text("Go back to the bundled essay")
                .clicked()
        {
            commands.push(Command::SetEssay(None));
        }
    });
    if let Some(err) = runtime.essay.error() {
        ui.colored_label(ui.visuals().warn_fg_color, err);
    }
    let dangling = project.dangling_links(essay);
    if !dangling.is_empty() {
        egui::CollapsingHeader::new(
            egui::RichText::new(format!("⚠ {}", dangling_summary(dangling.len())))
                .color(ui.visuals().warn_fg_color),
        )
        .id_salt("dangling-links")
        .default_open(false)
        .show(ui, |ui| {
            for d in &dangling {
                ui.horizontal_wrapped(|ui| {
                    if ui.link(format!("Region {}", d.region_id)).clicked() {
                        commands.push(Command::Select {
                            id: d.region_id,
                            extend: false,
                        });
                    }
                    ui.weak(&d.anchor);
                });
            }
            ui.weak(
                "These links are kept in the project: load the essay they were made for to \
                 see their passages again, or remove them in the annotation editor.",
            );
        });
    }
}

fn passages(
    ui: &mut egui::Ui,
    project: &Project,
    essay: &Essay,
    view: &mut ViewState,
    commands: &mut Vec<Command>,
) {
    let linked = links_by_anchor(project);
    let selected: Vec<u32> = view.selection.iter().copied().collect();
    let single = match selected.as_slice() {
        [one] => Some(*one),
        _ => None,
    };
    let width = ui.available_width();
    for (i, p) in essay.passages.iter().enumerate() {
        if p.is_heading() && i > 0 {
            ui.add_space(if p.heading_level() <= Some(2) {
                10.0
            } else {
                6.0
            });
        }
        let ids: &[u32] = linked.get(p.anchor.as_str()).map_or(&[], Vec::as_slice);
        let response = passage(ui, p, ids, &selected, width);
        if view.notes.scroll_to.as_deref() == Some(p.anchor.as_str()) {
            view.notes.scroll_to = None;
            if !ui.clip_rect().contains_rect(response.rect) {
                ui.scroll_to_rect(response.rect, Some(egui::Align::Center));
            }
        }
        if !ids.is_empty() {
            let hover = match ids {
                [one] => format!("Select region {one}"),
                _ => "Select its regions".to_owned(),
            };
            let response = response.on_hover_text(hover);
            if response.clicked() {
                commands.push(Command::SelectLinked(p.anchor.clone()));
            }
            context_menu(&response, p, single, project, commands);
        } else {
            context_menu(&response, p, single, project, commands);
        }
    }
    ui.add_space(12.0);
}

/// Right-click on a passage: link or unlink the selected region.
fn context_menu(
    response: &egui::Response,
    p: &Passage,
    single: Option<u32>,
    project: &Project,
    commands: &mut Vec<Command>,
) {
    let Some(id) = single else {
        return;
    };
    let has = project
        .region(id)
        .is_some_and(|r| r.links.iter().any(|l| l == &p.anchor));
    response.context_menu(|ui| {
        if has {
            if ui
                .button(format!("Remove the link from region {id}"))
                .clicked()
            {
                commands.push(Command::Edit(Edit::RemoveLink {
                    id,
                    anchor: p.anchor.clone(),
                }));
                ui.close();
            }
        } else if ui.button(format!("Link region {id} here")).clicked() {
            commands.push(Command::Edit(Edit::AddLink {
                id,
                anchor: p.anchor.clone(),
            }));
            ui.close();
        }
    });
}

/// Lays out and paints one passage; returns its clickable response.
fn passage(
    ui: &mut egui::Ui,
    p: &Passage,
    ids: &[u32],
    selected: &[u32],
    width: f32,
) -> egui::Response {
    let (look, role) = match p.kind {
        PassageKind::Heading(level) => (TextLook::heading(ui, level), egui::Role::Heading),
        PassageKind::Paragraph => (TextLook::body(ui), egui::Role::Paragraph),
        PassageKind::Bullet => (TextLook::body(ui), egui::Role::ListItem),
    };
    let pad = vec2(8.0, 3.0);
    let indent = if p.kind == PassageKind::Bullet {
        16.0
    } else {
        0.0
    };
    let chips_w: f32 = ids.iter().map(|&id| chip_size(ui, id).x + 3.0).sum();
    let text_w = width - 2.0 * pad.x - indent - chips_w - BAR;
    let galley = ui
        .painter()
        .layout_job(spans_job(&p.spans(), &look, text_w));
    let height = galley.size().y + 2.0 * pad.y;
    let (rect, response) = ui.allocate_exact_size(vec2(width, height), Sense::click());
    let text = p.plain_text();
    response.widget_info(|| egui::WidgetInfo::labeled(role, true, passage_label(&text, ids)));
    if ui.is_rect_visible(rect) {
        let painter = ui.painter();
        let highlighted = ids.iter().any(|id| selected.contains(id));
        if let Some(&first) = ids.first() {
            let colour = region_colour(first);
            let fill = if highlighted {
                ui.visuals().selection.bg_fill.gamma_multiply(0.45)
            } else if response.hovered() {
                colour.gamma_multiply(0.22)
            } else {
                colour.gamma_multiply(0.12)
            };
            painter.rect_filled(rect, 3.0, fill);
            let bar = Rect::from_min_size(rect.min, vec2(BAR, rect.height()));
            painter.rect_filled(bar, 1.0, colour);
            if highlighted {
                painter.rect_stroke(
                    rect,
                    3.0,
                    Stroke::new(1.0, ui.visuals().selection.stroke.color),
                    egui::StrokeKind::Inside,
                );
            }
            paint_chips(ui, pos2(rect.right() - 4.0, rect.top() + pad.y), ids);
        }
        let text_pos = rect.min + vec2(BAR + pad.x + indent, pad.y);
        if p.kind == PassageKind::Bullet {
            let row_h = galley.rows.first().map_or(look.size, |r| r.height());
            painter.circle_filled(
                pos2(text_pos.x - 9.0, text_pos.y + row_h * 0.55),
                2.3,
                look.colour,
            );
        }
        painter.galley(text_pos, galley, look.colour);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_name_the_linked_regions() {
        assert_eq!(passage_label("Text", &[]), "Text");
        assert_eq!(passage_label("Text", &[2]), "Text (linked to region 2)");
        assert_eq!(
            passage_label("Text", &[1, 3]),
            "Text (linked to regions 1, 3)"
        );
        assert_eq!(
            dangling_summary(1),
            "1 link points to a passage not in this essay"
        );
        assert_eq!(
            dangling_summary(3),
            "3 links point to passages not in this essay"
        );
    }

    #[test]
    fn first_linked_passage_is_in_reading_order() {
        let essay = Essay::parse("# T\n\n## A\n\n- one\n- two\n\n## B\n\n- three\n");
        let mut project = Project::default();
        project.regions.push(crate::project::RegionNote {
            id: 1,
            links: vec!["b/1".into(), "gone".into(), "a/2".into()],
            ..Default::default()
        });
        assert_eq!(
            first_linked_passage(&project, &essay, 1).as_deref(),
            Some("a/2")
        );
        assert_eq!(first_linked_passage(&project, &essay, 2), None);
    }
}
