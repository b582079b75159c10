/**
 * Checks of BotMap's output files against hostile input (attacker-written user, jail, folder
 * and city names): HTML and SVG carry no markup that came from the input — no script, no event
 * handler, no `javascript:` link, no element a payload would add — and SVG is well-formed XML;
 * no CSV cell is a spreadsheet formula. Used by the hostile-input tests and the fuzzer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { csvParseRows } from 'd3-dsv';
import { XMLValidator } from 'fast-xml-parser';
import { DOMParser, parseHTML } from 'linkedom';
import { mapClientScript, readMapPageData } from '../../src/export/map-page';
import { frameScript } from '../../src/notebook/interactive-map';

export interface Finding {
  file: string;
  problem: string;
}

/** Elements no BotMap output has: any of them means markup came through from the input. */
const FORBIDDEN_ELEMENTS = new Set(['script', 'iframe', 'frame', 'object', 'embed', 'applet', 'base', 'form', 'input', 'button', 'textarea', 'foreignobject', 'math', 'svg:script', 'link', 'audio', 'video', 'source', 'track', 'portal']);
/** Attributes holding URLs. */
const URL_ATTRIBUTES = new Set(['href', 'xlink:href', 'src', 'action', 'formaction', 'data', 'poster', 'background', 'srcset', 'ping']);

interface Node {
  nodeType: number;
  nodeName: string;
  localName?: string;
  tagName?: string;
  attributes?: ArrayLike<{ name: string; value: string }>;
  childNodes: ArrayLike<Node>;
  textContent: string | null;
  getAttribute?(name: string): string | null;
}

function* elements(node: Node): Generator<Node> {
  if (node.nodeType === 1) yield node;
  const children = node.childNodes;
  for (let i = 0; i < children.length; i++) yield* elements(children[i]);
}

/** A URL an output may carry: in-page anchors, data: images, and relative paths to files beside it. */
function safeUrl(value: string, name: string): boolean {
  const v = value.replace(/[\s\u0000-\u001f]/g, '').toLowerCase();
  if (v === '' || v.startsWith('#')) return true;
  if (v.startsWith('data:')) return /^data:image\/(png|jpeg|gif|svg\+xml)[;,]/.test(v) || /^data:font\//.test(v);
  if (/^[a-z][a-z0-9+.-]*:/.test(v)) return /^https?:/.test(v) && (name === 'href' || name === 'xlink:href');
  // Relative: no `x` (a payload's image), no parent folders.
  return !v.startsWith('..') && /\.(svg|png|csv|json|html|ipynb)$/.test(v);
}

