//! Document edits as values: every change the app makes to a [`Project`] is one [`Edit`],
//! carried out by [`Project::apply`]. Undo and redo ([`super::History`]) keep snapshots of the
//! document taken before each edit.

use std::path::PathBuf;

use super::shapes;
use super::{ImageMeta, Origin, Params, PointPair, Project, RegionNote, Tag, Which};
use crate::align::Alignment;
use crate::regions::{BBox, Region};

/// One change to the document.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// Add a drawn region (outline in before-image pixels). Outlines with fewer than three
    /// points or under four square pixels are ignored.
    AddRegion(Vec<[f64; 2]>),
    /// Replace a region's outline; a detected region becomes an edited one.
    SetPolygon {
        /// Region number.
        id: u32,
        /// New outline in before-image pixels.
        polygon: Vec<[f64; 2]>,
    },
    /// Delete these regions.
    DeleteRegions(Vec<u32>),
    /// Merge these regions into one (at least two).
    MergeRegions(Vec<u32>),
    /// Split a region in two along a cut line (before-image pixels), or across its middle.
    SplitRegion {
        /// Region number.
        id: u32,
        /// The cut's two ends, or `None` for the middle.
        line: Option<([f64; 2], [f64; 2])>,
    },
    /// Hide or show a region.
    SetHidden {
        /// Region number.
        id: u32,
        /// Hidden.
        hidden: bool,
    },
    /// Set a region's label.
    SetLabel {
        /// Region number.
        id: u32,
        /// Who or what.
        label: String,
    },
    /// Set a region's note.
    SetNote {
        /// Region number.
        id: u32,
        /// Light Markdown.
        note: String,
    },
    /// Set a region's tags.
    SetTags {
        /// Region number.
        id: u32,
        /// The tags, in [`Tag::ALL`] order.
        tags: Vec<Tag>,
    },
    /// Link a region to an essay passage (once).
    AddLink {
        /// Region number.
        id: u32,
        /// The passage's anchor.
        anchor: String,
    },
    /// Remove a region's link to an essay passage.
    RemoveLink {
        /// Region number.
        id: u32,
        /// The passage's anchor.
        anchor: String,
    },
    /// Set the document's title.
    SetTitle(String),
    /// Set one image's provenance.
    SetImageMeta {
        /// Which image.
        which: Which,
        /// Its provenance.
        meta: ImageMeta,
    },
    /// Use the essay at this path, or the bundled essay (`None`).
    SetEssay(Option<PathBuf>),
    /// Set the detection parameters.
    SetParams(Params),
    /// Add areas never reported as changed; outlines with fewer than three points are ignored.
    AddIgnoreAreas(Vec<Vec<[f64; 2]>>),
    /// Remove every ignore area.
    ClearIgnoreAreas,
    /// Set the alignment (computed, or `None` to align automatically again).
    SetAlignment(Option<Alignment>),
    /// Set the alignment fitted to points clicked by the user, and those points.
    SetManualAlignment {
        /// The fit.
        alignment: Alignment,
        /// The corresponding points it was fitted to.
        points: Vec<PointPair>,
    },
    /// Forget the manual points and the alignment, to align automatically again.
    UseAutomaticAlignment,
    /// Fill in what a save records: each image's SHA-256 where it is not known yet (an image
    /// that cannot be read keeps none), and the document's UUID where it has none.
    Stamp,
    /// Replace every region with the regions of a new detection.
    TakeDetected(Vec<Region>),
    /// Replace the untouched detected regions with a new detection, keeping regions the user
    /// drew, edited or annotated; then renumber everything in reading order.
    MergeDetected(Vec<Region>),
}

/// Merge key meaning "never record in history".
pub const NO_HISTORY: &str = "";

impl Edit {
    /// How this edit is recorded in the history: `None` for its own undo step, or a key for
    /// steps that merge with immediately preceding ones of the same key (typing, dragging).
    #[must_use]
    pub fn history_merge_key(&self) -> Option<&'static str> {
        match self {
            Edit::SetPolygon { .. } => Some("polygon"),
            Edit::SetParams(_) => Some("params"),
            Edit::SetLabel { .. } => Some("label"),
            Edit::SetNote { .. } => Some("note"),
            Edit::SetTitle(_) => Some("title"),
            Edit::SetImageMeta { .. } => Some("metadata"),
            _ => None,
        }
    }
}

/// What an edit did that the caller may want to follow.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// The regions to select afterwards, when the edit calls for a new selection (an added,
    /// merged or split region; nothing after a deletion or a new detection).
    pub select: Option<Vec<u32>>,
}

