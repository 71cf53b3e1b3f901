//! Errors of the layout crate, located by file and line where they come from a file.

use std::path::PathBuf;

/// What went wrong while reading an instance or solving a problem.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be read at all.
    #[error("cannot read {path}: {source} (无法读取文件)")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A line of an instance file does not match the format.
    #[error("{path}:{line}: {message} (文件格式错误)")]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What was expected.
        message: String,
    },
    /// The problem as given has no solution or is inconsistent.
    #[error("invalid problem: {0} (问题设置无效)")]
    Invalid(String),
}
