/** See compiled.js: an up-to-date one-file bundle of a TypeScript entry point, or null when it cannot be built. */
export function compiled(entry: string): Promise<string | null>;
