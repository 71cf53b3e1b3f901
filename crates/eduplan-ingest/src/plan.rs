//! Reads the plan workbook (规划工作簿: 指标目标, 项目, 资金) into an
//! [`eduplan_core::plan::PlanBook`], with every problem located by file, sheet, row and column in
//! Chinese and English. Headers are matched by their Chinese or English names; dates may be
//! typed as text or be Excel dates.

use std::io::Cursor;

use calamine::{Data, Reader};
use eduplan_core::issue::Issue;
use eduplan_core::plan::{self, Cmp, FundEntry, PlanBook, Project, TargetRow};

/// Column aliases: the first is the name used in messages.
const TARGET_COLS: &[&[&str]] = &[
    &["指标", "indicator"],
    &["范围", "scope", "区划代码"],
    &["基期年份", "base_year"],
    &["基期值", "base_value"],
    &["目标年份", "target_year"],
    &["目标值", "target_value"],
    &["比较", "cmp"],
    &["单位", "unit"],
    &["属性", "kind"],
    &["来源", "source"],
];
const PROJECT_COLS: &[&[&str]] = &[
    &["项目编号", "id", "project"],
    &["名称", "name"],
    &["类型", "type", "kind"],
    &["学校标识码", "school_id"],
    &["新增学位", "new_places"],
    &["总投资(万元)", "investment", "总投资"],
    &["开工年份", "start_year"],
    &["完工年份", "end_year"],
    &["状态", "status"],
];
const FUND_COLS: &[&[&str]] = &[&["项目编号", "project"], &["日期", "date"], &["下达(万元)", "released", "下达"], &["支出(万元)", "spent", "支出"]];

fn norm(h: &str) -> String {
    let h = h.split('[').next().unwrap_or(h);
    h.chars().filter(|c| !c.is_whitespace()).map(|c| match c {
        '（' => '(',
        '）' => ')',
        c => c.to_ascii_lowercase(),
    }).collect()
}

/// An Excel serial date (days since 1899-12-30) as YYYY-MM-DD (civil-from-days, Howard Hinnant).
fn excel_date(serial: f64) -> String {
    let z = serial.floor() as i64 - 25569 + 719468; // days since 1970-01-01, shifted to 0000-03-01
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

struct Sheet {
    name: &'static str,
    /// (row number, cells by column index of `cols`)
    rows: Vec<(u32, Vec<String>)>,
}

fn cell(d: &Data) -> String {
    match d {
        // an Excel date in a date column becomes YYYY-MM-DD
        Data::DateTime(dt) => excel_date(dt.as_f64()),
        other => crate::read::cell_text(other).trim().to_string(),
    }
}

fn sheet(wb: &mut calamine::Sheets<Cursor<Vec<u8>>>, name: &'static str, cols: &[&[&str]], required: &[usize], issues: &mut Vec<Issue>) -> Option<Sheet> {
    let range = wb.worksheet_range(name).ok()?;
    let start = range.start().map(|(r, _)| r).unwrap_or(0);
    let mut it = range.rows().enumerate().filter(|(_, r)| r.iter().any(|c| !cell(c).is_empty()));
    let (hi, header) = it.next()?;
    let map: Vec<Option<usize>> = cols.iter().map(|aliases| header.iter().position(|h| aliases.iter().any(|a| norm(a) == norm(&cell(h))))).collect();
    for &i in required {
        if map[i].is_none() {
            issues.push(Issue::error(name, Some(start + hi as u32 + 1), cols[i][0], "", format!("缺少必填列「{}」", cols[i][0]), format!("required column {} ({}) is missing", cols[i][0], cols[i][1])));
        }
    }
    let rows = it
        .map(|(i, r)| (start + i as u32 + 1, map.iter().map(|m| m.and_then(|c| r.get(c)).map(cell).unwrap_or_default()).collect()))
        .collect();
    Some(Sheet { name, rows })
}

struct Cells<'a> {
    sheet: &'static str,
    row: u32,
    cells: &'a [String],
    cols: &'a [&'a [&'a str]],
    issues: &'a mut Vec<Issue>,
}

impl Cells<'_> {
    fn text(&self, i: usize) -> String {
        self.cells[i].clone()
    }
    fn required(&mut self, i: usize) -> Option<String> {
        let v = self.text(i);
        if v.is_empty() {
            self.issues.push(Issue::error(self.sheet, Some(self.row), self.cols[i][0], "", "必填项为空", "required value is empty"));
            return None;
        }
        Some(v)
    }
    fn num(&mut self, i: usize, required: bool) -> Option<f64> {
        let v = self.text(i).replace([',', '，'], "");
        if v.is_empty() {
            if required {
                self.issues.push(Issue::error(self.sheet, Some(self.row), self.cols[i][0], "", "必填项为空", "required value is empty"));
            }
            return None;
        }
        match v.trim_end_matches('%').parse::<f64>() {
            Ok(x) if x.is_finite() => Some(x),
            _ => {
                self.issues.push(Issue::error(self.sheet, Some(self.row), self.cols[i][0], &v, "应为数字", "must be a number"));
                None
            }
        }
    }
    fn year(&mut self, i: usize, required: bool) -> Option<i32> {
        let x = self.num(i, required)?;
        if x.fract() != 0.0 || !(1949.0..=2100.0).contains(&x) {
            self.issues.push(Issue::error(self.sheet, Some(self.row), self.cols[i][0], &self.text(i), "应为 1949–2100 之间的年份", "must be a year between 1949 and 2100"));
            return None;
        }
        Some(x as i32)
    }
}

