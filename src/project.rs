//! The document: a pair of images with their provenance, the alignment, the detection
//! parameters, the regions and every note on them, saved as `NAME.palimpsest.json`.
//!
//! This module holds the data and its file format: versioned JSON with a migration chain from
//! older layouts ([`migrate`]), atomic saves, image paths stored relative to the project file,
//! a SHA-256 of each image checked on load ([`ImageProblem`]), and the per-user data folder
//! with the autosave recovery file and the recent-projects list ([`DataDir`]). It knows
//! nothing of the UI, of undo, or of when to autosave.
//!
//! # File format
//!
//! A JSON object with `"version": 1` and the fields of [`Project`]. In memory, image and essay
//! paths are absolute; in the file they are relative to the folder of the project file (with
//! `/` separators), or absolute when no relative path exists (another drive). A file without
//! `version`, or with `"version": 0`, has the earlier layout described at [`migrate`].

use std::ffi::OsString;
use std::fs::File;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::align::Alignment;
use crate::essay::Essay;
use crate::pipeline::Params;
use crate::regions::BBox;

/// The schema version written by this build.
pub const SCHEMA_VERSION: u32 = 1;

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

impl ImageEntry {
    /// An entry for the image at `path`, with no hash and no provenance yet.
    #[must_use]
    pub fn at(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            ..Self::default()
        }
    }

    /// True when no image is set.
    #[must_use]
    pub fn is_unset(&self) -> bool {
        self.path.as_os_str().is_empty()
    }
}

// ---------------------------------------------------------------------------------------------
// Image checks

/// One of the two images of the pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Which {
    /// The original.
    Before,
    /// The doctored print.
    After,
}

impl Which {
    /// Both, in order.
    pub const BOTH: [Which; 2] = [Which::Before, Which::After];

    /// Lower-case name ("before", "after").
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Which::Before => "before",
            Which::After => "after",
        }
    }
}

/// What is wrong with an image of a loaded project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageProblemKind {
    /// No file at the path.
    Missing,
    /// The file exists but cannot be read.
    Unreadable {
        /// The operating system's reason.
        reason: String,
    },
    /// The file's bytes differ from those the project was saved with (it was replaced or
    /// edited).
    HashMismatch {
        /// SHA-256 stored in the project.
        expected: String,
        /// SHA-256 of the file now.
        found: String,
    },
}

/// An image of a loaded project that is missing or not the one the project was made with.
///
/// Not an error: the project loads, and the app offers to relocate the image
/// ([`Project::relocate`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageProblem {
    /// Which image.
    pub which: Which,
    /// The absolute path looked at.
    pub path: PathBuf,
    /// What is wrong.
    pub kind: ImageProblemKind,
}

impl std::fmt::Display for ImageProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let which = self.which.name();
        let path = self.path.display();
        match &self.kind {
            ImageProblemKind::Missing => write!(f, "{which} image is missing: {path}"),
            ImageProblemKind::Unreadable { reason } => {
                write!(f, "{which} image cannot be read: {reason}: {path}")
            }
            ImageProblemKind::HashMismatch { .. } => write!(
                f,
                "{which} image is not the file the project was saved with: {path}"
            ),
        }
    }
}

/// The outcome of [`Project::relocate`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relocated {
    /// SHA-256 of the new file, now stored in the project.
    pub sha256: String,
    /// The hash the project held before, if any.
    pub previous_sha256: Option<String>,
}

impl Relocated {
    /// True when the new file has the same bytes as the one the project was saved with (or no
    /// hash was known).
    #[must_use]
    pub fn same_file(&self) -> bool {
        self.previous_sha256
            .as_deref()
            .is_none_or(|previous| previous == self.sha256)
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

/// SHA-256 of a file's bytes, lower-case hex, read in chunks.
///
/// # Errors
/// The file cannot be opened or read.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
    }
    Ok(to_hex(&hasher.finalize()))
}

fn to_hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Errors

/// Why a project file could not be loaded or saved. Each message is one line, reason first and
/// path last.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    /// The file could not be read.
    #[error("cannot read project file: {source}: {}", path.display())]
    Read {
        /// The underlying error.
        source: std::io::Error,
        /// The file.
        path: PathBuf,
    },
    /// The file is larger than [`MAX_PROJECT_BYTES`].
    #[error("project file is {size_bytes} bytes, over the {max_bytes} byte limit: {}", path.display())]
    TooLarge {
        /// Size of the file.
        size_bytes: u64,
        /// The limit.
        max_bytes: u64,
        /// The file.
        path: PathBuf,
    },
    /// The file ends in the middle of the JSON.
    #[error("project file is truncated ({reason}): {}", path.display())]
    Truncated {
        /// Where it ends.
        reason: String,
        /// The file.
        path: PathBuf,
    },
    /// The file is not JSON.
    #[error("project file is corrupt, not valid JSON ({reason}): {}", path.display())]
    Corrupt {
        /// What the parser found.
        reason: String,
        /// The file.
        path: PathBuf,
    },
    /// The version is unknown, newer, or an upgrade step failed.
    #[error("{source}: {}", path.display())]
    Migration {
        /// What went wrong.
        source: MigrationError,
        /// The file.
        path: PathBuf,
    },
    /// The JSON does not have the layout of its version.
    #[error("project file does not match the version {version} layout ({reason}): {}", path.display())]
    Schema {
        /// The version the layout was checked against.
        version: u32,
        /// What the decoder found.
        reason: String,
        /// The file.
        path: PathBuf,
    },
    /// A value is out of bounds: a coordinate not finite or too large, a text over its cap,
    /// two regions with one number, an alignment that cannot be inverted.
    #[error("project file has an invalid value ({reason}): {}", path.display())]
    Invalid {
        /// What is wrong, and where.
        reason: String,
        /// The file.
        path: PathBuf,
    },
    /// The project holds something JSON cannot keep (a non-finite number, a non-UTF-8 path).
    #[error("project cannot be saved ({reason}): {}", path.display())]
    Encode {
        /// What could not be written.
        reason: String,
        /// The file that was to be written.
        path: PathBuf,
    },
    /// Writing failed; the previous file, if any, is unchanged.
    #[error("cannot write project file: {source}: {}", path.display())]
    Write {
        /// The underlying error.
        source: std::io::Error,
        /// The file.
        path: PathBuf,
    },
    /// An image could not be read (when relocating it).
    #[error("cannot read image: {source}: {}", path.display())]
    Image {
        /// The underlying error.
        source: std::io::Error,
        /// The image.
        path: PathBuf,
    },
}

