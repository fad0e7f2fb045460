// Per-cluster TLS settings → the options undici hands to tls.connect. Files are read once, when the
// client is built, so a missing or unreadable file is reported at once, naming the file, instead of
// failing every poll later.

import { readFileSync } from 'node:fs';
import { VaultConfigError } from './errors.js';

export interface TlsConfig {
  /** CA bundle (PEM) that signs the cluster's certificate; a file path or the PEM text. */
  caFile?: string;
  caPem?: string;
  /** Client certificate and key for mutual TLS; file paths or PEM text. */
  clientCertFile?: string;
  clientCertPem?: string;
  clientKeyFile?: string;
  clientKeyPem?: string;
  /** Name to send as SNI and to check the certificate against (VAULT_TLS_SERVER_NAME). */
  serverName?: string;
  /** Do not verify the server certificate (VAULT_SKIP_VERIFY). Off unless set. */
  skipVerify?: boolean;
}

/** The subset of tls.ConnectionOptions we set (undici's `connect` option accepts these). */
export interface TlsConnectOptions {
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
  rejectUnauthorized: boolean;
}

/** A TLS setting that cannot be used: an unreadable file, a key without a certificate, … */
export class TlsConfigError extends VaultConfigError {
  override readonly name: string = 'TlsConfigError';
}

function readPem(what: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new TlsConfigError(`cannot read ${what} file "${file}"${code ? ` (${code})` : ''}`, { cause: e });
  }
}

function pick(what: string, pem: string | undefined, file: string | undefined): string | undefined {
  if (pem !== undefined && pem.trim() !== '') return pem;
  if (file !== undefined && file.trim() !== '') return readPem(what, file);
  return undefined;
}

/**
 * Builds the connect options for a cluster. PEM text wins over a file when both are given.
 * Throws TlsConfigError naming the file that could not be read, or a cert given without its key.
 */
export function loadTlsOptions(tls: TlsConfig | undefined, clusterName: string): TlsConnectOptions {
  const opts: TlsConnectOptions = { rejectUnauthorized: !(tls?.skipVerify ?? false) };
  if (!tls) return opts;
  try {
    const ca = pick('CA certificate', tls.caPem, tls.caFile);
    const cert = pick('client certificate', tls.clientCertPem, tls.clientCertFile);
    const key = pick('client key', tls.clientKeyPem, tls.clientKeyFile);
    if ((cert === undefined) !== (key === undefined)) {
      throw new TlsConfigError(cert ? 'a client certificate was given without its key' : 'a client key was given without its certificate');
    }
    if (ca !== undefined) opts.ca = ca;
    if (cert !== undefined) opts.cert = cert;
    if (key !== undefined) opts.key = key;
  } catch (e) {
    if (e instanceof TlsConfigError) throw new TlsConfigError(`${clusterName}: ${e.message}`, { cause: e.cause });
    throw e;
  }
  if (tls.serverName) opts.servername = tls.serverName;
  return opts;
}
