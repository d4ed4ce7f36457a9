// The few Node.js APIs that js/node.js uses, for the type check (npm run
// types), which runs without @types/node.
declare module 'node:fs/promises' {
  export function readFile(path: string | URL): Promise<Uint8Array<ArrayBuffer>>;
}
declare module 'node:path' {
  export function isAbsolute(path: string): boolean;
}
declare module 'node:process' {
  export function cwd(): string;
}
declare module 'node:url' {
  export function fileURLToPath(url: string | URL): string;
  export function pathToFileURL(path: string): URL;
}
