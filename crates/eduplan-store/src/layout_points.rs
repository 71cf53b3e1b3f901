//! The user's points for the school-network planner (布局规划): candidate sites and villages of
//! a county. Saved one by one or a file at a time, in one transaction, every change audited with
//! the point's JSON (an overwritten point can be recovered from the log).

use eduplan_core::layout::{LayoutPoint, PointKind};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{now, Result, Store, StoreError};

const COLUMNS: &str = "county, kind, id, name, lon, lat, stage, capacity, cost, weight, note";

fn from_row(r: &AnyRow) -> LayoutPoint {
    let kind: String = r.get(1);
    LayoutPoint {
        county: r.get(0),
        kind: PointKind::parse(&kind).unwrap_or(PointKind::Site),
        id: r.get(2),
        name: r.get(3),
        lon: r.get(4),
        lat: r.get(5),
        stage: r.get(6),
        capacity: r.get(7),
        cost: r.get(8),
        weight: r.get(9),
        note: r.get(10),
    }
}

fn entity(p: &LayoutPoint) -> String {
    format!("layout_point:{}/{}/{}", p.county, p.kind.code(), p.id)
}

impl Store {
    /// The points of a county (every county when `None`), sites first, by id.
    pub async fn layout_points(&self, county: Option<&str>) -> Result<Vec<LayoutPoint>> {
        let rows: Vec<AnyRow> = match county {
            Some(c) => {
                let q = self.sql(&format!("SELECT {COLUMNS} FROM layout_points WHERE county = $1 ORDER BY kind, id"));
                sqlx::query(&q).bind(c).fetch_all(&self.pool).await?
            }
            None => sqlx::query(&format!("SELECT {COLUMNS} FROM layout_points ORDER BY county, kind, id")).fetch_all(&self.pool).await?,
        };
        Ok(rows.iter().map(from_row).collect())
    }

    /// Saves points (each replaces the one of the same county, kind and id), all or none. With
    /// `replace`, the county's earlier points of the kinds being saved are deleted first (a file
    /// that is the whole new list). Returns (added or changed, deleted).
    pub async fn save_layout_points(&self, points: &[LayoutPoint], replace: bool, actor: &str) -> Result<(usize, usize)> {
        for p in points {
            if let Some((_, zh, en)) = p.problems().into_iter().next() {
                return Err(StoreError::Invalid(format!("{} {}: {zh} / {en}", p.kind.zh(), p.id)));
            }
        }
        let mut tx = self.pool.begin().await?;
        let at = now();
        let mut deleted = 0;
        if replace {
            let mut scopes: Vec<(&str, PointKind)> = points.iter().map(|p| (p.county.as_str(), p.kind)).collect();
            scopes.sort();
            scopes.dedup();
            for (county, kind) in scopes {
                let q = self.sql(&format!("SELECT {COLUMNS} FROM layout_points WHERE county = $1 AND kind = $2"));
                let old: Vec<AnyRow> = sqlx::query(&q).bind(county).bind(kind.code()).fetch_all(&mut *tx).await?;
                for o in old.iter().map(from_row) {
                    if points.iter().any(|p| p.county == o.county && p.kind == o.kind && p.id == o.id) {
                        continue; // replaced below, audited as an update
                    }
                    let q = self.sql("DELETE FROM layout_points WHERE county = $1 AND kind = $2 AND id = $3");
                    sqlx::query(&q).bind(&o.county).bind(o.kind.code()).bind(&o.id).execute(&mut *tx).await?;
                    self.audit_tx(&mut tx, &at, actor, "layout_point.delete", &entity(&o), &o.to_json().to_string()).await?;
                    deleted += 1;
                }
            }
        }
        for p in points {
            let q = self.sql("DELETE FROM layout_points WHERE county = $1 AND kind = $2 AND id = $3");
            let existed = sqlx::query(&q).bind(&p.county).bind(p.kind.code()).bind(&p.id).execute(&mut *tx).await?.rows_affected() > 0;
            let q = self.sql(&format!("INSERT INTO layout_points ({COLUMNS}, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"));
            // not a cached statement: a NULL number first would fix the parameter's type for
            // the later non-NULL ones on PostgreSQL
            sqlx::query(&q)
                .persistent(false)
                .bind(&p.county)
                .bind(p.kind.code())
                .bind(&p.id)
                .bind(&p.name)
                .bind(p.lon)
                .bind(p.lat)
                .bind(p.stage.clone())
                .bind(p.capacity)
                .bind(p.cost)
                .bind(p.weight)
                .bind(&p.note)
                .bind(actor)
                .bind(&at)
                .execute(&mut *tx)
                .await?;
            let action = if existed { "layout_point.update" } else { "layout_point.create" };
            self.audit_tx(&mut tx, &at, actor, action, &entity(p), &p.to_json().to_string()).await?;
        }
        tx.commit().await?;
        Ok((points.len(), deleted))
    }

    /// Deletes one point (audited with the JSON it had).
    pub async fn delete_layout_point(&self, county: &str, kind: PointKind, id: &str, actor: &str) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let q = self.sql(&format!("SELECT {COLUMNS} FROM layout_points WHERE county = $1 AND kind = $2 AND id = $3"));
        let r: Option<AnyRow> = sqlx::query(&q).bind(county).bind(kind.code()).bind(id).fetch_optional(&mut *tx).await?;
        let Some(old) = r.as_ref().map(from_row) else {
            return Err(StoreError::NotFound(format!("{} {id} / layout point {id}", kind.zh())));
        };
        let q = self.sql("DELETE FROM layout_points WHERE county = $1 AND kind = $2 AND id = $3");
        sqlx::query(&q).bind(county).bind(kind.code()).bind(id).execute(&mut *tx).await?;
        self.audit_tx(&mut tx, &now(), actor, "layout_point.delete", &entity(&old), &old.to_json().to_string()).await?;
        tx.commit().await?;
        Ok(())
    }
}
