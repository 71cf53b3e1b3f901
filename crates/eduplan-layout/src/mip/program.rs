//! The MIP models built for HiGHS and solved from the heuristic's plan (see the parent module).

use std::time::Instant;

use highs::{Col, HighsModelStatus, RowProblem, Sense};

use super::{MipReport, Model};
use crate::capacitated::capfn::CapFn;
use crate::error::Error;
use crate::model::{Core, Problem, SiteKind};
use crate::solution::Solution;

/// [`super::refine`] with HiGHS; `time_limit` is checked there.
pub(super) fn refine(problem: &Problem, model: Model, heur: Solution, time_limit: f64, start: Instant) -> Result<(Solution, MipReport), Error> {
    let mip_start = Instant::now();
    let built = match model {
        Model::Pmedian { p } => medians(problem, Some(p), false, &heur),
        Model::Capacitated { p } => medians(problem, Some(p), true, &heur),
        Model::FacilityLocation => medians(problem, None, true, &heur),
        Model::Pcenter { p } => pcenter(problem, p, &heur),
        Model::Mclp { p, radius } => covering(problem, Some(p), radius, &heur),
        Model::Lscp { radius } => covering(problem, None, radius, &heur),
    };
    let Some(built) = built else {
        // nothing left to decide (the heuristic's bound already equals its plan)
        return Ok((heur.clone(), report(heur, "Optimal", mip_start, 0, 0, false)));
    };
    let (columns, rows) = (built.pb.num_cols(), built.pb.num_rows());
    let mut mip = built.pb.optimise(Sense::Minimise);
    mip.make_quiet();
    mip.set_option("time_limit", time_limit);
    mip.set_option("mip_rel_gap", 0.0);
    if built.integral {
        // an integer objective is proven once the bound is within one unit
        mip.set_option("mip_abs_gap", 1.0 - 1e-6);
    }
    // one thread: the product serves other requests, and HiGHS's MIP search is serial anyway
    let _ = mip.try_set_option("threads", 1);
    // HiGHS checks the start and ignores it if it is infeasible; the heuristic's plan always is.
    let _ = mip.try_set_solution(Some(&built.start), None, None, None);
    let solved = mip.try_solve().map_err(|e| Error::Invalid(format!("HiGHS failed: {e:?} (精确求解器出错)")))?;
    let status = solved.status();
    let cols = solved.get_solution().columns().to_vec();
    let feasible = matches!(solved.primal_solution_status(), highs::HighsSolutionStatus::Feasible);
    let mut bound = solved.double_info_value(c"mip_dual_bound").unwrap_or(f64::NEG_INFINITY);
    if !bound.is_finite() {
        bound = f64::NEG_INFINITY;
    }
    if status == HighsModelStatus::Infeasible {
        return Err(Error::Invalid("the MIP is infeasible, though the heuristic found a plan: the model and the heuristic disagree".into()));
    }
    bound += built.offset;
    let status_name = format!("{status:?}");
    // The MIP's plan, evaluated by the crate's own objective (not HiGHS's floating sum).
    let mut best = heur.clone();
    let mut improved = false;
    if feasible && cols.len() == columns {
        let open: Vec<usize> = built.y.iter().enumerate().filter(|(_, c)| cols[c.index()] > 0.5).map(|(j, _)| j).collect();
        let assignment = match &built.x {
            Some(x) => x.iter().map(|row| row.iter().max_by(|a, b| cols[a.1.index()].total_cmp(&cols[b.1.index()])).map_or(0, |&(j, _)| j)).collect(),
            None => nearest_all(problem, &open),
        };
        if let Some(obj) = evaluate(problem, model, &open, &assignment) {
            if obj < best.objective - 1e-9 * best.objective.abs().max(1.0) {
                best = Solution { objective: obj, open_sites: open, assignment, ..best };
                improved = true;
            }
        }
    }
    // an integer objective at least `bound` is at least its ceiling
    let lb = if built.integral && bound.is_finite() { (bound - 1e-6 * bound.abs().max(1.0)).ceil() } else { bound };
    let lb = lb.max(heur.lower_bound).min(best.objective);
    let solution = Solution::new(best.objective, lb, best.open_sites, best.assignment, start);
    Ok((solution, report(heur, &status_name, mip_start, columns, rows, improved)))
}

fn report(heuristic: Solution, status: &str, t: Instant, columns: usize, rows: usize, improved: bool) -> MipReport {
    MipReport { heuristic, status: status.to_string(), mip_seconds: t.elapsed().as_secs_f64(), columns, rows, improved }
}

/// A MIP ready to solve: the problem, the warm start, where the decisions are.
struct Built {
    pb: RowProblem,
    /// Column values of the heuristic's plan.
    start: Vec<f64>,
    /// y_j, one per site.
    y: Vec<Col>,
    /// Per demand point its (site, x_ij) columns (median models).
    x: Option<Vec<Vec<(usize, Col)>>>,
    /// Constant added to HiGHS's objective to give the crate's.
    offset: f64,
    /// Whole-number objective coefficients: bounds round up.
    integral: bool,
}

