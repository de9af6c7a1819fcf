//! Version chains: a photograph printed again and again, with one more person gone each time.
//!
//! Each step of the chain compares two consecutive versions, the earlier one as the before
//! image: consecutive prints are the most alike, so what changed between them stands out, and
//! a figure erased at one step is absent from both images of every later step, so it is not
//! found again. The regions of every step are then carried into the first version's pixels,
//! where the document keeps them all.
//!
//! Each version is aligned onto the first either through its neighbour (the step's alignment
//! composed with the neighbour's) or directly, whichever predicts the smaller error.

use image::GrayImage;

use crate::align::{AlignMethod, Alignment};
use crate::geometry::{Model, Transform};
use crate::io::LoadedImage;
use crate::job::Job;
use crate::params::Params;
use crate::pipeline::{Analysis, PipelineError, analyze};
use crate::project::{Project, RegionNote};
use crate::regions::BBox;

/// Share of a region's area that, when earlier steps' regions already cover it, makes it the
/// same change seen again rather than a new one.
const SEEN_BEFORE: f64 = 0.5;

/// Longest side of the raster on which regions of different steps are compared.
const OVERLAP_RASTER_SIDE: f64 = 1024.0;

/// One step of a chain, analysed.
#[derive(Clone, Debug)]
pub struct Step {
    /// The step's number, from 0 (between versions `index` and `index + 1`).
    pub index: u32,
    /// The comparison of the two versions, in the earlier version's pixels.
    pub analysis: Analysis,
    /// The later version's alignment onto the first version.
    pub to_first: Alignment,
    /// The changes that appear at this step, in the first version's pixels, less those the
    /// earlier steps already reported; their `step` is set and their numbers are provisional.
    pub regions: Vec<RegionNote>,
}

/// Analyses step `index` of a chain: `later` against `earlier`, whose alignment onto `first`
/// is `earlier_to_first`. `reported` holds the regions of the earlier steps, in the first
/// version's pixels.
///
/// # Errors
/// The two versions cannot be compared (see [`analyze`]).
#[expect(
    clippy::too_many_arguments,
    reason = "the three images, the step and what came before it"
)]
pub fn analyse_step(
    first: &LoadedImage,
    earlier: &LoadedImage,
    earlier_to_first: &Alignment,
    later: &LoadedImage,
    index: u32,
    reported: &[RegionNote],
    params: &Params,
    job: Job<'_>,
) -> Result<Step, PipelineError> {
    let analysis = analyze(earlier, later, params, None, job)?;
    let composed = compose(earlier_to_first, &analysis.alignment);
    let to_first = if index == 0 {
        composed
    } else {
        match align_directly(first, later, params, job) {
            Ok(direct) if direct.expected_error_px < composed.expected_error_px => direct,
            Ok(_) | Err(PipelineError::Align(_)) => composed,
            Err(e) => return Err(e),
        }
    };
    let first_from_earlier = &earlier_to_first.before_from_after;
    let size = (f64::from(first.full_size.0), f64::from(first.full_size.1));
    let seen = Coverage::of(reported, size);
    let regions = analysis
        .detection
        .regions
        .iter()
        .map(|r| {
            let mut note = RegionNote::from_region(r);
            note.step = index;
            carry(&mut note, first_from_earlier);
            note
        })
        .filter(|note| seen.share_covered(note) < SEEN_BEFORE)
        .collect();
    Ok(Step {
        index,
        analysis,
        to_first,
        regions,
    })
}

/// Analyses a whole chain, `versions[0]` first. Returns one [`Step`] per pair of
/// consecutive versions.
///
/// # Errors
/// A step cannot be compared.
pub fn analyse_chain(
    versions: &[LoadedImage],
    params: &Params,
    job: Job<'_>,
) -> Result<Vec<Step>, ChainError> {
    let Some(first) = versions.first() else {
        return Ok(Vec::new());
    };
    let mut steps: Vec<Step> = Vec::with_capacity(versions.len().saturating_sub(1));
    let mut reported: Vec<RegionNote> = Vec::new();
    for (i, pair) in versions.windows(2).enumerate() {
        let earlier_to_first = steps
            .last()
            .map_or_else(Alignment::identity, |s| s.to_first.clone());
        let index = u32::try_from(i).unwrap_or(u32::MAX);
        let step = analyse_step(
            first,
            &pair[0],
            &earlier_to_first,
            &pair[1],
            index,
            &reported,
            params,
            job,
        )
        .map_err(|reason| ChainError {
            step: index,
            reason,
        })?;
        reported.extend(step.regions.iter().cloned());
        steps.push(step);
    }
    Ok(steps)
}

/// A step of a chain that could not be compared.
#[derive(Debug, thiserror::Error)]
#[error("version {} onto version {}: {reason}", .step + 2, .step + 1)]
pub struct ChainError {
    /// The step, from 0.
    pub step: u32,
    /// Why.
    pub reason: PipelineError,
}

