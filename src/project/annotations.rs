//! The regions of the document and their annotations: label, note, tags and essay links.

use serde::{Deserialize, Serialize};

use super::Project;
use crate::essay::Essay;
use crate::regions::BBox;

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
    /// The step of the version chain at which the change appears, from 0: step `s` lies
    /// between versions `s` and `s + 1` (a pair has only step 0).
    pub step: u32,
}

/// A pair of corresponding points for manual alignment: `(before, after)` pixel positions.
pub type PointPair = ([f64; 2], [f64; 2]);

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

/// A link from a region to an essay anchor the essay does not have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DanglingLink {
    /// The region's number.
    pub region_id: u32,
    /// The anchor, kept as it was.
    pub anchor: String,
}

impl Project {
    /// The region with this number.
    #[must_use]
    pub fn region(&self, id: u32) -> Option<&RegionNote> {
        self.regions.iter().find(|r| r.id == id)
    }

    /// Numbers of the regions linked to exactly this anchor.
    #[must_use]
    pub fn regions_linked_to(&self, anchor: &str) -> Vec<u32> {
        self.regions
            .iter()
            .filter(|r| r.links.iter().any(|l| l == anchor))
            .map(|r| r.id)
            .collect()
    }

    /// Every link whose anchor `essay` does not have, in region order. These are kept in the
    /// project (the essay may come back); the app shows them as broken.
    #[must_use]
    pub fn dangling_links(&self, essay: &Essay) -> Vec<DanglingLink> {
        self.regions
            .iter()
            .flat_map(|r| {
                essay
                    .missing_links(r.links.iter().map(String::as_str))
                    .into_iter()
                    .map(|anchor| DanglingLink {
                        region_id: r.id,
                        anchor,
                    })
            })
            .collect()
    }
}
