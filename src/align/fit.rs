//! Fitting transforms to point correspondences: closed-form least squares for each model and
//! a RANSAC loop (with local re-fitting) that ignores mismatches and erased areas.

use nalgebra::{DMatrix, Matrix3};

use super::features::SplitMix;
use crate::geometry::{Model, Transform};

/// A correspondence `(source point, destination point)`.
pub type Pair = ([f64; 2], [f64; 2]);

/// Least-squares fit of `model` mapping sources to destinations; `None` when the points do not
/// determine it (too few, or degenerate).
#[must_use]
pub fn fit(model: Model, pairs: &[Pair]) -> Option<Transform> {
    let t = match model {
        Model::Translation => fit_translation(pairs),
        Model::Similarity => fit_similarity(pairs),
        Model::Affine => fit_affine(pairs),
        Model::Homography => fit_homography(pairs),
    }?;
    t.is_finite().then_some(t)
}

/// Minimum number of correspondences that determine `model`.
#[must_use]
pub fn min_points(model: Model) -> usize {
    model.dof() / 2
}

fn fit_translation(pairs: &[Pair]) -> Option<Transform> {
    if pairs.is_empty() {
        return None;
    }
    let n = pairs.len() as f64;
    let (mut dx, mut dy) = (0.0, 0.0);
    for (s, d) in pairs {
        dx += d[0] - s[0];
        dy += d[1] - s[1];
    }
    Some(Transform::translation(dx / n, dy / n))
}

fn centroid(points: impl Iterator<Item = [f64; 2]>) -> [f64; 2] {
    let (mut x, mut y, mut n) = (0.0, 0.0, 0.0);
    for p in points {
        x += p[0];
        y += p[1];
        n += 1.0;
    }
    if n == 0.0 { [0.0, 0.0] } else { [x / n, y / n] }
}

fn fit_similarity(pairs: &[Pair]) -> Option<Transform> {
    if pairs.len() < 2 {
        return None;
    }
    let cs = centroid(pairs.iter().map(|p| p.0));
    let cd = centroid(pairs.iter().map(|p| p.1));
    let (mut sa, mut sb, mut ss) = (0.0, 0.0, 0.0);
    for (s, d) in pairs {
        let (xs, ys) = (s[0] - cs[0], s[1] - cs[1]);
        let (xd, yd) = (d[0] - cd[0], d[1] - cd[1]);
        sa += xs * xd + ys * yd;
        sb += xs * yd - ys * xd;
        ss += xs * xs + ys * ys;
    }
    if ss < 1e-9 {
        return None;
    }
    let (a, b) = (sa / ss, sb / ss);
    let tx = cd[0] - (a * cs[0] - b * cs[1]);
    let ty = cd[1] - (b * cs[0] + a * cs[1]);
    Some(Transform::from_rows([
        [a, -b, tx],
        [b, a, ty],
        [0.0, 0.0, 1.0],
    ]))
}

/// Similarity normalisation (centroid to origin, mean distance √2) for conditioning.
fn normaliser(points: impl Iterator<Item = [f64; 2]> + Clone) -> Matrix3<f64> {
    let c = centroid(points.clone());
    let (mut d, mut n) = (0.0, 0.0);
    for p in points {
        d += ((p[0] - c[0]).powi(2) + (p[1] - c[1]).powi(2)).sqrt();
        n += 1.0;
    }
    let s = if d > 1e-12 {
        std::f64::consts::SQRT_2 * n / d
    } else {
        1.0
    };
    Matrix3::new(s, 0.0, -s * c[0], 0.0, s, -s * c[1], 0.0, 0.0, 1.0)
}

fn apply_m(m: &Matrix3<f64>, p: [f64; 2]) -> [f64; 2] {
    let z = m[(2, 0)] * p[0] + m[(2, 1)] * p[1] + m[(2, 2)];
    [
        (m[(0, 0)] * p[0] + m[(0, 1)] * p[1] + m[(0, 2)]) / z,
        (m[(1, 0)] * p[0] + m[(1, 1)] * p[1] + m[(1, 2)]) / z,
    ]
}

