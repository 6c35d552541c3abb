using BundleFunctions.Gdap;
using BundleFunctions.Ports;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace BundleFunctions.Infrastructure.MicrosoftCloud;

/// <summary>
/// The partner's role groups in Entra ID, found by exact name or created, with the service account in each — once the
/// service account is known to be ready (it exists and is an Admin Agent). Its memberships are read once per call, so a
/// rerun adds no member it already has.
/// </summary>
/// <param name="connection">The Microsoft cloud connection.</param>
public sealed class GraphPartnerDirectory(MicrosoftCloudConnection connection) : IPartnerDirectory
{
    /// <summary>The partner-tenant group Partner Center keeps for its Admin Agent role.</summary>
    public const string AdminAgentsGroup = "AdminAgents";

    // The account's ID does not change; its memberships can, so they are read on every call.
    string? serviceAccountId;

    GraphServiceClient Graph => connection.GraphFor(connection.Options.PartnerTenantId);

    /// <inheritdoc />
    public async Task<IReadOnlyList<PartnerGroup>> EnsureRoleGroupsAsync(IReadOnlyList<PartnerGroupName> names, Func<CancellationToken, Task<IAsyncDisposable>> exclusively, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exclusively);
        ArgumentNullException.ThrowIfNull(names);
        string upn = connection.Options.ServiceAccountUserPrincipalName
            ?? throw new StepFailedException("MicrosoftCloud__ServiceAccountUserPrincipalName is not set: name the partner's service account (MFA enforced, in AdminAgents), restart, then retry.");
        string memberId = this.serviceAccountId ??= await this.FindServiceAccountAsync(upn, cancellationToken);
        Dictionary<string, string> memberships = await this.MembershipsAsync(memberId, upn, cancellationToken);
        if (!memberships.ContainsValue(AdminAgentsGroup))
        {
            // What CIPP's users hit late and cryptically: GDAP and Partner Center consent fail with "does not have the
            // required permissions" — after the customer has approved. Said here, before anything is created.
            throw new StepFailedException(
                $"The service account '{upn}' is not in {AdminAgentsGroup}: GDAP and Partner Center consent need an Admin Agent. " +
                "Give it the Admin agent role in Partner Center (Account settings → User management), make sure MFA is enforced on it, then retry.");
        }

        // One read finds every role group (their names share a start): a lookup per group would be a dozen more chances to
        // be throttled, per onboarding.
        ILookup<string, Group> existing = await this.RoleGroupsAsync(names, cancellationToken);
        Group?[] found = [.. names.Select(name => Oldest(existing, name))];
        if (found.All(g => g is not null && memberships.ContainsKey(g.Id!)))
        {
            // Everything is in place (every onboarding after the first): nothing to create, so no lease to wait for.
            return [.. names.Zip(found, (name, group) => new PartnerGroup(group!.Id!, name.DisplayName, Created: false, MemberAdded: false))];
        }

        await using IAsyncDisposable held = await exclusively(cancellationToken);

        // Under the lease, read again: another onboarding may have created them while this one waited.
        memberships = await this.MembershipsAsync(memberId, upn, cancellationToken);
        existing = await this.RoleGroupsAsync(names, cancellationToken);

        // Creates one at a time: a throttled tenant is not made worse by a burst.
        List<PartnerGroup> ensured = [];
        foreach (PartnerGroupName name in names)
        {
            ensured.Add(await this.EnsureAsync(name, Oldest(existing, name), memberId, memberships, cancellationToken));
        }

