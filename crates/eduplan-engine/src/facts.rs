//! The fact tables the catalogue's SQL runs over, built from stored school years. Here, and only
//! here, the interchange sheets become analysis rows: each row knows its year, school, township,
//! county and 学段; mixed-level schools' shared resources are split between their stages.

use std::collections::HashMap;
use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, BooleanArray, Float64Array, Int64Array, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use eduplan_core::cell::parse_age_counts;
use eduplan_core::data::YearData;
use eduplan_core::schema::{grade_stage, SheetKind};

use crate::ALL_STAGES;

/// Weights of students when a mixed-level school's shared resources are split between stages
/// (standards.md §1.1: 小学 : 初中 : 高中 = 1 : 1.1 : 1.32; configurable later).
pub fn stage_weight(stage: &str) -> f64 {
    match stage {
        "初中" => 1.1,
        "高中" => 1.32,
        _ => 1.0,
    }
}

/// Official age band of a stage (适龄): 学前 3–5, 小学 6–11, 初中 12–14, 高中/中职 15–17.
pub fn official_ages(stage: &str) -> Option<(u32, u32)> {
    match stage {
        "学前" => Some((3, 5)),
        "小学" => Some((6, 11)),
        "初中" => Some((12, 14)),
        "高中" | "中职" => Some((15, 17)),
        _ => None,
    }
}

/// Standard class size by stage and grade (standards.md §4); 教学点 30; special schools 12.
fn std_class_size(school_type: &str, grade: &str, stage: &str) -> i64 {
    match (school_type, grade, stage) {
        ("教学点", _, _) => 30,
        ("特殊教育学校", _, _) => 12,
        (_, "小班", _) => 25,
        (_, "中班", _) => 30,
        (_, "大班", _) | (_, "学前班", _) => 35,
        (_, _, "小学") => 45,
        _ => 50,
    }
}

/// The 学段 of a student row: the grade's stage, or 特教 in a special school.
fn student_stage(school_type: &str, grade: &str) -> String {
    if school_type == "特殊教育学校" {
        "特教".to_string()
    } else {
        grade_stage(grade).unwrap_or("其他").to_string()
    }
}

#[derive(Default)]
struct Cols {
    names: Vec<&'static str>,
    arrays: Vec<ArrayRef>,
    fields: Vec<Field>,
}

impl Cols {
    fn text(&mut self, name: &'static str, v: Vec<Option<String>>) {
        self.fields.push(Field::new(name, DataType::Utf8, true));
        self.arrays.push(Arc::new(StringArray::from(v)));
        self.names.push(name);
    }
    fn int(&mut self, name: &'static str, v: Vec<Option<i64>>) {
        self.fields.push(Field::new(name, DataType::Int64, true));
        self.arrays.push(Arc::new(Int64Array::from(v)));
        self.names.push(name);
    }
    fn num(&mut self, name: &'static str, v: Vec<Option<f64>>) {
        self.fields.push(Field::new(name, DataType::Float64, true));
        self.arrays.push(Arc::new(Float64Array::from(v)));
        self.names.push(name);
    }
    fn boolean(&mut self, name: &'static str, v: Vec<Option<bool>>) {
        self.fields.push(Field::new(name, DataType::Boolean, true));
        self.arrays.push(Arc::new(BooleanArray::from(v)));
        self.names.push(name);
    }
    fn batch(self) -> RecordBatch {
        RecordBatch::try_new(Arc::new(Schema::new(self.fields)), self.arrays).expect("columns of equal length")
    }
}

struct SchoolInfo {
    ty: String,
    township: String,
    public: bool,
    puhui: bool,
    urban_rural: Option<String>,
    open: bool,
    design: Option<i64>,
}

fn county_of(township: &str) -> String {
    township.chars().take(6).collect()
}

/// The fact table a measure's `source` names (unknown sources count as the school table).
pub fn table_of(source: &str) -> &'static str {
    match source {
        "enrol" => "enrol",
        "class" => "class",
        "staff" => "staff",
        "cond" => "cond",
        "pop" => "pop",
        "place" => "place",
        "disab" => "disab",
        "attain" => "attain",
        _ => "school",
    }
}

