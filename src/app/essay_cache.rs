//! The parsed-essay cache kept in the runtime: the project's essay (or the bundled one), parsed
//! once per file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::essay::{Essay, EssayError};

/// Parsed essays, keyed by path (the bundled essay under `None`), so the panel never parses
/// Markdown per frame and an undo back to an earlier essay does not read its file again.
pub struct EssayCache {
    key: Option<PathBuf>,
    synced: bool,
    current: Arc<Essay>,
    loaded: HashMap<PathBuf, Arc<Essay>>,
    error: Option<String>,
}

impl Default for EssayCache {
    fn default() -> Self {
        Self {
            key: None,
            synced: false,
            current: Arc::new(Essay::bundled()),
            loaded: HashMap::new(),
            error: None,
        }
    }
}

impl EssayCache {
    /// The essay shown: the project's, or the bundled one when the project names none or its
    /// file could not be read.
    #[must_use]
    pub fn essay(&self) -> &Essay {
        &self.current
    }

    /// The essay shown, shared (for a background export or the presentation's captions).
    #[must_use]
    pub fn shared(&self) -> Arc<Essay> {
        Arc::clone(&self.current)
    }

    /// The file the essay came from, or `None` for the bundled essay.
    #[must_use]
    pub fn path(&self) -> Option<&Path> {
        self.key.as_deref()
    }

    /// Why the project's essay file could not be read (the bundled essay is shown instead).
    #[must_use]
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Makes the cache show the essay at `path` (`None`: the bundled one), reading and parsing
    /// it only the first time that path is asked for.
    pub fn sync(&mut self, path: Option<&Path>) {
        if self.synced && self.key.as_deref() == path {
            return;
        }
        self.synced = true;
        self.key = path.map(Path::to_path_buf);
        self.error = None;
        let Some(path) = path else {
            self.current = Arc::new(Essay::bundled());
            return;
        };
        if let Some(e) = self.loaded.get(path) {
            self.current = Arc::clone(e);
            return;
        }
        match self.load(path) {
            Ok(()) => {}
            Err(e) => {
                self.error = Some(format!("{e}. Showing the bundled essay instead."));
                self.current = Arc::new(Essay::bundled());
            }
        }
    }

    /// Reads and parses the essay at `path` (again, if it was read before) and shows it.
    ///
    /// # Errors
    /// The file cannot be read, is too large, is not text or holds no passage; the cache is
    /// then unchanged.
    pub fn load(&mut self, path: &Path) -> Result<(), EssayError> {
        let essay = Arc::new(Essay::load(path)?);
        self.loaded.insert(path.to_path_buf(), Arc::clone(&essay));
        self.current = essay;
        self.key = Some(path.to_path_buf());
        self.synced = true;
        self.error = None;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_keeps_the_bundled_essay_when_a_file_is_unreadable() {
        let mut cache = EssayCache::default();
        cache.sync(None);
        assert!(cache.error().is_none());
        let bundled_len = cache.essay().passages.len();
        cache.sync(Some(Path::new("/no/such/essay.md")));
        assert!(cache.error().is_some(), "an unreadable essay is reported");
        assert_eq!(cache.essay().passages.len(), bundled_len);
        cache.sync(None);
        assert!(cache.error().is_none());
    }
}
