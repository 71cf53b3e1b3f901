//! The plan workbook (规划工作簿, docs/data-format.md "Plans and projects"): a plan's indicator
//! targets (指标目标), its projects (重点工程: new and expanded schools, places, budget, schedule)
//! and the projects' funds (资金: released and spent by date). Unlike the school-year sheets this
//! is one plan's content, versioned per plan, not per year.

use crate::issue::Issue;

/// 指标目标 sheet.
pub const TARGETS: &str = "指标目标";
/// 项目 sheet.
pub const PROJECTS: &str = "项目";
/// 资金 sheet.
pub const FUNDS: &str = "资金";

/// How a value is compared with its target (比较).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    /// ≥: reach at least.
    Ge,
    /// ≤: not exceed.
    Le,
    /// =: exactly.
    Eq,
}

impl Cmp {
    /// Parses ≥ >= 以上 不低于, ≤ <= 以下 不超过, = 等于.
    pub fn parse(s: &str) -> Option<Cmp> {
        match s.trim() {
            "≥" | ">=" | "以上" | "不低于" | "ge" => Some(Cmp::Ge),
            "≤" | "<=" | "以下" | "不超过" | "不高于" | "le" => Some(Cmp::Le),
            "=" | "＝" | "等于" | "eq" => Some(Cmp::Eq),
            _ => None,
        }
    }
    /// The symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            Cmp::Ge => "≥",
            Cmp::Le => "≤",
            Cmp::Eq => "=",
        }
    }
}

/// One row of 指标目标: a tracked target (规划目标).
#[derive(Debug, Clone, PartialEq)]
pub struct TargetRow {
    /// Row in the sheet (for messages).
    pub row: u32,
    /// 指标: a catalogue code or a free name.
    pub indicator: String,
    /// 范围: region code.
    pub scope: String,
    /// 基期年份.
    pub base_year: Option<i32>,
    /// 基期值.
    pub base_value: Option<f64>,
    /// 目标年份.
    pub target_year: i32,
    /// 目标值.
    pub target_value: f64,
    /// 比较.
    pub cmp: Cmp,
    /// 单位.
    pub unit: String,
    /// 属性: 预期性 or 约束性.
    pub kind: String,
    /// 来源: the plan's sentence.
    pub source: String,
}

/// One row of 项目: a project (重点工程).
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    /// Row in the sheet.
    pub row: u32,
    /// 项目编号.
    pub id: String,
    /// 名称.
    pub name: String,
    /// 类型: 新建/改扩建/回购/装修/设备.
    pub kind: String,
    /// 学校标识码 (existing or planned), may be empty.
    pub school_id: String,
    /// 新增学位.
    pub new_places: i64,
    /// 总投资 (万元).
    pub investment: f64,
    /// 开工年份.
    pub start_year: i32,
    /// 完工年份.
    pub end_year: i32,
    /// 状态.
    pub status: String,
}

/// One row of 资金: money released to and spent by a project on a date.
#[derive(Debug, Clone, PartialEq)]
pub struct FundEntry {
    /// Row in the sheet.
    pub row: u32,
    /// 项目编号.
    pub project: String,
    /// 日期 (YYYY-MM-DD).
    pub date: String,
    /// 下达 (万元).
    pub released: f64,
    /// 支出 (万元).
    pub spent: f64,
}

/// A plan workbook's content.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanBook {
    /// 指标目标.
    pub targets: Vec<TargetRow>,
    /// 项目.
    pub projects: Vec<Project>,
    /// 资金.
    pub funds: Vec<FundEntry>,
}

/// The project types the data format knows.
pub const PROJECT_KINDS: [&str; 5] = ["新建", "改扩建", "回购", "装修", "设备"];

