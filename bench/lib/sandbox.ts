/** The sandbox in its own process (`charla sandbox`), as the benches run it against Charla. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Starts `charla sandbox --port 0 --tier TIER_UNLIMITED --log-level error <args>` and resolves with its URL. */
export function startSandbox(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const bin = fileURLToPath(new URL('../../bin/charla.js', import.meta.url));
  const child = spawn(process.execPath, [bin, 'sandbox', '--port', '0', '--tier', 'TIER_UNLIMITED', '--log-level', 'error', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.on('exit', (code) => reject(new Error(`sandbox exited (${code}): ${out}`)));
  });
}
