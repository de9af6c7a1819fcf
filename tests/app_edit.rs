//! UI tests of the editing tools, headless: cut a region along a dragged line and merge the
//! halves back, move a vertex, box or paint an area to ignore, draw a polygon (P), split across
//! the middle (K), hide, and align by clicked point pairs. Each is driven through the real
//! widgets, keys and mouse events, checked against the document, and undone.

#![allow(
    clippy::unwrap_used,
    clippy::type_complexity,
    reason = "test code: a failed unwrap is a failed test"
)]
#![cfg(feature = "gui")]

mod common;

use common::{click, drag, settle, steps};
use egui::{Key, Modifiers, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use palimpsest::app::testing::FakeDialogs;
use palimpsest::app::{PalimpsestApp, Start, Tool};
use palimpsest::geometry::polygon_area;
use palimpsest::project::{Origin, RegionNote};

fn started() -> Harness<'static, PalimpsestApp> {
    started_on(Start::Sample)
}

/// The bare sample pair, freshly analysed (the sample project's regions are annotated, and
/// detection never replaces annotated regions).
fn started_on_pair() -> Harness<'static, PalimpsestApp> {
    let (b, a) = palimpsest::app::sample_pair().expect("bundled sample");
    started_on(Start::Pair(b, a))
}

fn started_on(start: Start) -> Harness<'static, PalimpsestApp> {
    let mut h = common::harness(PalimpsestApp::new_for_test(start, FakeDialogs::default()));
    settle(&mut h);
    assert_eq!(h.state().error(), None);
    assert!(
        h.state().analysed(),
        "the sample should be analysed on start"
    );
    h
}

fn at(h: &Harness<'_, PalimpsestApp>, pane: usize, x: f64, y: f64) -> Pos2 {
    let s = h.state().screen_of_in(pane, x, y).expect("view drawn");
    Pos2::new(s[0], s[1])
}

fn undo(h: &mut Harness<'_, PalimpsestApp>) {
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.step();
    h.step();
}

fn redo(h: &mut Harness<'_, PalimpsestApp>) {
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.step();
    h.step();
}

/// Draws a rectangle region with the tool and returns it (it is selected afterwards).
fn draw_rect(h: &mut Harness<'_, PalimpsestApp>, a: [f64; 2], b: [f64; 2]) -> RegionNote {
    h.get_by_label("+ Rectangle").click();
    h.step();
    let (pa, pb) = (at(h, 0, a[0], a[1]), at(h, 0, b[0], b[1]));
    drag(h, pa, pb);
    settle(h);
    let drawn = h
        .state()
        .regions()
        .iter()
        .find(|r| r.origin == Origin::Drawn)
        .expect("the drawn rectangle is listed")
        .clone();
    assert_eq!(h.state().selection(), vec![drawn.id]);
    drawn
}

fn edited(h: &Harness<'_, PalimpsestApp>) -> Vec<RegionNote> {
    h.state()
        .regions()
        .iter()
        .filter(|r| r.origin == Origin::Edited)
        .cloned()
        .collect()
}

#[test]
fn cut_along_a_dragged_line_then_merge_the_halves_back() {
    let mut h = started();
    let n = h.state().regions().len();
    // A box in the sky, away from the detected regions.
    let drawn = draw_rect(&mut h, [10.0, 10.0], [110.0, 60.0]);
    let whole = drawn.area_px;
    assert!((whole - 5000.0).abs() < 400.0, "drawn area {whole}");

    h.key_press(Key::X);
    h.step();
    assert_eq!(h.state().tool(), Tool::Cut);
    // A vertical cut a little left of the middle, drawn well past both edges.
    let (from, to) = (at(&h, 0, 40.0, 0.0), at(&h, 0, 40.0, 80.0));
    drag(&mut h, from, to);
    assert_eq!(h.state().error(), None);
    assert_eq!(
        h.state().regions().len(),
        n + 2,
        "the cut makes two regions"
    );
    let mut halves = edited(&h);
    halves.sort_by(|a, b| a.bbox.x.total_cmp(&b.bbox.x));
    assert_eq!(halves.len(), 2);
    let (l, r) = (&halves[0], &halves[1]);
    assert!(
        (l.bbox.x + l.bbox.width - 40.0).abs() < 2.0 && (r.bbox.x - 40.0).abs() < 2.0,
        "the halves meet at the cut: {:?} {:?}",
        l.bbox,
        r.bbox
    );
    assert!(
        (l.area_px + r.area_px - whole).abs() < whole * 0.01,
        "the halves add up: {} + {} vs {whole}",
        l.area_px,
        r.area_px
    );
    assert!(l.area_px < r.area_px * 0.6, "the cut is where it was drawn");

    undo(&mut h);
    assert_eq!(h.state().regions().len(), n + 1, "undo rejoins the cut");
    redo(&mut h);
    assert_eq!(h.state().regions().len(), n + 2);

    // Select both halves on the image (the second with Ctrl) and merge them into one outline.
    h.key_press(Key::V);
    h.step();
    let (lc, rc) = (l.bbox.center(), r.bbox.center());
    let p = at(&h, 0, lc[0], lc[1]);
    click(&mut h, p);
    assert_eq!(h.state().selection(), vec![l.id]);
    h.event(egui::Event::ModifiersChanged(Modifiers::COMMAND));
    let p = at(&h, 0, rc[0], rc[1]);
    click(&mut h, p);
    h.event(egui::Event::ModifiersChanged(Modifiers::NONE));
    h.step();
    assert_eq!(h.state().selection().len(), 2);
    h.get_by_label("Merge").click();
    h.step();
    h.step();
    assert_eq!(h.state().regions().len(), n + 1, "merge makes one region");
    let merged = edited(&h);
    assert_eq!(merged.len(), 1);
    let area = polygon_area(&merged[0].polygon);
    assert!(
        (area - whole).abs() < whole * 0.03,
        "the merged outline is the union, not a hull of something larger: {area} vs {whole}"
    );
    undo(&mut h);
    assert_eq!(h.state().regions().len(), n + 2, "undo splits them again");
}

