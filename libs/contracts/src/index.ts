export * from './streams';
export * from './ids';
export * from './clock';
export * from './envelope';
export * from './profiles';
export * from './subscription-facts';
export * from './delivery-facts';
export * from './catalog';
