//! Lagrangian lower bound for the p-median (Beasley 1985; Beasley 1993): relax the assignment
//! constraints Σ_j x_ij = 1 with multipliers λ_i. Then
//!
//!   L(λ) = Σ_i λ_i + min_{|S| = p, fixed ⊆ S} Σ_{j∈S} ρ_j,   ρ_j = f_j + Σ_i min(0, c_ij − λ_i),
//!
//! which is solved by taking the fixed sites and the p − |fixed| smallest ρ_j. Multipliers follow
//! the subgradient g_i = 1 − #{j ∈ S : c_ij < λ_i} with Polyak steps toward the best upper bound.
//! Only pairs with c_ij < λ_i matter, so ρ is accumulated over each client's sorted neighbour list
//! and an iteration costs far less than n·m.

use std::time::Instant;

use crate::model::Core;

/// Non-improving iterations before the step factor is halved.
const STALL: usize = 40;

pub(crate) struct Lagrange {
    /// Best bound found (not yet rounded).
    pub bound: f64,
    /// Sites chosen by the relaxation at the best multipliers (a good start for local search).
    pub sites: Vec<usize>,
    /// Multipliers at the best bound, to warm-start a later call.
    pub lambda: Vec<f64>,
}

/// Evaluates L(λ); fills `rho`, returns (value, selected sites).
fn evaluate(core: &Core, p: usize, lambda: &[f64], rho: &mut [f64]) -> (f64, Vec<usize>) {
    rho.copy_from_slice(&core.open_cost);
    let mut value: f64 = lambda.iter().sum();
    for (i, &l) in lambda.iter().enumerate() {
        let row = &core.c[i * core.m..(i + 1) * core.m];
        for &j in core.sorted(i) {
            let c = row[j as usize];
            if c >= l {
                break;
            }
            rho[j as usize] += c - l;
        }
    }
    let mut sel: Vec<usize> = (0..core.m).filter(|&j| core.fixed[j]).collect();
    let mut free: Vec<usize> = (0..core.m).filter(|&j| !core.fixed[j]).collect();
    let need = p - sel.len();
    if need > 0 && need < free.len() {
        free.select_nth_unstable_by(need - 1, |&a, &b| rho[a].total_cmp(&rho[b]).then(a.cmp(&b)));
    }
    sel.extend_from_slice(&free[..need]);
    value += sel.iter().map(|&j| rho[j]).sum::<f64>();
    (value, sel)
}

/// Subgradient optimisation of L(λ). `ub` is the best known objective; `lambda0` the starting
/// multipliers (e.g. each client's cost in the best solution). Stops when the rounded bound
/// reaches `ub`, the step becomes tiny, `max_iter` is used up or `deadline` passes.
pub(crate) fn bound(core: &Core, p: usize, ub: f64, lambda0: Vec<f64>, max_iter: usize, deadline: Instant) -> Lagrange {
    let n = core.n;
    let mut lambda = lambda0;
    let mut rho = vec![0.0; core.m];
    let mut best = Lagrange { bound: f64::NEG_INFINITY, sites: Vec::new(), lambda: lambda.clone() };
    let mut theta = 2.0;
    let mut stall = 0;
    let mut is_sel = vec![false; core.m];
    let mut g = vec![0.0; n];
    for it in 0..max_iter {
        let (value, sel) = evaluate(core, p, &lambda, &mut rho);
        if value > best.bound + 1e-9 * value.abs().max(1.0) {
            best.bound = value;
            best.sites = sel.clone();
            best.lambda.clone_from(&lambda);
            stall = 0;
        } else {
            stall += 1;
            if stall >= STALL {
                theta *= 0.5;
                stall = 0;
            }
        }
        if core.round_bound(best.bound) >= ub - 1e-9 || theta < 1e-5 || (it % 16 == 0 && Instant::now() > deadline) {
            break;
        }
        for &j in &sel {
            is_sel[j] = true;
        }
        let mut norm = 0.0;
        for i in 0..n {
            let row = &core.c[i * core.m..(i + 1) * core.m];
            let mut cnt = 0.0;
            for &j in core.sorted(i) {
                let c = row[j as usize];
                if c >= lambda[i] {
                    break;
                }
                if is_sel[j as usize] {
                    cnt += 1.0;
                }
            }
            g[i] = 1.0 - cnt;
            norm += g[i] * g[i];
        }
        for &j in &sel {
            is_sel[j] = false;
        }
        if norm == 0.0 {
            // The relaxed solution is feasible, hence optimal for the relaxation and the problem.
            break;
        }
        // Aim a little above the upper bound so the step does not vanish when L is close to it.
        let target = ub.max(value) + if core.integral { 0.5 } else { 1e-6 * ub.abs().max(1.0) };
        let step = theta * (target - value) / norm;
        for i in 0..n {
            lambda[i] += step * g[i];
        }
    }
    best
}
