//! Projection scenarios (预测情景) as the store keeps them: a name and the parameters' JSON,
//! checked by the projection crate before they are saved (the store knows no scenario fields).

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{now, Result, Store, StoreError};

/// One saved scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedScenario {
    /// 情景名称.
    pub name: String,
    /// The parameters as JSON.
    pub params: String,
    /// Who saved it last.
    pub updated_by: String,
    /// When (RFC 3339).
    pub updated_at: String,
}

fn from_row(r: &AnyRow) -> SavedScenario {
    SavedScenario { name: r.get(0), params: r.get(1), updated_by: r.get(2), updated_at: r.get(3) }
}

impl Store {
    /// Every saved scenario, by name.
    pub async fn scenarios(&self) -> Result<Vec<SavedScenario>> {
        let rows: Vec<AnyRow> = sqlx::query("SELECT name, params, updated_by, updated_at FROM scenarios ORDER BY name").fetch_all(&self.pool).await?;
        Ok(rows.iter().map(from_row).collect())
    }

    /// One saved scenario.
    pub async fn scenario(&self, name: &str) -> Result<SavedScenario> {
        let q = self.sql("SELECT name, params, updated_by, updated_at FROM scenarios WHERE name = $1");
        let r: Option<AnyRow> = sqlx::query(&q).bind(name).fetch_optional(&self.pool).await?;
        r.as_ref().map(from_row).ok_or_else(|| StoreError::NotFound(format!("情景 {name} / scenario {name}")))
    }

    /// Saves a scenario under its name, replacing an earlier one (audited with the whole JSON).
    pub async fn save_scenario(&self, name: &str, params: &str, actor: &str) -> Result<SavedScenario> {
        if name.trim().is_empty() || name.chars().count() > 60 {
            return Err(StoreError::Invalid("情景名称应为 1–60 个字符 / a scenario name has 1–60 characters".into()));
        }
        let mut tx = self.pool.begin().await?;
        let at = now();
        let q = self.sql("DELETE FROM scenarios WHERE name = $1");
        let replaced = sqlx::query(&q).bind(name).execute(&mut *tx).await?.rows_affected() > 0;
        let q = self.sql("INSERT INTO scenarios (name, params, updated_by, updated_at) VALUES ($1, $2, $3, $4)");
        sqlx::query(&q).bind(name).bind(params).bind(actor).bind(&at).execute(&mut *tx).await?;
        let action = if replaced { "scenario.update" } else { "scenario.create" };
        self.audit_tx(&mut tx, &at, actor, action, &format!("scenario:{name}"), params).await?;
        tx.commit().await?;
        Ok(SavedScenario { name: name.to_string(), params: params.to_string(), updated_by: actor.to_string(), updated_at: at })
    }

    /// Deletes a scenario (audited with the JSON it had).
    pub async fn delete_scenario(&self, name: &str, actor: &str) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let q = self.sql("SELECT params FROM scenarios WHERE name = $1");
        let r: Option<AnyRow> = sqlx::query(&q).bind(name).fetch_optional(&mut *tx).await?;
        let Some(r) = r else { return Err(StoreError::NotFound(format!("情景 {name} / scenario {name}"))) };
        let params: String = r.get(0);
        let q = self.sql("DELETE FROM scenarios WHERE name = $1");
        sqlx::query(&q).bind(name).execute(&mut *tx).await?;
        self.audit_tx(&mut tx, &now(), actor, "scenario.delete", &format!("scenario:{name}"), &params).await?;
        tx.commit().await?;
        Ok(())
    }
}
