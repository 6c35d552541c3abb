using BundleFunctions.Onboarding;

namespace BundleFunctions.Api;

/// <summary>The body of <c>POST /api/onboardings</c>, read leniently so every problem can be reported, not just the first.</summary>
public sealed record StartOnboardingBody(
    string? CustomerTenantId,
    string? CustomerName,
    string? CustomerDomain = null,
    string? OrganizationId = null,
    string? RelationshipName = null,
    int? DurationDays = null,
    bool? AutoExtend = null,
    IReadOnlyList<string>? Roles = null,
    string? AdoptRelationshipId = null,
    IReadOnlyList<string>? ReplacesRelationshipIds = null,
    string? Path = null)
{
    /// <summary>The most role IDs a request may list (Entra has fewer built-in roles than this).</summary>
    public const int MaxRoles = 100;

    /// <summary>The domain request, and the problems found reading it.</summary>
    public (OnboardingRequest? Request, Dictionary<string, string[]> Errors) ToRequest()
    {
        Dictionary<string, string[]> errors = [];
        if (!Guid.TryParse(this.CustomerTenantId, out Guid tenant) || tenant == Guid.Empty)
        {
            errors["customerTenantId"] = [$"The customer tenant ID must be a GUID; '{this.CustomerTenantId}' is not one."];
        }

        List<Guid>? roles = null;
        if (this.Roles is { Count: > MaxRoles })
        {
            errors["roles"] = [$"At most {MaxRoles} roles may be listed; {this.Roles.Count} were."];
        }
        else if (this.Roles is not null)
        {
            roles = [];
            foreach (string role in this.Roles)
            {
                if (Guid.TryParse(role, out Guid id))
                {
                    roles.Add(id);
                }
                else
                {
                    errors["roles"] = [.. errors.GetValueOrDefault("roles", []), $"'{role}' is not a role template ID (a GUID)."];
                }
            }
        }

        OnboardingPath path = OnboardingPath.Gdap;
        if (this.Path is { } named)
        {
            OnboardingPath[] known = [.. Enum.GetValues<OnboardingPath>().Where(p => WireName.Of(p) == named)];
            if (known.Length == 1)
            {
                path = known[0];
            }
            else
            {
                errors["path"] = [$"'{named}' is not an onboarding path: gdap (the default) or enterpriseApp."];
            }
        }

        return (new OnboardingRequest(tenant, this.CustomerName ?? string.Empty, this.CustomerDomain, this.OrganizationId, this.RelationshipName, this.DurationDays, this.AutoExtend, roles, this.AdoptRelationshipId, this.ReplacesRelationshipIds, path), errors);
    }
}
