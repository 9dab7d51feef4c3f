/**
 * A VS Code server state folder of the benchmark's own, so its server never meets a test run's.
 * Imported first by bench/run.ts: test/harness/vscodeServer.ts reads the variable when loaded.
 */
import { join } from 'node:path';
import { repoRoot } from './paths';

process.env.ATTENTION_LENS_STATE_DIR ??= join(repoRoot, '.vscode-test', 'bench');
