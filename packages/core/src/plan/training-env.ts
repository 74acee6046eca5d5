// The environment that lets the ranks of an indexed training Job find each other.
//
// `torchrun` takes its launch settings from flags or from `PET_<FLAG>` variables (`--nnodes` from
// PET_NNODES, `--node-rank` from PET_NODE_RANK...); it never reads MASTER_ADDR or NNODES. Without them
// each pod starts its own single-node run and the rendezvous never forms. Kubeflow Trainer sets the
// same variables for TrainJobs; an indexed Job must set them itself.

/** The port rank 0 listens on for the rendezvous (torch's default). */
export const TORCH_RENDEZVOUS_PORT = 29500;

/** The pod field holding an indexed Job pod's completion index (its rank). */
export const JOB_COMPLETION_INDEX_FIELD = "metadata.annotations['batch.kubernetes.io/job-completion-index']";

/** An environment variable: a value, or one of the pod's own fields (downward API). */
export type PlannedEnvVar =
  { readonly name: string; readonly value: string } | { readonly name: string; readonly fieldPath: string };

/** What the rendezvous of an indexed Job depends on. */
export interface IndexedJobRendezvous {
  /** The Job's name, also the subdomain of its pods and the name of their headless Service. */
  readonly name: string;
  /** Pods (nodes), one rank each. */
  readonly nodes: number;
  /** Processes per pod (one per GPU device the pod gets). */
  readonly procsPerNode: number;
  /** @default {@link TORCH_RENDEZVOUS_PORT} */
  readonly port?: number;
}

/**
 * The rendezvous variables of every pod of an indexed Job: torchrun's `PET_NNODES`, `PET_NODE_RANK`
 * (the completion index), `PET_MASTER_ADDR` (pod 0, `<name>-0.<name>` through the headless Service),
 * `PET_MASTER_PORT` and `PET_NPROC_PER_NODE`; and the same settings under the names other launchers
 * and scripts read (`MASTER_ADDR`, `MASTER_PORT`, `NNODES`, `NODE_RANK`).
 */
export function indexedJobRendezvousEnv(job: IndexedJobRendezvous): PlannedEnvVar[] {
  const port = String(job.port ?? TORCH_RENDEZVOUS_PORT);
  const master = `${job.name}-0.${job.name}`;
  return [
    { name: 'PET_NNODES', value: String(job.nodes) },
    { name: 'PET_NODE_RANK', fieldPath: JOB_COMPLETION_INDEX_FIELD },
    { name: 'PET_MASTER_ADDR', value: master },
    { name: 'PET_MASTER_PORT', value: port },
    { name: 'PET_NPROC_PER_NODE', value: String(job.procsPerNode) },
    { name: 'MASTER_ADDR', value: master },
    { name: 'MASTER_PORT', value: port },
    { name: 'NNODES', value: String(job.nodes) },
    { name: 'NODE_RANK', fieldPath: JOB_COMPLETION_INDEX_FIELD },
  ];
}
