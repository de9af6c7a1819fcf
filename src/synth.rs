//! Synthetic test scenes: staged "1920s photographs", their doctored versions and rescans, with
//! exact ground-truth masks. Used by the sample generator, the tests and the benchmarks.
//!
//! [`staged_photo`] builds a [`Scene`] from a seed: a street with buildings and windows, a crowd,
//! a wooden tribune with steps, a banner, and four to seven people standing on the tribune and
//! the steps. [`Scene::render`] draws it with some items left out (the doctored print: the same
//! picture "painted over" with what lay behind them) and [`Scene::truth_mask`] says exactly which
//! pixels that changes. [`rescan`] then imitates a second scan of a print: another scale,
//! rotation, crop and tone, grain, a halftone screen, grayscale, JPEG, and returns the exact
//! transform between the two. Everything is deterministic from its seed; this module does not
//! align or compare anything.

use image::{GrayImage, Luma, Rgb, RgbImage};
use rayon::prelude::*;

use crate::geometry::Transform;
use crate::imgops::Bilinear;

// ---------------------------------------------------------------------------------------------
// Randomness
// ---------------------------------------------------------------------------------------------

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A tiny deterministic pseudo-random generator (SplitMix64): the same seed gives the same
/// stream on every platform.
#[derive(Clone, Debug)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator started from `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self {
            state: mix64(seed ^ 0x5DEE_CE66_D1CE_5EED),
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN);
        mix64(self.state)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `[lo, hi)`.
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform in `[lo, hi)`, as `f32`.
    pub fn rangef(&mut self, lo: f32, hi: f32) -> f32 {
        self.range(f64::from(lo), f64::from(hi)) as f32
    }

    /// Uniform integer in `lo..=hi`.
    pub fn int(&mut self, lo: i64, hi: i64) -> i64 {
        let span = (hi - lo + 1).max(1) as u64;
        lo + (self.next_u64() % span) as i64
    }

    /// `true` with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// `-1.0` or `1.0`, evenly.
    pub fn sign(&mut self) -> f64 {
        if self.chance(0.5) { -1.0 } else { 1.0 }
    }
}

fn hash3(seed: u64, x: i32, y: i32) -> u64 {
    let a = u64::from(x as u32).wrapping_mul(0x8CB9_2BA7_2F3D_8DD7);
    let b = u64::from(y as u32).wrapping_mul(0xD6E8_FEB8_6659_FD93);
    mix64(mix64(seed ^ a).wrapping_add(b))
}

fn unit_of(h: u64) -> f32 {
    (h >> 40) as f32 * (1.0 / (1u64 << 24) as f32)
}

/// Roughly standard normal, from the four 16-bit fields of a hash (Irwin–Hall, n = 4).
fn gauss_of(h: u64) -> f32 {
    let s = (h & 0xFFFF) + ((h >> 16) & 0xFFFF) + ((h >> 32) & 0xFFFF) + (h >> 48);
    (s as f32 / 65536.0 - 2.0) * 1.732_050_8
}

fn smooth(t: f32) -> f32 {
    t * t * (3.0 - 2.0 * t)
}

/// Value noise in `[0, 1]` with one lattice cell per unit.
fn value_noise(seed: u64, x: f32, y: f32) -> f32 {
    let (xf, yf) = (x.floor(), y.floor());
    let (ix, iy) = (xf as i32, yf as i32);
    let (sx, sy) = (smooth(x - xf), smooth(y - yf));
    let a = unit_of(hash3(seed, ix, iy));
    let b = unit_of(hash3(seed, ix + 1, iy));
    let c = unit_of(hash3(seed, ix, iy + 1));
    let d = unit_of(hash3(seed, ix + 1, iy + 1));
    let top = a + (b - a) * sx;
    let bot = c + (d - c) * sx;
    top + (bot - top) * sy
}

/// Fractal value noise in `[0, 1]`.
fn fbm(seed: u64, x: f32, y: f32, octaves: u32) -> f32 {
    let (mut sum, mut amp, mut norm, mut f) = (0.0, 1.0, 0.0, 1.0);
    for o in 0..octaves {
        sum += amp
            * value_noise(
                seed.wrapping_add(u64::from(o)),
                x * f + 17.3 * o as f32,
                y * f,
            );
        norm += amp;
        amp *= 0.5;
        f *= 2.03;
    }
    sum / norm
}

// ---------------------------------------------------------------------------------------------
// Shapes (signed distances in scene units: the image height is 1.0)
// ---------------------------------------------------------------------------------------------

type C3 = [f32; 3];

fn scale3(c: C3, k: f32) -> C3 {
    [c[0] * k, c[1] * k, c[2] * k]
}

fn mix3(a: C3, b: C3, t: f32) -> C3 {
    [
        a[0] + (b[0] - a[0]) * t,
        a[1] + (b[1] - a[1]) * t,
        a[2] + (b[2] - a[2]) * t,
    ]
}

fn luma3(c: C3) -> f32 {
    0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]
}

fn sepia_of(l: f32) -> C3 {
    [
        (l * 1.07 + 0.02).min(1.0),
        l * 0.93 + 0.01,
        (l * 0.74 + 0.005).max(0.0),
    ]
}

#[derive(Clone, Debug)]
enum Shape {
    Ellipse {
        c: [f32; 2],
        r: [f32; 2],
    },
    Capsule {
        a: [f32; 2],
        b: [f32; 2],
        ra: f32,
        rb: f32,
    },
    /// Convex quadrilateral; edges as (point, outward unit normal).
    Quad {
        e: [([f32; 2], [f32; 2]); 4],
        bb: [f32; 4],
    },
    Rect {
        min: [f32; 2],
        max: [f32; 2],
        round: f32,
    },
}

impl Shape {
    fn quad(p: [[f32; 2]; 4]) -> Shape {
        let mut area2 = 0.0;
        for i in 0..4 {
            let (a, b) = (p[i], p[(i + 1) % 4]);
            area2 += a[0] * b[1] - b[0] * a[1];
        }
        let s = if area2 >= 0.0 { 1.0 } else { -1.0 };
        let mut e = [([0.0; 2], [0.0; 2]); 4];
        let mut bb = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
        for i in 0..4 {
            let (a, b) = (p[i], p[(i + 1) % 4]);
            let (ex, ey) = (b[0] - a[0], b[1] - a[1]);
            let len = (ex * ex + ey * ey).sqrt().max(1e-9);
            e[i] = (a, [s * ey / len, -s * ex / len]);
            bb = [
                bb[0].min(a[0]),
                bb[1].min(a[1]),
                bb[2].max(a[0]),
                bb[3].max(a[1]),
            ];
        }
        Shape::Quad { e, bb }
    }

    fn sdf(&self, x: f32, y: f32) -> f32 {
        match *self {
            Shape::Ellipse { c, r } => {
                let (px, py) = ((x - c[0]) / r[0], (y - c[1]) / r[1]);
                let k0 = (px * px + py * py).sqrt();
                let (qx, qy) = (px / r[0], py / r[1]);
                let k1 = (qx * qx + qy * qy).sqrt();
                if k1 < 1e-9 {
                    -r[0].min(r[1])
                } else {
                    k0 * (k0 - 1.0) / k1
                }
            }
            Shape::Capsule { a, b, ra, rb } => {
                let (pax, pay) = (x - a[0], y - a[1]);
                let (bax, bay) = (b[0] - a[0], b[1] - a[1]);
                let h =
                    ((pax * bax + pay * bay) / (bax * bax + bay * bay).max(1e-12)).clamp(0.0, 1.0);
                let (dx, dy) = (pax - bax * h, pay - bay * h);
                (dx * dx + dy * dy).sqrt() - (ra + (rb - ra) * h)
            }
            Shape::Quad { e, .. } => {
                let mut d = f32::MIN;
                for (p, n) in e {
                    d = d.max((x - p[0]) * n[0] + (y - p[1]) * n[1]);
                }
                d
            }
            Shape::Rect { min, max, round } => {
                let cx = 0.5 * (min[0] + max[0]);
                let cy = 0.5 * (min[1] + max[1]);
                let hx = 0.5 * (max[0] - min[0]) - round;
                let hy = 0.5 * (max[1] - min[1]) - round;
                let qx = (x - cx).abs() - hx;
                let qy = (y - cy).abs() - hy;
                let out = (qx.max(0.0).powi(2) + qy.max(0.0).powi(2)).sqrt();
                out + qx.max(qy).min(0.0) - round
            }
        }
    }

    fn bbox(&self) -> [f32; 4] {
        match *self {
            Shape::Ellipse { c, r } => [c[0] - r[0], c[1] - r[1], c[0] + r[0], c[1] + r[1]],
            Shape::Capsule { a, b, ra, rb } => {
                let r = ra.max(rb);
                [
                    a[0].min(b[0]) - r,
                    a[1].min(b[1]) - r,
                    a[0].max(b[0]) + r,
                    a[1].max(b[1]) + r,
                ]
            }
            Shape::Quad { bb, .. } => bb,
            Shape::Rect { min, max, .. } => [min[0], min[1], max[0], max[1]],
        }
    }
}

/// Coverage of a shape edge from its signed distance, soft over `soft` units.
fn coverage(d: f32, soft: f32) -> f32 {
    smooth((0.5 - d / soft).clamp(0.0, 1.0))
}

