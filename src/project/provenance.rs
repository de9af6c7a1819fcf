//! The pair of images and their provenance: where each file is, its fingerprint, and what
//! is wrong with it when a project is opened.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::paths::absolutize;
use super::{Project, ProjectError};

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
    /// Which image: the first version is the before image, every later one an after image.
    pub which: Which,
    /// Which version of the chain, from 0 (0 for the before image, 1 for the after image).
    pub version: usize,
    /// The absolute path looked at.
    pub path: PathBuf,
    /// What is wrong.
    pub kind: ImageProblemKind,
}

impl std::fmt::Display for ImageProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let numbered;
        let which = if self.version < 2 {
            self.which.name()
        } else {
            numbered = format!("version {}", self.version + 1);
            &numbered
        };
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

pub(super) fn to_hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

impl Project {
    /// Checks that each image exists and, when a hash is stored, that it still has it.
    #[must_use]
    pub fn check_images(&self) -> Vec<ImageProblem> {
        let mut problems = Vec::new();
        for (version, entry) in self.version_images().enumerate() {
            if entry.is_unset() {
                continue;
            }
            let which = if version == 0 {
                Which::Before
            } else {
                Which::After
            };
            let problem = |kind| ImageProblem {
                which,
                version,
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
        let version = match which {
            Which::Before => 0,
            Which::After => 1,
        };
        self.relocate_version(version, new_path)
    }

    /// [`Project::relocate`] for version `version` of the chain (0 is the before image).
    ///
    /// # Errors
    /// The new file cannot be read, or the document has no such version; the project is then
    /// unchanged.
    pub fn relocate_version(
        &mut self,
        version: usize,
        new_path: &Path,
    ) -> Result<Relocated, ProjectError> {
        let path = absolutize(new_path);
        let image_error = |source| ProjectError::Image {
            source,
            path: path.clone(),
        };
        let sha256 = sha256_file(&path).map_err(image_error)?;
        let Some(entry) = self.version_image_mut(version) else {
            return Err(image_error(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("the project has no version {}", version + 1),
            )));
        };
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
}
