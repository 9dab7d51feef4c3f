// Runs the VS Code server bundled in code-server (installed by scripts/setup.mjs) on Node 24.
// Each server lives in its own process group so that stopping it also ends the extension hosts
// and helper processes it spawns, which otherwise outlive a plain kill.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '..', '..');
export const testStateRoot = join(repoRoot, '.vscode-test');
const markerPath = join(testStateRoot, 'server-cache', 'installed.json');

/** Where a server keeps everything it writes; all of it lives under one folder. */
export interface ServerDirs {
  root: string;
  userDataDir: string;
  serverDataDir: string;
  extensionsDir: string;
  envDir: string;
  logFile: string;
}

export interface StartOptions {
  /** Folder the workbench URL opens. */
  workspaceFolder?: string;
  /** 0 or absent: a free port. */
  port?: number;
  /** State folder; defaults to `.vscode-test/run`. */
  stateDir?: string;
  /** Empty the state folder first (once per process). Default true. */
  fresh?: boolean;
  /** Merged over the default user settings. */
  settings?: Record<string, unknown>;
  /** The server machine's settings: where machine-scoped settings (such as paths) take effect
   *  in a remote window; the workbench ignores those in the browser-side user settings. */
  machineSettings?: Record<string, unknown>;
  /** More server options, e.g. `['--locale', 'zh-tw']`. */
  extraArgs?: readonly string[];
  /**
   * Compress the workbench's websocket (permessage-deflate), as a VS Code server does by default.
   * Off by default here: this server listens on 127.0.0.1 only, where compressing saves no time
   * and costs it. Measured in `npm run bench -- e2e` (BENCHMARKS.md): with it, a warm 512-token
   * result took 79 ms from the extension host's post to the webview; without it, 36 ms.
   */
  websocketCompression?: boolean;
}

export interface RunningServer {
  /** Base URL, with `?folder=` when a workspace folder was given. */
  url: string;
  port: number;
  dirs: ServerDirs;
  stop(): Promise<void>;
}

const DEFAULT_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  // A trust prompt would block the workbench in tests; the trust logic has its own unit tests.
  'security.workspace.trust.enabled': false,
};

const DEFAULT_MACHINE_SETTINGS: Record<string, unknown> = {
  // No walkthrough opening over the editors on first start; the walkthrough's own test turns it
  // on. A machine-scoped setting: in a remote window only the server machine's value counts.
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  // Runs open on the head the test chose (layer 0 head 0 at first), not on each run's most
  // informative head, which would move the selection under tests of other things; the test of
  // that feature sets it back.
  'attentionLens.openOn': 'chosenHead',
};

// ATTENTION_LENS_STATE_DIR lets two test runs on one machine keep separate servers.
const defaultStateDir = process.env.ATTENTION_LENS_STATE_DIR ?? join(testStateRoot, 'run');
const running = new Set<ChildProcess>();
const wiped = new Set<string>();

interface Installation {
  nodeBinary: string;
  serverMain: string;
}

function installation(): Installation {
  let marker: Partial<Installation> | undefined;
  try {
    marker = JSON.parse(readFileSync(markerPath, 'utf8')) as Partial<Installation>;
  } catch {
    marker = undefined;
  }
  if (!marker?.nodeBinary || !marker.serverMain || !existsSync(marker.nodeBinary) || !existsSync(marker.serverMain)) {
    throw new Error('VS Code server not installed: run `npm install` (scripts/setup.mjs installs it)');
  }
  return { nodeBinary: marker.nodeBinary, serverMain: marker.serverMain };
}

/**
 * The state folder's layout. With `fresh`, the folder is emptied the first time this process
 * uses it, so an install followed by a start share one clean state.
 */
export function serverDirs(stateDir = defaultStateDir, fresh = true): ServerDirs {
  const root = resolve(stateDir);
  if (fresh && !wiped.has(root)) {
    rmSync(root, { recursive: true, force: true });
    wiped.add(root);
  }
  const dirs: ServerDirs = {
    root,
    userDataDir: join(root, 'user-data'),
    serverDataDir: join(root, 'server-data'),
    extensionsDir: join(root, 'extensions'),
    envDir: join(root, 'env'),
    logFile: join(root, 'server.log'),
  };
  for (const dir of [dirs.userDataDir, dirs.serverDataDir, dirs.extensionsDir]) mkdirSync(dir, { recursive: true });
  return dirs;
}

function serverArgs(dirs: ServerDirs): string[] {
  return [
    '--accept-server-license-terms',
    '--disable-telemetry',
    '--user-data-dir', dirs.userDataDir,
    '--server-data-dir', dirs.serverDataDir,
    '--extensions-dir', dirs.extensionsDir,
  ];
}

