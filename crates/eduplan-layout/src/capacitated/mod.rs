//! Capacitated p-median with single sourcing (容量约束下的总距离最小: every demand point goes
//! to exactly one school whose places 学位 are limited, optionally expandable 扩建).
//!
//! In the spirit of Osman & Christofides (1994) — local search over the medians with a good
//! assignment inside — with stronger parts:
//! - assignment to fixed medians ([`assign`], [`transport`]): the better of a regret greedy
//!   (Martello & Toth) with shift/swap descent and the exact *splittable* optimum
//!   (transportation problem by successive shortest paths) rounded to single sourcing and
//!   repaired; the transportation value bounds what these medians can achieve, which prunes;
//! - median moves: relocate a median to one of the best sites for its cluster, screened
//!   cheaply by re-centring the cluster;
//! - an iterated local search (two walks, one per core) kicking medians to sites near a client
//!   of their cluster;
//! - a Lagrangian bound ([`lagrange`]): assignment constraints relaxed, one 0-1 knapsack per
//!   site (exact DP for whole-number demands); the relaxation's open sites feed a Lagrangian
//!   heuristic, and promising median sets get a Lagrangian assignment heuristic
//!   ([`Assigner::deep`], Fisher, Jaikumar & Van Wassenhove 1986).
//! - an exact finish ([`enumerate`]): when few median sets have a Lagrangian bound below the
//!   incumbent, all are checked, which also raises the stated bound;
//! - re-optimisation of groups of neighbouring medians as subproblems ([`regroup`], POPMUSIC),
//!   then a double-swap descent ([`pair_swaps`]).

mod assign;
pub(crate) mod capfn;
mod enumerate;
mod lagrange;
mod transport;

use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::error::Error;
use crate::model::{Core, Problem, Site, SiteKind};
use crate::solution::{Options, Solution};
use assign::{Assigner, Assignment};
use capfn::CapFn;

/// Median sets whose quick assignment is within this factor of the best get the Lagrangian
/// assignment heuristic.
const DEEP_WITHIN: f64 = 1.02;
/// Candidates whose warm-started assignment is within this factor of the current cost get a
/// full regret reassignment too.
const SCREEN_WITHIN: f64 = 1.004;
/// Subgradient iterations of that heuristic.
const DEEP_ITERS: usize = 60;
/// Parallel ILS walks (the target machine has 2 cores).
const THREADS: usize = 2;
/// A kicked median moves to one of this many sites nearest to a client of its cluster.
const NEAR_SITES: usize = 5;
/// Sites examined per median and pass of the swap neighbourhood.
const SWAP_CANDIDATES: usize = 8;

/// Solves the capacitated p-median with exactly `p` open sites (fixed included).
///
/// Objective: Σ_i w_i · d(i, site) + Σ_{open j} cost_j + expansion steps bought. Capacity use
/// is [`Problem::demand`]. Returns an error when no plan fits the capacities.
pub fn solve(problem: &Problem, p: usize, opts: &Options) -> Result<Solution, Error> {
    solve_with(problem, p, opts, true)
}

