//! PDF through typst, compiled in-process: the layout is a typst template (`report.typ`) and the
//! content is the [`Document`] serialised as JSON, so user text is data and never markup.
//!
//! Chinese needs a CJK font, which no binary carries: [`Fonts::search`] reads the fonts of the
//! system's font folders and of folders the user names (`--font-dir`, `EDUPLAN_FONT_DIR`), and
//! keeps those that have Chinese. A report that would show a character no font has is refused
//! rather than printed with empty boxes.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::json;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::layout::{Frame, FrameItem};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use crate::Document;

const TEMPLATE: &str = include_str!("report.typ");

/// Families a body text prefers (宋体-like serif first), then headings (黑体-like sans first);
/// any other Chinese font found follows, so a user's own font folder always works.
const BODY: &[&str] = &["Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN", "SimSun", "NSimSun", "Songti SC", "STSong", "FangSong", "AR PL UMing CN"];
const HEADING: &[&str] = &["Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "SimHei", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Heiti SC"];

/// Why a PDF could not be made. `Display` says it in Chinese and English.
#[derive(Debug, Clone, PartialEq)]
pub enum PdfError {
    /// No font with Chinese characters was found.
    NoFont {
        /// The folders searched.
        searched: Vec<PathBuf>,
    },
    /// Characters of the report that none of the fonts has.
    MissingGlyphs(String),
    /// The typesetter failed (a bug of the template, not of the user's data).
    Typeset(String),
}

impl PdfError {
    /// What went wrong, in Chinese.
    pub fn zh(&self) -> String {
        match self {
            PdfError::NoFont { searched } => format!(
                "未找到中文字体（已查找：{}）：请安装中文字体（如 Debian/Ubuntu 的 fonts-noto-cjk），或用 --font-dir 或环境变量 EDUPLAN_FONT_DIR 指定字体文件夹",
                searched.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join("、")
            ),
            PdfError::MissingGlyphs(chars) => format!("字体缺少这些字符：{chars}；请用 --font-dir 指定包含它们的字体"),
            PdfError::Typeset(m) => format!("排版失败：{m}"),
        }
    }

    /// What went wrong, in English.
    pub fn en(&self) -> String {
        match self {
            PdfError::NoFont { searched } => format!(
                "no Chinese (CJK) font found (searched: {}): install one (e.g. fonts-noto-cjk) or name a font folder with --font-dir or EDUPLAN_FONT_DIR",
                searched.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", ")
            ),
            PdfError::MissingGlyphs(chars) => format!("the fonts lack these characters: {chars}; name a font folder that has them with --font-dir"),
            PdfError::Typeset(m) => format!("typesetting failed: {m}"),
        }
    }
}

impl std::fmt::Display for PdfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} / {}", self.zh(), self.en())
    }
}

impl std::error::Error for PdfError {}

/// The Chinese fonts a PDF can use (中文字体), read once and shared by every report.
pub struct Fonts {
    fonts: Vec<Font>,
    book: LazyHash<FontBook>,
    searched: Vec<PathBuf>,
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fonts").field("families", &self.families()).field("searched", &self.searched).finish()
    }
}

/// A Chinese font covers 中 (U+4E2D); the test keeps Latin-only fonts, which typst cannot use
/// for this text anyway, out of memory.
fn has_chinese(f: &Font) -> bool {
    f.info().coverage.contains('中' as u32)
}

impl Fonts {
    /// The Chinese faces among font files' bytes (.ttf, .otf, .ttc collections).
    pub fn from_data(files: impl IntoIterator<Item = Vec<u8>>) -> Fonts {
        let fonts: Vec<Font> = files.into_iter().flat_map(|data| Font::iter(Bytes::new(data))).filter(has_chinese).collect();
        let book = LazyHash::new(FontBook::from_fonts(&fonts));
        Fonts { fonts, book, searched: Vec::new() }
    }

    /// The folders where systems keep fonts (Linux, macOS, Windows).
    pub fn system_dirs() -> Vec<PathBuf> {
        let mut dirs: Vec<PathBuf> = ["/usr/share/fonts", "/usr/local/share/fonts", "/Library/Fonts", "/System/Library/Fonts", "C:\\Windows\\Fonts"].iter().map(PathBuf::from).collect();
        if let Some(home) = std::env::var_os("HOME") {
            let home = PathBuf::from(home);
            dirs.push(home.join(".fonts"));
            dirs.push(home.join(".local/share/fonts"));
            dirs.push(home.join("Library/Fonts"));
        }
        dirs
    }

    /// Reads the fonts under `first` (the user's folders, searched first) and then under the
    /// system's folders. Unreadable files and folders are skipped: a font folder is never an
    /// error, only finding no Chinese font is (when a PDF is asked for).
    pub fn search(first: &[PathBuf]) -> Fonts {
        let mut dirs: Vec<PathBuf> = first.to_vec();
        dirs.extend(Fonts::system_dirs());
        let mut files = Vec::new();
        for d in &dirs {
            collect_font_files(d, &mut files, 0);
        }
        let mut fonts = Fonts::from_data(files.iter().filter_map(|p| std::fs::read(p).ok()));
        fonts.searched = dirs;
        fonts
    }

