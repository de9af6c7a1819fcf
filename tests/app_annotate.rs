//! UI tests of annotation, headless (no display, no GPU): write a label and a note in the
//! editor, link a region to a bullet of the revisionism section with the picker, click the
//! marked passage to select the region, load another essay and see its broken links reported,
//! edit the project info; undo and redo each. Also checks the bundled sample project.
//!
//! Background jobs run on real threads; the tests step frames in a loop with a cap until the
//! app is idle.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed unwrap is a failed test"
)]
#![cfg(feature = "gui")]

mod common;

use std::path::{Path, PathBuf};

use common::{SIZE, settle, steps};
use egui::{Key, Modifiers, Role};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use palimpsest::app::testing::FakeDialogs;
use palimpsest::app::{PalimpsestApp, Start};
use palimpsest::essay::{Essay, REVISIONISM_ANCHOR, anchor_within};
use palimpsest::project::{Project, RegionNote, Tag};

/// The first bullet of the revisionism section: "Trotsky erased from official photographs and
/// records".
fn photographs_anchor() -> String {
    format!("{REVISIONISM_ANCHOR}/1")
}

const PHOTOGRAPHS_TEXT: &str = "Trotsky erased from official photographs and records";

fn harness(start: Start, dialogs: FakeDialogs) -> Harness<'static, PalimpsestApp> {
    common::harness(PalimpsestApp::new_for_test(start, dialogs))
}

/// The app on the bare sample pair (no annotations yet), analysed.
fn on_bare_pair() -> Harness<'static, PalimpsestApp> {
    let (b, a) = palimpsest::app::sample_pair().expect("bundled sample pair");
    let mut h = harness(Start::Pair(b, a), FakeDialogs::default());
    settle(&mut h);
    assert_eq!(h.state().error(), None);
    assert!(
        !h.state().regions().is_empty(),
        "the sample pair has erased figures; found no region"
    );
    h
}

fn region(h: &Harness<'_, PalimpsestApp>, id: u32) -> RegionNote {
    h.state()
        .regions()
        .iter()
        .find(|r| r.id == id)
        .cloned()
        .expect("region exists")
}

/// Selects a region by clicking its row in the regions list.
fn select_in_list(h: &mut Harness<'_, PalimpsestApp>, id: u32) {
    h.get_all_by_label(&format!("Region {id}"))
        .next()
        .expect("region row")
        .click();
    steps(h, 3);
    assert_eq!(h.state().selection(), vec![id]);
}

/// Brings up a tab of the dock ("Regions", "Essay" or "Analysis").
fn tab(h: &mut Harness<'_, PalimpsestApp>, label: &str) {
    h.get_by_role_and_label(Role::Tab, label).click();
    steps(h, 2);
}

/// Leaves the text field being typed in (Escape), if any, then presses a shortcut.
fn shortcut(h: &mut Harness<'_, PalimpsestApp>, modifiers: Modifiers, key: Key) {
    if h.ctx.text_edit_focused() {
        h.key_press(Key::Escape);
        steps(h, 2);
        assert!(!h.ctx.text_edit_focused(), "Escape leaves the text field");
    }
    h.key_press_modifiers(modifiers, key);
    steps(h, 2);
}

fn undo(h: &mut Harness<'_, PalimpsestApp>) {
    shortcut(h, Modifiers::COMMAND, Key::Z);
}

