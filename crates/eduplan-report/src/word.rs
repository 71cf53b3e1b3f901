//! A small Word writer over docx-rs with the look of a Chinese government document: 黑体 headings,
//! 仿宋 body text, 宋体 tables with borders, A4.

use docx_rs::{AlignmentType, Docx, Paragraph, Run, RunFonts, Table, TableCell, TableRow, WidthType};

/// A document being written.
pub struct Word {
    doc: Docx,
}

fn run(text: &str, font: &str, half_points: usize, bold: bool) -> Run {
    let r = Run::new().add_text(text).fonts(RunFonts::new().east_asia(font).ascii("Times New Roman").hi_ansi("Times New Roman")).size(half_points);
    if bold {
        r.bold()
    } else {
        r
    }
}

impl Default for Word {
    fn default() -> Word {
        Word::new()
    }
}

impl Word {
    /// An empty A4 document.
    pub fn new() -> Word {
        Word { doc: Docx::new().page_size(11906, 16838).page_margin(docx_rs::PageMargin::new().top(1440).bottom(1440).left(1587).right(1474)) }
    }

    fn push(&mut self, p: Paragraph) {
        let doc = std::mem::take(&mut self.doc);
        self.doc = doc.add_paragraph(p);
    }

    /// The title (二号 小标宋 → 黑体 here, centred).
    pub fn title(&mut self, text: &str) {
        self.push(Paragraph::new().add_run(run(text, "黑体", 44, true)).align(AlignmentType::Center));
    }

    /// A centred line under the title.
    pub fn centered(&mut self, text: &str) {
        self.push(Paragraph::new().add_run(run(text, "楷体", 28, false)).align(AlignmentType::Center));
    }

    /// A first-level heading (一、…).
    pub fn heading(&mut self, text: &str) {
        self.push(Paragraph::new().add_run(run(text, "黑体", 32, false)));
    }

    /// A second-level heading.
    pub fn subheading(&mut self, text: &str) {
        self.push(Paragraph::new().add_run(run(text, "楷体", 32, true)));
    }

    /// Body text (三号 仿宋, first line indented two characters).
    pub fn para(&mut self, text: &str) {
        self.push(Paragraph::new().add_run(run(text, "仿宋", 32, false)).indent(None, Some(docx_rs::SpecialIndentType::FirstLine(640)), None, None));
    }

    /// A list line.
    pub fn bullet(&mut self, text: &str) {
        self.push(Paragraph::new().add_run(run(&format!("· {text}"), "仿宋", 28, false)).indent(Some(640), None, None, None));
    }

    /// A right-aligned line (signature, date).
    pub fn right(&mut self, text: &str) {
        self.push(Paragraph::new().add_run(run(text, "仿宋", 32, false)).align(AlignmentType::Right));
    }

    /// A table with a bold header row.
    pub fn table<S: AsRef<str>>(&mut self, head: &[S], rows: &[Vec<String>]) {
        let cell = |t: &str, bold: bool| TableCell::new().add_paragraph(Paragraph::new().add_run(run(t, "宋体", 21, bold)));
        let mut trs = vec![TableRow::new(head.iter().map(|h| cell(h.as_ref(), true)).collect())];
        trs.extend(rows.iter().map(|r| TableRow::new(r.iter().map(|c| cell(c, false)).collect())));
        let t = Table::new(trs).width(5000, WidthType::Pct);
        let doc = std::mem::take(&mut self.doc);
        self.doc = doc.add_table(t);
        // an empty paragraph keeps consecutive tables apart
        self.push(Paragraph::new());
    }

    /// The .docx bytes.
    pub fn finish(self) -> Vec<u8> {
        let mut buf = std::io::Cursor::new(Vec::new());
        self.doc.build().pack(&mut buf).expect("writing to memory cannot fail");
        buf.into_inner()
    }
}

/// A [`Document`](crate::Document) as .docx bytes.
pub(crate) fn render(doc: &crate::Document) -> Vec<u8> {
    use crate::document::Block;
    let mut w = Word::new();
    for b in &doc.blocks {
        match b {
            Block::Title { text } => w.title(text),
            Block::Centered { text } => w.centered(text),
            Block::Heading { text } => w.heading(text),
            Block::Subheading { text } => w.subheading(text),
            Block::Para { text } => w.para(text),
            Block::Bullet { text } => w.bullet(text),
            Block::Right { text } => w.right(text),
            Block::Table { head, rows } => w.table(head, rows),
        }
    }
    w.finish()
}
