//! UI tests of the real app state, headless (no display, no GPU): start on the bundled sample,
//! switch modes, select, draw, delete and undo regions, and survive a corrupt file; the layout
//! at laptop, projector and small sizes, and the pictures-only key.
//!
//! Background jobs run on real threads; the tests step frames in a loop with a cap until the
//! app is idle.

#![allow(
    clippy::unwrap_used,
    clippy::type_complexity,
    reason = "test code: a failed unwrap is a failed test"
)]
#![cfg(feature = "gui")]

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::{drag, settle};
use egui::{Key, Modifiers, Pos2, Rect};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use palimpsest::app::testing::FakeDialogs;
use palimpsest::app::view::LayoutRecord;
use palimpsest::app::{Command, PalimpsestApp, Start, ViewMode};
use palimpsest::project::Edit;

fn harness(start: Start, dialogs: FakeDialogs) -> Harness<'static, PalimpsestApp> {
    common::harness(PalimpsestApp::new_for_test(start, dialogs))
}

fn sample(h: &mut Harness<'_, PalimpsestApp>) {
    settle(h);
    assert_eq!(
        h.state().error(),
        None,
        "the sample should open without an error"
    );
    assert!(
        h.state().analysed(),
        "the sample should be analysed on start"
    );
}

/// The regions list's row for region `id` ("Region 3", or "Region 3 — Leon Trotsky" when it has
/// a label).
fn row<'h>(h: &'h Harness<'_, PalimpsestApp>, id: u32) -> egui_kittest::Node<'h> {
    let exact = format!("Region {id}");
    let labelled = format!("Region {id} — ");
    h.get_by(move |n| {
        n.label()
            .is_some_and(|l| l == exact || l.starts_with(&labelled))
    })
}

fn started() -> Harness<'static, PalimpsestApp> {
    let mut h = harness(Start::Sample, FakeDialogs::default());
    sample(&mut h);
    h
}

/// The sample's one region (the two men painted out of the tribune steps) is listed with the
/// bundled project's label, and its box is where the ground truth says the erasure is.
#[test]
fn start_on_sample_lists_regions() {
    let h = started();
    let regions = h.state().regions();
    assert_eq!(regions.len(), 1, "the sample has one erased group");
    assert_eq!(
        regions[0].label, "Two men on the tribune steps",
        "the bundled project's label"
    );
    h.get_by_label("Region 1 — Two men on the tribune steps");
    let truth = image::open(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_images/podium/truth.png"),
    )
    .unwrap()
    .to_luma8();
    let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0, 0);
    for (x, y, p) in truth.enumerate_pixels() {
        if p[0] > 0 {
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x + 1), y1.max(y + 1));
        }
    }
    let b = &regions[0].bbox;
    let (ix, iy) = (
        (b.x + b.width).min(f64::from(x1)) - b.x.max(f64::from(x0)),
        (b.y + b.height).min(f64::from(y1)) - b.y.max(f64::from(y0)),
    );
    let inter = ix.max(0.0) * iy.max(0.0);
    let union = b.width * b.height + f64::from((x1 - x0) * (y1 - y0)) - inter;
    assert!(
        inter / union > 0.7,
        "the region's box {b:?} against the truth's ({x0}, {y0})–({x1}, {y1})"
    );
    for r in regions {
        row(&h, r.id);
    }
}

#[test]
fn every_mode_by_key_and_by_toolbar() {
    let mut h = started();
    for mode in ViewMode::ALL {
        h.key_press(mode.key());
        h.step();
        h.step();
        assert_eq!(h.state().mode(), mode, "key {:?}", mode.key());
    }
    for mode in ViewMode::ALL.iter().rev() {
        h.get_by_label(mode.label()).click();
        h.step();
        h.step();
        assert_eq!(h.state().mode(), *mode, "toolbar button {}", mode.label());
    }
}

#[test]
fn selecting_a_region_zooms_to_it() {
    let mut h = started();
    let before = h.state().visible_rect().expect("view drawn");
    let r = h.state().regions()[0].clone();
    row(&h, r.id).click();
    h.step();
    h.step();
    assert_eq!(h.state().selection(), vec![r.id]);
    let after = h.state().visible_rect().expect("view drawn");
    let (bx0, by0) = (r.bbox.x as f32, r.bbox.y as f32);
    let (bx1, by1) = (bx0 + r.bbox.width as f32, by0 + r.bbox.height as f32);
    assert!(
        after[0] <= bx0 && after[1] <= by0 && after[2] >= bx1 && after[3] >= by1,
        "region {:?} should be inside the visible part {after:?}",
        [bx0, by0, bx1, by1]
    );
    let area = |v: [f32; 4]| (v[2] - v[0]) * (v[3] - v[1]);
    assert!(
        area(after) < area(before) * 0.9,
        "the view should zoom in: {before:?} → {after:?}"
    );
}

