//! Extraction: walks a plan's lines keeping the section state (past sections, a year that
//! scopes a section), turns indicator tables into targets row by row, reads each paragraph's
//! clauses ([`crate::clause`]) and gives each target its year (sentence, then paragraph, then
//! section, then plan period).

use crate::clause::{ClauseReader, Draft};
use crate::lexicon::Lexicon;
use crate::metric;
use crate::normalize::{compact, fold};
use crate::scope::{self, Period, YearExpr, YearKind};
use crate::segment;
use crate::table::{self, Table};
use crate::target::{Baseline, Target};

/// Extracts every target of a document with the built-in lexicon.
pub fn extract(doc_name: &str, text: &str) -> Vec<Target> {
    extract_with(doc_name, text, Lexicon::builtin())
}

/// Extracts every target of a document, linking metrics with `lex`.
pub fn extract_with(doc_name: &str, text: &str, lex: &Lexicon) -> Vec<Target> {
    let lines: Vec<&str> = text.lines().collect();
    let period = scope::plan_period(&lines);
    let tables = table::find_tables(&lines);
    let mut ctx = Ctx {
        doc: doc_name,
        lex,
        period,
        out: Vec::new(),
    };
    let mut past_level: Option<u8> = None;
    // A "到2025年" in a heading or a lead-in ending with a colon scopes what follows it.
    let mut section_year: Option<(u8, i32)> = None;
    let mut i = 0;
    while i < lines.len() {
        if let Some(t) = tables.iter().find(|t| t.first == i) {
            let title_past = t
                .title
                .as_deref()
                .is_some_and(|s| scope::is_past_heading(&compact(s)));
            if past_level.is_none() && !title_past {
                ctx.table(t);
            }
            i = t.end.max(i + 1);
            continue;
        }
        let line = lines[i].trim();
        i += 1;
        if line.is_empty() {
            continue;
        }
        let folded = fold(line);
        let level = segment::heading_level(&folded);
        let heading_text = if segment::is_heading_line(&folded) {
            Some(folded.clone())
        } else if level.is_some() {
            folded.split('。').next().map(String::from)
        } else {
            None
        };
        if let (Some(l), Some(h)) = (level.filter(|l| *l <= 2), heading_text.as_deref()) {
            if past_level.is_some_and(|p| l <= p) {
                past_level = None;
            }
            if section_year.is_some_and(|(sl, _)| l <= sl) {
                section_year = None;
            }
            if scope::is_past_heading(&compact(h)) {
                past_level = Some(l);
            }
            if let Some(y) = scope::years(&compact(h), period)
                .into_iter()
                .find(|y| y.kind == YearKind::By)
            {
                section_year = Some((l, y.year));
            }
        }
        if past_level.is_some() {
            continue;
        }
        let default_year = section_year.map(|(_, y)| y).or(period.end);
        // A heading line, or the short first sentence of a numbered paragraph when more
        // sentences follow ("7.完善布局,消除大班额。"), is a title: titles restate the body's
        // commitments, so their zero targets (消除…) are left to the body.
        let sentence_count = folded.split('。').filter(|s| !s.trim().is_empty()).count();
        let title = segment::is_heading_line(&folded)
            || heading_text
                .is_some_and(|h| level.is_some() && sentence_count >= 2 && h.chars().count() <= 30);
        ctx.paragraph(line, default_year, title);
        // A lead-in such as "到2025年,实现以下目标:" scopes the list under it.
        let c = compact(line);
        if c.ends_with(':') {
            if let Some(y) = scope::years(&c, period)
                .into_iter()
                .find(|y| y.kind == YearKind::By)
            {
                section_year = Some((level.unwrap_or(3), y.year));
            }
        }
    }
    // Invariant: every target names its metric and unit and has a finite value.
    ctx.out
        .retain(|t| !t.metric.is_empty() && !t.unit.is_empty() && t.value.is_finite());
    ctx.out
}

struct Ctx<'a> {
    doc: &'a str,
    lex: &'a Lexicon,
    period: Period,
    out: Vec<Target>,
}

/// A year expression and the index of the clause (in its sentence) it stands in.
type ClauseYear = (usize, YearExpr);