/// Checks rules across rows and sheets: unique project numbers, funds of known projects, years in
/// order, no negative money, known project types and target attributes.
pub fn validate(book: &PlanBook) -> Vec<Issue> {
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeMap::new();
    for p in &book.projects {
        if let Some(first) = seen.insert(p.id.as_str(), p.row) {
            out.push(Issue::error(PROJECTS, Some(p.row), "项目编号", &p.id, format!("项目编号重复（第 {first} 行已有）"), format!("duplicate project number (already in row {first})")));
        }
        if !PROJECT_KINDS.contains(&p.kind.as_str()) {
            out.push(Issue::error(PROJECTS, Some(p.row), "类型", &p.kind, format!("类型应为 {}", PROJECT_KINDS.join("/")), "type must be 新建/改扩建/回购/装修/设备"));
        }
        if p.end_year < p.start_year {
            out.push(Issue::error(PROJECTS, Some(p.row), "完工年份", &p.end_year.to_string(), format!("完工年份早于开工年份 {}", p.start_year), format!("completion before the start year {}", p.start_year)));
        }
        if p.new_places < 0 || p.investment < 0.0 {
            out.push(Issue::error(PROJECTS, Some(p.row), "新增学位", &p.new_places.to_string(), "学位和投资不能为负", "places and investment cannot be negative"));
        }
    }
    for f in &book.funds {
        if !seen.contains_key(f.project.as_str()) {
            out.push(Issue::error(FUNDS, Some(f.row), "项目编号", &f.project, "项目表中没有这个项目", "no such project in the 项目 sheet"));
        }
        if f.released < 0.0 || f.spent < 0.0 {
            out.push(Issue::error(FUNDS, Some(f.row), "下达(万元)", &format!("{} / {}", f.released, f.spent), "金额不能为负", "amounts cannot be negative"));
        }
        if crate::finding::check_date(&f.date).is_err() {
            out.push(Issue::error(FUNDS, Some(f.row), "日期", &f.date, "日期应为 YYYY-MM-DD", "date must be YYYY-MM-DD"));
        }
    }
    for t in &book.targets {
        if !t.kind.is_empty() && t.kind != "预期性" && t.kind != "约束性" {
            out.push(Issue::error(TARGETS, Some(t.row), "属性", &t.kind, "属性应为 预期性 或 约束性", "attribute must be 预期性 or 约束性"));
        }
        if t.base_year.is_some_and(|b| b > t.target_year) {
            out.push(Issue::error(TARGETS, Some(t.row), "目标年份", &t.target_year.to_string(), "目标年份早于基期年份", "target year before the base year"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(row: u32, id: &str) -> Project {
        Project { row, id: id.into(), name: "城东幼儿园".into(), kind: "新建".into(), school_id: String::new(), new_places: 270, investment: 1500.0, start_year: 2024, end_year: 2025, status: "在建".into() }
    }

    #[test]
    fn cross_sheet_rules_name_sheet_row_and_column() {
        let mut book = PlanBook { projects: vec![project(2, "P1"), project(3, "P1")], ..Default::default() };
        book.projects[1].end_year = 2023;
        book.funds.push(FundEntry { row: 2, project: "P9".into(), date: "2024-13-01".into(), released: 100.0, spent: 0.0 });
        let issues = validate(&book);
        let at: Vec<(&str, Option<u32>, &str)> = issues.iter().map(|i| (i.sheet.as_str(), i.row, i.column.as_str())).collect();
        assert!(at.contains(&(PROJECTS, Some(3), "项目编号")), "{at:?}");
        assert!(at.contains(&(PROJECTS, Some(3), "完工年份")));
        assert!(at.contains(&(FUNDS, Some(2), "项目编号")));
        assert!(at.contains(&(FUNDS, Some(2), "日期")));
        assert_eq!(issues.len(), 4);
    }

    #[test]
    fn comparators_in_words_and_symbols() {
        assert_eq!(Cmp::parse("以上"), Some(Cmp::Ge));
        assert_eq!(Cmp::parse("≤"), Some(Cmp::Le));
        assert_eq!(Cmp::parse("约"), None);
    }
}

/// Where a target stands in a year (目标进展).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// 已达成: the actual meets the target value.
    Met,
    /// 按进度: not yet met, but at or ahead of the straight path from baseline to target.
    OnTrack,
    /// 滞后: behind the path (an expected, 预期性, target).
    Behind,
    /// 预警: a binding (约束性) target behind its path.
    AtRisk,
    /// 无数据: no actual for the year.
    NoData,
}

impl Progress {
    /// Stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Progress::Met => "met",
            Progress::OnTrack => "on_track",
            Progress::Behind => "behind",
            Progress::AtRisk => "at_risk",
            Progress::NoData => "no_data",
        }
    }
    /// 中文名.
    pub fn zh(self) -> &'static str {
        match self {
            Progress::Met => "已达成",
            Progress::OnTrack => "按进度",
            Progress::Behind => "滞后",
            Progress::AtRisk => "预警",
            Progress::NoData => "无数据",
        }
    }
}

/// The value expected in `year` on the straight path from the baseline to the target (the
/// target itself from the target year on, the baseline before it); without a baseline, the
/// target value.
pub fn expected(t: &TargetRow, year: i32) -> f64 {
    match (t.base_year, t.base_value) {
        (Some(by), Some(bv)) if t.target_year > by => {
            let k = ((year - by) as f64 / (t.target_year - by) as f64).clamp(0.0, 1.0);
            bv + (t.target_value - bv) * k
        }
        _ => t.target_value,
    }
}