/// Coverage of the box `[x0, x1] × [y0, y1]`.
fn box_cov(x: f32, y: f32, b: [f32; 4], soft: f32) -> f32 {
    let cx = coverage(b[0] - x, soft) * coverage(x - b[2], soft);
    let cy = coverage(b[1] - y, soft) * coverage(y - b[3], soft);
    cx * cy
}

#[derive(Clone, Debug)]
struct Part {
    shape: Shape,
    color: C3,
    /// Volume shading: how much darker the sides are than the middle.
    shade: f32,
    /// Amplitude of the cloth/skin texture.
    tex: f32,
    /// Horizontal centre and half width of the part, for shading.
    cx: f32,
    hw: f32,
    bb: [f32; 4],
}

impl Part {
    fn new(shape: Shape, color: C3, shade: f32, tex: f32) -> Part {
        let bb = shape.bbox();
        Part {
            shape,
            color,
            shade,
            tex,
            cx: 0.5 * (bb[0] + bb[2]),
            hw: (0.5 * (bb[2] - bb[0])).max(1e-6),
            bb,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The scene
// ---------------------------------------------------------------------------------------------

/// The overall tone of the print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Palette {
    /// Brown-toned monochrome.
    Sepia,
    /// Neutral black and white (the three channels are equal).
    Neutral,
    /// A hand-tinted print: faint colours over a warm monochrome.
    HandTinted,
}

#[derive(Clone, Debug)]
struct Building {
    x0: f32,
    x1: f32,
    top: f32,
    color: C3,
    win_pitch: [f32; 2],
    win_size: [f32; 2],
    margin: f32,
    cornice: f32,
}

#[derive(Clone, Debug)]
struct Figure {
    parts: Vec<Part>,
    bb: [f32; 4],
    /// 0 = behind the tribune's front wall, 1 = in front of everything.
    layer: u8,
    tex_seed: u64,
}

#[derive(Clone, Debug)]
struct Banner {
    rect: [f32; 4],
    color: C3,
    ink: C3,
    glyphs: Vec<[f32; 4]>,
    folds: f32,
}

#[derive(Clone, Debug)]
struct Tribune {
    /// Left, right, top of the front wall, ground line at its foot.
    x0: f32,
    x1: f32,
    top: f32,
    base: f32,
    platform: f32,
    wood: C3,
    plank: f32,
    cloth: C3,
    cloth_bottom: f32,
    /// Steps: +1 to the right of the tribune, -1 to the left.
    side: f32,
    run: f32,
    rise: f32,
}

/// A staged outdoor photograph of people on a tribune, with everything needed to render it
/// whole or with some items painted out.
///
/// Items `0..figure_count()` are the people; the banner, when there is one, is the item
/// [`Scene::banner_item`].
#[derive(Clone, Debug)]
pub struct Scene {
    width: u32,
    height: u32,
    seed: u64,
    palette: Palette,
    aspect: f32,
    soft: f32,
    horizon: f32,
    sky: C3,
    buildings: Vec<Building>,
    crowd_top: f32,
    crowd_row0: f32,
    crowd_q: f32,
    tribune: Tribune,
    banner: Option<Banner>,
    figures: Vec<Figure>,
    vignette: f32,
    grain: f32,
}

/// Builds a staged "1920s photograph" of `width × height` pixels from `seed`.
///
/// The same seed always gives the same scene; different seeds vary the street, the tribune,
/// the number, place and dress of the people, and the tone of the print.
///
/// # Panics
/// Never for sizes of at least 16 × 16; smaller sizes still render, but say little.
#[must_use]
pub fn staged_photo(seed: u64, width: u32, height: u32) -> Scene {
    let mut rng = SplitMix64::new(seed);
    let width = width.max(1);
    let height = height.max(1);
    let aspect = width as f32 / height as f32;
    let h_px = height as f32;
    // Edges are soft over about a pixel at 1000 px, a little more on larger scans (lens blur).
    let soft = (1.1 / h_px).max(0.0009);
    let palette = match rng.int(0, 9) {
        0..=4 => Palette::Sepia,
        5..=6 => Palette::Neutral,
        _ => Palette::HandTinted,
    };
    let horizon = rng.rangef(0.50, 0.56);
    let sky_tone = rng.rangef(0.78, 0.9);
    let sky = [sky_tone * 0.97, sky_tone * 0.99, sky_tone * 1.04];

    // Buildings along the far side of the square.
    let mut buildings = Vec::new();
    let mut x = -rng.rangef(0.0, 0.1);
    while x < aspect {
        let w = rng.rangef(0.2, 0.45);
        let tone = rng.rangef(0.42, 0.75);
        let hue = [
            [1.06, 0.98, 0.88],
            [1.0, 1.0, 1.0],
            [1.1, 0.95, 0.85],
            [0.95, 0.98, 1.04],
        ][rng.int(0, 3) as usize];
        let px = rng.rangef(0.035, 0.06);
        let py = rng.rangef(0.045, 0.07);
        buildings.push(Building {
            x0: x,
            x1: x + w,
            top: rng.rangef(0.06, 0.3),
            color: scale3(hue, tone),
            win_pitch: [px, py],
            win_size: [px * rng.rangef(0.4, 0.6), py * rng.rangef(0.5, 0.7)],
            margin: rng.rangef(0.0, px),
            cornice: rng.rangef(0.008, 0.02),
        });
        x += w;
    }

    // The tribune and its steps.
    let tw = rng.rangef(0.3, 0.42);
    let side = rng.sign() as f32;
    let tx0 = if side > 0.0 {
        rng.rangef(0.18, (aspect * 0.55 - tw).max(0.2))
    } else {
        rng.rangef(aspect * 0.4, (aspect - 0.18 - tw).max(aspect * 0.4 + 0.01))
    };
    let top = rng.rangef(0.44, 0.5);
    let platform = top + rng.rangef(0.1, 0.13);
    let base = rng.rangef(0.85, 0.9);
    let steps = rng.int(4, 6) as u32;
    let tribune = Tribune {
        x0: tx0,
        x1: tx0 + tw,
        top,
        base,
        platform,
        wood: scale3([1.08, 0.95, 0.8], rng.rangef(0.35, 0.6)),
        plank: rng.rangef(0.018, 0.03),
        cloth: if rng.chance(0.5) {
            [0.62, 0.2, 0.18]
        } else {
            [0.75, 0.72, 0.66]
        },
        cloth_bottom: top + rng.rangef(0.07, 0.12),
        side,
        run: rng.rangef(0.04, 0.055),
        rise: (base - platform) / steps as f32,
    };

    // A banner on the façades, behind the tribune, on most scenes.
    let banner = if rng.chance(0.7) {
        let bw = rng.rangef(0.3, 0.5);
        let bh = rng.rangef(0.1, 0.16);
        let bx = rng.rangef(0.05, aspect - bw - 0.05);
        // Hung on the façades: below the lowest roof line it spans.
        let roof = buildings
            .iter()
            .filter(|b| b.x1 > bx && b.x0 < bx + bw)
            .map(|b| b.top)
            .fold(0.06f32, f32::max);
        let by = (roof + 0.03).min(top - bh - 0.04);
        Some(make_banner(&mut rng, [bx, by, bx + bw, by + bh]))
    } else {
        None
    };

    // The people.
    let n = rng.int(4, 7) as usize;
    let on_tribune = (rng.int(1, 3) as usize).min(n - 1);
    let mut figures = Vec::new();
    let slot = tw / on_tribune as f32;
    for i in 0..on_tribune {
        let fx = tx0 + slot * (i as f32 + 0.5) + rng.rangef(-0.2, 0.2) * slot;
        let h = rng.rangef(0.29, 0.33);
        let speaker = i == 0;
        figures.push(build_figure(
            &mut rng,
            [fx, platform],
            h,
            speaker.then_some(-side),
            palette,
            0,
            figures.len() as u64,
        ));
    }
    let rest = n - on_tribune;
    let edge = if side > 0.0 { tribune.x1 } else { tribune.x0 };
    let mut ground = 0;
    for i in 0..rest {
        // Down the steps, then on the ground beside them, each a little in front of the last.
        let k = i as u32 * 2 + rng.int(0, 1) as u32;
        let (fx, fy) = if k < steps {
            let along = (k as f32 + 0.55) * tribune.run;
            (
                edge + side * along,
                platform + tribune.rise * (k as f32 + 0.2),
            )
        } else {
            let along = (steps as f32 + 1.0 + ground as f32 * 1.2) * tribune.run;
            ground += 1;
            (
                edge + side * along,
                base + 0.005 + 0.012 * ground as f32 + rng.rangef(0.0, 0.01),
            )
        };
        let h = rng.rangef(0.3, 0.35);
        figures.push(build_figure(
            &mut rng,
            [fx, fy],
            h,
            None,
            palette,
            1,
            figures.len() as u64,
        ));
    }

    Scene {
        width,
        height,
        seed,
        palette,
        aspect,
        soft,
        horizon,
        sky,
        buildings,
        crowd_top: horizon - 0.035,
        crowd_row0: rng.rangef(0.011, 0.015),
        crowd_q: rng.rangef(1.035, 1.055),
        tribune,
        banner,
        figures,
        vignette: rng.rangef(0.2, 0.4),
        grain: rng.rangef(0.008, 0.014),
    }
}

fn make_banner(rng: &mut SplitMix64, rect: [f32; 4]) -> Banner {
    let (w, h) = (rect[2] - rect[0], rect[3] - rect[1]);
    let mut glyphs = Vec::new();
    let lines = if h > 0.12 { 2 } else { 1 };
    let line_h = h / (lines as f32 + 0.6);
    for l in 0..lines {
        let y0 = rect[1] + line_h * (0.45 + l as f32);
        let gh = line_h * 0.62;
        let gw = gh * 0.6;
        let mut x = rect[0] + w * 0.06;
        while x + gw < rect[2] - w * 0.06 {
            if rng.chance(0.88) {
                // A letter-like glyph: a few strokes inside its cell.
                let strokes = rng.int(2, 3);
                for _ in 0..strokes {
                    if rng.chance(0.5) {
                        let sx = x + rng.rangef(0.0, 0.75) * gw;
                        glyphs.push([sx, y0, sx + gw * 0.22, y0 + gh]);
                    } else {
                        let sy = y0 + rng.rangef(0.0, 0.8) * gh;
                        glyphs.push([x, sy, x + gw, sy + gh * 0.18]);
                    }
                }
            }
            x += gw * 1.35;
        }
    }
    let red = rng.chance(0.6);
    Banner {
        rect,
        color: if red {
            [0.6, 0.17, 0.15]
        } else {
            [0.82, 0.8, 0.74]
        },
        ink: if red {
            [0.9, 0.88, 0.8]
        } else {
            [0.15, 0.12, 0.1]
        },
        glyphs,
        folds: rng.rangef(25.0, 45.0),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Hat {
    None,
    Cap,
    Fedora,
    Military,
    Bowler,
}

fn build_figure(
    rng: &mut SplitMix64,
    foot: [f32; 2],
    h: f32,
    raised_arm: Option<f32>,
    palette: Palette,
    layer: u8,
    index: u64,
) -> Figure {
    let (x, fy) = (foot[0], foot[1]);
    let lean = if raised_arm.is_some() {
        raised_arm.unwrap_or(1.0) * rng.rangef(0.03, 0.07)
    } else {
        rng.rangef(-0.015, 0.015)
    } * h;
    let xs = |y: f32| x + lean * (fy - y) / h;
    let tinted = palette == Palette::HandTinted;
    let hue = |rng: &mut SplitMix64| -> C3 {
        if tinted {
            [
                [1.1, 0.95, 0.8],
                [0.95, 1.02, 0.8],
                [0.85, 0.92, 1.15],
                [1.0, 1.0, 1.0],
                [1.15, 0.9, 0.85],
            ][rng.int(0, 4) as usize]
        } else {
            [1.0, 1.0, 1.0]
        }
    };
    let coat_tone = match rng.int(0, 5) {
        0..=2 => rng.rangef(0.1, 0.26),
        3..=4 => rng.rangef(0.32, 0.48),
        _ => rng.rangef(0.6, 0.75),
    };
    let coat = scale3(hue(rng), coat_tone);
    let trousers = scale3(hue(rng), rng.rangef(0.1, 0.35));
    let skin = scale3([1.0, 0.82, 0.7], rng.rangef(0.72, 0.9));
    let hair = scale3([1.0, 0.95, 0.88], rng.rangef(0.08, 0.35));
    let military = rng.chance(0.3);
    let hat = match rng.int(0, 9) {
        0..=1 => Hat::Cap,
        2..=3 => Hat::Fedora,
        4 => Hat::Bowler,
        5..=6 if military => Hat::Military,
        _ => Hat::None,
    };
    let hat_tone = scale3(hue(rng), rng.rangef(0.08, 0.55));

    let head_ry = 0.064 * h;
    let head_rx = 0.047 * h;
    let head_y = fy - h + head_ry;
    let hc = [xs(head_y), head_y];
    let sh_y = fy - h * 0.8;
    let sw = h * rng.rangef(0.115, 0.14);
    let hem_y = fy - h * rng.rangef(0.28, 0.45);
    let hw = sw * rng.rangef(1.0, 1.18);
    let xsh = xs(sh_y);
    let xhem = xs(hem_y);
    let mut parts = Vec::new();

    // Legs and shoes.
    for s in [-1.0f32, 1.0] {
        let spread = rng.rangef(0.04, 0.06) * h;
        parts.push(Part::new(
            Shape::Capsule {
                a: [xhem + s * 0.045 * h, hem_y - 0.04 * h],
                b: [x + s * spread, fy - 0.03 * h],
                ra: 0.043 * h,
                rb: 0.034 * h,
            },
            trousers,
            0.35,
            0.08,
        ));
        parts.push(Part::new(
            Shape::Ellipse {
                c: [x + s * spread + s * 0.012 * h, fy - 0.012 * h],
                r: [0.05 * h, 0.02 * h],
            },
            [0.07, 0.065, 0.06],
            0.2,
            0.05,
        ));
    }
    // Coat and shoulders.
    parts.push(Part::new(
        Shape::quad([
            [xsh - sw, sh_y + 0.035 * h],
            [xsh + sw, sh_y + 0.035 * h],
            [xhem + hw, hem_y],
            [xhem - hw, hem_y],
        ]),
        coat,
        0.4,
        0.1,
    ));
    parts.push(Part::new(
        Shape::Capsule {
            a: [xsh - sw + 0.05 * h, sh_y + 0.05 * h],
            b: [xsh + sw - 0.05 * h, sh_y + 0.05 * h],
            ra: 0.05 * h,
            rb: 0.05 * h,
        },
        coat,
        0.4,
        0.1,
    ));
    // Coat details: a dark seam down the front, buttons, a belt on soldiers.
    parts.push(Part::new(
        Shape::Capsule {
            a: [xs(sh_y + 0.1 * h), sh_y + 0.1 * h],
            b: [xhem, hem_y - 0.01 * h],
            ra: 0.004 * h,
            rb: 0.004 * h,
        },
        scale3(coat, 0.55),
        0.0,
        0.0,
    ));
    let button = if coat_tone < 0.4 {
        scale3(coat, 2.2)
    } else {
        scale3(coat, 0.45)
    };
    for k in 0..4 {
        let by = sh_y + 0.13 * h + k as f32 * 0.075 * h;
        if by < hem_y - 0.03 * h {
            parts.push(Part::new(
                Shape::Ellipse {
                    c: [xs(by) + 0.018 * h, by],
                    r: [0.009 * h, 0.009 * h],
                },
                button,
                0.0,
                0.0,
            ));
        }
    }
    if military {
        let by = fy - 0.52 * h;
        parts.push(Part::new(
            Shape::Rect {
                min: [xs(by) - hw * 0.98, by],
                max: [xs(by) + hw * 0.98, by + 0.028 * h],
                round: 0.005 * h,
            },
            [0.09, 0.08, 0.07],
            0.3,
            0.0,
        ));
    }
    // Arms and hands: hanging, or one raised for the speaker.
    for s in [-1.0f32, 1.0] {
        let shoulder = [xsh + s * (sw - 0.035 * h), sh_y + 0.06 * h];
        let hand = match raised_arm {
            Some(dir) if (dir - s).abs() < 0.1 => [xsh + s * (sw + 0.19 * h), sh_y + 0.04 * h],
            _ => [
                xs(fy - 0.5 * h) + s * (hw + 0.01 * h),
                fy - 0.5 * h + rng.rangef(-0.03, 0.03) * h,
            ],
        };
        parts.push(Part::new(
            Shape::Capsule {
                a: shoulder,
                b: hand,
                ra: 0.04 * h,
                rb: 0.031 * h,
            },
            scale3(coat, 0.86),
            0.35,
            0.1,
        ));
        parts.push(Part::new(
            Shape::Ellipse {
                c: hand,
                r: [0.024 * h, 0.028 * h],
            },
            skin,
            0.25,
            0.05,
        ));
    }
    // Shirt front and tie, or a high collar on soldiers.
    if military {
        parts.push(Part::new(
            Shape::Rect {
                min: [xsh - 0.04 * h, sh_y - 0.012 * h],
                max: [xsh + 0.04 * h, sh_y + 0.03 * h],
                round: 0.01 * h,
            },
            scale3(coat, 0.8),
            0.2,
            0.05,
        ));
    } else {
        parts.push(Part::new(
            Shape::quad([
                [xsh - 0.045 * h, sh_y + 0.005 * h],
                [xsh + 0.045 * h, sh_y + 0.005 * h],
                [xsh + 0.006 * h, sh_y + 0.12 * h],
                [xsh - 0.006 * h, sh_y + 0.12 * h],
            ]),
            [0.88, 0.87, 0.83],
            0.1,
            0.03,
        ));
        parts.push(Part::new(
            Shape::quad([
                [xsh - 0.009 * h, sh_y + 0.01 * h],
                [xsh + 0.009 * h, sh_y + 0.01 * h],
                [xsh + 0.005 * h, sh_y + 0.1 * h],
                [xsh - 0.005 * h, sh_y + 0.1 * h],
            ]),
            scale3(hue(rng), rng.rangef(0.08, 0.3)),
            0.0,
            0.0,
        ));
    }
    // Neck, hair, head, ears, face.
    parts.push(Part::new(
        Shape::Capsule {
            a: [hc[0], hc[1] + head_ry * 0.6],
            b: [xsh, sh_y + 0.01 * h],
            ra: 0.027 * h,
            rb: 0.03 * h,
        },
        scale3(skin, 0.82),
        0.3,
        0.03,
    ));
    let bald = rng.chance(0.15);
    if !bald {
        parts.push(Part::new(
            Shape::Ellipse {
                c: [hc[0], hc[1] - 0.012 * h],
                r: [head_rx * 1.06, head_ry * 0.95],
            },
            hair,
            0.3,
            0.15,
        ));
    }
    parts.push(Part::new(
        Shape::Ellipse {
            c: [hc[0], hc[1] + if bald { 0.0 } else { 0.008 * h }],
            r: [head_rx, head_ry * if bald { 1.0 } else { 0.9 }],
        },
        skin,
        0.35,
        0.04,
    ));
    for s in [-1.0f32, 1.0] {
        parts.push(Part::new(
            Shape::Ellipse {
                c: [hc[0] + s * head_rx * 0.98, hc[1] + 0.01 * h],
                r: [0.008 * h, 0.016 * h],
            },
            scale3(skin, 0.85),
            0.0,
            0.0,
        ));
        parts.push(Part::new(
            Shape::Ellipse {
                c: [hc[0] + s * 0.018 * h, hc[1] + 0.002 * h],
                r: [0.0075 * h, 0.005 * h],
            },
            [0.1, 0.08, 0.07],
            0.0,
            0.0,
        ));
    }
    let beard = rng.int(0, 3);
    if beard >= 1 {
        parts.push(Part::new(
            Shape::Ellipse {
                c: [hc[0], hc[1] + 0.028 * h],
                r: [0.02 * h, 0.006 * h],
            },
            scale3(hair, 0.9),
            0.0,
            0.0,
        ));
    }
    if beard == 3 {
        parts.push(Part::new(
            Shape::Ellipse {
                c: [hc[0], hc[1] + 0.05 * h],
                r: [0.026 * h, 0.024 * h],
            },
            scale3(hair, 0.9),
            0.2,
            0.15,
        ));
    }
    // Hat.
    let top = hc[1] - head_ry;
    match hat {
        Hat::None => {}
        Hat::Cap => {
            parts.push(Part::new(
                Shape::Ellipse {
                    c: [hc[0], top + 0.02 * h],
                    r: [head_rx * 1.25, 0.03 * h],
                },
                hat_tone,
                0.3,
                0.12,
            ));
            parts.push(Part::new(
                Shape::Ellipse {
                    c: [hc[0] + 0.02 * h, top + 0.04 * h],
                    r: [head_rx * 0.95, 0.008 * h],
                },
                scale3(hat_tone, 0.7),
                0.0,
                0.0,
            ));
        }
        Hat::Fedora | Hat::Bowler => {
            let crown = if hat == Hat::Bowler {
                Shape::Ellipse {
                    c: [hc[0], top + 0.02 * h],
                    r: [head_rx * 1.02, 0.045 * h],
                }
            } else {
                Shape::Rect {
                    min: [hc[0] - head_rx * 1.0, top - 0.035 * h],
                    max: [hc[0] + head_rx * 1.0, top + 0.03 * h],
                    round: 0.012 * h,
                }
            };
            parts.push(Part::new(crown, hat_tone, 0.3, 0.08));
            parts.push(Part::new(
                Shape::Rect {
                    min: [hc[0] - head_rx * 1.0, top + 0.012 * h],
                    max: [hc[0] + head_rx * 1.0, top + 0.026 * h],
                    round: 0.002 * h,
                },
                scale3(hat_tone, 0.5),
                0.0,
                0.0,
            ));
            parts.push(Part::new(
                Shape::Ellipse {
                    c: [hc[0], top + 0.03 * h],
                    r: [head_rx * 1.75, 0.011 * h],
                },
                hat_tone,
                0.2,
                0.05,
            ));
        }
        Hat::Military => {
            parts.push(Part::new(
                Shape::Ellipse {
                    c: [hc[0], top + 0.005 * h],
                    r: [head_rx * 1.4, 0.024 * h],
                },
                scale3(coat, 0.9),
                0.3,
                0.1,
            ));
            parts.push(Part::new(
                Shape::Rect {
                    min: [hc[0] - head_rx * 1.02, top + 0.005 * h],
                    max: [hc[0] + head_rx * 1.02, top + 0.03 * h],
                    round: 0.004 * h,
                },
                [0.1, 0.09, 0.08],
                0.1,
                0.0,
            ));
            parts.push(Part::new(
                Shape::Ellipse {
                    c: [hc[0], top + 0.018 * h],
                    r: [0.007 * h, 0.007 * h],
                },
                [0.8, 0.75, 0.6],
                0.0,
                0.0,
            ));
            parts.push(Part::new(
                Shape::Ellipse {
                    c: [hc[0] + 0.01 * h, top + 0.033 * h],
                    r: [head_rx * 0.95, 0.008 * h],
                },
                [0.06, 0.06, 0.06],
                0.0,
                0.0,
            ));
        }
    }
    let mut bb = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
    for p in &parts {
        bb = [
            bb[0].min(p.bb[0]),
            bb[1].min(p.bb[1]),
            bb[2].max(p.bb[2]),
            bb[3].max(p.bb[3]),
        ];
    }
    Figure {
        parts,
        bb,
        layer,
        tex_seed: 0xF16_u64.wrapping_mul(index + 1),
    }
}

/// What a pixel evaluation draws and tracks.
#[derive(Clone, Copy)]
struct Pass {
    /// Items left out of the picture (bit per item).
    skip: u64,
    /// Items whose visibility is tracked for the truth mask.
    track: u64,
}

fn bits(items: &[usize]) -> u64 {
    items
        .iter()
        .filter(|&&i| i < 64)
        .fold(0u64, |acc, &i| acc | (1u64 << i))
}

impl Scene {
    /// Width of the rendered image in pixels.
    #[must_use]
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height of the rendered image in pixels.
    #[must_use]
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The seed the scene was built from.
    #[must_use]
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Number of people in the scene (items `0..figure_count()`).
    #[must_use]
    pub fn figure_count(&self) -> usize {
        self.figures.len()
    }

    /// Whether person `item` stands on the tribune, behind its front wall (the others stand on
    /// the steps or the ground beside them).
    #[must_use]
    pub fn is_on_tribune(&self, item: usize) -> bool {
        self.figures.get(item).is_some_and(|f| f.layer == 0)
    }

    /// The item index of the banner on the façades, if the scene has one.
    #[must_use]
    pub fn banner_item(&self) -> Option<usize> {
        self.banner.as_ref().map(|_| self.figures.len())
    }

    /// The print's tone.
    #[must_use]
    pub fn palette(&self) -> Palette {
        self.palette
    }

    /// The same scene printed in another tone.
    #[must_use]
    pub fn with_palette(mut self, palette: Palette) -> Scene {
        self.palette = palette;
        self
    }

    /// The same scene with a banner covering about `fraction` of the picture (its visible
    /// part is smaller where people stand in front of it). Used to test large erased areas.
    #[must_use]
    pub fn with_banner_fraction(mut self, fraction: f32) -> Scene {
        let mut rng = SplitMix64::new(self.seed ^ 0xBA77E5);
        let area = fraction.clamp(0.01, 0.6) * self.aspect;
        let bh = (area / (self.aspect * 0.8)).clamp(0.08, self.horizon - 0.08);
        let bw = (area / bh).min(self.aspect * 0.96);
        let bx = (self.aspect - bw) * rng.rangef(0.2, 0.8);
        self.banner = Some(make_banner(&mut rng, [bx, 0.06, bx + bw, 0.06 + bh]));
        self
    }

    /// Bounding box of an item in pixels (`x0, y0, x1, y1`), clipped to the image, or `None`
    /// for an index that is not an item.
    #[must_use]
    pub fn item_bbox(&self, item: usize) -> Option<[f64; 4]> {
        let b = if let Some(f) = self.figures.get(item) {
            f.bb
        } else if Some(item) == self.banner_item() {
            self.banner.as_ref()?.rect
        } else {
            return None;
        };
        let k = f64::from(self.height);
        Some([
            (f64::from(b[0]) * k).clamp(0.0, f64::from(self.width)),
            (f64::from(b[1]) * k).clamp(0.0, f64::from(self.height)),
            (f64::from(b[2]) * k).clamp(0.0, f64::from(self.width)),
            (f64::from(b[3]) * k).clamp(0.0, f64::from(self.height)),
        ])
    }

    /// Renders the photograph with the listed items left out, as if painted over with what
    /// lay behind them. `render(&[])` is the original.
    #[must_use]
    pub fn render(&self, removed: &[usize]) -> RgbImage {
        let pass = Pass {
            skip: bits(removed),
            track: 0,
        };
        let (w, h) = (self.width as usize, self.height as usize);
        let mut img = RgbImage::new(self.width, self.height);
        let inv_h = 1.0 / self.height as f32;
        let (cx, cy) = ((w as f32 - 1.0) * 0.5, (h as f32 - 1.0) * 0.5);
        let grain_seed = self.seed ^ 0x6A41_4E00;
        img.par_chunks_mut(w * 3).enumerate().for_each(|(y, row)| {
            let v = y as f32 * inv_h;
            let ry = (y as f32 - cy) / cy.max(1.0);
            for x in 0..w {
                let u = x as f32 * inv_h;
                let (c, _) = self.pixel(u, v, pass);
                let c = self.print_tone(c);
                let rx = (x as f32 - cx) / cx.max(1.0);
                let vig = 1.0 - self.vignette * 0.5 * (rx * rx + ry * ry);
                let g = self.grain * gauss_of(hash3(grain_seed, x as i32, y as i32));
                for k in 0..3 {
                    let val = (c[k] * vig + g) * 255.0;
                    row[x * 3 + k] = val.round().clamp(0.0, 255.0) as u8;
                }
            }
        });
        img
    }

    /// The ground truth for `render(removed)` against `render(&[])`: 255 where a removed item
    /// is visible in the original (its silhouette, less what stands in front of it), 0
    /// elsewhere. Empty when nothing is removed.
    #[must_use]
    pub fn truth_mask(&self, removed: &[usize]) -> GrayImage {
        let pass = Pass {
            skip: 0,
            track: bits(removed),
        };
        let w = self.width as usize;
        let mut mask = GrayImage::new(self.width, self.height);
        if pass.track == 0 {
            return mask;
        }
        let inv_h = 1.0 / self.height as f32;
        mask.par_chunks_mut(w).enumerate().for_each(|(y, row)| {
            let v = y as f32 * inv_h;
            for (x, m) in row.iter_mut().enumerate() {
                let (_, vis) = self.pixel(x as f32 * inv_h, v, pass);
                *m = if vis >= 0.5 { 255 } else { 0 };
            }
        });
        mask
    }

    fn print_tone(&self, c: C3) -> C3 {
        let l = luma3(c);
        let toned = match self.palette {
            Palette::Sepia => mix3(c, sepia_of(l), 0.9),
            Palette::Neutral => [l, l, l],
            Palette::HandTinted => mix3(c, sepia_of(l), 0.3),
        };
        // Paper never gets quite white nor silver quite black.
        [
            0.05 + 0.88 * toned[0],
            0.05 + 0.88 * toned[1],
            0.05 + 0.88 * toned[2],
        ]
    }

    /// Colour at scene point `(u, v)` and the visibility of the tracked items there.
    fn pixel(&self, u: f32, v: f32, pass: Pass) -> (C3, f32) {
        let mut c = self.background(u, v);
        let mut vis = 0.0f32;
        let n = self.figures.len();
        if let Some(b) = &self.banner {
            let bit = 1u64 << n;
            if pass.skip & bit == 0 {
                let a = box_cov(u, v, b.rect, self.soft);
                if a > 0.0 {
                    c = mix3(c, self.banner_color(b, u, v), a);
                    vis = blend_vis(vis, a, pass.track & bit != 0);
                }
            }
        }
        self.draw_figures(u, v, 0, pass, &mut c, &mut vis);
        let a = self.tribune_front(u, v, &mut c);
        vis *= 1.0 - a;
        self.draw_figures(u, v, 1, pass, &mut c, &mut vis);
        (c, vis)
    }

    fn draw_figures(&self, u: f32, v: f32, layer: u8, pass: Pass, c: &mut C3, vis: &mut f32) {
        let m = self.soft;
        for (i, f) in self.figures.iter().enumerate() {
            if f.layer != layer || pass.skip & (1u64 << i) != 0 {
                continue;
            }
            if u < f.bb[0] - m || u > f.bb[2] + m || v < f.bb[1] - m || v > f.bb[3] + m {
                continue;
            }
            let tracked = pass.track & (1u64 << i) != 0;
            for p in &f.parts {
                if u < p.bb[0] - m || u > p.bb[2] + m || v < p.bb[1] - m || v > p.bb[3] + m {
                    continue;
                }
                let a = coverage(p.shape.sdf(u, v), m);
                if a <= 0.0 {
                    continue;
                }
                let t = (u - p.cx) / p.hw;
                let mut k = 1.0 - p.shade * t * t + p.shade * 0.25 * t;
                if p.tex > 0.0 {
                    let n1 = value_noise(f.tex_seed, u * 180.0, v * 60.0);
                    let n2 = value_noise(f.tex_seed + 1, u * 700.0, v * 700.0);
                    k *= 1.0 + p.tex * (1.2 * n1 + 0.8 * n2 - 1.0);
                }
                *c = mix3(*c, scale3(p.color, k.max(0.0)), a);
                *vis = blend_vis(*vis, a, tracked);
            }
        }
    }

    fn banner_color(&self, b: &Banner, u: f32, v: f32) -> C3 {
        let mut col = b.color;
        for g in &b.glyphs {
            if u >= g[0] - self.soft
                && u <= g[2] + self.soft
                && v >= g[1] - self.soft
                && v <= g[3] + self.soft
            {
                let a = box_cov(u, v, *g, self.soft);
                col = mix3(col, b.ink, a);
            }
        }
        // A fringe along the bottom and soft vertical folds.
        let fringe = b.rect[3] - 0.012;
        if v > fringe {
            let k = ((u * 900.0).sin() * 0.5 + 0.5) * 0.5;
            col = scale3(col, 1.0 - k);
        }
        let fold = 1.0 + 0.12 * ((u - b.rect[0]) * b.folds).sin();
        scale3(col, fold)
    }

    fn background(&self, u: f32, v: f32) -> C3 {
        let mut c = self.sky_and_buildings(u, v);
        // The crowd, from the foot of the buildings down to the front ground.
        if v >= self.crowd_top - 0.02 {
            c = self.crowd(u, v, c);
        }
        let t = &self.tribune;
        if v > t.base - 0.01 {
            let a = coverage(t.base + 0.012 - v, self.soft * 3.0);
            if a > 0.0 {
                c = mix3(c, self.cobbles(u, v), a);
            }
        }
        self.steps(u, v, c)
    }

    fn sky_and_buildings(&self, u: f32, v: f32) -> C3 {
        let seed = self.seed;
        let cloud = fbm(seed ^ 0xC10D, u * 5.0, v * 9.0, 4);
        let mut c = scale3(
            self.sky,
            0.92 + 0.25 * (v / self.horizon) * 0.3 + 0.3 * (cloud - 0.5),
        );
        for b in &self.buildings {
            if u < b.x0 - self.soft || u > b.x1 + self.soft || v < b.top - self.soft {
                continue;
            }
            let a = box_cov(u, v, [b.x0, b.top, b.x1, 2.0], self.soft);
            if a <= 0.0 {
                continue;
            }
            let stone = 0.92 + 0.16 * value_noise(seed ^ 0xB1, u * 300.0, v * 300.0);
            let mut col = scale3(b.color, stone);
            let ly = v - b.top;
            if ly < b.cornice {
                col = scale3(col, 0.7);
            } else if ly < b.cornice * 1.6 {
                col = scale3(col, 1.15);
            }
            // Windows in a grid below the cornice, with sills and a string course per floor.
            let gy = ly - b.cornice * 2.5;
            if gy > 0.0 {
                let (px, py) = (b.win_pitch[0], b.win_pitch[1]);
                let fx = (u - b.x0 - b.margin).rem_euclid(px);
                let fy = gy.rem_euclid(py);
                let col_i = ((u - b.x0 - b.margin) / px).floor() as i32;
                let row_i = (gy / py).floor() as i32;
                let (ww, wh) = (b.win_size[0], b.win_size[1]);
                let wx0 = (px - ww) * 0.5;
                let wy0 = (py - wh) * 0.35;
                let inside_building = u - b.x0 > px * 0.4 && b.x1 - u > px * 0.4;
                if inside_building {
                    let wa = box_cov(fx, fy, [wx0, wy0, wx0 + ww, wy0 + wh], self.soft);
                    if wa > 0.0 {
                        let hsh = hash3(seed ^ 0x3171, col_i, row_i);
                        let glass = 0.12 + 0.35 * unit_of(hsh);
                        let mut wc = [glass * 0.95, glass, glass * 1.05];
                        // Mullions: a cross in most windows.
                        if hsh & 3 != 0 {
                            let mx = (fx - wx0 - ww * 0.5).abs();
                            let my = (fy - wy0 - wh * 0.4).abs();
                            let bar = coverage(mx - 0.0015, self.soft)
                                .max(coverage(my - 0.0015, self.soft));
                            wc = mix3(wc, scale3(b.color, 1.1), bar);
                        }
                        col = mix3(col, wc, wa);
                    }
                    let sill = box_cov(
                        fx,
                        fy,
                        [wx0 - 0.003, wy0 + wh, wx0 + ww + 0.003, wy0 + wh + 0.004],
                        self.soft,
                    );
                    col = mix3(col, scale3(b.color, 1.2), sill);
                }
                let course = coverage((fy - py * 0.97).abs() - 0.002, self.soft);
                col = mix3(col, scale3(b.color, 0.8), course * 0.6);
            }
            // Distant haze toward the top of taller buildings.
            c = mix3(c, col, a);
        }
        c
    }

    fn crowd(&self, u: f32, v: f32, under: C3) -> C3 {
        let seed = self.seed ^ 0xC80D;
        let (d0, q) = (self.crowd_row0, self.crowd_q);
        let ln_q = q.ln();
        // Row r starts at crowd_top + d0 (q^r - 1) / (q - 1) and has spacing d0 q^r.
        let row_of = |vv: f32| -> f32 {
            let t = 1.0 + (vv - self.crowd_top).max(0.0) * (q - 1.0) / d0;
            t.ln() / ln_q
        };
        let row_y = |r: i32| self.crowd_top + d0 * (q.powi(r) - 1.0) / (q - 1.0);
        let mass = 0.16 + 0.12 * value_noise(seed, u * 60.0, v * 20.0);
        let body = [mass * 1.02, mass, mass * 0.95];
        let mut c = if v >= self.crowd_top + 0.01 {
            body
        } else {
            let a = coverage(self.crowd_top + 0.01 - v, 0.01);
            mix3(under, body, a)
        };
        let r0 = row_of(v).floor() as i32;
        for r in (r0 - 1)..=(r0 + 2) {
            if r < 0 {
                continue;
            }
            let spacing = d0 * q.powi(r);
            let ry = row_y(r);
            let cell = spacing * 1.5;
            let ci = (u / cell).floor() as i32;
            for cc in (ci - 1)..=(ci + 1) {
                let hsh = hash3(seed, cc, r);
                let jx = unit_of(hsh) - 0.5;
                let jy = unit_of(hsh >> 7) - 0.5;
                let hx = (cc as f32 + 0.5 + 0.85 * jx) * cell;
                let hy = ry + 0.3 * spacing * jy;
                let hr = spacing * (0.34 + 0.16 * unit_of(hsh >> 31));
                // Shoulders, then the head, then a cap on some.
                let sh = Shape::Ellipse {
                    c: [hx, hy + hr * 2.2],
                    r: [hr * 2.1, hr * 1.3],
                };
                let a = coverage(sh.sdf(u, v), self.soft);
                if a > 0.0 {
                    let t = 0.12 + 0.3 * unit_of(hsh >> 13);
                    c = mix3(c, [t, t * 0.98, t * 0.95], a);
                }
                let head = Shape::Ellipse {
                    c: [hx, hy],
                    r: [hr * 0.8, hr],
                };
                let a = coverage(head.sdf(u, v), self.soft);
                if a > 0.0 {
                    let kind = (hsh >> 20) % 6;
                    let face = [0.72, 0.6, 0.52];
                    let mut hc = face;
                    if kind >= 2 || (kind == 1 && v < hy - hr * 0.1) {
                        let t = if kind == 5 {
                            0.62
                        } else {
                            0.1 + 0.2 * unit_of(hsh >> 25)
                        };
                        hc = [t, t, t * 0.95];
                    }
                    c = mix3(c, hc, a);
                }
            }
        }
        c
    }

    fn cobbles(&self, u: f32, v: f32) -> C3 {
        let seed = self.seed ^ 0xC0BB;
        let s = 0.028;
        let (gx, gy) = (u / (s * 1.4), v / s);
        let (ix, iy) = (gx.floor() as i32, gy.floor() as i32);
        let (mut d1, mut d2, mut id) = (f32::MAX, f32::MAX, 0u64);
        for dy in -1..=1 {
            for dx in -1..=1 {
                let h = hash3(seed, ix + dx, iy + dy);
                let px = (ix + dx) as f32 + 0.15 + 0.7 * unit_of(h);
                let py = (iy + dy) as f32 + 0.15 + 0.7 * unit_of(h >> 9);
                let d = ((gx - px).powi(2) + (gy - py).powi(2)).sqrt();
                if d < d1 {
                    d2 = d1;
                    d1 = d;
                    id = h;
                } else if d < d2 {
                    d2 = d;
                }
            }
        }
        let edge = ((d2 - d1) * s / (self.soft * 2.0)).clamp(0.0, 1.0);
        let t = 0.4 + 0.2 * unit_of(id >> 17);
        let stone = t * (0.55 + 0.45 * edge);
        [stone * 1.02, stone, stone * 0.96]
    }

    fn steps(&self, u: f32, v: f32, c: C3) -> C3 {
        let t = &self.tribune;
        if v < t.platform - self.soft || v > t.base + self.soft {
            return c;
        }
        let edge = if t.side > 0.0 { t.x1 } else { t.x0 };
        let along = (u - edge) * t.side;
        if along < -self.soft {
            return c;
        }
        let k = ((v - t.platform) / t.rise).floor().max(0.0);
        let reach = (k + 1.0) * t.run;
        let a = coverage(along - reach, self.soft);
        if a <= 0.0 {
            return c;
        }
        let in_step = (v - t.platform) - k * t.rise;
        let tread = in_step < t.rise * 0.3;
        let grain = 0.9 + 0.2 * value_noise(self.seed ^ 0x57E9, u * 40.0, v * 500.0);
        let mut col = scale3(t.wood, if tread { 1.35 * grain } else { 0.8 * grain });
        let nose = coverage((in_step - t.rise * 0.3).abs() - 0.0015, self.soft);
        col = mix3(col, scale3(t.wood, 0.45), nose);
        // The end of each step, and a hand rail post.
        let end = coverage((along - reach).abs() - 0.0012, self.soft);
        col = mix3(col, scale3(t.wood, 0.5), end);
        mix3(c, col, a)
    }

    /// Draws the tribune's front wall over `c`; returns its coverage.
    fn tribune_front(&self, u: f32, v: f32, c: &mut C3) -> f32 {
        let t = &self.tribune;
        let a = box_cov(u, v, [t.x0, t.top, t.x1, t.base], self.soft);
        if a <= 0.0 {
            return 0.0;
        }
        let lx = u - t.x0;
        let grain = value_noise(self.seed ^ 0x3009, u * 35.0, v * 420.0);
        let mut col = scale3(t.wood, 0.85 + 0.3 * grain);
        // Vertical planks with dark seams.
        let seam = (lx.rem_euclid(t.plank) - t.plank * 0.5).abs();
        let s = coverage(t.plank * 0.5 - seam - 0.0012, self.soft);
        col = mix3(col, scale3(t.wood, 0.35), s);
        // A rail along the top, cross braces low down.
        if v < t.top + 0.014 {
            col = scale3(t.wood, 1.3 * (0.9 + 0.2 * grain));
        }
        let mid = 0.5 * (t.x0 + t.x1);
        let lower = t.cloth_bottom + 0.02;
        for (a0, b0) in [
            ([t.x0 + 0.01, lower], [mid, t.base - 0.01]),
            ([t.x1 - 0.01, lower], [mid, t.base - 0.01]),
        ] {
            let brace = Shape::Capsule {
                a: a0,
                b: b0,
                ra: 0.006,
                rb: 0.006,
            };
            let ba = coverage(brace.sdf(u, v), self.soft);
            col = mix3(col, scale3(t.wood, 1.2 + 0.2 * grain), ba);
        }
        // Cloth draped over the front with stripes and a star-like emblem.
        let cl = [t.x0 + 0.008, t.top + 0.016, t.x1 - 0.008, t.cloth_bottom];
        let ca = box_cov(u, v, cl, self.soft);
        if ca > 0.0 {
            let fold = 1.0 + 0.1 * ((u - t.x0) * 140.0).sin();
            let mut cc = scale3(t.cloth, fold);
            let stripe = coverage((v - cl[3] + 0.012).abs() - 0.003, self.soft);
            cc = mix3(cc, scale3(t.cloth, 0.5), stripe);
            let em = Shape::Ellipse {
                c: [mid, 0.5 * (cl[1] + cl[3])],
                r: [0.022, 0.022],
            };
            let ring = coverage(em.sdf(u, v).abs() - 0.003, self.soft);
            cc = mix3(cc, [0.9, 0.85, 0.6], ring);
            col = mix3(col, cc, ca);
        }
        *c = mix3(*c, col, a);
        a
    }
}

fn blend_vis(vis: f32, a: f32, tracked: bool) -> f32 {
    if tracked {
        vis * (1.0 - a) + a
    } else {
        vis * (1.0 - a)
    }
}

// ---------------------------------------------------------------------------------------------
// Rescans
// ---------------------------------------------------------------------------------------------

/// Tone changes of a second print or scan.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ToneShift {
    /// Exponent applied to values in `0..=1` (above 1 darkens the mid-tones).
    pub gamma: f64,
    /// Multiplier after the gamma.
    pub gain: f64,
    /// Added after the gain, in `0..=1` units.
    pub offset: f64,
    /// Fading toward a light grey, `0` (none) to `1` (all grey).
    pub fade: f64,
    /// Yellowing toward sepia, `0` (none) to `1` (fully toned).
    pub sepia: f64,
    /// Uneven, low-frequency fading: relative amplitude of a smooth random brightness field.
    pub uneven: f64,
    /// Darkening of the corners, relative.
    pub vignette: f64,
}

impl ToneShift {
    /// No tone change.
    #[must_use]
    pub fn identity() -> Self {
        Self {
            gamma: 1.0,
            gain: 1.0,
            offset: 0.0,
            fade: 0.0,
            sepia: 0.0,
            uneven: 0.0,
            vignette: 0.0,
        }
    }
}

/// A printing dot screen, as in a book or newspaper reproduction.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Halftone {
    /// Distance between dot centres, in output pixels.
    pub period_px: f64,
    /// Screen angle in degrees (45 is the classic one for black).
    pub angle_deg: f64,
}

/// How a second scan of a print differs from the first.
///
/// The geometry is a similarity about the image centre: scale, then rotation, then a shift
/// (output pixels), then a crop of a fraction of the scaled image from each side.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rescan {
    /// Scale of the rescan relative to the input (0.9 = 10 % smaller).
    pub scale: f64,
    /// Rotation in degrees.
    pub angle_deg: f64,
    /// Shift of the content in output pixels.
    pub shift: [f64; 2],
    /// Fraction of the scaled image cut from the left, top, right and bottom.
    pub crop: [f64; 4],
    /// Tone changes.
    pub tone: ToneShift,
    /// Standard deviation of the added grain, in 8-bit levels.
    pub grain_sigma: f64,
    /// A dot screen, if the print was a halftone reproduction.
    pub halftone: Option<Halftone>,
    /// Whether the rescan is grayscale.
    pub grayscale: bool,
    /// JPEG quality of a final compression round trip, if any.
    pub jpeg_quality: Option<u8>,
}

impl Rescan {
    /// A rescan that changes nothing: the output equals the input.
    #[must_use]
    pub fn identity() -> Self {
        Self {
            scale: 1.0,
            angle_deg: 0.0,
            shift: [0.0, 0.0],
            crop: [0.0; 4],
            tone: ToneShift::identity(),
            grain_sigma: 0.0,
            halftone: None,
            grayscale: false,
            jpeg_quality: None,
        }
    }

