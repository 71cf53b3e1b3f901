//! Indicator tables (主要指标表) flattened one cell per line, as text exports of plans show
//! them: header cells (指标, 单位, 2020年, 2025年, 属性) and then cell after cell; a group
//! row (学前教育) appears once above its metrics. The header gives the years; the metric cell
//! or a 单位 column gives the unit.

use crate::normalize::compact;
use crate::target::Cmp;
use regex::Regex;
use std::sync::LazyLock;

/// Role of one header cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Seq,
    Label,
    Unit,
    Year(i32),
    Kind,
    Note,
}

/// One parsed row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The group row above (学前教育), used as scope and for linking.
    pub group: Option<String>,
    pub metric: String,
    pub unit: String,
    /// (year, value) per year column; None where the cell is empty or a dash.
    pub values: Vec<(i32, Option<f64>)>,
    pub cmp: Cmp,
    /// 预期性 / 约束性.
    pub kind: Option<String>,
    /// The row's cells as written, for the target's `sentence`.
    pub cells: Vec<String>,
}

/// A table found in the lines of a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Line index of the first header cell.
    pub first: usize,
    /// Line index after the last cell of the last row.
    pub end: usize,
    pub title: Option<String>,
    pub rows: Vec<Row>,
}

static YEAR_CELL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^((?:19|20)\d\d)年?(?:底|末)?(?:\(?(?:目标值?|基期值?|基数|现状值?|实际值?|预期值?|规划值?)\)?)?$").unwrap()
});
static VALUE_CELL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(≥|>=|≤|<=|>|<|约)?(\d+(?:\.\d+)?)(?::(\d+(?:\.\d+)?))?(%|[\p{Han}]{1,3})?$")
        .unwrap()
});
static METRIC_UNIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(.+?)\(([^()]{1,8})\)?$").unwrap());

/// A markdown table's rule cell ("---", ":--:").
fn is_rule(c: &str) -> bool {
    c.len() >= 3 && c.chars().all(|ch| ch == '-' || ch == ':')
}

fn role(cell: &str) -> Option<Role> {
    if let Some(m) = YEAR_CELL.captures(cell) {
        return Some(Role::Year(m[1].parse().ok()?));
    }
    Some(match cell {
        "序号" => Role::Seq,
        "指标" | "项目" | "类别" | "主要指标" | "指标名称" | "内容" | "领域" | "类型"
        | "指标类别" | "分类" => Role::Label,
        "单位" | "计量单位" => Role::Unit,
        "属性" | "指标属性" | "指标性质" | "性质" => Role::Kind,
        "备注" | "说明" => Role::Note,
        _ => return None,
    })
}

fn is_kind(cell: &str) -> bool {
    matches!(cell, "预期性" | "约束性")
}

fn is_dash(cell: &str) -> bool {
    matches!(cell, "-" | "--" | "—" | "/" | "无" | "x" | "X" | "*" | "…")
}

/// A value cell: (value, unit written in the cell, comparator).
fn value_cell(cell: &str) -> Option<(f64, Option<String>, Cmp)> {
    // A trailing 以上/以下 is the comparator, not a unit written in the cell.
    let (cell, suffix_cmp) = match ["以上", "以下", "以内", "左右"]
        .iter()
        .find(|w| cell.ends_with(*w))
    {
        Some(w) => (&cell[..cell.len() - w.len()], Some(*w)),
        None => (cell, None),
    };
    let m = VALUE_CELL.captures(cell)?;
    let mut v: f64 = m[2].parse().ok()?;
    let mut unit = m.get(4).map(|u| u.as_str().to_string());
    if let Some(b) = m.get(3) {
        let b: f64 = b.as_str().parse().ok()?;
        if b == 0.0 {
            return None;
        }
        v /= b;
        unit = Some("ratio".into());
    }
    let cmp = match (m.get(1).map(|x| x.as_str()), suffix_cmp) {
        (Some("≥" | ">=" | ">"), _) | (_, Some("以上")) => Cmp::Ge,
        (Some("≤" | "<=" | "<"), _) | (_, Some("以下" | "以内")) => Cmp::Le,
        (Some("约"), _) | (_, Some("左右")) => Cmp::About,
        _ => Cmp::Eq,
    };
    Some((v, unit, cmp))
}

/// Whether a cell can be a row label (metric or group): short text that is not a value.
fn is_label(cell: &str) -> bool {
    let n = cell.chars().count();
    n <= 40
        && !cell.contains('。')
        && value_cell(cell).is_none()
        && !is_kind(cell)
        && !is_dash(cell)
        && crate::segment::heading_level(cell).is_none()
}

/// Splits "毛入园率(%)" / "在园幼儿数(万人)" / "其中:中职(万人)" into metric and unit.
fn metric_and_unit(cell: &str) -> (String, Option<String>) {
    let cell = cell.strip_prefix("其中:").unwrap_or(cell);
    match METRIC_UNIT.captures(cell) {
        Some(m) => (m[1].to_string(), Some(m[2].to_string())),
        None => (cell.to_string(), None),
    }
}

