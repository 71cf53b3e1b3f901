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
}

fn county_of(township: &str) -> String {
    township.chars().take(6).collect()
}

/// Chinese name of the sheet behind a fact table, for "no data" reasons.
pub fn sheet_of(table: &str) -> &'static str {
    match table {
        "enrol" => "学生",
        "class" => "班级",
        "staff" => "教职工",
        "cond" => "办学条件",
        "pop" => "人口",
        _ => "学校",
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
    }
    m
}

/// The fact tables of several years, by table name.
pub fn build(years: &[YearData]) -> Vec<(&'static str, RecordBatch)> {
    let mut school = Cols::default();
    let (mut s_year, mut s_id, mut s_ty, mut s_tw, mut s_co, mut s_pub, mut s_ph) = (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    // enrol
    let mut e: (Vec<Option<i64>>, Vec<Option<String>>, Vec<Option<String>>, Vec<Option<String>>, Vec<Option<String>>, Vec<Option<String>>) = Default::default();
    let (mut e_enr, mut e_off, mut e_drop, mut e_pub, mut e_ph) = (vec![], vec![], vec![], vec![], vec![]);
    // class
    let mut c: (Vec<Option<i64>>, Vec<Option<String>>, Vec<Option<String>>, Vec<Option<String>>, Vec<Option<String>>) = Default::default();
    let (mut c_size, mut c_std) = (vec![], vec![]);
    // staff
    let mut f: (Vec<Option<i64>>, Vec<Option<String>>, Vec<Option<String>>, Vec<Option<String>>, Vec<Option<String>>) = Default::default();
    let (mut f_role, mut f_deg, mut f_back, mut f_subj, mut f_cert, mut f_train, mut f_dual, mut f_spec) = (vec![], vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    // cond
    let mut d: (Vec<Option<i64>>, Vec<Option<String>>, Vec<Option<String>>, Vec<Option<String>>, Vec<Option<String>>) = Default::default();
    let mut d_vals: [Vec<Option<f64>>; 7] = Default::default();
    let mut d_students: Vec<Option<f64>> = vec![];
    // pop
    let (mut p_year, mut p_tw, mut p_co, mut p_age, mut p_count) = (vec![], vec![], vec![], vec![], vec![]);

    for y in years {
        let year = y.year as i64;
        let st = y.table(SheetKind::Schools);
        let mut info: HashMap<String, SchoolInfo> = HashMap::new();
        for r in &st.rows {
            let id = st.get(r, "school_id").display();
            let ty = st.get(r, "type").display();
            let tw = st.get(r, "region").display();
            let public = st.get(r, "ownership").as_str() == Some("公办");
            let puhui = ty == "幼儿园" && (public || st.get(r, "puhui").as_bool() == Some(true));
            s_year.push(Some(year));
            s_id.push(Some(id.clone()));
            s_ty.push(Some(ty.clone()));
            s_co.push(Some(county_of(&tw)));
            s_tw.push(Some(tw.clone()));
            s_pub.push(Some(public));
            s_ph.push(Some(puhui));
            info.insert(id, SchoolInfo { ty, township: tw, public, puhui });
        }
        let unknown = SchoolInfo { ty: String::new(), township: String::new(), public: false, puhui: false };
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
            e.0.push(Some(year));
            e.1.push(Some(id));
            e.2.push(Some(si.township.clone()));
            e.3.push(Some(county_of(&si.township)));
            e.4.push(Some(stage));
            e.5.push(Some(grade));
            e_enr.push(enrolled);
            e_off.push(official);
            e_drop.push(t.get(r, "dropouts").as_i64());
            e_pub.push(Some(si.public));
            e_ph.push(Some(si.puhui));
        }
        let t = y.table(SheetKind::Classes);
        for r in &t.rows {
            let id = t.get(r, "school_id").display();
            let si = info.get(&id).unwrap_or(&unknown);
            let grade = t.get(r, "grade").display();
            let stage = student_stage(&si.ty, &grade);
            c.0.push(Some(year));
            c.1.push(Some(id));
            c.2.push(Some(si.township.clone()));
            c.3.push(Some(county_of(&si.township)));
            c_std.push(Some(std_class_size(&si.ty, &grade, &stage)));
            c.4.push(Some(stage));
            c_size.push(t.get(r, "size").as_i64());
        }
        let t = y.table(SheetKind::Staff);
        for r in &t.rows {
            let id = t.get(r, "school_id").display();
            let si = info.get(&id).unwrap_or(&unknown);
            // the level taught, or the school's only stage
            let stage = t.get(r, "level").as_str().map(str::to_string).unwrap_or_else(|| {
                if si.ty == "特殊教育学校" {
                    return "特教".to_string();
                }
                let grades = eduplan_core::schema::type_grades(&si.ty);
                grades.iter().rev().find_map(|g| grade_stage(g)).unwrap_or("其他").to_string()
            });
            f.0.push(Some(year));
            f.1.push(Some(id));
            f.2.push(Some(si.township.clone()));
            f.3.push(Some(county_of(&si.township)));
            f.4.push(Some(stage));
            f_role.push(t.get(r, "role").as_str().map(str::to_string));
            f_deg.push(t.get(r, "degree").as_str().map(str::to_string));
            f_back.push(t.get(r, "backbone").as_str().map(str::to_string));
            f_subj.push(t.get(r, "subject").as_str().map(str::to_string));
            f_cert.push(t.get(r, "certified").as_bool());
            f_train.push(t.get(r, "training_hours").as_i64());
            f_dual.push(t.get(r, "dual").as_bool());
            f_spec.push(t.get(r, "specialty").as_bool());
        }
        let t = y.table(SheetKind::Conditions);
        const COND: [&str; 7] = ["area_teaching", "area_sport", "equipment_value", "mm_rooms", "books", "computers", "public_funds"];
        for r in &t.rows {
            let id = t.get(r, "school_id").display();
            let si = info.get(&id).unwrap_or(&unknown);
            let mut parts: Vec<(String, i64)> = stage_students.get(&id).cloned().unwrap_or_default();
            parts.sort();
            let weighted: f64 = parts.iter().map(|(s, n)| *n as f64 * stage_weight(s)).sum();
            for (stage, n) in parts {
                let share = if weighted > 0.0 { n as f64 * stage_weight(&stage) / weighted } else { 0.0 };
                d.0.push(Some(year));
                d.1.push(Some(id.clone()));
                d.2.push(Some(si.township.clone()));
                d.3.push(Some(county_of(&si.township)));
                d.4.push(Some(stage));
                for (k, col) in COND.iter().enumerate() {
                    d_vals[k].push(t.get(r, col).as_f64().map(|v| v * share));
                }
                d_students.push(Some(n as f64));
            }
        }
        let t = y.table(SheetKind::Population);
        for r in &t.rows {
            let tw = t.get(r, "region").display();
            p_year.push(Some(year));
            p_co.push(Some(county_of(&tw)));
            p_tw.push(Some(tw));
            p_age.push(t.get(r, "age").as_i64());
            p_count.push(t.get(r, "count").as_i64());
        }
    }
    school.int("year", s_year);
    school.text("school_id", s_id);
    school.text("type", s_ty);
    school.text("township", s_tw);
    school.text("county", s_co);
    school.boolean("public", s_pub);
    school.boolean("puhui", s_ph);

    let mut enrol = Cols::default();
    enrol.int("year", e.0);
    enrol.text("school_id", e.1);
    enrol.text("township", e.2);
    enrol.text("county", e.3);
    enrol.text("stage", e.4);
    enrol.text("grade", e.5);
    enrol.int("enrolled", e_enr);
    enrol.int("enrolled_official_age", e_off);
    enrol.int("dropouts", e_drop);
    enrol.boolean("public", e_pub);
    enrol.boolean("puhui", e_ph);

    let mut class = Cols::default();
    class.int("year", c.0);
    class.text("school_id", c.1);
    class.text("township", c.2);
    class.text("county", c.3);
    class.text("stage", c.4);
    class.int("size", c_size);
    class.int("std_size", c_std);

    let mut staff = Cols::default();
    staff.int("year", f.0);
    staff.text("school_id", f.1);
    staff.text("township", f.2);
    staff.text("county", f.3);
    staff.text("stage", f.4);
    staff.text("role", f_role);
    staff.text("degree", f_deg);
    staff.text("backbone", f_back);
    staff.text("subject", f_subj);
    staff.boolean("certified", f_cert);
    staff.int("training_hours", f_train);
    staff.boolean("dual", f_dual);
    staff.boolean("specialty", f_spec);

    let mut cond = Cols::default();
    cond.int("year", d.0);
    cond.text("school_id", d.1);
    cond.text("township", d.2);
    cond.text("county", d.3);
    cond.text("stage", d.4);
    let [a, b, cc, dd, ee, ff, gg] = d_vals;
    cond.num("area_teaching", a);
    cond.num("area_sport", b);
    cond.num("equipment_value", cc);
    cond.num("mm_rooms", dd);
    cond.num("books", ee);
    cond.num("computers", ff);
    cond.num("public_funds", gg);
    cond.num("students", d_students);

    let mut pop = Cols::default();
    pop.int("year", p_year);
    pop.text("township", p_tw);
    pop.text("county", p_co);
    pop.int("age", p_age);
    pop.int("count", p_count);

    vec![
        ("school", school.batch()),
        ("enrol", enrol.batch()),
        ("class", class.batch()),
        ("staff", staff.batch()),
        ("cond", cond.batch()),
        ("pop", pop.batch()),
    ]
}