fn redo(h: &mut Harness<'_, PalimpsestApp>) {
    shortcut(h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
}

#[test]
fn label_and_note_typed_in_the_editor_undo_and_redo() {
    let mut h = on_bare_pair();
    let id = h.state().regions()[0].id;
    assert!(region(&h, id).label.is_empty());
    select_in_list(&mut h, id);

    // Two bursts of typing into the label field make one undo step.
    let field = h.get_by_role_and_label(Role::TextInput, "Label");
    field.focus();
    field.type_text("Leon");
    steps(&mut h, 2);
    h.get_by_role_and_label(Role::TextInput, "Label")
        .type_text(" Trotsky");
    steps(&mut h, 2);
    assert_eq!(region(&h, id).label, "Leon Trotsky");

    let note = "Painted out **after 1927**.\n- stood on the steps";
    let field = h.get_by_role_and_label(Role::MultilineTextInput, "Note");
    field.focus();
    field.type_text(note);
    steps(&mut h, 2);
    assert_eq!(region(&h, id).note, note);
    // The preview shows the note without its Markdown markers.
    h.get_by_label_contains("Painted out after 1927.");

    undo(&mut h);
    assert_eq!(region(&h, id).note, "", "first undo takes the note back");
    assert_eq!(region(&h, id).label, "Leon Trotsky");
    undo(&mut h);
    assert_eq!(
        region(&h, id).label,
        "",
        "one undo takes back the whole burst of typing in the label"
    );
    redo(&mut h);
    assert_eq!(region(&h, id).label, "Leon Trotsky");
    redo(&mut h);
    assert_eq!(region(&h, id).note, note);
    assert_eq!(h.state().selection(), vec![id], "undo keeps the selection");
}

#[test]
fn tags_toggle_and_undo() {
    let mut h = on_bare_pair();
    let id = h.state().regions()[0].id;
    select_in_list(&mut h, id);
    h.get_by_label(Tag::FigureRemoved.label()).click();
    steps(&mut h, 2);
    h.get_by_label(Tag::BackgroundRetouched.label()).click();
    steps(&mut h, 2);
    assert_eq!(
        region(&h, id).tags,
        vec![Tag::FigureRemoved, Tag::BackgroundRetouched]
    );
    undo(&mut h);
    assert_eq!(region(&h, id).tags, vec![Tag::FigureRemoved]);
    redo(&mut h);
    assert_eq!(region(&h, id).tags.len(), 2);
}

/// The rectangle of the essay passage whose accessible name is `label`.
fn passage_rect(h: &Harness<'_, PalimpsestApp>, label: &str) -> egui::Rect {
    h.get_by_label(label).rect()
}

#[test]
fn link_by_picker_then_passage_and_region_select_each_other() {
    let mut h = on_bare_pair();
    let id = h.state().regions()[0].id;
    select_in_list(&mut h, id);

    // The picker lists the revisionism section first.
    h.get_by_label("+ Link to a passage…").click();
    steps(&mut h, 2);
    let buttons: Vec<String> = h
        .get_all_by_role(Role::Button)
        .filter_map(|n| n.accesskit_node().label())
        .collect();
    let heading = buttons
        .iter()
        .position(|b| b == "Historical Revisionism Under Stalin")
        .expect("the picker lists the revisionism heading");
    let first_elsewhere = buttons
        .iter()
        .position(|b| b == "How Stalin Outmaneuvered Leon Trotsky")
        .expect("the picker lists the essay's title too");
    assert!(
        heading < first_elsewhere,
        "revisionism section first: {buttons:?}"
    );

    // Search, then pick the bullet.
    let search = h.get_by_role_and_label(Role::TextInput, "Search the essay");
    search.focus();
    search.type_text("photographs");
    steps(&mut h, 2);
    assert!(
        h.query_by_label("How Stalin Outmaneuvered Leon Trotsky")
            .is_none_or(|n| n.accesskit_node().role() != Role::Button),
        "the search filters the list"
    );
    h.get_by_role_and_label(Role::Button, &format!("• {PHOTOGRAPHS_TEXT}"))
        .click();
    steps(&mut h, 2);
    assert_eq!(region(&h, id).links, vec![photographs_anchor()]);

    undo(&mut h);
    assert!(region(&h, id).links.is_empty(), "undo removes the link");
    redo(&mut h);
    assert_eq!(region(&h, id).links, vec![photographs_anchor()]);

    // The passage is marked with the region's number in the essay.
    let marked = format!("{PHOTOGRAPHS_TEXT} (linked to region {id})");
    tab(&mut h, "Essay");
    h.get_by_label(&marked);

    // Selecting the region scrolls the essay to its passage.
    h.key_press(Key::Escape);
    steps(&mut h, 2);
    assert!(h.state().selection().is_empty());
    tab(&mut h, "Regions");
    select_in_list(&mut h, id);
    tab(&mut h, "Essay");
    steps(&mut h, 6);
    let rect = passage_rect(&h, &marked);
    assert!(
        rect.top() >= 0.0 && rect.bottom() <= SIZE[1],
        "the linked passage is scrolled into view: {rect:?}"
    );

    // Clicking the marked passage selects its region.
    h.key_press(Key::Escape);
    steps(&mut h, 2);
    assert!(h.state().selection().is_empty());
    h.get_by_label(&marked).click();
    steps(&mut h, 3);
    assert_eq!(h.state().selection(), vec![id]);

    // The link's remove button takes it away again, undoably.
    tab(&mut h, "Regions");
    let remove = h
        .get_all_by_role(Role::Button)
        .find(|n| {
            n.accesskit_node()
                .label()
                .is_some_and(|l| l.starts_with("Remove link to "))
        })
        .expect("a remove button per link");
    remove.click();
    steps(&mut h, 2);
    assert!(region(&h, id).links.is_empty());
    undo(&mut h);
    assert_eq!(region(&h, id).links, vec![photographs_anchor()]);
}

fn started_on_sample() -> Harness<'static, PalimpsestApp> {
    let mut h = harness(Start::Sample, FakeDialogs::default());
    settle(&mut h);
    assert_eq!(h.state().error(), None);
    h
}

