//! Writing a project file atomically, with paths relative to it.

use std::path::Path;

use super::paths::{absolutize, relative_to};
use super::{Project, ProjectError, SCHEMA_VERSION, sha256_file};
use crate::output::write_atomic;

impl Project {
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
        for entry in doc.version_images_mut() {
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
}
