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

/// The documented reading order of two regions' boxes: by left edge, then by top edge.
#[must_use]
pub fn reading_order(a: &BBox, b: &BBox) -> std::cmp::Ordering {
    a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y))
}

/// Sorts regions into the documented reading order and renumbers them from 1.
pub fn sort_reading_order(regions: &mut [Region]) {
    regions.sort_by(|a, b| reading_order(&a.bbox, &b.bbox));
    for (i, r) in regions.iter_mut().enumerate() {
        r.id = u32::try_from(i + 1).unwrap_or(u32::MAX);
    }
}

use image::{GrayImage, Luma};
use imageproc::point::Point;
use imageproc::region_labelling::{Connectivity, connected_components};

use crate::geometry::Transform;
use crate::imgops::GrayF;

/// Settings of [`extract`], in working pixels.
#[derive(Clone, Copy, Debug)]
pub struct ExtractOptions {
    /// Fragments closer than this many pixels form one region.
    pub merge_radius: u32,
    /// Regions with fewer changed pixels are dropped.
    pub min_area_px: f64,
    /// Regions whose mean strength is below this are dropped.
    pub min_mean_strength: f32,
    /// Douglas–Peucker tolerance of the outline.
    pub simplify_px: f64,
}

struct Acc {
    count: u64,
    scored: u64,
    sx: f64,
    sy: f64,
    strength: f64,
    x0: u32,
    y0: u32,
    x1: u32,
    y1: u32,
}

