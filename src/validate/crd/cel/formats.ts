// Kubernetes' CEL format library: format.<name>() gives a named format, whose validate(s)
// returns an optional list of problems (none when s is valid). Comparing that optional with
// `null` is always false in cel-go, so `... .validate(s) == null` never holds.
import { Optional } from '@marcbachmann/cel-js';
import { STRING_FORMATS } from '../formats.js';

export class FormatNamespace {}
export class NamedFormat {
  constructor(readonly check: (s: string) => string[]) {}
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

function label(re: RegExp, max: number, what: string): (s: string) => string[] {
  return (s) => [...(s.length > max ? [`must be no more than ${max} characters`] : []), ...(re.test(s) ? [] : [`a ${what} must match ${re.source}`])];
}

function subdomain(s: string): string[] {
  if (s.length > 253) return ['must be no more than 253 characters'];
  return s.split('.').every((l) => DNS1123_LABEL.test(l) && l.length <= 63) ? [] : ['a lowercase RFC 1123 subdomain is required'];
}

function qualifiedName(s: string): string[] {
  const parts = s.split('/');
  const name = parts[parts.length - 1] ?? '';
  const problems = parts.length > 2 ? ['a qualified name has at most one "/"'] : [];
  if (parts.length === 2) problems.push(...subdomain(parts[0] ?? ''));
  if (name.length > 63 || !QUALIFIED.test(name)) problems.push('the name part must be 63 characters or less of alphanumerics, "-", "_" and "."');
  return problems;
}

function fromStringFormat(name: string): (s: string) => string[] {
  const check = STRING_FORMATS[name];
  return (s) => (check && !check(s) ? [`not a valid ${name}`] : []);
}

export const NAMED_FORMATS: Readonly<Record<string, (s: string) => string[]>> = {
  dns1123Label: label(DNS1123_LABEL, 63, 'lowercase RFC 1123 label'),
  dns1123Subdomain: subdomain,
  dns1035Label: label(DNS1035_LABEL, 63, 'DNS-1035 label'),
  dns1123LabelPrefix: label(/^[a-z0-9]([-a-z0-9]*)?$/, 63, 'lowercase RFC 1123 label prefix'),
  dns1123SubdomainPrefix: (s) => subdomain(s.replace(/[-.]$/, 'a')),
  dns1035LabelPrefix: label(/^[a-z]([-a-z0-9]*)?$/, 63, 'DNS-1035 label prefix'),
  qualifiedName,
  labelValue: label(/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/, 63, 'label value'),
  uri: (s) => (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(s) || s.startsWith('/') ? [] : ['not a valid URI']),
  uuid: fromStringFormat('uuid'),
  byte: fromStringFormat('byte'),
  date: fromStringFormat('date'),
  datetime: fromStringFormat('date-time'),
};

export function validateWith(f: NamedFormat, s: string): Optional {
  const problems = f.check(s);
  return problems.length === 0 ? Optional.none() : Optional.of(problems);
}

export function namedFormat(name: string): Optional {
  const check = NAMED_FORMATS[name];
  return check ? Optional.of(new NamedFormat(check)) : Optional.none();
}
