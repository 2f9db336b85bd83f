import type { Container } from '../../container.js';
import type { App } from '../types.js';

/** Routes of the feature areas (docker, alerts, notifications). Each area registers its own plugin here. */
export async function registerExtraRoutes(_app: App, _c: Container): Promise<void> {}
