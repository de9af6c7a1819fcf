//! Outline geometry for edited regions and ignore areas: filling polygons into a mask, the union
//! of several outlines as one outline, and cutting an outline in two along a line.
//!
//! Outlines are lists of vertices in before-image pixels, not closed (the last vertex joins the
//! first). The union works on a raster of the outlines' bounding box rather than with exact
//! polygon clipping: the result is traced back at a resolution finer than anyone draws, and the
//! same raster step lets fragments that do not touch be bridged into one outline, which exact
//! clipping cannot do. Nothing here reads image pixels.

use image::{GrayImage, Luma};
use imageproc::contours::{BorderType, find_contours};
use imageproc::distance_transform::Norm;
use imageproc::point::Point;

/// An outline: vertices in before-image pixels, not closed.
pub type Outline = Vec<[f64; 2]>;

/// Longest side, in raster pixels, of the grid a union is computed on.
const UNION_RASTER: f64 = 640.0;

/// Fills `polygons` (before-image pixels) into a `width`×`height` mask: 255 inside, 0 outside.
/// Outlines with fewer than three distinct vertices are skipped.
#[must_use]
pub fn fill(polygons: &[Vec<[f64; 2]>], width: u32, height: u32) -> GrayImage {
    let mut mask = GrayImage::new(width, height);
    for poly in polygons {
        fill_one(&mut mask, poly, |p| p);
    }
    mask
}

fn fill_one(mask: &mut GrayImage, poly: &[[f64; 2]], map: impl Fn([f64; 2]) -> [f64; 2]) {
    let mut pts: Vec<Point<i32>> = poly
        .iter()
        .map(|&p| {
            let [x, y] = map(p);
            Point::new(x.round() as i32, y.round() as i32)
        })
        .collect();
    pts.dedup();
    while pts.len() >= 2 && pts.first() == pts.last() {
        pts.pop();
    }
    if pts.len() >= 3 {
        imageproc::drawing::draw_polygon_mut(mask, &pts, Luma([255]));
    }
}

/// One outline covering every outline in `parts`: their union, with the gaps between parts that
/// do not touch bridged by the smallest closing that joins them, and holes dropped. Falls back
/// to the convex hull when the parts lie too far apart to bridge. `None` when there is nothing
/// with an area.
#[must_use]
pub fn union(parts: &[Vec<[f64; 2]>]) -> Option<Vec<[f64; 2]>> {
    let all: Vec<[f64; 2]> = parts.iter().flatten().copied().collect();
    let bbox = crate::regions::BBox::of_points(&all)?;
    let side = bbox.width.max(bbox.height);
    if side.is_nan() || side <= 0.0 {
        return None;
    }
    let step = side / UNION_RASTER;
    // Room around the parts for the closing to grow into without touching the border.
    let max_radius: u8 = 64;
    let pad = f64::from(max_radius) + 2.0;
    let to_raster = |p: [f64; 2]| [(p[0] - bbox.x) / step + pad, (p[1] - bbox.y) / step + pad];
    let w = (bbox.width / step + 2.0 * pad).ceil() as u32 + 1;
    let h = (bbox.height / step + 2.0 * pad).ceil() as u32 + 1;
    let mut mask = GrayImage::new(w, h);
    for poly in parts {
        fill_one(&mut mask, poly, to_raster);
    }
    let mut radius = 0u8;
    let outer = loop {
        let closed = if radius == 0 {
            mask.clone()
        } else {
            imageproc::morphology::close(&mask, Norm::LInf, radius)
        };
        let outers: Vec<Vec<Point<i32>>> = find_contours::<i32>(&closed)
            .into_iter()
            .filter(|c| c.border_type == BorderType::Outer && c.parent.is_none())
            .map(|c| c.points)
            .collect();
        if outers.len() == 1 {
            break outers.into_iter().next();
        }
        if outers.is_empty() {
            return None;
        }
        if radius >= max_radius {
            break None;
        }
        radius = (radius.max(1) * 2).min(max_radius);
    };
    let Some(outer) = outer else {
        return Some(convex_hull(&all));
    };
    let simplified = imageproc::geometry::approximate_polygon_dp(&outer, 0.75, true);
    let polygon: Vec<[f64; 2]> = simplified
        .iter()
        .map(|p| {
            [
                (f64::from(p.x) - pad) * step + bbox.x,
                (f64::from(p.y) - pad) * step + bbox.y,
            ]
        })
        .collect();
    (polygon.len() >= 3).then_some(polygon)
}

