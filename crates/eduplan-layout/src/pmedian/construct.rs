//! Starting solutions: greedy (add the site with the largest saving, Kuehn & Hamburger) and the
//! randomised "sample" greedy of Resende & Werneck (each step looks at a few random sites only),
//! which gives diverse yet reasonable starts for multistart.

use rand::Rng;

use crate::model::Core;

/// Greedy with `sample` random candidates per step (`None` = all sites, the plain greedy).
pub(crate) fn greedy<R: Rng>(core: &Core, p: usize, sample: Option<usize>, rng: &mut R) -> Vec<usize> {
    let (n, m) = (core.n, core.m);
    let mut d1 = vec![core.big; n];
    let mut open = vec![false; m];
    let mut sol: Vec<usize> = Vec::with_capacity(p);
    let add = |j: usize, d1: &mut [f64], open: &mut [bool], sol: &mut Vec<usize>| {
        open[j] = true;
        sol.push(j);
        for (i, d) in d1.iter_mut().enumerate() {
            *d = d.min(core.cost(i, j));
        }
    };
    for j in 0..m {
        if core.fixed[j] {
            add(j, &mut d1, &mut open, &mut sol);
        }
    }
    let mut pool: Vec<usize> = Vec::with_capacity(m);
    while sol.len() < p {
        pool.clear();
        pool.extend((0..m).filter(|&j| !open[j]));
        if let Some(k) = sample {
            // Partial Fisher–Yates: the first k entries become a uniform random sample.
            let k = k.min(pool.len());
            for a in 0..k {
                let b = rng.random_range(a..pool.len());
                pool.swap(a, b);
            }
            pool.truncate(k);
        }
        let mut best = (f64::NEG_INFINITY, usize::MAX);
        for &j in &pool {
            let mut save = -core.open_cost[j];
            for (i, &d) in d1.iter().enumerate() {
                let c = core.cost(i, j);
                if c < d {
                    save += d - c;
                }
            }
            if save > best.0 {
                best = (save, j);
            }
        }
        add(best.1, &mut d1, &mut open, &mut sol);
    }
    sol
}
