//! The one extractor every API route goes through: it knows the user, their role and their
//! scope. Handlers ask it what the user may see instead of checking roles themselves.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use eduplan_store::{Role, ScopeKind, User};

use crate::error::ApiError;
use crate::AppState;

/// A logged-in user (from `Authorization: Bearer <token>`).
#[derive(Debug, Clone)]
pub struct AuthUser {
    /// The user.
    pub user: User,
    /// The session token (for logout).
    pub token: String,
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<AuthUser, ApiError> {
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_string())
            .ok_or_else(ApiError::unauthorized)?;
        let user = state.store.session_user(&token).await?.ok_or_else(ApiError::unauthorized)?;
        Ok(AuthUser { user, token })
    }
}

/// See [`eduplan_core::schema::region_prefix`].
pub fn region_prefix(code: &str) -> String {
    eduplan_core::schema::region_prefix(code).to_string()
}

impl AuthUser {
    /// Whether the user sees a school (by its id and region code).
    pub fn sees_school(&self, school_id: &str, region: &str) -> bool {
        match self.user.scope_kind {
            ScopeKind::All => true,
            ScopeKind::Region => region.starts_with(&region_prefix(&self.user.scope)),
            ScopeKind::School => school_id == self.user.scope,
        }
    }
    /// Whether the user sees a region (a region in scope, or above a school in scope).
    pub fn sees_region(&self, code: &str) -> bool {
        match self.user.scope_kind {
            ScopeKind::All => true,
            ScopeKind::Region => code.starts_with(&region_prefix(&self.user.scope)),
            ScopeKind::School => false,
        }
    }
    /// Refuses roles that may not write data.
    pub fn require_import(&self) -> Result<(), ApiError> {
        if self.user.role.may_import() {
            Ok(())
        } else {
            Err(ApiError::forbidden("当前角色无权导入数据", "this role may not import data"))
        }
    }
    /// Refuses everyone but administrators and the planning section (who define indicators).
    pub fn require_planner(&self) -> Result<(), ApiError> {
        if matches!(self.user.role, eduplan_store::Role::Admin | eduplan_store::Role::Planner) {
            Ok(())
        } else {
            Err(ApiError::forbidden("仅系统管理员和发展规划科可定义指标", "only administrators and the planning section may define indicators"))
        }
    }
    /// Refuses everyone but administrators.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.user.role == Role::Admin {
            Ok(())
        } else {
            Err(ApiError::forbidden("仅系统管理员可用", "administrators only"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::region_prefix;
    #[test]
    fn region_prefixes_follow_the_code_structure() {
        assert_eq!(region_prefix("360000"), "36");
        assert_eq!(region_prefix("360700"), "3607");
        assert_eq!(region_prefix("360721"), "360721");
        assert_eq!(region_prefix("360721001"), "360721001");
    }
}
