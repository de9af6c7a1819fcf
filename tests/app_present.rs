//! UI tests of presentation mode and of the File menu's exports, headless (no display, no GPU):
//! enter with F5, step through every region and back with the presenter keys, reveal the
//! original with a cross-fade that progresses frame by frame, blank and return, leave with Esc;
//! export the annotated image through the menu and a fake file dialog, and refuse to write over
//! a source image.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]
#![cfg(feature = "gui")]

mod common;

use std::path::PathBuf;

use common::{click, settle};
use egui::{Key, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use palimpsest::app::testing::FakeDialogs;
use palimpsest::app::{Command, PalimpsestApp, Start};
use palimpsest::project::Edit;

/// Simulated seconds per frame: fine enough to watch a 0.4 s zoom and a 0.6 s fade move.
const STEP_SECS: f32 = 0.1;

fn harness(dialogs: FakeDialogs) -> Harness<'static, PalimpsestApp> {
    let app = PalimpsestApp::new_for_test(Start::Sample, dialogs);
    Harness::builder()
        .with_size([1600.0, 900.0])
        .with_step_dt(STEP_SECS)
        .build_ui_state(|ui, app: &mut PalimpsestApp| app.show(ui), app)
}

fn started(dialogs: FakeDialogs) -> Harness<'static, PalimpsestApp> {
    let mut h = harness(dialogs);
    settle(&mut h);
    assert_eq!(h.state().error(), None, "the sample should open cleanly");
    assert!(
        h.state().analysed(),
        "the sample should be analysed on start"
    );
    assert!(
        h.state().presentation_region_count() >= 1,
        "the sample has an erased figure to step through"
    );
    h
}

fn press(h: &mut Harness<'_, PalimpsestApp>, key: Key) {
    h.key_press(key);
    h.step();
}

/// Enough frames for a zoom or a fade to end.
fn frames(h: &mut Harness<'_, PalimpsestApp>, n: usize) {
    for _ in 0..n {
        h.step();
    }
}

fn present(h: &mut Harness<'_, PalimpsestApp>) {
    press(h, Key::F5);
    h.step();
    assert!(h.state().presenting(), "F5 enters presentation mode");
    assert_eq!(
        h.state().presentation_step(),
        0,
        "it opens on the title view"
    );
}

#[test]
fn f5_steps_through_every_region_and_back_then_esc_leaves() {
    let mut h = started(FakeDialogs::default());
    // Two more regions drawn by hand, so there are several to step through.
    let ctx = h.ctx.clone();
    for (x, y) in [(100.0, 120.0), (1200.0, 700.0)] {
        let rect = vec![[x, y], [x + 90.0, y], [x + 90.0, y + 60.0], [x, y + 60.0]];
        h.state_mut()
            .send(&ctx, Command::Edit(Edit::AddRegion(rect)));
    }
    h.step();
    assert!(h.state().presentation_region_count() >= 3);
    assert!(h.query_by_label("▶ Present").is_some(), "toolbar button");
    present(&mut h);
    assert!(
        h.query_by_label("▶ Present").is_none() && h.query_by_label("Regions").is_none(),
        "no toolbar or panels while presenting"
    );
    // Every region's slide, and its caption's continuations, in number order.
    let n = h.state().presentation_step_count();
    let shown = h.state().presentation_step_regions();
    assert_eq!(shown.len(), n + 1);
    let mut ids: Vec<u32> = shown.iter().flatten().copied().collect();
    ids.dedup();
    let regions: Vec<_> = h
        .state()
        .regions()
        .iter()
        .filter(|r| !r.hidden)
        .cloned()
        .collect();
    assert_eq!(ids, regions.iter().map(|r| r.id).collect::<Vec<_>>());
    let forward = [Key::ArrowRight, Key::PageDown, Key::Space, Key::Enter];
    for i in 1..=n {
        press(&mut h, forward[(i - 1) % forward.len()]);
        assert_eq!(h.state().presentation_step(), i, "forward to step {i}");
        frames(&mut h, 6);
        let v = h
            .state()
            .presentation_view()
            .expect("the photograph is shown");
        let region = regions
            .iter()
            .find(|r| Some(r.id) == shown[i])
            .expect("a region's step");
        let b = &region.bbox;
        assert!(
            v[0] <= b.x as f32
                && v[1] <= b.y as f32
                && v[2] >= (b.x + b.width) as f32
                && v[3] >= (b.y + b.height) as f32,
            "region {} {b:?} should be inside the zoomed view {v:?}",
            region.id
        );
        assert!(
            v[2] - v[0] < 1440.0,
            "the view zooms in on region {i}: {v:?}"
        );
    }
    press(&mut h, Key::ArrowRight);
    assert_eq!(
        h.state().presentation_step(),
        n,
        "it stops at the last region"
    );

    let back = [Key::ArrowLeft, Key::PageUp, Key::Backspace];
    for i in (0..n).rev() {
        press(&mut h, back[i % back.len()]);
        assert_eq!(h.state().presentation_step(), i, "back to step {i}");
    }
    press(&mut h, Key::ArrowLeft);
    assert_eq!(h.state().presentation_step(), 0, "it stops at the title");
    press(&mut h, Key::End);
    assert_eq!(
        h.state().presentation_step(),
        n,
        "End goes to the last region"
    );
    press(&mut h, Key::Home);
    assert_eq!(h.state().presentation_step(), 0, "Home goes to the title");

    // Presentation keys do not reach the normal shortcuts (R would pick the rectangle tool,
    // Backspace would delete the selection).
    let before = h.state().regions().len();
    press(&mut h, Key::Escape);
    h.step();
    assert!(!h.state().presenting(), "Esc leaves");
    assert_eq!(h.state().regions().len(), before);
    assert!(
        h.query_by_label("▶ Present").is_some(),
        "the toolbar is back after leaving"
    );
}

