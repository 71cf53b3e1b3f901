//! Exact finish by Lagrangian enumeration (枚举定界): at multipliers λ, a median set S costs at
//! least L(S) = Σ_i λ_i + Σ_{j∈S} ρ_j (the relaxation with the sites fixed to S), so only sets
//! with L(S) below the incumbent can be better. When those sets are few — small instances, and
//! [`super::regroup`]'s subproblems — every one is listed and checked: first by the
//! transportation bound of its medians, then by assignment. The optimum's set is among them,
//! so the search misses it only if the single-sourcing assignment heuristics do.

/// Median sets (sorted site indices, `fixed` included) of size `p` whose bound
/// `base + Σ rho` is below `limit`, cheapest first; `None` when there are more than `max`.
///
/// `rho` are the free sites' values; `base` is Σλ plus the fixed sites' values.
pub(crate) fn cheap_sets(rho: &[f64], fixed: &[bool], p: usize, base: f64, limit: f64, max: usize) -> Option<Vec<(f64, Vec<usize>)>> {
    let fixed_sites: Vec<usize> = (0..rho.len()).filter(|&j| fixed[j]).collect();
    if fixed_sites.len() > p {
        return Some(Vec::new());
    }
    let mut free: Vec<usize> = (0..rho.len()).filter(|&j| !fixed[j]).collect();
    free.sort_by(|&a, &b| rho[a].total_cmp(&rho[b]).then(a.cmp(&b)));
    let r: Vec<f64> = free.iter().map(|&j| rho[j]).collect();
    let need = p - fixed_sites.len();
    if need > r.len() {
        return Some(Vec::new());
    }
    let mut out: Vec<(f64, Vec<usize>)> = Vec::new();
    let mut pick: Vec<usize> = Vec::with_capacity(need);
    let mut left = max;
    if !walk(&r, 0, need, base, limit, &mut left, &mut pick, &mut |v, pick| {
        let mut set: Vec<usize> = fixed_sites.clone();
        set.extend(pick.iter().map(|&t| free[t]));
        set.sort_unstable();
        out.push((v, set));
    }) {
        return None;
    }
    out.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    Some(out)
}

/// Depth-first listing of `k` more values from `r[from..]` (sorted ascending) with total
/// below `limit`; false when more than `left` sets would be listed.
#[allow(clippy::too_many_arguments)]
fn walk(r: &[f64], from: usize, k: usize, sum: f64, limit: f64, left: &mut usize, pick: &mut Vec<usize>, emit: &mut dyn FnMut(f64, &[usize])) -> bool {
    if k == 0 {
        if *left == 0 {
            return false;
        }
        *left -= 1;
        emit(sum, pick);
        return true;
    }
    for t in from..=r.len() - k {
        // the cheapest completion from here takes the next k values
        let least: f64 = sum + r[t..t + k].iter().sum::<f64>();
        if least >= limit {
            break;
        }
        pick.push(t);
        let ok = walk(r, t + 1, k - 1, sum + r[t], limit, left, pick, emit);
        pick.pop();
        if !ok {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every subset of size `p` with bound below the limit, and no other, by brute force.
    #[test]
    fn lists_exactly_the_cheap_sets() {
        let rho = [3.0, -1.0, 0.5, 2.0, -2.0, 1.0];
        let fixed = [false, false, false, true, false, false];
        let (base, limit, p) = (10.0, 13.6, 3);
        let got = cheap_sets(&rho, &fixed, p, base, limit, 1000).unwrap();
        let mut want: Vec<(f64, Vec<usize>)> = Vec::new();
        for a in 0..6 {
            for b in a + 1..6 {
                for c in b + 1..6 {
                    let s = [a, b, c];
                    if !s.contains(&3) {
                        continue;
                    }
                    let v = base + s.iter().map(|&j| if j == 3 { 0.0 } else { rho[j] }).sum::<f64>();
                    if v < limit {
                        want.push((v, s.to_vec()));
                    }
                }
            }
        }
        want.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        assert_eq!(got, want);
        assert!(want.len() >= 2);
        // one set fewer than there are: refused, not truncated
        assert_eq!(cheap_sets(&rho, &fixed, p, base, limit, want.len() - 1), None);
    }
}
