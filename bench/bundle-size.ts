// Package sizes (design.md, raised targets): ".vsix ≤ 350 KB; webview bundle ≤ 150 KB" (KB = 1024
// bytes). The .vsix is packaged as the e2e run does (`vsce package --no-dependencies`, through
// scripts/code-server.mjs, which also checks it holds only the allowlisted files); positive
// control: it holds dist/extension.js, dist/http.js and the webview bundle, so a small .vsix is
// not a broken one. The webview bundle is dist/webview/main.js + main.css (codicons excluded).
// Last line: the verdict (bench/verdict.ts).
//
// Reads what `npm run build` wrote to dist/ (source maps are not counted: they are not loaded) and
// says where the bytes come from: the same entry points are built again with esbuild into a
// temporary folder with the options of scripts/build.mjs (its `buildOptions`) plus a metafile, and
// the bytes each input contributes to the output are summed per npm package or per source folder.
// The rebuilt size is printed next to the dist/ size so a drift between the two builds shows.
// The extension ships two files: dist/extension.js, loaded at activation (the bundle the target is
// about), and dist/http.js (undici), loaded at the first request; both are reported, and their sum.
//
//   npm run bench:bundle-size [-- --no-build --json]
// (bench/activate.ts prints the same report after its timings.)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { atMost, control, runBench, type Check } from './verdict.js';

export const KB = 1024;
export const VSIX_TARGET = 350 * KB;
export const WEBVIEW_TARGET = 150 * KB;

const ROOT = join(__dirname, '..');

export interface FileSize {
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface Contributor {
  /** `undici`, `@vscode-elements/elements`, `src/commands`, … */
  origin: string;
  bytes: number;
}

export interface SizeReport {
  /** dist/extension.js: what VS Code loads at activation. */
  extension: FileSize;
  /** dist/http.js: undici, loaded by the Vault client at its first request (absent in older builds). */
  httpChunk?: FileSize;
  /** dist/features.js: command bodies, panels, policies, verification, loaded at first use. */
  featuresChunk?: FileSize;
  /** Every JavaScript file of the extension side that ships (extension.js + http.js). */
  extensionShippedBytes: number;
  /** Our webview code: the scripts and style sheets the panel loads, codicons excluded. */
  webview: FileSize[];
  webviewBytes: number;
  /** The codicon font and its style sheet (a third-party asset the webview also loads). */
  codicons: FileSize[];
  extensionContributors: Contributor[];
  httpChunkContributors: Contributor[];
  webviewContributors: Contributor[];
  /** Size of the metafile rebuild (should equal dist/, else the attribution is off). */
  rebuiltExtensionBytes: number;
  rebuiltHttpChunkBytes: number;
  rebuiltWebviewBytes: number;
}

export function runBuild(): void {
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`npm run build failed (exit ${r.status})`);
}

function sizeOf(path: string): FileSize {
  const data = readFileSync(path);
  return { file: relative(ROOT, path), bytes: data.length, gzipBytes: gzipSync(data, { level: 9 }).length };
}

