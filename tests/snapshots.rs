//! Snapshot tests: what each view of the pair puts on screen, rendered with wgpu and compared
//! with the PNGs in `tests/snapshots/`. Side by side, swipe at two divider positions, onion skin
//! at two opacities, blink on each phase, heat-map, mask overlay, the loupe, presentation's
//! title and region views and the spot-the-change quiz; and a test of the test, showing that
//! the comparison fails when a view draws nothing or the wrong image.
//!
//! wgpu renders on Mesa's llvmpipe software rasteriser when there is no GPU, through EGL with
//! no display (Debian's `libegl1` and `libgl1-mesa-dri`; `.ci/run` installs them when
//! missing). `UPDATE_SNAPSHOTS=1 cargo test --test snapshots` records the snapshots again; a
//! failed comparison leaves `NAME.new.png` and `NAME.diff.png` beside them (git-ignored).
//!
//! The pair is drawn here: a 240 × 160 street of flat-coloured blocks under a graded sky, with
//! a dark disc and a red post painted out of the after image, exactly (no rescan, no noise).
//! Flat colours keep the snapshots a few kilobytes each and the analysis of the pair exact, so
//! the heat-map and mask change only when the app draws them differently. The image views are
//! cut from the window to the image panes in pictures-only mode (F11), so the menus, the side
//! panel and the status bar (which shows the analysis time) are not part of them; the
//! presentation and the quiz fill the window and are taken whole.
//!
//! Tolerance (`kittest.toml`): a pixel fails when its colour differs by more than egui_kittest's
//! default 0.6 (squared YIQ distance), which absorbs rounding differences between rasterisers
//! and nothing a person would see; no failing pixel is allowed, because llvmpipe renders the
//! same frame identically on every run, and a view that drew one wrong line should fail.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]
#![cfg(feature = "gui")]

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use common::{drag, settle, steps};
use egui::{Key, Pos2, pos2};
use egui_kittest::kittest::Queryable;
use egui_kittest::{Harness, SnapshotOptions, SnapshotResults, try_image_snapshot_options};
use image::{Rgb, RgbImage, RgbaImage};
use palimpsest::app::command::PresentAction;
use palimpsest::app::testing::FakeDialogs;
use palimpsest::app::{Command, PalimpsestApp, Start, ViewMode};

/// The window of the image views: small, so the snapshots stay small.
const SIZE: [f32; 2] = [480.0, 320.0];

/// The window of the presentation and the quiz, wide enough for the quiz's header and buttons.
const WIDE: [f32; 2] = [800.0, 450.0];

/// The pair's size.
const W: u32 = 240;
const H: u32 = 160;

/// The street, with or without the two things painted out of the after image.
fn street(with_figures: bool) -> RgbImage {
    let fill = |img: &mut RgbImage, [x0, y0, x1, y1]: [u32; 4], c: [u8; 3]| {
        for y in y0..y1 {
            for x in x0..x1 {
                img.put_pixel(x, y, Rgb(c));
            }
        }
    };
    let mut img = RgbImage::from_fn(W, H, |_, y| {
        if y < 100 {
            // A sky graded from top to horizon.
            let t = y as f32 / 100.0;
            let mix = |a: f32, b: f32| (a + (b - a) * t).round() as u8;
            Rgb([mix(120.0, 205.0), mix(150.0, 215.0), mix(200.0, 230.0)])
        } else {
            // Pavement, lighter towards the viewer.
            let v = (150 + (y - 100) / 2) as u8;
            Rgb([v, v - 14, v - 34])
        }
    });
    fill(&mut img, [16, 36, 76, 100], [176, 82, 60]);
    fill(&mut img, [150, 24, 222, 100], [88, 92, 142]);
    fill(&mut img, [92, 60, 130, 100], [214, 196, 160]);
    for (x, y) in [(26, 46), (50, 46), (26, 70), (50, 70)] {
        fill(&mut img, [x, y, x + 12, y + 14], [40, 32, 30]);
    }
    for row in 0..3 {
        for col in 0..4 {
            let (x, y) = (158 + col * 16, 32 + row * 22);
            fill(&mut img, [x, y, x + 8, y + 12], [236, 226, 150]);
        }
    }
    fill(&mut img, [104, 72, 118, 100], [70, 50, 40]);
    if with_figures {
        // A dark disc on the pavement and a red post standing against the blue block.
        for y in 106..142 {
            for x in 42..78 {
                let (dx, dy) = (x as f32 - 59.5, y as f32 - 123.5);
                if dx * dx + dy * dy <= 17.0 * 17.0 {
                    img.put_pixel(x, y, Rgb([36, 36, 40]));
                }
            }
        }
        fill(&mut img, [180, 84, 198, 146], [200, 40, 36]);
    }
    img
}

