//! What the image views draw, checked by the pixels they would put on screen: big-scan tiling
//! under a small GPU texture limit and in 512 px tiles; every view's pictures; the linked camera
//! (wheel zoom toward the cursor, drag, F and 0), the swipe divider, blink and the loupe, read
//! back from the drawn textures; the mirrored cursor, from the strokes drawn; the status bar's
//! pixel readout.
//!
//! No GPU is used: `common::drawn` keeps every texture the app uploads and composites the
//! textured meshes of the last frame at a screen point, sampling each texture as the app asks
//! the GPU to when magnifying (nearest texel).

#![allow(
    clippy::unwrap_used,
    clippy::type_complexity,
    reason = "test code: a failed unwrap is a failed test"
)]
#![cfg(feature = "gui")]

mod common;

use std::path::{Path, PathBuf};

use common::drawn::{self, Textures, image_pixel, layers_at};
use common::{drag, settle, steps};
use egui::{Event, Key, MouseWheelUnit, Pos2, TextureId, pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use image::RgbImage;
use palimpsest::app::testing::FakeDialogs;
use palimpsest::app::{Command, PalimpsestApp, Start, ViewMode};

/// The GPU limit forced on the tiling test, under the pair's 2000 × 1500: the smallest egui
/// accepts (its font atlas needs 1024 px; 512 panics with "Tiny texture atlas"), and half what
/// headless egui reports by default.
const MAX_SIDE: usize = 1024;

fn started() -> (Harness<'static, PalimpsestApp>, Textures) {
    let (mut h, textures) = drawn::harness(PalimpsestApp::new_for_test(
        Start::Sample,
        FakeDialogs::default(),
    ));
    settle(&mut h);
    assert_eq!(h.state().error(), None);
    assert!(h.state().analysed(), "the sample is analysed on start");
    (h, textures)
}

/// A 2000 × 1500 staged photograph with a fine per-pixel pattern added, so that no pixel equals
/// what any resampling would put there, and its doctored rescan-free copy: (before, after).
fn big_pair(dir: &Path) -> (PathBuf, PathBuf, RgbImage) {
    let scene = palimpsest::synth::staged_photo(7, 2000, 1500);
    let mut before = scene.render(&[]);
    for (x, y, p) in before.enumerate_pixels_mut() {
        let k = ((x * 7 + y * 13) % 5) as u8 * 6;
        p.0 = p.0.map(|v| v.saturating_sub(15).saturating_add(k));
    }
    let after = scene.render(&[1]);
    let (b, a) = (dir.join("big-before.png"), dir.join("big-after.png"));
    before.save(&b).unwrap();
    after.save(&a).unwrap();
    (b, a, before)
}

fn screen(h: &Harness<'_, PalimpsestApp>, pane: usize, x: f64, y: f64) -> Pos2 {
    let s = h.state().screen_of_in(pane, x, y).expect("view drawn");
    pos2(s[0], s[1])
}

/// The before-image point (edge coordinates) under screen point `s` in the first pane.
fn image_at(h: &Harness<'_, PalimpsestApp>, s: Pos2) -> Pos2 {
    let z = h.state().zoom();
    let o = screen(h, 0, 0.0, 0.0) - vec2(0.5, 0.5) * z;
    pos2((s.x - o.x) / z, (s.y - o.y) / z)
}

/// With the GPU limited to 1024 px textures, a 2000 × 1500 pair is uploaded as 2 × 2 tiles, each
/// the exact pixels of its part of the photograph (nothing downscaled), and at 100 % the screen
/// pixels around the point where four tiles meet are the photograph's own pixels there.
#[test]
fn a_big_pair_is_tiled_at_full_resolution_under_a_small_texture_limit() {
    let (mut h, textures) = started();
    drawn::limit_texture_side(&mut h, MAX_SIDE);
    open_big_pair_and_check_tiles(&mut h, &textures, MAX_SIDE);
}

/// With tiles limited to 512 px (under the GPU's limit, which egui's font atlas needs at 1024
/// or more), the same pair is uploaded as 4 × 3 tiles, each at full resolution, and the 100 %
/// view where four of them meet shows the photograph's pixels.
#[test]
fn a_big_pair_is_tiled_in_512_px_tiles_at_full_resolution() {
    let (mut h, textures) = drawn::harness(
        PalimpsestApp::new_for_test(Start::Sample, FakeDialogs::default())
            .with_tile_side_limit(512),
    );
    settle(&mut h);
    assert!(h.state().analysed(), "the sample is analysed on start");
    open_big_pair_and_check_tiles(&mut h, &textures, 512);
}

/// Opens the 2000 × 1500 pair and checks that it was uploaded in tiles of `side` pixels, each
/// the exact pixels of its part (nothing downscaled), and that at 100 % the screen pixels
/// around a point where four tiles meet are the photograph's own pixels there.
fn open_big_pair_and_check_tiles(
    h: &mut Harness<'_, PalimpsestApp>,
    textures: &Textures,
    side: usize,
) {
    let dir = tempfile::tempdir().unwrap();
    let (b, a, before) = big_pair(dir.path());
    let ctx = h.ctx.clone();
    h.state_mut().send(&ctx, Command::OpenPair(b.clone(), a));
    settle(h);
    assert_eq!(h.state().pair_paths().map(|p| p.0), Some(b));
    assert_eq!(h.state().error(), None);
    let (nx, ny) = (2000_usize.div_ceil(side), 1500_usize.div_ceil(side));
    assert_eq!(
        h.state().before_tile_count(),
        nx * ny,
        "2000 × 1500 in tiles of at most {side} px"
    );

    // Every tile of the before image was uploaded as its exact pixels, at full size.
    let all = textures.all();
    for (id, tex) in &all {
        if *id == TextureId::default() {
            continue; // egui's font atlas
        }
        assert!(
            tex.size[0] <= side && tex.size[1] <= side,
            "texture {id:?} of {:?} exceeds the limit",
            tex.size
        );
    }
    let side32 = side as u32;
    for ty in 0..ny as u32 {
        for tx in 0..nx as u32 {
            let (x0, y0) = (tx * side32, ty * side32);
            let (w, hh) = ((2000 - x0).min(side32), (1500 - y0).min(side32));
            let crop = image::imageops::crop_imm(&before, x0, y0, w, hh).to_image();
            let expected = egui::ColorImage::from_rgb([w as usize, hh as usize], crop.as_raw());
            assert!(
                all.iter().any(|(_, t)| **t == expected),
                "no texture holds the tile at ({x0}, {y0}) of {w} × {hh} pixels unchanged"
            );
        }
    }

    // 100 %: one screen pixel per image pixel (the harness draws at one pixel per point).
    h.key_press(Key::Num0);
    steps(h, 3);
    assert_eq!(h.state().zoom(), 1.0);
    let vis = h.state().visible_rect().unwrap();
    let seam = |lo: f32, hi: f32| {
        let mid = f64::from(lo + hi) / 2.0;
        let s = (mid / side as f64).round() * side as f64;
        assert!(
            s - 8.0 > f64::from(lo) && s + 8.0 < f64::from(hi),
            "a seam near the middle of the view {vis:?}"
        );
        s
    };
    let (sx, sy) = (seam(vis[0], vis[2]), seam(vis[1], vis[3]));
    let mut textures_seen = std::collections::BTreeSet::new();
    for y in (sy as u32 - 8)..(sy as u32 + 8) {
        for x in (sx as u32 - 8)..(sx as u32 + 8) {
            let p = screen(h, 0, f64::from(x), f64::from(y));
            let layers = layers_at(h, textures, p);
            textures_seen.extend(layers.iter().map(|l| format!("{:?}", l.texture)));
            assert_eq!(
                image_pixel(h, textures, p),
                Some(before.get_pixel(x, y).0),
                "the screen pixel at {p:?} should show the photograph's pixel ({x}, {y})"
            );
            let right = screen(h, 0, f64::from(x) + 1.0, f64::from(y));
            assert_eq!(
                right - p,
                vec2(1.0, 0.0),
                "one screen pixel per image pixel"
            );
        }
    }
    assert_eq!(
        textures_seen.len(),
        4,
        "four tiles meet at ({sx}, {sy}): {textures_seen:?}"
    );
}

/// The textures the before and after images are drawn with (from side by side's two panes).
fn before_and_after(h: &mut Harness<'_, PalimpsestApp>, t: &Textures) -> (TextureId, TextureId) {
    h.key_press(ViewMode::SideBySide.key());
    steps(h, 2);
    let top = |h: &Harness<'_, PalimpsestApp>, pane: usize| {
        let p = screen(h, pane, 200.0, 200.0);
        layers_at(h, t, p)
            .last()
            .expect("a picture is drawn")
            .texture
    };
    let ids = (top(h, 0), top(h, 1));
    assert_ne!(ids.0, ids.1);
    ids
}

