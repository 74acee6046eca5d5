// What a stack program registered under the recording mocks (mocks.ts), without importing Pulumi: the
// plan and the CLI read recordings whether or not @pulumi/pulumi is installed.

/** A resource the program registered. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly inputs: Record<string, unknown>;
  /** `type::name` of the parent, if any. */
  parent?: string;
  /** `type::name` of every resource this one depends on. */
  dependsOn: string[];
}

/** The fixed account the mocks pretend to run in. */
export const MOCK_ACCOUNT_ID = '123456789012';

/** The key of a recorded resource: `type::name`. */
export function resourceKey(type: string, name: string): string {
  return `${type}::${name}`;
}

/** `urn:pulumi:stack::project::parent$type::name` → `type::name`. */
export function keyFromUrn(urn: string): string {
  const parts = urn.split('::');
  const name = parts.slice(3).join('::');
  const qualified = parts[2] ?? '';
  const type = qualified.slice(qualified.lastIndexOf('$') + 1);
  return resourceKey(type, name);
}
