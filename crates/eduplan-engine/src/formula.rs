//! User-defined indicators (自定义指标): a small formula language over named data elements,
//! compiled to catalogue measures so a user's indicator is computed, aggregated and traced
//! exactly like a built-in one.
//!
//! ```text
//! side    := element (('+' | '-') element)*
//! element := table ('.' field)? ('[' filter (',' filter)* ']')?
//! filter  := name (op value)?            bare name = a flag (migrant, certified, public …)
//! op      := '=' | '!=' | '>=' | '<=' | '>' | '<'
//! value   := atom ('|' atom)* | number '..' number
//! ```
//! Example: numerator `students.enrolled[level=初中, migrant]` over denominator
//! `population[age=12..14]`. Errors carry the character span of the offending token.

use eduplan_core::schema::enums;

use crate::catalogue::{Indicator, Kind, Level, Measure, Side, Term};
use crate::ALL_STAGES;

/// Which side of the indicator a formula is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormulaSide {
    /// 分子.
    Numerator,
    /// 分母.
    Denominator,
}

impl FormulaSide {
    /// "numerator" or "denominator".
    pub fn as_str(self) -> &'static str {
        match self {
            FormulaSide::Numerator => "numerator",
            FormulaSide::Denominator => "denominator",
        }
    }
    fn zh(self) -> &'static str {
        match self {
            FormulaSide::Numerator => "分子",
            FormulaSide::Denominator => "分母",
        }
    }
}

/// A formula that cannot be used, pointing at the token (character offsets, end exclusive).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{side:?} at {start}..{end} ({token:?}): {en}")]
pub struct FormulaError {
    /// The side the error is in.
    pub side: FormulaSide,
    /// First character of the offending token.
    pub start: usize,
    /// One past its last character.
    pub end: usize,
    /// The token's text (empty at the end of the input).
    pub token: String,
    /// Message in Chinese.
    pub zh: String,
    /// Message in English.
    pub en: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Num(f64),
    Sym(&'static str),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
    text: String,
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn lex(src: &str, side: FormulaSide) -> Result<Vec<Token>, FormulaError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        // full-width punctuation typed by a Chinese IME means the same
        let c = match c {
            '，' => ',',
            '＝' => '=',
            '【' => '[',
            '】' => ']',
            '［' => '[',
            '］' => ']',
            '．' | '。' => '.',
            '＋' => '+',
            '－' => '-',
            '｜' => '|',
            '＞' => '>',
            '＜' => '<',
            '！' => '!',
            c => c,
        };
        let two: String = [c, chars.get(i + 1).copied().unwrap_or(' ')].iter().collect();
        let sym2 = ["!=", ">=", "<=", ".."].into_iter().find(|s| *s == two);
        if let Some(s) = sym2 {
            i += 2;
            out.push(Token { tok: Tok::Sym(s), start, end: i, text: s.to_string() });
            continue;
        }
        if let Some(s) = [".", "[", "]", ",", "=", ">", "<", "+", "-", "|"].into_iter().find(|s| s.starts_with(c)) {
            i += 1;
            out.push(Token { tok: Tok::Sym(s), start, end: i, text: s.to_string() });
            continue;
        }
        if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_ascii_digit() || (chars[i] == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()))) {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            // a number followed by letters is a name such as "26岁" — keep reading it as a name
            if i < chars.len() && is_ident_char(chars[i]) && !chars[i].is_ascii_digit() {
                while i < chars.len() && is_ident_char(chars[i]) {
                    i += 1;
                }
                let text: String = chars[start..i].iter().collect();
                out.push(Token { tok: Tok::Ident(text.clone()), start, end: i, text });
                continue;
            }
            let n = text.parse().map_err(|_| err(side, start, i, &text, "不是有效的数字", "not a valid number"))?;
            out.push(Token { tok: Tok::Num(n), start, end: i, text });
            continue;
        }
        if is_ident_char(c) {
            while i < chars.len() && is_ident_char(chars[i]) {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            out.push(Token { tok: Tok::Ident(text.clone()), start, end: i, text });
            continue;
        }
        return Err(err(side, start, start + 1, &c.to_string(), &format!("无法识别的字符 “{c}”"), &format!("unexpected character '{c}'")));
    }
    Ok(out)
}