fn wheel(h: &mut Harness<'_, PalimpsestApp>, at: Pos2, clicks: f32) {
    h.hover_at(at);
    h.step();
    h.event(Event::MouseWheel {
        unit: MouseWheelUnit::Line,
        delta: vec2(0.0, clicks),
        phase: egui::TouchPhase::Move,
        modifiers: egui::Modifiers::NONE,
        source: egui::MouseWheelSource::Wheel,
    });
    steps(h, 20);
}

/// Scrolling zooms toward the cursor: the image point under it stays under it, in geometry
/// and in the pixel drawn there, while the scale changes.
#[test]
fn wheel_zoom_keeps_the_image_point_under_the_cursor() {
    let (mut h, t) = started();
    let pane = h.state().pane_rect().unwrap();
    // Off-centre, so a zoom about the pane's centre would move it.
    let cursor = pos2(
        pane[0] + 0.3 * (pane[2] - pane[0]),
        pane[1] + 0.7 * (pane[3] - pane[1]),
    );
    let (zoom0, point0) = (h.state().zoom(), image_at(&h, cursor));
    wheel(&mut h, cursor, 3.0);
    let (zoom1, point1) = (h.state().zoom(), image_at(&h, cursor));
    assert!(
        zoom1 > zoom0 * 1.2,
        "scrolling up zooms in: {zoom0} → {zoom1}"
    );
    assert!(
        point0.distance(point1) < 0.5,
        "the image point under the cursor moved: {point0:?} → {point1:?}"
    );
    let texel = |h: &Harness<'_, PalimpsestApp>| {
        layers_at(h, &t, cursor)
            .last()
            .map(|l| l.texel)
            .expect("a picture")
    };
    let before = texel(&h);
    wheel(&mut h, cursor, -2.0);
    assert!(h.state().zoom() < zoom1, "scrolling down zooms out");
    let after = texel(&h);
    assert!(
        before[0].abs_diff(after[0]) <= 1 && before[1].abs_diff(after[1]) <= 1,
        "the texel under the cursor stays: {before:?} → {after:?}"
    );
}

