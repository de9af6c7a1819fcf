//! The whole analysis of one pair: align → warp → tone → change map → threshold → regions.
//!
//! [`analyze`] runs everything; [`detect`] re-runs only thresholding and region extraction on
//! an existing [`ChangeMap`], which is what a sensitivity slider needs. The change map is kept
//! at a working resolution (longest side [`Params::work_max_side`]); regions and the full mask
//! are reported in before-image pixels.

use std::time::Instant;

use image::{GrayImage, Luma, RgbImage};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use rayon::prelude::*;

use crate::align::{self, AlignError, AlignOptions, Alignment};
use crate::diff::ChangeInputs;
use crate::geometry::Transform;
use crate::imgops::{
    content_box, descreen_sigma, downsample_box, downsample_channels, gaussian_blur,
    level_from_full, luma_f32, opponent, upsample_bilinear,
};
use crate::io::LoadedImage;
pub use crate::params::Params;

use crate::job::{Cancelled, Job, Stage, trace, trace_line, tracing};
use crate::regions::ExtractOptions;
use crate::regions::Region;
use crate::tone;

use crate::imgops::GrayF;

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
    /// The strength less what a change of rendering explains (see [`RENDERING_CORRELATION`]):
    /// where regions are seeded and spread. Their outlines then grow to the edge of the edit
    /// on `strength`.
    pub seeds: GrayF,
    /// The fine detail of the before image and of the tone-matched after image (see
    /// [`crate::diff::fine_detail`]), by which a changed part as a whole shows whether the
    /// after holds what the before holds there.
    pub detail: [GrayF; 2],
    /// The colour's part of the strength where the luminance's stays under the level regions
    /// grow to at the default sensitivity (a change of colour alone), when both pictures are
    /// in colour.
    pub colour: Option<GrayF>,
}

/// What the change-strength stage gives: the strength, the seeds and the detail of
/// [`ChangeMap`], and the colour's part.
struct Strengths {
    strength: GrayF,
    seeds: GrayF,
    detail: [GrayF; 2],
    colour: Option<GrayF>,
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
    run(before, after, None, params, ignore, job)
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
    run(before, after, Some(alignment), params, ignore, job)
}

/// [`analyze`] when `given` is `None`, else [`analyze_aligned`] with that alignment.
///
/// Either image may be a reduced copy (see [`LoadedImage::reduction`]): the stages run on the
/// copies as loaded, and everything reported (the alignment, the regions, the change map's
/// scale and size) is in the files' full-size pixels.
fn run(
    before: &LoadedImage,
    after: &LoadedImage,
    given: Option<Alignment>,
    params: &Params,
    ignore: Option<&GrayImage>,
    job: Job<'_>,
) -> Result<Analysis, PipelineError> {
    check_ignore(before, ignore)?;
    let start = Instant::now();
    if given.is_none() {
        job.report(Stage::Aligning, 0.0);
    }
    let tt = Instant::now();
    let (lb, la) = rayon::join(|| luma_f32(&before.rgb), || luma_f32(&after.rgb));
    job.check()?;
    let tt = trace("luminance", tt);
    let screens = crate::imgops::screen_periods(&lb, &la);
    trace("halftone screens", tt);
    // The stages use the alignment between the copies; a given one is reported as given.
    let (alignment, given, align_secs) = match given {
        Some(a) => (between_copies(&a, before, after), Some(a), 0.0),
        None => {
            let alignment = align_copies(&lb, &la, screens, params, job)?;
            (alignment, None, start.elapsed().as_secs_f64())
        }
    };
    // A rescan in grey (or toned) weighs the original's colours its own way: compare with
    // the before image's channels in the rescan's mix when it clearly has one.
    let tt = Instant::now();
    let mixed = (!before.grayscale)
        .then(|| crate::tone::mix::fit_mix(&before.rgb, &la, &alignment.before_from_after))
        .flatten()
        .map(|mix| {
            if tracing() {
                trace_line(&format!(
                    "grey mix of the rescan: red {:.2}, green {:.2}, blue {:.2}",
                    mix[0], mix[1], mix[2]
                ));
            }
            crate::imgops::luma_weighted(&before.rgb, &mix)
        });
    trace("tone: grey mix", tt);
    let lb = mixed.unwrap_or(lb);
    let pair = Pair {
        before,
        after,
        luma: [&lb, &la],
        screens,
        alignment: &alignment,
        params,
    };
    let mut analysis = run_from_alignment(&pair, ignore, job)?;
    analysis.alignment = given.unwrap_or_else(|| in_full_pixels(&alignment, before, after));
    analysis.timings.align_secs = align_secs;
    analysis.timings.total_secs = start.elapsed().as_secs_f64();
    Ok(analysis)
}

