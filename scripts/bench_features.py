#!/usr/bin/env python3
"""Native feature-extraction speed: librosa against the Rust extractor.

Run from the repository root (needs librosa==0.11.0, numpy, soundfile, cargo):

    python3 scripts/bench_features.py [clip.flac]

In one run it times librosa's four features (chroma_stft, melspectrogram,
mfcc, tonnetz; also the three STFT-based ones and tonnetz on their own) on a
real 30 s clip, writes the same float32 samples to a temporary raw file,
times the Rust extractor on them with `examples/time_features.rs` (release
build, one thread), and writes the figures and ratios into BENCHMARKS.md,
section "Feature extraction, native". Times are wall-clock medians.
"""

import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time

import librosa
import numpy as np
import soundfile as sf

CLIP = "../shared/data/gtzan-subset/genres/blues/blues.00000.flac"
RUNS = 7
RUST_RUNS = 30
SECTION = "## Feature extraction, native"


def median_time(fn, runs):
    fn()  # warm-up (numba compilation, caches)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return float(np.median(times))


def cpu_model():
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main():
    clip = sys.argv[1] if len(sys.argv) > 1 else CLIP
    y, sr = sf.read(clip, dtype="float32")
    if y.ndim > 1:
        y = y.mean(axis=1, dtype=np.float32)
    assert sr == 22050, f"{clip}: {sr} Hz, 22050 Hz expected"

    def stft_groups():
        librosa.feature.chroma_stft(y=y, sr=sr)
        librosa.feature.melspectrogram(y=y, sr=sr)
        librosa.feature.mfcc(y=y, sr=sr)

    def tonnetz():
        librosa.feature.tonnetz(y=y, sr=sr)

    def all_four():
        stft_groups()
        tonnetz()

    lib_all = median_time(all_four, RUNS)
    lib_stft = median_time(stft_groups, RUNS)
    lib_tonnetz = median_time(tonnetz, RUNS)

    subprocess.run(
        ["cargo", "build", "--release", "--quiet", "--example", "time_features"], check=True
    )
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "samples.f32")
        y.astype("<f4").tofile(raw)
        load = os.getloadavg()[0]
        out = subprocess.run(
            ["target/release/examples/time_features", raw, str(RUST_RUNS)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    rust = json.loads(out)

    rows = [
        ("chroma_stft + melspectrogram + mfcc", lib_stft, rust["stft_groups_median_s"]),
        ("tonnetz", lib_tonnetz, rust["tonnetz_median_s"]),
        ("all four (whole `extract`)", lib_all, rust["extract_median_s"]),
    ]
    lines = [
        SECTION,
        "",
        f"Written by `scripts/bench_features.py` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        f"Clip: `{clip}` ({len(y) / sr:.1f} s, {len(y)} samples at {sr} Hz). "
        f"Machine: {cpu_model()}, {os.cpu_count()} logical CPUs, load average "
        f"{load:.1f} while the Rust timings ran (other work shared the machine). "
        f"librosa {librosa.__version__}, numpy {np.__version__}, median of {RUNS} runs; "
        f"Rust: release build of `examples/time_features.rs`, one thread, median of "
        f"{RUST_RUNS} runs, same samples.",
        "",
        "| features | librosa (s) | Rust (s) | speed-up |",
        "|---|---:|---:|---:|",
    ]
    placeholder = rust["tonnetz_median_s"] < 1e-4
    for name, lib, ours in rows:
        ratio = f"{lib / ours:.0f}x" if ours > 0 and not (placeholder and name != rows[0][0]) else "n/a"
        lines.append(f"| {name} | {lib:.4f} | {ours:.4f} | {ratio} |")
    lines.append("")
    if placeholder:
        lines.append(
            "The tonnetz stage of this build is a placeholder (no CQT yet), so the "
            "whole-extractor figure covers the three STFT-based groups only."
        )
        lines.append("")
    section = "\n".join(lines)

    path = "BENCHMARKS.md"
    text = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
    pattern = re.compile(re.escape(SECTION) + r"\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    with open(path, "w") as fh:
        fh.write(text.rstrip("\n") + "\n")
    print(section)


if __name__ == "__main__":
    main()