/// Why a JSON document could not be brought to [`SCHEMA_VERSION`].
#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    /// The document is newer than this program.
    #[error("project file version {found} is newer than this program supports ({supported})")]
    Newer {
        /// The version in the file.
        found: u64,
        /// [`SCHEMA_VERSION`].
        supported: u32,
    },
    /// The `version` field is not a whole number.
    #[error("project file has an invalid version field ({found})")]
    BadVersion {
        /// The field as found.
        found: String,
    },
    /// The document is not a JSON object.
    #[error("project file is not a JSON object")]
    NotAnObject,
    /// An upgrade step found something it cannot convert.
    #[error("cannot upgrade project file from version {from}: {reason}")]
    Step {
        /// The version being upgraded.
        from: u32,
        /// What was wrong.
        reason: String,
    },
}

// ---------------------------------------------------------------------------------------------
// Migration

/// The schema version of a JSON document: its `version` field, or 0 when it has none.
///
/// # Errors
/// The document is not an object, or `version` is not a non-negative whole number.
pub fn schema_version(value: &Value) -> Result<u64, MigrationError> {
    let object = value.as_object().ok_or(MigrationError::NotAnObject)?;
    match object.get("version") {
        None | Some(Value::Null) => Ok(0),
        Some(v) => v.as_u64().ok_or_else(|| MigrationError::BadVersion {
            found: v.to_string(),
        }),
    }
}