/// Writes the pair into a folder `street` in `dir`, whose name the project's title takes:
/// (before, after).
fn write_pair(dir: &Path) -> (PathBuf, PathBuf) {
    let dir = dir.join("street");
    std::fs::create_dir(&dir).unwrap();
    let (b, a) = (dir.join("before.png"), dir.join("after.png"));
    street(true).save(&b).unwrap();
    street(false).save(&a).unwrap();
    (b, a)
}

/// The app on the street pair, analysed, in a window rendered with wgpu (no cursor drawn: the
/// pointer's place is part of a test, its arrow is not). The temporary folder holds the pair.
fn opened() -> (Harness<'static, PalimpsestApp>, tempfile::TempDir) {
    opened_in(SIZE, Arc::default())
}

/// [`opened`] in a window of `size`, with a broken view on request: while `blank` is set, the
/// image panes are painted over once the app has drawn, as if the view had drawn nothing.
fn opened_in(
    size: [f32; 2],
    blank: Arc<AtomicBool>,
) -> (Harness<'static, PalimpsestApp>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let (b, a) = write_pair(dir.path());
    let app = PalimpsestApp::new_for_test(Start::Pair(b, a), FakeDialogs::default());
    let mut h = Harness::builder()
        .with_size(size)
        .wgpu()
        .with_render_cursor(false)
        .build_ui_state(
            move |ui, app: &mut PalimpsestApp| {
                app.show(ui);
                if blank.load(Ordering::Relaxed) {
                    let panes = app.layout().images;
                    ui.painter()
                        .rect_filled(panes, 0.0, ui.visuals().panel_fill);
                }
            },
            app,
        );
    settle(&mut h);
    assert_eq!(h.state().error(), None);
    assert!(h.state().analysed(), "the pair is analysed on opening");
    assert_eq!(
        h.state().regions().len(),
        2,
        "the disc and the post are found: {:?}",
        h.state().regions()
    );
    (h, dir)
}

/// Shows the pictures alone (F11), the panes as large as the window allows.
fn pictures_only(h: &mut Harness<'_, PalimpsestApp>) {
    h.key_press(Key::F11);
    steps(h, 3);
    assert!(h.state().pictures_only());
}

fn mode(h: &mut Harness<'_, PalimpsestApp>, mode: ViewMode) {
    h.key_press(mode.key());
    steps(h, 3);
    assert_eq!(h.state().mode(), mode);
}

/// The window as wgpu renders it.
fn window(h: &mut Harness<'_, PalimpsestApp>) -> RgbaImage {
    h.render().expect("wgpu renders the frame")
}

/// The image panes as wgpu renders them: the window cut to the panes' union.
fn panes(h: &mut Harness<'_, PalimpsestApp>) -> RgbaImage {
    let r = h.state().layout().images;
    let img = window(h);
    let (x0, y0) = (r.min.x.round() as u32, r.min.y.round() as u32);
    let (x1, y1) = (
        (r.max.x.round() as u32).min(img.width()),
        (r.max.y.round() as u32).min(img.height()),
    );
    assert!(x1 > x0 + 100 && y1 > y0 + 100, "the panes are drawn: {r:?}");
    image::imageops::crop_imm(&img, x0, y0, x1 - x0, y1 - y0).to_image()
}

