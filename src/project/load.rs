//! Reading a project file: size limit, JSON, migration, validation and image paths.

use std::ffi::OsString;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::paths::{absolutize, normalize};
use super::{
    ImageProblem, MAX_PROJECT_BYTES, PROJECT_EXTENSION, Project, ProjectError, SCHEMA_VERSION,
    migrate, schema_version, validate,
};

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

    /// Makes relative image and essay paths absolute against `base` (the project file's
    /// folder), and tidies `.` and `..` out of them.
    pub(super) fn resolve_paths(&mut self, base: &Path) {
        let resolve = |p: &Path| {
            if p.as_os_str().is_empty() {
                PathBuf::new()
            } else {
                normalize(&base.join(p))
            }
        };
        for entry in self.version_images_mut() {
            entry.path = resolve(&entry.path);
        }
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

pub(super) fn read_limited(path: &Path) -> Result<Vec<u8>, ProjectError> {
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

pub(super) fn json_error(e: &serde_json::Error, path: &Path) -> ProjectError {
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
pub(super) fn decode(value: Value, path: &Path) -> Result<Project, ProjectError> {
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
