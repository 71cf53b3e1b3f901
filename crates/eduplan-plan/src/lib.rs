//! Plan targets (规划目标) from the plan's own words.
//!
//! Pipeline: [`read`] (txt/docx/xlsx → text) → [`segment`] (paragraphs, headings, sentences,
//! clauses) → [`scope`] (plan period, the year a target holds by, past passages) → [`table`]
//! (flattened indicator tables) and [`mention`] (value, comparator, unit) → [`metric`] (the
//! metric's name) → [`lexicon`] (link to catalogue indicator codes). [`score`] compares with
//! hand-labelled gold files as `shared/spec/plan-targets.md` defines.

mod clause;
pub mod extract;
pub mod lexicon;
pub mod mention;
pub mod metric;
pub mod normalize;
pub mod numeral;
pub mod read;
pub mod scope;
pub mod score;
pub mod segment;
pub mod table;
pub mod target;

pub use extract::{extract, extract_with};
pub use lexicon::Lexicon;
pub use read::{read_bytes, read_file, Error};
pub use score::{score, DocScore, Scores};
pub use target::{from_jsonl, to_jsonl, Baseline, Cmp, Target};
