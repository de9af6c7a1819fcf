//! The menu bar: every action has an entry here, with its shortcut shown.

use super::super::command::Command;
use super::super::command::FileAction as Action;
use super::super::command::{Side, shortcut_text};
use super::super::runtime::Runtime;
use super::super::settings::{Settings, Theme};
use super::super::view::{DockTab, Tool, ViewMode, ViewState};
use crate::project::Project;

fn item(ui: &mut egui::Ui, label: &str, cmd: Command, enabled: bool, commands: &mut Vec<Command>) {
    let mut button = egui::Button::new(label);
    if let Some(s) = shortcut_text(ui.ctx(), &cmd) {
        button = button.shortcut_text(s);
    }
    if ui.add_enabled(enabled, button).clicked() {
        commands.push(cmd);
        ui.close();
    }
}

/// The "Open recent project" submenu: project files from the data folder's list.
fn recent_projects(ui: &mut egui::Ui, runtime: &Runtime, commands: &mut Vec<Command>) {
    ui.menu_button("Open recent project", |ui| {
        let recent = runtime.persist.recent();
        if recent.is_empty() {
            ui.label("No recent projects");
        }
        for path in recent {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if ui
                .button(name)
                .on_hover_text(path.display().to_string())
                .clicked()
            {
                commands.push(Command::OpenProject(path.clone()));
                ui.close();
            }
        }
    });
}

