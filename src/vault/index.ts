// The vault/ module's public surface: the VaultClient facade with its request types, errors,
// model and parsing (the transport and the endpoint groups behind the facade stay inside).
// No vscode import.
export * from './client.js';
export * from './errors.js';
export * from './model.js';
export * from './parse.js';
export { decodeJwtPayload, type JwtClaims } from './jwt.js';
export { TlsConfigError, loadTlsOptions, type TlsConnectOptions } from './tls.js';
