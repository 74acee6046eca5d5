// The upstream policies kept as data, checked against the verbatim upstream file in ../shared/reference
// (skipped, visibly, in a checkout without it).
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { KARPENTER_V1_14_1_CONTROLLER_POLICY } from '../src';

const CLOUDFORMATION = path.resolve(__dirname, '../../../../shared/reference/upstream/karpenter-v1.14.1-cloudformation.yaml');
const have = fs.existsSync(CLOUDFORMATION);
if (!have) process.stderr.write(`SKIPPED: Karpenter v1.14.1 policy data against upstream, ${CLOUDFORMATION} not found\n`);

/** Every statement of the controller's managed policies in the CloudFormation template. */
function upstreamStatements(): { sid: string; actions: string[]; resources: string[] }[] {
  const customTags = ['!Sub', '!GetAtt', '!Ref'].map((tag) => ({ tag, resolve: (v: string) => v }));
  const doc = YAML.parse(fs.readFileSync(CLOUDFORMATION, 'utf8'), { customTags }) as {
    Resources: Record<string, { Type: string; Properties: { PolicyDocument?: unknown } }>;
  };
  return Object.values(doc.Resources)
    .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy')
    .flatMap(
      (r) =>
        (
          JSON.parse(String(r.Properties.PolicyDocument)) as {
            Statement: { Sid: string; Action: string | string[]; Resource: string | string[] }[];
          }
        ).Statement,
    )
    .map((s) => ({ sid: s.Sid, actions: [s.Action].flat(), resources: [s.Resource].flat() }));
}

(have ? test : test.skip)('the Karpenter v1.14.1 controller policy data equals upstream, statement by statement', () => {
  // GIVEN the upstream CloudFormation WHEN its managed policies are read THEN the data holds the same statements
  const byId = (list: { sid: string }[]) => [...list].sort((a, b) => a.sid.localeCompare(b.sid));
  expect(
    byId(
      [...KARPENTER_V1_14_1_CONTROLLER_POLICY].map((s) => ({ sid: s.sid, actions: [...s.actions], resources: [...s.resources] })),
    ),
  ).toEqual(byId(upstreamStatements()));
});
