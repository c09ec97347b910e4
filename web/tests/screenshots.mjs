// Screenshots of the serve page for the docs (docs/figures/serve-*.png), taken in Debian's chromium:
//   node web/tests/screenshots.mjs --url http://127.0.0.1:5000 --image photo.jpg --out docs/figures
// Uploads with the model's default settings, then saves the page, the wipe and the 3D view (mesh, at its starting angle).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'betterdepth-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: args.chromium ?? '/usr/bin/chromium', headless: true, viewport: { width: 1280, height: 1000 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--no-first-run', '--disable-dev-shm-usage', '--enable-unsafe-swiftshader', '--use-angle=swiftshader'],
});
try {
  const page = context.pages()[0] ?? await context.newPage();
  await page.goto(args.url);
  await page.waitForSelector('body[data-state="idle"]');
  await page.setInputFiles('#file', args.image);
  await page.waitForSelector('body[data-state="done"]', { timeout: 600000 });
  await page.fill('#wipe-slider', '45');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(args.out, 'serve-page.png') });
  await page.locator('#wipe').screenshot({ path: path.join(args.out, 'serve-wipe.png') });
  await page.selectOption('#mode', 'mesh');
  const canvas = page.locator('#canvas3d');
  await canvas.scrollIntoViewIfNeeded();
  await canvas.screenshot({ path: path.join(args.out, 'serve-3d.png') });
  console.log('wrote serve-page.png, serve-wipe.png, serve-3d.png to ' + args.out);
} finally {
  await context.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
