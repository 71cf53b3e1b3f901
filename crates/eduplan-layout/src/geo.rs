//! Great-circle distance for real school and village coordinates.

/// Mean Earth radius in km (IUGG).
const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Haversine great-circle distance in km between (lat1, lon1) and (lat2, lon2), in degrees.
///
/// Argument order is latitude first; points stored as (lon, lat) must be swapped by the caller
/// (see [`crate::DistMatrix::from_lonlat`], which does).
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
}
