/** The genres of the model, in model order. */
export declare const GENRES: readonly [
  'blues', 'classical', 'country', 'disco', 'hiphop',
  'jazz', 'metal', 'pop', 'reggae', 'rock',
];

/** What went wrong, as `GenreError.code`. */
export type GenreErrorCode =
  | 'empty'
  | 'too-short'
  | 'non-finite'
  | 'sample-rate'
  | 'no-music'
  | 'decode'
  | 'cancelled'
  | 'model'
  | 'internal';

/** The error every promise of the package rejects with. */
export declare class GenreError extends Error {
  constructor(code: GenreErrorCode, message: string);
  readonly name: 'GenreError';
  readonly code: GenreErrorCode;
}

export interface GenreProbability {
  genre: string;
  probability: number;
}

/** Classification of one analysis window of the clip. */
export interface ClassifiedWindow {
  /** Start, in seconds from the start of the clip. */
  start: number;
  /** End, in seconds. */
  end: number;
  genre: string;
  /** One probability per genre, in the order of `GENRES`. */
  probabilities: number[];
}

/**
 * Mel spectrogram in decibels for display (0 dB = the loudest bin, floor
 * -80 dB), row-major: `db[mel * nColumns + column]`, row 0 the lowest band.
 */
export interface MelImage {
  nMels: number;
  nColumns: number;
  secondsPerColumn: number;
  db: Float32Array;
}

export interface Classification {
  /** The most probable genre. */
  genre: string;
  /**
   * False when the model is unsure: its top probability is below the model's
   * confidence threshold; present the genre as a guess.
   */
  confident: boolean;
  /** All genres, in model order; the probabilities sum to 1. */
  probabilities: GenreProbability[];
  /** The three most probable genres, most probable first. */
  top3: GenreProbability[];
  windows: ClassifiedWindow[];
  /** Length of the clip, in seconds. */
  duration: number;
  /** Sample rate of the samples that were analysed, in Hz. */
  sampleRate: number;
  /** Present when `melColumns` > 0. */
  mel?: MelImage;
}

export interface ClassifyOptions {
  /**
   * Called with the overall progress in [0, 1] and the current stage:
   * "decode", "analyse", "mel" or "done".
   */
  onProgress?: (fraction: number, stage: string) => void;
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
