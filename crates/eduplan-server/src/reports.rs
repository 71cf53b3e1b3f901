//! Reports as downloads: a [`Document`] answered as Word or PDF. The fonts a PDF needs are read
//! once, on the first PDF asked for, off the async threads (reading a system's fonts takes a
//! moment), and kept for the server's life.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use axum::http::header;
use axum::response::{IntoResponse, Response};
use eduplan_report::{Document, Fonts};

use crate::error::{ApiError, ApiResult};

/// The fonts of PDF reports (中文字体), found lazily in the user's folders and the system's.
pub struct FontCache {
    dirs: Vec<PathBuf>,
    fonts: OnceLock<Arc<Fonts>>,
}

impl FontCache {
    /// A cache that will search `dirs` (then the system's font folders) when first asked.
    pub fn new(dirs: Vec<PathBuf>) -> FontCache {
        FontCache { dirs, fonts: OnceLock::new() }
    }

    /// A cache holding these fonts already (tests, or a server given its fonts).
    pub fn preloaded(fonts: Fonts) -> FontCache {
        let cache = FontCache::new(Vec::new());
        let _ = cache.fonts.set(Arc::new(fonts));
        cache
    }

    /// The fonts, read on the first call.
    pub async fn get(self: &Arc<Self>) -> Arc<Fonts> {
        if let Some(f) = self.fonts.get() {
            return f.clone();
        }
        let me = self.clone();
        tokio::task::spawn_blocking(move || me.fonts.get_or_init(|| Arc::new(Fonts::search(&me.dirs))).clone()).await.expect("reading fonts does not panic")
    }
}

/// The format a report is downloaded in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    /// Word (.docx): to edit before handing on.
    Docx,
    /// PDF: to hand on as it is.
    Pdf,
}

impl ReportFormat {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Docx => "docx",
            ReportFormat::Pdf => "pdf",
        }
    }

    fn mime(self) -> &'static str {
        match self {
            ReportFormat::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ReportFormat::Pdf => "application/pdf",
        }
    }
}

/// A report as a download named `stem.docx` / `stem.pdf`. A PDF the fonts cannot make answers
/// 503 with the reason (install a Chinese font, or start the server with --font-dir).
pub async fn download(doc: Document, format: ReportFormat, fonts: &Arc<FontCache>, stem: &str) -> ApiResult<Response> {
    let bytes = match format {
        ReportFormat::Docx => doc.to_docx(),
        ReportFormat::Pdf => {
            let fonts = fonts.get().await;
            tokio::task::spawn_blocking(move || doc.to_pdf(&fonts)).await.map_err(ApiError::internal)?.map_err(|e| ApiError::unavailable(e.zh(), e.en()))?
        }
    };
    let ext = format.extension();
    let name = format!("{stem}.{ext}");
    Ok((
        [
            (header::CONTENT_TYPE, format.mime().to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"report.{ext}\"; filename*=UTF-8''{}", crate::api::percent_encode(&name))),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_pdf_without_chinese_fonts_is_a_503_that_says_how_to_get_one() {
        let mut doc = Document::new();
        doc.title("报告");
        let none = Arc::new(FontCache::preloaded(Fonts::from_data(Vec::new())));
        let e = download(doc.clone(), ReportFormat::Pdf, &none, "报告").await.unwrap_err();
        let r = e.into_response();
        assert_eq!(r.status(), axum::http::StatusCode::SERVICE_UNAVAILABLE);
        let body = axum::body::to_bytes(r.into_body(), 1 << 20).await.unwrap();
        let body = String::from_utf8(body.to_vec()).unwrap();
        assert!(body.contains("未找到中文字体") && body.contains("--font-dir") && body.contains("no Chinese (CJK) font"), "{body}");
        // Word needs no font on the server
        let ok = download(doc, ReportFormat::Docx, &none, "报告").await.unwrap();
        assert_eq!(ok.status(), axum::http::StatusCode::OK);
        assert_eq!(ok.headers()[header::CONTENT_TYPE], "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    }
}
