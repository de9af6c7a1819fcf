//! UI test of the spot-the-change quiz in the app, headless: Analysis > Spot the change shows
//! the doctored print alone; clicks over two regions and one elsewhere, then Reveal, give 2
//! found, 0 missed and 1 false mark, on screen and in the score; a dragged box, Undo, a click
//! on a mark taking it back, Start again and Esc.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]
#![cfg(feature = "gui")]

mod common;

use common::{click, settle};
use egui::Key;
use egui::accesskit;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use palimpsest::app::testing::FakeDialogs;
use palimpsest::app::{Command, PalimpsestApp, Start};
use palimpsest::project::Edit;

fn started() -> Harness<'static, PalimpsestApp> {
    let app = PalimpsestApp::new_for_test(Start::Sample, FakeDialogs::default());
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .build_ui_state(|ui, app: &mut PalimpsestApp| app.show(ui), app);
    settle(&mut h);
    assert!(h.state().analysed(), "the sample is analysed on start");
    h
}

#[test]
fn two_regions_marked_and_one_false_mark_score_two_found_one_false() {
    let mut h = started();
    // A second region, drawn by hand, away from the sample's figure.
    let ctx = h.ctx.clone();
    let square = vec![[80.0, 80.0], [200.0, 80.0], [200.0, 180.0], [80.0, 180.0]];
    h.state_mut()
        .send(&ctx, Command::Edit(Edit::AddRegion(square)));
    h.step();
    let regions: Vec<_> = h
        .state()
        .regions()
        .iter()
        .filter(|r| !r.hidden)
        .cloned()
        .collect();
    assert_eq!(regions.len(), 2);

    // The menu bar's "Analysis" (the side panel has a tab of that name too).
    let menu = h
        .get_all_by_label("Analysis")
        .find(|n| n.accesskit_node().role() != accesskit::Role::Tab)
        .unwrap();
    menu.click();
    h.step();
    h.step();
    h.get_by_label("Spot the change (quiz)").click();
    h.step();
    h.step();
    assert!(h.state().quizzing());
    assert!(
        h.query_by_label("Regions").is_none(),
        "the quiz shows the print alone, without the panels"
    );
    assert!(h.query_by_label("Reveal").is_some());

    // A click inside each region (at a point of its outline's interior) and one far from both.
    for r in &regions {
        let c = r.bbox.center();
        let p = h.state().quiz_screen_point(c).unwrap();
        click(&mut h, p);
    }
    let far = h.state().quiz_screen_point([1300.0, 900.0]).unwrap();
    click(&mut h, far);
    assert_eq!(h.state().quiz_marks().len(), 3, "three marks");
    assert!(h.query_by_label_contains("3 marks").is_some());
    assert!(!h.state().quiz_revealed());

    // Undo takes the last mark back; a new click puts it there again.
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::Z);
    h.step();
    h.step();
    assert_eq!(h.state().quiz_marks().len(), 2);
    click(&mut h, far);
    assert_eq!(h.state().quiz_marks().len(), 3);
    // A click on a mark takes it back, as on the quiz page; another puts it back.
    click(&mut h, far);
    assert_eq!(
        h.state().quiz_marks().len(),
        2,
        "a click on a mark removes it"
    );
    click(&mut h, far);
    assert_eq!(h.state().quiz_marks().len(), 3);

    // A dragged box over the second region is a mark too, and finds it.
    let b = &regions[1].bbox;
    let from = h.state().quiz_screen_point([b.x - 5.0, b.y - 5.0]).unwrap();
    let to = h
        .state()
        .quiz_screen_point([b.x + b.width + 5.0, b.y + b.height + 5.0])
        .unwrap();
    common::drag(&mut h, from, to);
    assert_eq!(
        h.state().quiz_marks().len(),
        4,
        "{:?}",
        h.state().quiz_marks()
    );
    assert!(matches!(
        h.state().quiz_marks()[3],
        palimpsest::export::quiz::Mark::Box { .. }
    ));

    h.get_by_label("Reveal").click();
    h.step();
    h.step();
    assert!(h.state().quiz_revealed());
    let s = h.state().quiz_score().unwrap();
    assert_eq!(s.found.len(), 2, "{s:?}");
    assert!(s.found.iter().any(|(_, marks)| marks.contains(&3)), "{s:?}");
    assert!(s.missed.is_empty(), "{s:?}");
    assert_eq!(s.false_marks, vec![2], "{s:?}");
    assert!(
        h.query_by_label("2 of 2 found · 0 missed · 1 false mark")
            .is_some(),
        "the score is shown"
    );
    assert!(
        h.query_by_label_contains("Nothing was changed at mark 3")
            .is_some()
    );
    // After the reveal a click marks nothing.
    click(&mut h, far);
    assert_eq!(h.state().quiz_marks().len(), 4);

    h.get_by_label("Start again").click();
    h.step();
    h.step();
    assert!(h.state().quiz_marks().is_empty() && !h.state().quiz_revealed());
    h.key_press(Key::Escape);
    h.step();
    h.step();
    assert!(!h.state().quizzing(), "Esc leaves the quiz");
    assert!(h.query_by_label("Regions").is_some(), "the panels are back");
}
