import { Chart, Testing } from 'cdk8s';

/** A synthesized object, loosely typed for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = any;

/** Synthesizes a chart and returns its objects. */
export function synth(chart: Chart): Obj[] {
  return Testing.synth(chart) as Obj[];
}

/** The one object of `kind` (and `name`, when given). */
export function only(objs: Obj[], kind: string, name?: string): Obj {
  const found = objs.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? `/${name}` : ''}, found ${found.length}`);
  return found[0];
}

/** Values of the Argo CD Application of a release. */
export function releaseValues(objs: Obj[], release: string): Obj {
  return only(objs, 'Application', release).spec.source.helm.valuesObject;
}
