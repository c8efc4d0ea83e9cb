// The LINE event hooks of binding (registered in src/jobs.ts): lights on follow/block and the
// welcome-back greeting of a bound friend.
import type { LineEventHooks } from '../line/events.ts';
import { greeting, onFriendState } from './service.ts';

export const bindingHooks: Pick<LineEventHooks, 'onFriendState' | 'greeting'> = { onFriendState, greeting };
