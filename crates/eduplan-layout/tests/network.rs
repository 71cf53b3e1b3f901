//! Network planning on two square townships: A has a school of 100 places and 2 classes, B has
//! 100 children and no school.

use eduplan_layout::network::{big_classes, inside, plan, plan_with, Area, Candidate, Expand, Objective, School, Spec, Village};
use eduplan_layout::{haversine_km, DistMatrix, Distances, Options};

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
        also_grid: false,
        villages: vec![],
        expand: None,
        enforce_max: false,
        add_km: None,
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
        exact: None,
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

#[test]
fn villages_share_their_townships_children_by_weight() {
    let mut s = spec();
    // B's 100 children live in two villages, 3 : 1; a third village lies outside the county
    s.villages = vec![
        Village { id: "V1".into(), name: "上村".into(), lon: 115.06, lat: 28.01, weight: 300.0 },
        Village { id: "V2".into(), name: "下村".into(), lon: 115.09, lat: 28.04, weight: 100.0 },
        Village { id: "V3".into(), name: "外村".into(), lon: 116.0, lat: 29.0, weight: 100.0 },
    ];
    let p = plan(&s, &Options::default()).unwrap();
    let of = |name: &str| p.demand.iter().filter(|d| d.name == name).map(|d| d.children).sum::<f64>();
    assert!((of("上村") - 75.0).abs() < 0.2 && (of("下村") - 25.0).abs() < 0.2, "{} {}", of("上村"), of("下村"));
    // a point heavier than a quarter of the typical school (100 / 4 = 25) is split: 75 → 3 × 25
    assert_eq!(p.demand.iter().filter(|d| d.name == "上村").count(), 3);
    assert!(p.demand.iter().filter(|d| d.township == "B").all(|d| !d.name.is_empty()), "B is villages only");
    assert!(p.demand.iter().filter(|d| d.township == "A").all(|d| d.name.is_empty()), "A keeps its grid");
    assert!(p.warnings.iter().any(|w| w.contains("外村")), "{:?}", p.warnings);
    // the villages' children go to the new school nearest them (CB is 1.9 km from 上村, CF 3.9 km)
    assert!(p.demand.iter().filter(|d| d.name == "上村").all(|d| d.site_after == "CB"));
}

#[test]
fn expansion_steps_come_before_new_schools_and_are_reported() {
    let mut s = spec();
    // S1 may add one step of 100 places: the county's 200 children fit without a new school
    s.expand = Some(Expand { steps: 1, step_places: 100.0, km_per_place: 0.1 });
    let p = plan(&s, &Options::default()).unwrap();
    assert_eq!(p.add, 0, "(200 − 100 − 100 expandable) / 120 → no new school");
    let s1 = p.sites.iter().find(|x| x.id == "S1").unwrap();
    assert_eq!((s1.status, s1.added_places, s1.capacity), ("expanded", 100.0, 200.0));
    // cost: 100 places × 3.5 万元
    assert_eq!(s1.cost, Some(350.0));
    assert_eq!((p.expanded, p.added_places), (1, 100.0));
    // 200 children in 2 + ⌈100 / 45⌉ = 5 classes: 40 a class, no gap, no big class
    assert_eq!((p.after.place_gap, p.after.big_classes), (0.0, 0.0));
    // with a new school allowed as well, B's children are nearer CB than S1: no expansion
    s.add = Some(1);
    let p = plan(&s, &Options::default()).unwrap();
    assert_eq!(p.sites.iter().find(|x| x.id == "S1").unwrap().status, "kept");
    assert_eq!(p.expanded, 0);
}

#[test]
fn an_imposed_limit_is_kept_or_refused_with_a_reason() {
    let mut s = spec();
    s.enforce_max = true;
    s.max_km = 4.0;
    let p = plan(&s, &Options::default()).unwrap();
    assert!(p.demand.iter().all(|d| d.km_after <= 4.0), "every child within 4 km");
    assert_eq!(p.after.beyond_limit, 0.0);
    // no new school, only S1 expanded: B's far corner is ~6 km from S1
    s.exclude = vec!["CB".into(), "CF".into()];
    s.expand = Some(Expand { steps: 1, step_places: 100.0, km_per_place: 0.1 });
    let e = plan(&s, &Options::default()).unwrap_err().to_string();
    assert!(e.contains("4 公里") && e.contains("within 4 km"), "{e}");
    s.enforce_max = false;
    let p = plan(&s, &Options::default()).unwrap();
    assert!(p.after.beyond_limit > 0.0 && p.warnings.iter().any(|w| w.contains("beyond 4 km")));
}

