/** A port nothing listens on at 127.0.0.1 right now (not reserved: bind it soon). */
export function freePort(): Promise<number>;
