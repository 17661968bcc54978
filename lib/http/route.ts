// Route handlers' one way to fail: whatever a handler throws becomes the OkoroError answer
// (lib/errors.ts); unknown errors are logged with the route's context and answered 500
// without their message. Wrapping is done once, when the route module loads.
import { errorResponse } from "@/lib/errors";

type ErrorOptions = NonNullable<Parameters<typeof errorResponse>[1]>;

export function withErrorResponse<A extends unknown[]>(
  context: string,
  handler: (...args: A) => Promise<Response>,
  options: Omit<ErrorOptions, "context"> = {},
): (...args: A) => Promise<Response> {
  return async (...args) => {
    try {
      return await handler(...args);
    } catch (e) {
      return errorResponse(e, { ...options, context });
    }
  };
}
