//! Keyed random streams: every draw of trial `i` is a function of `(seed, i, entity key,
//! draw index)` alone (a counter-based SplitMix64 generator), so results do not depend on the
//! thread, the batch, the other entities or the options applied.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// Name of the generator, recorded in manifests.
pub const GENERATOR: &str = "SplitMix64 counter-based uniforms of (seed, trial, entity key, draw index); Xoshiro256++ (rand_xoshiro 0.7) streams seeded via SplitMix64 for sequences";

/// SplitMix64 finaliser (Steele, Lea & Flood 2014).
pub fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of trial `i`: seed and index are mixed, not added, so (1, 0) and (0, 1) differ.
pub fn trial_seed(seed: u64, trial: u64) -> u64 {
    splitmix64(splitmix64(seed) ^ splitmix64(trial ^ 0xD1B5_4A32_D192_ED03))
}

/// The `k`-th uniform in [0, 1) of an entity in a trial (53 random bits).
#[inline]
pub fn uniform(trial_seed: u64, key: u64, k: u64) -> f64 {
    let x = splitmix64(trial_seed ^ key ^ k.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    (x >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// The stream of one entity in one trial, for entities that draw sequences.
pub fn stream(trial_seed: u64, key: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(trial_seed ^ key)
}

/// A uniform in the open interval (0, 1), for inverse-CDF sampling.
#[inline]
pub fn open_uniform(trial_seed: u64, key: u64, k: u64) -> f64 {
    let x = splitmix64(trial_seed ^ key ^ k.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    ((x >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// 64-bit FNV-1a followed by a SplitMix64 finaliser: a stable key for an entity name.
pub fn stable_key(kind: &str, id: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in kind.bytes().chain([0u8]).chain(id.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    splitmix64(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trial_seeds_mix_seed_and_index() {
        assert_ne!(trial_seed(1, 0), trial_seed(0, 1));
        assert_ne!(trial_seed(0, 0), trial_seed(0, 1));
    }

    #[test]
    fn first_draws_are_pinned() {
        // Value stability: if these change, every published result changes with them.
        let ts = trial_seed(42, 7);
        let u = [
            uniform(ts, 0x1234_5678_9abc_def0, 0),
            uniform(ts, 0x1234_5678_9abc_def0, 1),
        ];
        let mut r = stream(ts, 0x1234_5678_9abc_def0);
        let a: u64 = rand::Rng::random(&mut r);
        assert_eq!((ts, u, a), PINNED);
    }
    const PINNED: (u64, [f64; 2], u64) = (
        0x1f9b_bdaa_c190_6dbc,
        [0.657989894512371, 0.035421568658279834],
        0x290d_74dc_637e_3217,
    );

    #[test]
    fn uniforms_are_uniform() {
        // Chi-square over 20 equal bins, 200,000 draws at a fixed seed: the 99.9 % critical
        // value for 19 degrees of freedom is 43.82, so a correct generator fails this one time
        // in a thousand seeds; the seed is fixed, so the test is deterministic.
        let bins = 20;
        let n = 200_000u64;
        let mut c = vec![0u64; bins];
        for t in 0..n {
            let u = uniform(trial_seed(9, t), 0xABCD, t % 3);
            assert!((0.0..1.0).contains(&u));
            c[(u * bins as f64) as usize] += 1;
        }
        let e = n as f64 / bins as f64;
        let chi2: f64 = c.iter().map(|&o| (o as f64 - e).powi(2) / e).sum();
        assert!(chi2 < 43.82, "chi2 {chi2}");
    }
}
