import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { PlatformComponent } from './platform-component';
import { componentLabels } from '../private/metadata';

/** Props of `Gp3StorageClass`. */
export interface Gp3StorageClassProps {
  /**
   * Name of the StorageClass.
   * @default 'gp3'
   */
  readonly name?: string;
  /**
   * Mark it the cluster default. EKS marks no default StorageClass since Kubernetes 1.30, so claims
   * without a class otherwise stay Pending.
   * @default true
   */
  readonly isDefault?: boolean;
}

/**
 * An encrypted gp3 StorageClass on the EBS CSI driver, bound when the pod is scheduled (so the
 * volume lands in the pod's zone), expandable, kept on claim deletion only if asked.
 */
export class Gp3StorageClass extends Construct {
  public readonly storageClass: ApiObject;

  constructor(scope: Construct, id: string, props: Gp3StorageClassProps = {}) {
    super(scope, id);
    this.storageClass = new kplus.k8s.KubeStorageClass(this, 'Resource', {
      metadata: {
        name: props.name ?? 'gp3',
        labels: componentLabels('storage'),
        ...((props.isDefault ?? true) ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}),
      },
      provisioner: 'ebs.csi.aws.com',
      parameters: { type: 'gp3', encrypted: 'true' },
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
      reclaimPolicy: 'Delete',
    });
  }
}

/** The platform's default StorageClass. */
export const STORAGE_CLASS_COMPONENT: PlatformComponent<Gp3StorageClass> = {
  id: 'storage-class',
  build: ({ scope, plan }) => (plan.components.storageClass ? new Gp3StorageClass(scope, 'storage-class') : undefined),
};
