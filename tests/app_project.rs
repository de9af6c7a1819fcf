//! UI tests of projects in the app, headless: Save As writes a file that loads back equal,
//! edits show in the title and undoing them makes the document clean again, a replaced image
//! is reported, a missing one can be relocated, a corrupt file leaves everything as it was,
//! closing with unsaved changes asks first, and the autosave comes and goes.
//!
//! Every test works on copies of the bundled sample pair in a temporary folder and gives the app
//! a private data folder, so nothing outside the test is read or written.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]
#![cfg(feature = "gui")]

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{answer_restore_offer, harness, settle};
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use palimpsest::app::testing::FakeDialogs;
use palimpsest::app::{Command, PalimpsestApp, Start};
use palimpsest::project::{DataDir, Edit, Project};

fn answers(paths: &[&Path]) -> FakeDialogs {
    FakeDialogs {
        answers: paths.iter().map(|p| vec![p.to_path_buf()]).collect(),
    }
}

/// A folder with copies of the sample pair: `(folder, before, after)`.
fn fixture() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let (b, a) = palimpsest::app::sample_pair().expect("bundled sample pair");
    let dir = tempfile::tempdir().unwrap();
    let copy = |src: &Path, stem: &str| {
        let ext = src.extension().unwrap().to_string_lossy().into_owned();
        let dst = dir.path().join(format!("{stem}.{ext}"));
        std::fs::copy(src, &dst).unwrap();
        dst
    };
    let before = copy(&b, "before");
    let after = copy(&a, "after");
    (dir, before, after)
}

/// An app on the fixture's pair, analysed.
fn opened(before: &Path, after: &Path, dialogs: FakeDialogs) -> Harness<'static, PalimpsestApp> {
    let app = PalimpsestApp::new_for_test(
        Start::Pair(before.to_path_buf(), after.to_path_buf()),
        dialogs,
    );
    let mut h = harness(app);
    settle(&mut h);
    assert_eq!(h.state().error(), None);
    assert!(h.state().analysed(), "the pair should be analysed");
    h
}

/// Adds a drawn region in the sky and labels it: two document changes.
fn edit(h: &mut Harness<'_, PalimpsestApp>, label: &str) -> u32 {
    let ctx = h.ctx.clone();
    let n = h.state().regions().len();
    h.state_mut().send(
        &ctx,
        Command::Edit(Edit::AddRegion(vec![
            [10.0, 10.0],
            [60.0, 10.0],
            [60.0, 40.0],
            [10.0, 40.0],
        ])),
    );
    assert_eq!(h.state().regions().len(), n + 1, "the region is added");
    let id = h.state().regions().iter().map(|r| r.id).max().unwrap();
    h.state_mut().send(
        &ctx,
        Command::Edit(Edit::SetLabel {
            id,
            label: label.to_owned(),
        }),
    );
    h.step();
    h.step();
    id
}

/// Saves with Save As (Ctrl+Shift+S), the fake dialog answering `path`.
fn save_as(h: &mut Harness<'_, PalimpsestApp>) {
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    h.step();
    h.step();
}

/// The document as it should read back from its file.
fn assert_loads_equal(path: &Path, project: &Project) {
    let loaded = Project::load(path).expect("the saved project loads");
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    assert_eq!(&loaded.project, project, "the file holds the document");
}

