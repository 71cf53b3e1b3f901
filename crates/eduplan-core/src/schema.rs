//! The interchange schema (交换格式): every sheet of the workbook bureaus fill in, as data.
//!
//! One description drives the reader, the validator, the writer, the template and the store's
//! tables, so a column added here appears everywhere at once (the store's migrations are checked
//! against it by a test).

/// What a cell may hold, and how text typed by a user is read into it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueKind {
    /// Free text (trimmed).
    Text,
    /// A digit string of one of the given lengths (codes and identifiers, kept as text).
    Code(&'static [usize]),
    /// An integer in an inclusive range.
    Int {
        /// Smallest allowed.
        min: i64,
        /// Largest allowed.
        max: i64,
    },
    /// A school or calendar year (1900..=2100); "2024年" and "2024-25" are read as 2024.
    Year,
    /// A decimal number in an inclusive range.
    Decimal {
        /// Smallest allowed.
        min: f64,
        /// Largest allowed.
        max: f64,
    },
    /// One of a closed list of Chinese labels.
    Enum(&'static [&'static str]),
    /// 是/否 (also Y/N, yes/no, true/false, 1/0, √/×).
    Bool,
    /// Population age: 0..=25 or "26+" (stored as 26).
    Age,
    /// "6:40;7:3" age:count pairs.
    AgeCounts,
}

/// One column of a sheet.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Chinese header as written in the workbook (the canonical name).
    pub zh: &'static str,
    /// English alias, also the column name in the store.
    pub en: &'static str,
    /// Value kind.
    pub kind: ValueKind,
    /// Must be present and non-empty in every row.
    pub required: bool,
    /// Short help text written in the template's help row.
    pub help: &'static str,
}

const fn col(zh: &'static str, en: &'static str, kind: ValueKind, required: bool, help: &'static str) -> Column {
    Column { zh, en, kind, required, help }
}

/// Enumerations of the format. Order is meaningful where the domain has one (grades).
pub mod enums {
    /// 城乡分类.
    pub const URBAN_RURAL: &[&str] = &["城区", "镇区", "乡村"];
    /// 学校类型.
    pub const SCHOOL_TYPE: &[&str] = &[
        "幼儿园", "小学", "教学点", "初级中学", "九年一贯制学校", "十二年一贯制学校", "完全中学", "高级中学",
        "中等职业学校", "特殊教育学校",
    ];
    /// 办学性质.
    pub const OWNERSHIP: &[&str] = &["公办", "民办"];
    /// 年级, in school order.
    pub const GRADE: &[&str] = &[
        "小班", "中班", "大班", "学前班", "一年级", "二年级", "三年级", "四年级", "五年级", "六年级", "七年级", "八年级",
        "九年级", "高一", "高二", "高三", "中职一年级", "中职二年级", "中职三年级",
    ];
    /// 岗位.
    pub const ROLE: &[&str] = &["专任教师", "行政", "教辅", "工勤", "保育员"];
    /// 学段 taught.
    pub const LEVEL: &[&str] = &["学前", "小学", "初中", "高中", "中职", "特教"];
    /// 性别.
    pub const SEX: &[&str] = &["男", "女"];
    /// 最高学历.
    pub const DEGREE: &[&str] = &["研究生", "本科", "专科", "高中", "高中以下"];
    /// 职称.
    pub const TITLE: &[&str] = &["正高级", "高级", "一级", "二级", "三级", "未评"];
    /// 骨干级别.
    pub const BACKBONE: &[&str] = &["无", "县级", "市级", "省级", "国家级"];
    /// 受教育程度.
    pub const ATTAINMENT: &[&str] = &["未上过学", "小学", "初中", "高中", "中职", "大学专科", "大学本科", "研究生"];
    /// 残疾类别.
    pub const DISABILITY: &[&str] = &["视力", "听力", "智力", "其他"];
}

use ValueKind::*;

const COUNT: ValueKind = Int { min: 0, max: 10_000_000 };
const REGION_CODE: ValueKind = Code(&[6, 9]);
const SCHOOL_ID: ValueKind = Code(&[10]);

