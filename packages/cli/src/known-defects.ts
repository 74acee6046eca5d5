// Findings of offline admission on the reference targets that are known defects, being fixed on main.
// Each is accepted (reported as a warning in SUMMARY) so synth still writes; when its fix lands the
// finding disappears, synth warns that the acknowledgement is stale, and the entry is deleted here.
// test/integration/synth.test.ts asserts the reference targets find exactly these.
import type { Acknowledgement } from '@aiready/admission';

const KUEUE = 'kueue.x-k8s.io';

/** The same defect in several targets. */
const known = {
  // KNOWN(issue 13) item 11: the karpenter Application renders the CRDs the karpenter-crd Application owns.
  karpenterCrds: {
    check: 'crds',
    object: 'Application argocd/karpenter',
    contains: 'skipCrds',
    reason: 'KNOWN(issue 13) item 11: duplicate Karpenter CRDs in GitOps output',
  },
} as const satisfies Record<string, Acknowledgement>;

const ML_TEAMS_TRAINJOB = 'TrainJob research/llama-finetune (runtime ClusterTrainingRuntime aiready-torch-h100-training)';

/** KNOWN(issue 21) item 8 for one team: its quota refuses what its ClusterQueue admits by borrowing. */
const quotaBelowBorrowing = (team: string): Acknowledgement => ({
  check: 'queues',
  object: `ResourceQuota ${team}/team-quota`,
  reason: 'KNOWN(issue 21) item 8: quota below nominal plus borrowing',
});

export const KNOWN_DEFECTS: Readonly<Record<string, readonly Acknowledgement[]>> = {
  'examples/airflow-gpu': [known.karpenterCrds, quotaBelowBorrowing('research'), quotaBelowBorrowing('vision')],
  'examples/gpu-inference': [
    known.karpenterCrds,
    // KNOWN(issue 21) item 2: time-sliced GPUs on Karpenter never scale from zero (no NodeOverlay).
    {
      check: 'scheduling',
      object: 'Deployment inference/llm',
      contains: 'stays Pending while its pools (l4-inference) have no nodes',
      reason: 'KNOWN(issue 21) item 2: no NodeOverlay for nvidia.com/gpu.shared',
    },
  ],
  'examples/kserve-inference': [known.karpenterCrds],
  'examples/mixed-gpu-cluster': [known.karpenterCrds],
  'examples/ml-teams': [
    known.karpenterCrds,
    // KNOWN(issue 21) item 8: the team quotas refuse what the ClusterQueues admit (per-flavor quotas add up,
    // and borrowing from the cohort comes on top).
    {
      check: 'queues',
      object: 'ResourceQuota research/team-quota',
      reason: 'KNOWN(issue 21) item 8: quota below nominal plus borrowing',
    },
    {
      check: 'queues',
      object: 'ResourceQuota serving/team-quota',
      reason: 'KNOWN(issue 21) item 8: quota below nominal plus borrowing',
    },
    // KNOWN(issue 21) item 1: the team ClusterQueue does not cover EFA, so Kueue never admits the TrainJob.
    {
      check: 'queues',
      object: ML_TEAMS_TRAINJOB,
      contains: 'vpc.amazonaws.com/efa',
      reason: `KNOWN(issue 21) item 1: EFA not covered by the ${KUEUE} ClusterQueue`,
    },
  ],
};
