import { COMPONENT_LABEL, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '@aiready/core';

/** Labels every object of an aiready component carries. */
export function componentLabels(component: string): Record<string, string> {
  return { [COMPONENT_LABEL]: component, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };
}

/** The component label value of everything a team owns, its namespace included (policies select team namespaces by it). */
export const TEAM_COMPONENT = 'team';
