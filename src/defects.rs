//! Dust, hairs and scratches on the rescanned print: found pixel by pixel before anything is
//! compared, so that they never count as change.
//!
//! A speck of dust or a hair on the scanner's glass is thin, lies at an extreme of the scan
//! (light or dark) and has no counterpart in the original. Each is checked on the working
//! frame blurred to the noise scale (so a halftone screen or the grain is not taken), each
//! picture in its own levels:
//!
//! - **thin**: a grey opening (for light defects) or closing (for dark ones) by a square of
//!   [`DEFECT_HALF_WIDTH`] removes it, so its top-hat is large;
//! - **not in the original**: the before image has no thin feature as strong within the
//!   defect's own width and [`SHIFT_TOLERANCE`] of it, so that a star, a button or a window
//!   frame that both pictures have is never taken, registered a pixel off or blurred
//!   differently, nor the detail of a patch cloned over detail of the same kind;
//! - **at the scan's extremes**: within a margin of its lightest or darkest levels (the 0.2nd
//!   and 99.8th percentiles), where the picture's own detail, cloned or blended in, seldom is;
//!   judged on a copy blurred less than the noise scale, where a hair a pixel or two wide
//!   keeps its level;
//! - **by a margin** above the scan's grain.
//!
//! A defect is silenced only where the picture round it did not change (see [`silence`]).
//!
//! Dropping whole regions that look thin (see [`crate::regions::drop_scan_defects`]) cannot
//! separate a hair that touches an erased figure, or a speck beside a bright galaxy, from
//! them: grown together they make one region too wide for the rule. Found here first, their
//! pixels say nothing, and what they touch is judged on its own.
//!
//! An erased figure is never taken for a defect: the after image has the background there,
//! which the opening does not change. A thin stroke added to the after image, lighter or
//! darker than anything near it in the original, would be; a forger paints figures out.

use crate::imgops::{GrayF, dilate, gaussian_blur, max_filter, median, min_filter, quantile};
use image::GrayImage;
use rayon::prelude::*;

/// Half-width, in working pixels, of the widest defect: a speck or hair up to 7 working pixels
/// across (a few tenths of a millimetre on a print scanned whole).
pub const DEFECT_HALF_WIDTH: usize = 3;

/// How far, in working pixels, a before pixel may lie from the after pixel it explains: the
/// registration's error and the blur of a worn print.
const SHIFT_TOLERANCE: usize = 2;

/// Least margin, in grey levels of 0–1, by which a defect stands out: about 25 of 255.
const MIN_MARGIN: f32 = 0.1;

/// The margin in units of the after image's grain (the spread of its finest detail).
const GRAIN_MARGIN: f32 = 5.0;

/// Defect pixels reach out this share of the margin from a clear one: the soft rim of a speck.
const RIM_SHARE: f32 = 0.35;

/// The spread of the finest detail of `img` (its difference from a one-pixel blur, as a
/// robust standard deviation): the grain, or an upper bound on it where the picture is busy.
fn grain(img: &GrayF) -> f32 {
    let fine = gaussian_blur(img, 1.0);
    let mut abs: Vec<f32> = img
        .as_raw()
        .iter()
        .zip(fine.as_raw())
        .step_by(3)
        .map(|(a, b)| (a - b).abs())
        .filter(|d| d.is_finite())
        .collect();
    if abs.is_empty() {
        return 0.0;
    }
    median(&mut abs) * crate::imgops::MAD_TO_SIGMA as f32
}

/// The levels of `img` where `valid` is set, every third pixel: enough to rank them.
fn valid_levels(img: &GrayF, valid: &GrayImage) -> Vec<f32> {
    img.as_raw()
        .iter()
        .zip(valid.as_raw())
        .step_by(3)
        .filter(|(x, m)| **m > 0 && x.is_finite())
        .map(|(x, _)| *x)
        .collect()
}

/// The spread of the levels of `img` where `valid` is set: the distance between its quartiles.
fn spread(img: &GrayF, valid: &GrayImage) -> f32 {
    let mut v = valid_levels(img, valid);
    if v.is_empty() {
        return 0.0;
    }
    let q3 = quantile(&mut v, 0.75);
    q3 - quantile(&mut v, 0.25)
}

