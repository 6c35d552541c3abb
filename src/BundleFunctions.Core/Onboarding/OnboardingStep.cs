namespace BundleFunctions.Onboarding;

/// <summary>The eleven steps of a GDAP onboarding, in the order they run.</summary>
public enum OnboardingStep
{
    /// <summary>The request obeys the GDAP rules.</summary>
    Validate = 1,

    /// <summary>The twelve partner groups exist with the service account in each.</summary>
    EnsurePartnerGroups,

    /// <summary>The relationship exists (found by name or created) and is locked for approval.</summary>
    CreateRelationship,

    /// <summary>The approval link is stored and announced.</summary>
    PublishInvitation,

    /// <summary>The customer approved and the relationship is active.</summary>
    AwaitCustomerApproval,

    /// <summary>The relationship carries every role the template asks for.</summary>
    VerifyRelationshipRoles,

    /// <summary>One access assignment per group, one role each.</summary>
    CreateAccessAssignments,

    /// <summary>No assignment is pending any more.</summary>
    AwaitAssignmentsActive,

    /// <summary>The application is consented into the customer tenant.</summary>
    ConsentApplication,

    /// <summary>API access into the customer tenant works (green shield) or the missing pieces are named (blue shield).</summary>
    VerifyAccess,

    /// <summary>
    /// A migration only: the relationships the new one replaces (Global Administrator, missing roles) are ended, once the new
    /// one gives green access. An onboarding that replaces nothing skips it.
    /// </summary>
    EndReplacedRelationships,
}
