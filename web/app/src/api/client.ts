// The one way the app talks to the services: `call(service, method, path, options)` through the gateway
// (`/api/<service>/...`, same origin, the token rides in the HttpOnly cookie). Paths, methods, bodies and
// answers are typed from each service's OpenAPI document (src/api/contract, generated at build time), so
// `tsc` refuses a route or a field the contract does not have.
import type { paths as allocation } from "./contract/allocation";
import type { paths as audit } from "./contract/audit";
import type { paths as certificate } from "./contract/certificate";
import type { paths as immunization } from "./contract/immunization";
import type { paths as inventory } from "./contract/inventory";
import type { paths as registration } from "./contract/registration";
import { Problem, Unreachable } from "./problem";

export interface Contract {
  allocation: allocation;
  audit: audit;
  certificate: certificate;
  immunization: immunization;
  inventory: inventory;
  registration: registration;
}
export type Service = keyof Contract;
export type Method = "get" | "post" | "delete";

type Operation<S extends Service, P extends keyof Contract[S], M extends Method> =
  Contract[S][P] extends { [K in M]: infer O } ? O : never;

/** The paths of `service` that answer `method`. */
export type PathOf<S extends Service, M extends Method> = {
  [P in keyof Contract[S]]: Contract[S][P] extends { [K in M]: object } ? P : never;
}[keyof Contract[S]] & string;

/** The JSON body the contract asks for. */
export type BodyOf<S extends Service, M extends Method, P extends PathOf<S, M>> =
  Operation<S, P, M> extends { requestBody?: { content: { "application/json": infer B } } } ? B : never;

type Json<R> = R extends { content: { "application/json": infer J } } ? J : unknown;
/** The JSON answer of a success (200 or 201). */
export type AnswerOf<S extends Service, M extends Method, P extends PathOf<S, M>> =
  Operation<S, P, M> extends { responses: infer R }
    ? (R extends { 201: infer C } ? Json<C> : R extends { 200: infer O } ? Json<O> : unknown)
    : unknown;

export interface CallOptions<B> {
  params?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined | null>;
  body?: B;
  /** A body sent as is (a CSV file), with its own content type. */
  raw?: { data: Blob | string; contentType: string };
  headers?: Record<string, string>;
}

export const SIGNED_OUT_EVENT = "vaxtrail:signed-out";

export function url(service: Service, path: string, params: Record<string, string> = {},
                    query: CallOptions<unknown>["query"] = {}): string {
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} for ${path}`);
    return encodeURIComponent(value);
  });
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return `/api/${service}${filled}${text ? `?${text}` : ""}`;
}

export async function call<S extends Service, M extends Method, P extends PathOf<S, M>>(
  service: S, method: M, path: P, options: CallOptions<BodyOf<S, M, P>> = {},
): Promise<AnswerOf<S, M, P>> {
  const answer = await send(method, url(service, path, options.params, options.query), options);
  return (await answer.json()) as AnswerOf<S, M, P>;
}

/** The raw response of a success; a refusal throws `Problem`, no answer throws `Unreachable`. */
export async function send(method: Method, target: string, options: CallOptions<unknown> = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json", "X-VaxTrail-Client": "web",
                                            ...(options.headers ?? {}) };
  let body: BodyInit | undefined;
  if (options.raw) {
    headers["Content-Type"] = options.raw.contentType;
    body = options.raw.data;
  } else if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  let answer: Response;
  try {
    answer = await fetch(target, { method: method.toUpperCase(), headers, body, credentials: "same-origin" });
  } catch (error) {
    throw new Unreachable(error instanceof Error ? error.message : String(error));
  }
  if (answer.ok) return answer;
  if (answer.status === 502 || answer.status === 503 || answer.status === 504) {
    throw new Unreachable(`HTTP ${answer.status}`);
  }
  let problem: Record<string, unknown> = {};
  try {
    problem = (await answer.json()) as Record<string, unknown>;
  } catch {
    problem = { title: answer.statusText, detail: `HTTP ${answer.status}` };
  }
  if (answer.status === 401) window.dispatchEvent(new CustomEvent(SIGNED_OUT_EVENT));
  throw new Problem(problem, answer.status);
}
