//! Lagrangian lower bound for the capacitated p-median with single sourcing: relax
//! Σ_j x_ij = 1 with multipliers λ_i; each site then solves a 0-1 knapsack
//!
//!   ρ_j = f_j + min_k [ step cost_k + min Σ_i (c_ij − λ_i) x_ij  s.t. Σ_i q_i x_ij ≤ cap_k ]
//!
//! and the relaxation opens the fixed sites plus the p − |fixed| smallest ρ_j. Knapsacks are
//! solved exactly by dynamic programming over capacity when demands are whole numbers and
//! capacities moderate, otherwise by their LP relaxation (still a valid, weaker bound).

use std::time::Instant;

use super::capfn::CapFn;
use crate::model::Core;

pub(crate) struct Knap {
    /// Exact DP possible.
    integral: bool,
    best: Vec<f64>,
    /// The DP row before the current item (value-only solves).
    prev: Vec<f64>,
    keep: Vec<bool>,
}

impl Knap {
    /// A solver; exact DP when demands and finite capacities are whole numbers (≤ 200 000).
    pub fn new(q: &[f64], caps: &[CapFn]) -> Self {
        let integral = q.iter().all(|v| v.fract() == 0.0)
            && caps.iter().flat_map(|c| c.steps()).all(|s| !s.0.is_finite() || (s.0.fract() == 0.0 && s.0 <= 200_000.0));
        Knap { integral, best: Vec::new(), prev: Vec::new(), keep: Vec::new() }
    }

    /// Minimum reduced cost of a site over items (client, reduced cost < 0, demand), with the
    /// clients it takes.
    pub fn solve(&mut self, items: &[(usize, f64, f64)], steps: &[(f64, f64)], taken: &mut Vec<usize>) -> f64 {
        taken.clear();
        self.solve_opt(items, steps, Some(taken))
    }

    /// The value of [`Knap::solve`] without the clients taken (no table to trace back).
    pub fn value(&mut self, items: &[(usize, f64, f64)], steps: &[(f64, f64)]) -> f64 {
        self.solve_opt(items, steps, None)
    }

    fn solve_opt(&mut self, items: &[(usize, f64, f64)], steps: &[(f64, f64)], taken: Option<&mut Vec<usize>>) -> f64 {
        let total_q: f64 = items.iter().map(|x| x.2).sum();
        let mut best_val = f64::INFINITY;
        // The first step whose capacity holds every attractive client needs no knapsack
        // (later steps only cost more).
        if let Some(&(_, cost)) = steps.iter().find(|s| s.0 >= total_q) {
            best_val = cost + items.iter().map(|x| x.1).sum::<f64>();
        }
        let tight: Vec<(usize, f64)> = steps.iter().enumerate().filter(|(_, s)| s.0 < total_q).map(|(k, s)| (k, s.0)).collect();
        if tight.is_empty() {
            if let Some(taken) = taken {
                taken.extend(items.iter().map(|x| x.0));
            }
            return best_val;
        }
        if self.integral {
            let w = tight.iter().map(|t| t.1 as usize).max().unwrap();
            let m = items.len();
            self.best.clear();
            self.best.resize(w + 1, 0.0);
            if taken.is_none() {
                // from a copy of the previous row, so the update has no loop-carried
                // dependency and vectorises
                for &(_, r, q) in items {
                    let q = q as usize;
                    if q > w {
                        continue;
                    }
                    self.prev.clear();
                    self.prev.extend_from_slice(&self.best[..=w - q]);
                    for (b, &p) in self.best[q..=w].iter_mut().zip(&self.prev) {
                        *b = b.min(p + r);
                    }
                }
                return tight.iter().map(|&(k, cap)| steps[k].1 + self.best[cap as usize]).fold(best_val, f64::min);
            }
            self.keep.clear();
            self.keep.resize(m * (w + 1), false);
            for (t, &(_, r, q)) in items.iter().enumerate() {
                let q = q as usize;
                for c in (q..=w).rev() {
                    let v = self.best[c - q] + r;
                    if v < self.best[c] {
                        self.best[c] = v;
                        self.keep[t * (w + 1) + c] = true;
                    }
                }
            }
            let taken = taken.expect("checked above");
            let mut which = None;
            for &(k, cap) in &tight {
                let v = steps[k].1 + self.best[cap as usize];
                if v < best_val {
                    best_val = v;
                    which = Some(cap as usize);
                }
            }
            match which {
                Some(mut c) => {
                    for t in (0..m).rev() {
                        if self.keep[t * (w + 1) + c] {
                            taken.push(items[t].0);
                            c -= items[t].2 as usize;
                        }
                    }
                }
                None => taken.extend(items.iter().map(|x| x.0)),
            }
            best_val
        } else {
            // LP relaxation: fill by best ratio; fractional items count as taken for the
            // subgradient (an approximation that only affects convergence, not validity).
            let mut order: Vec<&(usize, f64, f64)> = items.iter().collect();
            order.sort_by(|a, b| (a.1 / a.2.max(1e-12)).total_cmp(&(b.1 / b.2.max(1e-12))));
            let mut pick = None;
            for &(k, cap) in &tight {
                let (mut room, mut v) = (cap, steps[k].1);
                for it in &order {
                    if room <= 0.0 {
                        break;
                    }
                    let f = (room / it.2.max(1e-12)).min(1.0);
                    v += f * it.1;
                    room -= f * it.2;
                }
                if v < best_val {
                    best_val = v;
                    pick = Some(cap);
                }
            }
            let Some(taken) = taken else { return best_val };
            match pick {
                Some(cap) => {
                    let mut room = cap;
                    for it in &order {
                        if room <= 0.0 {
                            break;
                        }
                        taken.push(it.0);
                        room -= it.2;
                    }
                }
                None => taken.extend(items.iter().map(|x| x.0)),
            }
            best_val
        }
    }
}

