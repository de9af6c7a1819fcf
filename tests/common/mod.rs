//! Helpers shared by the UI tests: a headless harness around the real app, waiting for
//! background work with a frame cap, and mouse gestures on the image.

#![allow(
    dead_code,
    reason = "every test binary compiles this module and uses its own part of it"
)]

use std::time::Duration;

use egui::Pos2;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use palimpsest::app::PalimpsestApp;

/// Most frames a test waits for background work (20 ms each: two minutes in all, generous for
/// a debug build on a slow machine).
pub const MAX_FRAMES: usize = 6000;

/// The window size of the UI tests.
pub const SIZE: [f32; 2] = [1400.0, 900.0];

/// A headless harness showing `app` in a [`SIZE`] window.
pub fn harness(app: PalimpsestApp) -> Harness<'static, PalimpsestApp> {
    Harness::builder()
        .with_size(SIZE)
        .build_ui_state(|ui, app: &mut PalimpsestApp| app.show(ui), app)
}

/// Steps frames until no background job (analysis, detection or export) runs, then a few more
/// so the UI reflects the result. Panics after [`MAX_FRAMES`].
pub fn settle(h: &mut Harness<'_, PalimpsestApp>) {
    for _ in 0..MAX_FRAMES {
        h.step();
        if !h.state().busy() && !h.state().exporting() {
            steps(h, 3);
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("background work did not finish within {MAX_FRAMES} frames");
}

/// Steps `n` frames.
pub fn steps(h: &mut Harness<'_, PalimpsestApp>, n: usize) {
    for _ in 0..n {
        h.step();
    }
}

/// Drags with the primary button from `from` to `to` in a few moves.
pub fn drag(h: &mut Harness<'_, PalimpsestApp>, from: Pos2, to: Pos2) {
    h.hover_at(from);
    h.step();
    h.drag_at(from);
    h.step();
    for i in 1..=4 {
        h.hover_at(from + (to - from) * (i as f32 / 4.0));
        h.step();
    }
    h.drop_at(to);
    steps(h, 2);
}

/// Clicks the primary button at `at`.
pub fn click(h: &mut Harness<'_, PalimpsestApp>, at: Pos2) {
    h.hover_at(at);
    h.step();
    h.drag_at(at);
    h.step();
    h.drop_at(at);
    steps(h, 2);
}

/// Waits for the start's offer to restore an autosave, checks that nothing opened before the
/// answer, clicks `answer` ("Restore" or "Discard") and waits until the app has settled.
pub fn answer_restore_offer(h: &mut Harness<'_, PalimpsestApp>, answer: &str) {
    steps(h, 2);
    h.get_by_label("Recover unsaved work?");
    assert_eq!(
        h.state().pair_paths(),
        None,
        "the start waits for the answer"
    );
    h.get_by_label(answer).click();
    h.step();
    settle(h);
    assert!(h.query_by_label("Recover unsaved work?").is_none());
}

pub mod drawn;
