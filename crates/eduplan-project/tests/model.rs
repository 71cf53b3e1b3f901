//! The cohort-component model and grade progression on small populations whose projections are
//! worked out by hand.

use eduplan_project::{band, project, step, Ages, Progression, Rates, MAX_AGE};

fn ages(f: impl Fn(usize) -> f64) -> Ages {
    std::array::from_fn(f)
}

#[test]
fn a_closed_population_ages_one_year_a_year() {
    // 100 children of each age, 90 births a year, nobody dies or moves:
    // after 3 years ages 0..2 are 90 and ages 3.. are 100; 6..=11 holds 6 × 100 = 600
    let base = ages(|_| 100.0);
    let years = project(&base, &[90.0, 90.0, 90.0], &Rates::closed());
    assert_eq!(years.len(), 4, "the base year and three projected years");
    let last = years[3];
    assert_eq!(&last[..4], &[90.0, 90.0, 90.0, 100.0]);
    assert_eq!(band(&last, 6, 11), 600.0);
    // a cohort moves one age a year: the 3-year-olds of year 0 are the 6-year-olds of year 3
    let marked = { let mut b = base; b[3] = 130.0; b };
    assert_eq!(project(&marked, &[90.0; 3], &Rates::closed())[3][6], 130.0);
}

#[test]
fn constant_survival_and_migration_compound() {
    // survival 0.99 at every age and net out-migration of 2% a year at every age:
    // a group of 1000 at age 2 is 1000 × (0.99 × 0.98)^4 = 1000 × 0.9702^4 at age 6
    let mut r = Rates::closed();
    r.survival = [0.99; MAX_AGE + 1];
    r.migration = [-0.02; MAX_AGE + 1];
    r.infant_survival = 0.995;
    let base = ages(|a| if a == 2 { 1000.0 } else { 0.0 });
    let years = project(&base, &[500.0; 4], &r);
    let want = 1000.0 * 0.9702f64.powi(4);
    assert!((years[4][6] - want).abs() < 1e-9, "{} vs {want}", years[4][6]);
    // births become age 0 with infant survival: 500 × 0.995
    assert!((years[1][0] - 497.5).abs() < 1e-9);
    // the oldest age leaves the model
    let old = ages(|a| if a == MAX_AGE { 10.0 } else { 0.0 });
    assert_eq!(step(&old, 0.0, &Rates::closed()).iter().sum::<f64>(), 0.0);
}

#[test]
fn townships_add_up_to_the_county_run() {
    let r = { let mut r = Rates::closed(); r.survival = [0.995; MAX_AGE + 1]; r };
    let a = ages(|x| 50.0 + x as f64);
    let b = ages(|x| 200.0 - 3.0 * x as f64);
    let county = ages(|x| a[x] + b[x]);
    let (ya, yb, yc) = (project(&a, &[40.0, 42.0], &r), project(&b, &[60.0, 58.0], &r), project(&county, &[100.0, 100.0], &r));
    for y in 0..3 {
        for x in 0..=MAX_AGE {
            assert!((ya[y][x] + yb[y][x] - yc[y][x]).abs() < 1e-9, "year {y} age {x}");
        }
    }
}

#[test]
fn pupils_move_one_grade_a_year() {
    // 6 grades, everyone promoted, nobody repeats, intake 100% of 120 six-year-olds:
    // this year's grade 3 (95) is next year's grade 4; grade 6 leaves
    let p = Progression { entry_age: 6, intake: 1.0, promotion: vec![1.0; 5], repetition: vec![0.0; 6] };
    let now = [110.0, 100.0, 95.0, 90.0, 85.0, 80.0];
    assert_eq!(p.step(&now, 120.0), vec![120.0, 110.0, 100.0, 95.0, 90.0, 85.0]);
    // with 2% repeating grade 1 and 97% promoted from it: grade 1 = 0.99 × 120 + 0.02 × 110; grade 2 = 0.97 × 110
    let q = Progression { entry_age: 6, intake: 0.99, promotion: vec![0.97, 1.0, 1.0, 1.0, 1.0], repetition: vec![0.02, 0.0, 0.0, 0.0, 0.0, 0.0] };
    let next = q.step(&now, 120.0);
    assert!((next[0] - (0.99 * 120.0 + 0.02 * 110.0)).abs() < 1e-9);
    assert!((next[1] - 0.97 * 110.0).abs() < 1e-9);
}
