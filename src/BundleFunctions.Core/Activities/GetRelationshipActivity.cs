using BundleFunctions.Gdap;
using BundleFunctions.Ports;
using Microsoft.DurableTask;

namespace BundleFunctions.Activities;

/// <summary>Reads a relationship's current state (status and roles).</summary>
/// <param name="relationships">The partner's relationships.</param>
public sealed class GetRelationshipActivity(IGdapRelationships relationships) : TaskActivity<string, RelationshipSnapshot?>
{
    /// <inheritdoc />
    public override Task<RelationshipSnapshot?> RunAsync(TaskActivityContext context, string input) =>
        relationships.GetAsync(RelationshipId.Parse(input), CancellationToken.None);
}
