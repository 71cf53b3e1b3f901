//! eduplan-synth: a generated but realistic region, written in the interchange format.
//!
//! One county is calibrated to a mid-size Chinese county: about 500,000 people, a county seat
//! (城区, two 街道) and 16 towns and townships (镇区/乡村), about 180–200 schools of every type,
//! ~20,000 children in kindergarten, ~85,000 in compulsory school, ~25,000 in the high-school
//! stage, ~7,000 staff. Birth cohorts rise to the 2016 peak and then fall by half, as they did
//! nationally; children drift from villages to the county seat, so urban classes grow past 56
//! (大班额) while village schools shrink and some 教学点 close. Staff qualifications, rooms, sports
//! ground, equipment and funds are spread around the national thresholds so assessments give a
//! real mix of pass and fail. Deterministic for a seed.
//!
//! Not here: reading or writing files (eduplan-ingest writes the [`Dataset`]).
#![deny(missing_docs)]

use eduplan_core::data::{Dataset, RowBuilder, Value};
use eduplan_core::schema::{enums, SheetKind};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Number of counties (1 = a demo county; 100 = a province for benchmarks).
    pub counties: usize,
    /// Random seed.
    pub seed: u64,
    /// First and last school year written (history before the first is simulated, not written).
    pub years: (i32, i32),
}

impl Default for Options {
    fn default() -> Options {
        Options { counties: 1, seed: 1, years: (2015, 2024) }
    }
}

/// County births by birth year: rising slowly to the 2016 two-child peak, then falling by half.
fn births(year: i32) -> f64 {
    match year {
        ..=2000 => 9000.0,
        2001..=2013 => 9000.0 + (year - 2000) as f64 * 80.0,
        2014 => 10200.0,
        2015 => 9800.0,
        2016 => 11000.0,
        2017 => 10600.0,
        2018 => 9000.0,
        2019 => 8200.0,
        2020 => 6900.0,
        2021 => 6200.0,
        2022 => 5500.0,
        2023 => 5000.0,
        _ => 5200.0,
    }
}

const FIRST_SIM_YEAR: i32 = 2012;

const CN: [&str; 11] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

fn rng_for(seed: u64, parts: &[u64]) -> ChaCha8Rng {
    let mut h: u64 = seed ^ 0x9E37_79B9_7F4A_7C15;
    for p in parts {
        h = (h ^ p).wrapping_mul(0x100_0000_01B3).rotate_left(17) ^ 0xA5A5;
    }
    ChaCha8Rng::seed_from_u64(h)
}

const SYL: &[&str] = &[
    "安", "清", "云", "石", "桃", "龙", "凤", "梅", "竹", "松", "溪", "泉", "山", "河", "平", "阳", "新", "宁", "华", "兴", "丰", "东", "西",
    "南", "北", "金", "银", "黄", "白", "青", "长", "永", "和", "福", "水", "林", "湖", "江", "源", "田", "坪", "岭", "塘", "桥", "口",
];

fn name2(rng: &mut ChaCha8Rng) -> String {
    let a = SYL[rng.random_range(0..SYL.len())];
    let mut b = SYL[rng.random_range(0..SYL.len())];
    while b == a {
        b = SYL[rng.random_range(0..SYL.len())];
    }
    format!("{a}{b}")
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ur {
    Urban,
    Town,
    Rural,
}

impl Ur {
    fn label(self) -> &'static str {
        match self {
            Ur::Urban => "城区",
            Ur::Town => "镇区",
            Ur::Rural => "乡村",
        }
    }
}

struct Township {
    code: String,
    name: String,
    ur: Ur,
    weight: f64,
    drift: f64,
    lon: f64,
    lat: f64,
}

struct School {
    id: String,
    name: String,
    ty: &'static str,
    public: bool,
    puhui: Option<bool>,
    township: usize,
    ur: Ur,
    lon: f64,
    lat: f64,
    /// relative share of the township's (or county's) pupils of its grades
    weight: f64,
    /// class size the school runs at (grows in the county seat)
    class_target: f64,
    opened: Option<i32>,
    closed: Option<i32>,
    /// facilities quality factors around the thresholds (1.0 = exactly the 优质均衡 line)
    f_area: f64,
    f_sport: f64,
    f_equip: f64,
    f_mm: f64,
    f_staff: f64,
    f_degree: f64,
    f_pe_art: f64,
    design_places: i64,
}

impl School {
    fn open_in(&self, y: i32) -> bool {
        self.opened.is_none_or(|o| y >= o) && self.closed.is_none_or(|c| y < c)
    }
}

/// Standard age of a grade (小班 3 … 高三 17; 中职 15–17).
fn grade_age(g: &str) -> u32 {
    let i = enums::GRADE.iter().position(|x| *x == g).expect("grade") as u32;
    match i {
        0..=2 => 3 + i,
        3 => 5,
        4..=15 => 6 + (i - 4),
        _ => 15 + (i - 16),
    }
}

struct County {
    code: String,
    name: String,
    scale: f64,
    townships: Vec<Township>,
    schools: Vec<School>,
}

