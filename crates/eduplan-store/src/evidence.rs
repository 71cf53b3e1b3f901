//! Assessment items checked on site (现场核查): the result a supervisor records for an item the
//! data cannot decide (teacher pay, 就近入学, 社会认可度 …), with the evidence file (佐证材料).
//! Records are never overwritten: the latest one per item is in force, the others are history.

use sqlx::any::AnyRow;
use sqlx::Row as _;

use crate::{now, Result, Store, StoreError};

/// A recorded result of one item.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// Row id.
    pub id: i64,
    /// Assessment method.
    pub method: String,
    /// School year.
    pub year: i32,
    /// County code.
    pub scope: String,
    /// Item code (G9, S1, P6 …).
    pub code: String,
    /// Found to meet the standard.
    pub passed: bool,
    /// What was found.
    pub note: String,
    /// Evidence file name (empty: none).
    pub file_name: String,
    /// Its MIME type.
    pub file_mime: String,
    /// Who recorded it.
    pub recorded_by: String,
    /// When.
    pub recorded_at: String,
}

/// An evidence file: (name, MIME type, bytes).
pub type EvidenceFile<'a> = (&'a str, &'a str, &'a [u8]);

const COLS: &str = "id, method, year, scope, code, passed, note, file_name, file_mime, recorded_by, recorded_at";

fn from_row(r: &AnyRow) -> Result<Evidence> {
    Ok(Evidence {
        id: r.try_get(0)?,
        method: r.try_get(1)?,
        year: r.try_get::<i64, _>(2)? as i32,
        scope: r.try_get(3)?,
        code: r.try_get(4)?,
        passed: r.try_get::<i64, _>(5)? != 0,
        note: r.try_get(6)?,
        file_name: r.try_get(7)?,
        file_mime: r.try_get(8)?,
        recorded_by: r.try_get(9)?,
        recorded_at: r.try_get(10)?,
    })
}

impl Store {
    /// Records an item's on-site result (audited). A negative result needs a note saying why.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_evidence(&self, method: &str, year: i32, scope: &str, code: &str, passed: bool, note: &str, file: Option<EvidenceFile<'_>>, who: &str) -> Result<Evidence> {
        if code.trim().is_empty() {
            return Err(StoreError::Invalid("缺少项目代码 / item code missing".into()));
        }
        if !passed && note.trim().is_empty() {
            return Err(StoreError::Invalid(format!("{code} 未达标须说明原因 / a failing {code} needs a note")));
        }
        let at = now();
        let (name, mime, content) = match file {
            Some((n, m, c)) if !c.is_empty() => (n.to_string(), m.to_string(), Some(c.to_vec())),
            _ => (String::new(), String::new(), None),
        };
        let mut tx = self.pool.begin().await?;
        let q = self.sql(
            "INSERT INTO assessment_evidence (method, year, scope, code, passed, note, file_name, file_mime, file_content, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        );
        let id: i64 = sqlx::query(&q)
            .bind(method)
            .bind(year as i64)
            .bind(scope)
            .bind(code)
            .bind(passed as i64)
            .bind(note.trim())
            .bind(&name)
            .bind(&mime)
            .bind(content)
            .bind(who)
            .bind(&at)
            .fetch_one(&mut *tx)
            .await?
            .get(0);
        let detail = format!("{} {}{}", if passed { "达标" } else { "未达标" }, note.trim(), if name.is_empty() { String::new() } else { format!("（佐证：{name}）") });
        self.audit_tx(&mut tx, &at, who, "assess.evidence", &format!("{method}:{year}:{scope}:{code}"), &detail).await?;
        tx.commit().await?;
        Ok(Evidence { id, method: method.into(), year, scope: scope.into(), code: code.into(), passed, note: note.trim().into(), file_name: name, file_mime: mime, recorded_by: who.into(), recorded_at: at })
    }

    /// The records in force (the latest per item) of an assessment.
    pub async fn evidence(&self, method: &str, year: i32, scope: &str) -> Result<Vec<Evidence>> {
        let q = self.sql(&format!("SELECT {COLS} FROM assessment_evidence WHERE method = $1 AND year = $2 AND scope = $3 ORDER BY id"));
        let rows: Vec<AnyRow> = sqlx::query(&q).bind(method).bind(year as i64).bind(scope).fetch_all(&self.pool).await?;
        let mut latest: Vec<Evidence> = Vec::new();
        for r in rows.iter().map(from_row) {
            let r = r?;
            latest.retain(|e| e.code != r.code);
            latest.push(r);
        }
        Ok(latest)
    }

    /// Every record of one item, oldest first (its history).
    pub async fn evidence_history(&self, method: &str, year: i32, scope: &str, code: &str) -> Result<Vec<Evidence>> {
        let q = self.sql(&format!("SELECT {COLS} FROM assessment_evidence WHERE method = $1 AND year = $2 AND scope = $3 AND code = $4 ORDER BY id"));
        let rows: Vec<AnyRow> = sqlx::query(&q).bind(method).bind(year as i64).bind(scope).bind(code).fetch_all(&self.pool).await?;
        rows.iter().map(from_row).collect()
    }

    /// A record's evidence file.
    pub async fn evidence_file(&self, id: i64) -> Result<(Evidence, Vec<u8>)> {
        let q = self.sql(&format!("SELECT {COLS}, file_content FROM assessment_evidence WHERE id = $1"));
        let r: AnyRow = sqlx::query(&q).bind(id).fetch_optional(&self.pool).await?.ok_or_else(|| StoreError::NotFound(format!("核查记录 {id} / evidence {id}")))?;
        let content: Option<Vec<u8>> = r.try_get(11)?;
        let content = content.ok_or_else(|| StoreError::NotFound(format!("核查记录 {id} 没有佐证文件 / evidence {id} has no file")))?;
        Ok((from_row(&r)?, content))
    }
}
