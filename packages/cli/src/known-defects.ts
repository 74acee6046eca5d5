// Findings of offline admission on the reference targets that are known defects, being fixed on main.
// Each is accepted (reported as a warning in SUMMARY) so synth still writes; when its fix lands the
// finding disappears, synth warns that the acknowledgement is stale, and the entry is deleted here.
// test/integration/synth.test.ts asserts the reference targets find exactly these.
import type { Acknowledgement } from '@aiready/admission';

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

export const KNOWN_DEFECTS: Readonly<Record<string, readonly Acknowledgement[]>> = {
  'examples/gpu-inference': [known.karpenterCrds],
  'examples/kserve-inference': [known.karpenterCrds],
  'examples/mixed-gpu-cluster': [known.karpenterCrds],
  'examples/ml-teams': [known.karpenterCrds],
};
