// Whole documents as users write them, read from YAML: a valid bookstore setup, and documents
// that each break one rule, with the expected error in the comment before them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { outcomeOf } from '../../helpers/validators.js';
import type { KubeObject } from '../../../src/validate/issues.js';

const DATA = join(import.meta.dirname, '../../data/validate/gatewayapi');

function documents(file: string): Array<{ name: string; obj: KubeObject; expect: string }> {
  // Each document is parsed on its own so that the comment heading it stays with it.
  return readFileSync(join(DATA, file), 'utf8')
    .split(/^---$/m)
    .map((text) => {
      const obj = parseAllDocuments(text)[0]?.toJS() as KubeObject;
      return { name: `${String(obj.kind)} ${String(obj.metadata?.name)}`, obj, expect: /^# expect: (.*)$/m.exec(text)?.[1] ?? '' };
    });
}

describe('Gateway API documents', () => {
  it.each(documents('valid.yaml'))('admits $name', ({ obj }) => {
    const outcome = outcomeOf(obj);
    expect(outcome.checked).toBe(true);
    if (outcome.checked) {
      expect(outcome.errors).toEqual([]);
      expect(outcome.warnings).toEqual([]);
    }
  });

  it.each(documents('invalid.yaml'))('rejects $name', ({ obj, expect: expected }) => {
    const [path, message] = expected.split(' | ');
    const outcome = outcomeOf(obj);
    expect(outcome.checked && outcome.errors).toEqual([{ path, message }]);
  });
});