impl Applied {
    fn select(ids: Vec<u32>) -> Self {
        Self { select: Some(ids) }
    }
}

/// Why an edit could not be carried out. The document is then unchanged.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// The cut line leaves one side of the region empty.
    #[error("The cut does not cross region {id}: draw the line right across it.")]
    CutMisses {
        /// Region number.
        id: u32,
    },
}

impl Project {
    /// Carries out one edit. Edits naming a region that does not exist change nothing.
    ///
    /// # Errors
    /// The edit cannot be carried out as asked (see [`EditError`]); the document is unchanged.
    pub fn apply(&mut self, edit: Edit) -> Result<Applied, EditError> {
        match edit {
            Edit::AddRegion(polygon) => {
                if polygon.len() >= 3 && crate::geometry::polygon_area(&polygon) >= 4.0 {
                    let id = shapes::next_id(&self.regions);
                    self.regions.push(shapes::drawn_region(id, polygon));
                    return Ok(Applied::select(vec![id]));
                }
            }
            Edit::SetPolygon { id, polygon } => {
                if let Some(r) = self.region_mut(id) {
                    r.polygon = polygon;
                    if r.origin == Origin::Detected {
                        r.origin = Origin::Edited;
                    }
                    shapes::refresh(r);
                }
            }
            Edit::DeleteRegions(ids) => {
                self.regions.retain(|r| !ids.contains(&r.id));
                return Ok(Applied::select(Vec::new()));
            }
            Edit::MergeRegions(ids) => {
                let parts: Vec<RegionNote> = self
                    .regions
                    .iter()
                    .filter(|r| ids.contains(&r.id))
                    .cloned()
                    .collect();
                if parts.len() >= 2
                    && let Some(merged) = shapes::merge(&parts)
                {
                    let keep = merged.id;
                    self.regions.retain(|r| !ids.contains(&r.id));
                    self.regions.push(merged);
                    self.regions.sort_by_key(|r| r.id);
                    return Ok(Applied::select(vec![keep]));
                }
            }
            Edit::SplitRegion { id, line } => {
                let Some(pos) = self.regions.iter().position(|r| r.id == id) else {
                    return Ok(Applied::default());
                };
                let (a, mut b) =
                    shapes::split(&self.regions[pos], line).ok_or(EditError::CutMisses { id })?;
                b.id = shapes::next_id(&self.regions);
                let select = vec![a.id, b.id];
                self.regions[pos] = a;
                self.regions.push(b);
                return Ok(Applied::select(select));
            }
            Edit::SetHidden { id, hidden } => {
                if let Some(r) = self.region_mut(id) {
                    r.hidden = hidden;
                }
            }
            Edit::SetLabel { id, label } => {
                if let Some(r) = self.region_mut(id) {
                    r.label = label;
                }
            }
            Edit::SetNote { id, note } => {
                if let Some(r) = self.region_mut(id) {
                    r.note = note;
                }
            }
            Edit::SetTags { id, tags } => {
                if let Some(r) = self.region_mut(id) {
                    r.tags = tags;
                }
            }
            Edit::AddLink { id, anchor } => {
                if let Some(r) = self.region_mut(id)
                    && !r.links.contains(&anchor)
                {
                    r.links.push(anchor);
                }
            }
            Edit::RemoveLink { id, anchor } => {
                if let Some(r) = self.region_mut(id) {
                    r.links.retain(|l| l != &anchor);
                }
            }
            Edit::SetTitle(title) => self.title = title,
            Edit::SetImageMeta { which, meta } => self.image_mut(which).meta = meta,
            Edit::SetEssay(path) => self.essay = path,
            Edit::SetParams(params) => self.params = params,
            Edit::AddIgnoreAreas(polys) => self
                .ignore_areas
                .extend(polys.into_iter().filter(|p| p.len() >= 3)),
            Edit::ClearIgnoreAreas => self.ignore_areas.clear(),
            Edit::SetAlignment(alignment) => self.alignment = alignment,
            Edit::SetManualAlignment { alignment, points } => {
                self.manual_points = points;
                self.alignment = Some(alignment);
            }
            Edit::UseAutomaticAlignment => {
                self.manual_points.clear();
                self.alignment = None;
            }
            Edit::Stamp => {
                for entry in self.version_images_mut() {
                    if entry.sha256.is_none() && !entry.is_unset() {
                        entry.sha256 = super::sha256_file(&entry.path).ok();
                    }
                }
                if self.id.is_empty() {
                    self.id = self.uuid();
                }
            }
            Edit::TakeDetected(regions) => {
                // A detection compares the first two versions: later steps keep their regions.
                self.regions.retain(|r| r.step != 0);
                self.regions
                    .extend(regions.iter().map(RegionNote::from_region));
                shapes::renumber(&mut self.regions);
            }
            Edit::MergeDetected(regions) => {
                merge_detected(&mut self.regions, &regions);
                return Ok(Applied::select(Vec::new()));
            }
        }
        Ok(Applied::default())
    }

