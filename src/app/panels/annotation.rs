//! The annotation editor: for the selected region, its label (who or what), its note (several
//! lines of light Markdown, with a preview), its tags and its links to essay passages, added
//! from a searchable picker that lists the revisionism section first.
//!
//! Every edit goes out as a [`Command`], so it is undoable; typing merges into one undo step per
//! field. The editor shows one region at a time and changes nothing itself.

use egui::text::LayoutJob;

use super::super::command::Command;
use super::super::palette::region_colour;
use super::super::runtime::Runtime;
use super::super::view::{DockTab, ViewState};
use super::essay::{TextLook, append_spans};
use crate::essay::{Essay, Passage, PassageKind, anchor_within};
use crate::project::{Edit, Project, RegionNote, Tag};

/// Most results the link picker lists.
const MAX_RESULTS: usize = 80;

/// The accessible name of the button that removes a link.
#[must_use]
pub fn remove_link_label(description: &str) -> String {
    format!("Remove link to {description}")
}

/// The text a passage has in the link picker: a bullet is marked `•`, a long paragraph is
/// shortened.
#[must_use]
pub fn picker_text(p: &Passage) -> String {
    let text = p.plain_text();
    match p.kind {
        PassageKind::Heading(_) => text,
        PassageKind::Bullet => format!("• {text}"),
        PassageKind::Paragraph => shorten(&text, 90),
    }
}

/// The first `max` characters of `text`, with `…` when cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max).collect();
        format!("{}…", cut.trim_end())
    }
}

/// Shows the editor for the selected region.
pub fn ui(
    ui: &mut egui::Ui,
    project: &Project,
    view: &mut ViewState,
    runtime: &Runtime,
    commands: &mut Vec<Command>,
) {
    let essay = runtime.essay.essay();
    let ids: Vec<u32> = view.selection.iter().copied().collect();
    let region = match ids.as_slice() {
        [] => {
            ui.weak("Select a region to write its label, note, tags and links.");
            return;
        }
        [id] => project.region(*id),
        many => {
            ui.weak(format!(
                "{} regions selected: select one to annotate it.",
                many.len()
            ));
            return;
        }
    };
    let Some(r) = region else {
        return;
    };
    ui.horizontal(|ui| {
        let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
        ui.painter().rect_filled(rect, 2.0, region_colour(r.id));
        ui.strong(format!("Annotation of region {}", r.id));
    });
    label_and_note(ui, r, commands);
    tags(ui, r, commands);
    links(ui, r, essay, view, commands);
}

fn label_and_note(ui: &mut egui::Ui, r: &RegionNote, commands: &mut Vec<Command>) {
    let caption = ui.label("Label");
    let mut label = r.label.clone();
    let edit = ui
        .add(
            egui::TextEdit::singleline(&mut label)
                .id_salt(("annotation-label", r.id))
                .hint_text("Who or what, e.g. Leon Trotsky")
                .desired_width(f32::INFINITY),
        )
        .labelled_by(caption.id);
    if edit.changed() {
        commands.push(Command::Edit(Edit::SetLabel { id: r.id, label }));
    }
    ui.add_space(4.0);
    let caption = ui.label("Note");
    let mut note = r.note.clone();
    let edit = ui
        .add(
            egui::TextEdit::multiline(&mut note)
                .id_salt(("annotation-note", r.id))
                .hint_text("What changed and why it matters. *italic*, **bold**, - bullets")
                .desired_rows(4)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(caption.id);
    if edit.changed() {
        commands.push(Command::Edit(Edit::SetNote { id: r.id, note }));
    }
    if !r.note.trim().is_empty() {
        egui::Frame::new()
            .inner_margin(6.0)
            .corner_radius(4.0)
            .fill(ui.visuals().faint_bg_color)
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                let job = note_job(ui, &r.note, ui.available_width());
                ui.add(egui::Label::new(job).selectable(true));
            });
    }
}

/// The note in light Markdown: emphasis, code, and lines starting `- ` or `* ` as bullets.
#[must_use]
pub fn note_job(ui: &egui::Ui, note: &str, width: f32) -> LayoutJob {
    let look = TextLook::body(ui);
    let mut job = LayoutJob::default();
    let mut first = true;
    for line in note.trim_end().lines() {
        if !first {
            job.append("\n", 0.0, egui::TextFormat::default());
        }
        first = false;
        let trimmed = line.trim_start();
        let (prefix, rest) = match trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
        {
            Some(rest) => ("  • ", rest),
            None => ("", line),
        };
        if !prefix.is_empty() {
            let format = egui::TextFormat {
                font_id: egui::FontId::proportional(look.size),
                color: look.colour,
                ..Default::default()
            };
            job.append(prefix, 0.0, format);
        }
        append_spans(&mut job, &crate::essay::spans(rest), &look);
    }
    job.wrap.max_width = width.max(20.0);
    job
}

