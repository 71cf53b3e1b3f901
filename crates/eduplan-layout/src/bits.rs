//! A minimal fixed-size bitset for the covering branch and bound (word-level and/or/subset).

#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct Bits {
    w: Vec<u64>,
}

impl Bits {
    pub fn new(n: usize) -> Self {
        Bits { w: vec![0; n.div_ceil(64)] }
    }
    #[inline]
    pub fn set(&mut self, i: usize) {
        self.w[i >> 6] |= 1 << (i & 63);
    }
    #[inline]
    pub fn clear(&mut self, i: usize) {
        self.w[i >> 6] &= !(1 << (i & 63));
    }
    #[inline]
    pub fn get(&self, i: usize) -> bool {
        self.w[i >> 6] >> (i & 63) & 1 == 1
    }
    pub fn count(&self) -> usize {
        self.w.iter().map(|x| x.count_ones() as usize).sum()
    }
    pub fn is_empty(&self) -> bool {
        self.w.iter().all(|&x| x == 0)
    }
    /// |self ∩ other|
    pub fn and_count(&self, o: &Bits) -> usize {
        self.w.iter().zip(&o.w).map(|(a, b)| (a & b).count_ones() as usize).sum()
    }
    pub fn intersects(&self, o: &Bits) -> bool {
        self.w.iter().zip(&o.w).any(|(a, b)| a & b != 0)
    }
    /// self ∩ mask ⊆ other
    pub fn subset_of_within(&self, o: &Bits, mask: &Bits) -> bool {
        self.w.iter().zip(&o.w).zip(&mask.w).all(|((a, b), m)| a & m & !b == 0)
    }
    pub fn and_with(&mut self, o: &Bits) {
        self.w.iter_mut().zip(&o.w).for_each(|(a, b)| *a &= b);
    }
    pub fn or_with(&mut self, o: &Bits) {
        self.w.iter_mut().zip(&o.w).for_each(|(a, b)| *a |= b);
    }
    pub fn and_not_with(&mut self, o: &Bits) {
        self.w.iter_mut().zip(&o.w).for_each(|(a, b)| *a &= !b);
    }
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.w.iter().enumerate().flat_map(|(k, &x)| {
            let mut x = x;
            std::iter::from_fn(move || {
                if x == 0 {
                    return None;
                }
                let t = x.trailing_zeros() as usize;
                x &= x - 1;
                Some(k * 64 + t)
            })
        })
    }
}
