//! Users (用户), their role (角色) and scope (管辖范围), passwords and login sessions.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::Rng;
use sqlx::any::AnyRow;
use sqlx::Row as _;

use crate::{now, Result, Store, StoreError};

/// What a user does in the bureau; decides which features they may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// System administrator (系统管理员): everything, including users.
    Admin,
    /// Planning section (发展规划科).
    Planner,
    /// Supervision office (督导室).
    Supervisor,
    /// Finance (计财科).
    Finance,
    /// Personnel (人事科).
    Personnel,
    /// School staff (学校填报员): their own school only.
    School,
    /// The public (公众): the published read-only view.
    Public,
}

impl Role {
    /// All roles.
    pub const ALL: [Role; 7] = [Role::Admin, Role::Planner, Role::Supervisor, Role::Finance, Role::Personnel, Role::School, Role::Public];
    /// Stable name used in the store and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Planner => "planner",
            Role::Supervisor => "supervisor",
            Role::Finance => "finance",
            Role::Personnel => "personnel",
            Role::School => "school",
            Role::Public => "public",
        }
    }
    /// Parses a stable name.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
    /// Whether the role may import data (write school years).
    pub fn may_import(self) -> bool {
        !matches!(self, Role::Public)
    }
}

/// What part of the system a user sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    /// Everything in the store.
    All,
    /// A region (县/乡镇 code) and everything under it.
    Region,
    /// One school (学校标识码).
    School,
}

impl ScopeKind {
    /// Stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            ScopeKind::All => "all",
            ScopeKind::Region => "region",
            ScopeKind::School => "school",
        }
    }
    /// Parses a stable name.
    pub fn parse(s: &str) -> Option<ScopeKind> {
        [ScopeKind::All, ScopeKind::Region, ScopeKind::School].into_iter().find(|k| k.as_str() == s)
    }
}

/// A user of eduplan.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// Row id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Name shown in the UI.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Scope kind.
    pub scope_kind: ScopeKind,
    /// Region code or school id (empty for `All`).
    pub scope: String,
}

fn user_from(r: &AnyRow) -> Result<User> {
    let role: String = r.try_get(3)?;
    let sk: String = r.try_get(4)?;
    Ok(User {
        id: r.try_get(0)?,
        username: r.try_get(1)?,
        display_name: r.try_get(2)?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Invalid(format!("unknown role {role}")))?,
        scope_kind: ScopeKind::parse(&sk).ok_or_else(|| StoreError::Invalid(format!("unknown scope {sk}")))?,
        scope: r.try_get(5)?,
    })
}

const USER_COLS: &str = "u.id, u.username, u.display_name, u.role, u.scope_kind, u.scope";

impl Store {
    /// Creates a user, or replaces the password, role and scope of an existing one.
    pub async fn upsert_user(&self, username: &str, display_name: &str, password: &str, role: Role, scope_kind: ScopeKind, scope: &str) -> Result<User> {
        if username.trim().is_empty() || password.len() < 6 {
            return Err(StoreError::Invalid("user name required; password at least 6 characters".into()));
        }
        let salt = SaltString::generate(&mut OsRng);
        let hash = Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map_err(|e| StoreError::Invalid(e.to_string()))?
            .to_string();
        let q = self.sql("SELECT id FROM users WHERE username = $1");
        let existing: Option<i64> = sqlx::query_scalar(&q).bind(username).fetch_optional(self.pool()).await?;
        match existing {
            Some(id) => {
                let q = self.sql("UPDATE users SET display_name = $1, password_hash = $2, role = $3, scope_kind = $4, scope = $5 WHERE id = $6");
                sqlx::query(&q)
                    .bind(display_name)
                    .bind(&hash)
                    .bind(role.as_str())
                    .bind(scope_kind.as_str())
                    .bind(scope)
                    .bind(id)
                    .execute(self.pool())
                    .await?;
            }
            None => {
                let q = self.sql(
                    "INSERT INTO users (username, display_name, password_hash, role, scope_kind, scope, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                );
                sqlx::query(&q)
                    .bind(username)
                    .bind(display_name)
                    .bind(&hash)
                    .bind(role.as_str())
                    .bind(scope_kind.as_str())
                    .bind(scope)
                    .bind(now())
                    .execute(self.pool())
                    .await?;
            }
        }
        self.audit("system", "user.upsert", username, &format!("role={} scope={}:{}", role.as_str(), scope_kind.as_str(), scope)).await?;
        self.user_by_name(username).await?.ok_or_else(|| StoreError::NotFound(username.into()))
    }

    /// A user by login name.
    pub async fn user_by_name(&self, username: &str) -> Result<Option<User>> {
        let q = self.sql(&format!("SELECT {USER_COLS} FROM users u WHERE u.username = $1"));
        let r: Option<AnyRow> = sqlx::query(&q).bind(username).fetch_optional(self.pool()).await?;
        r.as_ref().map(user_from).transpose()
    }

    /// Checks a password; on success opens a session and returns its token (valid 12 hours).
    pub async fn login(&self, username: &str, password: &str) -> Result<Option<(String, User)>> {
        let q = self.sql(&format!("SELECT {USER_COLS}, u.password_hash FROM users u WHERE u.username = $1"));
        let Some(r) = sqlx::query(&q).bind(username).fetch_optional(self.pool()).await? else {
            return Ok(None);
        };
        let hash: String = r.try_get(6)?;
        let parsed = PasswordHash::new(&hash).map_err(|e| StoreError::Invalid(e.to_string()))?;
        if Argon2::default().verify_password(password.as_bytes(), &parsed).is_err() {
            return Ok(None);
        }
        let user = user_from(&r)?;
        let bytes: [u8; 32] = rand::rng().random();
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let expires = (chrono::Utc::now() + chrono::Duration::hours(12)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let q = self.sql("INSERT INTO sessions (token, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)");
        sqlx::query(&q).bind(&token).bind(user.id).bind(now()).bind(&expires).execute(self.pool()).await?;
        self.audit(&user.username, "login", "session", "").await?;
        Ok(Some((token, user)))
    }

    /// The user of a live session token.
    pub async fn session_user(&self, token: &str) -> Result<Option<User>> {
        let q = self.sql(&format!("SELECT {USER_COLS} FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token = $1 AND s.expires_at > $2"));
        let r: Option<AnyRow> = sqlx::query(&q).bind(token).bind(now()).fetch_optional(self.pool()).await?;
        r.as_ref().map(user_from).transpose()
    }

    /// Ends a session.
    pub async fn logout(&self, token: &str) -> Result<()> {
        let q = self.sql("DELETE FROM sessions WHERE token = $1");
        sqlx::query(&q).bind(token).execute(self.pool()).await?;
        Ok(())
    }
}
