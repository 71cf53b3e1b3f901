//! A small OpenStreetMap PBF writer (写 `.osm.pbf` 文件) for synthetic road networks and test
//! fixtures.
//!
//! Hand-coded protobuf (varints, zigzag): one `OSMHeader` blob, then `OSMData` blobs of at most
//! [`BLOCK_SIZE`] elements each, zlib-compressed, nodes as `DenseNodes` (granularity 100, i.e.
//! coordinates rounded to 1e-7 degree), ways with delta-coded refs. Nodes and ways are written
//! sorted by id (the header says `Sort.Type_then_ID`). No metadata (version, user, timestamp)
//! is written. Readable by `osmpbf` and osmium.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

/// A node to write: id, lon, lat (degrees).
pub type PbfNode = (i64, f64, f64);

/// A way to write: id, node ids in order, tags (key, value).
pub type PbfWay = (i64, Vec<i64>, Vec<(String, String)>);

/// Most elements per `OSMData` block (the convention of osmium and osmosis).
pub const BLOCK_SIZE: usize = 8000;

/// Writes `nodes` (id, lon, lat in degrees) and `ways` (id, node ids, tags) as an `.osm.pbf`
/// file at `path` (overwriting it).
///
/// Coordinates are rounded to 1e-7 degree, the precision of the format at its default
/// granularity. Ways may refer to node ids that are not in `nodes` (as in a clipped extract).
pub fn write_pbf(path: &Path, nodes: &[PbfNode], ways: &[PbfWay]) -> io::Result<()> {
    let mut out = io::BufWriter::new(std::fs::File::create(path)?);
    write_pbf_to(&mut out, nodes, ways)?;
    out.flush()
}

/// [`write_pbf`] to any writer.
pub fn write_pbf_to<W: Write>(out: &mut W, nodes: &[PbfNode], ways: &[PbfWay]) -> io::Result<()> {
    for &(id, lon, lat) in nodes {
        if !(lon.is_finite() && lat.is_finite() && (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)) {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("node {id}: coordinates ({lon}, {lat}) out of range")));
        }
    }
    let mut nodes: Vec<(i64, i64, i64)> = nodes.iter().map(|&(id, lon, lat)| (id, deg_to_raw(lon), deg_to_raw(lat))).collect();
    nodes.sort_by_key(|n| n.0);
    let mut way_order: Vec<usize> = (0..ways.len()).collect();
    way_order.sort_by_key(|&i| ways[i].0);

    // Header block with the bounding box (nanodegrees).
    let mut header = Vec::new();
    if !nodes.is_empty() {
        let (mut l, mut r, mut b, mut t) = (i64::MAX, i64::MIN, i64::MAX, i64::MIN);
        for &(_, lon, lat) in &nodes {
            l = l.min(lon);
            r = r.max(lon);
            b = b.min(lat);
            t = t.max(lat);
        }
        let mut bbox = Vec::new();
        field_sint64(&mut bbox, 1, l * 100);
        field_sint64(&mut bbox, 2, r * 100);
        field_sint64(&mut bbox, 3, t * 100);
        field_sint64(&mut bbox, 4, b * 100);
        field_bytes(&mut header, 1, &bbox);
    }
    field_bytes(&mut header, 4, b"OsmSchema-V0.6");
    field_bytes(&mut header, 4, b"DenseNodes");
    field_bytes(&mut header, 5, b"Sort.Type_then_ID");
    field_bytes(&mut header, 16, concat!("eduplan-roads ", env!("CARGO_PKG_VERSION")).as_bytes());
    write_blob(out, "OSMHeader", &header)?;

    for chunk in nodes.chunks(BLOCK_SIZE) {
        write_blob(out, "OSMData", &dense_block(chunk))?;
    }
    for chunk in way_order.chunks(BLOCK_SIZE) {
        let chunk: Vec<&PbfWay> = chunk.iter().map(|&i| &ways[i]).collect();
        write_blob(out, "OSMData", &way_block(&chunk))?;
    }
    Ok(())
}

/// Degrees to the format's raw units at granularity 100 (1e-7 degree).
fn deg_to_raw(deg: f64) -> i64 {
    (deg * 1e7).round() as i64
}

