/** A genre of the model (GTZAN's ten). The package embeds one model; it takes no other. */
export type Genre =
  | 'blues'
  | 'classical'
  | 'country'
  | 'disco'
  | 'hiphop'
  | 'jazz'
  | 'metal'
  | 'pop'
  | 'reggae'
  | 'rock';

/** The genres of the model, in model order. */
export declare const GENRES: readonly [
  'blues', 'classical', 'country', 'disco', 'hiphop',
  'jazz', 'metal', 'pop', 'reggae', 'rock',
];

/**
 * What went wrong, as `GenreError.code`: exactly the codes of the Rust core's
 * `Error::code` (src/error.rs); the package's JavaScript adds no other.
 */
export type GenreErrorCode =
  /** No samples, or an empty file. */
  | 'empty'
  /** Too short for one analysis frame. */
  | 'too-short'
  /** A sample is NaN, infinite or far beyond [-1, 1]. */
  | 'non-finite'
  /** The sample rate is not a whole number of Hz from 8 000 to 192 000. */
  | 'sample-rate'
  /** Silence or a constant offset: nothing to classify. */
  | 'no-music'
  /** The input is not audio this browser (in Node.js: the package's WAV reader or decoder module) can decode. */
  | 'decode'
  /** The request was aborted through its `signal`. */
  | 'cancelled'
  /** The WebAssembly module or its embedded model could not be loaded. */
  | 'model'
  /** A bug, or the classifier was terminated. */
  | 'internal';

/**
 * A finer cause within a code, where one helps to say what to do:
 * "unreadable" (code "decode"): the picked file could not be read (moved,
 * deleted or changed after it was picked: NotReadableError, NotFoundError).
 */
export type GenreErrorReason = 'unreadable';

/** The error every promise of the package rejects with. */
export declare class GenreError extends Error {
  constructor(code: GenreErrorCode, message: string, reason?: GenreErrorReason);
  readonly name: 'GenreError';
  readonly code: GenreErrorCode;
  readonly reason?: GenreErrorReason;
}

export interface GenreProbability {
  genre: Genre;
  /** In [0, 1]. */
  probability: number;
}

/** Classification of one analysis window of the clip. */
export interface ClassifiedWindow {
  /** Start, in seconds from the start of the clip. */
  start: number;
  /** End, in seconds. */
  end: number;
  /** The most probable genre of this window. */
  genre: Genre;
  /** One probability per genre, in the order of `GENRES`. */
  probabilities: number[];
}

/**
 * Mel spectrogram in decibels for display (0 dB = the loudest bin, floor
 * -80 dB), row-major: `db[mel * nColumns + column]`, row 0 the lowest band.
 */
export interface MelImage {
  /** Number of mel bands (rows). */
  nMels: number;
  /** Number of time columns: at most the `melColumns` asked for. */
  nColumns: number;
  /** Duration of one column, in seconds. */
  secondsPerColumn: number;
  /** `nMels * nColumns` values. */
  db: Float32Array;
}

/**
 * The result of a classification: the serde form of the Rust
 * `Classification` (the same object as a line of `genre classify --json`,
 * less `file`), plus `mel` when asked for.
 */
export interface Classification {
  /** The most probable genre of the clip. */
  genre: Genre;
  /**
   * False when the model is unsure: its top probability is below the model's
   * confidence threshold; present the genre as a guess.
   */
  confident: boolean;
  /** Every genre, in model order, with the mean of its window probabilities; they sum to 1. */
  probabilities: GenreProbability[];
  /**
   * The genres above probability 0.15, most probable first: at most three,
   * none when no genre stands out.
   */
  top3: GenreProbability[];
  /** The analysis windows, in time order; together they cover the clip. */
  windows: ClassifiedWindow[];
  /** Length of the clip, in seconds. */
  duration: number;
  /**
   * True when the file ended before the length its header announced and was
   * analysed as far as it decoded (the CLI's streaming decoder; samples and
   * files the browser decodes give false).
   */
  truncated: boolean;
  /** Sample rate of the samples that were analysed (a decoded file's own rate), in Hz. */
  sampleRate: number;
  /** Present only when `melColumns` > 0 was asked for. */
  mel?: MelImage;
}

/** The stages `onProgress` reports, in order. */
export type ProgressStage = 'decode' | 'analyse' | 'mel' | 'done';

export interface ClassifyOptions {
  /**
   * Called with the overall progress in [0, 1] (never decreasing) and the
   * current stage: "decode" (classifyFile only), "analyse", "mel" (only with
   * `melColumns`) and finally "done" with 1.
   */
  onProgress?: (fraction: number, stage: ProgressStage) => void;
  /** Aborting rejects the request with code "cancelled". */
  signal?: AbortSignal;
  /** When > 0, the result holds a mel image of at most this many columns. */
  melColumns?: number;
  /**
   * classifyFile in a worker: the longest input read, in seconds (default
   * 12 hours); a longer file rejects with "decode".
   */
  maxSeconds?: number;
}