/// Reads a plan workbook. `Err` holds every error found (never only the first); a workbook
/// without any of the three sheets is an error too.
pub fn read_plan_workbook(file: &str, bytes: &[u8]) -> Result<PlanBook, Vec<Issue>> {
    let located = |mut v: Vec<Issue>| {
        for i in &mut v {
            i.file = file.to_string();
        }
        v
    };
    let mut wb = match calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec())) {
        Ok(wb) => wb,
        Err(e) => return Err(located(vec![Issue::error("", None, "", "", format!("无法打开工作簿：{e}"), format!("cannot open workbook: {e}"))])),
    };
    let mut issues = Vec::new();
    let mut book = PlanBook::default();
    let targets = sheet(&mut wb, plan::TARGETS, TARGET_COLS, &[0, 4, 5], &mut issues);
    let projects = sheet(&mut wb, plan::PROJECTS, PROJECT_COLS, &[0, 1, 2, 6, 7], &mut issues);
    let funds = sheet(&mut wb, plan::FUNDS, FUND_COLS, &[0, 1], &mut issues);
    if targets.is_none() && projects.is_none() && funds.is_none() {
        return Err(located(vec![Issue::error("", None, "", "", "工作簿中没有 指标目标、项目 或 资金 工作表", "the workbook has none of the sheets 指标目标, 项目, 资金")]));
    }
    if !issues.is_empty() {
        return Err(located(issues));
    }
    for s in targets.iter() {
        for (row, cells) in &s.rows {
            let mut c = Cells { sheet: s.name, row: *row, cells, cols: TARGET_COLS, issues: &mut issues };
            let indicator = c.required(0);
            let (base_year, base_value) = (c.year(2, false), c.num(3, false));
            let (target_year, target_value) = (c.year(4, true), c.num(5, true));
            let cmp_text = c.text(6);
            let cmp = if cmp_text.is_empty() { Some(Cmp::Ge) } else { Cmp::parse(&cmp_text) };
            if cmp.is_none() {
                c.issues.push(Issue::error(s.name, Some(*row), "比较", &cmp_text, "比较应为 ≥、≤ 或 =", "comparison must be ≥, ≤ or ="));
            }
            if let (Some(indicator), Some(target_year), Some(target_value), Some(cmp)) = (indicator, target_year, target_value, cmp) {
                book.targets.push(TargetRow { row: *row, indicator, scope: c.text(1), base_year, base_value, target_year, target_value, cmp, unit: c.text(7), kind: c.text(8), source: c.text(9) });
            }
        }
    }
    for s in projects.iter() {
        for (row, cells) in &s.rows {
            let mut c = Cells { sheet: s.name, row: *row, cells, cols: PROJECT_COLS, issues: &mut issues };
            let (id, name, kind) = (c.required(0), c.required(1), c.required(2));
            let places = c.num(4, false).unwrap_or(0.0);
            let investment = c.num(5, false).unwrap_or(0.0);
            let (start, end) = (c.year(6, true), c.year(7, true));
            if let (Some(id), Some(name), Some(kind), Some(start_year), Some(end_year)) = (id, name, kind, start, end) {
                book.projects.push(Project { row: *row, id, name, kind, school_id: c.text(3), new_places: places.round() as i64, investment, start_year, end_year, status: c.text(8) });
            }
        }
    }
    for s in funds.iter() {
        for (row, cells) in &s.rows {
            let mut c = Cells { sheet: s.name, row: *row, cells, cols: FUND_COLS, issues: &mut issues };
            let (project, date) = (c.required(0), c.required(1));
            let released = c.num(2, false).unwrap_or(0.0);
            let spent = c.num(3, false).unwrap_or(0.0);
            if let (Some(project), Some(date)) = (project, date) {
                book.funds.push(FundEntry { row: *row, project, date: date.replace('/', "-"), released, spent });
            }
        }
    }
    issues.extend(plan::validate(&book));
    if issues.is_empty() {
        Ok(book)
    } else {
        Err(located(issues))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn excel_serial_dates() {
        assert_eq!(super::excel_date(45473.0), "2024-06-30");
        assert_eq!(super::excel_date(45657.0), "2024-12-31");
        assert_eq!(super::excel_date(43890.0), "2020-02-29");
    }
}

