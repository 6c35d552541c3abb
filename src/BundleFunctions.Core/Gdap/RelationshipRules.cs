namespace BundleFunctions.Gdap;

/// <summary>
/// The rules Graph enforces on <c>delegatedAdminRelationship</c>, checked before anything is sent so that a bad request
/// fails at once with every reason listed, instead of one 400 at a time from Microsoft.
/// </summary>
public static class RelationshipRules
{
    /// <summary>Graph's limit on <c>displayName</c>.</summary>
    public const int MaxDisplayNameLength = 50;

    /// <summary>The shortest relationship Graph accepts (<c>P1D</c>).</summary>
    public static readonly TimeSpan MinDuration = TimeSpan.FromDays(1);

    /// <summary>The longest relationship Graph accepts (<c>P730D</c>, two years).</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(730);

    /// <summary>The duration used when the caller names none.</summary>
    public static readonly TimeSpan DefaultDuration = MaxDuration;

    /// <summary>The only auto-extend period Graph offers besides none (<c>P180D</c>).</summary>
    public static readonly TimeSpan AutoExtendPeriod = TimeSpan.FromDays(180);

    /// <summary>Checks a request against every rule.</summary>
    /// <param name="request">The request.</param>
    /// <returns>Every violation found, in field order.</returns>
    public static IReadOnlyList<RuleViolation> Check(RelationshipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        List<RuleViolation> violations = [];

        CheckDisplayName(request.DisplayName, violations);
        CheckDuration(request.Duration, violations);
        CheckAutoExtend(request, violations);
        CheckRoles(request.RoleTemplateIds, violations);

        if (request.CustomerTenantId == Guid.Empty)
        {
            violations.Add(new("customerTenantId", "The customer tenant ID is required and must be a GUID other than all zeros."));
        }

        return violations;
    }

    static void CheckDisplayName(string? name, List<RuleViolation> violations)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            violations.Add(new("relationshipName", "The relationship name is required."));
            return;
        }

        if (name.Length > MaxDisplayNameLength)
        {
            violations.Add(new("relationshipName", $"The relationship name is {name.Length} characters long; Microsoft allows at most {MaxDisplayNameLength}."));
        }

        if (name != name.Trim())
        {
            violations.Add(new("relationshipName", "The relationship name must not start or end with white space."));
        }

        if (Onboarding.DisplayText.FirstHiddenCharacter(name) is { } hidden)
        {
            violations.Add(new("relationshipName", $"The relationship name contains {hidden}, a control, format or bidirectional character that does not show: remove it."));
        }
    }

    /// <summary>The violation of a duration outside <see cref="MinDuration"/>–<see cref="MaxDuration"/>.</summary>
    /// <param name="asked">What was asked for, as the caller words it (e.g. "900 days").</param>
    /// <returns>The violation.</returns>
    public static RuleViolation DurationOutOfRange(string asked) =>
        new("durationDays", $"The duration must be from {MinDuration.TotalDays:0} to {MaxDuration.TotalDays:0} days; {asked} was asked for.");

    static void CheckDuration(TimeSpan duration, List<RuleViolation> violations)
    {
        if (duration < MinDuration || duration > MaxDuration)
        {
            violations.Add(DurationOutOfRange(DescribeDays(duration)));
        }
        else if (duration.Ticks % TimeSpan.TicksPerDay != 0)
        {
            violations.Add(new("durationDays", "The duration must be a whole number of days."));
        }
    }

    static void CheckAutoExtend(RelationshipRequest request, List<RuleViolation> violations)
    {
        if (request.AutoExtendDuration != TimeSpan.Zero && request.AutoExtendDuration != AutoExtendPeriod)
        {
            violations.Add(new("autoExtend", $"Auto-extend is either off (PT0S) or {AutoExtendPeriod.TotalDays:0} days (P180D); {DescribeDays(request.AutoExtendDuration)} was asked for."));
        }
        else if (request.AutoExtendDuration != TimeSpan.Zero && request.IncludesGlobalAdministrator)
        {
            violations.Add(new("autoExtend", "A relationship that includes Global Administrator cannot auto-extend: turn auto-extend off or remove Global Administrator."));
        }
    }

    static void CheckRoles(IReadOnlyList<Guid>? roles, List<RuleViolation> violations)
    {
        if (roles is null || roles.Count == 0)
        {
            violations.Add(new("roles", "At least one role is required."));
            return;
        }

        foreach (Guid unknown in roles.Where(id => !RoleCatalog.TryFind(id, out _)).Distinct())
        {
            violations.Add(new("roles", $"Role template ID {unknown} is not a known Entra role; use the template ID of a built-in role."));
        }

        foreach (Guid repeated in roles.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            violations.Add(new("roles", $"{RoleCatalog.NameOf(repeated)} is listed more than once."));
        }
    }

    static string DescribeDays(TimeSpan value) =>
        value.Ticks % TimeSpan.TicksPerDay == 0 ? $"{value.TotalDays:0} days" : value.ToString();
}