    /// A typical second print: a few degrees of rotation, about 0.9 scale, a crop, a tone
    /// shift with some fading and yellowing, grain and JPEG at quality 85.
    #[must_use]
    pub fn typical(seed: u64) -> Self {
        let mut rng = SplitMix64::new(seed ^ 0x7E5C);
        Self {
            scale: rng.range(0.86, 0.94),
            angle_deg: rng.sign() * rng.range(2.0, 4.0),
            shift: [rng.range(-3.0, 3.0), rng.range(-3.0, 3.0)],
            crop: [
                rng.range(0.02, 0.07),
                rng.range(0.02, 0.07),
                rng.range(0.02, 0.07),
                rng.range(0.02, 0.07),
            ],
            tone: ToneShift {
                gamma: rng.range(0.85, 1.2),
                gain: rng.range(0.9, 1.05),
                offset: rng.range(-0.02, 0.04),
                fade: rng.range(0.05, 0.15),
                sepia: rng.range(0.1, 0.5),
                uneven: 0.08,
                vignette: 0.15,
            },
            grain_sigma: 4.0,
            halftone: None,
            grayscale: false,
            jpeg_quality: Some(85),
        }
    }

    /// A book reproduction: like [`Rescan::typical`], printed through a dot screen and
    /// scanned in grayscale.
    #[must_use]
    pub fn book(seed: u64) -> Self {
        Self {
            halftone: Some(Halftone {
                period_px: 5.0,
                angle_deg: 45.0,
            }),
            grayscale: true,
            grain_sigma: 2.0,
            ..Self::typical(seed)
        }
    }

