import type { RecordedResource } from '../src/recorded-resource';
import { isRecordedMessage, RecordedMessage, RecordedReceiver, RecordedSender } from '../src/recorded-stream';
import type { StackRunResult } from '../src/run-stack';

const resource = (name: string): RecordedResource => ({
  type: 'aws:s3/bucket:Bucket',
  name,
  custom: true,
  inputs: {},
  dependsOn: [],
});

/** A sender whose messages are serialized as process.send does, and handed over when `deliver` is called. */
function sender(stack = 'dev') {
  const messages: RecordedMessage[] = [];
  const callbacks: (() => void)[] = [];
  const s = new RecordedSender(stack, (m, done) => {
    messages.push(JSON.parse(JSON.stringify(m)) as RecordedMessage);
    callbacks.push(() => done(null));
  });
  return { s, messages, deliver: () => callbacks.splice(0).forEach((c) => c()) };
}

describe('RecordedSender and RecordedReceiver', () => {
  test('a resource is sent once its registration completes; the result file holds null in its place', () => {
    // GIVEN three resources: one complete, one still registering, one never recorded by the mock
    const { s, messages } = sender();
    const [a, b, c] = [resource('a'), resource('b'), resource('c')];
    s.record(0, a, false);
    s.record(0, a, true);
    s.record(1, b, false);
    // THEN only the complete one was sent, and the file holds the others
    expect(messages).toEqual([{ stack: 'dev', index: 0, resource: a }]);
    expect(messages.every(isRecordedMessage)).toBe(true);
    expect(s.rest([a, b, c])).toEqual([null, b, c]);
  });

  test('a resource that changes after it was sent is sent again, or written in full', () => {
    const { s, messages } = sender();
    const a = resource('a');
    s.record(0, a, true);
    // WHEN it changes after it was sent (a registration of the same resource again)
    a.dependsOn = ['x'];
    s.record(0, a, false);
    // THEN the file holds it as it stands
    expect(s.rest([a])).toEqual([a]);
    // AND once complete again it is sent again, as it stands
    s.record(0, a, true);
    expect(messages.map((m) => m.resource.dependsOn)).toEqual([[], ['x']]);
    expect(s.rest([a])).toEqual([null]);
  });

  test('flushed settles once every message is handed over', async () => {
    const { s, deliver } = sender();
    await s.flushed();
    s.record(0, resource('a'), true);
    let done = false;
    const flushed = s.flushed().then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    deliver();
    await flushed;
    expect(done).toBe(true);
  });

  test('a message that cannot be sent throws, and leaves nothing to wait for', async () => {
    const s = new RecordedSender('dev', () => {
      throw new TypeError('Do not know how to serialize a BigInt');
    });
    const a = resource('a');
    expect(() => s.record(0, a, true)).toThrow(/BigInt/);
    await s.flushed();
    expect(s.rest([a])).toEqual([a]);
  });

  test("the receiver puts each stack's resources back in place, and has no result while one has not come", () => {
    // GIVEN a process that ran two stacks, sending resources of each
    const { s: dev, messages: devMessages } = sender('dev');
    const { s: prod, messages: prodMessages } = sender('prod');
    const [a, b, c] = [resource('a'), resource('b'), resource('c')];
    dev.record(1, b, true);
    prod.record(0, c, true);
    const received = new RecordedReceiver();
    for (const m of [...devMessages, ...prodMessages]) received.receive(m);
    const result = (stack: string, recorded: (RecordedResource | null)[]) =>
      ({ project: 'p', stack, recorded, outputs: {} }) as unknown as StackRunResult;
    // THEN a result file's nulls are filled in from its own stack's messages
    expect(received.complete(result('dev', dev.rest([a, b]))).recorded).toEqual([a, b]);
    expect(received.complete(result('prod', prod.rest([c]))).recorded).toEqual([c]);
    // AND a result without nulls is given back as it is; one whose resource never came is no result yet
    const whole = result('dev', [a]);
    expect(received.complete(whole)).toBe(whole);
    expect(received.complete(result('prod', [null, null]))).toBeUndefined();
  });
});