/// Dragging pans both panes by the drag, and each pane's pixel moves with it.
#[test]
fn a_drag_pans_both_panes_by_the_same_amount() {
    let (mut h, t) = started();
    let at = screen(&h, 0, 700.0, 480.0);
    wheel(&mut h, at, 4.0);
    let q = (700.0, 480.0);
    let (a0, b0) = (screen(&h, 0, q.0, q.1), screen(&h, 1, q.0, q.1));
    let pixel0 = image_pixel(&h, &t, a0).unwrap();
    let d = vec2(-120.0, 70.0);
    drag(&mut h, a0, a0 + d);
    let (a1, b1) = (screen(&h, 0, q.0, q.1), screen(&h, 1, q.0, q.1));
    assert!(
        (a1 - a0 - d).length() < 1.0,
        "the before pane follows the drag {d:?}: moved {:?}",
        a1 - a0
    );
    assert!(
        ((b1 - b0) - (a1 - a0)).length() < 0.01,
        "both panes move alike: {:?} and {:?}",
        a1 - a0,
        b1 - b0
    );
    assert_eq!(
        image_pixel(&h, &t, a1),
        Some(pixel0),
        "the pixel moved with the image"
    );
}

/// F shows the whole image, snug in the pane; 0 shows it at 100 %: one screen pixel per image
/// pixel, each the image's own texel.
#[test]
fn f_fits_and_0_shows_one_screen_pixel_per_image_pixel() {
    let (mut h, t) = started();
    let (w, hh) = (1440.0, 960.0);
    let at = screen(&h, 0, 300.0, 300.0);
    wheel(&mut h, at, 5.0);
    h.key_press(Key::Num0);
    steps(&mut h, 3);
    assert_eq!(h.state().zoom(), 1.0);
    let p = screen(&h, 0, 720.0, 480.0);
    let texels: Vec<[usize; 2]> = (0..4)
        .map(|i| {
            layers_at(&h, &t, p + vec2(i as f32, 0.0))
                .last()
                .unwrap()
                .texel
        })
        .collect();
    for pair in texels.windows(2) {
        assert_eq!(
            [pair[1][0] - pair[0][0], pair[1][1] - pair[0][1]],
            [1, 0],
            "neighbouring screen pixels show neighbouring texels: {texels:?}"
        );
    }
    h.key_press(Key::F);
    steps(&mut h, 3);
    let v = h.state().visible_rect().unwrap();
    assert!(
        v[0] <= 0.0 && v[1] <= 0.0 && v[2] >= w && v[3] >= hh,
        "the whole image is visible: {v:?}"
    );
    let pane = h.state().pane_rect().unwrap();
    let shown = [
        (w * h.state().zoom()) / (pane[2] - pane[0]),
        (hh * h.state().zoom()) / (pane[3] - pane[1]),
    ];
    assert!(
        shown[0].max(shown[1]) > 0.95,
        "the image fills the pane in one direction: {shown:?}"
    );
    // Every corner of the image is drawn.
    for (x, y) in [
        (0.0, 0.0),
        (w - 1.0, 0.0),
        (0.0, hh - 1.0),
        (w - 1.0, hh - 1.0),
    ] {
        let corner = screen(&h, 0, f64::from(x), f64::from(y));
        assert!(image_pixel(&h, &t, corner).is_some(), "corner ({x}, {y})");
    }
}

