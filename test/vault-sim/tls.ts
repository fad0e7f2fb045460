// A throwaway certificate authority for the simulator's TLS and mTLS modes.
//
// Node 20 can verify and parse X.509 (crypto.X509Certificate) but not create certificates, so
// this file writes the DER of a certificate itself (a few ASN.1 constructs) and signs it with
// node:crypto (ECDSA P-256 / SHA-256). That avoids a dependency such as node-forge or selfsigned.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

// --- DER encoding -----------------------------------------------------------------------------

function der(tag: number, content: Buffer): Buffer {
  const len = content.length;
  let header: Buffer;
  if (len < 0x80) header = Buffer.from([tag, len]);
  else {
    const bytes: number[] = [];
    for (let n = len; n > 0; n >>= 8) bytes.unshift(n & 0xff);
    header = Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([header, content]);
}

const seq = (...items: Buffer[]): Buffer => der(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => der(0x31, Buffer.concat(items));
const explicit = (n: number, inner: Buffer): Buffer => der(0xa0 + n, inner);
const octets = (b: Buffer): Buffer => der(0x04, b);
const bitString = (b: Buffer): Buffer => der(0x03, Buffer.concat([Buffer.from([0]), b]));
const utf8 = (s: string): Buffer => der(0x0c, Buffer.from(s, 'utf8'));
const bool = (v: boolean): Buffer => der(0x01, Buffer.from([v ? 0xff : 0]));

function integer(b: Buffer): Buffer {
  let body = b;
  while (body.length > 1 && body[0] === 0 && (body[1] & 0x80) === 0) body = body.subarray(1);
  if (body[0] & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return der(0x02, body);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const bytes = [40 * parts[0] + parts[1]];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [];
    let n = p;
    do { chunk.unshift(n & 0x7f); n = Math.floor(n / 128); } while (n > 0);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i] |= 0x80;
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}

function time(d: Date): Buffer {
  const iso = d.toISOString();
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  // UTCTime (YYMMDDHHMMSSZ) until 2049, GeneralizedTime after, as RFC 5280 requires.
  return d.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(`${digits.slice(2)}Z`)) : der(0x18, Buffer.from(`${digits}Z`));
}

const name = (cn: string, org: string): Buffer => seq(
  set(seq(oid('2.5.4.10'), utf8(org))),
  set(seq(oid('2.5.4.3'), utf8(cn))),
);

const extension = (id: string, critical: boolean, value: Buffer): Buffer =>
  critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));

const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

function keyId(publicKey: KeyObject): Buffer {
  return createHash('sha1').update(publicKey.export({ type: 'spki', format: 'der' })).digest();
}

interface CertSpec {
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  signingKey: KeyObject;
  issuerPublicKey: KeyObject;
  ca: boolean;
  dnsNames?: string[];
  ips?: string[];
  usage: 'ca' | 'server' | 'client';
}

function makeCert(spec: CertSpec): string {
  const now = Date.now();
  const exts: Buffer[] = [
    extension('2.5.29.19', true, spec.ca ? seq(bool(true)) : seq()),
    // keyUsage: CA = digitalSignature|keyCertSign|cRLSign; leaf = digitalSignature.
    extension('2.5.29.15', true, spec.ca ? der(0x03, Buffer.from([1, 0x86])) : der(0x03, Buffer.from([7, 0x80]))),
    extension('2.5.29.14', false, octets(keyId(spec.publicKey))),
    extension('2.5.29.35', false, seq(der(0x80, keyId(spec.issuerPublicKey)))),
  ];
  if (spec.usage !== 'ca') {
    const eku = spec.usage === 'server' ? '1.3.6.1.5.5.7.3.1' : '1.3.6.1.5.5.7.3.2';
    exts.push(extension('2.5.29.37', false, seq(oid(eku))));
  }
  const sans: Buffer[] = [
    ...(spec.dnsNames ?? []).map((d) => der(0x82, Buffer.from(d, 'ascii'))),
    ...(spec.ips ?? []).map((ip) => der(0x87, Buffer.from(ip.split('.').map(Number)))),
  ];
  if (sans.length) exts.push(extension('2.5.29.17', false, seq(...sans)));

  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))),
    integer(randomBytes(16)),
    ECDSA_SHA256,
    name(spec.issuer, 'vault-sim'),
    seq(time(new Date(now - 3600_000)), time(new Date(now + 365 * 86400_000))),
    name(spec.subject, 'vault-sim'),
    spec.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, seq(...exts)),
  );
  const signature = sign('sha256', tbs, spec.signingKey);
  const cert = seq(tbs, ECDSA_SHA256, bitString(signature));
  const b64 = cert.toString('base64').replace(/(.{64})/g, '$1\n').trimEnd();
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

export interface SimPki {
  caPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  clientCertPem: string;
  clientKeyPem: string;
}

const newKey = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const keyPem = (k: KeyObject): string => k.export({ type: 'pkcs8', format: 'pem' }).toString();

/** A fresh CA, one server certificate for 127.0.0.1/localhost and one client certificate. */
export function makePki(): SimPki {
  const ca = newKey();
  const caName = 'vault-sim throwaway CA';
  const caPem = makeCert({ subject: caName, issuer: caName, publicKey: ca.publicKey, signingKey: ca.privateKey,
    issuerPublicKey: ca.publicKey, ca: true, usage: 'ca' });
  const server = newKey();
  const serverCertPem = makeCert({ subject: 'localhost', issuer: caName, publicKey: server.publicKey, signingKey: ca.privateKey,
    issuerPublicKey: ca.publicKey, ca: false, usage: 'server', dnsNames: ['localhost'], ips: ['127.0.0.1'] });
  const client = newKey();
  const clientCertPem = makeCert({ subject: 'vault-sim client', issuer: caName, publicKey: client.publicKey,
    signingKey: ca.privateKey, issuerPublicKey: ca.publicKey, ca: false, usage: 'client' });
  return { caPem, serverCertPem, serverKeyPem: keyPem(server.privateKey), clientCertPem, clientKeyPem: keyPem(client.privateKey) };
}
