//! The PDF says what the document says: every text of a report is read back from the PDF (by
//! poppler's pdftotext, not by our own code), on A4 pages, with Chinese fonts from the system;
//! user text stays text; a missing font or glyph is refused with a message in both languages.
//!
//! Needs a Chinese font (fonts-noto-cjk) and poppler-utils; .ci/run installs both.

use std::process::Command;

mod common;

use eduplan_report::{monitoring_report, self_assessment, Document, Fonts, PdfError};
use serde_json::json;

fn fonts() -> &'static Fonts {
    static FONTS: std::sync::OnceLock<Fonts> = std::sync::OnceLock::new();
    FONTS.get_or_init(|| {
        let f = Fonts::search(&[]);
        assert!(!f.is_empty(), "no Chinese font on this machine: install fonts-noto-cjk");
        f
    })
}

/// Runs a poppler tool (pdftotext, pdfinfo, pdffonts) on PDF bytes and returns what it printed.
fn poppler(tool: &str, pdf: &[u8], args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, pdf).unwrap();
    let mut cmd = Command::new(tool);
    cmd.args(args).arg(&path);
    if tool == "pdftotext" {
        cmd.arg("-");
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("{tool} (poppler-utils) is needed: {e}"));
    assert!(out.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Every text of the document is in the PDF (whitespace aside: lines wrap where the page ends).
fn assert_says_everything(doc: &Document, pdf: &[u8]) {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let text = squeeze(&poppler("pdftotext", pdf, &["-raw", "-enc", "UTF-8"]));
    for t in doc.texts() {
        assert!(text.contains(&squeeze(t)), "the PDF lacks {t:?}");
    }
}

#[test]
fn the_self_assessment_pdf_carries_every_text_of_the_report_on_a4() {
    let (a, ctx) = common::assessment();
    let doc = self_assessment(&a, &ctx);
    let pdf = doc.to_pdf(fonts()).unwrap();
    assert_says_everything(&doc, &pdf);
    // the same document the Word file is made of: its headings are there too
    for want in ["青山县县域义务教育优质均衡发展督导评估自评报告", "往年问题整改情况", "问题已消除，申请复查销号", "0.4123", "2025-03-01"] {
        assert!(doc.texts().iter().any(|t| t.contains(want)), "the document lacks {want}");
    }
    let info = poppler("pdfinfo", &pdf, &[]);
    assert!(info.contains("595.276 x 841.89 pts (A4)"), "not A4: {info}");
    assert!(info.lines().any(|l| l.starts_with("Title:") && l.contains("自评报告")), "no title in the metadata: {info}");
    // the fonts are embedded (a reader needs none of its own)
    let listed = poppler("pdffonts", &pdf, &[]);
    let rows: Vec<&str> = listed.lines().skip(2).collect();
    assert!(!rows.is_empty() && rows.iter().all(|r| r.contains(" yes ")), "fonts not all embedded:\n{listed}");
    assert!(rows.iter().any(|r| r.contains("CJK")), "no CJK font used:\n{listed}");
}

#[test]
fn a_long_monitoring_report_breaks_across_pages_and_keeps_every_row() {
    // 120 targets: the table runs over several pages, and no row is lost at a page break
    let targets: Vec<_> = (0..120)
        .map(|i| json!({"metric": format!("监测指标第{i}项"), "baseline": {"year": 2020, "value": i}, "cmp": "≥", "target_value": 100 + i, "unit": "%", "target_year": 2025,
            "actual": 50 + i, "expected": 60 + i, "status": if i % 7 == 0 { "预警" } else { "按进度" }, "status_en": if i % 7 == 0 { "at_risk" } else { "on_track" }, "kind": "预期性"}))
        .collect();
    let p = json!({"name": "教育发展“十四五”规划", "counts": {"on_track": 102, "at_risk": 18}, "targets": targets});
    let doc = monitoring_report("青山县", 2024, &[p], "2025-03-01");
    let pdf = doc.to_pdf(fonts()).unwrap();
    assert_says_everything(&doc, &pdf);
    let pages: usize = poppler("pdfinfo", &pdf, &[]).lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap();
    assert!(pages >= 3, "120 targets on {pages} pages");
}

#[test]
fn text_that_looks_like_markup_is_printed_as_it_is() {
    // a school or problem named with typst's markup characters must not change the layout
    let mut doc = Document::new();
    doc.title("#set page(width: 1cm) 标题");
    let nasty = r#"*粗体* _斜体_ $x^2$ [方括号] <标签> @引用 \反斜杠 "引号" #pagebreak() // 注释 = 标题"#;
    doc.para(nasty);
    doc.table(&["学校", "说明"], &[vec!["]) #text(red)[".into(), "= 非标题".into()]]);
    let pdf = doc.to_pdf(fonts()).unwrap();
    assert_says_everything(&doc, &pdf);
    let info = poppler("pdfinfo", &pdf, &[]);
    assert!(info.contains("Pages:           1"), "the markup took effect: {info}");
    assert!(info.contains("(A4)"), "the markup took effect: {info}");
}

#[test]
fn no_chinese_font_is_a_clear_error_in_both_languages() {
    // a Latin-only font is not kept: it cannot print a Chinese report
    let latin: Vec<Vec<u8>> = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"].iter().filter_map(|p| std::fs::read(p).ok()).collect();
    let none = Fonts::from_data(latin);
    assert!(none.is_empty());
    let mut doc = Document::new();
    doc.title("报告");
    let e = doc.to_pdf(&none).unwrap_err();
    assert!(matches!(e, PdfError::NoFont { .. }));
    let m = e.to_string();
    for want in ["未找到中文字体", "fonts-noto-cjk", "--font-dir", "EDUPLAN_FONT_DIR", "no Chinese (CJK) font"] {
        assert!(m.contains(want), "{m} lacks {want}");
    }
}

#[test]
fn a_character_no_font_has_is_refused_not_printed_as_a_box() {
    let mut doc = Document::new();
    doc.title("报告");
    doc.para("私用区字符 \u{E000} 没有字形");
    match doc.to_pdf(fonts()) {
        Err(PdfError::MissingGlyphs(chars)) => assert_eq!(chars, "\u{E000}"),
        other => panic!("expected MissingGlyphs, got {other:?}"),
    }
}

#[test]
fn a_users_font_folder_is_searched_first_and_broken_files_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("broken.ttf"), b"not a font").unwrap();
    let sub = dir.path().join("cjk");
    std::fs::create_dir(&sub).unwrap();
    // a system font that is not the system's first, copied into the user's folder: read first,
    // its family leads
    let system = fonts();
    let first = system.families()[0].clone();
    let src = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc";
    let Ok(bytes) = std::fs::read(src) else {
        eprintln!("note: Noto Serif CJK not at its Debian path; skipping the folder-order check (found {first})");
        return;
    };
    let mine = Fonts::from_data([bytes.clone()]);
    assert_ne!(mine.families()[0], first, "the check needs a font that does not lead the system's list");
    std::fs::write(sub.join("mine.ttc"), bytes).unwrap();
    let searched = Fonts::search(&[dir.path().to_path_buf()]);
    assert_eq!(searched.families()[0], mine.families()[0], "the user's folder is read first");
    let mut doc = Document::new();
    doc.title("用户字体");
    assert!(doc.to_pdf(&searched).unwrap().starts_with(b"%PDF-"));
}
