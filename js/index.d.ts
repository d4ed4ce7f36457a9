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
  /** The input is not audio this browser can decode. */
  | 'decode'
  /** The request was aborted through its `signal`. */
  | 'cancelled'
  /** The WebAssembly module or its embedded model could not be loaded. */
  | 'model'
  /** A bug, or the classifier was terminated. */
  | 'internal';

/** The error every promise of the package rejects with. */
export declare class GenreError extends Error {
  constructor(code: GenreErrorCode, message: string);
  readonly name: 'GenreError';
  readonly code: GenreErrorCode;
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
}

export interface Classifier {
  /** Decodes (with Web Audio) and classifies encoded audio. */
  classifyFile(input: File | Blob | ArrayBuffer, options?: ClassifyOptions): Promise<Classification>;
  /** Classifies mono samples; the array is copied, never detached. */
  classifySamples(samples: Float32Array, sampleRate: number, options?: ClassifyOptions): Promise<Classification>;
  /** The 498-float feature vector (librosa layout) of mono samples. */
  features(samples: Float32Array, sampleRate: number): Promise<Float32Array>;
  /** Stops the worker; later requests reject. */
  terminate(): void;
}

export interface ClassifierOptions {
  /** Run in a module Web Worker (default) or, when false, on the calling thread. */
  worker?: boolean;
  /** Where to fetch the WebAssembly module from (default: next to the package's glue code). */
  wasmUrl?: string | URL;
}

/** Creates a classifier; resolves once the WebAssembly module is loaded. */
export declare function createClassifier(options?: ClassifierOptions): Promise<Classifier>;

/** Classifies encoded audio with a shared classifier created on first use. */
export declare function classifyFile(
  input: File | Blob | ArrayBuffer,
  options?: ClassifyOptions,
): Promise<Classification>;