#[test]
fn zoom_to_a_region_moves_smoothly() {
    let mut h = started(FakeDialogs::default());
    present(&mut h);
    press(&mut h, Key::ArrowRight);
    let mut widths = Vec::new();
    for _ in 0..8 {
        h.step();
        widths.push(h.state().presentation_view().unwrap()[2]);
    }
    let first = h.state().presentation_view().unwrap();
    widths.dedup();
    assert!(
        widths.len() >= 3,
        "the zoom should take several frames, not jump: {widths:?} (last view {first:?})"
    );
}

#[test]
fn r_cross_fades_to_the_original_and_back() {
    let mut h = started(FakeDialogs::default());
    present(&mut h);
    press(&mut h, Key::R);
    assert!(
        !h.state().presentation_revealed(),
        "no reveal on the title view"
    );
    press(&mut h, Key::ArrowRight);
    frames(&mut h, 6);
    assert_eq!(
        h.state().presentation_reveal_amount(),
        0.0,
        "the doctored print first"
    );

    h.key_press(Key::R);
    h.step();
    assert!(h.state().presentation_revealed());
    let mut amounts = vec![h.state().presentation_reveal_amount()];
    for _ in 0..8 {
        h.step();
        amounts.push(h.state().presentation_reveal_amount());
    }
    assert!(
        amounts.windows(2).all(|w| w[1] >= w[0]),
        "the fade only moves toward the original: {amounts:?}"
    );
    assert!(
        amounts.iter().any(|a| *a > 0.05 && *a < 0.95),
        "the fade passes through in-between frames: {amounts:?}"
    );
    assert!(
        (amounts.last().unwrap() - 1.0).abs() < 1e-6,
        "the fade ends on the original: {amounts:?}"
    );
    assert!(
        h.query_by_label("▶ Present").is_none(),
        "R did not leave presentation mode"
    );

    press(&mut h, Key::R);
    assert!(!h.state().presentation_revealed(), "second R goes back");
    frames(&mut h, 8);
    assert_eq!(h.state().presentation_reveal_amount(), 0.0);

    // Coming back to a region starts again from the doctored print.
    press(&mut h, Key::R);
    frames(&mut h, 8);
    assert!(h.state().presentation_revealed());
    press(&mut h, Key::ArrowLeft);
    press(&mut h, Key::ArrowRight);
    frames(&mut h, 2);
    assert!(!h.state().presentation_revealed());
    assert_eq!(h.state().presentation_reveal_amount(), 0.0);
}