/// Subgradient optimisation; returns the best bound (not rounded) and its multipliers.
/// `theta0` is the first step factor (2 from scratch, smaller from good multipliers); the
/// search stops when the bound has not risen by a millionth for `patience` iterations.
#[allow(clippy::too_many_arguments)]
///
/// `heuristic` is called with the relaxation's open sites every few iterations (a Lagrangian
/// heuristic: those sites, reassigned feasibly, are often excellent) and returns the cost it
/// found, which tightens the step target.
pub(crate) fn bound(
    core: &Core,
    q: &[f64],
    caps: &[CapFn],
    p: Option<usize>,
    mut ub: f64,
    mut lambda: Vec<f64>,
    max_iter: usize,
    theta0: f64,
    patience: usize,
    deadline: Instant,
    heuristic: &mut dyn FnMut(&[usize]) -> f64,
) -> (f64, Vec<f64>) {
    let (n, m) = (core.n, core.m);
    let mut knap = Knap::new(q, caps);
    let mut rho = vec![0.0; m];
    let mut takes: Vec<Vec<usize>> = vec![Vec::new(); m];
    let mut items: Vec<(usize, f64, f64)> = Vec::new();
    let mut best = f64::NEG_INFINITY;
    let mut best_lambda = lambda.clone();
    let (mut theta, mut stall) = (theta0, 0);
    let mut g = vec![0.0; n];
    let mut last_rise = 0;
    for it in 0..max_iter {
        for j in 0..m {
            attractive(core, q, &lambda, j, &mut items);
            rho[j] = core.open_cost[j] + knap.value(&items, caps[j].steps());
        }
        let mut sel: Vec<usize> = (0..m).filter(|&j| core.fixed[j]).collect();
        let mut free: Vec<usize> = (0..m).filter(|&j| !core.fixed[j]).collect();
        match p {
            Some(p) => {
                let need = p - sel.len();
                if need > 0 && need < free.len() {
                    free.select_nth_unstable_by(need - 1, |&a, &b| rho[a].total_cmp(&rho[b]).then(a.cmp(&b)));
                }
                sel.extend_from_slice(&free[..need]);
            }
            // facility location: any number of sites, so every site that lowers the bound
            None => sel.extend(free.iter().filter(|&&j| rho[j] < 0.0)),
        }
        let value: f64 = lambda.iter().sum::<f64>() + sel.iter().map(|&j| rho[j]).sum::<f64>();
        // the clients each open site takes, for the subgradient
        for &j in &sel {
            attractive(core, q, &lambda, j, &mut items);
            knap.solve(&items, caps[j].steps(), &mut takes[j]);
        }
        if it % 10 == 5 {
            ub = ub.min(heuristic(&sel));
        }
        if value > best + 1e-6 * value.abs().max(1.0) {
            last_rise = it;
        }
        if it - last_rise > patience {
            break;
        }
        if value > best + 1e-9 * value.abs().max(1.0) {
            best = value;
            best_lambda.copy_from_slice(&lambda);
            stall = 0;
        } else {
            stall += 1;
            if stall >= 40 {
                theta *= 0.5;
                stall = 0;
            }
        }
        if core.round_bound(best) >= ub - 1e-9 || theta < 1e-5 || (it % 8 == 0 && Instant::now() > deadline) {
            break;
        }
        g.iter_mut().for_each(|x| *x = 1.0);
        for &j in &sel {
            for &i in &takes[j] {
                g[i] -= 1.0;
            }
        }
        let norm: f64 = g.iter().map(|x| x * x).sum();
        if norm == 0.0 {
            break;
        }
        let target = ub.max(value) + if core.integral { 0.5 } else { 1e-6 * ub.abs().max(1.0) };
        let step = theta * (target - value) / norm;
        for i in 0..n {
            lambda[i] += step * g[i];
        }
    }
    (best, best_lambda)
}

