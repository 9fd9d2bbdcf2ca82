pragma circom 2.1.5;

// Calendar dates inside circuits are the integers YYYYMMDD (for example 20260301), as produced and
// calendar-validated by src/core/dates.ts. That encoding preserves order, so date comparisons are integer
// comparisons, and "age in whole years >= N on date D" is exactly  birth + N * 10000 <= D:
// a person born YYYYMMDD has their N-th birthday on (YYYY+N)MMDD, and someone born on 29 February
// reaches (YYYY+N)0229, which in a non-leap year is passed on 1 March (0228 < 0229 < 0301).

include "circomlib/circuits/bitify.circom";

// 99991231 < 2^27.
function DATE_BITS() { return 27; }

// Range-checks a YYYYMMDD date to DATE_BITS() bits.
// NOTE: only the range is checked here, not calendar validity: dates reach the circuit either
// signed by a trusted issuer (validated before signing) or as a public input the verifier compares
// with its own valid date.
template DateRange() {
    signal input in;
    _ <== Num2Bits(DATE_BITS())(in);
}