#[test]
fn save_as_writes_a_file_that_loads_equal_and_tracks_unsaved_changes() {
    let (dir, before, after) = fixture();
    let file = dir.path().join("lesson.palimpsest.json");
    let mut h = opened(&before, &after, answers(&[&file]));
    assert!(
        !h.state().is_dirty(),
        "a newly opened pair has nothing to save"
    );
    assert!(!h.state().window_title().contains('•'));

    edit(&mut h, "Leon Trotsky");
    assert!(h.state().is_dirty());
    assert!(
        h.state().window_title().starts_with('•'),
        "unsaved changes show in the title: {}",
        h.state().window_title()
    );

    save_as(&mut h);
    assert_eq!(h.state().error(), None);
    assert!(file.is_file(), "Save As writes the chosen file");
    assert_eq!(h.state().project_path(), Some(file.as_path()));
    assert!(!h.state().is_dirty(), "saved");
    assert_eq!(h.state().window_title(), "lesson — Palimpsest");
    assert_loads_equal(&file, h.state().project());
    let saved = h.state().project().clone();

    // One more change makes it unsaved; undoing it makes it clean again.
    let id = saved.regions.iter().map(|r| r.id).max().unwrap();
    let ctx = h.ctx.clone();
    h.state_mut().send(
        &ctx,
        Command::Edit(Edit::SetNote {
            id,
            note: "Removed after 1927.".to_owned(),
        }),
    );
    h.step();
    assert!(h.state().is_dirty());
    assert!(h.state().window_title().starts_with('•'));
    let title_sent = h.output().viewport_output.values().any(|v| {
        v.commands
            .iter()
            .any(|c| matches!(c, egui::ViewportCommand::Title(t) if t == "• lesson — Palimpsest"))
    });
    assert!(title_sent, "the window's title follows the document");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.step();
    h.step();
    assert_eq!(h.state().project(), &saved);
    assert!(
        !h.state().is_dirty(),
        "undo back to the saved state is clean"
    );
    assert!(!h.state().window_title().contains('•'));

    // Ctrl+S now writes to the same file without asking.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    h.step();
    assert!(h.state().is_dirty());
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.step();
    assert!(!h.state().is_dirty());
    assert_loads_equal(&file, h.state().project());
    assert_eq!(
        Project::load(&file)
            .unwrap()
            .project
            .regions
            .last()
            .unwrap()
            .note,
        "Removed after 1927."
    );
    // The file is in the recent-projects list.
    assert_eq!(
        DataDir::at(h.state().data_dir().root.clone())
            .recent_projects()
            .first(),
        Some(&file)
    );
}

/// Writes a project of the fixture's pair with one labelled region and returns its path.
fn saved_project(dir: &Path, before: &Path, after: &Path) -> PathBuf {
    let file = dir.join("case.palimpsest.json");
    let mut h = opened(before, after, answers(&[&file]));
    edit(&mut h, "Nikolai Yezhov");
    save_as(&mut h);
    assert_eq!(h.state().error(), None);
    assert!(file.is_file());
    file
}

fn open_project(dialogs: FakeDialogs, file: &Path) -> Harness<'static, PalimpsestApp> {
    let app = PalimpsestApp::new_for_test(Start::Project(file.to_path_buf()), dialogs);
    let mut h = harness(app);
    settle(&mut h);
    h
}

#[test]
fn a_replaced_image_is_reported_and_can_be_accepted() {
    let (dir, before, after) = fixture();
    let file = saved_project(dir.path(), &before, &after);
    // Replace the after image with other bytes (the before image).
    std::fs::copy(&before, &after).unwrap();

    let mut h = open_project(FakeDialogs::default(), &file);
    h.get_by_label("After image was replaced or edited");
    assert_eq!(
        h.state().pair_paths(),
        None,
        "nothing opens before the user answers"
    );
    h.get_by_label("Continue with the new file").click();
    h.step();
    settle(&mut h);
    assert_eq!(h.state().error(), None);
    assert!(
        h.query_by_label("After image was replaced or edited")
            .is_none()
    );
    assert_eq!(h.state().project_path(), Some(file.as_path()));
    let project = h.state().project();
    assert!(
        project.regions.iter().any(|r| r.label == "Nikolai Yezhov"),
        "the project's annotations are there"
    );
    assert_eq!(
        project.after.sha256.as_deref(),
        Some(palimpsest::project::sha256_file(&after).unwrap().as_str()),
        "the new file's fingerprint is kept"
    );
    assert!(
        h.state().is_dirty(),
        "the renewed fingerprint is not saved yet"
    );
}

#[test]
fn a_replaced_image_can_be_refused() {
    let (dir, before, after) = fixture();
    let file = saved_project(dir.path(), &before, &after);
    std::fs::copy(&before, &after).unwrap();
    let mut h = open_project(FakeDialogs::default(), &file);
    h.get_by_label("After image was replaced or edited");
    h.get_by_label("Cancel").click();
    h.step();
    settle(&mut h);
    assert_eq!(h.state().pair_paths(), None, "nothing was opened");
    assert_eq!(h.state().project_path(), None);
}