/// The snapshot options: `kittest.toml`'s tolerance, in `tests/snapshots/`.
fn options() -> SnapshotOptions {
    SnapshotOptions::new()
        .output_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots"))
}

/// Compares `img` with the snapshot `name`, collecting a failure in `results`.
fn check(results: &mut SnapshotResults, name: &str, img: &RgbaImage) {
    results.add(try_image_snapshot_options(img, name, &options()));
}

#[test]
fn side_by_side() {
    let (mut h, _dir) = opened();
    pictures_only(&mut h);
    mode(&mut h, ViewMode::SideBySide);
    let mut results = SnapshotResults::new();
    check(&mut results, "side_by_side", &panes(&mut h));
}

/// The swipe divider dragged to a quarter and to three quarters of the pane.
#[test]
fn swipe_at_two_divider_positions() {
    let (mut h, _dir) = opened();
    pictures_only(&mut h);
    mode(&mut h, ViewMode::Swipe);
    let pane = h.state().pane_rect().unwrap();
    let y = (pane[1] + pane[3]) / 2.0;
    let mut results = SnapshotResults::new();
    for (fraction, name) in [(0.25, "swipe_25"), (0.75, "swipe_75")] {
        let handle = h.get_by_label("Swipe divider").rect().center();
        let to = pos2(pane[0] + fraction * (pane[2] - pane[0]), y);
        drag(&mut h, pos2(handle.x, y), to);
        // Away from the divider, so it is not drawn hovered.
        h.hover_at(pos2(pane[0] + 4.0, pane[1] + 4.0));
        steps(&mut h, 2);
        check(&mut results, name, &panes(&mut h));
    }
}

/// Onion skin with the after image at 25 % and at 75 % over the before.
#[test]
fn onion_skin_at_two_opacities() {
    let (mut h, _dir) = opened();
    mode(&mut h, ViewMode::OnionSkin);
    h.get_by_role_and_label(egui::Role::Tab, "Analysis").click();
    steps(&mut h, 2);
    let mut results = SnapshotResults::new();
    for (opacity, name) in [(0.25, "onion_skin_25"), (0.75, "onion_skin_75")] {
        h.get_by_role_and_label(egui::Role::Slider, "After opacity")
            .set_value_accesskit(opacity);
        steps(&mut h, 2);
        pictures_only(&mut h);
        check(&mut results, name, &panes(&mut h));
        h.key_press(Key::F11);
        steps(&mut h, 3);
    }
}

/// Blink at a moment of each phase of its alternation (the clock set), then with Space held.
#[test]
fn blink_on_each_phase() {
    let (mut h, _dir) = opened();
    pictures_only(&mut h);
    mode(&mut h, ViewMode::Blink);
    // The default interval is 0.6 s: the before image first, then the after image.
    let mut results = SnapshotResults::new();
    for (secs, name) in [(0.3, "blink_before"), (0.9, "blink_after")] {
        h.input_mut().time = Some(100.0 * 1.2 + secs);
        steps(&mut h, 2);
        check(&mut results, name, &panes(&mut h));
    }
    // Space shows the after image whatever the clock says: the same picture as its phase.
    h.input_mut().time = Some(100.0 * 1.2 + 0.3);
    h.key_down(Key::Space);
    steps(&mut h, 2);
    check(&mut results, "blink_after", &panes(&mut h));
    h.key_up(Key::Space);
    h.input_mut().time = None;
    h.step();
}

#[test]
fn heatmap_and_mask_overlay() {
    let (mut h, _dir) = opened();
    pictures_only(&mut h);
    let mut results = SnapshotResults::new();
    mode(&mut h, ViewMode::Heatmap);
    check(&mut results, "heatmap", &panes(&mut h));
    mode(&mut h, ViewMode::MaskOverlay);
    check(&mut results, "mask_overlay", &panes(&mut h));
}

