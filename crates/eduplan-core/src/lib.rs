//! eduplan-core: the domain of eduplan without any I/O.
//!
//! - [`schema`]: the interchange workbook (交换格式) as data: sheets, columns, enumerations.
//! - [`cell`]: reading one typed cell from what a user typed.
//! - [`data`]: tables in memory, a school year's content ([`data::YearData`]) and how an upload
//!   merges into it.
//! - [`validate`]: rules across rows and sheets, as located bilingual [`issue::Issue`]s.
//! - [`diff`]: what a new version of a year changes.
//! - [`finding`]: the rectification workflow (整改) of supervision findings: states, who may do
//!   what, overdue.
//! - [`plan`]: the plan workbook (指标目标, 项目, 资金) and its cross-sheet rules.
//! - [`import`]: the whole check of an upload against the store's current years, as one pure step.
//!
//! Invariant: nothing here reads files, talks to a database or knows JSON.
#![deny(missing_docs)]

pub mod cell;
pub mod data;
pub mod diff;
pub mod finding;
pub mod geo;
pub mod import;
pub mod issue;
pub mod layout;
pub mod plan;
pub mod schema;
pub mod validate;

/// Rounds half up (四舍五入) to `digits` decimals, as Chinese statistics do.
pub fn round_half_up(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    let y = (x.abs() * f * (1.0 + 1e-12)).floor() + if (x.abs() * f * (1.0 + 1e-12)).fract() >= 0.5 { 1.0 } else { 0.0 };
    x.signum() * y / f
}
