//! Supervision findings (督导问题) as the store keeps them: the finding, its history of events
//! (every transition, comment, escalation, deadline change and link to a later assessment, each
//! with who and when) and evidence files. The workflow rules are eduplan-core's
//! [`eduplan_core::finding`]; this module applies them inside one transaction per change, so a
//! refused change leaves nothing behind, and two people acting at once cannot both win.

use eduplan_core::finding::{self, Action, Actor, Escalation, FindingState, Severity, WorkflowError};
use sqlx::any::AnyRow;
use sqlx::Row as _;

use crate::{now, Result, Store, StoreError};

/// A finding to create from an assessment's problem.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFinding {
    /// Stable key of the problem (see eduplan-assess `problems`); one open finding per key.
    pub source_key: String,
    /// Assessment method.
    pub method: String,
    /// School year assessed.
    pub year: i32,
    /// Criterion code.
    pub code: String,
    /// 小学 / 初中 or empty.
    pub level: String,
    /// School concerned (empty: county-wide).
    pub school_id: String,
    /// Township or county code.
    pub region: String,
    /// 问题描述.
    pub problem: String,
    /// 整改要求.
    pub requirement: String,
    /// 问题等级.
    pub severity: Severity,
    /// 责任单位.
    pub responsible: String,
    /// 整改期限 (YYYY-MM-DD).
    pub deadline: String,
}

/// A stored finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Row id.
    pub id: i64,
    /// What it was created from.
    pub new: NewFinding,
    /// 整改状态.
    pub state: FindingState,
    /// The strongest escalation so far.
    pub escalation: Option<Escalation>,
    /// The latest later assessment checked against it (year), and whether the problem was gone.
    pub check: Option<(i32, bool)>,
    /// Who created it.
    pub created_by: String,
    /// When (RFC 3339).
    pub created_at: String,
    /// Last change (RFC 3339).
    pub updated_at: String,
}

impl Finding {
    /// Overdue (逾期) on `today` (YYYY-MM-DD).
    pub fn overdue(&self, today: &str) -> bool {
        finding::is_overdue(self.state, &self.new.deadline, today)
    }
}

/// One event of a finding's history.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingEvent {
    /// When.
    pub at: String,
    /// Who.
    pub actor: String,
    /// create, start, submit, close, reject, comment, escalate, deadline, attach, check.
    pub kind: String,
    /// State before.
    pub from_state: String,
    /// State after.
    pub to_state: String,
    /// What was said or done.
    pub text: String,
}

/// An evidence file (佐证材料) attached to a finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    /// Row id.
    pub id: i64,
    /// Finding.
    pub finding_id: i64,
    /// File name.
    pub name: String,
    /// MIME type.
    pub mime: String,
    /// Bytes.
    pub size: i64,
    /// Who uploaded it.
    pub uploaded_by: String,
    /// When.
    pub uploaded_at: String,
}

/// Which findings to list.
#[derive(Debug, Clone, Default)]
pub struct FindingFilter {
    /// Only this state.
    pub state: Option<FindingState>,
    /// Only this school's.
    pub school_id: Option<String>,
    /// Only regions starting with this prefix (a user's scope).
    pub region_prefix: Option<String>,
    /// Only findings of this assessment year.
    pub year: Option<i32>,
    /// Only this method.
    pub method: Option<String>,
}

const COLS: &str = "id, source_key, method, year, code, level, school_id, region, problem, requirement, severity, responsible, deadline, state, escalation, check_year, check_gone, created_by, created_at, updated_at";

