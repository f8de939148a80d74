// Kubeconfig files for the run's clients (kubectl as admin, the controller manager).
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

export interface KubeconfigSpec {
  readonly server: string;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly user: string;
}

export function writeKubeconfig(file: string, spec: KubeconfigSpec): string {
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'e2e', cluster: { server: spec.server, 'certificate-authority': spec.caFile } }],
    users: [{ name: spec.user, user: { 'client-certificate': spec.certFile, 'client-key': spec.keyFile } }],
    contexts: [{ name: 'e2e', context: { cluster: 'e2e', user: spec.user } }],
    'current-context': 'e2e',
    preferences: {},
  };
  writeFileSync(file, stringify(doc), { mode: 0o600 });
  return file;
}
