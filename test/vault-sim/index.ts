// The Vault Enterprise simulator: several clusters, each its own HTTP(S) listener on 127.0.0.1,
// speaking Vault's HTTP API for replication, health, auth, policies and mounts (see README.md
// beside this file and /work/shared/vault-api.md), plus a control interface for faults.
//
//   const sim = await startSimulator({ topology: 'seed', streamDelayMs: 50 });
//   sim.cluster('us-east-2').address; sim.cluster('us-east-2').rootToken; await sim.stop();
export type {
  SimulatorOptions, Simulator, SimCluster, Fault, FaultKind, Topology, ClusterSnapshot, ModeSnapshot, RequestLogEntry,
} from './types.js';
export { startSimulator } from './simulator.js';
export { hostileText, hostileId, HOSTILE_POLICY_NAME } from './hostile.js';
export { startCaptureServer, type CaptureServer, type CaptureOptions, type CapturedRequest } from './capture.js';
