//! Scoring against gold targets exactly as plan-targets.md defines it: a prediction matches a
//! gold target of the same document when value (1e-6 relative), unit, cmp and year are equal
//! and the metrics overlap (one contains the other, or character-bigram Dice ≥ 0.5); each gold
//! target matches at most one prediction (a maximum matching).

use crate::target::Target;
use std::collections::BTreeSet;
use std::fmt;

/// Counts and rates for one document, or over all of them.
#[derive(Debug, Clone, PartialEq)]
pub struct DocScore {
    pub doc: String,
    pub predicted: usize,
    pub gold: usize,
    pub matched: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Matched pairs whose indicator codes agree (both null counts as agreeing).
    pub indicator_correct: usize,
}

impl DocScore {
    fn new(
        doc: &str,
        predicted: usize,
        gold: usize,
        matched: usize,
        indicator_correct: usize,
    ) -> DocScore {
        let rate = |m: usize, n: usize| {
            if n == 0 {
                if m == 0 {
                    1.0
                } else {
                    0.0
                }
            } else {
                m as f64 / n as f64
            }
        };
        let precision = if predicted == 0 && gold > 0 {
            0.0
        } else {
            rate(matched, predicted)
        };
        let recall = if gold == 0 && predicted > 0 {
            0.0
        } else {
            rate(matched, gold)
        };
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        DocScore {
            doc: doc.to_string(),
            predicted,
            gold,
            matched,
            precision,
            recall,
            f1,
            indicator_correct,
        }
    }

    /// Share of matched pairs with the right indicator code.
    pub fn indicator_accuracy(&self) -> f64 {
        if self.matched == 0 {
            0.0
        } else {
            self.indicator_correct as f64 / self.matched as f64
        }
    }
}

/// Per-document scores and the overall score (micro-averaged: counts summed over documents).
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    pub docs: Vec<DocScore>,
    pub overall: DocScore,
    /// (document, gold index, prediction index) of each match, for error analysis.
    pub pairs: Vec<(String, usize, usize)>,
}

/// Character-bigram Dice coefficient (bigrams counted with multiplicity).
pub fn dice(a: &str, b: &str) -> f64 {
    let bigrams = |s: &str| -> Vec<(char, char)> {
        let c: Vec<char> = s.chars().collect();
        c.windows(2).map(|w| (w[0], w[1])).collect()
    };
    let (x, mut y) = (bigrams(a), bigrams(b));
    if x.is_empty() && y.is_empty() {
        return if a == b { 1.0 } else { 0.0 };
    }
    let total = x.len() + y.len();
    let mut common = 0;
    for g in &x {
        if let Some(p) = y.iter().position(|h| h == g) {
            y.swap_remove(p);
            common += 1;
        }
    }
    2.0 * common as f64 / total as f64
}

/// Whether two metric strings overlap as the spec requires.
pub fn metric_overlap(a: &str, b: &str) -> bool {
    (!a.is_empty() && !b.is_empty() && (a.contains(b) || b.contains(a))) || dice(a, b) >= 0.5
}

/// Whether a prediction matches a gold target (same document assumed).
pub fn matches(p: &Target, g: &Target) -> bool {
    let close =
        (p.value - g.value).abs() <= 1e-6 * p.value.abs().max(g.value.abs()) || p.value == g.value;
    close
        && p.unit == g.unit
        && p.cmp == g.cmp
        && p.year == g.year
        && metric_overlap(&p.metric, &g.metric)
}

/// Maximum bipartite matching (augmenting paths): gold i ↔ prediction `owner[j]`.
fn max_matching(edges: &[Vec<usize>], n_pred: usize) -> Vec<Option<usize>> {
    fn augment(
        i: usize,
        edges: &[Vec<usize>],
        seen: &mut [bool],
        owner: &mut [Option<usize>],
    ) -> bool {
        for &j in &edges[i] {
            if !seen[j] {
                seen[j] = true;
                if owner[j].is_none_or(|o| augment(o, edges, seen, owner)) {
                    owner[j] = Some(i);
                    return true;
                }
            }
        }
        false
    }
    let mut owner = vec![None; n_pred];
    for i in 0..edges.len() {
        let mut seen = vec![false; n_pred];
        augment(i, edges, &mut seen, &mut owner);
    }
    owner
}