/// The knapsack items of site `j` at multipliers `lambda`: the clients with negative reduced
/// cost c_ij − λ_i, as (client, reduced cost, demand).
fn attractive(core: &Core, q: &[f64], lambda: &[f64], j: usize, items: &mut Vec<(usize, f64, f64)>) {
    items.clear();
    items.extend((0..core.n).filter_map(|i| {
        let r = core.cost(i, j) - lambda[i];
        (r < 0.0).then_some((i, r, q[i]))
    }));
}

/// Site values ρ_j (open cost included) of the relaxation at multipliers `lambda`.
pub(crate) fn site_values(core: &Core, q: &[f64], caps: &[CapFn], lambda: &[f64]) -> Vec<f64> {
    let mut knap = Knap::new(q, caps);
    let mut items: Vec<(usize, f64, f64)> = Vec::new();
    (0..core.m)
        .map(|j| {
            attractive(core, q, lambda, j, &mut items);
            core.open_cost[j] + knap.value(&items, caps[j].steps())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    /// The value-only knapsack, the one that traces back the clients taken, and brute force
    /// over every subset agree; the clients taken fit and cost that value.
    #[test]
    fn knapsack_value_and_trace_back_match_brute_force() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        for _ in 0..200 {
            let k = rng.random_range(1..=9);
            let items: Vec<(usize, f64, f64)> = (0..k).map(|t| (t, -(rng.random_range(1..40) as f64), rng.random_range(1..12) as f64)).collect();
            // a capacity, then one expansion step of 6 more places for 5
            let cap = rng.random_range(5..30) as f64;
            let steps = [(cap, 0.0), (cap + 6.0, 5.0)];
            let mut brute = f64::INFINITY;
            for mask in 0u32..(1 << k) {
                let (q, r): (f64, f64) = (0..k).filter(|t| mask & (1 << t) != 0).fold((0.0, 0.0), |a, t| (a.0 + items[t].2, a.1 + items[t].1));
                if let Some(&(_, cost)) = steps.iter().find(|s| q <= s.0) {
                    brute = brute.min(r + cost);
                }
            }
            let mut knap = Knap { integral: true, best: Vec::new(), prev: Vec::new(), keep: Vec::new() };
            let mut taken = Vec::new();
            let traced = knap.solve(&items, &steps, &mut taken);
            let value = knap.value(&items, &steps);
            assert_eq!(value, brute);
            assert_eq!(traced, brute);
            let q: f64 = taken.iter().map(|&i| items[i].2).sum();
            let r: f64 = taken.iter().map(|&i| items[i].1).sum();
            let cost = steps.iter().find(|s| q <= s.0).expect("the clients taken fit").1;
            assert_eq!(r + cost, brute);
        }
    }
}
