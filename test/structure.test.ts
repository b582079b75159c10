/**
 * The shape of `src/`: functions a reader can hold (no function, method or arrow function spans
 * more than 100 lines, inner functions included), and no cycle of imports (tslab's kernel
 * overflows its stack compiling one: `RangeError: Maximum call stack size exceeded`).
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '..', 'src');
const MOST_LINES = 100;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every function-like node of a file with its name (as a reader would say it) and its length in lines. */
export function functionLengths(file: string, text: string): { name: string; line: number; lines: number }[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: { name: string; line: number; lines: number }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const named = node.name ?? (ts.isVariableDeclaration(node.parent) ? node.parent.name : undefined);
      found.push({ name: named ? named.getText(source) : '(anonymous)', line: start + 1, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('functions in src/', () => {
  it(`are at most ${MOST_LINES} lines long`, () => {
    const tooLong = sourceFiles(SRC).flatMap((file) =>
      functionLengths(file, fs.readFileSync(file, 'utf8'))
        .filter((f) => f.lines > MOST_LINES)
        .map((f) => `${path.relative(SRC, file)}:${f.line} ${f.name} (${f.lines} lines)`),
    );
    expect(tooLong).toEqual([]);
  });

  it('are measured from their first line to their last', () => {
    const text = ['function outer() {', '  const inner = () => {', '    return 1;', '  };', '  return inner();', '}', ''].join('\n');
    expect(functionLengths('example.ts', text)).toEqual([
      { name: 'outer', line: 1, lines: 6 },
      { name: 'inner', line: 2, lines: 3 },
    ]);
  });
});

/** The files a file imports values from (type-only imports and exports left out). */
function valueImports(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const imported: string[] = [];
  for (const statement of source.statements) {
    const isValueImport = ts.isImportDeclaration(statement) && !statement.importClause?.isTypeOnly;
    const isValueExport = ts.isExportDeclaration(statement) && !statement.isTypeOnly;
    if (!isValueImport && !isValueExport) continue;
    const specifier = statement.moduleSpecifier;
    if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) continue;
    const target = path.resolve(path.dirname(file), specifier.text);
    imported.push(fs.existsSync(`${target}.ts`) ? `${target}.ts` : path.join(target, 'index.ts'));
  }
  return imported;
}

describe('imports in src/', () => {
  it('form no cycle', () => {
    const graph = new Map(sourceFiles(SRC).map((file) => [file, valueImports(file)]));
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const trail: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      trail.push(file);
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === 'open') cycles.push([...trail.slice(trail.indexOf(next)), next].map((f) => path.relative(SRC, f)).join(' -> '));
        else if (!state.has(next)) visit(next);
      }
      trail.pop();
      state.set(file, 'done');
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });
});
