// Every component of the platform, in build order (a component may read the ones before it). Adding
// a component is its own file with a `PlatformComponent` and one line here.
import { AIRFLOW_COMPONENT } from '../airflow/airflow';
import { CLUSTER_AUTOSCALER_COMPONENT } from '../autoscaling/cluster-autoscaler';
import { KARPENTER_COMPONENT } from '../autoscaling/karpenter';
import { KEDA_COMPONENT } from '../autoscaling/keda';
import { EFA_DEVICE_PLUGIN_COMPONENT } from '../gpu/efa-device-plugin';
import { GPU_OPERATOR_COMPONENT } from '../gpu/nvidia-gpu-operator';
import { GPU_MONITORING_COMPONENT } from '../monitoring/gpu-monitoring';
import { PROMETHEUS_COMPONENT } from '../monitoring/kube-prometheus-stack';
import { KUEUE_COMPONENT } from '../queueing/kueue';
import { KSERVE_COMPONENT } from '../serving/kserve';
import { KUBEFLOW_TRAINER_COMPONENT } from '../training/kubeflow-trainer';
import { ARGO_WORKFLOWS_COMPONENT } from '../workflows/argo-workflows';
import { KUBEFLOW_PIPELINES_COMPONENT } from '../workflows/kubeflow-pipelines';
import type { PlatformComponent } from './platform-component';
import { STORAGE_CLASS_COMPONENT } from './storage-class';

/** The registered components, in build order. */
export const PLATFORM_COMPONENTS: readonly PlatformComponent[] = [
  GPU_OPERATOR_COMPONENT,
  EFA_DEVICE_PLUGIN_COMPONENT,
  KARPENTER_COMPONENT,
  CLUSTER_AUTOSCALER_COMPONENT,
  KEDA_COMPONENT,
  KUBEFLOW_TRAINER_COMPONENT,
  KSERVE_COMPONENT,
  KUEUE_COMPONENT,
  STORAGE_CLASS_COMPONENT,
  PROMETHEUS_COMPONENT,
  GPU_MONITORING_COMPONENT,
  KUBEFLOW_PIPELINES_COMPONENT,
  ARGO_WORKFLOWS_COMPONENT,
  AIRFLOW_COMPONENT,
] as readonly PlatformComponent[];
