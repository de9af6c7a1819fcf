//! Per-pixel change strength, automatic threshold and mask cleanup.
