// What a drop or a pick holds: the audio files (with their paths as
// dropped), walking dropped folders recursively, and how many other files
// were left out. No DOM access: the page-logic tests run it in Node with
// stand-in entries.

/**
 * @typedef {{ file: File, path: string }} Found
 *   A file and its path as dropped or picked ("Music/Rock/song.mp3"; the
 *   bare name for a loose file).
 * @typedef {object} Collected
 * @property {Found[]} audio The audio files, in natural path order.
 * @property {number} skipped Files left out because they are not audio.
 * @property {string[]} unreadable Paths of entries the browser could not read.
 * @property {string[]} roots Names of the dropped or picked folders.
 * @property {number} files Every file seen (audio, skipped and unreadable).
 */

/** Extensions of audio files; other files are queued only when their MIME type is audio/*. */
export const AUDIO_EXTENSIONS = new Set([
  'wav', 'wave', 'mp3', 'mp2', 'mpga', 'flac', 'ogg', 'oga', 'opus', 'spx', 'm4a', 'm4b', 'aac',
  'weba', 'webm', 'mka', 'aif', 'aiff', 'aifc', 'au', 'snd', 'caf', 'wma', 'amr', '3ga',
]);

/** Playlists and cue sheets, which some systems type as audio/* (audio/x-mpegurl): never queued. */
const LIST_EXTENSIONS = new Set(['m3u', 'm3u8', 'pls', 'xspf', 'asx', 'wpl', 'cue']);

/** Folders deeper than this are not entered (a guard against link loops). */
const MAX_DEPTH = 32;

/** Natural order of paths ("track 2" before "track 10"). */
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * Whether a file is queued as audio: by its extension or MIME type. Hidden
 * files (a leading dot, such as macOS "._song.mp3" resource forks) and
 * playlists never are.
 * @param {string} name
 * @param {string} [type]
 */
export function isAudio(name, type = '') {
  if (name.startsWith('.')) return false;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  if (LIST_EXTENSIONS.has(ext)) return false;
  return type.startsWith('audio/') || AUDIO_EXTENSIONS.has(ext);
}

/**
 * The folder part and the name of a relative path ("A/B/c.mp3" -> "A/B", "c.mp3").
 * @param {string} path
 */
export function splitPath(path) {
  const cut = path.lastIndexOf('/');
  return cut < 0 ? { folder: '', name: path } : { folder: path.slice(0, cut), name: path.slice(cut + 1) };
}

/**
 * The files of a file input: a folder picked with `webkitdirectory` gives
 * each file its `webkitRelativePath`; a plain pick, the bare names.
 * @param {Iterable<File>} files
 * @returns {Collected}
 */
export function collectFiles(files) {
  const collected = emptyCollected();
  /** @type {Set<string>} */
  const roots = new Set();
  for (const file of files) {
    const path = file.webkitRelativePath || file.name;
    const cut = path.indexOf('/');
    if (cut > 0) roots.add(path.slice(0, cut));
    add(collected, file, path);
  }
  collected.roots = [...roots];
  return finish(collected);
}

/**
 * What a drop holds, taken during the drop event (the browser empties the
 * DataTransfer afterwards): an entry per item where the browser gives one
 * (folders are walked later, by collectDropped), otherwise its File.
 * @param {DataTransfer} data
 * @returns {(FileSystemEntry | File)[]}
 */
export function droppedItems(data) {
  /** @type {(FileSystemEntry | File)[]} */
  const items = [];
  for (const item of data.items) {
    if (item.kind !== 'file') continue;
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    const file = entry ? null : item.getAsFile();
    if (entry) items.push(entry);
    else if (file) items.push(file);
  }
  if (items.length === 0) items.push(...data.files);
  return items;
}

/**
 * The files of a drop: each item is a `webkitGetAsEntry()` entry (folders
 * are walked recursively) or, where the browser gives no entry, a File.
 * @param {(FileSystemEntry | File)[]} items
 * @returns {Promise<Collected>}
 */
