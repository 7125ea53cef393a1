/**
 * Workloads: who sends what, when — legitimate users and spam-sending zombies.
 *
 * @module
 */
export type { Client, ClientSink } from './client.js';
export { type UserTraffic, Users } from './user.js';
export { zombie, type ZombieTraffic } from './zombie.js';
export { type BehaviourConfig, type Reaction, type Reactions, UserBehaviour } from './behaviour.js';
export { type BurstConfig, BurstSchedule } from './bursts.js';
