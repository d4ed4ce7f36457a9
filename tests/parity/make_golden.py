#!/usr/bin/env python3
"""Golden feature vectors from librosa, for tests/native/parity/features.rs.

Rerun from the repository root (needs librosa==0.11.0, numpy, soundfile):

    python3 tests/parity/make_golden.py

For every signal below this writes tests/parity/golden/<name>.json with
librosa's 498 features (chroma_stft, melspectrogram, mfcc, tonnetz, each
reduced to per-row mean, min and max over time, concatenated in that order)
and librosa's two tuning estimates:

* tuning_chroma: estimate_tuning(S=|stft(y)|**2, bins_per_octave=12), the
  value chroma_stft uses;
* tuning_cqt: estimate_tuning(y=y, bins_per_octave=36), the value
  chroma_cqt (and so tonnetz) uses;
* tonnetz_rounding: per statistic, how far librosa's own tonnetz moves when
  soxr's float32 rounding is taken out of the CQT's octave decimation, plus
  how far the exact result moves when the decimation is a single-precision
  FFT convolution instead (its own rounding, as the Rust decimator's); see
  make_cqt_golden.py. The tonnetz target is relaxed to this floor, never
  beyond it.

Synthetic signals are stored as a small spec that tests/common/signals.rs
regenerates sample for sample (double precision, then float32). Real clips
are stored as a path relative to the repository root; the Rust test decodes
the FLAC file itself. No audio is written.

It also writes tests/parity/mel_image/<name>.json for a few synthetic
signals: the mel spectrogram picture of `mel_image` as librosa computes it,
power_to_db(melspectrogram(y), ref=np.max) averaged over runs of
consecutive frames (column c covers frames c*n//cols to (c+1)*n//cols).
"""

import json
import os
import sys

import librosa
import numpy as np
import soundfile as sf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_cqt_golden import rounding_effect  # noqa: E402

EXPECTED_LIBROSA = "0.11.0"
SR = 22050
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden")
GTZAN = "../shared/data/gtzan-subset/genres"

MASK64 = (1 << 64) - 1


def splitmix64(seed, n):
    """Outputs 1..n of the splitmix64 generator started at `seed` (uint64)."""
    with np.errstate(over="ignore"):
        i = np.arange(1, n + 1, dtype=np.uint64)
        z = np.uint64(seed) + i * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return z


def uniform(seed, n):
    """Uniform doubles in [-1, 1): the top 53 bits of splitmix64."""
    return (splitmix64(seed, n) >> np.uint64(11)).astype(np.float64) * 2.0**-52 - 1.0


def white(seed, n):
    return uniform(seed, n)


def pink(seed, n, rows=8):
    """Voss pink noise: row k holds a white value for 2**k samples."""
    acc = np.zeros(n)
    idx = np.arange(n)
    for k in range(rows):
        held = uniform((seed + k * 0x1000) & MASK64, (n >> k) + 1)
        acc = acc + held[idx >> k]
    return acc / rows


def generate(spec):
    """The float32 signal of a spec; mirrored by tests/common/signals.rs."""
    n = int(round(spec["seconds"] * SR))
    t = np.arange(n, dtype=np.float64) / SR
    y = np.zeros(n)
    for part in spec["parts"]:
        kind = part["kind"]
        amp = part["amp"]
        if kind == "tone":
            y = y + amp * np.sin(2.0 * np.pi * part["hz"] * t)
        elif kind == "chirp":
            f0, f1 = part["f0"], part["f1"]
            dur = n / SR
            y = y + amp * np.sin(2.0 * np.pi * (f0 * t + (f1 - f0) / (2.0 * dur) * t * t))
        elif kind == "white":
            y = y + amp * white(part["seed"], n)
        elif kind == "pink":
            y = y + amp * pink(part["seed"], n)
        elif kind == "impulses":
            clicks = np.zeros(n)
            clicks[part["offset"] :: part["every"]] = 1.0
            y = y + amp * clicks
        elif kind == "clicks":
            # Decaying sine bursts: j samples into each burst of `length`.
            i = np.arange(n)
            j = (i - part["offset"]) % part["every"]
            on = (i >= part["offset"]) & (j < part["length"])
            burst = np.sin(2.0 * np.pi * part["hz"] * (j / SR)) * np.exp(-j / part["decay"])
            y = y + amp * np.where(on, burst, 0.0)
        else:
            raise ValueError(kind)
    return y.astype(np.float32)


def tone(hz, amp=0.5):
    return {"kind": "tone", "hz": hz, "amp": amp}


SYNTHETIC = {
    "tone_446hz": {"seconds": 5.0, "parts": [tone(446.0)]},
    "tone_432hz": {"seconds": 5.0, "parts": [tone(432.0)]},
    "chord_c_major_sharp": {
        "seconds": 4.0,
        "parts": [tone(263.0, 0.3), tone(331.4, 0.3), tone(394.1, 0.3), tone(526.0, 0.2)],
    },
    "chirp_100_8000hz": {
        "seconds": 6.0,
        "parts": [{"kind": "chirp", "f0": 100.0, "f1": 8000.0, "amp": 0.6}],
    },
    "white_noise": {"seconds": 5.0, "parts": [{"kind": "white", "seed": 12345, "amp": 0.3}]},
    "pink_noise": {"seconds": 5.0, "parts": [{"kind": "pink", "seed": 777, "amp": 0.5}]},
    "clicks": {
        "seconds": 3.0,
        "parts": [
            {"kind": "clicks", "every": 5513, "offset": 100, "length": 600, "hz": 1500.0,
             "decay": 60.0, "amp": 0.9}
        ],
    },
    "impulses": {
        "seconds": 3.0,
        "parts": [{"kind": "impulses", "every": 5513, "offset": 100, "amp": 0.9}],
    },
    "silence": {"seconds": 2.0, "parts": []},
    "tone_1s": {"seconds": 1.0, "parts": [tone(446.0, 0.8)]},
    "long_3min": {
        "seconds": 180.0,
        "parts": [
            tone(216.0, 0.2),
            tone(324.0, 0.15),
            tone(432.0, 0.2),
            {"kind": "chirp", "f0": 200.0, "f1": 3000.0, "amp": 0.1},
            {"kind": "pink", "seed": 99, "amp": 0.05},
        ],
    },
}

