//! The mix of the original's colour channels that the rescan's grey levels follow.
//!
//! A colour print turned to grey by a scanner, a copy stand or a darkroom does not weigh red,
//! green and blue as Rec. 709 does: orthochromatic film barely sees red, a yellow filter darkens
//! the sky, a scanner's grey mode has its own weights. Compared as Rec. 709 luminance, every
//! strongly coloured object (a flag, a badge, a uniform's stripes) then changes level by itself,
//! while its neighbours do not, and no tone curve can take that back: it is a difference of
//! colour, not of tone. Sepia and other tonings of a grey print do the same.
//!
//! So the weights are measured: at points spread over the overlap, the after image's levels are
//! first brought to the before image's by matching ranks (which undoes any monotone tone
//! curve), then regressed on the before image's red, green and blue with robust weights (an
//! erased figure is an outlier). The fitted mix replaces Rec. 709 only when it explains the
//! after image markedly better.

use image::RgbImage;
use nalgebra::{Matrix4, Vector4};

use crate::geometry::Transform;
use crate::imgops::{GrayF, MAD_TO_SIGMA, REC709, TUKEY_C, median, sample};

/// Points sampled over the before image.
const SAMPLES: f64 = 40_000.0;

/// The fitted mix must shrink the robust spread of the residuals to this share of the
/// Rec. 709 mix's, or it is not used.
const BETTER: f32 = 0.8;

/// The channel weights (non-negative, summing to 1) with which the before image's colours
/// best predict the after image's grey levels, when they predict them markedly better than
/// Rec. 709 does; `None` otherwise (the after image is a faithful colour scan, or too little
/// overlaps to tell).
#[must_use]
pub fn fit_mix(
    before: &RgbImage,
    after: &GrayF,
    before_from_after: &Transform,
) -> Option<[f32; 3]> {
    let after_from_before = before_from_after.inverse()?;
    let (w, h) = before.dimensions();
    let step = ((f64::from(w) * f64::from(h) / SAMPLES).sqrt().ceil() as u32).max(1);
    let mut rgb = Vec::new();
    let mut grey = Vec::new();
    for y in (1..h.saturating_sub(1)).step_by(step as usize) {
        for x in (1..w.saturating_sub(1)).step_by(step as usize) {
            let (u, v) = after_from_before.apply_lossy(f64::from(x), f64::from(y));
            let Some(a) = sample(after, u as f32, v as f32) else {
                continue;
            };
            // A 3 × 3 mean of the before image, for the grain of both.
            let mut c = [0.0f32; 3];
            for dy in 0..3 {
                for dx in 0..3 {
                    let p = before.get_pixel(x + dx - 1, y + dy - 1);
                    for (ci, cv) in c.iter_mut().enumerate() {
                        *cv += f32::from(p[ci]) / (255.0 * 9.0);
                    }
                }
            }
            rgb.push(c);
            grey.push(a);
        }
    }
    if rgb.len() < 500 {
        return None;
    }
    // The typical residual of a mix, and the after levels rank-matched to it.
    let spread = |mix: &[f32; 3]| -> (f32, Vec<f32>) {
        let target = rank_matched(&grey, &rgb, mix);
        let mut res: Vec<f32> = rgb
            .iter()
            .zip(&target)
            .map(|(c, t)| (t - dot(mix, c)).abs())
            .collect();
        (median(&mut res), target)
    };
    let (base, mut target) = spread(&REC709);
    let mut mix = REC709;
    let mut fitted = base;
    for _ in 0..3 {
        mix = robust_mix(&rgb, &target, &mix)?;
        (fitted, target) = spread(&mix);
    }
    (fitted < BETTER * base).then_some(mix)
}

fn dot(mix: &[f32; 3], c: &[f32; 3]) -> f32 {
    mix[0] * c[0] + mix[1] * c[1] + mix[2] * c[2]
}

/// The after levels `grey` replaced by the before mix's levels of the same rank: a monotone
/// tone curve, whatever its shape, taken back.
fn rank_matched(grey: &[f32], rgb: &[[f32; 3]], mix: &[f32; 3]) -> Vec<f32> {
    let mut mixed: Vec<f32> = rgb.iter().map(|c| dot(mix, c)).collect();
    mixed.sort_by(f32::total_cmp);
    let mut order: Vec<usize> = (0..grey.len()).collect();
    order.sort_by(|&i, &j| grey[i].total_cmp(&grey[j]));
    let mut out = vec![0.0f32; grey.len()];
    for (rank, &i) in order.iter().enumerate() {
        out[i] = mixed[rank];
    }
    out
}

/// Weighted least squares of `target` on the three channels and a constant, with Tukey
/// weights from the residuals of the previous mix; the weights are clipped to be non-negative
/// and scaled to sum to 1.
fn robust_mix(rgb: &[[f32; 3]], target: &[f32], previous: &[f32; 3]) -> Option<[f32; 3]> {
    let mut res: Vec<f32> = rgb
        .iter()
        .zip(target)
        .map(|(c, t)| (t - dot(previous, c)).abs())
        .collect();
    let scale = (median(&mut res) * (MAD_TO_SIGMA * TUKEY_C) as f32).max(1e-3);
    let mut ata = Matrix4::<f64>::zeros();
    let mut atb = Vector4::<f64>::zeros();
    for (c, t) in rgb.iter().zip(target) {
        let r = (t - dot(previous, c)) / scale;
        if r.abs() >= 1.0 {
            continue;
        }
        let wgt = f64::from((1.0 - r * r).powi(2));
        let row = Vector4::new(f64::from(c[0]), f64::from(c[1]), f64::from(c[2]), 1.0);
        ata += wgt * row * row.transpose();
        atb += wgt * f64::from(*t) * row;
    }
    let x = ata.lu().solve(&atb)?;
    let raw = [x[0].max(0.0), x[1].max(0.0), x[2].max(0.0)];
    let sum = raw[0] + raw[1] + raw[2];
    if sum.is_nan() || sum <= 1e-3 || !sum.is_finite() {
        return None;
    }
    Some([
        (raw[0] / sum) as f32,
        (raw[1] / sum) as f32,
        (raw[2] / sum) as f32,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A picture of coloured patches on a ramp, and its grey version with `mix` and a gamma.
    fn pair(mix: [f32; 3]) -> (RgbImage, GrayF) {
        let rgb = RgbImage::from_fn(240, 160, |x, y| {
            let cell = (x / 40 + 6 * (y / 40)) as u8;
            let ramp = (x + y) as u8 / 2;
            image::Rgb([
                cell.wrapping_mul(97).wrapping_add(ramp),
                cell.wrapping_mul(53).wrapping_add(ramp / 2),
                cell.wrapping_mul(191),
            ])
        });
        let grey = GrayF::from_fn(240, 160, |x, y| {
            let p = rgb.get_pixel(x, y);
            let c = [0, 1, 2].map(|i| f32::from(p[i]) / 255.0);
            image::Luma([dot(&mix, &c).powf(2.0)])
        });
        (rgb, grey)
    }

    #[test]
    fn an_unusual_grey_mix_is_measured() {
        let truth = [0.6, 0.2, 0.2];
        let (rgb, grey) = pair(truth);
        let mix = fit_mix(&rgb, &grey, &Transform::identity()).expect("a mix");
        for (m, t) in mix.iter().zip(truth) {
            assert!((m - t).abs() < 0.05, "{mix:?} against {truth:?}");
        }
    }

    #[test]
    fn the_standard_mix_is_left_alone() {
        let (rgb, grey) = pair(REC709);
        assert_eq!(fit_mix(&rgb, &grey, &Transform::identity()), None);
    }
}