/// [`solve`]; `regroup_too` is false for [`regroup`]'s own subproblems (small by design).
fn solve_with(problem: &Problem, p: usize, opts: &Options, regroup_too: bool) -> Result<Solution, Error> {
    problem.check(Some(p))?;
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(opts.time_limit.max(0.0));
    let core = Core::new(problem);
    let q = problem.demand();
    let caps: Vec<CapFn> = problem.sites.iter().map(|s| CapFn::new(s, core.big)).collect();
    // Quick necessary condition: the p largest capacities must hold the total demand.
    let total: f64 = q.iter().sum();
    let mut mc: Vec<f64> = caps.iter().map(|c| c.max_capacity()).collect();
    mc.sort_by(|a, b| b.total_cmp(a));
    if mc.iter().take(p).sum::<f64>() + 1e-9 < total {
        return Err(Error::Invalid(format!("total demand {total} exceeds the capacity of any {p} sites (学位不足)")));
    }
    let asg = Assigner { core: &core, q, caps: &caps };
    let dbg = std::env::var("EDUPLAN_CAP_DEBUG").is_ok();
    let lap = |what: &str, cost: f64| if dbg { eprintln!("capacitated n={} m={} p={p}: {what} {cost:.1} at {:.2}s", core.n, core.m, start.elapsed().as_secs_f64()) };

    // Start: medians of the uncapacitated problem.
    let quick = Options { seed: opts.seed, time_limit: opts.time_limit * 0.1, effort: 4 };
    let (med0, _, _, _) = crate::pmedian::search(&core, p, &quick, Instant::now());
    let mut cur = evaluate(&asg, &med0, f64::INFINITY).0;
    lap("start", cur.cost);
    median_search(&asg, &mut cur, false, deadline);
    let mut best = clone(&cur);
    lap("median search", best.cost);

    let lambda0: Vec<f64> = (0..core.n).map(|i| core.cost(i, best.medians[best.a[i]])).collect();
    let mut seen: Vec<Vec<usize>> = Vec::new();
    let ub0 = best.cost;
    let mut lag_best: Option<Assignment> = None;
    let mut heur = |sites: &[usize]| -> f64 {
        let mut key = sites.to_vec();
        key.sort_unstable();
        if seen.contains(&key) {
            return f64::INFINITY;
        }
        seen.push(key);
        let mut t = evaluate(&asg, sites, f64::INFINITY).0;
        if t.cost < ub0 * DEEP_WITHIN {
            t = asg.deep(sites, &t, ub0, DEEP_ITERS).0;
        }
        let c = t.cost;
        if lag_best.as_ref().is_none_or(|b| c < b.cost) {
            lag_best = Some(t);
        }
        c
    };
    let (iters, patience) = if regroup_too { (600, 100) } else { (SUB_LAGRANGE, SUB_LAGRANGE / 6) };
    let (mut lb, lambda1) = lagrange::bound(&core, q, &caps, Some(p), best.cost, lambda0, iters, 2.0, patience, deadline, &mut heur);
    if let Some(mut t) = lag_best.take() {
        median_search(&asg, &mut t, false, deadline);
        if t.cost < best.cost - 1e-9 {
            best = t;
        }
    }
    let proven = |b: &Assignment, lb: f64| core.round_bound(lb) >= b.cost - 1e-9 * b.cost.abs().max(1.0);
    lap(&format!("lagrange lb {lb:.1}"), best.cost);

    if !proven(&best, lb) {
        let max = if regroup_too { ENUM_SETS } else { ENUM_SETS_SUB };
        if let Some(l) = finish(&asg, &mut best, &lambda1, p, max, deadline) {
            lb = lb.max(l);
        }
        lap(&format!("enumeration lb {lb:.1}"), best.cost);
    }
    if regroup_too && !proven(&best, lb) && p >= 2 * REGROUP {
        regroup(problem, &asg, &mut best, opts, deadline);
        lap("regroup", best.cost);
    }
    // Iterated local search on both cores: two independent walks with their own seeds; the
    // better result wins (ties → first walk), so the answer stays deterministic.
    if !proven(&best, lb) {
        let target = core.round_bound(lb);
        let iters = opts.effort / 2;
        let start_sol = &best;
        let asg_ref = &asg;
        let results: Vec<Assignment> = std::thread::scope(|sc| {
            let hs: Vec<_> = (0..THREADS as u64)
                .map(|t| sc.spawn(move || ils(asg_ref, start_sol, opts.seed.wrapping_mul(THREADS as u64).wrapping_add(t), iters, target, deadline)))
                .collect();
            hs.into_iter().map(|h| h.join().expect("ILS thread panicked")).collect()
        });
        for s in results {
            if s.cost < best.cost - 1e-9 {
                best = s;
            }
        }
    }
    lap("ils", best.cost);
    if regroup_too && !proven(&best, lb) {
        pair_swaps(&asg, &mut best, deadline);
        lap("pair swaps", best.cost);
    }
    if regroup_too && !proven(&best, lb) && Instant::now() < deadline {
        let mut lag_best: Option<Assignment> = None;
        let mut seen2: Vec<Vec<usize>> = Vec::new();
        let mut heur = |sites: &[usize]| -> f64 {
            // a median set the relaxation proposes again is not evaluated again
            let mut key = sites.to_vec();
            key.sort_unstable();
            if seen2.contains(&key) {
                return f64::INFINITY;
            }
            seen2.push(key);
            let t = evaluate(&asg, sites, f64::INFINITY).0;
            let c = t.cost;
            if lag_best.as_ref().is_none_or(|b| c < b.cost) {
                lag_best = Some(t);
            }
            c
        };
        // from the first pass's best multipliers, with a smaller step, while the bound rises
        lb = lb.max(lagrange::bound(&core, q, &caps, Some(p), best.cost, lambda1, 3000, 0.5, 60, deadline, &mut heur).0);
        if let Some(t) = lag_best {
            if t.cost < best.cost - 1e-9 {
                best = t;
            }
        }
    }
    lap(&format!("final lb {lb:.1}"), best.cost);
    let overflow = best.medians.iter().enumerate().any(|(k, &j)| best.load[k] > caps[j].max_capacity() + 1e-9);
    let assignment: Vec<usize> = best.a.iter().map(|&k| best.medians[k]).collect();
    if overflow {
        return Err(Error::Invalid("no assignment found within the capacities (学位不足)".into()));
    }
    if let Some(i) = (0..core.n).find(|&i| problem.forbidden_pair(i, assignment[i])) {
        return Err(Error::Invalid(format!("demand point {i} cannot be assigned within the distance limit")));
    }
    let lbr = core.round_bound(lb);
    Ok(Solution::new(best.cost, lbr, best.medians.clone(), assignment, start))
}

