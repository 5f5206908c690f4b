// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Layer} from "../types/AidTypes.sol";

/// @title Programmes and exclusivity groups.
/// @notice A licensed charity runs programmes in one layer and category, settled in one ERC-20 token.
/// The regulator defines exclusivity groups: across every programme of a group, whichever charity runs
/// it, a household is covered at most `maxCoverages` times per period. Joining a group is the regulator's
/// decision: a group is bound to a layer, a set of categories and a settlement token, only programmes that
/// match it and whose charity the regulator admitted may join, and every cover in it is worth at least the
/// group's `minEntitlement`. So no charity can occupy a household's place in a group it was not admitted to,
/// nor with a worthless token or a token amount.
interface IProgrammeBook {
    /// @notice Parameters of a new exclusivity group.
    /// @param categories Bit mask of the categories whose programmes may join (bit `c` for category `c`).
    /// @param token The settlement token every programme of the group must use; it gives `minEntitlement` its worth.
    /// @param minEntitlement Smallest amount one cover in the group may carry.
    struct ExclusivityGroupParams {
        Layer layer;
        uint256 categories;
        IERC20 token;
        uint32 periodLength;
        uint8 maxCoverages;
        uint96 minEntitlement;
    }

    /// @notice An exclusivity group as stored.
    struct ExclusivityGroup {
        uint32 periodLength;
        uint8 maxCoverages;
        Layer layer;
        uint96 minEntitlement;
        IERC20 token;
        uint256 categories;
    }

    /// @notice Parameters of a new programme.
    /// @param periodLength Seconds per entitlement period; must equal the group's when `groupId != 0`.
    /// @param capPerPeriod Most a household may be issued by this programme in one period.
    /// @param minGift Smallest gift accepted; `capPerPeriod / minGift` bounds the gift lots one payment touches.
    /// @param requiresFieldAgent Whether each redemption needs a field agent's co-signature.
    /// @param vendors Initially allowed vendors (at most `MAX_VENDORS_AT_CREATION`).
    struct ProgrammeParams {
        Layer layer;
        uint8 category;
        IERC20 token;
        uint32 periodLength;
        uint32 groupId;
        uint96 capPerPeriod;
        uint96 minGift;
        uint40 startsAt;
        uint40 endsAt;
        bool requiresFieldAgent;
        string metadataCid;
        address[] vendors;
    }

    /// @notice A programme as stored.
    struct Programme {
        address charity;
        uint40 startsAt;
        uint40 endsAt;
        Layer layer;
        uint8 category;
        IERC20 token;
        uint32 periodLength;
        uint32 groupId;
        bool paused;
        bool requiresFieldAgent;
        bool pausedByRegulator;
        uint96 capPerPeriod;
        uint96 minGift;
        string metadataCid;
    }

    /// @notice A programme's money, in settlement-token units. Every total is 128 bits wide on chain; single
    /// items (a gift, a cap, a receipt) are at most 96 bits.
    /// @param given Everything donors gave.
    /// @param paid Everything settled to vendors by redemptions, net of upheld disputes: `collected + owed`.
    /// @param refunded Everything returned to donors or reallocated at the programme's end.
    /// @param outstanding Entitlements live in the current period.
    /// @param available Escrow not yet committed: `given - paid - refunded - outstanding`.
    /// @param collected What vendors have collected of `paid`.
    /// @param owed What the ledger still holds for vendors, `paid - collected`: credit inside its dispute window,
    /// credit ready to collect, and `held`.
    /// @param held The part of `owed` that open flags hold back: an upheld flag returns it to `available`, a
    /// dismissed one releases it to the vendor. The ledger holds `given - refunded - collected` of the token.
    struct Funds {
        uint256 given;
        uint256 paid;
        uint256 refunded;
        uint256 outstanding;
        uint256 available;
        uint256 collected;
        uint256 owed;
        uint256 held;
    }

