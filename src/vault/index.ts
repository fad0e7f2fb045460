// The vault/ module's public surface: client, errors, model and parsing. No vscode import.
export * from './client.js';
export * from './errors.js';
export * from './model.js';
export * from './parse.js';
export { decodeJwtPayload, type JwtClaims } from './jwt.js';
export { TlsConfigError, loadTlsOptions, type TlsConnectOptions } from './tls.js';