/// Shows the menu bar.
pub fn ui(
    ui: &mut egui::Ui,
    project: &Project,
    view: &ViewState,
    runtime: &Runtime,
    settings: &Settings,
    commands: &mut Vec<Command>,
) {
    let has_pair = runtime.pair.is_some();
    let has_sel = !view.selection.is_empty();
    egui::Panel::top("menu-bar").show(ui, |ui| {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                item(ui, "Open pair…", Command::OpenPairDialog, true, commands);
                item(
                    ui,
                    "Open project…",
                    Command::OpenProjectDialog,
                    true,
                    commands,
                );
                recent_projects(ui, runtime, commands);
                ui.menu_button("Open recent", |ui| {
                    if settings.recent.is_empty() {
                        ui.label("No recent pairs");
                    }
                    for (i, (b, a)) in settings.recent.iter().enumerate() {
                        let name = |p: &std::path::Path| {
                            p.file_name()
                                .map(|n| n.to_string_lossy().into_owned())
                                .unwrap_or_default()
                        };
                        let dir = b
                            .parent()
                            .and_then(|d| d.file_name())
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        let label = format!("{dir}: {} ↔ {}", name(b), name(a));
                        if ui
                            .button(label)
                            .on_hover_text(format!("{}\n{}", b.display(), a.display()))
                            .clicked()
                        {
                            commands.push(Command::OpenRecent(i));
                            ui.close();
                        }
                    }
                });
                ui.separator();
                item(
                    ui,
                    "Save",
                    Command::Persist(Action::Save),
                    has_pair,
                    commands,
                );
                item(
                    ui,
                    "Save as…",
                    Command::Persist(Action::SaveAs),
                    has_pair,
                    commands,
                );
                ui.separator();
                item(
                    ui,
                    "Replace before image…",
                    Command::ReplaceImageDialog(Side::Before),
                    has_pair,
                    commands,
                );
                item(
                    ui,
                    "Replace after image…",
                    Command::ReplaceImageDialog(Side::After),
                    has_pair,
                    commands,
                );
                item(
                    ui,
                    "Swap before and after",
                    Command::SwapPair,
                    has_pair,
                    commands,
                );
                ui.separator();
                item(ui, "Load essay…", Command::LoadEssayDialog, true, commands);
                item(
                    ui,
                    "Use the bundled essay",
                    Command::SetEssay(None),
                    project.essay.is_some(),
                    commands,
                );
                ui.separator();
                super::export::menu(ui, has_pair, commands);
                ui.separator();
                item(ui, "Quit", Command::Quit, true, commands);
            });
            ui.menu_button("Edit", |ui| {
                item(ui, "Undo", Command::Undo, true, commands);
                item(ui, "Redo", Command::Redo, true, commands);
                ui.separator();
                item(
                    ui,
                    "Delete selected regions",
                    Command::DeleteSelected,
                    has_sel,
                    commands,
                );
                item(
                    ui,
                    "Merge selected regions",
                    Command::MergeSelected,
                    view.selection.len() >= 2,
                    commands,
                );
                item(
                    ui,
                    "Split selected region",
                    Command::SplitSelected,
                    view.selection.len() == 1,
                    commands,
                );
                item(
                    ui,
                    "Select none",
                    Command::ClearSelection,
                    has_sel,
                    commands,
                );
                ui.separator();
                for tool in [
                    Tool::Pan,
                    Tool::DrawRect,
                    Tool::DrawPolygon,
                    Tool::EditVertices,
                    Tool::IgnoreBox,
                    Tool::IgnorePaint,
                    Tool::AlignPoints,
                ] {
                    item(ui, tool.label(), Command::SetTool(tool), has_pair, commands);
                }
                ui.separator();
                item(
                    ui,
                    "Clear ignore areas",
                    Command::ClearIgnoreAreas,
                    !project.ignore_areas.is_empty(),
                    commands,
                );
            });
            ui.menu_button("View", |ui| {
                for mode in ViewMode::ALL {
                    let label = format!("{}\t", mode.label());
                    let button = egui::Button::selectable(view.mode == mode, label.trim_end())
                        .shortcut_text(ui.ctx().format_shortcut(&egui::KeyboardShortcut::new(
                            egui::Modifiers::NONE,
                            mode.key(),
                        )));
                    if ui.add(button).clicked() {
                        commands.push(Command::SetMode(mode));
                        ui.close();
                    }
                }
                ui.separator();
                item(
                    ui,
                    "Present full screen",
                    Command::StartPresentation,
                    has_pair,
                    commands,
                );
                item(
                    ui,
                    "Present with presenter view",
                    Command::StartPresenterView,
                    has_pair,
                    commands,
                );
                ui.separator();
                item(ui, "Fit", Command::Fit, true, commands);
                item(ui, "100 %", Command::ZoomScale(1.0), true, commands);
                ui.menu_button("Zoom", |ui| {
                    for (label, s) in [
                        ("25 %", 0.25),
                        ("50 %", 0.5),
                        ("100 %", 1.0),
                        ("200 %", 2.0),
                        ("400 %", 4.0),
                        ("800 %", 8.0),
                    ] {
                        item(ui, label, Command::ZoomScale(s), true, commands);
                    }
                });
                item(ui, "Zoom in", Command::ZoomBy(1.25), true, commands);
                item(ui, "Zoom out", Command::ZoomBy(0.8), true, commands);
                ui.separator();
                item(
                    ui,
                    if view.loupe {
                        "Hide loupe"
                    } else {
                        "Show loupe"
                    },
                    Command::ToggleLoupe,
                    true,
                    commands,
                );
                item(
                    ui,
                    if view.show_outlines {
                        "Hide outlines"
                    } else {
                        "Show outlines"
                    },
                    Command::ToggleOutlines,
                    true,
                    commands,
                );
                item(
                    ui,
                    if view.chrome.showing(DockTab::Essay) {
                        "Hide essay"
                    } else {
                        "Show essay"
                    },
                    Command::ToggleEssay,
                    true,
                    commands,
                );
                ui.separator();
                item(
                    ui,
                    "Pictures only",
                    Command::TogglePicturesOnly,
                    true,
                    commands,
                );
                item(
                    ui,
                    if view.chrome.dock_open {
                        "Collapse side panel"
                    } else {
                        "Expand side panel"
                    },
                    Command::ToggleDock,
                    true,
                    commands,
                );
                for tab in DockTab::ALL {
                    item(
                        ui,
                        &format!("{} tab", tab.label()),
                        Command::ShowDockTab(tab),
                        true,
                        commands,
                    );
                }
                item(
                    ui,
                    "Project info…",
                    Command::ToggleProjectInfo,
                    true,
                    commands,
                );
                ui.separator();
                ui.menu_button("Theme", |ui| {
                    for theme in Theme::ALL {
                        if ui
                            .add(egui::Button::selectable(
                                settings.theme == theme,
                                theme.label(),
                            ))
                            .clicked()
                        {
                            commands.push(Command::SetTheme(theme));
                            ui.close();
                        }
                    }
                });
                let (cmd_plus, cmd_minus, cmd_zero) = (
                    egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::Plus),
                    egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::Minus),
                    egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::Num0),
                );
                for (label, f, ks) in [
                    ("Larger interface", 1.1, cmd_plus),
                    ("Smaller interface", 1.0 / 1.1, cmd_minus),
                    ("Normal interface size", 1.0, cmd_zero),
                ] {
                    if ui
                        .add(egui::Button::new(label).shortcut_text(ui.ctx().format_shortcut(&ks)))
                        .clicked()
                    {
                        commands.push(Command::UiScale(f));
                        ui.close();
                    }
                }
            });
            ui.menu_button("Analysis", |ui| {
                item(ui, "Analyse again", Command::Reanalyze, has_pair, commands);
                item(
                    ui,
                    "Use automatic alignment",
                    Command::UseAutomaticAlignment,
                    has_pair,
                    commands,
                );
                item(
                    ui,
                    "Align by points…",
                    Command::SetTool(Tool::AlignPoints),
                    has_pair,
                    commands,
                );
                ui.separator();
                item(
                    ui,
                    "Spot the change (quiz)",
                    Command::StartQuiz,
                    has_pair,
                    commands,
                );
            });
            ui.menu_button("Help", |ui| {
                item(ui, "Keys and mouse", Command::ToggleHelp, true, commands);
            });
        });
    });
}
