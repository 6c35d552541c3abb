using MicrosoftCloudSimulator.State;

namespace MicrosoftCloudSimulator.Control;

/// <summary>The simulated cloud as plain JSON for <c>/_sim/state</c>: what tests assert on after a run.</summary>
public static class StateDump
{
    public static object Of(SimulatedCloud cloud) => new
    {
        now = cloud.Clock.UtcNow,
        partner = Tenant(cloud.Partner),
        customers = cloud.Tenants.Values.Where(t => !t.IsPartner).Select(Tenant),
        relationships = cloud.Relationships.Select(r => new
        {
            r.Id,
            r.DisplayName,
            r.Status,
            duration = System.Xml.XmlConvert.ToString(r.Duration),
            autoExtendDuration = System.Xml.XmlConvert.ToString(r.AutoExtendDuration),
            r.CustomerTenantId,
            roles = r.Roles,
            r.CreatedDateTime,
            r.ActivatedDateTime,
            r.EndDateTime,
            accessAssignments = r.AccessAssignments.Select(a => new { a.Id, a.GroupId, a.Status, roles = a.Roles, a.CreatedDateTime }),
            requests = r.Requests.Select(q => new { q.Id, q.Action, q.Status }),
        }),
        consents = cloud.Consents.Select(c => new { c.CustomerTenantId, c.ApplicationId, c.DisplayName, grants = c.Grants.Select(g => new { enterpriseApplicationId = g.EnterpriseApplicationId, scope = g.Scope }) }),
        webhook = cloud.Webhook,
    };

    static object Tenant(Tenant t) => new
    {
        tenantId = t.Id,
        t.DisplayName,
        t.Domain,
        users = t.Users.Values.Select(u => new { u.Id, u.UserPrincipalName, u.DisplayName }),
        groups = t.Groups.Values.Select(g => new { g.Id, g.DisplayName, g.MailNickname, members = g.Members }),
        servicePrincipals = t.ServicePrincipals.Values.Select(sp => new { sp.Id, sp.AppId, sp.DisplayName, appRoles = sp.AppRoles }),
        grants = t.Grants.Values.Select(g => new { g.Id, g.ClientId, g.ResourceId, g.ConsentType, g.Scope }),
        conditionalAccessPolicies = t.Policies.Values.Select(p => new { p.Id, p.DisplayName, p.State, p.ExcludeGuestOrExternalUserTypes }),
    };
}
