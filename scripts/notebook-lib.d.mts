/** The folder of BotMap compiled for the notebooks: `<root>/notebooks/lib`. */
export function notebookLibFolder(root?: string): string;
/** True when there is no complete build, or a file of src/ (or the builder) changed after it. */
export function notebookLibIsStale(root?: string): boolean;
/** Builds notebooks/lib (bundle and declarations) and swaps it in whole; the seconds it took. */
export function buildNotebookLib(root?: string): Promise<number>;
/** Rebuilds notebooks/lib when stale; says whether it did. */
export function ensureNotebookLib(root?: string): Promise<boolean>;
