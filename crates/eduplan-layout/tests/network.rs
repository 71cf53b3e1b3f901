//! Network planning on two square townships: A has a school of 100 places and 2 classes, B has
//! 100 children and no school.

use eduplan_layout::network::{big_classes, inside, plan, Area, Candidate, Objective, School, Spec};
use eduplan_layout::Options;

fn square(x0: f64, y0: f64, w: f64) -> Vec<(f64, f64)> {
    vec![(x0, y0), (x0 + w, y0), (x0 + w, y0 + w), (x0, y0 + w), (x0, y0)]
}

fn spec() -> Spec {
    Spec {
        areas: vec![
            Area { code: "A".into(), rings: vec![square(115.00, 28.00, 0.05)], children: 100.0 },
            Area { code: "B".into(), rings: vec![square(115.05, 28.00, 0.05)], children: 100.0 },
        ],
        schools: vec![School { id: "S1".into(), name: "一小".into(), township: "A".into(), lon: 115.025, lat: 28.025, capacity: 100.0, classes: 2.0, enrolled: 200.0 }],
        candidates: Some(vec![
            Candidate { id: "CB".into(), name: "B镇中心".into(), township: "B".into(), lon: 115.075, lat: 28.025, capacity: 120.0, cost: 420.0 },
            Candidate { id: "CF".into(), name: "B镇边缘".into(), township: "B".into(), lon: 115.099, lat: 28.049, capacity: 120.0, cost: 420.0 },
        ]),
        grid_km: 1.0,
        max_points: 1000,
        candidate_km: 3.0,
        max_km: 3.0,
        add: None,
        allow_close: false,
        exclude: vec![],
        objective: Objective::Capacitated,
        new_capacity: 120.0,
        cost_per_place: 3.5,
        class_size: 45.0,
    }
}

#[test]
fn a_new_school_where_the_children_are_without_a_place() {
    let p = plan(&spec(), &Options::default()).unwrap();
    // B's 100 children have no place in B: one new school of 120
    assert_eq!(p.add, 1);
    let status = |id: &str| p.sites.iter().find(|s| s.id == id).unwrap().status;
    assert_eq!((status("S1"), status("CB"), status("CF")), ("kept", "new", "unused"));
    // if nothing changes S1 holds all 200: 100 beyond its places, 2 classes of 100 = 2 big classes
    assert_eq!((p.before.place_gap, p.before.big_classes), (100.0, 2.0));
    // in the plan S1 keeps its 100 places full, 50 a class: no gap, no big class
    assert_eq!((p.after.place_gap, p.after.big_classes), (0.0, 0.0));
    assert!(p.after.mean_km < p.before.mean_km, "{} vs {}", p.after.mean_km, p.before.mean_km);
    assert!(p.after.beyond_limit < p.before.beyond_limit);
    let s1 = p.sites.iter().find(|s| s.id == "S1").unwrap();
    assert_eq!(s1.load_before, Some(200.0));
    assert!(s1.load_after <= 100.0 + 1e-6);
    // every open school has a zone made of the cells of its children
    let zones = p.zones["features"].as_array().unwrap();
    assert_eq!(zones.len(), 2);
    for z in zones {
        let site = z["properties"]["site"].as_str().unwrap();
        let cells = p.demand.iter().filter(|d| d.site_after == site).count();
        assert_eq!(z["geometry"]["coordinates"].as_array().unwrap().len(), cells);
    }
    // children of B are in B's grid, spread evenly
    let b: Vec<_> = p.demand.iter().filter(|d| d.township == "B").collect();
    assert!(b.len() >= 20);
    assert!((b.iter().map(|d| d.children).sum::<f64>() - 100.0).abs() < 0.5);
    assert!(b.iter().all(|d| inside(&square(115.05, 28.00, 0.05), (d.lon, d.lat))));
}

#[test]
fn an_excluded_site_is_not_used_and_too_few_places_is_an_error() {
    let mut s = spec();
    s.exclude = vec!["CB".into()];
    let p = plan(&s, &Options::default()).unwrap();
    assert_eq!(p.sites.iter().find(|x| x.id == "CF").unwrap().status, "new");
    assert!(p.sites.iter().all(|x| x.id != "CB"));
    // excluding the only school closes it: its children must go elsewhere
    let mut s = spec();
    s.exclude = vec!["S1".into()];
    s.add = Some(2);
    let p = plan(&s, &Options::default()).unwrap();
    assert_eq!(p.sites.iter().find(|x| x.id == "S1").unwrap().status, "closed");
    assert_eq!(p.sites.iter().filter(|x| x.status == "new").count(), 2);
    let mut s = spec();
    s.add = Some(0);
    let e = plan(&s, &Options::default()).unwrap_err().to_string();
    assert!(e.contains("学位不足") && e.contains("not enough places"), "{e}");
}

#[test]
fn big_classes_share_children_evenly() {
    // 170 children in 3 classes: 57, 57, 56 → 3 big; 165 → 55 each → none; 112 in 2 → 56 each
    assert_eq!(big_classes(170.0, 3.0), 3.0);
    assert_eq!(big_classes(165.0, 3.0), 0.0);
    assert_eq!(big_classes(112.0, 2.0), 2.0);
    // 111 in 2: 56 + 55 → one
    assert_eq!(big_classes(111.0, 2.0), 1.0);
}