/// The levels a defect must reach, light and dark: the 99.8th and 0.2nd percentiles of `img`
/// within `valid`, each a `margin` inside the range.
fn extremes(img: &GrayF, valid: &GrayImage, margin: f32) -> (f32, f32) {
    let mut v = valid_levels(img, valid);
    if v.is_empty() {
        return (f32::INFINITY, f32::NEG_INFINITY);
    }
    let hi = quantile(&mut v, 0.998);
    let lo = quantile(&mut v, 0.002);
    (hi - margin, lo + margin)
}

/// How far each pixel of `img` stands out of its surroundings, light and dark: its white and
/// black top-hats by a square of half-width `r`.
fn top_hats(img: &GrayF, r: usize) -> (GrayF, GrayF) {
    let (opened, closed) = rayon::join(
        || max_filter(&min_filter(img, r), r),
        || min_filter(&max_filter(img, r), r),
    );
    let mut light = img.clone();
    light
        .par_iter_mut()
        .zip(opened.as_raw().par_iter())
        .for_each(|(v, o)| *v -= o);
    let mut dark = closed;
    dark.par_iter_mut()
        .zip(img.as_raw().par_iter())
        .for_each(|(c, v)| *c -= v);
    (light, dark)
}

/// The scan defects of `after` (warped into `before`'s working frame, NaN = no data): 255
/// where a pixel of dust, hair or scratch lies, within `valid`, widened by one pixel for the
/// rim the JPEG and the scanner's optics leave.
///
/// `before` and `after` are blurred to the noise scale `sigma`. `sharp`, when given, is the
/// after image blurred less (see the extremes below); `None` judges the levels on `after`
/// itself, as where a halftone screen needs the full blur.
///
/// Each picture's top-hats are measured in its own levels, and the before's taken at their
/// largest within the defect's half-width and [`SHIFT_TOLERANCE`], and scaled by the ratio of
/// the two pictures' spreads: no tone curve is fitted, so an erased figure cannot bend one
/// into making the after's ordinary detail look new. The scale is never under 1: an erased
/// figure also narrows the after's spread, and a faded print's dust is as white as a fresh
/// one's.
#[must_use]
pub fn scan_defects(
    before: &GrayF,
    after: &GrayF,
    sharp: Option<&GrayF>,
    valid: &GrayImage,
    sigma: f32,
) -> GrayImage {
    let (w, h) = before.dimensions();
    let tt = std::time::Instant::now();
    let after = crate::diff::fill_nan(after, before);
    let sharp_filled = sharp.map(|s| crate::diff::fill_nan(s, before));
    let sharp = sharp_filled.as_ref().unwrap_or(&after);
    let r = DEFECT_HALF_WIDTH + sigma.ceil() as usize;
    let ((light_a, dark_a), (light_b, dark_b)) =
        rayon::join(|| top_hats(&after, r), || top_hats(before, r));
    let tt = crate::job::trace("defects: top-hats", tt);
    let (light_b, dark_b) = rayon::join(
        || max_filter(&light_b, r + SHIFT_TOLERANCE),
        || max_filter(&dark_b, r + SHIFT_TOLERANCE),
    );
    let tt = crate::job::trace("defects: before's reach", tt);
    let (spread_a, spread_b) = (spread(&after, valid), spread(before, valid));
    let scale = if spread_b > 1e-3 {
        (spread_a / spread_b).clamp(1.0, 4.0)
    } else {
        1.0
    };
    let margin = (GRAIN_MARGIN * grain(&after)).max(MIN_MARGIN);
    // Dust and hairs are at the extremes of the scan: within a margin of its lightest or
    // darkest levels (the picture's own detail, cloned or blended in, seldom is). That is
    // judged on the sharper copy, where a hair a pixel or two wide keeps its level.
    let sharp_margin = (GRAIN_MARGIN * grain(sharp)).max(MIN_MARGIN);
    let (sharp_lightest, sharp_darkest) = extremes(sharp, valid, sharp_margin);
    let tt = crate::job::trace("defects: levels", tt);
    let (peak, trough) = rayon::join(|| max_filter(sharp, 1), || min_filter(sharp, 1));
    // How far each pixel stands out, in margins, beyond what the original has there.
    let mut score = GrayF::new(w, h);
    score.par_iter_mut().enumerate().for_each(|(i, s)| {
        if valid.as_raw()[i] == 0 {
            return;
        }
        let (light, dark) = (
            light_a.as_raw()[i] - scale * light_b.as_raw()[i],
            dark_a.as_raw()[i] - scale * dark_b.as_raw()[i],
        );
        // The sharper copy's distance from its extremes, in the smoothed copy's margins.
        let to_lightest = (peak.as_raw()[i] - sharp_lightest) * margin / sharp_margin;
        let to_darkest = (sharp_darkest - trough.as_raw()[i]) * margin / sharp_margin;
        *s = light.min(to_lightest).max(dark.min(to_darkest)).max(0.0) / margin;
    });
    let tt = crate::job::trace("defects: score", tt);
    let found = crate::diff::hysteresis(&score, RIM_SHARE, 1.0);
    let found = dilate(&found, 1);
    crate::job::trace("defects: hysteresis", tt);
    found
}