/// Assignment to these medians: the better of the regret greedy and the rounded
/// transportation solution (used when there are no expansion steps, whose costs the
/// transportation model does not see), plus the transportation bound for these medians. The
/// regret greedy is skipped when the bound already shows the medians cannot beat `target`.
fn evaluate(asg: &Assigner, med: &[usize], target: f64) -> (Assignment, f64) {
    if asg.caps.iter().any(|c| c.steps().len() > 1) {
        return (asg.assign(med), f64::NEG_INFINITY);
    }
    let (t, lp) = asg.assign_transport(med);
    if lp >= target {
        return (t, lp);
    }
    let u = asg.assign(med);
    (if u.cost < t.cost { u } else { t }, lp)
}

/// Capacitated facility location with single sourcing (容量约束选址): like [`solve`], but the
/// number of open sites is the plan's choice, traded against the sites' opening costs
/// ([`crate::Site::cost`]: what building there costs, in the objective's unit).
///
/// Open-site counts are tried upward from the fewest whose capacities can hold the demand,
/// each solved by [`solve`] with a share of the effort, until two counts in a row are worse
/// than the best; the lower bound is the Lagrangian relaxation with any number of sites open
/// (every site whose knapsack value is negative), which is valid whatever the count.
pub fn solve_free(problem: &Problem, opts: &Options) -> Result<Solution, Error> {
    problem.check(None)?;
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(opts.time_limit.max(0.0));
    let core = Core::new(problem);
    let q = problem.demand();
    let caps: Vec<CapFn> = problem.sites.iter().map(|s| CapFn::new(s, core.big)).collect();
    let total: f64 = q.iter().sum();
    let fixed = problem.fixed_sites();
    // the fewest sites that can hold the demand: the fixed ones, then the largest others
    let mut room: f64 = fixed.iter().map(|&j| caps[j].max_capacity()).sum();
    let mut others: Vec<f64> = (0..core.m).filter(|j| !core.fixed[*j]).map(|j| caps[j].max_capacity()).collect();
    others.sort_by(|a, b| b.total_cmp(a));
    let mut p_min = fixed.len().max(1);
    for c in others.iter().take(p_min - fixed.len()) {
        room += c;
    }
    let mut rest = others.iter().skip(p_min - fixed.len());
    while room + 1e-9 < total {
        match rest.next() {
            Some(c) => {
                room += c;
                p_min += 1;
            }
            None => return Err(Error::Invalid(format!("total demand {total} exceeds the capacity of all sites (学位不足)"))),
        }
    }
    let share = Options { seed: opts.seed, time_limit: opts.time_limit / 4.0, effort: (opts.effort / 2).max(2) };
    let mut best: Option<Solution> = None;
    let mut worse = 0;
    for p in p_min..=core.m {
        if Instant::now() > deadline {
            break;
        }
        let s = solve(problem, p, &share)?;
        if best.as_ref().is_none_or(|b| s.objective < b.objective - 1e-9 * b.objective.abs().max(1.0)) {
            best = Some(s);
            worse = 0;
        } else {
            worse += 1;
            if worse >= 2 {
                break;
            }
        }
    }
    let best = best.expect("at least one count was solved");
    let asg = Assigner { core: &core, q, caps: &caps };
    let lambda0: Vec<f64> = (0..core.n).map(|i| core.cost(i, best.assignment[i])).collect();
    let mut heur = |sites: &[usize]| -> f64 { if sites.is_empty() { f64::INFINITY } else { evaluate(&asg, sites, f64::INFINITY).0.cost } };
    let (lb, _) = lagrange::bound(&core, q, &caps, None, best.objective, lambda0, 600 + 50 * opts.effort, 2.0, 150, deadline, &mut heur);
    Ok(Solution::new(best.objective, core.round_bound(lb).min(best.objective), best.open_sites, best.assignment, start))
}

