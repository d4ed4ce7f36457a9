#!/usr/bin/env python3
"""Golden values for resampling, soxr 2:1 decimation, the CQT and tonnetz.

Writes small JSON fixtures into tests/parity/cqt_golden/. Every synthetic
signal is described by a small spec that the Rust tests regenerate
bit-for-bit (see tests/common/signals.rs): sums of sines, a linear chirp,
clicks, silence and white noise from a 32-bit LCG.

Requirements (pinned): librosa==0.11.0 (with soxr), numpy, soundfile.
Run from the repository root: python3 tests/parity/make_cqt_golden.py
"""
import json
import pathlib
import re

import librosa
import numpy as np

assert librosa.__version__ == "0.11.0", librosa.__version__

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "parity" / "cqt_golden"
CLIP = "../shared/data/gtzan-subset/genres/jazz/jazz.00000.flac"
SR = 22050


def lcg_noise(n, seed):
    """Uniform noise in [-1, 1): 32-bit LCG, top 24 bits, exact in f32."""
    out = np.empty(n, dtype=np.float32)
    s = seed & 0xFFFFFFFF
    for i in range(n):
        s = (s * 1664525 + 1013904223) & 0xFFFFFFFF
        out[i] = np.float32((s >> 8) / 8388608.0 - 1.0)
    return out


def render(spec):
    """The samples of a signal spec, as float32 (computed in float64)."""
    n, sr = spec["len"], spec["sr"]
    t = np.arange(n, dtype=np.float64) / sr
    y = np.zeros(n, dtype=np.float64)
    for part in spec["parts"]:
        kind, amp = part["kind"], part["amp"]
        if kind == "sine":
            y += amp * np.sin(2.0 * np.pi * part["freq"] * t)
        elif kind == "chirp":
            f0, f1 = part["f0"], part["f1"]
            dur = n / sr
            y += amp * np.sin(2.0 * np.pi * (f0 * t + 0.5 * (f1 - f0) / dur * t * t))
        elif kind == "clicks":
            y[part["offset"] :: part["period"]] += amp
        elif kind == "noise":
            y += amp * lcg_noise(n, part["seed"]).astype(np.float64)
        else:
            raise ValueError(kind)
    return y.astype(np.float32)


def sines(freqs, amp):
    return [{"kind": "sine", "freq": f, "amp": amp} for f in freqs]


