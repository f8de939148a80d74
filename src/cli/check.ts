// `meshgate check`: meshgate's install in a live cluster, through a kubeconfig — webhook
// configurations present and calling ready endpoints, caBundle and certificates, failure
// policies, the leader, other injectors selecting the same Pods, and (like istioctl x
// check-inject) per namespace or Pod: injected by which entry and revision, or why not, and
// which running Pods lack the sidecar they should have. Exit 0 passed, 1 problems, 2 cannot run.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { collect } from '../check/collect.js';
import { analyze, renderText } from '../check/report.js';
import { parseFlags, runCommand, str, strs, wantsHelp } from './flags.js';
import { EXIT, UsageError, type Command } from './io.js';

const HELP = `Usage: meshgate check [--kubeconfig FILE] [--context NAME] [--namespace NS]... [--pod NS/NAME]
                      [--meshgate-namespace NS] [--mutating-webhook NAME] [--validating-webhook NAME]
                      [--secret-name NAME] [--lease-name NAME] [-o text|json|yaml] [--output-file FILE]
                      [--verbose]

Checks meshgate in a running cluster, as the API server sees it:
  - its MutatingWebhookConfiguration and ValidatingWebhookConfiguration are installed;
  - every entry calls an endpoint that answers: a Service with ready endpoints, or a URL whose
    /readyz answers 200;
  - each caBundle verifies the certificate served there (for Service entries, the certificate
    in the Secret --secret-name), and that certificate is not expired or about to;
  - the failure policies (Fail for injection; validation fails open until proven);
  - the leader Lease is held and renewed, and the replicas serve the Secret's certificate;
  - no other injector selects the same Pods: istiod's istio-sidecar-injector, its revision tags
    (istio-revision-tag-*), another meshgate revision; other Pod-mutating webhooks are listed;
  - like istioctl x check-inject: for each namespace an injector selects (or each --namespace),
    whether a Pod is injected, by which webhook entry and revision (a tag resolved to its
    revision); with --pod, that Pod; and which running Pods lack the sidecar they should have.

  --kubeconfig FILE          kubeconfig to use (default: $KUBECONFIG, else ~/.kube/config)
  --context NAME             kubeconfig context (default: the current one)
  --namespace NS             report on this namespace's injection (repeatable)
  --pod NS/NAME              report on this Pod
  --meshgate-namespace NS    meshgate's namespace (default meshgate-system)
  --mutating-webhook NAME    meshgate's MutatingWebhookConfiguration (default meshgate-sidecar-injector)
  --validating-webhook NAME  meshgate's ValidatingWebhookConfiguration (default meshgate-validator; "" for none)
  --secret-name NAME         meshgate's certificate Secret (default meshgate-certs)
  --lease-name NAME          meshgate's leader Lease (default meshgate-leader)
  -o, --output FORMAT        text (default), json or yaml
  --output-file FILE         write the report to FILE instead of standard output
  --verbose                  list the passing checks too
  -h, --help                 show this help

Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 the check could not run (usage,
kubeconfig, API server unreachable).

Examples:
  meshgate check
  meshgate check --namespace shop -o json
  meshgate check --pod shop/cart-7d9f8-x2x9q
`;

const FLAGS = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  namespace: { type: 'string', multiple: true },
  pod: { type: 'string' },
  'meshgate-namespace': { type: 'string' },
  'mutating-webhook': { type: 'string' },
  'validating-webhook': { type: 'string' },
  'secret-name': { type: 'string' },
  'lease-name': { type: 'string' },
  output: { type: 'string', short: 'o' },
  'output-file': { type: 'string' },
  verbose: { type: 'boolean' },
} as const;

function parsePod(v: string | undefined): { namespace: string; name: string } | undefined {
  if (v === undefined) return undefined;
  const [namespace, name, ...rest] = v.split('/');
  if (!namespace || !name || rest.length > 0) throw new UsageError(`--pod must be NAMESPACE/NAME, got "${v}"`);
  return { namespace, name };
}

export const check: Command = (argv, io) =>
  runCommand('check', io, async () => {
    const p = parseFlags(argv, FLAGS);
    if (wantsHelp(p)) {
      io.stdout(HELP);
      return EXIT.ok;
    }
    const format = str(p, 'output') ?? 'text';
    if (format !== 'text' && format !== 'json' && format !== 'yaml') throw new UsageError(`-o/--output is the output format: text, json or yaml; got "${format}"`);
    const pod = parsePod(str(p, 'pod'));
    const namespaces = strs(p, 'namespace');
    const names = {
      mutating: str(p, 'mutating-webhook') ?? 'meshgate-sidecar-injector',
      validating: str(p, 'validating-webhook') ?? 'meshgate-validator',
      secret: str(p, 'secret-name') ?? 'meshgate-certs',
      lease: str(p, 'lease-name') ?? 'meshgate-leader',
    };
    const kubeconfig = str(p, 'kubeconfig') !== undefined ? resolve(io.cwd, str(p, 'kubeconfig') as string) : undefined;
    let snapshot;
    try {
      snapshot = await collect({
        ...(kubeconfig ? { kubeconfig } : {}), ...(str(p, 'context') ? { context: str(p, 'context') as string } : {}),
        meshgateNamespace: str(p, 'meshgate-namespace') ?? 'meshgate-system', names,
        ...(pod ? { podNamespaces: [pod.namespace] } : namespaces.length > 0 ? { podNamespaces: namespaces } : {}),
        progress: (line) => io.stderr(`meshgate check: ${line}\n`),
      });
    } catch (e) {
      io.stderr(`meshgate check: cannot read the cluster: ${(e as Error).message.split('\n')[0]}\n`);
      return EXIT.usage;
    }
    const report = analyze(snapshot, { ...(pod ? { pod } : {}), ...(namespaces.length > 0 ? { namespaces } : {}) });
    const text = format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : format === 'yaml' ? stringify(report, { lineWidth: 0 }) : renderText(report, p.values['verbose'] === true);
    const file = str(p, 'output-file');
    if (file === undefined) io.stdout(text);
    else await writeFile(resolve(io.cwd, file), text);
    return report.summary.passed ? EXIT.ok : EXIT.denied;
  });
