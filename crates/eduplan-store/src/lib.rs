//! eduplan-store: where eduplan keeps everything, on embedded SQLite or on PostgreSQL through one
//! code path (`sqlx::Any`).
//!
//! - School years are versioned: every import writes a new version of each year it touches
//!   (`data_versions`); rows of every sheet carry their `version_id`; the current version of a
//!   year is its highest. Earlier versions stay readable.
//! - Writes happen in one transaction; an import with errors never reaches this crate.
//! - Supervision findings keep their whole history (`finding_events`) besides the audit log.
//! - Users, sessions and the audit log live here too, so every write can say who made it.
//!
//! Migrations are numbered SQL files per backend under `migrations/`, run on open.
#![deny(missing_docs)]

mod auth;
mod custom;
mod evidence;
mod findings;
mod plans;
mod layout_points;
mod scenarios;
mod years;

pub use auth::{Role, ScopeKind, User};
pub use custom::CustomIndicator;
pub use evidence::{Evidence, EvidenceFile};
pub use scenarios::SavedScenario;
pub use plans::{ManualActual, PlanInfo, PlanMeta, Review as TargetReview};
pub use findings::{Attachment, Finding, FindingEvent, FindingFilter, NewFinding};
pub use years::{VersionInfo, YearSummary};

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor, Row as _};

/// A store failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Something asked for does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// A request the store refuses (e.g. a duplicate user name).
    #[error("{0}")]
    Invalid(String),
    /// A finding's workflow refused the change (wrong state, or not this user's to make).
    #[error("{0}")]
    Refused(eduplan_core::finding::WorkflowError),
}

/// Result alias.
pub type Result<T> = std::result::Result<T, StoreError>;

/// Which database is behind the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

/// The store: a connection pool and its backend.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

static MIGRATE_SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static MIGRATE_POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// Opens (creating if needed) the store at `db`: a `postgres://` URL, a `sqlite:` URL, or a
    /// file path for embedded SQLite. Runs pending migrations.
    pub async fn open(db: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let (url, backend) = if db.starts_with("postgres://") || db.starts_with("postgresql://") {
            (db.to_string(), Backend::Postgres)
        } else if db.starts_with("sqlite:") {
            (db.to_string(), Backend::Sqlite)
        } else {
            (format!("sqlite://{db}?mode=rwc"), Backend::Sqlite)
        };
        let mut opts = AnyPoolOptions::new().max_connections(if backend == Backend::Sqlite { 4 } else { 8 });
        if backend == Backend::Sqlite {
            opts = opts.after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;").await?;
                    Ok(())
                })
            });
        }
        let pool = opts.connect(&url).await?;
        match backend {
            Backend::Sqlite => MIGRATE_SQLITE.run(&pool).await?,
            Backend::Postgres => MIGRATE_POSTGRES.run(&pool).await?,
        }
        Ok(Store { pool, backend })
    }

    /// The pool, for read queries of the server and engines.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Which backend.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Placeholder for the n-th (1-based) bind parameter in this backend's SQL dialect.
    pub fn ph(&self, n: usize) -> String {
        match self.backend {
            Backend::Sqlite => format!("?{n}"),
            Backend::Postgres => format!("${n}"),
        }
    }

    /// Rewrites `$1`-style placeholders of a query for this backend.
    pub fn sql(&self, q: &str) -> String {
        match self.backend {
            Backend::Postgres => q.to_string(),
            Backend::Sqlite => q.replace('$', "?"),
        }
    }

    /// Appends an audit record (who, what, which entity, detail) outside any transaction.
    pub async fn audit(&self, actor: &str, action: &str, entity: &str, detail: &str) -> Result<()> {
        let q = self.sql("INSERT INTO audit_log (at, actor, action, entity, detail) VALUES ($1, $2, $3, $4, $5)");
        sqlx::query(&q).bind(now()).bind(actor).bind(action).bind(entity).bind(detail).execute(&self.pool).await?;
        Ok(())
    }

    /// Appends an audit record inside a transaction, so it commits or rolls back with the change
    /// it records.
    pub(crate) async fn audit_tx(&self, tx: &mut sqlx::Transaction<'_, sqlx::Any>, at: &str, actor: &str, action: &str, entity: &str, detail: &str) -> Result<()> {
        let q = self.sql("INSERT INTO audit_log (at, actor, action, entity, detail) VALUES ($1, $2, $3, $4, $5)");
        sqlx::query(&q).bind(at).bind(actor).bind(action).bind(entity).bind(detail).execute(&mut **tx).await?;
        Ok(())
    }

    /// The most recent audit records, newest first.
    pub async fn audit_log(&self, limit: i64) -> Result<Vec<(String, String, String, String, String)>> {
        let q = self.sql("SELECT at, actor, action, entity, detail FROM audit_log ORDER BY id DESC LIMIT $1");
        let rows: Vec<AnyRow> = sqlx::query(&q).bind(limit).fetch_all(&self.pool).await?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4))).collect())
    }
}

/// Current time as RFC 3339 text (UTC), the store's timestamp format on both backends.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Today in China (UTC+8) as YYYY-MM-DD: finding deadlines end at Beijing midnight.
pub fn today() -> String {
    let cst = chrono::FixedOffset::east_opt(8 * 3600).expect("valid offset");
    chrono::Utc::now().with_timezone(&cst).format("%Y-%m-%d").to_string()
}
