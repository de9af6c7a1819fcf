//! Commands: everything a menu, a button, a key or a drag on the image can ask for, and what
//! background work reports. They are values; `command_handling` carries them out.
//!
//! Menus, toolbar buttons and shortcuts send the same [`Command`]; [`SHORTCUTS`] is the single
//! table used by key handling, menu labels and the help overlay.

use std::path::PathBuf;

use egui::{Key, KeyboardShortcut, Modifiers};

use super::settings::Theme;
use super::view::{Tool, ViewMode, ViewState};
use crate::geometry::Model;
use crate::params::Params;
use crate::project::Edit;

/// Which image of the pair (the document's own [`crate::project::Which`]).
pub use crate::project::Which as Side;

/// Something to do with the project file, the recovery file, or an answer to one of the
/// questions this module asks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileAction {
    /// Save to the current project file (asks for one when there is none).
    Save,
    /// Save to a file chosen in a dialog.
    SaveAs,
    /// Restore the autosaved document offered at start.
    Restore,
    /// Delete the autosaved document offered at start and open what was asked for.
    DiscardRecovery,
    /// Unsaved-changes prompt: save, then go on.
    SaveThenContinue,
    /// Unsaved-changes prompt: throw the changes away and go on.
    DiscardThenContinue,
    /// Unsaved-changes prompt: do nothing.
    CancelPrompt,
    /// Opening a project: point an image at another file, chosen in a dialog.
    Relocate(Side),
    /// Opening a project: go on, accepting images that changed since it was saved.
    ContinueOpen,
    /// Opening a project: give up; the open document stays.
    CancelOpen,
}

/// What the presenter can ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PresentAction {
    /// The next step (→, PageDown, Space, Enter, a click on the right half).
    Next,
    /// The previous step (←, PageUp, Backspace, Shift+Space, a click on the left half).
    Previous,
    /// The title view (Home).
    First,
    /// The last region (End).
    Last,
    /// Cross-fade to the original, or back to the doctored print (R).
    ToggleReveal,
    /// Blank the screen, or show it again (B, or any key while blank).
    ToggleBlank,
    /// Leave presentation mode (Esc).
    Leave,
    /// Close the presenter view and go on presenting without it.
    ClosePresenter,
}

/// What a student does in the spot-the-change quiz.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum QuizAction {
    /// A click or a dragged box on the doctored print, in the original's pixels.
    Mark(crate::export::quiz::Mark),
    /// Take back the last mark (Ctrl+Z).
    Undo,
    /// Take back one mark (a click on it), by its index.
    Remove(usize),
    /// Show the answers and the score.
    Reveal,
    /// After the reveal, switch between the doctored print and the original.
    ToggleOriginal,
    /// Clear the marks and play again.
    Restart,
    /// Leave the quiz (Esc).
    Leave,
}

/// What the app opens on start.
#[derive(Clone, Debug)]
pub enum Start {
    /// The bundled sample pair.
    Sample,
    /// Two images.
    Pair(PathBuf, PathBuf),
    /// A saved project.
    Project(PathBuf),
}

