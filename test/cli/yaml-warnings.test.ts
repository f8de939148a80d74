// Odd YAML (an unknown directive, an unresolved tag) in a manifest or in a Pod's
// proxy.istio.io/config annotation must not make the yaml library print Node process
// warnings: on the webhook path they would be unstructured stderr lines per request.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseYamlDocuments } from '../../src/documents/documents.js';
import { parseProxyConfig } from '../../src/inject/settings/proxyconfig.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('YAML with unknown directives and tags', () => {
  it('is read without process warnings (manifests)', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const docs = parseYamlDocuments('%FOO bar\n---\nkind: Pod\nmetadata: {name: !custom a}\n');
    expect(docs.map((d) => d.value)).toEqual([{ kind: 'Pod', metadata: { name: 'a' } }]);
    expect(warn).not.toHaveBeenCalled();
  });

  it('is read without process warnings (proxy.istio.io/config)', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    expect(parseProxyConfig('%FOO bar\n---\nconcurrency: 2\n')).toEqual({ concurrency: 2 });
    expect(warn).not.toHaveBeenCalled();
  });
});
