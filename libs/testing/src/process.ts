import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

const children = new Set<ChildProcess>();

// A test that fails or times out must not leave servers behind.
process.once('exit', () => {
  for (const child of children) killGroup(child, 'SIGKILL');
});

/** Spawns in its own process group, so a kill reaches the server's children too (a real crash). */
export function spawnManaged(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(command, args, {
    ...options,
    detached: true,
    stdio: options.stdio ?? ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const output: string[] = [];
  const keep = (chunk: Buffer): void => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  (child as ChildProcess & { recentOutput: () => string }).recentOutput = () => output.join('');
  child.once('exit', () => children.delete(child));
  return child;
}

export function recentOutput(child: ChildProcess): string {
  return (child as ChildProcess & { recentOutput?: () => string }).recentOutput?.() ?? '';
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

export function exited(child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`process ${child.pid} did not exit in ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Sends a signal and waits for the process to be gone, escalating to SIGKILL. */
export async function stopProcess(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 15_000,
): Promise<void> {
  killGroup(child, signal);
  try {
    await exited(child, graceMs);
  } catch {
    killGroup(child, 'SIGKILL');
    await exited(child, 5_000);
  }
}