#[test]
fn first_start_opens_the_annotated_sample_project() {
    let h = started_on_sample();
    let file = sample_project_path();
    let saved = Project::load(&file).unwrap().project;
    assert_eq!(h.state().project().title, saved.title);
    assert_eq!(h.state().regions().len(), saved.regions.len());
    assert!(
        h.state().regions().iter().any(|r| !r.label.is_empty()),
        "the sample's regions carry their labels"
    );
    assert!(
        h.state().dock_open() && !h.state().essay_open(),
        "the dock opens on the regions, the essay a tab away"
    );
    h.get_by_role_and_label(Role::Tab, "Essay");
    assert_eq!(h.state().dangling_link_count(), 0);
}

#[test]
fn another_essay_reports_links_it_lacks_and_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("lesson.md");
    std::fs::write(
        &other,
        "# Another lesson\n\n## Sources\n\n- A bullet about something else\n",
    )
    .unwrap();
    let dialogs = FakeDialogs {
        answers: vec![vec![other.clone()]].into(),
    };
    let mut h = harness(Start::Sample, dialogs);
    settle(&mut h);
    let links_before: Vec<Vec<String>> = h
        .state()
        .regions()
        .iter()
        .map(|r| r.links.clone())
        .collect();
    let n_links: usize = links_before.iter().map(Vec::len).sum();
    assert!(n_links > 0, "the sample project has links");

    h.get_by_label("File").click();
    steps(&mut h, 2);
    h.get_by_label("Load essay…").click();
    steps(&mut h, 3);
    assert_eq!(h.state().project().essay.as_deref(), Some(other.as_path()));
    assert_eq!(
        h.state().essay_shown_path().as_deref(),
        Some(other.as_path())
    );
    assert_eq!(h.state().dangling_link_count(), n_links);
    let summary = if n_links == 1 {
        "1 link points to a passage not in this essay".to_owned()
    } else {
        format!("{n_links} links point to passages not in this essay")
    };
    h.get_by_label_contains(&summary);
    let links_after: Vec<Vec<String>> = h
        .state()
        .regions()
        .iter()
        .map(|r| r.links.clone())
        .collect();
    assert_eq!(links_after, links_before, "links are kept, never dropped");
    h.get_by_label("Another lesson");

    undo(&mut h);
    assert_eq!(h.state().project().essay, None);
    steps(&mut h, 2);
    assert_eq!(h.state().essay_shown_path(), None);
    assert_eq!(h.state().dangling_link_count(), 0);
    assert!(h.query_by_label_contains(&summary).is_none());
}

#[test]
fn essay_tab_shows_and_goes_back_with_ctrl_e() {
    let mut h = started_on_sample();
    assert!(!h.state().essay_open());
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    steps(&mut h, 2);
    assert!(h.state().essay_open());
    h.get_by_label("Historical Revisionism Under Stalin");
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    steps(&mut h, 2);
    assert!(!h.state().essay_open());
    assert_eq!(
        h.state().dock_tab(),
        palimpsest::app::DockTab::Regions,
        "Ctrl+E again goes back to the tab shown before"
    );
    assert!(
        h.query_by_label("Historical Revisionism Under Stalin")
            .is_none()
    );
    view_menu(&mut h);
    steps(&mut h, 2);
    h.get_by_label_contains("Show essay").click();
    steps(&mut h, 2);
    assert!(h.state().essay_open());
    h.get_by_label("Historical Revisionism Under Stalin");
}