/**
 * Encoded audio for `classifyFile`. In the browser: a File, Blob,
 * ArrayBuffer or typed array. In a worker (the default), WAV, FLAC, MP3 and
 * Ogg Vorbis are decoded there by the decoder module (the `genre` CLI's
 * decoder, loaded on the first file) as a stream, in bounded memory at any
 * length, with `truncated` set for a file cut short; other formats are
 * decoded by the browser (`decodeAudioData`, up to 30 minutes or 256 MB).
 * With `worker: false`, the browser decodes every file.
 * In Node.js: also a file path (string) or `file:` URL, and bytes (Buffer,
 * Uint8Array, ArrayBuffer) of a WAV (PCM 8/16/24/32-bit integer or
 * 32/64-bit float, any channel count), FLAC, MP3 or Ogg Vorbis file (the
 * latter three by the decoder module, the `genre` CLI's decoder, loaded on
 * first use); other formats reject with "decode".
 */
export type FileInput = File | Blob | ArrayBuffer | ArrayBufferView | string | URL;

/** What became of one file of a batch: its result, or why it failed. */
export type FileOutcome =
  | { status: 'fulfilled'; value: Classification }
  | { status: 'rejected'; reason: GenreError };

export interface BatchOptions {
  /** Called as each file is done (in completion order), with its index in the input. */
  onResult?: (index: number, outcome: FileOutcome) => void;
  /** Called after each file with the number done so far and the number of files. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Aborting stops the batch: the files in progress are dropped, no more
   * start, and the promise rejects with code "cancelled" (the outcomes so
   * far have been reported through `onResult`).
   */
  signal?: AbortSignal;
  /** When > 0, each result holds a mel image of at most this many columns. */
  melColumns?: number;
}

export interface Classifier {
  /**
   * Decodes and classifies encoded audio: with Web Audio in the browser;
   * Node.js reads WAV, FLAC, MP3 and Ogg Vorbis (see FileInput).
   */
  classifyFile(input: FileInput, options?: ClassifyOptions): Promise<Classification>;
  /**
   * Classifies many files on all the workers of the pool at once. Resolves
   * to one outcome per file, in input order; a file that fails is a
   * "rejected" outcome with its own GenreError, and the batch goes on. A
   * file is read and decoded only when a worker is free for it, so at most
   * one decoded file per worker is in memory. Rejects only when `signal`
   * is aborted ("cancelled") or the classifier is terminated.
   */
  classifyFiles(files: Iterable<FileInput> | ArrayLike<FileInput>, options?: BatchOptions): Promise<FileOutcome[]>;
  /** Classifies mono samples; the array is copied, never detached. */
  classifySamples(samples: Float32Array, sampleRate: number, options?: ClassifyOptions): Promise<Classification>;
  /** The 498-float feature vector (librosa layout) of mono samples. */
  features(samples: Float32Array, sampleRate: number): Promise<Float32Array>;
  /** The number of workers in the pool; 0 when the classifier runs on the calling thread. */
  readonly workers: number;
  /** Stops the workers; later requests reject. */
  terminate(): void;
  /**
   * Gives back the memory of idle workers: WebAssembly memory never
   * shrinks, so each idle worker that has worked is replaced by a fresh one
   * (the first is started at once).
   * (A worker whose memory has grown past 64 MB is replaced after its
   * request anyway.)
   */
  releaseMemory(): Promise<void>;
}

export interface ClassifierOptions {
  /**
   * Run in module Web Workers (default) or, when false, on the calling
   * thread (as `workers: 0`). Node.js has no Web Workers: there the
   * classifier runs on the calling thread, and `worker: true` rejects.
   */
  worker?: boolean;
  /**
   * The size of the worker pool (0: the calling thread). Default:
   * `Math.min(navigator.hardwareConcurrency || 2, 4)`. Workers start when
   * there is work for them: one when the classifier is created, more only
   * for concurrent requests and batches. Each holds its own copy of the
   * WebAssembly module and its memory (see BENCHMARKS.md).
   */
  workers?: number;
  /**
   * Where to fetch the WebAssembly module from (default: the package's
   * `genre_classifier_bg.wasm`, as the bundler placed it). In Node.js a
   * `file:` URL or path is read from disk.
   */
  wasmUrl?: string | URL;
  /**
   * Where the worker script is: a copy of the package's `worker.js`
   * (`genre-classifier/worker.js`), for bundlers that do not copy it
   * themselves (esbuild, Rollup without an asset plugin). Default: the
   * package's own, as the bundler placed it.
   */
  workerUrl?: string | URL;
  /**
   * Where the decoder module's glue is (`genre_decoder.js`, with
   * `genre_decoder_bg.wasm` beside it). Default: `decoder/genre_decoder.js`
   * beside the WebAssembly module. When it cannot be loaded, files are
   * decoded by the browser instead.
   */
  decoderUrl?: string | URL;
}

/** Creates a classifier; resolves once the WebAssembly module is loaded. */
export declare function createClassifier(options?: ClassifierOptions): Promise<Classifier>;

/** Classifies encoded audio with a shared classifier created on first use. */
export declare function classifyFile(
  input: FileInput,
  options?: ClassifyOptions,
): Promise<Classification>;