#[test]
fn b_blanks_and_any_key_or_b_returns() {
    let mut h = started(FakeDialogs::default());
    present(&mut h);
    press(&mut h, Key::ArrowRight);
    press(&mut h, Key::B);
    assert!(h.state().presentation_blank(), "B blanks");
    press(&mut h, Key::B);
    assert!(!h.state().presentation_blank(), "B again returns");
    press(&mut h, Key::B);
    assert!(h.state().presentation_blank());
    press(&mut h, Key::ArrowRight);
    assert!(!h.state().presentation_blank(), "any key returns");
    assert_eq!(
        h.state().presentation_step(),
        1,
        "the key that ends the blank does not also step"
    );
    press(&mut h, Key::Period);
    assert!(
        h.state().presentation_blank(),
        "a remote's blank key (.) blanks too"
    );
    press(&mut h, Key::Escape);
    assert!(
        !h.state().presenting(),
        "Esc leaves even from a blank screen"
    );
}

#[test]
fn the_mouse_does_it_all() {
    let mut h = started(FakeDialogs::default());
    h.get_by_label("▶ Present").click();
    h.step();
    h.step();
    assert!(h.state().presenting(), "the toolbar button enters");
    click(&mut h, Pos2::new(1200.0, 400.0));
    assert_eq!(
        h.state().presentation_step(),
        1,
        "a click on the right half steps on"
    );
    click(&mut h, Pos2::new(300.0, 400.0));
    assert_eq!(
        h.state().presentation_step(),
        0,
        "a click on the left half steps back"
    );

    h.get_by_label("Next").click();
    h.step();
    h.step();
    assert_eq!(h.state().presentation_step(), 1, "the › button");
    h.get_by_label("Previous").click();
    h.step();
    h.step();
    assert_eq!(h.state().presentation_step(), 0, "the ‹ button");
    h.get_by_label("Next").click();
    h.step();
    h.step();
    h.get_by_label("Reveal the original (R)").click();
    h.step();
    h.step();
    assert!(h.state().presentation_revealed(), "the reveal button");
    h.get_by_label("Blank the screen (B)").click();
    h.step();
    h.step();
    assert!(h.state().presentation_blank(), "the blank button");
    click(&mut h, Pos2::new(800.0, 400.0));
    assert!(
        !h.state().presentation_blank(),
        "a click brings the screen back"
    );
    assert_eq!(h.state().presentation_step(), 1);
    h.get_by_label("Leave the presentation (Esc)").click();
    h.step();
    h.step();
    assert!(!h.state().presenting(), "the leave button");
}

fn tmp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "palimpsest-app-present-{}-{name}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn open_export_menu_item(h: &mut Harness<'_, PalimpsestApp>, item: &str) {
    h.get_by_label("File").click();
    frames(h, 2);
    h.get_by_label("Export").hover();
    frames(h, 3);
    h.get_by_label(item).click();
    h.step();
}

