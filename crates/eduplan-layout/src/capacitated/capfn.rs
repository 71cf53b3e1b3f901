//! Cost of a site's load: free up to its capacity, then expansion steps (扩建) bought in order,
//! then a penalty per unit of overflow so that infeasible assignments are always worse.

use crate::model::Site;

#[derive(Debug, Clone)]
pub(crate) struct CapFn {
    /// (cumulative capacity, cumulative cost) after 0, 1, 2, … steps.
    steps: Vec<(f64, f64)>,
    penalty: f64,
}

impl CapFn {
    pub fn new(site: &Site, penalty: f64) -> Self {
        let mut steps = vec![(site.capacity.unwrap_or(f64::INFINITY), 0.0)];
        if site.capacity.is_some() {
            for e in &site.expansions {
                let (c, k) = *steps.last().unwrap();
                steps.push((c + e.capacity, k + e.cost));
            }
        }
        CapFn { steps, penalty }
    }

    /// Cost of carrying `load`.
    #[inline]
    pub fn cost(&self, load: f64) -> f64 {
        for &(c, k) in &self.steps {
            if load <= c + 1e-9 {
                return k;
            }
        }
        let (c, k) = *self.steps.last().unwrap();
        k + self.penalty * (load - c)
    }

    /// Largest load without penalty.
    pub fn max_capacity(&self) -> f64 {
        self.steps.last().unwrap().0
    }

    /// (capacity, cost) options, for the Lagrangian knapsacks.
    pub fn steps(&self) -> &[(f64, f64)] {
        &self.steps
    }
}