/// Chinese name of the sheet behind a fact table, for "no data" reasons.
pub fn sheet_of(table: &str) -> &'static str {
    match table_of(table) {
        "enrol" => "学生",
        "class" | "place" => "班级",
        "staff" => "教职工",
        "cond" => "办学条件",
        "pop" => "人口",
        "disab" => "残疾儿童",
        "attain" => "受教育程度",
        _ => "学校",
    }
}

/// English name of the sheet behind a fact table.
pub fn sheet_en(table: &str) -> &'static str {
    match table_of(table) {
        "enrol" => "students",
        "class" | "place" => "classes",
        "staff" => "staff",
        "cond" => "conditions",
        "pop" => "population",
        "disab" => "disabled_children",
        "attain" => "attainment",
        _ => "schools",
    }
}

/// Rows per (fact table, year): which data a year has at all.
pub fn row_counts(years: &[YearData]) -> HashMap<(&'static str, i32), usize> {
    let mut m = HashMap::new();
    for y in years {
        m.insert(("school", y.year), y.table(SheetKind::Schools).rows.len());
        m.insert(("enrol", y.year), y.table(SheetKind::Students).rows.len());
        m.insert(("class", y.year), y.table(SheetKind::Classes).rows.len());
        m.insert(("staff", y.year), y.table(SheetKind::Staff).rows.len());
        m.insert(("cond", y.year), y.table(SheetKind::Conditions).rows.len());
        m.insert(("pop", y.year), y.table(SheetKind::Population).rows.len());
        m.insert(("place", y.year), y.table(SheetKind::Classes).rows.len() + y.table(SheetKind::Schools).rows.len());
        m.insert(("disab", y.year), y.table(SheetKind::DisabledChildren).rows.len());
        m.insert(("attain", y.year), y.table(SheetKind::Attainment).rows.len());
    }
    m
}

/// Picks the age bands that together cover `from..=to` (`to` = `None`: open-ended) exactly:
/// the band itself when reported, else a chain of adjacent bands (15–19, 20–24, …, 65+).
/// Overlapping bands (a 15+ total next to 16–59) are therefore never added twice.
fn band_chain(bands: &std::collections::BTreeSet<(i64, Option<i64>)>, from: i64, to: Option<i64>) -> Vec<(i64, Option<i64>)> {
    if bands.contains(&(from, to)) {
        return vec![(from, to)];
    }
    let fits = |b: &(i64, Option<i64>)| match (b.1, to) {
        (_, None) => true,
        (Some(e), Some(t)) => e <= t,
        (None, Some(_)) => false,
    };
    let mut out = Vec::new();
    let mut cur = from;
    loop {
        // the widest band starting here that stays inside the range
        let Some(b) = bands.iter().filter(|b| b.0 == cur && fits(b)).max_by_key(|b| b.1.unwrap_or(i64::MAX)) else {
            return Vec::new();
        };
        out.push(*b);
        match (b.1, to) {
            (None, None) => return out,
            (Some(e), Some(t)) if e == t => return out,
            (Some(e), _) => cur = e + 1,
            (None, Some(_)) => return Vec::new(),
        }
    }
}

/// Columns every per-school fact row carries.
#[derive(Default)]
struct Base {
    year: Vec<Option<i64>>,
    school_id: Vec<Option<String>>,
    township: Vec<Option<String>>,
    county: Vec<Option<String>>,
    stage: Vec<Option<String>>,
    ty: Vec<Option<String>>,
    urban_rural: Vec<Option<String>>,
    public: Vec<Option<bool>>,
}

impl Base {
    fn push(&mut self, year: i64, id: &str, si: &SchoolInfo, stage: &str) {
        self.year.push(Some(year));
        self.school_id.push(Some(id.to_string()));
        self.township.push(Some(si.township.clone()));
        self.county.push(Some(county_of(&si.township)));
        self.stage.push(Some(stage.to_string()));
        self.ty.push(Some(si.ty.clone()));
        self.urban_rural.push(si.urban_rural.clone());
        self.public.push(Some(si.public));
    }
    fn into_cols(self) -> Cols {
        let mut c = Cols::default();
        c.int("year", self.year);
        c.text("school_id", self.school_id);
        c.text("township", self.township);
        c.text("county", self.county);
        c.text("stage", self.stage);
        c.text("type", self.ty);
        c.text("urban_rural", self.urban_rural);
        c.boolean("public", self.public);
        c
    }
}