/// Convex hull (monotone chain) of a point set.
#[must_use]
pub fn convex_hull(points: &[[f64; 2]]) -> Vec<[f64; 2]> {
    let mut pts = points.to_vec();
    pts.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
    pts.dedup();
    if pts.len() < 3 {
        return pts;
    }
    let cross = |o: [f64; 2], a: [f64; 2], b: [f64; 2]| {
        (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
    };
    let mut hull: Vec<[f64; 2]> = Vec::with_capacity(pts.len() * 2);
    for pass in 0..2 {
        let start = hull.len();
        let ordered: Vec<[f64; 2]> = if pass == 0 {
            pts.clone()
        } else {
            pts.iter().rev().copied().collect()
        };
        for p in ordered {
            while hull.len() >= start + 2
                && cross(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0.0
            {
                hull.pop();
            }
            hull.push(p);
        }
        hull.pop();
    }
    hull
}

/// Cuts an outline in two along the infinite line through `a` and `b`: the part left of the
/// line (looking from `a` to `b`) first. `None` when the line misses the outline or leaves one
/// side with no area.
#[must_use]
pub fn split_along(polygon: &[[f64; 2]], a: [f64; 2], b: [f64; 2]) -> Option<(Outline, Outline)> {
    let d = [b[0] - a[0], b[1] - a[1]];
    let len = d[0].hypot(d[1]);
    if len.is_nan() || len <= 0.0 {
        return None;
    }
    let side = |p: [f64; 2]| (d[0] * (p[1] - a[1]) - d[1] * (p[0] - a[0])) / len;
    let left = clip_half_plane(polygon, side);
    let right = clip_half_plane(polygon, |p| -side(p));
    let min_area = crate::geometry::polygon_area(polygon) * 1e-4;
    let has_area = |p: &[[f64; 2]]| p.len() >= 3 && crate::geometry::polygon_area(p) > min_area;
    (has_area(&left) && has_area(&right)).then_some((left, right))
}

/// Cuts an outline across the middle of the longer side of its bounding box.
#[must_use]
pub fn split_middle(polygon: &[[f64; 2]]) -> Option<(Outline, Outline)> {
    let bbox = crate::regions::BBox::of_points(polygon)?;
    let [cx, cy] = bbox.center();
    if bbox.width >= bbox.height {
        split_along(polygon, [cx, cy], [cx, cy + 1.0])
    } else {
        split_along(polygon, [cx, cy], [cx + 1.0, cy])
    }
}

/// Keeps the part of a polygon where `signed(p) >= 0` (Sutherland–Hodgman against one
/// half-plane; a concave outline cut into several pieces on one side keeps them joined by
/// edges along the cut).
fn clip_half_plane(poly: &[[f64; 2]], signed: impl Fn([f64; 2]) -> f64) -> Vec<[f64; 2]> {
    let mut out = Vec::with_capacity(poly.len() + 2);
    for i in 0..poly.len() {
        let cur = poly[i];
        let prev = poly[(i + poly.len() - 1) % poly.len()];
        let (sp, sc) = (signed(prev), signed(cur));
        let cross = || {
            let t = sp / (sp - sc);
            [
                prev[0] + (cur[0] - prev[0]) * t,
                prev[1] + (cur[1] - prev[1]) * t,
            ]
        };
        match (sp >= 0.0, sc >= 0.0) {
            (true, true) => out.push(cur),
            (true, false) => out.push(cross()),
            (false, true) => {
                out.push(cross());
                out.push(cur);
            }
            (false, false) => {}
        }
    }
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::polygon_area;

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<[f64; 2]> {
        vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
    }

    #[test]
    fn union_of_overlapping_squares_is_an_l_shape_not_a_hull() {
        // Two 100×100 squares overlapping in a 50×50 corner: union area 17 500; the convex
        // hull would be 20 000.
        let u = union(&[rect(0.0, 0.0, 100.0, 100.0), rect(50.0, 50.0, 150.0, 150.0)]).unwrap();
        let area = polygon_area(&u);
        assert!((area - 17_500.0).abs() < 17_500.0 * 0.02, "area {area}");
    }

    #[test]
    fn union_bridges_parts_that_do_not_touch() {
        let u = union(&[rect(0.0, 0.0, 100.0, 100.0), rect(110.0, 0.0, 210.0, 100.0)]).unwrap();
        let area = polygon_area(&u);
        // Both squares plus roughly the 10 px gap between them.
        assert!(area > 20_000.0 && area < 21_500.0, "area {area}");
        assert!(crate::geometry::point_in_polygon(&u, 105.0, 50.0));
    }

    #[test]
    fn far_apart_parts_fall_back_to_the_hull() {
        let u = union(&[rect(0.0, 0.0, 10.0, 10.0), rect(1000.0, 0.0, 1010.0, 10.0)]).unwrap();
        assert!((polygon_area(&u) - 10_100.0).abs() < 1e-6);
    }

    #[test]
    fn diagonal_cut_halves_a_square() {
        let (l, r) = split_along(&rect(0.0, 0.0, 10.0, 10.0), [0.0, 0.0], [10.0, 10.0]).unwrap();
        assert!((polygon_area(&l) - 50.0).abs() < 1e-9);
        assert!((polygon_area(&r) - 50.0).abs() < 1e-9);
    }

    #[test]
    fn a_cut_that_misses_gives_nothing() {
        assert!(split_along(&rect(0.0, 0.0, 10.0, 10.0), [20.0, 0.0], [20.0, 10.0]).is_none());
        assert!(split_along(&rect(0.0, 0.0, 10.0, 10.0), [5.0, 5.0], [5.0, 5.0]).is_none());
    }

    #[test]
    fn middle_split_cuts_the_longer_side() {
        let (a, b) = split_middle(&rect(0.0, 0.0, 10.0, 4.0)).unwrap();
        assert!((polygon_area(&a) - 20.0).abs() < 1e-9);
        assert!((polygon_area(&b) - 20.0).abs() < 1e-9);
        let bb = crate::regions::BBox::of_points(&a).unwrap();
        assert!((bb.width - 5.0).abs() < 1e-9);
    }

    #[test]
    fn fill_marks_the_inside() {
        let m = fill(&[rect(2.0, 2.0, 6.0, 6.0)], 10, 10);
        assert_eq!(m.get_pixel(4, 4)[0], 255);
        assert_eq!(m.get_pixel(8, 8)[0], 0);
    }
}