/// The sheets of the interchange workbook, in workbook order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SheetKind {
    /// 区划.
    Regions,
    /// 学校.
    Schools,
    /// 学生 (one row per school, year, grade).
    Students,
    /// 班级 (one row per class).
    Classes,
    /// 教职工 (one row per person).
    Staff,
    /// 办学条件 (one row per school and year).
    Conditions,
    /// 人口 (one row per township, year, single age).
    Population,
    /// 受教育程度.
    Attainment,
    /// 残疾儿童.
    DisabledChildren,
}

impl SheetKind {
    /// All sheets in workbook order.
    pub const ALL: [SheetKind; 9] = [
        SheetKind::Regions,
        SheetKind::Schools,
        SheetKind::Students,
        SheetKind::Classes,
        SheetKind::Staff,
        SheetKind::Conditions,
        SheetKind::Population,
        SheetKind::Attainment,
        SheetKind::DisabledChildren,
    ];

    /// Chinese sheet name (canonical).
    pub fn zh(self) -> &'static str {
        match self {
            SheetKind::Regions => "区划",
            SheetKind::Schools => "学校",
            SheetKind::Students => "学生",
            SheetKind::Classes => "班级",
            SheetKind::Staff => "教职工",
            SheetKind::Conditions => "办学条件",
            SheetKind::Population => "人口",
            SheetKind::Attainment => "受教育程度",
            SheetKind::DisabledChildren => "残疾儿童",
        }
    }

    /// English alias, also the store's table name.
    pub fn en(self) -> &'static str {
        match self {
            SheetKind::Regions => "regions",
            SheetKind::Schools => "schools",
            SheetKind::Students => "students",
            SheetKind::Classes => "classes",
            SheetKind::Staff => "staff",
            SheetKind::Conditions => "conditions",
            SheetKind::Population => "population",
            SheetKind::Attainment => "attainment",
            SheetKind::DisabledChildren => "disabled_children",
        }
    }

    /// Finds a sheet by its Chinese or English name (case-insensitive, trimmed).
    pub fn from_name(name: &str) -> Option<SheetKind> {
        let n = name.trim();
        SheetKind::ALL.into_iter().find(|s| s.zh() == n || s.en().eq_ignore_ascii_case(n))
    }

    /// Whether rows carry a year (学年/年份) column; regions and schools are year-less.
    pub fn has_year(self) -> bool {
        !matches!(self, SheetKind::Regions | SheetKind::Schools)
    }

    /// Columns of the sheet.
    pub fn columns(self) -> &'static [Column] {
        match self {
            SheetKind::Regions => REGIONS,
            SheetKind::Schools => SCHOOLS,
            SheetKind::Students => STUDENTS,
            SheetKind::Classes => CLASSES,
            SheetKind::Staff => STAFF,
            SheetKind::Conditions => CONDITIONS,
            SheetKind::Population => POPULATION,
            SheetKind::Attainment => ATTAINMENT,
            SheetKind::DisabledChildren => DISABLED,
        }
    }

    /// Columns (English names) that identify a row; no two rows may share them.
    pub fn key(self) -> &'static [&'static str] {
        match self {
            SheetKind::Regions => &["code"],
            SheetKind::Schools => &["school_id"],
            SheetKind::Students => &["year", "school_id", "grade"],
            SheetKind::Classes => &["year", "school_id", "class"],
            SheetKind::Staff => &["year", "staff_id"],
            SheetKind::Conditions => &["year", "school_id"],
            SheetKind::Population => &["region", "year", "age"],
            SheetKind::Attainment => &["region", "year", "age_from", "age_to", "level"],
            SheetKind::DisabledChildren => &["region", "year", "category"],
        }
    }

    /// Index of a column by English name.
    pub fn col_index(self, en: &str) -> Option<usize> {
        self.columns().iter().position(|c| c.en == en)
    }
}

const REGIONS: &[Column] = &[
    col("区划代码", "code", REGION_CODE, true, "必填，唯一；县6位、乡镇9位数字"),
    col("名称", "name", Text, true, "必填"),
    col("上级代码", "parent", REGION_CODE, false, "乡镇填所属县代码；最上级留空"),
    col("城乡分类", "urban_rural", Enum(enums::URBAN_RURAL), false, "乡镇必填：城区/镇区/乡村"),
    col("边界", "boundary", Text, false, "可选：GeoJSON 多边形（WGS84 经纬度），用于地图"),
];

