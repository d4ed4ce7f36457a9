"""Writes the seed corpora of the fuzz targets into fuzz/corpus/<target>/.

Run from the repository root: python3 fuzz/make_corpus.py
Needs numpy and soundfile. The corpus is generated, never committed.

- features: the input layout of fuzz_targets/features.rs (rate selector,
  sample encoding, channel count, length, sample data) for tones, silence,
  noise, square waves, NaN/Inf/denormal samples and edge lengths.
- model: valid model files (postcard, as src/model/format.rs writes them),
  with f32, f16 and int8 weights, and damaged copies.
- decode: small WAV, FLAC, Ogg Vorbis and MP3 files and truncated copies.
"""
import io
import os
import struct

import numpy as np
import soundfile as sf

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
LAYOUT_VERSION = 1
FORMAT_VERSION = 2
N_FEATURES = 498
GENRES = ["blues", "classical", "country", "disco", "hiphop",
          "jazz", "metal", "pop", "reggae", "rock"]


def write(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- features ---------------------------------------------------------------

def features_input(selector, mode, channels, length, payload):
    return struct.pack("<IBBH", selector, mode, channels, length) + payload


def rate_selector(rate):
    # Selector 0 mod 8 passes `selector >> 3` through as the rate.
    return rate << 3


def features_corpus():
    rng = np.random.default_rng(7)
    sr = 22050
    t = np.arange(4096) / sr
    tone = (0.5 * np.sin(2 * np.pi * 440 * t)).astype("<f4")
    square = np.sign(np.sin(2 * np.pi * 100 * t)).astype("<f4")
    noise = rng.uniform(-1, 1, 4096).astype("<f4")
    pcm = (tone * 32767).astype("<i2")
    cases = {
        "tone_f32": features_input(1, 0, 1, 0, tone.tobytes()),
        "square_f32": features_input(1, 0, 1, 0, square.tobytes()),
        "noise_f32_2ch": features_input(1, 0, 2, 0, noise.tobytes()),
        "tone_pcm16": features_input(1, 1, 1, 0, pcm.tobytes()),
        "silence_f32": features_input(1, 0, 1, 0, bytes(4 * 4096)),
        "dc_repeat": features_input(1, 3, 1, 30000, struct.pack("<f", 0.25)),
        "denormal_repeat": features_input(1, 3, 1, 30000, struct.pack("<I", 1)),
        "nan": features_input(1, 0, 1, 0, tone.tobytes()[:400] + struct.pack("<I", 0x7FC00000)),
        "inf": features_input(1, 0, 1, 0, struct.pack("<f", float("inf")) * 3000),
        "short": features_input(1, 0, 1, 0, tone.tobytes()[: 4 * 2047]),
        "one_frame": features_input(1, 0, 1, 0, tone.tobytes()[: 4 * 2048]),
        "rate_8k_pcm8": features_input(3, 2, 1, 20000, bytes(range(256))),
        "rate_192k_pcm8": features_input(4, 2, 1, 65535, bytes(range(0, 256, 3))),
        "rate_44k_5ch": features_input(2, 0, 5, 0, noise.tobytes()[: 4 * 4095]),
        "rate_7999": features_input(rate_selector(7999), 0, 1, 0, tone.tobytes()),
        "rate_192001": features_input(rate_selector(192001), 0, 1, 0, tone.tobytes()),
        "huge_values": features_input(1, 3, 1, 10000, struct.pack("<f", 3.0e38)),
        "empty": features_input(1, 0, 1, 0, b""),
    }
    for name, data in cases.items():
        write("features", name, data)


# ---- model -------------------------------------------------------------------

def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def f32s(values):
    return varint(len(values)) + np.asarray(values, dtype="<f4").tobytes()


def string(s):
    b = s.encode()
    return varint(len(b)) + b


def model_file(sizes, half, window_s=3.0, hop_s=1.5, seed=1, int8=False, scale_edit=None):
    """A postcard-encoded ModelFile (see src/model/format.rs). With int8, the
    weights are Weights::I8 (one f32 scale per output row, then i8 values);
    scale_edit(scales) may damage the scales."""
    rng = np.random.default_rng(seed)
    out = bytearray(b"GENREMDL")
    out += varint(FORMAT_VERSION) + varint(LAYOUT_VERSION)
    out += varint(len(GENRES)) + b"".join(string(g) for g in GENRES)
    out += struct.pack("<ff", window_s, hop_s)
    out += f32s(rng.normal(0, 1, N_FEATURES))
    out += f32s(rng.uniform(0.5, 2, N_FEATURES))
    # Input transform (mel_db, level, floor_db), temperature, confidence threshold.
    out += bytes([1, 1, 60]) + struct.pack("<ff", 1.0, 0.5)
    layers = list(zip(sizes[:-1], sizes[1:]))
    out += varint(len(layers))
    for i, o in layers:
        w = rng.normal(0, 0.1, i * o).astype("<f4")
        out += varint(i) + varint(o)
        if int8:
            rows = w.reshape(o, i)
            scales = (np.abs(rows).max(axis=1) / 127).astype("<f4")
            q = np.clip(np.round(rows / scales[:, None]), -127, 127).astype("i1")
            if scale_edit:
                scales = scale_edit(scales.copy())
            out += varint(2) + f32s(scales) + varint(q.size) + q.tobytes()
        elif half:
            out += varint(1) + varint(2 * len(w)) + w.astype("<f2").tobytes()
        else:
            out += varint(0) + f32s(w)
        out += f32s(rng.normal(0, 0.1, o))
    return bytes(out)


def model_corpus():
    small = model_file([N_FEATURES, 4, 10], half=False)
    write("model", "small_f32", small)
    write("model", "small_f16", model_file([N_FEATURES, 4, 10], half=True, seed=2))
    write("model", "one_layer", model_file([N_FEATURES, 10], half=False, seed=3))
    write("model", "three_layers_f16", model_file([N_FEATURES, 3, 5, 10], half=True, seed=4))
    write("model", "small_int8", model_file([N_FEATURES, 4, 10], half=False, seed=5, int8=True))
    write("model", "three_layers_int8",
          model_file([N_FEATURES, 3, 5, 10], half=False, seed=6, int8=True))

    def negative(s):
        s[0] = -s[0]
        return s

    write("model", "int8_negative_scale",
          model_file([N_FEATURES, 4, 10], half=False, seed=7, int8=True, scale_edit=negative))
    write("model", "int8_nan_scale",
          model_file([N_FEATURES, 4, 10], half=False, seed=8, int8=True,
                     scale_edit=lambda s: np.where(np.arange(len(s)) == 1, np.nan, s).astype("<f4")))
    write("model", "truncated", small[: len(small) // 2])
    write("model", "trailing", small + b"\0")
    write("model", "magic_only", b"GENREMDL")
    write("model", "bad_version", b"GENREMDL" + varint(2) + varint(1))
    write("model", "not_a_model", b"hello")


# ---- decode ------------------------------------------------------------------

def encoded(y, sr, fmt, subtype):
    buf = io.BytesIO()
    sf.write(buf, y, sr, format=fmt, subtype=subtype)
    return buf.getvalue()


def decode_corpus():
    sr = 22050
    t = np.arange(sr // 4) / sr
    mono = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    stereo = np.stack([mono, -mono], axis=1)
    files = {
        "pcm16.wav": encoded(mono, sr, "WAV", "PCM_16"),
        "float.wav": encoded(stereo, 44100, "WAV", "FLOAT"),
        "pcm24_5ch.wav": encoded(np.tile(mono[:2000, None], (1, 5)), 8000, "WAV", "PCM_24"),
        "pcm8.wav": encoded(mono[:3000], 11025, "WAV", "PCM_U8"),
        "tone.flac": encoded(mono, sr, "FLAC", "PCM_16"),
        "stereo24.flac": encoded(stereo, 48000, "FLAC", "PCM_24"),
        "tone.ogg": encoded(stereo, 44100, "OGG", "VORBIS"),
        "tone.mp3": encoded(mono, 44100, "MP3", "MPEG_LAYER_III"),
    }
    for name, data in files.items():
        write("decode", name, data)
        for keep in (12, 44, 100, len(data) // 2):
            write("decode", f"{name}.cut{keep}", data[:keep])
    write("decode", "text.mp3", b"This is a text file, not audio.\n" * 8)


if __name__ == "__main__":
    features_corpus()
    model_corpus()
    decode_corpus()
    for target in sorted(os.listdir(ROOT)):
        print(target, len(os.listdir(os.path.join(ROOT, target))), "files")
