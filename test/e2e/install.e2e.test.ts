// The in-cluster install (manifests/) against the real API server: kubectl accepts it as a
// client-side and as a server-side dry run (schemas, RBAC objects, webhook configurations).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './cluster/versions.js';
import { kubectl } from './support.js';

const MANIFESTS = join(REPO_ROOT, 'manifests');

describe('kubectl apply -k manifests/', () => {
  it.each(['client', 'server'])('passes --dry-run=%s', async (mode) => {
    const res = await kubectl().run(['apply', `--dry-run=${mode}`, '-k', MANIFESTS]);
    // The harness created some of these objects imperatively; kubectl only notes that.
    const complaints = res.stderr.split('\n').filter((l) => l.trim() !== '' && !/last-applied-configuration/.test(l));
    expect(complaints).toEqual([]);
    expect(res.code).toBe(0);
    for (const object of [
      'namespace/meshgate-system',
      'deployment.apps/meshgate',
      'service/meshgate',
      'poddisruptionbudget.policy/meshgate',
      'mutatingwebhookconfiguration.admissionregistration.k8s.io/meshgate-sidecar-injector',
      'validatingwebhookconfiguration.admissionregistration.k8s.io/meshgate-validator',
      'clusterrole.rbac.authorization.k8s.io/meshgate',
    ]) {
      expect(res.stdout).toContain(object);
    }
  });
});
