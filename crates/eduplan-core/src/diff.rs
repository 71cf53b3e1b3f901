//! What a new version of a school year changes against the stored one: schools added, removed
//! and changed (descriptors and per-school figures), row counts per sheet, and headline figures.

use std::collections::{BTreeMap, BTreeSet};

use crate::data::{Value, YearData};
use crate::schema::SheetKind;

/// One changed field of a school.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    /// Field label (Chinese), e.g. "在校生" or "办学条件.体育运动场馆面积".
    pub field: String,
    /// Before (display text).
    pub before: String,
    /// After (display text).
    pub after: String,
}

/// A school and what changed about it.
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolChange {
    /// 学校标识码.
    pub school_id: String,
    /// 学校名称.
    pub name: String,
    /// Changes; empty for added and removed schools.
    pub changes: Vec<FieldChange>,
}

/// Row counts of one sheet before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetCount {
    /// Chinese sheet name.
    pub sheet: String,
    /// Rows stored before.
    pub rows_before: usize,
    /// Rows after.
    pub rows_after: usize,
}

/// A headline figure before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Label (Chinese).
    pub figure: String,
    /// Before.
    pub before: f64,
    /// After.
    pub after: f64,
}

/// The difference between two versions of one school year.
#[derive(Debug, Clone, PartialEq)]
pub struct YearDiff {
    /// School year.
    pub year: i32,
    /// Schools new in this version.
    pub schools_added: Vec<SchoolChange>,
    /// Schools no longer listed.
    pub schools_removed: Vec<SchoolChange>,
    /// Schools whose descriptors or figures changed.
    pub schools_changed: Vec<SchoolChange>,
    /// Row counts per sheet.
    pub sheets: Vec<SheetCount>,
    /// Headline totals.
    pub figures: Vec<Figure>,
}

impl YearDiff {
    /// Whether nothing changes.
    pub fn is_empty(&self) -> bool {
        self.schools_added.is_empty()
            && self.schools_removed.is_empty()
            && self.schools_changed.is_empty()
            && self.sheets.iter().all(|s| s.rows_before == s.rows_after)
            && self.figures.iter().all(|f| f.before == f.after)
    }
}

/// Per-school facts compared between versions: descriptors, then aggregates of the school's rows.
fn school_facts(y: &YearData) -> BTreeMap<String, (String, BTreeMap<String, String>)> {
    use std::collections::HashMap;
    // counts are summed as numbers first (a province has ~800,000 roster rows) and turned into
    // text once per school
    let mut counts: HashMap<&str, BTreeMap<String, i64>> = HashMap::new();
    let st = y.table(SheetKind::Students);
    let (si, gi, ei) = (col(SheetKind::Students, "school_id"), col(SheetKind::Students, "grade"), col(SheetKind::Students, "enrolled"));
    for r in &st.rows {
        let e = r.cells[ei].as_i64().unwrap_or(0);
        let m = counts.entry(r.cells[si].as_str().unwrap_or("")).or_default();
        *m.entry("在校生".into()).or_default() += e;
        *m.entry(format!("在校生.{}", r.cells[gi].as_str().unwrap_or(""))).or_default() += e;
    }
    let cl = y.table(SheetKind::Classes);
    let ci = col(SheetKind::Classes, "school_id");
    for r in &cl.rows {
        *counts.entry(r.cells[ci].as_str().unwrap_or("")).or_default().entry("班级数".into()).or_default() += 1;
    }
    let sf = y.table(SheetKind::Staff);
    let (fi, ri) = (col(SheetKind::Staff, "school_id"), col(SheetKind::Staff, "role"));
    let mut staff: HashMap<&str, (i64, i64)> = HashMap::new();
    for r in &sf.rows {
        let e = staff.entry(r.cells[fi].as_str().unwrap_or("")).or_default();
        e.0 += 1;
        if r.cells[ri].as_str() == Some("专任教师") {
            e.1 += 1;
        }
    }
    let mut out: BTreeMap<String, (String, BTreeMap<String, String>)> = BTreeMap::new();
    let schools = y.table(SheetKind::Schools);
    for r in &schools.rows {
        let id = schools.get(r, "school_id").display();
        let name = schools.get(r, "name").display();
        let mut f = BTreeMap::new();
        for (c, v) in SheetKind::Schools.columns().iter().zip(&r.cells) {
            f.insert(c.zh.to_string(), v.display());
        }
        if let Some(m) = counts.get(id.as_str()) {
            for (k, v) in m {
                f.insert(k.clone(), v.to_string());
            }
        }
        if let Some((all, teachers)) = staff.get(id.as_str()) {
            f.insert("教职工".into(), all.to_string());
            f.insert("专任教师".into(), teachers.to_string());
        }
        out.insert(id, (name, f));
    }
    let co = y.table(SheetKind::Conditions);
    for r in &co.rows {
        let id = co.get(r, "school_id").display();
        if let Some((_, f)) = out.get_mut(&id) {
            for (c, v) in SheetKind::Conditions.columns().iter().zip(&r.cells).skip(2) {
                f.insert(format!("办学条件.{}", c.zh), v.display());
            }
        }
    }
    out
}

