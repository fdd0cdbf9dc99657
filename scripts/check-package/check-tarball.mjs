// Checks an unpacked webgrad tarball (argv[2]: the folder holding package/): what a user
// downloads must be only what runs, with maps that work and no install-time scripts.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

const pkgDir = join(process.argv[2], 'package');
const problems = [];
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else files.push(relative(pkgDir, path));
  }
};
walk(pkgDir);

for (const need of ['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/node.js', 'dist/node.d.ts'])
  if (!files.includes(need)) problems.push(`missing ${need}`);
for (const f of files) {
  if (!/^(LICENSE|README\.md|package\.json|dist\/.*\.(js|d\.ts|js\.map))$/.test(f)) problems.push(`unexpected file ${f}`);
}

const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
for (const hook of ['preinstall', 'install', 'postinstall', 'prepare'])
  if (pkg.scripts?.[hook]) problems.push(`package.json has a '${hook}' script, which would run on the user's machine`);
if (!pkg.repository) problems.push('package.json has no repository');
if (pkg.license !== 'MIT') problems.push(`package.json license is ${pkg.license}`);
if (!pkg.dependencies?.['@webgpu/types']) problems.push('@webgpu/types is not a dependency (the .d.ts files use GPU* types)');

const index = readFileSync(join(pkgDir, 'dist/index.d.ts'), 'utf8');
if (!index.includes('<reference types="@webgpu/types"')) problems.push('dist/index.d.ts does not reference @webgpu/types');

for (const f of files.filter((f) => f.endsWith('.map'))) {
  const map = JSON.parse(readFileSync(join(pkgDir, f), 'utf8'));
  if (!Array.isArray(map.sourcesContent) || map.sourcesContent.some((s) => typeof s !== 'string'))
    problems.push(`${f} has no sourcesContent (its sources are not shipped)`);
}

// the browser entry's files must not import node: modules (webgrad/node's may)
const nodeOnly = new Set();
const visit = (file) => {
  if (nodeOnly.has(file)) return;
  nodeOnly.add(file);
  const text = readFileSync(join(pkgDir, file), 'utf8');
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\s*\(?\s*['"](\.[^'"]+)['"]/g)) {
    const spec = m[1] ?? m[2];
    visit(join(file, '..', spec));
  }
  if (/from\s*['"]node:|import\s*\(\s*['"]node:/.test(text)) problems.push(`${file} (reached from 'webgrad') imports a node: module`);
};
visit('dist/index.js');

const { shaders } = await import(pathToFileURL(join(pkgDir, 'dist/backend/webgpu/shaders.generated.js')).href);
for (const [name, text] of Object.entries(shaders))
  if (text.includes('//') || text.includes('/*')) problems.push(`the inlined shader ${name} keeps comments`);

const bytes = files.reduce((n, f) => n + statSync(join(pkgDir, f)).size, 0);
console.log(`check-package: the tarball holds ${files.length} files, ${(bytes / 1024).toFixed(0)} KiB unpacked`);
if (problems.length) {
  console.error(`check-package: tarball problems:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