    /// Size of the rescan of a `width × height` input.
    #[must_use]
    pub fn output_size(&self, width: u32, height: u32) -> (u32, u32) {
        let (wo, ho) = self.scaled_size(width, height);
        let (l, t, r, b) = self.crop_px(wo, ho);
        ((wo - l - r).max(1), (ho - t - b).max(1))
    }

    fn scaled_size(&self, width: u32, height: u32) -> (u32, u32) {
        (
            ((f64::from(width) * self.scale).round() as u32).max(1),
            ((f64::from(height) * self.scale).round() as u32).max(1),
        )
    }

    fn crop_px(&self, wo: u32, ho: u32) -> (u32, u32, u32, u32) {
        let c = |f: f64, n: u32| ((f.clamp(0.0, 0.45) * f64::from(n)).round() as u32).min(n / 2);
        (
            c(self.crop[0], wo),
            c(self.crop[1], ho),
            c(self.crop[2], wo),
            c(self.crop[3], ho),
        )
    }

    /// The exact `before_from_after` transform of a rescan of a `width × height` input: it
    /// maps rescan pixel coordinates to input pixel coordinates.
    #[must_use]
    pub fn before_from_after(&self, width: u32, height: u32) -> Transform {
        let (wo, ho) = self.scaled_size(width, height);
        let (l, t, _, _) = self.crop_px(wo, ho);
        let cb = (
            (f64::from(width) - 1.0) * 0.5,
            (f64::from(height) - 1.0) * 0.5,
        );
        let co = ((f64::from(wo) - 1.0) * 0.5, (f64::from(ho) - 1.0) * 0.5);
        // after = crop ∘ shift ∘ (centre_o) ∘ R S ∘ (−centre_b)
        let after_from_before = Transform::translation(
            co.0 + self.shift[0] - f64::from(l),
            co.1 + self.shift[1] - f64::from(t),
        )
        .then_after(&Transform::similarity(
            self.scale,
            self.angle_deg.to_radians(),
            0.0,
            0.0,
        ))
        .then_after(&Transform::translation(-cb.0, -cb.1));
        after_from_before
            .inverse()
            .unwrap_or_else(Transform::identity)
    }
}

/// Rescans `img` as `r` describes. Returns the rescan and the exact `before_from_after`
/// transform (rescan pixel → input pixel). Where the rescan reaches past the input the
/// scanner's light-grey lid shows.
#[must_use]
pub fn rescan(img: &RgbImage, r: &Rescan, seed: u64) -> (RgbImage, Transform) {
    let (w, h) = (img.width(), img.height());
    let t = r.before_from_after(w, h);
    let (ow, oh) = r.output_size(w, h);
    let m = t.matrix;
    // Downscaling integrates over the pixel like a scanner's sensor: 2×2 samples.
    let offsets: &[(f64, f64)] = if r.scale < 0.999 {
        &[(-0.25, -0.25), (0.25, -0.25), (-0.25, 0.25), (0.25, 0.25)]
    } else {
        &[(0.0, 0.0)]
    };
    let src = img.as_raw();
    let (sw, sh) = (w as usize, h as usize);
    let lid = [0.9f32, 0.9, 0.88];
    let tone = r.tone;
    let diag2 = (f64::from(ow).powi(2) + f64::from(oh).powi(2)) * 0.25;
    let low_seed = seed ^ 0x10F;
    let grain_seed = seed ^ 0x6A1;
    let wave = 0.4 * f64::from(ow.max(oh));
    let mut out = RgbImage::new(ow, oh);
    out.par_chunks_mut(ow as usize * 3)
        .enumerate()
        .for_each(|(y, row)| {
            let yf = y as f64;
            for x in 0..ow as usize {
                let xf = x as f64;
                let mut acc = [0.0f32; 3];
                let mut inside = 0usize;
                for &(dx, dy) in offsets {
                    let (ax, ay) = (xf + dx, yf + dy);
                    let sx = m[(0, 0)] * ax + m[(0, 1)] * ay + m[(0, 2)];
                    let sy = m[(1, 0)] * ax + m[(1, 1)] * ay + m[(1, 2)];
                    match bilinear(src, sw, sh, sx, sy) {
                        Some(p) => {
                            inside += 1;
                            for k in 0..3 {
                                acc[k] += p[k];
                            }
                        }
                        None => {
                            for k in 0..3 {
                                acc[k] += lid[k];
                            }
                        }
                    }
                }
                let n = offsets.len() as f32;
                let mut c = [acc[0] / n, acc[1] / n, acc[2] / n];
                if inside > 0 {
                    c = apply_tone(c, &tone, xf, yf, ow, oh, diag2, wave, low_seed);
                }
                if let Some(ht) = r.halftone {
                    let l = luma3(c);
                    let lh = halftone_at(l, xf, yf, &ht);
                    let d = lh - l;
                    c = [c[0] + d, c[1] + d, c[2] + d];
                }
                if r.grain_sigma > 0.0 {
                    let g = (r.grain_sigma / 255.0) as f32
                        * gauss_of(hash3(grain_seed, x as i32, y as i32));
                    c = [c[0] + g, c[1] + g, c[2] + g];
                }
                if r.grayscale {
                    let l = luma3(c);
                    c = [l, l, l];
                }
                for k in 0..3 {
                    row[x * 3 + k] = (c[k] * 255.0).round().clamp(0.0, 255.0) as u8;
                }
            }
        });
    if let Some(q) = r.jpeg_quality {
        out = jpeg_round_trip(&out, q, r.grayscale).unwrap_or(out);
    }
    (out, t)
}

#[expect(clippy::too_many_arguments, reason = "a per-pixel helper of `rescan`")]
fn apply_tone(
    c: C3,
    tone: &ToneShift,
    x: f64,
    y: f64,
    ow: u32,
    oh: u32,
    diag2: f64,
    wave: f64,
    seed: u64,
) -> C3 {
    let mut out = c;
    let mut field = 1.0f32;
    if tone.uneven != 0.0 {
        let n = value_noise(seed, (x / wave) as f32, (y / wave) as f32) * 0.6
            + value_noise(seed + 1, (x / wave * 2.3) as f32, (y / wave * 2.3) as f32) * 0.4;
        field *= 1.0 + tone.uneven as f32 * (2.0 * n - 1.0);
    }
    if tone.vignette != 0.0 {
        let dx = x - f64::from(ow) * 0.5;
        let dy = y - f64::from(oh) * 0.5;
        field *= 1.0 - (tone.vignette * (dx * dx + dy * dy) / diag2) as f32;
    }
    for v in &mut out {
        let mut t = v.clamp(0.0, 1.0).powf(tone.gamma as f32);
        t = t * tone.gain as f32 + tone.offset as f32;
        t *= field;
        t = t * (1.0 - tone.fade as f32) + tone.fade as f32 * 0.68;
        *v = t;
    }
    if tone.sepia > 0.0 {
        out = mix3(out, sepia_of(luma3(out)), tone.sepia as f32);
    }
    out
}

fn halftone_at(l: f32, x: f64, y: f64, ht: &Halftone) -> f32 {
    let (s, c) = ht.angle_deg.to_radians().sin_cos();
    let p = ht.period_px.max(1.5);
    let u = (c * x + s * y) / p;
    let v = (-s * x + c * y) / p;
    let du = u - u.round();
    let dv = v - v.round();
    let d = (du * du + dv * dv).sqrt() as f32;
    // Ink fraction = darkness; a round dot of that area (dots merge past ~78 %).
    let ink = (1.0 - l).clamp(0.0, 1.0);
    let r = (ink / std::f32::consts::PI).sqrt();
    let cov = ((r - d) * p as f32 + 0.5).clamp(0.0, 1.0);
    let paper = 0.96;
    let black = 0.06;
    paper + (black - paper) * cov
}

fn bilinear(src: &[u8], w: usize, h: usize, x: f64, y: f64) -> Option<C3> {
    let at = Bilinear::within_pixels(w, h, x, y)?;
    Some(std::array::from_fn(|k| {
        at.blend(|i| f32::from(src[i * 3 + k])) / 255.0
    }))
}

/// Compresses and decompresses `img` as JPEG at `quality` (1–100).
///
/// # Errors
/// Encoder or decoder failure (not expected for in-memory buffers).
pub fn jpeg_round_trip(
    img: &RgbImage,
    quality: u8,
    grayscale: bool,
) -> image::ImageResult<RgbImage> {
    let bytes = encode_jpeg(img, quality, grayscale)?;
    Ok(image::load_from_memory_with_format(&bytes, image::ImageFormat::Jpeg)?.to_rgb8())
}

/// Encodes `img` as JPEG at `quality` (1–100); as a one-channel JPEG when `grayscale`.
///
/// # Errors
/// Encoder failure.
pub fn encode_jpeg(img: &RgbImage, quality: u8, grayscale: bool) -> image::ImageResult<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut enc =
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality.clamp(1, 100));
    if grayscale {
        let gray = GrayImage::from_fn(img.width(), img.height(), |x, y| {
            let p = img.get_pixel(x, y);
            Luma([
                ((u32::from(p[0]) * 299 + u32::from(p[1]) * 587 + u32::from(p[2]) * 114 + 500)
                    / 1000) as u8,
            ])
        });
        enc.encode_image(&gray)?;
    } else {
        enc.encode_image(img)?;
    }
    Ok(bytes)
}

