//! A uniform grid spatial index (均匀网格索引) for nearest-node queries.
//!
//! Nodes are projected to a local plane (equirectangular at the mean latitude, km); the grid has
//! about two nodes per cell and a query scans rings of cells around the query's cell until no
//! closer node can exist, so a query costs a few cells, not a scan of all nodes.

/// km per degree of latitude (mean).
const KM_PER_DEG: f64 = 111.195;

/// The grid. Empty when the network has no nodes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Grid {
    /// km per degree of longitude at the mean latitude.
    kx: f64,
    /// Projected west and south edges (km).
    x0: f64,
    y0: f64,
    /// Cell side (km).
    cell: f64,
    nx: usize,
    ny: usize,
    /// CSR: nodes of cell `c` are `items[start[c]..start[c + 1]]`, with projected coordinates.
    start: Vec<u32>,
    items: Vec<(u32, f64, f64)>,
}

impl Grid {
    pub(crate) fn new(coords: &[(f64, f64)]) -> Grid {
        let pts: Vec<(usize, (f64, f64))> = coords.iter().copied().enumerate().filter(|(_, (x, y))| x.is_finite() && y.is_finite()).collect();
        if pts.is_empty() {
            return Grid::default();
        }
        let mean_lat = pts.iter().map(|p| p.1 .1).sum::<f64>() / pts.len() as f64;
        let kx = KM_PER_DEG * mean_lat.to_radians().cos().max(0.01);
        let proj: Vec<(f64, f64)> = pts.iter().map(|&(_, (lon, lat))| (lon * kx, lat * KM_PER_DEG)).collect();
        let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for &(x, y) in &proj {
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
        let (w, h) = (x1 - x0, y1 - y0);
        let target_cells = (pts.len() / 2).max(1) as f64;
        let cell = (w * h / target_cells).sqrt().max(w.max(h) / target_cells).max(1e-6);
        let nx = ((w / cell) as usize + 1).min(1 << 15);
        let ny = ((h / cell) as usize + 1).min(1 << 15);
        let mut grid = Grid { kx, x0, y0, cell, nx, ny, start: vec![0; nx * ny + 1], items: Vec::new() };
        let cells: Vec<usize> = proj.iter().map(|&(x, y)| grid.cell_of(x, y)).collect();
        for &c in &cells {
            grid.start[c + 1] += 1;
        }
        for c in 0..nx * ny {
            grid.start[c + 1] += grid.start[c];
        }
        let mut fill: Vec<u32> = grid.start[..nx * ny].to_vec();
        grid.items = vec![(0, 0.0, 0.0); pts.len()];
        for (k, &c) in cells.iter().enumerate() {
            grid.items[fill[c] as usize] = (pts[k].0 as u32, proj[k].0, proj[k].1);
            fill[c] += 1;
        }
        grid
    }

    /// Column and row of a projected point, clamped to the grid.
    fn col_row(&self, x: f64, y: f64) -> (usize, usize) {
        let cx = ((x - self.x0) / self.cell).floor().clamp(0.0, (self.nx - 1) as f64) as usize;
        let cy = ((y - self.y0) / self.cell).floor().clamp(0.0, (self.ny - 1) as f64) as usize;
        (cx, cy)
    }

    fn cell_of(&self, x: f64, y: f64) -> usize {
        let (cx, cy) = self.col_row(x, y);
        cy * self.nx + cx
    }

    /// The node nearest to `p` (lon, lat) in the local plane, or `None` for an empty grid.
    pub(crate) fn nearest(&self, p: (f64, f64)) -> Option<usize> {
        if self.items.is_empty() {
            return None;
        }
        let (px, py) = (p.0 * self.kx, p.1 * KM_PER_DEG);
        let (cx, cy) = self.col_row(px, py);
        let (cx, cy) = (cx as isize, cy as isize);
        let (nx, ny) = (self.nx as isize, self.ny as isize);
        let mut best: Option<(u32, f64)> = None;
        let scan = |c: usize, best: &mut Option<(u32, f64)>| {
            for &(v, x, y) in &self.items[self.start[c] as usize..self.start[c + 1] as usize] {
                let d2 = (x - px) * (x - px) + (y - py) * (y - py);
                if best.is_none_or(|(bv, bd)| d2 < bd || (d2 == bd && v < bv)) {
                    *best = Some((v, d2));
                }
            }
        };
        let max_r = nx.max(ny);
        for r in 0..=max_r {
            let (ylo, yhi) = (cy - r, cy + r);
            let (xlo, xhi) = ((cx - r).max(0), (cx + r).min(nx - 1));
            for y in [ylo, yhi] {
                if (0..ny).contains(&y) {
                    for x in xlo..=xhi {
                        scan((y * nx + x) as usize, &mut best);
                    }
                    if r == 0 {
                        break;
                    }
                }
            }
            for x in [cx - r, cx + r] {
                if r > 0 && (0..nx).contains(&x) {
                    for y in (cy - r + 1).max(0)..=(cy + r - 1).min(ny - 1) {
                        scan((y * nx + x) as usize, &mut best);
                    }
                }
            }
            // Nodes in ring r + 1 are at least r cells away from the query.
            if let Some((_, d2)) = best {
                let reach = r as f64 * self.cell;
                if d2 <= reach * reach {
                    break;
                }
            }
        }
        best.map(|(v, _)| v as usize)
    }
}
