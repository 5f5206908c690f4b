// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {MemberStatus} from "../types/AidTypes.sol";

/// @title A time bank: volunteers' minutes of service, kept in double entry.
/// @notice Licensed coordinators (`LicenceKind.Coordinator`) admit members (a pseudonymous reference with a
/// bound wallet) and set each member's credit limit. A service counts once its recipient confirms it: in the
/// same transaction as its log, by an EIP-712 signature ({recordService}); later, from the recipient's wallet
/// ({confirmService}); or by a coordinator for a recipient who cannot ({confirmByCoordinator}), who may also
/// have the community pool pay for it ({payFromPool}). Every confirmed service moves its minutes from the payer
/// (the recipient or the pool) to the giver, so the sum of all members' balances and the pool is always zero.
/// A member's balance may go below zero only down to its credit limit, and only by receiving services.
/// Credit is not a currency: it moves only by these rules and by donations of earned credit to a member or the
/// pool; there is no transfer, approval or sale.
/// Every change of a balance emits {ServiceConfirmed} or {CreditDonated}, and a rebind {MemberWalletRebound}: an
/// auditor rebuilds every account, and the pool, from those three events alone.
interface ITimeBank {
    /// @notice A member's account, one storage slot.
    /// @param balance Minutes earned less minutes received and donated; may be negative down to `-creditLimit`.
    /// @param creditLimit How far below zero the member may go, in minutes.
    /// @param nonce The next nonce a confirmation signed by this member, as recipient, must carry.
    /// @param logs How many services this member logged for later confirmation (names its pending services).
    /// @param status Active, suspended or removed.
    struct Account {
        int64 balance;
        uint32 creditLimit;
        uint64 nonce;
        uint32 logs;
        MemberStatus status;
    }

    /// @notice A service as its recipient signs it for {recordService}; the giver is the sender.
    /// @param recipient The member who received the service and pays for it.
    /// @param duration Length of the service, in minutes.
    /// @param category The kind of service (the gateway's catalogue: care, tutoring, transport, ...).
    /// @param evidenceHash Optional hash of evidence kept off chain (an IPFS CID digest); zero if none.
    /// @param nonce The recipient's current nonce ({accountOf}).
    /// @param deadline Last second the confirmation may be used.
    struct Service {
        address recipient;
        uint32 duration;
        uint8 category;
        bytes32 evidenceHash;
        uint64 nonce;
        uint40 deadline;
    }

    /// @notice A service logged and not yet confirmed (zeroed once confirmed).
    struct PendingService {
        address giver;
        uint32 duration;
        uint8 category;
        address recipient;
    }

    /// @notice The caller holds no active coordinator licence.
    error CoordinatorUnauthorized(address caller);
    /// @notice A coordinator cannot confirm a service it gave.
    error CoordinatorNotIndependent(bytes32 serviceId, address coordinator);
    /// @notice The member reference or wallet is zero.
    error MemberInvalid(bytes32 memberRef, address wallet);
    /// @notice The reference already names a member (a removed one included: references are never reused).
    error MemberRefTaken(bytes32 memberRef);
    /// @notice The wallet is already bound to a member (a removed one included).
    error MemberWalletTaken(address wallet);
    /// @notice The member is not in the status the action needs.
    error MemberStatusInvalid(address wallet, MemberStatus status);
    /// @notice A service of zero minutes, or a donation of zero minutes.
    error MinutesZero();
    /// @notice The giver and the recipient (or donor and beneficiary of a donation) are the same member.
    error SelfService(address member);
    /// @notice No pending service has this id (never logged, or already confirmed).
    error ServiceUnknown(bytes32 serviceId);
    /// @notice Only the service's recipient can confirm it from its wallet.
    error ServiceConfirmerInvalid(bytes32 serviceId, address caller);
    /// @notice The payer would go below its credit limit.
    error CreditLimitExceeded(address member, int256 balanceAfter, uint32 creditLimit);
    /// @notice A member can donate only credit it has earned: its balance would go below zero.
    error DonationExceedsCredit(address member, int64 balance, uint32 duration);
    /// @notice The community pool holds fewer minutes than the service.
    error PoolInsufficient(uint64 pool, uint32 duration);
    /// @notice The confirmation's deadline has passed.
    error ConfirmationExpired(uint40 deadline);
    /// @notice The confirmation's nonce is not the recipient's current nonce (used already, or ahead).
    error ConfirmationNonceInvalid(uint64 expected, uint64 given);
    /// @notice The signature is not the recipient's (ECDSA, or ERC-1271 for a contract wallet); `signer` is
    /// the recovered ECDSA signer, zero if none.
    error ConfirmationSignatureInvalid(address signer);

