//! What a projection starts from (预测基础数据): the stored school years up to the base year,
//! read into townships' populations, schools' pupils by grade, classes, places and staff.
//!
//! Only this module knows the interchange sheets; the model works on the types here.

use std::collections::{BTreeMap, HashMap};

use eduplan_core::data::{Table, Value, YearData};
use eduplan_core::schema::SheetKind;

use crate::{Ages, Stage, Track, MAX_AGE};

/// A county or township (区划).
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    /// 区划代码.
    pub code: String,
    /// 名称.
    pub name: String,
    /// The county of a township; `None` for a county.
    pub parent: Option<String>,
    /// 城区 or 镇区 (where urbanisation moves children to).
    pub urban: bool,
    /// Its boundary as GeoJSON (Polygon or MultiPolygon), when the data gives one.
    pub boundary: Option<String>,
}

/// A school's pupils of one track, by year and grade.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Unit {
    /// 在校生 by year, one value per grade of the track.
    pub enrolled: BTreeMap<i32, Vec<f64>>,
    /// 留级生 (repeaters) by year and grade, where the data gives them.
    pub repeaters: BTreeMap<i32, Vec<f64>>,
}

/// A member of staff (教职工) of the base year.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffMember {
    /// The stage taught (学段), or the school's main stage when not given.
    pub stage: Stage,
    /// 出生年份, when known (otherwise the person never retires in the projection).
    pub birth_year: Option<i32>,
    /// 女.
    pub female: bool,
}

/// A school open in the base year (学校).
#[derive(Debug, Clone, PartialEq)]
pub struct School {
    /// 学校标识码.
    pub id: String,
    /// 学校名称.
    pub name: String,
    /// 学校类型.
    pub ty: String,
    /// 区划代码 of its township.
    pub township: String,
    /// Its county.
    pub county: String,
    /// 经度 and 纬度, when the data gives them.
    pub lonlat: Option<(f64, f64)>,
    /// Pupils by track.
    pub units: BTreeMap<Track, Unit>,
    /// Classes of the base year by track and grade.
    pub classes: BTreeMap<Track, Vec<f64>>,
    /// Classes of the base year with 56 or more pupils, by stage.
    pub big_classes: BTreeMap<Stage, f64>,
    /// 学位 by stage in the base year: the design places shared between the school's stages as
    /// their standard places are, otherwise classes × standard class size (as the indicator
    /// `places`).
    pub places: BTreeMap<Stage, f64>,
    /// Staff of the base year.
    pub staff: Vec<StaffMember>,
}

impl School {
    /// The stages the school teaches in the base year.
    pub fn stages(&self) -> Vec<Stage> {
        let mut v: Vec<Stage> = self.units.keys().map(|t| t.stage()).chain(self.places.keys().copied()).collect();
        v.sort();
        v.dedup();
        v
    }
}

/// New places (新增学位) a plan's project brings when it finishes (项目).
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedPlaces {
    /// 项目编号.
    pub project: String,
    /// 项目名称 (also tells the stage of a new school: 幼儿园, 小学, 初中, 高中).
    pub name: String,
    /// 学校标识码 of the school it expands or builds; may name no school in the data yet.
    pub school_id: String,
    /// 新增学位.
    pub places: f64,
    /// 完工年份: the places count from this school year on.
    pub year: i32,
    /// The plan's region (a county or township code), which locates a new school not yet in the data.
    pub region: String,
}

impl PlannedPlaces {
    /// The stage of a project's places from its name, when its school is not in the data.
    pub fn stage_from_name(&self) -> Option<Stage> {
        let n = &self.name;
        if n.contains("幼儿园") || n.contains("幼儿") {
            Some(Stage::Pre)
        } else if n.contains("小学") {
            Some(Stage::Pri)
        } else if n.contains("高中") || n.contains("高级中学") || n.contains("职") {
            Some(Stage::Sen)
        } else if n.contains("初中") || n.contains("初级中学") || n.contains("中学") {
            Some(Stage::Jun)
        } else {
            None
        }
    }
}

