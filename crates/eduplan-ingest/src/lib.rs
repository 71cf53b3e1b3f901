//! eduplan-ingest: the interchange workbook on disk and on the wire.
//!
//! Reads .xlsx workbooks, folders or zips of CSV files (UTF-8, UTF-16 or GBK/GB18030), and single
//! CSV files named after their sheet, into an [`eduplan_core::data::Dataset`] plus located,
//! bilingual problems; writes exports, the empty template and CSV folders.
//!
//! Not here: checks across sheets and against stored data (eduplan-core's `validate` and
//! `import`), and storing anything (eduplan-store).
#![deny(missing_docs)]

pub mod plan;
pub mod points;
pub mod read;
pub mod write;

pub use read::{read_bytes, read_path, ReadOptions, ReadResult};
pub use write::{template_bytes, write_csv_dir, write_xlsx, xlsx_bytes, WriteError};
