import { parseHTML } from 'linkedom';

/**
 * The few DOM calls BotMap's charts make. Declared here rather than taken from the DOM type
 * library, which the notebook kernel's compiler does not load.
 */
export interface SvgNode {
  setAttribute(name: string, value: string): void;
  getAttribute(name: string): string | null;
  appendChild(child: SvgNode): SvgNode;
  append(...nodes: SvgNode[]): void;
  querySelectorAll(selector: string): ArrayLike<SvgNode>;
  textContent: string | null;
  readonly outerHTML: string;
}

export interface SvgDocument {
  createElementNS(namespace: string, name: string): SvgNode;
}

/** A server-side DOM document for Observable Plot to draw into (linkedom: light and fast). */
export function createDocument(): SvgDocument {
  return parseHTML('<!doctype html><html><head></head><body></body></html>').document as unknown as SvgDocument;
}

export const SVG_NS = 'http://www.w3.org/2000/svg';
