// Strips comments and indentation from WGSL for the inlined shader strings, keeping every
// line break so a compile error's line number still points at the line in shaders/*.wgsl.
// WGSL has no string literals, so `//` always starts a comment; block comments nest.
export function stripWgsl(source) {
  let out = '';
  let depth = 0; // block-comment nesting
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    const next = source[i + 1];
    if (depth > 0) {
      if (c === '/' && next === '*') { depth++; i++; }
      else if (c === '*' && next === '/') { depth--; i++; }
      else if (c === '\n') out += '\n';
      continue;
    }
    if (c === '/' && next === '*') { depth = 1; i++; continue; }
    if (c === '/' && next === '/') {
      while (i + 1 < source.length && source[i + 1] !== '\n') i++;
      continue;
    }
    out += c;
  }
  if (depth > 0) throw new Error('wgsl-strip: unterminated block comment');
  return out.split('\n').map((line) => line.trim()).join('\n');
}
