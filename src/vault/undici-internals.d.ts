// Types for the undici files src/vault/http.ts imports by path (undici ships declarations only
// for its index). Each file's `module.exports` is the value undici's index re-exports under the
// same name, so undici's own declarations describe it exactly.

declare module 'undici/lib/dispatcher/client.js' {
  import { Client } from 'undici';
  export = Client;
}

declare module 'undici/lib/dispatcher/pool.js' {
  import { Pool } from 'undici';
  export = Pool;
}

declare module 'undici/lib/dispatcher/dispatcher.js' {
  import { Dispatcher } from 'undici';
  export = Dispatcher;
}

declare module 'undici/lib/api/api-request.js' {
  import { Dispatcher } from 'undici';
  // undici's index assigns it to Dispatcher.prototype.request; `this` is the dispatcher.
  const request: Dispatcher['request'];
  export = request;
}
