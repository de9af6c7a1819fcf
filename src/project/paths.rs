//! Path arithmetic for image and essay paths stored relative to the project file.

use std::path::{Component, Path, PathBuf};

/// The path made absolute against the current folder, with `.` and `..` tidied lexically.
pub(super) fn absolutize(path: &Path) -> PathBuf {
    if path.as_os_str().is_empty() {
        return PathBuf::new();
    }
    normalize(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// Removes `.` components and folds `..` into the component before it, without touching the
/// file system.
pub(super) fn normalize(path: &Path) -> PathBuf {
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
pub(super) fn relative_to(target: &Path, base: &Path) -> PathBuf {
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

/// `name` made safe as part of a file name: letters, digits and `-` are kept, anything else
/// (separators, dots, spaces, control characters) becomes `_`.
#[must_use]
pub fn safe_file_stem(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
