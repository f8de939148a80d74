// Strategic merge semantics for Pods: merge keys, list order, null, directives, replacement.
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../src/lib/json.js';
import { mergeInto, POD_SCHEMA } from '../../../src/inject/merge/smp.js';

const merged = (target: JsonObject, patch: JsonObject): JsonObject => {
  const copy = structuredClone(target);
  mergeInto(copy, patch, POD_SCHEMA);
  return copy;
};
const spec = (s: JsonObject): JsonObject => ({ spec: s });

describe('strategic merge patch', () => {
  it.each([
    [
      "new containers come before the Pod's",
      spec({ containers: [{ name: 'app' }] }),
      spec({ containers: [{ name: 'proxy' }] }),
      spec({ containers: [{ name: 'proxy' }, { name: 'app' }] }),
    ],
    [
      'template volumes first, user volumes after',
      spec({ volumes: [{ name: 'u1' }, { name: 'u2' }] }),
      spec({ volumes: [{ name: 't1' }, { name: 't2' }] }),
      spec({ volumes: [{ name: 't1' }, { name: 't2' }, { name: 'u1' }, { name: 'u2' }] }),
    ],
    [
      'patch order for named items; Pod-only items go first only when they came earlier',
      spec({ volumes: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] }),
      spec({ volumes: [{ name: 'c' }, { name: 'a' }] }),
      spec({ volumes: [{ name: 'b' }, { name: 'c' }, { name: 'a' }] }),
    ],
    [
      'containers merge by name, env by name, args replaced',
      spec({
        containers: [
          {
            name: 'p',
            args: ['a'],
            env: [
              { name: 'X', value: '1' },
              { name: 'Y', value: '2' },
            ],
          },
        ],
      }),
      spec({ containers: [{ name: 'p', args: ['b', 'c'], env: [{ name: 'Y', value: '3' }] }] }),
      spec({
        containers: [
          {
            name: 'p',
            args: ['b', 'c'],
            env: [
              { name: 'X', value: '1' },
              { name: 'Y', value: '3' },
            ],
          },
        ],
      }),
    ],
    [
      'volume mounts merge by mountPath, ports by containerPort',
      spec({ containers: [{ name: 'p', volumeMounts: [{ mountPath: '/a', name: 'x' }], ports: [{ containerPort: 80, name: 'h' }] }] }),
      spec({ containers: [{ name: 'p', volumeMounts: [{ mountPath: '/a', readOnly: true }], ports: [{ containerPort: 80, protocol: 'TCP' }] }] }),
      spec({ containers: [{ name: 'p', volumeMounts: [{ mountPath: '/a', name: 'x', readOnly: true }], ports: [{ containerPort: 80, name: 'h', protocol: 'TCP' }] }] }),
    ],
    ['maps merge key by key', { metadata: { labels: { a: '1' } } }, { metadata: { labels: { b: '2' } } }, { metadata: { labels: { a: '1', b: '2' } } }],
    ['null deletes', { metadata: { labels: { a: '1', b: '2' } } }, { metadata: { labels: { a: null } } }, { metadata: { labels: { b: '2' } } }],
    ['nulls in new items are dropped', spec({}), spec({ volumes: [{ name: 'v', emptyDir: null }] }), spec({ volumes: [{ name: 'v' }] })],
    ['an empty list leaves the Pod alone', spec({ initContainers: [{ name: 'i' }] }), spec({ initContainers: [] }), spec({ initContainers: [{ name: 'i' }] })],
    ['an empty list is not added', spec({}), spec({ initContainers: [] }), spec({})],
    ['$patch: replace on a map', spec({ securityContext: { a: 1, b: 2 } }), spec({ securityContext: { $patch: 'replace', c: 3 } }), spec({ securityContext: { c: 3 } })],
    ['$patch: replace in a list', spec({ volumes: [{ name: 'a' }] }), spec({ volumes: [{ $patch: 'replace' }, { name: 'b' }] }), spec({ volumes: [{ name: 'b' }] })],
    ['$patch: delete in a list', spec({ volumes: [{ name: 'a' }, { name: 'b' }] }), spec({ volumes: [{ name: 'a', $patch: 'delete' }] }), spec({ volumes: [{ name: 'b' }] })],
    ['lists without a merge key are replaced', spec({ tolerations: [{ key: 'a' }] }), spec({ tolerations: [{ key: 'b' }] }), spec({ tolerations: [{ key: 'b' }] })],
    ['finalizers merge as a set', { metadata: { finalizers: ['a', 'b'] } }, { metadata: { finalizers: ['b', 'c'] } }, { metadata: { finalizers: ['a', 'b', 'c'] } }],
  ] as const)('%s', (_name, target, patch, want) => {
    expect(merged(target as JsonObject, patch as JsonObject)).toEqual(want);
  });

  it('never changes the patch: its frozen parts land shared and frozen, and merging into them copies', () => {
    const patch = Object.freeze({ spec: Object.freeze({ volumes: Object.freeze([Object.freeze({ name: 'v', emptyDir: Object.freeze({}) })]) }) }) as unknown as JsonObject;
    const target: JsonObject = { spec: {} };
    mergeInto(target, patch, POD_SCHEMA);
    const volumes = (): JsonObject[] => (target['spec'] as JsonObject)['volumes'] as JsonObject[];
    expect(Object.isFrozen(volumes()[0])).toBe(true);
    mergeInto(target, spec({ volumes: [{ name: 'v', secret: { secretName: 's' } }] }), POD_SCHEMA);
    expect(volumes()).toEqual([{ name: 'v', emptyDir: {}, secret: { secretName: 's' } }]);
    expect(patch).toEqual({ spec: { volumes: [{ name: 'v', emptyDir: {} }] } });
  });

  it('cleans a frozen patch value once and shares the result', () => {
    const value = Object.freeze({ name: 'v', gone: null, $patch: 'merge', empty: Object.freeze([]) }) as unknown as JsonObject;
    const a: JsonObject = {};
    const b: JsonObject = {};
    mergeInto(a, { x: value }, undefined);
    mergeInto(b, { x: value }, undefined);
    expect(a['x']).toEqual({ name: 'v' });
    expect(a['x']).toBe(b['x']);
  });
});