/// Registers `after` onto `before` as [`analyze`] does, without the rest of the analysis; the
/// alignment is in the files' full-size pixels whatever copies were loaded.
///
/// # Errors
/// Alignment failure or cancellation.
pub fn align_pair(
    before: &LoadedImage,
    after: &LoadedImage,
    params: &Params,
    job: Job<'_>,
) -> Result<Alignment, PipelineError> {
    let (lb, la) = rayon::join(|| luma_f32(&before.rgb), || luma_f32(&after.rgb));
    let screens = crate::imgops::screen_periods(&lb, &la);
    let alignment = align_copies(&lb, &la, screens, params, job)?;
    Ok(in_full_pixels(&alignment, before, after))
}

/// Registers the luminance of two copies, in their own pixels.
fn align_copies(
    lb: &GrayF,
    la: &GrayF,
    screens: [Option<f32>; 2],
    params: &Params,
    job: Job<'_>,
) -> Result<Alignment, PipelineError> {
    let options = AlignOptions {
        model: params.model,
        screen_periods: Some(screens),
        ..AlignOptions::default()
    };
    let tt = Instant::now();
    let alignment = align::align(lb, la, &options, job)?;
    trace("align (all)", tt);
    Ok(alignment)
}

/// An alignment between the copies `before` and `after` as loaded, carried into the files'
/// full-size pixels; its errors are in full-size before pixels.
///
/// The confidence follows the error in full-size pixels, as it does for an image loaded
/// whole.
fn in_full_pixels(a: &Alignment, before: &LoadedImage, after: &LoadedImage) -> Alignment {
    let copy_from_full = crate::imgops::level_from_full(after.reduction);
    let full = conjugated(
        a,
        &before.full_from_copy(),
        &copy_from_full,
        f64::from(before.reduction),
    );
    let (own, in_full) = (
        align::assess::confidence_for(a.expected_error_px),
        align::assess::confidence_for(full.expected_error_px),
    );
    Alignment {
        confidence: if own > 0.0 {
            a.confidence * in_full / own
        } else {
            a.confidence
        },
        ..full
    }
}

/// An alignment in the files' full-size pixels carried between the copies as loaded.
fn between_copies(a: &Alignment, before: &LoadedImage, after: &LoadedImage) -> Alignment {
    let copy_from_full = crate::imgops::level_from_full(before.reduction);
    conjugated(
        a,
        &copy_from_full,
        &after.full_from_copy(),
        1.0 / f64::from(before.reduction),
    )
}

/// `outer ∘ a ∘ inner`, its errors multiplied by `scale`.
fn conjugated(a: &Alignment, outer: &Transform, inner: &Transform, scale: f64) -> Alignment {
    if outer.matrix == Transform::identity().matrix && inner.matrix == Transform::identity().matrix
    {
        return a.clone();
    }
    Alignment {
        before_from_after: outer
            .then_after(&a.before_from_after)
            .then_after(inner)
            .normalized(),
        residual_px: a.residual_px * scale,
        expected_error_px: a.expected_error_px * scale,
        ..a.clone()
    }
}

fn check_ignore(before: &LoadedImage, ignore: Option<&GrayImage>) -> Result<(), PipelineError> {
    if let Some(m) = ignore
        && m.dimensions() != before.full_size
    {
        return Err(PipelineError::MaskSize {
            got_w: m.width(),
            got_h: m.height(),
            want_w: before.full_size.0,
            want_h: before.full_size.1,
        });
    }
    Ok(())
}

pub use crate::params::work_factor;

/// Warps a full-resolution after plane into the before image's working frame, pre-averaging
/// it so the sampling does not alias.
fn warp_to_work(
    after: &GrayF,
    before_from_after: &Transform,
    k_work: u32,
    size: (u32, u32),
) -> GrayF {
    let k_after = after_factor(before_from_after, k_work);
    let [warped] = warp_reduced(
        [&downsample_box(after, k_after)],
        k_after,
        before_from_after,
        k_work,
        size,
    );
    warped
}

/// The box factor that brings the after image near the working resolution without going
/// below it, so the warp never has to interpolate across more than one reduced pixel.
fn after_factor(before_from_after: &Transform, k_work: u32) -> u32 {
    let after_px_per_work_px = f64::from(k_work) / before_from_after.linear_scale();
    (after_px_per_work_px.floor() as u32).max(1)
}

/// Warps an after plane already box-reduced by `k_after` into the working frame.
fn warp_reduced<const N: usize>(
    reduced: [&GrayF; N],
    k_after: u32,
    before_from_after: &Transform,
    k_work: u32,
    size: (u32, u32),
) -> [GrayF; N] {
    let work_from_reduced = level_from_full(k_work)
        .then_after(before_from_after)
        .then_after(&level_from_full(k_after).inverse().unwrap_or_default());
    align::warp_gray_planes(reduced, &work_from_reduced, size.0, size.1)
}

