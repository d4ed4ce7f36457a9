//! The parity measure shared by the native and the browser suites.

/// max |ours - theirs| / max |theirs| over a range (absolute when theirs is all zero).
pub fn relative_error(ours: &[f32], theirs: &[f64]) -> f64 {
    let scale = theirs.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let diff = ours
        .iter()
        .zip(theirs)
        .fold(0.0f64, |m, (&o, &t)| m.max((o as f64 - t).abs()));
    if scale > 0.0 {
        diff / scale
    } else {
        diff
    }
}

/// The largest error allowed for a statistic of `group`: the target, except
/// that tonnetz may reach librosa's own rounding effect (a chirp above the
/// CQT's top bin, where only -110 dB leakage reaches the chroma).
pub fn allowed(group: &str, target: f64, tonnetz_rounding: f64) -> f64 {
    match group {
        "tonnetz" => target.max(tonnetz_rounding),
        _ => target,
    }
}
