// Builds the web application into OUTDIR (default ./dist): index.html,
// assets/app.js and assets/app.css bundled by esbuild from src/, and the
// country shapes for the action-day map; larger text files also as .gz. tools/embed_assets.c then compiles
// OUTDIR into the custodia binary: nothing is fetched from elsewhere at run
// time. Usage: node build.mjs [OUTDIR]
import { build } from 'esbuild';
import { mkdir, copyFile, readFile, writeFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] || join(here, 'dist'));
const tmp = out + '.tmp';

await rm(tmp, { recursive: true, force: true });
await mkdir(join(tmp, 'assets'), { recursive: true });
await build({
  entryPoints: { app: join(here, 'src/main.js') },
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome110', 'firefox110', 'safari16'],
  outdir: join(tmp, 'assets'),
  legalComments: 'linked',
  logLevel: 'warning',
});
await copyFile(join(here, 'index.html'), join(tmp, 'index.html'));
await copyFile(join(here, 'favicon.svg'), join(tmp, 'assets/favicon.svg'));

// Country shapes: Natural Earth 1:50m (public domain) as TopoJSON from the
// world-atlas package, keyed by ISO 3166-1 numeric code; the alpha-2 to
// numeric table comes from Debian's iso-codes (the same list refdata uses).
await copyFile(join(here, 'node_modules/world-atlas/countries-50m.json'),
  join(tmp, 'assets/world.json'));
const iso = JSON.parse(await readFile('/usr/share/iso-codes/json/iso_3166-1.json', 'utf8'));
const codes = {};
for (const c of iso['3166-1']) codes[c.alpha_2] = c.numeric;
await writeFile(join(tmp, 'assets/countries.json'), JSON.stringify(codes));

// Each text file of some size also gzipped (level 9, no time stamp: the same
// build gives the same bytes): the server sends it to browsers that accept
// gzip. The map's shapes go from 740 to 225 KiB, the script from 240 to 77.
const { readdir } = await import('node:fs/promises');
const { gzipSync, constants } = await import('node:zlib');
for (const dir of [tmp, join(tmp, 'assets')]) {
  for (const name of await readdir(dir)) {
    if (!/\.(html|js|css|json|svg|txt)$/.test(name)) continue;
    const raw = await readFile(join(dir, name));
    if (raw.length < 1024) continue;
    const gz = gzipSync(raw, { level: constants.Z_BEST_COMPRESSION });
    if (gz.length < raw.length * 0.9) await writeFile(join(dir, name + '.gz'), gz);
  }
}

await rm(out, { recursive: true, force: true });
const { rename } = await import('node:fs/promises');
await rename(tmp, out);
