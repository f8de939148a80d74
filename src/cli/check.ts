// `meshgate check`: meshgate's install in a live cluster, through a kubeconfig — webhook
// configurations present and calling ready endpoints, caBundle and certificates, failure
// policies, the leader, other injectors selecting the same Pods, and (like istioctl x
// check-inject) per namespace or Pod: injected by which entry and revision, or why not, and
// which running Pods lack the sidecar they should have. Exit 0 passed, 1 problems, 2 cannot run.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { collect } from '../check/collect.js';
import { analyze, renderText } from '../check/report.js';
import { emit, OUTPUT_FLAGS, outputFormat, parseFlags, runCommand, str, strs, wantsHelp } from './flags.js';
import { EXIT, InputError, UsageError, type Command } from '../documents/io.js';

const HELP = `Usage: meshgate check [--kubeconfig FILE] [--context NAME] [--namespace NS]... [--pod NS/NAME]
                      [--meshgate-namespace NS] [--mutating-webhook NAME] [--validating-webhook NAME]
                      [--secret-name NAME] [--lease-name NAME] [-o text|json|yaml] [--output-file FILE]
                      [--all]

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
  --all                      list the passing checks too
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
  all: { type: 'boolean' },
  ...OUTPUT_FLAGS,
} as const;

/** --kubeconfig, else the first existing file of $KUBECONFIG, else ~/.kube/config, as kubectl finds it. */
function kubeconfigPath(flag: string | undefined, env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  if (flag !== undefined) return resolve(cwd, flag);
  const fromEnv = (env['KUBECONFIG'] ?? '').split(delimiter).filter((f) => f !== '');
  const found = fromEnv.find((f) => existsSync(f)) ?? join(env['HOME'] ?? homedir(), '.kube', 'config');
  if (!existsSync(found)) throw new InputError(`no kubeconfig: give --kubeconfig FILE or set KUBECONFIG (looked for ${found})`);
  return found;
}

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
    const format = outputFormat(p, ['text', 'json', 'yaml'], 'text');
    const pod = parsePod(str(p, 'pod'));
    const namespaces = strs(p, 'namespace');
    const names = {
      mutating: str(p, 'mutating-webhook') ?? 'meshgate-sidecar-injector',
      validating: str(p, 'validating-webhook') ?? 'meshgate-validator',
      secret: str(p, 'secret-name') ?? 'meshgate-certs',
      lease: str(p, 'lease-name') ?? 'meshgate-leader',
    };
    const kubeconfig = kubeconfigPath(str(p, 'kubeconfig'), io.env, io.cwd);
    let snapshot: Awaited<ReturnType<typeof collect>>;
    try {
      snapshot = await collect({
        kubeconfig,
        ...(str(p, 'context') ? { context: str(p, 'context') as string } : {}),
        meshgateNamespace: str(p, 'meshgate-namespace') ?? 'meshgate-system',
        names,
        ...(pod ? { podNamespaces: [pod.namespace] } : namespaces.length > 0 ? { podNamespaces: namespaces } : {}),
        progress: (line) => io.stderr(`meshgate check: ${line}\n`),
      });
    } catch (e) {
      throw new InputError(`cannot read the cluster: ${(e as Error).message.split('\n')[0] ?? ''}`);
    }
    const report = analyze(snapshot, { ...(pod ? { pod } : {}), ...(namespaces.length > 0 ? { namespaces } : {}) });
    const text =
      format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : format === 'yaml' ? stringify(report, { lineWidth: 0 }) : renderText(report, p.values['all'] === true);
    await emit(p, io, text);
    return report.summary.passed ? EXIT.ok : EXIT.denied;
  });
