// SPDX-License-Identifier: GPL-3.0-only
pragma solidity 0.8.30;

/**
 * Point checks and the batched Groth16 check for MedzkRegistry, on the EVM's BN254 precompiles:
 * 0x06 ecAdd and 0x07 ecMul (EIP-196), 0x08 pairing (EIP-197). Nothing here implements curve
 * arithmetic beyond the on-curve equations: every group operation is a precompile call.
 */
library Bn254 {
    /// BN254 scalar field (the circuits' field, and BabyJubJub's base field).
    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    /// BN254 base field.
    uint256 internal constant Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583;
    /// The twist's b' = 3 / (9 + u) in F_q^2 (real, imaginary): G2 is y^2 = x^3 + b'.
    uint256 private constant B2_RE = 19485874751759354771024239261021720505790618469301721065564631296452457478373;
    uint256 private constant B2_IM = 266929791119991161246907387137283842545076965332900288569378510910307636690;
    /// BabyJubJub (EIP-2494): a·x^2 + y^2 = 1 + d·x^2·y^2 over F_R.
    uint256 private constant BJJ_A = 168700;
    uint256 private constant BJJ_D = 168696;

    /// Batch outcome: the pairing product is 1, is not, or the precompiles refused an input.
    uint8 internal constant BATCH_VALID = 0;
    uint8 internal constant BATCH_INVALID = 1;
    uint8 internal constant BATCH_BAD_INPUT = 2;

    function onBabyJubJub(uint256 x, uint256 y) internal pure returns (bool) {
        if (x >= R || y >= R) return false;
        uint256 x2 = mulmod(x, x, R);
        uint256 y2 = mulmod(y, y, R);
        return addmod(mulmod(BJJ_A, x2, R), y2, R) == addmod(1, mulmod(BJJ_D, mulmod(x2, y2, R), R), R);
    }

    /// A, B, C of a proof in snarkjs calldata order are well-formed points (proofPointsValidAt).
    function proofPointsValid(uint256[8] calldata p) internal pure returns (bool) {
        uint256 at;
        assembly ("memory-safe") {
            at := p
        }
        return proofPointsValidAt(at);
    }

    /**
     * The 8 words at calldata offset `p`, A, B, C in snarkjs calldata order, are well-formed points.
     * A and C (G1): coordinates in F_q and on y^2 = x^3 + 3, or (0, 0), EIP-196's encoding of
     * infinity. B (G2, EIP-197's order x_im, x_re, y_im, y_re): coordinates in F_q and on the twist
     * y^2 = x^3 + b', or all four 0 (infinity).
     * NOTE: membership in the order-q subgroup is left to the pairing precompile. EIP-197 defines
     * G_2 as that subgroup of the twist and specifies: "If the length of the input is incorrect or
     * any of the inputs are not elements of the respective group or are not encoded correctly, the
     * call fails." The batch maps that failure to PairingInputInvalid, the single path (snarkjs's
     * verifier returns false on a failed call) to ProofInvalid.
     * NOTE: the caller guarantees that p .. p + 255 lies within the calldata (the ABI decoder
     * checked `uint256[8]` and `uint256[8][]` arguments); calldataload past the end would read 0s.
     * In assembly for gas (the batch checks every item): only the stack, no memory.
     */
    function proofPointsValidAt(uint256 p) internal pure returns (bool ok) {
        assembly ("memory-safe") {
            function g1(x, y) -> v {
                v := and(lt(x, Q), lt(y, Q))
                if and(v, iszero(iszero(or(x, y)))) {
                    v := eq(mulmod(y, y, Q), addmod(mulmod(mulmod(x, x, Q), x, Q), 3, Q))
                }
            }
            // (a + b·u)(c + d·u) = (ac − bd) + (ad + bc)·u, u^2 = −1.
            function mul2(a, b, c, d) -> re, im {
                re := addmod(mulmod(a, c, Q), sub(Q, mulmod(b, d, Q)), Q)
                im := addmod(mulmod(a, d, Q), mulmod(b, c, Q), Q)
            }
            function g2(xIm, xRe, yIm, yRe) -> v {
                v := and(and(lt(xIm, Q), lt(xRe, Q)), and(lt(yIm, Q), lt(yRe, Q)))
                if and(v, iszero(iszero(or(or(xIm, xRe), or(yIm, yRe))))) {
                    let x2Re, x2Im := mul2(xRe, xIm, xRe, xIm)
                    let x3Re, x3Im := mul2(x2Re, x2Im, xRe, xIm)
                    let y2Re, y2Im := mul2(yRe, yIm, yRe, yIm)
                    v := and(eq(y2Re, addmod(x3Re, B2_RE, Q)), eq(y2Im, addmod(x3Im, B2_IM, Q)))
                }
            }
            ok := g1(calldataload(p), calldataload(add(p, 32)))
            if ok {
                ok := g2(calldataload(add(p, 64)), calldataload(add(p, 96)), calldataload(add(p, 128)), calldataload(add(p, 160)))
            }
            if ok { ok := g1(calldataload(add(p, 192)), calldataload(add(p, 224))) }
        }
    }

    /// A calendar day YYYYMMDD from 0001-01-01 to 9999-12-31 (core/dates.ts's range).
    function validDay(uint256 day) internal pure returns (bool) {
        uint256 y = day / 10000;
        uint256 m = (day / 100) % 100;
        uint256 d = day % 100;
        if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
        uint256 dim = m == 2 ? ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28) : (m == 4 || m == 6 || m == 9 || m == 11 ? 30 : 31);
        return d <= dim;
    }

    /**
     * Whether a YYYYMMDD day is the block's UTC day or one day either side (a request made just
     * before midnight, answered just after, or a verifier a few seconds ahead of the chain).
     */
    function dayNearNow(uint256 day) internal view returns (bool) {
        if (!validDay(day) || day < 19700101) return false;
        uint256 days_ = daysFromCivil(day / 10000, (day / 100) % 100, day % 100);
        uint256 today = block.timestamp / 86400;
        return days_ + 1 >= today && days_ <= today + 1;
    }

    /// Days since 1970-01-01 (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms", days_from_civil), y ≥ 1970.
    function daysFromCivil(uint256 y, uint256 m, uint256 d) internal pure returns (uint256) {
        if (m <= 2) y -= 1;
        uint256 era = y / 400;
        uint256 yoe = y - era * 400;
        uint256 doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
        uint256 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
    }

    /**
     * The batched Groth16 check (see MedzkRegistry.verifyPresentations). `vkData` holds the key as
     * contract code: alpha (2 words), beta, gamma, delta (4 each, EIP-197 order), IC_0..IC_m (2 each).
     * Cost: 2 ecMul + 1 ecAdd + 1 pairing per item but the first (no ecMul, no ecAdd), m + 2 ecMul
     * once, n + 3 pairings in one call.
     *
     * Item i has the weight r_i (r_0 = 1; r_i = keccak256(abi.encode(seed, i)) mod R, 1 if that is
     * 0, for i > 0): sums[j] += r_i·s_ij, Σ r_i and Σ r_i·C_i are updated, and its pairing pair
     * (−r_i·A_i, B_i) goes into input[6i..6i+5]; then the three fixed pairs ((Σ r_i)·α, β),
     * (vk_x, γ), (Σ r_i·C_i, δ) with vk_x = (Σ r_i)·IC_0 + Σ_j (Σ_i r_i·s_ij)·IC_{j+1}.
     * NOTE: a fixed r_0 = 1 keeps the check sound (the standard small-exponent batch argument):
     * writing each item's Groth16 equation as g^{x_i} in the order-R target group, the batch accepts
     * iff Σ r_i·x_i = 0 mod R. If only x_0 ≠ 0 the sum is x_0 ≠ 0; otherwise some x_j ≠ 0 with j > 0
     * and r_j, hashed from the whole calldata (which fixes every x_i), hits the one bad value with
     * probability 1/R. It saves item 0's two ecMuls and its ecAdd (12,150 gas a batch).
     *
     * One assembly block, for gas: written in Solidity the per-item path (bounds-checked reads of
     * `uint256[8][] calldata`, a memory struct, internal calls, the sums loop) cost ~16,000 gas per
     * item besides its precompile calls. Nothing here does curve arithmetic: every group operation
     * is a precompile call (EIP-196 ecAdd 0x06, ecMul 0x07; EIP-197 pairing 0x08), and every call's
     * success is checked: a failed one ends the check at once with BATCH_BAD_INPUT (a failed call
     * consumes the gas it was given, so nothing more is attempted).
     * NOTE: the caller must have checked every item's A, B and C with proofPointsValidAt (and its
     * signals below R, which the replay key needs, not this arithmetic): item 0's A and C are used
     * without the ecMul and ecAdd that would otherwise refuse an off-curve point, and B goes to the
     * pairing precompile as sent, which checks its subgroup (proofPointsValidAt's note). It must also have
     * checked signals.length == proofs.length · m; the ABI decoder of the external call has checked
     * that both arrays lie within the calldata.
     */
    function batchVerify(address vkData, uint256 m, uint256[8][] calldata proofs, uint256[] calldata signals, bytes32 seed)
        internal
        view
        returns (uint8 outcome)
    {
        // memory-safe: only the scratch space (0x00-0x3f: the weights' hash input, the pairing's
        // output) and memory from the free memory pointer on, used as temporary memory within this
        // block and never read by Solidity code afterwards (the Solidity docs' "memory-safe" rules).
        // Split into functions for the legacy code generator's 16-slot stack reach.
        assembly ("memory-safe") {
            /// The weight of item i > 0: keccak256(abi.encode(seed, i)) mod R, 1 if that is 0; the
            /// seed sits at 0x00 for the whole item loop.
            function weight(i) -> r {
                mstore(0x20, i)
                r := mod(keccak256(0x00, 0x40), R)
                if iszero(r) { r := 1 }
            }

            /// sums[j] += r·s_j for the words from j to end, the signals from s on; returns the next item's signals.
            function addSums(j, end, s, r) -> next {
                for {} lt(j, end) { j := add(j, 32) } {
                    mstore(j, addmod(mload(j), mulmod(r, calldataload(s), R), R))
                    s := add(s, 32)
                }
                next := s
            }

            /// Item i's pair (−r·A, B) into o[0..5] and r·C added to t[0..1]; A at p, B at p + 64, C at p + 192.
            function pair(i, r, p, o, t) -> ok {
                switch i
                case 0 {
                    // r_0 = 1: 1·A = A, and the sum of the C's starts at C_0 (O + C_0).
                    calldatacopy(o, p, 64)
                    calldatacopy(t, add(p, 192), 64)
                    ok := 1
                }
                default {
                    calldatacopy(add(t, 64), p, 64)
                    mstore(add(t, 128), r)
                    ok := staticcall(gas(), 0x07, add(t, 64), 96, o, 64)
                    if ok {
                        calldatacopy(add(t, 64), add(p, 192), 64)
                        mstore(add(t, 128), r)
                        ok := staticcall(gas(), 0x07, add(t, 64), 96, add(t, 64), 64)
                    }
                    if ok { ok := staticcall(gas(), 0x06, t, 128, t, 64) }
                }
                // −(r·A): y negated in F_q (infinity, (0, 0), stays itself); then B as sent.
                let y := mload(add(o, 32))
                if y { mstore(add(o, 32), sub(Q, y)) }
                calldatacopy(add(o, 64), add(p, 64), 128)
            }

            /// The n items from p (8 words each) and s (mSignals words each) into the pairing input at o (6
            /// words each) and the running sums: sums[0..mSignals-1], then t (5 words), right after the input.
            function items(o, n, mSignals, p, s) -> ok, sumR {
                let sums := add(o, mul(192, add(n, 3)))
                let t := add(sums, shl(5, mSignals))
                ok := 1
                for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                    let r := 1
                    if i { r := weight(i) }
                    sumR := addmod(sumR, r, R)
                    s := addSums(sums, t, s, r)
                    // A failed call consumed the gas it was given: stop at once.
                    if iszero(pair(i, r, p, o, t)) {
                        ok := 0
                        break
                    }
                    p := add(p, 256)
                    o := add(o, 192)
                }
            }

            /// k·(px, py) into out[0..1] by ecMul from 3 words of scratch (out may be scratch); 1·P is
            /// P without the call (6,000 gas): P is the verification key's, and a point the key
            /// holds that is not on the curve still fails the batch at the next ecAdd or the pairing.
            function mulInto(scratch, px, py, k, out) -> ok {
                if eq(k, 1) {
                    mstore(out, px)
                    mstore(add(out, 32), py)
                    ok := 1
                    leave
                }
                mstore(scratch, px)
                mstore(add(scratch, 32), py)
                mstore(add(scratch, 64), k)
                ok := staticcall(gas(), 0x07, scratch, 96, out, 64)
            }

            /// The three fixed pairs into o[0..17], the last 18 words of the pairing input, from the
            /// key read from the data contract (mSignals + 8 points) after the sums and t.
            function fixedPairs(data, mSignals, o, sumR) -> ok {
                let sums := add(o, 576)
                let t := add(sums, shl(5, mSignals))
                let vk := add(t, 160)
                extcodecopy(data, vk, 1, shl(5, add(16, shl(1, mSignals)))) // 14 + 2(m + 1) words after the STOP byte
                // (Σ r_i·C_i, δ): Σ r_i·C_i moved out of t, which the multi-scalar product reuses.
                mstore(add(o, 384), mload(t))
                mstore(add(o, 416), mload(add(t, 32)))
                mcopy(add(o, 448), add(vk, 320), 128)
                // (vk_x, γ): one multi-scalar product for the batch, accumulated in t[0..1].
                ok := mulInto(add(t, 64), mload(add(vk, 448)), mload(add(vk, 480)), sumR, t)
                for { let j := 0 } and(ok, lt(j, mSignals)) { j := add(j, 1) } {
                    let ic := add(vk, shl(6, add(8, j))) // IC_{j+1}: words 16 + 2j, 17 + 2j
                    ok := mulInto(add(t, 64), mload(ic), mload(add(ic, 32)), mload(add(sums, shl(5, j))), add(t, 64))
                    if ok { ok := staticcall(gas(), 0x06, t, 128, t, 64) }
                }
                mstore(add(o, 192), mload(t))
                mstore(add(o, 224), mload(add(t, 32)))
                mcopy(add(o, 256), add(vk, 192), 128)
                // ((Σ r_i)·α, β).
                if ok { ok := mulInto(add(t, 64), mload(vk), mload(add(vk, 32)), sumR, o) }
                mcopy(add(o, 64), add(vk, 64), 128)
            }

            /// The pairing input from the free memory pointer on: 6 words per pair (n + 3 pairs); then
            /// m words of Σ_i r_i·s_ij; then t, 5 words: t[0..1] the running Σ r_i·C_i, t[2..4] an
            /// ecMul's input and output; then the key.
            function run(data, mSignals, p, n, s) -> result {
                let input := mload(0x40)
                // Memory past the free pointer may hold what earlier code left: the sums and t start
                // at zero ((0, 0) is EIP-196's point at infinity), copied from past the calldata's end.
                calldatacopy(add(input, mul(192, add(n, 3))), calldatasize(), shl(5, add(mSignals, 5)))
                let ok, sumR := items(input, n, mSignals, p, s)
                result := 2 // BATCH_BAD_INPUT
                if ok { ok := fixedPairs(data, mSignals, add(input, mul(192, n)), sumR) }
                if ok {
                    if staticcall(gas(), 0x08, input, mul(192, add(n, 3)), 0x00, 0x20) {
                        // The product is 1: BATCH_VALID (0); any other answer: BATCH_INVALID (1).
                        result := iszero(eq(mload(0x00), 1))
                    }
                }
            }

            mstore(0x00, seed)
            outcome := run(vkData, m, proofs.offset, proofs.length, signals.offset)
        }
    }
}