    /// @notice Emitted when a coordinator admits a member.
    event MemberAdmitted(
        address indexed wallet,
        bytes32 indexed memberRef,
        uint32 creditLimit,
        address indexed coordinator
    );
    /// @notice Emitted when a coordinator sets a member's credit limit.
    event CreditLimitSet(address indexed wallet, uint32 creditLimit, address indexed coordinator);
    /// @notice Emitted when a member's status changes (suspended, reinstated or removed).
    event MemberStatusChanged(address indexed wallet, MemberStatus status, address indexed coordinator);
    /// @notice Emitted when a member's account moves whole (balance, limit, nonce, status) to a new wallet; the
    /// old wallet is left removed and empty.
    event MemberWalletRebound(
        bytes32 indexed memberRef,
        address indexed oldWallet,
        address indexed newWallet,
        address coordinator
    );
    /// @notice Emitted when a service is logged, by {logService} (then pending) or {recordService} (then
    /// confirmed in the same transaction). It moves no credit.
    event ServiceLogged(
        bytes32 indexed serviceId,
        address indexed giver,
        address indexed recipient,
        uint32 duration,
        uint8 category,
        bytes32 evidenceHash
    );
    /// @notice Emitted when a service is confirmed: `minutes` moved from `payer` to `giver`. `payer` is the
    /// recipient, or zero when the community pool paid. `confirmedBy` is the recipient or the coordinator.
    event ServiceConfirmed(
        bytes32 indexed serviceId,
        address indexed giver,
        address indexed payer,
        uint32 duration,
        address confirmedBy
    );
    /// @notice Emitted when a member donates earned credit: `minutes` moved from `donor` to `beneficiary`, or
    /// to the community pool when `beneficiary` is zero.
    event CreditDonated(address indexed donor, address indexed beneficiary, uint32 duration);

    /// @notice Admits a member with a credit limit.
    /// @dev Requires an active coordinator licence, a non-zero reference and wallet, neither bound before
    /// (`MemberRefTaken`, `MemberWalletTaken`). Emits {MemberAdmitted}.
    function admitMember(bytes32 memberRef, address wallet, uint32 creditLimit) external;

    /// @notice Sets a member's credit limit; a lower limit than its debt only stops further debt.
    /// @dev Requires an active coordinator licence and an active or suspended member. Emits {CreditLimitSet}.
    function setCreditLimit(address wallet, uint32 creditLimit) external;

    /// @notice Suspends an active member: it can neither give, receive, confirm nor donate until reinstated.
    /// @dev Requires an active coordinator licence and an active member. Emits {MemberStatusChanged}.
    function suspendMember(address wallet) external;

    /// @notice Reinstates a suspended member.
    /// @dev Requires an active coordinator licence and a suspended member. Emits {MemberStatusChanged}.
    function reinstateMember(address wallet) external;

    /// @notice Removes a member for good. Its balance stays on the books (the zero sum keeps it); its
    /// reference and wallet can never be bound again.
    /// @dev Requires an active coordinator licence and an active or suspended member. Emits {MemberStatusChanged}.
    function removeMember(address wallet) external;

