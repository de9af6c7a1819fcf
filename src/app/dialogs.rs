//! File dialogs behind a small trait, so tests can answer them without opening a window.
//!
//! [`NativeDialogs`] uses the platform's dialogs through `rfd`; tests supply their own
//! [`FileDialogs`] that returns prepared paths.

use std::path::{Path, PathBuf};

/// The file dialogs the app needs.
pub trait FileDialogs {
    /// Asks for one or two images; `None` when cancelled.
    fn pick_images(&mut self, title: &str) -> Option<Vec<PathBuf>>;
    /// Asks for one image; `None` when cancelled.
    fn pick_image(&mut self, title: &str) -> Option<PathBuf>;
    /// Asks for a project file; `None` when cancelled.
    fn pick_project(&mut self) -> Option<PathBuf>;
    /// Asks where to save the project, starting from `suggested`; `None` when cancelled.
    fn pick_save_project(&mut self, suggested: &Path) -> Option<PathBuf>;
    /// Asks for an essay (Markdown); `None` when cancelled.
    fn pick_essay(&mut self) -> Option<PathBuf>;
    /// Asks where to write an export of `kind`, starting from `suggested`; `None` when
    /// cancelled (and by default).
    fn pick_export_path(
        &mut self,
        _kind: super::tasks::export::ExportKind,
        _suggested: &Path,
    ) -> Option<PathBuf> {
        None
    }
    /// Asks for a folder (for slides), starting from `suggested`; `None` when cancelled (and
    /// by default).
    fn pick_folder(&mut self, _title: &str, _suggested: &Path) -> Option<PathBuf> {
        None
    }
}

/// A save dialog titled `title` that starts at `suggested` (its folder, if it exists, and its
/// name).
fn save_dialog(title: &str, suggested: &Path) -> rfd::FileDialog {
    let mut dialog = rfd::FileDialog::new().set_title(title);
    if let Some(dir) = suggested.parent().filter(|d| d.is_dir()) {
        dialog = dialog.set_directory(dir);
    }
    if let Some(name) = suggested.file_name() {
        dialog = dialog.set_file_name(name.to_string_lossy());
    }
    dialog
}

/// Image file extensions offered in the dialogs.
pub const IMAGE_EXTENSIONS: [&str; 9] = [
    "jpg", "jpeg", "png", "tif", "tiff", "webp", "bmp", "gif", "JPG",
];

/// The platform's own dialogs (XDG portal, zenity, or the OS dialog).
pub struct NativeDialogs;

impl FileDialogs for NativeDialogs {
    fn pick_export_path(
        &mut self,
        kind: super::tasks::export::ExportKind,
        suggested: &Path,
    ) -> Option<PathBuf> {
        let (name, extensions) = kind.filter();
        save_dialog(&kind.dialog_title(), suggested)
            .add_filter(name, extensions)
            .save_file()
    }

    fn pick_folder(&mut self, title: &str, suggested: &Path) -> Option<PathBuf> {
        let start = suggested
            .parent()
            .filter(|d| d.is_dir())
            .unwrap_or(suggested);
        rfd::FileDialog::new()
            .set_title(title)
            .set_directory(start)
            .pick_folder()
    }

    fn pick_images(&mut self, title: &str) -> Option<Vec<PathBuf>> {
        rfd::FileDialog::new()
            .set_title(title)
            .add_filter("Images", &IMAGE_EXTENSIONS)
            .pick_files()
    }

    fn pick_image(&mut self, title: &str) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title(title)
            .add_filter("Images", &IMAGE_EXTENSIONS)
            .pick_file()
    }

    fn pick_project(&mut self) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("Open project")
            .add_filter("Palimpsest project", &["json"])
            .pick_file()
    }

    fn pick_essay(&mut self) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("Load an essay")
            .add_filter("Markdown", &["md", "markdown", "txt"])
            .pick_file()
    }

    fn pick_save_project(&mut self, suggested: &Path) -> Option<PathBuf> {
        let mut dialog = rfd::FileDialog::new()
            .set_title("Save project")
            .add_filter("Palimpsest project", &["json"]);
        if let Some(dir) = suggested.parent().filter(|d| d.is_dir()) {
            dialog = dialog.set_directory(dir);
        }
        if let Some(name) = suggested.file_name() {
            dialog = dialog.set_file_name(name.to_string_lossy());
        }
        dialog.save_file()
    }
}
