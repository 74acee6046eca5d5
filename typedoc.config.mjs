// TypeDoc: the API reference of the published packages (`pnpm docs`, into docs/api/, built, not
// committed). Warnings are errors, and every exported symbol (class, interface, function, type, constant,
// method, accessor) must have a doc comment.
import { OptionDefaults } from 'typedoc';

/** @type {Partial<import('typedoc').TypeDocOptions>} */
const config = {
  name: 'aiready',
  entryPointStrategy: 'packages',
  entryPoints: ['packages/core', 'packages/k8s', 'packages/pulumi', 'packages/validate', 'packages/admission', 'packages/cli'],
  // In `packages` mode each package is converted with packageOptions, so validation is set there.
  packageOptions: {
    // No "Defined in" source links: they need a git remote (a fresh clone or CI checkout may have none,
    // and TypeDoc then warns), and the packages ship their sources beside the reference anyway.
    disableSources: true,
    validation: { notExported: true, invalidLink: true, invalidPath: true, notDocumented: true },
    // Properties are documented where their name does not say it all (and every optional prop has
    // `@default`); the symbols themselves must all be documented.
    requiredToBeDocumented: [
      'Enum',
      'EnumMember',
      'Variable',
      'Function',
      'Class',
      'Interface',
      'Method',
      'Accessor',
      'TypeAlias',
    ],
    // cdk8s import writes @schema on the generated CRD bindings (packages/k8s/src/imports); their
    // undocumented IntOrString helpers (generated, not edited by hand) are listed in packages/k8s/typedoc.json.
    blockTags: [...OptionDefaults.blockTags, '@schema'],
    // Pulumi's inherited `isInstance` comment links to CustomResource: point it at Pulumi's own reference.
    externalSymbolLinkMappings: {
      '@pulumi/pulumi': { CustomResource: 'https://www.pulumi.com/docs/reference/pkg/nodejs/pulumi/pulumi/' },
    },
  },
  out: 'docs/api',
  treatWarningsAsErrors: true,
};
export default config;
