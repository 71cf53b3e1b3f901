//! Extraction on the five seed plans scored against their hand-labelled gold targets
//! (shared/spec/plan-targets.md). Fails below F1 0.90 overall.

use eduplan_plan::{extract, from_jsonl, read_file, score, Target};
use std::path::Path;

const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/seeds");
const GOLD: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/gold/seed-targets.jsonl"
);

#[test]
fn seeds_against_gold() {
    if !Path::new(GOLD).exists() {
        eprintln!("skipped: no gold file at {GOLD}");
        return;
    }
    let gold = from_jsonl(&std::fs::read_to_string(GOLD).unwrap()).unwrap();
    let mut files: Vec<_> = std::fs::read_dir(SEEDS)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut predicted: Vec<Target> = Vec::new();
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let text = read_file(f).unwrap();
        predicted.extend(extract(&name, &text));
    }
    for t in &predicted {
        assert!(
            !t.metric.is_empty() && !t.unit.is_empty() && t.value.is_finite(),
            "{t:?}"
        );
    }
    let s = score(&predicted, &gold);
    if std::env::var("PLAN_GOLD_VERBOSE").is_ok() {
        let matched_p: std::collections::HashSet<usize> = s.pairs.iter().map(|p| p.2).collect();
        let matched_g: std::collections::HashSet<usize> = s.pairs.iter().map(|p| p.1).collect();
        for (i, p) in predicted
            .iter()
            .enumerate()
            .filter(|(i, _)| !matched_p.contains(i))
        {
            println!(
                "FP {i} {} | {} | {} {} {} {:?} | {}",
                p.doc,
                p.metric,
                p.value,
                p.unit,
                p.cmp.as_str(),
                p.year,
                p.sentence
            );
        }
        for (i, g) in gold
            .iter()
            .enumerate()
            .filter(|(i, _)| !matched_g.contains(i))
        {
            println!(
                "FN {i} {} | {} | {} {} {} {:?} | {}",
                g.doc,
                g.metric,
                g.value,
                g.unit,
                g.cmp.as_str(),
                g.year,
                g.sentence
            );
        }
        for (_, gi, pi) in &s.pairs {
            if predicted[*pi].indicator != gold[*gi].indicator {
                println!(
                    "CODE {} | {:?} vs gold {:?}",
                    gold[*gi].metric, predicted[*pi].indicator, gold[*gi].indicator
                );
            }
        }
    }
    println!("{s}");
    assert!(
        s.overall.f1 >= 0.90,
        "overall F1 {:.3} is below 0.90\n{s}",
        s.overall.f1
    );
}