/// Turns a working-resolution change mask into regions in full-resolution coordinates;
/// `full_from_work` maps working pixels to before-image pixels and `scale` is before pixels per
/// working pixel. Also returns the mask with dropped regions removed.
///
/// A region's score (its mean strength) is taken over its pixels in `core` where given (what
/// detection found before the outline was grown to the edge of the edit), else over all of
/// them; a region with no pixel in `core` is dropped.
#[must_use]
pub fn extract(
    mask: &GrayImage,
    core: Option<&GrayImage>,
    strength: &GrayF,
    full_from_work: &Transform,
    scale: f64,
    options: &ExtractOptions,
) -> (Vec<Region>, GrayImage) {
    let (w, h) = mask.dimensions();
    let grouped = crate::imgops::dilate(mask, options.merge_radius);
    let labels = connected_components(&grouped, Connectivity::Eight, Luma([0u8]));
    // Labels run from 1 to the number of components: one accumulator per label.
    let n_labels = labels.as_raw().iter().copied().max().unwrap_or(0) as usize;
    let mut accs: Vec<Option<Acc>> = (0..=n_labels).map(|_| None).collect();
    let (mraw, lraw, sraw) = (mask.as_raw(), labels.as_raw(), strength.as_raw());
    for (i, _) in mraw.iter().enumerate().filter(|(_, m)| **m != 0) {
        let (x, y) = ((i % w as usize) as u32, (i / w as usize) as u32);
        let l = lraw[i] as usize;
        let s = f64::from(sraw[i]);
        let in_core = core.is_none_or(|c| c.as_raw()[i] > 0);
        let a = accs[l].get_or_insert(Acc {
            count: 0,
            scored: 0,
            sx: 0.0,
            sy: 0.0,
            strength: 0.0,
            x0: x,
            y0: y,
            x1: x,
            y1: y,
        });
        a.count += 1;
        a.sx += f64::from(x);
        a.sy += f64::from(y);
        if in_core {
            a.scored += 1;
            a.strength += s;
        }
        a.x0 = a.x0.min(x);
        a.y0 = a.y0.min(y);
        a.x1 = a.x1.max(x);
        a.y1 = a.y1.max(y);
    }
    let mut kept_mask = GrayImage::new(w, h);
    let mut regions = Vec::new();
    let mut keep_labels = vec![false; n_labels + 1];
    for (label, a) in accs
        .iter()
        .enumerate()
        .filter_map(|(l, a)| Some((u32::try_from(l).ok()?, a.as_ref()?)))
    {
        if a.scored == 0 {
            continue;
        }
        let mean = a.strength / a.scored as f64;
        if (a.count as f64) < options.min_area_px || mean < f64::from(options.min_mean_strength) {
            continue;
        }
        keep_labels[label as usize] = true;
        // Outline: the region's pixels in a padded crop, closed by the merge radius so its
        // fragments join, holes filled, outer contour simplified.
        let pad = options.merge_radius + 2;
        let (cx0, cy0) = (a.x0.saturating_sub(pad), a.y0.saturating_sub(pad));
        let (cx1, cy1) = ((a.x1 + pad).min(w - 1), (a.y1 + pad).min(h - 1));
        let crop = GrayImage::from_fn(cx1 - cx0 + 1 + 2, cy1 - cy0 + 1 + 2, |x, y| {
            if x == 0 || y == 0 || x > cx1 - cx0 + 1 || y > cy1 - cy0 + 1 {
                return Luma([0]);
            }
            let (gx, gy) = (cx0 + x - 1, cy0 + y - 1);
            let on = mask.get_pixel(gx, gy)[0] > 0 && labels.get_pixel(gx, gy)[0] == label;
            Luma([if on { 255 } else { 0 }])
        });
        let closed = crate::imgops::erode(
            &crate::imgops::dilate(&crop, options.merge_radius),
            options.merge_radius,
        );
        let closed = crate::imgops::fill_holes(&closed);
        let contours = imageproc::contours::find_contours::<i32>(&closed);
        let Some(outer) = contours
            .iter()
            .filter(|c| c.border_type == imageproc::contours::BorderType::Outer)
            .max_by_key(|c| c.points.len())
        else {
            continue;
        };
        let simplified: Vec<Point<i32>> =
            imageproc::geometry::approximate_polygon_dp(&outer.points, options.simplify_px, true);
        let polygon: Vec<[f64; 2]> = simplified
            .iter()
            .map(|p| {
                let (x, y) = full_from_work.apply_lossy(
                    f64::from(p.x - 1 + cx0 as i32),
                    f64::from(p.y - 1 + cy0 as i32),
                );
                [x, y]
            })
            .collect();
        if polygon.len() < 3 {
            continue;
        }
        let Some(bbox) = BBox::of_points(&polygon) else {
            continue;
        };
        let (cx, cy) = full_from_work.apply_lossy(a.sx / a.count as f64, a.sy / a.count as f64);
        regions.push(Region {
            id: 0,
            bbox,
            polygon,
            area_px: a.count as f64 * scale * scale,
            centroid: [cx, cy],
            score: mean,
        });
    }
    for (m, (o, l)) in kept_mask.iter_mut().zip(mask.iter().zip(labels.iter())) {
        if *o > 0 && keep_labels[*l as usize] {
            *m = 255;
        }
    }
    sort_reading_order(&mut regions);
    (regions, kept_mask)
}

