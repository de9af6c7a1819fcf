//! The analysis parameters a user sets: sensitivity, noise suppression, the smallest region,
//! the alignment model and the working resolution. Saved in projects and reports; read by
//! every stage through [`crate::pipeline`].

use serde::{Deserialize, Serialize};

use crate::geometry::Model;

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

/// Working-resolution factor: the before image is box-downsampled by this integer, the
/// smallest that brings its longest side to at most `work_max_side`.
#[must_use]
pub fn work_factor(before_size: (u32, u32), work_max_side: u32) -> u32 {
    before_size
        .0
        .max(before_size.1)
        .div_ceil(work_max_side.max(64))
        .max(1)
}