/// Sites tried in place of a median by [`pair_swaps`]: the best few for serving its cluster.
const PAIR_NEAR: usize = 6;
/// Most work of one [`pair_swaps`] round (median sets × n·p²): about 17 M on a 100-point,
/// 10-median instance; a county of 420 points and 80 schools (130 M for its two free medians)
/// is left to the median search, whose moves already cover its few free choices.
const PAIR_WORK: usize = 50_000_000;
/// Double swaps whose quick assignment is within this factor of the incumbent get the
/// Lagrangian assignment heuristic …
const PAIR_DEEP_WITHIN: f64 = 1.01;
/// … within this much work per round (clients × medians × iterations): about 60 on a 100-point
/// instance, 2 on a county of 420 points and 80 schools, where each is slow and rarely helps.
const PAIR_DEEP_WORK: usize = 4_000_000;

/// Best-improvement descent over double swaps: two free medians replaced at once, each by one
/// of the [`PAIR_NEAR`] best sites for its cluster (single swaps too), judged by the
/// transportation bound first and the full assignment only when the bound leaves room. A
/// double swap reaches median sets the one-at-a-time search cannot (each half alone is worse).
fn pair_swaps(asg: &Assigner, best: &mut Assignment, deadline: Instant) {
    let core = asg.core;
    let p = best.medians.len();
    loop {
        let free: Vec<usize> = (0..p).filter(|&k| !core.fixed[best.medians[k]]).collect();
        // a round's work: its median sets, each assigned in about n·p² steps (the
        // transportation problem over p medians)
        let sets = free.len() * free.len().saturating_sub(1) / 2 * PAIR_NEAR * PAIR_NEAR + free.len() * PAIR_NEAR;
        if sets.saturating_mul(core.n * p * p) > PAIR_WORK {
            return;
        }
        // for each free median, the sites that would serve its cluster best
        let near: Vec<Vec<usize>> = (0..p)
            .map(|k| {
                let members: Vec<usize> = (0..core.n).filter(|&i| best.a[i] == k).collect();
                let mut ranked: Vec<(f64, usize)> = (0..core.m)
                    .filter(|j| !best.medians.contains(j))
                    .map(|j| (members.iter().map(|&i| core.cost(i, j)).sum::<f64>() + core.open_cost[j], j))
                    .collect();
                ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                ranked.into_iter().take(PAIR_NEAR).map(|x| x.1).collect()
            })
            .collect();
        let mut found: Option<Assignment> = None;
        let target = best.cost - 1e-9 * best.cost.abs().max(1.0);
        let mut deep_left = PAIR_DEEP_WORK / (core.n * p * DEEP_ITERS).max(1);
        let mut try_set = |med: Vec<usize>, found: &mut Option<Assignment>| {
            let bar = found.as_ref().map_or(target, |f| f.cost);
            let (mut t, lp) = evaluate(asg, &med, bar);
            if lp < bar && t.cost >= bar && t.cost < bar * PAIR_DEEP_WITHIN && deep_left > 0 {
                deep_left -= 1;
                t = asg.deep(&med, &t, bar, DEEP_ITERS).0;
            }
            if lp < bar && t.cost < bar {
                *found = Some(t);
            }
        };
        for (x, &k1) in free.iter().enumerate() {
            for &j1 in &near[k1] {
                if Instant::now() > deadline {
                    return;
                }
                let mut med = best.medians.clone();
                med[k1] = j1;
                try_set(med.clone(), &mut found);
                for &k2 in &free[x + 1..] {
                    for &j2 in near[k2].iter().filter(|&&j| j != j1) {
                        let mut m2 = med.clone();
                        m2[k2] = j2;
                        try_set(m2, &mut found);
                    }
                }
            }
        }
        match found {
            Some(mut t) => {
                median_search(asg, &mut t, false, deadline);
                *best = t;
            }
            None => return,
        }
    }
}

