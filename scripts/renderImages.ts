/// <reference lib="dom" />
// npm run images — renders the images the manifest points at, with the Chromium the e2e tests use
// (playwright-core drives /usr/bin/chromium; no browser is downloaded):
//   media/logo.svg          -> media/logo.png, the 128 x 128 marketplace icon;
//   docs/images/<name>.png  -> media/walkthrough/<name>.jpg, the walkthrough's screenshots at
//                              WALKTHROUGH_WIDTH px wide, as JPEG (quality WALKTHROUGH_QUALITY),
//                              to keep the VSIX small: as PNG they took 0.71 MB of it.
// The outputs are committed; run this again after changing the SVG or the screenshots
// (the screenshots come from the e2e run: test/e2e/artifacts, copied into docs/images).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/harness/workbench';
import { repoRoot } from '../test/harness/vscodeServer';

const ICON_SIDE = 128;
const WALKTHROUGH_WIDTH = 900;
/** JPEG quality of the walkthrough's screenshots: text stays sharp enough to read at 900 px. */
const WALKTHROUGH_QUALITY = 82;
/** docs/images screenshot -> the name the walkthrough step uses. */
const WALKTHROUGH_IMAGES: Record<string, string> = {
  'walkthrough-sample.png': 'sample.jpg',
  'show-attention.png': 'show-attention.jpg',
  'views-matrix.png': 'matrix.jpg',
  'walkthrough-model-sorted.png': 'model-sorted.jpg',
  'walkthrough-select-model.png': 'select-model.jpg',
};

/**
 * Draws `html` in a `width` x `height` viewport and returns the PNG bytes (transparent where the
 * page is), or JPEG bytes at `jpegQuality` when given (opaque).
 */
async function render(page: Page, html: string, width: number, height: number, jpegQuality?: number): Promise<Buffer> {
  await page.setViewportSize({ width, height });
  await page.setContent(`<!doctype html><style>html,body{margin:0;background:transparent}img,svg{display:block}</style>${html}`);
  await page.waitForFunction(() => Array.from(document.images).every((image) => image.complete));
  const clip = { x: 0, y: 0, width, height };
  return jpegQuality === undefined ? page.screenshot({ omitBackground: true, clip }) : page.screenshot({ type: 'jpeg', quality: jpegQuality, clip });
}

/** Width and height of a PNG, from its IHDR chunk (PNG spec, section 11.2.2). */
function pngSize(bytes: Buffer): { width: number; height: number } {
  if (bytes.subarray(1, 4).toString('latin1') !== 'PNG') throw new Error('not a PNG file');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

async function main(): Promise<void> {
  process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 1 });
    const svg = readFileSync(join(repoRoot, 'media', 'logo.svg'), 'utf8');
    writeFileSync(join(repoRoot, 'media', 'logo.png'), await render(page, svg, ICON_SIDE, ICON_SIDE));
    console.log(`media/logo.png: ${ICON_SIDE} x ${ICON_SIDE}`);
    for (const [source, target] of Object.entries(WALKTHROUGH_IMAGES)) {
      const sourcePath = join(repoRoot, 'docs', 'images', source);
      if (!existsSync(sourcePath)) {
        console.warn(`docs/images/${source} is missing: run the walkthrough e2e test and copy its screenshot there`);
        process.exitCode = 1;
        continue;
      }
      const bytes = readFileSync(sourcePath);
      const { width, height } = pngSize(bytes);
      const scaledHeight = Math.round((height * WALKTHROUGH_WIDTH) / width);
      const img = `<img src="data:image/png;base64,${bytes.toString('base64')}" width="${WALKTHROUGH_WIDTH}" height="${scaledHeight}">`;
      writeFileSync(join(repoRoot, 'media', 'walkthrough', target), await render(page, img, WALKTHROUGH_WIDTH, scaledHeight, WALKTHROUGH_QUALITY));
      console.log(`media/walkthrough/${target}: ${WALKTHROUGH_WIDTH} x ${scaledHeight} (from docs/images/${source})`);
    }
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
