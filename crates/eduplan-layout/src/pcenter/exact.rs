//! Exact test "is there a cover of all clients by at most k sites at radius r?" used to prove
//! p-center lower bounds: reductions (forced and dominated clients and sites, as in set-covering
//! preprocessing), a Lagrangian (LP) bound of the set-covering problem, then a depth-first
//! branch and bound over the coverers of the most constrained client with a disjoint-packing
//! bound, all on bitsets. A node budget keeps it bounded; running out means "unknown".

use std::time::Instant;

use super::cover_ls::Cover;
use crate::bits::Bits;

pub(crate) enum Verdict {
    /// A cover with at most k sites exists (these sites, fixed ones included).
    Feasible(Vec<usize>),
    /// Proven: no cover with at most k sites.
    Infeasible,
    /// Budget exhausted.
    Unknown,
}

struct Bb {
    /// Per client: coverers (site bitset).
    avail: Vec<Bits>,
    /// Per site: covered clients (client bitset).
    cov: Vec<Bits>,
    nodes: u64,
    node_limit: u64,
    deadline: Instant,
    chosen: Vec<usize>,
}

impl Bb {
    fn packing(&self, unc: &Bits, allowed: &Bits) -> (usize, Option<usize>) {
        let mut list: Vec<(usize, usize)> = unc.iter().map(|i| (self.avail[i].and_count(allowed), i)).collect();
        list.sort_unstable();
        let mut used = Bits::new(self.cov.len());
        let mut lb = 0;
        for &(_, i) in &list {
            let mut a = self.avail[i].clone();
            a.and_with(allowed);
            if !a.intersects(&used) {
                lb += 1;
                used.or_with(&a);
            }
        }
        (lb, list.first().map(|x| x.1))
    }

    /// Some(true) feasible, Some(false) infeasible, None budget out.
    fn dfs(&mut self, unc: &Bits, allowed: &Bits, k: usize) -> Option<bool> {
        if unc.is_empty() {
            return Some(true);
        }
        self.nodes += 1;
        if self.nodes > self.node_limit || (self.nodes % 256 == 0 && Instant::now() > self.deadline) {
            return None;
        }
        if k == 0 {
            return Some(false);
        }
        let (lb, e) = self.packing(unc, allowed);
        if lb > k {
            return Some(false);
        }
        let e = e.unwrap();
        let mut cands: Vec<(usize, usize)> = self.avail[e]
            .iter()
            .filter(|&j| allowed.get(j))
            .map(|j| (usize::MAX - self.cov[j].and_count(unc), j))
            .collect();
        cands.sort_unstable();
        let mut allowed2 = allowed.clone();
        for &(_, j) in &cands {
            allowed2.clear(j);
            let mut unc2 = unc.clone();
            unc2.and_not_with(&self.cov[j]);
            self.chosen.push(j);
            match self.dfs(&unc2, &allowed2, k - 1) {
                Some(true) => return Some(true),
                None => return None,
                Some(false) => {}
            }
            self.chosen.pop();
        }
        Some(false)
    }
}

/// Lagrangian bound of min Σ x_j s.t. every active client covered (multipliers on the covering
/// rows, subgradient with target k + 1). Returns the best bound.
fn lagrangian_cover_bound(active: &[usize], sites: &[usize], cov: &[Bits], avail: &[Bits], k: usize, deadline: Instant) -> f64 {
    let n = avail.len();
    let mut u = vec![0.0f64; n];
    for &i in active {
        u[i] = 1.0 / avail[i].count().max(1) as f64;
    }
    let site_lists: Vec<Vec<usize>> = sites.iter().map(|&j| cov[j].iter().filter(|i| active.binary_search(i).is_ok()).collect()).collect();
    let mut best = f64::NEG_INFINITY;
    let mut theta = 2.0;
    let mut stall = 0;
    let mut hits = vec![0u32; n];
    for it in 0..3000 {
        let mut l: f64 = active.iter().map(|&i| u[i]).sum();
        for h in hits.iter_mut() {
            *h = 0;
        }
        for list in &site_lists {
            let r = 1.0 - list.iter().map(|&i| u[i]).sum::<f64>();
            if r < 0.0 {
                l += r;
                for &i in list {
                    hits[i] += 1;
                }
            }
        }
        if l > best + 1e-9 {
            best = l;
            stall = 0;
        } else {
            stall += 1;
            if stall >= 30 {
                theta *= 0.5;
                stall = 0;
            }
        }
        if best > k as f64 + 1e-6 || theta < 1e-4 || (it % 32 == 0 && Instant::now() > deadline) {
            break;
        }
        let mut norm = 0.0;
        for &i in active {
            let g = 1.0 - hits[i] as f64;
            // Projected subgradient: components that would push u below 0 do not count.
            if !(u[i] <= 0.0 && g < 0.0) {
                norm += g * g;
            }
        }
        if norm == 0.0 {
            break;
        }
        let step = theta * ((k + 1) as f64 - l).max(0.05) / norm;
        for &i in active {
            u[i] = (u[i] + step * (1.0 - hits[i] as f64)).max(0.0);
        }
    }
    best
}

