/**
 * A genre of the embedded model (GTZAN's ten). A classifier created with a
 * personal model (`createClassifier({ model })`) answers with that model's
 * labels instead (`Classifier<string>`).
 */
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
  | 'internal'
  /**
   * trainModel cannot train on the examples: fewer than 2 or more than 20
   * labels, a label without songs, features that are not whole windows of
   * finite numbers, a song with two labels, an unknown mode or a bad seed.
   */
  | 'training';

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

export interface GenreProbability<L extends string = Genre> {
  genre: L;
  /** In [0, 1]. */
  probability: number;
}

/** Classification of one analysis window of the clip. */
export interface ClassifiedWindow<L extends string = Genre> {
  /** Start, in seconds from the start of the clip. */
  start: number;
  /** End, in seconds. */
  end: number;
  /** The most probable genre of this window. */
  genre: L;
  /** One probability per genre, in model order (`GENRES`, or the classifier's `genres`). */
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
export interface Classification<L extends string = Genre> {
  /** The most probable genre of the clip. */
  genre: L;
  /**
   * False when the model is unsure: its top probability is below the model's
   * confidence threshold; present the genre as a guess.
   */
  confident: boolean;
  /** Every genre, in model order, with the mean of its window probabilities; they sum to 1. */
  probabilities: GenreProbability<L>[];
  /**
   * The genres above probability 0.15, most probable first: at most three,
   * none when no genre stands out.
   */
  top3: GenreProbability<L>[];
  /** The analysis windows, in time order; together they cover the clip. */
  windows: ClassifiedWindow<L>[];
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
  /**
   * classifyFile in the browser: whether the pool's idle workers share the
   * file (default true): one decodes it and sends them the samples, each
   * computes its share of the analysis windows, and the result is the same,
   * bit for bit, as from one worker. Pass false when other files will
   * follow at once (a batch: one file per worker is faster);
   * classifyFiles never shares.
   */
  split?: boolean;
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
export type FileOutcome<L extends string = Genre> =
  | { status: 'fulfilled'; value: Classification<L> }
  | { status: 'rejected'; reason: GenreError };

export interface BatchOptions<L extends string = Genre> {
  /** Called as each file is done (in completion order), with its index in the input. */
  onResult?: (index: number, outcome: FileOutcome<L>) => void;
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

/**
 * The features of each analysis window of one song (the windows
 * classification uses, at the model's window and hop): what trainModel
 * trains on. Keep them (e.g. in IndexedDB) to train later without decoding
 * the song again.
 */
export interface WindowFeatures {
  /** Number of analysis windows. */
  windows: number;
  /** `windows * 498` raw features (librosa layout), window after window. */
  features: Float32Array;
  /** Length of an analysis window, in seconds. */
  windowS: number;
  /** Hop between windows, in seconds. */
  hopS: number;
  /** Length of the song, in seconds. */
  duration: number;
  /** Sample rate of the analysed samples (a decoded file's own rate), in Hz. */
  sampleRate: number;
}

/** A song for windowFeatures: encoded audio, or mono samples with their rate. */
export type WindowFeaturesInput = FileInput | { samples: Float32Array; sampleRate: number };

export interface WindowFeaturesOptions {
  /** Called with the progress in [0, 1] ("decode" is not reported; "analyse", then "done"). */
  onProgress?: (fraction: number, stage: ProgressStage) => void;
  /** Aborting rejects with code "cancelled". */
  signal?: AbortSignal;
}

export interface Classifier<L extends string = Genre> {
  /** The model's labels, in model order: `GENRES`, or a personal model's labels. */
  readonly genres: readonly L[];
  /**
   * Decodes and classifies encoded audio: with Web Audio in the browser;
   * Node.js reads WAV, FLAC, MP3 and Ogg Vorbis (see FileInput).
   */
  classifyFile(input: FileInput, options?: ClassifyOptions): Promise<Classification<L>>;
  /**
   * Classifies many files on all the workers of the pool at once. Resolves
   * to one outcome per file, in input order; a file that fails is a
   * "rejected" outcome with its own GenreError, and the batch goes on. A
   * file is read and decoded only when a worker is free for it, so at most
   * one decoded file per worker is in memory. Rejects only when `signal`
   * is aborted ("cancelled") or the classifier is terminated.
   */
  classifyFiles(files: Iterable<FileInput> | ArrayLike<FileInput>, options?: BatchOptions<L>): Promise<FileOutcome<L>[]>;
  /** Classifies mono samples; the array is copied, never detached. */
  classifySamples(samples: Float32Array, sampleRate: number, options?: ClassifyOptions): Promise<Classification<L>>;
  /** The 498-float feature vector (librosa layout) of mono samples. */
  features(samples: Float32Array, sampleRate: number): Promise<Float32Array>;
  /**
   * The features of each analysis window of a song (encoded audio, or
   * `{ samples, sampleRate }`; samples are copied), for trainModel. Silence
   * rejects with "no-music", as classification does.
   */
  windowFeatures(input: WindowFeaturesInput, options?: WindowFeaturesOptions): Promise<WindowFeatures>;
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
   * `Math.min(navigator.hardwareConcurrency || 2, 4)`. One worker starts
   * before `createClassifier` resolves, the others in the background just
   * after (a single file is shared among the idle ones: see
   * `ClassifyOptions.split`). Each holds its own copy of the WebAssembly
   * module and its memory (see BENCHMARKS.md).
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
  /**
   * The bytes of an exported model (a personal model from trainModel's
   * `bytes`, e.g. kept in IndexedDB or a file) to classify with instead of
   * the embedded one: results then use its labels. Bytes that are not a
   * model of this format and version reject with code "model".
   */
  model?: ArrayBuffer | ArrayBufferView | null;
}

/**
 * Creates a classifier; resolves once the WebAssembly module (and the
 * model given as bytes, if any) is loaded.
 */
export declare function createClassifier(options: ClassifierOptions & { model: ArrayBuffer | ArrayBufferView }): Promise<Classifier<string>>;
export declare function createClassifier(options?: ClassifierOptions): Promise<Classifier>;

/** Which layers of the shipped network a personal model trains. */
export type TrainMode =
  /** Only a new output layer; the hidden layers stay the shipped model's (the default). */
  | 'frozen'
  /** The new output layer, then every layer for a few steps at a lower learning rate. */
  | 'fine-tune';

/** One song for trainModel: its label and its windows' features, or audio to analyse. */
export interface TrainExample {
  /** The song's label (2 to 20 distinct labels in all; their order is that of first appearance). */
  label: string;
  /** What `classifier.windowFeatures` returned for the song (or its `features` array). */
  features?: WindowFeatures | Float32Array;
  /** Encoded audio, analysed first (as `windowFeatures`). */
  file?: FileInput;
  /** Mono samples, analysed first; with `sampleRate`. */
  samples?: Float32Array;
  /** Sample rate of `samples`, in Hz. */
  sampleRate?: number;
  /**
   * Examples with the same `song` are one song (e.g. parts of one
   * recording): the estimate never puts them on both sides of a split.
   * Default: every example is a song of its own.
   */
  song?: string | number;
}

/** What trainModel reports: after each song analysed, and after each training epoch. */
export interface TrainProgress {
  /**
   * "analyse": songs given as files or samples; "estimate": the
   * cross-validation folds; "train": the final model.
   */
  stage: 'analyse' | 'estimate' | 'train';
  /** Share of the whole work done, in [0, 1]. */
  fraction: number;
  /** Epochs done in the current training (estimate and train stages). */
  epoch?: number;
  /** Epochs of the current training. */
  epochs?: number;
  /** The epoch's mean training loss (class-weighted cross-entropy). */
  loss?: number;
}

export interface TrainOptions {
  /** Seed of every random choice (a whole number, 0 to 2^53; default 1): the same examples and seed give the same model. */
  seed?: number;
  /** Default: "frozen" (see model/PERSONAL.md for the evaluation that chose it). */
  mode?: TrainMode;
  /** Called with the progress; see TrainProgress. */
  onProgress?: (progress: TrainProgress) => void;
  /**
   * Aborting rejects with code "cancelled". In a browser the training
   * worker is terminated at once; on the calling thread (Node.js) the
   * signal is checked after each epoch: abort from within onProgress.
   */
  signal?: AbortSignal;
  /** A classifier (on the embedded model) to analyse files and samples with; default: one made and terminated by the call. */
  classifier?: Classifier<string>;
  /** Options of the classifier made to analyse files and samples. */
  classifierOptions?: ClassifierOptions;
  /** Where the teach module is (default: the package's `pkg/teach/genre_teach_bg.wasm`). */
  teachWasmUrl?: string | URL;
  /** Where the teach worker script is (default: the package's `teach-worker.js`). */
  teachWorkerUrl?: string | URL;
}

/** The cross-validated accuracy of the training on the user's songs, grouped by song. */
export type TrainEstimate =
  | {
      available: true;
      /** Folds: min(5, songs of the smallest label). */
      folds: number;
      /** Songs classified, each by the fold that held it out. */
      songs: number;
      /** Share of songs classified as their label. */
      accuracy: number;
      /** Mean of the per-label recalls. */
      balancedAccuracy: number;
      /** Per label, in `labels` order: share of its songs classified as it. */
      recall: number[];
      /** `confusion[true][predicted]`, in songs, in `labels` order. */
      confusion: number[][];
    }
  | {
      available: false;
      /** Why not, in words (a label with fewer than 2 songs). */
      reason: string;
    };

/** Songs and analysis windows of one label. */
export interface LabelCount {
  label: string;
  songs: number;
  windows: number;
}

/** A trained personal model. */
export interface TrainedModel {
  /** The model file: pass it as `createClassifier({ model: bytes })`, store or export it. */
  bytes: Uint8Array;
  /** The labels, in model order. */
  labels: string[];
  /** The mode it was trained in. */
  mode: TrainMode;
  /** The accuracy to expect on new songs, or why there is no estimate. */
  estimate: TrainEstimate;
  /** Mean training loss of each epoch of the final model's training. */
  lossCurve: number[];
  /** Songs and windows per label, in `labels` order. */
  counts: LabelCount[];
}

/**
 * Trains a personal model on labelled songs: a new output layer (K labels)
 * on the shipped network, with an accuracy estimate by cross-validation
 * grouped by song. Runs in a worker of its own (in Node.js, on the calling
 * thread); the teach module is loaded on first use.
 */
export declare function trainModel(examples: TrainExample[], options?: TrainOptions): Promise<TrainedModel>;

/** Classifies encoded audio with a shared classifier created on first use. */
export declare function classifyFile(
  input: FileInput,
  options?: ClassifyOptions,
): Promise<Classification>;
