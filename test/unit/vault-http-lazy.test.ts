// undici is loaded at the Vault client's first request, never before (so activating the extension
// does not load it): from the TypeScript sources, and in the bundle scripts/build.mjs makes, where
// it is the separate file http.js next to the client's bundle. Node's test runner runs each test
// file in its own process, so require.cache here starts without undici.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { VaultClient } from '../../src/vault/client.js';

const ROOT = join(__dirname, '..', '..');

const HEALTH = { initialized: true, sealed: false, standby: false, version: '1.19.0+ent', cluster_name: 'lazy', server_time_utc: 1 };

/** Files of undici (relative to its package folder) that this process has require()d so far. */
function loadedUndiciFiles(): string[] {
  const marker = '/node_modules/undici/';
  return Object.keys(require.cache)
    .map((f) => f.replaceAll('\\', '/'))
    .filter((f) => f.includes(marker))
    .map((f) => f.slice(f.indexOf(marker) + marker.length));
}

describe('undici is loaded lazily', () => {
  let server: http.Server;
  let address: string;
  before(async () => {
    server = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(HEALTH));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('from the sources: not by importing or constructing the client, only by its first request, and never undici’s index', async () => {
    assert.deepEqual(loadedUndiciFiles(), [], 'importing the client loads no undici file');
    const client = new VaultClient({ name: 'lazy', address });
    try {
      assert.deepEqual(loadedUndiciFiles(), [], 'constructing a client loads no undici file');
      const health = await client.health();
      assert.equal(health.clusterName, 'lazy');
      const loaded = loadedUndiciFiles();
      assert.ok(loaded.includes('lib/dispatcher/client.js') && loaded.includes('lib/dispatcher/pool.js'), loaded.join(', '));
      assert.ok(!loaded.includes('index.js'), 'undici’s index (fetch, WebSocket, mocks…) is not loaded');
      assert.equal(client.connectionsOpened, 1);
    } finally {
      await client.close();
    }
  });

  describe('in the bundle scripts/build.mjs makes', () => {
    let out: string;
    before(async () => {
      out = mkdtempSync(join(tmpdir(), 'vr-lazy-http-'));
      const { buildOptions } = (await import(pathToFileURL(join(ROOT, 'scripts/build.mjs')).href)) as {
        buildOptions(o: { dev?: boolean; dist?: string }): esbuild.BuildOptions[];
      };
      // The extension's options with the client as entry (same plugins), and http.js as shipped.
      const [extension, httpChunk] = buildOptions({ dist: out });
      await esbuild.build({ ...extension, entryPoints: ['src/vault/client.ts'], outfile: join(out, 'client.js'), logLevel: 'silent' });
      await esbuild.build({ ...httpChunk, logLevel: 'silent' });
    });
    after(() => rmSync(out, { recursive: true, force: true }));

    it('keeps undici out of the client bundle and ships one llhttp parser in http.js', () => {
      const client = readFileSync(join(out, 'client.js'), 'utf8');
      assert.match(client, /require\("\.\/http\.js"\)/);
      assert.doesNotMatch(client, /llhttp|AGFzbQ/, 'no undici parser in the client bundle');
      // "AGFzbQ" is the base64 of a WebAssembly module's magic number: one module, the plain parser.
      const chunk = readFileSync(join(out, 'http.js'), 'utf8');
      assert.equal(chunk.split('AGFzbQ').length - 1, 1);
      const wasmOf = (file: string) => /'(AGFzbQ[A-Za-z0-9+/=]+)'/.exec(readFileSync(join(ROOT, 'node_modules/undici/lib/llhttp', file), 'utf8'))?.[1];
      const plain = wasmOf('llhttp-wasm.js');
      const simd = wasmOf('llhttp_simd-wasm.js');
      assert.ok(plain && simd && plain !== simd, 'undici ships both builds as base64 strings');
      assert.ok(chunk.includes(plain) && !chunk.includes(simd), 'the bundled module is llhttp-wasm.js, not the SIMD build');
    });

    it('loads http.js at the first request, and the request works (SIMD path on the plain parser)', async () => {
      // A fresh process: require the bundle, look at require.cache before and after one request.
      const script = `
        const bundle = ${JSON.stringify(join(out, 'client.js'))};
        const chunk = ${JSON.stringify(join(out, 'http.js'))};
        const { VaultClient } = require(bundle);
        const beforeRequest = chunk in require.cache;
        const client = new VaultClient({ name: 'lazy', address: process.argv[1] });
        client.health().then(async (h) => {
          const afterRequest = chunk in require.cache;
          await client.close();
          process.stdout.write(JSON.stringify({ beforeRequest, afterRequest, clusterName: h.clusterName }));
        }, (e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });`;
      const { stdout } = await promisify(execFile)(process.execPath, ['-e', script, address], {
        env: { ...process.env, UNDICI_NO_WASM_SIMD: undefined, NODE_OPTIONS: undefined },
      });
      assert.deepEqual(JSON.parse(stdout), { beforeRequest: false, afterRequest: true, clusterName: 'lazy' });
    });

    it('a missing http.js fails the request with a VaultError naming the cluster, and a later request loads it', async () => {
      const script = `
        const { renameSync } = require('node:fs');
        const chunk = ${JSON.stringify(join(out, 'http.js'))};
        const { VaultClient } = require(${JSON.stringify(join(out, 'client.js'))});
        const client = new VaultClient({ name: 'lazy', address: process.argv[1] });
        renameSync(chunk, chunk + '.away');
        client.health().then(() => { process.stderr.write('the request succeeded without http.js'); process.exit(1); }, async (e) => {
          renameSync(chunk + '.away', chunk);
          const h = await client.health();
          await client.close();
          process.stdout.write(JSON.stringify({ name: e.name, kind: e.kind, message: e.message, clusterName: h.clusterName }));
        }).catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });`;
      const { stdout } = await promisify(execFile)(process.execPath, ['-e', script, address]);
      const r = JSON.parse(stdout) as { name: string; kind: string; message: string; clusterName: string };
      assert.equal(r.name, 'VaultError');
      assert.equal(r.kind, 'network');
      assert.match(r.message, /^lazy: GET http:\/\/127\.0\.0\.1:\d+\/v1\/sys\/health failed: .*HTTP module \(undici\) could not be loaded/);
      assert.equal(r.clusterName, 'lazy');
    });
  });
});
