// Proving keys of age_at_least and age_at_least_hidden verified against their R1CS and the powers of tau (zkey-check.ts).
import { describeZkeyCheck } from "./zkey-check.js";

describeZkeyCheck("age_at_least");