fn col(s: SheetKind, en: &str) -> usize {
    s.col_index(en).expect("column of the schema")
}

fn total(y: &YearData, s: SheetKind, col: &str) -> f64 {
    let t = y.table(s);
    t.rows.iter().filter_map(|r| t.get(r, col).as_f64()).sum()
}

fn count_if(y: &YearData, s: SheetKind, pred: impl Fn(&crate::data::Table, &crate::data::Row) -> bool) -> f64 {
    let t = y.table(s);
    t.rows.iter().filter(|r| pred(t, r)).count() as f64
}

/// Headline figures of a year.
pub fn figures(y: &YearData) -> Vec<(String, f64)> {
    vec![
        ("学校数".into(), y.table(SheetKind::Schools).rows.len() as f64),
        ("在校生".into(), total(y, SheetKind::Students, "enrolled")),
        ("班级数".into(), y.table(SheetKind::Classes).rows.len() as f64),
        ("大班额班级(56人及以上)".into(), count_if(y, SheetKind::Classes, |t, r| t.get(r, "size").as_i64().unwrap_or(0) >= 56)),
        ("教职工".into(), y.table(SheetKind::Staff).rows.len() as f64),
        ("专任教师".into(), count_if(y, SheetKind::Staff, |t, r| t.get(r, "role").as_str() == Some("专任教师"))),
        ("人口".into(), total(y, SheetKind::Population, "count")),
    ]
}

/// Compares two versions of a year (`before` is `None` for a first import).
pub fn diff_year(before: Option<&YearData>, after: &YearData) -> YearDiff {
    let empty = YearData::empty(after.year);
    let before = before.unwrap_or(&empty);
    let fb = school_facts(before);
    let fa = school_facts(after);
    let ids: BTreeSet<&String> = fb.keys().chain(fa.keys()).collect();
    let mut d = YearDiff {
        year: after.year,
        schools_added: vec![],
        schools_removed: vec![],
        schools_changed: vec![],
        sheets: vec![],
        figures: vec![],
    };
    for id in ids {
        match (fb.get(id), fa.get(id)) {
            (None, Some((name, _))) => d.schools_added.push(SchoolChange { school_id: id.clone(), name: name.clone(), changes: vec![] }),
            (Some((name, _)), None) => d.schools_removed.push(SchoolChange { school_id: id.clone(), name: name.clone(), changes: vec![] }),
            (Some((_, b)), Some((name, a))) => {
                let keys: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
                let changes: Vec<FieldChange> = keys
                    .into_iter()
                    .filter_map(|k| {
                        let bv = b.get(k).cloned().unwrap_or_default();
                        let av = a.get(k).cloned().unwrap_or_default();
                        (bv != av).then(|| FieldChange { field: k.clone(), before: bv, after: av })
                    })
                    .collect();
                if !changes.is_empty() {
                    d.schools_changed.push(SchoolChange { school_id: id.clone(), name: name.clone(), changes });
                }
            }
            (None, None) => unreachable!(),
        }
    }
    for s in SheetKind::ALL {
        d.sheets.push(SheetCount { sheet: s.zh().into(), rows_before: before.table(s).rows.len(), rows_after: after.table(s).rows.len() });
    }
    for ((name, b), (_, a)) in figures(before).into_iter().zip(figures(after)) {
        d.figures.push(Figure { figure: name, before: b, after: a });
    }
    d
}

/// Compares two years' rows cell by cell, ignoring row order and source rows (for round-trip
/// tests and "nothing changed" checks). Returns the first difference found.
pub fn first_difference(a: &YearData, b: &YearData) -> Option<String> {
    for s in SheetKind::ALL {
        let mut ta = a.table(s).clone();
        let mut tb = b.table(s).clone();
        ta.sort();
        tb.sort();
        if ta.rows.len() != tb.rows.len() {
            return Some(format!("{}: {} rows vs {}", s.zh(), ta.rows.len(), tb.rows.len()));
        }
        for (ra, rb) in ta.rows.iter().zip(&tb.rows) {
            for ((c, va), vb) in s.columns().iter().zip(&ra.cells).zip(&rb.cells) {
                let same = match (va, vb) {
                    (Value::Num(x), Value::Num(y)) => (x - y).abs() <= 1e-9 * x.abs().max(1.0),
                    _ => va == vb,
                };
                if !same {
                    return Some(format!("{} {} [{}]: {:?} vs {:?}", s.zh(), ta.key_of(ra), c.zh, va, vb));
                }
            }
        }
    }
    None
}
