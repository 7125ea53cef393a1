/**
 * The world builder: from a validated scenario to the running model.
 *
 * @module
 */
export { buildWorld, causeText, type World, WorldError, type WorldGroup, type WorldObserver, type WorldOptions, type WorldServer, type WorldWarning } from './build.js';
