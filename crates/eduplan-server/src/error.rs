//! One API error type with a closed set of codes, mapped to HTTP statuses in one place.
//! Internal errors are logged and hidden from clients.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

/// An error answered to an API client: `{"error": {"code", "message_zh", "message_en"}}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    zh: String,
    en: String,
    /// Extra fields merged into the error object (e.g. a formula error's `position`).
    detail: Option<serde_json::Value>,
}

impl ApiError {
    /// Adds fields to the error object.
    pub fn with_detail(mut self, detail: serde_json::Value) -> ApiError {
        self.detail = Some(detail);
        self
    }
    /// 401: no or bad session.
    pub fn unauthorized() -> ApiError {
        ApiError { status: StatusCode::UNAUTHORIZED, code: "unauthorized", zh: "请先登录".into(), en: "please log in".into(), detail: None }
    }
    /// 401 with a specific reason (e.g. a wrong password).
    pub fn unauthorized_with(zh: impl Into<String>, en: impl Into<String>) -> ApiError {
        ApiError { status: StatusCode::UNAUTHORIZED, code: "unauthorized", zh: zh.into(), en: en.into(), detail: None }
    }
    /// 403: logged in but not allowed.
    pub fn forbidden(zh: impl Into<String>, en: impl Into<String>) -> ApiError {
        ApiError { status: StatusCode::FORBIDDEN, code: "forbidden", zh: zh.into(), en: en.into(), detail: None }
    }
    /// 404.
    pub fn not_found(zh: impl Into<String>, en: impl Into<String>) -> ApiError {
        ApiError { status: StatusCode::NOT_FOUND, code: "not_found", zh: zh.into(), en: en.into(), detail: None }
    }
    /// 400: the request itself is wrong.
    pub fn bad_request(zh: impl Into<String>, en: impl Into<String>) -> ApiError {
        ApiError { status: StatusCode::BAD_REQUEST, code: "bad_request", zh: zh.into(), en: en.into(), detail: None }
    }
    /// 503: the server lacks something the request needs (a font for PDF, …); says what.
    pub fn unavailable(zh: impl Into<String>, en: impl Into<String>) -> ApiError {
        ApiError { status: StatusCode::SERVICE_UNAVAILABLE, code: "unavailable", zh: zh.into(), en: en.into(), detail: None }
    }
    /// 409: the state changed under the request.
    pub fn conflict(zh: impl Into<String>, en: impl Into<String>) -> ApiError {
        ApiError { status: StatusCode::CONFLICT, code: "conflict", zh: zh.into(), en: en.into(), detail: None }
    }
    /// 500, with the cause logged, not shown.
    pub fn internal(cause: impl std::fmt::Display) -> ApiError {
        eprintln!("eduplan-server: internal error: {cause}");
        ApiError { status: StatusCode::INTERNAL_SERVER_ERROR, code: "internal", zh: "服务器内部错误".into(), en: "internal server error".into(), detail: None }
    }
}

impl From<eduplan_store::StoreError> for ApiError {
    fn from(e: eduplan_store::StoreError) -> ApiError {
        match e {
            eduplan_store::StoreError::NotFound(what) => ApiError::not_found(format!("未找到：{what}"), format!("not found: {what}")),
            // the store writes "中文 / English"
            eduplan_store::StoreError::Invalid(msg) => match msg.split_once(" / ") {
                Some((zh, en)) => ApiError::conflict(zh.to_string(), en.to_string()),
                None => ApiError::conflict(msg.clone(), msg),
            },
            eduplan_store::StoreError::Refused(w) if w.forbidden => ApiError::forbidden(w.zh, w.en),
            eduplan_store::StoreError::Refused(w) => ApiError::conflict(w.zh, w.en),
            other => ApiError::internal(other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = serde_json::json!({"error": {"code": self.code, "message_zh": self.zh, "message_en": self.en}});
        if let Some(serde_json::Value::Object(extra)) = self.detail {
            for (k, v) in extra {
                body["error"][k] = v;
            }
        }
        (self.status, Json(body)).into_response()
    }
}

/// Result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;
