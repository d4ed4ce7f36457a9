// The globals of an AudioWorkletGlobalScope that www/mic-worklet.js uses:
// TypeScript ships no library for audio worklets (tsconfig.worker.json
// checks the worklet with the WebWorker library and these).

declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}

declare function registerProcessor(
  name: string,
  processorCtor: new (options?: unknown) => AudioWorkletProcessor & {
    process(inputs: Float32Array[][], outputs: Float32Array[][], parameters: Record<string, Float32Array>): boolean;
  },
): void;
