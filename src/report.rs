//! The machine-readable result of `palimpsest diff` (its JSON schema is documented in the
//! README) and the quick annotated image it can write.

use image::{Rgb, RgbImage};
use imageproc::drawing::{draw_filled_rect_mut, draw_line_segment_mut, draw_text_mut};
use imageproc::rect::Rect;
use serde::Serialize;

use crate::align::AlignMethod;
use crate::geometry::Model;
use crate::io::LoadedImage;
use crate::params::Params;
use crate::pipeline::{Analysis, Timings};
use crate::regions::Region;

/// Version of the report schema.
pub const REPORT_VERSION: u32 = 1;

/// One input image as described in the report.
#[derive(Debug, Serialize)]
pub struct ImageInfo {
    /// Path as given.
    pub path: String,
    /// Width in pixels (after EXIF orientation).
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Whether the image carries no colour.
    pub grayscale: bool,
}

/// The alignment as described in the report.
#[derive(Debug, Serialize)]
pub struct AlignmentInfo {
    /// Fitted model.
    pub model: Model,
    /// Row-major 3×3 matrix mapping after-image pixels to before-image pixels.
    pub before_from_after: [[f64; 3]; 3],
    /// Keypoint correspondences consistent with the fit.
    pub inliers: usize,
    /// Typical remaining misalignment in before-image pixels.
    pub residual_px: f64,
    /// 0 (no trust) to 1, from the predicted error.
    pub confidence: f64,
    /// Predicted error of the fit at the after image's corners, in before-image pixels.
    pub expected_error_px: f64,
    /// How the transform was found.
    pub method: AlignMethod,
    /// Why the fit should be checked, when the evidence for it is mixed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

/// The whole report.
#[derive(Debug, Serialize)]
pub struct Report {
    /// Schema version.
    pub version: u32,
    /// The original.
    pub before: ImageInfo,
    /// The doctored print.
    pub after: ImageInfo,
    /// Registration of after onto before.
    pub alignment: AlignmentInfo,
    /// Parameters used.
    pub params: Params,
    /// Strength threshold used (in noise-floor units).
    pub threshold: f32,
    /// Fraction of the before image covered by both images.
    pub overlap_fraction: f64,
    /// Fraction of the before image marked changed.
    pub changed_fraction: f64,
    /// The regions, in reading order, in before-image pixels.
    pub regions: Vec<Region>,
    /// Stage timings in seconds.
    pub timings: Timings,
    /// Time spent writing image outputs, in seconds.
    pub write_secs: f64,
}

impl Report {
    /// Builds the report of an analysis.
    #[must_use]
    pub fn new(before: &LoadedImage, after: &LoadedImage, a: &Analysis, write_secs: f64) -> Self {
        let info = |img: &LoadedImage| ImageInfo {
            path: img.path.display().to_string(),
            width: img.full_size.0,
            height: img.full_size.1,
            grayscale: img.grayscale,
        };
        let fraction = |m: &image::GrayImage| {
            let n = m.as_raw().iter().filter(|&&v| v > 0).count();
            n as f64 / (m.as_raw().len().max(1)) as f64
        };
        Self {
            version: REPORT_VERSION,
            before: info(before),
            after: info(after),
            alignment: AlignmentInfo {
                model: a.alignment.model,
                before_from_after: a.alignment.before_from_after.rows(),
                inliers: a.alignment.inliers,
                residual_px: a.alignment.residual_px,
                confidence: a.alignment.confidence,
                expected_error_px: a.alignment.expected_error_px,
                method: a.alignment.method,
                warning: a.alignment.warning.clone(),
            },
            params: a.params.clone(),
            threshold: a.detection.threshold,
            overlap_fraction: fraction(&a.change.valid),
            changed_fraction: fraction(&a.detection.mask),
            regions: a.detection.regions.clone(),
            timings: a.timings.clone(),
            write_secs,
        }
    }
}

/// Colour-blind-safe outline colours (Okabe–Ito), cycled by region number.
pub const PALETTE: [[u8; 3]; 7] = [
    [230, 159, 0],
    [86, 180, 233],
    [0, 158, 115],
    [240, 228, 66],
    [0, 114, 178],
    [213, 94, 0],
    [204, 121, 167],
];

/// Draws each region's outline and number onto a copy of `base`.
#[must_use]
pub fn annotate_regions(base: &RgbImage, regions: &[Region]) -> RgbImage {
    let mut img = base.clone();
    let side = img.width().max(img.height()) as f32;
    let thickness = (side / 400.0).round().max(2.0) as i32;
    let font = crate::fonts::sans();
    let text_px = (side / 40.0).max(14.0);
    for r in regions {
        let colour = Rgb(PALETTE[(r.id as usize).saturating_sub(1) % PALETTE.len()]);
        let n = r.polygon.len();
        for i in 0..n {
            let p = r.polygon[i];
            let q = r.polygon[(i + 1) % n];
            for o in 0..thickness {
                let d = o as f32 - thickness as f32 / 2.0;
                for (dx, dy) in [(d, 0.0), (0.0, d)] {
                    draw_line_segment_mut(
                        &mut img,
                        (p[0] as f32 + dx, p[1] as f32 + dy),
                        (q[0] as f32 + dx, q[1] as f32 + dy),
                        colour,
                    );
                }
            }
        }
        let label = r.id.to_string();
        let (tw, th) = imageproc::drawing::text_size(text_px, &font, &label);
        let pad = (text_px / 5.0) as i32;
        let x = (r.bbox.x as i32).max(0);
        let y = (r.bbox.y as i32 - th as i32 - 2 * pad).max(0);
        draw_filled_rect_mut(
            &mut img,
            Rect::at(x, y).of_size(tw + 2 * pad as u32, th + 2 * pad as u32),
            colour,
        );
        draw_text_mut(
            &mut img,
            Rgb([0, 0, 0]),
            x + pad,
            y + pad,
            text_px,
            &font,
            &label,
        );
    }
    img
}