/// The swipe divider follows the mouse, and the before image is drawn left of it, the after
/// image right of it.
#[test]
fn the_swipe_divider_follows_the_mouse() {
    let (mut h, t) = started();
    let (before_id, after_id) = before_and_after(&mut h, &t);
    h.key_press(ViewMode::Swipe.key());
    steps(&mut h, 2);
    let pane = h.state().pane_rect().unwrap();
    let y = (pane[1] + pane[3]) / 2.0 + 40.0;
    let side = |h: &Harness<'_, PalimpsestApp>, x: f32| {
        layers_at(h, &t, pos2(x, y)).last().unwrap().texture
    };
    for target in [0.25, 0.8] {
        let handle = h.get_by_label("Swipe divider").rect().center();
        let to = pos2(pane[0] + target * (pane[2] - pane[0]), y);
        drag(&mut h, pos2(handle.x, y), to);
        let now = h.get_by_label("Swipe divider").rect().center().x;
        assert!(
            (now - to.x).abs() < 1.5,
            "the divider is at {now}, the mouse let go at {}",
            to.x
        );
        assert_eq!(
            side(&h, to.x - 4.0),
            before_id,
            "before left of the divider"
        );
        assert_eq!(side(&h, to.x + 4.0), after_id, "after right of the divider");
    }
}

/// Blink alternates the two images on its own, and holding Space shows the after image for as
/// long as it is held.
#[test]
fn blink_alternates_and_holding_space_shows_the_after_image() {
    let (mut h, t) = started();
    let (before_id, after_id) = before_and_after(&mut h, &t);
    h.key_press(ViewMode::Blink.key());
    steps(&mut h, 2);
    let pane = h.state().pane_rect().unwrap();
    let centre = pos2((pane[0] + pane[2]) / 2.0, (pane[1] + pane[3]) / 2.0);
    let shown = |h: &Harness<'_, PalimpsestApp>| {
        let layers = layers_at(h, &t, centre);
        assert_eq!(layers.len(), 1, "one image at a time");
        layers[0].texture
    };
    // Six seconds of frames (the harness's clock moves a quarter of a second a frame), several
    // blink intervals.
    let frames = 24;
    let mut seen = Vec::new();
    for _ in 0..frames {
        h.step();
        seen.push(shown(&h));
    }
    assert!(
        seen.contains(&before_id) && seen.contains(&after_id),
        "both images are shown in turn"
    );
    h.key_down(Key::Space);
    for _ in 0..frames {
        h.step();
        assert_eq!(shown(&h), after_id, "the after image while Space is held");
    }
    h.key_up(Key::Space);
    h.step();
}