fn text(v: &eduplan_core::data::Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// The fact tables of several years, by table name.
pub fn build(years: &[YearData]) -> Vec<(&'static str, RecordBatch)> {
    // school
    let mut sb = Base::default();
    let (mut s_puhui, mut s_open, mut s_students, mut s_comp, mut s_design, mut s_smart, mut s_cond) = (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    // enrol
    let mut eb = Base::default();
    let mut e_grade = vec![];
    let mut e_puhui = vec![];
    const ENROL_INT: [&str; 10] = ["enrolled", "entrants", "graduates", "migrant", "left_behind", "disabled", "female", "dropouts", "repeaters", "enrolled_official_age"];
    let mut e_ints: [Vec<Option<i64>>; 10] = Default::default();
    // class
    let mut cb = Base::default();
    let (mut c_grade, mut c_size, mut c_std) = (vec![], vec![], vec![]);
    // staff
    let mut fb = Base::default();
    const STAFF_TEXT: [&str; 6] = ["role", "degree", "title", "backbone", "subject", "sex"];
    const STAFF_INT: [&str; 3] = ["birth_year", "training_hours", "since"];
    const STAFF_BOOL: [&str; 5] = ["certified", "rotated", "established", "dual", "specialty"];
    let mut f_text: [Vec<Option<String>>; 6] = Default::default();
    let mut f_int: [Vec<Option<i64>>; 3] = Default::default();
    let mut f_bool: [Vec<Option<bool>>; 5] = Default::default();
    // cond
    let mut db = Base::default();
    const COND: [&str; 8] = ["area_teaching", "area_sport", "area_buildings", "equipment_value", "mm_rooms", "books", "computers", "public_funds"];
    let mut d_vals: [Vec<Option<f64>>; 8] = Default::default();
    let (mut d_students, mut d_smart) = (vec![], vec![]);
    // place
    let mut pb = Base::default();
    let mut p_places = vec![];
    // pop
    let (mut p_year, mut p_tw, mut p_co, mut p_ur, mut p_age, mut p_count, mut p_births) = (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    // disab
    let (mut x_year, mut x_tw, mut x_co, mut x_cat, mut x_elig, mut x_in, mut x_home) = (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    // attain
    let (mut a_year, mut a_tw, mut a_co, mut a_level, mut a_count, mut a_from, mut a_to, mut a_15, mut a_1659) = (vec![], vec![], vec![], vec![], vec![], vec![], vec![], vec![], vec![]);

    for y in years {
        let year = y.year as i64;
        let rt = y.table(SheetKind::Regions);
        let region_ur: HashMap<String, String> = rt.rows.iter().filter_map(|r| Some((rt.get(r, "code").display(), text(rt.get(r, "urban_rural"))?))).collect();
        let st = y.table(SheetKind::Schools);
        let mut info: HashMap<String, SchoolInfo> = HashMap::new();
        for r in &st.rows {
            let id = st.get(r, "school_id").display();
            let ty = st.get(r, "type").display();
            let tw = st.get(r, "region").display();
            let public = st.get(r, "ownership").as_str() == Some("公办");
            let puhui = ty == "幼儿园" && (public || st.get(r, "puhui").as_bool() == Some(true));
            let open = st.get(r, "opened").as_i64().is_none_or(|o| o <= year) && st.get(r, "closed").as_i64().is_none_or(|c| c > year);
            let urban_rural = text(st.get(r, "urban_rural"));
            info.insert(id.clone(), SchoolInfo { ty, township: tw, public, puhui, urban_rural, open, design: st.get(r, "design_places").as_i64() });
        }
        let unknown = SchoolInfo { ty: String::new(), township: String::new(), public: false, puhui: false, urban_rural: None, open: false, design: None };
        let mut stage_students: HashMap<String, Vec<(String, i64)>> = HashMap::new();
        let t = y.table(SheetKind::Students);
        for r in &t.rows {
            let id = t.get(r, "school_id").display();
            let si = info.get(&id).unwrap_or(&unknown);
            let grade = t.get(r, "grade").display();
            let stage = student_stage(&si.ty, &grade);
            let enrolled = t.get(r, "enrolled").as_i64();
            let official = match (t.get(r, "by_age").as_str(), official_ages(&stage)) {
                (Some(s), Some((lo, hi))) => parse_age_counts(s).map(|v| v.iter().filter(|(a, _)| (lo..=hi).contains(a)).map(|(_, n)| n).sum::<i64>()),
                _ => None,
            };
            let parts = stage_students.entry(id.clone()).or_default();
            match parts.iter_mut().find(|(s, _)| *s == stage) {
                Some(p) => p.1 += enrolled.unwrap_or(0),
                None => parts.push((stage.clone(), enrolled.unwrap_or(0))),
            }
            eb.push(year, &id, si, &stage);
            e_grade.push(Some(grade));
            e_puhui.push(Some(si.puhui));
            for (k, col) in ENROL_INT.iter().enumerate() {
                e_ints[k].push(if k == 9 { official } else { t.get(r, col).as_i64() });
            }
        }
        // classes, and each school's places by stage: Σ classes × standard size
        let mut std_places: HashMap<String, Vec<(String, i64)>> = HashMap::new();
        let t = y.table(SheetKind::Classes);
        for r in &t.rows {
            let id = t.get(r, "school_id").display();
            let si = info.get(&id).unwrap_or(&unknown);
            let grade = t.get(r, "grade").display();
            let stage = student_stage(&si.ty, &grade);
            let std = std_class_size(&si.ty, &grade, &stage);
            let sp = std_places.entry(id.clone()).or_default();
            match sp.iter_mut().find(|(s, _)| *s == stage) {
                Some(p) => p.1 += std,
                None => sp.push((stage.clone(), std)),
            }
            cb.push(year, &id, si, &stage);
            c_grade.push(Some(grade));
            c_std.push(Some(std));
            c_size.push(t.get(r, "size").as_i64());
        }
        let t = y.table(SheetKind::Staff);
        for r in &t.rows {
            let id = t.get(r, "school_id").display();
            let si = info.get(&id).unwrap_or(&unknown);
            // the level taught, or the school's highest stage
            let stage = t.get(r, "level").as_str().map(str::to_string).unwrap_or_else(|| {
                if si.ty == "特殊教育学校" {
                    return "特教".to_string();
                }
                let grades = eduplan_core::schema::type_grades(&si.ty);
                grades.iter().rev().find_map(|g| grade_stage(g)).unwrap_or("其他").to_string()
            });
            fb.push(year, &id, si, &stage);
            for (k, col) in STAFF_TEXT.iter().enumerate() {
                f_text[k].push(text(t.get(r, col)));
            }
            for (k, col) in STAFF_INT.iter().enumerate() {
                f_int[k].push(t.get(r, col).as_i64());
            }
            for (k, col) in STAFF_BOOL.iter().enumerate() {
                f_bool[k].push(t.get(r, col).as_bool());
            }
        }
        let t = y.table(SheetKind::Conditions);
        let mut smart: HashMap<String, Option<bool>> = HashMap::new();
        for r in &t.rows {
            let id = t.get(r, "school_id").display();
            let si = info.get(&id).unwrap_or(&unknown);
            let sm = t.get(r, "smart_campus").as_bool();
            smart.insert(id.clone(), sm);
            let mut parts: Vec<(String, i64)> = stage_students.get(&id).cloned().unwrap_or_default();
            parts.sort();
            let weighted: f64 = parts.iter().map(|(s, n)| *n as f64 * stage_weight(s)).sum();
            for (stage, n) in parts {
                let share = if weighted > 0.0 { n as f64 * stage_weight(&stage) / weighted } else { 0.0 };
                db.push(year, &id, si, &stage);
                for (k, col) in COND.iter().enumerate() {
                    d_vals[k].push(t.get(r, col).as_f64().map(|v| v * share));
                }
                d_students.push(Some(n as f64));
                d_smart.push(sm);
            }
        }
        for r in &st.rows {
            let id = st.get(r, "school_id").display();
            let si = &info[&id];
            let parts = stage_students.get(&id);
            let total: i64 = parts.map_or(0, |p| p.iter().map(|x| x.1).sum());
            let comp: i64 = parts.map_or(0, |p| p.iter().filter(|x| x.0 == "小学" || x.0 == "初中").map(|x| x.1).sum());
            sb.push(year, &id, si, ALL_STAGES);
            s_puhui.push(Some(si.puhui));
            s_open.push(Some(si.open));
            s_students.push(Some(total));
            s_comp.push(Some(comp));
            s_design.push(si.design);
            s_smart.push(smart.get(&id).copied().flatten());
            s_cond.push(Some(smart.contains_key(&id)));
            // places (学位) by stage: the design capacity where recorded, shared between stages
            // as their standard places are; otherwise classes × standard size
            let std = std_places.get(&id).cloned().unwrap_or_default();
            let std_total: i64 = std.iter().map(|x| x.1).sum();
            let rows: Vec<(String, f64)> = match si.design.filter(|d| *d > 0) {
                Some(d) if std_total > 0 => std.iter().map(|(s, p)| (s.clone(), d as f64 * *p as f64 / std_total as f64)).collect(),
                Some(d) => {
                    let top = eduplan_core::schema::type_grades(&si.ty).iter().rev().find_map(|g| grade_stage(g));
                    let stage = if si.ty == "特殊教育学校" { Some("特教") } else { top };
                    stage.map(|s| vec![(s.to_string(), d as f64)]).unwrap_or_default()
                }
                None => std.iter().map(|(s, p)| (s.clone(), *p as f64)).collect(),
            };
            for (stage, p) in rows {
                pb.push(year, &id, si, &stage);
                p_places.push(Some(p));
            }
        }
        let t = y.table(SheetKind::Population);
        for r in &t.rows {
            let tw = t.get(r, "region").display();
            p_year.push(Some(year));
            p_co.push(Some(county_of(&tw)));
            p_ur.push(region_ur.get(&tw).cloned());
            p_tw.push(Some(tw));
            p_age.push(t.get(r, "age").as_i64());
            p_count.push(t.get(r, "count").as_i64());
            p_births.push(t.get(r, "births").as_i64());
        }
        let t = y.table(SheetKind::DisabledChildren);
        for r in &t.rows {
            let tw = t.get(r, "region").display();
            x_year.push(Some(year));
            x_co.push(Some(county_of(&tw)));
            x_tw.push((tw.len() == 9).then_some(tw));
            x_cat.push(text(t.get(r, "category")));
            x_elig.push(t.get(r, "eligible").as_i64());
            x_in.push(t.get(r, "in_school").as_i64());
            x_home.push(t.get(r, "home_taught").as_i64());
        }
        let t = y.table(SheetKind::Attainment);
        let mut bands: HashMap<String, std::collections::BTreeSet<(i64, Option<i64>)>> = HashMap::new();
        for r in &t.rows {
            if let Some(from) = t.get(r, "age_from").as_i64() {
                bands.entry(t.get(r, "region").display()).or_default().insert((from, t.get(r, "age_to").as_i64()));
            }
        }
        let chains: HashMap<&String, (Vec<(i64, Option<i64>)>, Vec<(i64, Option<i64>)>)> = bands.iter().map(|(k, b)| (k, (band_chain(b, 15, None), band_chain(b, 16, Some(59))))).collect();
        for r in &t.rows {
            let region = t.get(r, "region").display();
            let band = (t.get(r, "age_from").as_i64().unwrap_or(-1), t.get(r, "age_to").as_i64());
            let (c15, c1659) = chains.get(&region).cloned().unwrap_or_default();
            a_year.push(Some(year));
            a_co.push(Some(county_of(&region)));
            a_tw.push((region.len() == 9).then_some(region));
            a_level.push(text(t.get(r, "level")));
            a_count.push(t.get(r, "count").as_i64());
            a_from.push(Some(band.0));
            a_to.push(band.1);
            a_15.push(Some(c15.contains(&band)));
            a_1659.push(Some(c1659.contains(&band)));
        }
    }
    let mut school = sb.into_cols();
    school.boolean("puhui", s_puhui);
    school.boolean("open", s_open);
    school.int("students", s_students);
    school.int("students_compulsory", s_comp);
    school.int("design_places", s_design);
    school.boolean("smart_campus", s_smart);
    school.boolean("has_conditions", s_cond);

    let mut enrol = eb.into_cols();
    enrol.text("grade", e_grade);
    enrol.boolean("puhui", e_puhui);
    for (k, v) in e_ints.into_iter().enumerate() {
        enrol.int(ENROL_INT[k], v);
    }

    let mut class = cb.into_cols();
    class.text("grade", c_grade);
    class.int("size", c_size);
    class.int("std_size", c_std);

    let mut staff = fb.into_cols();
    for (k, v) in f_text.into_iter().enumerate() {
        staff.text(STAFF_TEXT[k], v);
    }
    for (k, v) in f_int.into_iter().enumerate() {
        staff.int(STAFF_INT[k], v);
    }
    for (k, v) in f_bool.into_iter().enumerate() {
        staff.boolean(STAFF_BOOL[k], v);
    }

    let mut cond = db.into_cols();
    for (k, v) in d_vals.into_iter().enumerate() {
        cond.num(COND[k], v);
    }
    cond.num("students", d_students);
    cond.boolean("smart_campus", d_smart);

    let mut place = pb.into_cols();
    place.num("places", p_places);

    let mut pop = Cols::default();
    pop.int("year", p_year);
    pop.text("township", p_tw);
    pop.text("county", p_co);
    pop.text("urban_rural", p_ur);
    pop.int("age", p_age);
    pop.int("count", p_count);
    pop.int("births", p_births);

    let mut disab = Cols::default();
    disab.int("year", x_year);
    disab.text("township", x_tw);
    disab.text("county", x_co);
    disab.text("category", x_cat);
    disab.int("eligible", x_elig);
    disab.int("in_school", x_in);
    disab.int("home_taught", x_home);

    let mut attain = Cols::default();
    attain.int("year", a_year);
    attain.text("township", a_tw);
    attain.text("county", a_co);
    attain.text("level", a_level);
    attain.int("count", a_count);
    attain.int("age_from", a_from);
    attain.int("age_to", a_to);
    attain.boolean("in_15plus", a_15);
    attain.boolean("in_16_59", a_1659);

    vec![
        ("school", school.batch()),
        ("enrol", enrol.batch()),
        ("class", class.batch()),
        ("staff", staff.batch()),
        ("cond", cond.batch()),
        ("place", place.batch()),
        ("pop", pop.batch()),
        ("disab", disab.batch()),
        ("attain", attain.batch()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_bands_are_chained_without_overlap() {
        let b: std::collections::BTreeSet<(i64, Option<i64>)> = [(15, None), (16, Some(59)), (6, None)].into_iter().collect();
        assert_eq!(band_chain(&b, 15, None), vec![(15, None)]);
        assert_eq!(band_chain(&b, 16, Some(59)), vec![(16, Some(59))]);
        let b: std::collections::BTreeSet<(i64, Option<i64>)> = [(15, Some(19)), (20, Some(59)), (60, None), (16, Some(19))].into_iter().collect();
        assert_eq!(band_chain(&b, 15, None), vec![(15, Some(19)), (20, Some(59)), (60, None)]);
        assert_eq!(band_chain(&b, 16, Some(59)), vec![(16, Some(19)), (20, Some(59))]);
        let b: std::collections::BTreeSet<(i64, Option<i64>)> = [(15, Some(19)), (25, None)].into_iter().collect();
        assert!(band_chain(&b, 15, None).is_empty(), "a hole in the bands is no chain");
    }
}
