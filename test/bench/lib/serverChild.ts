/**
 * The local server (dist/server.js) in a child process, so that its memory and CPU are not the
 * benchmark's. Stopped by its own pid; also killed if the benchmark exits first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface ServerChild {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startServerChild(repoRoot: string, args: string[] = []): Promise<ServerChild> {
  const child: ChildProcess = spawn(process.execPath, [join(repoRoot, 'dist', 'server.js'), '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AYMARA_LOCAL_API_KEY: '' },
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += String(d)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the local server did not start in 20 s: ${err || out}`)), 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += String(d);
      const m = /(http:\/\/[^\s)]+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the local server exited (${code}): ${err || out}`));
    });
  });
  return {
    url,
    pid: child.pid ?? 0,
    stop: () =>
      new Promise<void>((resolve) => {
        process.off('exit', killOnExit);
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