#[test]
fn draw_rectangle_then_delete_and_undo() {
    let mut h = started();
    let n = h.state().regions().len();
    h.get_by_label("+ Rectangle").click();
    h.step();
    // A box in the sky, away from the detected regions.
    let a = h.state().screen_of(10.0, 10.0).expect("view drawn");
    let b = h.state().screen_of(60.0, 40.0).expect("view drawn");
    drag(&mut h, Pos2::new(a[0], a[1]), Pos2::new(b[0], b[1]));
    settle(&mut h);
    assert_eq!(
        h.state().regions().len(),
        n + 1,
        "the drawn rectangle should be a region"
    );
    let drawn = h
        .state()
        .regions()
        .iter()
        .find(|r| r.origin == palimpsest::project::Origin::Drawn)
        .expect("a drawn region")
        .clone();
    assert!(
        (drawn.bbox.x - 10.0).abs() < 3.0 && (drawn.bbox.width - 50.0).abs() < 4.0,
        "{:?}",
        drawn.bbox
    );
    let label = format!("Region {}", drawn.id);
    h.get_by_label(&label);

    // It is selected after drawing; delete it with the key.
    assert_eq!(h.state().selection(), vec![drawn.id]);
    h.key_press(Key::Delete);
    h.step();
    h.step();
    assert_eq!(h.state().regions().len(), n);
    assert!(
        h.query_by_label(&label).is_none(),
        "deleted region still listed"
    );

    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.step();
    h.step();
    assert_eq!(
        h.state().regions().len(),
        n + 1,
        "undo should bring the region back"
    );
    h.get_by_label(&label);

    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.step();
    h.step();
    assert_eq!(h.state().regions().len(), n, "redo deletes it again");

    // Undo twice: the region comes back, then the drawing is undone too.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.step();
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.step();
    h.step();
    assert_eq!(h.state().regions().len(), n);
}

#[derive(Debug)]
struct DroppedPath(PathBuf);

