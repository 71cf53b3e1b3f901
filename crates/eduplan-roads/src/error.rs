//! Errors (错误) from reading a road network file.

use std::path::PathBuf;

/// Why a road network file could not be read. Every message names the file and says why, in
/// Chinese and English.
#[derive(Debug, thiserror::Error)]
pub enum RoadsError {
    /// The file does not exist (文件不存在).
    #[error("读取路网文件 {} 失败：文件不存在 / cannot read road network {}: no such file", .path.display(), .path.display())]
    NotFound {
        /// The file.
        path: PathBuf,
    },
    /// The file could not be opened or read (无法读取).
    #[error("读取路网文件 {} 失败：无法读取（{source}） / cannot read road network {}: {source}", .path.display(), .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// The file does not start with an OSM PBF header block (不是 OSM PBF 文件).
    #[error("读取路网文件 {} 失败：不是 OSM PBF 文件（{detail}） / cannot read road network {}: not an OSM PBF file ({detail})", .path.display(), .path.display())]
    NotPbf {
        /// The file.
        path: PathBuf,
        /// What was found instead.
        detail: String,
    },
    /// The file starts like an OSM PBF file but a later block cannot be decoded (文件已损坏).
    #[error("读取路网文件 {} 失败：文件已损坏（{detail}） / cannot read road network {}: the file is corrupt ({detail})", .path.display(), .path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// The decoder's message.
        detail: String,
    },
    /// The file is valid but holds no usable road (没有可用道路).
    #[error("读取路网文件 {} 失败：文件中没有可用道路（{ways} 条路中无一可用） / cannot read road network {}: no usable road in the file ({ways} ways, none kept)", .path.display(), .path.display())]
    NoRoads {
        /// The file.
        path: PathBuf,
        /// How many ways the file holds in all.
        ways: usize,
    },
}