#[test]
fn project_info_edits_title_and_provenance_undoably() {
    let mut h = started_on_sample();
    let title = h.state().project().title.clone();
    view_menu(&mut h);
    steps(&mut h, 2);
    h.get_by_label_contains("Project info…").click();
    steps(&mut h, 2);
    assert!(h.state().project_info_open());
    // A window is laid out invisibly on its first frame.
    steps(&mut h, 2);

    let field = h.get_by_role_and_label(Role::TextInput, "Title");
    field.focus();
    field.type_text(", lesson 3");
    steps(&mut h, 2);
    assert_eq!(h.state().project().title, format!("{title}, lesson 3"));

    let field = h.get_by_role_and_label(Role::TextInput, "after image: Archive or collection");
    field.focus();
    field.type_text(" (copy)");
    steps(&mut h, 2);
    let archive = h.state().project().after.meta.archive.clone();
    assert!(archive.ends_with(" (copy)"), "{archive}");

    undo(&mut h);
    assert!(!h.state().project().after.meta.archive.ends_with(" (copy)"));
    assert_eq!(h.state().project().title, format!("{title}, lesson 3"));
    undo(&mut h);
    assert_eq!(h.state().project().title, title);
    redo(&mut h);
    assert_eq!(h.state().project().title, format!("{title}, lesson 3"));
}

/// Opens the View menu of the menu bar (the Analysis tab has a "View" section too).
fn view_menu(h: &mut Harness<'_, PalimpsestApp>) {
    h.get_all_by_label("View")
        .next()
        .expect("View menu")
        .click();
}

fn sample_project_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample_images")
        .join("podium")
        .join("podium.palimpsest.json")
}

/// The bundled project opens with both images matching their hashes and every link pointing
/// at a passage of the bundled essay; its regions are where the figures were painted out.
#[test]
fn bundled_sample_project_is_sound() {
    let path = sample_project_path();
    let text = std::fs::read_to_string(&path).unwrap();
    let raw: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(raw["version"], 1);
    assert_eq!(raw["before"]["path"], "before.jpg", "paths are relative");
    assert_eq!(raw["after"]["path"], "after.jpg", "paths are relative");

    let loaded = Project::load(&path).unwrap();
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let project = loaded.project;
    assert!(!project.title.is_empty());
    for which in [&project.before, &project.after] {
        let m = &which.meta;
        assert!(
            !m.source.is_empty() && !m.credit.is_empty() && !m.licence.is_empty(),
            "{m:?}"
        );
    }
    let essay = Essay::bundled();
    assert!(project.dangling_links(&essay).is_empty());
    assert!(!project.regions.is_empty());
    for r in &project.regions {
        assert!(!r.label.is_empty() && !r.note.is_empty(), "region {}", r.id);
        assert!(r.tags.contains(&Tag::FigureRemoved));
        assert!(
            r.links.iter().any(|l| anchor_within(l, REVISIONISM_ANCHOR)),
            "region {} links into the revisionism section",
            r.id
        );
    }

    // The outlines are a real detection: together they hold most of the ground truth, and
    // each region's box is mostly made of it (the silhouettes fill about half of their box).
    let truth = image::open(path.with_file_name("truth.png"))
        .unwrap()
        .to_luma8();
    let inside = |x: u32, y: u32, r: &RegionNote| {
        let b = r.bbox;
        f64::from(x) >= b.x
            && f64::from(x) < b.x + b.width
            && f64::from(y) >= b.y
            && f64::from(y) < b.y + b.height
    };
    let (mut truth_px, mut covered) = (0u64, 0u64);
    for (x, y, p) in truth.enumerate_pixels() {
        if p.0[0] > 127 {
            truth_px += 1;
            if project.regions.iter().any(|r| inside(x, y, r)) {
                covered += 1;
            }
        }
    }
    assert!(truth_px > 0);
    let recall = covered as f64 / truth_px as f64;
    assert!(
        recall > 0.9,
        "regions hold {recall:.2} of the changed pixels"
    );
    for r in &project.regions {
        let b = r.bbox;
        let mut hits = 0u64;
        let mut all = 0u64;
        for y in b.y as u32..(b.y + b.height) as u32 {
            for x in b.x as u32..(b.x + b.width) as u32 {
                if x < truth.width() && y < truth.height() {
                    all += 1;
                    if truth.get_pixel(x, y).0[0] > 127 {
                        hits += 1;
                    }
                }
            }
        }
        let fill = hits as f64 / all.max(1) as f64;
        assert!(fill > 0.25, "region {} box is {fill:.2} changed", r.id);
    }
}