/// Brings a project document of any earlier version to [`SCHEMA_VERSION`], one step at a
/// time. A current document is returned unchanged.
///
/// Version 0 is the earlier layout, with no `version` field (or `"version": 0`), each image a
/// bare path string, and each region only a box and a label (and optionally a note):
///
/// ```json
/// { "title": "Sverdlov Square",
///   "before": "before.jpg", "after": "after.jpg",
///   "regions": [ { "x": 10, "y": 20, "w": 30, "h": 40, "label": "Leon Trotsky" } ] }
/// ```
///
/// It becomes version 1 with each image an object `{ "path": … }` and each region numbered
/// from 1 in order, with the box as `bbox`, its four corners as the polygon, its area, and
/// origin `drawn`.
///
/// # Errors
/// The version is newer than [`SCHEMA_VERSION`] or invalid, or a step finds a value it cannot
/// convert.
pub fn migrate(mut value: Value) -> Result<Value, MigrationError> {
    let found = schema_version(&value)?;
    if found > u64::from(SCHEMA_VERSION) {
        return Err(MigrationError::Newer {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    let mut version = u32::try_from(found).unwrap_or(SCHEMA_VERSION);
    while version < SCHEMA_VERSION {
        value = match version {
            0 => migrate_0_to_1(value)?,
            _ => {
                return Err(MigrationError::Step {
                    from: version,
                    reason: "no upgrade step".to_owned(),
                });
            }
        };
        version += 1;
    }
    Ok(value)
}

fn migrate_0_to_1(mut value: Value) -> Result<Value, MigrationError> {
    let step = |reason: String| MigrationError::Step { from: 0, reason };
    let object = value.as_object_mut().ok_or(MigrationError::NotAnObject)?;
    for key in ["before", "after"] {
        match object.get(key) {
            Some(Value::String(path)) => {
                let entry = serde_json::json!({ "path": path });
                object.insert(key.to_owned(), entry);
            }
            None | Some(Value::Null | Value::Object(_)) => {}
            Some(other) => return Err(step(format!("`{key}` is {other}, not a path"))),
        }
    }
    if let Some(regions) = object.get_mut("regions") {
        let regions = regions
            .as_array_mut()
            .ok_or_else(|| step("`regions` is not a list".to_owned()))?;
        for (index, region) in regions.iter_mut().enumerate() {
            let r = region
                .as_object_mut()
                .ok_or_else(|| step(format!("region {} is not an object", index + 1)))?;
            let mut number = |key: &str| -> Result<f64, MigrationError> {
                r.remove(key)
                    .and_then(|v| v.as_f64())
                    .ok_or_else(|| step(format!("region {} has no number `{key}`", index + 1)))
            };
            let (x, y, w, h) = (number("x")?, number("y")?, number("w")?, number("h")?);
            let id = u32::try_from(index + 1).unwrap_or(u32::MAX);
            r.entry("id").or_insert_with(|| Value::from(id));
            r.insert(
                "bbox".to_owned(),
                serde_json::json!({ "x": x, "y": y, "width": w, "height": h }),
            );
            r.insert(
                "polygon".to_owned(),
                serde_json::json!([[x, y], [x + w, y], [x + w, y + h], [x, y + h]]),
            );
            r.insert("area_px".to_owned(), Value::from(w * h));
            r.insert("origin".to_owned(), Value::from("drawn"));
        }
    }
    object.insert("version".to_owned(), Value::from(1));
    Ok(value)
}

// ---------------------------------------------------------------------------------------------
// Load and save

/// A project read from disk, with what was found about its images.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadedProject {
    /// The document, with absolute image and essay paths.
    pub project: Project,
    /// The absolute path of the file it was read from.
    pub path: PathBuf,
    /// Missing or changed images (empty when all is well).
    pub problems: Vec<ImageProblem>,
    /// The version the file had, when it was older and has been upgraded in memory (the file
    /// itself is not rewritten until the user saves).
    pub migrated_from: Option<u64>,
}

impl Project {
    /// Reads a project file: checks its version, upgrades older layouts, resolves the image
    /// paths against the file's folder and checks each image against its SHA-256.
    ///
    /// Missing or changed images are not errors: they are listed in
    /// [`LoadedProject::problems`]. The file is only read, never written.
    ///
    /// # Errors
    /// The file cannot be read, is too large, is truncated or not JSON, is of a newer version,
    /// or does not have the layout of its version.
    pub fn load(path: &Path) -> Result<LoadedProject, ProjectError> {
        let abs = absolutize(path);
        let bytes = read_limited(path)?;
        let (mut project, migrated_from) = Self::parse(&bytes, path)?;
        let base = abs.parent().map(Path::to_path_buf).unwrap_or_default();
        project.resolve_paths(&base);
        let problems = project.check_images();
        Ok(LoadedProject {
            project,
            path: abs,
            problems,
            migrated_from,
        })
    }

    /// Decodes the bytes of a project file: JSON, migrated from older versions, values checked
    /// ([`validate`]); paths as stored. `path` names the file in errors only. Returns the
    /// document and the version it was upgraded from, if older.
    ///
    /// # Errors
    /// As [`Project::load`], except for reading.
    pub fn parse(bytes: &[u8], path: &Path) -> Result<(Project, Option<u64>), ProjectError> {
        let value: Value = serde_json::from_slice(bytes).map_err(|e| json_error(&e, path))?;
        let migrated_from = schema_version(&value)
            .ok()
            .filter(|&v| v < u64::from(SCHEMA_VERSION));
        Ok((decode(value, path)?, migrated_from))
    }

    /// Writes the project to `path` atomically (a temporary file in the same folder, flushed,
    /// synced, then renamed over the target), with image paths relative to the file's folder
    /// and the SHA-256 of each image that has none yet.
    ///
    /// The bytes are checked to read back equal before anything is written; on any failure the
    /// previous file is left as it was and no temporary file remains.
    ///
    /// # Errors
    /// The project holds a value JSON cannot keep (a non-finite number), or writing fails.
    pub fn save(&self, path: &Path) -> Result<(), ProjectError> {
        let bytes = self.to_json_for(path)?;
        write_atomic(path, &bytes).map_err(|source| ProjectError::Write {
            source,
            path: path.to_path_buf(),
        })
    }

    /// The bytes [`Project::save`] would write to `path`.
    ///
    /// # Errors
    /// The project holds a value JSON cannot keep.
    pub fn to_json_for(&self, path: &Path) -> Result<Vec<u8>, ProjectError> {
        let abs = absolutize(path);
        let base = abs.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut doc = self.clone();
        doc.version = SCHEMA_VERSION;
        if doc.id.is_empty() {
            doc.id = self.uuid();
        }
        for which in Which::BOTH {
            let entry = doc.image_mut(which);
            if entry.is_unset() {
                continue;
            }
            let image = absolutize(&entry.path);
            if entry.sha256.is_none() {
                entry.sha256 = sha256_file(&image).ok();
            }
            entry.path = relative_to(&image, &base);
        }
        if let Some(essay) = doc.essay.as_mut() {
            *essay = relative_to(&absolutize(essay), &base);
        }
        let encode = |reason: String| ProjectError::Encode {
            reason,
            path: path.to_path_buf(),
        };
        let mut bytes = serde_json::to_vec_pretty(&doc).map_err(|e| encode(e.to_string()))?;
        bytes.push(b'\n');
        match serde_json::from_slice::<Project>(&bytes) {
            Ok(back) if back == doc => Ok(bytes),
            Ok(_) => Err(encode(
                "a value does not survive the round trip through JSON".to_owned(),
            )),
            Err(e) => Err(encode(format!(
                "it holds a value JSON cannot store, such as a non-finite number: {e}"
            ))),
        }
    }

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

    /// Checks that each image exists and, when a hash is stored, that it still has it.
    #[must_use]
    pub fn check_images(&self) -> Vec<ImageProblem> {
        let mut problems = Vec::new();
        for which in Which::BOTH {
            let entry = self.image(which);
            if entry.is_unset() {
                continue;
            }
            let problem = |kind| ImageProblem {
                which,
                path: entry.path.clone(),
                kind,
            };
            if !entry.path.is_file() {
                problems.push(problem(ImageProblemKind::Missing));
                continue;
            }
            let Some(expected) = &entry.sha256 else {
                continue;
            };
            match sha256_file(&entry.path) {
                Ok(found) if found.eq_ignore_ascii_case(expected) => {}
                Ok(found) => problems.push(problem(ImageProblemKind::HashMismatch {
                    expected: expected.clone(),
                    found,
                })),
                Err(e) => problems.push(problem(ImageProblemKind::Unreadable {
                    reason: e.to_string(),
                })),
            }
        }
        problems
    }

    /// Points an image at a new file (after it was moved, or to accept an edited file) and
    /// stores that file's SHA-256. Reports whether it is the same file as before.
    ///
    /// # Errors
    /// The new file cannot be read; the project is then unchanged.
    pub fn relocate(&mut self, which: Which, new_path: &Path) -> Result<Relocated, ProjectError> {
        let path = absolutize(new_path);
        let sha256 = sha256_file(&path).map_err(|source| ProjectError::Image {
            source,
            path: path.clone(),
        })?;
        let entry = self.image_mut(which);
        let previous_sha256 = entry.sha256.replace(sha256.clone());
        entry.path = path;
        Ok(Relocated {
            sha256,
            previous_sha256,
        })
    }

    /// The folder of the before image: where new files (exports, a first save) are suggested.
    #[must_use]
    pub fn image_folder(&self) -> PathBuf {
        self.before
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }

    /// One image of the pair.
    #[must_use]
    pub fn image(&self, which: Which) -> &ImageEntry {
        match which {
            Which::Before => &self.before,
            Which::After => &self.after,
        }
    }

    /// One image of the pair, to change.
    pub fn image_mut(&mut self, which: Which) -> &mut ImageEntry {
        match which {
            Which::Before => &mut self.before,
            Which::After => &mut self.after,
        }
    }

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

    /// Makes relative image and essay paths absolute against `base` (the project file's
    /// folder), and tidies `.` and `..` out of them.
    fn resolve_paths(&mut self, base: &Path) {
        let resolve = |p: &Path| {
            if p.as_os_str().is_empty() {
                PathBuf::new()
            } else {
                normalize(&base.join(p))
            }
        };
        self.before.path = resolve(&self.before.path);
        self.after.path = resolve(&self.after.path);
        if let Some(essay) = self.essay.as_mut() {
            *essay = resolve(essay);
        }
    }
}

/// True when the file name ends with [`PROJECT_EXTENSION`].
#[must_use]
pub fn is_project_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.len() > PROJECT_EXTENSION.len() && n.ends_with(PROJECT_EXTENSION))
}