export async function collectDropped(items) {
  const collected = emptyCollected();
  for (const item of items) {
    if (isEntry(item)) {
      if (item.isDirectory) collected.roots.push(item.name);
      await walk(item, collected, 0);
    } else {
      add(collected, item, item.webkitRelativePath || item.name);
    }
  }
  return finish(collected);
}

/**
 * @param {FileSystemEntry | File} item
 * @returns {item is FileSystemEntry}
 */
function isEntry(item) {
  return typeof (/** @type {any} */ (item).isDirectory) === 'boolean';
}

/** @returns {Collected} */
function emptyCollected() {
  return { audio: [], skipped: 0, unreadable: [], roots: [], files: 0 };
}

/**
 * @param {Collected} collected
 * @param {File} file
 * @param {string} path
 */
function add(collected, file, path) {
  collected.files += 1;
  if (isAudio(file.name, file.type)) collected.audio.push({ file, path });
  else collected.skipped += 1;
}

/** @param {Collected} collected */
function finish(collected) {
  collected.audio.sort((a, b) => collator.compare(a.path, b.path) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return collected;
}

/**
 * An entry's path relative to the drop ("/Music/a.mp3" -> "Music/a.mp3").
 * @param {FileSystemEntry} entry
 */
function entryPath(entry) {
  return (entry.fullPath || entry.name).replace(/^\/+/, '');
}

/**
 * @param {FileSystemEntry} entry
 * @param {Collected} collected
 * @param {number} depth
 */
async function walk(entry, collected, depth) {
  if (entry.isFile) {
    try {
      const file = await new Promise((resolve, reject) =>
        /** @type {FileSystemFileEntry} */ (entry).file(resolve, reject),
      );
      add(collected, /** @type {File} */ (file), entryPath(entry));
    } catch {
      collected.files += 1;
      collected.unreadable.push(entryPath(entry));
    }
    return;
  }
  if (!entry.isDirectory || depth >= MAX_DEPTH) return;
  /** @type {FileSystemEntry[]} */
  let children;
  try {
    children = await readAll(/** @type {FileSystemDirectoryEntry} */ (entry));
  } catch {
    collected.unreadable.push(entryPath(entry));
    return;
  }
  children.sort((a, b) => collator.compare(a.name, b.name));
  for (const child of children) await walk(child, collected, depth + 1);
}

/**
 * Every entry of a folder: `readEntries` answers in batches (100 at a time
 * in Chromium) until it answers an empty one.
 * @param {FileSystemDirectoryEntry} dir
 */
async function readAll(dir) {
  const reader = dir.createReader();
  /** @type {FileSystemEntry[]} */
  const all = [];
  for (;;) {
    /** @type {FileSystemEntry[]} */
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

/**
 * A sentence about what a drop or pick added, or why it added nothing.
 * @param {Collected} c
 */
export function describeCollected(c) {
  const where = c.roots.length === 1 ? `“${c.roots[0]}”` : c.roots.length > 1 ? 'the dropped folders' : '';
  const skipped = c.skipped > 0 ? `${plural(c.skipped, 'file')} skipped (not audio)` : '';
  const unreadable = c.unreadable.length > 0 ? `${plural(c.unreadable.length, 'entry', 'entries')} could not be read` : '';
  const extras = [skipped, unreadable].filter(Boolean).join('; ');
  if (c.files === 0) {
    if (!where) return 'No files were found.';
    return c.roots.length > 1
      ? `${capitalise(where)} are empty: no files in them or their subfolders.`
      : `${capitalise(where)} is empty: no files in it or its subfolders.`;
  }
  if (c.audio.length === 0) return `No audio files${where ? ` in ${where}` : ''}: ${extras}.`;
  const added = `Added ${plural(c.audio.length, 'audio file')}${where ? ` from ${where}` : ''}`;
  return extras ? `${added}; ${extras}.` : `${added}.`;
}

/**
 * @param {number} n
 * @param {string} one
 * @param {string} [many]
 */
export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

/** @param {string} s */
function capitalise(s) {
  return s.charAt(0) === '“' ? s : s.charAt(0).toUpperCase() + s.slice(1);
}