/// Everything a projection reads, from the school years up to the base year.
#[derive(Debug, Clone, PartialEq)]
pub struct Inputs {
    /// The last year of data used (基期).
    pub base_year: i32,
    /// Counties and townships by code (of the base year).
    pub regions: BTreeMap<String, Region>,
    /// Population by township, year and single age (ages 26+ are left out).
    pub population: BTreeMap<String, BTreeMap<i32, Ages>>,
    /// Births by township and year (出生; the age-0 population where the data gives none).
    pub births: BTreeMap<String, BTreeMap<i32, f64>>,
    /// Schools open in the base year (special schools are not projected).
    pub schools: Vec<School>,
    /// The plans' projects with new places.
    pub projects: Vec<PlannedPlaces>,
    /// 一年级 pupils by region (township and county) and year, of every school of that year
    /// (closed ones included): the denominator of 九年义务教育巩固率 for years before the base.
    pub grade1: BTreeMap<(String, i32), f64>,
    /// What is missing, for the user.
    pub warnings: Vec<String>,
}

/// Population by township, year and single age 0–25, and births by township and year (the
/// births column, else the age-0 population), of the years up to `up_to`.
#[allow(clippy::type_complexity)]
pub fn population_of(years: &[YearData], up_to: i32) -> (BTreeMap<String, BTreeMap<i32, Ages>>, BTreeMap<String, BTreeMap<i32, f64>>) {
    let mut population: BTreeMap<String, BTreeMap<i32, Ages>> = BTreeMap::new();
    let mut births_col: BTreeMap<String, BTreeMap<i32, f64>> = BTreeMap::new();
    for y in years.iter().filter(|y| y.year <= up_to) {
        let t = y.table(SheetKind::Population);
        let pc = Cols { t };
        let (cr, ca, cn, cb) = (pc.c("region"), pc.c("age"), pc.c("count"), pc.c("births"));
        for r in &t.rows {
            let region = text(&r.cells[cr]);
            if let (Some(a), Some(n)) = (r.cells[ca].as_i64(), r.cells[cn].as_f64()) {
                if (0..=MAX_AGE as i64).contains(&a) {
                    population.entry(region.clone()).or_default().entry(y.year).or_insert([0.0; MAX_AGE + 1])[a as usize] += n;
                }
            }
            if let Some(b) = r.cells[cb].as_f64() {
                *births_col.entry(region).or_default().entry(y.year).or_default() += b;
            }
        }
    }
    let mut births: BTreeMap<String, BTreeMap<i32, f64>> = BTreeMap::new();
    for (tw, by_year) in &population {
        for (year, ages) in by_year {
            let b = births_col.get(tw).and_then(|m| m.get(year)).copied().unwrap_or(ages[0]);
            births.entry(tw.clone()).or_default().insert(*year, b);
        }
    }
    (population, births)
}

fn text(v: &Value) -> String {
    match v {
        Value::Text(s) => s.clone(),
        other => other.display(),
    }
}

/// Standard class size of a grade (standards.md §4), the basis of places (学位) when a school
/// has no design capacity.
pub fn standard_class_size(school_type: &str, track: Track, grade: usize) -> f64 {
    if school_type == "教学点" {
        return 30.0;
    }
    match track {
        Track::Pre => [25.0, 30.0, 35.0, 35.0][grade.min(3)],
        Track::Pri => 45.0,
        _ => 50.0,
    }
}

struct Cols<'a> {
    t: &'a Table,
}

impl Cols<'_> {
    fn c(&self, en: &str) -> usize {
        self.t.sheet.col_index(en).unwrap_or_else(|| panic!("no column {en}"))
    }
}

