// npm start — try the packaged extension in a real VS Code in your browser.
// Installs attention-lens.vsix (built by `npm run package`) into a persistent VS Code server
// state under .vscode-test/start/, opens test/fixtures/workspace with sample.ts in an editor,
// and runs until Ctrl+C. ATTENTION_LENS_PORT picks the port (default 8765).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { installExtension, remoteUri, repoRoot, startServer, testStateRoot, workbenchUrl } from '../test/harness/vscodeServer';

const vsixPath = join(repoRoot, 'attention-lens.vsix');
const workspaceFolder = join(repoRoot, 'test', 'fixtures', 'workspace');
const sampleFile = join(workspaceFolder, 'sample.ts');
const stateDir = join(testStateRoot, 'start');

async function main(): Promise<void> {
  if (!existsSync(vsixPath)) throw new Error(`${vsixPath} is missing: run \`npm run package\` first`);
  installExtension(vsixPath, stateDir, false);
  const server = await startServer({ stateDir, fresh: false, port: Number(process.env.ATTENTION_LENS_PORT ?? 8765) });
  // The workbench opens the payload's file in an editor once the folder is loaded. The folder is
  // opened under the server's own authority (host:port), so the file must be too: under any other
  // authority it would be a different URI, and the same file would get a second tab.
  const url = workbenchUrl(server.url, { folder: workspaceFolder, payload: [['openFile', remoteUri(sampleFile, new URL(server.url).host)]] });
  console.log(`\nAttention Lens is running in VS Code at:\n\n  ${url}\n\nSelect some code in sample.ts and run "Attention Lens: Show Attention" (Ctrl+Alt+A).\nPress Ctrl+C to stop.`);
  // The harness stops the server's process group on Ctrl+C (SIGINT) or SIGTERM.
  await new Promise<never>(() => undefined);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
