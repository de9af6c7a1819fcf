//! Writing result files safely: never over a file the run reads, never two results on one
//! path, through unique temporary files, and all or nothing.
//!
//! A run first lists what it reads ([`OutputSet::input`]) and what it will write
//! ([`OutputSet::output`]); an output that is the same file as an input (compared by device
//! and inode, so symbolic links, `..` and hard links are seen through) or as another output
//! is refused before any work. Results are then written into temporary files beside their
//! targets ([`OutputSet::write`]) and only renamed into place by [`OutputSet::commit`], once
//! everything has succeeded; a run that fails, is cancelled or is dropped before committing
//! leaves no file behind (nor a folder it had to create) and every earlier file as it was. [`write_atomic`] is the one careful single-file
//! write that everything else (project saves, recovery files, exports) goes through. This
//! module knows nothing of images or projects.

use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Why an output cannot be planned or written. Reason first, path last.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The output is a file the run reads.
    #[error("refusing to overwrite an input file ({input}): {}", path.display())]
    OverwritesInput {
        /// The input it would replace, as given.
        input: String,
        /// The output.
        path: PathBuf,
    },
    /// Two outputs of one run name the same file.
    #[error("two outputs name the same file: {}", path.display())]
    Duplicate {
        /// The path given twice.
        path: PathBuf,
    },
    /// The path has no file name (`..`, `/`).
    #[error("not a file path: {}", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
    },
    /// A write was asked for a path that was not planned (a bug in the caller).
    #[error("output was not planned: {}", path.display())]
    NotPlanned {
        /// The path.
        path: PathBuf,
    },
    /// Writing failed.
    #[error("cannot write ({source}): {}", path.display())]
    Io {
        /// The operating system's reason.
        source: std::io::Error,
        /// The file.
        path: PathBuf,
    },
}

/// What identifies a file on disk: device and inode where the platform has them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FileKey {
    dev: u64,
    ino: u64,
}

/// The identity of the existing file `path` names, following symbolic links; `None` when
/// nothing is there.
#[must_use]
pub fn file_key(path: &Path) -> Option<FileKey> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(FileKey {
            dev: meta.dev(),
            ino: meta.ino(),
        })
    }
    #[cfg(not(unix))]
    {
        // No inode: fall back to a hash of the canonical path.
        let _ = meta;
        let canonical = path.canonicalize().ok()?;
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        std::hash::Hash::hash(&canonical, &mut hasher);
        Some(FileKey {
            dev: 0,
            ino: std::hash::Hasher::finish(&hasher),
        })
    }
}

/// True when `a` and `b` name the same existing file (through links of every kind).
#[must_use]
pub fn same_file(a: &Path, b: &Path) -> bool {
    matches!((file_key(a), file_key(b)), (Some(x), Some(y)) if x == y)
}

/// Where a path that may not exist yet would land: its deepest existing ancestor made
/// canonical (symbolic links and `..` resolved), with the rest appended.
#[must_use]
pub fn resolved_location(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut rest: Vec<OsString> = Vec::new();
    let mut cur = abs.as_path();
    loop {
        if let Ok(c) = cur.canonicalize() {
            let mut out = c;
            for part in rest.iter().rev() {
                if part == ".." {
                    out.pop();
                } else if part != "." {
                    out.push(part);
                }
            }
            return out;
        }
        match (cur.parent(), cur.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(match last {
                    Component::ParentDir => OsString::from(".."),
                    Component::CurDir => OsString::from("."),
                    other => other.as_os_str().to_os_string(),
                });
                cur = parent;
            }
            _ => return abs,
        }
    }
}

/// The files a run reads and writes, checked against each other, and the results staged in
/// temporary files until [`OutputSet::commit`].
#[derive(Debug, Default)]
pub struct OutputSet {
    inputs: Vec<(PathBuf, FileKey)>,
    outputs: Vec<(PathBuf, PathBuf)>,
    staged: Mutex<Vec<(PathBuf, PathBuf)>>,
    /// Folders [`OutputSet::write`] created, removed again (when empty) if nothing is committed.
    created: Mutex<Vec<PathBuf>>,
}

impl OutputSet {
    /// An empty set.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a file the run reads. A path with nothing there is ignored (it cannot be
    /// overwritten, and reading it will fail with its own message).
    pub fn input(&mut self, path: &Path) {
        if let Some(key) = file_key(path) {
            self.inputs.push((path.to_path_buf(), key));
        }
    }