/// A PrimitiveBlock of one DenseNodes group.
fn dense_block(nodes: &[(i64, i64, i64)]) -> Vec<u8> {
    let (mut ids, mut lats, mut lons) = (Vec::new(), Vec::new(), Vec::new());
    let (mut pid, mut plat, mut plon) = (0i64, 0i64, 0i64);
    for &(id, lon, lat) in nodes {
        varint(&mut ids, zigzag(id.wrapping_sub(pid)));
        varint(&mut lats, zigzag(lat - plat));
        varint(&mut lons, zigzag(lon - plon));
        (pid, plat, plon) = (id, lat, lon);
    }
    let mut dense = Vec::new();
    field_bytes(&mut dense, 1, &ids);
    field_bytes(&mut dense, 8, &lats);
    field_bytes(&mut dense, 9, &lons);
    let mut group = Vec::new();
    field_bytes(&mut group, 2, &dense);
    primitive_block(&[Vec::new()], &group)
}

/// A PrimitiveBlock of one Ways group.
fn way_block(ways: &[&PbfWay]) -> Vec<u8> {
    // String table: index 0 is the empty string by convention; the others by first use.
    let mut table: Vec<Vec<u8>> = vec![Vec::new()];
    let mut index: BTreeMap<String, u32> = BTreeMap::new();
    let mut intern = |s: &str, table: &mut Vec<Vec<u8>>| -> u32 {
        if let Some(&k) = index.get(s) {
            return k;
        }
        table.push(s.as_bytes().to_vec());
        let k = (table.len() - 1) as u32;
        index.insert(s.to_string(), k);
        k
    };
    let mut group = Vec::new();
    for (id, refs, tags) in ways.iter().map(|w| (&w.0, &w.1, &w.2)) {
        let mut way = Vec::new();
        field_varint(&mut way, 1, *id as u64);
        let (mut keys, mut vals) = (Vec::new(), Vec::new());
        for (k, v) in tags {
            varint(&mut keys, u64::from(intern(k, &mut table)));
            varint(&mut vals, u64::from(intern(v, &mut table)));
        }
        if !tags.is_empty() {
            field_bytes(&mut way, 2, &keys);
            field_bytes(&mut way, 3, &vals);
        }
        let mut packed = Vec::new();
        let mut prev = 0i64;
        for &r in refs {
            varint(&mut packed, zigzag(r.wrapping_sub(prev)));
            prev = r;
        }
        if !refs.is_empty() {
            field_bytes(&mut way, 8, &packed);
        }
        field_bytes(&mut group, 3, &way);
    }
    primitive_block(&table, &group)
}

/// A PrimitiveBlock: string table, one group, granularity 100, offsets 0.
fn primitive_block(table: &[Vec<u8>], group: &[u8]) -> Vec<u8> {
    let mut st = Vec::new();
    for s in table {
        field_bytes(&mut st, 1, s);
    }
    let mut block = Vec::new();
    field_bytes(&mut block, 1, &st);
    field_bytes(&mut block, 2, group);
    field_varint(&mut block, 17, 100);
    block
}

/// One file block: BlobHeader length (4 bytes, big-endian), BlobHeader, Blob (zlib).
fn write_blob<W: Write>(out: &mut W, kind: &str, raw: &[u8]) -> io::Result<()> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(raw)?;
    let zdata = z.finish()?;
    let mut blob = Vec::new();
    field_varint(&mut blob, 2, raw.len() as u64);
    field_bytes(&mut blob, 3, &zdata);
    let mut header = Vec::new();
    field_bytes(&mut header, 1, kind.as_bytes());
    field_varint(&mut header, 3, blob.len() as u64);
    out.write_all(&(header.len() as u32).to_be_bytes())?;
    out.write_all(&header)?;
    out.write_all(&blob)
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn varint(buf: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        buf.push((v as u8) | 0x80);
        v >>= 7;
    }
    buf.push(v as u8);
}

/// Wire type 0 (varint) field.
fn field_varint(buf: &mut Vec<u8>, field: u32, v: u64) {
    varint(buf, u64::from(field) << 3);
    varint(buf, v);
}

/// Wire type 0 field holding a zigzag-coded sint64.
fn field_sint64(buf: &mut Vec<u8>, field: u32, v: i64) {
    field_varint(buf, field, zigzag(v));
}

/// Wire type 2 (length-delimited) field: bytes, strings, sub-messages, packed arrays.
fn field_bytes(buf: &mut Vec<u8>, field: u32, data: &[u8]) {
    varint(buf, (u64::from(field) << 3) | 2);
    varint(buf, data.len() as u64);
    buf.extend_from_slice(data);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_and_zigzag() {
        let mut b = Vec::new();
        varint(&mut b, 300);
        assert_eq!(b, [0xac, 0x02]);
        assert_eq!(zigzag(0), 0);
        assert_eq!(zigzag(-1), 1);
        assert_eq!(zigzag(1), 2);
        assert_eq!(zigzag(-2), 3);
        assert_eq!(zigzag(i64::MIN), u64::MAX);
    }
}