fn fit_affine(pairs: &[Pair]) -> Option<Transform> {
    if pairs.len() < 3 {
        return None;
    }
    let ns = normaliser(pairs.iter().map(|p| p.0));
    let nd = normaliser(pairs.iter().map(|p| p.1));
    let mut ata = nalgebra::Matrix3::<f64>::zeros();
    let mut atx = nalgebra::Vector3::<f64>::zeros();
    let mut aty = nalgebra::Vector3::<f64>::zeros();
    for (s, d) in pairs {
        let s = apply_m(&ns, *s);
        let d = apply_m(&nd, *d);
        let row = nalgebra::Vector3::new(s[0], s[1], 1.0);
        ata += row * row.transpose();
        atx += row * d[0];
        aty += row * d[1];
    }
    let inv = ata.try_inverse()?;
    let rx = inv * atx;
    let ry = inv * aty;
    let m = Matrix3::new(rx[0], rx[1], rx[2], ry[0], ry[1], ry[2], 0.0, 0.0, 1.0);
    let full = nd.try_inverse()? * m * ns;
    Some(Transform { matrix: full }.normalized())
}

fn fit_homography(pairs: &[Pair]) -> Option<Transform> {
    if pairs.len() < 4 {
        return None;
    }
    let ns = normaliser(pairs.iter().map(|p| p.0));
    let nd = normaliser(pairs.iter().map(|p| p.1));
    let n = pairs.len();
    let mut a = DMatrix::<f64>::zeros(2 * n.max(5), 9);
    for (i, (s, d)) in pairs.iter().enumerate() {
        let s = apply_m(&ns, *s);
        let d = apply_m(&nd, *d);
        let (x, y, u, v) = (s[0], s[1], d[0], d[1]);
        let r0 = [-x, -y, -1.0, 0.0, 0.0, 0.0, u * x, u * y, u];
        let r1 = [0.0, 0.0, 0.0, -x, -y, -1.0, v * x, v * y, v];
        for j in 0..9 {
            a[(2 * i, j)] = r0[j];
            a[(2 * i + 1, j)] = r1[j];
        }
    }
    // The solution is the right singular vector of the smallest singular value; via the
    // eigen-decomposition of AᵀA, which is 9×9 whatever the number of points.
    let ata = a.transpose() * &a;
    let eig = nalgebra::SymmetricEigen::new(ata);
    let (mut best, mut best_val) = (0, f64::INFINITY);
    for (i, v) in eig.eigenvalues.iter().enumerate() {
        if *v < best_val {
            best_val = *v;
            best = i;
        }
    }
    let h = eig.eigenvectors.column(best);
    let m = Matrix3::new(h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8]);
    let full = nd.try_inverse()? * m * ns;
    let t = Transform { matrix: full }.normalized();
    (t.matrix[(2, 2)].abs() > 1e-12).then_some(t)
}

/// Distance between where `t` sends a source point and its destination.
#[must_use]
pub fn reprojection_error(t: &Transform, pair: &Pair) -> f64 {
    let (x, y) = t.apply_lossy(pair.0[0], pair.0[1]);
    ((x - pair.1[0]).powi(2) + (y - pair.1[1]).powi(2)).sqrt()
}

/// The result of a robust fit.
#[derive(Clone, Debug)]
pub struct RobustFit {
    /// Maps sources to destinations.
    pub transform: Transform,
    /// Indices of the correspondences within the threshold.
    pub inliers: Vec<usize>,
    /// Root-mean-square error of the inliers.
    pub rms: f64,
}

fn inliers_of(t: &Transform, pairs: &[Pair], threshold: f64) -> (Vec<usize>, f64) {
    let mut idx = Vec::new();
    let mut cost = 0.0;
    for (i, p) in pairs.iter().enumerate() {
        let e = reprojection_error(t, p);
        if e < threshold {
            idx.push(i);
            cost += e * e;
        } else {
            cost += threshold * threshold;
        }
    }
    (idx, cost)
}

/// Whether a transform is plausible for two scans of one photograph (scale 1/6..6, not
/// mirrored, mild perspective).
#[must_use]
pub fn plausible(t: &Transform) -> bool {
    let m = &t.matrix;
    let det = m[(0, 0)] * m[(1, 1)] - m[(0, 1)] * m[(1, 0)];
    det > 1.0 / 36.0 && det < 36.0 && t.is_finite()
}

