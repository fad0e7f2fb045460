// ACL policies: a small HCL reader for Vault policy documents and Vault's path-matching rules
// (exact paths, `+` segment wildcards, a trailing `*` glob, priority between overlapping rules).

export const CAPABILITIES = ['create', 'read', 'update', 'patch', 'delete', 'list', 'sudo', 'deny', 'subscribe', 'recover'] as const;
export type Capability = (typeof CAPABILITIES)[number];

export interface PathRule {
  pattern: string;
  capabilities: Capability[];
}

export class PolicyParseError extends Error {}

// ---------------------------------------------------------------------------------------------
// HCL subset: blocks (`path "x" { ... }`), attributes (`k = v`), strings, numbers, booleans,
// lists and objects, `#`, `//` and `/* */` comments, heredocs are not needed by policies.

type HclValue = string | number | boolean | HclValue[] | HclObject;
interface HclObject { [key: string]: HclValue | HclBlock[] }
interface HclBlock { labels: string[]; body: HclObject }

type Token = { kind: 'ident' | 'string' | 'number' | 'punct'; text: string; line: number };

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  while (i < src.length) {
    const c = src[i];
    if (c === '\n') { line++; i++; continue; }
    if (c === ' ' || c === '\t' || c === '\r' || c === ',') {
      // Commas separate list items; the parser treats them as optional separators.
      if (c === ',') tokens.push({ kind: 'punct', text: ',', line });
      i++;
      continue;
    }
    if (c === '#' || (c === '/' && src[i + 1] === '/')) {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) throw new PolicyParseError(`At ${line}: comment not terminated`);
      for (let j = i; j < end; j++) if (src[j] === '\n') line++;
      i = end + 2;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let text = '';
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\n') throw new PolicyParseError(`At ${line}: literal not terminated`);
        if (src[j] === '\\' && j + 1 < src.length) {
          const e = src[j + 1];
          text += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          j += 2;
          continue;
        }
        text += src[j++];
      }
      if (j >= src.length) throw new PolicyParseError(`At ${line}: literal not terminated`);
      tokens.push({ kind: 'string', text, line });
      i = j + 1;
      continue;
    }
    if ('{}[]='.includes(c)) {
      tokens.push({ kind: 'punct', text: c, line });
      i++;
      continue;
    }
    if (/[0-9-]/.test(c)) {
      const m = /^-?[0-9]+(\.[0-9]+)?/.exec(src.slice(i));
      if (m) { tokens.push({ kind: 'number', text: m[0], line }); i += m[0].length; continue; }
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i));
      if (m) { tokens.push({ kind: 'ident', text: m[0], line }); i += m[0].length; continue; }
    }
    throw new PolicyParseError(`At ${line}: illegal char "${c}"`);
  }
  return tokens;
}

class HclParser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parseBody(untilBrace: boolean): HclObject {
    const obj: HclObject = {};
    for (;;) {
      const t = this.tokens[this.pos];
      if (!t) {
        if (untilBrace) throw new PolicyParseError('At EOF: object expected closing RBRACE got: EOF');
        return obj;
      }
      if (t.kind === 'punct' && t.text === ',') { this.pos++; continue; }
      if (t.kind === 'punct' && t.text === '}') {
        if (!untilBrace) throw new PolicyParseError(`At ${t.line}: unexpected "}"`);
        this.pos++;
        return obj;
      }
      if (t.kind !== 'ident' && t.kind !== 'string') throw new PolicyParseError(`At ${t.line}: expected: IDENT | STRING got: ${t.text}`);
      const key = t.text;
      this.pos++;
      const next = this.tokens[this.pos];
      if (!next) throw new PolicyParseError(`At ${t.line}: key '${key}' expected start of object ('{') or assignment ('=')`);
      if (next.kind === 'punct' && next.text === '=') {
        this.pos++;
        obj[key] = this.parseValue();
        continue;
      }
      // A block: zero or more string labels, then `{`.
      const labels: string[] = [];
      while (this.tokens[this.pos]?.kind === 'string') labels.push(this.tokens[this.pos++].text);
      const open = this.tokens[this.pos];
      if (!open || open.kind !== 'punct' || open.text !== '{') {
        throw new PolicyParseError(`At ${open?.line ?? t.line}: key '${key}' expected start of object ('{') or assignment ('=')`);
      }
      this.pos++;
      const body = this.parseBody(true);
      const list = (obj[key] as HclBlock[] | undefined) ?? [];
      if (!Array.isArray(list)) throw new PolicyParseError(`At ${t.line}: '${key}' given twice`);
      list.push({ labels, body });
      obj[key] = list;
    }
  }

  private parseValue(): HclValue {
    const t = this.tokens[this.pos++];
    if (!t) throw new PolicyParseError('At EOF: expected a value');
    if (t.kind === 'string') return t.text;
    if (t.kind === 'number') return Number(t.text);
    if (t.kind === 'ident') {
      if (t.text === 'true') return true;
      if (t.text === 'false') return false;
      throw new PolicyParseError(`At ${t.line}: unknown token: ${t.text}`);
    }
    if (t.text === '[') {
      const list: HclValue[] = [];
      for (;;) {
        const n = this.tokens[this.pos];
        if (!n) throw new PolicyParseError(`At ${t.line}: list not terminated`);
        if (n.kind === 'punct' && n.text === ',') { this.pos++; continue; }
        if (n.kind === 'punct' && n.text === ']') { this.pos++; return list; }
        list.push(this.parseValue());
      }
    }
    if (t.text === '{') return this.parseBody(true);
    throw new PolicyParseError(`At ${t.line}: unexpected token: ${t.text}`);
  }
}