impl Inputs {
    /// Reads the years up to `base_year` (later years are ignored, so a backtest sees only the
    /// past). Errors when the base year has no data.
    pub fn from_years(years: &[YearData], base_year: i32, projects: Vec<PlannedPlaces>) -> Result<Inputs, String> {
        let base = years.iter().find(|y| y.year == base_year).ok_or_else(|| format!("基期 {base_year} 年没有数据 / no data for the base year {base_year}"))?;
        let mut warnings = Vec::new();
        // regions of the base year
        let rt = base.table(SheetKind::Regions);
        let rc = Cols { t: rt };
        let (cc, cn, cp, cu, cb) = (rc.c("code"), rc.c("name"), rc.c("parent"), rc.c("urban_rural"), rc.c("boundary"));
        let mut regions = BTreeMap::new();
        for r in &rt.rows {
            let code = text(&r.cells[cc]);
            let parent = Some(text(&r.cells[cp])).filter(|p| !p.is_empty());
            let ur = text(&r.cells[cu]);
            let boundary = r.cells[cb].as_str().map(str::to_string);
            regions.insert(code.clone(), Region { code, name: text(&r.cells[cn]), parent, urban: ur == "城区" || ur == "镇区", boundary });
        }
        let (population, births) = population_of(years, base_year);
        if !population.values().any(|m| m.contains_key(&base_year)) {
            warnings.push(format!("基期 {base_year} 年没有人口数据，人口与入学按零预测 / no population for the base year {base_year}: population and intake project as zero"));
        }
        // schools of the base year
        let st = base.table(SheetKind::Schools);
        let sc = Cols { t: st };
        let (si, sn, sty, sr, sd, sop, scl, slon, slat) =
            (sc.c("school_id"), sc.c("name"), sc.c("type"), sc.c("region"), sc.c("design_places"), sc.c("opened"), sc.c("closed"), sc.c("lon"), sc.c("lat"));
        let mut schools: Vec<School> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut design: Vec<Option<f64>> = Vec::new();
        for r in &st.rows {
            let c = &r.cells;
            let ty = text(&c[sty]);
            let open = c[sop].as_i64().is_none_or(|o| o <= base_year as i64) && c[scl].as_i64().is_none_or(|x| x > base_year as i64);
            if ty == "特殊教育学校" || !open {
                continue;
            }
            let township = text(&c[sr]);
            let county = regions.get(&township).and_then(|r| r.parent.clone()).unwrap_or_else(|| township.chars().take(6).collect());
            index.insert(text(&c[si]), schools.len());
            design.push(c[sd].as_f64().filter(|d| *d > 0.0));
            schools.push(School {
                id: text(&c[si]),
                name: text(&c[sn]),
                ty,
                township,
                county,
                lonlat: c[slon].as_f64().zip(c[slat].as_f64()),
                units: BTreeMap::new(),
                classes: BTreeMap::new(),
                big_classes: BTreeMap::new(),
                places: BTreeMap::new(),
                staff: Vec::new(),
            });
        }
        // grade 1 of every school of each year, by township and county
        let mut grade1: BTreeMap<(String, i32), f64> = BTreeMap::new();
        for y in years.iter().filter(|y| y.year <= base_year) {
            let st = y.table(SheetKind::Schools);
            let sc = Cols { t: st };
            let (si, sty, sr) = (sc.c("school_id"), sc.c("type"), sc.c("region"));
            let region: HashMap<String, String> = st.rows.iter().filter(|r| text(&r.cells[sty]) != "特殊教育学校").map(|r| (text(&r.cells[si]), text(&r.cells[sr]))).collect();
            let t = y.table(SheetKind::Students);
            let c = Cols { t };
            let (ci, cg, ce) = (c.c("school_id"), c.c("grade"), c.c("enrolled"));
            for r in t.rows.iter().filter(|r| r.cells[cg].as_str() == Some("一年级")) {
                let Some(tw) = region.get(&text(&r.cells[ci])) else { continue };
                let n = r.cells[ce].as_f64().unwrap_or(0.0);
                let county = regions.get(tw).and_then(|x: &Region| x.parent.clone()).unwrap_or_else(|| tw.chars().take(6).collect());
                *grade1.entry((tw.clone(), y.year)).or_default() += n;
                *grade1.entry((county, y.year)).or_default() += n;
            }
        }
        // pupils by grade, every year up to the base
        for y in years.iter().filter(|y| y.year <= base_year) {
            let t = y.table(SheetKind::Students);
            let c = Cols { t };
            let (ci, cg, ce, cr) = (c.c("school_id"), c.c("grade"), c.c("enrolled"), c.c("repeaters"));
            for r in &t.rows {
                let Some(&k) = index.get(text(&r.cells[ci]).as_str()) else { continue };
                let Some((track, g)) = Track::of_grade(&text(&r.cells[cg])) else { continue };
                let n = track.grades().len();
                let unit = schools[k].units.entry(track).or_default();
                unit.enrolled.entry(y.year).or_insert_with(|| vec![0.0; n])[g] += r.cells[ce].as_f64().unwrap_or(0.0);
                if let Some(rep) = r.cells[cr].as_f64() {
                    unit.repeaters.entry(y.year).or_insert_with(|| vec![0.0; n])[g] += rep;
                }
            }
        }
        // classes of the base year
        let t = base.table(SheetKind::Classes);
        let c = Cols { t };
        let (ci, cg, cs) = (c.c("school_id"), c.c("grade"), c.c("size"));
        for r in &t.rows {
            let Some(&k) = index.get(text(&r.cells[ci]).as_str()) else { continue };
            let Some((track, g)) = Track::of_grade(&text(&r.cells[cg])) else { continue };
            let s = &mut schools[k];
            s.classes.entry(track).or_insert_with(|| vec![0.0; track.grades().len()])[g] += 1.0;
            if r.cells[cs].as_i64().unwrap_or(0) >= 56 {
                *s.big_classes.entry(track.stage()).or_default() += 1.0;
            }
        }
        // places by stage, as the indicator `places` counts them
        for (s, d) in schools.iter_mut().zip(&design) {
            let mut std: BTreeMap<Stage, f64> = BTreeMap::new();
            for (track, cl) in &s.classes {
                let p: f64 = cl.iter().enumerate().map(|(g, n)| n * standard_class_size(&s.ty, *track, g)).sum();
                *std.entry(track.stage()).or_default() += p;
            }
            let total: f64 = std.values().sum();
            s.places = match d {
                Some(d) if total > 0.0 => std.iter().map(|(st, p)| (*st, d * p / total)).collect(),
                Some(d) => {
                    let top = eduplan_core::schema::type_grades(&s.ty).iter().rev().find_map(|g| Track::of_grade(g)).map(|(t, _)| t.stage());
                    top.map(|st| BTreeMap::from([(st, *d)])).unwrap_or_default()
                }
                None => std,
            };
        }
        // staff of the base year
        let t = base.table(SheetKind::Staff);
        let c = Cols { t };
        let (ci, cl, cb, cx) = (c.c("school_id"), c.c("level"), c.c("birth_year"), c.c("sex"));
        for r in &t.rows {
            let Some(&k) = index.get(text(&r.cells[ci]).as_str()) else { continue };
            let level = text(&r.cells[cl]);
            if level == "特教" {
                continue;
            }
            let s = &mut schools[k];
            let main = || {
                let base_units = s.units.iter().filter_map(|(t, u)| u.enrolled.get(&base_year).map(|v| (t.stage(), v.iter().sum::<f64>())));
                base_units.max_by(|a, b| a.1.total_cmp(&b.1)).map(|x| x.0)
            };
            let Some(stage) = Stage::parse(&level).or_else(main) else { continue };
            let birth_year = r.cells[cb].as_i64().map(|b| b as i32);
            let female = text(&r.cells[cx]) == "女";
            s.staff.push(StaffMember { stage, birth_year, female });
        }
        if schools.is_empty() {
            warnings.push(format!("基期 {base_year} 年没有学校数据 / no schools in the base year {base_year}"));
        }
        Ok(Inputs { base_year, regions, population, births, schools, projects, grade1, warnings })
    }

    /// Township codes (regions with a parent), in code order.
    pub fn townships(&self) -> Vec<&Region> {
        self.regions.values().filter(|r| r.parent.is_some()).collect()
    }

    /// County codes: the parents of townships and of schools, in code order.
    pub fn counties(&self) -> Vec<String> {
        let mut v: Vec<String> = self.regions.values().filter_map(|r| r.parent.clone()).chain(self.schools.iter().map(|s| s.county.clone())).collect();
        v.sort();
        v.dedup();
        v
    }
}
