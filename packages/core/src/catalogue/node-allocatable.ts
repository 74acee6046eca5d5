// What a node offers pods: its instance's vCPUs and memory less what the kubelet reserves. CPU instance
// types for the system node group (the controllers' nodes), and the EKS AL2023 reservation formula.
// Sources: EC2 instance specifications (vCPU, memory) and the VPC CNI's eni-max-pods table (ENIs x
// (IPv4 per ENI - 1) + 2, without prefix delegation); the reservations are those of the EKS AMI's
// bootstrap (nodeadm): CPU 6% of the first core, 1% of the second, 0.5% of the third and fourth, 0.25%
// of the rest; memory 255 MiB + 11 MiB per pod, plus the 100 MiB hard eviction threshold.

/** A CPU instance type a system node group may use. */
export interface CpuInstanceType {
  readonly name: string;
  readonly vcpu: number;
  readonly memoryGiB: number;
  /** Pods per node the VPC CNI allows without prefix delegation. */
  readonly maxPods: number;
}

const SIZES: readonly [size: string, vcpu: number, memoryGiB: number, maxPods: number][] = [
  ['large', 2, 8, 29],
  ['xlarge', 4, 16, 58],
  ['2xlarge', 8, 32, 58],
  ['4xlarge', 16, 64, 234],
];

/** The general-purpose x86 families system nodes use, in the sizes that make sense for controllers. */
export const CPU_INSTANCE_TYPES: readonly CpuInstanceType[] = ['m5', 'm6i', 'm7i'].flatMap((family) =>
  SIZES.map(([size, vcpu, memoryGiB, maxPods]) => ({ name: `${family}.${size}`, vcpu, memoryGiB, maxPods })),
);

const BY_NAME = new Map(CPU_INSTANCE_TYPES.map((t) => [t.name, t]));

/** The CPU instance type called `name`, if aiready knows it. */
export function findCpuInstanceType(name: string): CpuInstanceType | undefined {
  return BY_NAME.get(name);
}

const MIB = 1024 * 1024;

/** What the kubelet of an EKS AL2023 node leaves for pods: CPU in cores, memory in bytes. */
export function eksAllocatable(vcpu: number, memoryGiB: number, maxPods: number): { cpu: number; memory: number } {
  const shares = [0.06, 0.01, 0.005, 0.005];
  const reservedCpu = Array.from({ length: vcpu }, (_, i) => shares[i] ?? 0.0025).reduce((a, b) => a + b, 0);
  const reservedMemory = (255 + 11 * maxPods + 100) * MIB;
  return { cpu: vcpu - reservedCpu, memory: memoryGiB * 1024 * MIB - reservedMemory };
}

/**
 * What the EKS add-ons aiready installs run on every node and once per cluster, which no manifest of the
 * target shows (they are AWS-managed). Per node: aws-node (VPC CNI, 25m), kube-proxy (100m), the EBS CSI
 * node (3 containers, 10m and 40 MiB each), the Pod Identity agent (an estimate); per cluster: CoreDNS,
 * 2 replicas of 100m and 70 MiB. These are the add-ons' default requests, rounded up.
 */
export const EKS_ADDON_REQUESTS = {
  perNode: { cpu: 0.2, memory: 256 * MIB },
  perCluster: { cpu: 0.2, memory: 140 * MIB },
} as const;
