import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { prettyFactory } from 'pino-pretty';
import type { RunningService } from '@hookstream/testing';

/**
 * Each service's output, JSON lines as pino writes them, appended to `.data/logs/<service>.log`
 * so that an `err_...` id from an error body can be searched for (`grep err_01... .data/logs/*`).
 * With `pretty`, the same lines are also printed readably on the terminal (`npm run up -- --logs`).
 */
export class ServiceLogs {
  private readonly files: WriteStream[] = [];
  private readonly pretty = prettyFactory({
    colorize: process.stdout.isTTY,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
  });

  constructor(
    readonly dir: string,
    private readonly print: boolean,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  pathOf(name: string): string {
    return join(this.dir, `${name}.log`);
  }

  /** Call before the service writes anything (startService with waitReady: false). */
  capture(service: RunningService): void {
    const file = createWriteStream(this.pathOf(service.name), { flags: 'a' });
    this.files.push(file);
    for (const stream of [service.process.stdout, service.process.stderr])
      if (stream) this.follow(stream, file);
  }

  private follow(stream: Readable, file: WriteStream): void {
    let partial = '';
    stream.on('data', (chunk: Buffer) => {
      file.write(chunk);
      if (!this.print) return;
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') process.stdout.write(this.pretty(line));
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.files.map((file) => new Promise((resolve) => file.end(resolve))));
  }
}