    /// @notice The caller does not act as the regulator.
    error RegulatorOnly(address caller);
    /// @notice The caller lacks an active charity licence for the layer and category.
    error CharityUnlicensed(address caller, Layer layer, uint8 category);
    /// @notice The caller is not the programme's charity.
    error ProgrammeCharityOnly(uint256 programmeId, address caller);
    /// @notice The caller is neither the programme's charity nor the regulator.
    error ProgrammeCharityOrRegulatorOnly(uint256 programmeId, address caller);
    /// @notice No programme has this id.
    error ProgrammeUnknown(uint256 programmeId);
    /// @notice Start and end do not form a future window.
    error ProgrammeWindowInvalid(uint40 startsAt, uint40 endsAt);
    /// @notice The period length is zero or differs from the exclusivity group's.
    error ProgrammePeriodInvalid(uint32 periodLength);
    /// @notice The cap is zero, the minimum gift is zero, or a capped payment could touch too many gift lots.
    error ProgrammeLimitsInvalid(uint96 capPerPeriod, uint96 minGift);
    /// @notice The settlement token is the zero address.
    error ProgrammeTokenZero();
    /// @notice Too many vendors in one call.
    error ProgrammeVendorsTooMany(uint256 count, uint256 max);
    /// @notice The programme is paused.
    error ProgrammeIsPaused(uint256 programmeId);
    /// @notice The programme has not started yet.
    error ProgrammeNotStarted(uint256 programmeId, uint40 startsAt);
    /// @notice The programme has ended.
    error ProgrammeHasEnded(uint256 programmeId, uint40 endsAt);
    /// @notice The programme is still running.
    error ProgrammeStillRunning(uint256 programmeId, uint40 endsAt);
    /// @notice The pause flag already has the requested value.
    error ProgrammePauseUnchanged(uint256 programmeId, bool paused);
    /// @notice A vendor address is zero or the allowlist already has the requested value.
    error VendorListUnchanged(uint256 programmeId, address vendor);
    /// @notice A regulator paused the programme: only a regulator lifts that pause.
    error ProgrammePausedByRegulator(uint256 programmeId);
    /// @notice No exclusivity group has this id.
    error ExclusivityGroupUnknown(uint32 groupId);
    /// @notice A group needs a period, a cap from 1 to `MAX_GROUP_CAP`, categories, a token and a minimum entitlement.
    error ExclusivityGroupInvalid(uint32 periodLength, uint8 maxCoverages);
    /// @notice The programme's layer, category or token is not the group's.
    error ExclusivityGroupMismatch(uint32 groupId);
    /// @notice The regulator has not admitted this charity to the group.
    error ExclusivityGroupAdmissionRequired(uint32 groupId, address charity);
    /// @notice The admission already has the requested value, or the charity is the zero address.
    error ExclusivityGroupAdmissionUnchanged(uint32 groupId, address charity);

    /// @notice Emitted when the regulator creates an exclusivity group.
    event ExclusivityGroupCreated(
        uint32 indexed groupId,
        Layer layer,
        uint256 categories,
        address token,
        uint32 periodLength,
        uint8 maxCoverages,
        uint96 minEntitlement
    );
    /// @notice Emitted when the regulator admits a charity to a group, or withdraws the admission.
    event ExclusivityGroupAdmissionChanged(uint32 indexed groupId, address indexed charity, bool admitted);
    /// @notice Emitted when the regulator changes a group's cap.
    event ExclusivityGroupCapChanged(uint32 indexed groupId, uint8 maxCoverages);
    /// @notice Emitted when a charity creates a programme.
    event ProgrammeCreated(
        uint256 indexed programmeId,
        address indexed charity,
        Layer layer,
        uint8 category,
        address token,
        uint32 indexed groupId,
        uint32 periodLength,
        uint96 capPerPeriod,
        uint40 startsAt,
        uint40 endsAt,
        string metadataCid
    );
    /// @notice Emitted when a programme is paused or unpaused.
    event ProgrammePauseChanged(uint256 indexed programmeId, bool paused, address indexed by);
    /// @notice Emitted when a vendor is allowed or disallowed to redeem in a programme.
    event VendorAllowanceChanged(uint256 indexed programmeId, address indexed vendor, bool allowed);
    /// @notice Emitted when a programme is closed before its planned end.
    event ProgrammeClosed(uint256 indexed programmeId, uint40 endsAt, address indexed by);
    /// @notice Emitted when a period's unredeemed entitlements expire and their value returns to the budget.
    event EntitlementsExpired(uint256 indexed programmeId, uint32 indexed period, uint256 amount);