fn from_row(r: &AnyRow) -> Result<Finding> {
    let bad = |what: &str, v: &str| StoreError::Invalid(format!("stored finding has unknown {what} {v}"));
    let severity: String = r.try_get(10)?;
    let state: String = r.try_get(13)?;
    let esc: String = r.try_get(14)?;
    let check_year: Option<i64> = r.try_get(15)?;
    let check_gone: Option<i64> = r.try_get(16)?;
    Ok(Finding {
        id: r.try_get(0)?,
        new: NewFinding {
            source_key: r.try_get(1)?,
            method: r.try_get(2)?,
            year: r.try_get::<i64, _>(3)? as i32,
            code: r.try_get(4)?,
            level: r.try_get(5)?,
            school_id: r.try_get(6)?,
            region: r.try_get(7)?,
            problem: r.try_get(8)?,
            requirement: r.try_get(9)?,
            severity: Severity::parse(&severity).ok_or_else(|| bad("severity", &severity))?,
            responsible: r.try_get(11)?,
            deadline: r.try_get(12)?,
        },
        state: FindingState::parse(&state).ok_or_else(|| bad("state", &state))?,
        escalation: if esc.is_empty() { None } else { Some(Escalation::parse(&esc).ok_or_else(|| bad("escalation", &esc))?) },
        check: check_year.zip(check_gone).map(|(y, g)| (y as i32, g != 0)),
        created_by: r.try_get(17)?,
        created_at: r.try_get(18)?,
        updated_at: r.try_get(19)?,
    })
}

impl From<WorkflowError> for StoreError {
    fn from(e: WorkflowError) -> StoreError {
        StoreError::Refused(e)
    }
}

type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

impl Store {
    async fn event(&self, tx: &mut Tx<'_>, id: i64, at: &str, actor: &str, kind: &str, from: FindingState, to: FindingState, text: &str) -> Result<()> {
        let q = self.sql("INSERT INTO finding_events (finding_id, at, actor, kind, from_state, to_state, text) VALUES ($1, $2, $3, $4, $5, $6, $7)");
        sqlx::query(&q).bind(id).bind(at).bind(actor).bind(kind).bind(from.as_str()).bind(to.as_str()).bind(text).execute(&mut **tx).await?;
        let detail = if from == to { text.to_string() } else { format!("{} → {}；{text}", from.zh(), to.zh()) };
        self.audit_tx(tx, at, actor, &format!("finding.{kind}"), &format!("finding:{id}"), &detail).await?;
        Ok(())
    }

    async fn locked_finding(&self, tx: &mut Tx<'_>, id: i64) -> Result<Finding> {
        let q = self.sql(&format!("SELECT {COLS} FROM findings WHERE id = $1"));
        let r: Option<AnyRow> = sqlx::query(&q).bind(id).fetch_optional(&mut **tx).await?;
        r.as_ref().map(from_row).transpose()?.ok_or_else(|| StoreError::NotFound(format!("整改问题 {id} / finding {id}")))
    }

    /// Creates findings in one transaction, skipping a problem that already has a finding not yet
    /// closed (so re-running the same assessment adds nothing). Returns the ids created and the
    /// number skipped.
    pub async fn create_findings(&self, new: &[NewFinding], actor: &str) -> Result<(Vec<i64>, usize)> {
        for n in new {
            finding::check_date(&n.deadline)?;
        }
        let mut tx = self.pool.begin().await?;
        let (mut ids, mut skipped) = (Vec::new(), 0);
        let at = now();
        for n in new {
            let q = self.sql("SELECT COUNT(*) FROM findings WHERE source_key = $1 AND state <> $2");
            let open: i64 = sqlx::query(&q).bind(&n.source_key).bind(FindingState::Closed.as_str()).fetch_one(&mut *tx).await?.get(0);
            if open > 0 {
                skipped += 1;
                continue;
            }
            let q = self.sql(
                "INSERT INTO findings (source_key, method, year, code, level, school_id, region, problem, requirement, severity, responsible, deadline, state, escalation, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, '', $14, $15, $15) RETURNING id",
            );
            let id: i64 = sqlx::query(&q)
                .bind(&n.source_key)
                .bind(&n.method)
                .bind(n.year as i64)
                .bind(&n.code)
                .bind(&n.level)
                .bind(&n.school_id)
                .bind(&n.region)
                .bind(&n.problem)
                .bind(&n.requirement)
                .bind(n.severity.as_str())
                .bind(&n.responsible)
                .bind(&n.deadline)
                .bind(FindingState::Open.as_str())
                .bind(actor)
                .bind(&at)
                .fetch_one(&mut *tx)
                .await?
                .get(0);
            self.event(&mut tx, id, &at, actor, "create", FindingState::Open, FindingState::Open, &n.problem).await?;
            ids.push(id);
        }
        tx.commit().await?;
        Ok((ids, skipped))
    }

