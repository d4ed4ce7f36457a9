#!/usr/bin/env python3
"""Measures the impulse response of soxr's 2:1 decimation (quality 'soxr_hq',
as librosa.resample(y, orig_sr=2, target_sr=1, res_type='soxr_hq') runs it)
and writes it as Rust coefficients to src/dsp/decimate_taps.rs.

soxr's 2:1 decimation is linear and time-invariant: output k is
sum_j h[j] * x[2k + j] with x zero outside the input, and there are
ceil(n / 2) outputs. Unit impulses at an even and an odd position far from
the edges give h at even and odd lags. Lags where |h| stays below 1e-7 on
both sides (soxr's single-precision rounding noise) are dropped.

Requirements: python-soxr (pinned through librosa==0.11.0's install), numpy.
Run from the repository root: python3 tests/parity/make_decimator_taps.py
"""
import pathlib

import numpy as np
import soxr

N = 16000
P = 8000
CUTOFF = 1e-7


def decimate(x):
    return soxr.resample(x, 2, 1, quality="soxr_hq")


def measure():
    h = {}
    for p in (P, P + 1):
        x = np.zeros(N)
        x[p] = 1.0
        y = decimate(x)
        for k, v in enumerate(y):
            h[2 * k - p] = float(v)
    lags = np.array(sorted(h))
    vals = np.array([h[k] for k in lags])
    big = lags[np.abs(vals) >= CUTOFF]
    half = int(max(-big.min(), big.max()))
    # soxr's filter is linear phase: average the two sides to cancel noise.
    taps = [0.5 * (h[j] + h[-j]) for j in range(0, half + 1)]
    asym = max(abs(h[j] - h[-j]) for j in range(0, half + 1))
    return taps, asym


def main():
    taps, asym = measure()
    half = len(taps) - 1
    root = pathlib.Path(__file__).resolve().parents[2]
    lines = [
        "//! Impulse response of soxr's 2:1 decimation ('soxr_hq'), measured by",
        "//! tests/parity/make_decimator_taps.py. Generated file: do not edit.",
        "",
        "/// Largest lag with a non-negligible tap.",
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
    print(f"wrote {out}: {half + 1} taps, max asymmetry {asym:.3g}")


if __name__ == "__main__":
    main()
