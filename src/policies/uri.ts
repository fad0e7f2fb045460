// Addresses of ACL policies as files: `vault-policy://<cluster>/<name>.hcl`. The cluster is the
// URI's authority (cluster names are URI-safe, see clusters/settings.ts); the policy name is
// percent-encoded in the path so that any name Vault accepts (`/`, `%`, spaces…) round-trips.
// No vscode import: the parts are plain strings, tested in plain Node.

export const POLICY_SCHEME = 'vault-policy';
export const POLICY_EXTENSION = '.hcl';

/** Built-in policies: `root` cannot be read or changed; `default` cannot be deleted or renamed. */
export const ROOT_POLICY = 'root';
export const DEFAULT_POLICY = 'default';

export type PolicyLocation =
  | { kind: 'root'; cluster: string }
  | { kind: 'policy'; cluster: string; name: string };

/** Path part of a policy's URI (`/<encoded name>.hcl`). */
export function policyPath(name: string): string {
  return `/${encodeURIComponent(name)}${POLICY_EXTENSION}`;
}

/** A policy's URI as the parts `vscode.Uri.from` takes (the tree builds it without the file system). */
export function policyUriComponents(cluster: string, name: string): { scheme: string; authority: string; path: string } {
  return { scheme: POLICY_SCHEME, authority: cluster, path: policyPath(name) };
}

/** The full URI as text, for places that need no vscode.Uri (logs, tests). */
export function policyUriString(cluster: string, name: string): string {
  return `${POLICY_SCHEME}://${cluster}${policyPath(name)}`;
}

/**
 * What a `vault-policy:` URI's authority and path designate; undefined when the path is not a
 * policy file (a sub-folder, a name without `.hcl`, bad percent-encoding, a name that is no
 * usable policy name: see policyNameProblem).
 */
export function parsePolicyPath(authority: string, path: string): PolicyLocation | undefined {
  if (authority === '') return undefined;
  const p = path.replace(/^\/+/, '');
  if (p === '') return { kind: 'root', cluster: authority };
  if (p.includes('/') || !p.endsWith(POLICY_EXTENSION)) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(p.slice(0, -POLICY_EXTENSION.length));
  } catch {
    return undefined;
  }
  if (name === '' || policyNameProblem(name) !== undefined) return undefined;
  return { kind: 'policy', cluster: authority, name };
}

/**
 * Why a policy name (from a URI, a prompt or a server's list) cannot address a policy, or
 * undefined. Vault allows `/` in names, so each `/`-separated segment must be a real one: an empty,
 * `.` or `..` segment would make the request path point somewhere else (`../../mounts/secret`).
 */
export function policyNameProblem(name: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(name)) return `the policy name "${name.replace(/[\u0000-\u001f\u007f]/g, '?')}" contains control characters`;
  if (name.split('/').some((seg) => seg === '' || seg === '.' || seg === '..')) return `the policy name "${name}" has an empty, "." or ".." segment`;
  return undefined;
}

/**
 * Why `name` cannot be a new policy name, or undefined. Vault folds policy names to lower case,
 * so upper case would make the file name and the stored name disagree: we ask for lower case.
 */
export function validatePolicyName(name: string, existing: readonly string[] = []): string | undefined {
  const n = name.trim();
  if (n === '') return 'Enter a policy name.';
  if (n !== n.toLowerCase()) return 'Vault stores policy names in lower case: use lower case.';
  if (n === ROOT_POLICY || n === DEFAULT_POLICY) return `"${n}" is a built-in policy.`;
  if (!/^[a-z0-9][a-z0-9._@-]*$/.test(n)) return 'Use lower-case letters, digits, ".", "_", "@" and "-", starting with a letter or digit.';
  if (n.length > 128) return 'The name is longer than 128 characters.';
  if (existing.includes(n)) return `A policy named "${n}" already exists.`;
  return undefined;
}

/** Text of a new policy: valid HCL that grants nothing until the user adds paths. */
export function newPolicyTemplate(name: string, cluster: string): string {
  return [
    `# ACL policy "${name}" on ${cluster}. It grants nothing until you add path rules, e.g.:`,
    '#',
    '# path "secret/data/app/*" {',
    '#   capabilities = ["read", "list"]',
    '# }',
    '',
  ].join('\n');
}