/// Converts to an image whose three channels are the luminance.
#[must_use]
pub fn to_gray_rgb(img: &RgbImage) -> RgbImage {
    let mut out = img.clone();
    for p in out.pixels_mut() {
        let l = ((u32::from(p[0]) * 299 + u32::from(p[1]) * 587 + u32::from(p[2]) * 114 + 500)
            / 1000) as u8;
        *p = Rgb([l, l, l]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: u32 = 480;
    const H: u32 = 320;

    fn count(mask: &GrayImage) -> usize {
        mask.pixels().filter(|p| p[0] > 0).count()
    }

    #[test]
    fn same_seed_same_picture_other_seed_other_picture() {
        let a = staged_photo(7, W, H).render(&[]);
        let b = staged_photo(7, W, H).render(&[]);
        let c = staged_photo(8, W, H).render(&[]);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn every_seed_has_four_to_seven_people() {
        for seed in 0..40 {
            let n = staged_photo(seed, W, H).figure_count();
            assert!((4..=7).contains(&n), "seed {seed}: {n} people");
        }
    }

    #[test]
    fn truth_is_empty_when_nothing_is_removed() {
        let scene = staged_photo(3, W, H);
        assert_eq!(count(&scene.truth_mask(&[])), 0);
        assert_eq!(scene.render(&[]), scene.render(&[]));
    }

    #[test]
    fn truth_marks_the_removed_person_and_only_where_the_pictures_differ() {
        for seed in 0..6 {
            let scene = staged_photo(seed, W, H);
            let before = scene.render(&[]);
            for item in 0..scene.figure_count() {
                let after = scene.render(&[item]);
                let truth = scene.truth_mask(&[item]);
                let n = count(&truth);
                assert!(n > 200, "seed {seed} item {item}: only {n} truth pixels");
                // Outside the truth (and away from its soft edge) the two renders are equal.
                let mut differ_outside = 0;
                let mut strong_inside = 0;
                for (x, y, t) in truth.enumerate_pixels() {
                    let a = before.get_pixel(x, y);
                    let b = after.get_pixel(x, y);
                    let d = (0..3).map(|k| a[k].abs_diff(b[k])).max().unwrap_or(0);
                    if t[0] == 0 && d > 40 {
                        differ_outside += 1;
                    }
                    if t[0] > 0 && d > 6 {
                        strong_inside += 1;
                    }
                }
                assert!(
                    differ_outside < n / 20,
                    "seed {seed} item {item}: {differ_outside} differ outside"
                );
                assert!(
                    strong_inside * 2 > n,
                    "seed {seed} item {item}: {strong_inside}/{n} visibly change"
                );
                // The truth lies inside the item's box.
                let bb = scene.item_bbox(item).unwrap();
                for (x, y, t) in truth.enumerate_pixels() {
                    if t[0] > 0 {
                        assert!(f64::from(x) >= bb[0] - 2.0 && f64::from(x) <= bb[2] + 2.0);
                        assert!(f64::from(y) >= bb[1] - 2.0 && f64::from(y) <= bb[3] + 2.0);
                    }
                }
            }
        }
    }

    #[test]
    fn a_big_banner_covers_about_the_asked_fraction() {
        let scene = staged_photo(11, W, H).with_banner_fraction(0.25);
        let item = scene.banner_item().unwrap();
        let frac = count(&scene.truth_mask(&[item])) as f64 / f64::from(W * H);
        assert!((0.15..0.3).contains(&frac), "banner covers {frac}");
    }

    #[test]
    fn pictures_have_texture_everywhere() {
        // Every 1/8 × 1/8 tile has some contrast, so keypoints can be found all over.
        for seed in 0..4 {
            let img = staged_photo(seed, W, H).render(&[]);
            let gray = to_gray_rgb(&img);
            for ty in 0..8 {
                for tx in 0..8 {
                    let (mut lo, mut hi) = (255u8, 0u8);
                    for y in ty * H / 8..(ty + 1) * H / 8 {
                        for x in tx * W / 8..(tx + 1) * W / 8 {
                            let l = gray.get_pixel(x, y)[0];
                            lo = lo.min(l);
                            hi = hi.max(l);
                        }
                    }
                    assert!(
                        hi - lo > 12,
                        "seed {seed} tile {tx},{ty} is flat ({lo}..{hi})"
                    );
                }
            }
        }
    }

    #[test]
    fn identity_rescan_changes_nothing() {
        let img = staged_photo(1, 200, 150).render(&[]);
        let (out, t) = rescan(&img, &Rescan::identity(), 5);
        assert_eq!(out, img);
        assert!(t.max_corner_distance(&Transform::identity(), 200.0, 150.0) < 1e-9);
    }

    fn dot_image(w: u32, h: u32, cx: f64, cy: f64) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| {
            let d2 = (f64::from(x) - cx).powi(2) + (f64::from(y) - cy).powi(2);
            let v = 230.0 - 200.0 * (-d2 / (2.0 * 3.0f64.powi(2))).exp();
            Rgb([v as u8, v as u8, v as u8])
        })
    }

    fn dark_centroid(img: &RgbImage) -> (f64, f64) {
        let (mut sx, mut sy, mut sw) = (0.0, 0.0, 0.0);
        for (x, y, p) in img.enumerate_pixels() {
            let w = (200.0 - f64::from(p[0])).max(0.0);
            sx += w * f64::from(x);
            sy += w * f64::from(y);
            sw += w;
        }
        (sx / sw, sy / sw)
    }

    #[test]
    fn rescan_transform_maps_a_dot_back_to_where_it_was() {
        let (w, h) = (400, 300);
        for (i, &(cx, cy)) in [(60.0, 50.0), (330.5, 240.0), (200.0, 150.0)]
            .iter()
            .enumerate()
        {
            let img = dot_image(w, h, cx, cy);
            let r = Rescan {
                scale: [0.85, 1.2, 0.93][i],
                angle_deg: [7.0, -4.0, 10.0][i],
                shift: [3.5, -2.25],
                crop: [0.05, 0.02, 0.03, 0.08],
                ..Rescan::identity()
            };
            let (out, t) = rescan(&img, &r, 1);
            assert_eq!((out.width(), out.height()), r.output_size(w, h));
            let (ax, ay) = dark_centroid(&out);
            let (bx, by) = t.apply(ax, ay).unwrap();
            let err = ((bx - cx).powi(2) + (by - cy).powi(2)).sqrt();
            assert!(
                err < 0.3,
                "case {i}: dot at ({cx},{cy}) came back at ({bx:.2},{by:.2})"
            );
        }
    }

    #[test]
    fn typical_rescan_is_smaller_rotated_and_noisy() {
        let img = staged_photo(2, 300, 200).render(&[]);
        let r = Rescan::typical(9);
        let (out, t) = rescan(&img, &r, 9);
        assert!(out.width() < 300 && out.height() < 200);
        assert!(
            t.max_corner_distance(
                &Transform::identity(),
                f64::from(out.width()),
                f64::from(out.height())
            ) > 5.0
        );
        let book = rescan(&img, &Rescan::book(9), 9).0;
        assert!(book.pixels().all(|p| p[0] == p[1] && p[1] == p[2]));
    }
}