/// What every stage after alignment reads: the pair as loaded, its luminance planes at full
/// size, their halftone screens, the alignment and the parameters.
struct Pair<'a> {
    before: &'a LoadedImage,
    after: &'a LoadedImage,
    /// Luminance of `before` and `after`, full size.
    luma: [&'a GrayF; 2],
    /// Halftone screen periods of `before` and `after`, each in its own pixels.
    screens: [Option<f32>; 2],
    alignment: &'a Alignment,
    params: &'a Params,
}

/// The pair at the working resolution, both in the before image's frame.
struct WorkFrame {
    /// Before-image pixels per working pixel.
    k: u32,
    size: (u32, u32),
    before: GrayF,
    /// The after image warped into the frame; NaN where it has no data.
    after: GrayF,
    /// 255 where both pictures have data (inside both content boxes), 0 elsewhere.
    valid: GrayImage,
}

/// The working frame blurred to the noise scale, with both pictures equally sharp.
struct Smoothed {
    before: GrayF,
    after: GrayF,
    /// [`WorkFrame::valid`] eroded by the blur's reach, so the no-data border does not count.
    valid: GrayImage,
    /// The noise blur, in working pixels.
    sigma: f32,
}

/// The red, green and blue planes of both pictures at half the working resolution, (before,
/// after) per channel, and the after image's luminance at that resolution before and after
/// its tones were matched (whose ratio is the gain the channels are given).
struct Channels {
    rgb: [(GrayF, GrayF); 3],
    luma_raw: GrayF,
    luma_toned: GrayF,
}

/// Runs the stages after alignment, in the order of the data-flow diagram in ARCHITECTURE.md:
/// working frame, noise blur, tone (and colour), change strength, detection.
fn run_from_alignment(
    pair: &Pair<'_>,
    ignore: Option<&GrayImage>,
    job: Job<'_>,
) -> Result<Analysis, PipelineError> {
    let mut timings = Timings::default();
    let t = Instant::now();
    job.report(Stage::Normalising, 0.0);
    let frame = pair.work_frame()?;
    job.check()?;
    let smoothed = pair.smooth(&frame);
    // The scan defects and the tone and colour planes need only the smoothed pair: they are
    // found side by side, so that each fills the other's idle core.
    let (defects, (after_toned, channels)) = rayon::join(
        || {
            let tt = Instant::now();
            let defects = crate::defects::scan_defects(
                &smoothed.before,
                &smoothed.after,
                pair.sharp_after(&frame, &smoothed).as_ref(),
                &smoothed.valid,
                smoothed.sigma,
            );
            trace("defects: found", tt);
            defects
        },
        || pair.normalise(&frame, &smoothed),
    );
    timings.normalise_secs = t.elapsed().as_secs_f64();
    job.report(Stage::Diffing, 0.0);
    job.check()?;

    let t = Instant::now();
    let Strengths {
        mut strength,
        mut seeds,
        detail,
        colour,
    } = pair.change_strength(&frame, &smoothed, &after_toned, channels);
    // Dust and hairs say nothing, as far as the noise blur carries them.
    for plane in [&mut strength, &mut seeds] {
        crate::defects::silence(
            plane,
            &defects,
            (2.0 * smoothed.sigma).ceil() as u32 + 1,
            GROW,
        );
    }
    timings.diff_secs = t.elapsed().as_secs_f64();
    trace("change map", t);
    job.check()?;

    let change = ChangeMap {
        strength,
        valid: smoothed.valid,
        scale: f64::from(frame.k * pair.before.reduction),
        before_size: pair.before.full_size,
        auto_threshold: 1.0,
        seeds,
        detail,
        colour,
    };
    let t = Instant::now();
    job.report(Stage::Regions, 0.0);
    let detection = detect(&change, pair.params, ignore)?;
    timings.regions_secs = t.elapsed().as_secs_f64();
    job.report(Stage::Regions, 1.0);
    Ok(Analysis {
        alignment: pair.alignment.clone(),
        change,
        detection,
        timings,
        params: pair.params.clone(),
    })
}

/// `luma`, the luminance's change strength, with no change left where the after holds the
/// before's own detail round a pixel: there the picture is the same, drawn differently, and
/// nothing was painted out (see [`LOCAL_RENDERING_CORRELATION`]); and the fine detail of both
/// pictures, by which [`detect`] judges each changed part as a whole.
fn without_renderings(
    luma: &GrayF,
    s: &Smoothed,
    after_toned: &GrayF,
) -> (GrayF, [GrayF; 2], GrayF) {
    let tt = Instant::now();
    let (detail_b, detail_a) = rayon::join(
        || crate::diff::fine_detail(&s.before, s.sigma),
        || crate::diff::fine_detail(&crate::diff::fill_nan(after_toned, &s.before), s.sigma),
    );
    let agreement = crate::diff::detail_agreement(&detail_b, &detail_a, s.sigma);
    let mut seeds = luma.clone();
    seeds
        .par_iter_mut()
        .zip(agreement.as_raw().par_iter())
        .for_each(|(z, r)| {
            if f64::from(*r) >= LOCAL_RENDERING_CORRELATION {
                *z = 0.0;
            }
        });
    trace("renderings", tt);
    (seeds, [detail_b, detail_a], agreement)
}

