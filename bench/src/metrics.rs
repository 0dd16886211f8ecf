//! Ranking quality measures.

use std::collections::HashMap;

/// nDCG@k with exponential gains (2^g − 1) and a log2 discount.
pub fn ndcg_at(k: usize, ranking: &[u32], gains: &HashMap<u32, u32>) -> f64 {
    let dcg = |gs: &mut dyn Iterator<Item = u32>| -> f64 {
        gs.take(k)
            .enumerate()
            .map(|(i, g)| (f64::from(2u32.pow(g)) - 1.0) / (i as f64 + 2.0).log2())
            .sum()
    };
    let got = dcg(&mut ranking.iter().map(|d| gains.get(d).copied().unwrap_or(0)));
    let mut ideal: Vec<u32> = gains.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let best = dcg(&mut ideal.into_iter());
    if best == 0.0 { 0.0 } else { got / best }
}

/// Average precision of a ranking over every judged relevant document.
pub fn average_precision(ranking: &[u32], gains: &HashMap<u32, u32>) -> f64 {
    if gains.is_empty() {
        return 0.0;
    }
    let mut found = 0.0;
    let mut sum = 0.0;
    for (i, d) in ranking.iter().enumerate() {
        if gains.contains_key(d) {
            found += 1.0;
            sum += found / (i as f64 + 1.0);
        }
    }
    sum / gains.len() as f64
}

pub fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_and_empty_rankings() {
        let gains: HashMap<u32, u32> = [(1, 4), (2, 1)].into_iter().collect();
        assert!((ndcg_at(10, &[1, 2], &gains) - 1.0).abs() < 1e-9);
        assert!(ndcg_at(10, &[2, 1], &gains) < 1.0);
        assert_eq!(ndcg_at(10, &[7, 8], &gains), 0.0);
        assert!((average_precision(&[1, 2], &gains) - 1.0).abs() < 1e-9);
        assert!((average_precision(&[9, 1], &gains) - 0.25).abs() < 1e-9);
    }
}