impl Ctx<'_> {
    fn table(&mut self, t: &Table) {
        for r in &t.rows {
            // The first year column is the baseline (基期) when there are several; the later
            // columns are targets (a 2022 column in a 2025 table is a milestone).
            // A first column inside the plan period (2021 … 2025 in a 十四五 plan) is a
            // milestone, not a baseline.
            let first_in_period = self
                .period
                .start
                .is_some_and(|s| r.values.first().is_some_and(|(y, _)| *y >= s));
            let (base, later) = if r.values.len() >= 2 && !first_in_period {
                (Some(r.values[0]), &r.values[1..])
            } else {
                (None, &r.values[..])
            };
            let targets: Vec<(i32, f64)> = later
                .iter()
                .filter_map(|(y, v)| v.map(|v| (*y, v)))
                .collect();
            if self
                .period
                .start
                .is_some_and(|s| targets.last().is_some_and(|(y, _)| *y < s))
            {
                continue; // a table of past years
            }
            let baseline = base.and_then(|(y, v)| {
                v.map(|value| Baseline {
                    year: Some(y),
                    value,
                })
            });
            let sentence = r.cells.join("\n");
            // A rate row without a unit anywhere is in percent.
            let unit =
                if r.unit.is_empty() && metric::is_rate(&r.metric) && !r.metric.ends_with('比') {
                    "%".to_string()
                } else {
                    r.unit.clone()
                };
            for (year, value) in targets {
                let indicator = self
                    .lex
                    .link(&r.metric, r.group.as_deref(), &sentence, &unit);
                self.out.push(Target {
                    doc: self.doc.to_string(),
                    sentence: sentence.clone(),
                    metric: r.metric.clone(),
                    indicator,
                    value,
                    unit: unit.clone(),
                    cmp: r.cmp,
                    year: Some(year),
                    baseline: baseline.clone(),
                    kind: r.kind.clone(),
                    scope: r.group.clone(),
                });
            }
        }
    }

    fn paragraph(&mut self, line: &str, default_year: Option<i32>, title: bool) {
        let original: Vec<char> = line.chars().collect();
        let folded: Vec<char> = fold(line).chars().collect();
        let mut drafts_by_sentence: Vec<(Vec<Draft>, Vec<ClauseYear>)> = Vec::new();
        for (si, s) in segment::sentences(&folded).into_iter().enumerate() {
            let sentence_compact = compact(&folded[s.0..s.1].iter().collect::<String>());
            if scope::is_past_sentence(&sentence_compact) {
                continue;
            }
            let in_heading = si == 0 && title;
            let mut drafts = Vec::new();
            let mut years = Vec::new();
            let mut clause_no = 0;
            let mut carry = false;
            for p in segment::pieces(&folded, s.0, s.1) {
                let piece_text = segment::text_of(&original, p);
                for cl in segment::clauses(&folded, p.0, p.1) {
                    let cc = compact(&folded[cl.0..cl.1].iter().collect::<String>());
                    let cc = cc
                        .trim_end_matches(['。', ';', ',', ':', '!', '?'])
                        .to_string();
                    for y in scope::years(&cc, self.period) {
                        years.push((clause_no, y));
                    }
                    let (mut ds, counted) = ClauseReader {
                        lex: self.lex,
                        period: self.period,
                    }
                    .read(&cc, carry, in_heading);
                    // A list continues into the next clause; an empty clause keeps it going.
                    carry = counted || (carry && cc.is_empty());
                    for d in &mut ds {
                        d.clause = clause_no;
                        d.sentence = piece_text.clone();
                    }
                    drafts.extend(ds);
                    clause_no += 1;
                }
            }
            // A value that restates the previous metric takes it (same unit, same sentence).
            for i in 0..drafts.len() {
                if drafts[i].metric.is_empty() {
                    if let Some(p) = drafts[..i]
                        .iter()
                        .rev()
                        .find(|p| p.unit == drafts[i].unit && !p.metric.is_empty())
                    {
                        let (m, s) = (p.metric.clone(), p.scope.clone());
                        drafts[i].metric = m;
                        drafts[i].scope = s;
                    }
                }
            }
            drafts.retain(|d| !d.metric.is_empty());
            drafts_by_sentence.push((drafts, years));
        }
        // Years that scope the whole paragraph: 到2025年 anywhere in it.
        let para_years: Vec<(usize, i32)> = drafts_by_sentence
            .iter()
            .enumerate()
            .flat_map(|(si, (_, ys))| {
                ys.iter()
                    .filter(|(_, y)| y.kind == YearKind::By)
                    .map(move |(_, y)| (si, y.year))
            })
            .collect();
        for (si, (drafts, years)) in drafts_by_sentence.into_iter().enumerate() {
            for d in drafts {
                // The baseline's own year ("由2020年的89%") does not date the target.
                let years: Vec<&(usize, YearExpr)> = years
                    .iter()
                    .filter(|(c, y)| {
                        !(*c == d.clause
                            && d.baseline.as_ref().is_some_and(|b| b.year == Some(y.year)))
                    })
                    .collect();
                // The year written before the value dates it; a later one only if it is a
                // "到2025年" scope (a later bare 2022年 belongs to another phrase).
                let own = years
                    .iter()
                    .rfind(|(c, y)| (*c, y.pos) <= (d.clause, d.pos))
                    .or_else(|| years.iter().find(|(_, y)| y.kind == YearKind::By))
                    .copied();
                let year = match own {
                    Some((_, y)) if scope::is_past(y, self.period) => continue,
                    Some((_, y)) => Some(y.year),
                    None => para_years
                        .iter()
                        .rfind(|(s, _)| *s <= si)
                        .or_else(|| para_years.first())
                        .map(|(_, y)| *y)
                        .or(default_year),
                };
                let indicator = self
                    .lex
                    .link(&d.metric, d.scope.as_deref(), &d.sentence, &d.unit);
                self.out.push(Target {
                    doc: self.doc.to_string(),
                    sentence: d.sentence,
                    metric: d.metric,
                    indicator,
                    value: d.value,
                    unit: d.unit,
                    cmp: d.cmp,
                    year,
                    baseline: d.baseline,
                    kind: d.kind,
                    scope: d.scope,
                });
            }
        }
    }
}