        return ensured;
    }

    /// <summary>Entra allows duplicate names: the oldest one is the group, so every run picks the same.</summary>
    static Group? Oldest(ILookup<string, Group> existing, PartnerGroupName name) => existing[name.DisplayName].OrderBy(g => g.CreatedDateTime).FirstOrDefault();

    async Task<ILookup<string, Group>> RoleGroupsAsync(IReadOnlyList<PartnerGroupName> names, CancellationToken cancellationToken) =>
        (await this.StartingWithAsync(SharedStart(names), cancellationToken)).ToLookup(g => g.DisplayName ?? string.Empty, StringComparer.Ordinal);

    static string SharedStart(IReadOnlyList<PartnerGroupName> names)
    {
        string shared = names.Count == 0 ? string.Empty : names[0].DisplayName;
        foreach (PartnerGroupName name in names)
        {
            int same = 0;
            while (same < shared.Length && same < name.DisplayName.Length && shared[same] == name.DisplayName[same])
            {
                same++;
            }

            shared = shared[..same];
        }

        return shared;
    }

    async Task<PartnerGroup> EnsureAsync(PartnerGroupName name, Group? group, string memberId, Dictionary<string, string> memberships, CancellationToken cancellationToken)
    {
        bool created = group is null;
        group ??= await GraphErrors.Explain($"Creating the group '{name.DisplayName}'", () => this.Graph.Groups.PostAsync(
            new Group
            {
                DisplayName = name.DisplayName,
                MailNickname = name.MailNickname,
                MailEnabled = false,
                SecurityEnabled = true,
                Description = "GDAP access container: carries one Entra role into every customer tenant. Managed by BundleFunctions.",
            },
            cancellationToken: cancellationToken));

        bool added = !memberships.ContainsKey(group!.Id!)
            && await connection.Resilience.UntilReplicatedAsync(() => this.AddMemberAsync(group.Id!, memberId, cancellationToken), cancellationToken);
        return new PartnerGroup(group.Id!, name.DisplayName, created, added);
    }

    async Task<List<Group>> StartingWithAsync(string start, CancellationToken cancellationToken)
    {
        GroupCollectionResponse? first = await GraphErrors.Explain($"Looking up the groups named '{start}…'", () => this.Graph.Groups.GetAsync(
            r =>
            {
                r.QueryParameters.Filter = $"startswith(displayName,'{start.Replace("'", "''", StringComparison.Ordinal)}')";
                r.QueryParameters.Select = ["id", "displayName", "createdDateTime"];
                r.QueryParameters.Top = 999;
            },
            cancellationToken));
        return await GraphPages.AllAsync<Group, GroupCollectionResponse>(this.Graph, first, cancellationToken);
    }

    async Task<bool> AddMemberAsync(string groupId, string memberId, CancellationToken cancellationToken)
    {
        try
        {
            await this.Graph.Groups[groupId].Members.Ref.PostAsync(
                new Microsoft.Graph.Models.ReferenceCreate { OdataId = $"https://graph.microsoft.com/v1.0/directoryObjects/{memberId}" },
                cancellationToken: cancellationToken);
            return true;
        }
        catch (ODataError error) when (error.ResponseStatusCode == 400 && error.Error?.Message?.Contains("already exist", StringComparison.OrdinalIgnoreCase) == true)
        {
            return false;
        }
    }

    async Task<string> FindServiceAccountAsync(string upn, CancellationToken cancellationToken)
    {
        User? user = await GraphErrors.Explain($"Looking up the service account '{upn}'", () => this.Graph.Users[upn].GetAsync(r => r.QueryParameters.Select = ["id"], cancellationToken));
        return user?.Id ?? throw new StepFailedException($"The service account '{upn}' does not exist in the partner tenant.");
    }

    /// <summary>The groups the service account is a direct member of: ID → display name.</summary>
    Task<Dictionary<string, string>> MembershipsAsync(string userId, string upn, CancellationToken cancellationToken) =>
        GraphErrors.Explain($"Reading the groups of '{upn}'", () => GroupsOfAsync(this.Graph, userId, cancellationToken));

    /// <summary>The groups a partner user is a direct member of, every page: ID → display name (AdminAgents among them for an Admin Agent).</summary>
    /// <param name="graph">The partner tenant's Graph client.</param>
    /// <param name="userId">The user's object ID.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The groups.</returns>
    internal static async Task<Dictionary<string, string>> GroupsOfAsync(GraphServiceClient graph, string userId, CancellationToken cancellationToken)
    {
        DirectoryObjectCollectionResponse? first = await graph.Users[userId].MemberOf.GetAsync(r => r.QueryParameters.Top = 999, cancellationToken);
        return (await GraphPages.AllAsync<DirectoryObject, DirectoryObjectCollectionResponse>(graph, first, cancellationToken))
            .OfType<Group>()
            .ToDictionary(g => g.Id!, g => g.DisplayName ?? string.Empty);
    }
}
