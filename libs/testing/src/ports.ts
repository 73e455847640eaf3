import { createServer, connect } from 'node:net';

/**
 * Test servers take ports below the kernel's ephemeral range (32768 and up on Linux), where no
 * outgoing connection and no `listen(0)` elsewhere can take one between our check and the
 * server's bind; each jest worker draws from its own slice, so two workers never pick the same.
 */
const FIRST_PORT = 12_000;
const SLICE = 2_500;
const SLICES = 8;
const slice = (Number(process.env.JEST_WORKER_ID ?? 0) || 0) % SLICES;

/** Ports this process has handed out: a port is handed out at most once. */
const handedOut = new Set<number>();

/** A port that is free now on 127.0.0.1 and was never handed out before in this process. */
export async function freePort(): Promise<number> {
  for (;;) {
    if (handedOut.size >= SLICE)
      throw new Error(`all ${SLICE} ports of this process's slice were handed out`);
    const port = FIRST_PORT + slice * SLICE + Math.floor(Math.random() * SLICE);
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await canBind(port)) return port;
  }
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export function canConnect(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
