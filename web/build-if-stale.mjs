#!/usr/bin/env node
// `prestart` helper: build the web app only when web/dist is missing or older than its sources,
// so `npm start` works on a fresh clone without rebuilding on every start.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const web = dirname(fileURLToPath(import.meta.url));
const repo = dirname(web);
const built = join(web, 'dist', 'index.html');

function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let max = 0;
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

const sources = [join(web, 'src'), join(web, 'index.html'), join(web, 'vite.config.ts'), join(repo, 'package-lock.json')].filter((p) => existsSync(p));
const stale = !existsSync(built) || sources.some((p) => newest(p) > statSync(built).mtimeMs);
if (!stale) process.exit(0);
console.log(existsSync(built) ? 'web app sources changed: rebuilding web/dist…' : 'web app not built yet: building web/dist…');
const vite = join(repo, 'node_modules', 'vite', 'bin', 'vite.js');
const r = spawnSync(process.execPath, [vite, 'build', web, '--logLevel', 'warn'], { stdio: 'inherit', cwd: repo });
process.exit(r.status ?? 1);