/// Least share of the before image the aligned pair must both cover.
const MIN_OVERLAP: f64 = 0.2;

/// Pixels trimmed inside each scan's content box, for the interpolation at its edge.
const CONTENT_MARGIN: f64 = 2.0;

/// The blur, in working pixels, of the copy on which a scan defect's level is judged: enough
/// to tame single-pixel grain, little enough that a hair one or two pixels wide keeps its level.
const SHARP_SIGMA: f32 = 0.7;

impl Pair<'_> {
    /// Stage 1: the before image reduced to the working size, the after image warped into it,
    /// and where both have picture.
    fn work_frame(&self) -> Result<WorkFrame, PipelineError> {
        let [lb, la] = self.luma;
        let before_from_after = &self.alignment.before_from_after;
        let k = work_factor(self.before.rgb.dimensions(), self.params.work_max_side);
        let t = Instant::now();
        let before = downsample_box(lb, k);
        let size = before.dimensions();
        let tt = trace("work: before reduced", t);
        let after = warp_to_work(la, before_from_after, k, size);
        let tt = trace("work: after warped", tt);
        // Valid where both pictures have data: inside the after image once warped, and inside
        // each scan's picture area (uniform borders such as a paper margin or the scanner's
        // lid are not picture), less a couple of pixels of interpolation margin.
        let (box_b, box_a) = rayon::join(|| content_box(lb), || content_box(la));
        let full_from_work = level_from_full(k).inverse().unwrap_or_default();
        let after_from_full = before_from_after.inverse().unwrap_or_default();
        let inside = |bx: [u32; 4], x: f64, y: f64| {
            x >= f64::from(bx[0]) + CONTENT_MARGIN
                && y >= f64::from(bx[1]) + CONTENT_MARGIN
                && x <= f64::from(bx[2]) - CONTENT_MARGIN
                && y <= f64::from(bx[3]) - CONTENT_MARGIN
        };
        let mut valid = GrayImage::new(size.0, size.1);
        valid
            .par_chunks_mut(size.0 as usize)
            .zip(after.par_chunks(size.0 as usize))
            .enumerate()
            .for_each(|(y, (row, data))| {
                for (x, (v, a)) in row.iter_mut().zip(data).enumerate() {
                    let (fx, fy) = full_from_work.apply_lossy(x as f64, y as f64);
                    let (ax, ay) = after_from_full.apply_lossy(fx, fy);
                    let ok = a.is_finite() && inside(box_b, fx, fy) && inside(box_a, ax, ay);
                    *v = if ok { 255 } else { 0 };
                }
            });
        let overlap = valid.as_raw().iter().filter(|&&v| v > 0).count() as f64
            / valid.as_raw().len().max(1) as f64;
        trace("work: valid area", tt);
        if overlap < MIN_OVERLAP {
            return Err(PipelineError::NoOverlap {
                percent: overlap * 100.0,
            });
        }
        Ok(WorkFrame {
            k,
            size,
            before,
            after,
            valid,
        })
    }

    /// Stage 2: noise suppression, a blur that follows the image size and is wide enough to
    /// remove a halftone dot screen when either print has one; the softer copy's blur is
    /// added to the sharper one's first.
    fn smooth(&self, frame: &WorkFrame) -> Smoothed {
        let (size, k) = (frame.size, frame.k);
        let side = f64::from(size.0.max(size.1));
        let scale_after = self.alignment.before_from_after.linear_scale();
        let screen = [
            self.screens[0],
            self.screens[1].map(|p| p * scale_after as f32),
        ];
        let sigma = (((side / 900.0).max(1.0) * (0.5 + self.params.noise_suppression)) as f32)
            .max(descreen_sigma(screen[0], k))
            .max(descreen_sigma(screen[1], k));
        let tt = Instant::now();
        let (extra_b, extra_a) =
            crate::diff::sharpness_match(&frame.before, &frame.after, &frame.valid, sigma);
        let tt = trace("work: sharpness", tt);
        if tracing() {
            trace_line(&format!(
                "extra blur before {extra_b:.1} px, after {extra_a:.1} px"
            ));
        }
        let (before, after) = rayon::join(
            || gaussian_blur(&frame.before, sigma.hypot(extra_b)),
            || blur_valid(&frame.after, &frame.before, sigma.hypot(extra_a)),
        );
        trace("work: noise blur", tt);
        // No-data borders: erode so interpolation at the edge of the after image does not
        // count.
        let valid = crate::imgops::erode(&frame.valid, (2.0 * sigma).ceil() as u32 + 1);
        Smoothed {
            before,
            after,
            valid,
            sigma,
        }
    }

    /// The after image in the working frame with no more blur than a pixel's worth, where a
    /// hair keeps its level; `None` where the smoothed copy is that sharp already, or where a
    /// halftone screen needs its blur.
    fn sharp_after(&self, frame: &WorkFrame, s: &Smoothed) -> Option<GrayF> {
        let screened = self.screens.iter().any(Option::is_some);
        (!screened && s.sigma > SHARP_SIGMA)
            .then(|| blur_valid(&frame.after, &frame.before, SHARP_SIGMA))
    }

    /// Stage 3: the after image's tones matched to the before image's, and the colour
    /// channels of both (when both are in colour), to be matched once the luminance has said
    /// what changed (see [`Pair::change_strength`]).
    ///
    /// Tone in two passes: a stiff model first, which no erased figure can bend, to find where
    /// the structure changed; then a flexible one fitted everywhere else, for uneven fading.
    /// The colour channels do not depend on it and are built alongside.
    fn normalise(&self, frame: &WorkFrame, s: &Smoothed) -> (GrayF, Option<Channels>) {
        let tt = Instant::now();
        let toned = || {
            let tt = Instant::now();
            let changed = crate::diff::structural_change(
                &ChangeInputs {
                    before: &s.before,
                    after: &s.after,
                    colour: None,
                    sigma: s.sigma,
                },
                &s.valid,
            );
            let tt = trace("tone: structural change", tt);
            let toned = tone::normalise(&s.before, &s.after, Some(&changed));
            trace("tone: normalised", tt);
            toned
        };
        let (mut after_toned, channels) = rayon::join(toned, || self.colour_channels(frame, s));
        // The gain field the luminance was given, for the colour channels, before clipping is
        // respected (which is no gain).
        let channels = channels.map(|rgb| {
            let (luma_raw, luma_toned) = rayon::join(
                || downsample_box(&s.after, 2),
                || downsample_box(&after_toned, 2),
            );
            Channels {
                rgb,
                luma_raw,
                luma_toned,
            }
        });
        tone::respect_clipping(&s.before, &s.after, &mut after_toned, &s.valid);
        trace("tone planes", tt);
        (after_toned, channels)
    }

    /// Stage 4: the change strength of the smoothed, tone-matched pair: the luminance's, and
    /// where both pictures are in colour, the colour's; and the seeds, less what a change of
    /// rendering explains (see [`without_renderings`]).
    fn change_strength(
        &self,
        frame: &WorkFrame,
        s: &Smoothed,
        after_toned: &GrayF,
        channels: Option<Channels>,
    ) -> Strengths {
        let luma = crate::diff::change_strength(
            &ChangeInputs {
                before: &s.before,
                after: after_toned,
                colour: None,
                sigma: s.sigma,
            },
            &s.valid,
        );
        // Both need only the luminance's strength: side by side.
        let ((mut seeds, detail, agreement), colour) = rayon::join(
            || without_renderings(&luma, s, after_toned),
            || self.colour_strength(frame, s, &luma, channels),
        );
        let Some(mut colour) = colour else {
            return Strengths {
                strength: luma,
                seeds,
                detail,
                colour: None,
            };
        };
        let mut strength = luma;
        // Where the luminance's detail agrees, the colour seeds nothing either, unless the
        // colour changed alone: a sepia or tinted rescan's colours follow no curve of the
        // original's, while a poster repainted in another colour keeps its lightness. What is
        // kept of `colour` is the change of colour alone.
        strength
            .par_iter_mut()
            .zip(seeds.par_iter_mut())
            .zip(colour.par_iter_mut().zip(agreement.as_raw().par_iter()))
            .for_each(|((z, s), (c, r))| {
                let luminance = *z;
                *z = z.max(*c);
                if luminance < GROW || f64::from(*r) < LOCAL_RENDERING_CORRELATION {
                    *s = s.max(*c);
                }
                if luminance >= GROW {
                    *c = 0.0;
                }
            });
        Strengths {
            strength,
            seeds,
            detail,
            colour: Some(colour),
        }
    }

    /// The colour's part of the change strength; `None` when either picture is grey.
    ///
    /// The colour channels' curves are measured outside what the luminance (`luma`) found changed
    /// (grown by the width of a feathered edge), not outside the stiff structural mask: an
    /// erased figure must not bend them, but on a worn print the structural mask also holds
    /// every small bright detail (each galaxy of a deep field, blurred differently), and a
    /// curve measured without them knows nothing of their colours.
    fn colour_strength(
        &self,
        frame: &WorkFrame,
        s: &Smoothed,
        luma: &GrayF,
        channels: Option<Channels>,
    ) -> Option<GrayF> {
        let channels = channels?;
        let tc = Instant::now();
        let side = f64::from(frame.size.0.max(frame.size.1));
        let [(rb, ra), (gb, ga), (bb, ba)] = &channels.rgb;
        // The colour planes are at half the working resolution: a plane pixel is excluded
        // when any of the four it covers changed, and the feathered edge is half as wide.
        let size = rb.dimensions();
        let exclude = crate::imgops::dilate(
            &large_parts(
                &reduce_mask(&crate::diff::hysteresis(luma, GROW, SEED), 2, size),
                &reduce_mask(&s.valid, 2, size),
            ),
            (side / EDGE_BAND_DIVISOR / 2.0).round().max(2.0) as u32,
        );
        let [ra, ga, ba] = tone::match_channels(
            [rb, gb, bb],
            [ra, ga, ba],
            &channels.luma_raw,
            &channels.luma_toned,
            Some(&exclude),
        );
        let ((rg_b, yb_b), (rg_a, yb_a)) =
            rayon::join(|| opponent(rb, gb, bb), || opponent(&ra, &ga, &ba));
        let planes: Vec<GrayF> = [rg_b, rg_a, yb_b, yb_a]
            .par_iter()
            .map(|p| upsample_bilinear(p, 2, frame.size.0, frame.size.1))
            .collect();
        let tc = trace("colour: match", tc);
        let [rg_b, rg_a, yb_b, yb_a] = <[GrayF; 4]>::try_from(planes).ok()?;
        let colour = crate::diff::colour_strength([(&rg_b, &rg_a), (&yb_b, &yb_a)], &s.valid);
        trace("colour: change", tc);
        Some(colour)
    }

    /// The red, green and blue planes of both pictures at half the working resolution, the
    /// after image's warped into the frame, blurred to half the noise scale; `None` when
    /// either picture is grey.
    ///
    /// Colour is compared at half the working resolution: JPEG keeps chroma at half
    /// resolution anyway, and a print's dyes bleed. The channel planes come straight from
    /// blocks of the 8-bit images, with no full-size float copy.
    fn colour_channels(&self, frame: &WorkFrame, s: &Smoothed) -> Option<[(GrayF, GrayF); 3]> {
        let tc = Instant::now();
        if self.before.grayscale || self.after.grayscale {
            return None;
        }
        let before_from_after = &self.alignment.before_from_after;
        let k_colour = 2 * frame.k;
        let k_after = after_factor(before_from_after, k_colour);
        let (before_rgb, after_rgb) = rayon::join(
            || downsample_channels(&self.before.rgb, k_colour),
            || downsample_channels(&self.after.rgb, k_after),
        );
        let tc = trace("colour: channels", tc);
        let [ra, ga, ba] = warp_reduced(
            after_rgb.each_ref(),
            k_after,
            before_from_after,
            k_colour,
            before_rgb[0].dimensions(),
        );
        let tc = trace("colour: warp", tc);
        let [rb, gb, bb] = before_rgb;
        let sigma = s.sigma / 2.0;
        let blurred: Vec<(GrayF, GrayF)> = [(rb, ra), (gb, ga), (bb, ba)]
            .par_iter()
            .map(|(b, a)| {
                let b = gaussian_blur(b, sigma);
                let a = blur_valid(a, &b, sigma);
                (b, a)
            })
            .collect();
        trace("colour: blur", tc);
        <[(GrayF, GrayF); 3]>::try_from(blurred).ok()
    }
}

