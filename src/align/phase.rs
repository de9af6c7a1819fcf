//! Fourier–Mellin registration: rotation and scale from the phase correlation of log-polar
//! magnitude spectra, then translation from the phase correlation of the images.
//!
//! It needs no keypoints, so it still works on smooth, low-texture pictures (sky, water, soft
//! focus) where corner detectors find too little. It is coarse — a starting point that the
//! intensity refinement in [`super::refine`] makes precise.

use std::f64::consts::PI;

use rustfft::num_complex::Complex;

use crate::geometry::Transform;
use crate::imgops::GrayF;
use crate::imgops::fft::fft2;
use crate::imgops::{bilerp, sample};

/// Side of the square frames the spectra are computed on.
const N: usize = 512;

type Grid = Vec<Complex<f64>>;

/// Places `img` scaled by `f` into an N×N frame (origin at the top left), mean removed and
/// Hann-windowed over the image's extent.
fn frame(img: &GrayF, f: f64) -> Grid {
    let (w, h) = (f64::from(img.width()) * f, f64::from(img.height()) * f);
    let mut out = vec![Complex::new(0.0, 0.0); N * N];
    let mut sum = 0.0;
    let mut count = 0.0;
    let mut vals = vec![None; N * N];
    for y in 0..N {
        for x in 0..N {
            if (x as f64) < w - 1.0 && (y as f64) < h - 1.0 {
                let v = sample(img, (x as f64 / f) as f32, (y as f64 / f) as f32);
                if let Some(v) = v {
                    sum += f64::from(v);
                    count += 1.0;
                    vals[y * N + x] = Some(f64::from(v));
                }
            }
        }
    }
    let mean = if count > 0.0 { sum / count } else { 0.0 };
    for y in 0..N {
        for x in 0..N {
            if let Some(v) = vals[y * N + x] {
                let wx = 0.5 - 0.5 * (2.0 * PI * x as f64 / w.max(2.0)).cos();
                let wy = 0.5 - 0.5 * (2.0 * PI * y as f64 / h.max(2.0)).cos();
                out[y * N + x] = Complex::new((v - mean) * wx * wy, 0.0);
            }
        }
    }
    out
}

/// Phase correlation of two equally sized grids: the shift `(dx, dy)` with `b(x) ≈ a(x − d)`,
/// and the height of the correlation peak (1 = identical up to the shift).
fn phase_correlate(a: &Grid, b: &Grid, w: usize, h: usize) -> (f64, f64, f64) {
    let mut fa = a.clone();
    let mut fb = b.clone();
    fft2(&mut fa, w, h, false);
    fft2(&mut fb, w, h, false);
    let mut r: Grid = fa
        .iter()
        .zip(&fb)
        .map(|(x, y)| {
            let c = y * x.conj();
            let m = c.norm();
            if m > 1e-12 {
                c / m
            } else {
                Complex::new(0.0, 0.0)
            }
        })
        .collect();
    fft2(&mut r, w, h, true);
    let norm = (w * h) as f64;
    let (mut best, mut bi) = (f64::MIN, 0);
    for (i, v) in r.iter().enumerate() {
        if v.re > best {
            best = v.re;
            bi = i;
        }
    }
    let (px, py) = (bi % w, bi / w);
    let at = |x: isize, y: isize| {
        let xx = x.rem_euclid(w as isize) as usize;
        let yy = y.rem_euclid(h as isize) as usize;
        r[yy * w + xx].re
    };
    let sub = |m: f64, l: f64, rr: f64| {
        let d = l - 2.0 * m + rr;
        if d.abs() > 1e-12 {
            0.5 * (l - rr) / d
        } else {
            0.0
        }
    };
    let (xi, yi) = (px as isize, py as isize);
    let fx = sub(best, at(xi - 1, yi), at(xi + 1, yi));
    let fy = sub(best, at(xi, yi - 1), at(xi, yi + 1));
    let wrap = |p: f64, n: usize| if p > n as f64 / 2.0 { p - n as f64 } else { p };
    (
        wrap(px as f64 + fx, w),
        wrap(py as f64 + fy, h),
        best / norm,
    )
}

