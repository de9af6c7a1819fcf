//! File dialogs behind a small trait, so tests can answer them without opening a window.
//!
//! [`NativeDialogs`] uses the platform's dialogs through `rfd`; tests supply their own
//! [`FileDialogs`] that returns prepared paths.

use std::path::PathBuf;

/// The file dialogs the app needs.
pub trait FileDialogs {
    /// Asks for one or two images; `None` when cancelled.
    fn pick_images(&mut self, title: &str) -> Option<Vec<PathBuf>>;
    /// Asks for one image; `None` when cancelled.
    fn pick_image(&mut self, title: &str) -> Option<PathBuf>;
    /// Asks for a project file; `None` when cancelled.
    fn pick_project(&mut self) -> Option<PathBuf>;
}

/// Image file extensions offered in the dialogs.
pub const IMAGE_EXTENSIONS: [&str; 9] = [
    "jpg", "jpeg", "png", "tif", "tiff", "webp", "bmp", "gif", "JPG",
];

/// The platform's own dialogs (XDG portal, zenity, or the OS dialog).
pub struct NativeDialogs;

impl FileDialogs for NativeDialogs {
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
}
