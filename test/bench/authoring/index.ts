/**
 * Bench-only suite run inside the real extension host by test/bench/authoring.ts (not by
 * `npm run test:integration`, which only looks under out/test/integration/).
 */
import { runMochaIn } from '../../integration/runMocha';

export function run(): Promise<void> {
  return runMochaIn(__dirname, { timeout: 600_000 });
}
