//! The panels around the image: menu bar, one-row toolbar, status bar, and the right-hand dock
//! whose tabs hold the regions list with the annotation editor, the essay, and the analysis
//! sections (alignment, detection, view); the pictures-only overlay, messages, help overlay and
//! file drops. Each reads the state and returns [`super::Command`]s; none changes the document
//! itself.

pub mod alignment;
pub mod annotation;
pub mod detection;
pub mod dock;
pub mod dropped;
pub mod essay;
pub mod export;
pub mod help;
pub mod info;
pub mod inspector;
pub mod menu;
pub mod messages;
pub mod pictures_only;
pub mod project_dialogs;
pub mod regions;
pub mod status_bar;
pub mod timeline;
pub mod toolbar;
