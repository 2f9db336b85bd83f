/**
 * Errors the API turns into `{error, message}` with a status. Services throw these; the one error handler maps them.
 * `error` is a stable machine code; `message` is for people.
 */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }
}

export const notFound = (what: string, id: string | number) => new AppError(404, 'not_found', `${what} ${id} not found`);
export const conflict = (code: string, message: string) => new AppError(409, code, message);
export const invalid = (message: string, code = 'invalid_input') => new AppError(422, code, message);
export const forbidden = (message: string) => new AppError(403, 'forbidden', message);
export const unauthorized = (message = 'authentication required') => new AppError(401, 'unauthorized', message);