/// Whether `value` satisfies `goal` under the comparison (= within 1e-9).
fn meets(cmp: Cmp, value: f64, goal: f64) -> bool {
    match cmp {
        Cmp::Ge => value >= goal - 1e-9,
        Cmp::Le => value <= goal + 1e-9,
        Cmp::Eq => (value - goal).abs() <= 1e-9,
    }
}

/// A target's progress in `year` given its actual value. For an "=" target (a count to build)
/// the path is read as "at least": 6 of 9 kindergartens is on track if 6 were due by then.
pub fn progress(t: &TargetRow, year: i32, actual: Option<f64>) -> Progress {
    let Some(a) = actual else { return Progress::NoData };
    // an "=" target reads as a direction: up to a count to build, down to a limit (0: 消除)
    let path_cmp = match (t.cmp, t.base_value) {
        (Cmp::Eq, Some(b)) if t.target_value < b => Cmp::Le,
        (Cmp::Eq, None) if t.target_value == 0.0 => Cmp::Le,
        (Cmp::Eq, _) => Cmp::Ge,
        (c, _) => c,
    };
    if meets(t.cmp, a, t.target_value) || (t.cmp == Cmp::Eq && meets(path_cmp, a, t.target_value)) {
        Progress::Met
    } else if year < t.target_year && meets(path_cmp, a, expected(t, year)) {
        Progress::OnTrack
    } else if t.kind == "约束性" {
        Progress::AtRisk
    } else {
        Progress::Behind
    }
}

#[cfg(test)]
mod progress_tests {
    use super::*;

    fn t(cmp: Cmp, base: Option<(i32, f64)>, target: f64, kind: &str) -> TargetRow {
        TargetRow { row: 2, indicator: "pre_ger".into(), scope: String::new(), base_year: base.map(|b| b.0), base_value: base.map(|b| b.1), target_year: 2025, target_value: target, cmp, unit: "%".into(), kind: kind.into(), source: String::new() }
    }

    #[test]
    fn the_path_runs_straight_from_baseline_to_target() {
        // 2020: 88, 2025: 93 → one point a year: 2023 expects 91
        let x = t(Cmp::Ge, Some((2020, 88.0)), 93.0, "约束性");
        assert!((expected(&x, 2023) - 91.0).abs() < 1e-12);
        assert_eq!(expected(&x, 2019), 88.0);
        assert_eq!(expected(&x, 2027), 93.0);
        assert_eq!(progress(&x, 2023, Some(91.0)), Progress::OnTrack);
        assert_eq!(progress(&x, 2023, Some(90.9)), Progress::AtRisk, "binding and behind");
        assert_eq!(progress(&t(Cmp::Ge, Some((2020, 88.0)), 93.0, "预期性"), 2023, Some(90.9)), Progress::Behind);
        assert_eq!(progress(&x, 2023, Some(93.2)), Progress::Met);
        assert_eq!(progress(&x, 2025, Some(92.0)), Progress::AtRisk, "the target year has come");
        assert_eq!(progress(&x, 2023, None), Progress::NoData);
    }

    #[test]
    fn limits_and_counts() {
        // 大班额 share from 6.5% (2020) to 0 (2025): 2022 expects 3.9
        let x = t(Cmp::Le, Some((2020, 6.5)), 0.0, "约束性");
        assert!((expected(&x, 2022) - 3.9).abs() < 1e-12);
        assert_eq!(progress(&x, 2022, Some(3.5)), Progress::OnTrack);
        assert_eq!(progress(&x, 2022, Some(4.0)), Progress::AtRisk);
        assert_eq!(progress(&x, 2022, Some(0.0)), Progress::Met);
        // build 9 kindergartens from 0 (2020): 6 built in 2023 (5.4 due) is on track, 9 met, 10 met
        // 消除大班额 as "= 0" without a baseline: 504 classes is not met
        let z = t(Cmp::Eq, None, 0.0, "约束性");
        assert_eq!(progress(&z, 2024, Some(504.0)), Progress::AtRisk);
        assert_eq!(progress(&z, 2024, Some(0.0)), Progress::Met);
        let k = t(Cmp::Eq, Some((2020, 0.0)), 9.0, "预期性");
        assert_eq!(progress(&k, 2023, Some(6.0)), Progress::OnTrack);
        assert_eq!(progress(&k, 2023, Some(5.0)), Progress::Behind);
        assert_eq!(progress(&k, 2024, Some(10.0)), Progress::Met);
    }
}
