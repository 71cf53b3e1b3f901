//! Weighted swap local search for the decision version of the p-center problem: can `p` open
//! sites cover every client within radius r? Minimises the weight of uncovered clients with
//! swaps that open a site covering a random uncovered client; client weights grow while the
//! search is stuck (the "weighting" scheme of recent p-center heuristics, e.g. Zhang, Lü et al.
//! 2020), with a short tabu tenure on swapped sites.

use std::time::Instant;

use rand::Rng;

/// Entering sites examined per iteration at most.
const SAMPLE: usize = 12;

/// Coverage relation at one radius.
pub(crate) struct Cover {
    /// Clients within r of site j.
    pub site_cov: Vec<Vec<u32>>,
    /// Sites within r of client i.
    pub cli_cov: Vec<Vec<u32>>,
}

pub(crate) struct CoverSearch<'a> {
    cov: &'a Cover,
    fixed: &'a [bool],
    open: Vec<bool>,
    sol: Vec<usize>,
    cnt: Vec<u32>,
    /// XOR of the open sites covering i: the sole coverer when cnt[i] = 1.
    xr: Vec<usize>,
    w: Vec<u64>,
    gain: Vec<u64>,
    loss: Vec<u64>,
    uncovered: Vec<usize>,
    upos: Vec<usize>,
    tabu: Vec<u64>,
}

const NONE: usize = usize::MAX;

impl<'a> CoverSearch<'a> {
    pub fn new(cov: &'a Cover, fixed: &'a [bool], start: &[usize]) -> Self {
        let (n, m) = (cov.cli_cov.len(), cov.site_cov.len());
        let mut s = CoverSearch {
            cov,
            fixed,
            open: vec![false; m],
            sol: Vec::new(),
            cnt: vec![0; n],
            xr: vec![0; n],
            w: vec![1; n],
            gain: vec![0; m],
            loss: vec![0; m],
            uncovered: (0..n).collect(),
            upos: (0..n).collect(),
            tabu: vec![0; m],
        };
        for i in 0..n {
            for &j in &cov.cli_cov[i] {
                s.gain[j as usize] += 1;
            }
        }
        for &j in start {
            s.open_site(j);
        }
        s
    }

    fn uncover(&mut self, i: usize) {
        self.upos[i] = self.uncovered.len();
        self.uncovered.push(i);
    }

    fn recover(&mut self, i: usize) {
        let k = self.upos[i];
        let last = *self.uncovered.last().unwrap();
        self.uncovered.swap_remove(k);
        if last != i {
            self.upos[last] = k;
        }
        self.upos[i] = NONE;
    }

    fn open_site(&mut self, j: usize) {
        self.open[j] = true;
        self.sol.push(j);
        for &i in &self.cov.site_cov[j] {
            let i = i as usize;
            self.cnt[i] += 1;
            self.xr[i] ^= j;
            let w = self.w[i];
            match self.cnt[i] {
                1 => {
                    for &q in &self.cov.cli_cov[i] {
                        self.gain[q as usize] -= w;
                    }
                    self.loss[j] += w;
                    self.recover(i);
                }
                2 => {
                    let other = self.xr[i] ^ j;
                    self.loss[other] -= w;
                }
                _ => {}
            }
        }
    }

    fn close_site(&mut self, j: usize) {
        self.open[j] = false;
        let k = self.sol.iter().position(|&x| x == j).unwrap();
        self.sol.swap_remove(k);
        for &i in &self.cov.site_cov[j] {
            let i = i as usize;
            self.cnt[i] -= 1;
            self.xr[i] ^= j;
            let w = self.w[i];
            match self.cnt[i] {
                0 => {
                    self.loss[j] -= w;
                    for &q in &self.cov.cli_cov[i] {
                        self.gain[q as usize] += w;
                    }
                    self.uncover(i);
                }
                1 => {
                    self.loss[self.xr[i]] += w;
                }
                _ => {}
            }
        }
    }

    /// Runs up to `max_iter` swaps; returns the open sites of a full cover if one is found.
    pub fn run<R: Rng>(&mut self, max_iter: u64, deadline: Instant, rng: &mut R) -> Option<Vec<usize>> {
        let m = self.open.len();
        let mut corr = vec![0u64; m];
        let mut touched: Vec<usize> = Vec::new();
        let mut cands: Vec<usize> = Vec::new();
        for it in 1..=max_iter {
            if self.uncovered.is_empty() {
                return Some(self.sol.clone());
            }
            if it % 256 == 0 && Instant::now() > deadline {
                return None;
            }
            let e = self.uncovered[rng.random_range(0..self.uncovered.len())];
            // Sites that could enter; at large radii only a random sample of them is examined
            // so that one iteration stays cheap.
            cands.clear();
            cands.extend(self.cov.cli_cov[e].iter().map(|&j| j as usize).filter(|&j| !self.open[j] && self.tabu[j] <= it));
            if cands.len() > SAMPLE {
                for a in 0..SAMPLE {
                    let b = rng.random_range(a..cands.len());
                    cands.swap(a, b);
                }
                cands.truncate(SAMPLE);
            }
            // Best (fi, fr) pair with fi covering e: Δ = gain(fi) − loss(fr) + corr(fi, fr).
            let mut best: Option<(i64, usize, usize)> = None;
            let mut ties = 0u32;
            for &fi in &cands {
                for &i in &self.cov.site_cov[fi] {
                    let i = i as usize;
                    if self.cnt[i] == 1 {
                        let s = self.xr[i];
                        if corr[s] == 0 {
                            touched.push(s);
                        }
                        corr[s] += self.w[i];
                    }
                }
                for &fr in &self.sol {
                    if self.fixed[fr] || self.tabu[fr] > it {
                        continue;
                    }
                    let d = self.gain[fi] as i64 - self.loss[fr] as i64 + corr[fr] as i64;
                    match best {
                        Some((bd, _, _)) if d < bd => {}
                        Some((bd, _, _)) if d == bd => {
                            ties += 1;
                            if rng.random_range(0..ties) == 0 {
                                best = Some((d, fi, fr));
                            }
                        }
                        _ => {
                            ties = 1;
                            best = Some((d, fi, fr));
                        }
                    }
                }
                for &s in &touched {
                    corr[s] = 0;
                }
                touched.clear();
            }
            let Some((delta, fi, fr)) = best else {
                // Everything tabu: let the tenure run out.
                continue;
            };
            self.close_site(fr);
            self.open_site(fi);
            self.tabu[fr] = it + 2;
            self.tabu[fi] = it + 1;
            if delta <= 0 {
                for k in 0..self.uncovered.len() {
                    let i = self.uncovered[k];
                    self.w[i] += 1;
                    for &q in &self.cov.cli_cov[i] {
                        self.gain[q as usize] += 1;
                    }
                }
            }
        }
        self.uncovered.is_empty().then(|| self.sol.clone())
    }
}
