// Exports of the results table: CSV, JSON, one M3U playlist per genre and a
// small (stored, uncompressed) zip of the playlists. Pure functions of the
// rows (no DOM, tested in Node), plus `download`, which saves a Blob.

/**
 * @import { Classification } from '../js/index.js'
 * @typedef {'queued' | 'working' | 'done' | 'error' | 'cancelled'} RowStatus
 * @typedef {object} ExportRow One file of the table, as exported.
 * @property {string} path The path as dropped or picked ("Music/Rock/a.mp3").
 * @property {string} folder Its folder part ("Music/Rock"; "" for a loose file).
 * @property {RowStatus} status
 * @property {Classification | null} result The package's result (without `mel`).
 * @property {{ code: string, message: string } | null} error Why there is no result.
 * @property {number | null} ms The time the batch spent on the file, in ms.
 */

/** The built-in model's genres, in model order (as the package's GENRES). */
export const GENRE_ORDER = /** @type {const} */ ([
  'blues', 'classical', 'country', 'disco', 'hiphop', 'jazz', 'metal', 'pop', 'reggae', 'rock',
]);

/**
 * The labels the page lists: those of the model in use, in model order,
 * then any other label the results hold (results of a model used earlier),
 * in name order.
 * @param {readonly string[]} inUse
 * @param {Iterable<string>} present
 * @returns {string[]}
 */
