import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type {
  ReceiverArrivals,
  ReceiverRecords,
  ReceiverReply,
  ReceiverRequest,
  ReceiverStats,
} from './receiver-process.protocol';
import { REPO_ROOT } from './repo-root';

export type { ReceiverArrivals, ReceiverRecords, ReceiverStats } from './receiver-process.protocol';

type Command = ReceiverRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

/**
 * A subscriber endpoint in a process of its own that answers 200 to every POST, so that its
 * receive times are not skewed by the work of the process that measures (publishing, reading
 * facts): the bench's receiver, and the healthy endpoint of the isolation scenarios.
 */
export interface ReceiverProcess {
  readonly origin: string;
  readonly pid: number | undefined;
  reset(): Promise<ReceiverStats>;
  stats(): Promise<ReceiverStats>;
  records(prefix: string): Promise<ReceiverRecords>;
  /** The first arrival of every distinct webhook-id since the reset. */
  arrivals(): Promise<ReceiverArrivals>;
  /** Resolves once `count` distinct deliveries arrived; rejects after `timeoutMs` without progress. */
  waitForUnique(count: number, timeoutMs: number): Promise<ReceiverStats>;
  close(): Promise<void>;
}

export async function startReceiverProcess(): Promise<ReceiverProcess> {
  // 'advanced' keeps NaN and moves large arrays faster than JSON.
  // Built code, from the sources (ts-jest) as from dist/.
  const entry = join(REPO_ROOT, 'dist', 'libs', 'testing', 'src', 'receiver-process.main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  const child: ChildProcess = fork(entry, [], {
    serialization: 'advanced',
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, (result: ReceiverReply['result']) => void>();
  let nextId = 1;
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`receiver exited with ${code} before listening`)));
    child.on('message', (message: { ready?: boolean; port?: number } & Partial<ReceiverReply>) => {
      if (message.ready && message.port) return resolve(message.port);
      if (message.id !== undefined && message.result) {
        pending.get(message.id)?.(message.result);
        pending.delete(message.id);
      }
    });
  });

  const ask = <T extends ReceiverReply['result']>(command: Command): Promise<T> =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, (result) => resolve(result as T));
      child.send({ ...command, id });
    });

  const stats = () => ask<ReceiverStats>({ cmd: 'stats' });
  return {
    origin: `http://127.0.0.1:${port}`,
    pid: child.pid,
    reset: () => ask<ReceiverStats>({ cmd: 'reset' }),
    stats,
    records: (prefix) => ask<ReceiverRecords>({ cmd: 'records', prefix }),
    arrivals: () => ask<ReceiverArrivals>({ cmd: 'arrivals' }),
    waitForUnique: async (count, timeoutMs) => {
      let last = await stats();
      let progressAt = Date.now();
      while (last.unique < count) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const current = await stats();
        if (current.unique > last.unique) progressAt = Date.now();
        last = current;
        if (Date.now() - progressAt > timeoutMs)
          throw new Error(
            `receiver got ${last.unique} of ${count} deliveries, none in the last ${timeoutMs} ms`,
          );
      }
      return last;
    },
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.disconnect();
      await exited;
    },
  };
}