fn err(side: FormulaSide, start: usize, end: usize, token: &str, zh: &str, en: &str) -> FormulaError {
    FormulaError { side, start, end, token: token.to_string(), zh: format!("{}第 {} 个字符起“{}”：{}", side.zh(), start + 1, token, zh), en: format!("{} at character {} ('{}'): {}", side.as_str(), start + 1, token, en) }
}

/// How a filter's values are checked and turned into SQL.
#[derive(Clone, Copy)]
enum FilterKind {
    /// Text column with a closed list of values.
    Enum(&'static str, &'static [&'static str]),
    /// Free text column.
    Text(&'static str),
    /// Numeric column (comparisons and ranges).
    Number(&'static str),
    /// Boolean column used as a bare flag.
    Flag(&'static str),
    /// A bare flag that picks a sub-population column as the value (students' migrant …).
    Subgroup(&'static str),
    /// 办学性质 mapped onto the `public` column.
    Ownership,
}

struct TableDef {
    name: &'static str,
    zh: &'static str,
    fact: &'static str,
    /// (field, SQL value expression); the first is the default
    fields: &'static [(&'static str, &'static str)],
    filters: &'static [(&'static str, FilterKind)],
    /// rows are about townships (no school level)
    regional: bool,
}

use FilterKind::*;

const SCHOOL_FILTERS_STAGE: [(&str, FilterKind); 5] = [
    ("level", Enum("stage", enums::LEVEL)),
    ("type", Enum("type", enums::SCHOOL_TYPE)),
    ("urban_rural", Enum("urban_rural", enums::URBAN_RURAL)),
    ("ownership", Ownership),
    ("public", Flag("public")),
];

const TABLES: &[TableDef] = &[
    TableDef {
        name: "students",
        zh: "学生",
        fact: "enrol",
        fields: &[
            ("enrolled", "enrolled"),
            ("entrants", "entrants"),
            ("graduates", "graduates"),
            ("migrant", "migrant"),
            ("left_behind", "left_behind"),
            ("disabled", "disabled"),
            ("female", "female"),
            ("dropouts", "dropouts"),
            ("repeaters", "repeaters"),
            ("official_age", "enrolled_official_age"),
        ],
        filters: &[
            SCHOOL_FILTERS_STAGE[0],
            SCHOOL_FILTERS_STAGE[1],
            SCHOOL_FILTERS_STAGE[2],
            SCHOOL_FILTERS_STAGE[3],
            SCHOOL_FILTERS_STAGE[4],
            ("grade", Enum("grade", enums::GRADE)),
            ("puhui", Flag("puhui")),
            ("migrant", Subgroup("migrant")),
            ("left_behind", Subgroup("left_behind")),
            ("disabled", Subgroup("disabled")),
            ("female", Subgroup("female")),
            ("repeaters", Subgroup("repeaters")),
        ],
        regional: false,
    },
    TableDef {
        name: "classes",
        zh: "班级",
        fact: "class",
        fields: &[("count", "1"), ("size", "size")],
        filters: &[
            SCHOOL_FILTERS_STAGE[0],
            SCHOOL_FILTERS_STAGE[1],
            SCHOOL_FILTERS_STAGE[2],
            SCHOOL_FILTERS_STAGE[3],
            SCHOOL_FILTERS_STAGE[4],
            ("grade", Enum("grade", enums::GRADE)),
            ("size", Number("size")),
        ],
        regional: false,
    },
    TableDef {
        name: "staff",
        zh: "教职工",
        fact: "staff",
        fields: &[("count", "1"), ("training_hours", "training_hours")],
        filters: &[
            SCHOOL_FILTERS_STAGE[0],
            SCHOOL_FILTERS_STAGE[1],
            SCHOOL_FILTERS_STAGE[2],
            SCHOOL_FILTERS_STAGE[3],
            SCHOOL_FILTERS_STAGE[4],
            ("role", Enum("role", enums::ROLE)),
            ("degree", Enum("degree", enums::DEGREE)),
            ("title", Enum("title", enums::TITLE)),
            ("backbone", Enum("backbone", enums::BACKBONE)),
            ("sex", Enum("sex", enums::SEX)),
            ("subject", Text("subject")),
            ("birth_year", Number("birth_year")),
            ("training_hours", Number("training_hours")),
            ("since", Number("since")),
            ("certified", Flag("certified")),
            ("rotated", Flag("rotated")),
            ("established", Flag("established")),
            ("dual", Flag("dual")),
            ("specialty", Flag("specialty")),
        ],
        regional: false,
    },
    TableDef {
        name: "conditions",
        zh: "办学条件",
        fact: "cond",
        fields: &[
            ("area_teaching", "area_teaching"),
            ("area_sport", "area_sport"),
            ("area_buildings", "area_buildings"),
            ("equipment_value", "equipment_value"),
            ("mm_rooms", "mm_rooms"),
            ("books", "books"),
            ("computers", "computers"),
            ("public_funds", "public_funds"),
            ("students", "students"),
        ],
        filters: &[SCHOOL_FILTERS_STAGE[0], SCHOOL_FILTERS_STAGE[1], SCHOOL_FILTERS_STAGE[2], SCHOOL_FILTERS_STAGE[3], SCHOOL_FILTERS_STAGE[4], ("smart_campus", Flag("smart_campus"))],
        regional: false,
    },
    TableDef {
        name: "population",
        zh: "人口",
        fact: "pop",
        fields: &[("count", "count"), ("births", "births")],
        filters: &[("age", Number("age")), ("urban_rural", Enum("urban_rural", enums::URBAN_RURAL))],
        regional: true,
    },
    TableDef {
        name: "schools",
        zh: "学校",
        fact: "school",
        fields: &[("count", "1"), ("students", "students"), ("design_places", "design_places")],
        filters: &[
            ("type", Enum("type", enums::SCHOOL_TYPE)),
            ("urban_rural", Enum("urban_rural", enums::URBAN_RURAL)),
            ("ownership", Ownership),
            ("public", Flag("public")),
            ("puhui", Flag("puhui")),
            ("smart_campus", Flag("smart_campus")),
            ("students", Number("students")),
        ],
        regional: false,
    },
    TableDef {
        name: "places",
        zh: "学位",
        fact: "place",
        fields: &[("places", "places")],
        filters: &[SCHOOL_FILTERS_STAGE[0], SCHOOL_FILTERS_STAGE[1], SCHOOL_FILTERS_STAGE[2], SCHOOL_FILTERS_STAGE[3], SCHOOL_FILTERS_STAGE[4]],
        regional: false,
    },
];

/// The data elements a formula may name, for help texts: (table, 中文, fields, filters).
pub fn elements() -> Vec<(&'static str, &'static str, Vec<&'static str>, Vec<&'static str>)> {
    TABLES.iter().map(|t| (t.name, t.zh, t.fields.iter().map(|f| f.0).collect(), t.filters.iter().map(|f| f.0).collect())).collect()
}

/// One compiled element: SQL for a measure and its sign.
struct Element {
    sign: f64,
    sql_where: Vec<String>,
    value: String,
    table: &'static TableDef,
    stages: Vec<String>,
}

struct Parser<'a> {
    toks: &'a [Token],
    i: usize,
    side: FormulaSide,
    len: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.i)
    }
    fn fail_here(&self, zh: &str, en: &str) -> FormulaError {
        match self.peek() {
            Some(t) => err(self.side, t.start, t.end, &t.text, zh, en),
            None => err(self.side, self.len, self.len, "", &format!("{zh}（公式意外结束）"), &format!("{en} (unexpected end of formula)")),
        }
    }
    fn sym(&mut self, s: &str) -> bool {
        if matches!(self.peek(), Some(Token { tok: Tok::Sym(x), .. }) if *x == s) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn ident(&mut self, zh: &str, en: &str) -> Result<Token, FormulaError> {
        match self.peek() {
            Some(t @ Token { tok: Tok::Ident(_), .. }) => {
                let t = t.clone();
                self.i += 1;
                Ok(t)
            }
            _ => Err(self.fail_here(zh, en)),
        }
    }

    fn side(&mut self) -> Result<Vec<Element>, FormulaError> {
        let mut out = Vec::new();
        let mut sign = 1.0;
        if self.sym("-") {
            sign = -1.0;
        }
        loop {
            out.push(self.element(sign)?);
            if self.sym("+") {
                sign = 1.0;
            } else if self.sym("-") {
                sign = -1.0;
            } else if self.peek().is_some() {
                return Err(self.fail_here("此处应为 + 或 - 或公式结束", "expected + or - or the end of the formula"));
            } else {
                return Ok(out);
            }
        }
    }

    fn element(&mut self, sign: f64) -> Result<Element, FormulaError> {
        let names: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
        let t = self.ident("此处应为数据名", "expected a data element")?;
        let Some(table) = TABLES.iter().find(|d| d.name == t.text || d.zh == t.text) else {
            return Err(err(self.side, t.start, t.end, &t.text, &format!("未知的数据“{}”，可用：{}", t.text, names.join("、")), &format!("unknown data element '{}'; known: {}", t.text, names.join(", "))));
        };
        let mut value = table.fields[0].1.to_string();
        let mut explicit_field = false;
        if self.sym(".") {
            let f = self.ident("此处应为字段名", "expected a field name")?;
            let fields: Vec<&str> = table.fields.iter().map(|f| f.0).collect();
            let Some(def) = table.fields.iter().find(|x| x.0 == f.text) else {
                return Err(err(self.side, f.start, f.end, &f.text, &format!("{}没有字段“{}”，可用：{}", table.name, f.text, fields.join("、")), &format!("{} has no field '{}'; known: {}", table.name, f.text, fields.join(", "))));
            };
            value = def.1.to_string();
            explicit_field = def.0 != table.fields[0].0;
        }
        let mut sql_where = Vec::new();
        let mut stages: Vec<String> = Vec::new();
        let mut subgroup: Option<Token> = None;
        if self.sym("[") {
            loop {
                let name = self.ident("此处应为筛选条件", "expected a filter")?;
                let filters: Vec<&str> = table.filters.iter().map(|f| f.0).collect();
                let Some(&(_, kind)) = table.filters.iter().find(|f| f.0 == name.text) else {
                    return Err(err(self.side, name.start, name.end, &name.text, &format!("{}不能按“{}”筛选，可用：{}", table.name, name.text, filters.join("、")), &format!("{} cannot be filtered by '{}'; known: {}", table.name, name.text, filters.join(", "))));
                };
                let op = ["=", "!=", ">=", "<=", ">", "<"].into_iter().find(|o| self.sym(o));
                match (kind, op) {
                    (Flag(col), None) => sql_where.push(col.to_string()),
                    (Subgroup(col), None) => {
                        if explicit_field || subgroup.is_some() {
                            return Err(err(self.side, name.start, name.end, &name.text, "一个数据项只能取一个子群体或字段", "an element takes one sub-group or field only"));
                        }
                        value = col.to_string();
                        subgroup = Some(name.clone());
                    }
                    (Flag(_) | Subgroup(_), Some(_)) => return Err(err(self.side, name.start, name.end, &name.text, "这是一个标志，直接写名称即可，不带比较", "this is a flag: write its name alone, without a comparison")),
                    (_, None) => return Err(self.fail_here("此处应为比较符（= != >= <= > <）", "expected a comparison (= != >= <= > <)")),
                    (k, Some(op)) => {
                        let (clause, st) = self.filter_value(k, op, &name)?;
                        sql_where.push(clause);
                        stages.extend(st);
                    }
                }
                if self.sym(",") {
                    continue;
                }
                if self.sym("]") {
                    break;
                }
                return Err(self.fail_here("此处应为 , 或 ]", "expected , or ]"));
            }
        }
        if table.fact == "school" {
            sql_where.push("open".into());
        }
        Ok(Element { sign, sql_where, value, table, stages })
    }

    fn atom(&mut self) -> Result<Token, FormulaError> {
        match self.peek() {
            Some(t @ Token { tok: Tok::Ident(_) | Tok::Num(_), .. }) => {
                let t = t.clone();
                self.i += 1;
                Ok(t)
            }
            _ => Err(self.fail_here("此处应为取值", "expected a value")),
        }
    }

    fn filter_value(&mut self, kind: FilterKind, op: &str, name: &Token) -> Result<(String, Vec<String>), FormulaError> {
        let first = self.atom()?;
        match kind {
            Number(col) => {
                let side = self.side;
                let num = |t: &Token| match t.tok {
                    Tok::Num(n) => Ok(n),
                    _ => Err(err(side, t.start, t.end, &t.text, &format!("{}应为数字", name.text), &format!("{} takes a number", name.text))),
                };
                let a = num(&first)?;
                if self.sym("..") {
                    let b_tok = self.atom()?;
                    let b = num(&b_tok)?;
                    if op != "=" {
                        return Err(err(self.side, name.start, name.end, &name.text, "范围只能与 = 连用", "a range goes with = only"));
                    }
                    if b < a {
                        return Err(err(self.side, b_tok.start, b_tok.end, &b_tok.text, "范围上限小于下限", "the range ends before it starts"));
                    }
                    return Ok((format!("{col} BETWEEN {a} AND {b}"), vec![]));
                }
                Ok((format!("{col} {op} {a}"), vec![]))
            }
            Enum(..) | Text(_) | Ownership => {
                if !matches!(op, "=" | "!=") {
                    return Err(err(self.side, name.start, name.end, &name.text, "文字条件只能用 = 或 !=", "text filters take = or != only"));
                }
                let mut vals = vec![first];
                while self.sym("|") {
                    vals.push(self.atom()?);
                }
                let mut lits = Vec::new();
                for v in &vals {
                    if let Enum(_, allowed) = kind {
                        if !allowed.contains(&v.text.as_str()) {
                            return Err(err(self.side, v.start, v.end, &v.text, &format!("{}的取值应为：{}", name.text, allowed.join("、")), &format!("{} must be one of: {}", name.text, allowed.join(", "))));
                        }
                    }
                    if let Ownership = kind {
                        if !enums::OWNERSHIP.contains(&v.text.as_str()) {
                            return Err(err(self.side, v.start, v.end, &v.text, "办学性质应为 公办 或 民办", "ownership must be 公办 or 民办"));
                        }
                    }
                    lits.push(v.text.replace('\'', "''"));
                }
                let neg = op == "!=";
                let clause = match kind {
                    Ownership => {
                        let public = lits.iter().any(|l| l == "公办");
                        let private = lits.iter().any(|l| l == "民办");
                        match (public && private, public, neg) {
                            (true, _, false) => "TRUE".to_string(),
                            (true, _, true) => "FALSE".to_string(),
                            (false, p, n) => if p != n { "public".to_string() } else { "NOT public".to_string() },
                        }
                    }
                    Enum(col, _) | Text(col) => {
                        let list = lits.iter().map(|l| format!("'{l}'")).collect::<Vec<_>>().join(", ");
                        format!("{col} {}IN ({list})", if neg { "NOT " } else { "" })
                    }
                    _ => unreachable!(),
                };
                let stages = match kind {
                    Enum("stage", _) if !neg => lits,
                    _ => vec![],
                };
                Ok((clause, stages))
            }
            Flag(_) | Subgroup(_) => unreachable!("handled by the caller"),
        }
    }
}

fn parse(src: &str, side: FormulaSide) -> Result<Vec<Element>, FormulaError> {
    let toks = lex(src, side)?;
    let len = src.chars().count();
    if toks.is_empty() {
        return Err(err(side, 0, 0, "", "公式为空", "the formula is empty"));
    }
    Parser { toks: &toks, i: 0, side, len }.side()
}

/// A user's definition (as saved in the store).
#[derive(Debug, Clone, PartialEq)]
pub struct CustomDef {
    /// Code (letters, digits, _; not a catalogue code).
    pub code: String,
    /// 中文名.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// Unit.
    pub unit: String,
    /// Multiplier (100 for %).
    pub scale: f64,
    /// Numerator formula.
    pub numerator: String,
    /// Denominator formula (empty: a count or sum).
    pub denominator: String,
}

/// A compiled user-defined indicator: its measures and the indicator itself.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// Measures to add to the catalogue (named `custom:<code>:n0` …).
    pub measures: Vec<(String, Measure)>,
    /// The indicator.
    pub indicator: Indicator,
    /// The 学段 its figures are about (from `level=` filters; 全部 otherwise).
    pub stage: String,
}

/// Checks both formulas and compiles the indicator.
pub fn compile(def: &CustomDef) -> Result<Compiled, FormulaError> {
    let num = parse(&def.numerator, FormulaSide::Numerator)?;
    let den = if def.denominator.trim().is_empty() { None } else { Some(parse(&def.denominator, FormulaSide::Denominator)?) };
    // one stage for the whole indicator: the level all elements agree on, else 全部
    let mut stages: Vec<&String> = num.iter().chain(den.iter().flatten()).flat_map(|e| e.stages.iter()).collect();
    stages.sort();
    stages.dedup();
    let stage = match stages.as_slice() {
        [one] => (*one).clone(),
        _ => ALL_STAGES.to_string(),
    };
    let regional = num.iter().chain(den.iter().flatten()).any(|e| e.table.regional);
    let mut measures = Vec::new();
    let mut side = |elems: &[Element], tag: &str| -> Side {
        let mut terms = Vec::new();
        for (k, e) in elems.iter().enumerate() {
            let name = format!("custom:{}:{tag}{k}", def.code);
            let school = if e.table.regional { "CAST(NULL AS VARCHAR)" } else { "school_id" };
            let filter = if e.sql_where.is_empty() { String::new() } else { format!(" WHERE {}", e.sql_where.join(" AND ")) };
            let sql = format!("SELECT year, {school} AS school_id, township, county, '{}' AS stage, {} AS value FROM {}{filter}", stage.replace('\'', "''"), e.value, e.table.fact);
            measures.push((name.clone(), Measure { source: e.table.fact.to_string(), sql, by_grade: false }));
            terms.push(Term::Full { measure: name, lag: 0, stage: None, sign: e.sign });
        }
        Side::Sum(terms)
    };
    let numerator = side(&num, "n");
    let denominator = den.as_ref().map(|d| side(d, "d"));
    let levels = if regional { vec![Level::Township, Level::County] } else { vec![Level::School, Level::Township, Level::County] };
    let formula = if def.denominator.trim().is_empty() { def.numerator.clone() } else { format!("{} / {}", def.numerator, def.denominator) };
    let indicator = Indicator {
        code: def.code.clone(),
        name: def.name.clone(),
        name_en: def.name_en.clone(),
        unit: def.unit.clone(),
        scale: def.scale,
        numerator,
        denominator,
        kind: Kind::Ratio,
        aliases: vec![],
        custom: true,
        stages: vec![stage.clone()],
        levels,
        formula,
    };
    Ok(Compiled { measures, indicator, stage })
}

/// Checks a code for a new user-defined indicator: ASCII letters, digits and _, starting with
/// a letter, at most 40 characters.
pub fn check_code(code: &str) -> Result<(), (String, String)> {
    let ok = code.len() <= 40 && code.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(("代码只能由字母、数字和下划线组成，以字母开头，不超过 40 个字符".into(), "a code is letters, digits and _, starting with a letter, at most 40 characters".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(n: &str, d: &str) -> CustomDef {
        CustomDef { code: "x".into(), name: "x".into(), name_en: "x".into(), unit: "%".into(), scale: 100.0, numerator: n.into(), denominator: d.into() }
    }

    #[test]
    fn the_issue_example_compiles_to_one_stage() {
        let c = compile(&def("students.enrolled[level=初中, migrant]", "population[age=12..14]")).unwrap();
        assert_eq!(c.stage, "初中");
        assert_eq!(c.measures.len(), 2);
        assert!(c.measures[0].1.sql.contains("migrant AS value FROM enrol WHERE stage IN ('初中')"), "{}", c.measures[0].1.sql);
        assert!(c.measures[1].1.sql.contains("age BETWEEN 12 AND 14"), "{}", c.measures[1].1.sql);
        assert_eq!(c.indicator.levels, vec![Level::Township, Level::County], "population has no school level");
    }

    #[test]
    fn errors_point_at_the_offending_token() {
        let e = compile(&def("students.enrolled[lvl=初中]", "")).unwrap_err();
        assert_eq!((e.side, e.start, e.end, e.token.as_str()), (FormulaSide::Numerator, 18, 21, "lvl"));
        assert!(e.zh.contains("不能按“lvl”筛选") && e.en.contains("cannot be filtered by 'lvl'"), "{e:?}");
        let e = compile(&def("students", "populaton[age=6]")).unwrap_err();
        assert_eq!((e.side, e.start, e.end), (FormulaSide::Denominator, 0, 9));
        let e = compile(&def("students[level=初三]", "")).unwrap_err();
        assert_eq!((e.start, e.end, e.token.as_str()), (15, 17, "初三"));
        assert!(e.en.contains("must be one of"));
        let e = compile(&def("students[level=初中", "")).unwrap_err();
        assert!(e.en.contains("unexpected end"), "{e:?}");
        assert_eq!(e.start, 17);
        let e = compile(&def("students.migrant[female]", "")).unwrap_err();
        assert_eq!(e.token, "female");
        let e = compile(&def("classes[size>=五十]", "")).unwrap_err();
        assert!(e.en.contains("takes a number"));
        let e = compile(&def("staff[certified=是]", "")).unwrap_err();
        assert!(e.en.contains("flag"));
        let e = compile(&def("students students", "")).unwrap_err();
        assert_eq!((e.start, e.token.as_str()), (9, "students"));
        assert!(compile(&def("  ", "")).unwrap_err().en.contains("empty"));
    }

    #[test]
    fn sums_of_elements_and_ime_punctuation() {
        let c = compile(&def("students[level=高中] ＋ students[level=中职]", "population［age=15..17］")).unwrap();
        assert_eq!(c.stage, ALL_STAGES, "two levels: the figure is about both together");
        assert_eq!(c.indicator.numerator.terms().len(), 2);
        let c = compile(&def("students - students[migrant]", "")).unwrap();
        assert_eq!(c.indicator.numerator.terms()[1].sign(), -1.0);
        assert!(c.indicator.denominator.is_none());
        let c = compile(&def("staff[role=专任教师, ownership=公办, certified]", "staff[role=专任教师]")).unwrap();
        assert!(c.measures[0].1.sql.contains("role IN ('专任教师') AND public AND certified"), "{}", c.measures[0].1.sql);
    }

    #[test]
    fn codes_are_checked() {
        assert!(check_code("jun_migrant_share").is_ok());
        assert!(check_code("1x").is_err());
        assert!(check_code("a b").is_err());
        assert!(check_code("初中").is_err());
    }
}
