// Whole documents as users write them, read with the same YAML parser as the CLI, so that YAML's
// own readings (null for an empty key, numbers for unquoted ports) reach the validators.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { expectIssues, outcomeOf } from '../../helpers/validators.js';
import type { Issue, KubeObject } from '../../../src/validate/index.js';
import { issue } from './helpers.js';

const DATA = join(import.meta.dirname, '../../data/validate/security');
const load = (file: string): KubeObject => parse(readFileSync(join(DATA, file), 'utf8')) as KubeObject;
const TOP_LEVEL = 'unknown top-level field; only apiVersion, kind, metadata, spec and status are allowed (is it meant to be under spec?)';

describe('YAML documents', () => {
  it.each<[string, Issue[]]>([
    ['ap-fields-outside-spec.yaml', [issue('selector', TOP_LEVEL), issue('action', TOP_LEVEL)]],
    ['ap-unquoted-port.yaml', [issue('spec.rules[0].to[0].operation.ports[0]', 'ports are strings in this API: write it in quotes, e.g. "5432"')]],
    ['ra-claim-header-null.yaml', [issue('spec.jwtRules[0].outputClaimToHeaders[0]', 'must be an object (a map of fields), not null')]],
    ['pa-port-level-yaml-int-key.yaml', []],
    ['telemetry-access-log-filter.yaml', []],
  ])('%s', (file, expected) => {
    const outcome = outcomeOf(load(file));
    expect(outcome.checked).toBe(true);
    expectIssues(outcome.checked ? outcome.errors : [], expected);
  });
});
