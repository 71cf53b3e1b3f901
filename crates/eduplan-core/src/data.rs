//! Tables of interchange data held in memory: what a workbook holds, and what one school year
//! (学年) of the store holds.

use std::collections::BTreeMap;

use crate::schema::SheetKind;

/// One cell value after parsing.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Empty.
    Null,
    /// Integer (counts, years, ages).
    Int(i64),
    /// Decimal (areas, money, coordinates).
    Num(f64),
    /// Text (codes, names, enumerations).
    Text(String),
    /// 是/否.
    Bool(bool),
}

impl Value {
    /// Integer value, if any (decimals are truncated toward zero only when exact).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Num(f) if f.fract() == 0.0 => Some(*f as i64),
            _ => None,
        }
    }
    /// Numeric value, if any.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Num(f) => Some(*f),
            _ => None,
        }
    }
    /// Text value, if any.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }
    /// Boolean value, if any.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    /// Whether the cell is empty.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
    /// The value as a user would type it back into a workbook (是/否 for booleans).
    pub fn display(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Int(i) => i.to_string(),
            Value::Num(f) => fmt_num(*f),
            Value::Text(s) => s.clone(),
            Value::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        }
    }
}

/// Shortest decimal text of a number (no trailing ".0").
pub fn fmt_num(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// A row of a sheet, with the workbook row it came from (1-based, header = row 1), or `None`
/// when it was carried over from the store.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Cells in the sheet's column order ([`SheetKind::columns`]).
    pub cells: Vec<Value>,
    /// Source row number in the uploaded file.
    pub source: Option<u32>,
}

/// The rows of one sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Which sheet.
    pub sheet: SheetKind,
    /// Rows in file order.
    pub rows: Vec<Row>,
}

impl Table {
    /// An empty table of a sheet.
    pub fn new(sheet: SheetKind) -> Table {
        Table { sheet, rows: Vec::new() }
    }
    /// Cell of a row by English column name. Panics on an unknown column name (a programming error).
    pub fn get<'a>(&self, row: &'a Row, en: &str) -> &'a Value {
        let i = self.sheet.col_index(en).unwrap_or_else(|| panic!("no column {en} in {}", self.sheet.en()));
        &row.cells[i]
    }
    /// The row's key (its identifying cells joined), used for uniqueness and diffs.
    pub fn key_of(&self, row: &Row) -> String {
        self.sheet.key().iter().map(|k| self.get(row, k).display()).collect::<Vec<_>>().join("|")
    }
    /// Sorts rows by key so that two tables with the same content compare equal.
    pub fn sort(&mut self) {
        let sheet = self.sheet;
        let t = Table::new(sheet);
        self.rows.sort_by_cached_key(|r| t.key_of(r));
    }
}

/// Builds a row by column name; columns not set stay empty. Used by generators and tests.
pub struct RowBuilder {
    sheet: SheetKind,
    cells: Vec<Value>,
}

