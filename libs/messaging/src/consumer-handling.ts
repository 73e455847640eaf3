import type { JsMsg } from '@nats-io/jetstream';
import { handlerErrorDelayMs } from './backoff';
import type { ConsumerSpec } from './consumer-types';
import type { HandlerSlots, InFlight } from './handler-slots';
import type { MessagingLogger } from './logger';
import { Outcome, settle, type HandlerOutcome } from './outcome';
import type { TurnBatch } from './turn-batch';

export interface HandlingDeps {
  name: string;
  spec: ConsumerSpec;
  slots: HandlerSlots;
  termReason: () => boolean;
  /** Where acknowledgements wait for the end of the turn (the connection's batch). */
  turn: TurnBatch;
  logger: MessagingLogger;
}

/** Runs the handler on one message in its slot and settles the outcome; never throws. */
export async function handleMessage(deps: HandlingDeps, msg: JsMsg): Promise<void> {
  const entry = deps.slots.track(msg);
  const outcome = await runHandler(deps, msg, entry);
  if (!entry.abandoned) {
    // Sent at the end of this turn with every other acknowledgement and publish (one socket write).
    const termReason = deps.termReason();
    deps.turn.add(() => {
      try {
        settle(msg, outcome, { termReason });
      } catch (err) {
        deps.logger.warn({ consumer: deps.name, seq: msg.seq, err }, 'could not settle the message');
      }
    });
    if (outcome.kind === 'term') terminated(deps, msg, outcome.reason);
  }
  deps.slots.finish(entry);
}

/** Gives a message back for immediate redelivery (to this or another replica). */
export function handBack(msg: JsMsg): void {
  try {
    msg.nak();
  } catch {
    // Connection closed: the server redelivers after the ack wait.
  }
}

async function runHandler(deps: HandlingDeps, msg: JsMsg, entry: InFlight): Promise<HandlerOutcome> {
  const deliveryCount = msg.info.deliveryCount;
  try {
    return await deps.spec.handler(msg, { working: () => deps.slots.touch(entry), deliveryCount });
  } catch (err) {
    const delay = handlerErrorDelayMs(deliveryCount);
    deps.logger.error(
      {
        consumer: deps.name,
        subject: msg.subject,
        seq: msg.seq,
        delivery: deliveryCount,
        err,
        retryInMs: delay,
      },
      'handler failed',
    );
    return Outcome.nak(delay);
  }
}

function terminated(deps: HandlingDeps, msg: JsMsg, reason: string): void {
  deps.logger.warn({ consumer: deps.name, subject: msg.subject, seq: msg.seq, reason }, 'message terminated');
  try {
    deps.spec.onTerminated?.(msg, reason);
  } catch (err) {
    deps.logger.error({ consumer: deps.name, err }, 'onTerminated failed');
  }
}
