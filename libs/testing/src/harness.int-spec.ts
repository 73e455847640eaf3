import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Client } from 'pg';
import {
  freePort,
  natsServerBinary,
  natsServerVersion,
  startNats,
  startPostgres,
  supportsSyncInterval,
  type NatsServer,
  type PostgresServer,
} from './index';

describe('test harness', () => {
  let nats: NatsServer;
  let pg: PostgresServer;

  beforeAll(async () => {
    [nats, pg] = await Promise.all([startNats(), startPostgres()]);
  });
  afterAll(async () => {
    await Promise.all([nats?.dispose(), pg?.dispose()]);
  });

  it('hands out a port at most once per process, as two listeners of one service need', async () => {
    const ports = [];
    for (let i = 0; i < 200; i += 1) ports.push(await freePort());
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('runs nats-server with sync_interval: always where the server has it (2.10 and later)', async () => {
    const varz = await nats.monitor<{ jetstream?: { config?: { sync_always?: boolean } } }>('/varz');
    const expected = supportsSyncInterval(natsServerVersion(natsServerBinary()));
    expect({ syncAlways: varz.jetstream?.config?.sync_always === true }).toEqual({ syncAlways: expected });
  });

  it('keeps a JetStream message across kill -9 and restart of nats-server', async () => {
    const nc = await connect({ servers: nats.url });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'HARNESS', subjects: ['harness.>'] });
    const ack = await jetstream(nc).publish('harness.one', 'kept', { msgID: 'm1' });
    await nc.close();

    await nats.kill();
    await nats.restart();

    const again = await connect({ servers: nats.url });
    const msg = await (await jetstreamManager(again)).streams.getMessage('HARNESS', { seq: ack.seq });
    expect(msg?.string()).toBe('kept');
    await again.close();
  });

  it('keeps a committed row across kill -9 and restart of Postgres', async () => {
    const url = await pg.createDatabase();
    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query('CREATE TABLE kept (v text)');
    await client.query("INSERT INTO kept VALUES ('row')");
    await client.end().catch(() => undefined);

    await pg.kill();
    await pg.restart();

    const after = new Client({ connectionString: url });
    await after.connect();
    const { rows } = await after.query<{ v: string }>('SELECT v FROM kept');
    expect(rows).toEqual([{ v: 'row' }]);
    await after.end();
  });

  it('recovers Postgres after an immediate stop', async () => {
    await pg.stopImmediate();
    await pg.restart();
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    const { rows } = await client.query<{ one: number }>('SELECT 1 AS one');
    expect(rows[0]?.one).toBe(1);
    await client.end();
  });
});