fn build_county(opts: &Options, ci: usize) -> County {
    let mut rng = rng_for(opts.seed, &[ci as u64, 1]);
    let code = if opts.counties == 1 { "360721".to_string() } else { format!("36{:02}{:02}", ci / 10 + 1, ci % 10 + 21) };
    let name = format!("{}县", name2(&mut rng));
    let scale = if opts.counties == 1 { 1.0 } else { rng.random_range(0.8..1.2) };
    let (clon, clat) = (114.5 + (ci % 10) as f64 * 0.45, 25.5 + (ci / 10) as f64 * 0.35);
    let mut townships = Vec::new();
    let kinds: Vec<Ur> = [vec![Ur::Urban; 2], vec![Ur::Town; 6], vec![Ur::Rural; 10]].concat();
    let mut used = std::collections::HashSet::new();
    for (ti, ur) in kinds.into_iter().enumerate() {
        let mut n = name2(&mut rng);
        while !used.insert(n.clone()) {
            n = name2(&mut rng);
        }
        let suffix = match ur {
            Ur::Urban => "街道",
            Ur::Town => "镇",
            Ur::Rural => "乡",
        };
        let (weight, drift) = match ur {
            Ur::Urban => (80.0, 0.045),
            Ur::Town => (30.0, 0.0),
            Ur::Rural => (16.0, -0.025),
        };
        let ang = ti as f64 / 18.0 * std::f64::consts::TAU;
        let r = match ur {
            Ur::Urban => 0.02,
            Ur::Town => 0.12,
            Ur::Rural => 0.22,
        } + rng.random_range(0.0..0.03);
        townships.push(Township {
            code: format!("{code}{:03}", ti + 1),
            name: format!("{n}{suffix}"),
            ur,
            weight: weight * rng.random_range(0.85..1.15),
            drift,
            lon: clon + r * ang.cos() * 1.1,
            lat: clat + r * ang.sin(),
        });
    }
    let mut schools: Vec<School> = Vec::new();
    let mut nrng = rng_for(opts.seed, &[ci as u64, 2]);
    let mut seq = 0;
    let mut add = |schools: &mut Vec<School>, rng: &mut ChaCha8Rng, ti: usize, t: &Township, ty: &'static str, public: bool, puhui: Option<bool>, name: String, (wlo, whi): (f64, f64)| {
        seq += 1;
        let weight = if whi > wlo { rng.random_range(wlo..whi) } else { wlo };
        let urban = t.ur == Ur::Urban;
        let junior_like = matches!(ty, "初级中学" | "九年一贯制学校" | "完全中学" | "高级中学" | "中等职业学校");
        let class_target = match (ty, t.ur) {
            ("幼儿园", Ur::Urban) => rng.random_range(28.0..36.0),
            ("幼儿园", _) => rng.random_range(20.0..30.0),
            (_, Ur::Urban) if junior_like => rng.random_range(50.0..64.0),
            (_, Ur::Urban) => rng.random_range(44.0..58.0),
            (_, Ur::Town) => rng.random_range(40.0..50.0),
            _ => 45.0,
        };
        // facilities: urban schools crowded (less area per pupil), villages short of staff quality
        let q = |rng: &mut ChaCha8Rng, lo: f64, hi: f64| rng.random_range(lo..hi);
        let s = School {
            id: format!("{}{:04}", &t.code[..6], seq),
            name,
            ty,
            public,
            puhui,
            township: ti,
            ur: t.ur,
            lon: t.lon + rng.random_range(-0.02..0.02),
            lat: t.lat + rng.random_range(-0.02..0.02),
            weight,
            class_target,
            opened: None,
            closed: None,
            f_area: if urban { q(rng, 0.75, 1.3) } else { q(rng, 0.9, 1.8) },
            f_sport: if urban { q(rng, 0.5, 1.2) } else { q(rng, 0.9, 2.0) },
            f_equip: q(rng, 0.8, 1.6),
            f_mm: if urban { q(rng, 0.95, 1.5) } else { q(rng, 0.8, 1.4) },
            f_staff: if urban { q(rng, 0.9, 1.1) } else { q(rng, 1.0, 1.4) },
            f_degree: if urban { q(rng, 0.85, 1.0) } else { q(rng, 0.55, 0.9) },
            f_pe_art: if urban { q(rng, 0.9, 1.6) } else { q(rng, 0.5, 1.3) },
            design_places: 0,
        };
        schools.push(s);
    };
    for (ti, t) in townships.iter().enumerate() {
        let base = t.name.trim_end_matches(['镇', '乡']).trim_end_matches("街道").to_string();
        match t.ur {
            Ur::Urban => {
                for k in 0..4 {
                    add(&mut schools, &mut rng, ti, t, "幼儿园", true, Some(true), format!("{}第{}幼儿园", base, CN[k + 1]), (0.8, 1.4));
                }
                for k in 0..8 {
                    let ph = k < 5;
                    add(&mut schools, &mut rng, ti, t, "幼儿园", false, Some(ph), format!("{}{}幼儿园", base, ["童心", "阳光", "小天鹅", "蓝天", "贝贝", "启明", "育才", "春苗"][k]), (0.4, 0.9));
                }
                for k in 0..5 {
                    add(&mut schools, &mut rng, ti, t, "小学", true, None, format!("{}第{}小学", base, CN[k + 1]), (0.8, 1.5));
                }
                add(&mut schools, &mut rng, ti, t, "小学", false, None, format!("{}实验学校(民办)小学", base), (0.4, 0.4));
                for k in 0..2 {
                    add(&mut schools, &mut rng, ti, t, "初级中学", true, None, format!("{}第{}中学", base, CN[k + 1]), (0.8, 1.3));
                }
                add(&mut schools, &mut rng, ti, t, "九年一贯制学校", true, None, format!("{}九年一贯制学校", base), (0.9, 0.9));
            }
            Ur::Town => {
                add(&mut schools, &mut rng, ti, t, "幼儿园", true, Some(true), format!("{}镇中心幼儿园", base), (1.4, 1.4));
                add(&mut schools, &mut rng, ti, t, "幼儿园", true, Some(true), format!("{}镇第二幼儿园", base), (0.8, 0.8));
                for k in 0..2 {
                    add(&mut schools, &mut rng, ti, t, "幼儿园", false, Some(k == 0), format!("{}镇{}幼儿园", base, ["博雅", "金太阳"][k]), (0.5, 0.5));
                }
                add(&mut schools, &mut rng, ti, t, "小学", true, None, format!("{}镇中心小学", base), (1.6, 1.6));
                add(&mut schools, &mut rng, ti, t, "小学", true, None, format!("{}镇第二小学", base), (0.8, 0.8));
                add(&mut schools, &mut rng, ti, t, "小学", true, None, format!("{}镇{}村小学", base, name2(&mut nrng)), (0.35, 0.35));
                add(&mut schools, &mut rng, ti, t, "初级中学", true, None, format!("{}镇中学", base), (1.0, 1.0));
            }
            Ur::Rural => {
                add(&mut schools, &mut rng, ti, t, "幼儿园", true, Some(true), format!("{}乡中心幼儿园", base), (1.0, 1.0));
                if ti % 2 == 0 {
                    add(&mut schools, &mut rng, ti, t, "幼儿园", false, Some(false), format!("{}乡{}幼儿园", base, name2(&mut nrng)), (0.5, 0.5));
                }
                add(&mut schools, &mut rng, ti, t, "小学", true, None, format!("{}乡中心小学", base), (1.5, 1.5));
                for _ in 0..2 {
                    add(&mut schools, &mut rng, ti, t, "小学", true, None, format!("{}乡{}村小学", base, name2(&mut nrng)), (0.45, 0.45));
                }
                for _ in 0..2 {
                    add(&mut schools, &mut rng, ti, t, "教学点", true, None, format!("{}乡{}教学点", base, name2(&mut nrng)), (0.12, 0.12));
                }
                if ti % 3 == 0 {
                    add(&mut schools, &mut rng, ti, t, "九年一贯制学校", true, None, format!("{}乡九年一贯制学校", base), (1.0, 1.0));
                } else {
                    add(&mut schools, &mut rng, ti, t, "初级中学", true, None, format!("{}乡中学", base), (1.0, 1.0));
                }
            }
        }
    }
    // county-level schools in the county seat
    let seat = &townships[0];
    let cn = name.trim_end_matches('县').to_string();
    add(&mut schools, &mut rng, 0, seat, "高级中学", true, None, format!("{cn}县第一中学"), (1.4, 1.4));
    add(&mut schools, &mut rng, 0, seat, "高级中学", true, None, format!("{cn}县第二中学"), (1.0, 1.0));
    add(&mut schools, &mut rng, 0, seat, "完全中学", true, None, format!("{cn}县第三中学"), (0.8, 0.8));
    add(&mut schools, &mut rng, 0, seat, "中等职业学校", true, None, format!("{cn}县职业中等专业学校"), (1.2, 1.2));
    add(&mut schools, &mut rng, 1, &townships[1], "中等职业学校", false, None, format!("{cn}县华东职业技术学校"), (0.5, 0.5));
    add(&mut schools, &mut rng, 0, seat, "特殊教育学校", true, None, format!("{cn}县特殊教育学校"), (1.0, 1.0));
    // a new primary school opens in the seat in 2020 to relieve crowding; small 教学点 close
    add(&mut schools, &mut rng, 1, &townships[1], "小学", true, None, format!("{}第六小学", townships[1].name.trim_end_matches("街道")), (1.1, 1.1));
    if let Some(s) = schools.last_mut() {
        s.opened = Some(2020);
    }
    let mut k = 0;
    for s in schools.iter_mut().filter(|s| s.ty == "教学点") {
        if k % 3 == 0 {
            s.closed = Some(2018 + (k % 5) as i32);
        }
        k += 1;
    }
    County { code, name, scale, townships, schools }
}

