//! p-center (最远距离最小): open p sites minimising the largest distance from a demand point to
//! its nearest open site (Daskin 1995, ch. 5; the covering view of Minieka 1970).
//!
//! The optimal radius is one of the distinct distances. We search them: an upper bound from
//! farthest-first (Gonzalez) construction, then a binary search where each radius r is tried
//! with a weighted swap local search for a p-cover ([`cover_ls`]) and, when that fails, with an
//! exact covering test ([`exact`]) that can prove r infeasible. The lower bound is the smallest
//! radius not proven infeasible; the gap is 0 when r − 1 (the previous distinct distance) is
//! proven infeasible.

pub(crate) mod cover_ls;
pub(crate) mod exact;

use std::time::{Duration, Instant};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::error::Error;
use crate::model::{Core, Problem};
use crate::solution::{Options, Solution};
use cover_ls::{Cover, CoverSearch};
use exact::Verdict;

/// Branch-and-bound nodes for proving the radius below the best one infeasible. Budgets are
/// counted in nodes, not seconds, so that results do not depend on the machine.
const PROOF_NODES: u64 = 300_000;
/// Nodes for each bisection step that raises the bound when the proof fails.
const BISECT_NODES: u64 = 5_000;
/// Above this many candidate radii between the bounds, bisect before descending.
const BISECT_ABOVE: usize = 64;

/// Solves the p-center problem with exactly `p` open sites (fixed sites count toward `p`).
///
/// Objective: the largest distance from a demand point (of positive weight) to its nearest open
/// site; weights and site costs are otherwise ignored. Forbidden or unreachable pairs are never
/// used for covering.
pub fn solve(problem: &Problem, p: usize, opts: &Options) -> Result<Solution, Error> {
    problem.check(Some(p))?;
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(opts.time_limit.max(0.0));
    // Unit weights and no site costs: c_ij is the (effective) distance.
    let mut unit = problem.clone();
    unit.weights = problem.weights.iter().map(|&w| if w > 0.0 { 1.0 } else { 0.0 }).collect();
    for s in unit.sites.iter_mut() {
        s.cost = 0.0;
    }
    let core = Core::new(&unit);
    let clients: Vec<usize> = (0..core.n).filter(|&i| unit.weights[i] > 0.0).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);

    let radius_of = |sites: &[usize]| -> f64 {
        clients
            .iter()
            .map(|&i| sites.iter().map(|&j| problem.effective_distance(i, j, core.big)).fold(f64::INFINITY, f64::min))
            .fold(0.0, f64::max)
    };
    let dist = |i: usize, j: usize| problem.effective_distance(i, j, core.big);

    // Distinct candidate radii, and the trivial bound: every client needs some site.
    let mut radii: Vec<f64> = clients.iter().flat_map(|&i| (0..core.m).map(move |j| (i, j))).map(|(i, j)| dist(i, j)).filter(|&d| d < core.big).collect();
    radii.sort_unstable_by(f64::total_cmp);
    radii.dedup();
    if radii.is_empty() {
        return Err(Error::Invalid("no demand point can reach any site".into()));
    }
    let trivial = clients.iter().map(|&i| dist(i, core.sorted(i)[0] as usize)).fold(0.0, f64::max);
    let idx_of = |r: f64| radii.partition_point(|&x| x < r);

    // Upper bound: farthest-first from the fixed sites (or the best single site).
    let mut best = gonzalez(&core, problem, &clients, p);
    let mut best_r = radius_of(&best);
    if best_r >= core.big {
        return Err(Error::Invalid("no plan reaches every demand point (超出最远上学距离)".into()));
    }
    let mut lo = idx_of(trivial); // smallest index not proven infeasible
    let mut hi = idx_of(best_r); // index of a feasible radius
    let budget = 200 + 2000 * opts.effort as u64;
    let fixed = &core.fixed;
    let dbg = std::env::var("EDUPLAN_PCENTER_DEBUG").is_ok();
    // With many distinct radii (real coordinates), bisect first with the heuristic alone so
    // that the descent below takes few steps; a failure here proves nothing.
    let mut heur_lo = lo;
    while hi - heur_lo > BISECT_ABOVE && Instant::now() < deadline {
        let mid = (heur_lo + hi) / 2;
        let cov = cover_at(&core, &clients, radii[mid]);
        match CoverSearch::new(&cov, fixed, &best).run(budget / 4, deadline, &mut rng) {
            Some(s) => {
                best = s;
                best_r = radius_of(&best);
                hi = idx_of(best_r);
            }
            None => heur_lo = mid + 1,
        }
    }
    // Descend one distinct radius at a time below the best radius found: successes are cheap
    // (warm start from the incumbent) and usually only the last attempt fails.
    while lo < hi && Instant::now() < deadline {
        let cov = cover_at(&core, &clients, radii[hi - 1]);
        match CoverSearch::new(&cov, fixed, &best).run(budget, deadline, &mut rng) {
            Some(s) => {
                best = s;
                best_r = radius_of(&best);
                hi = idx_of(best_r);
            }
            None => break,
        }
    }
    if dbg {
        eprintln!("pcenter: heuristic radius {best_r} after {:.2}s", start.elapsed().as_secs_f64());
    }
    // Prove the radius below the best one infeasible (feasibility is monotone in r).
    if lo < hi && Instant::now() < deadline {
        let cov = cover_at(&core, &clients, radii[hi - 1]);
        match exact::decide(&cov, fixed, p, PROOF_NODES, deadline) {
            Verdict::Infeasible => lo = hi,
            Verdict::Feasible(s) => {
                // The heuristic missed it; keep the better plan (its radius may be lower still).
                best = complete(s, p, &core);
                best_r = radius_of(&best);
                hi = idx_of(best_r);
            }
            Verdict::Unknown => {}
        }
    }
    // Otherwise raise the proven bound by bisection with small budgets.
    let mut top = hi.saturating_sub(1);
    while lo < top && Instant::now() < deadline {
        let mid = (lo + top) / 2;
        let cov = cover_at(&core, &clients, radii[mid]);
        match exact::decide(&cov, fixed, p, BISECT_NODES, deadline) {
            Verdict::Infeasible => lo = mid + 1,
            _ => top = mid,
        }
    }
    if dbg {
        eprintln!("pcenter: bound {} after {:.2}s", radii[lo.min(radii.len() - 1)], start.elapsed().as_secs_f64());
    }
    let assignment: Vec<usize> = (0..core.n)
        .map(|i| *best.iter().min_by(|&&a, &&b| dist(i, a).total_cmp(&dist(i, b)).then(a.cmp(&b))).unwrap())
        .collect();
    let lb = radii[lo.min(radii.len() - 1)].min(best_r);
    Ok(Solution::new(best_r, lb, best, assignment, start))
}