/// The path with [`PROJECT_EXTENSION`] added unless it already ends with it (for Save As:
/// `lesson` → `lesson.palimpsest.json`, `lesson.json` → `lesson.palimpsest.json`).
#[must_use]
pub fn with_project_extension(path: &Path) -> PathBuf {
    if is_project_file(path) {
        return path.to_path_buf();
    }
    let mut name = path.file_name().map(OsString::from).unwrap_or_default();
    if path.extension().is_some_and(|e| e == "json") {
        name = path.file_stem().map(OsString::from).unwrap_or_default();
    }
    if name.is_empty() {
        name = OsString::from("untitled");
    }
    name.push(PROJECT_EXTENSION);
    path.with_file_name(name)
}

fn read_limited(path: &Path) -> Result<Vec<u8>, ProjectError> {
    let read_err = |source| ProjectError::Read {
        source,
        path: path.to_path_buf(),
    };
    let file = File::open(path).map_err(read_err)?;
    let size_bytes = file.metadata().map_err(read_err)?.len();
    if size_bytes > MAX_PROJECT_BYTES {
        return Err(ProjectError::TooLarge {
            size_bytes,
            max_bytes: MAX_PROJECT_BYTES,
            path: path.to_path_buf(),
        });
    }
    let mut bytes = Vec::new();
    file.take(MAX_PROJECT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    Ok(bytes)
}

fn json_error(e: &serde_json::Error, path: &Path) -> ProjectError {
    let at = format!("line {}, column {}", e.line(), e.column());
    if e.is_eof() {
        ProjectError::Truncated {
            reason: format!("it ends early, at {at}"),
            path: path.to_path_buf(),
        }
    } else {
        let reason = e.to_string();
        let reason = reason
            .strip_suffix(&format!(" at {}", at.replace(',', "")))
            .map_or(reason.clone(), |r| format!("{r} at {at}"));
        ProjectError::Corrupt {
            reason,
            path: path.to_path_buf(),
        }
    }
}

/// Migrates and decodes a document into a [`Project`] (paths as stored).
fn decode(value: Value, path: &Path) -> Result<Project, ProjectError> {
    let value = migrate(value).map_err(|source| ProjectError::Migration {
        source,
        path: path.to_path_buf(),
    })?;
    let mut project: Project = serde_json::from_value(value).map_err(|e| ProjectError::Schema {
        version: SCHEMA_VERSION,
        reason: e.to_string(),
        path: path.to_path_buf(),
    })?;
    project.version = SCHEMA_VERSION;
    validate(&project).map_err(|reason| ProjectError::Invalid {
        reason,
        path: path.to_path_buf(),
    })?;
    Ok(project)
}

fn shorten_for_message(s: &str) -> String {
    s.chars().take(40).collect()
}

/// Checks the values a file may hold but a document must not: see the `MAX_` constants.
///
/// # Errors
/// What is wrong, and where, in a few words.
pub fn validate(project: &Project) -> Result<(), String> {
    let chars = |s: &str, max: usize, what: &str| -> Result<(), String> {
        let n = s.chars().count();
        if n > max {
            Err(format!("{what} has {n} characters, over the {max} limit"))
        } else {
            Ok(())
        }
    };
    let coord = |v: f64, what: &str| -> Result<(), String> {
        if v.is_finite() && v.abs() <= MAX_COORDINATE {
            Ok(())
        } else {
            Err(format!(
                "{what} is {v}, not a finite coordinate within ±{MAX_COORDINATE}"
            ))
        }
    };
    let points = |pts: &[[f64; 2]], what: &str| -> Result<(), String> {
        if pts.len() > MAX_POINTS {
            return Err(format!(
                "{what} has {} points, over the {MAX_POINTS} limit",
                pts.len()
            ));
        }
        pts.iter()
            .flatten()
            .try_for_each(|v| coord(*v, &format!("a point of {what}")))
    };
    chars(&project.title, MAX_LABEL_CHARS, "the title")?;
    if !project.id.is_empty() && !is_uuid(&project.id) {
        return Err("the id is not a UUID (8-4-4-4-12 hexadecimal digits)".to_owned());
    }
    if !is_language_tag(&project.language) {
        return Err(format!(
            "the language {:?} is not a BCP 47 tag such as \"en\" or \"ru\"",
            shorten_for_message(&project.language)
        ));
    }
    for which in Which::BOTH {
        let e = project.image(which);
        let m = &e.meta;
        let name = which.name();
        let path_text = e.path.to_string_lossy();
        for (field, value) in [
            ("path", &*path_text),
            ("source", m.source.as_str()),
            ("date", m.date.as_str()),
            ("archive", m.archive.as_str()),
            ("credit", m.credit.as_str()),
            ("licence", m.licence.as_str()),
            ("note", m.note.as_str()),
        ] {
            chars(
                value,
                MAX_FIELD_CHARS,
                &format!("the {name} image's {field}"),
            )?;
        }
        if let Some(h) = &e.sha256
            && (h.len() != 64 || !h.chars().all(|c| c.is_ascii_hexdigit()))
        {
            return Err(format!("the {name} image's sha256 is not 64 hex digits"));
        }
    }
    if let Some(a) = &project.alignment {
        let m = &a.before_from_after.matrix;
        if !m.iter().all(|v| v.is_finite()) {
            return Err("the alignment matrix holds a non-finite number".to_owned());
        }
        let det = m.determinant();
        if !det.is_finite() || det.abs() < 1e-12 || a.before_from_after.inverse().is_none() {
            return Err(format!(
                "the alignment matrix cannot be inverted (determinant {det:e})"
            ));
        }
        for (v, what) in [
            (a.residual_px, "the alignment residual"),
            (a.confidence, "the alignment confidence"),
        ] {
            if !v.is_finite() || v < 0.0 {
                return Err(format!("{what} is {v}, not a finite non-negative number"));
            }
        }
    }
    let p = &project.params;
    for (v, what, max) in [
        (p.sensitivity, "sensitivity", 1.0),
        (p.noise_suppression, "noise suppression", 1.0),
        (p.min_area_fraction, "minimum area", 1.0),
    ] {
        if !v.is_finite() || !(0.0..=max).contains(&v) {
            return Err(format!(
                "the {what} parameter is {v}, not between 0 and {max}"
            ));
        }
    }
    for (a, b) in &project.manual_points {
        points(&[*a, *b], "a manual alignment point")?;
    }
    if project.manual_points.len() > MAX_POINTS {
        return Err("too many manual alignment points".to_owned());
    }
    if project.ignore_areas.len() > MAX_POINTS {
        return Err("too many ignore areas".to_owned());
    }
    for area in &project.ignore_areas {
        points(area, "an ignore area")?;
    }
    if project.regions.len() > MAX_REGIONS {
        return Err(format!(
            "{} regions, over the {MAX_REGIONS} limit",
            project.regions.len()
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for r in &project.regions {
        let what = format!("region {}", r.id);
        if !seen.insert(r.id) {
            return Err(format!("two regions have the number {}", r.id));
        }
        chars(&r.label, MAX_LABEL_CHARS, &format!("the label of {what}"))?;
        chars(&r.note, MAX_NOTE_CHARS, &format!("the note of {what}"))?;
        points(&r.polygon, &format!("the outline of {what}"))?;
        let b = &r.bbox;
        for v in [b.x, b.y, b.width, b.height] {
            coord(v, &format!("the box of {what}"))?;
        }
        if b.width < 0.0 || b.height < 0.0 {
            return Err(format!("the box of {what} has a negative size"));
        }
        let max_area = MAX_COORDINATE * MAX_COORDINATE;
        if !r.area_px.is_finite() || !(0.0..=max_area).contains(&r.area_px) {
            return Err(format!("the area of {what} is {}", r.area_px));
        }
        if !r.score.is_finite() {
            return Err(format!("the score of {what} is not a finite number"));
        }
        if r.links.len() > MAX_POINTS {
            return Err(format!("{what} has too many essay links"));
        }
        for l in &r.links {
            chars(l, MAX_FIELD_CHARS, &format!("an essay link of {what}"))?;
        }
    }
    Ok(())
}

use crate::output::write_atomic;

// ---------------------------------------------------------------------------------------------
// Paths

/// The path made absolute against the current folder, with `.` and `..` tidied lexically.
fn absolutize(path: &Path) -> PathBuf {
    if path.as_os_str().is_empty() {
        return PathBuf::new();
    }
    normalize(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// Removes `.` components and folds `..` into the component before it, without touching the
/// file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            _ => out.push(c),
        }
    }
    out.iter().collect()
}

/// `target` relative to the folder `base` (both absolute and normalised), joined with `/`; or
/// `target` itself when they share no root.
fn relative_to(target: &Path, base: &Path) -> PathBuf {
    let t: Vec<Component<'_>> = target.components().collect();
    let b: Vec<Component<'_>> = base.components().collect();
    let shares_root = match (t.first(), b.first()) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    };
    if !shares_root || !target.is_absolute() {
        return target.to_path_buf();
    }
    let common = t.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); b.len() - common];
    for c in &t[common..] {
        parts.push(c.as_os_str().to_string_lossy().into_owned());
    }
    if parts.iter().any(|p| p.contains('/'))
        || t[common..].iter().any(|c| c.as_os_str().to_str().is_none())
    {
        // A name that cannot be written with `/` separators: keep the absolute path.
        return target.to_path_buf();
    }
    PathBuf::from(parts.join("/"))
}