/// Plausible township boundaries (GeoJSON polygons): a jagged county outline around the
/// townships, cut into the Voronoi cells of the township centres, so neighbours share edges.
fn township_boundaries(c: &County, seed: u64, ci: usize) -> Vec<String> {
    let mut rng = rng_for(seed, &[ci as u64, 13]);
    // work in a plane where a degree of longitude is as long as one of latitude at ~25°N
    const KX: f64 = 0.9;
    let pts: Vec<(f64, f64)> = c.townships.iter().map(|t| (t.lon * KX, t.lat)).collect();
    let n = pts.len() as f64;
    let (cx, cy) = (pts.iter().map(|p| p.0).sum::<f64>() / n, pts.iter().map(|p| p.1).sum::<f64>() / n);
    let outline: Vec<(f64, f64)> = (0..28)
        .map(|k| {
            let a = k as f64 / 28.0 * std::f64::consts::TAU;
            let r = 0.34 * rng.random_range(0.88..1.1);
            (cx + r * a.cos(), cy + r * 0.9 * a.sin())
        })
        .collect();
    pts.iter()
        .enumerate()
        .map(|(i, &a)| {
            let mut poly = outline.clone();
            for (j, &b) in pts.iter().enumerate() {
                if i == j || poly.is_empty() {
                    continue;
                }
                // keep the side of the bisector nearer to a
                let (mx, my) = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
                let f = |p: (f64, f64)| (p.0 - mx) * (b.0 - a.0) + (p.1 - my) * (b.1 - a.1);
                let mut out = Vec::with_capacity(poly.len() + 2);
                for k in 0..poly.len() {
                    let (p, q) = (poly[k], poly[(k + 1) % poly.len()]);
                    let (fp, fq) = (f(p), f(q));
                    if fp <= 0.0 && fq <= 0.0 {
                        out.push(q);
                    } else if (fp <= 0.0) != (fq <= 0.0) {
                        let t = fp / (fp - fq);
                        out.push((p.0 + t * (q.0 - p.0), p.1 + t * (q.1 - p.1)));
                        if fq <= 0.0 {
                            out.push(q);
                        }
                    }
                }
                poly = out;
            }
            let mut ring: Vec<String> = poly.iter().map(|p| format!("[{:.5},{:.5}]", p.0 / KX, p.1)).collect();
            if let Some(first) = ring.first().cloned() {
                ring.push(first);
            }
            format!(r#"{{"type":"Polygon","coordinates":[[{}]]}}"#, ring.join(","))
        })
        .collect()
}

/// Township population of an age in a year: the cohort's births spread over townships, with
/// children drifting to the county seat and young adults leaving for work.
fn population(c: &County, year: i32, age: u32) -> Vec<f64> {
    let cohort = births(year - age as i32) * c.scale * 0.95;
    let t_since = (year - 2015) as f64 + 3.0;
    let shares: Vec<f64> = c.townships.iter().map(|t| t.weight * (1.0 + t.drift * t_since).max(0.2)).collect();
    let sum: f64 = shares.iter().sum();
    let leave = if age >= 18 { 0.8 } else { 1.0 };
    shares.iter().map(|s| cohort * leave * s / sum).collect()
}

fn stage_participation(stage: &str, year: i32) -> f64 {
    let t = (year - 2015) as f64;
    match stage {
        "学前" => (0.82 + 0.012 * t).min(0.95),
        "小学" => 1.0,
        "初中" => 0.985,
        _ => (0.86 + 0.007 * t).min(0.94),
    }
}

fn school_grades(ty: &str) -> Vec<&'static str> {
    let g = eduplan_core::schema::type_grades(ty);
    // 学前班 is rare now; the generator does not use it; special schools take compulsory grades
    let v: Vec<&'static str> = g.iter().copied().filter(|x| *x != "学前班").collect();
    if ty == "特殊教育学校" {
        v.into_iter().filter(|x| matches!(eduplan_core::schema::grade_stage(x), Some("小学" | "初中"))).collect()
    } else {
        v
    }
}

