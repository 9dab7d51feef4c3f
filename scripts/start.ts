// npm start — try the packaged extension in a real VS Code in your browser.
// Installs attention-lens.vsix (built by `npm run package`) into a persistent VS Code server
// state under .vscode-test/start/, opens test/fixtures/workspace, and runs until Ctrl+C.
// ATTENTION_LENS_PORT picks the port (default 8765).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installExtension, repoRoot, startServer, testStateRoot } from '../test/harness/vscodeServer';

const vsixPath = join(repoRoot, 'attention-lens.vsix');
const workspaceFolder = join(repoRoot, 'test', 'fixtures', 'workspace');
const stateDir = join(testStateRoot, 'start');

// Something to select and inspect when the fixture folder is not there.
const SAMPLE_TS = `// A tiny event emitter: listeners are kept per event name, in subscription order.
type Listener<T> = (payload: T) => void;

export class Emitter<Events extends Record<string, unknown>> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): number {
    const set = this.listeners.get(event);
    if (!set) return 0;
    for (const listener of set) (listener as Listener<Events[K]>)(payload);
    return set.size;
  }
}

const emitter = new Emitter<{ saved: { path: string; bytes: number } }>();
const unsubscribe = emitter.on('saved', ({ path, bytes }) => {
  console.log(\`saved \${bytes} bytes to \${path}\`);
});
emitter.emit('saved', { path: 'notes.txt', bytes: 42 });
unsubscribe();
`;

async function main(): Promise<void> {
  if (!existsSync(vsixPath)) throw new Error(`${vsixPath} is missing: run \`npm run package\` first`);
  if (!existsSync(workspaceFolder)) {
    mkdirSync(workspaceFolder, { recursive: true });
    writeFileSync(join(workspaceFolder, 'sample.ts'), SAMPLE_TS);
  }

  installExtension(vsixPath, stateDir, false);
  const server = await startServer({
    workspaceFolder,
    stateDir,
    fresh: false,
    port: Number(process.env.ATTENTION_LENS_PORT ?? 8765),
  });
  console.log(`\nAttention Lens is running in VS Code at:\n\n  ${server.url}\n\nPress Ctrl+C to stop.`);
  // The harness stops the server's process group on Ctrl+C (SIGINT) or SIGTERM.
  await new Promise<never>(() => undefined);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