/// Something the user asked for.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Compare two versions of the chain (numbers from 0, the earlier first).
    CompareVersions(usize, usize),
    /// Show the step before the one shown (or the first).
    PreviousStep,
    /// Show the step after the one shown.
    NextStep,
    /// Ask for two images with a file dialog.
    OpenPairDialog,
    /// Open a pair.
    OpenPair(PathBuf, PathBuf),
    /// Ask for a project with a file dialog.
    OpenProjectDialog,
    /// Open a saved project.
    OpenProject(PathBuf),
    /// Replace one image of the pair with a dialog.
    ReplaceImageDialog(Side),
    /// Files dropped on the window (`None`) or on one pane.
    Dropped(Vec<PathBuf>, Option<Side>),
    /// Open an entry of the recent-pairs list.
    OpenRecent(usize),
    /// Exchange before and after.
    SwapPair,
    /// Align and analyse again from scratch.
    Reanalyze,
    /// Switch the view mode.
    SetMode(ViewMode),
    /// Choose a tool.
    SetTool(Tool),
    /// Fit the image in the view.
    Fit,
    /// Show image pixels at this many screen pixels each (1.0 = 100 %).
    ZoomScale(f32),
    /// Zoom in or out about the view's centre.
    ZoomBy(f32),
    /// Select a region; `extend` adds it to the selection.
    Select {
        /// Region number.
        id: u32,
        /// Add to (or remove from) the selection instead of replacing it.
        extend: bool,
    },
    /// Select nothing.
    ClearSelection,
    /// Frame a region in the view.
    ZoomToRegion(u32),
    /// Change the document by one edit that asks nothing more of the app: draw a region,
    /// move its outline, hide it, set its label, note or tags, link it to the essay, set the
    /// title or an image's provenance. Typing and dragging merge into one undo step by the
    /// edit's own key ([`Edit::history_merge_key`]); an edit that adds a region selects it.
    Edit(Edit),
    /// Delete the selected regions.
    DeleteSelected,
    /// Merge the selected regions.
    MergeSelected,
    /// Split the selected region in two across its middle.
    SplitSelected,
    /// Split a region in two along a drawn cut line (before-image pixels).
    SplitAlong {
        /// Region number.
        id: u32,
        /// One end of the cut.
        from: [f64; 2],
        /// The other end.
        to: [f64; 2],
    },
    /// Change the detection parameters (re-runs detection in the background).
    SetParams(Params),
    /// Add an area never reported as changed.
    AddIgnoreArea(Vec<[f64; 2]>),
    /// Add several ignore areas at once (one painted stroke).
    AddIgnoreAreas(Vec<Vec<[f64; 2]>>),
    /// Remove every ignore area.
    ClearIgnoreAreas,
    /// Run detection again on the current change map.
    Redetect {
        /// Replace the detected regions with the result.
        apply_regions: bool,
    },
    /// Record a clicked point for manual alignment.
    AlignPoint(Side, [f64; 2]),
    /// Remove the last manual point.
    UndoAlignPoint,
    /// Forget the manual points.
    ClearAlignPoints,
    /// Choose the model fitted to manual points.
    SetManualModel(Option<Model>),
    /// Use the manual fit and analyse again with it.
    ApplyManualAlignment,
    /// Go back to automatic alignment.
    UseAutomaticAlignment,
    /// Undo the last document change.
    Undo,
    /// Redo.
    Redo,
    /// Choose the colour theme.
    SetTheme(Theme),
    /// Change the UI scale by a factor (1.0 resets it).
    UiScale(f32),
    /// Show or hide the help overlay.
    ToggleHelp,
    /// Hide the help overlay.
    CloseHelp,
    /// Show or hide the loupe.
    ToggleLoupe,
    /// Show or hide region outlines.
    ToggleOutlines,
    /// Show a message in the error bar (for mistakes made with a tool).
    ShowError(String),
    /// Dismiss the error message.
    DismissError,
    /// Save, Save As, restore an autosave, or answer a question about unsaved changes or a
    /// project's images.
    Persist(FileAction),
    /// Enter presentation mode (full screen, from the title view).
    StartPresentation,
    /// Enter presentation mode with the presenter view in a second window (Alt+F5).
    StartPresenterView,
    /// Start the spot-the-change quiz on the doctored print (*Analysis > Spot the change*).
    StartQuiz,
    /// Mark, undo, reveal, start again or leave in the quiz.
    Quiz(QuizAction),
    /// Step, reveal, blank or leave in presentation mode.
    Present(PresentAction),
    /// Ask where to export, then export in the background.
    ExportDialog(super::tasks::export::ExportKind),
    /// Export to this file (or folder, for slides) in the background.
    Export(super::tasks::export::ExportKind, PathBuf),
    /// Stop the export running in the background; nothing of it is written.
    CancelExport,
    /// Select every region linked to an essay passage (a click on a marked passage).
    SelectLinked(String),
    /// Ask for an essay (Markdown) with a file dialog.
    LoadEssayDialog,
    /// Use the essay at this path, or the bundled essay (`None`).
    SetEssay(Option<PathBuf>),
    /// Show the essay in the dock, or go back to the tab shown before it.
    ToggleEssay,
    /// Expand or collapse the right-hand dock.
    ToggleDock,
    /// Expand the dock on this tab.
    ShowDockTab(super::view::DockTab),
    /// Hide or bring back everything but the pictures (menu bar, toolbar, dock).
    TogglePicturesOnly,
    /// Show or hide the project info window.
    ToggleProjectInfo,
    /// Close the window.
    Quit,
    /// A background analysis reported progress or a result.
    Worker(super::worker::Event),
}

