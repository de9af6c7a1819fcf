//! The per-user data folder: the autosave recovery files and the recent-projects list.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::load::{decode, json_error, read_limited};
use super::paths::{absolutize, safe_file_stem};
use super::provenance::to_hex;
use super::{MAX_RECENT, PROJECT_EXTENSION, Project, ProjectError, SCHEMA_VERSION};
use crate::output::write_atomic;

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
                let stem: String = safe_file_stem(&stem).chars().take(40).collect();
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
