//! Versioned school years: reading a year (current or any earlier version) and writing an
//! import plan as new versions in one transaction.

use std::collections::BTreeMap;

use eduplan_core::data::{Row, Table, Value, YearData};
use eduplan_core::import::{ImportPlan, Stored};
use eduplan_core::schema::{SheetKind, ValueKind};
use sqlx::any::AnyRow;
use sqlx::{Any, Row as _};

use crate::{now, Result, Store, StoreError};

/// One stored version of a school year.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionInfo {
    /// Row id (unique across years).
    pub id: i64,
    /// School year.
    pub year: i32,
    /// Version number within the year (1, 2, …).
    pub version: i64,
    /// When it was written.
    pub created_at: String,
    /// Who wrote it.
    pub created_by: String,
    /// The file it came from.
    pub source: String,
    /// Whether it is the year's current version.
    pub current: bool,
}

/// Headline counts of a version.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct YearSummary {
    /// Schools listed.
    pub schools: i64,
    /// 在校生.
    pub students: i64,
    /// Classes.
    pub classes: i64,
    /// Staff.
    pub staff: i64,
}

enum Kind {
    Text,
    Int,
    Num,
    Bool,
}

fn kind_of(k: ValueKind) -> Kind {
    match k {
        ValueKind::Text | ValueKind::Code(_) | ValueKind::Enum(_) | ValueKind::AgeCounts => Kind::Text,
        ValueKind::Int { .. } | ValueKind::Year | ValueKind::Age => Kind::Int,
        ValueKind::Decimal { .. } => Kind::Num,
        ValueKind::Bool => Kind::Bool,
    }
}

fn decode(row: &AnyRow, i: usize, k: ValueKind) -> Result<Value> {
    Ok(match kind_of(k) {
        Kind::Text => row.try_get::<Option<String>, _>(i)?.map(Value::Text).unwrap_or(Value::Null),
        Kind::Int => row.try_get::<Option<i64>, _>(i)?.map(Value::Int).unwrap_or(Value::Null),
        Kind::Num => row.try_get::<Option<f64>, _>(i)?.map(Value::Num).unwrap_or(Value::Null),
        Kind::Bool => row.try_get::<Option<i64>, _>(i)?.map(|b| Value::Bool(b != 0)).unwrap_or(Value::Null),
    })
}

fn quoted_columns(s: SheetKind) -> String {
    s.columns().iter().map(|c| format!("\"{}\"", c.en)).collect::<Vec<_>>().join(", ")
}

