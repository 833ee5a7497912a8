// The JsonPath subset StarRocks loads use: `$`, `$.a.b`, `$.a[0]`, `$["a b"]`, `$.*` is not supported.

export type PathStep = string | number;

/** Compiles a path; undefined when it is not valid. */
export function compilePath(path: string): PathStep[] | undefined {
  const p = path.trim();
  if (p.length === 0 || p[0] !== '$') return undefined;
  const steps: PathStep[] = [];
  let i = 1;
  while (i < p.length) {
    const c = p[i];
    if (c === '.') {
      let j = i + 1;
      while (j < p.length && p[j] !== '.' && p[j] !== '[') j++;
      const name = p.slice(i + 1, j);
      if (name.length === 0) return undefined;
      steps.push(name);
      i = j;
    } else if (c === '[') {
      const close = p.indexOf(']', i);
      if (close < 0) return undefined;
      const inner = p.slice(i + 1, close).trim();
      if (/^\d+$/.test(inner)) steps.push(Number(inner));
      else if (/^(['"]).*\1$/.test(inner)) steps.push(inner.slice(1, -1));
      else return undefined;
      i = close + 1;
    } else {
      return undefined;
    }
  }
  return steps;
}

/** The value at the path, or undefined when some step is missing. */
export function applyPath(value: unknown, steps: PathStep[]): unknown {
  let v = value;
  for (const step of steps) {
    if (v === null || typeof v !== 'object') return undefined;
    if (typeof step === 'number') {
      if (!Array.isArray(v)) return undefined;
      v = v[step];
    } else {
      if (Array.isArray(v)) return undefined;
      v = (v as Record<string, unknown>)[step];
    }
    if (v === undefined) return undefined;
  }
  return v;
}
