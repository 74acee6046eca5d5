import * as pulumi from '@pulumi/pulumi';

/**
 * A kubeconfig that gets short-lived tokens from `aws eks get-token` on every use: no token or key is
 * stored in it, so it can be shared as a stack output.
 */
export function execKubeconfig(
  clusterName: pulumi.Input<string>,
  endpoint: pulumi.Input<string>,
  certificateAuthority: pulumi.Input<string>,
  region: pulumi.Input<string>,
): pulumi.Output<string> {
  return pulumi.all([clusterName, endpoint, certificateAuthority, region]).apply(([name, server, ca, reg]) =>
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name, cluster: { server, 'certificate-authority-data': ca } }],
      contexts: [{ name, context: { cluster: name, user: name } }],
      'current-context': name,
      users: [
        {
          name,
          user: {
            exec: {
              apiVersion: 'client.authentication.k8s.io/v1beta1',
              command: 'aws',
              args: ['eks', 'get-token', '--cluster-name', name, '--region', reg, '--output', 'json'],
              interactiveMode: 'Never',
            },
          },
        },
      ],
    }),
  );
}
