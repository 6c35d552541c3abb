using BundleFunctions.Gdap;
using BundleFunctions.Ports;
using Microsoft.DurableTask;

namespace BundleFunctions.Activities;

/// <summary>The IDs of the partner's active relationships that include Global Administrator: what <c>"all": true</c> means.</summary>
/// <param name="relationships">The partner's relationships.</param>
public sealed class FindGlobalAdministratorRelationshipsActivity(IGdapRelationships relationships) : TaskActivity<Guid, IReadOnlyList<string>>
{
    /// <inheritdoc />
    public override async Task<IReadOnlyList<string>> RunAsync(TaskActivityContext context, Guid partnerTenantId) =>
        [.. (await relationships.ListAsync(CancellationToken.None))
            .Where(r => r.Status == RelationshipStatus.Active && GlobalAdministratorRemoval.Includes(r))
            .Select(r => r.Id)];
}