/// Rows of the log-polar spectrum, spanning half a turn (the magnitude spectrum of a real
/// image is symmetric, so a half turn holds all of it).
const ANGLES: usize = 360;
/// Columns of the log-polar spectrum.
const RADII: usize = 256;
/// Innermost radius sampled, in frequency bins: inside it the spectrum is dominated by the
/// window's own (unrotated) lobe, which would pull the rotation towards zero.
const RHO_MIN: f64 = 3.0;
/// Outermost radius sampled, in frequency bins.
const RHO_MAX: f64 = (N / 2 - 1) as f64;

/// Radius of log-polar column `r` (a fractional column gives the radius between columns).
fn rho_at(r: f64) -> f64 {
    RHO_MIN * (RHO_MAX / RHO_MIN).powf(r / RADII as f64)
}

/// How the magnitude spectrum is weighted before the log-polar resampling.
#[derive(Clone, Copy, Debug)]
enum Weighting {
    /// Magnitude times a high-pass filter (`(1 − X)(2 − X)`, `X = cos πu · cos πv`): edges and
    /// texture count, the smooth fall-off of every photograph does not.
    HighPass,
    /// Log magnitude less the mean of each radius: every radius counts equally, which keeps
    /// the little anisotropy of a smooth, low-texture picture.
    LogAnisotropy,
}

/// The magnitude spectrum resampled to log-polar coordinates (angle rows over half a turn,
/// log-radius columns), bilinear between frequency bins, mean removed and tapered along the
/// radius so that the two ends of the radius axis do not correlate with each other.
///
/// If `after(x) = before(s·R(θ)·x + t)`, then `|A(k)| ∝ |B(R(θ)·k / s)|`, so the after
/// image's log-polar spectrum is the before image's shifted by `+ln s` along the radius and
/// `−θ` along the angle (see [`fourier_mellin`]).
fn log_polar_spectrum(frame: &Grid, weighting: Weighting) -> Grid {
    let mut f = frame.clone();
    fft2(&mut f, N, N, false);
    let mean_mag = f.iter().map(|c| c.norm()).sum::<f64>() / (N * N) as f64;
    let weighted: Vec<f64> = f
        .iter()
        .enumerate()
        .map(|(i, c)| match weighting {
            Weighting::HighPass => {
                let (x, y) = (i % N, i / N);
                let centred = |v: usize| {
                    if v > N / 2 {
                        v as f64 - N as f64
                    } else {
                        v as f64
                    }
                };
                let xx = (PI * centred(x) / N as f64).cos() * (PI * centred(y) / N as f64).cos();
                c.norm() * (1.0 - xx) * (2.0 - xx)
            }
            Weighting::LogAnisotropy => (c.norm() + 1e-6 * mean_mag + 1e-300).ln(),
        })
        .collect();
    let at = |x: isize, y: isize| {
        let xi = x.rem_euclid(N as isize) as usize;
        let yi = y.rem_euclid(N as isize) as usize;
        weighted[yi * N + xi]
    };
    let mag = |x: f64, y: f64| -> f64 {
        let (x0, y0) = (x.floor(), y.floor());
        let (fx, fy) = (x - x0, y - y0);
        let (xi, yi) = (x0 as isize, y0 as isize);
        bilerp(
            [
                at(xi, yi),
                at(xi + 1, yi),
                at(xi, yi + 1),
                at(xi + 1, yi + 1),
            ],
            fx,
            fy,
        )
    };
    let taper: Vec<f64> = (0..RADII)
        .map(|r| 0.5 - 0.5 * (2.0 * PI * (r as f64 + 0.5) / RADII as f64).cos())
        .collect();
    let mut out = vec![Complex::new(0.0, 0.0); ANGLES * RADII];
    for a in 0..ANGLES {
        let theta = PI * a as f64 / ANGLES as f64;
        let (s, c) = theta.sin_cos();
        for r in 0..RADII {
            let rho = rho_at(r as f64);
            out[a * RADII + r] = Complex::new(mag(rho * c, rho * s), 0.0);
        }
    }
    let global_mean = out.iter().map(|v| v.re).sum::<f64>() / out.len() as f64;
    for r in 0..RADII {
        let mean = match weighting {
            Weighting::HighPass => global_mean,
            Weighting::LogAnisotropy => {
                (0..ANGLES).map(|a| out[a * RADII + r].re).sum::<f64>() / ANGLES as f64
            }
        };
        for a in 0..ANGLES {
            let v = &mut out[a * RADII + r];
            v.re = (v.re - mean) * taper[r];
        }
    }
    out
}