#[test]
fn a_cut_that_misses_the_region_says_so_and_changes_nothing() {
    let mut h = started();
    draw_rect(&mut h, [10.0, 10.0], [110.0, 60.0]);
    let regions = h.state().regions().to_vec();
    h.key_press(Key::X);
    h.step();
    let (from, to) = (at(&h, 0, 300.0, 0.0), at(&h, 0, 300.0, 80.0));
    drag(&mut h, from, to);
    assert_eq!(h.state().regions(), regions.as_slice());
    let error = h.state().error().expect("a message explains the miss");
    assert!(error.contains("does not cross"), "{error}");
}

#[test]
fn dragging_a_vertex_moves_it_and_undo_puts_it_back() {
    let mut h = started();
    let drawn = draw_rect(&mut h, [20.0, 20.0], [120.0, 80.0]);
    h.key_press(Key::E);
    h.step();
    assert_eq!(h.state().tool(), Tool::EditVertices);
    let corner = drawn
        .polygon
        .iter()
        .copied()
        .min_by(|a, b| (a[0] + a[1]).total_cmp(&(b[0] + b[1])))
        .unwrap();
    let (from, to) = (
        at(&h, 0, corner[0], corner[1]),
        at(&h, 0, corner[0] - 12.0, corner[1] - 10.0),
    );
    drag(&mut h, from, to);
    let moved = h
        .state()
        .regions()
        .iter()
        .find(|r| r.id == drawn.id)
        .unwrap()
        .clone();
    assert_eq!(moved.polygon.len(), drawn.polygon.len());
    let near = |p: [f64; 2], q: [f64; 2]| (p[0] - q[0]).hypot(p[1] - q[1]) < 2.5;
    assert!(
        moved
            .polygon
            .iter()
            .any(|&p| near(p, [corner[0] - 12.0, corner[1] - 10.0])),
        "the corner should follow the drag: {:?}",
        moved.polygon
    );
    let unmoved = drawn
        .polygon
        .iter()
        .filter(|&&p| p != corner)
        .all(|&p| moved.polygon.iter().any(|&q| near(p, q)));
    assert!(
        unmoved,
        "only the dragged vertex moves: {:?}",
        moved.polygon
    );
    assert!(moved.area_px > drawn.area_px, "the region grew");
    undo(&mut h);
    let back = h
        .state()
        .regions()
        .iter()
        .find(|r| r.id == drawn.id)
        .unwrap();
    assert_eq!(back.polygon, drawn.polygon, "one undo restores the outline");
}

#[test]
fn an_ignore_box_over_a_detected_region_removes_it() {
    let mut h = started_on_pair();
    let target = h
        .state()
        .regions()
        .iter()
        .find(|r| r.origin == Origin::Detected)
        .expect("the sample has detected regions")
        .clone();
    let n = h.state().regions().len();
    h.get_by_role_and_label(egui::Role::Tab, "Analysis").click();
    steps(&mut h, 2);
    h.get_all_by_label("Ignore box").next().unwrap().click();
    h.step();
    assert_eq!(h.state().tool(), Tool::IgnoreBox);
    let b = target.bbox;
    let (from, to) = (
        at(&h, 0, b.x - 6.0, b.y - 6.0),
        at(&h, 0, b.x + b.width + 6.0, b.y + b.height + 6.0),
    );
    drag(&mut h, from, to);
    settle(&mut h);
    assert_eq!(h.state().project().ignore_areas.len(), 1);
    let covered = |r: &RegionNote| {
        let c = r.bbox.center();
        c[0] > b.x && c[0] < b.x + b.width && c[1] > b.y && c[1] < b.y + b.height
    };
    assert!(
        !h.state().regions().iter().any(covered),
        "no region is reported inside the ignored box: {:?}",
        h.state()
            .regions()
            .iter()
            .map(|r| r.bbox)
            .collect::<Vec<_>>()
    );
    assert!(h.state().regions().len() < n);
    undo_restores_the_region(&mut h, covered, "box");
}

