// Proving keys of insurance_active and insurance_active_hidden verified against their R1CS and the powers of tau (zkey-check.ts).
import { describeZkeyCheck } from "./zkey-check.js";

describeZkeyCheck("insurance_active");
