// Findings of offline admission on the reference targets that are known defects, being fixed on main.
// Each is accepted (reported as a warning in SUMMARY) so synth still writes; when its fix lands the
// finding disappears, synth warns that the acknowledgement is stale, and the entry is deleted here.
// test/integration/synth.test.ts asserts the reference targets find exactly these.
import type { Acknowledgement } from '@aiready/admission';

export const KNOWN_DEFECTS: Readonly<Record<string, readonly Acknowledgement[]>> = {};
