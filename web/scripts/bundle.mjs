// Bundles src/main.ts (and the CSS it imports) into dist/assets/app-<hash>.{js,css} and writes
// dist/index.html pointing at them. Called by ../build after the type check.
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(web, 'dist');
const assets = join(dist, 'assets');

rmSync(dist, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });

const result = await esbuild.build({
  absWorkingDir: web,
  entryPoints: { app: 'src/main.ts' },
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022', 'chrome100', 'firefox100', 'safari16'],
  minify: true,
  sourcemap: 'linked',
  entryNames: '[name]-[hash]',
  outdir: assets,
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

let js = null;
let css = null;
for (const [path, out] of Object.entries(result.metafile.outputs)) {
  if (out.entryPoint === 'src/main.ts' && path.endsWith('.js')) {
    js = basename(path);
    if (out.cssBundle) css = basename(out.cssBundle);
  }
}
if (!js || !css) throw new Error(`bundle outputs not found: ${Object.keys(result.metafile.outputs).join(', ')}`);

const html = readFileSync(join(web, 'index.html'), 'utf8').replace('%APP_JS%', js).replace('%APP_CSS%', css);
if (html.includes('%APP_')) throw new Error('index.html has an unknown placeholder');
writeFileSync(join(dist, 'index.html'), html);
if (existsSync(join(web, 'public'))) cpSync(join(web, 'public'), dist, { recursive: true });
console.log(`web/dist: index.html, assets/${js}, assets/${css}`);