/// Scores predictions against gold targets, per document and overall.
pub fn score(predicted: &[Target], gold: &[Target]) -> Scores {
    let docs: BTreeSet<&str> = predicted
        .iter()
        .chain(gold)
        .map(|t| t.doc.as_str())
        .collect();
    let mut out = Vec::new();
    let mut pairs = Vec::new();
    let (mut tp, mut tg, mut tm, mut ti) = (0, 0, 0, 0);
    for doc in docs {
        let p: Vec<(usize, &Target)> = predicted
            .iter()
            .enumerate()
            .filter(|(_, t)| t.doc == doc)
            .collect();
        let g: Vec<(usize, &Target)> = gold
            .iter()
            .enumerate()
            .filter(|(_, t)| t.doc == doc)
            .collect();
        let edges: Vec<Vec<usize>> = g
            .iter()
            .map(|(_, gt)| {
                p.iter()
                    .enumerate()
                    .filter(|(_, (_, pt))| matches(pt, gt))
                    .map(|(j, _)| j)
                    .collect()
            })
            .collect();
        let owner = max_matching(&edges, p.len());
        let mut matched = 0;
        let mut ind = 0;
        for (j, o) in owner.iter().enumerate() {
            if let Some(i) = o {
                matched += 1;
                if p[j].1.indicator == g[*i].1.indicator {
                    ind += 1;
                }
                pairs.push((doc.to_string(), g[*i].0, p[j].0));
            }
        }
        tp += p.len();
        tg += g.len();
        tm += matched;
        ti += ind;
        out.push(DocScore::new(doc, p.len(), g.len(), matched, ind));
    }
    Scores {
        docs: out,
        overall: DocScore::new("overall", tp, tg, tm, ti),
        pairs,
    }
}

impl fmt::Display for Scores {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<28} {:>5} {:>5} {:>5} {:>6} {:>6} {:>6} {:>6}",
            "document", "pred", "gold", "match", "P", "R", "F1", "code"
        )?;
        for d in self.docs.iter().chain(std::iter::once(&self.overall)) {
            writeln!(
                f,
                "{:<28} {:>5} {:>5} {:>5} {:>6.3} {:>6.3} {:>6.3} {:>6.3}",
                d.doc,
                d.predicted,
                d.gold,
                d.matched,
                d.precision,
                d.recall,
                d.f1,
                d.indicator_accuracy()
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::Cmp;

    fn t(doc: &str, metric: &str, value: f64) -> Target {
        Target {
            doc: doc.into(),
            sentence: String::new(),
            metric: metric.into(),
            indicator: None,
            value,
            unit: "%".into(),
            cmp: Cmp::Ge,
            year: Some(2025),
            baseline: None,
            kind: None,
            scope: None,
        }
    }

    #[test]
    fn matching_and_rates() {
        assert!((dice("学前三年毛入园率", "毛入园率") - 0.6).abs() < 1e-9);
        let gold = vec![
            t("a", "学前三年毛入园率", 90.0),
            t("a", "普惠性幼儿园覆盖率", 85.0),
            t("b", "巩固率", 99.0),
        ];
        let pred = vec![
            t("a", "毛入园率", 90.0),
            t("a", "普惠性幼儿园覆盖率", 80.0),
            t("b", "义务教育巩固率", 99.0),
            t("b", "巩固率", 99.0),
        ];
        let s = score(&pred, &gold);
        assert_eq!(
            (s.overall.matched, s.overall.predicted, s.overall.gold),
            (2, 4, 3)
        );
        assert!((s.overall.precision - 0.5).abs() < 1e-9);
        assert!((s.overall.recall - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(s.docs.len(), 2);
        assert_eq!(s.docs[1].matched, 1); // each gold target matches one prediction only
    }
}
