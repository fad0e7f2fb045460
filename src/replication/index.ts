// The pure replication model: derivations, the health model, allowed actions, structural diff,
// history, propagation and lag series. No vscode, no I/O: usable from the extension, the webview
// host, tests and a CLI.
export * from './views.js';
export * from './states.js';
export * from './health.js';
export * from './messages.js';
export * from './derive.js';
export * from './summary.js';
export * from './actions.js';
export * from './diff.js';
export * from './history.js';
export * from './propagation.js';
export * from './lagSeries.js';
