// The template format: CEL in ${ }, typing by quoting, `?` keys, $if/$for/$items/$merge,
// SMP directives passed through, constant folding, and errors that name template and path.
import { describe, expect, it } from 'vitest';
import { InjectorConfigError } from '../../../src/inject/errors.js';
import { buildInjectorSettings, createInjector } from '../../../src/inject/index.js';
import { compileTemplate, TemplateRenderError } from '../../../src/inject/render/template/compile.js';
import { builtInTemplates, injector, pod } from '../helpers.js';

const render = (source: string, data: Record<string, unknown> = {}, fixed: Record<string, unknown> = {}): Record<string, unknown> =>
  compileTemplate('t', source, fixed).render(data);

describe('template format', () => {
  it.each([
    ['plain expression keeps its type', 'spec:\n  n: ${ 1 + 1 }', { spec: { n: 2 } }],
    ['quoted expression is a string', 'spec: {n: "${ 1 + 1 }"}', { spec: { n: '2' } }],
    ['quoted map stays a map', `spec: {m: "\${ {'a': 1} }"}`, { spec: { m: { a: 1 } } }],
    ['interpolation', 'spec:\n  s: a-${ 1 }-b', { spec: { s: 'a-1-b' } }],
    ['inside a flow mapping, expressions are quoted', 'spec: {s: "${ 1 }"}', { spec: { s: '1' } }],
    ['$${ is a literal ${', 'spec: {s: "echo $${HOME}"}', { spec: { s: 'echo ${HOME}' } }],
    ['block scalar keeps the type', 'spec:\n  n: >-\n    ${ true ? 3 : 4 }', { spec: { n: 3 } }],
    ['? drops empty values', "spec: {a?: '${ \"\" }', b?: '${ [] }', c?: 0, d: ''}", { spec: { d: '' } }],
    ['$if false drops a map', 'spec: {a: {$if: false, x: 1}, b: {$if: true, y: 2}}', { spec: { b: { y: 2 } } }],
    ['$if drops a list item', 'spec: {l: [{$if: "1 == 2", a: 1}, {b: 2}]}', { spec: { l: [{ b: 2 }] } }],
    ['$items splices', 'spec: {l: [a, {$if: true, $items: [b, c]}, d]}', { spec: { l: ['a', 'b', 'c', 'd'] } }],
    ['$merge adds entries', 'spec: {m: {a: 1, $merge: [{$if: true, b: 2}, {$if: false, c: 3}]}}', { spec: { m: { a: 1, b: 2 } } }],
    ['SMP directives pass through', 'spec: {volumes: [{$patch: replace}]}', { spec: { volumes: [{ $patch: 'replace' }] } }],
  ])('%s', (_name, source, want) => {
    expect(render(source)).toEqual(want);
  });

  it('$for over a list binds the item; with two names the index', () => {
    const src = 'spec:\n  l:\n  - $for: c in xs\n    $if: c != "skip"\n    $items: ["${ c }"]\n  - $for: i, c in xs\n    $items: ["${ i }:${ c }"]';
    expect(render(src, { xs: ['a', 'skip', 'b'] })).toEqual({ spec: { l: ['a', 'b', '0:a', '1:skip', '2:b'] } });
  });

  it('$for over a map iterates keys in sorted order', () => {
    const src = 'spec:\n  env:\n  - $for: k, v in m\n    $items: [{name: "${ k }", value: "${ v }"}]';
    expect(render(src, { m: { b: '2', a: 1 } })).toEqual({
      spec: {
        env: [
          { name: 'a', value: '1' },
          { name: 'b', value: '2' },
        ],
      },
    });
  });

  it('YAML anchors let one block appear in two places', () => {
    const src = 'spec:\n  initContainers:\n  - $if: native\n    $items: [&p {name: proxy, x: "${ n }"}]\n  containers:\n  - $if: "!native"\n    $items: [*p]';
    expect(render(src, { native: false, n: 1 })).toEqual({ spec: { initContainers: [], containers: [{ name: 'proxy', x: '1' }] } });
  });

  it('helper functions', () => {
    const src =
      "spec: {a: \"${ default('', 'x') }\", b: \"${ excludeInboundPort('15020', '1,2') }\", c: \"${ appendMultusNetwork('a', 'default/istio-cni') }\", d: \"${ toJSON({'k': 1}) }\", e: \"${ str(1.5) }\"}";
    expect(render(src)).toEqual({ spec: { a: 'x', b: '1,2,15020', c: 'a, default/istio-cni', d: '{"k":1}', e: '1.5' } });
  });

  it('expressions over configuration only are evaluated once, at load time', () => {
    const t = compileTemplate('t', 'spec: {hub: "${ values.hub }", pod: "${ pod.name }"}', { values: { hub: 'h' } });
    expect(t.render({ pod: { name: 'p' } })).toEqual({ spec: { hub: 'h', pod: 'p' } });
    // The folded part no longer needs `values` at render time.
    expect(t.render({ pod: { name: 'q' }, values: { hub: 'other' } })).toEqual({ spec: { hub: 'h', pod: 'q' } });
  });

  it('rendered constants are shared and frozen, so merges must copy them', () => {
    const t = compileTemplate('t', 'spec: {a: {b: 1}}', {});
    expect(Object.isFrozen(t.render({})['spec'])).toBe(true);
  });
});

