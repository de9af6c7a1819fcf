//! Keypoints and rotation-aware binary descriptors, and their matching.
//!
//! Corners are Harris maxima, spread over the image by keeping the strongest few per grid cell
//! so that one busy area cannot take every keypoint. Each keypoint gets an orientation from its
//! intensity centroid and a 256-bit descriptor of pairwise intensity tests rotated by that
//! orientation (the "rBRIEF" idea of ORB). Descriptors compare intensities only, so they survive
//! any monotone tone change — a faded, darker or sepia print. Written here because imageproc's
//! BRIEF is not rotation-aware and its matcher has no ratio test or cross-check.

use rayon::prelude::*;

use crate::imgops::GrayF;
use crate::imgops::{gaussian_blur, gradients, sample};

/// Radius of the descriptor patch, in level pixels.
const PATCH_RADIUS: f32 = 15.0;
/// Number of bits of a descriptor.
const BITS: usize = 256;

/// A keypoint with its descriptor.
#[derive(Clone, Debug)]
pub struct Feature {
    /// Position in the coordinates of the image the caller passed to [`detect`].
    pub x: f32,
    /// Position.
    pub y: f32,
    /// Corner strength (for ranking only).
    pub response: f32,
    /// Descriptor bits.
    pub descriptor: [u64; 4],
}

/// Deterministic pseudo-random numbers (SplitMix64) for the fixed test pattern.
pub(crate) struct SplitMix(pub(crate) u64);

impl SplitMix {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }

    /// A standard normal deviate (Box–Muller).
    fn normal(&mut self) -> f32 {
        let u1 = self.unit().max(1e-7);
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f32::consts::TAU * u2).cos()
    }
}

/// The fixed test pattern: pairs of points drawn from an isotropic Gaussian, clipped to the
/// patch. The same seed always gives the same pattern, so descriptors are comparable across
/// runs and images.
fn pattern() -> Vec<[f32; 4]> {
    let mut rng = SplitMix(0x5041_4C49_4D50_5345);
    let sigma = PATCH_RADIUS * 2.0 / 5.0;
    let r = PATCH_RADIUS - 1.0;
    (0..BITS)
        .map(|_| {
            let mut p = [0.0f32; 4];
            for v in &mut p {
                *v = (rng.normal() * sigma).clamp(-r, r);
            }
            p
        })
        .collect()
}

/// Detects up to `max_features` keypoints in `img` (values in 0..=1) and describes them.
#[must_use]
pub fn detect(img: &GrayF, max_features: usize) -> Vec<Feature> {
    let (w, h) = img.dimensions();
    let margin = PATCH_RADIUS.ceil() as u32 + 2;
    if w <= 2 * margin + 4 || h <= 2 * margin + 4 || max_features == 0 {
        return Vec::new();
    }
    let (smooth, desc_img) = rayon::join(|| gaussian_blur(img, 1.0), || gaussian_blur(img, 2.0));
    let response = harris(&smooth);
    let corners = pick_corners(&response, margin, max_features);
    let pattern = pattern();
    corners
        .par_iter()
        .map(|&(x, y, r)| {
            let angle = orientation(&smooth, x, y);
            Feature {
                x: x as f32,
                y: y as f32,
                response: r,
                descriptor: describe(&desc_img, x as f32, y as f32, angle, &pattern),
            }
        })
        .collect()
}

/// Harris corner response `det(M) − 0.04 tr(M)²` of the smoothed structure tensor.
fn harris(img: &GrayF) -> GrayF {
    let (gx, gy) = gradients(img);
    let (w, h) = img.dimensions();
    let product = |f: fn(f32, f32) -> f32| {
        let mut p = GrayF::new(w, h);
        p.par_chunks_mut(w as usize)
            .zip(gx.par_chunks(w as usize).zip(gy.par_chunks(w as usize)))
            .for_each(|(o, (rx, ry))| {
                for ((o, &dx), &dy) in o.iter_mut().zip(rx).zip(ry) {
                    *o = f(dx, dy);
                }
            });
        gaussian_blur(&p, 1.5)
    };
    let ((xx, yy), xy) = rayon::join(
        || rayon::join(|| product(|dx, _| dx * dx), || product(|_, dy| dy * dy)),
        || product(|dx, dy| dx * dy),
    );
    let mut out = GrayF::new(w, h);
    let wu = w as usize;
    out.par_chunks_mut(wu)
        .zip(xx.par_chunks(wu).zip(yy.par_chunks(wu)))
        .zip(xy.par_chunks(wu))
        .for_each(|((o, (ra, rb)), rc)| {
            for (((o, a), b), c) in o.iter_mut().zip(ra).zip(rb).zip(rc) {
                *o = a * b - c * c - 0.04 * (a + b) * (a + b);
            }
        });
    out
}