    /// @notice Moves a member whose wallet was lost or compromised to a new wallet, with its whole account. The
    /// old wallet can never be bound again; services pending with it can no longer be confirmed (log them again),
    /// and confirmations it signed are refused, since it is no longer an active member.
    /// @dev Requires an active coordinator licence, an active or suspended member and a new wallet never bound
    /// (`MemberInvalid` if zero, `MemberWalletTaken`). Emits {MemberWalletRebound}.
    function rebindWallet(address wallet, address newWallet) external;

    /// @notice Logs, and confirms at once, a service the sender gave: the recipient's EIP-712 signature of
    /// `ServiceConfirmation(address giver,address recipient,uint32 duration,uint8 category,bytes32 evidenceHash,
    /// uint64 nonce,uint40 deadline)` is the confirmation. Uses the recipient's nonce.
    /// @dev Requires both to be active members, distinct (`SelfService`), `minutes > 0`, an unexpired deadline,
    /// the recipient's current nonce and its signature (ECDSA with low s, or ERC-1271), and the recipient's
    /// balance to stay within its limit. Emits {ServiceLogged} and {ServiceConfirmed}.
    /// @return serviceId The EIP-712 digest of the confirmation.
    function recordService(
        Service calldata service,
        bytes calldata signature
    ) external returns (bytes32 serviceId);

    /// @notice Logs a service the sender gave, to be confirmed later by its recipient or a coordinator.
    /// @dev Requires both to be active members, distinct, and `minutes > 0`. Emits {ServiceLogged}.
    /// @return serviceId `keccak256(abi.encode(giver, n))` where `n` counts the giver's earlier logs.
    function logService(
        address recipient,
        uint32 duration,
        uint8 category,
        bytes32 evidenceHash
    ) external returns (bytes32 serviceId);

    /// @notice The recipient of a logged service confirms it from its wallet: the minutes move to the giver.
    /// @dev Requires a pending service whose recipient is the sender (`ServiceConfirmerInvalid`), both
    /// members active and the recipient's limit kept. Emits {ServiceConfirmed}.
    function confirmService(bytes32 serviceId) external;

    /// @notice A coordinator confirms logged services for recipients who cannot; each recipient pays.
    /// @dev Requires an active coordinator licence; for each service, that it is pending, that the coordinator
    /// did not give it, that both members are active and the recipient's limit is kept. All or none.
    /// Emits {ServiceConfirmed} per service.
    function confirmByCoordinator(bytes32[] calldata serviceIds) external;

    /// @notice A coordinator confirms logged services to recipients who cannot pay (beneficiaries of a
    /// programme, by the coordinator's decision): the community pool pays the giver.
    /// @dev As {confirmByCoordinator}, but the pool must hold the minutes (`PoolInsufficient`) and the
    /// recipient's balance is untouched. Emits {ServiceConfirmed} with `payer` zero per service.
    function payFromPool(bytes32[] calldata serviceIds) external;

    /// @notice Donates earned credit to another member (`beneficiary`) or to the community pool (zero).
    /// @dev Requires the sender and the beneficiary to be active members, distinct, `minutes > 0` and the
    /// sender's balance to stay at or above zero. Emits {CreditDonated}.
    function donate(address beneficiary, uint32 duration) external;

    /// @notice A member's account (zeroed if none).
    function accountOf(address wallet) external view returns (Account memory);

    /// @notice The wallet bound to a member reference (zero if none).
    function walletOf(bytes32 memberRef) external view returns (address);

    /// @notice The member reference bound to a wallet (zero if none).
    function memberRefOf(address wallet) external view returns (bytes32);

    /// @notice A logged service awaiting confirmation (zeroed if none).
    function pendingService(bytes32 serviceId) external view returns (PendingService memory);

    /// @notice Minutes held by the community pool; never negative.
    function poolBalance() external view returns (uint64);

    /// @notice The EIP-712 digest the recipient signs for {recordService} when `giver` gave `service`.
    function confirmationDigest(address giver, Service calldata service) external view returns (bytes32);
}