/// A grid of before-image pixels over the sample (1440 × 960), away from the edges.
fn grid() -> Vec<(f64, f64)> {
    (1..6)
        .flat_map(|j| (1..6).map(move |i| (f64::from(i) * 240.0, f64::from(j) * 160.0)))
        .collect()
}

/// Every mode draws its pictures over the whole pane, each in its own way: side by side the
/// before image left and the after image right; onion skin the after image over the before at
/// the set opacity (the composite is their mix); heat-map a third picture of its own, hotter
/// on the erased figure than on the sky; mask overlay the before image with the tinted mask on
/// the region and the bare photograph off it. A mode that drew nothing, or the wrong picture,
/// fails here (blink and swipe are checked by the tests above).
#[test]
fn every_view_draws_its_pictures() {
    let (mut h, t) = started();
    let (before_id, after_id) = before_and_after(&mut h, &t);
    let region = h.state().regions()[0].bbox;
    let inside = (
        region.x + region.width / 2.0,
        region.y + region.height / 2.0,
    );
    let sky = (200.0, 40.0);

    // Side by side: the before pane is the before image's own pixels, the after pane the after.
    for (x, y) in grid() {
        for (pane, id) in [(0, before_id), (1, after_id)] {
            let layers = layers_at(&h, &t, screen(&h, pane, x, y));
            assert_eq!(
                layers.iter().map(|l| l.texture).collect::<Vec<_>>(),
                vec![id],
                "side by side, pane {pane} at ({x}, {y})"
            );
        }
    }

    // Onion skin: the after image over the before at the set opacity.
    h.key_press(ViewMode::OnionSkin.key());
    steps(&mut h, 2);
    for (x, y) in grid() {
        let p = screen(&h, 0, x, y);
        let layers = layers_at(&h, &t, p);
        let ids: Vec<TextureId> = layers.iter().map(|l| l.texture).collect();
        assert_eq!(ids, vec![before_id, after_id], "onion skin at ({x}, {y})");
        let opacity = f32::from(layers[1].tint.a()) / 255.0;
        assert!(
            opacity > 0.1 && opacity < 0.9,
            "the after image is see-through: {opacity}"
        );
        let (b, a) = (layers[0].colour.to_array(), layers[1].colour.to_array());
        let mix: [u8; 3] = [0, 1, 2]
            .map(|i| (f32::from(a[i]) * opacity + f32::from(b[i]) * (1.0 - opacity)).round() as u8);
        let shown = image_pixel(&h, &t, p).unwrap();
        assert!(
            shown.iter().zip(mix).all(|(s, m)| s.abs_diff(m) <= 2),
            "onion skin at ({x}, {y}) shows {shown:?}, the mix is {mix:?}"
        );
    }

    // Heat-map: a picture of its own, hot on the erased figure and cold on the sky.
    h.key_press(ViewMode::Heatmap.key());
    steps(&mut h, 2);
    let heat_at = |h: &Harness<'_, PalimpsestApp>, (x, y): (f64, f64)| {
        let layers = layers_at(h, &t, screen(h, 0, x, y));
        assert_eq!(layers.len(), 1, "one heat-map layer at ({x}, {y})");
        assert!(
            layers[0].texture != before_id && layers[0].texture != after_id,
            "the heat-map is not a photograph"
        );
        layers[0].colour.to_array()
    };
    for point in grid() {
        heat_at(&h, point);
    }
    let (hot, cold) = (heat_at(&h, inside), heat_at(&h, sky));
    assert_ne!(
        hot, cold,
        "the erased figure and the sky differ in the heat-map"
    );

    // Mask overlay: the tinted mask on the region, the bare before image on the sky.
    h.key_press(ViewMode::MaskOverlay.key());
    steps(&mut h, 2);
    let on = layers_at(&h, &t, screen(&h, 0, inside.0, inside.1));
    assert_eq!(on[0].texture, before_id, "the before image under the mask");
    let tinted = on
        .iter()
        .skip(1)
        .any(|l| l.colour.a() > 0 && l.tint.a() > 0);
    assert!(tinted, "the mask is drawn on the region: {on:?}");
    let p = screen(&h, 0, inside.0, inside.1);
    assert_ne!(
        image_pixel(&h, &t, p),
        Some(on[0].colour.to_array()[..3].try_into().unwrap()),
        "the tint changes the pixel on the region"
    );
    let off = screen(&h, 0, sky.0, sky.1);
    let bare = layers_at(&h, &t, off);
    assert_eq!(
        image_pixel(&h, &t, off),
        Some(bare[0].colour.to_array()[..3].try_into().unwrap()),
        "the sky is the bare before image"
    );
}

