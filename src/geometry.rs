//! Plane geometry shared by every stage: 3×3 projective transforms named by the spaces they map
//! between, the model families the aligner can fit, and small polygon helpers.
//!
//! A [`Transform`] maps homogeneous pixel coordinates `(x, y, 1)` of one image to another. The
//! pipeline's central one is `before_from_after`: it takes a point of the after image to where
//! it lies in the before image. Pixel centres sit at integer coordinates.

use nalgebra::{Matrix3, Vector3};
use serde::{Deserialize, Serialize};

/// The family of transform the aligner fits, from the most to the least constrained.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Model {
    /// Shift only (2 degrees of freedom).
    Translation,
    /// Rotation, uniform scale and shift (4 degrees of freedom).
    Similarity,
    /// Any linear map plus shift (6 degrees of freedom).
    Affine,
    /// Full plane projective transform (8 degrees of freedom).
    Homography,
}

impl Model {
    /// Every model, from the simplest to the most general.
    pub const ALL: [Model; 4] = [
        Model::Translation,
        Model::Similarity,
        Model::Affine,
        Model::Homography,
    ];

    /// Degrees of freedom of the model.
    #[must_use]
    pub fn dof(self) -> usize {
        match self {
            Model::Translation => 2,
            Model::Similarity => 4,
            Model::Affine => 6,
            Model::Homography => 8,
        }
    }

    /// Lower-case name, as used on the command line and in JSON.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Model::Translation => "translation",
            Model::Similarity => "similarity",
            Model::Affine => "affine",
            Model::Homography => "homography",
        }
    }
}

impl std::fmt::Display for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A 3×3 projective transform between two pixel spaces.
///
/// Serialised as a row-major `[[f64; 3]; 3]`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "[[f64; 3]; 3]", into = "[[f64; 3]; 3]")]
pub struct Transform {
    /// The matrix acting on column vectors `(x, y, 1)`.
    pub matrix: Matrix3<f64>,
}

impl From<[[f64; 3]; 3]> for Transform {
    fn from(rows: [[f64; 3]; 3]) -> Self {
        Self::from_rows(rows)
    }
}

impl From<Transform> for [[f64; 3]; 3] {
    fn from(t: Transform) -> Self {
        t.rows()
    }
}

impl Default for Transform {
    fn default() -> Self {
        Self::identity()
    }
}

impl Transform {
    /// The identity map.
    #[must_use]
    pub fn identity() -> Self {
        Self {
            matrix: Matrix3::identity(),
        }
    }

    /// Builds a transform from a row-major matrix.
    #[must_use]
    pub fn from_rows(r: [[f64; 3]; 3]) -> Self {
        Self {
            matrix: Matrix3::new(
                r[0][0], r[0][1], r[0][2], r[1][0], r[1][1], r[1][2], r[2][0], r[2][1], r[2][2],
            ),
        }
    }

    /// The matrix as row-major rows.
    #[must_use]
    pub fn rows(&self) -> [[f64; 3]; 3] {
        let m = &self.matrix;
        [
            [m[(0, 0)], m[(0, 1)], m[(0, 2)]],
            [m[(1, 0)], m[(1, 1)], m[(1, 2)]],
            [m[(2, 0)], m[(2, 1)], m[(2, 2)]],
        ]
    }

    /// A pure shift by `(dx, dy)`.
    #[must_use]
    pub fn translation(dx: f64, dy: f64) -> Self {
        Self::from_rows([[1.0, 0.0, dx], [0.0, 1.0, dy], [0.0, 0.0, 1.0]])
    }

    /// Uniform scale by `s` about the origin.
    #[must_use]
    pub fn scale(s: f64) -> Self {
        Self::from_rows([[s, 0.0, 0.0], [0.0, s, 0.0], [0.0, 0.0, 1.0]])
    }

    /// Scale `s`, then rotation by `angle_rad` (counter-clockwise in a y-down image it appears
    /// clockwise), then shift by `(dx, dy)`.
    #[must_use]
    pub fn similarity(s: f64, angle_rad: f64, dx: f64, dy: f64) -> Self {
        let (sin, cos) = angle_rad.sin_cos();
        Self::from_rows([
            [s * cos, -s * sin, dx],
            [s * sin, s * cos, dy],
            [0.0, 0.0, 1.0],
        ])
    }

    /// `self ∘ other`: applies `other` first, then `self`.
    #[must_use]
    pub fn then_after(&self, other: &Transform) -> Transform {
        Transform {
            matrix: self.matrix * other.matrix,
        }
    }

    /// The inverse map, or `None` when the matrix is singular.
    #[must_use]
    pub fn inverse(&self) -> Option<Transform> {
        self.matrix
            .try_inverse()
            .map(|m| Transform { matrix: m }.normalized())
    }

    /// The same transform scaled so that its bottom-right entry is 1 (when it is not ~0).
    #[must_use]
    pub fn normalized(&self) -> Transform {
        let w = self.matrix[(2, 2)];
        if w.abs() > 1e-12 {
            Transform {
                matrix: self.matrix / w,
            }
        } else {
            *self
        }
    }