#[test]
fn manual_alignment_from_clicked_point_pairs_matches_the_automatic_fit() {
    let mut h = started();
    let auto = h
        .state()
        .project()
        .alignment
        .clone()
        .expect("the sample is aligned");
    h.key_press(Key::Num1);
    h.step();
    h.get_by_role_and_label(egui::Role::Tab, "Analysis").click();
    steps(&mut h, 2);
    h.get_by_label("Align by points…").click();
    h.step();
    assert_eq!(h.state().tool(), Tool::AlignPoints);
    let points = [
        [200.0, 150.0],
        [820.0, 170.0],
        [780.0, 560.0],
        [240.0, 520.0],
    ];
    for p in points {
        let (b, a) = (at(&h, 0, p[0], p[1]), at(&h, 1, p[0], p[1]));
        click(&mut h, b);
        click(&mut h, a);
    }
    assert_eq!(h.state().manual_pairs().len(), 4, "four pairs recorded");
    // The after pane shows the after image in the before frame, so a click on the same spot
    // in both panes is a correct correspondence under the automatic fit.
    for (b, a) in h.state().manual_pairs() {
        let (x, y) = auto.before_from_after.apply_lossy(a[0], a[1]);
        assert!(
            (x - b[0]).hypot(y - b[1]) < 2.0,
            "pair {b:?} ↔ {a:?} maps to {x},{y}"
        );
    }
    h.get_by_label("Undo point").click();
    h.step();
    assert_eq!(
        h.state().manual_pairs().len(),
        3,
        "undo point drops the last pair"
    );
    let last = points[3];
    let (b, a) = (at(&h, 0, last[0], last[1]), at(&h, 1, last[0], last[1]));
    click(&mut h, b);
    click(&mut h, a);
    h.get_by_label("Apply alignment").click();
    h.step();
    settle(&mut h);
    let manual = h.state().project().alignment.clone().expect("aligned");
    assert_eq!(manual.method, palimpsest::align::AlignMethod::Manual);
    let (w, ht) = (1000.0, 650.0);
    let d = manual
        .before_from_after
        .max_corner_distance(&auto.before_from_after, w, ht);
    assert!(d < 3.0, "manual fit within 3 px of the automatic one: {d}");
    assert!(
        !h.state().regions().is_empty(),
        "the erased figures are still found with the manual alignment"
    );
    undo(&mut h);
    settle(&mut h);
    assert_eq!(
        h.state().project().alignment.as_ref().map(|a| a.method),
        Some(auto.method),
        "undo goes back to the automatic alignment"
    );
}

/// Painting over a detected region with the ignore brush removes it; undo brings it back.
#[test]
fn painting_ignore_over_a_detected_region_removes_it() {
    let mut h = started_on_pair();
    let target = h
        .state()
        .regions()
        .iter()
        .find(|r| r.origin == Origin::Detected)
        .expect("the sample has detected regions")
        .clone();
    h.get_by_role_and_label(egui::Role::Tab, "Analysis").click();
    steps(&mut h, 2);
    h.get_all_by_label("Paint ignore").next().unwrap().click();
    h.step();
    assert_eq!(h.state().tool(), Tool::IgnorePaint);
    // One stroke, back and forth over the region's box and a margin, rows closer than the
    // brush (14 screen points in radius).
    let b = target.bbox;
    let (tl, br) = (
        at(&h, 0, b.x - 8.0, b.y - 8.0),
        at(&h, 0, b.x + b.width + 8.0, b.y + b.height + 8.0),
    );
    h.hover_at(tl);
    h.step();
    h.drag_at(tl);
    h.step();
    let mut y = tl.y;
    let mut left = true;
    while y <= br.y + 10.0 {
        let (x0, x1) = if left { (tl.x, br.x) } else { (br.x, tl.x) };
        for i in 0..=8 {
            h.hover_at(Pos2::new(x0 + (x1 - x0) * i as f32 / 8.0, y));
            h.step();
        }
        left = !left;
        y += 10.0;
    }
    h.drop_at(Pos2::new(if left { tl.x } else { br.x }, y - 10.0));
    steps(&mut h, 2);
    settle(&mut h);
    assert!(
        !h.state().project().ignore_areas.is_empty(),
        "the stroke is an ignore area"
    );
    let covered = |r: &RegionNote| {
        let c = r.bbox.center();
        c[0] > b.x && c[0] < b.x + b.width && c[1] > b.y && c[1] < b.y + b.height
    };
    assert!(
        !h.state().regions().iter().any(covered),
        "no region is reported under the paint: {:?}",
        h.state()
            .regions()
            .iter()
            .map(|r| r.bbox)
            .collect::<Vec<_>>()
    );
    undo_restores_the_region(&mut h, covered, "paint");
}