/// Writes a plan book as a plan workbook (the form [`read_plan_workbook`] reads; empty sheets
/// give the template).
pub fn write_plan_workbook(book: &PlanBook) -> Result<Vec<u8>, crate::WriteError> {
    use eduplan_core::data::Value as V;
    let head = |cols: &[&[&str]]| cols.iter().map(|c| c[0].to_string()).collect::<Vec<_>>();
    let opt_i = |x: Option<i32>| x.map(|y| V::Int(y as i64)).unwrap_or(V::Null);
    let targets = book
        .targets
        .iter()
        .map(|t| vec![V::Text(t.indicator.clone()), V::Text(t.scope.clone()), opt_i(t.base_year), t.base_value.map(V::Num).unwrap_or(V::Null), V::Int(t.target_year as i64),
                      V::Num(t.target_value), V::Text(t.cmp.symbol().into()), V::Text(t.unit.clone()), V::Text(t.kind.clone()), V::Text(t.source.clone())])
        .collect();
    let projects = book
        .projects
        .iter()
        .map(|p| vec![V::Text(p.id.clone()), V::Text(p.name.clone()), V::Text(p.kind.clone()), V::Text(p.school_id.clone()), V::Int(p.new_places), V::Num(p.investment),
                      V::Int(p.start_year as i64), V::Int(p.end_year as i64), V::Text(p.status.clone())])
        .collect();
    let funds = book.funds.iter().map(|f| vec![V::Text(f.project.clone()), V::Text(f.date.clone()), V::Num(f.released), V::Num(f.spent)]).collect();
    crate::write::tables_xlsx(&[
        (plan::TARGETS.to_string(), head(TARGET_COLS), targets),
        (plan::PROJECTS.to_string(), head(PROJECT_COLS), projects),
        (plan::FUNDS.to_string(), head(FUND_COLS), funds),
    ])
}