/// Normalised cross-correlation of two frames over the pixels where both are non-zero.
///
/// It is scaled by the square root of the fraction of `a` that the overlap covers, so that a
/// reading which keeps only a sliver of the picture in common cannot win on a lucky sliver.
fn ncc(a: &Grid, b: &Grid) -> f64 {
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    let (mut both, mut in_a) = (0usize, 0usize);
    for (x, y) in a.iter().zip(b) {
        if x.re != 0.0 {
            in_a += 1;
            if y.re != 0.0 {
                both += 1;
                sab += x.re * y.re;
                saa += x.re * x.re;
                sbb += y.re * y.re;
            }
        }
    }
    if saa > 0.0 && sbb > 0.0 {
        sab / (saa * sbb).sqrt() * (both as f64 / in_a.max(1) as f64).sqrt()
    } else {
        0.0
    }
}

fn similarity_about(s: f64, angle: f64, cx: f64, cy: f64) -> Transform {
    Transform::translation(cx, cy)
        .then_after(&Transform::similarity(s, angle, 0.0, 0.0))
        .then_after(&Transform::translation(-cx, -cy))
}

fn warp_grid(src: &Grid, before_from_after: &Transform) -> Grid {
    let mut out = vec![Complex::new(0.0, 0.0); N * N];
    let Some(inv) = before_from_after.inverse() else {
        return out;
    };
    for y in 0..N {
        for x in 0..N {
            let (u, v) = inv.apply_lossy(x as f64, y as f64);
            if u >= 0.0 && v >= 0.0 && u < (N - 1) as f64 && v < (N - 1) as f64 {
                let (x0, y0) = (u as usize, v as usize);
                let (fx, fy) = (u - x0 as f64, v - y0 as f64);
                let p = |xx: usize, yy: usize| src[yy * N + xx].re;
                let corners = [p(x0, y0), p(x0 + 1, y0), p(x0, y0 + 1), p(x0 + 1, y0 + 1)];
                out[y * N + x] = Complex::new(bilerp(corners, fx, fy), 0.0);
            }
        }
    }
    out
}

