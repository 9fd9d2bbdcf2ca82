import { readR1csHeader as readHeader } from "r1csfile";
import { readBinFile } from "@iden3/binfileutils";

/** Constraint and signal counts from an .r1cs file's header. */
export async function readR1csHeader(path) {
  const { fd, sections } = await readBinFile(path, "r1cs", 1, 1 << 22, 1 << 24);
  // Only the counts are needed: skip building a curve for the prime.
  const header = await readHeader(fd, sections, { getFieldFromPrime: async (p) => ({ p }) });
  await fd.close();
  return header;
}