/// Splits `total` into `n` integer parts that sum exactly, as evenly as possible.
fn split_even(total: i64, n: i64) -> Vec<i64> {
    let n = n.max(1);
    (0..n).map(|i| total / n + if i < total % n { 1 } else { 0 }).collect()
}

struct YearState {
    /// (school index, grade) → enrolled
    enrolled: std::collections::HashMap<(usize, &'static str), i64>,
}

fn gen_county(opts: &Options, ci: usize, ds: &mut Dataset) -> County {
    let mut c = build_county(opts, ci);
    let stages = ["学前", "小学", "初中", "高中", "中职"];
    let (y0, y1) = opts.years;
    let mut prev: Option<YearState> = None;
    for year in FIRST_SIM_YEAR..=y1 {
        let emit = year >= y0;
        let mut state = YearState { enrolled: Default::default() };
        // enrolment by grade and township
        for stage in stages {
            for g in enums::GRADE.iter().copied().filter(|g| eduplan_core::schema::grade_stage(g) == Some(stage) && *g != "学前班") {
                let age = grade_age(g);
                let pop = population(&c, year, age);
                let part = stage_participation(stage, year);
                let county_level = matches!(stage, "高中" | "中职");
                let share_voc = 0.38;
                // which schools take this grade, and their weights
                let takers: Vec<usize> = (0..c.schools.len())
                    .filter(|&i| c.schools[i].open_in(year) && school_grades(c.schools[i].ty).contains(&g))
                    .collect();
                let special: f64 = if matches!(stage, "小学" | "初中") { 0.0015 } else { 0.0 };
                let groups: Vec<(Vec<usize>, f64)> = if county_level {
                    let total: f64 = pop.iter().sum::<f64>() * part * if stage == "中职" { share_voc } else { 1.0 - share_voc };
                    vec![(takers.clone(), total)]
                } else {
                    (0..c.townships.len())
                        .map(|ti| {
                            let v: Vec<usize> = takers.iter().copied().filter(|&i| c.schools[i].township == ti && c.schools[i].ty != "特殊教育学校").collect();
                            (v, pop[ti] * part * (1.0 - special))
                        })
                        .chain(std::iter::once((
                            takers.iter().copied().filter(|&i| c.schools[i].ty == "特殊教育学校").collect(),
                            pop.iter().sum::<f64>() * special,
                        )))
                        .collect()
                };
                for (members, total) in groups {
                    let wsum: f64 = members.iter().map(|&i| c.schools[i].weight).sum();
                    if wsum <= 0.0 {
                        continue;
                    }
                    for &i in &members {
                        let e = (total * c.schools[i].weight / wsum).round() as i64;
                        state.enrolled.insert((i, g), e);
                    }
                }
            }
        }
        // design places fixed by the first simulated year's enrolment
        if year == FIRST_SIM_YEAR {
            for (i, s) in c.schools.iter_mut().enumerate() {
                let e: i64 = state.enrolled.iter().filter(|((j, _), _)| *j == i).map(|(_, v)| *v).sum();
                let mut r = rng_for(opts.seed, &[ci as u64, 7, i as u64]);
                s.design_places = ((e.max(60) as f64) * r.random_range(0.95..1.3) / 5.0).round() as i64 * 5;
            }
        }
        if emit {
            emit_year(opts, ci, &c, year, &state, prev.as_ref(), ds);
        }
        // urban schools run fuller classes as children arrive
        for s in c.schools.iter_mut().filter(|s| s.ur == Ur::Urban && s.ty != "幼儿园") {
            s.class_target += 0.35;
        }
        prev = Some(state);
    }
    c
}

fn emit_year(opts: &Options, ci: usize, c: &County, year: i32, st: &YearState, prev: Option<&YearState>, ds: &mut Dataset) {
    let students = SheetKind::Students;
    let exit = ["大班", "六年级", "九年级", "高三", "中职三年级"];
    let entry = ["小班", "一年级", "七年级", "高一", "中职一年级"];
    for (i, s) in c.schools.iter().enumerate() {
        if !s.open_in(year) {
            continue;
        }
        let mut r = rng_for(opts.seed, &[ci as u64, 11, i as u64, year as u64]);
        let grades = school_grades(s.ty);
        let mut total = 0i64;
        let mut classes_total = 0i64;
        for g in &grades {
            let e = *st.enrolled.get(&(i, *g)).unwrap_or(&0);
            total += e;
            let stage = eduplan_core::schema::grade_stage(g).unwrap_or("");
            let age = grade_age(g);
            let older = ((e as f64) * r.random_range(0.01..0.05)).round() as i64;
            let by_age = if e == 0 { None } else if older > 0 { Some(format!("{}:{};{}:{}", age, e - older, age + 1, older)) } else { Some(format!("{age}:{e}")) };
            let migrant = match s.ur {
                Ur::Urban => (e as f64 * r.random_range(0.08..0.18)).round() as i64,
                _ => (e as f64 * r.random_range(0.0..0.03)).round() as i64,
            };
            let left = match s.ur {
                Ur::Rural => (e as f64 * r.random_range(0.18..0.32)).round() as i64,
                Ur::Town => (e as f64 * r.random_range(0.08..0.18)).round() as i64,
                Ur::Urban => (e as f64 * r.random_range(0.0..0.04)).round() as i64,
            };
            let disabled = if s.ty == "特殊教育学校" { e } else { (e as f64 * r.random_range(0.0..0.006)).round() as i64 };
            let prev_e = prev.and_then(|p| p.enrolled.get(&(i, *g)).copied());
            let graduates = if exit.contains(g) { prev_e.map(|p| (p as f64 * 0.995).round() as i64) } else { None };
            let entrants = if entry.contains(g) { Some(e) } else { None };
            // a separate stream, so adding repeaters left every other generated figure unchanged
            let repeaters = (stage != "学前").then(|| {
                let mut rr = rng_for(opts.seed, &[ci as u64, 12, i as u64, year as u64, grade_age(g) as u64]);
                (e as f64 * rr.random_range(0.0..0.004)).round() as i64
            });
            let dropouts = if matches!(stage, "初中" | "高中" | "中职") {
                prev_e.map(|p| (p as f64 * r.random_range(0.0..0.008)).round() as i64)
            } else {
                Some(0)
            };
            ds.table_mut(students).rows.push(
                RowBuilder::new(students)
                    .set("year", year)
                    .set("school_id", s.id.as_str())
                    .set("grade", *g)
                    .set("enrolled", e)
                    .set("female", (e as f64 * r.random_range(0.45..0.49)).round() as i64)
                    .set("entrants", entrants)
                    .set("graduates", graduates)
                    .set("migrant", migrant)
                    .set("left_behind", left)
                    .set("disabled", disabled)
                    .set("dropouts", dropouts)
                    .set("repeaters", repeaters)
                    .set("by_age", by_age)
                    .build(),
            );
            // classes
            if e > 0 {
                let target = match *g {
                    "小班" => s.class_target * 0.8,
                    "大班" => s.class_target * 1.15,
                    _ => s.class_target,
                };
                let n = ((e as f64) / target).ceil().max(1.0) as i64;
                for (k, size) in split_even(e, n).into_iter().enumerate() {
                    classes_total += 1;
                    ds.table_mut(SheetKind::Classes).rows.push(
                        RowBuilder::new(SheetKind::Classes)
                            .set("year", year)
                            .set("school_id", s.id.as_str())
                            .set("grade", *g)
                            .set("class", format!("{}({})班", g, k + 1))
                            .set("size", size)
                            .build(),
                    );
                }
            }
        }
        emit_staff(opts, ci, i, s, year, total, classes_total, &grades, ds);
        emit_conditions(s, year, total, classes_total, &mut r, ds);
    }
    // regions and population: only for the county (regions are written once, by the caller)
    for (ti, t) in c.townships.iter().enumerate() {
        let mut r = rng_for(opts.seed, &[ci as u64, 13, ti as u64, year as u64]);
        for age in 0..=26u32 {
            let count = if age == 26 {
                // adults: a township's share of ~300,000
                let share = t.weight / c.townships.iter().map(|t| t.weight).sum::<f64>();
                (300_000.0 * c.scale * share * r.random_range(0.98..1.02)).round() as i64
            } else {
                population(c, year, age)[ti].round() as i64
            };
            let births_v = if age == 0 { Some(count) } else { None };
            ds.table_mut(SheetKind::Population).rows.push(
                RowBuilder::new(SheetKind::Population)
                    .set("region", t.code.as_str())
                    .set("year", year)
                    .set("age", age as i64)
                    .set("count", count)
                    .set("births", births_v)
                    .build(),
            );
        }
        let kids: f64 = (6..=14).map(|a| population(c, year, a)[ti]).sum();
        for (k, cat) in enums::DISABILITY.iter().enumerate() {
            let eligible = (kids * [0.0004, 0.0005, 0.0012, 0.0006][k] * r.random_range(0.8..1.2)).round() as i64;
            let in_school = (eligible as f64 * r.random_range(0.85..0.97)).round() as i64;
            let home = ((eligible - in_school) as f64 * r.random_range(0.3..0.8)).round() as i64;
            ds.table_mut(SheetKind::DisabledChildren).rows.push(
                RowBuilder::new(SheetKind::DisabledChildren)
                    .set("region", t.code.as_str())
                    .set("year", year)
                    .set("category", *cat)
                    .set("eligible", eligible)
                    .set("in_school", in_school)
                    .set("home_taught", home)
                    .build(),
            );
        }
    }
    // attainment of the county population, improving a little each year
    let t = (year - 2015) as f64;
    let dist15 = [0.04 - 0.002 * t, 0.24 - 0.006 * t, 0.40 - 0.004 * t, 0.16 + 0.004 * t, 0.05, 0.06 + 0.004 * t, 0.045 + 0.004 * t, 0.005];
    let dist16 = [0.015, 0.17 - 0.006 * t, 0.42 - 0.006 * t, 0.18 + 0.004 * t, 0.06, 0.08 + 0.004 * t, 0.07 + 0.004 * t, 0.005];
    for (from, to, dist, pop) in [(15i64, None, dist15, 400_000.0), (16, Some(59i64), dist16, 290_000.0)] {
        for (k, lvl) in enums::ATTAINMENT.iter().enumerate() {
            ds.table_mut(SheetKind::Attainment).rows.push(
                RowBuilder::new(SheetKind::Attainment)
                    .set("region", c.code.as_str())
                    .set("year", year)
                    .set("age_from", from)
                    .set("age_to", to)
                    .set("level", *lvl)
                    .set("count", (pop * c.scale * dist[k]).round() as i64)
                    .build(),
            );
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn emit_staff(opts: &Options, ci: usize, si: usize, s: &School, year: i32, students: i64, classes: i64, grades: &[&'static str], ds: &mut Dataset) {
    if students == 0 {
        return;
    }
    let stage_of = |g: &str| eduplan_core::schema::grade_stage(g).unwrap_or("小学");
    let main_stage = stage_of(grades[0]);
    let ratio = match (s.ty, main_stage) {
        ("幼儿园", _) => 14.5,
        ("特殊教育学校", _) => 3.5,
        (_, "小学") => 21.5,
        (_, "初中") => 16.0,
        _ => 15.5,
    };
    let min_staff = match s.ty {
        "教学点" => 2,
        "小学" => 8,
        "幼儿园" => 4,
        _ => 12,
    };
    let n = ((students as f64 / ratio * s.f_staff).round() as i64).max(min_staff).max(classes / 2);
    let kg = s.ty == "幼儿园";
    let subjects: &[&str] = if kg { &["学前教育"] } else { &["语文", "数学", "英语", "科学", "道德与法治", "信息技术", "语文", "数学"] };
    for k in 0..n {
        // a person's attributes stay the same across years (seeded by school and position)
        let mut r = rng_for(opts.seed, &[ci as u64, 17, si as u64, k as u64]);
        let role_draw: f64 = r.random();
        let role = if kg {
            if role_draw < 0.62 { "专任教师" } else if role_draw < 0.9 { "保育员" } else if role_draw < 0.95 { "行政" } else { "工勤" }
        } else if role_draw < 0.86 {
            "专任教师"
        } else if role_draw < 0.92 {
            "行政"
        } else if role_draw < 0.96 {
            "教辅"
        } else {
            "工勤"
        };
        // the same person keeps a birth year across years (younger ones joined later)
        let birth = (2024 - r.random_range(23..60)).min(year - 22);
        let age = year - birth;
        let level = if grades.len() > 1 && !kg {
            let stage_list: Vec<&str> = {
                let mut v: Vec<&str> = grades.iter().map(|g| stage_of(g)).collect();
                v.dedup();
                v
            };
            stage_list[r.random_range(0..stage_list.len())]
        } else if s.ty == "特殊教育学校" {
            "特教"
        } else {
            main_stage
        };
        let level = if s.ty == "特殊教育学校" { "特教" } else { level };
        let d: f64 = r.random::<f64>() / s.f_degree.max(0.1);
        let degree = match level {
            "高中" | "中职" => if d < 0.08 { "研究生" } else if d < 0.97 { "本科" } else { "专科" },
            "初中" => if d < 0.03 { "研究生" } else if d < 0.82 { "本科" } else if d < 0.99 { "专科" } else { "高中" },
            "小学" => if d < 0.55 { "本科" } else if d < 0.97 { "专科" } else { "高中" },
            _ => if d < 0.35 { "本科" } else if d < 0.85 { "专科" } else { "高中" },
        };
        let tdraw: f64 = r.random();
        let title = if age < 27 {
            "未评"
        } else if tdraw < 0.01 {
            "正高级"
        } else if tdraw < 0.22 {
            "高级"
        } else if tdraw < 0.6 {
            "一级"
        } else if tdraw < 0.9 {
            "二级"
        } else {
            "未评"
        };
        let bdraw: f64 = r.random();
        let backbone = if bdraw < 0.003 { "省级" } else if bdraw < 0.025 { "市级" } else if bdraw < 0.02 + 0.06 * s.f_degree { "县级" } else { "无" };
        let sdraw: f64 = r.random();
        let subject = if kg || role != "专任教师" {
            if role == "专任教师" { "学前教育" } else { "" }
        } else if sdraw < 0.07 * s.f_pe_art {
            "体育"
        } else if sdraw < 0.11 * s.f_pe_art {
            "音乐"
        } else if sdraw < 0.145 * s.f_pe_art {
            "美术"
        } else {
            subjects[r.random_range(0..subjects.len())]
        };
        let since = (year - r.random_range(0..(age - 21).max(1))).max(birth + 22);
        let since = since.min(year);
        let mut yr = rng_for(opts.seed, &[ci as u64, 19, si as u64, k as u64, year as u64]);
        let rotated = year - since >= 6 && yr.random_bool(0.12);
        let voc = s.ty == "中等职业学校";
        let staff = SheetKind::Staff;
        ds.table_mut(staff).rows.push(
            RowBuilder::new(staff)
                .set("year", year)
                .set("school_id", s.id.as_str())
                .set("staff_id", format!("T{}{:04}", s.id, k + 1))
                .set("role", role)
                .set("level", level)
                .set("birth_year", birth)
                .set("sex", if r.random_bool(if kg { 0.95 } else { 0.62 }) { "女" } else { "男" })
                .set("degree", degree)
                .set("title", title)
                .set("backbone", backbone)
                .set("subject", if subject.is_empty() { Value::Null } else { Value::from(subject) })
                .set("certified", role != "专任教师" || r.random_bool(0.985))
                .set("since", since)
                .set("rotated", rotated)
                .set("established", s.public && r.random_bool(0.9))
                .set("dual", if voc { Value::Bool(r.random_bool(0.45)) } else { Value::Null })
                .set("specialty", if voc { Value::Bool(r.random_bool(0.55)) } else { Value::Null })
                .set("training_hours", yr.random_range(280..=420) as i64)
                .build(),
        );
    }
}

fn emit_conditions(s: &School, year: i32, students: i64, classes: i64, r: &mut ChaCha8Rng, ds: &mut Dataset) {
    if students == 0 {
        return;
    }
    let junior = matches!(s.ty, "初级中学" | "完全中学" | "高级中学" | "中等职业学校");
    // per-pupil lines of 优质均衡 (小学 / 初中), scaled by the school's factors over its design size
    let (area, sport, equip, mm) = if junior { (5.8, 10.2, 2500.0, 2.4) } else { (4.5, 7.5, 2000.0, 2.3) };
    let cap = s.design_places.max(1) as f64;
    let area_teaching = cap * area * s.f_area;
    let area_sport = cap * sport * s.f_sport;
    // equipment is bought each year for the pupils there; multimedia rooms follow classes
    let equipment = students as f64 * equip * s.f_equip * (1.0 + 0.02 * (year - 2015) as f64) / 10_000.0;
    let mm_rooms = ((students as f64 * mm / 100.0 * s.f_mm).round() as i64).max((classes as f64 * 0.5) as i64);
    let c = SheetKind::Conditions;
    ds.table_mut(c).rows.push(
        RowBuilder::new(c)
            .set("year", year)
            .set("school_id", s.id.as_str())
            .set("area_teaching", (area_teaching * 10.0).round() / 10.0)
            .set("area_sport", (area_sport * 10.0).round() / 10.0)
            .set("area_buildings", (area_teaching * 1.7 * 10.0).round() / 10.0)
            .set("equipment_value", (equipment * 100.0).round() / 100.0)
            .set("mm_rooms", mm_rooms)
            .set("computers", (students as f64 * r.random_range(0.06..0.16)).round() as i64)
            .set("books", (students as f64 * r.random_range(18.0..40.0)).round() as i64)
            .set("public_funds", (students as f64 * if junior { 0.095 } else { 0.072 } * r.random_range(0.95..1.1) * 100.0).round() / 100.0)
            .set("smart_campus", s.ur == Ur::Urban && r.random_bool(0.6) || r.random_bool(0.15))
            .build(),
    );
}

/// Generates the region: its region list, schools and every written year's rows.
pub fn generate(opts: &Options) -> Dataset {
    let mut ds = Dataset::default();
    for s in SheetKind::ALL {
        ds.table_mut(s);
    }
    let multi = opts.counties > 1;
    if multi {
        let rg = SheetKind::Regions;
        ds.table_mut(rg).rows.push(RowBuilder::new(rg).set("code", "360000").set("name", "示例省").build());
        for city in 0..opts.counties.div_ceil(10) {
            ds.table_mut(rg).rows.push(
                RowBuilder::new(rg)
                    .set("code", format!("36{:02}00", city + 1))
                    .set("name", format!("示例{}市", ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"][city % 10]))
                    .set("parent", "360000")
                    .build(),
            );
        }
    }
    for ci in 0..opts.counties {
        let c = gen_county(opts, ci, &mut ds);
        let rg = SheetKind::Regions;
        let parent: Value = if multi { Value::from(format!("36{:02}00", ci / 10 + 1)) } else { Value::Null };
        ds.table_mut(rg).rows.push(RowBuilder::new(rg).set("code", c.code.as_str()).set("name", c.name.as_str()).set("parent", parent).build());
        let bounds = township_boundaries(&c, opts.seed, ci);
        for (t, b) in c.townships.iter().zip(bounds) {
            ds.table_mut(rg).rows.push(
                RowBuilder::new(rg)
                    .set("code", t.code.as_str())
                    .set("name", t.name.as_str())
                    .set("parent", c.code.as_str())
                    .set("urban_rural", t.ur.label())
                    .set("boundary", b)
                    .build(),
            );
        }
        for s in &c.schools {
            let sc = SheetKind::Schools;
            ds.table_mut(sc).rows.push(
                RowBuilder::new(sc)
                    .set("school_id", s.id.as_str())
                    .set("name", s.name.as_str())
                    .set("type", s.ty)
                    .set("ownership", if s.public { "公办" } else { "民办" })
                    .set("puhui", s.puhui)
                    .set("region", c.townships[s.township].code.as_str())
                    .set("urban_rural", s.ur.label())
                    .set("lon", (s.lon * 1e5).round() / 1e5)
                    .set("lat", (s.lat * 1e5).round() / 1e5)
                    .set("design_places", s.design_places)
                    .set("opened", s.opened)
                    .set("closed", s.closed)
                    .build(),
            );
        }
    }
    ds
}

/// The demo county's five-year plan workbook (指标目标, 项目, 资金) for `last` (the last school
/// year of the data): targets on catalogue indicators, new kindergartens and school expansions
/// placed on real schools of the data, and two years of funds, one project spending late.
pub fn demo_plan(ds: &Dataset, last: i32, seed: u64) -> eduplan_core::plan::PlanBook {
    use eduplan_core::plan::{Cmp, FundEntry, PlanBook, Project, TargetRow};
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x9e37_79b9);
    let schools: Vec<(String, String, String)> = ds
        .table(SheetKind::Schools)
        .map(|t| t.rows.iter().map(|r| (t.get(r, "school_id").display(), t.get(r, "name").display(), t.get(r, "type").display())).collect())
        .unwrap_or_default();
    let county: String = schools.first().map(|s| s.0.chars().take(6).collect()).unwrap_or_default();
    let start = last - 3;
    let target = |row, indicator: &str, base: f64, value: f64, cmp, unit: &str, kind: &str, source: &str| TargetRow {
        row,
        indicator: indicator.into(),
        scope: county.clone(),
        base_year: Some(start - 1),
        base_value: Some(base),
        target_year: start + 4,
        target_value: value,
        cmp,
        unit: unit.into(),
        kind: kind.into(),
        source: source.into(),
    };
    let targets = vec![
        target(2, "pre_ger", 88.6, 93.0, Cmp::Ge, "%", "约束性", "学前三年毛入园率提高到93%以上"),
        target(3, "pre_puhui_cov", 82.0, 90.0, Cmp::Ge, "%", "约束性", "普惠性幼儿园覆盖率稳定在90%以上"),
        target(4, "ce_retention", 97.2, 98.0, Cmp::Ge, "%", "约束性", "九年义务教育巩固率保持在98%以上"),
        target(5, "sen_ger", 90.5, 94.0, Cmp::Ge, "%", "预期性", "高中阶段毛入学率达到94%"),
        target(6, "big_class_share", 6.5, 0.0, Cmp::Le, "%", "约束性", "全面消除56人以上大班额"),
        target(7, "tq_above_per100", 3.9, 4.5, Cmp::Ge, "人", "预期性", "每百名学生拥有高于规定学历教师数达到4.5人"),
    ];
    let pick = |ty: &str, n: usize| schools.iter().filter(|s| s.2 == ty).take(n).cloned().collect::<Vec<_>>();
    let mut projects = Vec::new();
    for (i, name) in ["城东新区幼儿园", "滨河幼儿园", "产业园区幼儿园"].iter().enumerate() {
        projects.push(Project { row: 0, id: format!("XM{:02}", i + 1), name: format!("新建{name}"), kind: "新建".into(), school_id: String::new(), new_places: 270 + 90 * i as i64, investment: 1800.0 + 300.0 * i as f64, start_year: start + i as i32, end_year: start + 1 + i as i32, status: "在建".into() });
    }
    for s in pick("小学", 2).into_iter().chain(pick("初级中学", 1)) {
        let n = projects.len() + 1;
        projects.push(Project { row: 0, id: format!("XM{n:02}"), name: format!("{}改扩建工程", s.1), kind: "改扩建".into(), school_id: s.0.clone(), new_places: 450, investment: 2600.0, start_year: last - 1, end_year: last + 1, status: "在建".into() });
    }
    let n = projects.len() + 1;
    projects.push(Project { row: 0, id: format!("XM{n:02}"), name: "农村学校多媒体教室配备".into(), kind: "设备".into(), school_id: String::new(), new_places: 0, investment: 680.0, start_year: last, end_year: last, status: "实施中".into() });
    for (i, p) in projects.iter_mut().enumerate() {
        p.row = i as u32 + 2;
    }
    let mut funds = Vec::new();
    for (i, p) in projects.iter().enumerate() {
        for year in (last - 1)..=last {
            if year < p.start_year || year > p.end_year {
                continue;
            }
            let released = (p.investment * rng.random_range(0.35..0.55)).round();
            // the second expansion spends late in the last year: a funds finding for the demo
            let late = i == 4 && year == last;
            let shares: [f64; 3] = if late { [0.25, 0.55, 0.80] } else { [rng.random_range(0.5..0.7), rng.random_range(0.9..0.95), 1.0] };
            funds.push(FundEntry { row: 0, project: p.id.clone(), date: format!("{year}-03-{:02}", rng.random_range(1..28)), released, spent: 0.0 });
            let mut done = 0.0;
            for (d, share) in ["06-20", "09-25", "12-15"].iter().zip(shares) {
                let spent = (released * share).round() - done;
                done += spent;
                funds.push(FundEntry { row: 0, project: p.id.clone(), date: format!("{year}-{d}"), released: 0.0, spent });
            }
        }
    }
    for (i, f) in funds.iter_mut().enumerate() {
        f.row = i as u32 + 2;
    }
    PlanBook { targets, projects, funds }
}

/// The demo county's plan as a bureau publishes it: text in the style of county education plans,
/// written for eduplan (not taken from any real plan), for the extraction path of the demo.
pub fn demo_plan_text(county: &str) -> String {
    format!(
        "{county}教育事业发展“十四五”规划（演示）\n\
         一、发展目标\n\
         到2025年，全县教育现代化水平明显提升，基本形成覆盖城乡、布局合理、公平优质的现代教育体系。\n\
         （一）学前教育普及普惠。学前三年毛入园率达到93%以上，普惠性幼儿园覆盖率稳定在90%以上，公办园在园幼儿占比达到55%以上。\n\
         （二）义务教育优质均衡。九年义务教育巩固率保持在98%以上，全面消除56人以上大班额，义务教育学校标准化建设达标率达到100%。\n\
         （三）高中阶段教育多样发展。高中阶段毛入学率达到94%以上，普通高中与中等职业学校招生规模大体相当。\n\
         （四）教师队伍建设。每百名学生拥有高于规定学历教师数达到4.5人，新招聘教师600名，培养县级以上骨干教师200名。\n\
         二、重点工程\n\
         实施学前教育扩容工程，新建、改扩建公办幼儿园9所，新增学位2700个。\n\
         实施义务教育学校改扩建工程，改扩建中小学校12所，新增学位5400个。\n\
         推进教育信息化建设，全县中小学多媒体教室覆盖率达到100%。\n\
         三、保障措施\n\
         确保一般公共预算教育支出逐年只增不减，按在校学生人数平均的一般公共预算教育支出逐年只增不减。\n"
    )
}
