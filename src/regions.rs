//! Connected changed areas become numbered regions: bounding box, simplified outline, area,
//! centroid and score, in before-image pixel coordinates.
//!
//! Regions are numbered from 1 in reading order of their bounding boxes: left to right by the
//! box's left edge, then top to bottom (see [`sort_reading_order`]). This module does not decide
//! what changed; it outlines what [`crate::diff`] marked.

use serde::{Deserialize, Serialize};

/// An axis-aligned box in pixel coordinates (`x`, `y` of the top-left corner, `width`, `height`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BBox {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

impl BBox {
    /// The smallest box holding every point, or `None` for no points.
    #[must_use]
    pub fn of_points(points: &[[f64; 2]]) -> Option<BBox> {
        let first = points.first()?;
        let (mut x0, mut y0, mut x1, mut y1) = (first[0], first[1], first[0], first[1]);
        for p in points {
            x0 = x0.min(p[0]);
            y0 = y0.min(p[1]);
            x1 = x1.max(p[0]);
            y1 = y1.max(p[1]);
        }
        Some(BBox {
            x: x0,
            y: y0,
            width: x1 - x0,
            height: y1 - y0,
        })
    }

    /// Centre point.
    #[must_use]
    pub fn center(&self) -> [f64; 2] {
        [self.x + self.width / 2.0, self.y + self.height / 2.0]
    }

    /// Whether the two boxes overlap.
    #[must_use]
    pub fn intersects(&self, other: &BBox) -> bool {
        self.x < other.x + other.width
            && other.x < self.x + self.width
            && self.y < other.y + other.height
            && other.y < self.y + self.height
    }
}

/// One changed region.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Region {
    /// Number shown to the user, from 1.
    pub id: u32,
    /// Bounding box in before-image pixels.
    pub bbox: BBox,
    /// Simplified outline in before-image pixels, clockwise or counter-clockwise, not closed
    /// (the last point is not repeated).
    pub polygon: Vec<[f64; 2]>,
    /// Changed pixels inside the region, in before-image pixels.
    pub area_px: f64,
    /// Centre of mass of the changed pixels.
    pub centroid: [f64; 2],
    /// Mean change strength inside the region relative to the detection threshold (1.0 = at the
    /// threshold; higher is more certain).
    pub score: f64,
}

/// Sorts regions into the documented reading order and renumbers them from 1.
pub fn sort_reading_order(regions: &mut [Region]) {
    regions.sort_by(|a, b| {
        a.bbox
            .x
            .total_cmp(&b.bbox.x)
            .then(a.bbox.y.total_cmp(&b.bbox.y))
    });
    for (i, r) in regions.iter_mut().enumerate() {
        r.id = u32::try_from(i + 1).unwrap_or(u32::MAX);
    }
}