    /// Plans an output.
    ///
    /// # Errors
    /// The path is a file the run reads, the same file as an output already planned, or has
    /// no file name.
    pub fn output(&mut self, path: &Path) -> Result<(), OutputError> {
        if path.file_name().is_none() {
            return Err(OutputError::NotAFile {
                path: path.to_path_buf(),
            });
        }
        if let Some(key) = file_key(path)
            && let Some((input, _)) = self.inputs.iter().find(|(_, k)| *k == key)
        {
            return Err(OutputError::OverwritesInput {
                input: input.display().to_string(),
                path: path.to_path_buf(),
            });
        }
        let location = resolved_location(path);
        if let Some((input, _)) = self
            .inputs
            .iter()
            .find(|(p, _)| resolved_location(p) == location)
        {
            return Err(OutputError::OverwritesInput {
                input: input.display().to_string(),
                path: path.to_path_buf(),
            });
        }
        let key = file_key(path);
        if self
            .outputs
            .iter()
            .any(|(_, l)| *l == location || (key.is_some() && file_key(l) == key))
        {
            return Err(OutputError::Duplicate {
                path: path.to_path_buf(),
            });
        }
        self.outputs.push((path.to_path_buf(), location));
        Ok(())
    }

    /// The outputs planned, as given, in order.
    #[must_use]
    pub fn planned(&self) -> Vec<&Path> {
        self.outputs.iter().map(|(p, _)| p.as_path()).collect()
    }

    /// Writes the bytes of a planned output into a new temporary file beside it; the target
    /// itself is only replaced by [`OutputSet::commit`]. Safe to call from several threads.
    ///
    /// # Errors
    /// The path was not planned, or the temporary file cannot be written (it is then removed).
    pub fn write(&self, path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
        if !self.outputs.iter().any(|(p, _)| p == path) {
            return Err(OutputError::NotPlanned {
                path: path.to_path_buf(),
            });
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            let missing: Vec<PathBuf> = parent
                .ancestors()
                .take_while(|d| !d.as_os_str().is_empty() && !d.exists())
                .map(Path::to_path_buf)
                .collect();
            std::fs::create_dir_all(parent).map_err(|source| OutputError::Io {
                source,
                path: path.to_path_buf(),
            })?;
            if let Ok(mut created) = self.created.lock() {
                created.extend(missing);
            }
        }
        let tmp = write_temp(path, bytes).map_err(|source| OutputError::Io {
            source,
            path: path.to_path_buf(),
        })?;
        if let Ok(mut staged) = self.staged.lock() {
            staged.push((tmp, path.to_path_buf()));
        } else {
            let _ = std::fs::remove_file(&tmp);
        }
        Ok(())
    }

    /// Renames every staged file into place, in the order written, and returns the targets.
    /// If a rename fails, the files already renamed and the remaining temporary files are
    /// removed.
    ///
    /// # Errors
    /// A rename fails.
    pub fn commit(self) -> Result<Vec<PathBuf>, OutputError> {
        let staged = match self.staged.lock() {
            Ok(mut s) => std::mem::take(&mut *s),
            Err(_) => Vec::new(),
        };
        let mut done: Vec<PathBuf> = Vec::new();
        for (i, (tmp, target)) in staged.iter().enumerate() {
            if let Err(source) = replace(tmp, target) {
                for d in &done {
                    let _ = std::fs::remove_file(d);
                }
                for (t, _) in &staged[i..] {
                    let _ = std::fs::remove_file(t);
                }
                return Err(OutputError::Io {
                    source,
                    path: target.clone(),
                });
            }
            done.push(target.clone());
        }
        if let Ok(mut created) = self.created.lock() {
            created.clear();
        }
        Ok(done)
    }
}

impl Drop for OutputSet {
    /// Removes every temporary file not committed, then the folders created for them that are
    /// left empty, deepest first.
    fn drop(&mut self) {
        if let Ok(staged) = self.staged.get_mut() {
            for (tmp, _) in staged.drain(..) {
                let _ = std::fs::remove_file(tmp);
            }
        }
        if let Ok(created) = self.created.get_mut() {
            created.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
            created.dedup();
            for dir in created.drain(..) {
                // Fails, as it should, on a folder something else has put a file in since.
                let _ = std::fs::remove_dir(dir);
            }
        }
    }
}