// ---------------------------------------------------------------------------------------------
// Per-user data: recovery and recent projects

/// The per-user folder holding the recovery file and the recent-projects list.
///
/// [`DataDir::from_env`] picks `$PALIMPSEST_DATA_DIR` if set, else
/// `$XDG_DATA_HOME/palimpsest`, else `$HOME/.local/share/palimpsest` (`%APPDATA%\palimpsest`
/// on Windows), else a folder in the temporary directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataDir {
    /// The folder (created on first write).
    pub root: PathBuf,
}

/// An autosaved project found in the data folder.
#[derive(Clone, Debug, PartialEq)]
pub struct Recovery {
    /// The document as it was at the last autosave (absolute paths).
    pub project: Project,
    /// When it was written.
    pub saved_at: SystemTime,
    /// The project file it belongs to, or `None` for a project never saved.
    pub origin: Option<PathBuf>,
    /// The recovery file itself.
    pub path: PathBuf,
}

#[derive(Serialize, Deserialize)]
struct RecoveryFile {
    saved_at_ms: u64,
    origin: Option<PathBuf>,
    project: Value,
}

impl DataDir {
    /// The folder named by the environment (see [`DataDir`]).
    #[must_use]
    pub fn from_env() -> Self {
        Self::from_lookup(|key| std::env::var_os(key))
    }

