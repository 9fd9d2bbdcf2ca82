export function bn254WasmSource(): string;
