// SPDX-License-Identifier: GPL-3.0-only
pragma solidity 0.8.30;

/**
 * BabyJubJub (EIP-2494) subgroup membership for MedzkRegistry.addIssuerKey: a key must lie in the
 * prime-order subgroup of order l, as core/public-key.ts requires off chain. A point of the full
 * curve (order 8l) outside it is a valid curve point that no honest EdDSA-Poseidon key is, and the
 * circuits' verification (circomlib EdDSAPoseidonVerifier, which multiplies by the cofactor) would
 * then refuse or misjudge every credential under it; the registry refuses it when it is added.
 *
 * Projective twisted Edwards arithmetic (X : Y : Z), x = X/Z, y = Y/Z, with the complete formulas
 * of Bernstein, Birkner, Joye, Lange, Peters, "Twisted Edwards Curves" (AFRICACRYPT 2008), as
 * listed in the Explicit-Formulas Database: add-2008-bbjlp (mixed, Z2 = 1) and dbl-2008-bbjlp.
 * NOTE: they are complete because a = 168700 is a square and d = 168696 a non-square in F_r
 * (EIP-2494), so no input point needs a special case. Run once per key, at add time: an
 * addIssuerKey costs about 726,000 gas with it (test/integration/chain/registry.test.ts logs it).
 */
library BabyJubJub {
    /// The base field: BN254's scalar field.
    uint256 private constant P = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 private constant A = 168700;
    uint256 private constant D = 168696;
    /// Order l of the prime-order subgroup (circomlibjs babyJub.subOrder), 251 bits.
    uint256 private constant L = 2736030358979909402780800718157159386076813972158567259200215660948447373041;

    /// Whether l·(x, y) is the identity (0, 1). The caller checks (x, y) is on the curve first.
    function inSubgroup(uint256 x, uint256 y) internal pure returns (bool) {
        // The accumulator (X : Y : Z) lives in memory: the formulas need more locals than the stack allows.
        uint256[3] memory q = [uint256(0), 1, 1];
        for (uint256 i = 252; i > 0; i--) {
            _double(q);
            if ((L >> (i - 1)) & 1 == 1) _addAffine(q, x, y);
        }
        return q[2] != 0 && q[0] == 0 && q[1] == q[2];
    }

    function _sub(uint256 a, uint256 b) private pure returns (uint256) {
        return addmod(a, P - b, P);
    }

    /// dbl-2008-bbjlp, in place.
    function _double(uint256[3] memory q) private pure {
        uint256 c = mulmod(q[0], q[0], P);
        uint256 d = mulmod(q[1], q[1], P);
        uint256 s = addmod(q[0], q[1], P);
        uint256 b = mulmod(s, s, P);
        uint256 e = mulmod(A, c, P);
        uint256 f = addmod(e, d, P);
        uint256 j = _sub(f, mulmod(2, mulmod(q[2], q[2], P), P));
        q[0] = mulmod(_sub(_sub(b, c), d), j, P);
        q[1] = mulmod(f, _sub(e, d), P);
        q[2] = mulmod(f, j, P);
    }

    /// add-2008-bbjlp with Z2 = 1 (madd), in place: q + (x2, y2).
    function _addAffine(uint256[3] memory q, uint256 x2, uint256 y2) private pure {
        uint256 c = mulmod(q[0], x2, P);
        uint256 d = mulmod(q[1], y2, P);
        uint256 cross = _sub(_sub(mulmod(addmod(q[0], q[1], P), addmod(x2, y2, P), P), c), d);
        uint256 b = mulmod(q[2], q[2], P);
        uint256 e = mulmod(D, mulmod(c, d, P), P);
        uint256 f = _sub(b, e);
        uint256 g = addmod(b, e, P);
        q[0] = mulmod(mulmod(q[2], f, P), cross, P);
        q[1] = mulmod(mulmod(q[2], g, P), _sub(d, mulmod(A, c, P)), P);
        q[2] = mulmod(f, g, P);
    }
}
