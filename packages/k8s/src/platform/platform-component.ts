// The seam between the platform and its components. Each component (the GPU operator, Karpenter,
// Argo Workflows, Kueue...) declares here how it is built from the plan and what it gives each team;
// `AiPlatform` builds every registered component in order and hands the teams their contributions,
// so neither the platform nor `Team` names an engine.
import { PlatformPlan } from '@aiready/core';
import { Construct } from 'constructs';
import type { IGpuPool } from '../gpu/gpu-node-pool';
import type { TeamContribution } from '../teams/team';

/** What a component sees while it is built. */
export interface PlatformContext {
  /** The platform's chart: components are built under it. */
  readonly scope: Construct;
  readonly plan: PlatformPlan;
  /** The platform's GPU pools, in plan order. */
  readonly pools: readonly IGpuPool[];
  /** A component built before this one (registry order), by id. */
  built<T extends Construct>(id: string): T | undefined;
}

/** A component of the platform. */
export interface PlatformComponent<T extends Construct = Construct> {
  /** Stable id (`argo-workflows`); `AiPlatform.component(id)` finds the built construct by it. */
  readonly id: string;
  /** Builds the component when the plan runs it, else returns undefined. */
  build(ctx: PlatformContext): T | undefined;
  /** What the built component gives every team. */
  team?(built: T, ctx: PlatformContext): TeamContribution;
}
