//! What `palimpsest diff` and `palimpsest project new` share: the analysis options, and the
//! run that loads a pair and analyses it with them.

use std::path::Path;
use std::time::Instant;

use anyhow::{Result, anyhow};
use palimpsest::chain::Step;
use palimpsest::geometry::Model;
use palimpsest::io::{AnalysisCopy, LoadOptions, LoadedImage, load_image};
use palimpsest::job::Job;
use palimpsest::pipeline::{Analysis, Params, analyze};

/// The options that set how a pair is loaded and analysed.
#[derive(clap::Args, Debug, Clone)]
pub struct AnalysisArgs {
    /// 0 = only the most certain changes, 1 = faint ones too.
    #[arg(long, default_value_t = 0.5, value_parser = unit_interval, allow_negative_numbers = true)]
    pub sensitivity: f64,
    /// 0 = keep fine detail, 1 = smooth away more grain and halftone.
    #[arg(long, default_value_t = 0.5, value_parser = unit_interval, allow_negative_numbers = true)]
    pub noise_suppression: f64,
    /// Smallest region kept, as a percentage of BEFORE's area (0 to 100).
    #[arg(long, default_value_t = 0.15, value_name = "PERCENT", value_parser = percentage, allow_negative_numbers = true)]
    pub min_area: f64,
    /// Alignment model (default: chosen automatically).
    #[arg(long, value_enum)]
    pub model: Option<ModelArg>,
    /// Refuse images larger than this many megapixels (more than 0, at most 1000).
    #[arg(long, default_value_t = palimpsest::io::DEFAULT_MAX_MEGAPIXELS, value_name = "MP", value_parser = megapixels, allow_negative_numbers = true)]
    pub max_megapixels: f64,
    /// Go on with an image whose data is damaged (a corrupt or cut-off JPEG, a PNG failing its
    /// checksums), with a warning and the confidence halved, instead of refusing it.
    #[arg(long)]
    pub allow_corrupt: bool,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum ModelArg {
    Translation,
    Similarity,
    Affine,
    Homography,
}

impl From<ModelArg> for Model {
    fn from(m: ModelArg) -> Self {
        match m {
            ModelArg::Translation => Model::Translation,
            ModelArg::Similarity => Model::Similarity,
            ModelArg::Affine => Model::Affine,
            ModelArg::Homography => Model::Homography,
        }
    }
}

impl AnalysisArgs {
    /// The detection parameters these options ask for.
    pub fn params(&self) -> Params {
        Params {
            sensitivity: self.sensitivity,
            noise_suppression: self.noise_suppression,
            min_area_fraction: self.min_area / 100.0,
            model: self.model.map(Model::from),
            ..Params::default()
        }
    }

    /// Loads one image with these options: the image, and what is damaged in it when the
    /// options let a damaged one through (reported on standard error). With `for_analysis`,
    /// a large image is loaded as the reduced copy the analysis needs, not at full size.
    fn load_one(
        &self,
        path: &Path,
        for_analysis: Use,
        frame: bool,
    ) -> Result<(LoadedImage, bool), palimpsest::io::LoadError> {
        let options = LoadOptions {
            max_megapixels: self.max_megapixels,
            analysis_copy: (for_analysis == Use::AnalysisOnly).then_some(AnalysisCopy {
                work_max_side: Params::default().work_max_side,
                frame,
            }),
        };
        let (img, damage) = if self.allow_corrupt {
            palimpsest::io::load_image_allowing_damage(path, &options)?
        } else {
            (load_image(path, &options)?, None)
        };
        if let Some(reason) = &damage {
            eprintln!(
                "warning: going on with damaged image data ({reason}); the confidence is halved: {}",
                path.display()
            );
        }
        Ok((img, damage.is_some()))
    }

    /// Loads BEFORE and AFTER (in parallel) with these options, for `use_`. A damaged image
    /// the options let through is reported on standard error.
    pub fn load(&self, before: &Path, after: &Path, use_: Use) -> Result<Loaded> {
        let start = Instant::now();
        let (b, a) = rayon::join(
            || self.load_one(before, use_, true),
            || self.load_one(after, use_, false),
        );
        let (before_img, before_damaged) = b.map_err(|e| anyhow!("before image: {e}"))?;
        let (after_img, after_damaged) = a.map_err(|e| anyhow!("after image: {e}"))?;
        palimpsest::job::trace("decode both", start);
        Ok(Loaded {
            before: before_img,
            after: after_img,
            damaged: before_damaged || after_damaged,
            load_secs: start.elapsed().as_secs_f64(),
        })
    }