const SCHOOLS: &[Column] = &[
    col("学校标识码", "school_id", SCHOOL_ID, true, "必填，唯一，10位数字"),
    col("学校名称", "name", Text, true, "必填"),
    col("学校类型", "type", Enum(enums::SCHOOL_TYPE), true, "必填，从下拉列表选择"),
    col("办学性质", "ownership", Enum(enums::OWNERSHIP), true, "必填：公办/民办"),
    col("普惠性", "puhui", Bool, false, "仅幼儿园填写：是/否（公办园均为普惠）"),
    col("区划代码", "region", REGION_CODE, true, "所在乡镇的区划代码"),
    col("城乡分类", "urban_rural", Enum(enums::URBAN_RURAL), true, "必填：城区/镇区/乡村"),
    col("经度", "lon", Decimal { min: 73.0, max: 136.0 }, false, "可选，WGS84"),
    col("纬度", "lat", Decimal { min: 3.0, max: 54.0 }, false, "可选，WGS84"),
    col("设计学位", "design_places", COUNT, false, "可选，整数"),
    col("开办年份", "opened", Year, false, "可选"),
    col("撤并年份", "closed", Year, false, "可选"),
];

const STUDENTS: &[Column] = &[
    col("学年", "year", Year, true, "如 2024 表示 2024-2025 学年"),
    col("学校标识码", "school_id", SCHOOL_ID, true, "须在学校表中"),
    col("年级", "grade", Enum(enums::GRADE), true, "从下拉列表选择"),
    col("在校生", "enrolled", COUNT, true, "必填，整数≥0"),
    col("女生", "female", COUNT, false, "≤在校生"),
    col("招生", "entrants", COUNT, false, "本学年新生（起始年级）"),
    col("毕业生", "graduates", COUNT, false, "上学年末毕业生（毕业年级）"),
    col("随迁子女", "migrant", COUNT, false, "≤在校生"),
    col("农村留守儿童", "left_behind", COUNT, false, "≤在校生"),
    col("残疾学生", "disabled", COUNT, false, "≤在校生"),
    col("辍学", "dropouts", COUNT, false, "上学年内辍学人数"),
    col("留级", "repeaters", COUNT, false, "本学年重读本年级的人数"),
    col("分年龄在校生", "by_age", AgeCounts, false, "可选，如 6:40;7:3，合计等于在校生"),
];

const CLASSES: &[Column] = &[
    col("学年", "year", Year, true, "如 2024"),
    col("学校标识码", "school_id", SCHOOL_ID, true, "须在学校表中"),
    col("年级", "grade", Enum(enums::GRADE), true, "从下拉列表选择"),
    col("班级", "class", Text, true, "校内同学年唯一"),
    col("人数", "size", COUNT, true, "整数≥0；同校同年级合计须等于在校生"),
];

const STAFF: &[Column] = &[
    col("学年", "year", Year, true, "如 2024"),
    col("学校标识码", "school_id", SCHOOL_ID, true, "须在学校表中"),
    col("工号", "staff_id", Text, true, "同学年唯一；化名编号，勿填身份证号"),
    col("岗位", "role", Enum(enums::ROLE), true, "专任教师/行政/教辅/工勤/保育员"),
    col("学段", "level", Enum(enums::LEVEL), false, "任教学段"),
    col("出生年份", "birth_year", Year, false, ""),
    col("性别", "sex", Enum(enums::SEX), false, "男/女"),
    col("最高学历", "degree", Enum(enums::DEGREE), false, "研究生/本科/专科/高中/高中以下"),
    col("职称", "title", Enum(enums::TITLE), false, "正高级/高级/一级/二级/三级/未评"),
    col("骨干级别", "backbone", Enum(enums::BACKBONE), false, "无/县级/市级/省级/国家级"),
    col("任教学科", "subject", Text, false, "如 语文、体育、音乐、美术"),
    col("教师资格证", "certified", Bool, false, "是/否"),
    col("本校任教起始年", "since", Year, false, "用于交流轮岗资格"),
    col("本年交流轮岗", "rotated", Bool, false, "是/否"),
    col("在编", "established", Bool, false, "是/否"),
    col("双师型", "dual", Bool, false, "中职学校：是/否"),
    col("专业课教师", "specialty", Bool, false, "中职学校：是/否"),
    col("五年培训学时", "training_hours", Int { min: 0, max: 100_000 }, false, "整数"),
];

