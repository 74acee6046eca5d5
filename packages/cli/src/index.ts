export * from './main';
export * from './synth';
export * from './plan';
export * from './summary';
export * from './recorded-resource';
export * from './pulumi-project';
export * from './validate-targets';
export * from './validate-command';
