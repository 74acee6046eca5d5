export * from './schema-bundle';
export * from './schema-check';
export * from './validate-objects';
export { goRegex, GoRegex } from './go-regex';
export { formatProblem } from './formats';
export { ENFORCED_ENUMS, ENFORCED_REQUIRED } from './enforced-enums';
export { nameProblem, NameRule } from './object-rules';
export { applyDefaults } from './defaults';
export { CelCounts, toCel } from './cel-rules';
