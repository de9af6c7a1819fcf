//! Binary and grey morphology: disc dilation and erosion, hole filling, and a square minimum
//! filter on float planes.
//!
//! Written here rather than taken from imageproc: its disc morphology goes through a
//! single-threaded `f64` distance transform, and its grey morphology takes 8-bit images only.

use image::GrayImage;
use rayon::prelude::*;

use super::GrayF;

/// Fills holes: background pixels not connected to the image border become foreground.
#[must_use]
pub fn fill_holes(mask: &GrayImage) -> GrayImage {
    let (w, h) = mask.dimensions();
    let (wu, hu) = (w as usize, h as usize);
    let m = mask.as_raw();
    if m.is_empty() {
        return mask.clone();
    }
    let mut outside = vec![false; m.len()];
    let mut stack = Vec::new();
    // Each background pixel is marked when first reached and pushed once, so the stack holds
    // at most one entry per pixel (4-connected flood from the border).
    let reach = |i: usize, outside: &mut [bool], stack: &mut Vec<usize>| {
        if m[i] == 0 && !outside[i] {
            outside[i] = true;
            stack.push(i);
        }
    };
    for x in 0..wu {
        reach(x, &mut outside, &mut stack);
        reach((hu - 1) * wu + x, &mut outside, &mut stack);
    }
    for y in 0..hu {
        reach(y * wu, &mut outside, &mut stack);
        reach(y * wu + wu - 1, &mut outside, &mut stack);
    }
    while let Some(i) = stack.pop() {
        let x = i % wu;
        if x > 0 {
            reach(i - 1, &mut outside, &mut stack);
        }
        if x + 1 < wu {
            reach(i + 1, &mut outside, &mut stack);
        }
        if i >= wu {
            reach(i - wu, &mut outside, &mut stack);
        }
        if i + wu < m.len() {
            reach(i + wu, &mut outside, &mut stack);
        }
    }
    let filled = m
        .iter()
        .zip(&outside)
        .map(|(&v, &out)| if v > 0 || !out { 255 } else { 0 })
        .collect();
    GrayImage::from_raw(w, h, filled).unwrap_or_else(|| mask.clone())
}

/// Longest reach of [`dilate`] and [`erode`], in pixels (the reach the distance transform
/// they replaced could express).
const MAX_RADIUS: u32 = 254;

/// For each pixel, 1 when a pixel for which `is_source` holds lies within Euclidean distance
/// `radius` of it (inside the image), else 0.
///
/// Written here because imageproc's disc morphology goes through a full single-threaded `f64`
/// distance transform, the slowest part of cleanup on a 24 MP pair. A disc is the union of
/// its rows: a pixel is within reach when, for some row offset `dy`, the nearest source in
/// that row is at most `⌊√(r² − dy²)⌋` pixels away. The horizontal distances are found once
/// per row (two sweeps), then each output row ORs `2r + 1` comparisons; both passes run
/// row-parallel. The result is the same disc, pixel for pixel.
fn within_disc(mask: &GrayImage, radius: u32, is_source: impl Fn(u8) -> bool + Sync) -> Vec<u8> {
    let (w, h) = mask.dimensions();
    let (wu, hu) = (w as usize, h as usize);
    if wu == 0 || hu == 0 {
        return Vec::new();
    }
    let r = radius.min(MAX_RADIUS) as usize;
    let far = (r + 1) as u8;
    let m = mask.as_raw();
    // Horizontal distance to the nearest source in the same row, capped at r + 1.
    let mut row_dist = vec![far; wu * hu];
    let mut row_has = vec![false; hu];
    row_dist
        .par_chunks_mut(wu)
        .zip(row_has.par_iter_mut())
        .zip(m.par_chunks(wu))
        .for_each(|((d, has), src)| {
            let mut last = None;
            for (x, (dv, &v)) in d.iter_mut().zip(src).enumerate() {
                if is_source(v) {
                    last = Some(x);
                    *dv = 0;
                } else if let Some(l) = last {
                    *dv = (x - l).min(r + 1) as u8;
                }
            }
            *has = last.is_some();
            let mut next = None;
            for (x, (dv, &v)) in d.iter_mut().zip(src).enumerate().rev() {
                if is_source(v) {
                    next = Some(x);
                } else if let Some(n) = next {
                    *dv = (*dv).min((n - x).min(r + 1) as u8);
                }
            }
        });
    // Half-width of the disc's row at each vertical offset: the largest s with s² + dy² ≤ r².
    let spans: Vec<u8> = (0..=r)
        .map(|dy| ((r * r - dy * dy) as u64).isqrt() as u8)
        .collect();
    let mut out = vec![0u8; wu * hu];
    out.par_chunks_mut(wu).enumerate().for_each(|(y, o)| {
        for yy in y.saturating_sub(r)..=(y + r).min(hu - 1) {
            if !row_has[yy] {
                continue;
            }
            let lim = spans[yy.abs_diff(y)];
            for (o, &v) in o.iter_mut().zip(&row_dist[yy * wu..(yy + 1) * wu]) {
                *o |= u8::from(v <= lim);
            }
        }
    });
    out
}

