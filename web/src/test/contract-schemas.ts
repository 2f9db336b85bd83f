/**
 * Which schema each answer of the contract server must satisfy: the very schemas the real routes declare
 * (src/contract/), so a fixture or a handler that drifts from the server's contract fails the test that sent it.
 */
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import {
  ActionResultSchema,
  AlertList,
  ContainerSettingsSchema,
  LogSearchResultSchema,
  PortainerEndpointListSchema,
  PortainerServerListSchema,
  PortainerServerSchema,
  PortainerSyncResultSchema,
  PortainerTestResultSchema,
  AlertSchema,
  CollectResultSchema,
  ContainerListSchema,
  DockerHostListSchema,
  ErrorSchema,
  EventListSchema,
  HealthDetailsSchema,
  HostListSchema,
  HostSchema,
  ImageListSchema,
  LoginResultSchema,
  LogLinesSchema,
  MeSchema,
  NetworkListSchema,
  SilenceListSchema,
  SshSettingsSchema,
  StatsListSchema,
  TaskListSchema,
  VolumeListSchema,
} from '../../../src/contract/index';

const C = String.raw`/api/docker/containers/\d+/[^/]+`;
const H = String.raw`/api/docker/hosts/\d+`;
const ROUTES: [method: string, path: RegExp, schema: TSchema][] = [
  ['POST', /^\/api\/auth\/login$/, LoginResultSchema],
  ['GET', /^\/api\/auth\/me$/, MeSchema],
  ['GET', /^\/api\/hosts$/, HostListSchema],
  ['PATCH', /^\/api\/hosts\/\d+$/, HostSchema],
  ['GET', /^\/api\/docker\/hosts$/, DockerHostListSchema],
  ['GET', /^\/api\/(docker\/)?alerts$/, AlertList],
  ['POST', /^\/api\/(docker\/)?alerts\/\d+\/ack$/, AlertSchema],
  ['GET', /^\/api\/silences$/, SilenceListSchema],
  ['GET', /^\/api\/tasks$/, TaskListSchema],
  ['GET', /^\/api\/settings\/ssh$/, SshSettingsSchema],
  ['POST', new RegExp(`^${H}/collect$`), CollectResultSchema],
  ['GET', new RegExp(`^${H}/containers$`), ContainerListSchema],
  ['GET', new RegExp(`^${H}/images$`), ImageListSchema],
  ['GET', new RegExp(`^${H}/volumes$`), VolumeListSchema],
  ['GET', new RegExp(`^${H}/networks$`), NetworkListSchema],
  ['GET', new RegExp(`^${H}/events$`), EventListSchema],
  ['GET', new RegExp(`^${H}/stats$`), StatsListSchema],
  ['GET', new RegExp(`^${C}/logs$`), LogLinesSchema],
  ['PATCH', new RegExp(`^${C}/settings$`), ContainerSettingsSchema],
  ['GET', /^\/api\/logs$/, LogSearchResultSchema],
  ['GET', /^\/api\/health\/details$/, HealthDetailsSchema],
  ['GET', /^\/api\/portainer\/servers$/, PortainerServerListSchema],
  ['POST', /^\/api\/portainer\/servers$/, PortainerServerSchema],
  ['PATCH', /^\/api\/portainer\/servers\/\d+$/, PortainerServerSchema],
  ['POST', /^\/api\/portainer\/servers\/\d+\/test$/, PortainerTestResultSchema],
  ['POST', /^\/api\/portainer\/servers\/\d+\/sync$/, PortainerSyncResultSchema],
  ['GET', /^\/api\/portainer\/servers\/\d+\/endpoints$/, PortainerEndpointListSchema],
  ['POST', new RegExp(`^${C}/(start|stop|restart|pause|unpause|kill|remove|redeploy)$`), ActionResultSchema],
];

/** The schema of an answer: every error is `{error, message}`; a success has its route's schema. */
export function responseSchema(method: string, path: string, status: number): TSchema | undefined {
  if (status >= 400) return ErrorSchema;
  return ROUTES.find(([m, p]) => m === method && p.test(path))?.[2];
}

/**
 * What is wrong with an answer, or null. Fields the schema does not declare count too: the real server's
 * serializer drops them, so a UI that read one would work here and break against the server.
 */
export function contractViolation(method: string, path: string, status: number, body: unknown): string | null {
  const where = `${method} ${path} ${status}`;
  const schema = responseSchema(method, path, status);
  if (!schema) return `${where}: no schema of the real route is mapped for this answer (web/src/test/contract-schemas.ts)`;
  const wrong = [...Value.Errors(schema, body)].slice(0, 5).map((e) => `${e.path || '/'}: ${e.message}`);
  if (wrong.length) return `${where}: ${wrong.join('; ')}`;
  const cleaned = Value.Clean(schema, structuredClone(body));
  if (JSON.stringify(cleaned) !== JSON.stringify(body)) return `${where}: has fields the schema does not declare (the server would drop them)`;
  return null;
}
