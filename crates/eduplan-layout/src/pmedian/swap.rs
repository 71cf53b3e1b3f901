//! Fast swap-based local search for the p-median (Resende & Werneck 2003, "A fast swap-based
//! local search procedure for location problems"), a refinement of Whitaker's (1983) fast
//! interchange.
//!
//! For every client `u` we keep its closest and second-closest open site (φ1, d1; φ2, d2) and
//! three accumulators whose sum is the exact profit of swapping `fi` in and `fr` out:
//! - `gain[fi]`  = Σ_u max(0, d1(u) − c(u,fi))            (clients that would move to fi)
//! - `loss[fr]`  = Σ_{u: φ1(u)=fr} (d2(u) − d1(u))        (clients that lose their site)
//! - `extra[fi][fr]` = Σ_{u: φ1(u)=fr, c(u,fi)<d2(u)} (d2(u) − max(c(u,fi), d1(u)))  (correction)
//!
//! After a swap only the clients whose φ1/φ2 change, or that fi attracts, are "affected": their
//! contributions are subtracted, φ1/φ2 recomputed from the sorted neighbour lists, and added
//! back. Contributions are summed over all sites regardless of their state so that removal
//! mirrors addition exactly (integer costs stay exact in f64).

use crate::model::Core;

const NONE: usize = usize::MAX;

pub(crate) struct SwapState<'a> {
    core: &'a Core,
    p: usize,
    pub open: Vec<bool>,
    /// Open sites by position; `extra` and `loss` are indexed by position.
    pub sol: Vec<usize>,
    pos: Vec<usize>,
    phi1: Vec<usize>,
    d1: Vec<f64>,
    d2: Vec<f64>,
    gain: Vec<f64>,
    loss: Vec<f64>,
    extra: Vec<f64>,
    pub cost: f64,
    affected: Vec<usize>,
}

impl<'a> SwapState<'a> {
    pub fn new(core: &'a Core, sites: &[usize]) -> Self {
        let p = sites.len();
        let mut s = SwapState {
            core,
            p,
            open: vec![false; core.m],
            sol: sites.to_vec(),
            pos: vec![NONE; core.m],
            phi1: vec![0; core.n],
            d1: vec![0.0; core.n],
            d2: vec![0.0; core.n],
            gain: vec![0.0; core.m],
            loss: vec![0.0; p],
            extra: vec![0.0; core.m * p],
            cost: 0.0,
            affected: Vec::new(),
        };
        for (k, &j) in sites.iter().enumerate() {
            s.open[j] = true;
            s.pos[j] = k;
        }
        s.cost = sites.iter().map(|&j| core.open_cost[j]).sum();
        for u in 0..core.n {
            s.closest(u);
            s.cost += s.d1[u];
            s.contribute(u, 1.0);
        }
        s
    }

    /// Closest and second-closest open sites of `u`, from its sorted neighbour list.
    fn closest(&mut self, u: usize) {
        let mut first = NONE;
        // Without a second open site (p = 1), d2 is the big-M: finite so sums stay exact.
        let mut d2 = self.core.big;
        for &j in self.core.sorted(u) {
            let j = j as usize;
            if self.open[j] {
                if first == NONE {
                    first = j;
                } else {
                    d2 = self.core.cost(u, j);
                    break;
                }
            }
        }
        self.phi1[u] = first;
        self.d1[u] = self.core.cost(u, first);
        self.d2[u] = d2;
    }

    fn contribute(&mut self, u: usize, sign: f64) {
        let (d1, d2) = (self.d1[u], self.d2[u]);
        let k = self.pos[self.phi1[u]];
        self.loss[k] += sign * (d2 - d1);
        let p = self.p;
        let m = self.core.m;
        let row = &self.core.c[u * m..(u + 1) * m];
        for &j in self.core.sorted(u) {
            let j = j as usize;
            let c = row[j];
            if c >= d2 {
                break;
            }
            if c < d1 {
                self.gain[j] += sign * (d1 - c);
            }
            self.extra[j * p + k] += sign * (d2 - c.max(d1));
        }
    }

    /// Best swap (largest cost decrease) among sites allowed to enter and positions allowed to
    /// leave; fixed sites never leave. Returns (fi, position of fr, profit).
    pub fn best_swap(&self, may_enter: Option<&[bool]>, may_leave: Option<&[bool]>) -> Option<(usize, usize, f64)> {
        let p = self.p;
        let core = self.core;
        let leave: Vec<usize> = (0..p)
            .filter(|&k| {
                let j = self.sol[k];
                !core.fixed[j] && may_leave.is_none_or(|l| l[j])
            })
            .collect();
        if leave.is_empty() {
            return None;
        }
        let mut best: Option<(usize, usize, f64)> = None;
        for fi in 0..core.m {
            if self.open[fi] || may_enter.is_some_and(|e| !e[fi]) {
                continue;
            }
            let base = self.gain[fi] - core.open_cost[fi];
            let ex = &self.extra[fi * p..(fi + 1) * p];
            for &k in &leave {
                let profit = base - self.loss[k] + ex[k] + core.open_cost[self.sol[k]];
                if best.is_none_or(|b| profit > b.2) {
                    best = Some((fi, k, profit));
                }
            }
        }
        best
    }

    /// Swaps `fi` in for the site at position `k`, updating only affected clients.
    pub fn apply(&mut self, fi: usize, k: usize) {
        let fr = self.sol[k];
        let core = self.core;
        let mut affected = std::mem::take(&mut self.affected);
        affected.clear();
        for u in 0..core.n {
            let phi2_is_fr = self.phi1[u] != fr && core.cost(u, fr) <= self.d2[u] && self.d2[u] < core.big;
            if self.phi1[u] == fr || phi2_is_fr || core.cost(u, fi) < self.d2[u] {
                affected.push(u);
            }
        }
        for &u in &affected {
            self.cost -= self.d1[u];
            self.contribute(u, -1.0);
        }
        self.open[fr] = false;
        self.open[fi] = true;
        self.sol[k] = fi;
        self.pos[fi] = k;
        self.pos[fr] = NONE;
        self.cost += core.open_cost[fi] - core.open_cost[fr];
        for &u in &affected {
            self.closest(u);
            self.cost += self.d1[u];
            self.contribute(u, 1.0);
        }
        self.affected = affected;
    }

    /// Best-improvement descent to a swap-local optimum.
    pub fn descend(&mut self) {
        let eps = 1e-9 * self.cost.abs().max(1.0);
        while let Some((fi, k, profit)) = self.best_swap(None, None) {
            if profit <= eps {
                break;
            }
            self.apply(fi, k);
        }
    }

    /// Site serving each client.
    pub fn assignment(&self) -> Vec<usize> {
        self.phi1.clone()
    }
}
