// Runs the same integration suite in desktop VS Code through @vscode/test-electron, for machines
// that have internet access or a local VS Code (set VSCODE_EXECUTABLE_PATH to its executable to
// skip the download). Here, offline, `npm run test:integration` runs it in code-server instead.
//   npm run test:electron            (bundles the suite first, see package.json)
import { runTests } from '@vscode/test-electron';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

async function main(): Promise<number> {
  const root = resolve(__dirname, '..', '..');
  const workspace = mkdtempSync(join(tmpdir(), 'vault-replication-ws-'));
  mkdirSync(join(workspace, '.vscode'));
  writeFileSync(join(workspace, '.vscode', 'settings.json'), '{}\n');
  const vscodeExecutablePath = process.env.VSCODE_EXECUTABLE_PATH || undefined;
  const reportPath = join(root, 'test-results', 'integration-report.json');
  try {
    await runTests({
      ...(vscodeExecutablePath ? { vscodeExecutablePath } : { version: '1.100.3' }),
      extensionDevelopmentPath: root,
      extensionTestsPath: join(root, 'out', 'integration', 'index.js'),
      extensionTestsEnv: { VAULT_REPLICATION_TEST_REPORT: reportPath },
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    });
    return 0;
  } catch (e) {
    console.error(`integration tests in desktop VS Code failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

main().then((code) => process.exit(code));
