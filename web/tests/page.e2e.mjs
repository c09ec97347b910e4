// End-to-end test of the serve page in Debian's chromium, driven by playwright-core, as a person uses it:
// open the page, upload a real photo, wait for the result, check that the prior, the refined map and the 3D canvas
// render (screenshots checked for non-emptiness), rotate the 3D view, move the wipe slider, change the colour map,
// download files and read them back, and see a clear error for a file that is not an image.
//
//   node web/tests/page.e2e.mjs --url http://127.0.0.1:PORT --image photo.jpg --out FOLDER [--res 64] [--chromium /usr/bin/chromium]
//
// Prints one line per check ("ok ..." / "FAIL ...") and exits non-zero on the first failure. Screenshots and downloads go to --out.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const url = args.url, image = args.image, out = args.out, res = args.res ?? '64';
const executablePath = args.chromium ?? process.env.BETTERDEPTH_CHROMIUM ?? '/usr/bin/chromium';
if (!url || !image || !out) { console.error('usage: page.e2e.mjs --url URL --image FILE --out FOLDER [--res N]'); process.exit(2); }
fs.mkdirSync(out, { recursive: true });

let failures = 0;
function check(ok, what, detail = '') {
  console.log(`${ok ? 'ok' : 'FAIL'} ${what}${detail ? ' (' + detail + ')' : ''}`);
  if (!ok) { failures++; throw new Error(what); }
}

/** Counts the pixels of a PNG screenshot that differ from its most common colour, decoding it in the page itself. */
async function screenshotStats(page, png) {
  return page.evaluate(async b64 => {
    const blob = await (await fetch('data:image/png;base64,' + b64)).blob();
    const bmp = await createImageBitmap(blob);
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = c.getContext('2d');
    ctx.drawImage(bmp, 0, 0);
    const d = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
    const counts = new Map();
    for (let i = 0; i < d.length; i += 4) {
      const k = (d[i] >> 3) << 10 | (d[i + 1] >> 3) << 5 | (d[i + 2] >> 3);
      counts.set(k, (counts.get(k) || 0) + 1);
    }
    const mode = Math.max(...counts.values());
    return { width: bmp.width, height: bmp.height, colours: counts.size, differing: (d.length / 4 - mode) / (d.length / 4) };
  }, png.toString('base64'));
}

