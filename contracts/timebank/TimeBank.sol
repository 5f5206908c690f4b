// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ITimeBank} from "../interfaces/ITimeBank.sol";
import {ILicenceRegistry} from "../interfaces/ILicenceRegistry.sol";
import {LicenceKind, MemberStatus} from "../types/AidTypes.sol";

/// @title TimeBank
/// @notice A member's balance, limit, status and confirmation nonce share one slot, so a signed service
/// (log and confirmation in one transaction) writes two slots: the giver's and the recipient's. The replay
/// guard is the recipient's sequential nonce in that slot; a logged service's guard is its pending record,
/// deleted when confirmed.
contract TimeBank is ITimeBank, EIP712 {
    bytes32 private constant _CONFIRMATION_TYPEHASH = keccak256(
        "ServiceConfirmation(address giver,address recipient,uint32 duration,uint8 category,bytes32 evidenceHash,"
        "uint64 nonce,uint40 deadline)"
    );

    ILicenceRegistry private immutable _licences;

    mapping(address wallet => Account) private _accounts;
    mapping(bytes32 memberRef => address wallet) private _wallets;
    mapping(address wallet => bytes32 memberRef) private _memberRefs;
    mapping(bytes32 serviceId => PendingService) private _pending;
    uint64 private _pool;

    modifier onlyCoordinator() {
        if (!_licences.isActive(msg.sender, LicenceKind.Coordinator))
            revert CoordinatorUnauthorized(msg.sender);
        _;
    }

    /// @param licences The licence registry whose `Coordinator` licences admit members and confirm for them.
    constructor(ILicenceRegistry licences) EIP712("Sin Tech TimeBank", "1") {
        _licences = licences;
    }

    /// @inheritdoc ITimeBank
    function admitMember(bytes32 memberRef, address wallet, uint32 creditLimit) external onlyCoordinator {
        if (memberRef == bytes32(0) || wallet == address(0)) revert MemberInvalid(memberRef, wallet);
        if (_wallets[memberRef] != address(0)) revert MemberRefTaken(memberRef);
        if (_accounts[wallet].status != MemberStatus.None) revert MemberWalletTaken(wallet);
        _wallets[memberRef] = wallet;
        _memberRefs[wallet] = memberRef;
        _accounts[wallet] = Account({
            balance: 0,
            creditLimit: creditLimit,
            nonce: 0,
            logs: 0,
            status: MemberStatus.Active
        });
        emit MemberAdmitted(wallet, memberRef, creditLimit, msg.sender);
    }

    /// @inheritdoc ITimeBank
    function setCreditLimit(address wallet, uint32 creditLimit) external onlyCoordinator {
        Account storage account = _accounts[wallet];
        MemberStatus status = account.status;
        if (status != MemberStatus.Active && status != MemberStatus.Suspended) {
            revert MemberStatusInvalid(wallet, status);
        }
        account.creditLimit = creditLimit;
        emit CreditLimitSet(wallet, creditLimit, msg.sender);
    }

    /// @inheritdoc ITimeBank
    function suspendMember(address wallet) external onlyCoordinator {
        _changeStatus(wallet, MemberStatus.Active, MemberStatus.Active, MemberStatus.Suspended);
    }

    /// @inheritdoc ITimeBank
    function reinstateMember(address wallet) external onlyCoordinator {
        _changeStatus(wallet, MemberStatus.Suspended, MemberStatus.Suspended, MemberStatus.Active);
    }

    /// @inheritdoc ITimeBank
    function removeMember(address wallet) external onlyCoordinator {
        _changeStatus(wallet, MemberStatus.Active, MemberStatus.Suspended, MemberStatus.Removed);
    }

    /// @inheritdoc ITimeBank
    function rebindWallet(address wallet, address newWallet) external onlyCoordinator {
        Account memory account = _accounts[wallet];
        if (account.status != MemberStatus.Active && account.status != MemberStatus.Suspended) {
            revert MemberStatusInvalid(wallet, account.status);
        }
        bytes32 memberRef = _memberRefs[wallet];
        if (newWallet == address(0)) revert MemberInvalid(memberRef, newWallet);
        if (_accounts[newWallet].status != MemberStatus.None) revert MemberWalletTaken(newWallet);
        _accounts[newWallet] = account;
        // The old wallet keeps only its `Removed` status, so that it is never bound again.
        _accounts[wallet] = Account({
            balance: 0,
            creditLimit: 0,
            nonce: 0,
            logs: 0,
            status: MemberStatus.Removed
        });
        _wallets[memberRef] = newWallet;
        _memberRefs[newWallet] = memberRef;
        delete _memberRefs[wallet];
        emit MemberWalletRebound(memberRef, wallet, newWallet, msg.sender);
    }

    /// @inheritdoc ITimeBank
    function recordService(
        Service calldata service,
        bytes calldata signature
    ) external returns (bytes32 serviceId) {
        if (block.timestamp > service.deadline) revert ConfirmationExpired(service.deadline);
        address recipient = service.recipient;
        uint32 duration = service.duration;
        Account storage giverAccount = _requireParties(msg.sender, recipient, duration);
        Account storage recipientAccount = _accounts[recipient];
        uint64 nonce = recipientAccount.nonce;
        if (service.nonce != nonce) revert ConfirmationNonceInvalid(nonce, service.nonce);
        serviceId = _hashTypedDataV4(_hashConfirmation(msg.sender, service));
        _requireSignature(recipient, serviceId, signature);
        // Nonces count a member's confirmations: 2^64 of them are out of reach.
        unchecked {
            recipientAccount.nonce = nonce + 1;
        }
        _debit(recipient, recipientAccount, duration);
        _credit(giverAccount, duration);
        emit ServiceLogged(
            serviceId,
            msg.sender,
            recipient,
            duration,
            service.category,
            service.evidenceHash
        );
        emit ServiceConfirmed(serviceId, msg.sender, recipient, duration, recipient);
    }

    /// @inheritdoc ITimeBank
    function logService(
        address recipient,
        uint32 duration,
        uint8 category,
        bytes32 evidenceHash
    ) external returns (bytes32 serviceId) {
        Account storage giverAccount = _requireParties(msg.sender, recipient, duration);
        uint32 logs = giverAccount.logs;
        serviceId = keccak256(abi.encode(msg.sender, logs));
        giverAccount.logs = logs + 1;
        _pending[serviceId] = PendingService({
            giver: msg.sender,
            duration: duration,
            category: category,
            recipient: recipient
        });
        emit ServiceLogged(serviceId, msg.sender, recipient, duration, category, evidenceHash);
    }

    /// @inheritdoc ITimeBank
    function confirmService(bytes32 serviceId) external {
        PendingService storage pending = _pending[serviceId];
        address giver = pending.giver;
        if (giver == address(0)) revert ServiceUnknown(serviceId);
        if (pending.recipient != msg.sender) revert ServiceConfirmerInvalid(serviceId, msg.sender);
        _confirm(serviceId, pending, giver, false);
    }

    /// @inheritdoc ITimeBank
    function confirmByCoordinator(bytes32[] calldata serviceIds) external onlyCoordinator {
        _confirmAll(serviceIds, false);
    }

    /// @inheritdoc ITimeBank
    function payFromPool(bytes32[] calldata serviceIds) external onlyCoordinator {
        _confirmAll(serviceIds, true);
    }

    /// @inheritdoc ITimeBank
    function donate(address beneficiary, uint32 duration) external {
        if (duration == 0) revert MinutesZero();
        Account storage donor = _requireActive(msg.sender);
        int64 balance = donor.balance;
        if (balance < int64(uint64(duration))) revert DonationExceedsCredit(msg.sender, balance, duration);
        if (beneficiary == address(0)) {
            _pool += duration;
        } else {
            if (beneficiary == msg.sender) revert SelfService(msg.sender);
            _credit(_requireActive(beneficiary), duration);
        }
        // `balance >= duration`, checked above.
        unchecked {
            donor.balance = balance - int64(uint64(duration));
        }
        emit CreditDonated(msg.sender, beneficiary, duration);
    }

    /// @inheritdoc ITimeBank
    function accountOf(address wallet) external view returns (Account memory) {
        return _accounts[wallet];
    }

    /// @inheritdoc ITimeBank
    function walletOf(bytes32 memberRef) external view returns (address) {
        return _wallets[memberRef];
    }

    /// @inheritdoc ITimeBank
    function memberRefOf(address wallet) external view returns (bytes32) {
        return _memberRefs[wallet];
    }

    /// @inheritdoc ITimeBank
    function pendingService(bytes32 serviceId) external view returns (PendingService memory) {
        return _pending[serviceId];
    }

    /// @inheritdoc ITimeBank
    function poolBalance() external view returns (uint64) {
        return _pool;
    }

    /// @inheritdoc ITimeBank
    function confirmationDigest(address giver, Service calldata service) external view returns (bytes32) {
        return _hashTypedDataV4(_hashConfirmation(giver, service));
    }

    /// @dev Confirms each pending service of a coordinator's batch; the recipient pays, or the pool.
    function _confirmAll(bytes32[] calldata serviceIds, bool fromPool) private {
        for (uint256 i; i < serviceIds.length; ++i) {
            bytes32 serviceId = serviceIds[i];
            PendingService storage pending = _pending[serviceId];
            address giver = pending.giver;
            if (giver == address(0)) revert ServiceUnknown(serviceId);
            if (giver == msg.sender) revert CoordinatorNotIndependent(serviceId, msg.sender);
            _confirm(serviceId, pending, giver, fromPool);
        }
    }

    /// @dev Moves a pending service's minutes from its payer to its giver and deletes the record, which is
    /// what keeps it from being confirmed twice. Both members must still be active.
    function _confirm(
        bytes32 serviceId,
        PendingService storage pending,
        address giver,
        bool fromPool
    ) private {
        uint32 duration = pending.duration;
        address recipient = pending.recipient;
        delete _pending[serviceId];
        Account storage giverAccount = _requireActive(giver);
        Account storage recipientAccount = _requireActive(recipient);
        address payer = recipient;
        if (fromPool) {
            uint64 pool = _pool;
            if (pool < duration) revert PoolInsufficient(pool, duration);
            // `pool >= duration`, checked above.
            unchecked {
                _pool = pool - duration;
            }
            payer = address(0);
        } else {
            _debit(recipient, recipientAccount, duration);
        }
        _credit(giverAccount, duration);
        emit ServiceConfirmed(serviceId, giver, payer, duration, msg.sender);
    }

    /// @dev Takes `duration` from a payer, which may go below zero down to its credit limit.
    function _debit(address member, Account storage account, uint32 duration) private {
        int64 after_ = account.balance - int64(uint64(duration));
        uint32 limit = account.creditLimit;
        if (after_ < -int64(uint64(limit))) revert CreditLimitExceeded(member, after_, limit);
        account.balance = after_;
    }

    /// @dev Adds `duration` to a member's balance; checked, though 2^63 minutes are out of reach.
    function _credit(Account storage account, uint32 duration) private {
        account.balance += int64(uint64(duration));
    }

    /// @dev The giver's account, after checking that giver and recipient are distinct active members and the
    /// service lasts at least a minute.
    function _requireParties(
        address giver,
        address recipient,
        uint32 duration
    ) private view returns (Account storage giverAccount) {
        if (duration == 0) revert MinutesZero();
        if (giver == recipient) revert SelfService(giver);
        giverAccount = _requireActive(giver);
        _requireActive(recipient);
    }

    function _requireActive(address wallet) private view returns (Account storage account) {
        account = _accounts[wallet];
        MemberStatus status = account.status;
        if (status != MemberStatus.Active) revert MemberStatusInvalid(wallet, status);
    }

    /// @dev Moves a member from `from` or `orFrom` to `to`.
    function _changeStatus(address wallet, MemberStatus from, MemberStatus orFrom, MemberStatus to) private {
        Account storage account = _accounts[wallet];
        MemberStatus status = account.status;
        if (status != from && status != orFrom) revert MemberStatusInvalid(wallet, status);
        account.status = to;
        emit MemberStatusChanged(wallet, to, msg.sender);
    }

    /// @dev The recipient's ECDSA signature (OpenZeppelin's recovery refuses a high `s`), or its ERC-1271
    /// approval if it is a contract. The ECDSA check runs first, so a plain wallet pays no code lookup.
    function _requireSignature(address recipient, bytes32 digest, bytes calldata signature) private view {
        (address signer, ECDSA.RecoverError error, ) = ECDSA.tryRecoverCalldata(digest, signature);
        if (error == ECDSA.RecoverError.NoError && signer == recipient) return;
        if (
            recipient.code.length == 0 ||
            !SignatureChecker.isValidERC1271SignatureNowCalldata(recipient, digest, signature)
        ) revert ConfirmationSignatureInvalid(signer);
    }

    function _hashConfirmation(address giver, Service calldata s) private pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    _CONFIRMATION_TYPEHASH,
                    giver,
                    s.recipient,
                    s.duration,
                    s.category,
                    s.evidenceHash,
                    s.nonce,
                    s.deadline
                )
            );
    }
}
