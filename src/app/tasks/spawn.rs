//! The one function that starts a thread. Everything else in the crate is kept from
//! `std::thread::spawn` and `std::thread::Builder::spawn` by `clippy.toml`.

/// Starts `f` on a new thread called `name` (shown by debuggers and in panic messages).
///
/// # Errors
/// The operating system could not start the thread.
#[allow(
    clippy::disallowed_methods,
    reason = "the task registry is the one place threads are started"
)]
pub fn named<F>(name: &str, f: F) -> std::io::Result<()>
where
    F: FnOnce() + Send + 'static,
{
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(f)
        .map(|_| ())
}