/// Merge key meaning "never record in history" (undo and redo themselves, new documents,
/// results of background work).
pub use crate::project::NO_HISTORY;

impl Command {
    /// How this command's document change is recorded: `None` for its own undo step, a key for
    /// steps that merge with immediately preceding ones of the same key, or [`NO_HISTORY`].
    #[must_use]
    pub fn history_merge_key(&self) -> Option<&'static str> {
        match self {
            Command::Undo
            | Command::Redo
            | Command::OpenPair(..)
            | Command::OpenProject(_)
            | Command::Dropped(..)
            | Command::OpenRecent(_)
            | Command::Persist(_)
            | Command::Worker(_)
            | Command::SwapPair
            | Command::CompareVersions(..)
            | Command::PreviousStep
            | Command::NextStep => Some(NO_HISTORY),
            Command::Edit(edit) => edit.history_merge_key(),
            Command::SetParams(_) => Some("params"),
            _ => None,
        }
    }
}

/// A keyboard shortcut with the command it sends and a line for the help overlay.
pub struct Shortcut {
    /// The keys.
    pub keys: KeyboardShortcut,
    /// What it does.
    pub command: fn() -> Command,
    /// Help text.
    pub help: &'static str,
}

const fn ks(modifiers: Modifiers, key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(modifiers, key)
}

/// Every shortcut. Mode keys 1–6 are added from [`ViewMode::ALL`].
pub const SHORTCUTS: &[Shortcut] = &[
    Shortcut {
        keys: ks(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::S),
        command: || Command::Persist(FileAction::SaveAs),
        help: "Save the project as…",
    },
    Shortcut {
        keys: ks(Modifiers::COMMAND, Key::S),
        command: || Command::Persist(FileAction::Save),
        help: "Save the project",
    },
    Shortcut {
        keys: ks(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::O),
        command: || Command::OpenProjectDialog,
        help: "Open a project",
    },
    Shortcut {
        keys: ks(Modifiers::COMMAND, Key::O),
        command: || Command::OpenPairDialog,
        help: "Open a pair of images",
    },
    Shortcut {
        keys: ks(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::Z),
        command: || Command::Redo,
        help: "Redo",
    },
    Shortcut {
        keys: ks(Modifiers::COMMAND, Key::Y),
        command: || Command::Redo,
        help: "Redo",
    },
    Shortcut {
        keys: ks(Modifiers::COMMAND, Key::Z),
        command: || Command::Undo,
        help: "Undo",
    },
    Shortcut {
        keys: ks(Modifiers::COMMAND, Key::Q),
        command: || Command::Quit,
        help: "Quit",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::F),
        command: || Command::Fit,
        help: "Fit the image in the view",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::Num0),
        command: || Command::ZoomScale(1.0),
        help: "Zoom to 100 %",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::Plus),
        command: || Command::ZoomBy(1.25),
        help: "Zoom in",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::Equals),
        command: || Command::ZoomBy(1.25),
        help: "Zoom in",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::Minus),
        command: || Command::ZoomBy(0.8),
        help: "Zoom out",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::L),
        command: || Command::ToggleLoupe,
        help: "Loupe on/off",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::O),
        command: || Command::ToggleOutlines,
        help: "Region outlines on/off",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::S),
        command: || Command::SwapPair,
        help: "Swap before and after",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::Delete),
        command: || Command::DeleteSelected,
        help: "Delete the selected regions",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::Backspace),
        command: || Command::DeleteSelected,
        help: "Delete the selected regions",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::M),
        command: || Command::MergeSelected,
        help: "Merge the selected regions",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::K),
        command: || Command::SplitSelected,
        help: "Split the selected region",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::X),
        command: || Command::SetTool(Tool::Cut),
        help: "Cut the selected region along a dragged line",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::V),
        command: || Command::SetTool(Tool::Pan),
        help: "Pan / select tool",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::R),
        command: || Command::SetTool(Tool::DrawRect),
        help: "Draw a rectangle region",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::P),
        command: || Command::SetTool(Tool::DrawPolygon),
        help: "Draw a polygon region (double-click or Enter closes)",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::E),
        command: || Command::SetTool(Tool::EditVertices),
        help: "Edit the selected region's vertices",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::Escape),
        command: || Command::ClearSelection,
        help: "Cancel drawing, clear the selection",
    },
    // Before plain F5, which would match Alt+F5 too.
    Shortcut {
        keys: ks(Modifiers::ALT, Key::F5),
        command: || Command::StartPresenterView,
        help: "Present with the presenter view: notes, next region and a timer in a second window",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::F5),
        command: || Command::StartPresentation,
        help: "Present full screen (presentation keys: see below)",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::F11),
        command: || Command::TogglePicturesOnly,
        help: "Pictures only: hide the menus, toolbar and side panel, and bring them back",
    },
    Shortcut {
        keys: ks(Modifiers::COMMAND, Key::E),
        command: || Command::ToggleEssay,
        help: "Show the essay in the side panel, or go back",
    },
    Shortcut {
        keys: ks(Modifiers::COMMAND, Key::I),
        command: || Command::ToggleProjectInfo,
        help: "Project info (title, sources, credits)",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::OpenBracket),
        command: || Command::PreviousStep,
        help: "Previous step of a version chain",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::CloseBracket),
        command: || Command::NextStep,
        help: "Next step of a version chain",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::F1),
        command: || Command::ToggleHelp,
        help: "This help",
    },
    Shortcut {
        keys: ks(Modifiers::SHIFT, Key::Questionmark),
        command: || Command::ToggleHelp,
        help: "This help",
    },
    Shortcut {
        keys: ks(Modifiers::NONE, Key::Questionmark),
        command: || Command::ToggleHelp,
        help: "This help",
    },
];

