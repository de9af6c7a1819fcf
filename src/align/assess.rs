//! What the patch shifts measured after refinement say about a fit: its predicted error at the
//! corners, the confidence that follows, and whether a homography's perspective terms are
//! measurable at all.
//!
//! Each patch that lines up nearby (see [`super::refine::misalignment_detail`]) is one
//! independent measurement of the local error of the fit. A displacement field of the fitted
//! model's family is fitted to them by robust least squares: its value at a corner is the
//! error the measurements see there, and its standard error at the corner says how well the
//! patches pin the corner down, which grows where the picture has no texture to measure (a
//! sky, bare ground) and with every extra parameter of the model. This module neither fits
//! transforms nor measures patches.

use nalgebra::{DMatrix, DVector};

use super::refine::PatchShift;
use crate::geometry::Model;

/// Huber's constant, in robust standard deviations.
const HUBER: f64 = 1.345;

/// A displacement field fitted to patch shifts.
#[derive(Clone, Debug)]
pub struct Field {
    family: Model,
    params: DVector<f64>,
    /// Inverse of the weighted normal matrix.
    cov_unscaled: DMatrix<f64>,
    /// Robust standard deviation of one shift component about the field.
    sigma: f64,
    /// Weighted residual sum of squares.
    rss: f64,
    /// Number of scalar equations (two per patch).
    equations: usize,
    /// Coordinates are taken relative to this centre and scale, for conditioning.
    centre: (f64, f64),
    scale: f64,
}

/// Number of parameters of the displacement field of a family.
fn field_parameters(family: Model) -> usize {
    match family {
        Model::Translation => 2,
        Model::Similarity => 4,
        Model::Affine => 6,
        Model::Homography => 8,
    }
}

/// The two rows (x and y components) of the design matrix at normalised `(x, y)`.
///
/// A small change of a transform moves the point `(x, y)` by: a shift `(a, b)` (translation);
/// plus a scale and rotation `(s x − r y, r x + s y)` (similarity); plus the rest of a linear
/// map (affine); plus the first-order effect of the perspective terms `g`,
/// `−(x, y) (g₁ x + g₂ y)` (homography).
fn rows(family: Model, x: f64, y: f64) -> ([f64; 8], [f64; 8]) {
    let mut rx = [0.0; 8];
    let mut ry = [0.0; 8];
    rx[0] = 1.0;
    ry[1] = 1.0;
    match family {
        Model::Translation => {}
        Model::Similarity => {
            rx[2] = x;
            ry[2] = y;
            rx[3] = -y;
            ry[3] = x;
        }
        Model::Affine | Model::Homography => {
            rx[2] = x;
            rx[3] = y;
            ry[4] = x;
            ry[5] = y;
            if family == Model::Homography {
                rx[6] = -x * x;
                rx[7] = -x * y;
                ry[6] = -x * y;
                ry[7] = -y * y;
            }
        }
    }
    (rx, ry)
}

impl Field {
    /// Fits a field of `family` to `shifts` by iteratively reweighted least squares (Huber
    /// weights on each patch's residual length). `None` with too few patches for the family.
    #[must_use]
    pub fn fit(family: Model, shifts: &[PatchShift]) -> Option<Field> {
        let np = field_parameters(family);
        if shifts.len() * 2 < np + 4 {
            return None;
        }
        let n = shifts.len() as f64;
        let centre = (
            shifts.iter().map(|s| s.x).sum::<f64>() / n,
            shifts.iter().map(|s| s.y).sum::<f64>() / n,
        );
        let scale = shifts
            .iter()
            .map(|s| (s.x - centre.0).hypot(s.y - centre.1))
            .fold(1.0f64, f64::max);
        let norm = |s: &PatchShift| ((s.x - centre.0) / scale, (s.y - centre.1) / scale);
        let mut weights = vec![1.0f64; shifts.len()];
        let mut result = None;
        for _ in 0..6 {
            let mut ata = DMatrix::<f64>::zeros(np, np);
            let mut atb = DVector::<f64>::zeros(np);
            for (s, &wt) in shifts.iter().zip(&weights) {
                let (x, y) = norm(s);
                let (rx, ry) = rows(family, x, y);
                for (r, d) in [(rx, s.dx), (ry, s.dy)] {
                    for p in 0..np {
                        atb[p] += wt * r[p] * d;
                        for q in 0..np {
                            ata[(p, q)] += wt * r[p] * r[q];
                        }
                    }
                }
            }
            let cov_unscaled = ata.try_inverse()?;
            let params = &cov_unscaled * atb;
            let residuals: Vec<f64> = shifts
                .iter()
                .map(|s| {
                    let (x, y) = norm(s);
                    let (ex, ey) = eval(family, &params, x, y);
                    (s.dx - ex).hypot(s.dy - ey)
                })
                .collect();
            // Robust scale of one component: the median residual length of a 2-D normal is
            // about 1.177 σ.
            let mut sorted = residuals.clone();
            sorted.sort_unstable_by(f64::total_cmp);
            let sigma = (sorted[sorted.len() / 2] / 1.177).max(1e-3);
            let rss = residuals
                .iter()
                .zip(&weights)
                .map(|(r, w)| w * r * r)
                .sum::<f64>();
            for (w, r) in weights.iter_mut().zip(&residuals) {
                *w = if *r <= HUBER * sigma {
                    1.0
                } else {
                    HUBER * sigma / r
                };
            }
            result = Some(Field {
                family,
                params,
                cov_unscaled,
                sigma,
                rss,
                equations: 2 * shifts.len(),
                centre,
                scale,
            });
        }
        result
    }