/// One iterated-local-search walk: replace one or two medians by sites near a random client
/// of their cluster (rarely by any site), descend, keep the result if it is better.
fn ils(asg: &Assigner, start: &Assignment, seed: u64, iters: usize, target: f64, deadline: Instant) -> Assignment {
    let core = asg.core;
    let p = start.medians.len();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut best = clone(start);
    let mut it = 0;
    while it < iters && best.cost > target + 1e-9 && Instant::now() < deadline {
        it += 1;
        let mut med = best.medians.clone();
        let kicks = 1 + (it % 2);
        for _ in 0..kicks {
            let free: Vec<usize> = (0..p).filter(|&k| !core.fixed[med[k]]).collect();
            if free.is_empty() {
                break;
            }
            let k = free[rng.random_range(0..free.len())];
            let members: Vec<usize> = (0..core.n).filter(|&i| best.a[i] == k).collect();
            let j = if members.is_empty() || rng.random_range(0..4) == 0 {
                rng.random_range(0..core.m)
            } else {
                let i = members[rng.random_range(0..members.len())];
                let near = &core.sorted(i)[..NEAR_SITES.min(core.m)];
                near[rng.random_range(0..near.len())] as usize
            };
            if !med.contains(&j) {
                med[k] = j;
            }
        }
        let mut s = evaluate(asg, &med, f64::INFINITY).0;
        median_search(asg, &mut s, false, deadline);
        if s.cost < best.cost - 1e-9 {
            best = s;
        }
    }
    best
}

fn clone(a: &Assignment) -> Assignment {
    Assignment { medians: a.medians.clone(), a: a.a.clone(), load: a.load.clone(), cost: a.cost }
}