/// The share of the overlap under which a changed part is not kept out of the colour curves:
/// half a knot's share of the samples (the curves have 64), so the part cannot move a knot by
/// more than half a step. Left in, such a part bends nothing; taken out, it may take every
/// example of its colours with it (each bright galaxy of a deep field, each dust speck), and
/// the curve measured without them maps those colours wrongly.
const COLOUR_EXCLUDE_MIN_SHARE: f64 = 1.0 / 128.0;

/// The connected parts of `mask` (8-connected) that cover at least
/// [`COLOUR_EXCLUDE_MIN_SHARE`] of the overlap `valid`.
fn large_parts(mask: &GrayImage, valid: &GrayImage) -> GrayImage {
    let labels = imageproc::region_labelling::connected_components(
        mask,
        imageproc::region_labelling::Connectivity::Eight,
        Luma([0u8]),
    );
    let n = labels.as_raw().iter().copied().max().unwrap_or(0) as usize;
    let mut area = vec![0usize; n + 1];
    for l in labels.as_raw() {
        area[*l as usize] += 1;
    }
    let overlap = valid.as_raw().iter().filter(|&&v| v > 0).count() as f64;
    let min = (COLOUR_EXCLUDE_MIN_SHARE * overlap).ceil() as usize;
    let mut out = mask.clone();
    for (o, l) in out.iter_mut().zip(labels.as_raw()) {
        if *l == 0 || area[*l as usize] < min {
            *o = 0;
        }
    }
    out
}

