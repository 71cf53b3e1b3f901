//! Plans (规划) as the store keeps them: each import of a plan workbook is a new version of the
//! plan of that name (nothing is overwritten), with its targets, projects (重点工程) and the
//! projects' funds (资金), and the plan document itself when one is given.

use eduplan_core::plan::{Cmp, FundEntry, PlanBook, Project, TargetRow};
use sqlx::any::AnyRow;
use sqlx::Row as _;

use crate::{now, Result, Store, StoreError};

/// What a user says about a plan when importing it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanMeta {
    /// 规划名称.
    pub name: String,
    /// 发文单位.
    pub issuer: String,
    /// Region code the plan governs.
    pub region: String,
    /// 规划期 (first and last year).
    pub period: Option<(i32, i32)>,
    /// A draft to review (targets extracted from the plan's text) rather than a checked workbook.
    pub draft: bool,
}

/// A stored plan version.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanInfo {
    /// Row id.
    pub id: i64,
    /// Name, issuer, region, period.
    pub meta: PlanMeta,
    /// Version of the plan of this name (1, 2, …).
    pub version: i64,
    /// The latest version of its name.
    pub current: bool,
    /// File name of the kept document (empty: none).
    pub doc_name: String,
    /// draft or published.
    pub status: String,
    /// Who imported it.
    pub created_by: String,
    /// When.
    pub created_at: String,
    /// Counts: targets, projects, fund entries.
    pub counts: (i64, i64, i64),
}

fn info(r: &AnyRow) -> Result<PlanInfo> {
    let (ps, pe): (Option<i64>, Option<i64>) = (r.try_get(5)?, r.try_get(6)?);
    Ok(PlanInfo {
        id: r.try_get(0)?,
        meta: PlanMeta { name: r.try_get(1)?, issuer: r.try_get(3)?, region: r.try_get(4)?, period: ps.zip(pe).map(|(a, b)| (a as i32, b as i32)), draft: r.try_get::<String, _>(8)? == "draft" },
        version: r.try_get(2)?,
        current: r.try_get::<i64, _>(11)? == r.try_get::<i64, _>(2)?,
        doc_name: r.try_get(7)?,
        status: r.try_get(8)?,
        created_by: r.try_get(9)?,
        created_at: r.try_get(10)?,
        counts: (r.try_get(12)?, r.try_get(13)?, r.try_get(14)?),
    })
}

const INFO_SQL: &str = "SELECT p.id, p.name, p.version, p.issuer, p.region, p.period_start, p.period_end, p.doc_name, p.status, p.created_by, p.created_at, \
     (SELECT MAX(q.version) FROM plans q WHERE q.name = p.name), \
     (SELECT COUNT(*) FROM plan_targets t WHERE t.plan_id = p.id), (SELECT COUNT(*) FROM plan_projects j WHERE j.plan_id = p.id), \
     (SELECT COUNT(*) FROM plan_funds f WHERE f.plan_id = p.id) FROM plans p";

