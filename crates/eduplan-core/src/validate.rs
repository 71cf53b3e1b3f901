//! Rules that span rows and sheets (cell-level rules are in [`crate::cell`]): unique keys,
//! references between sheets, class sizes summing to enrolment, and suspicious figures.

use std::collections::{HashMap, HashSet};

use crate::data::{Dataset, Row, Table, YearData};
use crate::issue::Issue;
use crate::schema::{type_grades, SheetKind};

fn zh_col(s: SheetKind, en: &str) -> &'static str {
    s.columns().iter().find(|c| c.en == en).map(|c| c.zh).unwrap_or("")
}

fn err(t: &Table, r: &Row, en: &str, zh: String, en_msg: String) -> Issue {
    Issue::error(t.sheet.zh(), r.source, zh_col(t.sheet, en), &t.get(r, en).display(), zh, en_msg)
}

fn warn(t: &Table, r: &Row, en: &str, zh: String, en_msg: String) -> Issue {
    Issue::warning(t.sheet.zh(), r.source, zh_col(t.sheet, en), &t.get(r, en).display(), zh, en_msg)
}

/// Normalises what the format defines away, warning where the file said otherwise: public
/// kindergartens are 普惠 by definition; 普惠性 of a school that is not a kindergarten is ignored.
pub fn normalize_dataset(ds: &mut Dataset) -> Vec<Issue> {
    let mut out = Vec::new();
    let Some(t) = ds.tables.get_mut(&SheetKind::Schools) else { return out };
    let pi = SheetKind::Schools.col_index("puhui").expect("puhui");
    let snapshot = Table::new(SheetKind::Schools);
    for r in &mut t.rows {
        let ty = snapshot.get(r, "type").display();
        let public = snapshot.get(r, "ownership").as_str() == Some("公办");
        let puhui = r.cells[pi].as_bool();
        if ty == "幼儿园" && public {
            if puhui == Some(false) {
                out.push(warn(&snapshot, r, "puhui", "公办幼儿园均为普惠性，按“是”处理".into(), "public kindergartens are puhui by definition; read as yes".into()));
            }
            r.cells[pi] = crate::data::Value::Bool(true);
        } else if ty != "幼儿园" && puhui.is_some() {
            out.push(warn(&snapshot, r, "puhui", "普惠性仅适用于幼儿园，已忽略".into(), "puhui applies to kindergartens only; ignored".into()));
            r.cells[pi] = crate::data::Value::Null;
        }
    }
    out
}

/// Duplicate keys within the uploaded sheets.
pub fn check_dataset(ds: &Dataset) -> Vec<Issue> {
    let mut out = Vec::new();
    for t in ds.tables.values() {
        let mut seen: HashMap<String, Option<u32>> = HashMap::new();
        let last_key_col = *t.sheet.key().last().expect("key");
        for r in &t.rows {
            let k = t.key_of(r);
            if let Some(first) = seen.get(&k) {
                let (zh_at, en_at) = match first {
                    Some(f) => (format!("与第{f}行重复"), format!("duplicates row {f}")),
                    None => ("与前面的行重复".to_string(), "duplicates an earlier row".to_string()),
                };
                out.push(err(
                    t,
                    r,
                    last_key_col,
                    format!("{zh_at}（{}）", t.sheet.key().iter().map(|c| zh_col(t.sheet, c)).collect::<Vec<_>>().join("+")),
                    format!("{en_at} (key {})", t.sheet.key().join("+")),
                ));
            } else {
                seen.insert(k, r.source);
            }
        }
    }
    out
}