    /// Maps a point; `None` when it goes to infinity.
    #[must_use]
    pub fn apply(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        let v = self.matrix * Vector3::new(x, y, 1.0);
        if v.z.abs() < 1e-12 {
            None
        } else {
            Some((v.x / v.z, v.y / v.z))
        }
    }

    /// Maps a point, sending points at infinity far away instead of failing.
    #[must_use]
    pub fn apply_lossy(&self, x: f64, y: f64) -> (f64, f64) {
        self.apply(x, y).unwrap_or((f64::MAX, f64::MAX))
    }

    /// The transform acting on images resampled by `k` (pixel `p` of the scaled image is pixel
    /// `p / k` of the original): `S(k) · self · S(1/k)` for both sides scaled alike.
    #[must_use]
    pub fn rescaled(&self, k: f64) -> Transform {
        Transform::scale(k)
            .then_after(self)
            .then_after(&Transform::scale(1.0 / k))
            .normalized()
    }

    /// Linear scale near the origin: the geometric mean of the axis scales (never under 1e-6).
    #[must_use]
    pub fn linear_scale(&self) -> f64 {
        let m = &self.matrix;
        (m[(0, 0)] * m[(1, 1)] - m[(0, 1)] * m[(1, 0)])
            .abs()
            .sqrt()
            .max(1e-6)
    }

    /// Largest distance between where `self` and `other` send the corners and edge midpoints
    /// of a `width × height` image.
    #[must_use]
    pub fn max_corner_distance(&self, other: &Transform, width: f64, height: f64) -> f64 {
        let mut worst: f64 = 0.0;
        for (x, y) in frame_points(width, height) {
            let (ax, ay) = self.apply_lossy(x, y);
            let (bx, by) = other.apply_lossy(x, y);
            worst = worst.max(((ax - bx).powi(2) + (ay - by).powi(2)).sqrt());
        }
        worst
    }

    /// Whether every entry is finite.
    #[must_use]
    pub fn is_finite(&self) -> bool {
        self.matrix.iter().all(|v| v.is_finite())
    }
}

/// Corners and edge midpoints of a `width × height` pixel grid.
fn frame_points(width: f64, height: f64) -> [(f64, f64); 8] {
    let (w, h) = (width - 1.0, height - 1.0);
    [
        (0.0, 0.0),
        (w, 0.0),
        (0.0, h),
        (w, h),
        (w / 2.0, 0.0),
        (w / 2.0, h),
        (0.0, h / 2.0),
        (w, h / 2.0),
    ]
}

/// Area of a simple polygon (shoelace formula), in square pixels.
#[must_use]
pub fn polygon_area(points: &[[f64; 2]]) -> f64 {
    if points.len() < 3 {
        return 0.0;
    }
    let mut twice = 0.0;
    for (i, p) in points.iter().enumerate() {
        let q = points[(i + 1) % points.len()];
        twice += p[0] * q[1] - q[0] * p[1];
    }
    twice.abs() / 2.0
}

/// Whether `(x, y)` lies inside the polygon (even–odd rule).
#[must_use]
pub fn point_in_polygon(points: &[[f64; 2]], x: f64, y: f64) -> bool {
    let mut inside = false;
    let n = points.len();
    if n < 3 {
        return false;
    }
    let mut j = n - 1;
    for i in 0..n {
        let (xi, yi) = (points[i][0], points[i][1]);
        let (xj, yj) = (points[j][0], points[j][1]);
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn identity_maps_points_to_themselves() {
        assert_eq!(Transform::identity().apply(3.0, 4.0), Some((3.0, 4.0)));
    }

    #[test]
    fn square_area() {
        let sq = [[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0]];
        assert!((polygon_area(&sq) - 4.0).abs() < 1e-12);
        assert!(point_in_polygon(&sq, 1.0, 1.0));
        assert!(!point_in_polygon(&sq, 3.0, 1.0));
    }

    proptest! {
        #[test]
        fn transform_then_inverse_is_identity(
            s in 0.5f64..2.0, a in -0.5f64..0.5, dx in -500.0f64..500.0, dy in -500.0f64..500.0,
            p0 in -1e-4f64..1e-4, p1 in -1e-4f64..1e-4, k in -0.2f64..0.2,
        ) {
            let mut t = Transform::similarity(s, a, dx, dy);
            t.matrix[(0, 1)] += k;
            t.matrix[(2, 0)] = p0;
            t.matrix[(2, 1)] = p1;
            let inv = t.inverse().expect("well-conditioned by construction");
            let round = inv.then_after(&t).normalized();
            prop_assert!(round.max_corner_distance(&Transform::identity(), 1000.0, 800.0) < 1e-6);
        }

        #[test]
        fn serde_round_trip(s in 0.5f64..2.0, a in -0.5f64..0.5) {
            let t = Transform::similarity(s, a, 3.0, -7.0);
            let json = serde_json::to_string(&t).unwrap();
            let back: Transform = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(t, back);
        }
    }
}