const CONDITIONS: &[Column] = &[
    col("学年", "year", Year, true, "如 2024"),
    col("学校标识码", "school_id", SCHOOL_ID, true, "须在学校表中"),
    col("教学及辅助用房面积", "area_teaching", Decimal { min: 0.0, max: 1e7 }, false, "平方米"),
    col("体育运动场馆面积", "area_sport", Decimal { min: 0.0, max: 1e7 }, false, "平方米"),
    col("校舍建筑面积", "area_buildings", Decimal { min: 0.0, max: 1e7 }, false, "平方米"),
    col("教学仪器设备值", "equipment_value", Decimal { min: 0.0, max: 1e7 }, false, "万元"),
    col("网络多媒体教室", "mm_rooms", COUNT, false, "间"),
    col("计算机", "computers", COUNT, false, "台"),
    col("图书", "books", COUNT, false, "册"),
    col("公用经费", "public_funds", Decimal { min: 0.0, max: 1e7 }, false, "万元"),
    col("智慧校园", "smart_campus", Bool, false, "是/否"),
];

const POPULATION: &[Column] = &[
    col("区划代码", "region", REGION_CODE, true, "乡镇代码"),
    col("年份", "year", Year, true, ""),
    col("年龄", "age", Age, true, "0-25 单岁，或 26+"),
    col("人数", "count", COUNT, true, "整数≥0"),
    col("出生", "births", COUNT, false, "可选：当年出生人数（填在 0 岁行）"),
];

const ATTAINMENT: &[Column] = &[
    col("区划代码", "region", REGION_CODE, true, "县或乡镇代码"),
    col("年份", "year", Year, true, ""),
    col("年龄下限", "age_from", Int { min: 0, max: 120 }, true, "含"),
    col("年龄上限", "age_to", Int { min: 0, max: 120 }, false, "含；留空表示不设上限"),
    col("受教育程度", "level", Enum(enums::ATTAINMENT), true, "从下拉列表选择"),
    col("人数", "count", COUNT, true, "整数≥0"),
];

const DISABLED: &[Column] = &[
    col("区划代码", "region", REGION_CODE, true, "乡镇代码"),
    col("年份", "year", Year, true, ""),
    col("类别", "category", Enum(enums::DISABILITY), true, "视力/听力/智力/其他"),
    col("适龄人数", "eligible", COUNT, true, "义务教育适龄残疾儿童数"),
    col("在校", "in_school", COUNT, false, "随班就读及特教学校在校"),
    col("送教上门", "home_taught", COUNT, false, ""),
];

/// The 学段 (stage) a grade belongs to.
pub fn grade_stage(grade: &str) -> Option<&'static str> {
    let i = enums::GRADE.iter().position(|g| *g == grade)?;
    Some(match i {
        0..=3 => "学前",
        4..=9 => "小学",
        10..=12 => "初中",
        13..=15 => "高中",
        _ => "中职",
    })
}

/// Position of a grade in school order (0 = 小班).
pub fn grade_order(grade: &str) -> Option<usize> {
    enums::GRADE.iter().position(|g| *g == grade)
}

/// Grades a school type may teach; mixed-level schools span several stages.
pub fn type_grades(school_type: &str) -> &'static [&'static str] {
    let g = enums::GRADE;
    match school_type {
        "幼儿园" => &g[0..4],
        "小学" | "教学点" => &g[3..10],
        "初级中学" => &g[10..13],
        "九年一贯制学校" => &g[3..13],
        "十二年一贯制学校" => &g[3..16],
        "完全中学" => &g[10..16],
        "高级中学" => &g[13..16],
        "中等职业学校" => &g[16..19],
        // special schools teach every compulsory grade (and some pre-school)
        "特殊教育学校" => &g[0..16],
        _ => &[],
    }
}

/// The leading digits every code under a region shares (360000 → "36", 360100 → "3601",
/// 360721 → "360721"), so "under this region" is a prefix test on 区划代码.
pub fn region_prefix(code: &str) -> &str {
    let mut p = code;
    while p.len() > 2 && p.len() <= 6 && p.ends_with("00") {
        p = &p[..p.len() - 2];
    }
    p
}