/// Median moves until none improves: relocation within a cluster, then swaps with the best
/// sites for a cluster (each candidate evaluated by a full reassignment).
fn median_search(asg: &Assigner, s: &mut Assignment, deep: bool, deadline: Instant) {
    let core = asg.core;
    let p = s.medians.len();
    let mut improved = true;
    while improved && Instant::now() < deadline {
        improved = false;
        for k in 0..p {
            if core.fixed[s.medians[k]] {
                continue;
            }
            let members: Vec<usize> = (0..core.n).filter(|&i| s.a[i] == k).collect();
            // Sites ranked by the cost of serving this cluster from them.
            let mut ranked: Vec<(f64, usize)> = (0..core.m)
                .filter(|&j| !s.medians.contains(&j) && asg.caps[j].max_capacity() + 1e-9 >= s.load[k])
                .map(|j| (members.iter().map(|&i| core.cost(i, j)).sum::<f64>() + core.open_cost[j], j))
                .collect();
            let take = SWAP_CANDIDATES.min(ranked.len());
            if take == 0 {
                continue;
            }
            ranked.select_nth_unstable_by(take - 1, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            ranked.truncate(take);
            ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            for &(_, j) in &ranked {
                let mut med = s.medians.clone();
                med[k] = j;
                // Screen cheaply: same clusters, new centre, then shift/swap descent.
                let mut t = Assignment { medians: med.clone(), a: s.a.clone(), load: s.load.clone(), cost: 0.0 };
                t.cost = asg.total(&t);
                asg.improve(&mut t, false);
                if t.cost >= s.cost && t.cost < s.cost * SCREEN_WITHIN {
                    let (u, lp) = evaluate(asg, &med, s.cost);
                    if u.cost < t.cost {
                        t = u;
                    }
                    if deep && t.cost >= s.cost && lp < s.cost - 1e-9 {
                        t = asg.deep(&med, &t, s.cost, DEEP_ITERS).0;
                    }
                }
                if t.cost < s.cost - 1e-9 * s.cost.abs().max(1.0) {
                    *s = t;
                    improved = true;
                    break;
                }
            }
        }
    }
}

/// Most median sets [`finish`] checks in a solve …
const ENUM_SETS: usize = 400;
/// … and in a [`regroup`] subproblem (few clients: each check is cheap).
const ENUM_SETS_SUB: usize = 1000;

/// Exact finish ([`enumerate`]): when at most `max` median sets have a Lagrangian bound (at
/// multipliers `lambda`) below the incumbent, checks them all, cheapest first, improving
/// `best`; returns the lower bound this proves (None when there were too many sets or time
/// ran out).
fn finish(asg: &Assigner, best: &mut Assignment, lambda: &[f64], p: usize, max: usize, deadline: Instant) -> Option<f64> {
    let core = asg.core;
    let rho = lagrange::site_values(core, asg.q, asg.caps, lambda);
    let base: f64 = lambda.iter().sum::<f64>() + (0..core.m).filter(|&j| core.fixed[j]).map(|j| rho[j]).sum::<f64>();
    // a set must be able to cost less than the incumbent: one unit less for whole numbers
    let below = |c: f64| if core.integral { c - 1.0 + 1e-6 } else { c - 1e-9 * c.abs().max(1.0) };
    let sets = enumerate::cheap_sets(&rho, &core.fixed, p, base, below(best.cost), max)?;
    // the least bound among the sets not settled (neither assigned at their bound nor shown
    // unable to beat the incumbent)
    let mut open = f64::INFINITY;
    for (l, med) in sets {
        if Instant::now() > deadline {
            return None;
        }
        if l >= below(best.cost) {
            continue;
        }
        let (mut t, lp) = evaluate(asg, &med, best.cost);
        let bound = core.round_bound(l.max(lp));
        if bound >= best.cost - 1e-9 * best.cost.abs().max(1.0) {
            continue;
        }
        if t.cost >= best.cost {
            t = asg.deep(&med, &t, best.cost, DEEP_ITERS).0;
        }
        if t.cost > bound + 1e-9 * bound.abs().max(1.0) {
            open = open.min(bound);
        }
        if t.cost < best.cost - 1e-9 * best.cost.abs().max(1.0) {
            *best = t;
        }
    }
    Some(open.min(best.cost))
}

/// Medians re-optimised together by [`regroup`] …
const REGROUP: usize = 4;
/// … with this many neighbouring medians kept open, their clients free to move.
const NEIGHBOURS: usize = 2;
/// Subgradient iterations in a [`regroup`] subproblem …
const SUB_LAGRANGE: usize = 300;
/// … and its search effort ([`Options::effort`]).
const SUB_EFFORT: usize = 4;

/// Re-optimises groups of neighbouring medians (POPMUSIC, Taillard & Voss 2002; used for this
/// problem by Stefanello, de Araújo & Müller 2015). A seed median and the [`REGROUP`] − 1
/// medians that would serve its clients best, with the sites that would serve their clients
/// best, and the [`NEIGHBOURS`] other medians nearest to those clients (kept open) with all
/// their clients, form a small capacitated p-median, solved by the solver itself (where the
/// exact finish usually applies); its medians replace the group's and the whole set is
/// reassigned. This moves several medians along a region at once when each move alone is
/// worse, which swaps cannot (pmedcap16: four medians move and clients shift through a full
/// neighbour). Seeds are solved two at a time (one per core); a group already tried is not
/// tried again until the incumbent improves.
fn regroup(problem: &Problem, asg: &Assigner, best: &mut Assignment, opts: &Options, deadline: Instant) {
    let p = best.medians.len();
    // the groups (as site sets) tried since the incumbent last improved, and the next seed
    let mut tried: Vec<Vec<usize>> = Vec::new();
    let mut next = 0;
    loop {
        let mut seeds: Vec<usize> = Vec::new();
        while seeds.len() < THREADS && next < p {
            let mut g: Vec<usize> = group_of(asg, best, next).iter().map(|&k| best.medians[k]).collect();
            g.sort_unstable();
            // a group of kept schools (all fixed) has nothing to move
            if !tried.contains(&g) && g.iter().any(|&j| !asg.core.fixed[j]) {
                tried.push(g);
                seeds.push(next);
            }
            next += 1;
        }
        if seeds.is_empty() || Instant::now() > deadline {
            return;
        }
        let incumbent: &Assignment = best;
        let proposals: Vec<Option<Vec<usize>>> = std::thread::scope(|sc| {
            let hs: Vec<_> = seeds.iter().map(|&seed| sc.spawn(move || regroup_one(problem, asg, incumbent, seed, opts, deadline))).collect();
            hs.into_iter().map(|h| h.join().expect("regroup thread panicked")).collect()
        });
        for med in proposals {
            let Some(med) = med else { continue };
            let (mut t, lp) = evaluate(asg, &med, best.cost);
            if lp < best.cost && t.cost >= best.cost {
                t = asg.deep(&med, &t, best.cost, DEEP_ITERS).0;
            }
            median_search(asg, &mut t, false, deadline);
            if t.cost < best.cost - 1e-9 * best.cost.abs().max(1.0) {
                *best = t;
                tried.clear();
                next = 0;
                break;
            }
        }
    }
}

/// [`regroup`]'s group around median `seed`: it and the medians that would serve its clients
/// best.
fn group_of(asg: &Assigner, best: &Assignment, seed: usize) -> Vec<usize> {
    let core = asg.core;
    let members: Vec<usize> = (0..core.n).filter(|&i| best.a[i] == seed).collect();
    let mut near: Vec<(f64, usize)> = (0..best.medians.len())
        .filter(|&k| k != seed)
        .map(|k| (members.iter().map(|&i| core.cost(i, best.medians[k])).sum::<f64>(), k))
        .collect();
    near.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut group = vec![seed];
    group.extend(near.iter().take(REGROUP - 1).map(|x| x.1));
    group
}

/// The median set [`regroup`]'s subproblem around median `seed` proposes, when it differs from
/// the incumbent's.
fn regroup_one(problem: &Problem, asg: &Assigner, best: &Assignment, seed: usize, opts: &Options, deadline: Instant) -> Option<Vec<usize>> {
    let core = asg.core;
    let p = best.medians.len();
    let group = group_of(asg, best, seed);
    let own: Vec<usize> = (0..core.n).filter(|&i| group.contains(&best.a[i])).collect();
    // the other medians that are the nearest outside the group for most group clients stay
    // open (fixed) and their clients join the subproblem, so clients can move between them
    // and the group in both directions
    let mut votes = vec![0usize; p];
    for &i in &own {
        if let Some(k) = (0..p).filter(|k| !group.contains(k)).min_by(|&a, &b| core.cost(i, best.medians[a]).total_cmp(&core.cost(i, best.medians[b])).then(a.cmp(&b))) {
            votes[k] += 1;
        }
    }
    let mut nb: Vec<usize> = (0..p).filter(|&k| votes[k] > 0).collect();
    // most votes first
    nb.sort_by(|&a, &b| votes[b].cmp(&votes[a]).then(a.cmp(&b)));
    nb.truncate(NEIGHBOURS);
    let clients: Vec<usize> = (0..core.n).filter(|&i| group.contains(&best.a[i]) || nb.contains(&best.a[i])).collect();
    let taken: Vec<usize> = (0..p).filter(|k| !group.contains(k)).map(|k| best.medians[k]).collect();
    let mut sites: Vec<(f64, usize)> = (0..core.m)
        .filter(|j| !taken.contains(j))
        .map(|j| (own.iter().map(|&i| core.cost(i, j)).sum::<f64>() + core.open_cost[j], j))
        .collect();
    sites.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut cols: Vec<usize> = sites.iter().take((own.len() * 3 / 2).max(REGROUP + 2)).map(|x| x.1).collect();
    for &k in &group {
        if !cols.contains(&best.medians[k]) {
            cols.push(best.medians[k]);
        }
    }
    let mut sub_sites: Vec<Site> = cols.iter().map(|&j| problem.sites[j].clone()).collect();
    for &k in &nb {
        let j = best.medians[k];
        cols.push(j);
        sub_sites.push(Site { kind: SiteKind::Fixed, ..problem.sites[j].clone() });
    }
    let sub = Problem {
        weights: clients.iter().map(|&i| problem.weights[i]).collect(),
        sites: sub_sites,
        dist: crate::matrix::DistMatrix::from_fn(clients.len(), cols.len(), |a, b| problem.dist.get(clients[a], cols[b])),
        max_distance: problem.max_distance,
        demand: problem.demand.as_ref().map(|d| clients.iter().map(|&i| d[i]).collect()),
    };
    let left = deadline.saturating_duration_since(Instant::now()).as_secs_f64();
    let sol = solve_with(&sub, group.len() + nb.len(), &Options { seed: opts.seed, time_limit: left, effort: SUB_EFFORT }, false).ok()?;
    let fixed_nb = |j: &usize| nb.iter().any(|&k| best.medians[k] == *j);
    let chosen: Vec<usize> = sol.open_sites.iter().map(|&s| cols[s]).filter(|j| !fixed_nb(j)).collect();
    if chosen.len() != group.len() {
        return None;
    }
    let mut med = best.medians.clone();
    for (&k, &j) in group.iter().zip(&chosen) {
        med[k] = j;
    }
    let (mut a, mut b) = (med.clone(), best.medians.clone());
    a.sort_unstable();
    b.sort_unstable();
    (a != b).then_some(med)
}