impl Store {
    /// Stores a checked plan workbook as a new version of the plan `meta.name`, in one
    /// transaction, audited.
    pub async fn import_plan(&self, meta: &PlanMeta, book: &PlanBook, doc: Option<(&str, &[u8])>, who: &str) -> Result<PlanInfo> {
        if meta.name.trim().is_empty() {
            return Err(StoreError::Invalid("规划名称不能为空 / the plan needs a name".into()));
        }
        let mut tx = self.pool.begin().await?;
        let q = self.sql("SELECT COALESCE(MAX(version), 0) FROM plans WHERE name = $1");
        let version: i64 = sqlx::query(&q).bind(meta.name.trim()).fetch_one(&mut *tx).await?.get(0);
        let at = now();
        let q = self.sql(
            "INSERT INTO plans (name, version, issuer, region, period_start, period_end, doc_name, doc, status, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $11, $9, $10) RETURNING id",
        );
        let id: i64 = sqlx::query(&q)
            .bind(meta.name.trim())
            .bind(version + 1)
            .bind(&meta.issuer)
            .bind(&meta.region)
            .bind(meta.period.map(|p| p.0 as i64))
            .bind(meta.period.map(|p| p.1 as i64))
            .bind(doc.map(|d| d.0).unwrap_or(""))
            .bind(doc.map(|d| d.1.to_vec()))
            .bind(who)
            .bind(&at)
            .bind(if meta.draft { "draft" } else { "published" })
            .fetch_one(&mut *tx)
            .await?
            .get(0);
        for t in &book.targets {
            let q = self.sql(
                "INSERT INTO plan_targets (plan_id, row_no, indicator, scope, base_year, base_value, target_year, target_value, cmp, unit, kind, source) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            );
            sqlx::query(&q)
                .bind(id)
                .bind(t.row as i64)
                .bind(&t.indicator)
                .bind(&t.scope)
                .bind(t.base_year.map(i64::from))
                .bind(t.base_value)
                .bind(t.target_year as i64)
                .bind(t.target_value)
                .bind(t.cmp.symbol())
                .bind(&t.unit)
                .bind(&t.kind)
                .bind(&t.source)
                .execute(&mut *tx)
                .await?;
        }
        for p in &book.projects {
            let q = self.sql(
                "INSERT INTO plan_projects (plan_id, row_no, project, name, kind, school_id, new_places, investment, start_year, end_year, status) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            );
            sqlx::query(&q)
                .bind(id)
                .bind(p.row as i64)
                .bind(&p.id)
                .bind(&p.name)
                .bind(&p.kind)
                .bind(&p.school_id)
                .bind(p.new_places)
                .bind(p.investment)
                .bind(p.start_year as i64)
                .bind(p.end_year as i64)
                .bind(&p.status)
                .execute(&mut *tx)
                .await?;
        }
        for f in &book.funds {
            let q = self.sql("INSERT INTO plan_funds (plan_id, row_no, project, date, released, spent) VALUES ($1, $2, $3, $4, $5, $6)");
            sqlx::query(&q).bind(id).bind(f.row as i64).bind(&f.project).bind(&f.date).bind(f.released).bind(f.spent).execute(&mut *tx).await?;
        }
        let detail = format!("v{}：{} 个目标、{} 个项目、{} 条资金", version + 1, book.targets.len(), book.projects.len(), book.funds.len());
        self.audit_tx(&mut tx, &at, who, "plan.import", &format!("plan:{}", meta.name.trim()), &detail).await?;
        tx.commit().await?;
        self.plan(id).await
    }

    /// Every stored plan version, newest first.
    pub async fn plans(&self) -> Result<Vec<PlanInfo>> {
        let rows: Vec<AnyRow> = sqlx::query(&format!("{INFO_SQL} ORDER BY p.id DESC")).fetch_all(&self.pool).await?;
        rows.iter().map(info).collect()
    }

    /// One plan version.
    pub async fn plan(&self, id: i64) -> Result<PlanInfo> {
        let q = self.sql(&format!("{INFO_SQL} WHERE p.id = $1"));
        let r: Option<AnyRow> = sqlx::query(&q).bind(id).fetch_optional(&self.pool).await?;
        r.as_ref().map(info).transpose()?.ok_or_else(|| StoreError::NotFound(format!("规划 {id} / plan {id}")))
    }

    /// A plan version's content, rows in their workbook order.
    pub async fn plan_book(&self, id: i64) -> Result<PlanBook> {
        let q = self.sql("SELECT row_no, indicator, scope, base_year, base_value, target_year, target_value, cmp, unit, kind, source FROM plan_targets WHERE plan_id = $1 ORDER BY row_no");
        let rows: Vec<AnyRow> = sqlx::query(&q).bind(id).fetch_all(&self.pool).await?;
        let mut book = PlanBook::default();
        for r in &rows {
            let cmp: String = r.try_get(7)?;
            book.targets.push(TargetRow {
                row: r.try_get::<i64, _>(0)? as u32,
                indicator: r.try_get(1)?,
                scope: r.try_get(2)?,
                base_year: r.try_get::<Option<i64>, _>(3)?.map(|y| y as i32),
                base_value: r.try_get(4)?,
                target_year: r.try_get::<i64, _>(5)? as i32,
                target_value: r.try_get(6)?,
                cmp: Cmp::parse(&cmp).ok_or_else(|| StoreError::Invalid(format!("stored comparison {cmp}")))?,
                unit: r.try_get(8)?,
                kind: r.try_get(9)?,
                source: r.try_get(10)?,
            });
        }
        let q = self.sql("SELECT row_no, project, name, kind, school_id, new_places, investment, start_year, end_year, status FROM plan_projects WHERE plan_id = $1 ORDER BY row_no");
        for r in sqlx::query(&q).bind(id).fetch_all(&self.pool).await?.iter() {
            book.projects.push(Project {
                row: r.try_get::<i64, _>(0)? as u32,
                id: r.try_get(1)?,
                name: r.try_get(2)?,
                kind: r.try_get(3)?,
                school_id: r.try_get(4)?,
                new_places: r.try_get(5)?,
                investment: r.try_get(6)?,
                start_year: r.try_get::<i64, _>(7)? as i32,
                end_year: r.try_get::<i64, _>(8)? as i32,
                status: r.try_get(9)?,
            });
        }
        let q = self.sql("SELECT row_no, project, date, released, spent FROM plan_funds WHERE plan_id = $1 ORDER BY row_no");
        for r in sqlx::query(&q).bind(id).fetch_all(&self.pool).await?.iter() {
            book.funds.push(FundEntry { row: r.try_get::<i64, _>(0)? as u32, project: r.try_get(1)?, date: r.try_get(2)?, released: r.try_get(3)?, spent: r.try_get(4)? });
        }
        Ok(book)
    }
}

/// An actual value of a plan target entered by hand, with what proves it.
#[derive(Debug, Clone, PartialEq)]
pub struct ManualActual {
    /// Indicator (code or the plan's metric name) of the target.
    pub indicator: String,
    /// Year.
    pub year: i32,
    /// Value.
    pub value: f64,
    /// Evidence (文件、批复、名单 …).
    pub note: String,
    /// Who.
    pub recorded_by: String,
    /// When.
    pub recorded_at: String,
}

impl Store {
    /// Records a target's actual value for a year (audited); the evidence note is required.
    pub async fn record_actual(&self, plan_name: &str, indicator: &str, year: i32, value: f64, note: &str, who: &str) -> Result<ManualActual> {
        if note.trim().is_empty() {
            return Err(StoreError::Invalid("手工填报的实际值须注明依据 / a manual actual needs its evidence".into()));
        }
        let at = now();
        let mut tx = self.pool.begin().await?;
        let q = self.sql("INSERT INTO target_actuals (plan_name, indicator, year, value, note, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)");
        sqlx::query(&q).bind(plan_name).bind(indicator).bind(year as i64).bind(value).bind(note.trim()).bind(who).bind(&at).execute(&mut *tx).await?;
        self.audit_tx(&mut tx, &at, who, "plan.actual", &format!("plan:{plan_name}:{indicator}:{year}"), &format!("{value}（{}）", note.trim())).await?;
        tx.commit().await?;
        Ok(ManualActual { indicator: indicator.into(), year, value, note: note.trim().into(), recorded_by: who.into(), recorded_at: at })
    }

    /// The manual actuals in force of a plan (the latest per indicator and year).
    pub async fn manual_actuals(&self, plan_name: &str) -> Result<Vec<ManualActual>> {
        let q = self.sql("SELECT indicator, year, value, note, recorded_by, recorded_at FROM target_actuals WHERE plan_name = $1 ORDER BY id");
        let rows: Vec<AnyRow> = sqlx::query(&q).bind(plan_name).fetch_all(&self.pool).await?;
        let mut out: Vec<ManualActual> = Vec::new();
        for r in &rows {
            let a = ManualActual { indicator: r.try_get(0)?, year: r.try_get::<i64, _>(1)? as i32, value: r.try_get(2)?, note: r.try_get(3)?, recorded_by: r.try_get(4)?, recorded_at: r.try_get(5)? };
            out.retain(|x| !(x.indicator == a.indicator && x.year == a.year));
            out.push(a);
        }
        Ok(out)
    }
}

/// A reviewer's decision on an extracted target of a draft plan (审核).
#[derive(Debug, Clone, PartialEq)]
pub enum Review {
    /// 采纳 as extracted.
    Accept,
    /// 驳回: not a target (kept, marked, never tracked).
    Reject,
    /// 修改: replaced by the reviewer's version (the extracted one stays in the audit log).
    Edit(TargetRow),
}

impl Store {
    /// The review state of a plan's targets: row → accepted, edited or rejected (absent: not yet).
    pub async fn target_reviews(&self, plan_id: i64) -> Result<std::collections::BTreeMap<u32, String>> {
        let q = self.sql("SELECT row_no, review FROM plan_targets WHERE plan_id = $1 AND review <> ''");
        let rows: Vec<AnyRow> = sqlx::query(&q).bind(plan_id).fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok((r.try_get::<i64, _>(0)? as u32, r.try_get(1)?))).collect()
    }

    /// Records a review of one target of a draft plan, audited with the target before and after;
    /// a published plan is not edited (import a new version instead).
    pub async fn review_target(&self, plan_id: i64, row: u32, review: &Review, who: &str) -> Result<()> {
        let p = self.plan(plan_id).await?;
        if !p.meta.draft {
            return Err(StoreError::Invalid("规划已发布，不能再审核修改；请导入新版本 / the plan is published: import a new version to change it".into()));
        }
        let book = self.plan_book(plan_id).await?;
        let old = book.targets.iter().find(|t| t.row == row).ok_or_else(|| StoreError::NotFound(format!("规划 {plan_id} 第 {row} 项目标 / target {row} of plan {plan_id}")))?;
        let show = |t: &TargetRow| format!("{} {}{} {}（{}）", t.indicator, t.cmp.symbol(), t.target_value, t.unit, t.target_year);
        let at = now();
        let mut tx = self.pool.begin().await?;
        let (word, detail) = match review {
            Review::Accept => ("accepted", show(old)),
            Review::Reject => ("rejected", show(old)),
            Review::Edit(t) => {
                let q = self.sql(
                    "UPDATE plan_targets SET indicator = $1, scope = $2, base_year = $3, base_value = $4, target_year = $5, target_value = $6, cmp = $7, unit = $8, kind = $9 \
                     WHERE plan_id = $10 AND row_no = $11",
                );
                sqlx::query(&q)
                    .bind(&t.indicator)
                    .bind(&t.scope)
                    .bind(t.base_year.map(i64::from))
                    .bind(t.base_value)
                    .bind(t.target_year as i64)
                    .bind(t.target_value)
                    .bind(t.cmp.symbol())
                    .bind(&t.unit)
                    .bind(&t.kind)
                    .bind(plan_id)
                    .bind(row as i64)
                    .execute(&mut *tx)
                    .await?;
                ("edited", format!("{} → {}", show(old), show(t)))
            }
        };
        let q = self.sql("UPDATE plan_targets SET review = $1 WHERE plan_id = $2 AND row_no = $3");
        sqlx::query(&q).bind(word).bind(plan_id).bind(row as i64).execute(&mut *tx).await?;
        self.audit_tx(&mut tx, &at, who, &format!("plan.target.{word}"), &format!("plan:{}:v{}:{row}", p.meta.name, p.version), &detail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Publishes a draft plan (发布): its targets are tracked from now on; targets not yet reviewed
    /// count as accepted.
    pub async fn publish_plan(&self, plan_id: i64, who: &str) -> Result<PlanInfo> {
        let p = self.plan(plan_id).await?;
        if !p.meta.draft {
            return Err(StoreError::Invalid("规划已发布 / the plan is already published".into()));
        }
        let at = now();
        let mut tx = self.pool.begin().await?;
        let q = self.sql("UPDATE plans SET status = 'published' WHERE id = $1");
        sqlx::query(&q).bind(plan_id).execute(&mut *tx).await?;
        let q = self.sql("UPDATE plan_targets SET review = 'accepted' WHERE plan_id = $1 AND review = ''");
        sqlx::query(&q).bind(plan_id).execute(&mut *tx).await?;
        self.audit_tx(&mut tx, &at, who, "plan.publish", &format!("plan:{}:v{}", p.meta.name, p.version), "").await?;
        tx.commit().await?;
        self.plan(plan_id).await
    }
}