    /// Loads the versions of a chain (in parallel) with these options, for analysis only, as
    /// [`Self::load`].
    pub fn load_chain(&self, paths: &[std::path::PathBuf]) -> Result<LoadedChain> {
        use rayon::prelude::*;
        let start = Instant::now();
        let loaded: Vec<(LoadedImage, bool)> = paths
            .par_iter()
            .enumerate()
            .map(|(i, p)| {
                // Every version but the last is a before image at some step.
                self.load_one(p, Use::AnalysisOnly, i + 1 < paths.len())
                    .map_err(|e| anyhow!("version {} image: {e}", i + 1))
            })
            .collect::<Result<_>>()?;
        palimpsest::job::trace("decode the versions", start);
        let damaged = loaded.iter().any(|(_, d)| *d);
        Ok(LoadedChain {
            images: loaded.into_iter().map(|(img, _)| img).collect(),
            damaged,
        })
    }
}

/// What the images of a pair are loaded for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Use {
    /// Only the analysis reads them: a large image is loaded as a reduced copy.
    AnalysisOnly,
    /// An output is drawn from their pixels at full size as well.
    FullSize,
}

/// The versions of a chain as loaded, the first first.
pub struct LoadedChain {
    pub images: Vec<LoadedImage>,
    /// True when any image's data is damaged (and was let through).
    pub damaged: bool,
}

impl LoadedChain {
    /// Aligns every version onto the first and finds what changed at each step; every
    /// confidence is halved when an image is damaged.
    pub fn analyse(&self, params: &Params) -> Result<Vec<Step>> {
        let mut steps = palimpsest::chain::analyse_chain(&self.images, params, Job::none())
            .map_err(|e| anyhow!("{}", super::one_line(&format!("{e:#}"))))?;
        if self.damaged {
            for step in &mut steps {
                step.to_first.confidence *= 0.5;
            }
        }
        Ok(steps)
    }
}

/// A pair as loaded.
pub struct Loaded {
    pub before: LoadedImage,
    pub after: LoadedImage,
    /// True when either image's data is damaged (and was let through).
    pub damaged: bool,
    pub load_secs: f64,
}

impl Loaded {
    /// Aligns and analyses the pair with `params`, never reporting changes where `ignore` is
    /// set; the confidence is halved when an image is damaged.
    pub fn analyse(&self, params: &Params, ignore: Option<&image::GrayImage>) -> Result<Analysis> {
        let mut analysis = analyze(&self.before, &self.after, params, ignore, Job::none())
            .map_err(|e| {
                anyhow!(
                    "{}: {} onto {}",
                    super::one_line(&format!("{e:#}")),
                    self.after.path.display(),
                    self.before.path.display()
                )
            })?;
        analysis.timings.load_secs = self.load_secs;
        if self.damaged {
            analysis.alignment.confidence *= 0.5;
        }
        Ok(analysis)
    }
}

/// A finite number within `range` (both ends included), for clap.
fn finite_in(s: &str, range: std::ops::RangeInclusive<f64>) -> Result<f64, String> {
    let v: f64 = s.trim().parse().map_err(|_| format!("not a number: {s}"))?;
    if !v.is_finite() {
        return Err(format!("must be a finite number, got {s}"));
    }
    if range.contains(&v) {
        Ok(v)
    } else {
        Err(format!(
            "must be between {} and {}, got {v}",
            range.start(),
            range.end()
        ))
    }
}

fn unit_interval(s: &str) -> Result<f64, String> {
    finite_in(s, 0.0..=1.0)
}

fn percentage(s: &str) -> Result<f64, String> {
    finite_in(s, 0.0..=100.0)
}

fn megapixels(s: &str) -> Result<f64, String> {
    let v = finite_in(s, 0.0..=MAX_MEGAPIXELS_OPTION)?;
    if v > 0.0 {
        Ok(v)
    } else {
        Err(format!("must be more than 0, got {v}"))
    }
}

/// The largest `--max-megapixels` accepted: a 1000 MP RGB image is 3 GB decoded.
const MAX_MEGAPIXELS_OPTION: f64 = 1000.0;