/// Cross-sheet rules on the merged content of one school year. `prev_year` is the stored data
/// of the year before, for year-over-year warnings.
pub fn check_year(y: &YearData, prev_year: Option<&YearData>) -> Vec<Issue> {
    let mut out = Vec::new();
    let regions = y.table(SheetKind::Regions);
    let region_codes: HashSet<String> = regions.rows.iter().map(|r| regions.get(r, "code").display()).collect();
    for r in &regions.rows {
        let code = regions.get(r, "code").display();
        let parent = regions.get(r, "parent");
        if !parent.is_null() && !region_codes.contains(&parent.display()) {
            out.push(err(regions, r, "parent", "上级代码不在区划表中".into(), "parent code is not in the regions sheet".into()));
        }
        if code.len() == 9 && regions.get(r, "urban_rural").is_null() {
            out.push(err(regions, r, "urban_rural", "乡镇必须填写城乡分类".into(), "a township needs its urban/rural class".into()));
        }
        if let Some(b) = regions.get(r, "boundary").as_str() {
            if let Err((zh, en)) = crate::geo::check_boundary(b) {
                out.push(err(regions, r, "boundary", zh, en));
            }
        }
    }

    let schools = y.table(SheetKind::Schools);
    let mut school_type: HashMap<String, String> = HashMap::new();
    for r in &schools.rows {
        let id = schools.get(r, "school_id").display();
        let ty = schools.get(r, "type").display();
        school_type.insert(id, ty.clone());
        let region = schools.get(r, "region").display();
        if !region_codes.contains(&region) {
            out.push(err(schools, r, "region", "区划代码不在区划表中".into(), "region code is not in the regions sheet".into()));
        }
        if let (Some(o), Some(c)) = (schools.get(r, "opened").as_i64(), schools.get(r, "closed").as_i64()) {
            if c < o {
                out.push(err(schools, r, "closed", format!("撤并年份早于开办年份 {o}"), format!("closed before it opened ({o})")));
            }
        }
    }

    let school_sheets = [SheetKind::Students, SheetKind::Classes, SheetKind::Staff, SheetKind::Conditions];
    for s in school_sheets {
        let t = y.table(s);
        for r in &t.rows {
            let id = t.get(r, "school_id").display();
            if !school_type.contains_key(&id) {
                out.push(err(t, r, "school_id", "学校标识码不在学校表中".into(), "school_id is not in the schools sheet".into()));
            }
        }
    }
    for s in [SheetKind::Population, SheetKind::Attainment, SheetKind::DisabledChildren] {
        let t = y.table(s);
        for r in &t.rows {
            if !region_codes.contains(&t.get(r, "region").display()) {
                out.push(err(t, r, "region", "区划代码不在区划表中".into(), "region code is not in the regions sheet".into()));
            }
        }
    }

    // 学生: parts may not exceed the whole; by-age counts sum to it.
    let students = y.table(SheetKind::Students);
    let mut enrolled: HashMap<(String, String), (i64, Option<u32>)> = HashMap::new();
    for r in &students.rows {
        let e = students.get(r, "enrolled").as_i64().unwrap_or(0);
        let id = students.get(r, "school_id").display();
        let grade = students.get(r, "grade").display();
        for part in ["female", "migrant", "left_behind", "disabled", "repeaters"] {
            if let Some(p) = students.get(r, part).as_i64() {
                if p > e {
                    out.push(err(students, r, part, format!("不能大于在校生 {e}"), format!("cannot exceed enrolled ({e})")));
                }
            }
        }
        if let Some(s) = students.get(r, "by_age").as_str() {
            let sum: i64 = crate::cell::parse_age_counts(s).unwrap_or_default().iter().map(|(_, c)| c).sum();
            if sum != e {
                out.push(err(students, r, "by_age", format!("分年龄合计 {sum} 不等于在校生 {e}"), format!("ages sum to {sum}, enrolled is {e}")));
            }
        }
        if let Some(ty) = school_type.get(&id) {
            if !type_grades(ty).contains(&grade.as_str()) {
                out.push(warn(students, r, "grade", format!("{ty}通常不设{grade}"), format!("a {ty} does not usually teach {grade}")));
            }
        }
        enrolled.insert((id, grade), (e, r.source));
    }

    // 班级: Σ 人数 per school and grade equals 在校生 (when the year has class data at all).
    let classes = y.table(SheetKind::Classes);
    if !classes.rows.is_empty() {
        let mut sums: HashMap<(String, String), (i64, Option<u32>)> = HashMap::new();
        for r in &classes.rows {
            let size = classes.get(r, "size").as_i64().unwrap_or(0);
            if size > 100 {
                out.push(warn(classes, r, "size", format!("班额 {size} 人，异常偏大"), format!("a class of {size} is unusually large")));
            }
            let k = (classes.get(r, "school_id").display(), classes.get(r, "grade").display());
            let e = sums.entry(k).or_insert((0, r.source));
            e.0 += size;
        }
        let with_classes: HashSet<&String> = sums.keys().map(|(s, _)| s).collect();
        for ((id, grade), (sum, row)) in &sums {
            let e = enrolled.get(&(id.clone(), grade.clone())).map(|x| x.0).unwrap_or(0);
            if *sum != e {
                out.push(Issue::error(
                    SheetKind::Classes.zh(),
                    *row,
                    "人数",
                    &sum.to_string(),
                    format!("学校 {id} {grade} 各班人数合计 {sum}，与学生表在校生 {e} 不符"),
                    format!("school {id} {grade}: class sizes sum to {sum} but students sheet says {e} enrolled"),
                ));
            }
        }
        for ((id, grade), (e, row)) in &enrolled {
            if *e > 0 && with_classes.contains(id) && !sums.contains_key(&(id.clone(), grade.clone())) {
                out.push(Issue::error(
                    SheetKind::Students.zh(),
                    *row,
                    "在校生",
                    &e.to_string(),
                    format!("学校 {id} {grade} 在校生 {e}，但班级表中该年级没有班级"),
                    format!("school {id} {grade}: {e} enrolled but no classes of that grade"),
                ));
            }
        }
    }

    let staff = y.table(SheetKind::Staff);
    for r in &staff.rows {
        if let Some(b) = staff.get(r, "birth_year").as_i64() {
            let age = y.year as i64 - b;
            if !(18..=75).contains(&age) {
                out.push(warn(staff, r, "birth_year", format!("年龄 {age} 岁，请核实"), format!("age {age}; please check")));
            }
        }
    }

    // Year over year: a school's enrolment falling by more than 60%.
    if let Some(p) = prev_year {
        let totals = |yd: &YearData| {
            let t = yd.table(SheetKind::Students);
            let mut m: HashMap<String, i64> = HashMap::new();
            for r in &t.rows {
                *m.entry(t.get(r, "school_id").display()).or_default() += t.get(r, "enrolled").as_i64().unwrap_or(0);
            }
            m
        };
        let before = totals(p);
        let now = totals(y);
        let mut ids: Vec<_> = now.keys().collect();
        ids.sort();
        for id in ids {
            let n = now[id];
            if let Some(&b) = before.get(id) {
                if b >= 20 && (n as f64) < 0.4 * b as f64 {
                    out.push(Issue::warning(
                        SheetKind::Students.zh(),
                        None,
                        "在校生",
                        &n.to_string(),
                        format!("学校 {id} 在校生由上一学年 {b} 降至 {n}，降幅超过60%"),
                        format!("school {id}: enrolment fell from {b} to {n}, more than 60%"),
                    ));
                }
            }
        }
    }
    out
}