impl Built {
    fn new() -> Self {
        Built { pb: RowProblem::default(), start: Vec::new(), y: Vec::new(), x: None, offset: 0.0, integral: true }
    }

    fn col(&mut self, cost: f64, lo: f64, hi: f64, integer: bool, start: f64) -> Col {
        self.integral &= cost.fract() == 0.0;
        self.start.push(start);
        if integer {
            self.pb.add_integer_column(cost, lo..=hi)
        } else {
            self.pb.add_column(cost, lo..=hi)
        }
    }

    /// y_j for every site: fixed sites are forced open.
    fn sites(&mut self, problem: &Problem, cost: impl Fn(usize) -> f64, open: &[usize]) {
        let mut is_open = vec![false; problem.m()];
        for &j in open {
            is_open[j] = true;
        }
        self.y = (0..problem.m())
            .map(|j| {
                let lo = if problem.sites[j].kind == SiteKind::Fixed { 1.0 } else { 0.0 };
                self.col(cost(j), lo, 1.0, true, if is_open[j] { 1.0 } else { 0.0 })
            })
            .collect();
    }

    fn count(&mut self, p: usize) {
        let row: Vec<(Col, f64)> = self.y.iter().map(|&c| (c, 1.0)).collect();
        self.pb.add_row(p as f64..=p as f64, row);
    }
}

/// p-median (`capacitated` false), capacitated p-median (`p` given) or facility location.
fn medians(problem: &Problem, p: Option<usize>, capacitated: bool, heur: &Solution) -> Option<Built> {
    let (n, m) = (problem.n(), problem.m());
    let core = Core::new(problem);
    let mut b = Built::new();
    b.sites(problem, |j| problem.sites[j].cost, &heur.open_sites);
    let q = problem.demand();
    // x_ij: binary when capacities bind (single sourcing); with free capacities the nearest open
    // site is optimal, so continuous x suffices.
    let binary = capacitated && problem.sites.iter().any(|s| s.capacity.is_some());
    let mut x = Vec::with_capacity(n);
    let mut at_site: Vec<Vec<(Col, f64)>> = vec![Vec::new(); m];
    for i in 0..n {
        let mut row = Vec::new();
        for j in 0..m {
            if problem.forbidden_pair(i, j) || core.cost(i, j) >= core.big {
                continue;
            }
            let c = b.col(core.cost(i, j), 0.0, 1.0, binary, if heur.assignment[i] == j { 1.0 } else { 0.0 });
            row.push((j, c));
            at_site[j].push((c, q[i]));
        }
        let sum: Vec<(Col, f64)> = row.iter().map(|&(_, c)| (c, 1.0)).collect();
        b.pb.add_row(1.0..=1.0, sum);
        for &(j, c) in &row {
            b.pb.add_row(..=0.0, [(c, 1.0), (b.y[j], -1.0)]);
        }
        x.push(row);
    }
    if capacitated {
        let mut load = vec![0.0; m];
        for (i, &j) in heur.assignment.iter().enumerate() {
            load[j] += q[i];
        }
        for j in 0..m {
            let site = &problem.sites[j];
            let Some(cap) = site.capacity else { continue };
            let mut row = std::mem::take(&mut at_site[j]);
            row.push((b.y[j], -cap));
            // steps bought in order, only as far as the heuristic's load needs
            let mut prev = b.y[j];
            let mut have = cap;
            for e in &site.expansions {
                let buy = load[j] > have + 1e-9;
                if buy {
                    have += e.capacity;
                }
                let z = b.col(e.cost, 0.0, 1.0, true, if buy { 1.0 } else { 0.0 });
                b.pb.add_row(..=0.0, [(z, 1.0), (prev, -1.0)]);
                row.push((z, -e.capacity));
                prev = z;
            }
            b.pb.add_row(..=0.0, row);
        }
    }
    if let Some(p) = p {
        b.count(p);
    }
    b.x = Some(x);
    Some(b)
}

/// p-center on the radii between the heuristic's bound and its plan (Elloumi et al. 2004).
fn pcenter(problem: &Problem, p: usize, heur: &Solution) -> Option<Built> {
    let core = Core::new(problem);
    let clients: Vec<usize> = (0..problem.n()).filter(|&i| problem.weights[i] > 0.0).collect();
    let d = |i: usize, j: usize| problem.effective_distance(i, j, core.big);
    let mut radii: Vec<f64> = clients.iter().flat_map(|&i| (0..problem.m()).map(move |j| (i, j))).map(|(i, j)| d(i, j)).filter(|&r| r < core.big && r <= heur.objective && r >= heur.lower_bound).collect();
    radii.sort_unstable_by(f64::total_cmp);
    radii.dedup();
    // radii[0] is the least radius not yet excluded; the plan's radius is the last
    if radii.len() < 2 {
        return None;
    }
    let mut b = Built::new();
    b.sites(problem, |_| 0.0, &heur.open_sites);
    b.offset = radii[0];
    // z_k = 1: the radius is at least radii[k] (k ≥ 1); the plan has them all
    let z: Vec<Col> = (1..radii.len()).map(|k| b.col(radii[k] - radii[k - 1], 0.0, 1.0, true, 1.0)).collect();
    for k in 1..z.len() {
        b.pb.add_row(..=0.0, [(z[k], 1.0), (z[k - 1], -1.0)]);
    }
    let top = *radii.last().unwrap();
    for &i in &clients {
        let within = |r: f64| -> Vec<(Col, f64)> { (0..problem.m()).filter(|&j| d(i, j) <= r).map(|j| (b.y[j], 1.0)).collect() };
        let all = within(top);
        for k in 1..radii.len() {
            let mut row = within(radii[k - 1]);
            if row.len() == all.len() {
                break; // covered at this radius by every site that covers it at all
            }
            row.push((z[k - 1], 1.0));
            b.pb.add_row(1.0.., row);
        }
        b.pb.add_row(1.0.., all);
    }
    b.count(p);
    b.integral = radii.iter().all(|r| r.fract() == 0.0);
    Some(b)
}

