// SPDX-License-Identifier: GPL-3.0-only
pragma solidity 0.8.30;

import {BabyJubJub} from "./BabyJubJub.sol";
import {Bn254} from "./Bn254.sol";

/**
 * MedzkRegistry's pure input checks that run only when the registry is written (an issuer key
 * added, a verifier registered), kept in their own contract so the registry stays within EIP-170's
 * 24,576 bytes of code. deployMedzk deploys it first and gives its address to the registry's
 * constructor, which keeps it immutable.
 */
contract MedzkRegistryChecks {
    uint256 private constant MAX_PURPOSE_LENGTH = 64;

    /// A BabyJubJub key as core/public-key.ts accepts one: on the curve, not the identity, in the prime-order subgroup.
    function issuerKeyValid(uint256 ax, uint256 ay) external pure returns (bool) {
        return Bn254.onBabyJubJub(ax, ay) && !(ax == 0 && ay == 1) && BabyJubJub.inSubgroup(ax, ay);
    }

    /**
     * Whether `purpose` is "" or a core/request.ts purpose label, and the nullifier scope field of
     * (publicKey, purpose), derived exactly as core/request.ts does: hashToField("scope",
     * "medzk-verifier:<key hex>[/<purpose>]"), that is SHA-256 of "medzk/scope\0" and the scope, first 31 bytes.
     */
    function purposeScope(bytes32 publicKey, string calldata purpose) external pure returns (bool valid, uint256 scope) {
        if (!_validPurpose(purpose)) return (false, 0);
        string memory base = string.concat("medzk/scope\x00medzk-verifier:", _hex(publicKey));
        string memory full = bytes(purpose).length == 0 ? base : string.concat(base, "/", purpose);
        return (true, uint256(sha256(bytes(full))) >> 8);
    }

    /// Lowercase hex of 32 bytes, as core/request.ts spells a verifier key in its scope.
    function _hex(bytes32 value) private pure returns (string memory) {
        bytes memory out = new bytes(64);
        bytes16 digits = "0123456789abcdef";
        for (uint256 i = 0; i < 32; i++) {
            out[2 * i] = digits[uint8(value[i]) >> 4];
            out[2 * i + 1] = digits[uint8(value[i]) & 0x0f];
        }
        return string(out);
    }

    /// "" (requests without a purpose) or core/request.ts checkPurpose: 1-64 of A-Z a-z 0-9 . _ -
    function _validPurpose(string calldata purpose) private pure returns (bool) {
        bytes calldata b = bytes(purpose);
        if (b.length > MAX_PURPOSE_LENGTH) return false;
        for (uint256 i = 0; i < b.length; i++) {
            bytes1 ch = b[i];
            bool ok = (ch >= "A" && ch <= "Z") || (ch >= "a" && ch <= "z") || (ch >= "0" && ch <= "9") || ch == "." || ch == "_"
                || ch == "-";
            if (!ok) return false;
        }
        return true;
    }
}