/// Distances twice the great circle, as a winding road network would give.
struct Winding;
impl Distances for Winding {
    fn matrix(&self, from: &[(f64, f64)], to: &[(f64, f64)]) -> DistMatrix {
        DistMatrix::from_fn(from.len(), to.len(), |i, j| 2.0 * haversine_km(from[i].1, from[i].0, to[j].1, to[j].0))
    }
    fn kind(&self) -> &'static str {
        "road"
    }
    fn warnings(&self) -> Vec<String> {
        vec!["3 points far from a road".into()]
    }
}

#[test]
fn the_distances_given_are_the_distances_used() {
    let a = plan(&spec(), &Options::default()).unwrap();
    let b = plan_with(&spec(), &Options::default(), &Winding).unwrap();
    assert_eq!((a.solution.distances, b.solution.distances), ("great-circle", "road"));
    // same plan (doubling every distance changes no choice), every figure in km doubled
    assert_eq!(a.demand.iter().map(|d| &d.site_after).collect::<Vec<_>>(), b.demand.iter().map(|d| &d.site_after).collect::<Vec<_>>());
    for (x, y) in a.demand.iter().zip(&b.demand) {
        assert!((2.0 * x.km_after - y.km_after).abs() < 0.011, "{} {}", x.km_after, y.km_after);
        assert!((2.0 * x.km_before.unwrap() - y.km_before.unwrap()).abs() < 0.011);
    }
    assert!((2.0 * a.before.mean_km - b.before.mean_km).abs() < 0.021);
    assert!(b.warnings.iter().any(|w| w.contains("far from a road")));
}

#[test]
fn priced_new_places_let_the_plan_choose_how_many_schools() {
    let mut s = spec();
    // free places: both B sites open (CF brings B's far corner nearer)
    s.add_km = Some(0.0);
    let cheap = plan(&s, &Options::default()).unwrap();
    assert_eq!(cheap.add, 2);
    // dear places: only the one school B's children need (120 places × 100 km each)
    s.add_km = Some(100.0);
    let dear = plan(&s, &Options::default()).unwrap();
    assert_eq!(dear.add, 1);
    assert_eq!(dear.sites.iter().find(|x| x.id == "CB").unwrap().status, "new");
    assert!(cheap.after.mean_km < dear.after.mean_km);
    // an explicit count still wins
    s.add = Some(1);
    s.add_km = Some(0.0);
    assert_eq!(plan(&s, &Options::default()).unwrap().add, 1);
}

/// With `exact`, the plan goes through the MIP: on this small county it is proven optimal (gap
/// 0), never worse than the heuristic's, and says how it was solved.
#[cfg(feature = "highs")]
#[test]
fn an_exact_plan_is_proven_and_no_worse_than_the_heuristic() {
    for (expand, add_km) in [(None, None), (Some(Expand { steps: 1, step_places: 100.0, km_per_place: 0.1 }), None), (None, Some(2.0))] {
        let mut s = spec();
        s.expand = expand;
        s.add_km = add_km;
        let heur = plan(&s, &Options::default()).unwrap();
        s.exact = Some(60.0);
        let p = plan(&s, &Options::default()).unwrap();
        assert_eq!(p.solution.method, "heuristic+mip");
        assert_eq!(p.solution.mip_status.as_deref(), Some("Optimal"));
        assert_eq!(p.solution.gap, 0.0, "proven: bound {} objective {}", p.solution.lower_bound, p.solution.objective);
        assert!(p.solution.objective <= heur.solution.objective + 1e-6);
        assert_eq!(p.solution.heuristic, Some((heur.solution.objective, heur.solution.lower_bound)));
        assert_eq!(heur.solution.method, "heuristic");
        assert_eq!(p.after.place_gap, 0.0);
    }
    // the covering and center objectives go through the MIP too
    use eduplan_layout::network::Objective;
    for (objective, max_km) in [(Objective::Pcenter, 3.0), (Objective::Mclp, 2.0), (Objective::Lscp, 4.0)] {
        let mut s = spec();
        s.objective = objective;
        s.max_km = max_km;
        s.add = Some(1);
        let heur = plan(&s, &Options::default()).unwrap();
        s.exact = Some(60.0);
        let p = plan(&s, &Options::default()).unwrap();
        assert_eq!((p.solution.method, p.solution.gap), ("heuristic+mip", 0.0), "{objective:?}");
        assert!(p.solution.objective <= heur.solution.objective + 1e-9, "{objective:?}");
    }
}

