// What an agent (service token) may be called: shared by the server's validation and the
// dashboard's form, so both say the same thing.
export const AGENT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;
