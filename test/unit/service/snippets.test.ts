// Every snippet, expanded with its default placeholders, lints clean with the language core.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { analyze, parse } from '../../../server/src/language';

const ROOT = resolve(__dirname, '../../..');
const snippets = JSON.parse(readFileSync(resolve(ROOT, 'snippets/routine-load.code-snippets'), 'utf8')) as Record<string, { prefix: string | string[]; body: string[]; description: string }>;

/** Expand a snippet body as the editor would when every placeholder keeps its default. */
export function expandSnippet(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\' && i + 1 < body.length && '$}\\,|'.includes(body[i + 1])) {
      out += body[++i];
    } else if (c === '$' && body[i + 1] === '{') {
      // ${n:default}, ${n|a,b|} or ${n}
      let j = i + 2;
      while (/\d/.test(body[j])) j++;
      if (body[j] === ':') {
        let depth = 1;
        let k = j + 1;
        let inner = '';
        for (; k < body.length; k++) {
          if (body[k] === '\\') {
            inner += body[k] + body[k + 1];
            k++;
            continue;
          }
          if (body[k] === '{' && body[k - 1] === '$') depth++;
          if (body[k] === '}' && --depth === 0) break;
          inner += body[k];
        }
        out += expandSnippet(inner);
        i = k;
      } else if (body[j] === '|') {
        const end = body.indexOf('|}', j + 1);
        out += body.slice(j + 1, end).split(',')[0];
        i = end + 1;
      } else {
        i = body.indexOf('}', j);
      }
    } else if (c === '$' && /\d/.test(body[i + 1] ?? '')) {
      while (/\d/.test(body[i + 1] ?? '')) i++;
    } else out += c;
  }
  return out;
}

describe('snippets', () => {
  it('cover the jobs and statements users write', () => {
    const bodies = Object.values(snippets).map((s) => s.body.join('\n'));
    for (const needle of ['"format" = "json"', '"jsonpaths"', '"property.security.protocol" = "ssl"', 'property.sasl.mechanism', 'ALTER ROUTINE LOAD', 'PAUSE ROUTINE LOAD', 'RESUME ROUTINE LOAD', 'STOP ROUTINE LOAD', 'SHOW ']) {
      assert.ok(bodies.some((b) => b.includes(needle)), needle);
    }
  });

  for (const [name, snippet] of Object.entries(snippets)) {
    it(`${name} lints clean`, () => {
      const text = expandSnippet(snippet.body.join('\n'));
      assert.doesNotMatch(text, /\$\{|\$\d/, 'every placeholder expanded');
      const result = parse(text);
      assert.ok(result.statements.length >= 1);
      const found = analyze({ uri: 'file:///snippet.sql', text, parse: result })
        // The snippet's table lives in the user's workspace, not in the snippet.
        .filter((d) => d.code !== 'RL401');
      assert.deepEqual(found.map((d) => `${d.code} ${d.severity}: ${d.message}`), [], text);
    });
  }
});