    /// Findings matching a filter, newest first.
    pub async fn findings(&self, f: &FindingFilter) -> Result<Vec<Finding>> {
        let mut wh = vec!["1 = 1".to_string()];
        let mut binds: Vec<String> = Vec::new();
        let mut n = 0;
        let mut add = |cond: &str, v: String, wh: &mut Vec<String>| {
            n += 1;
            wh.push(cond.replace('?', &format!("${n}")));
            binds.push(v);
        };
        if let Some(s) = f.state {
            add("state = ?", s.as_str().to_string(), &mut wh);
        }
        if let Some(s) = &f.school_id {
            add("school_id = ?", s.clone(), &mut wh);
        }
        if let Some(p) = &f.region_prefix {
            add("region LIKE ?", format!("{p}%"), &mut wh);
        }
        if let Some(m) = &f.method {
            add("method = ?", m.clone(), &mut wh);
        }
        let mut q = format!("SELECT {COLS} FROM findings WHERE {}", wh.join(" AND "));
        if f.year.is_some() {
            q.push_str(&format!(" AND year = ${}", binds.len() + 1));
        }
        q.push_str(" ORDER BY id DESC");
        let q = self.sql(&q);
        let mut query = sqlx::query(&q);
        for b in &binds {
            query = query.bind(b);
        }
        if let Some(y) = f.year {
            query = query.bind(y as i64);
        }
        let rows: Vec<AnyRow> = query.fetch_all(&self.pool).await?;
        rows.iter().map(from_row).collect()
    }

    /// One finding.
    pub async fn finding(&self, id: i64) -> Result<Finding> {
        let q = self.sql(&format!("SELECT {COLS} FROM findings WHERE id = $1"));
        let r: Option<AnyRow> = sqlx::query(&q).bind(id).fetch_optional(&self.pool).await?;
        r.as_ref().map(from_row).transpose()?.ok_or_else(|| StoreError::NotFound(format!("整改问题 {id} / finding {id}")))
    }

