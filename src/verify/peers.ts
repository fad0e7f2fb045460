// Which configured cluster each primary's secondary entry (`node_id`) was linked to, from every
// poll: a secondary that is down loses its link in the current view, but must still be reported
// under its name, with the error that reading it gives. No vscode.
import type { ClusterView } from '../replication/views.js';

export class PeerMemory {
  private readonly links = new Map<string, string>();

  observe(primary: string, view: ClusterView | undefined): void {
    for (const s of view?.performance.secondaries ?? []) {
      if (s.peer && s.nodeId !== undefined) this.links.set(`${primary}\u0000${s.nodeId}`, s.peer.name);
    }
  }

  get(primary: string, nodeId: string): string | undefined {
    return this.links.get(`${primary}\u0000${nodeId}`);
  }
}
