//! A report as a sequence of blocks, independent of its format: a report is written once and
//! rendered as Word (`word.rs`) or PDF (`pdf.rs`), so both say the same thing.

use serde::Serialize;

/// One block of a report (标题, 一级标题, 正文, 表格, …).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Block {
    /// The title (标题), centred.
    Title {
        /// Its text.
        text: String,
    },
    /// A centred line under the title.
    Centered {
        /// Its text.
        text: String,
    },
    /// A first-level heading (一、…).
    Heading {
        /// Its text.
        text: String,
    },
    /// A second-level heading.
    Subheading {
        /// Its text.
        text: String,
    },
    /// Body text (正文), first line indented two characters.
    Para {
        /// Its text.
        text: String,
    },
    /// A list line.
    Bullet {
        /// Its text.
        text: String,
    },
    /// A right-aligned line (落款, date).
    Right {
        /// Its text.
        text: String,
    },
    /// A table with a header row; every row has as many cells as the header.
    Table {
        /// The header row.
        head: Vec<String>,
        /// The body rows.
        rows: Vec<Vec<String>>,
    },
}

/// A report (报告) ready to be rendered.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Document {
    /// The blocks, in reading order.
    pub blocks: Vec<Block>,
}

impl Document {
    /// An empty document.
    pub fn new() -> Document {
        Document::default()
    }

    /// The title: the text of the first title block.
    pub fn title_text(&self) -> &str {
        self.blocks.iter().find_map(|b| if let Block::Title { text } = b { Some(text.as_str()) } else { None }).unwrap_or_default()
    }

    /// Adds the title.
    pub fn title(&mut self, text: &str) {
        self.blocks.push(Block::Title { text: text.into() });
    }

    /// Adds a centred line.
    pub fn centered(&mut self, text: &str) {
        self.blocks.push(Block::Centered { text: text.into() });
    }

    /// Adds a first-level heading.
    pub fn heading(&mut self, text: &str) {
        self.blocks.push(Block::Heading { text: text.into() });
    }

    /// Adds a second-level heading.
    pub fn subheading(&mut self, text: &str) {
        self.blocks.push(Block::Subheading { text: text.into() });
    }

    /// Adds a paragraph of body text.
    pub fn para(&mut self, text: &str) {
        self.blocks.push(Block::Para { text: text.into() });
    }

    /// Adds a list line.
    pub fn bullet(&mut self, text: &str) {
        self.blocks.push(Block::Bullet { text: text.into() });
    }

    /// Adds a right-aligned line.
    pub fn right(&mut self, text: &str) {
        self.blocks.push(Block::Right { text: text.into() });
    }

    /// Adds a table; short rows are padded with empty cells and long ones cut to the header, so
    /// a renderer can trust the shape.
    pub fn table<S: AsRef<str>>(&mut self, head: &[S], rows: &[Vec<String>]) {
        let n = head.len();
        let rows = rows
            .iter()
            .map(|r| {
                let mut r: Vec<String> = r.iter().take(n).cloned().collect();
                r.resize(n, String::new());
                r
            })
            .collect();
        self.blocks.push(Block::Table { head: head.iter().map(|h| h.as_ref().to_string()).collect(), rows });
    }

    /// Every text the document shows, in reading order (what a reader of either format sees).
    pub fn texts(&self) -> Vec<&str> {
        let mut out = Vec::new();
        for b in &self.blocks {
            match b {
                Block::Title { text } | Block::Centered { text } | Block::Heading { text } | Block::Subheading { text } | Block::Para { text } | Block::Bullet { text } | Block::Right { text } => out.push(text.as_str()),
                Block::Table { head, rows } => {
                    out.extend(head.iter().map(String::as_str));
                    out.extend(rows.iter().flatten().map(String::as_str));
                }
            }
        }
        out
    }

    /// The document as Word (.docx).
    pub fn to_docx(&self) -> Vec<u8> {
        crate::word::render(self)
    }
}