/// Without the `highs` feature an exact plan is refused, saying how to get one.
#[cfg(not(feature = "highs"))]
#[test]
fn an_exact_plan_needs_the_highs_feature() {
    let mut s = spec();
    s.exact = Some(10.0);
    let e = plan(&s, &Options::default()).unwrap_err().to_string();
    assert!(e.contains("--features highs"), "{e}");
    assert!(!eduplan_layout::mip::AVAILABLE);
}

/// The covering and center objectives in the product: the fewest schools that put every child
/// within the limit (LSCP), the most children within it (MCLP), the farthest child nearest
/// (p-center); each plan's own figures agree with the solver's objective.
#[test]
fn covering_and_center_objectives_plan_the_county() {
    use eduplan_layout::network::Objective;
    // LSCP at 4 km: S1 covers A (its corners are 3.7 km away), B needs one school; CB (B's
    // centre) covers all of B, CF (its corner) does not
    let mut s = spec();
    s.objective = Objective::Lscp;
    s.max_km = 4.0;
    s.add = Some(2); // ignored: the count is the plan's
    let p = plan(&s, &Options::default()).unwrap();
    assert_eq!((p.add, p.solution.objective), (1, 2.0), "S1 and one new school");
    assert_eq!(p.sites.iter().find(|x| x.id == "CB").unwrap().status, "new");
    assert_eq!(p.after.beyond_limit, 0.0);
    assert!(p.demand.iter().all(|d| d.km_after <= 4.0));
    assert!(p.warnings.iter().any(|w| w.contains("ignores places")));
    // one school fewer leaves children beyond 4 km: with S1 alone, MCLP's best leaves some
    let mut m = spec();
    m.objective = Objective::Mclp;
    m.max_km = 4.0;
    m.add = Some(0);
    let alone = plan(&m, &Options::default()).unwrap();
    assert!(alone.solution.objective > 0.0 && (alone.solution.objective - alone.after.beyond_limit).abs() <= 0.5, "{} vs {}", alone.solution.objective, alone.after.beyond_limit);
    // at 1 km no site reaches A's and B's outer children: the plan covers the others and says
    // how many it cannot reach; they are exactly the children left beyond the limit
    s.max_km = 1.0;
    let p1 = plan(&s, &Options::default()).unwrap();
    let w = p1.warnings.iter().find(|w| w.contains("stay uncovered")).expect("a warning names the children out of reach");
    let out_of_reach: f64 = w.split('（').nth(1).and_then(|x| x.trim_start_matches('约').trim().split(' ').next()).and_then(|x| x.parse().ok()).unwrap();
    assert!(out_of_reach > 0.0 && (out_of_reach - p1.after.beyond_limit).abs() <= 1.0, "{w} vs {}", p1.after.beyond_limit);
    // at 1 m nothing is in reach: refused with the reason
    s.max_km = 0.001;
    let e = plan(&s, &Options::default()).unwrap_err().to_string();
    assert!(e.contains("0.001 公里") && e.contains("within 0.001 km"), "{e}");

    // MCLP with one new school at 2 km: its uncovered children are the plan's beyond_limit, and no
    // plan with the same count leaves fewer (the p-median's does not)
    m.max_km = 2.0;
    m.add = Some(1);
    let cov = plan(&m, &Options::default()).unwrap();
    assert_eq!(cov.add, 1);
    assert!((cov.solution.objective - cov.after.beyond_limit).abs() <= 0.5, "{} vs {}", cov.solution.objective, cov.after.beyond_limit);
    let mut med = spec();
    med.objective = Objective::Pmedian;
    med.max_km = 2.0;
    med.add = Some(1);
    let med = plan(&med, &Options::default()).unwrap();
    assert!(cov.after.beyond_limit <= med.after.beyond_limit);

    // p-center with one new school: the objective is the plan's farthest distance, no farther
    // than the p-median plan's
    let mut c = spec();
    c.objective = Objective::Pcenter;
    c.add = Some(1);
    let cen = plan(&c, &Options::default()).unwrap();
    assert!((cen.solution.objective - cen.after.max_km).abs() < 0.006, "{} vs {}", cen.solution.objective, cen.after.max_km);
    assert!(cen.after.max_km <= med.after.max_km + 1e-9);
    assert_eq!(cen.solution.kind, Objective::Pcenter);
}
