//! Why a project file could not be loaded or saved.

use std::path::PathBuf;

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
    /// The file is larger than [`MAX_PROJECT_BYTES`](super::MAX_PROJECT_BYTES).
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

/// Why a JSON document could not be brought to [`SCHEMA_VERSION`](super::SCHEMA_VERSION).
#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    /// The document is newer than this program.
    #[error("project file version {found} is newer than this program supports ({supported})")]
    Newer {
        /// The version in the file.
        found: u64,
        /// [`SCHEMA_VERSION`](super::SCHEMA_VERSION).
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
