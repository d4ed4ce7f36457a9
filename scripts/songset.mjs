// The song-set file of `genre-train teach` (SongSet::to_bytes in
// crates/trainer/src/songs.rs), written from trainModel's examples
// ({ label, features }): for the native side of the training benchmark and
// of the native/WebAssembly parity test.

/**
 * @param {{ label: string, features: { windows: number, features: Float32Array } }[]} examples
 * @returns {Buffer}
 */
export function songSetFile(examples) {
  const labels = [...new Set(examples.map((e) => e.label))];
  const parts = [Buffer.from('GENRESNG', 'latin1')];
  const u32 = (v) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    parts.push(b);
  };
  u32(labels.length);
  for (const l of labels) {
    const b = Buffer.from(l, 'utf8');
    u32(b.length);
    parts.push(b);
  }
  u32(examples.length);
  for (const e of examples) {
    u32(labels.indexOf(e.label));
    u32(e.features.windows);
  }
  for (const e of examples) parts.push(Buffer.from(e.features.features.buffer, e.features.features.byteOffset, e.features.features.byteLength));
  return Buffer.concat(parts);
}