/// Removes from `mask` the parts that are scan defects: dust specks, hairs and scratches that
/// one scan shows and the other does not. Such a part's clear change (its pixels whose
/// `strength` reaches `seed_level`, the seeds it grew from) is thin everywhere: no pixel of it
/// is more than `max_half_width` pixels from its edge, a speck or a line however long. The
/// part may be wider, where growth spread from a hair into the texture beside it. It is also
/// small (under `max_area` pixels). Whatever a retoucher painted out of a photograph (a
/// person, a sign, an object) changed clearly over a width greater than a hair's somewhere.
///
/// A defect also changes the scan one way: dust and scratches are lighter than what they lie
/// on, a hair darker. With `detail` (the fine detail of the before and of the after, see
/// [`crate::diff::fine_detail`]), a part whose clear change makes the after both lighter and
/// darker, by at least [`TWO_WAY_SHARE`] of one against the other, is an edit however thin:
/// a clone stamp that shifts the mortar of a brick wall, the strokes of lettering or the
/// blades of grass moves thin detail from one place to another.
/// Returns the cleaned mask and how many parts were removed.
#[must_use]
pub fn drop_scan_defects(
    mask: &GrayImage,
    strength: &GrayF,
    detail: Option<[&GrayF; 2]>,
    seed_level: f32,
    max_half_width: u8,
    max_area: f64,
) -> (GrayImage, usize) {
    let (w, h) = mask.dimensions();
    // Distance of each clearly changed pixel to the nearest one that is not.
    let outside = GrayImage::from_fn(w, h, |x, y| {
        let clear = mask.get_pixel(x, y)[0] > 0 && strength.get_pixel(x, y)[0] >= seed_level;
        Luma([if clear { 0 } else { 255 }])
    });
    let depth = imageproc::distance_transform::distance_transform(
        &outside,
        imageproc::distance_transform::Norm::LInf,
    );
    // Distance of each pixel of a part to the nearest pixel outside it.
    let outside_part = GrayImage::from_fn(w, h, |x, y| {
        Luma([if mask.get_pixel(x, y)[0] > 0 { 0 } else { 255 }])
    });
    let part_depth = imageproc::distance_transform::distance_transform(
        &outside_part,
        imageproc::distance_transform::Norm::LInf,
    );
    let labels = connected_components(mask, Connectivity::Eight, Luma([0u8]));
    let n = labels.as_raw().iter().copied().max().unwrap_or(0) as usize;
    let mut deepest = vec![0u8; n + 1];
    let mut body = vec![0u8; n + 1];
    let mut area = vec![0u64; n + 1];
    let mut clear = vec![0u64; n + 1];
    // How much lighter and how much darker the after's detail is over each part's clear change.
    let mut lighter = vec![0f64; n + 1];
    let mut darker = vec![0f64; n + 1];
    for (i, ((l, d), (pd, o))) in labels
        .iter()
        .zip(depth.iter())
        .zip(part_depth.iter().zip(outside.iter()))
        .enumerate()
    {
        if *l > 0 {
            let l = *l as usize;
            deepest[l] = deepest[l].max(*d);
            body[l] = body[l].max(*pd);
            area[l] += 1;
            clear[l] += u64::from(*o == 0);
            if let Some([db, da]) = detail
                && *o == 0
            {
                let change = f64::from(da.as_raw()[i] - db.as_raw()[i]);
                if change.is_finite() {
                    lighter[l] += change.max(0.0);
                    darker[l] += (-change).max(0.0);
                }
            }
        }
    }
    let two_way = |l: usize| {
        let (most, least) = (lighter[l].max(darker[l]), lighter[l].min(darker[l]));
        most > 0.0 && least >= TWO_WAY_SHARE * most
    };
    // A part with a wide body of its own (four defect widths from its edge to its middle),
    // a third of it clearly changed, is not a defect however thin each of its specks: a patch
    // of grass or gravel painted flat changes that way, while the specks of grain and JPEG
    // that gather round a hair or along an edge make a narrower part.
    let speckled =
        |l: usize| u32::from(body[l]) >= 4 * u32::from(max_half_width) && clear[l] * 3 >= area[l];
    let defect: Vec<bool> = (0..=n)
        .map(|l| {
            l > 0
                && deepest[l] <= max_half_width
                && (area[l] as f64) < max_area
                && !speckled(l)
                && !two_way(l)
        })
        .collect();
    without_parts(mask, &labels, &defect)
}

/// The least share of a part's lighter change against its darker one, or the other way
/// round, at which the part changed both ways (see [`drop_scan_defects`]).
pub const TWO_WAY_SHARE: f64 = 0.75;

/// `mask` less the parts of `labels` flagged in `drop`, and how many were flagged.
fn without_parts(
    mask: &GrayImage,
    labels: &image::ImageBuffer<Luma<u32>, Vec<u32>>,
    drop: &[bool],
) -> (GrayImage, usize) {
    let mut out = mask.clone();
    for (o, l) in out.iter_mut().zip(labels.iter()) {
        if drop[*l as usize] {
            *o = 0;
        }
    }
    (out, drop.iter().filter(|&&d| d).count())
}

