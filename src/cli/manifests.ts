// `meshgate manifests`: the webhook configurations of manifests/, rendered for a meshgate
// that runs outside the cluster (clientConfig.url) or under another Service, with a CA
// bundle, and for another revision. The e2e suite uses it, and so can users.
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { tagWebhookName } from '../inject/settings/webhooks.js';
import { packagePath } from '../paths.js';
import { describeSystemError } from './failures.js';
import { emit, OUTPUT_FLAGS, outputFormat, parseFlags, runCommand, str, wantsHelp } from './flags.js';
import { EXIT, InputError, UsageError, type Command } from '../documents/io.js';

const HELP = `Usage: meshgate manifests (--url URL | --service NAMESPACE/NAME) [--ca-bundle FILE]
                          [--revision REV] [--tag NAME] [--only mutating|validating]
                          [--validating-failure-policy Ignore|Fail] [-o yaml|json]
                          [--output-file FILE]

Prints the MutatingWebhookConfiguration and ValidatingWebhookConfiguration that
manifests/ defines, with the client config pointed where meshgate actually runs:

  --url URL          base URL of a meshgate outside the cluster, e.g. https://10.0.0.5:9443;
                     the webhooks call URL/inject and URL/validate
  --service NS/NAME  a Service in the cluster instead (port 443)
  --ca-bundle FILE   PEM CA that signed meshgate's serving certificate (e.g. certs/ca.crt)
  --revision REV     render the injector for revision REV: only the istio.io/rev entries,
                     selecting REV, in a configuration named meshgate-sidecar-injector-REV
                     (the validating configuration is not rendered for a revision)
  --tag NAME         render the revision tag NAME pointing at --revision (default: the default
                     revision), as \`istioctl tag set NAME --revision REV\` renders a tag: a
                     configuration meshgate-revision-tag-NAME, labelled istio.io/tag=NAME and
                     istio.io/rev=REV, whose rev.namespace./rev.object. entries select
                     istio.io/rev=NAME (the tag "default" also gets the namespace./object.
                     entries) and call REV's meshgate. Give that meshgate --revision-tags NAME
                     so cluster mode keeps the tag's CA bundle
  --only KIND        print only the mutating or only the validating configuration
  --validating-failure-policy P
                     Ignore (default, as shipped) or Fail
  -o, --output F     yaml (default, documents separated by ---) or json (a List)
  --output-file FILE write them to FILE instead of standard output
  --verbose          print stack traces of unexpected failures

Example:
  meshgate manifests --url https://127.0.0.1:9443 --ca-bundle certs/ca.crt | kubectl apply -f -
`;

type Doc = Record<string, unknown> & { metadata: Record<string, unknown>; webhooks: Record<string, unknown>[] };

interface RenderOptions {
  readonly url?: string;
  readonly service?: { namespace: string; name: string };
  readonly caBundle?: string;
  readonly revision: string;
  readonly tag?: string;
}

function clientConfig(path: string, opts: RenderOptions): Record<string, unknown> {
  const base = opts.url ? { url: `${opts.url.replace(/\/+$/, '')}${path}` } : { service: { ...opts.service, path, port: 443 } };
  return opts.caBundle ? { ...base, caBundle: opts.caBundle } : base;
}

function forRevision(doc: Doc, revision: string): Doc {
  const swap = (selector: unknown): unknown => JSON.parse(JSON.stringify(selector ?? null).replace(/"default"/g, JSON.stringify(revision)));
  const webhooks = doc.webhooks
    .filter((w) => String(w['name']).startsWith('rev.'))
    .map((w) => ({ ...w, namespaceSelector: swap(w['namespaceSelector']), objectSelector: swap(w['objectSelector']) }));
  const labels = { ...(doc.metadata['labels'] as Record<string, string>), 'istio.io/rev': revision };
  return { ...doc, metadata: { ...doc.metadata, name: `${String(doc.metadata['name'])}-${revision}`, labels }, webhooks };
}

