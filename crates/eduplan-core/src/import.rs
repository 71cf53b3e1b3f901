//! The whole check of an upload, as one pure step: which school years it touches, their new
//! content (merged with the stored versions), every problem found, and the diff of each year.
//! The store applies a plan without errors in one transaction; the CLI's `--dry-run` and the web
//! UI's validation report show it without applying.

use std::collections::BTreeMap;

use crate::data::{merge_year_owned, split_by_year, Dataset, YearData};
use crate::diff::{diff_year, YearDiff};
use crate::issue::Issue;
use crate::validate::{check_dataset, check_year, normalize_dataset};

/// The stored current version of a year: its version number and content.
pub type Stored = BTreeMap<i32, (i64, YearData)>;

/// One year an import will write.
#[derive(Debug, Clone)]
pub struct YearPlan {
    /// School year.
    pub year: i32,
    /// Current stored version number, if the year exists.
    pub previous_version: Option<i64>,
    /// The year's content after the import.
    pub data: YearData,
    /// What changes.
    pub diff: YearDiff,
}

/// The outcome of checking an upload.
#[derive(Debug, Clone)]
pub struct ImportPlan {
    /// Years to write, ascending.
    pub years: Vec<YearPlan>,
    /// Errors and warnings, errors first.
    pub issues: Vec<Issue>,
}

impl ImportPlan {
    /// Whether the import may be applied.
    pub fn ok(&self) -> bool {
        !self.issues.iter().any(Issue::is_error)
    }
    /// Errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Issue> {
        self.issues.iter().filter(|i| i.is_error())
    }
    /// Warnings only.
    pub fn warnings(&self) -> impl Iterator<Item = &Issue> {
        self.issues.iter().filter(|i| !i.is_error())
    }
}

/// Years an upload writes: those its rows mention, or, when it only has 区划/学校, the latest
/// stored year (the lists as they stand now).
pub fn target_years(ds: &Dataset, stored_years: &[i32]) -> Vec<i32> {
    let ys = ds.years();
    if ys.is_empty() {
        stored_years.iter().max().map(|y| vec![*y]).unwrap_or_default()
    } else {
        ys
    }
}

/// Years whose stored content the check needs: the target years and the year before each.
pub fn needed_years(ds: &Dataset, stored_years: &[i32]) -> Vec<i32> {
    let mut v: Vec<i32> = target_years(ds, stored_years).into_iter().flat_map(|y| [y - 1, y]).collect();
    v.retain(|y| stored_years.contains(y));
    v.sort_unstable();
    v.dedup();
    v
}

/// Checks an upload against the stored years (at least those [`needed_years`] names).
/// `parse_issues` are the cell-level problems the reader already found.
pub fn plan_import(mut ds: Dataset, mut parse_issues: Vec<Issue>, stored: &Stored) -> ImportPlan {
    let stored_years: Vec<i32> = stored.keys().copied().collect();
    parse_issues.extend(normalize_dataset(&mut ds));
    parse_issues.extend(check_dataset(&ds));
    let mut years: Vec<YearPlan> = Vec::new();
    let targets = if ds.tables.values().all(|t| t.rows.is_empty()) { vec![] } else { target_years(&ds, &stored_years) };
    if targets.is_empty() {
        parse_issues.push(Issue::error(
            "",
            None,
            "",
            "",
            "文件中没有可导入的数据（空模板？），或只有区划/学校名单而库中还没有任何学年",
            "nothing to import: the file has no data rows (an empty template?), or only the region/school lists and the store has no school year yet",
        ));
    }
    let mut parts = split_by_year(ds, &targets);
    for y in targets {
        let prev = stored.get(&y);
        let data = merge_year_owned(prev.map(|p| &p.1), parts.remove(&y).unwrap_or_default(), y);
        let before = years.iter().find(|p| p.year == y - 1).map(|p| &p.data).or_else(|| stored.get(&(y - 1)).map(|p| &p.1));
        parse_issues.extend(check_year(&data, before));
        let diff = diff_year(prev.map(|p| &p.1), &data);
        years.push(YearPlan { year: y, previous_version: prev.map(|p| p.0), data, diff });
    }
    // A row of 区划 or 学校 is checked once per year; report it once.
    let mut seen = std::collections::HashSet::new();
    parse_issues.retain(|i| seen.insert(format!("{:?}|{}|{}|{:?}|{}|{}", i.severity, i.file, i.sheet, i.row, i.column, i.zh)));
    parse_issues.sort_by(|a, b| (a.severity, &a.file, &a.sheet, a.row).cmp(&(b.severity, &b.file, &b.sheet, b.row)));
    ImportPlan { years, issues: parse_issues }
}
