using BundleFunctions.Gdap;
using BundleFunctions.Ports;
using Microsoft.DurableTask;

namespace BundleFunctions.Activities;

/// <summary>
/// Makes sure each requested role has its partner group, with the service account as a member — once the partner's
/// setup passes its blocking readiness checks: the first Microsoft-facing step is where an onboarding stops at once, naming
/// the check and its fix, instead of failing later at the step that needed it (consent, after the customer approved). Creating is done by one
/// onboarding at a time per group prefix (find-or-create alone lets simultaneous onboardings all find nothing and all
/// create); finding everything in place, as every onboarding after the first does, takes no lease and waits for nobody.
/// </summary>
/// <param name="directory">The partner directory.</param>
/// <param name="leases">The shared leases.</param>
/// <param name="readiness">The partner's readiness gate.</param>
public sealed class EnsurePartnerGroupsActivity(IPartnerDirectory directory, ILeases leases, IPartnerReadiness readiness) : TaskActivity<PartnerGroupsRequest, PartnerGroupsSummary>
{
    /// <inheritdoc />
    public override async Task<PartnerGroupsSummary> RunAsync(TaskActivityContext context, PartnerGroupsRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await readiness.RequireReadyAsync();

        List<(Guid RoleId, PartnerGroupName Name)> wanted = [];
        foreach (Guid roleId in input.RoleTemplateIds)
        {
            wanted.Add(RoleCatalog.TryFind(roleId, out EntraRole? role)
                ? (roleId, PartnerGroupName.For(input.GroupPrefix, role))
                : throw new StepFailedException($"Role template ID {roleId} is not a known Entra role."));
        }

        IReadOnlyList<PartnerGroup> ensured = await directory.EnsureRoleGroupsAsync(
            [.. wanted.Select(w => w.Name)], cancellationToken => leases.AcquireAsync($"partner-groups-{input.GroupPrefix}", cancellationToken), CancellationToken.None);
        List<RoleGroup> groups = [.. wanted.Zip(ensured, (w, g) => new RoleGroup(w.RoleId, g.GroupId))];
        int created = ensured.Count(g => g.Created), membersAdded = ensured.Count(g => g.MemberAdded);
        return new PartnerGroupsSummary(groups, created, membersAdded);
    }
}

/// <summary>Input of <see cref="EnsurePartnerGroupsActivity"/>.</summary>
/// <param name="GroupPrefix">The group name prefix.</param>
/// <param name="RoleTemplateIds">The roles that need a group.</param>
public sealed record PartnerGroupsRequest(string GroupPrefix, IReadOnlyList<Guid> RoleTemplateIds);

/// <summary>The partner groups, one per role.</summary>
/// <param name="Groups">Role → group.</param>
/// <param name="Created">How many groups had to be created.</param>
/// <param name="MembersAdded">How many memberships had to be added.</param>
public sealed record PartnerGroupsSummary(IReadOnlyList<RoleGroup> Groups, int Created, int MembersAdded)
{
    /// <summary>A one-line account for the step's message.</summary>
    /// <returns>E.g. <c>12 groups ready (3 created, 3 memberships added)</c>.</returns>
    public string Describe() => $"{this.Groups.Count} groups ready ({this.Created} created, {this.MembersAdded} memberships added).";
}

/// <summary>The group that carries one role.</summary>
/// <param name="RoleTemplateId">The role.</param>
/// <param name="GroupId">The group's object ID.</param>
public sealed record RoleGroup(Guid RoleTemplateId, string GroupId);
