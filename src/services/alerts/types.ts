/**
 * API shapes of the alerting area beyond core's Alert (type-only imports from web/ are fine): the Static<> types
 * of src/contract/{alerts,notifications}.ts, named here for the services.
 */
export type { ChannelField, ChannelKindInfo, NotificationChannel, Silence } from '../../core/types.js';
