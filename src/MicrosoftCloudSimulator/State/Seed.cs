namespace MicrosoftCloudSimulator.State;

/// <summary>The seed file: the partner tenant and the customers.</summary>
public sealed record Seed(SeedTenant Partner, List<SeedTenant> Customers);

/// <summary>One tenant in the seed.</summary>
public sealed record SeedTenant(
    Guid TenantId,
    string DisplayName,
    string Domain,
    List<SeedUser>? Users = null,
    List<SeedGroup>? Groups = null,
    List<SeedApp>? Apps = null,
    List<string>? Licenses = null,
    List<SeedPolicy>? ConditionalAccessPolicies = null)
{
    public Tenant ToTenant(bool isPartner)
    {
        Tenant tenant = new() { Id = this.TenantId, DisplayName = this.DisplayName, Domain = this.Domain, IsPartner = isPartner, Licenses = this.Licenses ?? [] };
        foreach (SeedUser user in this.Users ?? [])
        {
            tenant.Users[user.Id] = new User { Id = user.Id, UserPrincipalName = user.UserPrincipalName, DisplayName = user.DisplayName, MfaEnforced = user.MfaEnforced, RefreshToken = user.RefreshToken };
        }

        foreach (SeedGroup seeded in this.Groups ?? [])
        {
            Group group = new() { Id = seeded.Id, DisplayName = seeded.DisplayName, MailNickname = seeded.MailNickname ?? seeded.DisplayName.Replace(" ", string.Empty, StringComparison.Ordinal), CreatedDateTime = DateTimeOffset.UnixEpoch };
            group.Members.UnionWith(seeded.Members ?? []);
            tenant.Groups[group.Id] = group;
        }

        foreach (SeedApp app in this.Apps ?? [])
        {
            tenant.Apps[app.AppId] = new AppRegistration { AppId = app.AppId, DisplayName = app.DisplayName, ClientSecret = app.ClientSecret, Roles = app.Roles ?? [], DelegatedScopes = app.DelegatedScopes ?? [] };
        }

        // A seeded refresh token stands for an interactive sign-in to the tenant's (first) app: it is bound to that client.
        foreach (User user in tenant.Users.Values)
        {
            user.RefreshTokenClientId = this.Apps?.FirstOrDefault()?.AppId ?? Guid.Empty;
        }

        foreach (SeedPolicy policy in this.ConditionalAccessPolicies ?? [])
        {
            tenant.Policies[policy.Id] = new ConditionalAccessPolicy
            {
                Id = policy.Id,
                DisplayName = policy.DisplayName,
                State = policy.State ?? "enabled",
                ExcludeGuestOrExternalUserTypes = policy.ExcludeGuestOrExternalUserTypes,
            };
        }

        return tenant;
    }
}

/// <summary>A user in the seed.</summary>
public sealed record SeedUser(Guid Id, string UserPrincipalName, string DisplayName, bool MfaEnforced = true, string? RefreshToken = null);

/// <summary>A group in the seed (e.g. AdminAgents).</summary>
public sealed record SeedGroup(Guid Id, string DisplayName, string? MailNickname = null, List<Guid>? Members = null);

/// <summary>An app registration in the seed.</summary>
public sealed record SeedApp(Guid AppId, string DisplayName, string ClientSecret, List<string>? Roles = null, Dictionary<string, List<string>>? DelegatedScopes = null);

/// <summary>A Conditional Access policy in the seed.</summary>
public sealed record SeedPolicy(Guid Id, string DisplayName, string? State = null, string? ExcludeGuestOrExternalUserTypes = null);
