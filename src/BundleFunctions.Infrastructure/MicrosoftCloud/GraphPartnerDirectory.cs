using BundleFunctions.Gdap;
using BundleFunctions.Ports;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace BundleFunctions.Infrastructure.MicrosoftCloud;

/// <summary>The partner's role groups in Entra ID, found by exact name or created, with the service account in each.</summary>
public sealed class GraphPartnerDirectory : IPartnerDirectory
{
    readonly MicrosoftCloudConnection connection;
    readonly Lazy<Task<string>> serviceAccountId;

    /// <summary>Initializes a new instance of the <see cref="GraphPartnerDirectory"/> class.</summary>
    /// <param name="connection">The Microsoft cloud connection.</param>
    public GraphPartnerDirectory(MicrosoftCloudConnection connection)
    {
        this.connection = connection;
        this.serviceAccountId = new(this.FindServiceAccountAsync);
    }

    GraphServiceClient Graph => this.connection.GraphFor(this.connection.Options.PartnerTenantId);

    /// <inheritdoc />
    public async Task<PartnerGroup> EnsureRoleGroupAsync(PartnerGroupName name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        string memberId = await this.serviceAccountId.Value;
        Group? group = await this.FindAsync(name.DisplayName, cancellationToken);
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

        bool added = await this.connection.Resilience.UntilReplicatedAsync(() => this.AddMemberAsync(group!.Id!, memberId, cancellationToken), cancellationToken);
        return new PartnerGroup(group!.Id!, name.DisplayName, created, added);
    }

    async Task<Group?> FindAsync(string displayName, CancellationToken cancellationToken)
    {
        GroupCollectionResponse? found = await GraphErrors.Explain($"Looking up the group '{displayName}'", () => this.Graph.Groups.GetAsync(
            r =>
            {
                r.QueryParameters.Filter = $"displayName eq '{displayName.Replace("'", "''", StringComparison.Ordinal)}'";
                r.QueryParameters.Select = ["id", "displayName", "createdDateTime"];
                r.QueryParameters.Top = 999;
            },
            cancellationToken));

        // Entra allows duplicate names: the oldest one is the group, so every run picks the same.
        return found?.Value?.Where(g => g.DisplayName == displayName).OrderBy(g => g.CreatedDateTime).FirstOrDefault();
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

    async Task<string> FindServiceAccountAsync()
    {
        string upn = this.connection.Options.ServiceAccountUserPrincipalName
            ?? throw new StepFailedException("MicrosoftCloud:ServiceAccountUserPrincipalName is not configured: name the partner's service account.");
        User? user = await GraphErrors.Explain($"Looking up the service account '{upn}'", () => this.Graph.Users[upn].GetAsync(r => r.QueryParameters.Select = ["id"]));
        return user?.Id ?? throw new StepFailedException($"The service account '{upn}' does not exist in the partner tenant.");
    }
}