    /// @notice Creates an exclusivity group bound to a layer, categories and a settlement token.
    /// @dev Requires the regulator, a period, a cap from 1 to `MAX_GROUP_CAP`, a non-empty category mask, a token
    /// and a minimum entitlement. Emits {ExclusivityGroupCreated}.
    function createExclusivityGroup(ExclusivityGroupParams calldata params) external returns (uint32 groupId);

    /// @notice Admits charities to a group, or withdraws their admission. A withdrawn charity's programmes in
    /// the group issue nothing more; what they already issued stays redeemable.
    /// @dev Requires the regulator and a known group; at most `MAX_VENDORS_AT_CREATION` charities per call.
    /// Emits {ExclusivityGroupAdmissionChanged} per charity.
    function setExclusivityGroupAdmission(
        uint32 groupId,
        address[] calldata charities,
        bool admitted
    ) external;

    /// @notice Changes how many coverages per household and period a group allows.
    /// @dev Requires the regulator. Emits {ExclusivityGroupCapChanged}.
    function setExclusivityGroupCap(uint32 groupId, uint8 maxCoverages) external;

    /// @notice Creates a programme run by the caller.
    /// @dev Requires an active charity licence for the layer and category; with a group, the group's layer,
    /// a category in its mask, its token and period, the caller's admission, and a cap no lower than the
    /// group's minimum entitlement. Emits {ProgrammeCreated} and {VendorAllowanceChanged} per vendor.
    function createProgramme(ProgrammeParams calldata params) external returns (uint256 programmeId);

    /// @notice Pauses or unpauses issuance, claims and redemptions of a programme.
    /// @dev Requires the regulator, or the programme's charity with an active licence for its layer and
    /// category. A regulator's pause is lifted only by a regulator (`ProgrammePausedByRegulator`); a regulator
    /// may also take over a pause the charity set. Emits {ProgrammePauseChanged}.
    function setProgrammePaused(uint256 programmeId, bool paused) external;

    /// @notice Allows or disallows vendors to redeem in a programme.
    /// @dev Requires the programme's charity. Emits {VendorAllowanceChanged} per vendor.
    function setVendorsAllowed(uint256 programmeId, address[] calldata vendors, bool allowed) external;

    /// @notice Ends a programme now; unredeemed entitlements expire and unspent gifts can be settled.
    /// @dev Requires the regulator, or the programme's charity with an active licence, and a running
    /// programme. Vendors still collect and donors still settle their gifts afterwards. Emits {ProgrammeClosed}.
    function closeProgramme(uint256 programmeId) external;

    /// @notice Releases the value of expired entitlements back to the budget.
    /// @dev Anyone may call. Emits {EntitlementsExpired} if anything expired.
    function releaseExpired(uint256 programmeId) external;

    /// @notice A programme's parameters.
    function programme(uint256 programmeId) external view returns (Programme memory);

    /// @notice A programme's money.
    function fundsOf(uint256 programmeId) external view returns (Funds memory);

    /// @notice Whether `vendor` may redeem in the programme (its licence is checked separately).
    function isVendorAllowed(uint256 programmeId, address vendor) external view returns (bool);

    /// @notice An exclusivity group (all zero for an unknown id).
    function exclusivityGroup(uint32 groupId) external view returns (ExclusivityGroup memory);

    /// @notice Whether the regulator admitted `charity` to the group.
    function isAdmittedToGroup(uint32 groupId, address charity) external view returns (bool);

    /// @notice The programme's current period index: `block.timestamp / periodLength`.
    function currentPeriod(uint256 programmeId) external view returns (uint32);

    /// @notice How many programmes exist; ids run from 1 to this number.
    function programmeCount() external view returns (uint256);
}