/// The loupe (L) over the foot of the erased disc, in side by side. The window is too narrow
/// for its two squares on either side of the pointer, so they are kept on screen over it.
#[test]
fn loupe() {
    let (mut h, _dir) = opened();
    pictures_only(&mut h);
    mode(&mut h, ViewMode::SideBySide);
    let s = h.state().screen_of(60.0, 138.0).unwrap();
    h.hover_at(Pos2::from(s));
    h.step();
    h.key_press(Key::L);
    steps(&mut h, 3);
    let mut results = SnapshotResults::new();
    check(&mut results, "loupe", &panes(&mut h));
}

/// Presentation's title view, then the first region's view once its zoom has ended.
#[test]
fn presentation_title_and_region() {
    let (mut h, _dir) = opened_in(WIDE, Arc::default());
    let ctx = h.ctx.clone();
    h.state_mut().send(&ctx, Command::StartPresentation);
    steps(&mut h, 10);
    assert!(h.state().presenting());
    assert_eq!(h.state().presentation_step(), 0);
    let mut results = SnapshotResults::new();
    check(&mut results, "presentation_title", &window(&mut h));
    h.state_mut()
        .send(&ctx, Command::Present(PresentAction::Next));
    steps(&mut h, 10);
    assert_eq!(h.state().presentation_step(), 1);
    check(&mut results, "presentation_region", &window(&mut h));
}

/// The quiz: the doctored print alone, then after the reveal with one region found.
#[test]
fn quiz() {
    let (mut h, _dir) = opened_in(WIDE, Arc::default());
    let ctx = h.ctx.clone();
    h.state_mut().send(&ctx, Command::StartQuiz);
    steps(&mut h, 4);
    assert!(h.state().quizzing());
    let mut results = SnapshotResults::new();
    check(&mut results, "quiz", &window(&mut h));
    let post = h.state().quiz_screen_point([189.0, 120.0]).unwrap();
    common::click(&mut h, post);
    assert_eq!(h.state().quiz_marks().len(), 1);
    h.get_by_label("Reveal").click();
    steps(&mut h, 4);
    assert!(h.state().quiz_revealed());
    check(&mut results, "quiz_revealed", &window(&mut h));
}

/// Whether `img` fails the comparison with `reference` under the snapshot options. The
/// comparison runs on a scratch copy, so the committed snapshots and their `.new.png` and
/// `.diff.png` files are left alone. With `UPDATE_SNAPSHOTS=1` a comparison does not fail but
/// records an image that differs; a rewritten copy tells the same.
fn fails_against(reference: &RgbaImage, img: &RgbaImage) -> bool {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reference.png");
    reference.save(&path).unwrap();
    let kept = std::fs::read(&path).unwrap();
    let result = try_image_snapshot_options(img, "reference", &options().output_path(dir.path()));
    result.is_err() || std::fs::read(&path).unwrap() != kept
}

/// The comparison can fail: a second render of side by side passes against the first, but the
/// same window with the panes left empty, or with the pair swapped, fails.
#[test]
fn a_snapshot_fails_when_a_view_draws_nothing_or_the_wrong_image() {
    let blank = Arc::new(AtomicBool::new(false));
    let (mut h, _dir) = opened_in(SIZE, Arc::clone(&blank));
    pictures_only(&mut h);
    mode(&mut h, ViewMode::SideBySide);
    let good = panes(&mut h);
    h.step();
    assert!(
        !fails_against(&good, &panes(&mut h)),
        "the same view rendered again passes"
    );

    blank.store(true, Ordering::Relaxed);
    steps(&mut h, 2);
    assert!(
        fails_against(&good, &panes(&mut h)),
        "a view that draws nothing fails"
    );
    blank.store(false, Ordering::Relaxed);

    let ctx = h.ctx.clone();
    h.state_mut().send(&ctx, Command::SwapPair);
    settle(&mut h);
    assert!(
        fails_against(&good, &panes(&mut h)),
        "the after image where the before should be fails"
    );
}
