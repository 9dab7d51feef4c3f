// The contributor loop in .vscode/: no desktop VS Code runs here, so F5 is checked by reading the
// launch and task configurations and resolving what they point at against the built tree.
// Needs `npm run build` first (dist/ and out/), as `npm test` runs it.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(__dirname, '..', '..');

/** Reads a JSON-with-comments file the way VS Code does (comments and trailing commas allowed). */
function readJsonc<T>(path: string): T {
  const { config, error } = ts.parseConfigFileTextToJson(path, readFileSync(path, 'utf8'));
  if (error) throw new Error(`${path}: ${ts.flattenDiagnosticMessageText(error.messageText, '\n')}`);
  return config as T;
}

interface LaunchConfig {
  name: string;
  type: string;
  request: string;
  args?: string[];
  program?: string;
  outFiles?: string[];
  preLaunchTask?: string;
  port?: number;
}
interface Task {
  label: string;
  type: string;
  script?: string;
  isBackground?: boolean;
  problemMatcher?: unknown;
}
interface BackgroundMatcher {
  pattern: { regexp: string; file: number; line: number; column: number; message: number };
  background: { beginsPattern: string; endsPattern: string };
}

const launch = readJsonc<{ configurations: LaunchConfig[] }>(join(root, '.vscode', 'launch.json'));
const tasks = readJsonc<{ tasks: Task[] }>(join(root, '.vscode', 'tasks.json'));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string; scripts: Record<string, string> };

function workspacePath(value: string): string {
  assert.ok(value.startsWith('${workspaceFolder}/'), `${value} is relative to the workspace folder`);
  return join(root, value.slice('${workspaceFolder}/'.length));
}

/** The value of a `--name=value` argument. */
function argument(config: LaunchConfig, name: string): string | undefined {
  return config.args?.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
}

function jsFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.js') && statSync(join(dir, file)).isFile());
}

function config(name: string): LaunchConfig {
  const found = launch.configurations.find((c) => c.name === name);
  assert.ok(found, `launch.json has "${name}"`);
  return found;
}

describe('Contributor loop (.vscode/)', function () {
  before(function () {
    assert.ok(existsSync(join(root, pkg.main)), `${pkg.main} exists: run \`npm run build\` first`);
  });

  it('Run Extension loads this folder as the extension, whose main the build writes, on the sample workspace', function () {
    const run = config('Run Extension');
    assert.equal(run.type, 'extensionHost');
    assert.equal(run.request, 'launch');
    const extension = workspacePath(`${argument(run, 'extensionDevelopmentPath')}/`);
    assert.equal(resolve(extension), root);
    assert.ok(existsSync(join(extension, pkg.main)), `the manifest's main (${pkg.main}) is built`);
    const folder = run.args?.find((arg) => !arg.startsWith('--'));
    assert.ok(folder && statSync(workspacePath(folder)).isDirectory(), `the folder it opens exists: ${folder}`);
  });

  it('Extension Tests points at the bundled integration suite, which exports run()', function () {
    const tests = config('Extension Tests');
    assert.equal(tests.type, 'extensionHost');
    const suite = argument(tests, 'extensionTestsPath');
    assert.ok(suite, 'has --extensionTestsPath');
    const source = readFileSync(workspacePath(suite), 'utf8');
    assert.match(source, /\brun\b/, 'the suite bundle defines run()');
    assert.ok(tests.args?.includes('--disable-extensions'), 'other extensions stay out of the test host');
  });

  it('the attach configuration attaches to a Node inspector port', function () {
    const attach = config('Attach to Extension Host and Inference Worker');
    assert.equal(attach.type, 'node');
    assert.equal(attach.request, 'attach');
    assert.ok(Number.isInteger(attach.port) && attach.port! > 0 && attach.port! < 65536);
  });

  it('every program path exists and every outFiles glob covers built JavaScript (including the worker)', function () {
    for (const c of launch.configurations) {
      if (c.program) assert.ok(existsSync(workspacePath(c.program)), `${c.name}: ${c.program} exists`);
      for (const glob of c.outFiles ?? []) {
        const match = /^(.*)\/\*\*\/\*\.js$/.exec(glob);
        assert.ok(match, `${c.name}: ${glob} has the form <folder>/**/*.js`);
        const files = jsFilesUnder(workspacePath(match[1]));
        assert.ok(files.length > 0, `${c.name}: ${glob} matches built files`);
      }
    }
    const distGlobs = launch.configurations.filter((c) => c.type === 'extensionHost').map((c) => c.outFiles ?? []);
    for (const globs of distGlobs) {
      assert.ok(globs.some((g) => g === '${workspaceFolder}/dist/**/*.js'), 'extension hosts map dist/ (extension.js and worker.js)');
    }
    assert.ok(jsFilesUnder(join(root, 'dist')).includes('worker.js'), 'dist/worker.js is built');
  });

  it('each preLaunchTask names a task, and npm tasks name existing scripts', function () {
    const labels = new Set(tasks.tasks.map((t) => t.label));
    for (const c of launch.configurations) {
      if (c.preLaunchTask) assert.ok(labels.has(c.preLaunchTask), `${c.name}: task "${c.preLaunchTask}" exists`);
    }
    for (const t of tasks.tasks.filter((t) => t.type === 'npm')) {
      assert.ok(t.script && pkg.scripts[t.script], `task "${t.label}": npm script "${t.script}" exists`);
    }
  });

  it("the watch task is a background task whose matcher reads esbuild.mjs's watch output", function () {
    const watch = tasks.tasks.find((t) => t.label === 'watch');
    assert.ok(watch?.isBackground, 'watch runs in the background');
    assert.equal(pkg.scripts[watch.script!], 'node esbuild.mjs --watch');
    const matcher = watch.problemMatcher as BackgroundMatcher;
    // The lines esbuild.mjs prints in watch mode (its console.log templates, with values filled in).
    const script = readFileSync(join(root, 'esbuild.mjs'), 'utf8');
    const printed = [...script.matchAll(/console\.log\((['`])(\[watch\][^'`]*)\1\)/g)].map((m) => m[2]);
    assert.ok(printed.some((line) => new RegExp(matcher.background.beginsPattern).test(line)), `begins pattern matches one of ${printed.join(' | ')}`);
    assert.ok(printed.some((line) => new RegExp(matcher.background.endsPattern).test(line)), 'ends pattern matches');
    assert.match(script, /console\.log\(`\[watch\] \$\{kind\}: \$\{where\}\$\{message\.text\}`\)/, 'errors are printed on one line');
    const error = new RegExp(matcher.pattern.regexp).exec('[watch] error: src/extension.ts:12:5: Expected ";" but found "x"');
    assert.ok(error, 'the error pattern matches a printed error');
    assert.equal(error[matcher.pattern.file], 'src/extension.ts');
    assert.equal(error[matcher.pattern.line], '12');
    assert.equal(error[matcher.pattern.column], '5');
    assert.equal(error[matcher.pattern.message], 'Expected ";" but found "x"');
  });

  it('.vscode/ is tracked by git (not hidden by .gitignore)', function () {
    for (const file of ['.vscode/launch.json', '.vscode/tasks.json']) {
      const ignored = spawnSync('git', ['check-ignore', '-q', file], { cwd: root });
      assert.equal(ignored.status, 1, `${file} is not ignored`);
    }
  });
});