function readNpy(file) {
  const b = fs.readFileSync(file);
  if (b.subarray(1, 6).toString('latin1') !== 'NUMPY') throw new Error('not npy');
  const headerLength = b[6] === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
  const start = b[6] === 1 ? 10 : 12;
  const header = b.subarray(start, start + headerLength).toString('latin1');
  const m = header.match(/'shape':\s*\((\d+),\s*(\d+)\)/);
  const values = new Float32Array(b.buffer.slice(b.byteOffset + start + headerLength, b.byteOffset + b.length));
  return { header, height: +m[1], width: +m[2], values };
}

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'betterdepth-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  acceptDownloads: true,
  viewport: { width: 1280, height: 900 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--no-first-run', '--disable-dev-shm-usage', '--enable-unsafe-swiftshader', '--use-angle=swiftshader'],
});
const requests = [], pageErrors = [];
try {
  const page = context.pages()[0] ?? await context.newPage();
  page.on('request', r => requests.push(r.url()));
  page.on('pageerror', e => { pageErrors.push(e.message); console.log('page error: ' + e.message); });
  await page.goto(url);
  await page.waitForSelector('body[data-state="idle"]', { timeout: 60000 });
  check(true, 'page loads and reads /api/info');
  const info = await (await fetch(url + '/api/info')).json();
  const shown = { steps: await page.inputValue('#steps'), ensemble: await page.inputValue('#ensemble'), res: await page.inputValue('#processing_res') };
  check(+shown.steps === info.defaults.steps && +shown.ensemble === info.defaults.ensemble && +shown.res === info.defaults.processing_res,
    'settings show the model defaults', JSON.stringify(shown));

  // A file that is not an image: a clear error on the page, no job.
  await page.setInputFiles('#file', { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('this is not a picture') });
  await page.waitForSelector('body[data-state="failed"]', { timeout: 30000 });
  const refusal = await page.textContent('#error');
  check(/not a PNG or JPEG/.test(refusal) && /HTTP 415/.test(refusal), 'a non-image is refused with a clear error', refusal.trim());

  // The real photo, with an ensemble so that the uncertainty map shows, at a small processing resolution.
  await page.fill('#processing_res', res);
  await page.fill('#ensemble', '2');
  await page.fill('#steps', '2');
  const started = Date.now();
  await page.setInputFiles('#file', image);
  await page.waitForSelector('body[data-state="done"]', { timeout: 300000 });
  check(true, 'the refinement finishes', `${((Date.now() - started) / 1000).toFixed(1)} s`);
  check(await page.isHidden('#error'), 'no error is shown after a good upload');
  const status = await page.textContent('#status-text');
  check(/Done in/.test(status), 'the status says done', status);

  // The input image's element may still be decoding its object URL when the status turns to done: wait for it (bounded).
  await page.waitForFunction(() => {
    const img = document.getElementById('input-image');
    return img.complete && img.naturalWidth > 0;
  }, null, { timeout: 10000 }).catch(() => {});
  const imageSize = await page.evaluate(() => [document.getElementById('input-image').naturalWidth, document.getElementById('input-image').naturalHeight]);
  check(imageSize[0] > 0 && imageSize[1] > 0, 'the input image is shown', imageSize.join('x'));
  for (const id of ['prior-canvas', 'refined-canvas']) {
    const shot = await page.locator('#' + id).screenshot({ path: path.join(out, id + '.png') });
    const s = await screenshotStats(page, shot);
    check(s.differing > 0.05 && s.colours > 8, `#${id} renders a map`, `${s.width}x${s.height}, ${s.colours} colours, ${(100 * s.differing).toFixed(0)}% off the background`);
  }

  // The ensemble's spread: shown (it may be flat when the members agree, so only its presence is checked).
  const u = await page.locator('#uncertainty-canvas').screenshot({ path: path.join(out, 'uncertainty-canvas.png') });
  const us = await screenshotStats(page, u);
  check(await page.isVisible('#uncertainty-canvas') && us.width > 0, 'the uncertainty map is shown for an ensemble', `${us.colours} colours`);

  // 3D view: renders, and dragging rotates it.
  await page.locator('#canvas3d').scrollIntoViewIfNeeded();
  check(await page.isHidden('#webgl-error'), 'WebGL is available for the 3D view');
  const before = await page.locator('#canvas3d').screenshot({ path: path.join(out, 'view3d.png') });
  const s3 = await screenshotStats(page, before);
  check(s3.differing > 0.05 && s3.colours > 16, 'the 3D canvas renders the point cloud', `${s3.colours} colours, ${(100 * s3.differing).toFixed(0)}% off the background`);
  const box = await page.locator('#canvas3d').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 160, box.y + box.height / 2 + 40, { steps: 8 });
  await page.mouse.up();
  const after = await page.locator('#canvas3d').screenshot();
  check(!after.equals(before), 'dragging rotates the 3D view');
  await page.selectOption('#mode', 'mesh');
  const mesh = await screenshotStats(page, await page.locator('#canvas3d').screenshot({ path: path.join(out, 'view3d-mesh.png') }));
  check(mesh.differing > 0.05, 'the mesh view renders', `${mesh.colours} colours`);
  await page.selectOption('#mode', 'points');

  // Wipe slider between prior and refined.
  await page.locator('#wipe').scrollIntoViewIfNeeded();
  const wipe50 = await page.locator('#wipe').screenshot();
  await page.fill('#wipe-slider', '10');
  const clip = await page.evaluate(() => document.getElementById('wipe-refined').style.clipPath);
  const wipe10 = await page.locator('#wipe').screenshot({ path: path.join(out, 'wipe.png') });
  check(/10%/.test(clip) && !wipe10.equals(wipe50), 'moving the slider wipes between prior and refined', clip);

  // Colour map choice recolours the maps.
  const spectral = await page.locator('#refined-canvas').screenshot();
  await page.selectOption('#colormap', 'gray');
  const gray = await page.locator('#refined-canvas').screenshot();
  const grayStats = await page.evaluate(async b64 => {
    const bmp = await createImageBitmap(await (await fetch('data:image/png;base64,' + b64)).blob());
    const c = new OffscreenCanvas(bmp.width, bmp.height); const ctx = c.getContext('2d'); ctx.drawImage(bmp, 0, 0);
    const d = ctx.getImageData(0, 0, bmp.width, bmp.height).data; let off = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - d[i + 1]) > 8 || Math.abs(d[i + 1] - d[i + 2]) > 8) off++;
    return off / (d.length / 4);
  }, gray.toString('base64'));
  check(!gray.equals(spectral) && grayStats < 0.01, 'the colour map choice recolours the maps (gray)', `${(100 * grayStats).toFixed(2)}% coloured pixels`);
  await page.selectOption('#colormap', 'spectral');

  // Downloads, read back.
  const downloads = {};
  for (const [id, name] of [['dl-npy', 'refined.npy'], ['dl-png16', 'refined.png'], ['dl-color', 'refined_color.png'], ['dl-ply', 'refined.ply'], ['dl-uncertainty-npy', 'uncertainty.npy']]) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#' + id)]);
    const file = path.join(out, 'download_' + name);
    await download.saveAs(file);
    downloads[name] = file;
  }
  const npy = readNpy(downloads['refined.npy']);
  const inRange = npy.values.every(v => v >= 0 && v <= 1);
  check(npy.width === imageSize[0] && npy.height === imageSize[1] && npy.values.length === npy.width * npy.height && inRange,
    'the downloaded .npy reads back at the input size with values in [0, 1]', `${npy.width}x${npy.height}`);
  const png16 = fs.readFileSync(downloads['refined.png']);
  check(png16.subarray(1, 4).toString() === 'PNG' && png16.readUInt32BE(16) === npy.width && png16.readUInt32BE(20) === npy.height && png16[24] === 16,
    'the downloaded 16-bit PNG has the input size and 16 bits per sample', `bit depth ${png16[24]}`);
  const color = fs.readFileSync(downloads['refined_color.png']);
  check(color.subarray(1, 4).toString() === 'PNG' && color.readUInt32BE(16) === npy.width, 'the downloaded colour PNG reads back');
  const ply = fs.readFileSync(downloads['refined.ply']);
  const plyHeader = ply.subarray(0, 400).toString('latin1');
  const vertices = +(plyHeader.match(/element vertex (\d+)/) || [])[1];
  check(plyHeader.startsWith('ply') && vertices > 0, 'the downloaded PLY has a header and vertices', `${vertices} vertices`);
  const unc = readNpy(downloads['uncertainty.npy']);
  check(unc.width === npy.width && unc.height === npy.height, 'the uncertainty .npy reads back');

  await page.locator('#wipe-slider').scrollIntoViewIfNeeded();
  await page.fill('#wipe-slider', '50');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(out, 'page.png'), fullPage: true });

  const external = requests.filter(r => !r.startsWith(url) && !r.startsWith('data:') && !r.startsWith('blob:'));
  check(external.length === 0, 'the page loads nothing from outside the server', external.slice(0, 3).join(', '));
  check(pageErrors.length === 0, 'no script errors on the page', pageErrors.slice(0, 3).join('; '));
  console.log(`passed: all checks`);
} catch (e) {
  if (failures === 0) console.log(`FAIL ${e.message.split('\n')[0]}`);
  process.exitCode = 1;
} finally {
  await context.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
