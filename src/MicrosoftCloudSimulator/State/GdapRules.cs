namespace MicrosoftCloudSimulator.State;

/// <summary>
/// The terms Graph accepts for a GDAP relationship, checked independently of the product's own rules (the simulator's
/// point): learn.microsoft.com/graph/api/tenantrelationship-post-delegatedadminrelationships and
/// learn.microsoft.com/partner-center/customers/gdap-introduction (at most two years; auto-extend 180 days or none;
/// never with Global Administrator).
/// </summary>
public static class GdapRules
{
    public const string DurationRule = "The duration must be between P1D and P2Y (730 days).";
    public const string AutoExtendRule = "The autoExtendDuration must be one of PT0S, P0D or P180D.";
    public const string GlobalAdministratorRule = "A relationship that includes the Global Administrator role cannot be auto-extended.";

    static readonly TimeSpan MaxDuration = TimeSpan.FromDays(730);

    /// <summary>A duration read from the wire (null when missing or not an ISO 8601 duration).</summary>
    public static Refusal? CheckDuration(TimeSpan? duration) =>
        duration is { } d && d >= TimeSpan.FromDays(1) && d <= MaxDuration ? null : Refusal.BadRequest(DurationRule);

    /// <summary>An auto-extend duration read from the wire (null when not an ISO 8601 duration).</summary>
    public static Refusal? CheckAutoExtend(TimeSpan? autoExtend) =>
        autoExtend == TimeSpan.Zero || autoExtend == TimeSpan.FromDays(180) ? null : Refusal.BadRequest(AutoExtendRule);

    public static Refusal? CheckGlobalAdministrator(TimeSpan autoExtend, IEnumerable<Guid> roles) =>
        autoExtend != TimeSpan.Zero && roles.Contains(DirectoryRoles.GlobalAdministrator) ? Refusal.BadRequest(GlobalAdministratorRule) : null;

    public static Refusal? CheckName(string? name, IEnumerable<Relationship> existing) =>
        string.IsNullOrWhiteSpace(name) || name.Length > 50 ? Refusal.BadRequest("The displayName is required and must be at most 50 characters.")
        : existing.Any(r => string.Equals(r.DisplayName, name, StringComparison.OrdinalIgnoreCase))
            ? Refusal.Conflict($"A relationship with the display name '{name}' already exists. The display name must be unique across the partner's relationships.")
            : null;
}
