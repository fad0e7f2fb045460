// The verification services the commands use: the report documents and the memory of which
// cluster each secondary entry was. Built once by extension.ts.
import type { PeerMemory } from './peers.js';
import type { VerifyReportView } from './reportView.js';

export interface VerifyServices {
  reports: VerifyReportView;
  peers: PeerMemory;
}

/** The report documents' URI scheme (reportView.ts; extension.ts registers it at activation). */
export const VERIFY_SCHEME = 'vault-verify';