/// Binary dilation by a disc of `radius` pixels (at most 254): a pixel is set when a set pixel
/// lies within that Euclidean distance.
#[must_use]
pub fn dilate(mask: &GrayImage, radius: u32) -> GrayImage {
    if radius == 0 {
        return mask.clone();
    }
    let (w, h) = mask.dimensions();
    let near = within_disc(mask, radius, |v| v > 0);
    GrayImage::from_raw(w, h, near.into_iter().map(|n| n * 255).collect())
        .unwrap_or_else(|| mask.clone())
}

/// Binary erosion by a disc of `radius` pixels (at most 254): a pixel stays set unless an
/// unset pixel of the image lies within that Euclidean distance (outside the image counts as
/// set, so regions touching the border are not eaten from it).
#[must_use]
pub fn erode(mask: &GrayImage, radius: u32) -> GrayImage {
    if radius == 0 {
        return mask.clone();
    }
    let (w, h) = mask.dimensions();
    let near = within_disc(mask, radius, |v| v == 0);
    GrayImage::from_raw(w, h, near.into_iter().map(|n| (1 - n) * 255).collect())
        .unwrap_or_else(|| mask.clone())
}

/// Grey erosion (minimum filter) by a square of half-width `r` (separable: a row pass, then
/// a column pass). NaN pixels are ignored; a window of NaN alone gives +∞.
#[must_use]
pub fn min_filter(img: &GrayF, r: usize) -> GrayF {
    extremum_filter::<false>(img, r)
}

/// Grey dilation (maximum filter) by a square of half-width `r`. NaN pixels are ignored; a
/// window of NaN alone gives −∞.
#[must_use]
pub fn max_filter(img: &GrayF, r: usize) -> GrayF {
    extremum_filter::<true>(img, r)
}

/// The smaller of two values, or the larger with `MAX`, ignoring a NaN.
#[inline]
fn pick<const MAX: bool>(a: f32, b: f32) -> f32 {
    if MAX { a.max(b) } else { a.min(b) }
}