/// Coverage lists at radius r (only clients of positive weight).
pub(crate) fn cover_at(core: &Core, clients: &[usize], r: f64) -> Cover {
    let mut site_cov = vec![Vec::new(); core.m];
    let mut cli_cov = vec![Vec::new(); core.n];
    for &i in clients {
        for &j in core.sorted(i) {
            if core.cost(i, j as usize) > r {
                break;
            }
            cli_cov[i].push(j);
            site_cov[j as usize].push(i as u32);
        }
    }
    Cover { site_cov, cli_cov }
}

/// Pads a cover with fewer than p sites up to p (extra sites never hurt the radius).
fn complete(mut s: Vec<usize>, p: usize, core: &Core) -> Vec<usize> {
    let mut open = vec![false; core.m];
    for &j in &s {
        open[j] = true;
    }
    for j in 0..core.m {
        if s.len() >= p {
            break;
        }
        if !open[j] {
            open[j] = true;
            s.push(j);
        }
    }
    s
}

/// Farthest-first construction (Gonzalez 1985, a 2-approximation on metric instances).
fn gonzalez(core: &Core, problem: &Problem, clients: &[usize], p: usize) -> Vec<usize> {
    let mut sol: Vec<usize> = problem.fixed_sites();
    let mut open = vec![false; core.m];
    if sol.is_empty() {
        // The 1-center among the sites.
        let j = (0..core.m)
            .min_by(|&a, &b| {
                let ra = clients.iter().map(|&i| core.cost(i, a)).fold(0.0, f64::max);
                let rb = clients.iter().map(|&i| core.cost(i, b)).fold(0.0, f64::max);
                ra.total_cmp(&rb)
            })
            .unwrap();
        sol.push(j);
    }
    for &j in &sol {
        open[j] = true;
    }
    let mut d: Vec<f64> = (0..core.n).map(|i| sol.iter().map(|&j| core.cost(i, j)).fold(f64::INFINITY, f64::min)).collect();
    while sol.len() < p {
        let far = clients.iter().copied().max_by(|&a, &b| d[a].total_cmp(&d[b]).then(b.cmp(&a))).unwrap();
        let j = core.sorted(far).iter().map(|&j| j as usize).find(|&j| !open[j]).unwrap();
        open[j] = true;
        sol.push(j);
        for i in 0..core.n {
            d[i] = d[i].min(core.cost(i, j));
        }
    }
    sol
}
