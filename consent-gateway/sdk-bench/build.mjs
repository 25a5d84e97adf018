// Builds the bench-only bundles into target/sdk/: one IIFE per competitor SDK (entries/*.js, Vite, minified like
// the Witness SDK's own build) and a copy of the real Witness SDK (consent-gateway/sdk/dist/witness.js, built with
// `npm run build` there when missing or older than a source), and with `baseline` a second Witness bundle to compare
// with in the same run (`witness-baseline.js`, e.g. the previous commit's build). Nothing here is shipped or committed.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const HERE = dirname(fileURLToPath(import.meta.url));
export const OUT = join(HERE, 'target', 'sdk');
export const SDK_DIR = join(HERE, '..', 'sdk');
export const COMPETITORS = ['rrweb', 'openreplay', 'sentry', 'posthog'];

export async function buildAll({ log = console.error, baseline } = {}) {
  mkdirSync(OUT, { recursive: true });
  for (const name of COMPETITORS) {
    await build({
      configFile: false,
      logLevel: 'warn',
      root: HERE,
      define: { 'process.env.NODE_ENV': '"production"' },
      build: {
        outDir: OUT,
        emptyOutDir: false,
        target: 'es2020',
        sourcemap: false,
        minify: true,
        copyPublicDir: false,
        lib: { entry: join(HERE, 'entries', `${name}.js`), name: `Bench_${name}`, formats: ['iife'], fileName: () => `${name}.js` },
      },
    });
    log(`built target/sdk/${name}.js`);
  }
  const witness = join(SDK_DIR, 'dist', 'witness.js');
  if (!existsSync(witness) || newerSource(join(SDK_DIR, 'src'), statSync(witness).mtimeMs)) {
    log('consent-gateway/sdk/dist/witness.js is missing or older than its sources: npm run build in consent-gateway/sdk');
    // Vite's build() above set NODE_ENV=production in this process: npm would then leave out the SDK's
    // devDependencies (TypeScript, Vite), so the SDK's install and build get an environment without it.
    const env = { ...process.env };
    delete env.NODE_ENV;
    if (!existsSync(join(SDK_DIR, 'node_modules', '.bin', 'tsc'))) {
      execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--include=dev'], { cwd: SDK_DIR, stdio: 'inherit', env });
    }
    execFileSync('npm', ['run', 'build'], { cwd: SDK_DIR, stdio: 'inherit', env });
  }
  copyFileSync(witness, join(OUT, 'witness.js'));
  if (baseline) {
    if (!existsSync(baseline)) throw new Error(`baseline ${baseline} does not exist`);
    copyFileSync(baseline, join(OUT, 'witness-baseline.js'));
  }
}

/** Whether a file under `dir` was modified after `mtimeMs`. */
function newerSource(dir, mtimeMs) {
  return readdirSync(dir, { recursive: true }).some((f) => statSync(join(dir, f)).mtimeMs > mtimeMs);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildAll();
