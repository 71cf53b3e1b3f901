//! Road distances with an on-disk cache of matrices (距离矩阵缓存).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

use eduplan_layout::{DistMatrix, Distances};

use crate::error::RoadsError;
use crate::graph::RoadNetwork;
use crate::hash::Fnv;

/// Cache file magic and format version.
const MAGIC: &[u8; 8] = b"EDRDMAT1";
/// Bytes before the data: magic, 16-byte key, rows, cols.
const HEADER: usize = 8 + 16 + 8 + 8;

/// A [`RoadNetwork`] whose matrices are kept in a cache directory (缓存目录): the matrix for a
/// given graph ([`RoadNetwork::fingerprint`]), snapping distance, detour factor and the exact
/// `from` and `to` points is stored as `<dir>/<key>.mat`, and a later request with the same
/// inputs reads the file instead of running Dijkstra.
///
/// File format: magic `EDRDMAT1`, the 16-byte key, rows and cols (u64 LE), the row-major data
/// (f64 LE), and an FNV-1a checksum (u64 LE) of everything before it. A missing, short or
/// corrupt file is recomputed and rewritten, never an error; an unwritable directory means
/// computing without caching, with a warning.
#[derive(Debug)]
pub struct CachedRoads {
    net: RoadNetwork,
    dir: PathBuf,
    last_cached: AtomicBool,
    last_warnings: Mutex<Vec<String>>,
}

/// Distinguishes temporary files written concurrently by one process.
static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl CachedRoads {
    /// Reads the road network from `pbf` ([`RoadNetwork::from_pbf`]) and caches its matrices in
    /// `cache_dir` (created when first needed).
    pub fn open(pbf: &Path, cache_dir: &Path) -> Result<Self, RoadsError> {
        Ok(Self::new(RoadNetwork::from_pbf(pbf)?, cache_dir))
    }

    /// Caches the matrices of an existing network in `cache_dir`.
    pub fn new(net: RoadNetwork, cache_dir: &Path) -> Self {
        CachedRoads { net, dir: cache_dir.to_path_buf(), last_cached: AtomicBool::new(false), last_warnings: Mutex::new(Vec::new()) }
    }

    /// The network.
    pub fn network(&self) -> &RoadNetwork {
        &self.net
    }

    /// The cache directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether the last [`Distances::matrix`] was read from the cache (for tests and logs).
    pub fn last_was_cached(&self) -> bool {
        self.last_cached.load(Ordering::Relaxed)
    }

    /// The cache key of a request: 128 bits (two independently seeded FNV-1a hashes) over the
    /// graph fingerprint, `max_snap_km`, `detour` and the bits of every point.
    fn key(&self, from: &[(f64, f64)], to: &[(f64, f64)]) -> [u64; 2] {
        let fp = self.net.fingerprint();
        [1u64, 2].map(|seed| {
            let mut h = Fnv::with_seed(seed);
            h.bytes(MAGIC);
            h.u64(fp);
            h.f64(self.net.max_snap_km);
            h.f64(self.net.detour);
            for side in [from, to] {
                h.u64(side.len() as u64);
                for &(lon, lat) in side {
                    h.f64(lon);
                    h.f64(lat);
                }
            }
            h.finish()
        })
    }

    /// The cache file of a request: `<dir>/<32 hex digits>.mat`.
    pub fn cache_path(&self, from: &[(f64, f64)], to: &[(f64, f64)]) -> PathBuf {
        let [a, b] = self.key(from, to);
        self.dir.join(format!("{a:016x}{b:016x}.mat"))
    }

    fn read(path: &Path, key: [u64; 2], rows: usize, cols: usize) -> Option<DistMatrix> {
        let bytes = fs::read(path).ok()?;
        let n = rows.checked_mul(cols)?;
        if bytes.len() != HEADER + 8 * n + 8 || &bytes[..8] != MAGIC {
            return None;
        }
        let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
        if [word(8), word(16)] != key || word(24) != rows as u64 || word(32) != cols as u64 {
            return None;
        }
        let end = HEADER + 8 * n;
        let mut h = Fnv::new();
        h.bytes(&bytes[..end]);
        if word(end) != h.finish() {
            return None;
        }
        let data: Vec<f64> = (0..n).map(|k| f64::from_bits(word(HEADER + 8 * k))).collect();
        if data.iter().any(|v| v.is_nan()) {
            return None;
        }
        Some(DistMatrix::new(rows, cols, data))
    }

    fn write(&self, path: &Path, key: [u64; 2], m: &DistMatrix) -> std::io::Result<()> {
        fs::create_dir_all(&self.dir)?;
        let mut bytes = Vec::with_capacity(HEADER + 8 * m.data().len() + 8);
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&key[0].to_le_bytes());
        bytes.extend_from_slice(&key[1].to_le_bytes());
        bytes.extend_from_slice(&(m.rows() as u64).to_le_bytes());
        bytes.extend_from_slice(&(m.cols() as u64).to_le_bytes());
        for v in m.data() {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
        let mut h = Fnv::new();
        h.bytes(&bytes);
        bytes.extend_from_slice(&h.finish().to_le_bytes());
        // Write to a temporary name and rename, so a reader never sees half a file.
        let tmp = path.with_extension(format!("tmp{}-{}", std::process::id(), TMP_COUNTER.fetch_add(1, Ordering::Relaxed)));
        let result = fs::File::create(&tmp).and_then(|mut f| f.write_all(&bytes)).and_then(|_| fs::rename(&tmp, path));
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }
}

impl Distances for CachedRoads {
    /// Road distances in km, from the cache when this request was computed before.
    fn matrix(&self, from: &[(f64, f64)], to: &[(f64, f64)]) -> DistMatrix {
        let key = self.key(from, to);
        let path = self.cache_path(from, to);
        let (m, cached, warnings) = match Self::read(&path, key, from.len(), to.len()) {
            // The warnings depend only on snapping, which is cheap to redo.
            Some(m) => (m, true, self.net.plan(from, to).warnings),
            None => {
                let (m, mut warnings) = self.net.compute(from, to);
                if let Err(e) = self.write(&path, key, &m) {
                    warnings.push(format!(
                        "距离缓存目录 {} 无法写入（{e}），本次未缓存 / cannot write the distance cache in {}: {e}; not cached",
                        self.dir.display(),
                        self.dir.display()
                    ));
                }
                (m, false, warnings)
            }
        };
        self.last_cached.store(cached, Ordering::Relaxed);
        *self.last_warnings.lock().unwrap_or_else(|e| e.into_inner()) = warnings;
        m
    }

    fn kind(&self) -> &'static str {
        "road"
    }

    fn warnings(&self) -> Vec<String> {
        self.last_warnings.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}
