// Chart specs shared by the renderer and the headless PNG export: one definition of every figure.

export * from './palette';
export * from './labels';
export * from './lag-chart';
export * from './dose-response';
export * from './compare-chart';
export { verticalLinePlugin, backgroundPlugin } from './plugins';
export * from './study-figures';
