//! Small polygon edits behind the region commands: building a region from a drawn outline,
//! merging, splitting, moving, and renumbering. Vector geometry only;
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

/// Renumbers regions from 1 by step of the chain, and within a step in reading order (left
/// edge, then top edge), as detection does.
pub fn renumber(regions: &mut [RegionNote]) {
    regions.sort_by(|a, b| {
        a.step
            .cmp(&b.step)
            .then_with(|| crate::regions::reading_order(&a.bbox, &b.bbox))
    });
    for (i, r) in regions.iter_mut().enumerate() {
        r.id = u32::try_from(i + 1).unwrap_or(u32::MAX);
    }
}

/// Merges regions into one whose outline is the union of theirs (parts that do not touch are
/// bridged; see [`crate::outline::union`]). Keeps the first one's number and annotation, joins
/// the others' notes, tags and links.
#[must_use]
pub fn merge(parts: &[RegionNote]) -> Option<RegionNote> {
    let first = parts.first()?;
    let mut merged = first.clone();
    let outlines: Vec<Vec<[f64; 2]>> = parts.iter().map(|r| r.polygon.clone()).collect();
    merged.polygon = crate::outline::union(&outlines)?;
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

/// Splits a region in two along the line through `a` and `b` (before-image pixels), or across
/// the middle of its longer side when no line is given. The first part keeps the annotation.
/// Returns `None` when the line leaves one side empty.
#[must_use]
pub fn split(
    r: &RegionNote,
    line: Option<([f64; 2], [f64; 2])>,
) -> Option<(RegionNote, RegionNote)> {
    let (a, b) = match line {
        Some((p, q)) => crate::outline::split_along(&r.polygon, p, q)?,
        None => crate::outline::split_middle(&r.polygon)?,
    };
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
        let (a, b) = split(&r, None).unwrap();
        assert!((a.area_px - 20.0).abs() < 1e-9);
        assert!((b.area_px - 20.0).abs() < 1e-9);
    }

    #[test]
    fn merge_bridges_the_gap() {
        let a = drawn_region(1, rectangle([0.0, 0.0], [100.0, 100.0]));
        let b = drawn_region(2, rectangle([120.0, 0.0], [220.0, 100.0]));
        let m = merge(&[a, b]).unwrap();
        assert!((m.area_px - 22_000.0).abs() < 300.0, "{}", m.area_px);
        assert_eq!(m.id, 1);
    }
}