/** A revision tag's configuration: the revision's entries selecting the tag's name. */
function forTag(doc: Doc, tag: string, revision: string): Doc {
  const swap = (selector: unknown): unknown => JSON.parse(JSON.stringify(selector ?? null).replace(/"default"/g, JSON.stringify(tag)));
  const webhooks = doc.webhooks
    .filter((w) => String(w['name']).startsWith('rev.') || tag === 'default')
    .map((w) => (String(w['name']).startsWith('rev.') ? { ...w, namespaceSelector: swap(w['namespaceSelector']), objectSelector: swap(w['objectSelector']) } : w));
  const labels = { ...(doc.metadata['labels'] as Record<string, string>), 'istio.io/rev': revision || 'default', 'istio.io/tag': tag };
  return { ...doc, metadata: { ...doc.metadata, name: tagWebhookName(tag), labels }, webhooks };
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** The file's certificates as PEM, checked: a caBundle must hold only CA certificates. */
export async function readCaBundle(file: string, cwd: string): Promise<string> {
  const text = await readFile(resolve(cwd, file), 'utf8').catch((e: unknown) => {
    throw new InputError(`--ca-bundle ${file}: ${describeSystemError(e)?.replace(/^[^:]*: /, '') ?? (e as Error).message}`);
  });
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw new InputError(`--ca-bundle ${file} is not a PEM certificate (no -----BEGIN CERTIFICATE----- block); give the CA certificate, e.g. certs/ca.crt`);
  blocks.forEach((pem, i) => {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(pem);
    } catch {
      throw new InputError(`--ca-bundle ${file}: certificate ${i + 1} is not a valid PEM certificate`);
    }
    if (!cert.ca)
      throw new InputError(
        `--ca-bundle ${file}: certificate ${i + 1} (${cert.subject.replace(/\n/g, ', ')}) is not a CA certificate; give the CA that signed meshgate's certificate (ca.crt, not tls.crt)`,
      );
  });
  return `${blocks.join('\n')}\n`;
}

export function renderWebhooks(doc: Doc, path: string, opts: RenderOptions): Doc {
  const chosen = opts.tag !== undefined ? forTag(doc, opts.tag, opts.revision) : opts.revision ? forRevision(doc, opts.revision) : doc;
  return { ...chosen, webhooks: chosen.webhooks.map((w) => ({ ...w, clientConfig: clientConfig(path, opts) })) };
}

async function load(file: string): Promise<Doc> {
  return parseYaml(await readFile(packagePath('manifests', file), 'utf8')) as Doc;
}

function parseTarget(url: string | undefined, service: string | undefined): Pick<RenderOptions, 'url' | 'service'> {
  if ((url === undefined) === (service === undefined)) throw new UsageError('give exactly one of --url or --service');
  if (url !== undefined) {
    if (!/^https:\/\/[^/]+/.test(url)) throw new UsageError(`--url must be an https:// URL, got "${url}"`);
    return { url };
  }
  const [namespace, name, ...rest] = (service as string).split('/');
  if (!namespace || !name || rest.length > 0) throw new UsageError('--service must be NAMESPACE/NAME');
  return { service: { namespace, name } };
}

export const manifests: Command = (argv, io) =>
  runCommand('manifests', io, async () => {
    const p = parseFlags(argv, {
      url: { type: 'string' },
      service: { type: 'string' },
      'ca-bundle': { type: 'string' },
      revision: { type: 'string' },
      tag: { type: 'string' },
      only: { type: 'string' },
      'validating-failure-policy': { type: 'string' },
      ...OUTPUT_FLAGS,
    });
    if (wantsHelp(p)) {
      io.stdout(HELP);
      return EXIT.ok;
    }
    const only = str(p, 'only');
    if (only !== undefined && only !== 'mutating' && only !== 'validating') throw new UsageError('--only must be mutating or validating');
    const policy = str(p, 'validating-failure-policy') ?? 'Ignore';
    if (policy !== 'Ignore' && policy !== 'Fail') throw new UsageError('--validating-failure-policy must be Ignore or Fail');
    const revision = str(p, 'revision') ?? '';
    if (revision !== '' && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(revision)) throw new UsageError(`--revision must be a DNS label, got "${revision}"`);
    const tag = str(p, 'tag');
    if (tag !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(tag)) throw new UsageError(`--tag must be a DNS label, got "${tag}"`);
    if (tag !== undefined && tag === revision) throw new UsageError(`--tag ${tag} names the revision itself; a tag needs a name of its own`);
    if (tag !== undefined && only === 'validating') throw new UsageError('--tag renders a mutating configuration only; drop --only validating');
    const format = outputFormat(p, ['yaml', 'json'], 'yaml');
    const caFile = str(p, 'ca-bundle');
    const caBundle = caFile ? Buffer.from(await readCaBundle(caFile, io.cwd)).toString('base64') : undefined;
    const opts: RenderOptions = { ...parseTarget(str(p, 'url'), str(p, 'service')), revision, ...(caBundle ? { caBundle } : {}), ...(tag !== undefined ? { tag } : {}) };
    const docs: Doc[] = [];
    if (only !== 'validating') docs.push(renderWebhooks(await load('mutatingwebhook.yaml'), '/inject', opts));
    if (only !== 'mutating' && revision === '' && tag === undefined) {
      const v = renderWebhooks(await load('validatingwebhook.yaml'), '/validate', opts);
      docs.push({ ...v, webhooks: v.webhooks.map((w) => ({ ...w, failurePolicy: policy })) });
    }
    const text =
      format === 'json'
        ? `${JSON.stringify(docs.length === 1 ? docs[0] : { apiVersion: 'v1', kind: 'List', items: docs }, null, 2)}\n`
        : docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
    await emit(p, io, text);
    return EXIT.ok;
  });
