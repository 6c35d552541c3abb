namespace BundleFunctions.Gdap;

/// <summary>The link a customer's Global Administrator opens to approve a GDAP relationship.</summary>
public static class ApprovalLink
{
    /// <summary>The Microsoft 365 admin center page that shows a partner's relationship request.</summary>
    public const string Prefix = "https://admin.microsoft.com/AdminPortal/Home#/partners/invitation/granularAdminRelationships/";

    /// <summary>Builds the approval link from the <em>relationship</em> ID (not the lock request's ID), as Partner Center does.</summary>
    /// <param name="relationshipId">The relationship.</param>
    /// <returns>The absolute link.</returns>
    public static Uri For(RelationshipId relationshipId) => new(Prefix + relationshipId.Value);
}
