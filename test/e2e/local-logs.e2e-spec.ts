import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningService } from '@hookstream/testing';
import { ServiceLogs } from '../../scripts/up.logs';

/** What `npm run up` does with a service's output: .data/logs/<service>.log, and --logs on the terminal. */
describe('the local stack’s service logs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookstream-logs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const lines = [
    {
      level: 50,
      time: 1764670000000,
      name: 'subscriptions',
      errorId: 'err_01JD4V8Q6Y',
      msg: 'unhandled error',
    },
    { level: 40, time: 1764670000001, name: 'subscriptions', dispatchId: 'dsp_1', msg: 'delivery attempt' },
  ];

  /** A real process writing pino's JSON lines, one of them split across two writes. */
  async function run(logs: ServiceLogs): Promise<void> {
    const text = lines.map((line) => JSON.stringify(line)).join('\n') + '\n';
    const script = `process.stdout.write(${JSON.stringify(text.slice(0, 30))}); setTimeout(() => process.stdout.write(${JSON.stringify(text.slice(30))}), 50);`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    logs.capture({ name: 'subscriptions', process: child } as unknown as RunningService);
    await new Promise((resolve) => child.once('close', resolve));
    await logs.close();
  }

  it('appends the JSON lines to <service>.log, where an error id can be found', async () => {
    await run(new ServiceLogs(dir, false));
    const written = readFileSync(join(dir, 'subscriptions.log'), 'utf8').trim().split('\n');
    expect(written.map((line) => JSON.parse(line) as unknown)).toEqual(lines);
  });

  it('with --logs, prints each line readably as well', async () => {
    const printed: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    try {
      await run(new ServiceLogs(dir, true));
    } finally {
      write.mockRestore();
    }
    expect(printed).toHaveLength(2);
    expect(printed[0]).toMatch(/ERROR.*\(subscriptions\).*unhandled error/);
    expect(printed[0]).toContain('errorId: "err_01JD4V8Q6Y"');
    expect(printed[1]).toMatch(/WARN.*delivery attempt/);
  });
});