/// Width, in working pixels, of the margin round a defect in which its surroundings are judged.
const RING: u32 = 4;

/// Share of a defect's surroundings that must have changed for the defect to be taken as part of the
/// change around it rather than silenced.
const CHANGED_RING_SHARE: f32 = 0.5;

/// `strength` with every defect, and every pixel within `reach` of it (the blur of the noise
/// scale carries a defect that far), set to 0, unless the picture round it changed: `changed`
/// is the strength at or above which a pixel counts as changed.
///
/// A speck or hair lies on an unchanged picture, or on one part of it: its surroundings (its
/// bounding box widened by `reach` and [`RING`], less every defect's own reach) are mostly
/// unchanged, and the defect is silenced. What passes for one amid change is the texture of a
/// clone stamp or a blended patch, a pattern the original has elsewhere, or a hair on an edit
/// that is found anyway: it is left as it is.
pub fn silence(strength: &mut GrayF, defects: &GrayImage, reach: u32, changed: f32) {
    let (w, h) = defects.dimensions();
    let near = dilate(defects, reach);
    let labels = imageproc::region_labelling::connected_components(
        defects,
        imageproc::region_labelling::Connectivity::Eight,
        image::Luma([0u8]),
    );
    let n = labels.as_raw().iter().copied().max().unwrap_or(0) as usize;
    let mut boxes = vec![[u32::MAX, u32::MAX, 0u32, 0u32]; n + 1];
    for (x, y, l) in labels.enumerate_pixels() {
        let b = &mut boxes[l[0] as usize];
        *b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
    }
    let margin = reach + RING;
    let quiet: Vec<bool> = boxes
        .par_iter()
        .enumerate()
        .map(|(l, b)| {
            if l == 0 || b[0] > b[2] {
                return false;
            }
            let (mut ring, mut moved) = (0usize, 0usize);
            for y in b[1].saturating_sub(margin)..(b[3] + margin + 1).min(h) {
                for x in b[0].saturating_sub(margin)..(b[2] + margin + 1).min(w) {
                    if near.get_pixel(x, y)[0] == 0 {
                        ring += 1;
                        if strength.get_pixel(x, y)[0] >= changed {
                            moved += 1;
                        }
                    }
                }
            }
            (moved as f32) < CHANGED_RING_SHARE * ring as f32
        })
        .collect();
    let mut silenced = defects.clone();
    for (d, l) in silenced.iter_mut().zip(labels.as_raw()) {
        if !quiet[*l as usize] {
            *d = 0;
        }
    }
    let near = dilate(&silenced, reach);
    strength
        .par_iter_mut()
        .zip(near.as_raw().par_iter())
        .for_each(|(s, d)| {
            if *d > 0 {
                *s = 0.0;
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    /// The number of set pixels of `mask`.
    fn count(mask: &GrayImage) -> usize {
        mask.as_raw().iter().filter(|&&v| v > 0).count()
    }

    /// A textured picture: soft blobs of several sizes on a mid-grey ground.
    fn picture(w: u32, h: u32) -> GrayF {
        GrayF::from_fn(w, h, |x, y| {
            let (xf, yf) = (x as f32, y as f32);
            let v =
                0.45 + 0.2 * (xf / 9.0).sin() * (yf / 13.0).cos() + 0.1 * ((xf + yf) / 5.0).sin();
            Luma([v])
        })
    }

    /// A white speck, a dark hair and a wide erased patch on the after image: the speck and
    /// the hair are defects, the patch (background where the before has a figure) is not,
    /// and neither is a bright point both pictures have.
    #[test]
    fn specks_and_hairs_are_defects_but_erasures_are_not() {
        let (w, h) = (160u32, 120u32);
        let mut before = picture(w, h);
        // A bright star in both, and a bright figure in the before only.
        for (x, y, p) in before.enumerate_pixels_mut() {
            let star = (x as i32 - 120).pow(2) + (y as i32 - 30).pow(2) <= 4;
            let figure = (20..50).contains(&x) && (70..110).contains(&y);
            if star || figure {
                p[0] = 0.95;
            }
        }
        let mut after = before.clone();
        let background = picture(w, h);
        for (x, y, p) in after.enumerate_pixels_mut() {
            if (20..50).contains(&x) && (70..110).contains(&y) {
                p[0] = background.get_pixel(x, y)[0];
            }
            if (x as i32 - 80).pow(2) + (y as i32 - 40).pow(2) <= 5 {
                p[0] = 1.0;
            }
            if (60..140).contains(&x) && (95..97).contains(&y) {
                p[0] = 0.02;
            }
        }
        let valid = GrayImage::from_pixel(w, h, Luma([255]));
        let defects = scan_defects(&before, &after, None, &valid, 0.0);
        assert!(defects.get_pixel(80, 40)[0] > 0, "the speck");
        assert!(defects.get_pixel(100, 95)[0] > 0, "the hair");
        assert_eq!(defects.get_pixel(120, 30)[0], 0, "the star both have");
        let in_patch = (20..50)
            .flat_map(|x| (70..110).map(move |y| (x, y)))
            .filter(|&(x, y)| defects.get_pixel(x, y)[0] > 0)
            .count();
        assert_eq!(in_patch, 0, "the erased figure is not a defect");
        // Nothing else: every defect pixel lies within a few pixels of the speck or the hair.
        let near_a_defect = |x: u32, y: u32| {
            let (x, y) = (x as i32, y as i32);
            (x - 80).pow(2) + (y - 40).pow(2) <= 100
                || ((54..146).contains(&x) && (89..103).contains(&y))
        };
        let stray = defects
            .enumerate_pixels()
            .filter(|(x, y, p)| p[0] > 0 && !near_a_defect(*x, *y))
            .count();
        assert_eq!(
            stray, 0,
            "{stray} defect pixels away from the speck and the hair"
        );
    }

    /// A dark hair two pixels wide on a worn, blurred rescan: the noise blur lifts it off the
    /// scan's darkest levels, but on the sharper copy it keeps them, and it is found.
    #[test]
    fn a_blurred_hair_is_judged_on_the_sharper_copy() {
        let (w, h) = (160u32, 120u32);
        let before = picture(w, h);
        let mut after = before.clone();
        for (x, y, p) in after.enumerate_pixels_mut() {
            if (30..130).contains(&x) && (60..62).contains(&y) {
                p[0] = 0.02;
            }
        }
        let sigma = 1.5;
        let (before_s, after_s) = (gaussian_blur(&before, sigma), gaussian_blur(&after, sigma));
        let valid = GrayImage::from_pixel(w, h, Luma([255]));
        let sharp = gaussian_blur(&after, 0.7);
        let found = scan_defects(&before_s, &after_s, Some(&sharp), &valid, sigma);
        assert!(found.get_pixel(80, 60)[0] > 0, "the hair, judged sharp");
        let smoothed_only = scan_defects(&before_s, &after_s, None, &valid, sigma);
        assert_eq!(
            smoothed_only.get_pixel(80, 60)[0],
            0,
            "the hair, judged blurred"
        );
    }

    /// Two renderings of one picture, one with grain, have no defect.
    #[test]
    fn grain_is_not_a_defect() {
        let (w, h) = (160u32, 120u32);
        let before = picture(w, h);
        let after = GrayF::from_fn(w, h, |x, y| {
            let n = ((x * 7919 + y * 104_729) % 97) as f32 / 97.0 - 0.5;
            Luma([before.get_pixel(x, y)[0] * 0.8 + 0.1 + 0.04 * n])
        });
        let valid = GrayImage::from_pixel(w, h, Luma([255]));
        assert_eq!(count(&scan_defects(&before, &after, None, &valid, 0.0)), 0);
    }
}
