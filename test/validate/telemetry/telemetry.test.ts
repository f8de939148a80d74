import { describe, expect, it } from 'vitest';
import { validateTelemetry, expectIssues } from '../../helpers/validators.js';
import type { Issue } from '../../../src/validate/issues.js';
import { assertTotal, issue, matching, resource } from '../security/helpers.js';

const tel = (spec: unknown) => resource('telemetry.istio.io/v1', 'Telemetry', spec);
const tags = (tagOverrides: unknown) => ({ metrics: [{ overrides: [{ tagOverrides }] }] });
const filter = (expression: unknown) => ({ accessLogging: [{ filter: { expression } }] });
const TAG = 'spec.metrics[0].overrides[0].tagOverrides';

describe('Telemetry', () => {
  it.each<[string, unknown]>([
    ['an empty spec', {}],
    [
      'tracing with custom tags',
      {
        tracing: [
          {
            providers: [{ name: 'otel' }],
            randomSamplingPercentage: 10.5,
            customTags: { env: { environment: { name: 'ENV', defaultValue: 'dev' } }, h: { header: { name: 'x-id' } }, l: { literal: { value: 'v' } } },
          },
        ],
      },
    ],
    ['a custom tag without a type', { tracing: [{ customTags: { t: {} } }] }],
    [
      'metrics overrides',
      {
        metrics: [
          {
            providers: [{ name: 'prometheus' }],
            reportingInterval: '15s',
            overrides: [
              { match: { metric: 'REQUEST_COUNT', mode: 'SERVER' }, disabled: true },
              { match: { customMetric: 'my_metric' }, tagOverrides: { t: { value: 'request.host' } } },
            ],
          },
        ],
      },
    ],
    ['removing a tag', tags({ request_protocol: { operation: 'REMOVE' } })],
    ['an access-log filter with a method call', filter("connection.mtls && request.url_path.contains('v1beta3')")],
    ['an access-log filter on response codes', filter('response.code >= 400 || has(request.headers.x_debug)')],
    ['a targetRef to a Gateway', { targetRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' } }],
    ['nullable switches set to null', { tracing: [{ disableSpanReporting: null, randomSamplingPercentage: null }], accessLogging: [{ disabled: null }] }],
  ])('accepts %s', (_name, spec) => {
    expect(validateTelemetry(tel(spec)).errors).toEqual([]);
  });

  it.each<[string, unknown, Issue[]]>([
    ['an empty provider name', { metrics: [{ providers: [{ name: '' }] }] }, [issue('spec.metrics[0].providers[0].name', 'must not be empty')]],
    ['a provider without name', { accessLogging: [{ providers: [{}] }] }, [issue('spec.accessLogging[0].providers[0].name', 'required field is missing')]],
    ['a sampling rate above 100', { tracing: [{ randomSamplingPercentage: 101 }] }, [issue('spec.tracing[0].randomSamplingPercentage', 'must be at most 100; got the number 101')]],
    ['a negative sampling rate', { tracing: [{ randomSamplingPercentage: -1 }] }, [issue('spec.tracing[0].randomSamplingPercentage', 'must be at least 0; got the number -1')]],
    // The API server drops a null map value before istiod sees it.
    ['a null custom tag', { tracing: [{ customTags: { t: null } }] }, []],
    ['an empty literal', { tracing: [{ customTags: { t: { literal: { value: '' } } } }] }, [issue('spec.tracing[0].customTags.t.literal.value', 'must not be empty')]],
    [
      'an environment tag without name',
      { tracing: [{ customTags: { t: { environment: {} } } }] },
      [issue('spec.tracing[0].customTags.t.environment.name', 'required field is missing')],
    ],
    ['an empty tag name', { tracing: [{ customTags: { '': { literal: { value: 'v' } } } }] }, [issue('spec.tracing[0].customTags[""]', 'tag name must not be empty')]],
    [
      'a custom tag with two types',
      { tracing: [{ customTags: { t: { literal: { value: 'v' }, header: { name: 'h' } } } }] },
      [issue('spec.tracing[0].customTags.t', 'set only one of literal, environment and header; this tag sets literal and header')],
    ],
    [
      'an UPSERT without value',
      tags({ t: { operation: 'UPSERT' } }),
      [issue(`${TAG}.t.value`, 'is required when the operation is UPSERT (the default): it is the expression that computes the tag')],
    ],
    [
      'a tag override without operation or value',
      tags({ t: {} }),
      [issue(`${TAG}.t.value`, 'is required when the operation is UPSERT (the default): it is the expression that computes the tag')],
    ],
    ['a REMOVE with a value', tags({ t: { operation: 'REMOVE', value: 'x' } }), [issue(`${TAG}.t.value`, 'must not be set when the operation is REMOVE')]],
    ['an unknown operation', tags({ t: { operation: 'DELETE' } }), [issue(`${TAG}.t.operation`, 'must be one of "UPSERT", "REMOVE"; got the string "DELETE"')]],
    ['an empty custom metric', { metrics: [{ overrides: [{ match: { customMetric: '' } }] }] }, [issue('spec.metrics[0].overrides[0].match.customMetric', 'must not be empty')]],
    [
      'both metric and customMetric',
      { metrics: [{ overrides: [{ match: { metric: 'REQUEST_COUNT', customMetric: 'c' } }] }] },
      [issue('spec.metrics[0].overrides[0].match', 'set metric or customMetric, not both')],
    ],
    [
      'an unknown metric',
      { metrics: [{ overrides: [{ match: { metric: 'REQUESTS' } }] }] },
      [issue('spec.metrics[0].overrides[0].match.metric', matching(/^must be one of "ALL_METRICS", "REQUEST_COUNT", .*; got the string "REQUESTS"$/))],
    ],
    ['a null override', { metrics: [{ overrides: [null] }] }, [issue('spec.metrics[0].overrides[0]', 'must be an object (a map of fields), not null')]],
    [
      'a reporting interval below 1ms',
      { metrics: [{ reportingInterval: '100us' }] },
      [issue('spec.metrics[0].reportingInterval', '"100us" is too short; durations must be at least 1ms')],
    ],
    [
      'a reporting interval that is no duration',
      { metrics: [{ reportingInterval: '5 seconds' }] },
      [issue('spec.metrics[0].reportingInterval', '"5 seconds" is not a duration; write it like "500ms", "10s", "1m30s" or "1h"')],
    ],
    ['an unfinished filter', filter('response.code >='), [issue('spec.accessLogging[0].filter.expression', 'is not a valid CEL expression: Unexpected token: EOF')]],
    ['an empty filter', { accessLogging: [{ filter: {} }] }, [issue('spec.accessLogging[0].filter.expression', 'is not a valid CEL expression: it is empty')]],
    [
      'has() on a bare name',
      filter('has(request)'),
      [issue('spec.accessLogging[0].filter.expression', 'is not a valid CEL expression: has() takes a single field selection, like has(request.headers.foo)')],
    ],
    ['a filter in another language', filter('response.code == 200 and true'), [issue('spec.accessLogging[0].filter.expression', matching(/^is not a valid CEL expression: /))]],
    ['a targetRef without name', { targetRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway' } }, [issue('spec.targetRef.name', 'required field is missing')]],
    [
      'a targetRef in another namespace',
      { targetRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'g', namespace: 'x' } },
      [issue('spec.targetRef.namespace', 'must be empty: a policy can only target resources in its own namespace')],
    ],
  ])('rejects %s', (_name, spec, expected) => {
    expectIssues(validateTelemetry(tel(spec)).errors, expected);
  });

  it('warns about several tracing entries and providers', () => {
    const report = validateTelemetry(tel({ tracing: [{ providers: [{ name: 'a' }, { name: 'b' }] }, {}] }));
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([
      'spec.tracing: only one tracing entry is supported; the others may be ignored',
      'spec.tracing[0].providers: only one tracing provider is supported; the others may be ignored',
    ]);
  });

  it('never throws and always names a field', () => {
    assertTotal(validateTelemetry, 'telemetry.istio.io/v1', 'Telemetry', [
      'selector',
      'targetRef',
      'targetRefs',
      'tracing',
      'metrics',
      'accessLogging',
      'providers',
      'name',
      'customTags',
      'literal',
      'environment',
      'header',
      'value',
      'overrides',
      'match',
      'metric',
      'customMetric',
      'tagOverrides',
      'operation',
      'filter',
      'expression',
      'reportingInterval',
      'randomSamplingPercentage',
    ]);
  });
});
