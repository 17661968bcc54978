// next-auth's endpoints (sign-in callbacks, session, CSRF, sign-out): lib/auth/auth.ts.
import { handlers } from "@/lib/auth/auth";

export const { GET, POST } = handlers;