/// `mask` reduced by `k` to `size`: a pixel is set when any of the `k`×`k` it covers is.
fn reduce_mask(mask: &GrayImage, k: u32, size: (u32, u32)) -> GrayImage {
    let (w, h) = mask.dimensions();
    GrayImage::from_fn(size.0, size.1, |x, y| {
        let any = (y * k..((y + 1) * k).min(h))
            .any(|yy| (x * k..((x + 1) * k).min(w)).any(|xx| mask.get_pixel(xx, yy)[0] > 0));
        Luma([if any { 255 } else { 0 }])
    })
}

/// `img` (NaN = no data) blurred by `sigma` without the no-data pixels bleeding in (they are
/// filled from `reference` first), and NaN again where it was.
fn blur_valid(img: &GrayF, reference: &GrayF, sigma: f32) -> GrayF {
    let mut out = gaussian_blur(&crate::diff::fill_nan(img, reference), sigma);
    for (o, v) in out.iter_mut().zip(img.iter()) {
        if !v.is_finite() {
            *o = f32::NAN;
        }
    }
    out
}

/// The threshold multiplier for a sensitivity in `0..=1`: ×2 at 0, ×1 at 0.5, ×0.5 at 1.
#[must_use]
pub fn sensitivity_factor(sensitivity: f64) -> f32 {
    2f64.powf((0.5 - sensitivity.clamp(0.0, 1.0)) * 2.0) as f32
}

