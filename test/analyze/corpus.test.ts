// The planted-mistake corpus: multi-object setups as users write them, each with the mistakes
// named in its `# expect:` lines. `meshgate analyze` must report exactly those (code, object,
// field) and nothing else, and exit 1 from the failure threshold the findings reach.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODES, type Code, type Finding } from '../../src/analyze/index.js';
import { main } from '../../src/cli/main.js';
import { capture } from '../helpers/cli.js';

const DIR = 'test/data/analyze/broken';
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

function expected(file: string): string[] {
  return [...readFileSync(join(DIR, file), 'utf8').matchAll(/^# expect: (.+)$/gm)].map((m) => (m[1] ?? '').trim());
}

const brief = (f: Finding): string => `${f.code} ${f.objects[0]?.kind} ${f.objects[0]?.namespace}/${f.objects[0]?.name} ${f.objects[0]?.path}`.trim();

async function analyzeFile(file: string, extra: string[] = []): Promise<{ code: number; findings: Finding[] }> {
  const io = capture();
  const code = await main(['analyze', '-f', join(DIR, file), '-o', 'json', ...extra], io);
  expect(io.err()).toBe('');
  return { code, findings: JSON.parse(io.out()) as Finding[] };
}

describe('the planted-mistake corpus', () => {
  it('holds at least 30 setups, every one with a planted mistake', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    for (const f of files) expect(expected(f).length, f).toBeGreaterThan(0);
  });

  it.each(files)('%s: exactly the planted mistakes are found', async (file) => {
    const want = expected(file);
    const { code, findings } = await analyzeFile(file);
    expect(findings.map(brief).sort()).toEqual([...want].sort());
    const errors = want.some((w) => CODES[w.split(' ')[0] as Code].severity === 'error');
    expect(code).toBe(errors ? 1 : 0);
    expect((await analyzeFile(file, ['--failure-threshold', 'warning'])).code).toBe(1);
  });

  it('covers every analyzer code', () => {
    const planted = new Set(files.flatMap(expected).map((w) => w.split(' ')[0]));
    expect([...planted].sort()).toEqual(Object.keys(CODES).sort());
  });

  it('every finding says where it is (file:line) in text output', async () => {
    const io = capture();
    expect(await main(['analyze', '-f', join(DIR, '03-vs-subset-typo.yaml')], io)).toBe(1);
    expect(io.out()).toBe(
      [
        `error MG103 VirtualService.networking.istio.io default/reviews (${DIR}/03-vs-subset-typo.yaml:27)`,
        '    spec.http[0].route[1].destination.subset "v4" is not defined by DestinationRule default/reviews (subsets: v1, v2 and v3); requests routed there fail with 503',
        '    fix: use one of the defined subsets, or add subset "v4" with the labels of its Pods to DestinationRule default/reviews',
        `    see: DestinationRule.networking.istio.io default/reviews (${DIR}/03-vs-subset-typo.yaml:11) spec.subsets`,
        '1 finding (1 error) in 2 objects; failure threshold: error',
        '',
      ].join('\n'),
    );
  });
});
