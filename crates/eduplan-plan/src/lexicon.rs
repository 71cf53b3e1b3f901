//! The plan lexicon (规划用语词表, `catalogue/plan-lexicon.toml`): metric synonyms → catalogue
//! indicator codes, and the units of zero targets (消除大班额 → 0 班).

use serde::Deserialize;
use std::path::Path;
use std::sync::LazyLock;

/// One synonym rule; see the file's header for the meaning of each field.
#[derive(Debug, Clone, Deserialize)]
pub struct Link {
    pub code: String,
    pub terms: Vec<String>,
    #[serde(default)]
    pub with: Vec<String>,
    #[serde(default)]
    pub without: Vec<String>,
    #[serde(default)]
    pub clause: Vec<String>,
    #[serde(default)]
    pub units: Vec<String>,
}

/// Objects of 消除/清零 and the unit their zero is counted in.
#[derive(Debug, Clone, Deserialize)]
pub struct Zero {
    pub terms: Vec<String>,
    pub unit: String,
}

/// The loaded lexicon.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Lexicon {
    #[serde(default)]
    pub link: Vec<Link>,
    #[serde(default)]
    pub zero: Vec<Zero>,
}

static BUILTIN: LazyLock<Lexicon> = LazyLock::new(|| {
    Lexicon::from_toml(include_str!("../../../catalogue/plan-lexicon.toml"))
        .expect("catalogue/plan-lexicon.toml is valid")
});

impl Lexicon {
    /// The lexicon shipped in `catalogue/plan-lexicon.toml`.
    pub fn builtin() -> &'static Lexicon {
        &BUILTIN
    }

    pub fn from_toml(text: &str) -> Result<Lexicon, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// Reads a lexicon file; the error names it.
    pub fn load(path: &Path) -> Result<Lexicon, crate::Error> {
        let text = std::fs::read_to_string(path).map_err(|e| crate::Error::Io {
            path: path.display().to_string(),
            source: e,
        })?;
        Lexicon::from_toml(&text).map_err(|e| crate::Error::Format {
            path: path.display().to_string(),
            message: e,
        })
    }

    /// The indicator code of a metric, given its scope (table group, 分别 group), the sentence
    /// it stands in and its unit. None when the metric is not a catalogue indicator.
    pub fn link(
        &self,
        metric: &str,
        scope: Option<&str>,
        sentence: &str,
        unit: &str,
    ) -> Option<String> {
        let ctx = format!("{metric} {}", scope.unwrap_or(""));
        self.link
            .iter()
            .find(|l| {
                l.terms.iter().any(|t| metric.contains(t.as_str()))
                    && (l.with.is_empty() || l.with.iter().any(|w| ctx.contains(w.as_str())))
                    && !l.without.iter().any(|w| ctx.contains(w.as_str()))
                    && (l.clause.is_empty()
                        || l.clause.iter().any(|w| sentence.contains(w.as_str())))
                    && (l.units.is_empty() || l.units.iter().any(|u| u == unit))
            })
            .map(|l| l.code.clone())
    }

    /// The unit a zero target about `object` is counted in, if the lexicon knows the object.
    pub fn zero_unit(&self, object: &str) -> Option<&str> {
        self.zero
            .iter()
            .find(|z| z.terms.iter().any(|t| object.contains(t.as_str())))
            .map(|z| z.unit.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_another_lexicon_and_names_a_bad_file() {
        let dir =
            std::env::temp_dir().join(format!("eduplan-plan-lex-{}.toml", std::process::id()));
        std::fs::write(&dir, "[[link]]\ncode = \"x_rate\"\nterms = [\"达标率\"]\n").unwrap();
        let lex = Lexicon::load(&dir).unwrap();
        let t = crate::extract_with("t.txt", "学校达标率达到90%。", &lex);
        assert_eq!(t[0].indicator.as_deref(), Some("x_rate"));
        std::fs::write(&dir, "[[link]]\ncode = 1").unwrap();
        let e = Lexicon::load(&dir).unwrap_err().to_string();
        assert!(e.contains("eduplan-plan-lex-"), "{e}");
        let _ = std::fs::remove_file(dir);
    }

    #[test]
    fn links_synonyms_in_context() {
        let l = Lexicon::builtin();
        assert_eq!(
            l.link("学前三年毛入园率", None, "", "%").as_deref(),
            Some("pre_ger")
        );
        assert_eq!(
            l.link("毛入园率", Some("学前教育"), "", "%").as_deref(),
            Some("pre_ger")
        );
        assert_eq!(
            l.link("巩固率", Some("九年义务教育"), "", "%").as_deref(),
            Some("ce_retention")
        );
        assert_eq!(
            l.link("初中巩固率", None, "", "%").as_deref(),
            Some("jun_retention")
        );
        assert_eq!(l.link("小学巩固率", None, "", "%"), None);
        assert_eq!(
            l.link("毛入学率", Some("高中阶段教育"), "", "%").as_deref(),
            Some("sen_ger")
        );
        assert_eq!(
            l.link("普惠性幼儿园覆盖率", None, "", "%").as_deref(),
            Some("pre_puhui_cov")
        );
        assert_eq!(
            l.link("公办园在园幼儿占比", None, "", "%").as_deref(),
            Some("pre_public_share")
        );
        assert_eq!(
            l.link("大班额", None, "", "班").as_deref(),
            Some("big_class_count")
        );
        assert_eq!(l.link("生师比", None, "", "ratio").as_deref(), Some("ptr"));
        assert_eq!(l.link("新增学位", None, "", "个"), None);
        assert_eq!(l.zero_unit("56人以上大班额"), Some("班"));
        assert_eq!(l.zero_unit("安全责任事故"), Some("起"));
    }
}