    /// The region with this number, to change.
    fn region_mut(&mut self, id: u32) -> Option<&mut RegionNote> {
        self.regions.iter_mut().find(|r| r.id == id)
    }
}

/// Replaces the untouched detected regions with a new detection, keeping regions the user
/// drew, edited or annotated; then renumbers everything in reading order.
fn merge_detected(regions: &mut Vec<RegionNote>, detected: &[Region]) {
    let kept: Vec<RegionNote> = regions
        .drain(..)
        .filter(|r| {
            r.step != 0
                || r.origin != Origin::Detected
                || !r.label.is_empty()
                || !r.note.is_empty()
                || !r.tags.is_empty()
                || !r.links.is_empty()
        })
        .collect();
    let overlaps = |b: &BBox| kept.iter().any(|k| k.step == 0 && k.bbox.intersects(b));
    let fresh: Vec<RegionNote> = detected
        .iter()
        .filter(|d| !overlaps(&d.bbox))
        .map(RegionNote::from_region)
        .collect();
    regions.extend(kept);
    regions.extend(fresh);
    shapes::renumber(regions);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x: f64, y: f64, side: f64) -> Vec<[f64; 2]> {
        vec![[x, y], [x + side, y], [x + side, y + side], [x, y + side]]
    }

    #[test]
    fn added_regions_are_numbered_and_selected() {
        let mut p = Project::default();
        let applied = p.apply(Edit::AddRegion(square(0.0, 0.0, 10.0))).unwrap();
        assert_eq!(applied.select, Some(vec![1]));
        assert_eq!(p.regions[0].origin, Origin::Drawn);
        // Too small to be a region: nothing changes, nothing is selected.
        let before = p.clone();
        let applied = p.apply(Edit::AddRegion(square(0.0, 0.0, 1.0))).unwrap();
        assert_eq!(applied, Applied::default());
        assert_eq!(p, before);
    }

    #[test]
    fn a_cut_that_misses_is_refused_and_changes_nothing() {
        let mut p = Project::default();
        p.apply(Edit::AddRegion(square(0.0, 0.0, 10.0))).unwrap();
        let before = p.clone();
        let err = p
            .apply(Edit::SplitRegion {
                id: 1,
                line: Some(([50.0, -5.0], [50.0, 20.0])),
            })
            .unwrap_err();
        assert_eq!(err, EditError::CutMisses { id: 1 });
        assert_eq!(p, before);
        let applied = p
            .apply(Edit::SplitRegion {
                id: 1,
                line: Some(([5.0, -5.0], [5.0, 20.0])),
            })
            .unwrap();
        assert_eq!(applied.select, Some(vec![1, 2]));
        assert_eq!(p.regions.len(), 2);
    }

    #[test]
    fn links_are_added_once_and_removed() {
        let mut p = Project::default();
        p.apply(Edit::AddRegion(square(0.0, 0.0, 10.0))).unwrap();
        for _ in 0..2 {
            p.apply(Edit::AddLink {
                id: 1,
                anchor: "a/1".to_owned(),
            })
            .unwrap();
        }
        assert_eq!(p.regions[0].links, vec!["a/1".to_owned()]);
        p.apply(Edit::RemoveLink {
            id: 1,
            anchor: "a/1".to_owned(),
        })
        .unwrap();
        assert!(p.regions[0].links.is_empty());
    }

    #[test]
    fn a_new_detection_keeps_annotated_regions() {
        let mut p = Project::default();
        p.apply(Edit::AddRegion(square(0.0, 0.0, 10.0))).unwrap();
        p.apply(Edit::SetLabel {
            id: 1,
            label: "kept".to_owned(),
        })
        .unwrap();
        p.apply(Edit::MergeDetected(Vec::new())).unwrap();
        assert_eq!(p.regions.len(), 1);
        assert_eq!(p.regions[0].label, "kept");
        p.apply(Edit::TakeDetected(Vec::new())).unwrap();
        assert!(p.regions.is_empty());
    }
}