    /// The folder named by the variables `lookup` returns (for tests).
    #[must_use]
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<OsString>) -> Self {
        let set = |key: &str| lookup(key).filter(|v| !v.is_empty()).map(PathBuf::from);
        let root = if let Some(dir) = set("PALIMPSEST_DATA_DIR") {
            dir
        } else if let Some(dir) = set("XDG_DATA_HOME") {
            dir.join("palimpsest")
        } else if let Some(dir) = set("APPDATA").filter(|_| cfg!(windows)) {
            dir.join("palimpsest")
        } else if let Some(home) = set("HOME") {
            home.join(".local").join("share").join("palimpsest")
        } else {
            std::env::temp_dir().join("palimpsest")
        };
        Self { root }
    }

    /// A data folder at `root`.
    #[must_use]
    pub fn at(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// Where the autosave of the project saved at `origin` (or of an unsaved project) goes.
    #[must_use]
    pub fn recovery_path(&self, origin: Option<&Path>) -> PathBuf {
        let key = match origin {
            None => "untitled".to_owned(),
            Some(p) => {
                let abs = absolutize(p);
                let digest = Sha256::digest(abs.as_os_str().as_encoded_bytes());
                let stem = abs
                    .file_name()
                    .map(|n| n.to_string_lossy().replace(PROJECT_EXTENSION, ""))
                    .unwrap_or_default();
                let stem: String = stem
                    .chars()
                    .map(|c| {
                        if c.is_alphanumeric() || c == '-' {
                            c
                        } else {
                            '_'
                        }
                    })
                    .take(40)
                    .collect();
                format!("{stem}-{}", &to_hex(&digest)[..16])
            }
        };
        self.root
            .join("recovery")
            .join(format!("{key}.recovery.json"))
    }

    /// Autosaves `project` (belonging to the file `origin`, if saved) to its recovery file,
    /// atomically. Returns the recovery file's path.
    ///
    /// # Errors
    /// The folder cannot be created or the file cannot be written.
    pub fn write_recovery(
        &self,
        project: &Project,
        origin: Option<&Path>,
    ) -> Result<PathBuf, ProjectError> {
        let path = self.recovery_path(origin);
        let encode = |reason: String| ProjectError::Encode {
            reason,
            path: path.clone(),
        };
        let mut doc = project.clone();
        doc.version = SCHEMA_VERSION;
        let file = RecoveryFile {
            saved_at_ms: u64::try_from(
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap_or_default()
                    .as_millis(),
            )
            .unwrap_or(u64::MAX),
            origin: origin.map(absolutize),
            project: serde_json::to_value(&doc).map_err(|e| encode(e.to_string()))?,
        };
        let bytes = serde_json::to_vec(&file).map_err(|e| encode(e.to_string()))?;
        let write_err = |source| ProjectError::Write {
            source,
            path: path.clone(),
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(write_err)?;
        }
        write_atomic(&path, &bytes).map_err(write_err)?;
        Ok(path)
    }

    /// Every readable recovery file, newest first. Unreadable ones are skipped.
    #[must_use]
    pub fn find_recoveries(&self) -> Vec<Recovery> {
        let Ok(entries) = std::fs::read_dir(self.root.join("recovery")) else {
            return Vec::new();
        };
        let mut found: Vec<Recovery> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with(".recovery.json") && !n.starts_with('.'))
            })
            .filter_map(|p| read_recovery(&p).ok())
            .collect();
        found.sort_by_key(|r| std::cmp::Reverse(r.saved_at));
        found
    }

    /// The newest recovery file, if any: what to offer to restore at start.
    #[must_use]
    pub fn find_recovery(&self) -> Option<Recovery> {
        self.find_recoveries().into_iter().next()
    }

    /// Removes the recovery file of `origin` (after a save, or a clean quit). Succeeds when
    /// there is none.
    ///
    /// # Errors
    /// The file exists and cannot be removed.
    pub fn clear_recovery(&self, origin: Option<&Path>) -> Result<(), ProjectError> {
        let path = self.recovery_path(origin);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(ProjectError::Write { source, path }),
        }
    }

    /// The recent-projects list, most recent first (empty when there is none or it is
    /// unreadable).
    #[must_use]
    pub fn recent_projects(&self) -> Vec<PathBuf> {
        std::fs::read(self.recent_path())
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Vec<PathBuf>>(&bytes).ok())
            .unwrap_or_default()
    }

    /// Puts `path` at the front of the recent-projects list (once), keeps [`MAX_RECENT`]
    /// entries, and returns the new list.
    ///
    /// # Errors
    /// The list cannot be written.
    pub fn add_recent_project(&self, path: &Path) -> Result<Vec<PathBuf>, ProjectError> {
        let abs = absolutize(path);
        let mut list = self.recent_projects();
        list.retain(|p| *p != abs);
        list.insert(0, abs);
        list.truncate(MAX_RECENT);
        self.write_recent(&list)?;
        Ok(list)
    }

    /// Removes `path` from the recent-projects list (when it no longer opens) and returns the
    /// new list.
    ///
    /// # Errors
    /// The list cannot be written.
    pub fn remove_recent_project(&self, path: &Path) -> Result<Vec<PathBuf>, ProjectError> {
        let abs = absolutize(path);
        let mut list = self.recent_projects();
        list.retain(|p| *p != abs);
        self.write_recent(&list)?;
        Ok(list)
    }

    fn recent_path(&self) -> PathBuf {
        self.root.join("recent.json")
    }

    fn write_recent(&self, list: &[PathBuf]) -> Result<(), ProjectError> {
        let path = self.recent_path();
        let bytes = serde_json::to_vec_pretty(list).map_err(|e| ProjectError::Encode {
            reason: e.to_string(),
            path: path.clone(),
        })?;
        let write_err = |source| ProjectError::Write {
            source,
            path: path.clone(),
        };
        std::fs::create_dir_all(&self.root).map_err(write_err)?;
        write_atomic(&path, &bytes).map_err(write_err)
    }
}

