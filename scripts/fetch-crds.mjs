#!/usr/bin/env node
// Fetches the CRD bundles meshgate validates against and writes them, unchanged, into crds/:
// Istio's from istio.io/api and the Gateway API's two channels from sigs.k8s.io/gateway-api,
// each through `go mod download` (so the module proxy and Go's checksum database vouch for
// them), with their licences and a SOURCES.json recording module, version and checksum.
// It also writes crds/index.json: the same CRDs as JSON without their `description` texts,
// which meshgate loads at start (parsing 3.5 MB of YAML takes seconds; this takes milliseconds).
// Usage: node scripts/fetch-crds.mjs   (needs Go; rewrites crds/ from the pins below)
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/**
 * The pins. istio.io/api v1.32.0: its CRDs are v1.31.1's (byte-identical to those of the api
 * commit the differential harness's istiod is built with) plus new fields and no new rules;
 * Istio's own validation test data (the conformance corpus) already uses those fields.
 */
export const BUNDLES = [
  {
    name: 'istio',
    module: 'istio.io/api',
    version: 'v1.32.0',
    licence: 'Apache-2.0',
    files: [['kubernetes/customresourcedefinitions.gen.yaml', 'istio/customresourcedefinitions.gen.yaml']],
  },
  {
    name: 'gateway-api',
    module: 'sigs.k8s.io/gateway-api',
    version: 'v1.6.3',
    licence: 'Apache-2.0',
    dirs: [
      ['config/crd/standard', 'gateway-api/standard'],
      ['config/crd/experimental', 'gateway-api/experimental'],
    ],
  },
];

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'crds');

function download(module, version) {
  const env = { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/local/go/bin`, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local', GOWORK: 'off' };
  const info = JSON.parse(execFileSync('go', ['mod', 'download', '-json', `${module}@${version}`], { cwd: tmpdir(), env, encoding: 'utf8' }));
  if (info.Error || !info.Dir) throw new Error(`go mod download ${module}@${version}: ${info.Error ?? 'no Dir'}`);
  return info;
}

/** CRD files of a channel directory: not the kustomization, not the ValidatingAdmissionPolicy. */
function crdFilesIn(dir) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml' && !f.includes('_vap_'))
    .sort();
}

function fetchBundle(b) {
  process.stderr.write(`fetching ${b.module}@${b.version}\n`);
  const info = download(b.module, b.version);
  const written = [];
  for (const [from, to] of b.files ?? []) {
    mkdirSync(dirname(join(out, to)), { recursive: true });
    copyFileSync(join(info.Dir, from), join(out, to));
    written.push(to);
  }
  for (const [from, to] of b.dirs ?? []) {
    mkdirSync(join(out, to), { recursive: true });
    for (const f of crdFilesIn(join(info.Dir, from))) {
      copyFileSync(join(info.Dir, from, f), join(out, to, f));
      written.push(`${to}/${f}`);
    }
  }
  const licence = `LICENSES/${b.name}.LICENSE`;
  mkdirSync(join(out, 'LICENSES'), { recursive: true });
  copyFileSync(join(info.Dir, 'LICENSE'), join(out, licence));
  return { name: b.name, module: b.module, version: b.version, sum: info.Sum, licence: b.licence, licenceFile: licence, files: written };
}

/** A deep copy without `description` keys (documentation only; nothing validates with them). */
function withoutDescriptions(v) {
  if (Array.isArray(v)) return v.map(withoutDescriptions);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([k, x]) => !(k === 'description' && typeof x === 'string'))
      .map(([k, x]) => [k, withoutDescriptions(x)]),
  );
}

/** crds/index.json: bundle directory → its CustomResourceDefinitions, in file order. */
function writeIndex(sources) {
  const bundles = {};
  for (const b of sources.bundles) {
    for (const file of b.files) {
      const key = dirname(file);
      const docs = parseAllDocuments(readFileSync(join(out, file), 'utf8'))
        .map((d) => d.toJS())
        .filter((d) => d?.kind === 'CustomResourceDefinition');
      (bundles[key] ??= []).push(...docs.map(withoutDescriptions));
    }
  }
  writeFileSync(join(out, 'index.json'), `${JSON.stringify({ note: sources.note, bundles })}\n`);
}

function main() {
  for (const b of BUNDLES) rmSync(join(out, b.name), { recursive: true, force: true });
  const sources = { note: 'Written by scripts/fetch-crds.mjs; never edit these files by hand.', bundles: BUNDLES.map(fetchBundle) };
  writeFileSync(join(out, 'SOURCES.json'), `${JSON.stringify(sources, null, 2)}\n`);
  writeIndex(sources);
  process.stderr.write(`wrote ${sources.bundles.reduce((n, b) => n + b.files.length, 0)} CRD files into crds/\n`);
}

main();