const OLD_STYLE: Record<string, Capability[]> = {
  deny: ['deny'],
  read: ['read', 'list'],
  write: ['create', 'read', 'update', 'delete', 'list'],
  sudo: ['create', 'read', 'update', 'delete', 'list', 'sudo'],
};

const PATH_KEYS = new Set(['policy', 'capabilities', 'allowed_parameters', 'denied_parameters', 'required_parameters',
  'min_wrapping_ttl', 'max_wrapping_ttl', 'mfa_methods', 'control_group', 'subscribe_event_types']);

/** Parses a policy document; throws PolicyParseError with Vault-like wording on bad input. */
export function parsePolicy(text: string): PathRule[] {
  const body = new HclParser(tokenize(text)).parseBody(false);
  const rules: PathRule[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (key === 'name') continue;
    if (key !== 'path') throw new PolicyParseError(`invalid key "${key}" on line 1`);
    for (const block of value as HclBlock[]) {
      if (block.labels.length !== 1) throw new PolicyParseError('path block needs exactly one path');
      const pattern = block.labels[0].replace(/^\/+/, '');
      for (const k of Object.keys(block.body)) {
        if (!PATH_KEYS.has(k)) throw new PolicyParseError(`path "${pattern}": invalid key "${k}"`);
      }
      const caps = new Set<Capability>();
      const old = block.body.policy;
      if (old !== undefined) {
        const mapped = typeof old === 'string' ? OLD_STYLE[old] : undefined;
        if (!mapped) throw new PolicyParseError(`path "${pattern}": invalid policy '${String(old)}'`);
        mapped.forEach((c) => caps.add(c));
      }
      const list = block.body.capabilities;
      if (list !== undefined) {
        if (!Array.isArray(list)) throw new PolicyParseError(`path "${pattern}": capabilities must be a list`);
        for (const c of list) {
          if (typeof c !== 'string' || !(CAPABILITIES as readonly string[]).includes(c)) {
            throw new PolicyParseError(`path "${pattern}": invalid capability "${String(c)}"`);
          }
          caps.add(c as Capability);
        }
      }
      rules.push({ pattern, capabilities: caps.has('deny') ? ['deny'] : [...caps] });
    }
  }
  return rules;
}

// ---------------------------------------------------------------------------------------------
// Matching

