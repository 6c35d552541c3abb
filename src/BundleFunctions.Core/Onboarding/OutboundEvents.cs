namespace BundleFunctions.Onboarding;

/// <summary>An event other systems subscribe to (published as a CloudEvent; <see cref="Type"/> is its <c>type</c>).</summary>
/// <param name="Type">E.g. <c>onboarding.completed</c>.</param>
/// <param name="OnboardingId">The onboarding it is about (the CloudEvent <c>subject</c>).</param>
/// <param name="Time">When it happened.</param>
/// <param name="Data">The payload: small, and never a secret.</param>
public sealed record OutboundEvent(string Type, string OnboardingId, DateTimeOffset Time, IReadOnlyDictionary<string, string?> Data);

/// <summary>
/// Which events a change of an onboarding produces, derived from the state before and after it. Pure, so the store can
/// write the events in the same transaction as the change (a transactional outbox): no change without its events.
/// </summary>
public static class OutboundEvents
{
    /// <summary>A new onboarding was accepted.</summary>
    public const string Started = "onboarding.started";

    /// <summary>The approval link is ready to send to the customer.</summary>
    public const string InvitationReady = "onboarding.invitationReady";

    /// <summary>The customer approved the relationship.</summary>
    public const string Approved = "onboarding.approved";

    /// <summary>A step failed; the message says what to fix.</summary>
    public const string StepFailed = "onboarding.stepFailed";

    /// <summary>Every step succeeded.</summary>
    public const string Completed = "onboarding.completed";

    /// <summary>The customer's shield changed colour.</summary>
    public const string ShieldChanged = "customer.shieldChanged";

    /// <summary>A relationship nears its end date.</summary>
    public const string RelationshipExpiring = "relationship.expiring";

    /// <summary>The events between two states of one onboarding.</summary>
    /// <param name="before">The state before, or null for a new onboarding.</param>
    /// <param name="after">The state after.</param>
    /// <param name="at">When the change happened.</param>
    /// <returns>The events, in the order they happened.</returns>
    public static IReadOnlyList<OutboundEvent> Between(OnboardingRecord? before, OnboardingRecord after, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(after);
        List<OutboundEvent> events = [];
        Dictionary<string, string?> Base() => new()
        {
            ["customerTenantId"] = after.Subject.CustomerTenantId.ToString(),
            ["customerName"] = after.Subject.CustomerName,
            ["organizationId"] = after.Subject.OrganizationId,
        };
        void Add(string type, Dictionary<string, string?> data) => events.Add(new OutboundEvent(type, after.Subject.OnboardingId, at, data));

        if (before is null)
        {
            Add(Started, Base());
        }

        if (after.InvitationUrl is not null && before?.InvitationUrl != after.InvitationUrl)
        {
            Dictionary<string, string?> data = Base();
            data["relationshipId"] = after.RelationshipId;
            data["invitationUrl"] = after.InvitationUrl.AbsoluteUri;
            Add(InvitationReady, data);
        }

        if (StatusOf(after, OnboardingStep.AwaitCustomerApproval) == StepStatus.Succeeded && StatusOf(before, OnboardingStep.AwaitCustomerApproval) != StepStatus.Succeeded)
        {
            Dictionary<string, string?> data = Base();
            data["relationshipId"] = after.RelationshipId;
            Add(Approved, data);
        }

        foreach (StepRecord failed in after.Steps.Where(s => s.Status == StepStatus.Failed && StatusOf(before, s.Step) != StepStatus.Failed))
        {
            Dictionary<string, string?> data = Base();
            data["step"] = failed.Step.ToString();
            data["message"] = failed.Message;
            Add(StepFailed, data);
        }

        if (after.Status == OnboardingStatus.Succeeded && before?.Status != OnboardingStatus.Succeeded)
        {
            Add(Completed, Base());
        }

        if (after.Shield != (before?.Shield ?? Shield.None))
        {
            Dictionary<string, string?> data = Base();
            data["from"] = (before?.Shield ?? Shield.None).ToString();
            data["to"] = after.Shield.ToString();
            Add(ShieldChanged, data);
        }

        return events;
    }

    static StepStatus? StatusOf(OnboardingRecord? record, OnboardingStep step) => record?.Steps.FirstOrDefault(s => s.Step == step)?.Status;
}