    /// A finding's history, oldest first.
    pub async fn finding_events(&self, id: i64) -> Result<Vec<FindingEvent>> {
        let q = self.sql("SELECT at, actor, kind, from_state, to_state, text FROM finding_events WHERE finding_id = $1 ORDER BY id");
        let rows: Vec<AnyRow> = sqlx::query(&q).bind(id).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| Ok(FindingEvent { at: r.try_get(0)?, actor: r.try_get(1)?, kind: r.try_get(2)?, from_state: r.try_get(3)?, to_state: r.try_get(4)?, text: r.try_get(5)? }))
            .collect()
    }

    /// Moves a finding through the workflow (开始整改, 提交复查, 销号, 退回), audited.
    pub async fn act_on_finding(&self, id: i64, action: Action, actor: Actor, who: &str, text: &str) -> Result<Finding> {
        let mut tx = self.pool.begin().await?;
        let f = self.locked_finding(&mut tx, id).await?;
        let next = finding::transition(f.state, action, actor, text)?;
        let at = now();
        // the state in the WHERE makes a concurrent change lose instead of both applying
        let q = self.sql("UPDATE findings SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4");
        let done = sqlx::query(&q).bind(next.as_str()).bind(&at).bind(id).bind(f.state.as_str()).execute(&mut *tx).await?.rows_affected();
        if done != 1 {
            return Err(StoreError::Invalid(format!("整改问题 {id} 已被他人更新，请刷新 / finding {id} changed meanwhile; reload")));
        }
        let text = if text.trim().is_empty() { action.zh().to_string() } else { text.trim().to_string() };
        self.event(&mut tx, id, &at, who, action.as_str(), f.state, next, &text).await?;
        tx.commit().await?;
        self.finding(id).await
    }

    /// Adds a comment (说明、答复), audited.
    pub async fn comment_finding(&self, id: i64, actor: Actor, who: &str, text: &str) -> Result<()> {
        if !finding::may_comment(actor) {
            return Err(StoreError::Refused(WorkflowError { zh: "无权对该问题发表意见".into(), en: "you may not comment on this finding".into(), forbidden: true }));
        }
        if text.trim().is_empty() {
            return Err(StoreError::Refused(WorkflowError { zh: "意见不能为空".into(), en: "empty comment".into(), forbidden: false }));
        }
        let mut tx = self.pool.begin().await?;
        let f = self.locked_finding(&mut tx, id).await?;
        let at = now();
        self.touch(&mut tx, id, &at).await?;
        self.event(&mut tx, id, &at, who, "comment", f.state, f.state, text.trim()).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn touch(&self, tx: &mut Tx<'_>, id: i64, at: &str) -> Result<()> {
        let q = self.sql("UPDATE findings SET updated_at = $1 WHERE id = $2");
        sqlx::query(&q).bind(at).bind(id).execute(&mut **tx).await?;
        Ok(())
    }

    /// Records an escalation (约谈, 通报, 问责); the finding keeps the strongest one.
    pub async fn escalate_finding(&self, id: i64, esc: Escalation, actor: Actor, who: &str, text: &str) -> Result<Finding> {
        let mut tx = self.pool.begin().await?;
        let f = self.locked_finding(&mut tx, id).await?;
        finding::escalate(f.state, actor)?;
        let at = now();
        let strongest = f.escalation.map_or(esc, |e| e.max(esc));
        let q = self.sql("UPDATE findings SET escalation = $1, updated_at = $2 WHERE id = $3");
        sqlx::query(&q).bind(strongest.as_str()).bind(&at).bind(id).execute(&mut *tx).await?;
        let text = if text.trim().is_empty() { esc.zh().to_string() } else { format!("{}：{}", esc.zh(), text.trim()) };
        self.event(&mut tx, id, &at, who, "escalate", f.state, f.state, &text).await?;
        tx.commit().await?;
        self.finding(id).await
    }

    /// Changes the deadline (延期), with the reason; the supervision office's decision.
    pub async fn set_finding_deadline(&self, id: i64, deadline: &str, actor: Actor, who: &str, reason: &str) -> Result<Finding> {
        if !finding::may_manage(actor) {
            return Err(StoreError::Refused(WorkflowError { zh: "只有督导室可以调整整改期限".into(), en: "only the supervision office changes deadlines".into(), forbidden: true }));
        }
        finding::check_date(deadline)?;
        let mut tx = self.pool.begin().await?;
        let f = self.locked_finding(&mut tx, id).await?;
        let at = now();
        let q = self.sql("UPDATE findings SET deadline = $1, updated_at = $2 WHERE id = $3");
        sqlx::query(&q).bind(deadline).bind(&at).bind(id).execute(&mut *tx).await?;
        let text = format!("整改期限 {} → {deadline}{}", f.new.deadline, if reason.trim().is_empty() { String::new() } else { format!("：{}", reason.trim()) });
        self.event(&mut tx, id, &at, who, "deadline", f.state, f.state, &text).await?;
        tx.commit().await?;
        self.finding(id).await
    }

    /// Stores an evidence file (佐证材料).
    pub async fn attach_to_finding(&self, id: i64, name: &str, mime: &str, content: &[u8], actor: Actor, who: &str) -> Result<Attachment> {
        if !finding::may_comment(actor) {
            return Err(StoreError::Refused(WorkflowError { zh: "无权上传该问题的佐证材料".into(), en: "you may not attach files to this finding".into(), forbidden: true }));
        }
        if content.is_empty() || name.trim().is_empty() {
            return Err(StoreError::Refused(WorkflowError { zh: "文件为空或没有文件名".into(), en: "empty file or no file name".into(), forbidden: false }));
        }
        let mut tx = self.pool.begin().await?;
        let f = self.locked_finding(&mut tx, id).await?;
        let at = now();
        let q = self.sql("INSERT INTO finding_attachments (finding_id, name, mime, size, content, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id");
        let aid: i64 = sqlx::query(&q).bind(id).bind(name).bind(mime).bind(content.len() as i64).bind(content.to_vec()).bind(who).bind(&at).fetch_one(&mut *tx).await?.get(0);
        self.touch(&mut tx, id, &at).await?;
        self.event(&mut tx, id, &at, who, "attach", f.state, f.state, &format!("{name}（{} 字节）", content.len())).await?;
        tx.commit().await?;
        Ok(Attachment { id: aid, finding_id: id, name: name.into(), mime: mime.into(), size: content.len() as i64, uploaded_by: who.into(), uploaded_at: at })
    }

    /// A finding's evidence files (without their content).
    pub async fn finding_attachments(&self, id: i64) -> Result<Vec<Attachment>> {
        let q = self.sql("SELECT id, finding_id, name, mime, size, uploaded_by, uploaded_at FROM finding_attachments WHERE finding_id = $1 ORDER BY id");
        let rows: Vec<AnyRow> = sqlx::query(&q).bind(id).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(Attachment { id: r.try_get(0)?, finding_id: r.try_get(1)?, name: r.try_get(2)?, mime: r.try_get(3)?, size: r.try_get(4)?, uploaded_by: r.try_get(5)?, uploaded_at: r.try_get(6)? })
            })
            .collect()
    }

    /// One evidence file with its content.
    pub async fn finding_attachment(&self, id: i64, attachment: i64) -> Result<(Attachment, Vec<u8>)> {
        let q = self.sql("SELECT id, finding_id, name, mime, size, uploaded_by, uploaded_at, content FROM finding_attachments WHERE finding_id = $1 AND id = $2");
        let r: AnyRow = sqlx::query(&q).bind(id).bind(attachment).fetch_optional(&self.pool).await?.ok_or_else(|| StoreError::NotFound(format!("附件 {attachment} / attachment {attachment}")))?;
        let a = Attachment { id: r.try_get(0)?, finding_id: r.try_get(1)?, name: r.try_get(2)?, mime: r.try_get(3)?, size: r.try_get(4)?, uploaded_by: r.try_get(5)?, uploaded_at: r.try_get(6)? };
        Ok((a, r.try_get(7)?))
    }

    /// Records what a later assessment (of `year`) says about a finding: the problem is gone, or
    /// still there. Does not change the state: closing stays a re-inspection (复查) decision.
    pub async fn record_finding_check(&self, id: i64, year: i32, gone: bool, who: &str) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let f = self.locked_finding(&mut tx, id).await?;
        let at = now();
        let q = self.sql("UPDATE findings SET check_year = $1, check_gone = $2, updated_at = $3 WHERE id = $4");
        sqlx::query(&q).bind(year as i64).bind(gone as i64).bind(&at).bind(id).execute(&mut *tx).await?;
        let text = if gone { format!("{year} 年评估数据显示问题已消除，建议复查销号") } else { format!("{year} 年评估数据显示问题仍然存在") };
        self.event(&mut tx, id, &at, who, "check", f.state, f.state, &text).await?;
        tx.commit().await?;
        Ok(())
    }
}
