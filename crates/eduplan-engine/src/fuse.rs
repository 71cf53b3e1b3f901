//! Fusing measures that read the same fact table into one query (one scan, one grouping).
//!
//! Most catalogue measures have one shape: `SELECT year, <school>, township, county, <stage>
//! [, grade], <value> AS value FROM <table> [WHERE <cond>]`. Measures of one table with the same
//! school, stage and grade columns become one query whose columns are, per measure,
//! `SUM(CASE WHEN cond THEN value END)`, the rows passing `cond`, and those of them with a NULL
//! value — exactly what the measure's own query would give for every group where at least one
//! row passes. A measure of any other shape keeps its own query.

use datafusion::sql::sqlparser::ast::{Expr, GroupByExpr, SelectItem, SetExpr, Statement, TableFactor};
use datafusion::sql::sqlparser::dialect::GenericDialect;
use datafusion::sql::sqlparser::parser::Parser;

/// A measure of the common shape, taken apart.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Shape {
    /// The fact table.
    pub table: String,
    /// The school_id column expression (`school_id`, or a NULL of a region-level measure).
    pub school: String,
    /// The stage expression (`stage`, or a literal).
    pub stage: String,
    /// Whether the measure is by grade.
    pub grade: bool,
    /// The value expression.
    pub value: String,
    /// The WHERE condition.
    pub cond: Option<String>,
}

impl Shape {
    /// What measures must share to be fused.
    pub fn key(&self) -> (String, String, String, bool) {
        (self.table.clone(), self.school.clone(), self.stage.clone(), self.grade)
    }
}

fn item(i: &SelectItem) -> Option<(String, Option<String>)> {
    match i {
        SelectItem::UnnamedExpr(e) => Some((e.to_string(), None)),
        SelectItem::ExprWithAlias { expr, alias } => Some((expr.to_string(), Some(alias.value.clone()))),
        _ => None,
    }
}

/// The parts of a measure's SQL, when it has the common shape.
pub(crate) fn shape(sql: &str, by_grade: bool) -> Option<Shape> {
    let stmts = Parser::parse_sql(&GenericDialect {}, sql).ok()?;
    let [Statement::Query(q)] = stmts.as_slice() else { return None };
    if q.with.is_some() || q.order_by.is_some() || q.limit_clause.is_some() || q.fetch.is_some() {
        return None;
    }
    let SetExpr::Select(s) = q.body.as_ref() else { return None };
    if s.distinct.is_some() || s.having.is_some() || s.from.len() != 1 || !s.from[0].joins.is_empty() || !matches!(&s.group_by, GroupByExpr::Expressions(g, _) if g.is_empty()) {
        return None;
    }
    let TableFactor::Table { name, alias: None, args: None, .. } = &s.from[0].relation else { return None };
    let items: Vec<(String, Option<String>)> = s.projection.iter().map(item).collect::<Option<_>>()?;
    let want = if by_grade { 7 } else { 6 };
    if items.len() != want {
        return None;
    }
    let named = |k: usize, n: &str| items[k].1.as_deref() == Some(n) || (items[k].1.is_none() && items[k].0 == n);
    let plain = |k: usize, n: &str| items[k].1.is_none() && items[k].0 == n;
    if !(plain(0, "year") && named(1, "school_id") && plain(2, "township") && plain(3, "county") && named(4, "stage") && named(want - 1, "value")) {
        return None;
    }
    if by_grade && !plain(5, "grade") {
        return None;
    }
    let cond = s.selection.as_ref().map(|e: &Expr| e.to_string());
    Some(Shape { table: name.to_string(), school: items[1].0.clone(), stage: items[4].0.clone(), grade: by_grade, value: items[want - 1].0.clone(), cond })
}

/// One query for measures of one key: columns year, k, stage[, grade], then per measure
/// v{i}, m{i} (rows with a NULL value), n{i} (rows passing the condition).
pub(crate) fn fused_sql(shapes: &[&Shape]) -> String {
    let first = shapes[0];
    let g = if first.grade { ", grade" } else { "" };
    let mut inner = Vec::new();
    let mut outer = Vec::new();
    for (i, s) in shapes.iter().enumerate() {
        match &s.cond {
            Some(c) => {
                inner.push(format!("CASE WHEN {c} THEN ({}) END AS v{i}, CASE WHEN {c} THEN 1 ELSE 0 END AS n{i}", s.value));
            }
            None => inner.push(format!("({}) AS v{i}, 1 AS n{i}", s.value)),
        }
        outer.push(format!("CAST(SUM(v{i}) AS DOUBLE) AS v{i}, CAST(SUM(n{i}) - COUNT(v{i}) AS BIGINT) AS m{i}, CAST(SUM(n{i}) AS BIGINT) AS n{i}"));
    }
    format!(
        "SELECT CAST(year AS BIGINT) AS year, COALESCE(school_id, township, county) AS k, stage{g}, {} \
         FROM (SELECT year, {} AS school_id, township, county, {} AS stage{g}, {} FROM {}) m \
         GROUP BY year, COALESCE(school_id, township, county), stage{g}",
        outer.join(", "),
        first.school,
        first.stage,
        inner.join(", "),
        first.table
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_shape_is_taken_apart_and_others_are_left_alone() {
        let s = shape("SELECT year, school_id, township, county, stage, 1 AS value FROM class WHERE size >= 56", false).unwrap();
        assert_eq!((s.table.as_str(), s.value.as_str(), s.cond.as_deref()), ("class", "1", Some("size >= 56")));
        let r = shape("SELECT year, CAST(NULL AS VARCHAR) AS school_id, township, county, '小学' AS stage, count AS value FROM pop WHERE age = 6", false).unwrap();
        assert_eq!((r.school.as_str(), r.stage.as_str()), ("CAST(NULL AS VARCHAR)", "'小学'"));
        assert!(shape("SELECT year, school_id, township, county, stage, grade, enrolled AS value FROM enrol", true).unwrap().grade);
        assert!(shape("SELECT e.year, e.school_id, e.township, e.county, e.stage, 1 AS value FROM enrol e JOIN school s ON e.school_id = s.school_id", false).is_none());
        assert!(shape("SELECT year, school_id, township, county, stage, SUM(x) AS value FROM cond GROUP BY year, school_id, township, county, stage", false).is_none());
        let sql = fused_sql(&[&s, &shape("SELECT year, school_id, township, county, stage, 1 AS value FROM class", false).unwrap()]);
        assert!(sql.contains("CASE WHEN size >= 56 THEN (1) END AS v0") && sql.contains("(1) AS v1, 1 AS n1"), "{sql}");
    }
}
