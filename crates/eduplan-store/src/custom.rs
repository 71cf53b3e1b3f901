//! User-defined indicators (自定义指标) as the store keeps them: the formulas as typed, checked
//! by the engine before they are saved (the store knows no formula language).

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{now, Result, Store, StoreError};

/// One saved user-defined indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomIndicator {
    /// Code.
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
    /// Denominator formula ("" for none).
    pub denominator: String,
    /// Who defined it.
    pub created_by: String,
    /// When (RFC 3339).
    pub created_at: String,
}

fn from_row(r: &AnyRow) -> CustomIndicator {
    CustomIndicator {
        code: r.get(0),
        name: r.get(1),
        name_en: r.get(2),
        unit: r.get(3),
        scale: r.get(4),
        numerator: r.get(5),
        denominator: r.get(6),
        created_by: r.get(7),
        created_at: r.get(8),
    }
}

impl Store {
    /// Every user-defined indicator, by code.
    pub async fn custom_indicators(&self) -> Result<Vec<CustomIndicator>> {
        let rows: Vec<AnyRow> = sqlx::query("SELECT code, name, name_en, unit, scale, numerator, denominator, created_by, created_at FROM custom_indicators ORDER BY code")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(from_row).collect())
    }

    /// Saves a new user-defined indicator (audited); a taken code is a conflict.
    pub async fn add_custom_indicator(&self, c: &CustomIndicator, actor: &str) -> Result<CustomIndicator> {
        let mut tx = self.pool.begin().await?;
        let q = self.sql("SELECT COUNT(*) FROM custom_indicators WHERE code = $1");
        let n: i64 = sqlx::query(&q).bind(&c.code).fetch_one(&mut *tx).await?.get(0);
        if n > 0 {
            return Err(StoreError::Invalid(format!("指标代码 {} 已存在 / indicator code {} exists", c.code, c.code)));
        }
        let at = now();
        let q = self.sql("INSERT INTO custom_indicators (code, name, name_en, unit, scale, numerator, denominator, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)");
        sqlx::query(&q)
            .bind(&c.code)
            .bind(&c.name)
            .bind(&c.name_en)
            .bind(&c.unit)
            .bind(c.scale)
            .bind(&c.numerator)
            .bind(&c.denominator)
            .bind(actor)
            .bind(&at)
            .execute(&mut *tx)
            .await?;
        let detail = format!("{} = ({}) / ({}) × {}", c.name, c.numerator, c.denominator, c.scale);
        self.audit_tx(&mut tx, &at, actor, "indicator.define", &format!("indicator:{}", c.code), &detail).await?;
        tx.commit().await?;
        Ok(CustomIndicator { created_by: actor.to_string(), created_at: at, ..c.clone() })
    }

    /// Deletes a user-defined indicator (audited, with its formulas, so nothing is lost);
    /// `false` when there was none.
    pub async fn delete_custom_indicator(&self, code: &str, actor: &str) -> Result<bool> {
        let Some(old) = self.custom_indicators().await?.into_iter().find(|c| c.code == code) else {
            return Ok(false);
        };
        let mut tx = self.pool.begin().await?;
        let q = self.sql("DELETE FROM custom_indicators WHERE code = $1");
        sqlx::query(&q).bind(code).execute(&mut *tx).await?;
        let detail = format!("{} = ({}) / ({}) × {}", old.name, old.numerator, old.denominator, old.scale);
        self.audit_tx(&mut tx, &now(), actor, "indicator.delete", &format!("indicator:{code}"), &detail).await?;
        tx.commit().await?;
        Ok(true)
    }
}
