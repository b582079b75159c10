/** The nearest folder at or above `start` whose package.json is named "botmap", or null. */
export function findCheckout(start: string): string | null;
/** Why `checkout` cannot start a kernel (none found, no tslab), or null when it can. */
export function checkoutProblem(checkout: string | null, start: string): string | null;
