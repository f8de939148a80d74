// The compiled fast path of template expressions (template/specialise.ts) must give exactly what
// cel-js gives, value or error: each expression is rendered both ways over generated variables,
// and the built-in templates over the test Pods with odd annotation and label values.
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { podProxyConfig, staticScope, templateData } from '../../../src/inject/render/data.js';
import { buildInjectorSettings } from '../../../src/inject/index.js';
import { compileTemplate, type CompiledTemplate } from '../../../src/inject/render/template/compile.js';
import { workloadOf } from '../../../src/inject/render/workload.js';
import { builtInTemplates, data, DATA, readYaml } from '../helpers.js';

type Outcome = { value: unknown } | { error: string };

function outcome(t: CompiledTemplate, scope: Record<string, unknown>): Outcome {
  try {
    return { value: t.render(scope) };
  } catch (e) {
    return { error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

const EXPRESSIONS = [
  'a',
  'm.x',
  'm.x.y',
  'm.?x.orValue("d")',
  'm[?"x"].orValue(a)',
  'm[?a].orValue(b)',
  'm[a]',
  'm["x"]',
  '"x" in m',
  'a in m',
  'a in l',
  'a == b',
  'a != "x"',
  'a == true',
  '!a',
  'a && b',
  'a || b',
  'a && m.x',
  'm.x || a',
  'a ? m.x : "no"',
  'a + b',
  'a + "-" + b',
  'has(m.x)',
  'has(m.x.y)',
  'size(m)',
  'size(l)',
  'size(a)',
  'int(a)',
  'int(m.?x.orValue("1"))',
  'str(a)',
  'default(a, b)',
  'default(m.?x.orValue(""), "z")',
  'l.join(",")',
  'l.join(a)',
  'values.v == a',
  'values.w',
  'values.missing',
  '!(has(values.w) && size(values.w) > 0) && a',
  'type(a) == string ? a : "other"',
  'l.exists(x, x == a)',
  'nope',
  'a.b',
  'a ? 1 : 2',
  'a == "x" ? values.v : b',
];

const scalar = fc.oneof(
  fc.constantFrom('', 'x', '0', '12', '-0', '007', ' 1', 'true', '99999999999999999999'),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.constant(null),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('x', 'y', 'constructor', '__proto__'), tie('v'), { maxKeys: 3 })),
})).v;
const variables = fc.record({ a: value, b: value, m: value, l: value }, { requiredKeys: [] });

describe('the compiled fast path of expressions', () => {
  const fixed = { values: { v: 'x', w: { a: 1 } } };
  it.each(EXPRESSIONS)('%s gives what CEL gives', (expr) => {
    // Typed (block scalar), quoted (a string), and as a condition.
    const sources = [`spec:\n  v: >-\n    \${ ${expr} }`, `spec:\n  v: ${JSON.stringify(`\${ ${expr} }`)}`, `spec:\n  $if: ${JSON.stringify(expr)}\n  v: 1`];
    for (const source of sources) {
      const fast = compileTemplate('t', source, fixed);
      const cel = compileTemplate('t', source, fixed, { celOnly: true });
      fc.assert(
        fc.property(variables, (vars) => {
          // As in TemplateData, the configuration's variables are there at render time too.
          const scope = { ...vars, ...fixed };
          expect(outcome(fast, scope)).toEqual(outcome(cel, scope));
        }),
        { numRuns: 150 },
      );
    }
  });
});

describe('the built-in templates with the fast path', () => {
  const ODD = ['', 'true', 'false', '0', '15020', 'NONE', 'TPROXY', '10.0.0.0/8', '*', '{"a": 1}', 'constructor'];
  const KEYS = [
    'traffic.sidecar.istio.io/includeOutboundPorts',
    'traffic.sidecar.istio.io/excludeOutboundPorts',
    'sidecar.istio.io/logLevel',
    'readiness.status.sidecar.istio.io/periodSeconds',
    'kubectl.kubernetes.io/default-container',
    'sidecar.istio.io/bootstrapOverride',
    'istio.io/reroute-virtual-interfaces',
    'traffic.sidecar.istio.io/excludeInterfaces',
    'security.istio.io/tlsMode',
    'constructor',
  ];
  const pods = readdirSync(DATA)
    .filter((f) => f.endsWith('.yaml') && !/\.(injected|values|mesh)\.yaml$/.test(f))
    .flatMap((f) => readYaml(data(f)))
    .filter((d) => d['kind'] === 'Pod');

  it.each([true, false])('render what CEL renders (native sidecars %s)', async (native) => {
    const settings = buildInjectorSettings({ templates: await builtInTemplates(), nativeSidecars: native, revision: '' });
    const scope = staticScope(settings.config);
    const pairs = Object.entries(await builtInTemplates()).map(([name, src]) => [compileTemplate(name, src, scope), compileTemplate(name, src, scope, { celOnly: true })] as const);
    const extra = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...ODD), { maxKeys: 4 });
    fc.assert(
      fc.property(fc.constantFrom(...pods), extra, extra, (p, annotations, labels) => {
        const metadata = (p['metadata'] ?? {}) as Record<string, unknown>;
        const pod = {
          ...p,
          metadata: { ...metadata, annotations: { ...(metadata['annotations'] as object), ...annotations }, labels: { ...(metadata['labels'] as object), ...labels } },
        };
        const d = templateData({ config: settings.config, pod, workload: workloadOf(pod, 'shop'), proxyConfig: podProxyConfig(settings.config, undefined), nativeSidecar: native });
        for (const [fast, cel] of pairs) expect(outcome(fast, d as unknown as Record<string, unknown>)).toEqual(outcome(cel, d as unknown as Record<string, unknown>));
      }),
      { numRuns: 200 },
    );
  });
});