    /// The field's displacement at `(x, y)` (level pixels) and its standard error (length).
    #[must_use]
    pub fn at(&self, x: f64, y: f64) -> ((f64, f64), f64) {
        let (nx, ny) = (
            (x - self.centre.0) / self.scale,
            (y - self.centre.1) / self.scale,
        );
        let d = eval(self.family, &self.params, nx, ny);
        let np = self.params.len();
        let (rx, ry) = rows(self.family, nx, ny);
        let quad = |r: &[f64; 8]| {
            let v = DVector::from_iterator(np, r.iter().take(np).copied());
            (v.transpose() * &self.cov_unscaled * &v)[(0, 0)].max(0.0)
        };
        let se = self.sigma * (quad(&rx) + quad(&ry)).sqrt();
        (d, se)
    }

    /// The predicted error at the worst of `corners` (level pixels): the field's length there
    /// plus its standard error.
    #[must_use]
    pub fn corner_error(&self, corners: &[(f64, f64)]) -> f64 {
        corners
            .iter()
            .map(|&(x, y)| {
                let ((dx, dy), se) = self.at(x, y);
                dx.hypot(dy) + se
            })
            .fold(0.0, f64::max)
    }
}

fn eval(family: Model, params: &DVector<f64>, x: f64, y: f64) -> (f64, f64) {
    let (rx, ry) = rows(family, x, y);
    let dot = |r: &[f64; 8]| r.iter().zip(params.iter()).map(|(a, b)| a * b).sum::<f64>();
    (dot(&rx), dot(&ry))
}

/// Whether the patch shifts, measured under an affine fit, show perspective that a homography
/// would take up: the two perspective terms must reduce the misfit beyond what chance gives
/// (an F-test at a strict level, patches being independent measurements where pixels are
/// not), and must move one of `corners` by a measurable amount (half a level pixel, and
/// twice their own standard error).
#[must_use]
pub fn perspective_supported(shifts: &[PatchShift], corners: &[(f64, f64)]) -> bool {
    let (Some(affine), Some(projective)) = (
        Field::fit(Model::Affine, shifts),
        Field::fit(Model::Homography, shifts),
    ) else {
        return false;
    };
    let dof = projective.equations.saturating_sub(8).max(1) as f64;
    let f = ((affine.rss - projective.rss) / 2.0) / (projective.rss / dof).max(1e-12);
    // F(2, ∞) exceeds 13.8 with probability 0.001.
    if f < 13.8 {
        return false;
    }
    corners.iter().any(|&(x, y)| {
        let ((ax, ay), _) = affine.at(x, y);
        let ((px, py), se) = projective.at(x, y);
        let moved = (px - ax).hypot(py - ay);
        moved >= 0.5 && moved >= 2.0 * se
    })
}

/// The confidence that follows from a predicted corner error in before pixels: 1 for a
/// perfect fit, a half at 0.8 px, a fifth at 1.6 px.
#[must_use]
pub fn confidence_for(expected_error_px: f64) -> f64 {
    1.0 / (1.0 + (expected_error_px / 0.8).powi(2))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(f: impl Fn(f64, f64) -> (f64, f64)) -> Vec<PatchShift> {
        let mut out = Vec::new();
        for j in 0..10 {
            for i in 0..10 {
                let (x, y) = (20.0 + 40.0 * f64::from(i), 20.0 + 30.0 * f64::from(j));
                let (dx, dy) = f(x, y);
                out.push(PatchShift { x, y, dx, dy });
            }
        }
        out
    }

    /// A tiny deterministic jitter, so that fits have a residual.
    fn jitter(x: f64, y: f64) -> f64 {
        ((x * 12.9898 + y * 78.233).sin() * 43758.5453).fract() * 0.1
    }

    #[test]
    fn a_rotation_error_is_predicted_at_the_corners() {
        // 0.2° of rotation about the centre (200, 150): a corner 250 px away moves ~0.87 px.
        let a = 0.2f64.to_radians();
        let shifts = grid(|x, y| {
            let (u, v) = (x - 200.0, y - 150.0);
            (-a * v + jitter(x, y), a * u + jitter(y, x))
        });
        let field = Field::fit(Model::Affine, &shifts).unwrap();
        let e = field.corner_error(&[(0.0, 0.0), (400.0, 0.0), (0.0, 300.0), (400.0, 300.0)]);
        assert!((0.8..1.2).contains(&e), "predicted {e}");
        let aligned = Field::fit(Model::Affine, &grid(|x, y| (jitter(x, y), jitter(y, x))));
        let e0 = aligned.unwrap().corner_error(&[(0.0, 0.0), (400.0, 300.0)]);
        assert!(e0 < 0.15, "predicted {e0} for an aligned fit");
    }

    #[test]
    fn perspective_is_taken_only_when_measured() {
        let corners = [(0.0, 0.0), (400.0, 0.0), (0.0, 300.0), (400.0, 300.0)];
        // An affine error and noise: no perspective.
        let affine = grid(|x, y| (0.002 * x + jitter(x, y), -0.001 * y + jitter(y, x)));
        assert!(!perspective_supported(&affine, &corners));
        // Perspective that moves the far corner by about 2 px.
        let g = 1.2e-5;
        let persp = grid(|x, y| {
            let z = g * x + g * y;
            (-x * z + jitter(x, y), -y * z + jitter(y, x))
        });
        assert!(perspective_supported(&persp, &corners));
    }

    #[test]
    fn confidence_falls_with_the_error() {
        assert!(confidence_for(0.1) > 0.95);
        assert!((confidence_for(0.8) - 0.5).abs() < 1e-9);
        assert!(confidence_for(3.0) < 0.1);
    }
}