/// L shows the loupe beside the cursor: the before image on the left square and the after
/// image on the right, both centred on the image point under the cursor and magnified four
/// times the view (at least two screen pixels per image pixel); L again hides it.
#[test]
fn the_loupe_magnifies_both_images_at_the_cursor() {
    let (mut h, t) = started();
    let (before_id, after_id) = before_and_after(&mut h, &t);
    // On the picture, up and left, so the loupe fits below and right of the cursor.
    let pointer = screen(&h, 0, 300.0, 300.0);
    let q = image_at(&h, pointer);
    h.hover_at(pointer);
    h.step();
    h.key_press(Key::L);
    steps(&mut h, 2);
    let zoom = (h.state().zoom() * 4.0).max(2.0);
    // The squares (150 points, 6 apart) start 24 points right of and below the cursor.
    let left = pointer + vec2(24.0 + 75.0, 24.0 + 75.0);
    let right = left + vec2(156.0, 0.0);
    for (centre, id, name) in [(left, before_id, "before"), (right, after_id, "after")] {
        let top = |p: Pos2| *layers_at(&h, &t, p).last().expect("something drawn");
        let c = top(centre);
        assert_eq!(c.texture, id, "the {name} image in its square");
        // The point under the cursor, as each image shows it: the before image's own pixel,
        // and the after image's pixel that the after pane shows there (through the alignment).
        let expected = if id == before_id {
            [q.x.floor() as usize, q.y.floor() as usize]
        } else {
            let p = screen(&h, 1, f64::from(q.x) - 0.5, f64::from(q.y) - 0.5);
            top(p).texel
        };
        assert!(
            c.texel[0].abs_diff(expected[0]) <= 1 && c.texel[1].abs_diff(expected[1]) <= 1,
            "the {name} square is centred on the point under the cursor: texel {:?}, \
             expected {expected:?}",
            c.texel
        );
        if id == before_id {
            // Twelve image pixels to the right are twelve × the loupe's zoom points away.
            let moved = top(centre + vec2(12.0 * zoom, 0.0));
            assert_eq!(moved.texture, id);
            assert!(
                moved.texel[0].abs_diff(c.texel[0] + 12) <= 1 && moved.texel[1] == c.texel[1],
                "{zoom}× magnification: texels {:?} → {:?}",
                c.texel,
                moved.texel
            );
        }
    }
    h.key_press(Key::L);
    steps(&mut h, 2);
    let under = layers_at(&h, &t, left);
    assert_eq!(under.len(), 1, "the loupe is gone: only the pane's picture");
}

