//! Small polygon edits behind the region commands: building a region from a drawn outline,
//! merging, splitting along the longer side, moving, and renumbering. Vector geometry only;
//! no pixels are read here.

use crate::geometry::polygon_area;
use crate::project::{Origin, RegionNote};
use crate::regions::BBox;

/// A region drawn by the user from an outline in before-image pixels.
#[must_use]
pub fn drawn_region(id: u32, polygon: Vec<[f64; 2]>) -> RegionNote {
    let mut r = RegionNote {
        id,
        polygon,
        origin: Origin::Drawn,
        ..RegionNote::default()
    };
    refresh(&mut r);
    r
}

/// Recomputes a region's box and area from its outline.
pub fn refresh(r: &mut RegionNote) {
    r.bbox = BBox::of_points(&r.polygon).unwrap_or_default();
    r.area_px = polygon_area(&r.polygon);
}

/// The next free region number.
#[must_use]
pub fn next_id(regions: &[RegionNote]) -> u32 {
    regions.iter().map(|r| r.id).max().unwrap_or(0) + 1
}

/// Renumbers regions from 1 in reading order (left edge, then top edge), as detection does.
pub fn renumber(regions: &mut [RegionNote]) {
    regions.sort_by(|a, b| crate::regions::reading_order(&a.bbox, &b.bbox));
    for (i, r) in regions.iter_mut().enumerate() {
        r.id = u32::try_from(i + 1).unwrap_or(u32::MAX);
    }
}

/// Convex hull (monotone chain) of a point set, counter-clockwise in y-up terms.
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
        let iter: Box<dyn Iterator<Item = &[f64; 2]>> = if pass == 0 {
            Box::new(pts.iter())
        } else {
            Box::new(pts.iter().rev())
        };
        for &p in iter {
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

/// Merges regions into one whose outline is the convex hull of theirs. Keeps the first one's
/// number and annotation, joins the others' notes, tags and links.
#[must_use]
pub fn merge(parts: &[RegionNote]) -> Option<RegionNote> {
    let first = parts.first()?;
    let mut merged = first.clone();
    let all: Vec<[f64; 2]> = parts
        .iter()
        .flat_map(|r| r.polygon.iter().copied())
        .collect();
    merged.polygon = convex_hull(&all);
    merged.origin = Origin::Edited;
    merged.score = parts.iter().map(|r| r.score).fold(0.0, f64::max);
    for r in &parts[1..] {
        if merged.label.is_empty() {
            merged.label.clone_from(&r.label);
        }
        if !r.note.is_empty() {
            if !merged.note.is_empty() {
                merged.note.push_str("\n\n");
            }
            merged.note.push_str(&r.note);
        }
        for t in &r.tags {
            if !merged.tags.contains(t) {
                merged.tags.push(*t);
            }
        }
        for l in &r.links {
            if !merged.links.contains(l) {
                merged.links.push(l.clone());
            }
        }
    }
    refresh(&mut merged);
    Some(merged)
}

/// Splits a region in two across the middle of its longer side (Sutherland–Hodgman clipping).
/// Returns `None` when either half would be empty.
#[must_use]
pub fn split(r: &RegionNote) -> Option<(RegionNote, RegionNote)> {
    let vertical_cut = r.bbox.width >= r.bbox.height;
    let (axis, mid) = if vertical_cut {
        (0, r.bbox.x + r.bbox.width / 2.0)
    } else {
        (1, r.bbox.y + r.bbox.height / 2.0)
    };
    let a = clip(&r.polygon, axis, mid, true);
    let b = clip(&r.polygon, axis, mid, false);
    if a.len() < 3 || b.len() < 3 {
        return None;
    }
    let mut first = r.clone();
    first.polygon = a;
    first.origin = Origin::Edited;
    refresh(&mut first);
    let mut second = r.clone();
    second.polygon = b;
    second.origin = Origin::Edited;
    second.label.clear();
    second.note.clear();
    refresh(&mut second);
    Some((first, second))
}

/// Keeps the part of a polygon with coordinate `axis` below `mid` (or above, when `below` is
/// false).
fn clip(poly: &[[f64; 2]], axis: usize, mid: f64, below: bool) -> Vec<[f64; 2]> {
    let inside = |p: &[f64; 2]| {
        if below {
            p[axis] <= mid
        } else {
            p[axis] >= mid
        }
    };
    let mut out = Vec::new();
    for i in 0..poly.len() {
        let cur = poly[i];
        let prev = poly[(i + poly.len() - 1) % poly.len()];
        let cross = |a: [f64; 2], b: [f64; 2]| {
            let t = (mid - a[axis]) / (b[axis] - a[axis]);
            [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]
        };
        match (inside(&prev), inside(&cur)) {
            (true, true) => out.push(cur),
            (true, false) => out.push(cross(prev, cur)),
            (false, true) => {
                out.push(cross(prev, cur));
                out.push(cur);
            }
            (false, false) => {}
        }
    }
    out
}

/// The polygon of a rectangle between two corners.
#[must_use]
pub fn rectangle(a: [f64; 2], b: [f64; 2]) -> Vec<[f64; 2]> {
    let (x0, x1) = (a[0].min(b[0]), a[0].max(b[0]));
    let (y0, y1) = (a[1].min(b[1]), a[1].max(b[1]));
    vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
}

/// An octagon approximating a brush dab of radius `r` at `c`.
#[must_use]
pub fn dab(c: [f64; 2], r: f64) -> Vec<[f64; 2]> {
    (0..8)
        .map(|i| {
            let a = f64::from(i) * std::f64::consts::FRAC_PI_4;
            [c[0] + r * a.cos(), c[1] + r * a.sin()]
        })
        .collect()
}

/// Mean distance between the before points and the after points mapped by `t`, in before
/// pixels.
#[must_use]
pub fn mean_residual(t: &crate::geometry::Transform, pairs: &[crate::project::PointPair]) -> f64 {
    if pairs.is_empty() {
        return 0.0;
    }
    let sum: f64 = pairs
        .iter()
        .map(|(b, a)| {
            let (x, y) = t.apply_lossy(a[0], a[1]);
            ((x - b[0]).powi(2) + (y - b[1]).powi(2)).sqrt()
        })
        .sum();
    sum / pairs.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_square_in_halves() {
        let r = drawn_region(1, rectangle([0.0, 0.0], [10.0, 4.0]));
        let (a, b) = split(&r).unwrap();
        assert!((a.area_px - 20.0).abs() < 1e-9);
        assert!((b.area_px - 20.0).abs() < 1e-9);
    }

    #[test]
    fn merge_is_hull() {
        let a = drawn_region(1, rectangle([0.0, 0.0], [1.0, 1.0]));
        let b = drawn_region(2, rectangle([2.0, 0.0], [3.0, 1.0]));
        let m = merge(&[a, b]).unwrap();
        assert!((m.area_px - 3.0).abs() < 1e-9);
        assert_eq!(m.id, 1);
    }
}
