// The manifest's user-visible strings, translations, walkthrough and marketplace metadata, and what
// the VSIX holds (the file list `vsce package` would use, read through vsce itself).
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PackageManager, listFiles } from '@vscode/vsce';
import { WALKTHROUGH, WALKTHROUGH_CONTEXT_KEYS } from '../../src/walkthroughIds';

const root = resolve(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const pkg = JSON.parse(read('package.json'));
const nls = JSON.parse(read('package.nls.json')) as Record<string, string>;
const zhTw = JSON.parse(read('package.nls.zh-tw.json')) as Record<string, string>;

/** Every "%key%" string in the manifest, with its JSON path. */
function placeholders(value: unknown, path = ''): { path: string; key: string }[] {
  if (typeof value === 'string') {
    const match = /^%([^%]+)%$/.exec(value);
    return match ? [{ path, key: match[1] }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => placeholders(v, `${path}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => placeholders(v, `${path}.${k}`));
  return [];
}

interface Step {
  id: string;
  title: string;
  description: string;
  media: { image: string; altText: string };
  completionEvents: string[];
}

/** The string literals passed first to `l10n.t(...)` anywhere under src/ and webview/ (the webviews translate with webview/l10n.ts). */
function l10nKeysInSource(): Set<string> {
  const keys = new Set<string>();
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : []));
  for (const file of [...walk(join(root, 'src')), ...walk(join(root, 'webview'))]) {
    for (const match of readFileSync(file, 'utf8').matchAll(/l10n\.t\(\s*(?:'((?:\\.|[^'\\])*)'|"((?:\\.|[^"\\])*)")/g)) {
      keys.add((match[1] ?? match[2]!).replace(/\\(.)/g, '$1'));
    }
  }
  return keys;
}

describe('Manifest', function () {
  // Listing the packaged VSIX takes seconds on a loaded machine.
  this.timeout(60_000);
  const used = placeholders(pkg);

  it('user-visible strings of commands, settings, views, colours and the walkthrough are %keys% of package.nls.json', function () {
    const c = pkg.contributes;
    const visible: unknown[] = [
      pkg.displayName,
      pkg.description,
      ...c.commands.flatMap((x: { title: string; category: string }) => [x.title, x.category]),
      c.configuration.title,
      ...Object.values(c.configuration.properties as Record<string, { markdownDescription?: string; description?: string; enumDescriptions?: string[] }>).flatMap(
        (p) => [p.markdownDescription ?? p.description, ...(p.enumDescriptions ?? [])],
      ),
      ...c.viewsContainers.activitybar.map((x: { title: string }) => x.title),
      ...c.views.attentionLens.flatMap((x: { name: string; contextualTitle: string }) => [x.name, x.contextualTitle]),
      ...c.colors.map((x: { description: string }) => x.description),
      ...c.walkthroughs.flatMap((w: { title: string; description: string; steps: Step[] }) => [
        w.title,
        w.description,
        ...w.steps.flatMap((s) => [s.title, s.description, s.media.altText]),
      ]),
    ];
    for (const text of visible) assert.match(String(text), /^%[^%]+%$/, `${text} is a %key%`);
  });

  it('every %key% has an English string and a Traditional Chinese one, and no string is unused', function () {
    const keys = new Set(used.map((u) => u.key));
    for (const { path, key } of used) {
      assert.ok(nls[key]?.trim(), `${path}: ${key} in package.nls.json`);
      assert.ok(zhTw[key]?.trim(), `${path}: ${key} in package.nls.zh-tw.json`);
    }
    for (const key of Object.keys(nls)) assert.ok(keys.has(key), `${key} is used`);
    assert.deepEqual(Object.keys(zhTw).sort(), Object.keys(nls).sort(), 'the translation has exactly the English keys');
  });

  it('the translation is Chinese, keeps command links and Markdown code spans', function () {
    for (const key of Object.keys(nls)) {
      const english = nls[key];
      const chinese = zhTw[key];
      // Names stay as they are (the extension's name, its category, the setting group).
      if (english === 'Attention Lens') continue;
      assert.match(chinese, /[\u4e00-\u9fff]/, `${key} is translated: ${chinese}`);
      const links = (s: string) => [...s.matchAll(/\]\((command:[^)]+)\)/g)].map((m) => m[1]);
      assert.deepEqual(links(chinese), links(english), `${key} keeps its command links`);
      const code = (s: string) => [...s.matchAll(/`[^`]+`/g)].map((m) => m[0]).sort();
      assert.deepEqual(code(chinese), code(english), `${key} keeps its code spans`);
    }
  });

  it('the l10n bundle translates the strings it lists, keeping their {n} arguments', function () {
    assert.equal(pkg.l10n, './l10n');
    const bundle = JSON.parse(read('l10n/bundle.l10n.zh-tw.json')) as Record<string, string>;
    assert.ok(Object.keys(bundle).length > 0);
    for (const [english, chinese] of Object.entries(bundle)) {
      const args = (s: string) => [...s.matchAll(/\{\d+\}/g)].map((m) => m[0]).sort();
      assert.deepEqual(args(chinese), args(english), english);
      assert.match(chinese, /[\u4e00-\u9fff]/, english);
    }
    // Both ways: every key is a vscode.l10n.t call's English text, and every such call is translated.
    const keys = l10nKeysInSource();
    assert.deepEqual(Object.keys(bundle).filter((english) => !keys.has(english)), [], 'bundle keys no source uses');
    assert.deepEqual([...keys].filter((english) => !(english in bundle)), [], 'vscode.l10n.t strings with no zh-tw translation');
  });

  it('the walkthrough has 4 to 5 steps, each with an existing image and a completion event that something fires', function () {
    const [walkthrough] = pkg.contributes.walkthroughs as { id: string; steps: Step[] }[];
    assert.equal(`${pkg.publisher}.${pkg.name}#${walkthrough.id}`, WALKTHROUGH);
    assert.ok(walkthrough.steps.length >= 4 && walkthrough.steps.length <= 5, `${walkthrough.steps.length} steps`);
    const commands = new Set((pkg.contributes.commands as { command: string }[]).map((c) => c.command));
    const settings = new Set(Object.keys(pkg.contributes.configuration.properties));
    const contextKeys = new Set<string>(Object.values(WALKTHROUGH_CONTEXT_KEYS));
    for (const step of walkthrough.steps) {
      assert.ok(existsSync(join(root, step.media.image)), `${step.id}: ${step.media.image} exists`);
      assert.ok(step.completionEvents.length > 0, `${step.id} completes on something`);
      for (const event of step.completionEvents) {
        const [kind, name] = event.split(/:(.*)/s);
        if (kind === 'onCommand') assert.ok(commands.has(name), `${step.id}: ${name} is a contributed command`);
        else if (kind === 'onSettingChanged') assert.ok(settings.has(name), `${step.id}: ${name} is a setting`);
        else if (kind === 'onContext') assert.ok(contextKeys.has(name), `${step.id}: ${name} is set by src/walkthrough.ts`);
        else assert.fail(`${step.id}: unexpected completion event ${event}`);
      }
      for (const [, command] of nls[step.description.slice(1, -1)].matchAll(/\]\(command:([^)?]+)/g)) {
        assert.ok(commands.has(command), `${step.id}: its button runs ${command}, a contributed command`);
      }
    }
  });

  it('marketplace metadata: a 128 x 128 PNG icon, repository, bugs, homepage, banner, known categories', function () {
    const icon = readFileSync(join(root, pkg.icon));
    assert.equal(icon.subarray(1, 4).toString('latin1'), 'PNG');
    assert.deepEqual([icon.readUInt32BE(16), icon.readUInt32BE(20)], [128, 128]);
    assert.match(pkg.repository.url, /^https:\/\//);
    assert.match(pkg.bugs.url, /^https:\/\//);
    assert.match(pkg.homepage, /^https:\/\//);
    assert.match(pkg.galleryBanner.color, /^#[0-9a-f]{6}$/i);
    assert.ok(['dark', 'light'].includes(pkg.galleryBanner.theme));
    // The Marketplace's categories (https://code.visualstudio.com/api/references/extension-manifest).
    const known = ['AI', 'Azure', 'Chat', 'Data Science', 'Debuggers', 'Education', 'Extension Packs', 'Formatters', 'Keymaps', 'Language Packs', 'Linters', 'Machine Learning', 'Notebooks', 'Programming Languages', 'SCM Providers', 'Snippets', 'Testing', 'Themes', 'Visualization', 'Other'];
    for (const category of pkg.categories) assert.ok(known.includes(category), category);
    assert.ok(pkg.keywords.length <= 30, 'the Marketplace takes at most 30 keywords');
    assert.match(read('README.md'), new RegExp(`!\\[[^\\]]*\\]\\(${pkg.icon.replace('.', '\\.')}\\)`), 'README shows the icon');
  });

  it('the VSIX holds the translations, the icon and the walkthrough, and none of .vscode/', async function () {
    const files = await listFiles({ cwd: root, packageManager: PackageManager.None });
    for (const file of ['package.nls.json', 'package.nls.zh-tw.json', 'l10n/bundle.l10n.zh-tw.json', pkg.icon, 'media/walkthrough/sample.ts']) {
      assert.ok(files.includes(file), `${file} is packaged`);
    }
    for (const step of pkg.contributes.walkthroughs[0].steps as Step[]) assert.ok(files.includes(step.media.image), `${step.media.image} is packaged`);
    assert.deepEqual(files.filter((f) => f.startsWith('.vscode/') || f.startsWith('src/') || f.startsWith('test/')), []);
  });
});
