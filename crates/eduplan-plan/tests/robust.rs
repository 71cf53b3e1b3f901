//! Extraction must not panic on any text: random strings over the characters the parsers
//! look at (numerals, units, comparators, brackets, separators).

use eduplan_plan::extract;

#[test]
fn arbitrary_text_does_not_panic() {
    let alphabet: Vec<char> =
        "0123456789.%、,;:()“”《》一二两三十百千万亿点余多以上下内左右-~至每第年底所个人名次元/生·各均分别消除清零零发生到提高达不低于超过的和及与率比中小学\n\t|，。："
            .chars()
            .collect();
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        // xorshift64: deterministic, no dependency.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..3000 {
        let len = (next() % 60) as usize;
        let s: String = (0..len)
            .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
            .collect();
        for t in extract("r.txt", &s) {
            assert!(
                !t.metric.is_empty() && !t.unit.is_empty() && t.value.is_finite(),
                "{s:?} → {t:?}"
            );
        }
    }
}