    /// The font families found, in the order they were read.
    pub fn families(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for f in &self.fonts {
            if !out.contains(&f.info().family) {
                out.push(f.info().family.clone());
            }
        }
        out
    }

    /// Whether no Chinese font was found.
    pub fn is_empty(&self) -> bool {
        self.fonts.is_empty()
    }

    /// The families for body text and headings: the preferred ones that are present, then all
    /// others.
    fn stacks(&self) -> (Vec<String>, Vec<String>) {
        let found = self.families();
        let stack = |preferred: &[&str]| {
            let mut s: Vec<String> = preferred.iter().filter_map(|p| found.iter().find(|f| f.eq_ignore_ascii_case(p)).cloned()).collect();
            let rest: Vec<String> = found.iter().filter(|f| !s.contains(f)).cloned().collect();
            s.extend(rest);
            s
        };
        (stack(BODY), stack(HEADING))
    }
}

fn collect_font_files(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    // font folders are shallow; the bound keeps a mistaken --font-dir / from walking the disk
    if depth > 6 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect_font_files(&p, out, depth + 1);
        } else if p.extension().and_then(|e| e.to_str()).is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "ttf" | "otf" | "ttc" | "otc")) {
            out.push(p);
        }
    }
}

fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::default()))
}

fn file_id(path: &str) -> FileId {
    FileId::new(RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).expect("a valid virtual path")))
}

/// What typst sees: the template, the document's data, and the fonts; nothing of the disk.
struct ReportWorld<'a> {
    fonts: &'a Fonts,
    main: Source,
    data_id: FileId,
    data: Bytes,
}

impl World for ReportWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotFound(id.vpath().get_with_slash().into()))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.text().to_string()))
        } else {
            Err(FileError::NotFound(id.vpath().get_with_slash().into()))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // reports carry their date as text; none of the template's output depends on the clock
        None
    }
}

/// The characters drawn with no glyph (.notdef, glyph 0) in a frame and its groups.
fn missing_glyphs(frame: &Frame, out: &mut Vec<char>) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(g) => missing_glyphs(&g.frame, out),
            FrameItem::Text(t) => {
                for g in t.glyphs.iter().filter(|g| g.id == 0) {
                    for c in t.text.get(g.range()).unwrap_or_default().chars().filter(|c| !c.is_whitespace()) {
                        if !out.contains(&c) {
                            out.push(c);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// The laid-out pages of a document (what the PDF will show).
fn typeset(doc: &Document, fonts: &Fonts) -> Result<PagedDocument, PdfError> {
    if fonts.is_empty() {
        return Err(PdfError::NoFont { searched: fonts.searched.clone() });
    }
    let (body, heading) = fonts.stacks();
    let data = json!({"title": doc.title_text(), "fonts": {"body": body, "heading": heading}, "blocks": doc.blocks});
    let world = ReportWorld {
        fonts,
        main: Source::new(file_id("/report.typ"), TEMPLATE.to_string()),
        data_id: file_id("/document.json"),
        data: Bytes::new(serde_json::to_vec(&data).expect("a document serialises")),
    };
    let compiled = typst::compile::<PagedDocument>(&world).output;
    // typst memoises across compilations; keep what the last few used, so a server that prints
    // reports all day does not grow (typst's own CLI does the same)
    typst::comemo::evict(10);
    let paged = compiled.map_err(|errors| PdfError::Typeset(errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; ")))?;
    let mut missing = Vec::new();
    for page in paged.pages() {
        missing_glyphs(&page.frame, &mut missing);
    }
    if !missing.is_empty() {
        return Err(PdfError::MissingGlyphs(missing.into_iter().collect()));
    }
    Ok(paged)
}

/// Forgets everything typst memoised, so the next PDF is typeset from scratch (benchmarks).
pub fn forget_typesetting_cache() {
    typst::comemo::evict(0);
}

impl Document {
    /// The document as PDF (A4), typeset by typst with the given fonts.
    pub fn to_pdf(&self, fonts: &Fonts) -> Result<Vec<u8>, PdfError> {
        let paged = typeset(self, fonts)?;
        let options = typst_pdf::PdfOptions { ident: Smart::Custom(self.title_text().to_string()), ..Default::default() };
        typst_pdf::pdf(&paged, &options).map_err(|errors| PdfError::Typeset(errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; ")))
    }

    /// How many pages the PDF has.
    pub fn pdf_pages(&self, fonts: &Fonts) -> Result<usize, PdfError> {
        Ok(typeset(self, fonts)?.pages().len())
    }
}
