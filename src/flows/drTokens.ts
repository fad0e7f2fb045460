// DR operation tokens of this session, per DR secondary, in memory only (never SecretStorage,
// settings or files): one generated with the key-share flow can be used for the next DR steps on
// that cluster without pasting it, and is deleted (in Vault and here) when the user is done.
export interface HeldDrToken {
  token: string;
  /** `generated` by the key-share flow here; `given` = pasted (a DR operation token or a batch DR token). */
  source: 'generated' | 'given';
  heldSince: number;
}

export class DrOperationTokens {
  private readonly held = new Map<string, HeldDrToken>();

  constructor(private readonly secrets: { rememberSecret(v: string | undefined): void; forgetSecret(v: string | undefined): void }) {}

  get(cluster: string): HeldDrToken | undefined {
    return this.held.get(cluster);
  }

  has(cluster: string): boolean {
    return this.held.has(cluster);
  }

  set(cluster: string, token: string, source: HeldDrToken['source'], now = Date.now()): void {
    this.delete(cluster);
    this.secrets.rememberSecret(token);
    this.held.set(cluster, { token, source, heldSince: now });
  }

  /** Forgets the token held for `cluster` (it stays masked in the log). */
  delete(cluster: string): void {
    this.held.delete(cluster);
  }

  clear(): void {
    this.held.clear();
  }
}
