// Proving keys of query and query_hidden verified against their R1CS and the powers of tau (zkey-check.ts).
import { describeZkeyCheck } from "./zkey-check.js";

describeZkeyCheck("query");