/// Onion skin's opacity slider sets how much of the after image shows: at 25 % and at 75 % the
/// pixel drawn is that mix of the after image over the before.
#[test]
fn onion_skin_mixes_at_the_opacity_set() {
    let (mut h, t) = started();
    let (before_id, after_id) = before_and_after(&mut h, &t);
    h.key_press(ViewMode::OnionSkin.key());
    steps(&mut h, 2);
    h.get_by_role_and_label(egui::Role::Tab, "Analysis").click();
    steps(&mut h, 2);
    for opacity in [0.25_f32, 0.75] {
        h.get_by_role_and_label(egui::Role::Slider, "After opacity")
            .set_value_accesskit(f64::from(opacity));
        steps(&mut h, 2);
        for (x, y) in grid() {
            let p = screen(&h, 0, x, y);
            let layers = layers_at(&h, &t, p);
            let ids: Vec<TextureId> = layers.iter().map(|l| l.texture).collect();
            assert_eq!(ids, vec![before_id, after_id], "at ({x}, {y})");
            let (b, a) = (layers[0].colour.to_array(), layers[1].colour.to_array());
            let mix: [u8; 3] = [0, 1, 2].map(|i| {
                (f32::from(a[i]) * opacity + f32::from(b[i]) * (1.0 - opacity)).round() as u8
            });
            let shown = image_pixel(&h, &t, p).unwrap();
            assert!(
                shown.iter().zip(mix).all(|(s, m)| s.abs_diff(m) <= 2),
                "at {} % the pixel at ({x}, {y}) is {shown:?}, the mix {mix:?}",
                opacity * 100.0
            );
        }
    }
}

/// The status bar reads out the pixel under the pointer: its position in the before image and
/// the before image's value there, and the point the after pane draws there (through the
/// alignment) with the after image's value.
#[test]
fn the_status_bar_reads_out_the_pixels_under_the_pointer() {
    let (mut h, t) = started();
    let (before_id, after_id) = before_and_after(&mut h, &t);
    let (bp, ap) = h.state().pair_paths().unwrap();
    let (before, after) = (
        image::open(bp).unwrap().to_rgb8(),
        image::open(ap).unwrap().to_rgb8(),
    );
    let rgb = |p: [u8; 3]| format!("RGB {:3} {:3} {:3}", p[0], p[1], p[2]);
    for (x, y) in [(700_u32, 480_u32), (250, 130)] {
        let p = screen(&h, 0, f64::from(x), f64::from(y));
        assert_eq!(layers_at(&h, &t, p).last().unwrap().texture, before_id);
        h.hover_at(p);
        steps(&mut h, 2);
        let expected = format!("before ({x}, {y}) {}", rgb(before.get_pixel(x, y).0));
        h.get_by_label(&expected);

        // A label's text is its AccessKit value.
        let label = h
            .get_by_label_contains("after (")
            .accesskit_node()
            .value()
            .unwrap_or_default();
        let numbers: Vec<i64> = label
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect();
        let [ax, ay, r, g, b] = numbers[..] else {
            panic!("an after position and value: {label:?}");
        };
        let (ax, ay) = (u32::try_from(ax).unwrap(), u32::try_from(ay).unwrap());
        assert_eq!(
            [r, g, b].map(|v| u8::try_from(v).unwrap()),
            after.get_pixel(ax, ay).0,
            "the after value is the after image's pixel at the position read out: {label}"
        );
        let drawn = layers_at(&h, &t, screen(&h, 1, f64::from(x), f64::from(y)));
        let drawn = drawn.last().unwrap();
        assert_eq!(drawn.texture, after_id);
        assert!(
            drawn.texel[0].abs_diff(ax as usize) <= 1 && drawn.texel[1].abs_diff(ay as usize) <= 1,
            "the after pane draws texel {:?} there, the readout says ({ax}, {ay})",
            drawn.texel
        );
    }
}

/// The centres of the linked-cursor crosses drawn on the last frame: each is four short white
/// strokes around a gap, the left and right ones 8 points long and centred 8 points either
/// side of the centre.
fn cursor_crosses(h: &Harness<'_, PalimpsestApp>) -> Vec<Pos2> {
    fn walk(shape: &egui::Shape, out: &mut Vec<Pos2>) {
        match shape {
            egui::Shape::Vec(v) => v.iter().for_each(|s| walk(s, out)),
            egui::Shape::LineSegment {
                points: [a, b],
                stroke,
            } if stroke.color == egui::Color32::from_white_alpha(200)
                && a.y == b.y
                && (b.x - a.x).abs() == 8.0 =>
            {
                out.push(a.lerp(*b, 0.5));
            }
            _ => {}
        }
    }
    let mut mids = Vec::new();
    for clipped in &h.output().shapes {
        walk(&clipped.shape, &mut mids);
    }
    mids.iter()
        .filter(|l| mids.iter().any(|r| r.y == l.y && r.x - l.x == 16.0))
        .map(|l| *l + vec2(8.0, 0.0))
        .collect()
}

