//! Splittable assignment to fixed medians — a transportation problem solved exactly by
//! successive shortest paths, one client at a time (each new client's demand is routed along
//! a cheapest path: to a median with room directly, or into a full median that passes other
//! clients' flow on to medians with room). The residual graph only has the p medians as
//! nodes, so one path costs O(n·p + p³).
//!
//! Its value is a lower bound for single sourcing with these medians, and with small demands
//! relative to capacity at most p − 1 clients are split, so rounding them and repairing the
//! overflow gives a near-optimal single-source assignment even when capacity is tight.

use super::assign::{Assigner, Assignment};

const NONE: usize = usize::MAX;

impl Assigner<'_> {
    /// (LP value, flows per client as (median position, amount)).
    pub fn transport(&self, medians: &[usize]) -> (f64, Vec<Vec<(usize, f64)>>) {
        let core = self.core;
        let (n, p) = (core.n, medians.len());
        let cap: Vec<f64> = medians.iter().map(|&j| self.caps[j].max_capacity()).collect();
        let mut load = vec![0.0; p];
        let mut flow: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
        // Clients on each median, to build residual edges.
        let mut on: Vec<Vec<usize>> = vec![Vec::new(); p];
        let mut e = vec![0.0; p * p];
        let mut eu = vec![NONE; p * p];
        let mut dist = vec![0.0; p];
        let mut pred = vec![NONE; p];
        let c = |i: usize, k: usize| core.cost(i, medians[k]);
        // Flow is in demand units, so arcs cost per unit of the client's demand.
        let uc = |i: usize, k: usize| core.cost(i, medians[k]) / self.q[i];
        let amount = |flow: &Vec<Vec<(usize, f64)>>, u: usize, k: usize| flow[u].iter().find(|x| x.0 == k).map_or(0.0, |x| x.1);
        let add = |flow: &mut Vec<Vec<(usize, f64)>>, on: &mut Vec<Vec<usize>>, u: usize, k: usize, d: f64| {
            if let Some(x) = flow[u].iter_mut().find(|x| x.0 == k) {
                x.1 += d;
                if x.1 <= 1e-9 {
                    flow[u].retain(|x| x.0 != k);
                    on[k].retain(|&v| v != u);
                }
            } else if d > 1e-9 {
                flow[u].push((k, d));
                on[k].push(u);
            }
        };
        for i in 0..n {
            if self.q[i] <= 0.0 {
                // No demand: it takes no capacity; it will simply go to its nearest median.
                continue;
            }
            let mut rest = self.q[i];
            let mut guard = 0;
            while rest > 1e-9 && guard < 4 * (n + p) {
                guard += 1;
                // Shortcut: if the client's cheapest median has room, going there directly is
                // a shortest path (any detour leaves a loaded median, and optimality makes
                // such detours cost ≥ 0), so no residual graph is needed.
                let kbest = (0..p).min_by(|&a, &b| uc(i, a).total_cmp(&uc(i, b))).unwrap();
                if load[kbest] < cap[kbest] - 1e-9 {
                    let delta = rest.min(cap[kbest] - load[kbest]);
                    add(&mut flow, &mut on, i, kbest, delta);
                    load[kbest] += delta;
                    rest -= delta;
                    continue;
                }
                // Residual edges k → l: move some client's flow from k to l.
                for k in 0..p {
                    for l in 0..p {
                        e[k * p + l] = f64::INFINITY;
                        eu[k * p + l] = NONE;
                    }
                    for &u in &on[k] {
                        let cuk = uc(u, k);
                        for l in 0..p {
                            if l != k {
                                let v = uc(u, l) - cuk;
                                if v < e[k * p + l] {
                                    e[k * p + l] = v;
                                    eu[k * p + l] = u;
                                }
                            }
                        }
                    }
                }
                for k in 0..p {
                    dist[k] = uc(i, k);
                    pred[k] = NONE;
                }
                // Bellman–Ford on p nodes (no negative cycles in a min-cost residual graph).
                for _ in 0..p {
                    let mut changed = false;
                    for k in 0..p {
                        for l in 0..p {
                            let v = dist[k] + e[k * p + l];
                            if v < dist[l] - 1e-12 {
                                dist[l] = v;
                                pred[l] = k;
                                changed = true;
                            }
                        }
                    }
                    if !changed {
                        break;
                    }
                }
                let Some(t) = (0..p).filter(|&k| load[k] < cap[k] - 1e-9).min_by(|&a, &b| dist[a].total_cmp(&dist[b])) else {
                    break;
                };
                // The path t ← … ← first as (from, to, client) edges.
                let mut path: Vec<(usize, usize, usize)> = Vec::new();
                let mut l = t;
                let mut seen = 0u128;
                while pred[l] != NONE {
                    if path.len() > p || (l < 128 && seen >> l & 1 == 1) {
                        debug_assert!(false, "cycle in shortest-path tree");
                        break;
                    }
                    if l < 128 {
                        seen |= 1 << l;
                    }
                    let k = pred[l];
                    path.push((k, l, eu[k * p + l]));
                    l = k;
                }
                let first = l;
                let mut delta = rest.min(cap[t] - load[t]);
                for &(k, _, u) in &path {
                    delta = delta.min(amount(&flow, u, k));
                }
                for &(k, l, u) in &path {
                    add(&mut flow, &mut on, u, k, -delta);
                    add(&mut flow, &mut on, u, l, delta);
                }
                add(&mut flow, &mut on, i, first, delta);
                load[t] += delta;
                rest -= delta;
            }
        }
        let value: f64 = (0..n)
            .map(|i| {
                if self.q[i] <= 0.0 {
                    (0..p).map(|k| c(i, k)).fold(f64::INFINITY, f64::min)
                } else {
                    flow[i].iter().map(|&(k, f)| f / self.q[i] * c(i, k)).sum::<f64>()
                }
            })
            .sum();
        (value, flow)
    }

    /// Single-source assignment from the transportation solution: a split client goes where
    /// most of it went, overflow is repaired by the cheapest feasible shifts, then descent.
    pub fn assign_transport(&self, medians: &[usize]) -> (Assignment, f64) {
        let core = self.core;
        let (n, p) = (core.n, medians.len());
        let (lp, flow) = self.transport(medians);
        let lp = lp + medians.iter().map(|&j| core.open_cost[j]).sum::<f64>();
        let mut a = vec![0usize; n];
        let mut load = vec![0.0; p];
        for i in 0..n {
            let k = flow[i]
                .iter()
                .max_by(|x, y| x.1.total_cmp(&y.1).then(core.cost(i, medians[y.0]).total_cmp(&core.cost(i, medians[x.0]))))
                .map_or_else(|| (0..p).min_by(|&x, &y| core.cost(i, medians[x]).total_cmp(&core.cost(i, medians[y]))).unwrap(), |x| x.0);
            a[i] = k;
            load[k] += self.q[i];
        }
        let cap: Vec<f64> = medians.iter().map(|&j| self.caps[j].max_capacity()).collect();
        for _ in 0..n {
            let Some(k) = (0..p).find(|&k| load[k] > cap[k] + 1e-9) else { break };
            let mut best: Option<(f64, usize, usize)> = None;
            for u in 0..n {
                if a[u] != k {
                    continue;
                }
                for l in 0..p {
                    if l != k && load[l] + self.q[u] <= cap[l] + 1e-9 {
                        let d = core.cost(u, medians[l]) - core.cost(u, medians[k]);
                        if best.is_none_or(|b| d < b.0) {
                            best = Some((d, u, l));
                        }
                    }
                }
            }
            let Some((_, u, l)) = best else { break };
            a[u] = l;
            load[k] -= self.q[u];
            load[l] += self.q[u];
        }
        let mut s = Assignment { medians: medians.to_vec(), a, load, cost: 0.0 };
        s.cost = self.total(&s);
        self.improve(&mut s, false);
        (s, lp)
    }
}