/// [`min_filter`], or [`max_filter`] with `MAX`. Each pass takes the window's extremum as
/// `2r` whole-row comparisons of the row with itself shifted, which vectorise, instead of a
/// scan of the window per pixel.
fn extremum_filter<const MAX: bool>(img: &GrayF, r: usize) -> GrayF {
    if r == 0 {
        return img.clone();
    }
    let (w, h) = img.dimensions();
    let (wu, hu) = (w as usize, h as usize);
    let src = img.as_raw();
    let mut rows = GrayF::new(w, h);
    rows.par_chunks_mut(wu).enumerate().for_each(|(y, out)| {
        let row = &src[y * wu..(y + 1) * wu];
        out.copy_from_slice(row);
        for k in 1..=r.min(wu.saturating_sub(1)) {
            for (o, v) in out[..wu - k].iter_mut().zip(&row[k..]) {
                *o = pick::<MAX>(*o, *v);
            }
            for (o, v) in out[k..].iter_mut().zip(&row[..wu - k]) {
                *o = pick::<MAX>(*o, *v);
            }
        }
    });
    let mid = rows.as_raw();
    let empty = if MAX {
        f32::NEG_INFINITY
    } else {
        f32::INFINITY
    };
    let mut out = GrayF::new(w, h);
    out.par_chunks_mut(wu).enumerate().for_each(|(y, o)| {
        let lo = y.saturating_sub(r);
        let hi = (y + r + 1).min(hu);
        o.copy_from_slice(&mid[lo * wu..(lo + 1) * wu]);
        for yy in lo + 1..hi {
            for (v, m) in o.iter_mut().zip(&mid[yy * wu..(yy + 1) * wu]) {
                *v = pick::<MAX>(*v, *m);
            }
        }
        for v in o.iter_mut().filter(|v| v.is_nan()) {
            *v = empty;
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    /// The grey filters against a scan of each window, NaN pixels and whole NaN windows too.
    #[test]
    fn grey_filters_match_the_definition() {
        let img = GrayF::from_fn(19, 11, |x, y| {
            let v = ((x * 37 + y * 11) % 23) as f32 / 23.0;
            Luma([if (x < 4 && y < 3) || (x * y) % 17 == 5 {
                f32::NAN
            } else {
                v
            }])
        });
        let (w, h) = img.dimensions();
        for r in [1_usize, 2, 5, 30] {
            let (lo, hi) = (min_filter(&img, r), max_filter(&img, r));
            for y in 0..h {
                for x in 0..w {
                    let (mut mn, mut mx) = (f32::INFINITY, f32::NEG_INFINITY);
                    for yy in y.saturating_sub(r as u32)..(y + r as u32 + 1).min(h) {
                        for xx in x.saturating_sub(r as u32)..(x + r as u32 + 1).min(w) {
                            let v = img.get_pixel(xx, yy)[0];
                            mn = mn.min(v);
                            mx = mx.max(v);
                        }
                    }
                    assert_eq!(lo.get_pixel(x, y)[0], mn, "min at {x},{y}, r {r}");
                    assert_eq!(hi.get_pixel(x, y)[0], mx, "max at {x},{y}, r {r}");
                }
            }
        }
    }

    /// Disc dilation and erosion against their definition, pixel by pixel.
    #[test]
    fn disc_morphology_matches_the_definition() {
        let mask = GrayImage::from_fn(23, 17, |x, y| {
            Luma([if (x * 7 + y * 13) % 11 < 2 || (x > 15 && y < 4) {
                255
            } else {
                0
            }])
        });
        let (w, h) = mask.dimensions();
        let near = |x: u32, y: u32, r: u32, want: bool| {
            (0..h).any(|yy| {
                (0..w).any(|xx| {
                    let (dx, dy) = (i64::from(x) - i64::from(xx), i64::from(y) - i64::from(yy));
                    (mask.get_pixel(xx, yy)[0] > 0) == want && dx * dx + dy * dy <= i64::from(r * r)
                })
            })
        };
        for r in 1..=6 {
            let (d, e) = (dilate(&mask, r), erode(&mask, r));
            for (x, y, p) in d.enumerate_pixels() {
                assert_eq!(p[0] > 0, near(x, y, r, true), "dilate r {r} at {x},{y}");
            }
            for (x, y, p) in e.enumerate_pixels() {
                assert_eq!(p[0] > 0, !near(x, y, r, false), "erode r {r} at {x},{y}");
            }
        }
        assert_eq!(dilate(&GrayImage::new(5, 4), 3), GrayImage::new(5, 4));
        let full = GrayImage::from_pixel(5, 4, Luma([255]));
        assert_eq!(erode(&full, 3), full);
    }

    #[test]
    fn holes_are_filled() {
        let mut m = GrayImage::new(7, 7);
        for y in 1..6 {
            for x in 1..6 {
                if !(x == 3 && y == 3) {
                    m.put_pixel(x, y, Luma([255]));
                }
            }
        }
        assert_eq!(fill_holes(&m).get_pixel(3, 3)[0], 255);
        assert_eq!(fill_holes(&m).get_pixel(0, 0)[0], 0);
    }
}