fn tags(ui: &mut egui::Ui, r: &RegionNote, commands: &mut Vec<Command>) {
    ui.add_space(4.0);
    ui.label("Tags");
    ui.horizontal_wrapped(|ui| {
        for tag in Tag::ALL {
            let mut on = r.tags.contains(&tag);
            if ui.toggle_value(&mut on, tag.label()).changed() {
                let tags: Vec<Tag> = Tag::ALL
                    .into_iter()
                    .filter(|t| if *t == tag { on } else { r.tags.contains(t) })
                    .collect();
                commands.push(Command::Edit(Edit::SetTags { id: r.id, tags }));
            }
        }
    });
}

fn links(
    ui: &mut egui::Ui,
    r: &RegionNote,
    essay: &Essay,
    view: &mut ViewState,
    commands: &mut Vec<Command>,
) {
    ui.add_space(4.0);
    ui.label("Links to the essay");
    if r.links.is_empty() {
        ui.weak("None yet.");
    }
    for anchor in &r.links {
        // Wrapped, so a long passage never widens the dock.
        ui.horizontal_wrapped(|ui| {
            let description = essay.describe(anchor);
            let remove_name = remove_link_label(description.as_deref().unwrap_or(anchor));
            if ui
                .small_button("×")
                .on_hover_text("Remove this link")
                .accessible_name(remove_name)
                .clicked()
            {
                commands.push(Command::Edit(Edit::RemoveLink {
                    id: r.id,
                    anchor: anchor.clone(),
                }));
            }
            match (description, essay.find(anchor)) {
                (Some(d), Some(p)) => {
                    let text = egui::RichText::new(shorten(&p.plain_text(), 60));
                    let shown = ui.add(egui::Link::new(text)).on_hover_text(d);
                    if shown.clicked() {
                        view.chrome.show_tab(DockTab::Essay);
                        view.notes.scroll_to = Some(anchor.clone());
                    }
                }
                _ => {
                    ui.colored_label(ui.visuals().warn_fg_color, "⚠")
                        .on_hover_text("This passage is not in the essay shown; the link is kept");
                    ui.weak(anchor);
                }
            }
        });
    }
    let toggle = ui.add(egui::Button::selectable(
        view.notes.picker_open,
        "+ Link to a passage…",
    ));
    if toggle.clicked() {
        view.notes.picker_open = !view.notes.picker_open;
    }
    if view.notes.picker_open {
        picker(ui, r, essay, view, commands);
    }
}

/// The searchable list of passages, the revisionism section first.
fn picker(
    ui: &mut egui::Ui,
    r: &RegionNote,
    essay: &Essay,
    view: &mut ViewState,
    commands: &mut Vec<Command>,
) {
    ui.add(
        egui::TextEdit::singleline(&mut view.notes.picker_query)
            .id_salt("link-picker-query")
            .hint_text("Search the essay")
            .desired_width(f32::INFINITY),
    )
    .accessible_name("Search the essay");
    let results = essay.search(&view.notes.picker_query);
    let featured = essay.revisionism_anchor();
    if results.is_empty() {
        ui.weak("No passage has all these words.");
        return;
    }
    egui::Frame::new()
        .inner_margin(4.0)
        .corner_radius(4.0)
        .stroke(ui.visuals().widgets.noninteractive.bg_stroke)
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("link-picker-results")
                .max_height(240.0)
                .auto_shrink([false, true])
                .show(ui, |ui| {
                    let mut in_featured = None;
                    for p in results.iter().take(MAX_RESULTS) {
                        let here = featured.is_some_and(|f| anchor_within(&p.anchor, f));
                        if in_featured != Some(here) {
                            in_featured = Some(here);
                            ui.weak(if here {
                                "Historical revisionism"
                            } else {
                                "Elsewhere in the essay"
                            });
                        }
                        result_row(ui, p, r, essay, commands);
                    }
                });
        });
}

fn result_row(
    ui: &mut egui::Ui,
    p: &Passage,
    r: &RegionNote,
    essay: &Essay,
    commands: &mut Vec<Command>,
) {
    let linked = r.links.iter().any(|l| l == &p.anchor);
    let mut text = egui::RichText::new(picker_text(p));
    if p.is_heading() {
        text = text.strong();
    }
    let button = ui
        .add(egui::Button::selectable(linked, text).wrap_mode(egui::TextWrapMode::Wrap))
        .on_hover_text(essay.describe(&p.anchor).unwrap_or_default());
    if button.clicked() {
        let anchor = p.anchor.clone();
        commands.push(if linked {
            Command::Edit(Edit::RemoveLink { id: r.id, anchor })
        } else {
            Command::Edit(Edit::AddLink { id: r.id, anchor })
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picker_text_marks_bullets_and_shortens_paragraphs() {
        let essay = Essay::parse(&format!("# T\n\n## A\n\n- one\n\n{}\n", "word ".repeat(40)));
        let bullet = essay.find("a/1").unwrap();
        assert_eq!(picker_text(bullet), "• one");
        let para = essay.find("a/p1").unwrap();
        let shown = picker_text(para);
        assert!(
            shown.ends_with('…') && shown.chars().count() <= 91,
            "{shown}"
        );
        let heading = essay.find("a").unwrap();
        assert_eq!(picker_text(heading), "A");
    }
}