/// Finds every table: a header with at least two year cells, then rows until a cell breaks
/// the pattern.
pub fn find_tables(lines: &[&str]) -> Vec<Table> {
    // Cells are lines; a line with tabs or table pipes ("| 指标 | 2020年 |") holds several.
    let cells: Vec<(usize, String)> = lines
        .iter()
        .enumerate()
        .flat_map(|(i, l)| l.split(['\t', '|']).map(move |c| (i, compact(c))))
        .filter(|(_, c)| !c.is_empty() && !is_rule(c))
        .collect();
    let mut out = Vec::new();
    let mut k = 0;
    while k < cells.len() {
        let mut roles = Vec::new();
        let mut h = k;
        while h < cells.len() && roles.len() < 10 {
            match role(&cells[h].1) {
                Some(r) => roles.push(r),
                None => break,
            }
            h += 1;
        }
        let years = roles.iter().filter(|r| matches!(r, Role::Year(_))).count();
        if years < 2 {
            k += 1;
            continue;
        }
        let (rows, next) = parse_rows(&cells, h, &roles);
        if rows.is_empty() {
            k = h;
            continue;
        }
        let title = (k > 0)
            .then(|| cells[k - 1].1.clone())
            .filter(|t| t.chars().count() <= 60);
        let end = if next < cells.len() {
            cells[next].0
        } else {
            lines.len()
        };
        out.push(Table {
            first: cells[k].0,
            end,
            title,
            rows,
        });
        k = next;
    }
    out
}

/// Rows from cell `p` on; returns them and the index of the first cell not in the table.
fn parse_rows(cells: &[(usize, String)], mut p: usize, roles: &[Role]) -> (Vec<Row>, usize) {
    let data: Vec<Role> = roles
        .iter()
        .copied()
        .filter(|r| !matches!(r, Role::Label | Role::Seq))
        .collect();
    let has_seq = roles.contains(&Role::Seq);
    let unit_col = data.first() == Some(&Role::Unit);
    let mut rows = Vec::new();
    let mut group: Option<String> = None;
    loop {
        let row_start = p;
        let mut q = p;
        if has_seq
            && q < cells.len()
            && cells[q].1.chars().all(|c| c.is_ascii_digit())
            && cells[q].1.len() <= 3
        {
            q += 1;
        }
        let mut labels = Vec::new();
        while q < cells.len() && labels.len() < 4 && is_label(&cells[q].1) {
            labels.push(cells[q].1.clone());
            q += 1;
        }
        let mut unit_cell = None;
        if unit_col && labels.len() >= 2 {
            unit_cell = labels.pop();
        }
        if labels.is_empty() {
            break;
        }
        let mut values = Vec::new();
        let mut kind = None;
        let mut cmp = Cmp::Eq;
        let mut cell_unit = None;
        let mut ok = true;
        for r in &data {
            match r {
                Role::Year(y) => {
                    let Some((_, cell)) = cells.get(q) else {
                        ok = false;
                        break;
                    };
                    if let Some((v, u, c)) = value_cell(cell) {
                        values.push((*y, Some(v)));
                        if u.is_some() {
                            cell_unit = u;
                        }
                        cmp = c;
                    } else if is_dash(cell) {
                        values.push((*y, None));
                    } else {
                        ok = false;
                        break;
                    }
                    q += 1;
                }
                Role::Kind => {
                    if cells.get(q).is_some_and(|(_, c)| is_kind(c)) {
                        kind = Some(cells[q].1.clone());
                        q += 1;
                    }
                }
                // A blank unit cell (written "-" by the readers) keeps its column.
                Role::Unit => {
                    if unit_cell.is_none() && cells.get(q).is_some_and(|(_, c)| is_dash(c)) {
                        q += 1;
                    }
                }
                Role::Note | Role::Label | Role::Seq => {}
            }
        }
        if !ok || values.iter().all(|(_, v)| v.is_none()) {
            p = row_start;
            break;
        }
        let metric_cell = labels.pop().unwrap_or_default();
        if let Some(g) = labels.pop() {
            group = Some(g);
        }
        let (metric, head_unit) = metric_and_unit(&metric_cell);
        let unit = unit_cell.or(head_unit).or(cell_unit).unwrap_or_default();
        let written = cells[row_start..q].iter().map(|(_, c)| c.clone()).collect();
        rows.push(Row {
            group: group.clone(),
            metric,
            unit,
            values,
            cmp,
            kind,
            cells: written,
        });
        p = q;
    }
    (rows, p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattened_table_with_groups_and_units() {
        let text = "表1 主要指标\n\n指标\n\n2020年\n\n2025年\n\n属性\n\n学前教育\n\n毛入园率(%)\n\n88.5%\n\n92%\n\n预期性\n\n在园幼儿(万人)\n\n1.2\n\n1.4\n\n预期性\n\n义务教育\n\n巩固率(%)\n\n97\n\n≥98\n\n约束性\n\n三、主要任务";
        let lines: Vec<&str> = text.lines().collect();
        let t = find_tables(&lines);
        assert_eq!(t.len(), 1);
        let r = &t[0].rows;
        assert_eq!(r.len(), 3);
        assert_eq!(
            (
                r[0].metric.as_str(),
                r[0].unit.as_str(),
                r[0].group.as_deref()
            ),
            ("毛入园率", "%", Some("学前教育"))
        );
        assert_eq!(r[0].values, vec![(2020, Some(88.5)), (2025, Some(92.0))]);
        assert_eq!(r[1].unit, "万人");
        assert_eq!(
            (r[2].group.as_deref(), r[2].cmp, r[2].kind.as_deref()),
            (Some("义务教育"), Cmp::Ge, Some("约束性"))
        );
        assert_eq!(t[0].title.as_deref(), Some("表1主要指标"));
    }

    #[test]
    fn unit_column_and_sequence_numbers() {
        let text = "序号\n指标\n单位\n2021年\n2025年\n1\n普惠性幼儿园覆盖率\n%\n80\n90\n2\n新增学位\n个\n-\n5000";
        let lines: Vec<&str> = text.lines().collect();
        let t = find_tables(&lines);
        let r = &t[0].rows;
        assert_eq!(r.len(), 2);
        assert_eq!(
            (r[0].metric.as_str(), r[0].unit.as_str()),
            ("普惠性幼儿园覆盖率", "%")
        );
        assert_eq!(r[1].values, vec![(2021, None), (2025, Some(5000.0))]);
    }
}
