#!/usr/bin/env node
// Writes the app's raster icons from its one drawing, assets/icon.svg. electron-builder needs
// raster icons: an .ico for Windows (256×256 inside), an .icns for macOS (512 and 1024 px) and
// PNGs for Linux (a folder of sizes). They are rendered by Debian's Chromium (playwright-core,
// never a downloaded browser) and committed, because packaging machines should not need Chromium.
//
//   node scripts/generate-icons.mjs            writes assets/icons/
//   node scripts/generate-icons.mjs <folder>   writes the same files into <folder> instead
//
// Run it after changing assets/icon.svg, and commit assets/icons/ with it. Same SVG (and the same
// Chromium), same bytes: nothing here depends on the time, and the containers are written by hand.
// test/unit/packaging.test.ts regenerates the icons into a temporary folder and compares them.
//
//   assets/icons/icon.png              1024×1024
//   assets/icons/png/<n>x<n>.png       1024, 512, 256, 128, 64, 48, 32, 16 (electron-builder's Linux icon folder)
//   assets/icons/icon.ico              PNG entries 16, 32, 48, 64, 128, 256
//   assets/icons/icon.icns             PNG entries icp4 16, icp5 32, icp6 64, ic07 128, ic08 256, ic09 512, ic10 1024
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = join(root, 'assets', 'icon.svg');
const DEFAULT_OUTPUT = join(root, 'assets', 'icons');
const CHROMIUM_PATH = '/usr/bin/chromium';

const SIZES = [1024, 512, 256, 128, 64, 48, 32, 16];
const ICO_SIZES = [16, 32, 48, 64, 128, 256];
/** ICNS types that hold a PNG, and its size (ic10 is 512×512@2x). */
const ICNS_TYPES = [
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
];

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A PNG's width and height, from its IHDR chunk (always the first). */
function pngSize(png) {
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE) || png.toString('latin1', 12, 16) !== 'IHDR')
    throw new Error('Chromium returned something other than a PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Renders the SVG at each size, on a transparent background, one PNG per size. */
async function render(svg, sizes) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Off the network, software rendering, sRGB whatever the machine's display says.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--force-color-profile=srgb',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1024, height: 1024 }, deviceScaleFactor: 1 });
    const source = `data:image/svg+xml;base64,${svg.toString('base64')}`;
    const pngs = new Map();
    for (const size of sizes) {
      // The drawing is rasterised at each size, not scaled down from a large bitmap.
      await page.setContent(
        '<!doctype html><style>html, body { margin: 0; } img { display: block; }</style>' +
          `<img alt="" width="${size}" height="${size}" src="${source}">`,
        { waitUntil: 'load' },
      );
      const png = await page.screenshot({
        type: 'png',
        omitBackground: true,
        clip: { x: 0, y: 0, width: size, height: size },
      });
      const { width, height } = pngSize(png);
      if (width !== size || height !== size) throw new Error(`asked for ${size}×${size}, got ${width}×${height}`);
      pngs.set(size, png);
    }
    return pngs;
  } finally {
    await browser.close();
  }
}

/** An ICO file of PNG entries: ICONDIR, one ICONDIRENTRY per image (all little-endian), then the PNGs. */
function ico(images) {
  const directory = Buffer.alloc(6 + 16 * images.length);
  directory.writeUInt16LE(0, 0); // reserved
  directory.writeUInt16LE(1, 2); // type: icon
  directory.writeUInt16LE(images.length, 4);
  let offset = directory.length;
  images.forEach(({ size, png }, index) => {
    const entry = 6 + 16 * index;
    directory.writeUInt8(size >= 256 ? 0 : size, entry); // width: 0 means 256
    directory.writeUInt8(size >= 256 ? 0 : size, entry + 1); // height
    directory.writeUInt8(0, entry + 2); // colours in the palette: none
    directory.writeUInt8(0, entry + 3); // reserved
    directory.writeUInt16LE(1, entry + 4); // colour planes
    directory.writeUInt16LE(32, entry + 6); // bits per pixel
    directory.writeUInt32LE(png.length, entry + 8);
    directory.writeUInt32LE(offset, entry + 12);
    offset += png.length;
  });
  return Buffer.concat([directory, ...images.map(({ png }) => png)]);
}

/** An ICNS file of PNG entries: 'icns' and the file's length, then type, entry length and PNG each (big-endian). */
function icns(entries) {
  const chunks = entries.map(({ type, png }) => {
    const header = Buffer.alloc(8);
    header.write(type, 0, 'latin1');
    header.writeUInt32BE(8 + png.length, 4);
    return Buffer.concat([header, png]);
  });
  const header = Buffer.alloc(8);
  header.write('icns', 0, 'latin1');
  header.writeUInt32BE(8 + chunks.reduce((total, chunk) => total + chunk.length, 0), 4);
  return Buffer.concat([header, ...chunks]);
}

async function main(args) {
  if (args.length > 1 || args.some((arg) => arg.startsWith('-'))) {
    console.error('usage: node scripts/generate-icons.mjs [output-folder]');
    process.exit(2);
  }
  const output = args[0] === undefined ? DEFAULT_OUTPUT : resolve(args[0]);
  const svg = await readFile(SOURCE);
  if (!/<svg\b[^>]*\bviewBox="[^"]+"/.test(svg.toString('utf8')))
    throw new Error(`${SOURCE}: the <svg> element needs a viewBox to scale`);
  const pngs = await render(svg, SIZES);
  const at = (size) => {
    const png = pngs.get(size);
    if (png === undefined) throw new Error(`no ${size}×${size} rendering`);
    return png;
  };

  await mkdir(join(output, 'png'), { recursive: true });
  await writeFile(join(output, 'icon.png'), at(1024));
  for (const size of SIZES) await writeFile(join(output, 'png', `${size}x${size}.png`), at(size));
  await writeFile(join(output, 'icon.ico'), ico(ICO_SIZES.map((size) => ({ size, png: at(size) }))));
  await writeFile(join(output, 'icon.icns'), icns(ICNS_TYPES.map(([type, size]) => ({ type, png: at(size) }))));
  console.log(`icons written to ${output}`);
}

await main(process.argv.slice(2));