#[test]
fn a_missing_image_can_be_relocated() {
    let (dir, before, after) = fixture();
    let file = saved_project(dir.path(), &before, &after);
    let moved_dir = dir.path().join("moved");
    std::fs::create_dir(&moved_dir).unwrap();
    let moved = moved_dir.join(before.file_name().unwrap());
    std::fs::rename(&before, &moved).unwrap();

    let mut h = open_project(answers(&[&moved]), &file);
    h.get_by_label("Before image is missing");
    assert!(
        h.query_by_label("Open project").is_some(),
        "the open button is there"
    );
    h.get_by_label("Relocate…").click();
    h.step();
    settle(&mut h);
    assert_eq!(h.state().error(), None);
    assert!(h.query_by_label("Before image is missing").is_none());
    let (b, a) = h.state().pair_paths().expect("the project opened");
    assert_eq!((b, a), (moved.clone(), after.clone()));
    assert_eq!(h.state().project().before.path, moved);
    assert!(
        h.state()
            .project()
            .regions
            .iter()
            .any(|r| r.label == "Nikolai Yezhov")
    );
    assert_eq!(h.state().project_path(), Some(file.as_path()));
    assert!(h.state().is_dirty(), "the new location is not saved yet");
}

#[test]
fn a_corrupt_or_newer_project_leaves_the_open_document_and_the_file_alone() {
    let (dir, before, after) = fixture();
    let corrupt = dir.path().join("corrupt.palimpsest.json");
    let corrupt_bytes = b"{\"version\": 1, \"title\": \"half a proj".to_vec();
    std::fs::write(&corrupt, &corrupt_bytes).unwrap();
    let newer = dir.path().join("newer.palimpsest.json");
    let newer_bytes = b"{\"version\": 99, \"title\": \"from the future\"}".to_vec();
    std::fs::write(&newer, &newer_bytes).unwrap();

    let mut h = opened(&before, &after, answers(&[&corrupt, &newer]));
    edit(&mut h, "kept");
    let doc = h.state().project().clone();
    let pair = h.state().pair_paths();

    for (file, bytes, words) in [
        (&corrupt, &corrupt_bytes, "truncated"),
        (&newer, &newer_bytes, "newer"),
    ] {
        h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::O);
        h.step();
        settle(&mut h);
        let error = h.state().error().expect("an error is shown").to_owned();
        assert!(
            error.contains(words) && error.contains(&*file.file_name().unwrap().to_string_lossy()),
            "one readable line naming the file: {error}"
        );
        assert!(!error.contains('\n'), "{error}");
        h.get_by_label_contains(words);
        assert_eq!(h.state().project(), &doc, "the open document is intact");
        assert_eq!(h.state().pair_paths(), pair);
        assert!(h.state().is_dirty(), "and still unsaved");
        assert_eq!(
            &std::fs::read(file).unwrap(),
            bytes,
            "the file is untouched"
        );
        h.get_by_label("Dismiss").click();
        h.step();
    }
}

#[test]
fn closing_with_unsaved_changes_asks_and_cancel_keeps_the_app_open() {
    let (_dir, before, after) = fixture();
    let mut h = opened(&before, &after, FakeDialogs::default());
    edit(&mut h, "Genrikh Yagoda");

    // The window's close button.
    h.input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    h.step();
    let cancelled = h.output().viewport_output.values().any(|v| {
        v.commands
            .iter()
            .any(|c| matches!(c, egui::ViewportCommand::CancelClose))
    });
    assert!(cancelled, "the close is held back");
    h.step();
    h.get_by_label_contains("before closing?");
    assert!(
        h.state().autosaved_at().is_some()
            || DataDir::at(h.state().data_dir().root.clone())
                .find_recovery()
                .is_some(),
        "the changes are autosaved while the question is open"
    );
    h.get_by_label("Cancel").click();
    for _ in 0..20 {
        h.step();
    }
    assert!(h.query_by_label_contains("before closing?").is_none());
    assert!(!h.state().closing(), "the app stays open");
    assert!(h.state().is_dirty(), "with its changes");
    assert!(
        h.state()
            .regions()
            .iter()
            .any(|r| r.label == "Genrikh Yagoda")
    );

    // Quit from the keyboard asks too; Don't save lets it close and drops the autosave.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Q);
    h.step();
    h.step();
    h.get_by_label_contains("before closing?");
    assert!(!h.state().closing());
    h.get_by_label("Don't save").click();
    h.step();
    h.step();
    assert!(h.state().closing(), "Don't save closes");
    let data = DataDir::at(h.state().data_dir().root.clone());
    for _ in 0..100 {
        if data.find_recovery().is_none() {
            break;
        }
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        data.find_recovery().is_none(),
        "discarded changes leave no autosave"
    );
}

