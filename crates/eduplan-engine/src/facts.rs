//! The fact tables the catalogue's SQL runs over, built from stored school years. Here, and only
//! here, the interchange sheets become analysis rows: each row knows its year, school, township,
//! county and 学段; mixed-level schools' shared resources are split between their stages.

use std::collections::HashMap;
use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, BooleanBuilder, Float64Builder, Int64Builder, StringBuilder};
use datafusion::arrow::datatypes::{Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use eduplan_core::cell::parse_age_counts;
use eduplan_core::data::{Table, Value, YearData};
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

/// The 学段 of a student or class row: the grade's stage, or 特教 in a special school.
pub fn student_stage(school_type: &str, grade: &str) -> String {
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
    fn arr(&mut self, name: &'static str, a: ArrayRef) {
        self.fields.push(Field::new(name, a.data_type().clone(), true));
        self.arrays.push(a);
        self.names.push(name);
    }
    fn batch(self) -> RecordBatch {
        RecordBatch::try_new(Arc::new(Schema::new(self.fields)), self.arrays).expect("columns of equal length")
    }
}

struct SchoolInfo {
    ty: String,
    township: String,
    county: String,
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
        "fund" => "fund",
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
        "fund" => "资金",
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
        "fund" => "funds",
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

/// Columns every per-school fact row carries, appended without allocating per row.
struct Base {
    year: Int64Builder,
    school_id: StringBuilder,
    township: StringBuilder,
    county: StringBuilder,
    stage: StringBuilder,
    ty: StringBuilder,
    urban_rural: StringBuilder,
    public: BooleanBuilder,
}

impl Base {
    fn new() -> Base {
        Base {
            year: Int64Builder::new(),
            school_id: StringBuilder::new(),
            township: StringBuilder::new(),
            county: StringBuilder::new(),
            stage: StringBuilder::new(),
            ty: StringBuilder::new(),
            urban_rural: StringBuilder::new(),
            public: BooleanBuilder::new(),
        }
    }
    fn push(&mut self, year: i64, id: &str, si: &SchoolInfo, stage: &str) {
        self.year.append_value(year);
        self.school_id.append_value(id);
        self.township.append_value(&si.township);
        self.county.append_value(&si.county);
        self.stage.append_value(stage);
        self.ty.append_value(&si.ty);
        self.urban_rural.append_option(si.urban_rural.as_deref());
        self.public.append_value(si.public);
    }
    fn into_cols(mut self) -> Cols {
        let mut c = Cols::default();
        c.arr("year", Arc::new(self.year.finish()));
        c.arr("school_id", Arc::new(self.school_id.finish()));
        c.arr("township", Arc::new(self.township.finish()));
        c.arr("county", Arc::new(self.county.finish()));
        c.arr("stage", Arc::new(self.stage.finish()));
        c.arr("type", Arc::new(self.ty.finish()));
        c.arr("urban_rural", Arc::new(self.urban_rural.finish()));
        c.arr("public", Arc::new(self.public.finish()));
        c
    }
}

fn text(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// A sheet's rows with column positions looked up once (not per cell).
struct Sheet<'a> {
    t: &'a Table,
}

impl<'a> Sheet<'a> {
    fn col(&self, en: &str) -> usize {
        self.t.sheet.col_index(en).unwrap_or_else(|| panic!("no column {en}"))
    }
}

/// A cell as text without allocating when it is text (codes are stored as text).
fn cell_str(v: &Value) -> std::borrow::Cow<'_, str> {
    match v {
        Value::Text(s) => std::borrow::Cow::Borrowed(s.as_str()),
        other => std::borrow::Cow::Owned(other.display()),
    }
}

/// Per year: the schools, and each school's students by stage (for the conditions split and the
/// school table) and standard places by stage (from its classes).
struct YearSchools {
    info: HashMap<String, SchoolInfo>,
}

fn school_infos(y: &YearData) -> YearSchools {
    let year = y.year as i64;
    let st = y.table(SheetKind::Schools);
    let ss = Sheet { t: st };
    let (ci, ct, cr, co, cp, cu, cop, ccl, cd) =
        (ss.col("school_id"), ss.col("type"), ss.col("region"), ss.col("ownership"), ss.col("puhui"), ss.col("urban_rural"), ss.col("opened"), ss.col("closed"), ss.col("design_places"));
    let mut info = HashMap::with_capacity(st.rows.len());
    for r in &st.rows {
        let c = &r.cells;
        let ty = cell_str(&c[ct]).into_owned();
        let township = cell_str(&c[cr]).into_owned();
        let public = c[co].as_str() == Some("公办");
        let puhui = ty == "幼儿园" && (public || c[cp].as_bool() == Some(true));
        let open = c[cop].as_i64().is_none_or(|o| o <= year) && c[ccl].as_i64().is_none_or(|x| x > year);
        info.insert(
            cell_str(&c[ci]).into_owned(),
            SchoolInfo { county: county_of(&township), ty, township, public, puhui, urban_rural: text(&c[cu]), open, design: c[cd].as_i64() },
        );
    }
    YearSchools { info }
}

fn unknown_school() -> SchoolInfo {
    SchoolInfo { ty: String::new(), township: String::new(), county: String::new(), public: false, puhui: false, urban_rural: None, open: false, design: None }
}

type StageCounts = HashMap<(i32, String), Vec<(String, i64)>>;

fn add_part(parts: &mut Vec<(String, i64)>, stage: &str, n: i64) {
    match parts.iter_mut().find(|(s, _)| s == stage) {
        Some(p) => p.1 += n,
        None => parts.push((stage.to_string(), n)),
    }
}

/// enrol, and students by (year, school) and stage.
fn build_enrol(years: &[YearData], schools: &[YearSchools]) -> (Cols, StageCounts) {
    const INTS: [&str; 9] = ["enrolled", "entrants", "graduates", "migrant", "left_behind", "disabled", "female", "dropouts", "repeaters"];
    let mut b = Base::new();
    let (mut grade, mut puhui, mut official) = (StringBuilder::new(), BooleanBuilder::new(), Int64Builder::new());
    let mut ints: Vec<Int64Builder> = INTS.iter().map(|_| Int64Builder::new()).collect();
    let mut stages: StageCounts = HashMap::new();
    let unknown = unknown_school();
    for (y, ys) in years.iter().zip(schools) {
        let t = y.table(SheetKind::Students);
        let sh = Sheet { t };
        let (ci, cg, ca) = (sh.col("school_id"), sh.col("grade"), sh.col("by_age"));
        let cols: Vec<usize> = INTS.iter().map(|c| sh.col(c)).collect();
        for r in &t.rows {
            let c = &r.cells;
            let id = cell_str(&c[ci]);
            let si = ys.info.get(id.as_ref()).unwrap_or(&unknown);
            let g = cell_str(&c[cg]);
            let stage = student_stage(&si.ty, &g);
            let enrolled = c[cols[0]].as_i64();
            let off = match (c[ca].as_str(), official_ages(&stage)) {
                (Some(s), Some((lo, hi))) => parse_age_counts(s).map(|v| v.iter().filter(|(a, _)| (lo..=hi).contains(a)).map(|(_, n)| n).sum::<i64>()),
                _ => None,
            };
            add_part(stages.entry((y.year, id.to_string())).or_default(), &stage, enrolled.unwrap_or(0));
            b.push(y.year as i64, &id, si, &stage);
            grade.append_value(&g);
            puhui.append_value(si.puhui);
            official.append_option(off);
            for (k, col) in cols.iter().enumerate() {
                ints[k].append_option(c[*col].as_i64());
            }
        }
    }
    let mut e = b.into_cols();
    e.arr("grade", Arc::new(grade.finish()));
    e.arr("puhui", Arc::new(puhui.finish()));
    for (k, mut v) in ints.into_iter().enumerate() {
        e.arr(INTS[k], Arc::new(v.finish()));
    }
    e.arr("enrolled_official_age", Arc::new(official.finish()));
    (e, stages)
}

/// class, and standard places by (year, school) and stage.
fn build_class(years: &[YearData], schools: &[YearSchools]) -> (Cols, StageCounts) {
    let mut b = Base::new();
    let (mut grade, mut size, mut std) = (StringBuilder::new(), Int64Builder::new(), Int64Builder::new());
    let mut places: StageCounts = HashMap::new();
    let unknown = unknown_school();
    for (y, ys) in years.iter().zip(schools) {
        let t = y.table(SheetKind::Classes);
        let sh = Sheet { t };
        let (ci, cg, cs) = (sh.col("school_id"), sh.col("grade"), sh.col("size"));
        for r in &t.rows {
            let c = &r.cells;
            let id = cell_str(&c[ci]);
            let si = ys.info.get(id.as_ref()).unwrap_or(&unknown);
            let g = cell_str(&c[cg]);
            let stage = student_stage(&si.ty, &g);
            let sz = std_class_size(&si.ty, &g, &stage);
            add_part(places.entry((y.year, id.to_string())).or_default(), &stage, sz);
            b.push(y.year as i64, &id, si, &stage);
            grade.append_value(&g);
            std.append_value(sz);
            size.append_option(c[cs].as_i64());
        }
    }
    let mut k = b.into_cols();
    k.arr("grade", Arc::new(grade.finish()));
    k.arr("size", Arc::new(size.finish()));
    k.arr("std_size", Arc::new(std.finish()));
    (k, places)
}

fn build_staff(years: &[YearData], schools: &[YearSchools]) -> Cols {
    const TEXT: [&str; 6] = ["role", "degree", "title", "backbone", "subject", "sex"];
    const INT: [&str; 3] = ["birth_year", "training_hours", "since"];
    const BOOL: [&str; 5] = ["certified", "rotated", "established", "dual", "specialty"];
    let mut b = Base::new();
    let mut tx: Vec<StringBuilder> = TEXT.iter().map(|_| StringBuilder::new()).collect();
    let mut it: Vec<Int64Builder> = INT.iter().map(|_| Int64Builder::new()).collect();
    let mut bo: Vec<BooleanBuilder> = BOOL.iter().map(|_| BooleanBuilder::new()).collect();
    let unknown = unknown_school();
    for (y, ys) in years.iter().zip(schools) {
        let t = y.table(SheetKind::Staff);
        let sh = Sheet { t };
        let (ci, cl) = (sh.col("school_id"), sh.col("level"));
        let (ct, cn, cb): (Vec<usize>, Vec<usize>, Vec<usize>) = (TEXT.iter().map(|c| sh.col(c)).collect(), INT.iter().map(|c| sh.col(c)).collect(), BOOL.iter().map(|c| sh.col(c)).collect());
        for r in &t.rows {
            let c = &r.cells;
            let id = cell_str(&c[ci]);
            let si = ys.info.get(id.as_ref()).unwrap_or(&unknown);
            // the level taught, or the school's highest stage
            let stage: &str = match c[cl].as_str() {
                Some(l) => l,
                None if si.ty == "特殊教育学校" => "特教",
                None => eduplan_core::schema::type_grades(&si.ty).iter().rev().find_map(|g| grade_stage(g)).unwrap_or("其他"),
            };
            b.push(y.year as i64, &id, si, stage);
            for (k, col) in ct.iter().enumerate() {
                tx[k].append_option(c[*col].as_str());
            }
            for (k, col) in cn.iter().enumerate() {
                it[k].append_option(c[*col].as_i64());
            }
            for (k, col) in cb.iter().enumerate() {
                bo[k].append_option(c[*col].as_bool());
            }
        }
    }
    let mut f = b.into_cols();
    for (k, mut v) in tx.into_iter().enumerate() {
        f.arr(TEXT[k], Arc::new(v.finish()));
    }
    for (k, mut v) in it.into_iter().enumerate() {
        f.arr(INT[k], Arc::new(v.finish()));
    }
    for (k, mut v) in bo.into_iter().enumerate() {
        f.arr(BOOL[k], Arc::new(v.finish()));
    }
    f
}

/// pop, disab, attain: the regional tables.
fn build_regional(years: &[YearData]) -> (Cols, Cols, Cols) {
    let (mut p_year, mut p_tw, mut p_co, mut p_ur, mut p_age, mut p_count, mut p_births) =
        (Int64Builder::new(), StringBuilder::new(), StringBuilder::new(), StringBuilder::new(), Int64Builder::new(), Int64Builder::new(), Int64Builder::new());
    let (mut x_year, mut x_tw, mut x_co, mut x_cat, mut x_elig, mut x_in, mut x_home) =
        (Int64Builder::new(), StringBuilder::new(), StringBuilder::new(), StringBuilder::new(), Int64Builder::new(), Int64Builder::new(), Int64Builder::new());
    let (mut a_year, mut a_tw, mut a_co, mut a_level, mut a_count, mut a_from, mut a_to, mut a_15, mut a_1659) = (
        Int64Builder::new(),
        StringBuilder::new(),
        StringBuilder::new(),
        StringBuilder::new(),
        Int64Builder::new(),
        Int64Builder::new(),
        Int64Builder::new(),
        BooleanBuilder::new(),
        BooleanBuilder::new(),
    );
    for y in years {
        let year = y.year as i64;
        let rt = y.table(SheetKind::Regions);
        let region_ur: HashMap<String, String> = rt.rows.iter().filter_map(|r| Some((rt.get(r, "code").display(), text(rt.get(r, "urban_rural"))?))).collect();
        let t = y.table(SheetKind::Population);
        let sh = Sheet { t };
        let (cr, ca, cc, cb) = (sh.col("region"), sh.col("age"), sh.col("count"), sh.col("births"));
        for r in &t.rows {
            let c = &r.cells;
            let tw = cell_str(&c[cr]);
            p_year.append_value(year);
            p_co.append_value(county_of(&tw));
            p_ur.append_option(region_ur.get(tw.as_ref()));
            p_tw.append_value(&tw);
            p_age.append_option(c[ca].as_i64());
            p_count.append_option(c[cc].as_i64());
            p_births.append_option(c[cb].as_i64());
        }
        let t = y.table(SheetKind::DisabledChildren);
        for r in &t.rows {
            let tw = t.get(r, "region").display();
            x_year.append_value(year);
            x_co.append_value(county_of(&tw));
            x_tw.append_option((tw.len() == 9).then_some(tw.as_str()));
            x_cat.append_option(t.get(r, "category").as_str());
            x_elig.append_option(t.get(r, "eligible").as_i64());
            x_in.append_option(t.get(r, "in_school").as_i64());
            x_home.append_option(t.get(r, "home_taught").as_i64());
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
            a_year.append_value(year);
            a_co.append_value(county_of(&region));
            a_tw.append_option((region.len() == 9).then_some(region.as_str()));
            a_level.append_option(t.get(r, "level").as_str());
            a_count.append_option(t.get(r, "count").as_i64());
            a_from.append_value(band.0);
            a_to.append_option(band.1);
            a_15.append_value(c15.contains(&band));
            a_1659.append_value(c1659.contains(&band));
        }
    }
    let mut pop = Cols::default();
    pop.arr("year", Arc::new(p_year.finish()));
    pop.arr("township", Arc::new(p_tw.finish()));
    pop.arr("county", Arc::new(p_co.finish()));
    pop.arr("urban_rural", Arc::new(p_ur.finish()));
    pop.arr("age", Arc::new(p_age.finish()));
    pop.arr("count", Arc::new(p_count.finish()));
    pop.arr("births", Arc::new(p_births.finish()));
    let mut disab = Cols::default();
    disab.arr("year", Arc::new(x_year.finish()));
    disab.arr("township", Arc::new(x_tw.finish()));
    disab.arr("county", Arc::new(x_co.finish()));
    disab.arr("category", Arc::new(x_cat.finish()));
    disab.arr("eligible", Arc::new(x_elig.finish()));
    disab.arr("in_school", Arc::new(x_in.finish()));
    disab.arr("home_taught", Arc::new(x_home.finish()));
    let mut attain = Cols::default();
    attain.arr("year", Arc::new(a_year.finish()));
    attain.arr("township", Arc::new(a_tw.finish()));
    attain.arr("county", Arc::new(a_co.finish()));
    attain.arr("level", Arc::new(a_level.finish()));
    attain.arr("count", Arc::new(a_count.finish()));
    attain.arr("age_from", Arc::new(a_from.finish()));
    attain.arr("age_to", Arc::new(a_to.finish()));
    attain.arr("in_15plus", Arc::new(a_15.finish()));
    attain.arr("in_16_59", Arc::new(a_1659.finish()));
    (pop, disab, attain)
}

/// cond, school and place: what depends on students and classes by stage.
fn build_schools(years: &[YearData], schools: &[YearSchools], stages: &StageCounts, std_places: &StageCounts) -> (Cols, Cols, Cols) {
    const COND: [&str; 8] = ["area_teaching", "area_sport", "area_buildings", "equipment_value", "mm_rooms", "books", "computers", "public_funds"];
    let mut db = Base::new();
    let mut d_vals: Vec<Float64Builder> = COND.iter().map(|_| Float64Builder::new()).collect();
    let (mut d_students, mut d_smart) = (Float64Builder::new(), BooleanBuilder::new());
    let mut sb = Base::new();
    let (mut s_puhui, mut s_open, mut s_students, mut s_comp, mut s_design, mut s_smart, mut s_cond) =
        (BooleanBuilder::new(), BooleanBuilder::new(), Int64Builder::new(), Int64Builder::new(), Int64Builder::new(), BooleanBuilder::new(), BooleanBuilder::new());
    let mut pb = Base::new();
    let mut p_places = Float64Builder::new();
    let unknown = unknown_school();
    let empty: Vec<(String, i64)> = Vec::new();
    for (y, ys) in years.iter().zip(schools) {
        let year = y.year as i64;
        let t = y.table(SheetKind::Conditions);
        let sh = Sheet { t };
        let (ci, csm) = (sh.col("school_id"), sh.col("smart_campus"));
        let cols: Vec<usize> = COND.iter().map(|c| sh.col(c)).collect();
        let mut smart: HashMap<String, Option<bool>> = HashMap::new();
        for r in &t.rows {
            let c = &r.cells;
            let id = cell_str(&c[ci]);
            let si = ys.info.get(id.as_ref()).unwrap_or(&unknown);
            let sm = c[csm].as_bool();
            smart.insert(id.to_string(), sm);
            let mut parts: Vec<(String, i64)> = stages.get(&(y.year, id.to_string())).cloned().unwrap_or_default();
            parts.sort();
            let weighted: f64 = parts.iter().map(|(s, n)| *n as f64 * stage_weight(s)).sum();
            for (stage, n) in parts {
                let share = if weighted > 0.0 { n as f64 * stage_weight(&stage) / weighted } else { 0.0 };
                db.push(year, &id, si, &stage);
                for (k, col) in cols.iter().enumerate() {
                    d_vals[k].append_option(c[*col].as_f64().map(|v| v * share));
                }
                d_students.append_value(n as f64);
                d_smart.append_option(sm);
            }
        }
        let st = y.table(SheetKind::Schools);
        let ci = st.sheet.col_index("school_id").expect("school_id");
        for r in &st.rows {
            let id = cell_str(&r.cells[ci]);
            let si = &ys.info[id.as_ref()];
            let key = (y.year, id.to_string());
            let parts = stages.get(&key).unwrap_or(&empty);
            let total: i64 = parts.iter().map(|x| x.1).sum();
            let comp: i64 = parts.iter().filter(|x| x.0 == "小学" || x.0 == "初中").map(|x| x.1).sum();
            sb.push(year, &id, si, ALL_STAGES);
            s_puhui.append_value(si.puhui);
            s_open.append_value(si.open);
            s_students.append_value(total);
            s_comp.append_value(comp);
            s_design.append_option(si.design);
            s_smart.append_option(smart.get(id.as_ref()).copied().flatten());
            s_cond.append_value(smart.contains_key(id.as_ref()));
            // places (学位) by stage: the design capacity where recorded, shared between stages
            // as their standard places are; otherwise classes × standard size
            let std = std_places.get(&key).unwrap_or(&empty);
            let std_total: i64 = std.iter().map(|x| x.1).sum();
            // a school closed (撤并) or not yet opened offers no places, whatever its design says
            let design = si.design.filter(|d| *d > 0 && si.open);
            let rows: Vec<(String, f64)> = match design {
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
                p_places.append_value(p);
            }
        }
    }
    let mut cond = db.into_cols();
    for (k, mut v) in d_vals.into_iter().enumerate() {
        cond.arr(COND[k], Arc::new(v.finish()));
    }
    cond.arr("students", Arc::new(d_students.finish()));
    cond.arr("smart_campus", Arc::new(d_smart.finish()));
    let mut school = sb.into_cols();
    school.arr("puhui", Arc::new(s_puhui.finish()));
    school.arr("open", Arc::new(s_open.finish()));
    school.arr("students", Arc::new(s_students.finish()));
    school.arr("students_compulsory", Arc::new(s_comp.finish()));
    school.arr("design_places", Arc::new(s_design.finish()));
    school.arr("smart_campus", Arc::new(s_smart.finish()));
    school.arr("has_conditions", Arc::new(s_cond.finish()));
    let mut place = pb.into_cols();
    place.arr("places", Arc::new(p_places.finish()));
    (cond, school, place)
}

/// The fact tables of several years, by table name. The big tables are built in parallel.
pub fn build(years: &[YearData]) -> Vec<(&'static str, RecordBatch)> {
    let schools: Vec<YearSchools> = years.iter().map(school_infos).collect();
    let ((enrol, stages), (class, places), staff, (pop, disab, attain)) = std::thread::scope(|sc| {
        let e = sc.spawn(|| build_enrol(years, &schools));
        let c = sc.spawn(|| build_class(years, &schools));
        let f = sc.spawn(|| build_staff(years, &schools));
        let r = build_regional(years);
        (e.join().expect("enrol"), c.join().expect("class"), f.join().expect("staff"), r)
    });
    let (cond, school, place) = build_schools(years, &schools, &stages, &places);
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

/// Money of a plan's project on a date (规划工作簿 资金): released (下达) and spent (支出), at the
/// project's school when it has one, else at its county.
#[derive(Debug, Clone, PartialEq)]
pub struct FundFact {
    /// YYYY-MM-DD; the year is the money's year.
    pub date: String,
    /// The project's school (学校标识码), when it is an existing school of the data.
    pub school_id: Option<String>,
    /// The county the project belongs to (6 digits).
    pub county: String,
    /// 下达 (万元).
    pub released: f64,
    /// 支出 (万元).
    pub spent: f64,
}

/// The fund fact table: one row per entry, with its school's township and county when it has a
/// school; stage 全部.
pub fn build_fund(years: &[YearData], funds: &[FundFact]) -> RecordBatch {
    let mut township_of: HashMap<(i32, String), String> = HashMap::new();
    for y in years {
        let t = y.table(SheetKind::Schools);
        for r in &t.rows {
            township_of.insert((y.year, t.get(r, "school_id").display()), t.get(r, "region").display());
        }
    }
    let (mut year, mut school, mut township, mut county, mut stage, mut released, mut spent) =
        (Int64Builder::new(), StringBuilder::new(), StringBuilder::new(), StringBuilder::new(), StringBuilder::new(), Float64Builder::new(), Float64Builder::new());
    for f in funds {
        let Some(y) = f.date.get(..4).and_then(|y| y.parse::<i32>().ok()) else { continue };
        let tw = f.school_id.as_ref().and_then(|s| township_of.get(&(y, s.clone())));
        year.append_value(y as i64);
        // a school not in that year's data counts at the county
        school.append_option(tw.and(f.school_id.as_deref()));
        township.append_option(tw.map(String::as_str));
        county.append_value(tw.map(|t| &t[..6.min(t.len())]).unwrap_or(&f.county));
        stage.append_value(ALL_STAGES);
        released.append_value(f.released);
        spent.append_value(f.spent);
    }
    let mut c = Cols::default();
    c.arr("year", Arc::new(year.finish()));
    c.arr("school_id", Arc::new(school.finish()));
    c.arr("township", Arc::new(township.finish()));
    c.arr("county", Arc::new(county.finish()));
    c.arr("stage", Arc::new(stage.finish()));
    c.arr("released", Arc::new(released.finish()));
    c.arr("spent", Arc::new(spent.finish()));
    c.batch()
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