export function labelOrder(inUse, present) {
  const known = new Set(inUse);
  const others = [...new Set(present)].filter((g) => !known.has(g)).sort();
  return [...inUse, ...others];
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line
 * break, quotes doubled.
 * @param {string} s
 */
export function csvField(s) {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * "jazz 81%, blues 10%": the leading genres, as the `genre` command's CSV has them.
 * @param {Classification} result
 */
export function top3Text(result) {
  return (result.top3 ?? []).map((t) => `${t.genre} ${Math.round(t.probability * 100)}%`).join(', ');
}

/**
 * The probability of the result's genre.
 * @param {Classification} result
 */
export function topProbability(result) {
  return result.probabilities.find((p) => p.genre === result.genre)?.probability ?? 0;
}

/**
 * CSV of the rows, a header first: the columns of `genre classify --format
 * csv` (file, genre, confident, probability, top3, duration, one column per
 * genre, error) plus folder, status and seconds (the time taken). `labels`
 * are the per-label columns (the model's labels, see `labelOrder`).
 * @param {ExportRow[]} rows
 * @param {readonly string[]} [labels]
 */
export function toCsv(rows, labels = GENRE_ORDER) {
  const header = ['file', 'folder', 'status', 'genre', 'confident', 'probability', 'top3', 'duration', 'seconds', ...labels, 'error'];
  const lines = [header.join(',')];
  for (const row of rows) {
    const r = row.result;
    const fields = [row.path, row.folder, row.status];
    if (r) {
      fields.push(r.genre, String(r.confident), topProbability(r).toFixed(4), top3Text(r), r.duration.toFixed(2));
    } else {
      fields.push('', '', '', '', '');
    }
    fields.push(row.ms === null ? '' : (row.ms / 1000).toFixed(3));
    for (const g of labels) {
      const p = r?.probabilities.find((x) => x.genre === g);
      fields.push(p ? p.probability.toFixed(4) : '');
    }
    fields.push(row.error ? row.error.message || row.error.code : '');
    lines.push(fields.map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * JSON of the rows: for each file `{ file, folder, status, ...result }` (the
 * package's result shape), or `{ file, folder, status, error: { code,
 * message } }` when it has none.
 * @param {ExportRow[]} rows
 */
export function toJson(rows) {
  const out = rows.map((row) => {
    const base = { file: row.path, folder: row.folder, status: row.status };
    if (row.result) return { ...base, ...row.result };
    return row.error ? { ...base, error: row.error } : base;
  });
  return `${JSON.stringify(out, null, 1)}\n`;
}

/**
 * One extended M3U playlist per genre: the classified files of that genre,
 * by their path as dropped, in path order. Keys are genres, in the order of
 * `labels` (see `labelOrder`), then any other genre of the rows in name order.
 * A path with a line break cannot be written in M3U and is left out.
 * @param {ExportRow[]} rows
 * @param {readonly string[]} [labels]
 * @returns {Map<string, string>}
 */
export function toPlaylists(rows, labels = GENRE_ORDER) {
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  /** @type {Map<string, ExportRow[]>} */
  const byGenre = new Map();
  for (const row of rows) {
    if (!row.result || /[\r\n]/.test(row.path)) continue;
    const list = byGenre.get(row.result.genre) ?? [];
    list.push(row);
    byGenre.set(row.result.genre, list);
  }
  /** @type {Map<string, string>} */
  const out = new Map();
  for (const genre of labelOrder(labels, byGenre.keys())) {
    const list = byGenre.get(genre);
    if (!list) continue;
    list.sort((a, b) => collator.compare(a.path, b.path));
    const lines = ['#EXTM3U'];
    for (const row of list) {
      const name = row.path.slice(row.path.lastIndexOf('/') + 1);
      const dot = name.lastIndexOf('.');
      const title = dot > 0 ? name.slice(0, dot) : name;
      lines.push(`#EXTINF:${Math.round(row.result?.duration ?? -1)},${title}`, row.path);
    }
    out.set(genre, `${lines.join('\n')}\n`);
  }
  return out;
}

/** @type {Uint32Array | null} */
let crcTable = null;

/**
 * CRC-32 (IEEE), as zip needs it.
 * @param {Uint8Array} bytes
 */
export function crc32(bytes) {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * A zip archive of text files, stored without compression (playlists are
 * small), names in UTF-8.
 * @param {{ name: string, text: string }[]} files
 * @param {Date} [date]
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function zip(files, date = new Date()) {
  const enc = new TextEncoder();
  const time = (date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1);
  const day = ((Math.max(1980, date.getFullYear()) - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate();
  /** @type {Uint8Array[]} */
  const parts = [];
  /** @type {Uint8Array[]} */
  const central = [];
  let offset = 0;
  for (const { name, text } of files) {
    const nameBytes = enc.encode(name);
    const data = enc.encode(text);
    const crc = crc32(data);
    const local = new Uint8Array(30 + nameBytes.length);
    const l = new DataView(local.buffer);
    l.setUint32(0, 0x04034b50, true);
    l.setUint16(4, 20, true); // version needed: 2.0
    l.setUint16(6, 0x0800, true); // UTF-8 names
    l.setUint16(8, 0, true); // stored
    l.setUint16(10, time, true);
    l.setUint16(12, day, true);
    l.setUint32(14, crc, true);
    l.setUint32(18, data.length, true);
    l.setUint32(22, data.length, true);
    l.setUint16(26, nameBytes.length, true);
    local.set(nameBytes, 30);
    const entry = new Uint8Array(46 + nameBytes.length);
    const c = new DataView(entry.buffer);
    c.setUint32(0, 0x02014b50, true);
    c.setUint16(4, 20, true);
    c.setUint16(6, 20, true);
    c.setUint16(8, 0x0800, true);
    c.setUint16(10, 0, true);
    c.setUint16(12, time, true);
    c.setUint16(14, day, true);
    c.setUint32(16, crc, true);
    c.setUint32(20, data.length, true);
    c.setUint32(24, data.length, true);
    c.setUint16(28, nameBytes.length, true);
    c.setUint32(42, offset, true);
    entry.set(nameBytes, 46);
    parts.push(local, data);
    central.push(entry);
    offset += local.length + data.length;
  }
  const centralSize = central.reduce((n, e) => n + e.length, 0);
  const end = new Uint8Array(22);
  const e = new DataView(end.buffer);
  e.setUint32(0, 0x06054b50, true);
  e.setUint16(8, files.length, true);
  e.setUint16(10, files.length, true);
  e.setUint32(12, centralSize, true);
  e.setUint32(16, offset, true);
  const out = new Uint8Array(offset + centralSize + end.length);
  let at = 0;
  for (const p of [...parts, ...central, end]) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Saves `data` as a download named `name` (a Blob URL and an <a download>);
 * nothing leaves the device.
 * @param {string} name
 * @param {BlobPart} data
 * @param {string} type
 */
export function download(name, data, type) {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // Some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