impl Store {
    /// Every version of every year, newest first.
    pub async fn versions(&self) -> Result<Vec<VersionInfo>> {
        let rows: Vec<AnyRow> = sqlx::query(
            "SELECT v.id, v.year, v.version, v.created_at, v.created_by, v.source, \
             CAST(CASE WHEN v.version = (SELECT MAX(w.version) FROM data_versions w WHERE w.year = v.year) THEN 1 ELSE 0 END AS BIGINT) \
             FROM data_versions v ORDER BY v.year DESC, v.version DESC",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(VersionInfo {
                    id: r.try_get(0)?,
                    year: r.try_get::<i64, _>(1)? as i32,
                    version: r.try_get(2)?,
                    created_at: r.try_get(3)?,
                    created_by: r.try_get(4)?,
                    source: r.try_get(5)?,
                    current: r.try_get::<i64, _>(6)? == 1,
                })
            })
            .collect()
    }

    /// One version by id.
    pub async fn version(&self, id: i64) -> Result<VersionInfo> {
        self.versions().await?.into_iter().find(|v| v.id == id).ok_or_else(|| StoreError::NotFound(format!("version {id}")))
    }

    /// The current version of each stored year, ascending by year.
    pub async fn current_versions(&self) -> Result<Vec<VersionInfo>> {
        let mut v: Vec<VersionInfo> = self.versions().await?.into_iter().filter(|v| v.current).collect();
        v.sort_by_key(|v| v.year);
        Ok(v)
    }

    /// Years with data, ascending.
    pub async fn years(&self) -> Result<Vec<i32>> {
        Ok(self.current_versions().await?.iter().map(|v| v.year).collect())
    }

    /// The counties (区县: six-digit codes not ending in 00) of the latest school year, by code.
    pub async fn counties(&self) -> Result<Vec<String>> {
        let Some(v) = self.current_versions().await?.into_iter().max_by_key(|v| v.year) else { return Ok(Vec::new()) };
        let q = self.sql("SELECT code FROM regions WHERE version_id = $1 ORDER BY code");
        let rows: Vec<sqlx::any::AnyRow> = sqlx::query(&q).bind(v.id).fetch_all(&self.pool).await?;
        Ok(rows.iter().map(|r| sqlx::Row::get::<String, _>(r, 0)).filter(|c| c.len() == 6 && !c.ends_with("00")).collect())
    }

    /// The version id of a year's current version.
    pub async fn current_version_id(&self, year: i32) -> Result<Option<i64>> {
        Ok(self.current_versions().await?.into_iter().find(|v| v.year == year).map(|v| v.id))
    }

    /// Reads the content of a version.
    pub async fn load_version(&self, version_id: i64) -> Result<YearData> {
        let info = self.version(version_id).await?;
        let mut y = YearData::empty(info.year);
        for s in SheetKind::ALL {
            *y.table_mut(s) = self.load_rows(version_id, s, None).await?;
        }
        Ok(y)
    }

    /// Reads one sheet of a version, optionally only one school's rows (sorted by key).
    pub async fn load_rows(&self, version_id: i64, s: SheetKind, school_id: Option<&str>) -> Result<Table> {
        let mut q = format!("SELECT {} FROM \"{}\" WHERE version_id = {}", quoted_columns(s), s.en(), self.ph(1));
        if school_id.is_some() {
            q.push_str(&format!(" AND school_id = {}", self.ph(2)));
        }
        let mut query = sqlx::query(&q).bind(version_id);
        if let Some(id) = school_id {
            query = query.bind(id.to_string());
        }
        let rows: Vec<AnyRow> = query.fetch_all(self.pool()).await?;
        let mut t = Table::new(s);
        for r in &rows {
            let cells = s.columns().iter().enumerate().map(|(i, c)| decode(r, i, c.kind)).collect::<Result<Vec<_>>>()?;
            t.rows.push(Row { cells, source: None });
        }
        t.sort();
        Ok(t)
    }

    /// Reads the current content of a year, if stored.
    pub async fn load_year(&self, year: i32) -> Result<Option<YearData>> {
        match self.current_version_id(year).await? {
            Some(id) => Ok(Some(self.load_version(id).await?)),
            None => Ok(None),
        }
    }

    /// The current versions of the given years (those stored), as an import check needs them.
    pub async fn stored(&self, years: &[i32]) -> Result<Stored> {
        let mut out = BTreeMap::new();
        for v in self.current_versions().await? {
            if years.contains(&v.year) {
                out.insert(v.year, (v.version, self.load_version(v.id).await?));
            }
        }
        Ok(out)
    }

    /// Headline counts of a version.
    pub async fn summary(&self, version_id: i64) -> Result<YearSummary> {
        let p = self.ph(1);
        let q = format!(
            "SELECT (SELECT COUNT(*) FROM schools WHERE version_id = {p}), \
             (SELECT CAST(COALESCE(SUM(enrolled), 0) AS BIGINT) FROM students WHERE version_id = {p}), \
             (SELECT COUNT(*) FROM classes WHERE version_id = {p}), \
             (SELECT COUNT(*) FROM staff WHERE version_id = {p})"
        );
        let r: AnyRow = sqlx::query(&q).bind(version_id).fetch_one(self.pool()).await?;
        Ok(YearSummary { schools: r.try_get(0)?, students: r.try_get(1)?, classes: r.try_get(2)?, staff: r.try_get(3)? })
    }

    /// Writes every year of an error-free plan as a new version, all in one transaction, and
    /// records it in the audit log. Returns the new versions.
    pub async fn apply(&self, plan: &ImportPlan, actor: &str, source: &str) -> Result<Vec<VersionInfo>> {
        if !plan.ok() {
            return Err(StoreError::Invalid("import has errors; nothing written".into()));
        }
        let mut tx = self.pool().begin().await?;
        let mut written = Vec::new();
        for yp in &plan.years {
            let q = self.sql("SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) FROM data_versions WHERE year = $1");
            let max: i64 = sqlx::query_scalar(&q).bind(yp.year as i64).fetch_one(&mut *tx).await?;
            if max != yp.previous_version.unwrap_or(0) {
                return Err(StoreError::Invalid(format!(
                    "school year {} changed since the file was checked (version {max}); check it again",
                    yp.year
                )));
            }
            let created_at = now();
            let q = self.sql(
                "INSERT INTO data_versions (year, version, created_at, created_by, source) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            );
            let id: i64 = sqlx::query_scalar(&q)
                .bind(yp.year as i64)
                .bind(max + 1)
                .bind(&created_at)
                .bind(actor)
                .bind(source)
                .fetch_one(&mut *tx)
                .await?;
            for s in SheetKind::ALL {
                insert_rows(self, &mut tx, id, yp.data.table(s)).await?;
            }
            written.push(VersionInfo {
                id,
                year: yp.year,
                version: max + 1,
                created_at,
                created_by: actor.to_string(),
                source: source.to_string(),
                current: true,
            });
        }
        let detail = written.iter().map(|v| format!("{} v{}", v.year, v.version)).collect::<Vec<_>>().join(", ");
        self.audit_tx(&mut tx, &now(), actor, "import", &source, &detail).await?;
        tx.commit().await?;
        Ok(written)
    }
}

