//! Palimpsest shows what was erased from a photograph.
//!
//! The core library aligns a doctored print onto its original ([`align`]), normalises tone
//! ([`tone`]), computes where they differ ([`diff`]) and outlines the changed regions
//! ([`regions`]); [`pipeline`] runs these in order. [`project`] is the saved document and
//! [`essay`] the text its notes link to. Nothing here depends on the GUI, which lives in `app`
//! behind the default `gui` feature.

#![warn(missing_docs)]

pub mod align;
pub mod chain;
pub mod defects;
pub mod diff;
pub mod essay;
pub mod export;
pub mod fonts;
pub mod geometry;
pub mod imgops;
pub mod io;
pub mod job;
pub mod jpeg_scan;
pub mod outline;
pub mod output;
pub mod params;
pub mod pipeline;
pub mod project;
pub mod regions;
pub mod report;
#[cfg(feature = "synth")]
pub mod synth;
pub mod tone;

#[cfg(feature = "gui")]
pub mod app;

pub use align::Alignment;
pub use geometry::{Model, Transform};
pub use io::{LoadOptions, LoadedImage, load_image};
pub use params::Params;
pub use pipeline::{Analysis, analyze};
pub use regions::Region;
