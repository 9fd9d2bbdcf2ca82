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

    /// A G1 point: coordinates in F_q and on y^2 = x^3 + 3, or (0, 0), EIP-196's encoding of infinity.
    function g1Valid(uint256 x, uint256 y) internal pure returns (bool) {
        if (x >= Q || y >= Q) return false;
        if (x == 0 && y == 0) return true;
        return mulmod(y, y, Q) == addmod(mulmod(mulmod(x, x, Q), x, Q), 3, Q);
    }

    /**
     * A G2 point in EIP-197's order (x_im, x_re, y_im, y_re): coordinates in F_q and on the twist.
     * NOTE: membership in the order-q subgroup is left to the pairing precompile. EIP-197 defines
     * G_2 as that subgroup of the twist and specifies: "If the length of the input is incorrect or
     * any of the inputs are not elements of the respective group or are not encoded correctly, the
     * call fails." The batch maps that failure to PairingInputInvalid, the single path (snarkjs's
     * verifier returns false on a failed call) to ProofInvalid.
     */
    function g2Valid(uint256 xIm, uint256 xRe, uint256 yIm, uint256 yRe) internal pure returns (bool) {
        if (xIm >= Q || xRe >= Q || yIm >= Q || yRe >= Q) return false;
        if ((xIm | xRe | yIm | yRe) == 0) return true;
        // (a + b·u)(c + d·u) = (ac − bd) + (ad + bc)·u, u^2 = −1.
        (uint256 x2Re, uint256 x2Im) = _mul2(xRe, xIm, xRe, xIm);
        (uint256 x3Re, uint256 x3Im) = _mul2(x2Re, x2Im, xRe, xIm);
        (uint256 y2Re, uint256 y2Im) = _mul2(yRe, yIm, yRe, yIm);
        return y2Re == addmod(x3Re, B2_RE, Q) && y2Im == addmod(x3Im, B2_IM, Q);
    }

    function _mul2(uint256 a, uint256 b, uint256 c, uint256 d) private pure returns (uint256, uint256) {
        return (addmod(mulmod(a, c, Q), Q - mulmod(b, d, Q), Q), addmod(mulmod(a, d, Q), mulmod(b, c, Q), Q));
    }

    /// A, B, C of a proof in snarkjs calldata order are well-formed points.
    function proofPointsValid(uint256[8] calldata p) internal pure returns (bool) {
        return g1Valid(p[0], p[1]) && g2Valid(p[2], p[3], p[4], p[5]) && g1Valid(p[6], p[7]);
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

    /// The running sums of a batch: the pairing input, Σ_i r_i·s_ij, Σ r_i·C_i and Σ r_i.
    struct Acc {
        uint256[] input;
        uint256[] sums;
        uint256 cx;
        uint256 cy;
        uint256 sumR;
        uint256 m;
        bytes32 seed;
    }

    /**
     * The batched Groth16 check (see MedzkRegistry.verifyPresentations). `vkData` holds the key as
     * contract code: alpha (2 words), beta, gamma, delta (4 each, EIP-197 order), IC_0..IC_m (2 each).
     * Cost: 2 ecMul + 1 ecAdd + 1 pairing per item but the first (no ecMul), m + 2 ecMul once,
     * n + 3 pairings in one call.
     */
    function batchVerify(address vkData, uint256 m, uint256[8][] calldata proofs, uint256[] calldata signals, bytes32 seed)
        internal
        view
        returns (uint8)
    {
        Acc memory acc = Acc(new uint256[](6 * (proofs.length + 3)), new uint256[](m), 0, 0, 0, m, seed);
        if (!_items(acc, proofs, signals)) return BATCH_BAD_INPUT;
        if (!_tail(acc, _readWords(vkData, 14 + 2 * (m + 1)), 6 * proofs.length)) return BATCH_BAD_INPUT;
        uint256[] memory input = acc.input;
        bool success;
        uint256 result;
        assembly ("memory-safe") {
            let len := mul(mload(input), 32)
            success := staticcall(gas(), 0x08, add(input, 32), len, 0x00, 0x20)
            result := mload(0x00)
        }
        if (!success) return BATCH_BAD_INPUT;
        return result == 1 ? BATCH_VALID : BATCH_INVALID;
    }

    function _items(Acc memory acc, uint256[8][] calldata proofs, uint256[] calldata signals) private view returns (bool) {
        for (uint256 i = 0; i < proofs.length; i++) {
            if (!_item(acc, proofs[i], signals[i * acc.m:(i + 1) * acc.m], i)) return false;
        }
        return true;
    }

    /**
     * Item i with weight r_i (r_0 = 1; r_i = keccak256(seed, i) mod R, never 0, for i > 0):
     * sums[j] += r_i·s_j, Σ r_i·C_i and Σ r_i updated, and its pairing pair (−r_i·A, B) into
     * input[6i..6i+5]. NOTE: a fixed r_0 = 1 keeps the check sound (the standard small-exponent
     * batch argument): writing each item's Groth16 equation as g^{x_i} in the order-R target group,
     * the batch accepts iff Σ r_i·x_i = 0 mod R. If only x_0 ≠ 0 the sum is x_0 ≠ 0; otherwise some
     * x_j ≠ 0 with j > 0 and r_j, hashed from the whole calldata (which fixes every x_i), hits the
     * one bad value with probability 1/R. It saves item 0's two ecMuls (12,000 gas a batch).
     */
    function _item(Acc memory acc, uint256[8] calldata p, uint256[] calldata s, uint256 i) private view returns (bool) {
        uint256 r = 1;
        if (i > 0) {
            r = uint256(keccak256(abi.encode(acc.seed, i))) % R;
            if (r == 0) r = 1;
        }
        acc.sumR = addmod(acc.sumR, r, R);
        uint256[] memory sums = acc.sums;
        for (uint256 j = 0; j < s.length; j++) sums[j] = addmod(sums[j], mulmod(r, s[j], R), R);
        return _pairA(acc.input, p, r, 6 * i) && _addC(acc, p, r);
    }

    function _pairA(uint256[] memory input, uint256[8] calldata p, uint256 r, uint256 o) private view returns (bool ok) {
        (uint256 ax, uint256 ay, bool okA) = _mul(p[0], p[1], r);
        input[o] = ax;
        input[o + 1] = ay == 0 ? 0 : Q - ay;
        input[o + 2] = p[2];
        input[o + 3] = p[3];
        input[o + 4] = p[4];
        input[o + 5] = p[5];
        return okA;
    }

    function _addC(Acc memory acc, uint256[8] calldata p, uint256 r) private view returns (bool) {
        (uint256 px, uint256 py, bool okC) = _mul(p[6], p[7], r);
        (uint256 cx, uint256 cy, bool okAdd) = _add(acc.cx, acc.cy, px, py);
        acc.cx = cx;
        acc.cy = cy;
        return okC && okAdd;
    }

    /// The three fixed pairs: ((Σ r_i)·α, β), (vk_x, γ), (Σ r_i·C_i, δ), into input[o..o+17].
    function _tail(Acc memory acc, uint256[] memory vk, uint256 o) private view returns (bool ok) {
        uint256[] memory input = acc.input;
        uint256[] memory sums = acc.sums;
        // vk_x = (Σ r_i)·IC_0 + Σ_j (Σ_i r_i·s_ij)·IC_{j+1}: one multi-scalar product for the batch.
        (uint256 vx, uint256 vy, bool okV) = _mul(vk[14], vk[15], acc.sumR);
        ok = okV;
        for (uint256 j = 0; j < sums.length; j++) {
            (uint256 px, uint256 py, bool okT) = _mul(vk[16 + 2 * j], vk[17 + 2 * j], sums[j]);
            bool okAdd;
            (vx, vy, okAdd) = _add(vx, vy, px, py);
            ok = ok && okT && okAdd;
        }
        input[o + 6] = vx;
        input[o + 7] = vy;
        (uint256 alx, uint256 aly, bool okAl) = _mul(vk[0], vk[1], acc.sumR);
        input[o] = alx;
        input[o + 1] = aly;
        input[o + 12] = acc.cx;
        input[o + 13] = acc.cy;
        for (uint256 k = 0; k < 4; k++) {
            input[o + 2 + k] = vk[2 + k]; // beta
            input[o + 8 + k] = vk[6 + k]; // gamma
            input[o + 14 + k] = vk[10 + k]; // delta
        }
        return ok && okAl;
    }

    /**
     * s·(x, y) by ecMul; 1·P is P itself without the call (6,000 gas): every point multiplied here
     * is already known valid (proofPointsValid, or the verification key's), as ecMul would check.
     */
    function _mul(uint256 x, uint256 y, uint256 s) private view returns (uint256 rx, uint256 ry, bool ok) {
        if (s == 1) return (x, y, true);
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, x)
            mstore(add(p, 32), y)
            mstore(add(p, 64), s)
            ok := staticcall(gas(), 0x07, p, 96, p, 64)
            rx := mload(p)
            ry := mload(add(p, 32))
        }
    }

    function _add(uint256 x1, uint256 y1, uint256 x2, uint256 y2) private view returns (uint256 rx, uint256 ry, bool ok) {
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, x1)
            mstore(add(p, 32), y1)
            mstore(add(p, 64), x2)
            mstore(add(p, 96), y2)
            ok := staticcall(gas(), 0x06, p, 128, p, 64)
            rx := mload(p)
            ry := mload(add(p, 32))
        }
    }

    /// `count` words of the data contract's code after its leading STOP byte (the SSTORE2 pattern).
    function _readWords(address data, uint256 count) private view returns (uint256[] memory words) {
        words = new uint256[](count);
        assembly ("memory-safe") {
            extcodecopy(data, add(words, 32), 1, mul(count, 32))
        }
    }
}