impl egui::DroppedFile for DroppedPath {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn corrupt_drop_shows_error_and_keeps_pair() {
    let mut h = started();
    let pair = h.state().pair_paths().expect("sample open");
    let regions = h.state().regions().to_vec();
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("doctored.jpg");
    // A JPEG header followed by garbage.
    std::fs::write(
        &bad,
        b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00garbage, not a picture",
    )
    .unwrap();
    let other = dir.path().join("other.png");
    std::fs::write(&other, b"not a png either").unwrap();
    h.input_mut()
        .dropped_files
        .push(Arc::new(DroppedPath(bad.clone())));
    h.input_mut()
        .dropped_files
        .push(Arc::new(DroppedPath(other)));
    h.step();
    settle(&mut h);
    let error = h
        .state()
        .error()
        .expect("an error message is shown")
        .to_owned();
    assert!(
        error.contains("doctored.jpg"),
        "the message names the file: {error}"
    );
    h.get_by_label_contains("doctored.jpg");
    assert_eq!(
        h.state().pair_paths(),
        Some(pair),
        "the previous pair stays open"
    );
    assert_eq!(
        h.state().regions(),
        regions.as_slice(),
        "the previous regions stay"
    );
    h.get_by_label("Dismiss").click();
    h.step();
    assert_eq!(h.state().error(), None);
}

#[test]
fn open_dialog_swaps_pair_through_fake_dialog() {
    let (b, a) = palimpsest::app::sample_pair().expect("bundled sample");
    let dialogs = FakeDialogs {
        answers: [vec![a.clone(), b.clone()]].into_iter().collect(),
    };
    let mut h = harness(Start::Sample, dialogs);
    sample(&mut h);
    h.get_by_label("📂 Open…").click();
    h.step();
    settle(&mut h);
    let (nb, na) = h.state().pair_paths().expect("pair open");
    assert_eq!(
        (nb.file_name(), na.file_name()),
        (a.file_name(), b.file_name())
    );
    // A cancelled dialog changes nothing.
    h.get_by_label("📂 Open…").click();
    h.step();
    settle(&mut h);
    assert_eq!(
        h.state()
            .pair_paths()
            .map(|p| p.0.file_name().map(ToOwned::to_owned)),
        Some(a.file_name().map(ToOwned::to_owned))
    );
}

#[test]
fn help_overlay_opens_with_f1() {
    let mut h = started();
    h.key_press(Key::F1);
    h.step();
    h.step();
    h.get_by_label("Palimpsest — keys and mouse");
    assert!(h.state().help_open());
    h.get_by_label("Close").click_accesskit();
    h.step();
    assert!(!h.state().help_open(), "Close closes the help");
    // The modal fades out over a few frames.
    for _ in 0..20 {
        h.step();
    }
    assert!(h.query_by_label("Palimpsest — keys and mouse").is_none());
}

/// Resizes the window and lets the layout settle; returns where things were drawn.
fn layout_at(h: &mut Harness<'_, PalimpsestApp>, size: [f32; 2]) -> LayoutRecord {
    h.set_size(egui::vec2(size[0], size[1]));
    common::steps(h, 4);
    let layout = h.state().layout();
    // The harness draws the app with a margin of 8 points all round.
    assert_eq!(
        layout.window.size(),
        egui::vec2(size[0], size[1]) - egui::Vec2::splat(16.0)
    );
    layout
}

/// The parts of the window do not overlap and stay inside it.
fn assert_nothing_overlaps(l: &LayoutRecord) {
    let parts: Vec<(&str, Rect)> = [
        ("toolbar", l.toolbar),
        ("dock", l.dock),
        ("status bar", l.status),
        ("images", Some(l.images)),
    ]
    .into_iter()
    .filter_map(|(name, r)| r.map(|r| (name, r)))
    .collect();
    let window = l.window.expand(0.5);
    for (i, (a, ra)) in parts.iter().enumerate() {
        assert!(
            window.contains_rect(*ra),
            "{a} {ra:?} outside the window {window:?}"
        );
        for (b, rb) in &parts[i + 1..] {
            // Panels share their edges: a point of overlap is not overlap.
            assert!(
                !ra.shrink(1.0).intersects(rb.shrink(1.0)),
                "{a} {ra:?} overlaps {b} {rb:?}"
            );
        }
    }
    if let Some(content) = l.toolbar_content {
        assert!(
            window.contains_rect(content),
            "the toolbar's widgets {content:?} are cut off by the window {window:?}"
        );
    }
}

/// On a school laptop (1366×768) and a projector (1280×720) the pictures get at least 60 % of
/// the window's width and 80 % of its height, and at 1024×768 nothing overlaps; the toolbar
/// is one row at 1366; a long note scrolls inside the dock and leaves the pictures' size alone.
#[test]
fn photograph_first_at_laptop_and_projector_sizes() {
    let mut h = started();
    for (size, width_share, height_share) in [
        ([1366.0, 768.0], 0.6, 0.8),
        ([1280.0, 720.0], 0.6, 0.8),
        ([1024.0, 768.0], 0.6, 0.75),
    ] {
        let l = layout_at(&mut h, size);
        let (w, ht) = (
            l.images.width() / l.window.width(),
            l.images.height() / l.window.height(),
        );
        assert!(
            w >= width_share && ht >= height_share,
            "at {size:?} the pictures get {:.0} % × {:.0} % of the window: {l:?}",
            w * 100.0,
            ht * 100.0
        );
        assert_nothing_overlaps(&l);
    }

    let l = layout_at(&mut h, [1366.0, 768.0]);
    let (toolbar, row) = (l.toolbar_content.unwrap(), l.toolbar_row_height);
    assert!(
        row > 0.0 && toolbar.height() < 1.5 * row,
        "the toolbar should be one row at 1366 px: {toolbar:?}, rows of {row}"
    );

    // A long note, with a word too long for any line, on the first region, selected.
    let id = h.state().regions()[0].id;
    let note = format!(
        "{}\n\nSource: https://example.org/{}",
        "A long note about who stood on the steps and why they were painted out. ".repeat(40),
        "x".repeat(300)
    );
    let ctx = h.ctx.clone();
    h.state_mut().send(
        &ctx,
        Command::Edit(Edit::SetNote {
            id,
            note: note.clone(),
        }),
    );
    h.state_mut()
        .send(&ctx, Command::Select { id, extend: false });
    common::steps(&mut h, 4);
    assert_eq!(h.state().project().region(id).unwrap().note, note);
    h.get_by_role_and_label(egui::Role::MultilineTextInput, "Note");
    let with_note = h.state().layout();
    assert_eq!(
        (with_note.images, with_note.dock),
        (l.images, l.dock),
        "a long note scrolls inside the dock; the pictures keep their size"
    );
}

/// F11 hides the menus, toolbar and dock, leaving the pictures at least 95 % of the window, and
/// brings them back.
#[test]
fn f11_shows_the_pictures_alone_and_brings_the_panels_back() {
    let mut h = started();
    let shown = layout_at(&mut h, [1366.0, 768.0]);
    assert!(shown.dock.is_some() && shown.toolbar.is_some());
    h.key_press(Key::F11);
    common::steps(&mut h, 3);
    assert!(h.state().pictures_only());
    let alone = h.state().layout();
    let (w, ht) = (
        alone.images.width() / alone.window.width(),
        alone.images.height() / alone.window.height(),
    );
    assert!(
        w >= 0.95 && ht >= 0.95,
        "pictures only: {:.1} % × {:.1} % of the window: {alone:?}",
        w * 100.0,
        ht * 100.0
    );
    assert!(alone.toolbar.is_none() && alone.dock.is_none());
    assert!(
        h.query_by_label("📂 Open…").is_none(),
        "the toolbar is hidden"
    );
    assert!(h.query_by_label("File").is_none(), "the menu bar is hidden");
    // The slim overlay names the mode and brings the panels back too.
    h.get_by_label("Show the panels");

    h.key_press(Key::F11);
    common::steps(&mut h, 3);
    assert!(!h.state().pictures_only());
    let back = h.state().layout();
    assert_eq!(
        (back.images, back.dock, back.toolbar),
        (shown.images, shown.dock, shown.toolbar),
        "F11 again restores the panels as they were"
    );
    h.get_by_label("📂 Open…");
    assert!(h.query_by_label("Show the panels").is_none());
}