fn read_recovery(path: &Path) -> Result<Recovery, ProjectError> {
    let bytes = read_limited(path)?;
    let file: RecoveryFile = serde_json::from_slice(&bytes).map_err(|e| json_error(&e, path))?;
    let project = decode(file.project, path)?;
    Ok(Recovery {
        project,
        saved_at: UNIX_EPOCH + Duration::from_millis(file.saved_at_ms),
        origin: file.origin,
        path: path.to_path_buf(),
    })
}

/// [`DataDir::recovery_path`] in the folder named by the environment.
#[must_use]
pub fn recovery_path(origin: Option<&Path>) -> PathBuf {
    DataDir::from_env().recovery_path(origin)
}

/// [`DataDir::write_recovery`] in the folder named by the environment.
///
/// # Errors
/// The folder cannot be created or the file cannot be written.
pub fn write_recovery(project: &Project, origin: Option<&Path>) -> Result<PathBuf, ProjectError> {
    DataDir::from_env().write_recovery(project, origin)
}

/// [`DataDir::find_recovery`] in the folder named by the environment.
#[must_use]
pub fn find_recovery() -> Option<Recovery> {
    DataDir::from_env().find_recovery()
}

/// [`DataDir::clear_recovery`] in the folder named by the environment.
///
/// # Errors
/// The file exists and cannot be removed.
pub fn clear_recovery(origin: Option<&Path>) -> Result<(), ProjectError> {
    DataDir::from_env().clear_recovery(origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_folds_dots() {
        assert_eq!(normalize(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
        assert_eq!(normalize(Path::new("/../a")), PathBuf::from("/a"));
        assert_eq!(
            normalize(Path::new("../a/../../b")),
            PathBuf::from("../../b")
        );
    }

    #[test]
    fn relative_paths() {
        let rel = |t: &str, b: &str| relative_to(Path::new(t), Path::new(b));
        assert_eq!(rel("/p/images/a.png", "/p"), PathBuf::from("images/a.png"));
        assert_eq!(
            rel("/p/a.png", "/p/lessons/one"),
            PathBuf::from("../../a.png")
        );
        assert_eq!(rel("/x/y.png", "/p"), PathBuf::from("../x/y.png"));
        assert_eq!(rel("/p/a.png", "/"), PathBuf::from("p/a.png"));
        assert_eq!(rel("rel/a.png", "/p"), PathBuf::from("rel/a.png"));
        // Resolving undoes it.
        let base = Path::new("/p/lessons/one");
        let back = normalize(&base.join(rel("/q/r/s.png", "/p/lessons/one")));
        assert_eq!(back, PathBuf::from("/q/r/s.png"));
    }

    #[test]
    fn project_file_names() {
        assert!(is_project_file(Path::new("/a/lesson.palimpsest.json")));
        assert!(!is_project_file(Path::new("/a/lesson.json")));
        assert!(!is_project_file(Path::new("/a/.palimpsest.json")));
        assert_eq!(
            with_project_extension(Path::new("/a/lesson")),
            PathBuf::from("/a/lesson.palimpsest.json")
        );
        assert_eq!(
            with_project_extension(Path::new("/a/lesson.json")),
            PathBuf::from("/a/lesson.palimpsest.json")
        );
        assert_eq!(
            with_project_extension(Path::new("/a/x.palimpsest.json")),
            PathBuf::from("/a/x.palimpsest.json")
        );
    }

    #[test]
    fn schema_versions() {
        assert_eq!(schema_version(&serde_json::json!({})).ok(), Some(0));
        assert_eq!(
            schema_version(&serde_json::json!({ "version": 1 })).ok(),
            Some(1)
        );
        assert!(matches!(
            schema_version(&serde_json::json!({ "version": -1 })),
            Err(MigrationError::BadVersion { .. })
        ));
        assert!(matches!(
            schema_version(&serde_json::json!({ "version": 1.5 })),
            Err(MigrationError::BadVersion { .. })
        ));
        assert!(matches!(
            schema_version(&serde_json::json!("x")),
            Err(MigrationError::NotAnObject)
        ));
    }

    #[test]
    fn migration_of_image_objects_and_bad_values() {
        let v0 = serde_json::json!({ "before": { "path": "b.png" }, "after": null });
        let v1 = migrate(v0).unwrap();
        assert_eq!(v1["before"]["path"], "b.png");
        assert_eq!(v1["version"], 1);
        let bad = serde_json::json!({ "before": 7 });
        assert!(matches!(
            migrate(bad),
            Err(MigrationError::Step { from: 0, .. })
        ));
        let bad = serde_json::json!({ "regions": {} });
        assert!(matches!(
            migrate(bad),
            Err(MigrationError::Step { from: 0, .. })
        ));
    }

    #[test]
    fn sha256_of_known_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("abc");
        std::fs::write(&path, b"abc").unwrap();
        assert_eq!(
            sha256_file(&path).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        // Larger than one read buffer.
        let big = vec![b'a'; 1_000_000];
        std::fs::write(&path, &big).unwrap();
        assert_eq!(
            sha256_file(&path).unwrap(),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        );
    }

    #[test]
    fn json_errors_are_one_line_with_position() {
        let path = Path::new("/x/p.palimpsest.json");
        let e = serde_json::from_slice::<Value>(b"{\n  \"a\": tru").unwrap_err();
        let msg = json_error(&e, path).to_string();
        assert!(msg.starts_with("project file is"), "{msg}");
        assert!(msg.ends_with("/x/p.palimpsest.json"), "{msg}");
        let e = serde_json::from_slice::<Value>(b"{ \"a\": 1 } x").unwrap_err();
        let msg = json_error(&e, path).to_string();
        assert_eq!(
            msg,
            "project file is corrupt, not valid JSON (trailing characters at line 1, column 12): \
             /x/p.palimpsest.json"
        );
    }

    #[test]
    fn problems_display_on_one_line() {
        let p = ImageProblem {
            which: Which::After,
            path: PathBuf::from("/x/after.jpg"),
            kind: ImageProblemKind::HashMismatch {
                expected: "0123456789abcdef".to_owned(),
                found: "fedcba9876543210".to_owned(),
            },
        };
        assert_eq!(
            p.to_string(),
            "after image is not the file the project was saved with: /x/after.jpg"
        );
    }
}
