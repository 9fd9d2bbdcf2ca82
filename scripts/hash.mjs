import { readFile } from "node:fs/promises";
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex } from "@noble/hashes/utils";

export async function sha256File(path) {
  return bytesToHex(sha256(await readFile(path)));
}
