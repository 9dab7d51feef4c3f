// Lint: TypeScript's recommended rules, no import cycles, and the layer rules of ARCHITECTURE.md.
// Layers import downward only:
//   src/shared  <-  src/tokenizer, src/onnx  <-  src/inference (+ src/settings.ts)  <-  src/attention
//   <-  src/editor  <-  src/views  <-  src/commands  <-  src/extension.ts
// The webviews (webview/) import only src/shared; the CLI (src/cli) runs without VS Code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX, createNodeResolver } from 'eslint-plugin-import-x';

/** Everything in src/ at or above a layer, as paths for import-x/no-restricted-paths. */
const ORDER = [
  ['./src/shared'],
  ['./src/tokenizer', './src/onnx'],
  ['./src/inference', './src/settings.ts'],
  ['./src/attention'],
  ['./src/editor'],
  ['./src/views'],
  ['./src/commands'],
  ['./src/extension.ts'],
];

/** One zone per layer: nothing in it may import from a layer above it, nor from the CLI or the webviews. */
function layerZones() {
  const zones = [];
  ORDER.forEach((layer, level) => {
    const above = ORDER.slice(level + 1).flat();
    // The tokenizer and the ONNX reader stay apart too.
    const peers = layer.includes('./src/onnx') ? layer : [];
    for (const target of layer) {
      const from = [...above, ...peers.filter((p) => p !== target), './src/cli', './webview'];
      zones.push({ target, from, message: 'Layers import downward only (see ARCHITECTURE.md).' });
    }
  });
  zones.push({
    target: './webview',
    from: './src',
    except: ['./shared'],
    message: 'Webviews import only src/shared (see ARCHITECTURE.md).',
  });
  zones.push({
    target: './src/cli',
    from: ['./src/attention', './src/editor', './src/views', './src/commands', './src/extension.ts', './src/settings.ts', './webview'],
    message: 'The CLI runs without VS Code: it imports shared, tokenizer, onnx and inference only (see ARCHITECTURE.md).',
  });
  return zones;
}

/** Code that runs outside the extension host: it must not import `vscode`. */
const NO_VSCODE = ['src/shared/**', 'src/tokenizer/**', 'src/onnx/**', 'src/cli/**', 'webview/**'];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'training/**', 'media/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json', '.node'] })],
    },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { zones: layerZones() }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // `import x = require(...)` is how CommonJS packages without ES exports are typed.
      '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }],
    },
  },
  {
    // Page-side code run by Playwright: the Node tsconfig has no DOM lib, so browser globals are `any`.
    files: ['bench/**/*.ts', 'test/e2e/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: NO_VSCODE,
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'vscode', message: 'Shared, tokenizer, ONNX, CLI and webview code runs without VS Code.' }] },
      ],
    },
  },
);