REAL = ["blues/blues.00000.flac", "classical/classical.00000.flac", "metal/metal.00000.flac",
        "reggae/reggae.00000.flac"]


def stats(x):
    return [x.mean(axis=1), x.min(axis=1), x.max(axis=1)]


def features(y, sr):
    """The 498 features exactly as the training pipeline computes them."""
    groups = [
        librosa.feature.chroma_stft(y=y, sr=sr),
        librosa.feature.melspectrogram(y=y, sr=sr),
        librosa.feature.mfcc(y=y, sr=sr),
        librosa.feature.tonnetz(y=y, sr=sr),
    ]
    return np.concatenate([s for g in groups for s in stats(g)])


def tunings(y, sr):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        power = np.abs(librosa.stft(y)) ** 2
        t_chroma = librosa.estimate_tuning(S=power, sr=sr, bins_per_octave=12)
        t_cqt = librosa.estimate_tuning(y=y, sr=sr, bins_per_octave=36)
    return float(t_chroma), float(t_cqt)


# Inputs whose tuning estimate librosa decides by rounding noise: the
# spectrum of an isolated impulse is flat to float32 precision (relative
# spread about 3e-7), so piptrack's peaks there are placed by the FFT's
# rounding errors, which no other FFT reproduces.
NOISE_DETERMINED_TUNING = {
    "impulses": "isolated impulses have a spectrum flat to float32 rounding; "
    "piptrack's peaks there depend on the FFT's rounding errors",
}


def write(name, source, y, sr):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f = features(y, sr)
        t_chroma, t_cqt = tunings(y, sr)
        ton = librosa.feature.tonnetz(y=y, sr=sr)
        rounding = rounding_effect(y, t_cqt, ton)
    doc = {
        "name": name,
        "librosa_version": librosa.__version__,
        "sample_rate": sr,
        "n_samples": int(len(y)),
        **source,
        **({"noise_determined_tuning": NOISE_DETERMINED_TUNING[name]}
           if name in NOISE_DETERMINED_TUNING else {}),
        "tuning_chroma": t_chroma,
        "tuning_cqt": t_cqt,
        "tonnetz_rounding": rounding,
        "features": [float(v) for v in f],
    }
    with open(os.path.join(OUT, name + ".json"), "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")
    print(f"{name}: {len(y)} samples, tuning {t_chroma:+.2f} (12) {t_cqt:+.2f} (36)")


MEL_IMAGE_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mel_image")
MEL_IMAGE = {"chirp_100_8000hz": 40, "chord_c_major_sharp": 500, "pink_noise": 64}


def write_mel_image(name, spec, max_columns):
    y = generate(spec)
    db = librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=SR), ref=np.max)
    n = db.shape[1]
    cols = min(n, max_columns)
    pooled = np.stack([db[:, c * n // cols : (c + 1) * n // cols].mean(axis=1) for c in range(cols)], 1)
    doc = {
        "name": name,
        "librosa_version": librosa.__version__,
        "signal": spec,
        "n_samples": int(len(y)),
        "max_columns": max_columns,
        "n_mels": int(pooled.shape[0]),
        "n_columns": int(cols),
        "db": [float(v) for v in pooled.ravel()],
    }
    with open(os.path.join(MEL_IMAGE_OUT, name + ".json"), "w") as fh:
        json.dump(doc, fh)
        fh.write("\n")
    print(f"mel image {name}: {pooled.shape}")


def main():
    if librosa.__version__ != EXPECTED_LIBROSA:
        sys.exit(f"librosa {EXPECTED_LIBROSA} required, found {librosa.__version__}")
    os.makedirs(OUT, exist_ok=True)
    for name, spec in SYNTHETIC.items():
        write(name, {"signal": spec}, generate(spec), SR)
    for rel in REAL:
        path = f"{GTZAN}/{rel}"
        # As librosa.load(path) reads a mono 22050 Hz file: float32 in [-1, 1).
        y, sr = sf.read(path, dtype="float32", always_2d=True)
        assert sr == SR, path
        y = y.mean(axis=1, dtype=np.float32) if y.shape[1] > 1 else y[:, 0].copy()
        ly, _ = librosa.load(path, sr=SR)
        assert np.array_equal(ly, y), "soundfile and librosa.load disagree"
        name = os.path.basename(rel).rsplit(".", 1)[0].replace(".", "_")
        write(name, {"path": path}, y, sr)
    os.makedirs(MEL_IMAGE_OUT, exist_ok=True)
    for name, cols in MEL_IMAGE.items():
        write_mel_image(name, SYNTHETIC[name], cols)


if __name__ == "__main__":
    main()
