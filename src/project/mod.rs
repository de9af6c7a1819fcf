//! The document: two or more versions of a photograph with their provenance, their
//! alignments, the detection parameters, the regions and every note on them, saved as
//! `NAME.palimpsest.json`.
//!
//! This module holds the data and its file format: versioned JSON with a migration chain from
//! older layouts ([`migrate`]), atomic saves, image paths stored relative to the project file,
//! a SHA-256 of each image checked on load ([`ImageProblem`]), and the per-user data folder
//! with the autosave recovery file and the recent-projects list ([`DataDir`]). It knows
//! nothing of the UI, of undo, or of when to autosave.
//!
//! # File format
//!
//! A JSON object with `"version": 2`, the versions as one list `versions` (each an image
//! entry, and from the second on its `alignment` onto the first; see [`LaterVersion`]) and the
//! other fields of [`Project`]. In memory, image and essay paths are absolute; in the file
//! they are relative to the folder of the project file (with `/` separators), or absolute
//! when no relative path exists (another drive). A file without
//! `version`, or with `"version": 0` or `1`, has an earlier layout described at [`migrate`].

mod annotations;
mod edit;
mod error;
mod history;
mod load;
mod migrate;
mod paths;
mod provenance;
mod recovery;
mod save;
pub mod shapes;
#[cfg(test)]
mod tests;
mod validate;
mod versions;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::align::Alignment;
use crate::params::Params;
use provenance::to_hex;

pub use annotations::{DanglingLink, Origin, PointPair, RegionNote, Tag};
pub use edit::{Applied, Edit, EditError, NO_HISTORY};
pub use error::{MigrationError, ProjectError};
pub use history::History;
pub use load::{LoadedProject, is_project_file, with_project_extension};
pub use migrate::{migrate, schema_version};
pub use paths::safe_file_stem;
pub use provenance::{
    ImageEntry, ImageMeta, ImageProblem, ImageProblemKind, Relocated, Which, sha256_file,
};
pub use recovery::{
    DataDir, Recovery, clear_recovery, find_recovery, recovery_path, write_recovery,
};
pub use validate::validate;
pub use versions::{LaterVersion, MAX_VERSIONS};

/// The schema version written by this build.
pub const SCHEMA_VERSION: u32 = 2;

/// The ending of a project file's name.
pub const PROJECT_EXTENSION: &str = ".palimpsest.json";

/// Largest project file [`Project::load`] accepts, in bytes.
pub const MAX_PROJECT_BYTES: u64 = 256 * 1024 * 1024;

/// Longest title or region label [`Project::load`] accepts, in characters.
pub const MAX_LABEL_CHARS: usize = 500;

/// Longest region note [`Project::load`] accepts, in characters (about six printed pages).
pub const MAX_NOTE_CHARS: usize = 20_000;

/// Longest provenance field, essay anchor or path [`Project::load`] accepts, in characters.
pub const MAX_FIELD_CHARS: usize = 4_000;

/// Most regions [`Project::load`] accepts.
pub const MAX_REGIONS: usize = 10_000;

/// Most points in one outline, ignore area or list of essay links [`Project::load`] accepts.
pub const MAX_POINTS: usize = 100_000;

/// Largest absolute pixel coordinate [`Project::load`] accepts (a 1000-megapixel image is
/// under 100 000 pixels on a side; outlines may reach a little past the picture).
pub const MAX_COORDINATE: f64 = 1.0e6;

/// How many entries the recent-projects list keeps.
pub const MAX_RECENT: usize = 10;

/// The document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(into = "versions::ProjectFile", from = "versions::ProjectFile")]
pub struct Project {
    /// Schema version.
    pub version: u32,
    /// Title of the lesson or case.
    pub title: String,
    /// The original: the first version of the chain.
    pub before: ImageEntry,
    /// The doctored print: the second version of the chain.
    pub after: ImageEntry,
    /// The registration of `after` onto `before`, when computed or set by hand.
    pub alignment: Option<Alignment>,
    /// The versions after the second, in order, each aligned onto `before` (empty for a pair).
    pub later: Vec<LaterVersion>,
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
    /// This document's identity, a UUID (`8-4-4-4-12` lower-case hex), written at the first
    /// save ([`Project::uuid`]) and kept after, so exported annotation ids stay the same.
    pub id: String,
    /// Language of the title, labels and notes, a BCP 47 tag ("en", "ru", "de-CH").
    pub language: String,
}

impl Default for Project {
    fn default() -> Self {
        Self {
            version: SCHEMA_VERSION,
            title: String::new(),
            before: ImageEntry::default(),
            after: ImageEntry::default(),
            alignment: None,
            later: Vec::new(),
            manual_points: Vec::new(),
            params: Params::default(),
            ignore_areas: Vec::new(),
            regions: Vec::new(),
            essay: None,
            id: String::new(),
            language: DEFAULT_LANGUAGE.to_owned(),
        }
    }
}

/// The title a fresh document on a pair gets: the name of the before image's folder (a case
/// kept as `trotsky/before.jpg`, `trotsky/after.jpg` is titled "trotsky"), or nothing.
#[must_use]
pub fn title_for_pair(before: &std::path::Path) -> String {
    before
        .parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The language of a document that names none.
pub const DEFAULT_LANGUAGE: &str = "en";

/// True for a UUID written as 8-4-4-4-12 hexadecimal digits.
#[must_use]
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// True for a well-formed BCP 47 language tag (letters, digits and hyphens in subtags of 1 to
/// 8, starting with a 2 to 8 letter language).
#[must_use]
pub fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()));
    first_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// A UUID made from the SHA-256 of `name` (version 8, "custom"): the same name always gives
/// the same UUID.
#[must_use]
pub fn uuid_from_name(name: &[u8]) -> String {
    let digest = Sha256::digest(name);
    let mut b = [0_u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    format_uuid(&b)
}

fn format_uuid(b: &[u8; 16]) -> String {
    let hex = to_hex(b);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

impl Project {
    /// The document's UUID: [`Project::id`] when set, else one derived from the title and the
    /// images (stable for an unsaved document, which gets its own at the first save).
    #[must_use]
    pub fn uuid(&self) -> String {
        if is_uuid(&self.id) {
            return self.id.to_ascii_lowercase();
        }
        let mut name = Vec::new();
        name.extend_from_slice(self.title.as_bytes());
        for which in Which::BOTH {
            let e = self.image(which);
            name.push(0);
            name.extend_from_slice(e.path.as_os_str().as_encoded_bytes());
            name.push(0);
            name.extend_from_slice(e.sha256.as_deref().unwrap_or("").as_bytes());
        }
        uuid_from_name(&name)
    }
}
