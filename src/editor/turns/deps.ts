import type { Scoring } from '../scoreTypes';
import type { Services } from '../services';

/** What the multi-turn feature uses of the shared services, and of scoring (a file being scored is not continued at the same time). */
export type TurnsDeps = Pick<Services, 'apiOrigin' | 'client' | 'config' | 'context' | 'isLoopback' | 'log' | 'store'> & { scoring: Pick<Scoring, 'isScoring'> };