#[test]
fn file_export_annotated_image_writes_a_png_and_refuses_a_source() {
    let dir = tmp_dir("annotated");
    let out = dir.join("podium-annotated.png");
    let _ = std::fs::remove_file(&out);
    let mut dialogs = FakeDialogs::default();
    dialogs.answers.push_back(vec![out.clone()]);
    let sample_before = palimpsest::app::sample_pair().unwrap().0;
    dialogs.answers.push_back(vec![sample_before]);
    let sample_project = palimpsest::app::sample_project().expect("bundled sample project");
    dialogs.answers.push_back(vec![sample_project.clone()]);
    let mut h = started(dialogs);
    let (before_path, after_path) = h.state().pair_paths().unwrap();
    let before_bytes = std::fs::read(&before_path).unwrap();

    open_export_menu_item(&mut h, "Annotated image…");
    assert!(
        h.state().exporting() || out.exists(),
        "the export starts in the background"
    );
    settle(&mut h);
    assert_eq!(h.state().error(), None);
    let message = h
        .state()
        .export_message()
        .expect("a message says where it went");
    assert!(message.contains("Saved"), "{message}");
    assert!(message.contains("podium-annotated.png"), "{message}");

    // The file decodes to exactly what the export module draws for this document.
    let written = image::open(&out).expect("the export decodes as an image");
    let opts = palimpsest::io::LoadOptions::default();
    let before = palimpsest::io::load_image(&before_path, &opts).unwrap().rgb;
    let after = palimpsest::io::load_image(&after_path, &opts).unwrap().rgb;
    let project = h.state().project().clone();
    let after_aligned = palimpsest::export::align_after(&before, &after, &project);
    let essay = palimpsest::essay::Essay::bundled();
    let input = palimpsest::export::ExportInput {
        project: &project,
        essay: &essay,
        before: &before,
        after_aligned: &after_aligned,
    };
    let expected =
        palimpsest::export::annotated_image(&input, palimpsest::export::Base::Before).dimensions();
    assert_eq!(
        (written.width(), written.height()),
        expected,
        "the PNG has the annotated image's size"
    );
    assert!(
        written.width() > before.width(),
        "margins around the photograph"
    );
    assert_eq!(
        image::ImageFormat::from_path(&out).unwrap(),
        image::ImageFormat::Png
    );
    assert!(
        std::fs::read(&out).unwrap().starts_with(b"\x89PNG"),
        "PNG bytes"
    );

    // Choosing the original image itself (the dialog's second answer) is refused with a
    // message, and the original is untouched.
    open_export_menu_item(&mut h, "Annotated image…");
    assert!(!h.state().exporting(), "a refused export does not start");
    settle(&mut h);
    let error = h.state().error().expect("a message explains the refusal");
    assert!(
        error.contains("Not exported") && error.contains("refusing to overwrite"),
        "{error}"
    );
    assert_eq!(
        std::fs::read(&before_path).unwrap(),
        before_bytes,
        "the source image is unchanged"
    );

    // So is the project file the document was opened from.
    let project_bytes = std::fs::read(&sample_project).unwrap();
    h.get_by_label("Dismiss").click();
    h.step();
    open_export_menu_item(&mut h, "Annotated image…");
    assert!(!h.state().exporting(), "a refused export does not start");
    settle(&mut h);
    let error = h.state().error().expect("a message explains the refusal");
    assert!(error.contains("refusing to overwrite"), "{error}");
    assert_eq!(
        std::fs::read(&sample_project).unwrap(),
        project_bytes,
        "the project file is unchanged"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn file_export_slides_counts_them_and_cancel_writes_nothing() {
    let dir = tmp_dir("cancel");
    let deck = dir.join("podium-slides");
    let _ = std::fs::remove_dir_all(&deck);
    let mut dialogs = FakeDialogs::default();
    dialogs.answers.push_back(vec![deck.clone()]);
    let mut h = started(dialogs);
    // Several regions drawn by hand, so the deck has several slides.
    let ctx = h.ctx.clone();
    for i in 0..6 {
        let (x, y) = (
            80.0 + 200.0 * f64::from(i),
            100.0 + 100.0 * f64::from(i % 3),
        );
        let rect = vec![[x, y], [x + 90.0, y], [x + 90.0, y + 60.0], [x, y + 60.0]];
        h.state_mut()
            .send(&ctx, Command::Edit(Edit::AddRegion(rect)));
    }
    h.step();
    let slides = 1 + h.state().presentation_step_count();
    assert!(slides >= 7, "{slides} slides");
    // The export waits after its first slide until it is cancelled, so the count and the
    // Cancel button are certainly seen while it runs; without a cancel it would go on.
    h.state_mut().hold_exports_after_first_output();
    open_export_menu_item(&mut h, "Slides…");
    assert!(h.state().exporting(), "the export starts in the background");
    let mut waited = 0;
    while h
        .state()
        .export_progress()
        .is_none_or(|(done, _)| done == 0)
    {
        assert!(waited < 3000, "no slide was counted");
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.step();
        waited += 1;
    }
    h.step();
    let (done, total) = h.state().export_progress().unwrap();
    assert_eq!(total, slides);
    assert!(done >= 1, "{done} of {total}");
    assert!(
        h.query_by_label_contains("Exporting the slides: ")
            .is_some()
            && h.query_by_label_contains(&format!(" of {slides} slides"))
                .is_some(),
        "the status bar counts the slides"
    );

    h.get_by_label("Cancel").click();
    h.step();
    let mut waited = 0;
    while h.state().exporting() {
        assert!(waited < 3000, "the export did not stop");
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.step();
        waited += 1;
    }
    h.step();
    assert_eq!(h.state().error(), None, "a cancel is not an error");
    let message = h.state().export_message().expect("a message says so");
    assert!(message.starts_with("Export cancelled"), "{message}");
    assert!(
        !deck.exists(),
        "no slide, temporary file or folder is left: {:?}",
        std::fs::read_dir(&deck).map(|d| d.count())
    );
    assert!(
        h.query_by_label_contains("Export cancelled").is_some(),
        "the message is on screen"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// File > Export > Lesson page… and Quiz page… write the HTML pages the export module makes,
/// and say so.
#[test]
fn file_export_lesson_and_quiz_pages_write_html() {
    let dir = tmp_dir("lesson");
    let lesson = dir.join("podium-lesson.html");
    let quiz = dir.join("podium-quiz.html");
    for f in [&lesson, &quiz] {
        let _ = std::fs::remove_file(f);
    }
    let mut dialogs = FakeDialogs::default();
    dialogs.answers.push_back(vec![lesson.clone()]);
    dialogs.answers.push_back(vec![quiz.clone()]);
    let mut h = started(dialogs);
    for (item, out, body) in [
        ("Lesson page…", &lesson, "lesson-page"),
        ("Quiz page…", &quiz, "quiz-page"),
    ] {
        open_export_menu_item(&mut h, item);
        settle(&mut h);
        assert_eq!(h.state().error(), None, "{item}");
        let message = h.state().export_message().expect("a message says so");
        assert!(message.contains("Saved the"), "{item}: {message}");
        assert!(
            message.contains(&out.file_name().unwrap().to_string_lossy().into_owned()),
            "{item}: {message}"
        );
        let html = std::fs::read_to_string(out).expect("the page is written");
        assert!(html.starts_with("<!DOCTYPE html>"), "{item}");
        assert!(html.contains(&format!("<body class=\"{body}\">")), "{item}");
        assert!(html.contains("data:image/jpeg;base64,"), "{item}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The presenter view (Alt+F5; embedded in the main window here, as egui does where a backend
/// has no second window): its buttons step the projected presentation, the main window's keys
/// step what it shows, once each, and closing it leaves the presentation running.
#[test]
fn the_presenter_view_and_the_screen_step_together() {
    let mut h = started(FakeDialogs::default());
    h.key_press_modifiers(egui::Modifiers::ALT, Key::F5);
    frames(&mut h, 2);
    assert!(h.state().presenting(), "Alt+F5 presents");
    assert!(h.state().presenter_open(), "with the presenter view");
    let total = h.state().presentation_step_count() + 1;
    assert!(total >= 3, "{total} slides");
    let shown = |h: &Harness<'_, PalimpsestApp>, slide: usize| {
        h.query_by_label(&format!("Slide {slide} of {total}"))
            .is_some()
    };
    assert!(shown(&h, 1), "the presenter view opens on the title");
    assert!(h.query_by_label("The title slide").is_some());

    // Its Next button moves the screen.
    h.get_by_label("Next ▶").click();
    frames(&mut h, 2);
    assert_eq!(
        h.state().presentation_step(),
        1,
        "the presenter's Next steps"
    );
    assert!(shown(&h, 2));
    let first = h
        .state()
        .regions()
        .iter()
        .find(|r| !r.hidden)
        .unwrap()
        .clone();
    assert!(
        h.query_by_label(&format!("{} · {}", first.id, first.label))
            .is_some(),
        "the current region is shown, numbered and labelled"
    );

    // The screen's key moves the presenter view, by one step, not two.
    press(&mut h, Key::ArrowRight);
    frames(&mut h, 2);
    assert_eq!(h.state().presentation_step(), 2, "→ steps once");
    assert!(shown(&h, 3), "the presenter view follows the screen");

    h.get_by_label("◀ Previous").click();
    frames(&mut h, 2);
    assert_eq!(h.state().presentation_step(), 1);
    assert!(shown(&h, 2));

    // Blank from the presenter view, and any key on the screen brings it back.
    h.get_by_label("Blank").click();
    frames(&mut h, 2);
    assert!(h.state().presentation_blank());
    assert!(
        h.query_by_label("Screen blanked").is_some(),
        "the presenter view says the screen is blank"
    );
    press(&mut h, Key::ArrowRight);
    assert!(!h.state().presentation_blank());
    assert_eq!(h.state().presentation_step(), 1);

    // Leave ends both.
    h.get_by_label("Leave").click();
    frames(&mut h, 2);
    assert!(!h.state().presenting() && !h.state().presenter_open());
    assert!(h.query_by_label(&format!("Slide 2 of {total}")).is_none());
}
