// The only module that loads undici's code. transport.ts imports it lazily (`import()` at the
// first request), so activating the extension never loads undici: scripts/build.mjs builds this
// file on its own into dist/http.js, which dist/extension.js require()s on first use.
//
// Only the pieces the client uses are imported — Client, Pool and the `request()` API — not
// undici's index, which would pull in all of undici (fetch, WebSocket, EventSource, caches, mock
// and proxy agents) and cannot be tree-shaken from CommonJS. Types come from undici's own
// declarations (see undici-internals.d.ts for these files).
import type { Dispatcher as DispatcherType } from 'undici';
import Client from 'undici/lib/dispatcher/client.js';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import Pool from 'undici/lib/dispatcher/pool.js';
import request from 'undici/lib/api/api-request.js';

// undici's index attaches its API functions to Dispatcher.prototype; we attach the one we call.
// When the index is loaded too (tests, benchmarks), it is the same Dispatcher and the same function.
const prototype: Partial<Pick<DispatcherType, 'request'>> = Dispatcher.prototype;
if (prototype.request === undefined) prototype.request = request;

export { Client, Pool };