/// The shortcut text of the first shortcut sending `command`, for menus.
#[must_use]
pub fn shortcut_text(ctx: &egui::Context, command: &Command) -> Option<String> {
    SHORTCUTS
        .iter()
        .find(|s| &(s.command)() == command)
        .map(|s| ctx.format_shortcut(&s.keys))
}

/// Reads this frame's shortcuts. Keys are left alone while a text field has focus.
#[must_use]
pub fn shortcuts(ctx: &egui::Context, view: &ViewState) -> Vec<Command> {
    let mut out = Vec::new();
    if ctx.text_edit_focused() || typed_last_frame(ctx) {
        return out;
    }
    ctx.input_mut(|i| {
        for s in SHORTCUTS {
            if i.consume_shortcut(&s.keys) {
                out.push((s.command)());
            }
        }
        for mode in ViewMode::ALL {
            if i.consume_key(Modifiers::NONE, mode.key()) {
                out.push(Command::SetMode(mode));
            }
        }
    });
    // Escape first abandons a sketch in progress.
    if out.contains(&Command::ClearSelection) && !view.sketch.points.is_empty() {
        out.retain(|c| c != &Command::ClearSelection);
        out.push(Command::SetTool(view.tool));
    }
    out
}

fn typing_id() -> egui::Id {
    egui::Id::unique("palimpsest-text-field-focused")
}

/// Records, at the end of a frame, whether a text field has the focus. Escape takes the focus
/// away before the next frame's widgets run, so without this the Escape that leaves a field
/// would also clear the selection.
pub fn note_typing(ctx: &egui::Context) {
    let typing = ctx.text_edit_focused();
    ctx.data_mut(|d| d.insert_temp(typing_id(), typing));
}

fn typed_last_frame(ctx: &egui::Context) -> bool {
    ctx.data(|d| d.get_temp::<bool>(typing_id()))
        .unwrap_or(false)
}
