//! The command line's own parts: subcommands whose arguments and printing do not belong in
//! the library.

pub mod analyse;
pub mod export;
pub mod project;

/// A mistake in how a command was called (exit status 2), as opposed to a failure while
/// running it (exit status 1).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// `s` with every run of white space made one space.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
