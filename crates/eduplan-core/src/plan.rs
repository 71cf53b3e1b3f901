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
