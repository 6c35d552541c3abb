using BundleFunctions.Gdap;

namespace BundleFunctions.Onboarding;

/// <summary>
/// What a caller asks for when it starts an onboarding (the body of <c>POST /api/onboardings</c>). Optional fields fall back
/// to the GDAP defaults: the bundle's twelve roles, 730 days, no auto-extend, a name made from the customer's initials.
/// </summary>
/// <param name="CustomerTenantId">The customer's Entra tenant ID.</param>
/// <param name="CustomerName">The customer's name as the MSP knows it.</param>
/// <param name="CustomerDomain">The customer's primary domain, if known.</param>
/// <param name="OrganizationId">The caller's own ID for this customer (PSA/RMM organization), echoed back.</param>
/// <param name="RelationshipName">The relationship's display name; default from the customer name.</param>
/// <param name="DurationDays">Relationship duration in days, 1 to 730; default 730.</param>
/// <param name="AutoExtend">Whether the relationship renews itself by 180 days; not allowed with Global Administrator.</param>
/// <param name="Roles">Role template IDs; default the bundle's twelve.</param>
/// <param name="AdoptRelationshipId">
/// An active relationship the customer already has to adopt instead of requesting a new one (no approval link, no wait for
/// the customer); it must grant the roles asked for.
/// </param>
/// <param name="ReplacesRelationshipIds">
/// A migration: the customer's legacy relationships (Global Administrator, missing roles) that this onboarding replaces.
/// They are ended only once the new relationship gives green access; until then the customer keeps them.
/// </param>
/// <param name="Path">
/// GDAP (the default) or <see cref="OnboardingPath.EnterpriseApp"/>: no relationship, the customer's Global Administrator
/// consents the app through an admin-consent link; nothing that shapes a relationship may be given with it.
/// </param>
public sealed record OnboardingRequest(
    Guid CustomerTenantId,
    string CustomerName,
    string? CustomerDomain = null,
    string? OrganizationId = null,
    string? RelationshipName = null,
    int? DurationDays = null,
    bool? AutoExtend = null,
    IReadOnlyList<Guid>? Roles = null,
    string? AdoptRelationshipId = null,
    IReadOnlyList<string>? ReplacesRelationshipIds = null,
    OnboardingPath Path = OnboardingPath.Gdap)
{
    /// <summary>The longest customer name accepted.</summary>
    public const int MaxCustomerNameLength = 256;

    /// <summary>The most relationships one onboarding may replace.</summary>
    public const int MaxReplacedRelationships = 20;

    /// <summary>The relationship this request asks Microsoft for, with defaults filled in.</summary>
    /// <returns>The relationship request (not yet validated).</returns>
    public RelationshipRequest ToRelationshipRequest() => new(
        DisplayName: this.RelationshipName ?? Gdap.RelationshipName.DefaultFor(this.CustomerName),
        Duration: this.DurationDays is int days ? TimeSpan.FromDays(days) : RelationshipRules.DefaultDuration,
        AutoExtendDuration: this.AutoExtend == true ? RelationshipRules.AutoExtendPeriod : TimeSpan.Zero,
        RoleTemplateIds: this.Roles ?? [.. RoleTemplate.Default.Roles.Select(r => r.TemplateId)],
        CustomerTenantId: this.CustomerTenantId,
        CustomerName: this.CustomerName);

    /// <summary>Who the onboarding <paramref name="onboardingId"/> of this request is for, as every record of it carries.</summary>
    /// <param name="onboardingId">The onboarding's ID.</param>
    /// <param name="partnerTenantId">The partner.</param>
    /// <returns>The subject.</returns>
    public OnboardingSubject SubjectFor(string onboardingId, Guid partnerTenantId) => new(
        onboardingId,
        partnerTenantId,
        this.CustomerTenantId,
        this.CustomerName,
        this.OrganizationId,
        this.Path == OnboardingPath.Gdap ? this.ToRelationshipRequest().RoleTemplateIds : null,
        this.Path);

    /// <summary>Checks the request and the relationship it implies; every violation is reported at once.</summary>
    /// <returns>The violations; empty when the onboarding may start.</returns>
    public IReadOnlyList<RuleViolation> Validate()
    {
        List<RuleViolation> violations = [];
        if (string.IsNullOrWhiteSpace(this.CustomerName))
        {
            violations.Add(new("customerName", "The customer name is required."));
        }
        else if (this.CustomerName.Length > MaxCustomerNameLength)
        {
            violations.Add(new("customerName", $"The customer name must be at most {MaxCustomerNameLength} characters."));
        }
        else if (DisplayText.FirstHiddenCharacter(this.CustomerName) is { } hidden)
        {
            violations.Add(new("customerName", $"The customer name contains {hidden}, a control, format or bidirectional character that does not show: remove it."));
        }

        if (this.CustomerDomain is { } domain && !IsDomainName(domain))
        {
            violations.Add(new("customerDomain", $"'{domain}' is not a domain name (e.g. contoso.onmicrosoft.com)."));
        }

        if (OrganizationIdProblem(this.OrganizationId) is { } organizationProblem)
        {
            violations.Add(new("organizationId", organizationProblem));
        }

        if (this.Path == OnboardingPath.EnterpriseApp)
        {
            // No relationship is made, so nothing that shapes one may be given: silently ignoring it would mislead.
            IEnumerable<string> gdapOnly = this.ShapingFieldsGiven().Concat(Given(
                ("roles", this.Roles is not null), ("adoptRelationshipId", this.AdoptRelationshipId is not null), ("replacesRelationshipIds", this.ReplacesRelationshipIds is not null)));
            violations.AddRange(gdapOnly.Select(field => new RuleViolation(
                field, $"{field} belongs to a GDAP relationship; the enterprise-app path makes none: leave {field} out, or leave path out for GDAP.")));

            return violations;
        }

        if (this.AdoptRelationshipId is { } adopt)
        {
            if (!RelationshipId.TryParse(adopt, out _))
            {
                violations.Add(new("adoptRelationshipId", $"'{adopt}' is not a GDAP relationship ID: letters, digits and hyphens, at most {RelationshipId.MaxLength} characters (Graph's are two GUIDs joined by a hyphen)."));
            }

            violations.AddRange(this.ShapingFieldsGiven().Select(field => new RuleViolation(
                field, $"{field} shapes a new relationship; an adopted relationship keeps its own: leave {field} out, or adoptRelationshipId to request a new one.")));
        }

        if (this.ReplacesRelationshipIds is { } replaced)
        {
            violations.AddRange(ReplacedProblems(replaced, this.AdoptRelationshipId).Select(problem => new RuleViolation("replacesRelationshipIds", problem)));
        }

        if (this.DurationDays is { } days && (days < RelationshipRules.MinDuration.TotalDays || days > RelationshipRules.MaxDuration.TotalDays))
        {
            // Checked here in whole days: a count of days beyond what a TimeSpan holds must be a 400, not an overflow.
            List<RuleViolation> relationship = [.. (this with { DurationDays = null }).ToRelationshipRequest().Validate()];
            relationship.Insert(relationship.Count(v => v.Field == "relationshipName"), RelationshipRules.DurationOutOfRange($"{days} days"));
            violations.AddRange(relationship);
            return violations;
        }

        violations.AddRange(this.ToRelationshipRequest().Validate());
        return violations;
    }

    /// <summary>What is wrong with an organization ID (the MSP's PSA/RMM ID for a customer), or null when it can be stored.</summary>
    /// <param name="organizationId">The ID, or null for none.</param>
    /// <returns>The problem, or null.</returns>
    public static string? OrganizationIdProblem(string? organizationId) => organizationId switch
    {
        null => null,
        { Length: > 128 } => "The organization ID must be at most 128 characters.",
        _ when DisplayText.FirstHiddenCharacter(organizationId) is { } hidden => $"The organization ID contains {hidden}, a control, format or bidirectional character that does not show: remove it.",
        _ => null,
    };

    /// <summary>The fields given that shape a new relationship (adoption and the enterprise-app path take none of them).</summary>
    IEnumerable<string> ShapingFieldsGiven() =>
        Given(("relationshipName", this.RelationshipName is not null), ("durationDays", this.DurationDays is not null), ("autoExtend", this.AutoExtend is not null));

    static IEnumerable<string> Given(params (string Field, bool IsGiven)[] fields) => fields.Where(f => f.IsGiven).Select(f => f.Field);

    static IEnumerable<string> ReplacedProblems(IReadOnlyList<string> replaced, string? adopted)
    {
        if (replaced.Count is 0 or > MaxReplacedRelationships)
        {
            yield return $"Name 1 to {MaxReplacedRelationships} relationships to replace, or leave replacesRelationshipIds out; {replaced.Count} were named.";
        }

        foreach (string id in replaced.Where(id => !RelationshipId.TryParse(id, out _)))
        {
            yield return $"'{id}' is not a GDAP relationship ID.";
        }

        if (adopted is not null && replaced.Contains(adopted, StringComparer.Ordinal))
        {
            yield return $"'{adopted}' cannot be both adopted and replaced: the onboarding would end the relationship it relies on.";
        }
    }

    static bool IsDomainName(string domain) =>
        domain.Length is > 3 and <= 253
        && Uri.CheckHostName(domain) == UriHostNameType.Dns
        && domain.Contains('.', StringComparison.Ordinal);
}