/// Strength, relative to the threshold, of the pixels a region grows from, and the least
/// mean strength of a region that is reported. Growth follows down to 0.7 of the threshold,
/// and cleanup closes gaps, so a region born of noise (a few speckles above the seed level,
/// joined up) averages about the threshold itself; an erased figure differs throughout, and
/// averages well above it (2 to 6 on the generated and sample pairs, against 1.0 to 1.35 for
/// the grain of a darkened, heavily grained copy).
const SEED: f32 = 1.5;

/// Strength, relative to the threshold, down to which a found region's outline is grown in a
/// narrow band round it: about one and a half standard deviations of the noise (the threshold
/// is four), where the feathered edge of an edit fades into the grain.
const EDGE: f32 = 0.35;

/// Strength, relative to the threshold, down to which hysteresis follows a seed: about 70 %,
/// so an erased figure is outlined whole rather than only its most contrasted core.
const GROW: f32 = 0.7;

/// The floor of hysteresis relative to the median strength of a region's seeds (an eighth):
/// a strong figure does not leak into faint unevenness beside it, and dark legs over a dark
/// crowd still differ by more than that from what replaced them.
const RELATIVE_FLOOR: f32 = 0.12;

/// The widest a dust speck, hair or scratch is, as a half-width in working pixels.
const SCAN_DEFECT_HALF_WIDTH: u8 = 4;

/// The largest share of the picture a scan defect covers: a hair or a scratch, however long,
/// is thin, and a larger part is an edit whatever its shape.
const SCAN_DEFECT_MAX_SHARE: f64 = 0.02;

/// The least correlation of the fine detail of the two pictures over a changed part at which
/// the part is the same picture drawn differently (another tone curve, blur, sharpening or
/// grey mix, a fit a fraction of a pixel off) rather than an edit. Erased or painted-over
/// content leaves the after's detail unrelated to what the before held there: on the real-
/// photograph corpus and three held-out ones, every edited part correlated 0.42 or less,
/// while the parts that tone and blur alone lit up on unchanged rescans (a helmet's rim, a
/// deep field's galaxies, a face under another grey mix) correlated 0.75 to 0.98.
const RENDERING_CORRELATION: f64 = 0.7;

/// The same round each pixel (over a window of four noise scales), higher because a window
/// holds less detail than a part: where a clone stamp copied a like texture (one coin over
/// another), its detail may agree over a few pixels by chance.
const LOCAL_RENDERING_CORRELATION: f64 = 0.85;

/// Fragments of one region closer than the longer side divided by this are joined.
const MERGE_DIVISOR: f64 = 80.0;

/// Outlines are simplified to the longer side divided by this (at least 0.75 px): a
/// thousandth, below what a projector or a print shows.
const SIMPLIFY_DIVISOR: f64 = 1000.0;

/// How far an outline may grow to the edge of the edit: the longer side divided by this (at
/// least 3 px); a feathered border is a few pixels wide at any resolution.
const EDGE_BAND_DIVISOR: f64 = 150.0;