#[test]
fn saving_where_it_cannot_be_written_says_so() {
    let (dir, before, after) = fixture();
    // A folder that cannot exist: its parent is a file. (Permissions would not stop root.)
    let blocker = dir.path().join("read-only");
    std::fs::write(&blocker, b"a file, not a folder").unwrap();
    let target = blocker.join("sample.palimpsest.json");
    let mut h = opened(&before, &after, answers(&[&target]));
    edit(&mut h, "unsaved");
    save_as(&mut h);
    let error = h.state().error().expect("a message").to_owned();
    assert!(
        error.contains("Could not save") && error.contains("sample.palimpsest.json"),
        "{error}"
    );
    h.get_by_label_contains("Could not save");
    assert!(h.state().is_dirty(), "still unsaved");
    assert_eq!(h.state().project_path(), None);
}

#[test]
fn opening_another_pair_with_unsaved_changes_asks_first() {
    let (_dir, before, after) = fixture();
    let mut h = opened(&before, &after, answers(&[&after, &before]));
    edit(&mut h, "Kliment Voroshilov");
    let doc = h.state().project().clone();
    // Swap before and after: the document would be replaced.
    let ctx = h.ctx.clone();
    assert!(h.state().is_dirty());
    h.state_mut().send(&ctx, Command::SwapPair);
    h.step();
    h.step();
    h.get_by_label_contains("first?");
    h.get_by_label("Cancel").click();
    h.step();
    settle(&mut h);
    assert_eq!(h.state().project(), &doc, "Cancel keeps the document");
    assert_eq!(
        h.state().pair_paths(),
        Some((before.clone(), after.clone()))
    );

    h.state_mut().send(&ctx, Command::SwapPair);
    h.step();
    h.step();
    h.get_by_label("Don't save").click();
    h.step();
    settle(&mut h);
    assert_eq!(h.state().pair_paths(), Some((after, before)), "swapped");
    assert!(!h.state().is_dirty());
}

#[test]
fn autosave_writes_the_recovery_file_and_a_save_clears_it() {
    let (dir, before, after) = fixture();
    let file = dir.path().join("autosaved.palimpsest.json");
    let app = PalimpsestApp::new_for_test(
        Start::Pair(before.clone(), after.clone()),
        answers(&[&file]),
    )
    .with_autosave_interval(Duration::from_millis(300));
    let mut h = harness(app);
    settle(&mut h);
    let data = DataDir::at(h.state().data_dir().root.clone());
    assert!(data.find_recovery().is_none(), "nothing to recover yet");
    edit(&mut h, "Avel Enukidze");
    let mut found = None;
    for _ in 0..300 {
        h.step();
        std::thread::sleep(Duration::from_millis(20));
        found = data.find_recovery();
        if found.is_some() {
            break;
        }
    }
    let recovery = found.expect("the autosave was written");
    assert_eq!(recovery.origin, None, "an unsaved document");
    assert_eq!(&recovery.project, h.state().project());

    save_as(&mut h);
    assert!(!h.state().is_dirty());
    for _ in 0..100 {
        if data.find_recovery().is_none() {
            break;
        }
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(data.find_recovery().is_none(), "a save clears the autosave");
}

#[test]
fn an_autosave_found_at_start_can_be_discarded() {
    let (dir, before, after) = fixture();
    let data_root = dir.path().join("data");
    let data = DataDir::at(&data_root);
    let mut project = Project {
        title: "crashed".to_owned(),
        ..Project::default()
    };
    project.before.path.clone_from(&before);
    project.after.path.clone_from(&after);
    data.write_recovery(&project, None).unwrap();

    let app = PalimpsestApp::new_for_test(
        Start::Pair(before.clone(), after.clone()),
        FakeDialogs::default(),
    )
    .with_data_dir(DataDir::at(&data_root));
    let mut h = harness(app);
    answer_restore_offer(&mut h, "Discard");
    assert!(data.find_recovery().is_none(), "the autosave is gone");
    assert_eq!(
        h.state().pair_paths(),
        Some((before, after)),
        "what was asked for opens"
    );
    assert_ne!(h.state().project().title, "crashed");
}
