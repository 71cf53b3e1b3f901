//! Single-source assignment of clients to a fixed set of medians (a generalised assignment
//! problem): regret-based greedy (Martello & Toth's desirability: assign first the client that
//! loses most if it misses its best median), then shift and swap local search on the exact
//! cost including capacity steps and overflow penalty (as in Osman & Christofides 1994).

use super::capfn::CapFn;
use super::lagrange::Knap;
use crate::model::Core;

pub(crate) struct Assigner<'a> {
    pub core: &'a Core,
    pub q: &'a [f64],
    pub caps: &'a [CapFn],
}

/// An assignment: `a[i]` is a position in `medians`.
pub(crate) struct Assignment {
    pub medians: Vec<usize>,
    pub a: Vec<usize>,
    pub load: Vec<f64>,
    pub cost: f64,
}

impl Assigner<'_> {
    fn marginal(&self, med: &[usize], load: &[f64], i: usize, k: usize) -> f64 {
        let j = med[k];
        let f = &self.caps[j];
        self.core.cost(i, j) + f.cost(load[k] + self.q[i]) - f.cost(load[k])
    }

    /// Best and second-best marginal cost for client i: (best k, second k, best, second).
    fn best_two(&self, med: &[usize], load: &[f64], i: usize) -> (usize, usize, f64, f64) {
        let (mut bk, mut sk, mut b1, mut b2) = (0, usize::MAX, f64::INFINITY, f64::INFINITY);
        for k in 0..med.len() {
            let v = self.marginal(med, load, i, k);
            if v < b1 {
                b2 = b1;
                sk = bk;
                b1 = v;
                bk = k;
            } else if v < b2 {
                b2 = v;
                sk = k;
            }
        }
        (bk, sk, b1, b2)
    }

    pub fn assign(&self, medians: &[usize]) -> Assignment {
        self.assign_from(medians, &vec![usize::MAX; self.core.n])
    }

    /// Completes a partial assignment (`usize::MAX` = unassigned) by regret, then descends.
    pub fn assign_from(&self, medians: &[usize], partial: &[usize]) -> Assignment {
        let n = self.core.n;
        let p = medians.len();
        let mut load = vec![0.0; p];
        let mut a = partial.to_vec();
        for i in 0..n {
            if a[i] != usize::MAX {
                load[a[i]] += self.q[i];
            }
        }
        // Cached (best k, best, second) per unassigned client; only clients whose best or
        // second median received load need recomputing.
        let mut cache: Vec<(usize, usize, f64, f64)> = (0..n).map(|i| self.best_two(medians, &load, i)).collect();
        let mut left: Vec<usize> = (0..n).filter(|&i| a[i] == usize::MAX).collect();
        while !left.is_empty() {
            let mut pick = 0;
            let mut key = (f64::NEG_INFINITY, f64::INFINITY);
            for (t, &i) in left.iter().enumerate() {
                let (_, _, b1, b2) = cache[i];
                let regret = if b2.is_finite() { b2 - b1 } else { f64::MAX };
                if regret > key.0 || (regret == key.0 && b1 < key.1) {
                    key = (regret, b1);
                    pick = t;
                }
            }
            let i = left.swap_remove(pick);
            let k = cache[i].0;
            a[i] = k;
            load[k] += self.q[i];
            for &u in &left {
                // Only median k got dearer, so other clients keep their best two.
                if cache[u].0 == k || cache[u].1 == k {
                    cache[u] = self.best_two(medians, &load, u);
                }
            }
        }
        let mut asg = Assignment { medians: medians.to_vec(), a, load, cost: 0.0 };
        asg.cost = self.total(&asg);
        self.improve(&mut asg, false);
        asg
    }

    /// Lagrangian heuristic for the assignment to fixed medians (Fisher, Jaikumar & Van
    /// Wassenhove 1986 style): relax "each client once", solve one knapsack per median, turn
    /// each relaxed solution into a feasible one (keep single takers, cheapest of multiple
    /// takers, regret for the rest, then descend). Stops early when the bound for these medians
    /// shows it cannot beat `target`. Returns the best assignment and the bound for these
    /// medians.
    pub fn deep(&self, medians: &[usize], start: &Assignment, target: f64, iters: usize) -> (Assignment, f64) {
        let n = self.core.n;
        let p = medians.len();
        let mut knap = Knap::new(self.q, self.caps);
        let mut lambda: Vec<f64> = (0..n).map(|i| self.core.cost(i, medians[start.a[i]])).collect();
        let mut best = Assignment { medians: start.medians.clone(), a: start.a.clone(), load: start.load.clone(), cost: start.cost };
        let fixed_cost: f64 = medians.iter().map(|&j| self.core.open_cost[j]).sum();
        let mut lb = f64::NEG_INFINITY;
        let (mut theta, mut stall) = (1.0, 0);
        let mut taken: Vec<Vec<usize>> = vec![Vec::new(); p];
        let mut items = Vec::new();
        let mut g = vec![0.0; n];
        for it in 0..iters {
            let mut value = fixed_cost + lambda.iter().sum::<f64>();
            for k in 0..p {
                items.clear();
                for i in 0..n {
                    let r = self.core.cost(i, medians[k]) - lambda[i];
                    if r < 0.0 {
                        items.push((i, r, self.q[i]));
                    }
                }
                value += knap.solve(&items, self.caps[medians[k]].steps(), &mut taken[k]);
            }
            if value > lb + 1e-9 {
                lb = value;
                stall = 0;
            } else {
                stall += 1;
                if stall >= 10 {
                    theta *= 0.5;
                    stall = 0;
                }
            }
            if self.core.round_bound(lb) >= best.cost.min(target) - 1e-9 || theta < 1e-3 {
                break;
            }
            // Primal: clients taken once stay, several takers → cheapest with room.
            let mut part = vec![usize::MAX; n];
            let mut load = vec![0.0; p];
            g.iter_mut().for_each(|x| *x = 1.0);
            for k in 0..p {
                for &i in &taken[k] {
                    g[i] -= 1.0;
                }
            }
            for k in 0..p {
                for &i in &taken[k] {
                    let better = part[i] == usize::MAX || self.core.cost(i, medians[k]) < self.core.cost(i, medians[part[i]]);
                    if better && load[k] + self.q[i] <= self.caps[medians[k]].max_capacity() + 1e-9 {
                        if part[i] != usize::MAX {
                            load[part[i]] -= self.q[i];
                        }
                        part[i] = k;
                        load[k] += self.q[i];
                    }
                }
            }
            if it % 5 == 0 {
                let mut t = self.assign_from(medians, &part);
                if t.cost < best.cost * 1.01 {
                    self.improve(&mut t, true);
                }
                if t.cost < best.cost - 1e-9 {
                    best = t;
                }
            }
            let norm: f64 = g.iter().map(|x| x * x).sum();
            if norm == 0.0 {
                break;
            }
            let step = theta * (best.cost + 0.5 - value).max(0.5) / norm;
            for i in 0..n {
                lambda[i] += step * g[i];
            }
        }
        self.improve(&mut best, true);
        (best, lb)
    }

    /// What bounds a move's gain: per client, `push` = its best other median's distance minus
    /// its own (a move changes its distance by at least this); per median, `save` = what it
    /// pays for capacity above an empty school (a load decrease saves at most this).
    fn push_save(&self, s: &Assignment) -> (Vec<f64>, Vec<f64>) {
        let p = s.medians.len();
        let save = (0..p).map(|k| self.caps[s.medians[k]].cost(s.load[k]) - self.caps[s.medians[k]].cost(0.0)).collect();
        let push = (0..self.core.n)
            .map(|u| {
                let k1 = s.a[u];
                let alt = (0..p).filter(|&k| k != k1).map(|k| self.core.cost(u, s.medians[k])).fold(f64::INFINITY, f64::min);
                alt - self.core.cost(u, s.medians[k1])
            })
            .collect();
        (push, save)
    }

    /// One improving ejection chain, applied; false if none exists.
    fn eject(&self, s: &mut Assignment) -> bool {
        let n = self.core.n;
        let p = s.medians.len();
        let eps = 1e-9 * s.cost.abs().max(1.0);
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); p];
        for i in 0..n {
            members[s.a[i]].push(i);
        }
        let cap = |k: usize, l: f64| self.caps[s.medians[k]].cost(l);
        // Pruning (exact): a chain changes distances by dc = d1 + c(u,k2) − c(u,k1) ≥ d1 +
        // push(u); capacity costs cannot fall by more than `save` of k0 and k1. With many
        // medians (a county's schools) most (i, k1) pairs are ruled out without looking at k1's
        // clients.
        let (push, save) = self.push_save(s);
        let best_push: Vec<f64> = members.iter().map(|m| m.iter().map(|&u| push[u]).fold(f64::INFINITY, f64::min)).collect();
        for i in 0..n {
            let k0 = s.a[i];
            let qi = self.q[i];
            for k1 in 0..p {
                if k1 == k0 {
                    continue;
                }
                let d1 = self.core.cost(i, s.medians[k1]) - self.core.cost(i, s.medians[k0]);
                let slack = save[k0] + save[k1] + eps;
                if d1 + best_push[k1] >= slack {
                    continue;
                }
                for &u in &members[k1] {
                    if d1 + push[u] >= slack {
                        continue;
                    }
                    let qu = self.q[u];
                    for k2 in 0..p {
                        if k2 == k1 {
                            continue;
                        }
                        let dc = d1 + self.core.cost(u, s.medians[k2]) - self.core.cost(u, s.medians[k1]);
                        // New loads of the (up to three) medians involved.
                        let l1 = s.load[k1] + qi - qu;
                        let (dl, l0, l2) = if k2 == k0 {
                            let l0 = s.load[k0] - qi + qu;
                            (cap(k0, l0) - cap(k0, s.load[k0]) + cap(k1, l1) - cap(k1, s.load[k1]), l0, l0)
                        } else {
                            let l0 = s.load[k0] - qi;
                            let l2 = s.load[k2] + qu;
                            (cap(k0, l0) - cap(k0, s.load[k0]) + cap(k1, l1) - cap(k1, s.load[k1]) + cap(k2, l2) - cap(k2, s.load[k2]), l0, l2)
                        };
                        if dc + dl < -eps {
                            s.a[i] = k1;
                            s.a[u] = k2;
                            s.load[k0] = l0;
                            s.load[k1] = l1;
                            s.load[k2] = l2;
                            return true;
                        }
                    }
                }
            }
        }
        false
    }

    pub fn total(&self, s: &Assignment) -> f64 {
        let mut t: f64 = s.medians.iter().map(|&j| self.core.open_cost[j]).sum();
        for (i, &k) in s.a.iter().enumerate() {
            t += self.core.cost(i, s.medians[k]);
        }
        for (k, &j) in s.medians.iter().enumerate() {
            t += self.caps[j].cost(s.load[k]);
        }
        t
    }

    /// Shift and swap descent (first improvement).
    pub fn improve(&self, s: &mut Assignment, eject: bool) {
        let n = self.core.n;
        let p = s.medians.len();
        let eps = 1e-9 * s.cost.abs().max(1.0);
        let mut improved = true;
        let mut passes = 0;
        while improved && passes < 50 {
            improved = false;
            passes += 1;
            // Shift: move one client to another median.
            for i in 0..n {
                let k0 = s.a[i];
                let q = self.q[i];
                let j0 = s.medians[k0];
                let out = self.core.cost(i, j0) + self.caps[j0].cost(s.load[k0]) - self.caps[j0].cost(s.load[k0] - q);
                let mut best = (eps, usize::MAX);
                for k in 0..p {
                    if k == k0 {
                        continue;
                    }
                    let j = s.medians[k];
                    let inc = self.core.cost(i, j) + self.caps[j].cost(s.load[k] + q) - self.caps[j].cost(s.load[k]);
                    let save = out - inc;
                    if save > best.0 {
                        best = (save, k);
                    }
                }
                if best.1 != usize::MAX {
                    let k = best.1;
                    s.load[k0] -= q;
                    s.load[k] += q;
                    s.a[i] = k;
                    s.cost -= best.0;
                    improved = true;
                }
            }
            // Swap: exchange the medians of two clients. A swap changes distances by at least
            // push(i) + push(u) (each client's best other median minus its own) and capacity
            // costs by at least −(what the two medians pay above empty); pairs that cannot gain
            // are skipped. Values are from the start of the pass: a pass without moves checks
            // every pair exactly, so the descent still ends in a swap-local optimum.
            // Clients are visited by increasing push, so for each i the partners u that could
            // gain form a prefix of the rest.
            let (push, save) = self.push_save(s);
            let max_save = save.iter().fold(0.0f64, |a, &b| a.max(b));
            let mut by_push: Vec<usize> = (0..n).collect();
            by_push.sort_by(|&x, &y| push[x].total_cmp(&push[y]).then(x.cmp(&y)));
            for (x, &i) in by_push.iter().enumerate() {
                for &u in &by_push[x + 1..] {
                    if push[i] + push[u] >= 2.0 * max_save + eps {
                        break;
                    }
                    let (ki, ku) = (s.a[i], s.a[u]);
                    if ki == ku || push[i] + push[u] >= save[ki] + save[ku] + eps {
                        continue;
                    }
                    let (ji, ju) = (s.medians[ki], s.medians[ku]);
                    let dc = self.core.cost(i, ju) + self.core.cost(u, ji) - self.core.cost(i, ji) - self.core.cost(u, ju);
                    if dc >= 0.0 && self.q[i] == self.q[u] {
                        continue;
                    }
                    let (li, lu) = (s.load[ki] - self.q[i] + self.q[u], s.load[ku] - self.q[u] + self.q[i]);
                    let dl = self.caps[ji].cost(li) - self.caps[ji].cost(s.load[ki]) + self.caps[ju].cost(lu) - self.caps[ju].cost(s.load[ku]);
                    if dc + dl < -eps {
                        s.a[i] = ku;
                        s.a[u] = ki;
                        s.load[ki] = li;
                        s.load[ku] = lu;
                        s.cost += dc + dl;
                        improved = true;
                    }
                }
            }
        }
        // Ejection chains of length 2: i moves into k1 and pushes some u of k1 on to k2; this
        // rebalances loads when capacities are tight and single shifts or swaps are blocked.
        if eject && self.eject(s) {
            s.cost = self.total(s);
            return self.improve(s, true);
        }
        // Recompute to avoid drift in the running total.
        s.cost = self.total(s);
    }
}
