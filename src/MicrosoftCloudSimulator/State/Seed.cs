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
    List<SeedPolicy>? ConditionalAccessPolicies = null,
    List<SeedRelationship>? Relationships = null,
    List<SeedServicePrincipal>? ServicePrincipals = null)
{
    public Tenant ToTenant(bool isPartner, DateTimeOffset now)
    {
        Tenant tenant = new() { Id = this.TenantId, DisplayName = this.DisplayName, Domain = this.Domain, IsPartner = isPartner, Licenses = this.Licenses ?? [] };
        foreach (SeedUser user in this.Users ?? [])
        {
            tenant.Users[user.Id] = new User { Id = user.Id, UserPrincipalName = user.UserPrincipalName, DisplayName = user.DisplayName, MfaEnforced = user.MfaEnforced, RefreshToken = user.RefreshToken };
            tenant.Users[user.Id].DirectoryRoles.UnionWith(user.DirectoryRoles ?? []);
        }

        foreach (SeedServicePrincipal sp in this.ServicePrincipals ?? [])
        {
            ServicePrincipal created = new() { Id = sp.Id, AppId = sp.AppId, DisplayName = sp.DisplayName, PublishedScopes = sp.PublishedScopes ?? [] };
            tenant.ServicePrincipals[created.Id] = created;
        }

        foreach (SeedGroup seeded in this.Groups ?? [])
        {
            Group group = new() { Id = seeded.Id, DisplayName = seeded.DisplayName, MailNickname = seeded.MailNickname ?? seeded.DisplayName.Replace(" ", string.Empty, StringComparison.Ordinal), CreatedDateTime = DateTimeOffset.UnixEpoch };
            group.Members.UnionWith(seeded.Members ?? []);
            tenant.Groups[group.Id] = group;
        }

        foreach (SeedApp app in this.Apps ?? [])
        {
            tenant.Apps[app.AppId] = new AppRegistration
            {
                AppId = app.AppId,
                DisplayName = app.DisplayName,
                ClientSecret = app.ClientSecret,
                Roles = app.Roles ?? [],
                DelegatedScopes = app.DelegatedScopes ?? [],
                SecretEndDateTime = now.AddDays(app.SecretExpiresInDays),
                DefinedAppRoles = app.AppRoles ?? [],
            };
            tenant.Apps[app.AppId].RedirectUris.AddRange(app.RedirectUris ?? []);
            foreach ((string principal, List<string> roles) in app.RoleAssignments ?? [])
            {
                // A user by sign-in name becomes its object ID, as appRoleAssignedTo names principals.
                Guid id = tenant.Users.Values.FirstOrDefault(u => string.Equals(u.UserPrincipalName, principal, StringComparison.OrdinalIgnoreCase))?.Id ?? Guid.Parse(principal);
                tenant.Apps[app.AppId].RoleAssignments[id] = [.. roles.Where(r => (app.AppRoles ?? []).Contains(r))];
            }
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

/// <summary>
/// A GDAP relationship the customer already has with the partner when the simulation starts — made by hand, by another
/// tool, or by Microsoft's DAP-to-GDAP transition (<c>MLT_…</c>) — in status <c>active</c> unless said otherwise.
/// </summary>
/// <param name="DisplayName">Its name (unique across the partner's relationships, as Graph requires).</param>
/// <param name="Roles">The role template IDs it grants.</param>
/// <param name="DaysLeft">Days until its end date, from the simulation's start.</param>
/// <param name="DurationDays">Its duration (at most 730, as Graph allows).</param>
/// <param name="AutoExtend">Whether it renews itself by 180 days (Graph's only auto-extend duration; never with Global Administrator).</param>
/// <param name="Status">Its status: <c>active</c>, or a later one (<c>expired</c>, <c>terminated</c>).</param>
public sealed record SeedRelationship(string DisplayName, List<Guid> Roles, int DaysLeft, int DurationDays = 730, bool AutoExtend = false, string Status = RelationshipStatuses.Active)
{
    /// <summary>The relationship in state, on <paramref name="partner"/>'s side.</summary>
    /// <param name="partner">The partner tenant.</param>
    /// <param name="customer">The customer tenant.</param>
    /// <param name="now">The simulation's start.</param>
    /// <returns>The relationship.</returns>
    public Relationship ToRelationship(Tenant partner, Tenant customer, DateTimeOffset now)
    {
        if (this.DurationDays is < 1 or > 730 || this.DaysLeft > this.DurationDays || (this.AutoExtend && this.Roles.Contains(DirectoryRoles.GlobalAdministrator)))
        {
            // The same rules Graph applies at creation (learn.microsoft.com/graph/api/resources/delegatedadminrelationship):
            // a seed may not hold a relationship Microsoft would never have made.
            throw new InvalidOperationException($"Seeded relationship '{this.DisplayName}' breaks Graph's rules: duration 1-730 days, days left within it, no auto-extend with Global Administrator.");
        }

        DateTimeOffset end = now.AddDays(this.DaysLeft);
        DateTimeOffset activated = end.AddDays(-this.DurationDays);
        return new Relationship
        {
            // Graph's IDs are two GUIDs joined by a hyphen, the second the partner's tenant (as the simulator's creates make them).
            Id = $"{DeterministicGuid(customer.Id, this.DisplayName)}-{partner.Id}",
            DisplayName = this.DisplayName,
            Duration = TimeSpan.FromDays(this.DurationDays),
            AutoExtendDuration = this.AutoExtend ? TimeSpan.FromDays(180) : TimeSpan.Zero,
            CustomerTenantId = customer.Id,
            CustomerDisplayName = customer.DisplayName,
            Roles = [.. this.Roles],
            Status = this.Status,
            CreatedDateTime = activated.AddDays(-1),
            LastModifiedDateTime = activated,
            ActivatedDateTime = activated,
            EndDateTime = end,
            StatusSince = this.Status == RelationshipStatuses.Active ? activated : end,
        };
    }

    static Guid DeterministicGuid(Guid customer, string name)
    {
        byte[] hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{customer:N}|{name}"));
        hash[7] = (byte)((hash[7] & 0x0F) | 0x40); // version 4 layout, so it reads as any Graph GUID
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16));
    }
}

/// <summary>A user in the seed.</summary>
/// <param name="Id">Its object ID.</param>
/// <param name="UserPrincipalName">Its sign-in name.</param>
/// <param name="DisplayName">Its name.</param>
/// <param name="MfaEnforced">Whether its sign-ins (and so the refresh token's) used multi-factor authentication.</param>
/// <param name="RefreshToken">A refresh token standing for its interactive sign-in.</param>
/// <param name="DirectoryRoles">Entra role template IDs it holds in its own tenant (e.g. Global Administrator).</param>
public sealed record SeedUser(Guid Id, string UserPrincipalName, string DisplayName, bool MfaEnforced = true, string? RefreshToken = null, List<Guid>? DirectoryRoles = null);

/// <summary>A service principal in the seed: an app present in the tenant (e.g. Partner Customer Delegated Administration in the partner's).</summary>
/// <param name="Id">Its object ID.</param>
/// <param name="AppId">The app it stands for.</param>
/// <param name="DisplayName">Its name.</param>
/// <param name="PublishedScopes">For an API (Microsoft Graph, Exchange Online, …): the delegated permissions it publishes.</param>
public sealed record SeedServicePrincipal(Guid Id, Guid AppId, string DisplayName, List<string>? PublishedScopes = null);

/// <summary>A group in the seed (e.g. AdminAgents).</summary>
public sealed record SeedGroup(Guid Id, string DisplayName, string? MailNickname = null, List<Guid>? Members = null);

/// <summary>An app registration in the seed.</summary>
/// <param name="AppId">Its client ID.</param>
/// <param name="DisplayName">Its name.</param>
/// <param name="ClientSecret">Its (fake) client secret.</param>
/// <param name="Roles">Application permissions admin-consented in its home tenant.</param>
/// <param name="DelegatedScopes">Delegated permissions admin-consented in its home tenant, by token audience.</param>
/// <param name="SecretExpiresInDays">Days from the simulation's start until the secret expires.</param>
/// <param name="RedirectUris">Its registered redirect URIs (an admin-consent request must name one exactly).</param>
/// <param name="AppRoles">For an API: the app roles it defines (e.g. <c>BundleFunctions.Operator</c>).</param>
/// <param name="RoleAssignments">For an API: who holds which of its roles, by user principal name or client app ID.</param>
public sealed record SeedApp(
    Guid AppId,
    string DisplayName,
    string ClientSecret,
    List<string>? Roles = null,
    Dictionary<string, List<string>>? DelegatedScopes = null,
    int SecretExpiresInDays = 365,
    List<string>? RedirectUris = null,
    List<string>? AppRoles = null,
    Dictionary<string, List<string>>? RoleAssignments = null);

/// <summary>A Conditional Access policy in the seed.</summary>
public sealed record SeedPolicy(Guid Id, string DisplayName, string? State = null, string? ExcludeGuestOrExternalUserTypes = null);
