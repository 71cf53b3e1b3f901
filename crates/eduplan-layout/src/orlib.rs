//! Readers for the OR-Library location instances (Beasley 1990):
//! `pmed1..40` (uncapacitated p-median graphs) and `pmedcap1..20` (Osman & Christofides 1994).

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::Error;
use crate::matrix::DistMatrix;

/// A p-median instance of OR-Library: a graph whose vertices are clients and candidate sites.
#[derive(Debug, Clone)]
pub struct PmedInstance {
    /// File stem, e.g. `pmed1`.
    pub name: String,
    /// Number of vertices.
    pub n: usize,
    /// Number of medians of the instance.
    pub p: usize,
    /// All-pairs shortest path lengths (n × n).
    pub dist: DistMatrix,
}

/// A capacitated p-median instance (pmedcap): points in the plane with demands.
#[derive(Debug, Clone)]
pub struct PmedcapInstance {
    /// File stem, e.g. `pmedcap01`.
    pub name: String,
    /// Number of points.
    pub n: usize,
    /// Number of medians.
    pub p: usize,
    /// Capacity of every median.
    pub capacity: f64,
    /// Best known (optimal) value from line 1 of the file.
    pub best_known: f64,
    /// Coordinates (x, y).
    pub coords: Vec<(f64, f64)>,
    /// Demand of every point.
    pub demand: Vec<f64>,
    /// Floor of the Euclidean distance (n × n), as in the published optima.
    pub dist: DistMatrix,
}

fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })
}