/// Writes `bytes` to a new, uniquely named temporary file in `path`'s folder (`create_new`,
/// so a name in use is never reused), flushed and synced; returns its path.
fn write_temp(path: &Path, bytes: &[u8]) -> std::io::Result<PathBuf> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file path"))?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mut last_err = None;
    for _ in 0..16 {
        let mut tmp_name = OsString::from(".");
        tmp_name.push(name);
        tmp_name.push(format!(
            ".{}-{}-{nanos:08x}.tmp",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let tmp = dir.join(tmp_name);
        let mut file = match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                last_err = Some(e);
                continue;
            }
            Err(e) => return Err(e),
        };
        let written = (|| {
            file.write_all(bytes)?;
            file.flush()?;
            file.sync_all()
        })();
        drop(file);
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        return Ok(tmp);
    }
    Err(last_err.unwrap_or_else(|| std::io::Error::other("no free temporary name")))
}

/// Renames `tmp` over `target`, keeping the permissions of a file being replaced, then syncs
/// the folder. On failure `tmp` is removed and `target` is untouched.
fn replace(tmp: &Path, target: &Path) -> std::io::Result<()> {
    if let Ok(meta) = std::fs::metadata(target) {
        let _ = std::fs::set_permissions(tmp, meta.permissions());
    }
    if let Err(e) = std::fs::rename(tmp, target) {
        let _ = std::fs::remove_file(tmp);
        return Err(e);
    }
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // Make the rename itself durable; not every platform can sync a folder.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically: a new uniquely named temporary file in the same
/// folder, written, flushed, synced, renamed over the target, then the folder synced. On
/// failure the temporary file is removed and the target is untouched.
///
/// # Errors
/// Any I/O failure.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = write_temp(path, bytes)?;
    replace(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_an_input_through_a_hard_link_and_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.png");
        std::fs::write(&input, b"x").unwrap();
        let hard = dir.path().join("hard.png");
        std::fs::hard_link(&input, &hard).unwrap();
        let mut set = OutputSet::new();
        set.input(&input);
        assert!(matches!(
            set.output(&hard),
            Err(OutputError::OverwritesInput { .. })
        ));
        #[cfg(unix)]
        {
            let soft = dir.path().join("soft.png");
            std::os::unix::fs::symlink(&input, &soft).unwrap();
            assert!(set.output(&soft).is_err());
        }
        let dotted = dir.path().join("sub").join("..").join("in.png");
        assert!(set.output(&dotted).is_err());
    }

    #[test]
    fn refuses_two_outputs_on_one_path() {
        let dir = tempfile::tempdir().unwrap();
        let mut set = OutputSet::new();
        set.output(&dir.path().join("x.png")).unwrap();
        let again = dir.path().join(".").join("x.png");
        assert!(matches!(
            set.output(&again),
            Err(OutputError::Duplicate { .. })
        ));
    }

    #[test]
    fn nothing_lands_until_commit_and_drop_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("o.txt");
        std::fs::write(&out, b"old").unwrap();
        {
            let mut set = OutputSet::new();
            set.output(&out).unwrap();
            set.write(&out, b"new").unwrap();
            assert_eq!(std::fs::read(&out).unwrap(), b"old");
        }
        assert_eq!(std::fs::read(&out).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let mut set = OutputSet::new();
        set.output(&out).unwrap();
        set.write(&out, b"new").unwrap();
        assert_eq!(set.commit().unwrap(), vec![out.clone()]);
        assert_eq!(std::fs::read(&out).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn folders_made_for_an_uncommitted_run_are_removed_and_kept_after_a_commit() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("deck").join("slides").join("00.png");
        {
            let mut set = OutputSet::new();
            set.output(&out).unwrap();
            set.write(&out, b"png").unwrap();
            assert!(out.parent().unwrap().is_dir());
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let mut set = OutputSet::new();
        set.output(&out).unwrap();
        set.write(&out, b"png").unwrap();
        set.commit().unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"png");
    }

    #[test]
    fn temporary_names_are_unique_under_parallel_writes() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("same.bin");
        std::thread::scope(|s| {
            for i in 0..8u8 {
                let out = &out;
                s.spawn(move || write_atomic(out, &[i; 1000]).unwrap());
            }
        });
        let bytes = std::fs::read(&out).unwrap();
        assert_eq!(bytes.len(), 1000);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
