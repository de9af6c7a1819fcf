//! The project info window: the project's title and, for each image, where it comes from, its
//! date, the archive or collection holding it, the photographer or credit line, its licence and
//! a free note, plus the file and its SHA-256 for reference. Every edit goes out as a
//! [`Command`] and can be undone; typing merges into one step per field. It reads no files.

use super::super::command::Command;
use super::super::runtime::Runtime;
use super::super::view::ViewState;
use crate::project::{Edit, ImageMeta, Project, Which};

/// The editable provenance fields, with their captions.
const FIELDS: [(&str, Field); 6] = [
    ("Source", Field::Source),
    ("Date", Field::Date),
    ("Archive or collection", Field::Archive),
    ("Photographer or credit", Field::Credit),
    ("Licence", Field::Licence),
    ("Note", Field::Note),
];

/// One field of [`ImageMeta`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Source,
    Date,
    Archive,
    Credit,
    Licence,
    Note,
}

impl Field {
    fn of(self, meta: &mut ImageMeta) -> &mut String {
        match self {
            Field::Source => &mut meta.source,
            Field::Date => &mut meta.date,
            Field::Archive => &mut meta.archive,
            Field::Credit => &mut meta.credit,
            Field::Licence => &mut meta.licence,
            Field::Note => &mut meta.note,
        }
    }
}

/// The accessible name of a provenance field, e.g. "before image: Licence".
#[must_use]
pub fn field_label(which: Which, caption: &str) -> String {
    format!("{} image: {caption}", which.name())
}

/// Shows the project info window (when open).
pub fn ui(
    ctx: &egui::Context,
    project: &Project,
    view: &mut ViewState,
    runtime: &Runtime,
    commands: &mut Vec<Command>,
) {
    let mut open = view.notes.info_open;
    egui::Window::new("Project info")
        .open(&mut open)
        .default_width(640.0)
        .resizable(true)
        .collapsible(false)
        .show(ctx, |ui| contents(ui, project, runtime, commands));
    view.notes.info_open = open;
}

fn contents(ui: &mut egui::Ui, project: &Project, runtime: &Runtime, commands: &mut Vec<Command>) {
    let caption = ui.strong("Title");
    let mut title = project.title.clone();
    let edit = ui
        .add(
            egui::TextEdit::singleline(&mut title)
                .id_salt("project-title")
                .hint_text("The lesson or case, e.g. Sverdlov Square, 5 May 1920")
                .desired_width(f32::INFINITY),
        )
        .labelled_by(caption.id);
    if edit.changed() {
        commands.push(Command::Edit(Edit::SetTitle(title)));
    }
    ui.add_space(6.0);
    let column = ((ui.available_width() - 150.0) / 2.0).max(160.0);
    egui::Grid::new("image-provenance")
        .num_columns(3)
        .spacing([10.0, 6.0])
        .striped(true)
        .show(ui, |ui| {
            ui.label("");
            ui.strong("Before (the original)");
            ui.strong("After (the doctored print)");
            ui.end_row();
            ui.weak("File");
            for which in Which::BOTH {
                file_cell(ui, project, which, column);
            }
            ui.end_row();
            for (caption, field) in FIELDS {
                ui.label(caption);
                for which in Which::BOTH {
                    let mut meta = project.image(which).meta.clone();
                    let value = field.of(&mut meta);
                    let edit = if field == Field::Note {
                        egui::TextEdit::multiline(value).desired_rows(2)
                    } else {
                        egui::TextEdit::singleline(value)
                    };
                    let response = ui
                        .add(
                            edit.id_salt(("provenance", which.name(), caption))
                                .desired_width(column),
                        )
                        .accessible_name(field_label(which, caption));
                    if response.changed() {
                        commands.push(Command::Edit(Edit::SetImageMeta { which, meta }));
                    }
                }
                ui.end_row();
            }
        });
    ui.add_space(6.0);
    ui.horizontal_wrapped(|ui| {
        ui.weak("Essay:");
        match runtime.essay.path() {
            Some(p) => ui.weak(p.display().to_string()),
            None => ui.weak("the bundled essay"),
        };
    });
}

fn file_cell(ui: &mut egui::Ui, project: &Project, which: Which, width: f32) {
    let entry = project.image(which);
    ui.vertical(|ui| {
        ui.set_max_width(width);
        if entry.is_unset() {
            ui.weak("none");
            return;
        }
        let name = entry.path.file_name().map_or_else(
            || entry.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        ui.label(name)
            .on_hover_text(entry.path.display().to_string());
        if let Some(sha) = &entry.sha256 {
            let short: String = sha.chars().take(16).collect();
            ui.weak(format!("SHA-256 {short}…")).on_hover_text(sha);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_maps_to_its_own_string() {
        let mut meta = ImageMeta::default();
        for (i, (_, field)) in FIELDS.iter().enumerate() {
            *field.of(&mut meta) = i.to_string();
        }
        assert_eq!(
            [
                &meta.source,
                &meta.date,
                &meta.archive,
                &meta.credit,
                &meta.licence,
                &meta.note
            ],
            ["0", "1", "2", "3", "4", "5"]
        );
        assert_eq!(field_label(Which::After, "Date"), "after image: Date");
    }
}
