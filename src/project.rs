//! The document: a pair of images with their provenance, the alignment, the detection
//! parameters, the regions and every note on them. Saved as `NAME.palimpsest.json`.
//!
//! This module holds the data and its (de)serialisation; it knows nothing of the UI.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::align::Alignment;
use crate::pipeline::Params;
use crate::regions::BBox;

/// The schema version written by this build.
pub const SCHEMA_VERSION: u32 = 1;

/// Provenance of one image.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImageMeta {
    /// Where the image comes from (a book, a web page, an archive record).
    pub source: String,
    /// When it was taken or published.
    pub date: String,
    /// Archive or collection holding it.
    pub archive: String,
    /// Photographer or credit line.
    pub credit: String,
    /// Licence or rights statement.
    pub licence: String,
    /// Free note.
    pub note: String,
}

/// One image of the pair.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImageEntry {
    /// Path of the file, relative to the project file when saved.
    pub path: PathBuf,
    /// SHA-256 of the file's bytes, lower-case hex, when known.
    pub sha256: Option<String>,
    /// Provenance.
    pub meta: ImageMeta,
}

/// What kind of alteration a region shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tag {
    /// A person or object was painted out.
    FigureRemoved,
    /// Something was painted in.
    FigureAdded,
    /// The background was retouched.
    BackgroundRetouched,
    /// The picture was cropped.
    Cropped,
    /// Writing was changed.
    TextAltered,
    /// Anything else.
    Other,
}

impl Tag {
    /// Every tag, in menu order.
    pub const ALL: [Tag; 6] = [
        Tag::FigureRemoved,
        Tag::FigureAdded,
        Tag::BackgroundRetouched,
        Tag::Cropped,
        Tag::TextAltered,
        Tag::Other,
    ];

    /// Human label.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Tag::FigureRemoved => "figure removed",
            Tag::FigureAdded => "figure added",
            Tag::BackgroundRetouched => "background retouched",
            Tag::Cropped => "cropped",
            Tag::TextAltered => "text altered",
            Tag::Other => "other",
        }
    }
}

/// How a region came to be.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Found by detection and not reshaped.
    #[default]
    Detected,
    /// Drawn by the user.
    Drawn,
    /// Found by detection, then reshaped, merged or split by the user.
    Edited,
}

/// A region of the document with its annotation.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RegionNote {
    /// Number shown to the user, from 1.
    pub id: u32,
    /// Outline in before-image pixels (not closed).
    pub polygon: Vec<[f64; 2]>,
    /// Bounding box of the outline.
    pub bbox: BBox,
    /// Area in before-image pixels.
    pub area_px: f64,
    /// Detection score (0 for drawn regions).
    pub score: f64,
    /// How the region came to be.
    pub origin: Origin,
    /// Hidden from views and exports.
    pub hidden: bool,
    /// Who or what ("Leon Trotsky").
    pub label: String,
    /// Free note, light Markdown.
    pub note: String,
    /// Kinds of alteration.
    pub tags: Vec<Tag>,
    /// Essay anchors this region is linked to.
    pub links: Vec<String>,
}

/// A pair of corresponding points for manual alignment: `(before, after)` pixel positions.
pub type PointPair = ([f64; 2], [f64; 2]);

/// The document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Project {
    /// Schema version.
    pub version: u32,
    /// Title of the lesson or case.
    pub title: String,
    /// The original.
    pub before: ImageEntry,
    /// The doctored print.
    pub after: ImageEntry,
    /// The registration, when computed or set by hand.
    pub alignment: Option<Alignment>,
    /// Corresponding points clicked by the user.
    pub manual_points: Vec<PointPair>,
    /// Detection parameters.
    pub params: Params,
    /// Areas never reported as changed, as polygons in before-image pixels.
    pub ignore_areas: Vec<Vec<[f64; 2]>>,
    /// The regions and their notes.
    pub regions: Vec<RegionNote>,
    /// Path of the essay (Markdown), or `None` for the bundled essay.
    pub essay: Option<PathBuf>,
}

impl Default for Project {
    fn default() -> Self {
        Self {
            version: SCHEMA_VERSION,
            title: String::new(),
            before: ImageEntry::default(),
            after: ImageEntry::default(),
            alignment: None,
            manual_points: Vec::new(),
            params: Params::default(),
            ignore_areas: Vec::new(),
            regions: Vec::new(),
            essay: None,
        }
    }
}

impl RegionNote {
    /// A region note from a detected region, with no annotation yet.
    #[must_use]
    pub fn from_region(r: &crate::regions::Region) -> Self {
        Self {
            id: r.id,
            polygon: r.polygon.clone(),
            bbox: r.bbox,
            area_px: r.area_px,
            score: r.score,
            ..Self::default()
        }
    }
}