/** `node_modules/@scope/pkg/...` → `@scope/pkg`; `node_modules/undici/lib/api/x.js` → `undici/lib/api`; `src/commands/x.ts` → `src/commands`. */
function originOf(input: string): string {
  const nm = input.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = input.slice(nm + 'node_modules/'.length).split('/');
    // undici (dist/http.js) by folder: the llhttp parser, the client, the web/fetch helpers, …
    if (parts[0] === 'undici' && parts[1] === 'lib' && parts.length > 3) return parts.slice(0, 3).join('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const parts = input.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0];
}

function contributors(meta: esbuild.Metafile, outputPredicate: (out: string) => boolean): { list: Contributor[]; total: number } {
  const byOrigin = new Map<string, number>();
  let total = 0;
  for (const [out, info] of Object.entries(meta.outputs)) {
    if (!outputPredicate(out)) continue;
    total += info.bytes;
    for (const [input, { bytesInOutput }] of Object.entries(info.inputs)) {
      const o = originOf(input);
      byOrigin.set(o, (byOrigin.get(o) ?? 0) + bytesInOutput);
    }
  }
  const list = [...byOrigin].map(([origin, bytes]) => ({ origin, bytes })).sort((a, b) => b.bytes - a.bytes);
  return { list, total };
}

type Attribution = { list: Contributor[]; total: number };

/** The esbuild options of scripts/build.mjs, written below `dist`. */
async function shippedBuildOptions(dist: string): Promise<esbuild.BuildOptions[]> {
  const mod = (await import(pathToFileURL(join(ROOT, 'scripts/build.mjs')).href)) as {
    buildOptions(o: { dev?: boolean; dist?: string }): esbuild.BuildOptions[];
  };
  return mod.buildOptions({ dev: false, dist });
}

/** Rebuilds every output as scripts/build.mjs does (minified, bundled), with a metafile. */
async function attribute(): Promise<{ ext: Attribution; http: Attribution; web: Attribution }> {
  const out = mkdtempSync(join(tmpdir(), 'vr-bundle-size-'));
  try {
    const empty: Attribution = { list: [], total: 0 };
    let ext = empty;
    let http = empty;
    let web = empty;
    for (const options of await shippedBuildOptions(out)) {
      const { metafile } = await esbuild.build({ ...options, metafile: true, logLevel: 'silent' });
      // Our code only: the codicon font and style sheet are counted apart.
      const attribution = contributors(metafile, (o) => /\.(js|css)$/.test(o) && !/codicon/i.test(o));
      const target = relative(out, options.outfile ?? options.outdir ?? out);
      if (target === 'extension.js') ext = attribution;
      else if (target === 'http.js') http = attribution;
      else if (target === 'webview') web = attribution;
    }
    return { ext, http, web };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export async function measureSizes(): Promise<SizeReport> {
  const dist = join(ROOT, 'dist');
  const extPath = join(dist, 'extension.js');
  if (!existsSync(extPath)) throw new Error('dist/extension.js is missing: run npm run build');
  const webDir = join(dist, 'webview');
  const webFiles = existsSync(webDir) ? readdirSync(webDir).filter((f) => /\.(js|css|ttf|woff2?)$/.test(f)).map((f) => join(webDir, f)) : [];
  const isCodicon = (f: string) => /codicon/i.test(f);
  const webview = webFiles.filter((f) => !isCodicon(f) && statSync(f).isFile()).map(sizeOf);
  const codicons = webFiles.filter(isCodicon).map(sizeOf);
  const httpPath = join(dist, 'http.js');
  const httpChunk = existsSync(httpPath) ? sizeOf(httpPath) : undefined;
  const featuresPath = join(dist, 'features.js');
  const featuresChunk = existsSync(featuresPath) ? sizeOf(featuresPath) : undefined;
  const extension = sizeOf(extPath);
  const { ext, http, web } = await attribute();
  return {
    extension,
    httpChunk,
    ...(featuresChunk ? { featuresChunk } : {}),
    extensionShippedBytes: extension.bytes + (featuresChunk?.bytes ?? 0) + (httpChunk?.bytes ?? 0),
    webview,
    webviewBytes: webview.reduce((a, f) => a + f.bytes, 0),
    codicons,
    extensionContributors: ext.list,
    httpChunkContributors: http.list,
    webviewContributors: web.list,
    rebuiltExtensionBytes: ext.total,
    rebuiltHttpChunkBytes: http.total,
    rebuiltWebviewBytes: web.total,
  };
}

const kb = (bytes: number): string => `${(bytes / KB).toFixed(1)} KB`;

export function formatSizes(r: SizeReport, top = 8): string {
  const lines: string[] = [];
  const verdict = (bytes: number, target: number) => `${(bytes / target).toFixed(2)}× the ${kb(target)} target: ${bytes <= target ? 'met' : 'MISSED'}`;
  lines.push('bundle sizes (dist/, minified; source maps not counted):');
  lines.push('');
  lines.push('| file | bytes | gzip -9 |');
  lines.push('|---|---|---|');
  const http = r.httpChunk ? [r.httpChunk] : [];
  const features = r.featuresChunk ? [r.featuresChunk] : [];
  for (const f of [r.extension, ...features, ...http, ...r.webview, ...r.codicons]) lines.push(`| ${f.file} | ${kb(f.bytes)} | ${kb(f.gzipBytes)} |`);
  lines.push('');
  lines.push(`extension bundle (dist/extension.js, loaded at activation): ${kb(r.extension.bytes)}`);
  if (r.featuresChunk) lines.push(`  plus dist/features.js (commands, panels, policies, verification; loaded at first use): ${kb(r.featuresChunk.bytes)}`);
  if (r.httpChunk) lines.push(`  plus dist/http.js (undici, loaded at the first request, not at activation): ${kb(r.httpChunk.bytes)}`);
  lines.push(`  all shipped extension JS (${['extension.js', ...features.map(() => 'features.js'), ...http.map(() => 'http.js')].join(' + ')}): ${kb(r.extensionShippedBytes)}`);
  lines.push(`webview (${r.webview.map((f) => f.file.replace(/^dist\/webview\//, '')).join(' + ')}): ${kb(r.webviewBytes)} = ${verdict(r.webviewBytes, WEBVIEW_TARGET)}`);
  const codiconBytes = r.codicons.reduce((a, f) => a + f.bytes, 0);
  if (codiconBytes) lines.push(`  plus the codicon font + style sheet (third-party, cached by the webview): ${kb(codiconBytes)}`);
  lines.push('');
  const share = (c: Contributor, total: number) => `${c.origin} ${kb(c.bytes)} (${((c.bytes / total) * 100).toFixed(0)}%)`;
  lines.push(`where the extension bundle's bytes come from (rebuild with a metafile: ${kb(r.rebuiltExtensionBytes)}):`);
  lines.push(`  ${r.extensionContributors.slice(0, top).map((c) => share(c, r.rebuiltExtensionBytes)).join(', ')}`);
  if (r.httpChunkContributors.length) {
    lines.push(`where dist/http.js's bytes come from (rebuild: ${kb(r.rebuiltHttpChunkBytes)}):`);
    lines.push(`  ${r.httpChunkContributors.slice(0, top).map((c) => share(c, r.rebuiltHttpChunkBytes)).join(', ')}`);
  }
  if (r.webviewContributors.length) {
    lines.push(`where the webview's bytes come from (rebuild: ${kb(r.rebuiltWebviewBytes)}):`);
    lines.push(`  ${r.webviewContributors.slice(0, top).map((c) => share(c, r.rebuiltWebviewBytes)).join(', ')}`);
  }
  return lines.join('\n');
}

/** `vsce package --no-dependencies` as the e2e run does it; its size and entries. */
interface ZipEntry {
  name: string;
  compressedBytes: number;
  bytes: number;
}

async function packageSize(): Promise<{ bytes: number; entries: string[]; sizes: ZipEntry[] }> {
  const helpers = (await import(pathToFileURL(join(ROOT, 'scripts', 'code-server.mjs')).href)) as {
    packageVsix(out: string): string[];
    zipEntryInfo(file: string): ZipEntry[];
  };
  const dir = mkdtempSync(join(tmpdir(), 'vr-vsix-'));
  try {
    const file = join(dir, 'vault-replication.vsix');
    const entries = helpers.packageVsix(file);
    return { bytes: statSync(file).size, entries, sizes: helpers.zipEntryInfo(file) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<Check[]> {
  if (!process.argv.includes('--no-build')) runBuild();
  const r = await measureSizes();
  const vsix = await packageSize();
  if (process.argv.includes('--json')) console.log(JSON.stringify({ ...r, vsix }, null, 2));
  else {
    console.log(formatSizes(r));
    console.log('');
    const files = vsix.sizes.filter((e) => e.name.startsWith('extension/')).sort((a, b) => b.compressedBytes - a.compressedBytes);
    const maps = files.filter((e) => e.name.endsWith('.map')).reduce((a, e) => a + e.compressedBytes, 0);
    console.log(`.vsix (vsce package --no-dependencies): ${kb(vsix.bytes)}, ${vsix.entries.length} files; compressed in the .vsix (uncompressed):`);
    for (const e of files) console.log(`  ${e.name.slice(10).padEnd(40)} ${kb(e.compressedBytes).padStart(9)} (${kb(e.bytes)})`);
    console.log(`  of which source maps (.map): ${kb(maps)}`);
  }
  const required = ['extension/dist/extension.js', 'extension/dist/http.js', 'extension/dist/webview/main.js'];
  const missing = required.filter((f) => !vsix.entries.includes(f));
  return [
    control(missing.length === 0, `the .vsix holds ${required.map((f) => f.slice(10)).join(', ')}${missing.length ? ` (missing: ${missing.join(', ')})` : ''}`),
    atMost('.vsix', vsix.bytes / KB, VSIX_TARGET / KB, ' KB', 1),
    atMost(`webview bundle (${r.webview.map((f) => f.file.replace(/^dist\/webview\//, '')).join(' + ')})`, r.webviewBytes / KB, WEBVIEW_TARGET / KB, ' KB', 1),
  ];
}

if (require.main === module) runBench('bundle-size', main);