/// Side by side mirrors the cursor: over the before pane, a cross is drawn under the pointer
/// and another on the after pane at the same image point, and both follow the pointer.
#[test]
fn side_by_side_mirrors_the_cursor_on_the_after_pane() {
    let (mut h, t) = started();
    before_and_after(&mut h, &t);
    for (x, y) in [(400.0, 300.0), (1000.0, 640.0)] {
        let pointer = screen(&h, 0, x, y);
        h.hover_at(pointer);
        steps(&mut h, 2);
        let mirrored = screen(&h, 1, x, y);
        let crosses = cursor_crosses(&h);
        assert_eq!(crosses.len(), 2, "a cross in each pane: {crosses:?}");
        for (at, name) in [
            (pointer, "under the pointer"),
            (mirrored, "on the after pane"),
        ] {
            assert!(
                crosses.iter().any(|c| c.distance(at) < 0.5),
                "a cross {name} at {at:?}: {crosses:?}"
            );
        }
    }
}

/// A large pair is shown at once from the reduced copies the analysis needs (the 2000 px
/// photograph decoded at half size, drawn over its full 2000 × 1500 frame, and the status bar
/// giving the file's size), analysed from them, and then shown from its whole images: the
/// regions stay where they were, in the file's pixels.
#[test]
fn a_large_pair_is_shown_from_reduced_copies_first_then_whole() {
    let (mut h, textures) = started();
    let dir = tempfile::tempdir().unwrap();
    let (b, a, before) = big_pair(dir.path());
    let hold = h.state_mut().hold_analysis_after_loading();
    let ctx = h.ctx.clone();
    h.state_mut().send(&ctx, Command::OpenPair(b.clone(), a));
    for _ in 0..500 {
        h.step();
        if h.state().pair_paths().is_some_and(|p| p.0 == b) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    steps(&mut h, 3);
    assert!(
        h.state().showing_copies(),
        "the pair is first shown from its copies"
    );
    assert_eq!(h.state().before_sizes(), Some(((2000, 1500), [1000, 750])));
    assert!(
        h.query_by_label_contains("Before 2000×1500").is_some(),
        "the status bar gives the file's size"
    );
    // The copy fills the whole frame: a point near the far corner of the photograph is drawn.
    let corner = screen(&h, 0, 1990.0, 1490.0);
    assert!(
        image_pixel(&h, &textures, corner).is_some(),
        "the copy covers the frame"
    );
    hold.release();
    settle(&mut h);
    assert!(
        !h.state().showing_copies(),
        "the whole images replace the copies"
    );
    assert_eq!(h.state().before_sizes(), Some(((2000, 1500), [2000, 1500])));
    assert!(h.state().analysed());
    let regions = h.state().regions().to_vec();
    assert!(!regions.is_empty(), "the erased figure is found");
    for r in &regions {
        assert!(
            r.bbox.x + r.bbox.width <= 2000.0 + 1e-6 && r.bbox.y + r.bbox.height <= 1500.0 + 1e-6,
            "region {} lies in the file's pixels: {:?}",
            r.id,
            r.bbox
        );
    }
    // At 100 %, the screen shows the photograph's own pixels again.
    h.key_press(Key::Num0);
    steps(&mut h, 3);
    let vis = h.state().visible_rect().unwrap();
    let (x, y) = ((vis[0] + vis[2]) as u32 / 2, (vis[1] + vis[3]) as u32 / 2);
    let p = screen(&h, 0, f64::from(x), f64::from(y));
    assert_eq!(
        image_pixel(&h, &textures, p),
        Some(before.get_pixel(x, y).0)
    );
}