/// Thresholds and cleans a change map and extracts its regions.
///
/// # Errors
/// A mis-sized ignore mask.
pub fn detect(
    change: &ChangeMap,
    params: &Params,
    ignore: Option<&GrayImage>,
) -> Result<Detection, PipelineError> {
    let (w, h) = change.strength.dimensions();
    let k = change.scale.round().max(1.0) as u32;
    let mut strength = change.strength.clone();
    let mut seeds = change.seeds.clone();
    if let Some(m) = ignore {
        if m.dimensions() != change.before_size {
            return Err(PipelineError::MaskSize {
                got_w: m.width(),
                got_h: m.height(),
                want_w: change.before_size.0,
                want_h: change.before_size.1,
            });
        }
        // A working pixel is ignored when any of the before pixels it covers is.
        for (x, y, p) in m.enumerate_pixels() {
            if p[0] > 0 {
                let (wx, wy) = ((x / k).min(w - 1), (y / k).min(h - 1));
                strength.put_pixel(wx, wy, Luma([0.0]));
                seeds.put_pixel(wx, wy, Luma([0.0]));
            }
        }
    }
    let f = sensitivity_factor(params.sensitivity);
    let threshold = change.auto_threshold * f;
    // Seeds must be clearly above the threshold; growth follows them down (see `GROW` and
    // `RELATIVE_FLOOR`).
    let tt = Instant::now();
    let mask = crate::diff::hysteresis_relative(
        &seeds,
        GROW * threshold,
        SEED * threshold,
        RELATIVE_FLOOR,
    );
    let tt = trace("regions: hysteresis", tt);
    let side = f64::from(w.max(h));
    let cleaned = crate::diff::clean_mask(&mask, crate::diff::Cleanup::for_side(side));
    let tt = trace("regions: cleanup", tt);
    let min_area_px = params.min_area_fraction * f64::from(w) * f64::from(h);
    let full_from_work = level_from_full(k).inverse().unwrap_or_default();
    let options = ExtractOptions {
        merge_radius: (side / MERGE_DIVISOR).round().max(2.0) as u32,
        min_area_px,
        min_mean_strength: SEED * threshold,
        simplify_px: (side / SIMPLIFY_DIVISOR).max(0.75),
    };
    let (_, found) = crate::regions::extract(
        &cleaned,
        None,
        &strength,
        &full_from_work,
        change.scale,
        &options,
    );
    let tt = trace("regions: extract", tt);
    // Dust, hairs and scratches in one scan only are not edits: they are dropped (see
    // `regions::drop_scan_defects`). Half-widths are counted in working pixels: a hair of a
    // few before pixels is a pixel or two here whatever the scan's resolution, and the blur,
    // growth and closing add a few.
    let [detail_b, detail_a] = &change.detail;
    let (found, defects) = crate::regions::drop_scan_defects(
        &found,
        &strength,
        Some([detail_b, detail_a]),
        SEED * threshold,
        SCAN_DEFECT_HALF_WIDTH,
        SCAN_DEFECT_MAX_SHARE * f64::from(w) * f64::from(h),
    );
    if tracing() && defects > 0 {
        trace_line(&format!("{defects} scan defect(s) dropped"));
    }
    let (found, renderings) = crate::regions::drop_renderings(
        &found,
        [detail_b, detail_a],
        &change.valid,
        change.colour.as_ref().map(|c| (c, SEED * threshold)),
        RENDERING_CORRELATION,
    );
    if tracing() && renderings > 0 {
        trace_line(&format!(
            "{renderings} part(s) dropped whose detail the after holds too"
        ));
    }
    // The outlines are grown to the edge of the edit, where the change falls back into the
    // noise (see `diff::grow_within`); scores stay those of what was found.
    let grown = crate::diff::grow_within(
        &found,
        &strength,
        EDGE * threshold,
        (side / EDGE_BAND_DIVISOR).round().max(3.0) as u32,
    );
    let (regions, kept) = crate::regions::extract(
        &grown,
        Some(&found),
        &strength,
        &full_from_work,
        change.scale,
        &options,
    );
    trace("regions: edges", tt);
    Ok(Detection {
        mask: kept,
        regions,
        threshold,
    })
}

impl Analysis {
    /// The change mask at the before image's full size: 255 = changed, 0 elsewhere.
    #[must_use]
    pub fn full_mask(&self) -> GrayImage {
        crate::imgops::upsample_mask(
            &self.detection.mask,
            self.change.scale.round().max(1.0) as u32,
            self.change.before_size,
        )
    }

    /// A colour heat-map of the change strength at working resolution (no data is dark grey).
    #[must_use]
    pub fn heatmap(&self) -> RgbImage {
        let s = &self.change.strength;
        RgbImage::from_fn(s.width(), s.height(), |x, y| {
            if self.change.valid.get_pixel(x, y)[0] == 0 {
                image::Rgb([48, 48, 48])
            } else {
                image::Rgb(crate::imgops::heat_colour(
                    s.get_pixel(x, y)[0] / self.detection.threshold.max(1e-6),
                ))
            }
        })
    }
}