/// P draws a polygon through the clicked points (Enter closes it); undo removes it.
#[test]
fn p_draws_a_polygon_through_the_clicked_points_and_undo_removes_it() {
    let mut h = started();
    let n = h.state().regions().len();
    h.key_press(Key::P);
    h.step();
    assert_eq!(h.state().tool(), Tool::DrawPolygon);
    // A quadrilateral in the sky, away from the regions.
    let corners = [[20.0, 15.0], [140.0, 25.0], [120.0, 90.0], [30.0, 70.0]];
    for c in corners {
        let p = at(&h, 0, c[0], c[1]);
        click(&mut h, p);
    }
    h.key_press(Key::Enter);
    steps(&mut h, 2);
    settle(&mut h);
    assert_eq!(h.state().regions().len(), n + 1, "the polygon is a region");
    let drawn = h
        .state()
        .regions()
        .iter()
        .find(|r| r.origin == Origin::Drawn)
        .expect("the drawn polygon is listed")
        .clone();
    assert_eq!(drawn.polygon.len(), 4, "{:?}", drawn.polygon);
    // A click lands within one screen point of the corner: a couple of image pixels here.
    let tolerance = 1.0 / f64::from(h.state().zoom()) + 0.5;
    for (v, c) in drawn.polygon.iter().zip(corners) {
        assert!(
            (v[0] - c[0]).abs() <= tolerance && (v[1] - c[1]).abs() <= tolerance,
            "vertex {v:?} where {c:?} was clicked (± {tolerance})"
        );
    }
    undo(&mut h);
    assert_eq!(h.state().regions().len(), n, "undo removes the polygon");
    assert!(
        h.state()
            .regions()
            .iter()
            .all(|r| r.origin != Origin::Drawn)
    );
}

/// K splits the selected region across its middle into two that add up to it; undo joins
/// them again.
#[test]
fn k_splits_the_selected_region_and_undo_joins_it() {
    let mut h = started();
    let drawn = draw_rect(&mut h, [10.0, 10.0], [110.0, 60.0]);
    let n = h.state().regions().len();
    h.key_press(Key::K);
    steps(&mut h, 2);
    assert_eq!(h.state().error(), None);
    assert_eq!(
        h.state().regions().len(),
        n + 1,
        "K makes two regions of one"
    );
    let halves = edited(&h);
    assert_eq!(halves.len(), 2, "two edited halves");
    let sum: f64 = halves.iter().map(|r| r.area_px).sum();
    assert!(
        (sum - drawn.area_px).abs() < drawn.area_px * 0.01,
        "the halves add up: {sum} vs {}",
        drawn.area_px
    );
    for r in &halves {
        assert!(
            (r.area_px - drawn.area_px / 2.0).abs() < drawn.area_px * 0.1,
            "each half is about half: {} of {}",
            r.area_px,
            drawn.area_px
        );
    }
    undo(&mut h);
    assert_eq!(h.state().regions().len(), n, "undo joins them");
    assert!(
        h.state()
            .regions()
            .iter()
            .any(|r| r.polygon == drawn.polygon),
        "with the original outline"
    );
}

/// The list's Hide button hides a region (it leaves the presentation and its button says
/// Show); undo shows it again.
#[test]
fn hide_hides_a_region_and_undo_shows_it() {
    let mut h = started();
    let id = h.state().regions()[0].id;
    let shown = h.state().presentation_region_count();
    h.get_by_label("Hide").click();
    steps(&mut h, 2);
    assert!(h.state().project().region(id).unwrap().hidden, "hidden");
    assert_eq!(h.state().presentation_region_count(), shown - 1);
    h.get_by_label("Show");
    undo(&mut h);
    assert!(
        !h.state().project().region(id).unwrap().hidden,
        "undo shows it"
    );
    assert_eq!(h.state().presentation_region_count(), shown);
    h.get_by_label("Hide");
}

/// Undoes the last ignore area (a box or paint) and checks it is gone and the region it hid
/// (the one `covered` picks) is back.
fn undo_restores_the_region(
    h: &mut Harness<'_, PalimpsestApp>,
    covered: impl Fn(&RegionNote) -> bool,
    what: &str,
) {
    undo(h);
    settle(h);
    assert!(
        h.state().project().ignore_areas.is_empty(),
        "undo removes the {what}"
    );
    assert!(
        h.state().regions().iter().any(covered),
        "and the region comes back"
    );
}