/// Estimates the similarity `before_from_after` between two images (in their own pixel
/// coordinates) and a peak strength in `0..=1` (higher is surer). `None` when an image is
/// empty.
#[must_use]
pub fn fourier_mellin(before: &GrayF, after: &GrayF) -> Option<(Transform, f64)> {
    let longest = before
        .width()
        .max(before.height())
        .max(after.width())
        .max(after.height());
    if longest < 16 {
        return None;
    }
    let f = (N as f64 * 0.7) / f64::from(longest);
    let fb = frame(before, f);
    let fa = frame(after, f);
    let c = N as f64 * 0.35;
    let mut best: Option<(Transform, f64)> = None;
    // Two weightings of the spectrum, each giving a rotation and scale; every reading (with
    // the half-turn ambiguity of a magnitude spectrum, and both conventions of the shift) is
    // checked by correlating the images themselves, and the best agreement wins.
    for weighting in [Weighting::HighPass, Weighting::LogAnisotropy] {
        let lb = log_polar_spectrum(&fb, weighting);
        let la = log_polar_spectrum(&fa, weighting);
        // la(x) = lb(x − d) with d = (ln s, −θ) in column and row units.
        let (dr, da, _) = phase_correlate(&lb, &la, RADII, ANGLES);
        let scale = (RHO_MAX / RHO_MIN).powf(dr / RADII as f64);
        let angle = -da * PI / ANGLES as f64;
        for s in [scale, 1.0 / scale] {
            for a in [angle, -angle, angle + PI, -angle + PI] {
                let rs = similarity_about(s, a, c, c);
                let warped = warp_grid(&fa, &rs);
                let (dx, dy, peak) = phase_correlate(&fb, &warped, N, N);
                for sign in [-1.0, 1.0] {
                    let t = Transform::translation(sign * dx, sign * dy).then_after(&rs);
                    let score = ncc(&fb, &warp_grid(&fa, &t)) * peak.max(1e-6).sqrt();
                    if best.as_ref().is_none_or(|(_, p)| score > *p) {
                        best = Some((t, score));
                    }
                }
            }
        }
    }
    let (t, peak) = best?;
    // Frame coordinates are image coordinates scaled by f.
    let full = Transform::scale(1.0 / f)
        .then_after(&t)
        .then_after(&Transform::scale(f))
        .normalized();
    Some((full, peak))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Soft shapes with no corners to speak of: a sky gradient, a horizon, a few blurred blobs.
    fn low_texture(w: u32, h: u32) -> GrayF {
        let blobs = [
            (0.3f32, 0.35f32, 0.09f32, 0.25f32),
            (0.62, 0.55, 0.14, -0.2),
            (0.8, 0.3, 0.06, 0.3),
            (0.45, 0.75, 0.11, 0.15),
        ];
        let (wf, hf) = (w as f32, h as f32);
        GrayF::from_fn(w, h, |x, y| {
            let (xf, yf) = (x as f32, y as f32);
            let (u, v) = (xf / wf, yf / hf);
            // A horizon and two smooth-edged shapes (a pond, a hill): edges, but no corners.
            let edge = |d: f32| 1.0 / (1.0 + (-d / 1.5).exp());
            let horizon = 0.12 * edge(yf - hf * (0.6 + 0.1 * u));
            let pond =
                ((xf - 0.3 * wf) / (0.12 * wf)).powi(2) + ((yf - 0.8 * hf) / (0.06 * hf)).powi(2);
            let hill =
                ((xf - 0.75 * wf) / (0.2 * wf)).powi(2) + ((yf - 0.6 * hf) / (0.15 * hf)).powi(2);
            let mut val = 0.35 + 0.2 * v + horizon;
            val -= 0.1 * edge((1.0 - pond.sqrt()) * 0.1 * hf);
            val += 0.08 * edge((1.0 - hill.sqrt()) * 0.15 * hf);
            for (bx, by, r, amp) in blobs {
                let d2 = ((u - bx) * wf).powi(2) + ((v - by) * hf).powi(2);
                val += amp * (-d2 / (2.0 * (r * wf).powi(2))).exp();
            }
            image::Luma([val])
        })
    }

    /// `after(x) = before(truth(x))`, with a uniform fill where the before image has no data.
    fn resample(before: &GrayF, truth: &Transform, w: u32, h: u32) -> GrayF {
        GrayF::from_fn(w, h, |x, y| {
            let (u, v) = truth.apply_lossy(f64::from(x), f64::from(y));
            image::Luma([sample(before, u as f32, v as f32).unwrap_or(0.5)])
        })
    }

    #[test]
    fn recovers_a_shift_and_rotation() {
        let before = low_texture(400, 300);
        let truth = Transform::similarity(1.0, 0.08, 12.0, -7.0);
        let after = resample(&before, &truth, 400, 300);
        let (t, _) = fourier_mellin(&before, &after).unwrap();
        let err = t.max_corner_distance(&truth, 400.0, 300.0);
        assert!(err < 6.0, "error {err}");
    }

    #[test]
    fn recovers_rotation_scale_and_shift_of_a_low_texture_picture() {
        let before = low_texture(480, 360);
        // Rotation within ±10°, scale 0.8–1.25, shifts of a few percent of the frame.
        for (deg, scale, dx, dy) in [
            (10.0f64, 1.0, 15.0, -10.0),
            (-10.0, 1.0, -20.0, 8.0),
            (4.0, 1.25, -60.0, -40.0),
            (-7.0, 0.8, 50.0, 30.0),
            (9.0, 0.85, 30.0, 20.0),
            (-3.0, 1.2, -40.0, -25.0),
            (0.0, 1.0, 7.0, 3.0),
        ] {
            let angle = deg.to_radians();
            // Rotate and scale about the centre, then shift.
            let truth = Transform::translation(240.0 + dx, 180.0 + dy)
                .then_after(&Transform::similarity(scale, angle, 0.0, 0.0))
                .then_after(&Transform::translation(-240.0, -180.0));
            let after = resample(&before, &truth, 480, 360);
            let (t, peak) = fourier_mellin(&before, &after).unwrap();
            let err = t.max_corner_distance(&truth, 480.0, 360.0);
            // A coarse estimate for the intensity refinement to finish: within 2 % of the
            // frame's width at every corner.
            assert!(
                err < 9.6,
                "{deg}° ×{scale} ({dx}, {dy}): error {err:.2} px, peak {peak:.3}, got {:?}",
                t.matrix
            );
        }
    }
}