/// Bulk insert in multi-row statements (parameter count kept under both backends' limits).
async fn insert_rows(store: &Store, tx: &mut sqlx::Transaction<'_, Any>, version_id: i64, t: &Table) -> Result<()> {
    let cols = t.sheet.columns();
    let per_row = cols.len() + 1;
    // Big statements (under SQLite's 32,766 and PostgreSQL's 65,535 parameters). On SQLite the
    // placeholders are plain `?`: sqlx resolves numbered `?NNN` ones in time quadratic in their
    // count (20,000 parameters: 26 s against 0.6 s for the same rows).
    let chunk = (30_000 / per_row).max(1);
    let head = format!("INSERT INTO \"{}\" (version_id, {}) VALUES ", t.sheet.en(), quoted_columns(t.sheet));
    for rows in t.rows.chunks(chunk) {
        let mut q = String::with_capacity(head.len() + rows.len() * per_row * 6);
        q.push_str(&head);
        let mut n = 0;
        for (ri, _) in rows.iter().enumerate() {
            if ri > 0 {
                q.push(',');
            }
            q.push('(');
            for ci in 0..per_row {
                if ci > 0 {
                    q.push(',');
                }
                n += 1;
                match store.backend() {
                    crate::Backend::Sqlite => q.push('?'),
                    crate::Backend::Postgres => q.push_str(&store.ph(n)),
                }
            }
            q.push(')');
        }
        let mut query = sqlx::query(&q);
        for r in rows {
            query = query.bind(version_id);
            for (c, v) in cols.iter().zip(&r.cells) {
                query = match (kind_of(c.kind), v) {
                    (Kind::Text, Value::Text(s)) => query.bind(Some(s.as_str())),
                    (Kind::Text, _) => query.bind(None::<&str>),
                    (Kind::Int, v) => query.bind(v.as_i64()),
                    (Kind::Num, v) => query.bind(v.as_f64()),
                    (Kind::Bool, v) => query.bind(v.as_bool().map(|b| b as i64)),
                };
            }
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}
