//! Version chains: a document holds two or more versions of one photograph in order (the
//! original, then each later print), and the file layout of schema version 2, which lists them.
//!
//! In memory the first two versions are [`Project::before`] and [`Project::after`] (the pair
//! every view and export works on), and the rest are [`Project::later`]. Each version after
//! the first has its own alignment, mapping its pixels onto the first version's, and each
//! region the step of the chain at which it appears ([`super::RegionNote::step`]: step `s`
//! lies between versions `s` and `s + 1`, counted from 0).
//!
//! In the file (schema version 2) the versions are one list:
//!
//! ```json
//! { "version": 2, "title": "On the canal",
//!   "versions": [ { "path": "1937.jpg", "sha256": "…", "meta": { "date": "1937" } },
//!                 { "path": "1940.jpg", "sha256": "…", "meta": { "date": "1940" },
//!                   "alignment": { "model": "affine", … } } ],
//!   "regions": [ { "id": 1, "step": 0, … } ], … }
//! ```

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{ImageEntry, PointPair, Project, RegionNote};
use crate::align::Alignment;
use crate::geometry::Transform;
use crate::params::Params;

/// Most versions [`Project::load`](super::Project::load) accepts in one chain.
pub const MAX_VERSIONS: usize = 64;

/// A version after the second: its image, and its alignment onto the first version.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LaterVersion {
    /// The image and its provenance.
    pub image: ImageEntry,
    /// Maps this version's pixels onto the first version's, when computed.
    pub alignment: Option<Alignment>,
}

impl Project {
    /// How many versions the document holds (2 for a pair).
    #[must_use]
    pub fn version_count(&self) -> usize {
        2 + self.later.len()
    }

    /// True when the document holds more than a pair.
    #[must_use]
    pub fn is_chain(&self) -> bool {
        !self.later.is_empty()
    }

    /// The image of version `index` (0 is the original), if there is one.
    #[must_use]
    pub fn version_image(&self, index: usize) -> Option<&ImageEntry> {
        match index {
            0 => Some(&self.before),
            1 => Some(&self.after),
            _ => self.later.get(index - 2).map(|v| &v.image),
        }
    }

    /// The image of version `index`, to change.
    pub fn version_image_mut(&mut self, index: usize) -> Option<&mut ImageEntry> {
        match index {
            0 => Some(&mut self.before),
            1 => Some(&mut self.after),
            _ => self.later.get_mut(index - 2).map(|v| &mut v.image),
        }
    }

    /// Every version's image, in order.
    pub fn version_images(&self) -> impl Iterator<Item = &ImageEntry> {
        [&self.before, &self.after]
            .into_iter()
            .chain(self.later.iter().map(|v| &v.image))
    }

    /// Every version's image, in order, to change.
    pub fn version_images_mut(&mut self) -> impl Iterator<Item = &mut ImageEntry> {
        [&mut self.before, &mut self.after]
            .into_iter()
            .chain(self.later.iter_mut().map(|v| &mut v.image))
    }

    /// The alignment of version `index` onto the first: the identity for the first itself,
    /// `None` when not computed yet.
    #[must_use]
    pub fn version_alignment(&self, index: usize) -> Option<Alignment> {
        match index {
            0 => Some(Alignment::identity()),
            1 => self.alignment.clone(),
            _ => self.later.get(index - 2).and_then(|v| v.alignment.clone()),
        }
    }

    /// The transform mapping version `index`'s pixels onto the first version's, when known.
    #[must_use]
    pub fn first_from_version(&self, index: usize) -> Option<Transform> {
        self.version_alignment(index).map(|a| a.before_from_after)
    }

    /// A short name for version `index`: its date when it has one, else its file name without
    /// the ending, else "version N" (counted from 1).
    #[must_use]
    pub fn version_name(&self, index: usize) -> String {
        let fallback = format!("version {}", index + 1);
        let Some(entry) = self.version_image(index) else {
            return fallback;
        };
        let date = entry.meta.date.trim();
        if !date.is_empty() {
            return date.to_owned();
        }
        entry
            .path
            .file_stem()
            .map_or(fallback, |n| n.to_string_lossy().into_owned())
    }

    /// How a step reads: "between 1929 and 1935".
    #[must_use]
    pub fn step_name(&self, step: u32) -> String {
        let s = step as usize;
        format!(
            "between {} and {}",
            self.version_name(s),
            self.version_name(s + 1)
        )
    }

    /// How many steps the chain has (one less than its versions).
    #[must_use]
    pub fn step_count(&self) -> u32 {
        u32::try_from(self.version_count() - 1).unwrap_or(u32::MAX)
    }

    /// The regions of one step, in order.
    pub fn regions_of_step(&self, step: u32) -> impl Iterator<Item = &RegionNote> {
        self.regions.iter().filter(move |r| r.step == step)
    }
}

/// One version in the file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
struct VersionFile {
    #[serde(flatten)]
    image: ImageEntry,
    #[serde(skip_serializing_if = "Option::is_none")]
    alignment: Option<Alignment>,
}

/// The document as schema version 2 lays it out in the file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub(super) struct ProjectFile {
    version: u32,
    title: String,
    versions: Vec<VersionFile>,
    manual_points: Vec<PointPair>,
    params: Params,
    ignore_areas: Vec<Vec<[f64; 2]>>,
    regions: Vec<RegionNote>,
    essay: Option<PathBuf>,
    id: String,
    language: String,
}

impl Default for ProjectFile {
    /// The layout of an empty document, so that fields a file leaves out get the document's
    /// own defaults.
    fn default() -> Self {
        Project::default().into()
    }
}

impl From<Project> for ProjectFile {
    fn from(p: Project) -> Self {
        let mut versions = vec![
            VersionFile {
                image: p.before,
                alignment: None,
            },
            VersionFile {
                image: p.after,
                alignment: p.alignment,
            },
        ];
        versions.extend(p.later.into_iter().map(|v| VersionFile {
            image: v.image,
            alignment: v.alignment,
        }));
        Self {
            version: p.version,
            title: p.title,
            versions,
            manual_points: p.manual_points,
            params: p.params,
            ignore_areas: p.ignore_areas,
            regions: p.regions,
            essay: p.essay,
            id: p.id,
            language: p.language,
        }
    }
}

impl From<ProjectFile> for Project {
    fn from(f: ProjectFile) -> Self {
        let mut versions = f.versions.into_iter();
        let before = versions.next().unwrap_or_default();
        let after = versions.next().unwrap_or_default();
        Self {
            version: f.version,
            title: f.title,
            before: before.image,
            after: after.image,
            alignment: after.alignment,
            later: versions
                .map(|v| LaterVersion {
                    image: v.image,
                    alignment: v.alignment,
                })
                .collect(),
            manual_points: f.manual_points,
            params: f.params,
            ignore_areas: f.ignore_areas,
            regions: f.regions,
            essay: f.essay,
            id: f.id,
            language: f.language,
        }
    }
}
