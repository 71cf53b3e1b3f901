//! p-median (总距离最小): open p sites minimising the weighted total distance (plus site costs).
//!
//! Hybrid of Resende & Werneck (2004): greedy and randomised starts, fast swap local search
//! ([`swap`]), path relinking between elite solutions, and a Lagrangian bound ([`lagrange`],
//! Beasley 1985) that proves optimality or measures the gap, and whose relaxed solutions are
//! extra starting points.

mod construct;
pub(crate) mod lagrange;
pub(crate) mod swap;

use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::error::Error;
use crate::model::{Core, Problem};
use crate::solution::{Options, Solution};
use swap::SwapState;

/// Solves the p-median problem with exactly `p` open sites (fixed sites count toward `p`).
///
/// Objective: Σ_i w_i · d(i, assigned site) + Σ_{open j} cost_j, distances beyond a
/// [`crate::MaxDistance`] limit replaced by its penalty. Returns an error if a forbidden
/// assignment cannot be avoided.
pub fn solve(problem: &Problem, p: usize, opts: &Options) -> Result<Solution, Error> {
    problem.check(Some(p))?;
    let start = Instant::now();
    let core = Core::new(problem);
    let (sites, ub, lb, assignment) = search(&core, p, opts, start);
    if let Some(i) = (0..core.n).find(|&i| problem.forbidden_pair(i, assignment[i])) {
        return Err(Error::Invalid(format!(
            "demand point {i} cannot reach any open site within the distance limit (超出最远上学距离)"
        )));
    }
    Ok(Solution::new(ub, lb, sites, assignment, start))
}

/// Elite pool for path relinking: distinct solutions, best first.
struct Elite {
    cap: usize,
    items: Vec<(f64, Vec<usize>)>,
}

impl Elite {
    fn offer(&mut self, cost: f64, sol: &[usize]) {
        let mut s = sol.to_vec();
        s.sort_unstable();
        if self.items.iter().any(|(_, t)| *t == s) {
            return;
        }
        if self.items.len() == self.cap {
            if cost >= self.items.last().map_or(f64::INFINITY, |x| x.0) {
                return;
            }
            self.items.pop();
        }
        let at = self.items.partition_point(|x| x.0 <= cost);
        self.items.insert(at, (cost, s));
    }
}

/// Walks from `from` toward `to` by best swaps restricted to the symmetric difference and
/// returns the best intermediate solution (Resende & Werneck's path relinking).
fn relink(core: &Core, from: &[usize], to: &[usize]) -> Option<Vec<usize>> {
    let mut enter = vec![false; core.m];
    let mut leave = vec![false; core.m];
    for &j in to {
        enter[j] = true;
    }
    for &j in from {
        if enter[j] {
            enter[j] = false;
        } else {
            leave[j] = true;
        }
    }
    let diff = leave.iter().filter(|&&b| b).count();
    if diff < 2 {
        return None;
    }
    let mut st = SwapState::new(core, from);
    let mut best: Option<(f64, Vec<usize>)> = None;
    for _ in 0..diff - 1 {
        let (fi, k, _) = st.best_swap(Some(&enter), Some(&leave))?;
        leave[st.sol[k]] = false;
        st.apply(fi, k);
        if best.as_ref().is_none_or(|b| st.cost < b.0) {
            best = Some((st.cost, st.sol.clone()));
        }
    }
    best.map(|b| b.1)
}

fn local_search(core: &Core, start: &[usize]) -> (f64, Vec<usize>) {
    let mut st = SwapState::new(core, start);
    st.descend();
    (st.cost, st.sol)
}

/// The whole search; returns (open sites, objective, lower bound, assignment).
pub(crate) fn search(core: &Core, p: usize, opts: &Options, start: Instant) -> (Vec<usize>, f64, f64, Vec<usize>) {
    let deadline = start + Duration::from_secs_f64(opts.time_limit.max(0.0));
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let mut elite = Elite { cap: 10, items: Vec::new() };

    let g = construct::greedy(core, p, None, &mut rng);
    let (c, s) = local_search(core, &g);
    elite.offer(c, &s);
    let best = |e: &Elite| e.items[0].0;

    // Lagrangian bound, started from each client's cost in the first local optimum.
    let lambda0 = {
        let st = SwapState::new(core, &elite.items[0].1);
        let a = st.assignment();
        (0..core.n).map(|i| core.cost(i, a[i])).collect::<Vec<_>>()
    };
    let mut lag = lagrange::bound(core, p, best(&elite), lambda0, 1000, deadline);
    let proven = |e: &Elite, lb: f64| core.round_bound(lb) >= e.items[0].0 - 1e-9 * e.items[0].0.abs().max(1.0);
    if !proven(&elite, lag.bound) && !lag.sites.is_empty() {
        let (c, s) = local_search(core, &lag.sites);
        elite.offer(c, &s);
    }

    let sample = ((core.m as f64 / p as f64).log2().ceil() as usize).max(1) + 1;
    let mut it = 0;
    while it < opts.effort && !proven(&elite, lag.bound) && Instant::now() < deadline {
        it += 1;
        let g = construct::greedy(core, p, Some(sample), &mut rng);
        let (c, s) = local_search(core, &g);
        elite.offer(c, &s);
        if elite.items.len() >= 2 {
            let k = rng.random_range(0..elite.items.len());
            let guide = elite.items[k].1.clone();
            if let Some(mid) = relink(core, &s, &guide) {
                let (c2, s2) = local_search(core, &mid);
                elite.offer(c2, &s2);
            }
        }
    }
    // Evolutionary phase: relink the elite pairs while it keeps improving.
    let mut improved = true;
    while improved && !proven(&elite, lag.bound) && Instant::now() < deadline {
        improved = false;
        let before = best(&elite);
        let items = elite.items.clone();
        'pairs: for a in 0..items.len() {
            for b in a + 1..items.len() {
                if Instant::now() >= deadline {
                    break 'pairs;
                }
                if let Some(mid) = relink(core, &items[a].1, &items[b].1) {
                    let (c, s) = local_search(core, &mid);
                    elite.offer(c, &s);
                }
            }
        }
        if best(&elite) < before {
            improved = true;
        }
    }
    if !proven(&elite, lag.bound) && Instant::now() < deadline {
        let more = lagrange::bound(core, p, best(&elite), lag.lambda.clone(), 3000, deadline);
        if more.bound > lag.bound {
            lag = more;
        }
    }
    let sites = elite.items[0].1.clone();
    let st = SwapState::new(core, &sites);
    let ub = st.cost;
    let lb = core.round_bound(lag.bound).min(ub);
    (sites, ub, lb, st.assignment())
}