/// Removes from `mask` the parts over which the two pictures' fine detail (`detail`: before,
/// after) correlates at `min_correlation` or more: there the after holds what the before
/// holds, drawn differently (another tone curve or grey mix, another blur, a fit a fraction
/// of a pixel off), and nothing was painted out. Only pixels where `valid` is set count. A
/// part a third of whose pixels reach `colour`'s level (a plane of the change of colour alone,
/// and a level) was repainted another colour, and stays however its detail agrees: a poster
/// keeps its detail.
/// Returns the cleaned mask and how many parts were removed.
#[must_use]
pub fn drop_renderings(
    mask: &GrayImage,
    detail: [&GrayF; 2],
    valid: &GrayImage,
    colour: Option<(&GrayF, f32)>,
    min_correlation: f64,
) -> (GrayImage, usize) {
    let labels = connected_components(mask, Connectivity::Eight, Luma([0u8]));
    let n = labels.as_raw().iter().copied().max().unwrap_or(0) as usize;
    // Per part: count, the two sums, the three sums of products, and the count of pixels
    // whose colour changed.
    let mut sums = vec![[0f64; 7]; n + 1];
    for (i, l) in labels.as_raw().iter().enumerate() {
        if *l == 0 || valid.as_raw()[i] == 0 {
            continue;
        }
        let (b, a) = (
            f64::from(detail[0].as_raw()[i]),
            f64::from(detail[1].as_raw()[i]),
        );
        if !(b.is_finite() && a.is_finite()) {
            continue;
        }
        let s = &mut sums[*l as usize];
        if let Some((c, level)) = colour
            && c.as_raw()[i] >= level
        {
            s[6] += 1.0;
        }
        s[0] += 1.0;
        s[1] += b;
        s[2] += a;
        s[3] += b * b;
        s[4] += a * a;
        s[5] += a * b;
    }
    let rendering: Vec<bool> = sums
        .iter()
        .enumerate()
        .map(|(l, s)| {
            // Fewer than 16 pixels with data say nothing of a correlation.
            let count = s[0];
            if l == 0 || count < 16.0 || s[6] * 3.0 >= count {
                return false;
            }
            let var_b = s[3] - s[1] * s[1] / count;
            let var_a = s[4] - s[2] * s[2] / count;
            let cov = s[5] - s[1] * s[2] / count;
            var_b > 0.0 && var_a > 0.0 && cov / (var_b * var_a).sqrt() >= min_correlation
        })
        .collect();
    without_parts(mask, &labels, &rendering)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hair's clear change is a thin line, even where growth has spread a weak halo round
    /// it; a painted-out figure's is wide. The hair goes, the figure stays.
    #[test]
    fn a_hair_with_a_halo_is_a_defect_but_a_figure_is_not() {
        let (w, h) = (200u32, 120u32);
        let hair = |x: u32, y: u32| (20..120).contains(&x) && (30..33).contains(&y);
        let halo = |x: u32, y: u32| (15..125).contains(&x) && (18..45).contains(&y);
        let figure = |x: u32, y: u32| (150..175).contains(&x) && (60..110).contains(&y);
        let mask = GrayImage::from_fn(w, h, |x, y| {
            Luma([if halo(x, y) || figure(x, y) { 255 } else { 0 }])
        });
        let strength = GrayF::from_fn(w, h, |x, y| {
            Luma([if hair(x, y) || figure(x, y) {
                5.0
            } else if halo(x, y) {
                0.8
            } else {
                0.0
            }])
        });
        let (kept, dropped) =
            drop_scan_defects(&mask, &strength, None, 1.5, 4, 0.2 * 200.0 * 120.0);
        assert_eq!(dropped, 1);
        assert_eq!(kept.get_pixel(60, 31)[0], 0, "the hair and its halo go");
        assert_eq!(kept.get_pixel(60, 20)[0], 0);
        assert_eq!(kept.get_pixel(160, 80)[0], 255, "the figure stays");
    }

    /// Two thin lines of clear change: a hair, darker than the picture under it, goes; a line
    /// of lettering moved by two pixels (darker where it is now, lighter where it was) stays.
    #[test]
    fn a_thin_change_both_ways_is_not_a_defect() {
        let (w, h) = (200u32, 120u32);
        let hair = |x: u32, y: u32| (20..120).contains(&x) && (30..33).contains(&y);
        let moved = |x: u32, y: u32| (20..120).contains(&x) && (80..84).contains(&y);
        let mask = GrayImage::from_fn(w, h, |x, y| {
            Luma([if hair(x, y) || moved(x, y) { 255 } else { 0 }])
        });
        let strength = GrayF::from_fn(w, h, |x, y| {
            Luma([if hair(x, y) || moved(x, y) { 5.0 } else { 0.0 }])
        });
        let before = GrayF::from_fn(w, h, |_, y| {
            Luma([if (80..82).contains(&y) { -0.2 } else { 0.0 }])
        });
        let after = GrayF::from_fn(w, h, |x, y| {
            Luma([if hair(x, y) || (moved(x, y) && y >= 82) {
                -0.2
            } else {
                0.0
            }])
        });
        let area = 0.2 * 200.0 * 120.0;
        let (kept, dropped) =
            drop_scan_defects(&mask, &strength, Some([&before, &after]), 1.5, 4, area);
        assert_eq!(dropped, 1);
        assert_eq!(kept.get_pixel(60, 31)[0], 0, "the hair goes");
        assert_eq!(kept.get_pixel(60, 81)[0], 255, "the moved line stays");
        // Judged by its thinness alone, the moved line would go too.
        let (_, dropped) = drop_scan_defects(&mask, &strength, None, 1.5, 4, area);
        assert_eq!(dropped, 2);
    }

    /// A patch of grass painted flat changes in specks, each thinner than a hair, where the
    /// blades were: it stays, while a narrow band of such specks (grain along an edge) goes.
    #[test]
    fn a_speckled_patch_with_a_body_stays() {
        let (w, h) = (200u32, 120u32);
        let patch = |x: u32, y: u32| (20..90).contains(&x) && (20..100).contains(&y);
        let band = |x: u32, y: u32| (120..190).contains(&x) && (50..62).contains(&y);
        let speck = |x: u32, y: u32| (x / 3 + y / 3).is_multiple_of(2);
        let mask = GrayImage::from_fn(w, h, |x, y| {
            Luma([if patch(x, y) || band(x, y) { 255 } else { 0 }])
        });
        let strength = GrayF::from_fn(w, h, |x, y| {
            let inside = patch(x, y) || band(x, y);
            Luma([if inside && speck(x, y) {
                5.0
            } else if inside {
                0.8
            } else {
                0.0
            }])
        });
        let (kept, dropped) =
            drop_scan_defects(&mask, &strength, None, 1.5, 4, 0.5 * 200.0 * 120.0);
        assert_eq!(dropped, 1);
        assert_eq!(kept.get_pixel(50, 60)[0], 255, "the patch stays");
        assert_eq!(kept.get_pixel(150, 55)[0], 0, "the band goes");
    }

    /// A part whose detail the after repeats (at another level) goes; a part where the after's
    /// detail is gone stays, and so does a part whose colour alone changed.
    #[test]
    fn a_part_drawn_again_goes_but_an_erased_one_stays() {
        let (w, h) = (120u32, 40u32);
        let texture = |x: u32, y: u32| ((x * 7 + y * 13) % 11) as f32 / 11.0 - 0.5;
        let mask = GrayImage::from_fn(w, h, |x, _| {
            Luma([
                if (5..35).contains(&x) || (45..75).contains(&x) || (85..115).contains(&x) {
                    255
                } else {
                    0
                },
            ])
        });
        let before = GrayF::from_fn(w, h, |x, y| Luma([texture(x, y)]));
        let after = GrayF::from_fn(w, h, |x, y| {
            Luma([if (45..75).contains(&x) {
                0.0
            } else {
                0.6 * texture(x, y)
            }])
        });
        let colour = GrayF::from_fn(w, h, |x, _| Luma([if x >= 85 { 5.0 } else { 0.0 }]));
        let valid = GrayImage::from_pixel(w, h, Luma([255]));
        let (kept, dropped) =
            drop_renderings(&mask, [&before, &after], &valid, Some((&colour, 1.5)), 0.7);
        assert_eq!(dropped, 1);
        assert_eq!(kept.get_pixel(20, 20)[0], 0, "drawn again");
        assert_eq!(kept.get_pixel(60, 20)[0], 255, "erased");
        assert_eq!(kept.get_pixel(100, 20)[0], 255, "repainted another colour");
    }
}
