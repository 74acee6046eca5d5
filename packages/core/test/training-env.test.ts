import { indexedJobRendezvousEnv, JOB_COMPLETION_INDEX_FIELD, PlannedEnvVar } from '../src';

/** The environment of pod `index` of an indexed Job, as the kubelet resolves it. */
function resolve(env: readonly PlannedEnvVar[], index: number): Record<string, string> {
  return Object.fromEntries(
    env.map((e) => {
      if ('value' in e) return [e.name, e.value];
      expect(e.fieldPath).toBe(JOB_COMPLETION_INDEX_FIELD);
      return [e.name, String(index)];
    }),
  );
}

describe('indexed Job rendezvous', () => {
  test.each([
    [1, 8],
    [2, 8],
    [4, 1],
  ])("%i nodes of %i processes: every index gets torchrun's settings and its own rank", (nodes, procsPerNode) => {
    // GIVEN the planned environment of a job
    const env = indexedJobRendezvousEnv({ name: 'ft', nodes, procsPerNode });
    // THEN every pod has torchrun's PET_* variables, rank 0's address and its own rank
    for (let index = 0; index < nodes; index++) {
      expect(resolve(env, index)).toEqual({
        PET_NNODES: String(nodes),
        PET_NODE_RANK: String(index),
        PET_MASTER_ADDR: 'ft-0.ft',
        PET_MASTER_PORT: '29500',
        PET_NPROC_PER_NODE: String(procsPerNode),
        MASTER_ADDR: 'ft-0.ft',
        MASTER_PORT: '29500',
        NNODES: String(nodes),
        NODE_RANK: String(index),
      });
    }
  });

  test('the port can be chosen', () => {
    const env = resolve(indexedJobRendezvousEnv({ name: 'ft', nodes: 2, procsPerNode: 8, port: 23456 }), 1);
    expect([env.PET_MASTER_PORT, env.MASTER_PORT]).toEqual(['23456', '23456']);
  });
});
