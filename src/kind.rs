//! The kinds of failure the command layer tells apart. Each library error type says which kind
//! each of its variants is ([`Kind`]) and carries no command-line text; `commands/exit.rs`
//! turns the kind into the documented exit code and writes the hints.

/// What sort of failure an error is, as far as a caller deciding what to do cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The thing named does not exist (an image, a tag, a blob, a package).
    NotFound,
    /// Credentials are missing, wrong, or not allowed to do this.
    Auth,
    /// The input is wrong: a reference, a flag, a config file, an archive.
    Usage,
    /// Anything else: the network, the registry, the disk.
    Other,
}

/// An error that knows its [`ErrorKind`].
pub trait Kind {
    fn kind(&self) -> ErrorKind;
}