/// Local maxima (3×3) of the response, the strongest few per grid cell.
fn pick_corners(response: &GrayF, margin: u32, max_features: usize) -> Vec<(u32, u32, f32)> {
    let (w, h) = response.dimensions();
    let cells_x = 16u32;
    let cells_y = ((16 * h) / w.max(1)).clamp(4, 32);
    let per_cell = max_features.div_ceil((cells_x * cells_y) as usize).max(1);
    let cw = w.div_ceil(cells_x);
    let ch = h.div_ceil(cells_y);
    let r = response.as_raw();
    let wu = w as usize;
    // Global floor: ignore flat areas whose response is noise.
    let mut positive: Vec<f32> = r.iter().copied().filter(|v| *v > 0.0).collect();
    let floor = if positive.is_empty() {
        f32::INFINITY
    } else {
        crate::imgops::quantile(&mut positive, 0.5) * 0.01
    };
    let cells: Vec<(u32, u32)> = (0..cells_y)
        .flat_map(|cy| (0..cells_x).map(move |cx| (cx, cy)))
        .collect();
    let mut picked: Vec<(u32, u32, f32)> = cells
        .par_iter()
        .flat_map_iter(|&(cx, cy)| {
            let mut local = Vec::new();
            let x0 = (cx * cw).max(margin);
            let x1 = ((cx + 1) * cw).min(w - margin);
            let y0 = (cy * ch).max(margin);
            let y1 = ((cy + 1) * ch).min(h - margin);
            for y in y0..y1 {
                for x in x0..x1 {
                    let i = y as usize * wu + x as usize;
                    let v = r[i];
                    if v <= floor {
                        continue;
                    }
                    let is_max = [
                        i - wu - 1,
                        i - wu,
                        i - wu + 1,
                        i - 1,
                        i + 1,
                        i + wu - 1,
                        i + wu,
                        i + wu + 1,
                    ]
                    .iter()
                    .all(|&j| r[j] < v);
                    if is_max {
                        local.push((x, y, v));
                    }
                }
            }
            local.sort_by(|a, b| b.2.total_cmp(&a.2));
            local.truncate(per_cell);
            local
        })
        .collect();
    picked.sort_by(|a, b| b.2.total_cmp(&a.2));
    picked.truncate(max_features);
    picked
}

/// Orientation of the intensity centroid around `(x, y)`, in radians.
fn orientation(img: &GrayF, x: u32, y: u32) -> f32 {
    let r = PATCH_RADIUS as i32;
    let (mut m10, mut m01) = (0.0f32, 0.0f32);
    for dy in -r..=r {
        for dx in -r..=r {
            if dx * dx + dy * dy > r * r {
                continue;
            }
            let v = img.get_pixel((x as i32 + dx) as u32, (y as i32 + dy) as u32)[0];
            m10 += dx as f32 * v;
            m01 += dy as f32 * v;
        }
    }
    m01.atan2(m10)
}

fn describe(img: &GrayF, x: f32, y: f32, angle: f32, pattern: &[[f32; 4]]) -> [u64; 4] {
    let (s, c) = angle.sin_cos();
    let mut d = [0u64; 4];
    for (i, p) in pattern.iter().enumerate() {
        let ax = x + c * p[0] - s * p[1];
        let ay = y + s * p[0] + c * p[1];
        let bx = x + c * p[2] - s * p[3];
        let by = y + s * p[2] + c * p[3];
        let va = sample(img, ax, ay).unwrap_or(0.0);
        let vb = sample(img, bx, by).unwrap_or(0.0);
        if va < vb {
            d[i / 64] |= 1 << (i % 64);
        }
    }
    d
}

#[inline]
fn hamming(a: &[u64; 4], b: &[u64; 4]) -> u32 {
    (a[0] ^ b[0]).count_ones()
        + (a[1] ^ b[1]).count_ones()
        + (a[2] ^ b[2]).count_ones()
        + (a[3] ^ b[3]).count_ones()
}

/// Best and second-best match of each query among `train`: `(index, distance, second)`.
fn nearest(query: &[Feature], train: &[Feature]) -> Vec<Option<(usize, u32, u32)>> {
    query
        .par_iter()
        .map(|q| {
            let mut best = (usize::MAX, u32::MAX);
            let mut second = u32::MAX;
            for (j, t) in train.iter().enumerate() {
                let d = hamming(&q.descriptor, &t.descriptor);
                if d < best.1 {
                    second = best.1;
                    best = (j, d);
                } else if d < second {
                    second = d;
                }
            }
            (best.0 != usize::MAX).then_some((best.0, best.1, second))
        })
        .collect()
}

/// Mutual nearest neighbours passing a ratio test: pairs `(index in a, index in b)`.
#[must_use]
pub fn match_features(a: &[Feature], b: &[Feature]) -> Vec<(usize, usize)> {
    let ab = nearest(a, b);
    let ba = nearest(b, a);
    let mut out = Vec::new();
    for (i, m) in ab.iter().enumerate() {
        let Some((j, d, second)) = *m else { continue };
        // Distance cap: random 256-bit strings differ in ~128 bits.
        if d > 80 {
            continue;
        }
        if (d as f32) > 0.85 * second as f32 {
            continue;
        }
        if let Some((back, _, _)) = ba[j]
            && back == i
        {
            out.push((i, j));
        }
    }
    out
}