describe('template errors', () => {
  it.each([
    ['bad YAML', 'spec: [', /template "bad": not valid YAML/],
    ['bad expression', 'spec:\n  x: ${ 1 + }', /template "bad".*spec\.x: cannot parse expression/],
    ['unknown directive', 'spec: {$when: true}', /unknown directive \$when/],
    ['not a Pod overlay', 'kind: Deployment', /top-level key "kind"/],
    ['bad $for', 'spec: {l: [{$for: nonsense, $items: []}]}', /\$for must read/],
    ['unterminated', 'spec: {a: "${ x"}', /unterminated/],
  ])('%s is a configuration error naming the template', (_name, source, message) => {
    expect(() => compileTemplate('bad', source, {})).toThrow(InjectorConfigError);
    expect(() => compileTemplate('bad', source, {})).toThrow(message);
  });

  it('a failure while rendering names the template and the path', () => {
    const t = compileTemplate('mine', 'spec:\n  containers:\n  - name: ${ pod.missing.field }', {});
    expect(() => t.render({ pod: {} })).toThrow(TemplateRenderError);
    expect(() => t.render({ pod: {} })).toThrow(/template "mine" at spec\.containers\[0\]\.name/);
  });

  it('a Pod whose template fails to render is denied', async () => {
    const templates = { ...(await builtInTemplates()), broken: 'metadata:\n  labels:\n    x: ${ annotations["needed"] }' };
    const inj = createInjector(buildInjectorSettings({ templates, nativeSidecars: true, revision: '' }));
    const out = inj.inject({ pod: pod({ annotations: { 'inject.istio.io/templates': 'broken' } }) });
    expect(out).toMatchObject({ kind: 'deny', reason: 'template_error' });
  });
});

describe('user templates', () => {
  const extra =
    'metadata:\n  labels:\n    team: ${ default(labels[?"team"].orValue(""), "platform") }\nspec:\n  containers:\n  - $for: c in pod.spec.containers\n    $items:\n    - name: ${ c.name }\n      env: [{name: TEAM_AWARE, value: "1"}]\n';

  it('are added by name and combined with built-ins', async () => {
    const inj = createInjector(buildInjectorSettings({ templates: await builtInTemplates(), userTemplates: { team: extra }, nativeSidecars: true, revision: '' }));
    expect(inj.templateNames).toEqual(['gateway', 'grpc-agent', 'grpc-simple', 'sidecar', 'team']);
    const out = inj.inject({ pod: pod({ annotations: { 'inject.istio.io/templates': 'sidecar,team' } }) });
    expect(out.kind).toBe('inject');
    if (out.kind !== 'inject') return;
    expect((out.pod['metadata'] as Record<string, Record<string, string>>)['labels']?.['team']).toBe('platform');
    const status = JSON.parse((out.pod['metadata'] as Record<string, Record<string, string>>)['annotations']?.['sidecar.istio.io/status'] as string);
    expect(status.containers).toEqual(['web']);
  });

  it('replace a built-in of the same name, from the values key too', async () => {
    const settings = buildInjectorSettings({
      templates: await builtInTemplates(),
      values: { sidecarInjectorWebhook: { templates: { sidecar: 'metadata: {labels: {replaced: "yes"}}' } } },
      nativeSidecars: true,
      revision: '',
    });
    const out = createInjector(settings).inject({ pod: pod() });
    expect(out.kind === 'inject' && (out.pod['spec'] as Record<string, unknown>)['initContainers']).toBeUndefined();
    expect(out.kind === 'inject' && JSON.stringify(out.pod['metadata'])).toContain('"replaced":"yes"');
  });

  it('default templates and aliases are checked against the known names', async () => {
    const build = (siw: Record<string, unknown>) => async (): Promise<unknown> =>
      buildInjectorSettings({ templates: await builtInTemplates(), values: { sidecarInjectorWebhook: siw }, nativeSidecars: true, revision: '' });
    await expect(build({ defaultTemplates: ['nope'] })()).rejects.toThrow(/sidecarInjectorWebhook\.defaultTemplates: template "nope" does not exist/);
    await expect(build({ aliases: { both: ['sidecar', 'gone'] } })()).rejects.toThrow(/aliases\.both: template "gone"/);
    const inj = createInjector(
      buildInjectorSettings({ templates: await builtInTemplates(), values: { sidecarInjectorWebhook: { aliases: { gw: ['gateway'] } } }, nativeSidecars: true, revision: '' }),
    );
    expect(inj.inject({ pod: pod({ annotations: { 'inject.istio.io/templates': 'gw' } }) }).kind).toBe('inject');
  });

  it('a template may be applied several times', async () => {
    const out = (await injector()).inject({ pod: pod({ annotations: { 'inject.istio.io/templates': 'sidecar,sidecar' } }) });
    expect(
      out.kind === 'inject' && JSON.parse((out.pod['metadata'] as Record<string, Record<string, string>>)['annotations']?.['sidecar.istio.io/status'] ?? '').initContainers,
    ).toEqual(['istio-init', 'istio-proxy']);
  });
});
