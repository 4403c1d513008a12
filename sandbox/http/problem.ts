import { HttpError } from "../../common/http/errors.ts";

/** The sandbox's refusals; the server answers each as `application/problem+json` (RFC 9457). */
export const badRequest = (detail: string) => new HttpError(400, "BAD_REQUEST", detail);
export const notFound = (detail: string) => new HttpError(404, "NOT_FOUND", detail);
export const unavailable = (detail: string) => new HttpError(503, "SERVICE_UNAVAILABLE", detail);