/** Problems in a parsed document: forbidden elements, event handlers, unsafe URLs, refreshes. */
function checkTree(root: Node, file: string, options: { allowScripts?: (text: string) => boolean } = {}): Finding[] {
  const findings: Finding[] = [];
  for (const el of elements(root)) {
    const name = (el.localName ?? el.nodeName).toLowerCase();
    if (FORBIDDEN_ELEMENTS.has(name) && !(name === 'script' && options.allowScripts?.(el.textContent ?? ''))) {
      findings.push({ file, problem: `<${name}> element` });
    }
    if (name === 'meta' && /refresh/i.test(el.getAttribute?.('http-equiv') ?? '')) findings.push({ file, problem: 'meta refresh' });
    const attributes = el.attributes ?? [];
    for (let i = 0; i < attributes.length; i++) {
      const { name: attr, value } = attributes[i];
      const lower = attr.toLowerCase();
      if (lower.startsWith('on')) findings.push({ file, problem: `event handler ${attr}="${value.slice(0, 60)}" on <${name}>` });
      if (URL_ATTRIBUTES.has(lower) && !safeUrl(value, lower)) findings.push({ file, problem: `unsafe URL ${attr}="${value.slice(0, 60)}" on <${name}>` });
      if (/javascript:|vbscript:/i.test(value.replace(/[\s\u0000-\u001f]/g, '')) && lower !== 'content') findings.push({ file, problem: `script URL in ${attr} on <${name}>` });
      if (lower === 'style' && /expression\(|url\(\s*['"]?\s*javascript:/i.test(value)) findings.push({ file, problem: `script in style on <${name}>` });
    }
  }
  return findings;
}

/** XML 1.0's characters: tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD and the supplementary planes. */
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A standalone SVG: well-formed XML with XML 1.0 characters only, and no markup from the input. */
export function checkSvg(svg: string, file: string): Finding[] {
  const findings: Finding[] = [];
  const valid = XMLValidator.validate(svg);
  if (valid !== true) findings.push({ file, problem: `not well-formed XML: ${JSON.stringify(valid)}` });
  const bad = XML_INVALID.exec(svg);
  if (bad) findings.push({ file, problem: `character U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')} is not allowed in XML 1.0 (at ${bad.index})` });
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml') as unknown as Node;
  findings.push(...checkTree(doc, file));
  return findings;
}

/** An HTML page or fragment: no script (unless `allowScripts` accepts its text), handler, unsafe URL or refresh. */
export function checkHtml(html: string, file: string, options: { allowScripts?: (text: string) => boolean } = {}): Finding[] {
  const { document } = parseHTML(/<html[\s>]/i.test(html) ? html : `<!doctype html><html><body>${html}</body></html>`);
  return checkTree(document as unknown as Node, file, options);
}

/** The text a reader sees in an HTML page or fragment (entities decoded, markup gone). */
export function htmlText(html: string): string {
  const { document } = parseHTML(/<html[\s>]/i.test(html) ? html : `<!doctype html><html><body>${html}</body></html>`);
  return (document.documentElement as unknown as Node).textContent ?? '';
}

/** The text of an SVG's text content (entities decoded). */
export function svgText(svg: string): string {
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml') as unknown as { documentElement: Node };
  return doc.documentElement.textContent ?? '';
}

/**
 * A cell a spreadsheet would run: starting with `=`, `+`, `-`, `@`, a tab or a carriage return.
 * A plain decimal number (`-58.38`, `-1e-7`) is not a formula: spreadsheets read it as a number.
 */
export function isFormulaCell(cell: string): boolean {
  if (!/^[=+\-@\t\r]/.test(cell)) return false;
  return !/^-?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(cell);
}

/** A CSV: parses, every row as wide as the header, no formula cell. */
export function checkCsv(csv: string, file: string): Finding[] {
  const findings: Finding[] = [];
  const rows = csvParseRows(csv);
  const width = rows[0]?.length ?? 0;
  rows.forEach((row, i) => {
    if (row.length !== width && !(row.length === 1 && row[0] === '')) findings.push({ file, problem: `row ${i + 1} has ${row.length} cells, the header ${width}` });
    row.forEach((cell, j) => {
      if (isFormulaCell(cell)) findings.push({ file, problem: `row ${i + 1}, column ${rows[0][j]}: formula cell ${JSON.stringify(cell.slice(0, 60))}` });
    });
  });
  return findings;
}

/** The cells of a CSV, header row first. */
export function csvCells(csv: string): string[][] {
  return csvParseRows(csv);
}

/** nbconvert's own inline scripts, allowed in notebook HTML when a page still has them. */
export function isNbconvertScript(text: string): boolean {
  return /^\s*init_mathjax = function\(\)/.test(text) || /MathJax\.Hub\.Config/.test(text);
}

/**
 * map.html's two scripts: its program, exactly as BotMap bundles it, and its data block, which
 * must be gzipped JSON in base64 (log text inside it is data, and no markup can be).
 */
export function isMapPageScript(text: string): boolean {
  if (text === mapClientScript()) return true;
  if (!/^[A-Za-z0-9+/]*=*$/.test(text)) return false;
  try {
    const data = readMapPageData(`<script type="application/gzip" id="botmap-data">${text}</script>`);
    return typeof data === 'object' && data !== null && 'cities' in data && 'base' in data;
  } catch {
    return false;
  }
}

/**
 * The script of the notebook's interactive map cell (`interactiveMapHtml`): exactly the one
 * BotMap writes, for a page that itself passes the checks of map.html.
 */
export function isInteractiveMapScript(text: string): boolean {
  const id = /getElementById\("(botmap-map-[0-9a-f]{12})"\)/.exec(text)?.[1];
  const height = /padding-bottom:calc\(([0-9.]+)% \+ /.exec(text)?.[1];
  const literal = /frame\.srcdoc = ("(?:[^"\\]|\\.)*");/.exec(text)?.[1];
  if (!id || !height || !literal) return false;
  const page = JSON.parse(literal) as string;
  return text === frameScript(id, Number(height), page) && checkHtml(page, 'srcdoc', { allowScripts: isMapPageScript }).length === 0;
}

/** Every file under `dir`, relative paths, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (sub: string) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = path.join(sub, entry.name);
      if (entry.isDirectory()) walk(rel);
      else out.push(rel);
    }
  };
  walk('');
  return out.sort();
}

/**
 * Checks every file of an output folder by its kind: .svg, .html, .csv, .json, .ipynb (its HTML
 * and SVG outputs), .png (a PNG). Any other file is a finding (a left-over temporary file, say).
 */
export function checkOutputFolder(dir: string): { findings: Finding[]; files: string[] } {
  const findings: Finding[] = [];
  const files = listFiles(dir);
  for (const rel of files) {
    const file = path.join(dir, rel);
    const ext = path.extname(rel).toLowerCase();
    if (ext === '.png') {
      const head = fs.readFileSync(file).subarray(0, 8);
      if (!head.equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) findings.push({ file: rel, problem: 'not a PNG' });
      continue;
    }
    const text = fs.readFileSync(file, 'utf8');
    if (ext === '.svg') findings.push(...checkSvg(text, rel));
    else if (rel === 'map.html') findings.push(...checkHtml(text, rel, { allowScripts: isMapPageScript }));
    else if (ext === '.html') findings.push(...checkHtml(text, rel, { allowScripts: isNbconvertScript }));
    else if (ext === '.csv') findings.push(...checkCsv(text, rel));
    else if (ext === '.json') {
      try {
        JSON.parse(text);
      } catch (error) {
        findings.push({ file: rel, problem: `not JSON: ${(error as Error).message}` });
      }
    } else if (ext === '.ipynb') {
      const notebook = JSON.parse(text) as { cells: { outputs?: { data?: Record<string, string | string[]> }[] }[] };
      for (const [c, cell] of notebook.cells.entries()) {
        for (const output of cell.outputs ?? []) {
          const html = output.data?.['text/html'];
          const svg = output.data?.['image/svg+xml'];
          if (html !== undefined) findings.push(...checkHtml([html].flat().join(''), `${rel} cell ${c + 1} text/html`, { allowScripts: isInteractiveMapScript }));
          if (svg !== undefined) findings.push(...checkSvg([svg].flat().join(''), `${rel} cell ${c + 1} image/svg+xml`));
        }
      }
    } else {
      findings.push({ file: rel, problem: 'unexpected file' });
    }
  }
  return { findings, files };
}