def excerpts(y, width):
    """Head, middle and tail of y, with their start indices."""
    n = len(y)
    mid = max(0, n // 2 - width // 2)
    starts = [0, mid, max(0, n - width)]
    return [{"start": int(s), "values": [float(v) for v in y[s : s + width]]} for s in starts]


def write(name, obj):
    path = OUT / name
    path.write_text(json.dumps(obj, separators=(",", ":")))
    print(f"wrote {path} ({path.stat().st_size} bytes)")


def decimation():
    cases = []
    specs = {
        "noise": {"sr": 2, "len": 5001, "parts": [{"kind": "noise", "amp": 0.9, "seed": 7}]},
        "chirp": {"sr": 22050, "len": 6000, "parts": [{"kind": "chirp", "f0": 20.0, "f1": 11000.0, "amp": 0.8}]},
        "tones": {"sr": 22050, "len": 4096, "parts": sines([440.0, 5000.0, 5600.0], 0.3)},
        "short": {"sr": 22050, "len": 7, "parts": [{"kind": "noise", "amp": 1.0, "seed": 3}]},
    }
    for name, spec in specs.items():
        y = render(spec)
        d = librosa.resample(y, orig_sr=2, target_sr=1, res_type="soxr_hq", scale=True)
        cases.append({"name": name, "signal": spec, "out_len": len(d), "excerpts": excerpts(d, 200)})
    write("decimate.json", {"cases": cases})


def resampling():
    cases = []
    for rate in (8000, 11025, 16000, 44100, 48000, 96000, 192000):
        n = rate // 2 + 37
        top = min(0.45 * rate, 10000.0)
        specs = {
            "tones": {"sr": rate, "len": n, "parts": sines([110.0, 1234.5, 0.4 * min(rate, SR)], 0.3)
                      + [{"kind": "chirp", "f0": 30.0, "f1": top, "amp": 0.1}]},
            "noise": {"sr": rate, "len": n, "parts": [{"kind": "noise", "amp": 0.5, "seed": rate}]},
        }
        for name, spec in specs.items():
            y = render(spec)
            r = librosa.resample(y, orig_sr=rate, target_sr=SR, res_type="soxr_hq")
            cases.append({"name": f"{name}@{rate}", "signal": spec, "out_len": len(r),
                          "excerpts": excerpts(r, 128)})
    write("resample.json", {"cases": cases})


CQT_SIGNAL = {"sr": SR, "len": 33075, "parts": sines([130.81, 164.81, 196.0, 523.25, 3000.0], 0.2)
              + [{"kind": "noise", "amp": 0.05, "seed": 11}, {"kind": "clicks", "period": 5000, "offset": 1234, "amp": 0.7}]}


def cqt():
    y = render(CQT_SIGNAL)
    out = {"signal": CQT_SIGNAL, "cases": []}
    for tuning in (0.0, -0.37, 0.21):
        C = np.abs(librosa.cqt(y, sr=SR, hop_length=512, n_bins=252, bins_per_octave=36, tuning=tuning))
        t = C.shape[1]
        frames = sorted({0, 1, 2, t // 2, t - 2, t - 1})
        out["cases"].append({"tuning": tuning, "n_frames": t,
                             "frames": [{"index": f, "values": [float(v) for v in C[:, f]]} for f in frames]})
    write("cqt.json", out)


def _measured_taps():
    """The taps of src/dsp/decimate_taps.rs as the full symmetric filter,
    and its half length."""
    src = (ROOT / "src" / "dsp" / "decimate_taps.rs").read_text()
    h = np.array([float(v) for v in re.findall(r"^\s+(-?[0-9.e+-]+),$", src, re.M)])
    return np.concatenate([h[::-1], h[1:]]), len(h) - 1


def exact_halving():
    """soxr's 2:1 decimation evaluated exactly (float64) with the taps of
    src/dsp/decimate_taps.rs, in place of soxr's single-precision run."""
    full, half = _measured_taps()

    def resample(y, *, orig_sr, target_sr, res_type, scale):
        assert (orig_sr, target_sr, scale) == (2, 1, True)
        z = np.convolve(y.astype(np.float64), full)[half : half + len(y)][::2] * np.sqrt(2.0)
        return z.astype(y.dtype)

    return resample


def single_precision_halving():
    """The same decimation as a single-precision FFT convolution, as the
    Rust decimator computes it: its own rounding, unlike soxr's."""
    import scipy.signal

    full, half = _measured_taps()

    def resample(y, *, orig_sr, target_sr, res_type, scale):
        assert (orig_sr, target_sr, scale) == (2, 1, True)
        z = scipy.signal.oaconvolve(y.astype(np.float32), full.astype(np.float32))
        return (z[half : half + len(y)][::2] * np.float32(np.sqrt(2.0))).astype(y.dtype)

    return resample


def _tonnetz_with(y, tuning, resample):
    """librosa's tonnetz of `y` (CQT tuning given), with `resample` in
    place of the CQT's octave decimation."""
    from librosa.core import constantq

    original = constantq.audio.resample
    constantq.audio.resample = resample
    try:
        return librosa.feature.tonnetz(y=y, sr=SR, chroma=librosa.feature.chroma_cqt(y=y, sr=SR, tuning=tuning))
    finally:
        constantq.audio.resample = original


def _moves(a, b):
    """Per statistic, how far tonnetz `b` lies from `a`, relative to the
    largest magnitude of `a`, as the Rust tests measure."""
    out = {}
    for stat in ("mean", "min", "max"):
        sa, sb = getattr(a, stat)(axis=1), getattr(b, stat)(axis=1)
        scale = np.abs(sa).max()
        out[stat] = float(np.abs(sa - sb).max() / scale) if scale > 0 else 0.0
    return out


def soxr_rounding_effect(y, tuning, ton):
    """Per statistic, how far librosa's own tonnetz moves when soxr's
    rounding is taken out of the octave decimation. This is the floor below
    which no implementation without soxr's exact float32 arithmetic can go."""
    return _moves(ton, _tonnetz_with(y, tuning, exact_halving()))


def rounding_effect(y, tuning, ton):
    """Per statistic, how far an implementation whose decimation rounds in
    single precision in its own way may lie from librosa's tonnetz: soxr's
    rounding effect (librosa against exact decimation) plus the effect of a
    single-precision FFT convolution's rounding (exact against it)."""
    exact = _tonnetz_with(y, tuning, exact_halving())
    single = _tonnetz_with(y, tuning, single_precision_halving())
    soxr, own = _moves(ton, exact), _moves(exact, single)
    return {stat: soxr[stat] + own[stat] for stat in soxr}


def tonnetz_case(name, y, source):
    tuning = float(librosa.estimate_tuning(y=y, sr=SR, bins_per_octave=36))
    ton = librosa.feature.tonnetz(y=y, sr=SR)
    ton_given = librosa.feature.tonnetz(y=y, sr=SR, chroma=librosa.feature.chroma_cqt(y=y, sr=SR, tuning=tuning))
    assert np.array_equal(ton, ton_given)
    return {"name": name, **source, "tuning": tuning, "n_frames": ton.shape[1],
            "mean": ton.mean(axis=1).tolist(), "min": ton.min(axis=1).tolist(), "max": ton.max(axis=1).tolist(),
            "soxr_rounding": soxr_rounding_effect(y, tuning, ton)}


def tonnetz():
    n = 3 * SR
    specs = {
        "tone_off_a440": {"sr": SR, "len": n, "parts": sines([446.0], 0.5)},
        "c_major_chord": {"sr": SR, "len": n, "parts": sines([261.63, 329.63, 392.0], 0.3)},
        "a_minor_detuned": {"sr": SR, "len": n, "parts": sines([218.0, 261.0, 327.0, 872.0], 0.25)},
        "chirp": {"sr": SR, "len": n, "parts": [{"kind": "chirp", "f0": 40.0, "f1": 8000.0, "amp": 0.7}]},
        "noise": {"sr": SR, "len": n, "parts": [{"kind": "noise", "amp": 0.5, "seed": 12345}]},
        "clicks": {"sr": SR, "len": n, "parts": [{"kind": "clicks", "period": 2205, "offset": 100, "amp": 1.0}]},
        "silence": {"sr": SR, "len": n, "parts": []},
        "short": {"sr": SR, "len": 2048, "parts": sines([300.0, 450.0], 0.4)},
    }
    cases = [tonnetz_case(k, render(v), {"signal": v}) for k, v in specs.items()]
    y, sr = librosa.load(ROOT / CLIP, sr=SR)
    assert sr == SR
    cases.append(tonnetz_case("gtzan_jazz_00000", y, {"path": CLIP, "len": len(y)}))
    write("tonnetz.json", {"cases": cases})


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    decimation()
    resampling()
    cqt()
    tonnetz()
