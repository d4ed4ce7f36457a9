#!/usr/bin/env python3
"""Measures the impulse response of soxr's 2:1 decimation (quality 'soxr_hq',
as librosa.resample(y, orig_sr=2, target_sr=1, res_type='soxr_hq') runs it)
and writes it as Rust coefficients to src/dsp/decimate_taps.rs.

soxr's 2:1 decimation is linear and time-invariant: output k is
sum_j h[j] * x[2k + j] with x zero outside the input, and there are
ceil(n / 2) outputs (checked by the Rust tests against soxr's output on
noise, chirps and tones, edges included). The filter is symmetric; lags up
to HALF are fitted, beyond which soxr's taps are below 1e-8.

Requirements: python-soxr (pinned through librosa==0.11.0's install), numpy.
Run from the repository root: python3 tests/parity/make_decimator_taps.py
"""
import pathlib

import numpy as np
import soxr

HALF = 600
SEED = 5
BLOCKS = 3
BLOCK_LEN = 40000


def decimate(x):
    return soxr.resample(x, 2, 1, quality="soxr_hq")


def measure():
    """Least-squares fit of the symmetric taps h[0..=HALF] to soxr's output
    on white noise, away from the edges.

    A single impulse response carries soxr's single-precision rounding
    (about 1e-8 per tap), which raises the stopband of the measured filter
    well above soxr's own; fitting over many outputs averages it out.
    """
    rng = np.random.default_rng(SEED)
    rows, rhs = [], []
    for _ in range(BLOCKS):
        x = rng.standard_normal(BLOCK_LEN).astype(np.float32)
        y = decimate(x).astype(np.float64)
        xd = x.astype(np.float64)
        k = np.arange(HALF // 2 + 1, BLOCK_LEN // 2 - HALF // 2 - 1)
        a = np.empty((len(k), HALF + 1))
        a[:, 0] = xd[2 * k]
        for j in range(1, HALF + 1):
            a[:, j] = xd[2 * k + j] + xd[2 * k - j]
        rows.append(a)
        rhs.append(y[k])
    a, b = np.vstack(rows), np.concatenate(rhs)
    taps = np.linalg.lstsq(a, b, rcond=None)[0]
    resid = b - a @ taps
    return [float(t) for t in taps], float(resid.std())


def main():
    taps, resid = measure()
    half = len(taps) - 1
    root = pathlib.Path(__file__).resolve().parents[2]
    lines = [
        "//! Impulse response of soxr's 2:1 decimation ('soxr_hq'), measured by",
        "//! tests/parity/make_decimator_taps.py. Generated file: do not edit.",
        "",
        "/// Largest lag of the fitted filter.",
        f"pub(crate) const HALF: usize = {half};",
        "",
        "/// Taps h[0..=HALF] of the symmetric filter (h[-j] = h[j]); output k is",
        "/// sum_j h[j] x[2k + j], with x zero outside the input.",
        f"pub(crate) const TAPS: [f64; {half + 1}] = [",
    ]
    lines += [f"    {t!r}," for t in taps]
    lines += ["];", ""]
    out = root / "src" / "dsp" / "decimate_taps.rs"
    out.write_text("\n".join(lines))
    print(f"wrote {out}: {half + 1} taps, fit residual rms {resid:.3g}")


if __name__ == "__main__":
    main()
