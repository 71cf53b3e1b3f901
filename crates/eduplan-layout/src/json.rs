//! One OR-Library instance solved and summarised as JSON, for `eduplan layout orlib`.

use std::path::Path;
use std::time::Instant;

use serde_json::json;

use crate::error::Error;
use crate::mip::Model;
use crate::model::Problem;
use crate::orlib;
use crate::solution::{Options, Solution};

/// Which problem to solve on an instance file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// pmedcap if the file looks like pmedcap format, else pmedian.
    #[default]
    Auto,
    /// Uncapacitated p-median (总距离最小).
    Pmedian,
    /// p-center (最远距离最小).
    Pcenter,
    /// Capacitated p-median with single sourcing.
    Pmedcap,
}

impl Kind {
    /// The lowercase name used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Auto => "auto",
            Kind::Pmedian => "pmedian",
            Kind::Pcenter => "pcenter",
            Kind::Pmedcap => "pmedcap",
        }
    }
}

impl std::str::FromStr for Kind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.to_ascii_lowercase().as_str() {
            "auto" => Ok(Kind::Auto),
            "pmedian" | "p-median" => Ok(Kind::Pmedian),
            "pcenter" | "p-center" => Ok(Kind::Pcenter),
            "pmedcap" | "cpmp" => Ok(Kind::Pmedcap),
            other => Err(Error::Invalid(format!("unknown kind `{other}`: use pmedian, pcenter or pmedcap (未知问题类型)"))),
        }
    }
}

/// Solves one OR-Library file and returns
/// `{instance, kind, n, p, objective, lower_bound, gap, open_sites, seconds}` (plus
/// `best_known` for pmedcap files, from their line 1).
///
/// `open_sites` are printed **1-based**, as the files number their vertices; `seconds` is the
/// wall-clock time including reading the file (and Floyd–Warshall for pmed files). `p`
/// overrides the file's p. Default solver options (seed 1, 2 s cap).
///
/// `exact`: after the heuristic, the MIP (HiGHS, [`crate::mip`]) warm-started from its plan for
/// at most this many seconds; the JSON then has `heuristic` (its objective, bound, seconds) and
/// `mip` (status, seconds, size). Without the `highs` feature this is an error.
pub fn orlib_json(path: &Path, kind: Kind, p: Option<usize>, exact: Option<f64>) -> Result<serde_json::Value, Error> {
    let start = Instant::now();
    let is_cap = orlib::looks_like_pmedcap(path)?;
    let kind = match kind {
        Kind::Auto if is_cap => Kind::Pmedcap,
        Kind::Auto => Kind::Pmedian,
        k => k,
    };
    let (name, problem, file_p, best_known) = if is_cap {
        let inst = orlib::read_pmedcap(path)?;
        let mut problem = Problem::unweighted(inst.dist.clone());
        if kind == Kind::Pmedcap {
            problem.demand = Some(inst.demand.clone());
            for s in problem.sites.iter_mut() {
                s.capacity = Some(inst.capacity);
            }
        }
        (inst.name, problem, inst.p, Some(inst.best_known))
    } else {
        if kind == Kind::Pmedcap {
            return Err(Error::Invalid(format!(
                "{} is a pmed file without demands or capacities; use --kind pmedian or pcenter",
                path.display()
            )));
        }
        let inst = orlib::read_pmed(path)?;
        (inst.name, Problem::unweighted(inst.dist), inst.p, None)
    };
    let p = p.unwrap_or(file_p);
    let opts = Options::default();
    let sol: Solution = match kind {
        Kind::Pmedian => crate::pmedian::solve(&problem, p, &opts)?,
        Kind::Pcenter => crate::pcenter::solve(&problem, p, &opts)?,
        _ => crate::capacitated::solve(&problem, p, &opts)?,
    };
    let (sol, mip) = match exact {
        None => (sol, None),
        Some(limit) => {
            let model = match kind {
                Kind::Pmedian => Model::Pmedian { p },
                Kind::Pcenter => Model::Pcenter { p },
                _ => Model::Capacitated { p },
            };
            let (s, r) = crate::mip::refine(&problem, model, sol, limit, start)?;
            (s, Some(r))
        }
    };
    let mut v = json!({
        "instance": name,
        "kind": kind.as_str(),
        "n": problem.n(),
        "p": p,
        "objective": sol.objective,
        "lower_bound": sol.lower_bound,
        "gap": sol.gap,
        "open_sites": sol.open_sites.iter().map(|j| j + 1).collect::<Vec<_>>(),
        "seconds": start.elapsed().as_secs_f64(),
    });
    if let (Some(r), Some(obj)) = (mip, v.as_object_mut()) {
        let h = &r.heuristic;
        obj.insert("heuristic".into(), json!({"objective": h.objective, "lower_bound": h.lower_bound, "seconds": h.seconds}));
        obj.insert("mip".into(), json!({"status": r.status, "seconds": r.mip_seconds, "columns": r.columns, "rows": r.rows, "improved": r.improved}));
    }
    if let (Some(b), Some(obj)) = (best_known, v.as_object_mut()) {
        if kind == Kind::Pmedcap && p == file_p {
            obj.insert("best_known".into(), json!(b));
        }
    }
    Ok(v)
}

