//! Number formatting shared by every written table.

/// Rounds to 6 decimals so that printed numbers are stable and readable.
pub fn r6(x: f64) -> f64 {
    if x.is_finite() {
        (x * 1e6).round() / 1e6
    } else {
        x
    }
}
