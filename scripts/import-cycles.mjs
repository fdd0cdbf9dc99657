// Finds runtime import cycles among the TypeScript files under a directory (default: src/).
// A runtime import is a static `import`/`export ... from` whose bindings are not all types
// (`import type`, `import { type A }` and `export type` are erased by the compiler and cannot
// order module evaluation); dynamic `import()` is not followed. Each cycle is printed as the
// chain of files that closes it. Exit status 1 when there is one. Used by
// test/structure/import-cycles.test.ts; run by hand with `node scripts/import-cycles.mjs [dir]`.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const STATIC_IMPORT = /^[ \t]*(?:import|export)[ \t]+(type[ \t]+)?([^'";]*?)\s*(?:from\s+)?['"]([^'"]+)['"]/gm;

function tsFiles(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) tsFiles(p, out);
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The relative modules `file` imports at run time, as absolute .ts paths. */
export function runtimeImports(file, source = readFileSync(file, 'utf8')) {
  const deps = [];
  for (const [, typeOnly, clause, spec] of source.matchAll(STATIC_IMPORT)) {
    if (typeOnly || !spec.startsWith('.')) continue;
    const named = clause.match(/^\{([^}]*)\}$/);
    if (named) {
      const names = named[1].split(',').map((n) => n.trim()).filter(Boolean);
      if (names.length > 0 && names.every((n) => n.startsWith('type '))) continue;
    }
    deps.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
  }
  return deps;
}

/** Every cycle (one per strongly connected component), each as [a, b, ..., a] relative to `root`. */
export function findImportCycles(dir, root = dir) {
  const graph = new Map(tsFiles(resolve(dir)).map((f) => [f, runtimeImports(f)]));
  for (const [f, deps] of graph) graph.set(f, deps.filter((d) => graph.has(d)));
  // Tarjan's strongly connected components, iteratively over the files in sorted order
  const index = new Map(), low = new Map(), onStack = new Set(), stack = [], sccs = [];
  let counter = 0;
  for (const start of [...graph.keys()].sort()) {
    if (index.has(start)) continue;
    const work = [[start, 0]];
    index.set(start, counter); low.set(start, counter++); stack.push(start); onStack.add(start);
    while (work.length) {
      const top = work[work.length - 1];
      const [v, i] = top;
      const deps = graph.get(v);
      if (i < deps.length) {
        top[1]++;
        const w = deps[i];
        if (!index.has(w)) {
          index.set(w, counter); low.set(w, counter++); stack.push(w); onStack.add(w);
          work.push([w, 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
        continue;
      }
      work.pop();
      if (work.length) { const u = work[work.length - 1][0]; low.set(u, Math.min(low.get(u), low.get(v))); }
      if (low.get(v) === index.get(v)) {
        const scc = new Set();
        let w;
        do { w = stack.pop(); onStack.delete(w); scc.add(w); } while (w !== v);
        if (scc.size > 1 || graph.get(v).includes(v)) sccs.push(scc);
      }
    }
  }
  // name each component by one concrete cycle through its first file: a breadth-first path back
  return sccs.map((scc) => {
    const first = [...scc].sort()[0];
    const prev = new Map([[first, null]]);
    const queue = [first];
    let end = null;
    while (queue.length && end === null) {
      const v = queue.shift();
      for (const w of graph.get(v)) {
        if (!scc.has(w)) continue;
        if (w === first) { end = v; break; }
        if (!prev.has(w)) { prev.set(w, v); queue.push(w); }
      }
    }
    const path = [first];
    for (let v = end; v !== first; v = prev.get(v)) path.splice(1, 0, v);
    path.push(first);
    return path.map((f) => relative(root, f));
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const dir = resolve(process.argv[2] ?? join(root, 'src'));
  const cycles = findImportCycles(dir, root);
  for (const c of cycles) console.log(`import cycle: ${c.join(' → ')}`);
  if (cycles.length) process.exit(1);
  console.log(`import-cycles: no runtime import cycle under ${relative(root, dir) || '.'}`);
}
