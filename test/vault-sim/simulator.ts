import type { Simulator, SimulatorOptions } from './types.js';

export async function startSimulator(_opts: SimulatorOptions): Promise<Simulator> {
  throw new Error('vault-sim: not implemented yet');
}