/// MCLP (`p` given: minimise the uncovered weight) or LSCP (`p` none: minimise the sites).
fn covering(problem: &Problem, p: Option<usize>, radius: f64, heur: &Solution) -> Option<Built> {
    let core = Core::new(problem);
    let mut b = Built::new();
    let mclp = p.is_some();
    b.sites(problem, |_| if mclp { 0.0 } else { 1.0 }, &heur.open_sites);
    let covers = |i: usize, j: usize| problem.effective_distance(i, j, core.big) <= radius;
    for i in (0..problem.n()).filter(|&i| problem.weights[i] > 0.0) {
        let mut row: Vec<(Col, f64)> = (0..problem.m()).filter(|&j| covers(i, j)).map(|j| (b.y[j], 1.0)).collect();
        if mclp {
            let covered = heur.open_sites.iter().any(|&j| covers(i, j));
            let u = b.col(problem.weights[i], 0.0, 1.0, false, if covered { 0.0 } else { 1.0 });
            row.push((u, 1.0));
        }
        b.pb.add_row(1.0.., row);
    }
    if let Some(p) = p {
        b.count(p);
    }
    Some(b)
}

fn nearest_all(problem: &Problem, open: &[usize]) -> Vec<usize> {
    let big = problem.big_m();
    (0..problem.n())
        .map(|i| *open.iter().min_by(|&&a, &&b| problem.effective_distance(i, a, big).total_cmp(&problem.effective_distance(i, b, big)).then(a.cmp(&b))).unwrap_or(&0))
        .collect()
}

/// The crate's objective of a plan for `model`; `None` when the plan breaks a constraint.
fn evaluate(problem: &Problem, model: Model, open: &[usize], assignment: &[usize]) -> Option<f64> {
    let big = problem.big_m();
    let fixed_ok = problem.fixed_sites().iter().all(|j| open.contains(j));
    let count_ok = |p: usize| open.len() == p;
    if open.is_empty() || !fixed_ok || assignment.len() != problem.n() || assignment.iter().any(|j| !open.contains(j)) {
        return None;
    }
    match model {
        Model::Pmedian { p } | Model::Capacitated { p } if !count_ok(p) => None,
        Model::Pcenter { p } | Model::Mclp { p, .. } if !count_ok(p) => None,
        Model::Pmedian { .. } | Model::Capacitated { .. } | Model::FacilityLocation => {
            let capacitated = !matches!(model, Model::Pmedian { .. });
            if (0..problem.n()).any(|i| problem.forbidden_pair(i, assignment[i])) {
                return None;
            }
            let mut total: f64 = (0..problem.n()).map(|i| problem.weights[i] * problem.effective_distance(i, assignment[i], big)).sum();
            total += open.iter().map(|&j| problem.sites[j].cost).sum::<f64>();
            if capacitated {
                let q = problem.demand();
                let mut load = vec![0.0; problem.m()];
                for (i, &j) in assignment.iter().enumerate() {
                    load[j] += q[i];
                }
                for &j in open {
                    let f = CapFn::new(&problem.sites[j], f64::INFINITY);
                    if load[j] > f.max_capacity() + 1e-9 {
                        return None;
                    }
                    total += f.cost(load[j]);
                }
            }
            Some(total)
        }
        Model::Pcenter { .. } => Some(
            (0..problem.n())
                .filter(|&i| problem.weights[i] > 0.0)
                .map(|i| problem.effective_distance(i, assignment[i], big))
                .fold(0.0, f64::max),
        )
        .filter(|&r| r < big),
        Model::Mclp { radius, .. } => Some(
            (0..problem.n())
                .filter(|&i| !open.iter().any(|&j| problem.effective_distance(i, j, big) <= radius))
                .map(|i| problem.weights[i])
                .sum(),
        ),
        Model::Lscp { radius } => {
            let all = (0..problem.n()).filter(|&i| problem.weights[i] > 0.0).all(|i| open.iter().any(|&j| problem.effective_distance(i, j, big) <= radius));
            all.then_some(open.len() as f64)
        }
    }
}