/// Decides whether `p` sites (fixed ones included) can cover every client at this radius.
pub(crate) fn decide(cov: &Cover, fixed: &[bool], p: usize, node_limit: u64, deadline: Instant) -> Verdict {
    let (n, m) = (cov.cli_cov.len(), cov.site_cov.len());
    let mut avail: Vec<Bits> = vec![Bits::new(m); n];
    let mut scov: Vec<Bits> = vec![Bits::new(n); m];
    for i in 0..n {
        for &j in &cov.cli_cov[i] {
            avail[i].set(j as usize);
            scov[j as usize].set(i);
        }
    }
    let mut chosen: Vec<usize> = (0..m).filter(|&j| fixed[j]).collect();
    if chosen.len() > p {
        return Verdict::Infeasible;
    }
    let mut k = p - chosen.len();
    let mut unc = Bits::new(n);
    for i in 0..n {
        unc.set(i);
    }
    let mut allowed = Bits::new(m);
    for j in 0..m {
        if !fixed[j] {
            allowed.set(j);
        }
    }
    for &j in &chosen {
        unc.and_not_with(&scov[j]);
    }
    // Reductions until nothing changes.
    loop {
        let mut changed = false;
        // Forced sites.
        let clients: Vec<usize> = unc.iter().collect();
        for &i in &clients {
            if !unc.get(i) {
                continue;
            }
            let mut a = avail[i].clone();
            a.and_with(&allowed);
            match a.count() {
                0 => return Verdict::Infeasible,
                1 => {
                    let j = a.iter().next().unwrap();
                    if k == 0 {
                        return Verdict::Infeasible;
                    }
                    k -= 1;
                    chosen.push(j);
                    allowed.clear(j);
                    unc.and_not_with(&scov[j]);
                    changed = true;
                }
                _ => {}
            }
        }
        if Instant::now() > deadline {
            break;
        }
        // Dominated clients: if avail(a) ⊆ avail(b), covering a covers b.
        let clients: Vec<usize> = unc.iter().collect();
        let mut sizes: Vec<(usize, usize)> = clients.iter().map(|&i| (avail[i].and_count(&allowed), i)).collect();
        sizes.sort_unstable();
        let mut keep: Vec<usize> = Vec::new();
        for &(_, b) in &sizes {
            if keep.iter().any(|&a| avail[a].subset_of_within(&avail[b], &allowed)) {
                unc.clear(b);
                changed = true;
            } else {
                keep.push(b);
            }
        }
        // Dominated sites: if cov(j1) ⊆ cov(j2) on the remaining clients, drop j1.
        let sites: Vec<usize> = allowed.iter().collect();
        let mut ssz: Vec<(usize, usize)> = sites.iter().map(|&j| (usize::MAX - scov[j].and_count(&unc), j)).collect();
        ssz.sort_unstable();
        let mut skeep: Vec<usize> = Vec::new();
        for &(_, j) in &ssz {
            if skeep.iter().any(|&a| scov[j].subset_of_within(&scov[a], &unc)) {
                allowed.clear(j);
                changed = true;
            } else {
                skeep.push(j);
            }
        }
        if !changed {
            break;
        }
    }
    if unc.is_empty() {
        return Verdict::Feasible(chosen);
    }
    let active: Vec<usize> = unc.iter().collect();
    let sites: Vec<usize> = allowed.iter().collect();
    if lagrangian_cover_bound(&active, &sites, &scov, &avail, k, deadline) > k as f64 + 1e-6 {
        return Verdict::Infeasible;
    }
    let mut bb = Bb { avail, cov: scov, nodes: 0, node_limit, deadline, chosen: chosen.clone() };
    match bb.dfs(&unc, &allowed, k) {
        Some(true) => Verdict::Feasible(bb.chosen),
        Some(false) => Verdict::Infeasible,
        None => Verdict::Unknown,
    }
}
