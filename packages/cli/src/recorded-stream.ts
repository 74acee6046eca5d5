// A stack process sends the CLI each recorded resource as soon as its registration completes, over the
// IPC channel, instead of all of them in its result file at the end: the CLI parses them while the stack
// still runs (at 1,000 pools and 500 teams, 10 MB that the CLI read after the stack, on the critical
// path). The result file then holds null for each resource the CLI already has as it stands.
import type { RecordedResource } from './recorded-resource';
import type { StackRunResult } from './run-stack';

/** A stack process's message once `stack`'s result file is written. */
export interface DoneMessage {
  readonly done: string;
}

/** A stack process's message: a resource `stack` recorded, at `index` in its list. */
export interface RecordedMessage {
  readonly stack: string;
  readonly index: number;
  readonly resource: RecordedResource;
}

/** Whether an IPC message is a {@link RecordedMessage}. */
export function isRecordedMessage(m: unknown): m is RecordedMessage {
  return typeof m === 'object' && m !== null && 'resource' in m && typeof (m as RecordedMessage).index === 'number';
}

/** The stack process's side: sends each resource once complete, and again if it changes after. */
export class RecordedSender {
  private readonly sent = new Set<RecordedResource>();
  private pending = 0;
  private waiting: (() => void)[] = [];

  /** `send` is `process.send`: it serializes the message at once, and calls back once it is handed over. */
  constructor(
    private readonly stack: string,
    private readonly send: (m: RecordedMessage | DoneMessage, done: (err: Error | null) => void) => unknown,
  ) {}

  /** For installRecordingMocks' `onRecorded`. */
  readonly record = (index: number, resource: RecordedResource, complete: boolean): void => {
    this.sent.delete(resource);
    if (!complete) return;
    this.post({ stack: this.stack, index, resource });
    this.sent.add(resource);
  };

  /** Tells the CLI the stack's result file is written (its last message). */
  done(): void {
    this.post({ done: this.stack });
  }

  private post(m: RecordedMessage | DoneMessage): void {
    this.pending++;
    try {
      this.send(m, () => this.settled());
    } catch (err) {
      this.settled();
      throw err;
    }
  }

  private settled(): void {
    if (--this.pending === 0) for (const w of this.waiting.splice(0)) w();
  }

  /** `recorded` as the result file holds it: null for each resource sent as it stands. */
  rest(recorded: readonly RecordedResource[]): (RecordedResource | null)[] {
    return recorded.map((r) => (this.sent.has(r) ? null : r));
  }

  /** Whether messages are still on their way. */
  get sending(): boolean {
    return this.pending > 0;
  }

  /** Settles once every message sent has been handed over (before the process may exit). */
  flushed(): Promise<void> {
    return this.pending === 0 ? Promise.resolve() : new Promise((r) => this.waiting.push(r));
  }
}

/** The CLI's side: the resources each stack of one process sent. */
export class RecordedReceiver {
  private readonly byStack = new Map<string, RecordedResource[]>();

  receive(m: RecordedMessage): void {
    let list = this.byStack.get(m.stack);
    if (!list) this.byStack.set(m.stack, (list = []));
    list[m.index] = m.resource;
  }

  /**
   * `result` as read from its file, with the resources sent in its place; undefined while one has not
   * come (a process that ended before its messages were handed over: its stack runs again).
   */
  complete(result: StackRunResult): StackRunResult | undefined {
    const recorded = result.recorded as readonly (RecordedResource | null)[] | undefined;
    if (!recorded?.includes(null)) return result;
    const sent = this.byStack.get(result.stack) ?? [];
    if (recorded.some((r, i) => r === null && !sent[i])) return undefined;
    return { ...result, recorded: recorded.map((r, i) => r ?? sent[i]) };
  }
}
