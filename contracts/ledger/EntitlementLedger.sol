// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";
import {IERC1155MetadataURI} from "@openzeppelin/contracts/token/ERC1155/extensions/IERC1155MetadataURI.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IEntitlementLedger} from "../interfaces/IEntitlementLedger.sol";
import {GiftEscrow} from "./GiftEscrow.sol";
import {LicenceKind} from "../types/AidTypes.sol";
import {entitlementIdOf, householdAccountOf} from "../types/HouseholdAccounts.sol";

/// @title EntitlementLedger
/// @notice Coverage records are keyed by `(scope, household account, period, index)`: the scope is the
/// exclusivity group (or the programme itself when it has none) and `index < cap`. One record packs
/// `programmeId (32) | receipt nonces used (32) | amount (96) | redeemed (96)`, so issuing writes exactly one
/// new slot per household, and a redemption's replay guard is a bit of the record it updates anyway.
/// The record is also the ERC-1155 balance of the household's account (see `householdAccountOf`) for the id
/// `programmeId << 32 | period`: every change of a record emits the matching TransferSingle, so balances
/// rebuilt from events equal `balanceOf` for every account at every block. Members' wallets hold nothing.
abstract contract EntitlementLedger is IEntitlementLedger, GiftEscrow {
    /// @inheritdoc IEntitlementLedger
    uint256 public constant MAX_ISSUE_BATCH = 500;

    /// @dev Where a coverage record keeps its 32 receipt nonce bits.
    uint256 private constant _USED_NONCES_SHIFT = 32;

    /// @dev Scopes of group-less programmes live above every group id.
    uint256 private constant _PROGRAMME_SCOPE = 1 << 255;

    struct Round {
        bytes32 root;
        uint64 programmeId;
        uint32 period;
        uint96 total;
        uint96 claimed;
    }

    /// @dev Coverage records live at raw slots `keccak256(namespace, scope, householdAccount, period, index)`
    /// rather than in a mapping, which would hash the key a second time on every issuance (ERC-7201 style).
    bytes32 private constant _COVERAGE_NAMESPACE = keccak256("sintech.ledger.coverage");
    uint256 private _roundCount;
    mapping(uint256 roundId => Round) private _rounds;

    /// @inheritdoc IEntitlementLedger
    function issueBatch(
        uint256 programmeId,
        bytes32[] calldata beneficiaryRefs,
        bytes32[] calldata householdRefs,
        uint96 amount
    ) external {
        uint256 size = beneficiaryRefs.length;
        if (size == 0 || size > MAX_ISSUE_BATCH || householdRefs.length != size) {
            revert IssuanceBatchInvalid(size, MAX_ISSUE_BATCH);
        }
        Programme storage p = _requireRunning(programmeId);
        _requireCharity(programmeId);
        if (amount == 0 || amount > p.capPerPeriod) revert IssuanceAmountInvalid(amount, p.capPerPeriod);
        uint32 groupId = p.groupId;
        (uint8 cap, uint96 minEntitlement) = _scopeRules(groupId, msg.sender);
        if (amount < minEntitlement) revert EntitlementBelowGroupMinimum(amount, minEntitlement);
        uint32 period = _roll(programmeId, p);
        uint256 total = uint256(amount) * size;
        _reserve(programmeId, total);

        uint256 scope = _scope(programmeId, groupId);
        uint256 id = entitlementIdOf(programmeId, period);
        address[] memory accounts = _registry.activeHouseholdsIn(beneficiaryRefs, householdRefs);
        for (uint256 i; i < size; ++i) {
            address account = accounts[i];
            if (account == address(0)) revert BeneficiaryIneligible(beneficiaryRefs[i]);
            _cover(programmeId, groupId, scope, cap, householdRefs[i], account, period, amount);
            emit TransferSingle(msg.sender, address(0), account, id, amount);
        }
    }

    /// @inheritdoc IEntitlementLedger
    function publishRound(
        uint256 programmeId,
        bytes32 root,
        uint96 total,
        uint32 count,
        string calldata uri_
    ) external returns (uint256 roundId) {
        Programme storage p = _requireRunning(programmeId);
        _requireCharity(programmeId);
        if (root == 0 || total == 0 || count == 0) revert RoundInvalid();
        uint32 period = _roll(programmeId, p);
        _reserve(programmeId, total);
        roundId = ++_roundCount;
        _rounds[roundId] = Round(root, uint64(programmeId), period, total, 0);
        emit RoundPublished(roundId, programmeId, period, root, total, count, uri_);
    }

    /// @inheritdoc IEntitlementLedger
    function claim(
        uint256 roundId,
        bytes32 beneficiaryRef,
        bytes32 householdRef,
        uint96 amount,
        bytes32[] calldata proof
    ) external {
        Round storage r = _rounds[roundId];
        if (r.root == 0) revert RoundUnknown(roundId);
        uint256 programmeId = r.programmeId;
        Programme storage p = _requireRunning(programmeId);
        uint32 period = _roll(programmeId, p);
        if (period != r.period) revert RoundExpired(roundId, r.period);

        address wallet = _registry.activeWalletIn(beneficiaryRef, householdRef);
        if (wallet == address(0)) revert BeneficiaryIneligible(beneficiaryRef);
        if (msg.sender != wallet && !_licences.isActive(msg.sender, LicenceKind.Registrar)) {
            revert ClaimCallerInvalid(msg.sender);
        }
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(beneficiaryRef, householdRef, amount))));
        if (!MerkleProof.verifyCalldata(proof, r.root, leaf))
            revert ClaimProofInvalid(roundId, beneficiaryRef);
        if (amount == 0 || amount > p.capPerPeriod) revert IssuanceAmountInvalid(amount, p.capPerPeriod);
        uint32 groupId = p.groupId;
        (uint8 cap, uint96 minEntitlement) = _scopeRules(groupId, p.charity);
        if (amount < minEntitlement) revert EntitlementBelowGroupMinimum(amount, minEntitlement);
        uint256 claimed = uint256(r.claimed) + amount;
        if (claimed > r.total) revert RoundOverclaimed(roundId, r.total);
        r.claimed = uint96(claimed);

        address account = householdAccountOf(householdRef);
        _cover(
            programmeId,
            groupId,
            _scope(programmeId, groupId),
            cap,
            householdRef,
            account,
            period,
            amount
        );
        emit RoundClaimed(roundId, householdRef, beneficiaryRef, amount);
        emit TransferSingle(msg.sender, address(0), account, entitlementIdOf(programmeId, period), amount);
    }

    /// @inheritdoc IEntitlementLedger
    function coverageOf(
        uint256 programmeId,
        bytes32 householdRef,
        uint32 period
    ) public view returns (uint96 amount, uint96 redeemed) {
        Programme storage p = _requireProgramme(programmeId);
        (, uint256 record) = _findCoverage(programmeId, p.groupId, householdAccountOf(householdRef), period);
        return (uint96(record >> 64), uint96(record >> 160));
    }

    /// @inheritdoc IEntitlementLedger
    function coveragesInScope(
        uint256 programmeId,
        bytes32 householdRef,
        uint32 period
    ) external view returns (Coverage[] memory coverages) {
        uint32 groupId = _requireProgramme(programmeId).groupId;
        uint256 scope = _scope(programmeId, groupId);
        address account = householdAccountOf(householdRef);
        // Up to the largest cap, not the current one: coverages from before a lowered cap stay visible.
        uint256 cap = MAX_GROUP_CAP;
        Coverage[] memory found = new Coverage[](cap);
        uint256 used;
        for (; used < cap; ++used) {
            uint256 record = _loadCoverage(_coverageKey(scope, account, period, used));
            if (record == 0) break;
            found[used] = Coverage(uint32(record), uint96(record >> 64), uint96(record >> 160));
        }
        coverages = new Coverage[](used);
        for (uint256 i; i < used; ++i) coverages[i] = found[i];
    }

    /// @inheritdoc IEntitlementLedger
    function round(
        uint256 roundId
    ) external view returns (bytes32 root, uint256 programmeId, uint32 period, uint96 total, uint96 claimed) {
        Round storage r = _rounds[roundId];
        if (r.root == 0) revert RoundUnknown(roundId);
        return (r.root, r.programmeId, r.period, r.total, r.claimed);
    }

    /// @inheritdoc IEntitlementLedger
    function entitlementId(uint256 programmeId, uint32 period) external pure returns (uint256) {
        return entitlementIdOf(programmeId, period);
    }

    /// @inheritdoc IEntitlementLedger
    function householdAccount(bytes32 householdRef) external pure returns (address) {
        return householdAccountOf(householdRef);
    }

    // ---- ERC-1155 face: balances are read from coverage; nothing moves except by issuance and redemption ----

    /// @notice What is left of the entitlement `id` (`programmeId << 32 | period`) of the household whose
    /// account is `account`: issued minus redeemed, whether or not the period is still redeemable.
    /// @dev Only household accounts hold entitlements; a member's wallet holds none.
    function balanceOf(address account, uint256 id) public view returns (uint256) {
        uint256 programmeId = id >> 32;
        Programme storage p = _programmes[programmeId];
        if (p.charity == address(0)) return 0;
        (, uint256 record) = _findCoverage(programmeId, p.groupId, account, uint32(id));
        return uint96(record >> 64) - uint96(record >> 160);
    }

    /// @inheritdoc IERC1155
    function balanceOfBatch(
        address[] calldata accounts,
        uint256[] calldata ids
    ) external view returns (uint256[] memory balances) {
        if (accounts.length != ids.length) revert IssuanceBatchInvalid(accounts.length, ids.length);
        balances = new uint256[](accounts.length);
        for (uint256 i; i < accounts.length; ++i) balances[i] = balanceOf(accounts[i], ids[i]);
    }

    /// @inheritdoc IERC1155MetadataURI
    function uri(uint256 id) external view returns (string memory) {
        return string.concat("ipfs://", _requireProgramme(id >> 32).metadataCid);
    }

    /// @inheritdoc IERC1155
    function setApprovalForAll(address, bool) external pure {
        revert EntitlementNotTransferable();
    }

    /// @inheritdoc IERC1155
    function isApprovedForAll(address, address) external pure returns (bool) {
        return false;
    }

    /// @inheritdoc IERC1155
    function safeTransferFrom(address, address, uint256, uint256, bytes calldata) external pure {
        revert EntitlementNotTransferable();
    }

    /// @inheritdoc IERC1155
    function safeBatchTransferFrom(
        address,
        address,
        uint256[] calldata,
        uint256[] calldata,
        bytes calldata
    ) external pure {
        revert EntitlementNotTransferable();
    }

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) public pure virtual returns (bool) {
        return
            interfaceId == type(IERC1155).interfaceId ||
            interfaceId == type(IERC1155MetadataURI).interfaceId ||
            interfaceId == type(IERC165).interfaceId;
    }

    // ---- internals shared with redemption ----

    /// @dev Redeems `amount` from the household's coverage of `period` under receipt nonce bit `nonceBit`, if
    /// enough is left and the bit is unused; returns what was left and the bits used before, whichever way.
    function _consume(
        uint256 programmeId,
        uint32 groupId,
        address account,
        uint32 period,
        uint256 amount,
        uint256 nonceBit
    ) internal returns (uint256 remaining, uint256 usedNonces) {
        (bytes32 key, uint256 record) = _findCoverage(programmeId, groupId, account, period);
        uint256 redeemed = uint96(record >> 160);
        remaining = uint96(record >> 64) - redeemed;
        usedNonces = uint32(record >> _USED_NONCES_SHIFT);
        if (remaining >= amount && usedNonces & nonceBit == 0) {
            // `redeemed + amount <= amount issued`, which fits 96 bits.
            uint256 kept = record & ((1 << 160) - 1);
            _storeCoverage(key, kept | (nonceBit << _USED_NONCES_SHIFT) | ((redeemed + amount) << 160));
        }
    }

    /// @dev The receipt nonce bits the household used, and the amount it redeemed, in the programme's coverage
    /// of `period` (zeros if it has none).
    function _receiptState(
        uint256 programmeId,
        uint32 groupId,
        address account,
        uint32 period
    ) internal view returns (uint256 usedNonces, uint256 redeemed) {
        (, uint256 record) = _findCoverage(programmeId, groupId, account, period);
        return (uint32(record >> _USED_NONCES_SHIFT), uint96(record >> 160));
    }

    /// @dev Commits `total` of the free budget to the current period.
    function _reserve(uint256 programmeId, uint256 total) private {
        Budget storage budget = _budgets[programmeId];
        uint256 free = budget.free;
        if (total > free) revert BudgetInsufficient(free, total);
        // `total <= free`, and `free + outstanding <= given`, a uint128.
        unchecked {
            budget.free = uint128(free - total);
            _books[programmeId].outstanding += uint128(total);
        }
    }

    /// @dev Writes the household's cover in the first free place of its scope, below the cap. A place held by
    /// another programme that has ended with nothing redeemed is free again: its unredeemable balance is burned
    /// (with its TransferSingle), so a programme the regulator closed no longer blocks the households it
    /// covered. The covers that still count must leave room under the cap: after the regulator lowered it,
    /// they may fill it beyond a place that is free again. The scan for the programme's own cover runs to the
    /// largest cap, as records fill in order.
    function _cover(
        uint256 programmeId,
        uint32 groupId,
        uint256 scope,
        uint8 cap,
        bytes32 householdRef,
        address account,
        uint32 period,
        uint96 amount
    ) private {
        uint256 newRecord = programmeId | (uint256(amount) << 64);
        bytes32 key = _coverageKey(scope, account, period, 0);
        uint256 record = _loadCoverage(key);
        // The household's first cover in the scope this period: the common case, kept short.
        if (record == 0) return _storeCoverage(key, newRecord);
        bytes32 freeKey;
        uint256 freed;
        // Covers that still count: only a cap lowered below the records held lets them reach it.
        uint256 counted;
        for (uint256 i; i < MAX_GROUP_CAP; ++i) {
            if (i != 0) {
                key = _coverageKey(scope, account, period, i);
                record = _loadCoverage(key);
            }
            if (record == 0) {
                if (freeKey == 0 && i < cap) freeKey = key;
                break;
            }
            uint256 holder = uint32(record);
            if (holder == programmeId) revert HouseholdAlreadyCovered(groupId, householdRef, period);
            // Nothing redeemed (so no receipt of it can be disputed) and its programme has ended: reusable.
            if (record >> 160 == 0 && block.timestamp >= _programmes[holder].endsAt) {
                if (freeKey == 0 && i < cap) {
                    freeKey = key;
                    freed = record;
                }
            } else {
                ++counted;
            }
        }
        if (freeKey == 0 || counted >= cap) revert HouseholdAlreadyCovered(groupId, householdRef, period);
        if (freed != 0) {
            emit TransferSingle(
                msg.sender,
                account,
                address(0),
                entitlementIdOf(uint32(freed), period),
                uint96(freed >> 64)
            );
        }
        _storeCoverage(freeKey, newRecord);
    }

    function _findCoverage(
        uint256 programmeId,
        uint32 groupId,
        address account,
        uint32 period
    ) private view returns (bytes32 key, uint256 record) {
        uint256 scope = _scope(programmeId, groupId);
        // Records fill indices in order, so the scan stops at the first empty one. Its bound is the largest
        // cap, not the current one, so a coverage written before the regulator lowered the cap stays
        // readable and redeemable.
        for (uint256 i; i < MAX_GROUP_CAP; ++i) {
            key = _coverageKey(scope, account, period, i);
            record = _loadCoverage(key);
            if (record == 0) break;
            if (uint32(record) == programmeId) return (key, record);
        }
        return (0, 0);
    }

    function _scope(uint256 programmeId, uint32 groupId) private pure returns (uint256) {
        return groupId == 0 ? _PROGRAMME_SCOPE | programmeId : groupId;
    }

    function _coverageKey(
        uint256 scope,
        address account,
        uint32 period,
        uint256 index
    ) private pure returns (bytes32 key) {
        bytes32 namespace = _COVERAGE_NAMESPACE;
        // Hashing five words in scratch memory past the free pointer avoids abi.encode's allocation.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, namespace)
            mstore(add(ptr, 0x20), scope)
            mstore(add(ptr, 0x40), account)
            mstore(add(ptr, 0x60), period)
            mstore(add(ptr, 0x80), index)
            key := keccak256(ptr, 0xa0)
        }
    }

    function _loadCoverage(bytes32 key) private view returns (uint256 record) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            record := sload(key)
        }
    }

    function _storeCoverage(bytes32 key, uint256 record) private {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            sstore(key, record)
        }
    }
}