impl RowBuilder {
    /// Starts an empty row of a sheet.
    pub fn new(sheet: SheetKind) -> RowBuilder {
        RowBuilder { sheet, cells: vec![Value::Null; sheet.columns().len()] }
    }
    /// Sets a cell. Panics on an unknown column name (a programming error).
    pub fn set(mut self, en: &str, v: impl Into<Value>) -> RowBuilder {
        let i = self.sheet.col_index(en).unwrap_or_else(|| panic!("no column {en} in {}", self.sheet.en()));
        self.cells[i] = v.into();
        self
    }
    /// The finished row (no source row).
    pub fn build(self) -> Row {
        Row { cells: self.cells, source: None }
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(v)
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Value {
        Value::Int(v as i64)
    }
}
impl From<u32> for Value {
    fn from(v: u32) -> Value {
        Value::Int(v as i64)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Value {
        Value::Num(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Bool(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(v)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map(Into::into).unwrap_or(Value::Null)
    }
}

/// What an uploaded workbook holds: the sheets it has, possibly several years.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dataset {
    /// Sheets present in the workbook (a sheet absent here is absent from the file).
    pub tables: BTreeMap<SheetKind, Table>,
}

impl Dataset {
    /// Table of a sheet, if the workbook has it.
    pub fn table(&self, s: SheetKind) -> Option<&Table> {
        self.tables.get(&s)
    }
    /// Table of a sheet, created empty if absent.
    pub fn table_mut(&mut self, s: SheetKind) -> &mut Table {
        self.tables.entry(s).or_insert_with(|| Table::new(s))
    }
    /// Years that rows of the year-bearing sheets mention, ascending.
    pub fn years(&self) -> Vec<i32> {
        let mut ys: Vec<i32> = self
            .tables
            .values()
            .filter(|t| t.sheet.has_year())
            .flat_map(|t| t.rows.iter().filter_map(move |r| t.get(r, "year").as_i64()))
            .map(|y| y as i32)
            .collect();
        ys.sort_unstable();
        ys.dedup();
        ys
    }
}

/// Everything stored for one school year: the region and school lists as they stood, and that
/// year's rows of every year-bearing sheet. This is the unit that is versioned.
#[derive(Debug, Clone, PartialEq)]
pub struct YearData {
    /// School year (2024 = 2024–25).
    pub year: i32,
    /// Every sheet, present even when empty.
    pub tables: BTreeMap<SheetKind, Table>,
}

impl YearData {
    /// An empty year.
    pub fn empty(year: i32) -> YearData {
        YearData { year, tables: SheetKind::ALL.iter().map(|s| (*s, Table::new(*s))).collect() }
    }
    /// Table of a sheet.
    pub fn table(&self, s: SheetKind) -> &Table {
        &self.tables[&s]
    }
    /// Mutable table of a sheet.
    pub fn table_mut(&mut self, s: SheetKind) -> &mut Table {
        self.tables.get_mut(&s).expect("every sheet present")
    }
    /// Sorts every table by key (canonical order for comparison and export).
    pub fn sort(&mut self) {
        for t in self.tables.values_mut() {
            t.sort();
        }
    }
    /// The year's rows of a dataset, with no history: what a first import of that year stores.
    pub fn from_dataset(ds: &Dataset, year: i32) -> YearData {
        merge_year(None, ds, year)
    }
}

/// The column that scopes replacement for a sheet: rows of a school (or region) present in an
/// upload replace that school's (region's) stored rows; others are carried over.
fn scope_column(s: SheetKind) -> Option<&'static str> {
    match s {
        SheetKind::Regions | SheetKind::Schools => None,
        SheetKind::Students | SheetKind::Classes | SheetKind::Staff | SheetKind::Conditions => Some("school_id"),
        SheetKind::Population | SheetKind::Attainment | SheetKind::DisabledChildren => Some("region"),
    }
}

/// Builds the new content of a school year from the stored one and an upload.
///
/// Rules (documented in docs/data-format.md):
/// - 区划 and 学校, when present, are the complete lists: schools absent from a present 学校
///   sheet are dropped together with their rows in every sheet.
/// - Any other present sheet replaces, for this year, the rows of every school (or region) it
///   mentions; rows of schools it does not mention are carried over.
/// - Sheets absent from the upload are carried over unchanged.
pub fn merge_year(prev: Option<&YearData>, incoming: &Dataset, year: i32) -> YearData {
    merge_year_owned(prev, incoming.clone(), year)
}

/// Splits an upload by school year, moving rows (a province's upload is a million rows; copying
/// them once per step showed in profiles). Year-less sheets (区划, 学校) go to every year.
pub fn split_by_year(ds: Dataset, years: &[i32]) -> BTreeMap<i32, Dataset> {
    let mut out: BTreeMap<i32, Dataset> = years.iter().map(|y| (*y, Dataset::default())).collect();
    for (sheet, table) in ds.tables {
        if sheet.has_year() {
            let yi = sheet.col_index("year").expect("year column");
            for r in table.rows {
                if let Some(d) = r.cells[yi].as_i64().and_then(|y| out.get_mut(&(y as i32))) {
                    d.table_mut(sheet).rows.push(r);
                }
            }
        } else {
            for d in out.values_mut() {
                d.tables.insert(sheet, table.clone());
            }
        }
    }
    out
}

/// [`merge_year`], consuming the upload's rows instead of copying them.
pub fn merge_year_owned(prev: Option<&YearData>, mut incoming: Dataset, year: i32) -> YearData {
    let mut out = prev.cloned().unwrap_or_else(|| YearData::empty(year));
    out.year = year;
    // the new complete school list, if the upload has one: stored rows of schools not on it go
    // (the upload's own rows stay, so that a row naming an unknown school is reported, not lost)
    let listed: Option<std::collections::HashSet<String>> = incoming.tables.get(&SheetKind::Schools).map(|t| {
        t.rows.iter().map(|r| t.get(r, "school_id").display()).collect()
    });
    for sheet in SheetKind::ALL {
        let target = out.table_mut(sheet);
        let scope = scope_column(sheet);
        if let (Some(ids), Some("school_id")) = (&listed, scope) {
            let ci = sheet.col_index("school_id").expect("school_id");
            target.rows.retain(|r| ids.contains(&r.cells[ci].display()));
        }
        let Some(table) = incoming.tables.remove(&sheet) else { continue };
        let mut new_rows = table.rows;
        if sheet.has_year() {
            let yi = sheet.col_index("year").expect("year column");
            new_rows.retain(|r| r.cells[yi].as_i64() == Some(year as i64));
        }
        match scope {
            None => target.rows = new_rows,
            Some(scope) => {
                if new_rows.is_empty() {
                    continue;
                }
                let ci = sheet.col_index(scope).expect("scope column");
                if target.rows.is_empty() {
                    target.rows = new_rows;
                    continue;
                }
                let scopes: std::collections::HashSet<String> = new_rows.iter().map(|r| r.cells[ci].display()).collect();
                target.rows.retain(|r| !scopes.contains(&r.cells[ci].display()));
                target.rows.extend(new_rows);
            }
        }
    }
    out
}