// The server and its children write config, caches and temp files here instead of HOME and /tmp.
function serverEnv(dirs: ServerDirs): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, sub] of [
    ['XDG_CONFIG_HOME', 'config'],
    ['XDG_DATA_HOME', 'data'],
    ['XDG_CACHE_HOME', 'cache'],
    ['TMPDIR', 'tmp'],
  ] as const) {
    env[name] = join(dirs.envDir, sub);
    mkdirSync(env[name]!, { recursive: true });
  }
  // The server must not inherit debugger or loader flags meant for this test process (e.g. tsx).
  delete env.NODE_OPTIONS;
  return env;
}

/** Installs a packaged extension into the state folder's extensions dir (offline, under a second). */
export function installExtension(vsixPath: string, stateDir = defaultStateDir, fresh = true): void {
  const { nodeBinary, serverMain } = installation();
  const dirs = serverDirs(stateDir, fresh);
  const result = spawnSync(
    nodeBinary,
    [serverMain, ...serverArgs(dirs), '--install-extension', resolve(vsixPath), '--force'],
    { env: serverEnv(dirs), encoding: 'utf8', timeout: 120_000 },
  );
  if (result.status !== 0) {
    throw new Error(`installing ${vsixPath} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

async function stopGroup(child: ChildProcess): Promise<void> {
  running.delete(child);
  const pid = child.pid;
  if (pid === undefined) return;
  killGroup(pid, 'SIGTERM');
  for (let waited = 0; waited < 5_000 && groupAlive(pid); waited += 100) {
    await new Promise((r) => setTimeout(r, 100));
  }
  killGroup(pid, 'SIGKILL');
}

async function waitReady(url: string, child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`VS Code server exited early; see ${logFile}:\n${tail(logFile)}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.status < 500) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`VS Code server not ready after ${timeoutMs} ms; see ${logFile}:\n${tail(logFile)}`);
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '(no log)';
  }
}

export function writeUserSettings(dirs: ServerDirs, settings: Record<string, unknown> = {}): void {
  const userDir = join(dirs.userDataDir, 'User');
  mkdirSync(userDir, { recursive: true });
  writeFileSync(join(userDir, 'settings.json'), JSON.stringify({ ...DEFAULT_SETTINGS, ...settings }, null, 2) + '\n');
}

/** Builds a workbench URL; `payload` entries are the smoke-test driver's [name, value] pairs. */
export function workbenchUrl(baseUrl: string, options: { folder?: string; payload?: [string, string][] } = {}): string {
  const url = new URL(baseUrl);
  if (options.folder) url.searchParams.set('folder', resolve(options.folder));
  if (options.payload) url.searchParams.set('payload', JSON.stringify(options.payload));
  return url.toString();
}

/**
 * The URI the workbench uses for a path on the server. `authority` is the server's host:port as the
 * browser reaches it, which is what a folder opened with `?folder=` lives under; extension paths
 * given as test payloads work under any authority (default `remote`).
 */
export function remoteUri(path: string, authority = 'remote'): string {
  return `vscode-remote://${authority}${resolve(path)}`;
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const { nodeBinary, serverMain } = installation();
  const dirs = serverDirs(options.stateDir ?? defaultStateDir, options.fresh ?? true);
  writeUserSettings(dirs, options.settings);
  // Always written: a state folder reused within one test process must not keep the machine
  // settings (such as a user model folder) of an earlier server.
  const machineDir = join(dirs.userDataDir, 'Machine');
  mkdirSync(machineDir, { recursive: true });
  writeFileSync(join(machineDir, 'settings.json'), JSON.stringify({ ...DEFAULT_MACHINE_SETTINGS, ...options.machineSettings }, null, 2) + '\n');
  const port = options.port || (await freePort());

  const log = openSync(dirs.logFile, 'a');
  // detached: the child calls setsid(), so its pid is the id of a new process group.
  const child = spawn(
    nodeBinary,
    [
      serverMain,
      '--host', '127.0.0.1',
      '--port', String(port),
      '--without-connection-token',
      // Makes the workbench honour test payloads (extensionTestsPath) and expose its driver.
      '--enable-smoke-test-driver',
      ...(options.websocketCompression ? [] : ['--disable-websocket-compression']),
      ...serverArgs(dirs),
      ...(options.extraArgs ?? []),
    ],
    { detached: true, stdio: ['ignore', log, log], env: serverEnv(dirs) },
  );
  closeSync(log);
  running.add(child);
  installExitCleanup();

  const base = `http://127.0.0.1:${port}/`;
  try {
    await waitReady(base, child, dirs.logFile, 60_000);
  } catch (error) {
    await stopGroup(child);
    throw error;
  }
  const url = options.workspaceFolder ? workbenchUrl(base, { folder: options.workspaceFolder }) : base;
  return { url, port, dirs, stop: () => stopGroup(child) };
}

let cleanupInstalled = false;

// Whatever ends this process, no server group is left behind.
function installExitCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', () => {
    for (const child of running) if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
  });
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      void Promise.all([...running].map(stopGroup)).finally(() => process.exit(code));
    });
  }
}
