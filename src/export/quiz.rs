//! Spot the change: a student's marks on the doctored print scored against the regions, by
//! the rules the quiz page's script follows (`lesson/quiz.js`), so the app's quiz and the page
//! agree. A click counts for a region when it falls inside its outline or within
//! [`TOLERANCE`] of the picture's long side of it; a box when its centre does, or when it
//! overlaps the region's box by an IoU of at least [`BOX_IOU`]. A mark may find several
//! regions; a mark that finds none is a false mark.

use crate::project::RegionNote;
use crate::regions::BBox;

/// How near a click must fall to an outline, as a fraction of the picture's long side.
pub const TOLERANCE: f64 = 0.03;
/// The overlap with a region's box at which a box counts.
pub const BOX_IOU: f64 = 0.2;

/// A student's mark, in the original's pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mark {
    /// A click.
    Point {
        /// x.
        x: f64,
        /// y.
        y: f64,
    },
    /// A dragged box.
    Box {
        /// Left edge.
        x: f64,
        /// Top edge.
        y: f64,
        /// Width.
        w: f64,
        /// Height.
        h: f64,
    },
}

/// The outcome of a quiz.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Score {
    /// The regions found (their numbers), in the order given, with the marks (indices) that
    /// found each.
    pub found: Vec<(u32, Vec<usize>)>,
    /// The regions no mark found.
    pub missed: Vec<u32>,
    /// The marks (indices) that found no region.
    pub false_marks: Vec<usize>,
}

impl Score {
    /// Whether region `id` was found.
    #[must_use]
    pub fn was_found(&self, id: u32) -> bool {
        self.found.iter().any(|(f, _)| *f == id)
    }

    /// The result in words: "2 of 3 found · 1 missed · 1 false mark".
    #[must_use]
    pub fn summary(&self) -> String {
        let total = self.found.len() + self.missed.len();
        let falses = match self.false_marks.len() {
            1 => "1 false mark".to_string(),
            n => format!("{n} false marks"),
        };
        format!(
            "{} of {total} found · {} missed · {falses}",
            self.found.len(),
            self.missed.len()
        )
    }
}

fn inside_polygon(x: f64, y: f64, poly: &[[f64; 2]]) -> bool {
    let mut inside = false;
    let mut j = poly.len() - 1;
    for i in 0..poly.len() {
        let ([xi, yi], [xj, yj]) = (poly[i], poly[j]);
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

fn distance_to_segment(x: f64, y: f64, a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len = dx * dx + dy * dy;
    let t = if len > 0.0 {
        (((x - a[0]) * dx + (y - a[1]) * dy) / len).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (a[0] + t * dx - x).hypot(a[1] + t * dy - y)
}

fn distance_to_box(x: f64, y: f64, b: &BBox) -> f64 {
    let dx = (b.x - x).max(0.0).max(x - (b.x + b.width));
    let dy = (b.y - y).max(0.0).max(y - (b.y + b.height));
    dx.hypot(dy)
}

/// Whether a point lies inside a region's outline or within `tolerance` pixels of it.
#[must_use]
pub fn point_hits(x: f64, y: f64, region: &RegionNote, tolerance: f64) -> bool {
    let poly = &region.polygon;
    if poly.len() < 3 {
        return distance_to_box(x, y, &region.bbox) <= tolerance;
    }
    if inside_polygon(x, y, poly) {
        return true;
    }
    let mut j = poly.len() - 1;
    for i in 0..poly.len() {
        if distance_to_segment(x, y, poly[j], poly[i]) <= tolerance {
            return true;
        }
        j = i;
    }
    false
}

fn iou(a: [f64; 4], b: &BBox) -> f64 {
    let x0 = a[0].max(b.x);
    let y0 = a[1].max(b.y);
    let x1 = (a[0] + a[2]).min(b.x + b.width);
    let y1 = (a[1] + a[3]).min(b.y + b.height);
    let inter = (x1 - x0).max(0.0) * (y1 - y0).max(0.0);
    let union = a[2] * a[3] + b.width * b.height - inter;
    if union > 0.0 { inter / union } else { 0.0 }
}

/// Whether a mark finds a region.
#[must_use]
pub fn hits(mark: &Mark, region: &RegionNote, tolerance: f64) -> bool {
    match *mark {
        Mark::Point { x, y } => point_hits(x, y, region, tolerance),
        Mark::Box { x, y, w, h } => {
            point_hits(x + w / 2.0, y + h / 2.0, region, tolerance)
                || iou([x, y, w, h], &region.bbox) >= BOX_IOU
        }
    }
}

/// The click tolerance in pixels for a picture of `width × height`.
#[must_use]
pub fn tolerance(width: u32, height: u32) -> f64 {
    TOLERANCE * f64::from(width.max(height))
}

/// Scores `marks` against `regions` with a tolerance of `tolerance` pixels.
#[must_use]
pub fn score(marks: &[Mark], regions: &[&RegionNote], tolerance: f64) -> Score {
    let mut out = Score::default();
    let mut hit = vec![false; marks.len()];
    for r in regions {
        let by: Vec<usize> = marks
            .iter()
            .enumerate()
            .filter(|(_, m)| hits(m, r, tolerance))
            .map(|(i, _)| i)
            .collect();
        for &i in &by {
            hit[i] = true;
        }
        if by.is_empty() {
            out.missed.push(r.id);
        } else {
            out.found.push((r.id, by));
        }
    }
    out.false_marks = (0..marks.len()).filter(|&i| !hit[i]).collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(id: u32, x: f64, y: f64, s: f64) -> RegionNote {
        let polygon = vec![[x, y], [x + s, y], [x + s, y + s], [x, y + s]];
        RegionNote {
            id,
            bbox: BBox::of_points(&polygon).unwrap_or_default(),
            polygon,
            ..RegionNote::default()
        }
    }

    #[test]
    fn two_found_one_missed_one_false() {
        let a = square(1, 100.0, 100.0, 50.0);
        let b = square(2, 400.0, 100.0, 50.0);
        let c = square(3, 100.0, 400.0, 50.0);
        let marks = [
            Mark::Point { x: 120.0, y: 120.0 },
            // Just outside b, within the tolerance.
            Mark::Point { x: 460.0, y: 125.0 },
            Mark::Point { x: 700.0, y: 700.0 },
            // A box over a, counted for a too.
            Mark::Box {
                x: 90.0,
                y: 90.0,
                w: 70.0,
                h: 70.0,
            },
        ];
        let s = score(&marks, &[&a, &b, &c], 15.0);
        assert_eq!(s.found, vec![(1, vec![0, 3]), (2, vec![1])]);
        assert_eq!(s.missed, vec![3]);
        assert_eq!(s.false_marks, vec![2]);
        assert_eq!(s.summary(), "2 of 3 found · 1 missed · 1 false mark");
    }

    #[test]
    fn a_box_counts_by_its_overlap() {
        let a = square(1, 100.0, 100.0, 100.0);
        let over = Mark::Box {
            x: 130.0,
            y: 100.0,
            w: 150.0,
            h: 100.0,
        };
        // Its centre (205, 150) lies 5 px outside, beyond the tolerance; the overlap is 0.39.
        assert!(!point_hits(205.0, 150.0, &a, 2.0));
        assert!(hits(&over, &a, 2.0));
        let beside = Mark::Box {
            x: 260.0,
            y: 100.0,
            w: 100.0,
            h: 100.0,
        };
        assert!(!hits(&beside, &a, 2.0));
    }
}