/// RANSAC with a similarity as the minimal model, then local least-squares re-fitting of
/// `model` on the inliers (LO-RANSAC). `threshold` is in destination units.
#[must_use]
pub fn ransac(
    pairs: &[Pair],
    model: Model,
    threshold: f64,
    max_iterations: usize,
) -> Option<RobustFit> {
    let n = pairs.len();
    let sample_model = if model == Model::Translation {
        Model::Translation
    } else {
        Model::Similarity
    };
    let k = min_points(sample_model);
    if n < k.max(2) {
        return None;
    }
    let mut rng = SplitMix(0x0052_414E_5341_4321 ^ n as u64);
    let mut best: Option<(f64, Transform)> = None;
    let mut iterations = max_iterations;
    let mut i = 0;
    while i < iterations {
        i += 1;
        let a = (rng.next() % n as u64) as usize;
        let mut b = (rng.next() % n as u64) as usize;
        if k > 1 {
            if a == b {
                b = (a + 1) % n;
            }
            let (p, q) = (&pairs[a], &pairs[b]);
            if (p.0[0] - q.0[0]).hypot(p.0[1] - q.0[1]) < 4.0 * threshold {
                continue;
            }
        }
        let sample: Vec<Pair> = if k > 1 {
            vec![pairs[a], pairs[b]]
        } else {
            vec![pairs[a]]
        };
        let Some(t) = fit(sample_model, &sample) else {
            continue;
        };
        if !plausible(&t) {
            continue;
        }
        let (idx, cost) = inliers_of(&t, pairs, threshold);
        if best.as_ref().is_none_or(|(c, _)| cost < *c) {
            best = Some((cost, t));
            // Adaptive stopping at 99.9 % confidence.
            let ratio = idx.len() as f64 / n as f64;
            let p_good = ratio.powi(k as i32).max(1e-9);
            if p_good >= 1.0 {
                iterations = i;
            } else {
                let needed = ((1.0f64 - 0.999).ln() / (1.0 - p_good).ln()).ceil();
                if needed.is_finite() && (needed as usize) < iterations {
                    iterations = (needed as usize).max(i).max(50).min(max_iterations);
                }
            }
        }
    }
    let (_, mut t) = best?;
    // Local optimisation: re-fit on inliers, widen to the full model, repeat.
    let mut idx = inliers_of(&t, pairs, threshold).0;
    for round in 0..4 {
        let fit_model = if round == 0 { sample_model } else { model };
        if idx.len() < min_points(fit_model) + 1 {
            break;
        }
        let subset: Vec<Pair> = idx.iter().map(|&i| pairs[i]).collect();
        let Some(next) = fit(fit_model, &subset) else {
            break;
        };
        if !plausible(&next) {
            break;
        }
        let (next_idx, _) = inliers_of(&next, pairs, threshold);
        if next_idx.len() + 1 < idx.len() && round > 0 {
            break;
        }
        t = next;
        idx = next_idx;
    }
    if idx.len() < min_points(model) {
        return None;
    }
    let rms = (idx
        .iter()
        .map(|&i| reprojection_error(&t, &pairs[i]).powi(2))
        .sum::<f64>()
        / idx.len().max(1) as f64)
        .sqrt();
    Some(RobustFit {
        transform: t,
        inliers: idx,
        rms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid_pairs(t: &Transform) -> Vec<Pair> {
        let mut v = Vec::new();
        for i in 0..6 {
            for j in 0..5 {
                let s = [f64::from(i) * 97.0 + 3.0, f64::from(j) * 83.0 + 11.0];
                let (x, y) = t.apply(s[0], s[1]).unwrap();
                v.push((s, [x, y]));
            }
        }
        v
    }

    #[test]
    fn every_model_recovers_an_exact_transform() {
        let mut h = Transform::similarity(1.1, 0.05, 20.0, -13.0);
        h.matrix[(0, 1)] += 0.02;
        h.matrix[(2, 0)] = 1e-5;
        let pairs = grid_pairs(&h);
        let got = fit(Model::Homography, &pairs).unwrap();
        assert!(got.max_corner_distance(&h, 600.0, 400.0) < 1e-6);
        let s = Transform::similarity(0.9, -0.1, 5.0, 7.0);
        let got = fit(Model::Similarity, &grid_pairs(&s)).unwrap();
        assert!(got.max_corner_distance(&s, 600.0, 400.0) < 1e-6);
        let got = fit(Model::Affine, &grid_pairs(&s)).unwrap();
        assert!(got.max_corner_distance(&s, 600.0, 400.0) < 1e-6);
    }

    #[test]
    fn ransac_ignores_outliers() {
        let s = Transform::similarity(1.2, 0.1, 30.0, -4.0);
        let mut pairs = grid_pairs(&s);
        for (i, p) in pairs.iter_mut().enumerate().take(10) {
            p.1[0] += 50.0 + i as f64 * 7.0;
        }
        let r = ransac(&pairs, Model::Similarity, 2.0, 500).unwrap();
        assert_eq!(r.inliers.len(), 20);
        assert!(r.transform.max_corner_distance(&s, 600.0, 400.0) < 1e-6);
    }
}
