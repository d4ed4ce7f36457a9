// Synthetic music made at run time: WAVs for the tests and for the decoder
// module's warm-up file (scripts/decoder_warm_up.mjs), never real audio.

/**
 * A 16-bit PCM WAV of `frames` frames of `channels` channels at `rate` Hz,
 * all zero: sample `i` of channel `c` is the int16 at byte 44 + 2 * (i * channels + c).
 */
export function pcmWav(frames, rate, channels) {
  const bytes = frames * channels * 2;
  const data = Buffer.alloc(44 + bytes);
  data.write('RIFF', 0);
  data.writeUInt32LE(36 + bytes, 4);
  data.write('WAVEfmt ', 8);
  data.writeUInt32LE(16, 16);
  data.writeUInt16LE(1, 20); // PCM
  data.writeUInt16LE(channels, 22);
  data.writeUInt32LE(rate, 24);
  data.writeUInt32LE(rate * 2 * channels, 28);
  data.writeUInt16LE(2 * channels, 32);
  data.writeUInt16LE(16, 34);
  data.write('data', 36);
  data.writeUInt32LE(bytes, 40);
  return data;
}

/**
 * A 16-bit WAV of `seconds` of a synthetic tune (chords, bass, hi-hat
 * noise), deterministic: mono, or stereo with the right channel a little
 * quieter.
 * @param {number} seconds
 * @param {number} [rate]
 * @param {1 | 2} [channels]
 */
export function tuneWav(seconds, rate = 44100, channels = 2) {
  const n = Math.round(seconds * rate);
  const data = pcmWav(n, rate, channels);
  const gains = [1, 0.7].slice(0, channels);
  const chords = [
    [220, 277.18, 329.63],
    [196, 246.94, 293.66],
    [174.61, 220, 261.63],
    [196, 246.94, 293.66],
  ];
  let seed = 12345;
  const noise = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const s16 = (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32767 * 0.8)));
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const chord = chords[Math.floor(t / 2) % chords.length];
    let v = 0;
    for (const f of chord) v += 0.12 * Math.sin(2 * Math.PI * f * t) + 0.04 * Math.sin(4 * Math.PI * f * t);
    const beat = t % 0.5;
    v += 0.25 * Math.sin(2 * Math.PI * (chord[0] / 2) * t) * Math.exp(-beat * 6);
    v += 0.08 * noise() * Math.exp(-((t + 0.25) % 0.5) * 40);
    gains.forEach((g, c) => data.writeInt16LE(s16(g * v), 44 + 2 * (i * channels + c)));
  }
  return data;
}