fn stem(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Non-empty lines with their 1-based line numbers, split into whitespace tokens.
fn token_lines(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines()
        .enumerate()
        .map(|(k, l)| (k + 1, l.split_whitespace().collect::<Vec<_>>()))
        .filter(|(_, t)| !t.is_empty())
}

fn parse_nums<T: std::str::FromStr>(
    path: &Path,
    line: usize,
    toks: &[&str],
    want: usize,
    what: &str,
) -> Result<Vec<T>, Error> {
    let err = |message: String| Error::Parse { path: path.to_path_buf(), line, message };
    if toks.len() < want {
        return Err(err(format!("expected {want} numbers ({what}), found {} (数字个数不足)", toks.len())));
    }
    toks[..want]
        .iter()
        .map(|t| t.parse::<T>().map_err(|_| err(format!("`{t}` is not a valid number in {what} (不是有效数字)"))))
        .collect()
}

/// True when the file looks like pmedcap format: a 2-number first line and a 3-number second
/// line (pmed files start with the 3 numbers `n edges p`).
pub fn looks_like_pmedcap(path: &Path) -> Result<bool, Error> {
    let text = read(path)?;
    let mut it = token_lines(&text);
    let a = it.next().map(|(_, t)| t.len());
    let b = it.next().map(|(_, t)| t.len());
    Ok(a == Some(2) && b == Some(3))
}

/// Reads a pmed file: `n edges p`, then `i j cost` per undirected edge (1-based vertices).
/// Distances are shortest paths (Floyd–Warshall). A repeated edge takes its LAST cost
/// (Beasley's rule; with it pmed1 has optimum 5819).
pub fn read_pmed(path: &Path) -> Result<PmedInstance, Error> {
    let text = read(path)?;
    let mut lines = token_lines(&text);
    let (l0, head) = lines
        .next()
        .ok_or_else(|| Error::Parse { path: path.to_path_buf(), line: 1, message: "empty file (空文件)".into() })?;
    let h: Vec<usize> = parse_nums(path, l0, &head, 3, "header `n edges p`")?;
    let (n, edges, p) = (h[0], h[1], h[2]);
    if n == 0 || p == 0 || p > n {
        return Err(Error::Parse { path: path.to_path_buf(), line: l0, message: format!("bad header n={n} p={p}") });
    }
    const INF: u32 = u32::MAX / 4;
    // Direct edge costs first (last occurrence wins), then shortest paths.
    let mut d = vec![INF; n * n];
    for i in 0..n {
        d[i * n + i] = 0;
    }
    let mut count = 0;
    for (ln, toks) in lines {
        let e: Vec<u64> = parse_nums(path, ln, &toks, 3, "edge `i j cost`")?;
        let (i, j) = (e[0] as usize, e[1] as usize);
        if i == 0 || j == 0 || i > n || j > n {
            return Err(Error::Parse { path: path.to_path_buf(), line: ln, message: format!("vertex out of range 1..{n} (顶点编号越界)") });
        }
        if i != j {
            let c = e[2].min(INF as u64) as u32;
            d[(i - 1) * n + (j - 1)] = c;
            d[(j - 1) * n + (i - 1)] = c;
        }
        count += 1;
    }
    if count < edges {
        return Err(Error::Parse {
            path: path.to_path_buf(),
            line: l0,
            message: format!("header announces {edges} edges, file has {count} (边数不足)"),
        });
    }
    floyd_warshall(&mut d, n);
    let dist = DistMatrix::new(n, n, d.into_iter().map(|v| if v >= INF { f64::INFINITY } else { v as f64 }).collect());
    Ok(PmedInstance { name: stem(path), n, p, dist })
}

/// In-place all-pairs shortest paths on a dense `n × n` matrix; the inner loop is a plain min
/// over a row so it vectorises (n = 900 takes a fraction of a second).
pub fn floyd_warshall(d: &mut [u32], n: usize) {
    for k in 0..n {
        let rowk: Vec<u32> = d[k * n..(k + 1) * n].to_vec();
        for i in 0..n {
            let dik = d[i * n + k];
            if dik >= u32::MAX / 4 {
                continue;
            }
            let rowi = &mut d[i * n..(i + 1) * n];
            for (x, &y) in rowi.iter_mut().zip(&rowk) {
                *x = (*x).min(dik + y);
            }
        }
    }
}

/// Reads a pmedcap file: `number best`, `n p capacity`, then `id x y demand` per point.
/// Distances are floor(Euclidean), as used for the published optima.
pub fn read_pmedcap(path: &Path) -> Result<PmedcapInstance, Error> {
    let text = read(path)?;
    let mut lines = token_lines(&text);
    let missing = |line| Error::Parse { path: path.to_path_buf(), line, message: "unexpected end of file (文件不完整)".into() };
    let (l0, t0) = lines.next().ok_or_else(|| missing(1))?;
    let best: Vec<f64> = parse_nums(path, l0, &t0, 2, "line 1 `number best-value`")?;
    let (l1, t1) = lines.next().ok_or_else(|| missing(l0 + 1))?;
    let h: Vec<f64> = parse_nums(path, l1, &t1, 3, "line 2 `n p capacity`")?;
    let (n, p, capacity) = (h[0] as usize, h[1] as usize, h[2]);
    if n == 0 || p == 0 || p > n {
        return Err(Error::Parse { path: path.to_path_buf(), line: l1, message: format!("bad header n={n} p={p}") });
    }
    let mut coords = Vec::with_capacity(n);
    let mut demand = Vec::with_capacity(n);
    let mut last = l1;
    for (ln, toks) in lines.take(n) {
        let v: Vec<f64> = parse_nums(path, ln, &toks, 4, "point `id x y demand`")?;
        coords.push((v[1], v[2]));
        demand.push(v[3]);
        last = ln;
    }
    if coords.len() < n {
        return Err(missing(last + 1));
    }
    let dist = DistMatrix::from_fn(n, n, |i, j| {
        let (dx, dy) = (coords[i].0 - coords[j].0, coords[i].1 - coords[j].1);
        (dx * dx + dy * dy).sqrt().floor()
    });
    Ok(PmedcapInstance { name: stem(path), n, p, capacity, best_known: best[1], coords, demand, dist })
}

/// Reads an optimum list such as `pmedopt.txt` / `pcenteropt.txt`: lines `name value`; lines
/// whose second token is not a number (the header) are skipped.
pub fn read_optima(path: &Path) -> Result<BTreeMap<String, f64>, Error> {
    let text = read(path)?;
    Ok(token_lines(&text)
        .filter_map(|(_, t)| Some((t.first()?.to_string(), t.get(1)?.parse::<f64>().ok()?)))
        .collect())
}