function patternRegex(pattern: string): RegExp {
  const glob = pattern.endsWith('*');
  const body = glob ? pattern.slice(0, -1) : pattern;
  const parts = body.split('+').map((p) => p.replace(/[.*?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[^/]+')}${glob ? '.*' : ''}$`);
}

function firstWildcard(p: string): number {
  const idx = [p.indexOf('+'), p.indexOf('*')].filter((i) => i >= 0);
  return idx.length ? Math.min(...idx) : Number.POSITIVE_INFINITY;
}

/** Vault's priority between two matching patterns: positive when a wins over b. */
function comparePriority(a: string, b: string): number {
  const fa = firstWildcard(a);
  const fb = firstWildcard(b);
  if (fa !== fb) return fa > fb ? 1 : -1;
  const ga = a.endsWith('*');
  const gb = b.endsWith('*');
  if (ga !== gb) return ga ? -1 : 1;
  const pa = (a.match(/\+/g) ?? []).length;
  const pb = (b.match(/\+/g) ?? []).length;
  if (pa !== pb) return pa < pb ? 1 : -1;
  if (a.length !== b.length) return a.length > b.length ? 1 : -1;
  return a === b ? 0 : a > b ? 1 : -1;
}

/** A compiled ACL over several policies (rules for the same pattern are merged, deny wins). */
export class Acl {
  private readonly rules: Array<{ pattern: string; regex: RegExp; caps: Set<Capability> }> = [];
  readonly root: boolean;

  constructor(policies: Array<{ name: string; rules: PathRule[] }>) {
    this.root = policies.some((p) => p.name === 'root');
    const merged = new Map<string, Set<Capability>>();
    for (const p of policies) {
      for (const r of p.rules) {
        const set = merged.get(r.pattern) ?? new Set<Capability>();
        r.capabilities.forEach((c) => set.add(c));
        merged.set(r.pattern, set);
      }
    }
    for (const [pattern, caps] of merged) {
      this.rules.push({ pattern, regex: patternRegex(pattern), caps: caps.has('deny') ? new Set(['deny']) : caps });
    }
  }

  /** Capabilities on `path` (no leading slash, no `v1/`), as sys/capabilities-self reports them. */
  capabilities(path: string): string[] {
    if (this.root) return ['root'];
    let best: { pattern: string; caps: Set<Capability> } | undefined;
    for (const r of this.rules) {
      if (!r.regex.test(path)) continue;
      if (!best || comparePriority(r.pattern, best.pattern) > 0) best = r;
    }
    if (!best || best.caps.has('deny')) return ['deny'];
    return CAPABILITIES.filter((c) => best.caps.has(c));
  }

  allows(path: string, needed: Capability, sudo = false): boolean {
    if (this.root) return true;
    const caps = this.capabilities(path);
    return caps.includes(needed) && (!sudo || caps.includes('sudo'));
  }
}

/** Vault's built-in `default` policy (abridged to the paths this simulator serves). */
export const DEFAULT_POLICY = `# Allow tokens to look up their own properties
path "auth/token/lookup-self" {
    capabilities = ["read"]
}

# Allow tokens to renew themselves
path "auth/token/renew-self" {
    capabilities = ["update"]
}

# Allow tokens to revoke themselves
path "auth/token/revoke-self" {
    capabilities = ["update"]
}

# Allow a token to look up its own capabilities on a path
path "sys/capabilities-self" {
    capabilities = ["update"]
}

# Allow a token to look up its own entity by id or name
path "identity/entity/id/{{identity.entity.id}}" {
  capabilities = ["read"]
}

# Allow a token to look up its resultant ACL from all policies
path "sys/internal/ui/resultant-acl" {
    capabilities = ["read"]
}

# Allow a token to renew a lease via lease_id in the request body
path "sys/leases/renew" {
    capabilities = ["update"]
}

# Allow looking up lease properties
path "sys/leases/lookup" {
    capabilities = ["update"]
}

# Allow a token to manage its own cubbyhole
path "cubbyhole/*" {
    capabilities = ["create", "read", "update", "delete", "list"]
}

# Allow a token to wrap arbitrary values in a response-wrapping token
path "sys/wrapping/wrap" {
    capabilities = ["update"]
}

# Allow a token to look up the creation time and TTL of a given
# response-wrapping token
path "sys/wrapping/lookup" {
    capabilities = ["update"]
}

# Allow a token to unwrap a response-wrapping token
path "sys/wrapping/unwrap" {
    capabilities = ["update"]
}

# Allow general purpose tools
path "sys/tools/hash" {
    capabilities = ["update"]
}
path "sys/tools/hash/*" {
    capabilities = ["update"]
}

# Allow a token to make requests to the Authorization Endpoint for OIDC providers.
path "identity/oidc/provider/+/authorize" {
    capabilities = ["read", "update"]
}
`;
