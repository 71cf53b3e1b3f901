//! OR-Library benchmark: p-median and p-center on pmed1–40, capacitated p-median on
//! pmedcap1–20, against the published optima. Prints markdown tables (or JSON lines with
//! `--json`).
//!
//! ```text
//! cargo run --release -p eduplan-layout --example orlib_bench -- [--json] [--only pmed1,pmedcap03] [--dir DIR]
//!     [--effort N] [--seed S] [--exact SECONDS]
//! ```
//! `--exact` (with `--features highs`) hands each heuristic answer to the MIP for at most
//! SECONDS and reports both.
//! `DIR` defaults to `../shared/bench/location` beside the repository.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use eduplan_layout::mip::Model;
use eduplan_layout::{capacitated, orlib, pcenter, pmedian, Options, Problem, Solution};

struct Row {
    instance: String,
    kind: &'static str,
    n: usize,
    p: usize,
    known: f64,
    sol: Solution,
    /// With `--exact`: the heuristic's objective and bound, HiGHS's status and seconds.
    mip: Option<(f64, f64, String, f64)>,
}

/// The MIP after the heuristic (`--exact`), or the heuristic's answer alone.
fn exact(prob: &Problem, model: Model, sol: Solution, limit: Option<f64>) -> (Solution, Option<(f64, f64, String, f64)>) {
    let Some(limit) = limit else { return (sol, None) };
    let started = Instant::now() - std::time::Duration::from_secs_f64(sol.seconds);
    let (s, r) = eduplan_layout::mip::refine(prob, model, sol, limit, started).expect("MIP");
    (s, Some((r.heuristic.objective, r.heuristic.lower_bound, r.status, r.mip_seconds)))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args.iter().any(|a| a == "--json");
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|k| args.get(k + 1)).cloned();
    let only: Option<Vec<String>> = value("--only").map(|s| s.split(',').map(str::to_string).collect());
    let dir = value("--dir").map(PathBuf::from).unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench/location")
    });
    let wanted = |name: &str| only.as_ref().is_none_or(|o| o.iter().any(|x| x == name));
    let mut opts = Options::default();
    if let Some(e) = value("--effort").and_then(|v| v.parse().ok()) {
        opts.effort = e;
    }
    if let Some(s) = value("--seed").and_then(|v| v.parse().ok()) {
        opts.seed = s;
    }
    let limit: Option<f64> = value("--exact").and_then(|v| v.parse().ok());
    if limit.is_some() && !eduplan_layout::mip::AVAILABLE {
        eprintln!("{}", eduplan_layout::NO_MIP);
        std::process::exit(2);
    }

    let pmed_dir = dir.join("orlib-pmed");
    let pmedopt = orlib::read_optima(&pmed_dir.join("pmedopt.txt")).expect("pmedopt.txt");
    let pcopt = orlib::read_optima(&pmed_dir.join("pcenteropt.txt")).expect("pcenteropt.txt");
    let mut rows: BTreeMap<&'static str, Vec<Row>> = BTreeMap::new();
    let mut max_read = 0.0f64;
    for k in 1..=40 {
        let name = format!("pmed{k}");
        if !wanted(&name) {
            continue;
        }
        let t = Instant::now();
        let inst = orlib::read_pmed(&pmed_dir.join(format!("{name}.txt"))).expect("pmed file");
        max_read = max_read.max(t.elapsed().as_secs_f64());
        let prob = Problem::unweighted(inst.dist.clone());
        for (kind, known) in [("pmedian", pmedopt[&name]), ("pcenter", pcopt[&name])] {
            let sol = if kind == "pmedian" { pmedian::solve(&prob, inst.p, &opts) } else { pcenter::solve(&prob, inst.p, &opts) }.expect("solve");
            let model = if kind == "pmedian" { Model::Pmedian { p: inst.p } } else { Model::Pcenter { p: inst.p } };
            let (sol, mip) = exact(&prob, model, sol, limit);
            emit(json, &mut rows, Row { instance: name.clone(), kind, n: inst.n, p: inst.p, known, sol, mip });
        }
    }
    let cap_dir = dir.join("orlib-pmedcap");
    for k in 1..=20 {
        let name = format!("pmedcap{k:02}");
        if !wanted(&name) {
            continue;
        }
        let inst = orlib::read_pmedcap(&cap_dir.join(format!("{name}.txt"))).expect("pmedcap file");
        let mut prob = Problem::unweighted(inst.dist.clone());
        prob.demand = Some(inst.demand.clone());
        for s in prob.sites.iter_mut() {
            s.capacity = Some(inst.capacity);
        }
        let sol = capacitated::solve(&prob, inst.p, &opts).expect("solve");
        let model = Model::Capacitated { p: inst.p };
        let (sol, mip) = exact(&prob, model, sol, limit);
        emit(json, &mut rows, Row { instance: name, kind: "pmedcap", n: inst.n, p: inst.p, known: inst.best_known, sol, mip });
    }
    if json {
        return;
    }
    for (kind, title) in [("pmedian", "p-median (pmed1–40)"), ("pcenter", "p-center (pmed1–40)"), ("pmedcap", "capacitated p-median (pmedcap1–20)")] {
        let Some(rs) = rows.get(kind) else { continue };
        println!("\n### {title}\n");
        let with_mip = rs.iter().any(|r| r.mip.is_some());
        if with_mip {
            println!("| instance | n | p | known optimum | heuristic | its bound | heuristic s | MIP status | objective | lower bound | gap | % off optimum | seconds |");
            println!("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|");
        } else {
            println!("| instance | n | p | known optimum | objective | lower bound | gap | % off optimum | seconds |");
            println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        }
        let (mut hits, mut proven, mut worst_off, mut worst_gap, mut max_t) = (0, 0, 0.0f64, 0.0f64, 0.0f64);
        for r in rs {
            let off = 100.0 * (r.sol.objective - r.known) / r.known;
            hits += usize::from(off.abs() < 1e-9);
            proven += usize::from(r.sol.gap == 0.0);
            worst_off = worst_off.max(off);
            worst_gap = worst_gap.max(r.sol.gap);
            max_t = max_t.max(r.sol.seconds);
            let mip = match &r.mip {
                Some((h, hb, st, _)) => format!(" {h} | {hb} | {:.2} | {st} |", r.sol.seconds - r.mip.as_ref().map_or(0.0, |m| m.3)),
                None => String::new(),
            };
            println!(
                "| {} | {} | {} | {} |{mip} {} | {} | {:.2}% | {:.2}% | {:.2} |",
                r.instance, r.n, r.p, r.known, r.sol.objective, r.sol.lower_bound, 100.0 * r.sol.gap, off, r.sol.seconds
            );
        }
        let pad = if with_mip { " | | | |" } else { "" };
        println!(
            "| **total** | | | |{pad} **{hits}/{} optimal** | **{proven} proven** | worst {:.2}% | worst {:.2}% | max {:.2} |",
            rs.len(),
            100.0 * worst_gap,
            worst_off,
            max_t
        );
    }
    println!("\nReading a pmed file (Floyd–Warshall included) took at most {max_read:.2} s; not counted above.");
}

fn emit(json: bool, rows: &mut BTreeMap<&'static str, Vec<Row>>, r: Row) {
    if json {
        println!(
            "{}",
            serde_json::json!({
                "instance": r.instance, "kind": r.kind, "n": r.n, "p": r.p, "known": r.known,
                "objective": r.sol.objective, "lower_bound": r.sol.lower_bound, "gap": r.sol.gap,
                "seconds": r.sol.seconds,
                "heuristic": r.mip.as_ref().map(|m| serde_json::json!({"objective": m.0, "lower_bound": m.1})),
                "mip": r.mip.as_ref().map(|m| serde_json::json!({"status": m.2, "seconds": m.3})),
            })
        );
    } else {
        eprintln!("{} {}: {} (known {}) in {:.2}s", r.kind, r.instance, r.sol.objective, r.known, r.sol.seconds);
    }
    rows.entry(r.kind).or_default().push(r);
}
