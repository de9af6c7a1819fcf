//! The app on a chain of three prints (the bundled `canal` sample): the timeline shows the
//! versions with their dates, its buttons and the `[` `]` keys step through the chain, any two
//! versions can be compared, and the regions list groups the regions by the step at which
//! they vanish ("who vanished when"), each heading showing its step.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]
#![cfg(feature = "gui")]

mod common;

use std::path::{Path, PathBuf};

use common::{harness, settle};
use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use palimpsest::app::panels::timeline::{NEXT_STEP_LABEL, PREVIOUS_STEP_LABEL};
use palimpsest::app::testing::FakeDialogs;
use palimpsest::app::{Command, PalimpsestApp, Start};

fn canal() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_images/canal/canal.palimpsest.json")
}

fn opened() -> Harness<'static, PalimpsestApp> {
    let app = PalimpsestApp::new_for_test(Start::Project(canal()), FakeDialogs::default());
    let mut h = harness(app);
    settle(&mut h);
    assert_eq!(h.state().error(), None);
    assert_eq!(h.state().project().version_count(), 3);
    h
}

/// The file names of the pair shown, before then after.
fn shown_files(h: &Harness<'_, PalimpsestApp>) -> (String, String) {
    let (b, a) = h.state().pair_paths().unwrap();
    let name = |p: &Path| p.file_name().unwrap().to_string_lossy().into_owned();
    (name(&b), name(&a))
}

fn regions_of_step(h: &Harness<'_, PalimpsestApp>, step: u32) -> Vec<u32> {
    h.state()
        .project()
        .regions_of_step(step)
        .map(|r| r.id)
        .collect()
}

#[test]
fn the_timeline_steps_through_the_chain_and_each_step_outlines_its_own_regions() {
    let mut h = opened();
    let (first, second) = (regions_of_step(&h, 0), regions_of_step(&h, 1));
    assert!(
        !first.is_empty() && !second.is_empty(),
        "{first:?} {second:?}"
    );
    // The strip names each version by its date.
    for label in ["1. 1926", "2. 1929", "3. 1935"] {
        h.get_by_label(label);
    }
    assert_eq!(h.state().compared_versions(), (0, 1));
    assert_eq!(shown_files(&h), ("1926.jpg".into(), "1929.jpg".into()));
    assert_eq!(h.state().outlined_regions(), first);

    // The next-step button shows 1929 against 1935, outlining only the second step's regions.
    h.get_by_label(NEXT_STEP_LABEL).click();
    settle(&mut h);
    assert_eq!(h.state().error(), None);
    assert_eq!(h.state().compared_versions(), (1, 2));
    assert_eq!(shown_files(&h), ("1929.jpg".into(), "1935.jpg".into()));
    assert_eq!(h.state().outlined_regions(), second);
    assert!(h.state().analysed(), "the step is compared");
    // Showing another step never changes the document.
    let project = h.state().project().clone();

    // `[` goes back a step, `]` forward again.
    h.key_press(Key::OpenBracket);
    settle(&mut h);
    assert_eq!(h.state().compared_versions(), (0, 1));
    assert_eq!(h.state().outlined_regions(), first);
    h.key_press(Key::CloseBracket);
    settle(&mut h);
    assert_eq!(h.state().compared_versions(), (1, 2));
    h.get_by_label(PREVIOUS_STEP_LABEL).click();
    settle(&mut h);
    assert_eq!(h.state().compared_versions(), (0, 1));

    // Any two versions: the original against the last print outlines both steps.
    let ctx = h.ctx.clone();
    h.state_mut().send(&ctx, Command::CompareVersions(0, 2));
    settle(&mut h);
    assert_eq!(shown_files(&h), ("1926.jpg".into(), "1935.jpg".into()));
    let mut both = first.clone();
    both.extend(&second);
    assert_eq!(h.state().outlined_regions(), both);
    assert_eq!(h.state().project(), &project);
}

#[test]
fn who_vanished_when_groups_the_regions_by_step_and_a_heading_shows_its_step() {
    let mut h = opened();
    let heading = |step: &str| format!("Gone between {step} (1 region)");
    // Both steps are listed, whichever is shown.
    h.get_by_label(&heading("1926 and 1929"));
    h.get_by_label(&heading("1929 and 1935")).click();
    settle(&mut h);
    assert_eq!(h.state().compared_versions(), (1, 2));
    assert_eq!(shown_files(&h), ("1929.jpg".into(), "1935.jpg".into()));
    h.get_by_label(&heading("1926 and 1929")).click();
    settle(&mut h);
    assert_eq!(h.state().compared_versions(), (0, 1));
}
