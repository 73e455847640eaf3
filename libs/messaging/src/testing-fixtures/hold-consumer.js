// Consumes one message from a durable consumer, reports it on stdout and never acknowledges it:
// the parent test kills this process (SIGKILL) while the "handler" is still running.
// Usage: node hold-consumer.js <nats-url> <stream> <durable>
const { connect } = require('@nats-io/transport-node');
const { jetstream } = require('@nats-io/jetstream');

async function main() {
  const [url, stream, durable] = process.argv.slice(2);
  const nc = await connect({ servers: url });
  const consumer = await jetstream(nc).consumers.get(stream, durable);
  const messages = await consumer.consume({ max_messages: 1 });
  process.stdout.write(`ready\n`);
  for await (const msg of messages) {
    process.stdout.write(`${JSON.stringify({ seq: msg.seq, deliveryCount: msg.info.deliveryCount })}\n`);
    await new Promise(() => undefined);
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