/// Puts an analysed chain into a document that holds its versions' images: every version's
/// alignment onto the first, and every step's regions, numbered by step and reading order.
/// Extra steps or versions are ignored.
pub fn apply_to_project(project: &mut Project, steps: &[Step]) {
    project.regions.clear();
    for step in steps {
        let alignment = Some(step.to_first.clone());
        match step.index {
            0 => project.alignment = alignment,
            i => {
                if let Some(v) = project.later.get_mut(i as usize - 1) {
                    v.alignment = alignment;
                }
            }
        }
        project.regions.extend(step.regions.iter().cloned());
    }
    crate::project::shapes::renumber(&mut project.regions);
}

/// `first_from_earlier ∘ earlier_from_later`: the later version onto the first through the
/// earlier one. Its predicted error adds the two predicted errors, the second carried into the
/// first version's scale.
#[must_use]
pub fn compose(earlier_to_first: &Alignment, later_to_earlier: &Alignment) -> Alignment {
    if earlier_to_first.method == AlignMethod::Identity {
        return later_to_earlier.clone();
    }
    let first_from_earlier = &earlier_to_first.before_from_after;
    let scale = first_from_earlier.linear_scale();
    let model = [earlier_to_first.model, later_to_earlier.model]
        .into_iter()
        .max_by_key(|m| m.dof())
        .unwrap_or(Model::Homography);
    let warning = match (&earlier_to_first.warning, &later_to_earlier.warning) {
        (None, None) => None,
        (a, b) => Some(
            [a.as_deref(), b.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("; "),
        ),
    };
    Alignment {
        model,
        before_from_after: first_from_earlier
            .then_after(&later_to_earlier.before_from_after)
            .normalized(),
        inliers: earlier_to_first.inliers.min(later_to_earlier.inliers),
        residual_px: earlier_to_first.residual_px + scale * later_to_earlier.residual_px,
        confidence: earlier_to_first.confidence.min(later_to_earlier.confidence),
        method: later_to_earlier.method,
        expected_error_px: earlier_to_first.expected_error_px
            + scale * later_to_earlier.expected_error_px,
        warning,
    }
}

/// Aligns `later` straight onto `first`.
fn align_directly(
    first: &LoadedImage,
    later: &LoadedImage,
    params: &Params,
    job: Job<'_>,
) -> Result<Alignment, PipelineError> {
    crate::pipeline::align_pair(first, later, params, job)
}

/// Moves a region by `first_from_earlier`: from an earlier version's pixels into the
/// first version's, or between the pixels of an image and of a reduced copy of it.
pub fn carry(note: &mut RegionNote, first_from_earlier: &Transform) {
    if first_from_earlier.matrix == Transform::identity().matrix {
        return;
    }
    for p in &mut note.polygon {
        let (x, y) = first_from_earlier.apply_lossy(p[0], p[1]);
        *p = [x, y];
    }
    if let Some(b) = BBox::of_points(&note.polygon) {
        note.bbox = b;
    }
    let s = first_from_earlier.linear_scale();
    note.area_px *= s * s;
}

/// Where the regions already reported lie, on a coarse raster of the first version.
struct Coverage {
    mask: Option<GrayImage>,
    scale: f64,
}

impl Coverage {
    fn of(regions: &[RegionNote], (width, height): (f64, f64)) -> Self {
        let scale = (OVERLAP_RASTER_SIDE / width.max(height)).min(1.0);
        let to_raster = |poly: &Vec<[f64; 2]>| -> Vec<[f64; 2]> {
            poly.iter().map(|p| [p[0] * scale, p[1] * scale]).collect()
        };
        let polygons: Vec<Vec<[f64; 2]>> = regions.iter().map(|r| to_raster(&r.polygon)).collect();
        let (w, h) = raster_size(width, height, scale);
        let mask = (!polygons.is_empty()).then(|| crate::outline::fill(&polygons, w, h));
        Self { mask, scale }
    }

    /// The share of `note`'s outline that the reported regions cover.
    fn share_covered(&self, note: &RegionNote) -> f64 {
        let Some(seen) = &self.mask else {
            return 0.0;
        };
        let poly: Vec<[f64; 2]> = note
            .polygon
            .iter()
            .map(|p| [p[0] * self.scale, p[1] * self.scale])
            .collect();
        let own = crate::outline::fill(&[poly], seen.width(), seen.height());
        let (mut inside, mut covered) = (0_u64, 0_u64);
        for (o, s) in own.as_raw().iter().zip(seen.as_raw()) {
            if *o != 0 {
                inside += 1;
                if *s != 0 {
                    covered += 1;
                }
            }
        }
        if inside == 0 {
            0.0
        } else {
            covered as f64 / inside as f64
        }
    }
}

fn raster_size(width: f64, height: f64, scale: f64) -> (u32, u32) {
    // Both sides are at most OVERLAP_RASTER_SIDE after scaling, so the casts cannot overflow.
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "bounded above"
    )]
    let side = |v: f64| ((v * scale).ceil() as u32).max(1);
    (side(width), side(height))
}
