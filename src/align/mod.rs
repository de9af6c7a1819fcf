//! Registration: estimates `before_from_after`, the transform that carries the after image onto
//! the before image, and warps with it.
//!
//! Coarse to fine: oriented FAST keypoints with rotation-aware binary descriptors on a reduced
//! copy of each image, mutual nearest-neighbour matching with a ratio test, and a robust
//! (RANSAC) fit of the model; then intensity-based refinement with robust weights at finer
//! levels for sub-pixel accuracy. A Fourier–Mellin (phase correlation) estimate takes over when
//! the images have too little texture for keypoints. Erased areas are outliers to every step.
//! This module does not normalise tone or decide what changed.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::geometry::{Model, Transform};

/// Why alignment failed.
#[derive(Debug, Error)]
pub enum AlignError {
    /// Not enough consistent correspondences were found.
    #[error("could not align the images: {0}")]
    NoFit(String),
    /// The caller cancelled.
    #[error("cancelled")]
    Cancelled,
}

impl From<crate::job::Cancelled> for AlignError {
    fn from(_: crate::job::Cancelled) -> Self {
        AlignError::Cancelled
    }
}

/// Options for [`align`].
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct AlignOptions {
    /// Force a model, or `None` to choose automatically.
    pub model: Option<Model>,
    /// Longest side of the copy used for keypoint matching.
    pub coarse_max_side: u32,
    /// Longest side of the finest level used for refinement.
    pub fine_max_side: u32,
}

impl Default for AlignOptions {
    fn default() -> Self {
        Self {
            model: None,
            coarse_max_side: 1024,
            fine_max_side: 2048,
        }
    }
}

/// How the transform was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlignMethod {
    /// Keypoints, robust fit, then intensity refinement.
    Features,
    /// Fourier–Mellin phase correlation, then intensity refinement.
    PhaseCorrelation,
    /// Corresponding points given by the user.
    Manual,
    /// The images were taken as already aligned.
    Identity,
}

/// The result of registration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Alignment {
    /// The model that was fitted.
    pub model: Model,
    /// Maps after-image pixels to before-image pixels.
    pub before_from_after: Transform,
    /// Keypoint correspondences consistent with the fit (0 for phase correlation).
    pub inliers: usize,
    /// Typical remaining misalignment, in before-image pixels, measured after refinement.
    pub residual_px: f64,
    /// How much to trust the fit, from 0 (none) to 1.
    pub confidence: f64,
    /// How the transform was found.
    pub method: AlignMethod,
}

impl Alignment {
    /// An identity alignment (for images known to be registered).
    #[must_use]
    pub fn identity() -> Self {
        Self {
            model: Model::Translation,
            before_from_after: Transform::identity(),
            inliers: 0,
            residual_px: 0.0,
            confidence: 1.0,
            method: AlignMethod::Identity,
        }
    }
}

pub mod warp;

pub use warp::{warp_gray, warp_rgb};
